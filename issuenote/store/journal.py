"""The undo journal: every recording command is one change, with the rows it touched.

Modelled on Taskwarrior's undo log, but kept by SQLite itself: triggers on the
journaled tables copy each row's before and after image (as JSON, built by
SQLite's json_object) into `change_rows` while the newest `changes` row is
open. A command opens its change inside its own write transaction and closes
it before COMMIT, so the journal and the change land together or not at all,
and a plain `note` pays no Python import for it.

An undo is itself a change (its reverting writes are journaled too), so it
can be undone. A change is "in effect" unless an undo that is in effect
reverted it; `undo` reverts the newest change in effect that is not an undo.
Writes outside a recording command (import, merge) are not journaled; an undo
that finds a row changed since refuses rather than overwrite it.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from issuenote.errors import IssuenoteError

# Tables whose rows a recording command changes. Another wing that records
# through the CLI adds its table here; the triggers follow on the next migration.
JOURNALED_TABLES = (
    "cases",
    "case_tags",
    "entries",
    "entry_revisions",
    "transactions",
    "attachments",
)

# The newest change is open: only then do the triggers write.
_WHEN_OPEN = "(SELECT open FROM changes ORDER BY id DESC LIMIT 1)"


class Change:
    """The change a recording command is making; it sets `summary` before it ends.

    A plain class, not a dataclass: `note` would import dataclasses for it.
    """

    __slots__ = ("command", "id", "summary")

    def __init__(self, change_id: int, command: str, summary: str = "") -> None:
        self.id = change_id
        self.command = command
        self.summary = summary


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]


def _image(columns: list[str], prefix: str) -> str:
    pairs = ", ".join(f"'{column}', {prefix}.\"{column}\"" for column in columns)
    return f"json_object('rowid', {prefix}.rowid, {pairs})"


def install_triggers(conn: sqlite3.Connection) -> None:
    """(Re)create the journal triggers from the tables' current columns."""
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    for table in JOURNALED_TABLES:
        for op in ("insert", "update", "delete"):
            conn.execute(f"DROP TRIGGER IF EXISTS journal_{table}_{op}")
        if table not in tables:
            continue
        columns = _columns(conn, table)
        images = {
            "insert": ("NEW.rowid", "NULL", _image(columns, "NEW")),
            "update": ("NEW.rowid", _image(columns, "OLD"), _image(columns, "NEW")),
            "delete": ("OLD.rowid", _image(columns, "OLD"), "NULL"),
        }
        for op, (row_id, before, after) in images.items():
            conn.execute(
                f"""
                CREATE TRIGGER journal_{table}_{op} AFTER {op.upper()} ON {table}
                WHEN {_WHEN_OPEN}
                BEGIN
                    INSERT INTO change_rows (change_id, tbl, op, row_id, before, after)
                    VALUES ((SELECT max(id) FROM changes), '{table}', '{op}', {row_id},
                            {before}, {after});
                END
                """
            )


def open_change(conn: sqlite3.Connection, command: str, made_at: str) -> Change:
    cursor = conn.execute(
        "INSERT INTO changes (made_at, command) VALUES (?, ?)", (made_at, command)
    )
    return Change(int(cursor.lastrowid or 0), command)


def close_change(conn: sqlite3.Connection, change: Change) -> None:
    """Seal the change; one that wrote nothing leaves no trace (nothing to undo)."""
    wrote = conn.execute(
        "SELECT 1 FROM change_rows WHERE change_id = ? LIMIT 1", (change.id,)
    ).fetchone()
    if wrote is None:
        conn.execute("DELETE FROM changes WHERE id = ?", (change.id,))
    else:
        conn.execute(
            "UPDATE changes SET open = 0, summary = ? WHERE id = ?",
            (change.summary or change.command, change.id),
        )


def _load_reverts(text: str | None) -> list[int]:
    import json  # lazy: a recording command never reads the journal

    return [] if not text else [int(value) for value in json.loads(text)]


def changes_in_effect(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Every closed change, newest first, each with `in_effect` and `reverts`."""
    rows = conn.execute(
        "SELECT id, made_at, command, summary, reverts FROM changes WHERE open = 0 ORDER BY id DESC"
    ).fetchall()
    reverted: set[int] = set()
    out = []
    for row in rows:
        change = dict(row)
        change["reverts"] = _load_reverts(change["reverts"])
        change["in_effect"] = change["id"] not in reverted
        if change["in_effect"]:
            reverted.update(change["reverts"])
        out.append(change)
    return out


def plan_undo(conn: sqlite3.Connection, back_to: int | None) -> list[dict[str, Any]]:
    """The changes an undo reverts, newest first; refuses when there is nothing to revert."""
    changes = changes_in_effect(conn)
    if back_to is None:
        for change in changes:
            if change["in_effect"] and not change["reverts"]:
                return [change]
        raise IssuenoteError("nothing to undo: no recorded change is in effect")
    target = next((c for c in changes if c["id"] == back_to), None)
    if target is None:
        raise IssuenoteError(
            f"there is no change {back_to}; `issuenote undo --list` shows the last ones"
        )
    if not target["in_effect"]:
        raise IssuenoteError(f"change {back_to} is already undone")
    return [c for c in changes if c["in_effect"] and c["id"] >= back_to]


def revert(conn: sqlite3.Connection, planned: list[dict[str, Any]], undo: Change) -> None:
    """Put every row the planned changes touched back as it was, newest first."""
    import json  # lazy: only `undo` reads the row images back

    # A case and its entries come back in reverse order of their deletion:
    # the foreign keys are checked at COMMIT, when all of them are back.
    conn.execute("PRAGMA defer_foreign_keys = ON")
    for change in planned:
        rows = conn.execute(
            "SELECT tbl, op, row_id, before, after FROM change_rows WHERE change_id = ? "
            "ORDER BY id DESC",
            (change["id"],),
        ).fetchall()
        for tbl, op, row_id, before, after in rows:
            _revert_row(conn, change, tbl, op, row_id, before, after)
    conn.execute(
        "UPDATE changes SET reverts = ? WHERE id = ?",
        (json.dumps([c["id"] for c in planned]), undo.id),
    )


def _revert_row(
    conn: sqlite3.Connection,
    change: dict[str, Any],
    table: str,
    op: str,
    row_id: int,
    before: str | None,
    after: str | None,
) -> None:
    import json

    if table not in JOURNALED_TABLES:  # the journal names its tables; never trust more
        raise IssuenoteError(f"the undo journal names an unknown table {table!r}")
    if op in ("insert", "update"):
        expected = json.loads(after or "{}")
        expected.pop("rowid", None)
        current = _current(conn, table, row_id, list(expected))
        if current != expected:
            raise _changed_since(change, table)
        if op == "insert":
            conn.execute(f"DELETE FROM {table} WHERE rowid = ?", (row_id,))
            return
        image = json.loads(before or "{}")
        image.pop("rowid", None)
        assignments = ", ".join(f'"{column}" = ?' for column in image)
        conn.execute(f"UPDATE {table} SET {assignments} WHERE rowid = ?", (*image.values(), row_id))
        return
    image = json.loads(before or "{}")
    image.pop("rowid", None)
    columns = ", ".join(f'"{column}"' for column in image)
    marks = ", ".join("?" for _ in image)
    try:
        conn.execute(
            f"INSERT INTO {table} (rowid, {columns}) VALUES (?, {marks})",
            (row_id, *image.values()),
        )
    except sqlite3.IntegrityError:
        raise _changed_since(change, table) from None


def _current(
    conn: sqlite3.Connection, table: str, row_id: int, columns: list[str]
) -> dict[str, Any] | None:
    names = ", ".join(f'"{column}"' for column in columns)
    row = conn.execute(f"SELECT {names} FROM {table} WHERE rowid = ?", (row_id,)).fetchone()
    return None if row is None else dict(zip(columns, tuple(row), strict=True))


def _changed_since(change: dict[str, Any], table: str) -> IssuenoteError:
    return IssuenoteError(
        f"cannot undo change {change['id']} ({change['command']}): a record in {table} "
        "was changed since by something that is not in the undo journal (an import?); "
        "nothing was undone"
    )


def touched_entries(
    conn: sqlite3.Connection, planned: list[dict[str, Any]]
) -> list[tuple[int, str]]:
    """(case id, entry uuid) of every entry the planned changes wrote, for the chain."""
    import json  # lazy: only `undo` reads the row images back

    seen: dict[str, int] = {}
    for change in planned:
        rows = conn.execute(
            "SELECT tbl, before, after FROM change_rows WHERE change_id = ? "
            "AND tbl IN ('entries', 'entry_revisions', 'attachments') ORDER BY id",
            (change["id"],),
        )
        for row in rows:
            image = json.loads(row["after"] or row["before"] or "{}")
            if row["tbl"] == "entries":
                seen.setdefault(image["uuid"], int(image["case_id"]))
            elif row["tbl"] == "attachments":
                entry = conn.execute(
                    "SELECT uuid FROM entries WHERE id = ?", (image["entry_id"],)
                ).fetchone()
                if entry is not None:
                    seen.setdefault(entry[0], int(image["case_id"]))
            else:
                entry = conn.execute(
                    "SELECT case_id FROM entries WHERE uuid = ?", (image["entry_uuid"],)
                ).fetchone()
                if entry is not None:
                    seen.setdefault(image["entry_uuid"], int(entry[0]))
    return [(case_id, uuid) for uuid, case_id in seen.items()]
