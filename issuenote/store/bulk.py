"""What the per-entry triggers would have written, set once per case for a bulk import.

Import writes a new case's entries with one executemany (store.merge). While
the case is listed in `bulk_cases` (m012), the triggers that keep its derived
rows stand aside for its entries, and this module sets those rows instead,
with set-based SQL, inside the import's transaction: a crash or a refusal
rolls them back with everything else. The result is the notebook the
triggers would have left (tests/test_import_bulk.py compares the two paths
table by table):

- `settle` (per case, while it is listed): activity_at and last_entry_id
  (m007), asked_at and answered_at (m010), and the case's sync revision
  (m006), then takes the case out of the list;
- `flush` (per batch of settled cases): their entries' full-text index rows
  (`index_entries`), written in rowid order so that FTS5 keeps one sorted
  run instead of flushing at every case, and their stats_* rows (m011);
- `hold_merges` and `merge_held` (around the whole import): FTS5 merges the
  index's segments once at the end instead of as they are written.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

from issuenote.store.migrations import (
    _ACTIVITY,
    _ANSWERED,
    _ASKED,
    _LAST_ENTRY,
    _WAITING_KINDS,
    BULK_CASES,
    ENTRY_SEARCH_COLUMNS,
    _indexed,
    _recompute_stats,
    entry_key,
)

# Entries per flush: few enough that the sorted index rows stay small in memory
# (5,000 added 6 MB to an import's peak); past a few hundred, bigger batches are
# no faster per entry (measured at M: 20-30 µs an entry from 1,000 to 7,000).
FLUSH_ENTRIES = 1_000


def begin(conn: sqlite3.Connection, case_id: int) -> None:
    """List the case: the triggers of m012's BULK_ASIDE stand aside for its entries."""
    conn.execute(f"INSERT INTO {BULK_CASES} (case_id) VALUES (?)", (case_id,))


def settle(conn: sqlite3.Connection, case_id: int, case_uuid: str) -> None:
    """Set the case's own derived columns and revision, then take it out of the list.

    The revision: row by row, every entry bumps it once (entries_sync_insert)
    and once more through the case row that entries_activity_insert updates,
    and a contact, escalation or reply not deleted once again through
    entries_waiting_insert's update; each bump is the notebook's highest
    revision plus one. The case's entries are all new (the bulk path's
    condition), so they are the ones counted.
    """
    conn.execute(
        f"UPDATE cases SET activity_at = {_ACTIVITY}, last_entry_id = {_LAST_ENTRY}, "
        f"asked_at = {_ASKED}, answered_at = {_ANSWERED} WHERE id = ?",
        (case_id,),
    )
    conn.execute(
        "UPDATE case_revisions SET revision = "
        "(SELECT max(revision) FROM case_revisions) + "
        "(SELECT 2 * count(*) + "
        f"coalesce(sum(kind IN {_WAITING_KINDS} AND deleted_at IS NULL), 0) "
        "FROM entries WHERE case_id = ?) "
        "WHERE case_uuid = ?",
        (case_id, case_uuid),
    )
    conn.execute(f"DELETE FROM {BULK_CASES} WHERE case_id = ?", (case_id,))


def flush(conn: sqlite3.Connection, case_ids: Sequence[int]) -> None:
    """Index the settled cases' entries (index_entries) and count them in stats_*."""
    if not case_ids:
        return
    cases = _listed(case_ids)
    _index(conn, cases)
    for statement in _recompute_stats(_LISTED):
        conn.execute(statement, cases)


def index_entries(conn: sqlite3.Connection, case_ids: Sequence[int]) -> None:
    """Write the cases' entries into entry_search, in key order, in one statement.

    One statement for the batch: FTS5 writes its pending terms out at every
    statement (each one opens a savepoint), so a statement per entry costs
    as much as the trigger did. SQLite sorts the batch's rows for it, in
    memory during an import: FLUSH_ENTRIES keeps that small.
    """
    if case_ids:
        _index(conn, _listed(case_ids))


# The same SQL text for every batch (the ids are bound): sqlite3 keeps its
# compiled statements, and a new text per batch would keep a new one each time.
_LISTED = "SELECT value FROM json_each(:cases)"


def _listed(case_ids: Sequence[int]) -> dict[str, str]:
    return {"cases": json.dumps([int(case_id) for case_id in case_ids])}


def _index(conn: sqlite3.Connection, cases: dict[str, str]) -> None:
    columns = ", ".join(ENTRY_SEARCH_COLUMNS)
    values = ", ".join(_indexed("entries", column) for column in ENTRY_SEARCH_COLUMNS)
    conn.execute(
        f"INSERT INTO entry_search (rowid, {columns}) "
        f"SELECT {entry_key('entries')} AS key, {values} FROM entries "
        f"WHERE case_id IN ({_LISTED}) ORDER BY key",
        cases,
    )


# FTS5's merge settings for entry_search while an import writes in bulk, and
# SQLite's defaults (a setting never made is not stored).
_HELD_MERGES = {"automerge": 0, "crisismerge": 64, "usermerge": 16}
_DEFAULT_MERGES = {"automerge": 4, "crisismerge": 16, "usermerge": 4}
# Pages of index a 'merge' command writes at most; and how many such commands
# a bulk import may spend per entry it wrote, so that a small import never
# finishes a big merge the notebook had under way.
MERGE_PAGES = 2_000
MERGE_ENTRIES_PER_ROUND = 500
# FTS5 keeps the index's structure (its segments) in this row of entry_search_data.
_STRUCTURE = "SELECT block FROM entry_search_data WHERE id = 10"


def hold_merges(conn: sqlite3.Connection) -> dict[str, str | None]:
    """Stop FTS5 merging entry_search's small segments as they are written; the old settings.

    Every flush writes a small segment, and by default FTS5 merges four of
    a level into one as soon as they are there: a million entries went
    through about five merges each, most of the index's time (39 s of
    entry_search at L). Held, segments pile up (64 at most per level) and
    `merge_held` merges them sixteen at a time once the import is written:
    30 s, and an index in fewer, larger segments. Inside the import's
    transaction: a refusal or a crash puts the settings back with the rest.
    """
    before: dict[str, str | None] = dict.fromkeys(_HELD_MERGES)
    marks = ", ".join("?" * len(_HELD_MERGES))
    for key, value in conn.execute(
        f"SELECT k, v FROM entry_search_config WHERE k IN ({marks})", tuple(_HELD_MERGES)
    ):
        before[key] = value
    for key, value in _HELD_MERGES.items():
        conn.execute("INSERT INTO entry_search (entry_search, rank) VALUES (?, ?)", (key, value))
    return before


def merge_held(conn: sqlite3.Connection, before: dict[str, str | None], entries: int) -> None:
    """Merge the segments the import left (within a budget of `entries`), then put back `before`."""
    for _ in range(1 + entries // MERGE_ENTRIES_PER_ROUND):
        structure = conn.execute(_STRUCTURE).fetchone()
        conn.execute(
            "INSERT INTO entry_search (entry_search, rank) VALUES ('merge', ?)", (MERGE_PAGES,)
        )
        if conn.execute(_STRUCTURE).fetchone() == structure:  # nothing left to merge
            break
    for key, value in before.items():
        setting = _DEFAULT_MERGES[key] if value is None else value
        conn.execute("INSERT INTO entry_search (entry_search, rank) VALUES (?, ?)", (key, setting))
    never_set = [key for key, value in before.items() if value is None]
    if never_set:  # as before the import: no row, SQLite's default
        marks = ", ".join("?" * len(never_set))
        conn.execute(f"DELETE FROM entry_search_config WHERE k IN ({marks})", never_set)
