"""Every read and write of the notebook's tables.

Methods take and return plain values: storage-form UTC times, Decimal-free
strings for amounts, dicts for rows. Validation of user input happens before
we are called (issuenote.actions); constraints here are the last line.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

from issuenote.errors import IssuenoteError
from issuenote.model import (
    CASE_FIELDS,
    ENTRY_FIELDS,
    FINISHED_STATUSES,
    PRIVATE_ENTRY_COLUMNS,
    TRANSACTION_FIELDS,
    agents_of,
    tickets_of,
)
from issuenote.parse import timeparse
from issuenote.safety.fieldcrypt import is_encrypted
from issuenote.safety.vault import Vault
from issuenote.store import journal
from issuenote.store.connection import open_connection, write_transaction
from issuenote.store.evidence import EvidenceQueries
from issuenote.store.journal import Change
from issuenote.store.schema import (
    CASE_AGE,
    SCHEMA_VERSION,
    WAITING_WHERE,
    WEEKS_BEFORE_1970,
)

if TYPE_CHECKING:
    from issuenote.parse.searchquery import Term
    from issuenote.store.search import Filters


def new_uuid() -> str:
    """A random (version 4) UUID, as str(uuid.uuid4()) gives it.

    Made here from os.urandom: on Python 3.11 the uuid module imports
    `platform` (about 6 ms), a twentieth of a note's whole start-up.
    """
    raw = bytearray(os.urandom(16))
    raw[6] = (raw[6] & 0x0F) | 0x40  # version 4
    raw[8] = (raw[8] & 0x3F) | 0x80  # RFC 4122 variant
    digits = raw.hex()
    return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"


# Entry columns a private entry keeps encrypted (all that say who, where or what),
# and those holding times.
SEALED_ENTRY_COLUMNS = PRIVATE_ENTRY_COLUMNS
ENTRY_TIME_COLUMNS = ("at", "due", "done_at")

# Entries per batch of `case_documents`: a few MB of rows, a few queries per
# 2,000 entries; and at most so many cases in one IN (...) list.
BATCH_ENTRIES = 2_000
BATCH_CASES = 500


def _now() -> str:
    return timeparse.to_storage(timeparse.utc_now())


class Store(EvidenceQueries):
    """One open notebook. Create with `Store.open`; use `with store.writing():` to write."""

    def __init__(self, conn: sqlite3.Connection, home: Path) -> None:
        self.conn = conn
        self.conn.row_factory = sqlite3.Row
        self.home = home
        self.vault = Vault(home, self.meta, self.set_meta)

    @classmethod
    def open(cls, home: Path, *, create: bool) -> Store | None:
        conn = open_connection(home, create=create)
        return None if conn is None else cls(conn, home)

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def writing(self) -> Iterator[Store]:
        """A write that is not a recording command (import, merge): not in the undo journal."""
        with write_transaction(self.conn):
            yield self

    @contextmanager
    def recording(self, command: str) -> Iterator[Change]:
        """The writes of one recording command, as one change `issuenote undo` can revert.

        The caller sets `change.summary` to say what it did; a command that
        wrote nothing leaves no change behind.
        """
        with write_transaction(self.conn):
            change = journal.open_change(self.conn, command, _now())
            yield change
            journal.close_change(self.conn, change)

    def _one(self, sql: str, params: Iterable[Any] = ()) -> sqlite3.Row | None:
        return self.conn.execute(sql, tuple(params)).fetchone()

    # -- notebook metadata -------------------------------------------------

    def meta(self, key: str) -> str | None:
        row = self._one("SELECT value FROM notebook WHERE key = ?", [key])
        return None if row is None else row["value"]

    def set_meta(self, key: str, value: str) -> None:
        self.conn.execute(
            "INSERT INTO notebook (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def notebook_id(self) -> str:
        """The notebook's own UUID (it names the notebook's key in the keyring)."""
        value = self.meta("uuid")
        assert value is not None, "migration m001 records the notebook id"
        return value

    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def _seal(self, value: str, table: str, column: str, record_uuid: str) -> str:
        if is_encrypted(value):  # already sealed (an import of an encrypted notebook)
            return value
        return self.vault.encrypt(value, table=table, column=column, record_uuid=record_uuid)

    def _unseal(
        self, value: str | None, table: str, column: str, record_uuid: str, errors: list[str]
    ) -> str | None:
        """The plain value; on a missing or wrong key, None and a line in `errors`."""
        if value is None or not is_encrypted(value):
            return value
        try:
            return self.vault.decrypt(value, table=table, column=column, record_uuid=record_uuid)
        except IssuenoteError as error:
            errors.append(f"{table}.{column}: {error}")
            return None

    # -- cases ---------------------------------------------------------------

    def resolve_case(self, ref: str | int) -> int:
        """Turn a case number, UUID or `last` into the case id, or refuse it."""
        text = str(ref).strip()
        row = None
        if text.lower() == "last":
            return self.last_active_case()
        if text.startswith("#"):
            text = text[1:]
        if text.isascii() and text.isdigit() and len(text) < 19:
            row = self._one("SELECT id FROM cases WHERE id = ?", [int(text)])
        elif len(text) == 36 and text.isascii():
            row = self._one("SELECT id FROM cases WHERE uuid = ?", [text.lower()])
        if row is None:
            shown = text if len(text) <= 40 else text[:40] + "…"
            raise IssuenoteError(f"unknown case {shown!r}; `issuenote list --all` shows the cases")
        return int(row["id"])

    def last_active_case(self) -> int:
        """The most recently active case: the first row `list --all` shows."""
        row = self._one(
            """
            SELECT c.id FROM cases c
            ORDER BY max(c.updated_at, coalesce(
                         (SELECT max(e.at) FROM entries e WHERE e.case_id = c.id), '')) DESC,
                     coalesce((SELECT max(e.id) FROM entries e WHERE e.case_id = c.id), 0) DESC,
                     c.id DESC
            LIMIT 1
            """,
            [],
        )
        if row is None:
            raise IssuenoteError("no cases yet, so no `last` case; record one with `issuenote new`")
        return int(row["id"])

    def add_case(self, fields: dict[str, Any], tags: Iterable[str] = ()) -> int:
        now = _now()
        values = {column: fields.get(column) for column in CASE_FIELDS}
        values["category"] = values["category"] or "other"
        values["status"] = values["status"] or "open"
        record = {"id": self._next_case_id(), "uuid": fields.get("uuid") or new_uuid(), **values}
        if record["account"] is not None:
            record["account"] = self._seal(record["account"], "cases", "account", record["uuid"])
        record["created_at"] = fields.get("created_at") or now
        record["updated_at"] = fields.get("updated_at") or now
        columns = ", ".join(record)
        marks = ", ".join("?" for _ in record)
        cursor = self.conn.execute(
            f"INSERT INTO cases ({columns}) VALUES ({marks})", tuple(record.values())
        )
        case_id = int(cursor.lastrowid or 0)
        self.add_tags(case_id, tags)
        return case_id

    def _next_case_id(self) -> int:
        """One past any case number ever given out: a deleted case's number is not reused."""
        row = self._one("SELECT coalesce(max(id), 0) FROM cases")
        last = max(int(row[0]) if row else 0, int(self.meta("last_case_id") or 0))
        self.set_meta("last_case_id", str(last + 1))
        return last + 1

    def note_case_id(self, case_id: int) -> None:
        """An imported case keeps its number; later new cases count on from it."""
        if case_id > int(self.meta("last_case_id") or 0):
            self.set_meta("last_case_id", str(case_id))

    def add_tags(self, case_id: int, tags: Iterable[str]) -> None:
        self.conn.executemany(
            "INSERT OR IGNORE INTO case_tags (case_id, tag) VALUES (?, ?)",
            [(case_id, tag) for tag in tags],
        )

    def remove_tags(self, case_id: int, tags: Iterable[str]) -> None:
        self.conn.executemany(
            "DELETE FROM case_tags WHERE case_id = ? AND tag = ?",
            [(case_id, tag) for tag in tags],
        )

    def update_case(self, case_id: int, changes: dict[str, Any]) -> None:
        unknown = set(changes) - set(CASE_FIELDS)
        if unknown:
            raise ValueError(f"not case columns: {sorted(unknown)}")
        if changes.get("account") is not None:
            row_uuid = self.case_row(case_id)["uuid"]
            changes = {
                **changes,
                "account": self._seal(changes["account"], "cases", "account", row_uuid),
            }
        changes = {**changes, "updated_at": _now()}
        assignments = ", ".join(f"{column} = ?" for column in changes)
        self.conn.execute(
            f"UPDATE cases SET {assignments} WHERE id = ?", (*changes.values(), case_id)
        )

    def touch_case(self, case_id: int) -> None:
        self.conn.execute("UPDATE cases SET updated_at = ? WHERE id = ?", (_now(), case_id))

    def delete_case(self, case_id: int) -> None:
        self.conn.execute("DELETE FROM cases WHERE id = ?", (case_id,))

    def case_revisions(self) -> dict[str, tuple[int, int, str]]:
        """Every case's UUID -> (number, revision, updated_at), for sync to find changes.

        The revision grows with every write that touches the case (m006's triggers).
        """
        rows = self.conn.execute(
            "SELECT c.uuid, c.id, coalesce(r.revision, 0) AS revision, c.updated_at "
            "FROM cases c LEFT JOIN case_revisions r ON r.case_uuid = c.uuid"
        )
        return {
            row["uuid"]: (int(row["id"]), int(row["revision"]), row["updated_at"]) for row in rows
        }

    def case_row(self, case_id: int) -> dict[str, Any]:
        row = self._one("SELECT * FROM cases WHERE id = ?", [case_id])
        if row is None:
            raise IssuenoteError(f"unknown case {case_id}")
        return dict(row)

    def case_tags(self, case_id: int) -> list[str]:
        rows = self.conn.execute(
            "SELECT tag FROM case_tags WHERE case_id = ? ORDER BY tag", (case_id,)
        )
        return [row["tag"] for row in rows]

    def list_cases(
        self,
        *,
        status: str | None = None,
        platform: str | None = None,
        tag: str | None = None,
        include_finished: bool = False,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """Cases with their last activity and open steps, newest activity first.

        Only the first `limit` cases (all when None) are read: the order comes
        from the cases_activity index and the counts are looked up for the
        returned rows alone, so the cost follows what is shown, not the notebook.
        """
        clause, params = _case_filter(status, platform, tag, include_finished)
        shown = "" if limit is None else "LIMIT ?"
        rows = self.conn.execute(
            f"""
            SELECT c.id, c.uuid, c.title, c.platform, c.category, c.status, c.language,
                   c.occurred_at, c.created_at, c.updated_at,
                   c.activity_at AS last_activity,
                   (SELECT count(*) FROM entries e
                        WHERE e.case_id = c.id AND e.deleted_at IS NULL) AS entry_count,
                   (SELECT count(*) FROM entries e WHERE e.case_id = c.id
                        AND e.kind = 'step' AND e.done_at IS NULL
                        AND e.deleted_at IS NULL) AS open_steps,
                   (SELECT min(e.due) FROM entries e WHERE e.case_id = c.id
                        AND e.kind = 'step' AND e.done_at IS NULL
                        AND e.deleted_at IS NULL) AS next_due,
                   (SELECT group_concat(tag, char(31)) FROM
                        (SELECT t.tag FROM case_tags t WHERE t.case_id = c.id ORDER BY t.tag)
                   ) AS tags
            FROM cases c
            {clause}
            ORDER BY c.activity_at DESC, c.last_entry_id DESC, c.id DESC
            {shown}
            """,
            [*params, *([] if limit is None else [limit])],
        )
        cases = [dict(row) for row in rows]
        for case in cases:
            case["tags"] = case["tags"].split("\x1f") if case["tags"] else []
        return cases

    def count_cases(
        self,
        *,
        status: str | None = None,
        platform: str | None = None,
        tag: str | None = None,
        include_finished: bool = False,
    ) -> int:
        """How many cases `list_cases` with the same filters would return without a limit."""
        clause, params = _case_filter(status, platform, tag, include_finished)
        return int(
            self.conn.execute(f"SELECT count(*) FROM cases c {clause}", params).fetchone()[0]
        )

    def case_ids(self) -> list[int]:
        """Every case id in ascending order (what `export --all` walks)."""
        return [int(row[0]) for row in self.conn.execute("SELECT id FROM cases ORDER BY id")]

    def search(
        self,
        terms: list[Term] | None,
        *,
        raw: str | None = None,
        filters: Filters | None = None,
        limit: int = 200,
        rank: bool = False,
    ) -> list[dict[str, Any]]:
        """Full-text hits in cases, entries and transactions (see issuenote.store.search)."""
        from issuenote.store.search import Filters, run_search

        return run_search(
            self.conn, terms, raw=raw, filters=filters or Filters(), limit=limit, rank=rank
        )

    # -- follow-up: due steps, promises, waiting cases --------------------------

    def _unfinished(self, alias: str = "c") -> tuple[str, list[str]]:
        marks = ", ".join("?" for _ in FINISHED_STATUSES)
        return f"{alias}.status NOT IN ({marks})", list(FINISHED_STATUSES)

    def open_steps(
        self,
        *,
        since: str | None = None,
        until: str | None = None,
        limit: int | None = None,
        decrypt: bool = False,
    ) -> list[dict[str, Any]]:
        """Steps not done on cases not finished, soonest due first (undated last).

        With `since`/`until` (storage times), only steps due from `since` and
        before `until`; with `limit`, the first so many, read off the due index.
        Private step texts are decrypted only when `decrypt` (it needs the key);
        otherwise None.
        """
        unfinished, params = self._unfinished()
        bound, more = self._due_between(since, until)
        rows = self.conn.execute(
            f"""
            SELECT e.id, e.number, e.uuid, e.case_id, e.text, e.due, e.at, e.private,
                   c.title, c.platform
            FROM entries e JOIN cases c ON c.id = e.case_id
            WHERE e.kind = 'step' AND e.done_at IS NULL AND e.deleted_at IS NULL
                  AND {unfinished} {bound}
            ORDER BY {"e.due" if bound else "e.due IS NULL, e.due"}, e.case_id, e.id
            {"" if limit is None else "LIMIT ?"}
            """,
            [*params, *more, *([] if limit is None else [limit])],
        )
        steps = []
        errors: list[str] = []
        for row in rows:
            step = dict(row)
            if step["private"]:
                step["text"] = (
                    self._unseal(step["text"], "entries", "text", step["uuid"], errors)
                    if decrypt
                    else None
                )
            steps.append(step)
        return steps

    def count_open_steps(self, *, since: str | None = None, until: str | None = None) -> int:
        """How many steps `open_steps` would give without a limit (for "N more").

        Case by case (CROSS JOIN keeps cases outside), each a range of m007's
        per-case open-step index: thousands of overdue steps are counted without
        reading their rows or looking their case up once per step.
        """
        unfinished, params = self._unfinished()
        bound, more = self._due_between(since, until)
        row = self._one(
            "SELECT count(*) FROM cases c CROSS JOIN entries e ON e.case_id = c.id "
            "WHERE e.kind = 'step' AND e.done_at IS NULL AND e.deleted_at IS NULL "
            f"AND {unfinished} {bound}",
            [*params, *more],
        )
        assert row is not None
        return int(row[0])

    @staticmethod
    def _due_between(since: str | None, until: str | None) -> tuple[str, list[str]]:
        bound, params = "", []
        if since is not None or until is not None:
            bound = "AND e.due IS NOT NULL"
        if since is not None:
            bound += " AND e.due >= ?"
            params.append(since)
        if until is not None:
            bound += " AND e.due < ?"
            params.append(until)
        return bound, params

    def count_undated_steps(self) -> int:
        """Open steps with no due date, on cases not finished."""
        unfinished, params = self._unfinished()
        row = self._one(
            "SELECT count(*) FROM entries e JOIN cases c ON c.id = e.case_id "
            "WHERE e.kind = 'step' AND e.done_at IS NULL AND e.due IS NULL "
            f"AND e.deleted_at IS NULL AND {unfinished}",
            params,
        )
        assert row is not None
        return int(row[0])

    def promises(self, *, case_id: int | None = None) -> list[dict[str, Any]]:
        """Replies that promised an answer by a time, with the next reply after each (if any)."""
        unfinished, params = self._unfinished()
        scope = ""
        if case_id is not None:
            scope, unfinished, params = "AND e.case_id = ?", "1", [case_id]
        rows = self.conn.execute(
            f"""
            SELECT e.id, e.number, e.case_id, e.at, e.agent, e.agent_id, e.channel, e.ticket,
                   e.promised_by, c.title, c.platform,
                   (SELECT min(later.at) FROM entries later
                    WHERE later.case_id = e.case_id AND later.kind = 'reply'
                      AND later.deleted_at IS NULL
                      AND (later.at > e.at OR (later.at = e.at AND later.id > e.id))
                   ) AS answered_at
            FROM entries e JOIN cases c ON c.id = e.case_id
            WHERE e.promised_by IS NOT NULL AND e.deleted_at IS NULL AND {unfinished} {scope}
            ORDER BY e.promised_by, e.id
            """,
            params,
        )
        return [dict(row) for row in rows]

    def waiting_cases(self, limit: int | None = None) -> list[dict[str, Any]]:
        """Unfinished cases whose last contact or escalation has no reply after it, oldest first.

        Read off m010's partial index, so the first few cost the same in any notebook.
        """
        rows = self.conn.execute(
            f"SELECT id, title, platform, status, asked_at, answered_at FROM cases "
            f"WHERE {WAITING_WHERE} ORDER BY asked_at, id {'' if limit is None else 'LIMIT ?'}",
            [] if limit is None else [limit],
        )
        return [dict(row) for row in rows]

    def count_waiting_cases(self) -> int:
        row = self._one(f"SELECT count(*) FROM cases WHERE {WAITING_WHERE}")
        assert row is not None
        return int(row[0])

    def recent_cases(self, limit: int = 3) -> list[dict[str, Any]]:
        """The most recently active cases, any status (m007's activity, off its index)."""
        rows = self.conn.execute(
            """
            SELECT c.id, c.title, c.platform, c.status, c.activity_at AS last_activity
            FROM cases c
            ORDER BY c.activity_at DESC, c.id DESC
            LIMIT ?
            """,
            (limit,),
        )
        return [dict(row) for row in rows]

    def first_contacts(
        self, *, case_id: int | None = None, open_with_jurisdiction: bool = False
    ) -> dict[int, dict[str, Any]]:
        """Each case's first contact with support (contact, reply, escalation), jurisdiction.

        open_with_jurisdiction: only unfinished cases with a jurisdiction, the only
        ones with an escalation date (agenda, `due`), instead of every case.
        """
        scope, params = ("WHERE c.id = ?", [case_id]) if case_id is not None else ("", [])
        if open_with_jurisdiction:
            unfinished, more = self._unfinished()
            scope += f" {'AND' if scope else 'WHERE'} c.jurisdiction IS NOT NULL AND {unfinished}"
            params += more
        rows = self.conn.execute(
            f"""
            SELECT c.id, c.title, c.status, c.jurisdiction,
                   (SELECT min(e.at) FROM entries e WHERE e.case_id = c.id
                    AND e.kind IN ('contact', 'reply', 'escalation')
                    AND e.deleted_at IS NULL) AS first_contact
            FROM cases c {scope}
            """,
            params,
        )
        return {row["id"]: dict(row) for row in rows}

    def contact_rows(self, *, platform: str | None = None) -> Iterator[sqlite3.Row]:
        """Every contact, reply and status change with its case's platform, oldest first (stats).

        Rows as the cursor yields them: stats reads them once, and at 10,000 cases
        they are over half a million.
        """
        scope, params = "", []
        if platform:
            scope = "AND c.platform = ? COLLATE NOCASE"
            params.append(_bindable(platform, "platform"))
        rows = self.conn.execute(
            f"""
            SELECT e.case_id, e.kind, e.at, e.channel, e.new_status, c.platform,
                   c.status AS case_status, c.created_at AS case_created_at
            FROM entries e JOIN cases c ON c.id = e.case_id
            WHERE e.kind IN ('contact', 'reply', 'escalation', 'status')
                  AND e.deleted_at IS NULL {scope}
            ORDER BY e.case_id, e.at, e.id
            """,
            params,
        )
        return iter(rows)

    # -- stats, off the aggregates m011's triggers keep ------------------------

    def stats_totals(self, *, platform: str | None = None) -> list[sqlite3.Row]:
        """Contacts, replies, answered requests and resolved cases per (platform, channel).

        platform is '' for cases without one; a filter matches it without case.
        """
        scope, params = "", []
        if platform:
            scope, params = "WHERE platform = ? COLLATE NOCASE", [_bindable(platform, "platform")]
        return self.conn.execute(
            "SELECT platform, channel, contacts, replies, waits, resolved "
            f"FROM stats_totals {scope}",
            params,
        ).fetchall()

    def stats_ranked(
        self,
        what: str,
        offset: int,
        count: int,
        *,
        platform: str | None = None,
        platforms: tuple[str, ...] = (),
        channel: str | int | None = None,
    ) -> list[int]:
        """`count` durations from `offset` in ascending order: what medians are read from.

        what: "waits" (reply waits), "cells" (the same, channel naming the stored
        hour of the week) or "resolutions". An offset into an index
        (platform, channel, seconds) costs SQLite a step per row it skips, in C:
        the rows never reach Python.
        """
        table, column, group = {
            "waits": ("stats_waits", "seconds", "channel"),
            "cells": ("stats_waits", "seconds", "cell"),
            "resolutions": ("stats_cases", "resolved_seconds", "first_channel"),
        }[what]
        terms, params = [f"{column} IS NOT NULL"], []
        if platform:
            terms.append("platform = ? COLLATE NOCASE")
            params.append(_bindable(platform, "platform"))
        if platforms:
            terms.append(f"platform IN ({', '.join('?' for _ in platforms)})")
            params.extend(platforms)
        if channel is not None:
            terms.append(f"{group} = ?")
            params.append(channel)
        rows = self.conn.execute(
            f"SELECT {column} FROM {table} WHERE {' AND '.join(terms)} "
            f"ORDER BY {column} LIMIT ? OFFSET ?",
            [*params, count, offset],
        )
        return [row[0] for row in rows]

    def stats_week(
        self, offsets: list[tuple[int, int]], *, platform: str | None = None
    ) -> list[tuple[int, int, int, int]]:
        """(cell, n, rank, seconds) per local hour of the week: rank 1 and the middle ones.

        offsets: (from Unix time, UTC offset in seconds) in time order, the
        local zone's as it was when each request was sent; cell is weekday * 24
        + hour (Monday 0). One pass over the answered requests, in SQLite.
        """
        shift = "CASE " + " ".join(
            f"WHEN sent_epoch < {int(start)} THEN {int(before)}"
            for (start, _), (_, before) in zip(offsets[1:], offsets, strict=False)
        )
        shift = (
            f"{shift} ELSE {int(offsets[-1][1])} END"
            if len(offsets) > 1
            else str(int(offsets[0][1]) if offsets else 0)
        )
        # Hours since a Monday long before 1970 (weeks of 604,800 s keep the cell),
        # so that integer division never meets a negative number.
        local_hour = f"(sent_epoch + {shift} + {WEEKS_BEFORE_1970}) / 3600"
        scope, params = "", []
        if platform:
            scope, params = "AND platform = ? COLLATE NOCASE", [_bindable(platform, "platform")]
        rows = self.conn.execute(
            f"""
            SELECT cell, n, rank, seconds FROM (
                SELECT cell, seconds,
                       row_number() OVER (PARTITION BY cell ORDER BY seconds) AS rank,
                       count(*) OVER (PARTITION BY cell) AS n
                FROM (SELECT ({local_hour} + 72) % 168 AS cell, seconds FROM stats_waits
                      WHERE sent_epoch IS NOT NULL AND seconds IS NOT NULL {scope})
            )
            WHERE rank = 1 OR rank = (n + 1) / 2 OR rank = n / 2 + 1
            ORDER BY cell, rank
            """,
            params,
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]

    def stats_offsets(self) -> list[tuple[int, int, int]]:
        """(utc_offset, first, last sent) of the answered requests, per stored offset.

        A few seeks on stats_waits_offset: the distinct offsets are found by
        jumping from one to the next, not by reading the rows between.
        """
        rows = self.conn.execute(
            """
            WITH RECURSIVE offsets (utc_offset) AS (
                SELECT min(utc_offset) FROM stats_waits
                UNION ALL
                SELECT (SELECT min(utc_offset) FROM stats_waits
                        WHERE utc_offset > offsets.utc_offset)
                FROM offsets WHERE utc_offset IS NOT NULL
            )
            SELECT utc_offset,
                   (SELECT min(sent_epoch) FROM stats_waits w WHERE w.utc_offset = o.utc_offset),
                   (SELECT max(sent_epoch) FROM stats_waits w WHERE w.utc_offset = o.utc_offset)
            FROM offsets o WHERE utc_offset IS NOT NULL
            """
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]

    def stats_offset_between(self, utc_offset: int, start: int, end: int) -> bool:
        """Whether a request sent in [start, end) was stored with this UTC offset."""
        row = self._one(
            "SELECT 1 FROM stats_waits WHERE utc_offset = ? AND sent_epoch >= ? "
            "AND sent_epoch < ? LIMIT 1",
            [utc_offset, start, end],
        )
        return row is not None

    def stats_hours(self, *, platform: str | None = None) -> dict[int, int]:
        """Answered requests per stored local hour of the week (stats_waits.cell)."""
        scope, params = "", []
        if platform:
            scope, params = "AND platform = ? COLLATE NOCASE", [_bindable(platform, "platform")]
        rows = self.conn.execute(
            f"SELECT cell, sum(waits) FROM stats_hours WHERE waits != 0 {scope} GROUP BY cell",
            params,
        )
        return {row[0]: row[1] for row in rows}

    def unfinished_by_age(self, since: list[float], *, platform: str | None = None) -> list[int]:
        """Unfinished cases created after since[0], after since[1] (not since[0]), ... and the
        rest, `since` being Unix times, newest first: counted off cases_age."""
        unfinished, params = self._unfinished()
        scope = ""
        if platform:
            scope = "AND platform = ? COLLATE NOCASE"
            params.append(_bindable(platform, "platform"))
        counts = []
        for start, end in zip([None, *since], [*since, None], strict=True):
            terms = [f"{CASE_AGE} > {float(end)}"] if end is not None else []
            if start is not None:
                terms.append(f"{CASE_AGE} <= {float(start)}")
            where = " AND ".join([unfinished, *terms])
            row = self._one(f"SELECT count(*) FROM cases c WHERE {where} {scope}", params)
            counts.append(int(row[0]) if row is not None else 0)
        return counts

    def unfinished_cases(self, *, platform: str | None = None) -> list[dict[str, Any]]:
        unfinished, params = self._unfinished()
        if platform:
            unfinished += " AND c.platform = ? COLLATE NOCASE"
            params.append(_bindable(platform, "platform"))
        rows = self.conn.execute(
            f"SELECT c.id, c.created_at FROM cases c WHERE {unfinished}", params
        )
        return [dict(row) for row in rows]

    def has_cases(self, *, platform: str | None = None) -> bool:
        """Whether there is a case (on this platform): stops at the first one."""
        scope, params = "", []
        if platform:
            scope, params = "WHERE platform = ? COLLATE NOCASE", [_bindable(platform, "platform")]
        row = self._one(f"SELECT EXISTS (SELECT 1 FROM cases {scope})", params)
        return bool(row is not None and row[0])

    def health(self, *, quick: bool = False) -> dict[str, Any]:
        """What `doctor` reports about the database itself.

        quick: PRAGMA quick_check (pages and records, not that every index
        matches its table) and no foreign-key scan: linear in the file, for
        a big notebook checked often.
        """
        check = "quick_check" if quick else "integrity_check"
        integrity = [row[0] for row in self.conn.execute(f"PRAGMA {check}").fetchall()]
        foreign = [] if quick else self.conn.execute("PRAGMA foreign_key_check").fetchall()
        migrations = [
            row[0]
            for row in self.conn.execute(
                "SELECT name FROM _sqlite_migrations WHERE migration_set = 'issuenote' ORDER BY id"
            )
        ]
        return {
            "integrity": integrity,
            "foreign_key_errors": len(foreign),
            "journal_mode": self.conn.execute("PRAGMA journal_mode").fetchone()[0],
            "schema_version": self.schema_version(),
            "migrations": migrations,
            "counts": {t: self.count(t) for t in ("cases", "entries", "transactions")},
            "encrypted_data": self.meta("kcv") is not None,
        }

    def count(self, table: str) -> int:
        if table not in ("cases", "entries", "transactions", "case_tags"):
            raise ValueError(table)
        return int(self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])

    # -- entries -------------------------------------------------------------

    def add_entry(self, case_id: int, fields: dict[str, Any], *, chain: bool = True) -> int:
        """Insert an entry and link it into the case's chain.

        chain=False when the caller adds attachments to it first (attach,
        ingest) and links it once they are in: the link covers them.
        """
        record = {column: fields.get(column) for column in ENTRY_FIELDS}
        record["flags"] = _dump_list(sorted(set(fields.get("flags") or [])))
        record["warnings"] = _dump_list(list(fields.get("warnings") or []))
        record["private"] = 1 if fields.get("private") else 0
        entry_uuid = fields.get("uuid") or new_uuid()
        if record["private"]:
            for column in PRIVATE_ENTRY_COLUMNS:
                if record[column] is not None:
                    record[column] = self._seal(record[column], "entries", column, entry_uuid)
        record = {
            "uuid": entry_uuid,
            "case_id": case_id,
            "number": fields.get("number") or self.next_entry_number(case_id),
            **record,
            "created_at": fields.get("created_at") or _now(),
        }
        columns = ", ".join(record)
        marks = ", ".join("?" for _ in record)
        cursor = self.conn.execute(
            f"INSERT INTO entries ({columns}) VALUES ({marks})", tuple(record.values())
        )
        entry_id = int(cursor.lastrowid or 0)
        if chain:
            self.chain_entry(entry_id, "add")
        self.touch_case(case_id)
        return entry_id

    def next_entry_number(self, case_id: int) -> int:
        """One past the case's highest number; a deleted entry keeps its number (tombstone)."""
        row = self._one("SELECT coalesce(max(number), 0) FROM entries WHERE case_id = ?", [case_id])
        return int(row[0] if row else 0) + 1

    def entry_row(self, case_id: int, number: str | int) -> dict[str, Any]:
        """The entry numbered `number` in the case (the number `show` prints), or refuse it."""
        text = str(number).strip().lstrip("#")
        row = None
        if text.isascii() and text.isdigit() and len(text) < 19:
            row = self._one(
                "SELECT * FROM entries WHERE number = ? AND case_id = ?", [int(text), case_id]
            )
        if row is not None and row["deleted_at"] is not None:
            when = timeparse.format_local(row["deleted_at"])
            raise IssuenoteError(
                f"entry {row['number']} of case {case_id} was deleted at {when}; "
                f"`issuenote undo` can bring it back"
            )
        if row is None:
            shown = text if len(text) <= 40 else text[:40] + "…"
            raise IssuenoteError(
                f"case {case_id} has no entry {shown!r}; `issuenote show {case_id}` lists them"
            )
        return dict(row)

    def set_entry_done(self, entry_id: int, done_at: str | None) -> None:
        row = self._one("SELECT case_id FROM entries WHERE id = ?", [entry_id])
        self.conn.execute("UPDATE entries SET done_at = ? WHERE id = ?", (done_at, entry_id))
        self.chain_entry(entry_id, "done")
        if row is not None:
            self.touch_case(int(row["case_id"]))

    def _keep_revision(self, row: dict[str, Any], change: str) -> None:
        """Copy the entry as it is now into its revisions (private texts stay sealed)."""
        import json

        fields = {column: row[column] for column in ENTRY_FIELDS}
        fields["flags"] = _load_list(row["flags"])
        # A private entry's warnings are sealed text: kept sealed, as the row has them.
        sealed = bool(row["private"]) and is_encrypted(row["warnings"] or "")
        fields["warnings"] = row["warnings"] if sealed else _load_list(row["warnings"])
        fields["private"] = bool(row["private"])
        latest = self._one(
            "SELECT coalesce(max(revision), 0) FROM entry_revisions WHERE entry_uuid = ?",
            [row["uuid"]],
        )
        self.conn.execute(
            "INSERT INTO entry_revisions (entry_uuid, revision, change, made_at, fields) "
            "VALUES (?, ?, ?, ?, ?)",
            (
                row["uuid"],
                int(latest[0] if latest else 0) + 1,
                change,
                _now(),
                json.dumps(fields, ensure_ascii=False, sort_keys=True),
            ),
        )

    def update_entry(self, entry_id: int, changes: dict[str, Any]) -> None:
        """Correct an entry; the version it replaces is kept as a revision."""
        unknown = set(changes) - set(ENTRY_FIELDS)
        if unknown:
            raise ValueError(f"not entry columns: {sorted(unknown)}")
        row = self._one("SELECT * FROM entries WHERE id = ?", [entry_id])
        if row is None:
            raise IssuenoteError(f"unknown entry {entry_id}")
        current = dict(row)
        self._keep_revision(current, "edit")
        values = dict(changes)
        for column in ("flags", "warnings"):
            if column in values:
                values[column] = _dump_list(list(values[column] or []))
        if current["private"]:
            for column in SEALED_ENTRY_COLUMNS:
                if values.get(column) is not None:
                    values[column] = self._seal(values[column], "entries", column, row["uuid"])
        assignments = ", ".join(f"{column} = ?" for column in values)
        self.conn.execute(
            f"UPDATE entries SET {assignments} WHERE id = ?", (*values.values(), entry_id)
        )
        self.chain_entry(entry_id, "revise")
        self.touch_case(int(current["case_id"]))

    def delete_entry(self, entry_id: int) -> None:
        """Leave a tombstone: the entry keeps its number and a 'delete' revision."""
        row = self._one("SELECT * FROM entries WHERE id = ?", [entry_id])
        if row is None:
            raise IssuenoteError(f"unknown entry {entry_id}")
        self._keep_revision(dict(row), "delete")
        self.conn.execute("UPDATE entries SET deleted_at = ? WHERE id = ?", (_now(), entry_id))
        self.chain_entry(entry_id, "delete")
        self.touch_case(int(row["case_id"]))

    def revision_rows(self, entry_uuid: str) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            "SELECT revision, change, made_at, fields FROM entry_revisions "
            "WHERE entry_uuid = ? ORDER BY revision",
            (entry_uuid,),
        )
        return [dict(row) for row in rows]

    def _revisions_by_entry(self, case_id: int) -> dict[str, list[dict[str, Any]]]:
        rows = self.conn.execute(
            "SELECT r.entry_uuid, r.revision, r.change, r.made_at, r.fields "
            "FROM entry_revisions r JOIN entries e ON e.uuid = r.entry_uuid "
            "WHERE e.case_id = ? ORDER BY r.entry_uuid, r.revision",
            (case_id,),
        )
        found: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            found.setdefault(row["entry_uuid"], []).append(dict(row))
        return found

    def entry_document(self, entry_id: int, *, tz: tzinfo | None = None) -> dict[str, Any]:
        row = self._one("SELECT * FROM entries WHERE id = ?", [entry_id])
        if row is None:
            raise IssuenoteError(f"unknown entry {entry_id}")
        errors: list[str] = []
        revisions = self.revision_rows(row["uuid"])
        document = self._entry(dict(row), _local(tz), errors, revisions)
        return {"case_id": row["case_id"], **document}

    def _entry(
        self,
        row: dict[str, Any],
        when: Callable[[str | None], str | None],
        errors: list[str],
        revisions: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        if row["private"]:
            for column in PRIVATE_ENTRY_COLUMNS:  # older rows kept some in clear: left as they are
                row[column] = self._unseal(row[column], "entries", column, row["uuid"], errors)
        document = entry_document(row, when)
        document["revisions"] = [
            self._revision(row["uuid"], revision, when, errors) for revision in revisions or []
        ]
        return document

    def _revision(
        self,
        entry_uuid: str,
        revision: dict[str, Any],
        when: Callable[[str | None], str | None],
        errors: list[str],
    ) -> dict[str, Any]:
        """One earlier version of an entry, for `show --history` and the JSON export."""
        import json

        fields = json.loads(revision["fields"])
        if fields.get("private"):
            for column in SEALED_ENTRY_COLUMNS:
                fields[column] = self._unseal(
                    fields.get(column), "entries", column, entry_uuid, errors
                )
            if isinstance(fields.get("warnings"), str):
                fields["warnings"] = _load_list(fields["warnings"])
        document: dict[str, Any] = {
            "revision": revision["revision"],
            "change": revision["change"],
            "made_at": when(revision["made_at"]),
        }
        for column in ENTRY_FIELDS:
            value = fields.get(column)
            document[column] = when(value) if column in ENTRY_TIME_COLUMNS else value
        return document

    def last_channel(self, case_id: int) -> str | None:
        row = self._one(
            "SELECT channel FROM entries WHERE case_id = ? AND channel IS NOT NULL "
            "AND deleted_at IS NULL ORDER BY at DESC, id DESC LIMIT 1",
            [case_id],
        )
        return None if row is None else row["channel"]

    def entry_rows(self, case_id: int, *, deleted: bool = False) -> list[dict[str, Any]]:
        """The case's live entries in time order (or, with deleted=True, its tombstones)."""
        condition = "IS NOT NULL" if deleted else "IS NULL"
        rows = self.conn.execute(
            f"SELECT * FROM entries WHERE case_id = ? AND deleted_at {condition} "
            "ORDER BY at, number",
            (case_id,),
        )
        return [dict(row) for row in rows]

    # -- the undo journal ------------------------------------------------------

    def plan_undo(self, back_to: int | None) -> list[dict[str, Any]]:
        return journal.plan_undo(self.conn, back_to)

    def revert_changes(self, planned: list[dict[str, Any]], undo: Change) -> None:
        touched = journal.touched_entries(self.conn, planned)
        journal.revert(self.conn, planned, undo)
        # The chain is never rewound: what the undo did is appended, entry by entry.
        self.chain_undone(touched)

    def recent_changes(self, limit: int = 20) -> list[dict[str, Any]]:
        return journal.changes_in_effect(self.conn)[:limit]

    # -- transactions --------------------------------------------------------

    def find_transaction(
        self, case_id: int, *, txid: str | None = None, order_id: str | None = None
    ) -> dict[str, Any] | None:
        """The case's transfer with this TxID (any letter case), or with this order ID."""
        row = None
        if txid is not None:
            row = self._one(
                "SELECT * FROM transactions WHERE case_id = ? AND txid = ? COLLATE NOCASE",
                [case_id, txid],
            )
        elif order_id is not None:
            row = self._one(
                "SELECT * FROM transactions WHERE case_id = ? AND order_id = ?",
                [case_id, order_id],
            )
        return None if row is None else dict(row)

    def update_transaction(self, tx_id: int, changes: dict[str, Any]) -> None:
        unknown = set(changes) - set(TRANSACTION_FIELDS)
        if unknown:
            raise ValueError(f"not transaction columns: {sorted(unknown)}")
        row = self._one("SELECT case_id FROM transactions WHERE id = ?", [tx_id])
        assignments = ", ".join(f"{column} = ?" for column in changes)
        self.conn.execute(
            f"UPDATE transactions SET {assignments} WHERE id = ?", (*changes.values(), tx_id)
        )
        if row is not None:
            self.touch_case(int(row["case_id"]))

    def add_transaction(self, case_id: int, fields: dict[str, Any]) -> int:
        record = {column: fields.get(column) for column in TRANSACTION_FIELDS}
        record = {
            "uuid": fields.get("uuid") or new_uuid(),
            "case_id": case_id,
            **record,
            "created_at": fields.get("created_at") or _now(),
        }
        columns = ", ".join(record)
        marks = ", ".join("?" for _ in record)
        cursor = self.conn.execute(
            f"INSERT INTO transactions ({columns}) VALUES ({marks})", tuple(record.values())
        )
        self.touch_case(case_id)
        return int(cursor.lastrowid or 0)

    def transaction_document(self, tx_id: int, *, tz: tzinfo | None = None) -> dict[str, Any]:
        row = self._one("SELECT * FROM transactions WHERE id = ?", [tx_id])
        if row is None:
            raise IssuenoteError(f"unknown transaction {tx_id}")
        return {"case_id": row["case_id"], **transaction_document(dict(row), _local(tz))}

    def transaction_rows(self, case_id: int) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            f"{_transactions_of('case_id = ?')} ORDER BY coalesce(at, created_at), id",
            (case_id, case_id),
        )
        return [dict(row) for row in rows]

    # -- the case document ----------------------------------------------------

    def unreadable_fields(self, *, entries: bool, accounts: bool) -> list[tuple[int, str]]:
        """(case id, "table.column") of every encrypted value this key cannot open.

        Reads only the encrypted values (private entries, sealed accounts), so
        a whole-notebook export can refuse before it writes its first byte.
        """
        lost: list[tuple[int, str]] = []
        errors: list[str] = []
        if accounts:
            for row in self.conn.execute(
                "SELECT id, uuid, account FROM cases WHERE account IS NOT NULL ORDER BY id"
            ):
                if self._unseal(row["account"], "cases", "account", row["uuid"], errors) is None:
                    lost.append((int(row["id"]), "cases.account"))
        if entries:
            for row in self.conn.execute(
                "SELECT case_id, uuid, text, suggests FROM entries WHERE private = 1 "
                "ORDER BY case_id, at, id"
            ):
                for column in ("text", "suggests"):
                    value = row[column]
                    if value is not None and (
                        self._unseal(value, "entries", column, row["uuid"], errors) is None
                    ):
                        lost.append((int(row["case_id"]), f"entries.{column}"))
        # in case order, a case's account before its entries (as its document lists them)
        return sorted(lost, key=lambda item: (item[0], item[1] != "cases.account"))

    def case_document(self, case_id: int, *, tz: tzinfo | None = None) -> dict[str, Any]:
        """The whole case as docs/case-document.md describes it."""
        return self._assemble_case(
            self.case_row(case_id),
            tags=self.case_tags(case_id),
            rows=self.entry_rows(case_id),
            deleted_rows=self.entry_rows(case_id, deleted=True),
            revisions=self._revisions_by_entry(case_id),
            transaction_rows=self.transaction_rows(case_id),
            chain_head=self.chain_head(case_id),
            tz=tz,
        )

    def case_documents(
        self,
        case_ids: Sequence[int],
        *,
        tz: tzinfo | None = None,
        batch_entries: int = BATCH_ENTRIES,
    ) -> Iterator[dict[str, Any]]:
        """`case_document` of each case, in the order given, read a batch of cases at a time.

        For `export --all`: one query per table for a whole batch instead of
        eight per case, and rows as plain tuples (a sqlite3.Row made into a
        dict costs more than the query). The documents are built by the same
        `_assemble_case` as `case_document`, so they are the same documents.
        A batch holds about `batch_entries` entries (one long case alone may
        hold more): memory stays flat whatever the size of the notebook.
        """
        counts = dict(
            self.conn.execute("SELECT case_id, count(*) FROM entries GROUP BY case_id").fetchall()
        )
        for chunk in _batches(case_ids, counts, batch_entries):
            rows = _CaseBatch(self.conn, chunk)
            for case_id in chunk:
                case = rows.cases.get(case_id)
                if case is None:
                    raise IssuenoteError(f"unknown case {case_id}")
                entries = rows.entries.pop(case_id, [])
                yield self._assemble_case(
                    case,
                    tags=rows.tags.get(case_id, []),
                    rows=[row for row in entries if row["deleted_at"] is None],
                    deleted_rows=[row for row in entries if row["deleted_at"] is not None],
                    revisions=rows.revisions.pop(case_id, {}),
                    transaction_rows=rows.transactions.get(case_id, []),
                    chain_head=rows.chain_heads.get(case_id),
                    tz=tz,
                    attachments=None if case_id in rows.with_attachments else [],
                )

    def _assemble_case(
        self,
        case: dict[str, Any],
        *,
        tags: list[str],
        rows: list[dict[str, Any]],
        deleted_rows: list[dict[str, Any]],
        revisions: dict[str, list[dict[str, Any]]],
        transaction_rows: list[dict[str, Any]],
        chain_head: str | None,
        tz: tzinfo | None,
        attachments: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """The case document from the case's rows, however they were read.

        `attachments` None reads them (the bulk reader passes [] for a case it
        knows has none: attachments are rare and cost queries of their own).
        """
        when = _local(tz)
        errors: list[str] = []
        account = self._unseal(case["account"], "cases", "account", case["uuid"], errors)
        entries = [self._entry(row, when, errors, revisions.get(row["uuid"])) for row in rows]
        deleted = [
            self._entry(row, when, errors, revisions.get(row["uuid"])) for row in deleted_rows
        ]
        if attachments is None:
            attachments = self.attachment_documents(case["id"], tz=tz)
        for entry in entries + deleted:
            entry["attachments"] = (
                [a for a in attachments if a["entry_id"] == entry["id"]] if attachments else []
            )
        transactions = [transaction_document(row, when) for row in transaction_rows]
        stored_due = {row["id"]: row["due"] for row in rows}
        open_steps = [e for e in entries if e["kind"] == "step" and e["done_at"] is None]
        open_steps.sort(
            key=lambda e: (stored_due[e["id"]] is None, stored_due[e["id"]] or "", e["id"])
        )
        return {
            "schema_version": SCHEMA_VERSION,
            "id": case["id"],
            "uuid": case["uuid"],
            "title": case["title"],
            "platform": case["platform"],
            "category": case["category"],
            "status": case["status"],
            "account": account,
            "language": case["language"],
            "tags": tags,
            "description": case["description"],
            "request": case["request"],
            "occurred_at": when(case["occurred_at"]),
            "jurisdiction": case["jurisdiction"],
            "created_at": when(case["created_at"]),
            "updated_at": when(case["updated_at"]),
            "entries": entries,
            # Tombstones: deleted entries, kept with their revisions; exports leave them out.
            "deleted_entries": deleted,
            "transactions": transactions,
            "tickets": tickets_of(entries),
            "agents": agents_of(entries),
            "open_steps": open_steps,
            "attachments": attachments,
            # The tamper-evident chain's head: `issuenote verify` checks it later.
            "chain_head": chain_head,
            # Fields that could not be decrypted (missing or wrong key); the rest still reads.
            "unreadable": errors,
        }


def _transactions_of(cases: str) -> str:
    """SQL for the transactions whose case_id meets `cases` (its marks bound twice).

    In two halves, each a search of one of the (case_id, ...) partial indexes:
    a plain condition on case_id scans every transaction of the notebook
    (10,000 at L) for each case read. Together they are every row (CHECK: a
    txid or an order ID).
    """
    return (
        f"SELECT * FROM (SELECT * FROM transactions WHERE {cases} AND txid IS NOT NULL "
        f"UNION ALL SELECT * FROM transactions "
        f"WHERE {cases} AND order_id IS NOT NULL AND +txid IS NULL)"
    )


def _batches(
    case_ids: Sequence[int], counts: dict[int, int], batch_entries: int
) -> Iterator[list[int]]:
    """`case_ids` in order, cut into runs of about `batch_entries` entries (counts per case)."""
    chunk: list[int] = []
    held = 0
    for case_id in case_ids:
        size = counts.get(case_id, 0)
        if chunk and (held + size > batch_entries or len(chunk) >= BATCH_CASES):
            yield chunk
            chunk, held = [], 0
        chunk.append(int(case_id))
        held += size
    if chunk:
        yield chunk


class _CaseBatch:
    """The rows of a batch of cases, one query per table, grouped by case id."""

    def __init__(self, conn: sqlite3.Connection, case_ids: list[int]) -> None:
        marks = ", ".join("?" for _ in case_ids)
        cursor = conn.cursor()
        cursor.row_factory = None  # plain tuples: zipped into dicts below, far cheaper

        def grouped(sql: str, *, twice: bool = False) -> dict[int, list[dict[str, Any]]]:
            found: dict[int, list[dict[str, Any]]] = {}
            cursor.execute(sql, case_ids * 2 if twice else case_ids)
            names = [column[0] for column in cursor.description]
            for values in cursor:
                row = dict(zip(names, values, strict=True))
                found.setdefault(row["case_id"], []).append(row)
            return found

        cursor.execute(f"SELECT * FROM cases WHERE id IN ({marks})", case_ids)
        names = [column[0] for column in cursor.description]
        self.cases = {values[0]: dict(zip(names, values, strict=True)) for values in cursor}
        assert names[0] == "id"
        self.tags: dict[int, list[str]] = {}
        cursor.execute(
            f"SELECT case_id, tag FROM case_tags WHERE case_id IN ({marks}) ORDER BY case_id, tag",
            case_ids,
        )
        for case_id, tag in cursor:
            self.tags.setdefault(case_id, []).append(tag)
        # entry_rows' order (at, number) within each case; live and deleted split later
        self.entries = grouped(
            f"SELECT * FROM entries WHERE case_id IN ({marks}) ORDER BY case_id, at, number"
        )
        self.revisions: dict[int, dict[str, list[dict[str, Any]]]] = {}
        cursor.execute(
            "SELECT e.case_id, r.entry_uuid, r.revision, r.change, r.made_at, r.fields "
            "FROM entry_revisions r JOIN entries e ON e.uuid = r.entry_uuid "
            f"WHERE e.case_id IN ({marks}) ORDER BY r.entry_uuid, r.revision",
            case_ids,
        )
        for case_id, entry_uuid, revision, change, made_at, fields in cursor:
            self.revisions.setdefault(case_id, {}).setdefault(entry_uuid, []).append(
                {
                    "entry_uuid": entry_uuid,
                    "revision": revision,
                    "change": change,
                    "made_at": made_at,
                    "fields": fields,
                }
            )
        # transaction_rows' order
        self.transactions = grouped(
            f"{_transactions_of(f'case_id IN ({marks})')} "
            "ORDER BY case_id, coalesce(at, created_at), id",
            twice=True,
        )
        cursor.execute(
            "SELECT c.id, (SELECT hash FROM chain WHERE case_id = c.id ORDER BY seq DESC LIMIT 1) "
            f"FROM cases c WHERE c.id IN ({marks})",
            case_ids,
        )
        self.chain_heads: dict[int, str | None] = {
            case_id: None if head is None else str(head) for case_id, head in cursor
        }
        cursor.execute(
            f"SELECT DISTINCT case_id FROM attachments WHERE case_id IN ({marks})", case_ids
        )
        self.with_attachments = {case_id for (case_id,) in cursor}
        cursor.close()


def _case_filter(
    status: str | None, platform: str | None, tag: str | None, include_finished: bool
) -> tuple[str, list[Any]]:
    """The WHERE clause (on cases c) and its parameters for `list` filters."""
    where: list[str] = []
    params: list[Any] = []
    if status:
        where.append("c.status = ?")
        params.append(status)
    elif not include_finished:
        marks = ", ".join("?" for _ in FINISHED_STATUSES)
        where.append(f"c.status NOT IN ({marks})")
        params.extend(FINISHED_STATUSES)
    if platform:
        where.append("c.platform = ? COLLATE NOCASE")
        params.append(_bindable(platform, "platform"))
    if tag:
        where.append("EXISTS (SELECT 1 FROM case_tags t WHERE t.case_id = c.id AND t.tag = ?)")
        params.append(_bindable(tag, "tag"))
    return (f"WHERE {' AND '.join(where)}" if where else ""), params


def _bindable(value: str, what: str) -> str:
    """A user's filter as SQLite can take it: an undecodable byte from argv cannot be bound."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise IssuenoteError(f"the {what} is not valid Unicode text (lone surrogate)") from None
    return value


def _dump_list(values: list[str]) -> str:
    # Most entries carry no flags: skip importing json (~1 ms) on a plain note.
    if not values:
        return "[]"
    import json

    return json.dumps(values, ensure_ascii=False)


def _load_list(text: str | None) -> list[str]:
    if not text or text == "[]":
        return []
    import json

    return list(json.loads(text))


def _local(tz: tzinfo | None) -> Callable[[str | None], str | None]:
    """Storage UTC text to ISO 8601 in the reader's zone, with its offset."""

    def when(value: str | None) -> str | None:
        return None if value is None else timeparse.to_local_iso(value, tz)

    return when


def entry_document(row: dict[str, Any], when: Callable[[str | None], str | None]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "uuid": row["uuid"],
        "number": row["number"],
        "kind": row["kind"],
        "text": row["text"],
        "at": when(row["at"]),
        "channel": row["channel"],
        "via": row["via"],
        "agent": row["agent"],
        "agent_id": row["agent_id"],
        "ticket": row["ticket"],
        "suggests": row["suggests"],
        "escalated_to": row["escalated_to"],
        "new_status": row["new_status"],
        "due": when(row["due"]),
        "done_at": when(row["done_at"]),
        "promised_by": when(row["promised_by"]),
        "flags": _load_list(row["flags"]),
        "warnings": _load_list(row["warnings"]),
        "private": bool(row["private"]),
        "deleted_at": when(row["deleted_at"]),
    }


def transaction_document(
    row: dict[str, Any], when: Callable[[str | None], str | None]
) -> dict[str, Any]:
    from issuenote.parse.txid import explorer_url, memo_missing

    txid = row["txid"]
    return {
        "id": row["id"],
        "uuid": row["uuid"],
        "txid": txid,
        "order_id": row["order_id"],
        "chain": row["chain"],
        "network": row["network"],
        "asset": row["asset"],
        "amount": row["amount"],
        "kind": row["kind"],
        "address": row["address"],
        "memo": row["memo"],
        "at": when(row["at"]),
        "explorer_url": explorer_url(row["chain"], txid) if row["chain"] and txid else None,
        "memo_missing": memo_missing(row["chain"], row["asset"], row["memo"]),
    }


# -- whole-database copies, for `issuenote backup` and `restore` -----------------


def snapshot_database(source: Path, target: Path) -> None:
    """Copy a live notebook with SQLite's online backup API into a new file.

    The copy is what one read transaction sees, so it is consistent while other
    processes write (in WAL mode they are not even held up). No migration runs:
    a backup keeps the notebook exactly as it is.
    """
    from issuenote.store.connection import BUSY_TIMEOUT_MS

    if not source.is_file():
        raise IssuenoteError(f"no notebook at {source}")
    try:
        origin = sqlite3.connect(source, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.DatabaseError as error:
        raise IssuenoteError(f"cannot open the notebook {source}: {error}") from None
    try:
        copy = sqlite3.connect(target)
        try:
            origin.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            origin.backup(copy)
        finally:
            copy.close()
    except sqlite3.DatabaseError as error:
        raise IssuenoteError(f"cannot copy the notebook {source}: {error}") from None
    finally:
        origin.close()


def inspect_database(path: Path) -> dict[str, Any]:
    """What a backup needs to know of a notebook file, read without migrating it.

    Keys: integrity (the lines of PRAGMA integrity_check, ["ok"] when sound),
    foreign_key_errors, schema_version, notebook_id, kcv, counts.
    """
    try:
        conn = sqlite3.connect(path)
    except sqlite3.DatabaseError as error:
        raise IssuenoteError(f"{path.name} cannot be opened: {error}") from None
    try:
        conn.execute("PRAGMA trusted_schema = OFF")
        integrity = [row[0] for row in conn.execute("PRAGMA integrity_check").fetchall()]
        facts: dict[str, Any] = {
            "integrity": integrity,
            "foreign_key_errors": len(conn.execute("PRAGMA foreign_key_check").fetchall()),
            "schema_version": int(conn.execute("PRAGMA user_version").fetchone()[0]),
            "notebook_id": None,
            "kcv": None,
            "counts": {},
        }
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        if "notebook" in tables:
            meta = dict(conn.execute("SELECT key, value FROM notebook").fetchall())
            facts["notebook_id"] = meta.get("uuid")
            facts["kcv"] = meta.get("kcv")
        for table in ("cases", "entries", "transactions"):
            if table in tables:
                count = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                facts["counts"][table] = int(count)
        return facts
    except sqlite3.DatabaseError as error:
        raise IssuenoteError(f"{path.name} is not a readable notebook: {error}") from None
    finally:
        conn.close()
