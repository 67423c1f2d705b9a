"""Every read and write of the notebook's tables.

Methods take and return plain values: storage-form UTC times, Decimal-free
strings for amounts, dicts for rows. Validation of user input happens before
we are called (issuenote.actions); constraints here are the last line.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import tzinfo
from pathlib import Path
from typing import Any

from issuenote.errors import IssuenoteError
from issuenote.model import (
    CASE_FIELDS,
    ENTRY_FIELDS,
    FINISHED_STATUSES,
    TRANSACTION_FIELDS,
    agents_of,
    tickets_of,
)
from issuenote.parse import timeparse
from issuenote.safety.fieldcrypt import is_encrypted
from issuenote.safety.vault import Vault
from issuenote.store.connection import open_connection, write_transaction
from issuenote.store.schema import SCHEMA_VERSION


def new_uuid() -> str:
    return str(uuid.uuid4())


def _now() -> str:
    return timeparse.to_storage(timeparse.utc_now())


class Store:
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
        with write_transaction(self.conn):
            yield self

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
        """Turn a case number or UUID into the case id, or refuse it."""
        text = str(ref).strip()
        row = None
        if text.isascii() and text.isdigit() and len(text) < 19:
            row = self._one("SELECT id FROM cases WHERE id = ?", [int(text)])
        elif len(text) == 36 and text.isascii():
            row = self._one("SELECT id FROM cases WHERE uuid = ?", [text.lower()])
        if row is None:
            shown = text if len(text) <= 40 else text[:40] + "…"
            raise IssuenoteError(f"unknown case {shown!r}; `issuenote list --all` shows the cases")
        return int(row["id"])

    def add_case(self, fields: dict[str, Any], tags: Iterable[str] = ()) -> int:
        now = _now()
        values = {column: fields.get(column) for column in CASE_FIELDS}
        values["category"] = values["category"] or "other"
        values["status"] = values["status"] or "open"
        record = {"uuid": fields.get("uuid") or new_uuid(), **values}
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
                   (SELECT count(*) FROM entries e WHERE e.case_id = c.id) AS entry_count,
                   (SELECT count(*) FROM entries e WHERE e.case_id = c.id
                        AND e.kind = 'step' AND e.done_at IS NULL) AS open_steps,
                   (SELECT min(e.due) FROM entries e WHERE e.case_id = c.id
                        AND e.kind = 'step' AND e.done_at IS NULL) AS next_due,
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
        self, query: str, *, case_id: int | None = None, limit: int = 200
    ) -> list[dict[str, Any]]:
        """Cases, entries and transactions whose text contains `query` (ASCII case ignored).

        A substring match rather than FTS: notebooks are small, and it finds
        Chinese and Korean words that a word tokenizer would not. Private
        (encrypted) texts are never searched.
        """
        params = {"q": query.lower(), "case": case_id, "limit": limit}

        def within(column: str) -> str:
            return "" if case_id is None else f"AND {column} = :case"

        def contains(*columns: str) -> str:
            return " OR ".join(f"instr(lower(coalesce({c}, '')), :q) > 0" for c in columns)

        def joined(*columns: str) -> str:
            return " || char(31) || ".join(f"coalesce({c}, '')" for c in columns)

        entry_columns = ("text", "suggests", "via", "agent", "agent_id", "ticket", "escalated_to")
        rows = self.conn.execute(
            f"""
            SELECT 'case' AS kind, c.id AS case_id, NULL AS id, c.updated_at AS at,
                   c.title AS title, NULL AS entry_kind,
                   {joined("c.title", "c.description", "c.platform")} AS body
            FROM cases c
            WHERE ({contains("c.title", "c.description", "c.platform")}
                   OR EXISTS (SELECT 1 FROM case_tags t
                              WHERE t.case_id = c.id AND {contains("t.tag")}))
                  {within("c.id")}
            UNION ALL
            SELECT 'entry', e.case_id, e.id, e.at, c.title, e.kind,
                   {joined(*(f"e.{c}" for c in entry_columns))}
            FROM entries e JOIN cases c ON c.id = e.case_id
            WHERE e.private = 0 AND ({contains(*(f"e.{c}" for c in entry_columns))})
                  {within("e.case_id")}
            UNION ALL
            SELECT 'transaction', x.case_id, x.id, coalesce(x.at, x.created_at), c.title, NULL,
                   x.txid
            FROM transactions x JOIN cases c ON c.id = x.case_id
            WHERE {contains("x.txid")} {within("x.case_id")}
            ORDER BY at DESC, case_id DESC, id DESC
            LIMIT :limit
            """,
            params,
        )
        hits = [dict(row) for row in rows]
        for hit in hits:
            hit["snippet"] = _snippet(hit.pop("body"), query)
        return hits

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

    def add_entry(self, case_id: int, fields: dict[str, Any]) -> int:
        record = {column: fields.get(column) for column in ENTRY_FIELDS}
        record["flags"] = _dump_list(sorted(set(fields.get("flags") or [])))
        record["warnings"] = _dump_list(list(fields.get("warnings") or []))
        record["private"] = 1 if fields.get("private") else 0
        entry_uuid = fields.get("uuid") or new_uuid()
        if record["private"]:
            for column in ("text", "suggests"):
                if record[column] is not None:
                    record[column] = self._seal(record[column], "entries", column, entry_uuid)
        record = {
            "uuid": entry_uuid,
            "case_id": case_id,
            **record,
            "created_at": fields.get("created_at") or _now(),
        }
        columns = ", ".join(record)
        marks = ", ".join("?" for _ in record)
        cursor = self.conn.execute(
            f"INSERT INTO entries ({columns}) VALUES ({marks})", tuple(record.values())
        )
        self.touch_case(case_id)
        return int(cursor.lastrowid or 0)

    def entry_row(self, case_id: int, entry_id: str | int) -> dict[str, Any]:
        text = str(entry_id).strip()
        row = None
        if text.isascii() and text.isdigit() and len(text) < 19:
            row = self._one(
                "SELECT * FROM entries WHERE id = ? AND case_id = ?", [int(text), case_id]
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
        if row is not None:
            self.touch_case(int(row["case_id"]))

    def entry_document(self, entry_id: int, *, tz: tzinfo | None = None) -> dict[str, Any]:
        row = self._one("SELECT * FROM entries WHERE id = ?", [entry_id])
        if row is None:
            raise IssuenoteError(f"unknown entry {entry_id}")
        errors: list[str] = []
        return {"case_id": row["case_id"], **self._entry(dict(row), _local(tz), errors)}

    def _entry(
        self, row: dict[str, Any], when: Callable[[str | None], str | None], errors: list[str]
    ) -> dict[str, Any]:
        if row["private"]:
            for column in ("text", "suggests"):
                row[column] = self._unseal(row[column], "entries", column, row["uuid"], errors)
        return entry_document(row, when)

    def last_channel(self, case_id: int) -> str | None:
        row = self._one(
            "SELECT channel FROM entries WHERE case_id = ? AND channel IS NOT NULL "
            "ORDER BY at DESC, id DESC LIMIT 1",
            [case_id],
        )
        return None if row is None else row["channel"]

    def entry_rows(self, case_id: int) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            "SELECT * FROM entries WHERE case_id = ? ORDER BY at, id", (case_id,)
        )
        return [dict(row) for row in rows]

    # -- transactions --------------------------------------------------------

    def find_transaction(self, case_id: int, txid: str) -> dict[str, Any] | None:
        row = self._one(
            "SELECT * FROM transactions WHERE case_id = ? AND txid = ? COLLATE NOCASE",
            [case_id, txid],
        )
        return None if row is None else dict(row)

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
            "SELECT * FROM transactions WHERE case_id = ? ORDER BY coalesce(at, created_at), id",
            (case_id,),
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
        case = self.case_row(case_id)
        when = _local(tz)

        rows = self.entry_rows(case_id)
        errors: list[str] = []
        account = self._unseal(case["account"], "cases", "account", case["uuid"], errors)
        entries = [self._entry(row, when, errors) for row in rows]
        transactions = [transaction_document(row, when) for row in self.transaction_rows(case_id)]
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
            "tags": self.case_tags(case_id),
            "description": case["description"],
            "occurred_at": when(case["occurred_at"]),
            "created_at": when(case["created_at"]),
            "updated_at": when(case["updated_at"]),
            "entries": entries,
            "transactions": transactions,
            "tickets": tickets_of(entries),
            "agents": agents_of(entries),
            "open_steps": open_steps,
            # Fields that could not be decrypted (missing or wrong key); the rest still reads.
            "unreadable": errors,
        }


def _snippet(body: str, query: str, *, reach: int = 40) -> str:
    """The words around the first match, so a hit shows why it matched."""
    body = " · ".join(part for part in body.split("\x1f") if part)
    at = body.lower().find(query.lower())
    if at < 0:  # matched a tag: show the start
        at = 0
    start, end = max(0, at - reach), min(len(body), at + len(query) + reach)
    text = " ".join(body[start:end].split())
    return ("…" if start else "") + text + ("…" if end < len(body) else "")


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
        "flags": _load_list(row["flags"]),
        "warnings": _load_list(row["warnings"]),
        "private": bool(row["private"]),
    }


def transaction_document(
    row: dict[str, Any], when: Callable[[str | None], str | None]
) -> dict[str, Any]:
    from issuenote.parse.txid import explorer_url

    return {
        "id": row["id"],
        "uuid": row["uuid"],
        "txid": row["txid"],
        "chain": row["chain"],
        "asset": row["asset"],
        "amount": row["amount"],
        "kind": row["kind"],
        "at": when(row["at"]),
        "explorer_url": explorer_url(row["chain"], row["txid"]) if row["chain"] else None,
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
