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
  run instead of flushing at every case (unless they wait for the end, see
  below), and their stats_* rows (m011);
- `hold_merges` and `merge_held` (around the whole import): FTS5 merges the
  index's segments once at the end instead of as they are written;
- `defer_indexes`, `restore_indexes` and `index_in_time_order` (into a
  notebook with no entry and an empty full-text index, once a big import
  is under way): the entries' indexes that rows would reach in random order
  are built once at the end, and so are the full-text rows of the entries
  written since, in key order, instead of batch by batch.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

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


def flush(conn: sqlite3.Connection, case_ids: Sequence[int], *, index: bool = True) -> None:
    """Index the settled cases' entries (index_entries) and count them in stats_*.

    `index` False: their index rows are written at the end (index_in_time_order).
    """
    if not case_ids:
        return
    cases = _listed(case_ids)
    if index:
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


# Entries per statement of index_in_time_order: its rows are sorted in memory.
INDEX_SLICE = 2_000
# Entries an import writes in bulk before it defers the indexes (defer_indexes):
# dropping and building them again changes the schema (every statement is
# compiled again after it), worth it for a big import only.
DEFER_AFTER_ENTRIES = 20_000


def defer_indexes(conn: sqlite3.Connection) -> list[str]:
    """Drop the entries' indexes a bulk import would write all over; their CREATE statements.

    Only for a notebook with no entry and an empty full-text index (the
    caller's condition), once an import has written DEFER_AFTER_ENTRIES,
    inside its transaction: a
    refusal or a crash puts them back with the rest. An import writes
    entries case by case, so an index led by the time (entries_at), a ticket
    or a due date takes each row at a random page. Built once at the end
    (restore_indexes), each is one sort: 1.6 s for the four at a million
    entries. Kept: the unique indexes (a clash is refused as the row comes)
    and those led by case_id (written in order, and read case by case by
    `settle` and the stats). Nothing is dropped where the index could not
    be built within a small memory (sorts_on_disk): it would be built in
    memory.
    """
    with sorts_on_disk(conn) as on_disk:
        if not on_disk:
            return []
    statements = []
    for _seq, name, unique, origin, _partial in conn.execute(
        "PRAGMA index_list(entries)"
    ).fetchall():
        if unique or origin != "c":
            continue
        first = conn.execute("SELECT name FROM pragma_index_info(?)", (name,)).fetchone()
        if first is not None and first[0] == "case_id":
            continue
        (sql,) = conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?", (name,)
        ).fetchone()
        statements.append(sql)
        conn.execute(f'DROP INDEX "{name}"')
    return statements


def restore_indexes(conn: sqlite3.Connection, statements: Sequence[str]) -> None:
    """Build again the indexes defer_indexes dropped, sorting on disk."""
    with sorts_on_disk(conn):
        for sql in statements:
            conn.execute(sql)


@contextmanager
def sorts_on_disk(conn: sqlite3.Connection) -> Iterator[bool]:
    """Let SQLite's sorter spill to temporary files; whether it could.

    An import keeps temporary storage in memory for its statement journals
    (statement_journals_in_memory), and with it SQLite sorts in memory
    whatever the size: building an index on a million entries took 78 MB
    where on disk it takes 19 MB. The statement journals keep the mode the
    transaction began with; the sorter reads it at each statement. SQLite
    refuses the change once the connection's temporary database is open (a
    temporary table was made): then False.
    """
    before = int(conn.execute("PRAGMA temp_store").fetchone()[0])
    try:
        conn.execute("PRAGMA temp_store = FILE")
    except sqlite3.OperationalError:
        yield False
        return
    try:
        yield True
    finally:
        conn.execute(f"PRAGMA temp_store = {before}")


def index_is_empty(conn: sqlite3.Connection) -> bool:
    """Whether entry_search holds no segment at all (FTS5 lists each in entry_search_idx).

    Not the same as no entry: the segments of a deleted entry keep its words
    until FTS5 merges them away.
    """
    return conn.execute("SELECT 1 FROM entry_search_idx LIMIT 1").fetchone() is None


_SECURE_DELETE = {0: "OFF", 1: "ON", 2: "FAST"}


@contextmanager
def freed_pages_not_wiped(conn: sqlite3.Connection) -> Iterator[None]:
    """Let SQLite leave the pages it frees as they are (secure_delete FAST), then put it back.

    Some builds of SQLite (Debian's) wipe every page they free. Writing a
    million entries' index, FTS5 frees its small segments as it merges them,
    and each page wiped is a page the statement journal keeps, in memory
    during an import: the import of a million entries peaked at 69 MB, and
    at 42 MB with the pages left unwiped. For the import into a notebook
    whose index was empty only (the caller's condition): the pages then freed
    hold words of entries written by this import, never of an entry deleted
    before it. If one of those entries is deleted later, copies of its words
    may stay on free pages until SQLite reuses them, as they stay in FTS5's
    own segments until they are merged: no release of issuenote has promised
    to wipe a deleted entry from the file.
    """
    before = int(conn.execute("PRAGMA secure_delete").fetchone()[0])
    conn.execute("PRAGMA secure_delete = FAST")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA secure_delete = {_SECURE_DELETE.get(before, 'ON')}")


def index_in_time_order(conn: sqlite3.Connection, case_ids: Sequence[int] | None) -> None:
    """Write the full-text index rows of the cases' entries (None: of all entries) in key order.

    The index is keyed by the entry's minute, then its id (search reads it
    newest first). Written batch by batch as the cases come, each batch's
    segment spans every month of the notebook, and FTS5 interleaves them all
    as it merges (39-53 s at a million entries). Here the rows come minute
    range by minute range along entries_at, each range sorted in memory
    (about INDEX_SLICE rows), so the keys only rise and each segment follows
    the last: 23-26 s. A range ends on a minute, so no minute's keys are
    split between two ranges.
    """
    columns = ", ".join(ENTRY_SEARCH_COLUMNS)
    values = ", ".join(_indexed("entries", column) for column in ENTRY_SEARCH_COLUMNS)
    chosen = "" if case_ids is None else f"AND +case_id IN ({_LISTED})"  # +: not by case
    insert = (
        f"INSERT INTO entry_search (rowid, {columns}) "
        f"SELECT {entry_key('entries')} AS key, {values} FROM entries WHERE at >= :lower "
    )
    in_range = f"{insert} AND at < :upper {chosen} ORDER BY key"
    to_the_end = f"{insert} {chosen} ORDER BY key"
    params: dict[str, object] = {} if case_ids is None else dict(_listed(case_ids))
    lower = ""
    with sorts_on_disk(conn):  # a range is a whole minute, however many entries it holds
        while True:
            row = conn.execute(
                "SELECT at FROM entries WHERE at >= ? ORDER BY at LIMIT 1 OFFSET ?",
                (lower, INDEX_SLICE),
            ).fetchone()
            upper = None if row is None else _minute_before(row[0], lower)
            if upper is None:
                conn.execute(to_the_end, {**params, "lower": lower})
                return
            conn.execute(in_range, {**params, "lower": lower, "upper": upper})
            lower = upper


def _minute_before(at: str, lower: str) -> str | None:
    """Where a range from `lower` ends: the minute of `at` (stored times: YYYY-MM-DDTHH:MM:SSZ).

    When the range would be empty (more than a range's entries in one
    minute) it takes that whole minute; None (the rest at once) for a
    time not in the stored form, where neither would be past `lower`.
    """
    minute = at[:16]
    if minute > lower:
        return minute
    whole_minute = minute + ";"  # ";" follows ":" (the seconds' colon)
    return whole_minute if whole_minute > lower else None
