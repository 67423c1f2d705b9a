"""The SQL of evidence: attachment records and the chain ledger of each case.

A mixin of Store (issuenote.store.queries), kept apart so the evidence side
reads as one piece. The hashing itself is pure, in issuenote.evidence.chain.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

from issuenote.errors import IssuenoteError

if TYPE_CHECKING:
    from issuenote.evidence.chain import ChainReport, Link

ATTACHMENT_COLUMNS = (
    "uuid",
    "case_id",
    "number",
    "entry_id",
    "about_entry_id",
    "name",
    "size",
    "media_type",
    "sha256",
    "original_sha256",
    "blob",
    "caption",
    "private",
    "source",
    "message_id",
    "findings",
    "created_at",
)


class EvidenceQueries:
    """Attachments and the chain; mixed into Store, which provides conn, _one and helpers."""

    conn: sqlite3.Connection

    def _one(self, sql: str, params: Any = ()) -> sqlite3.Row | None:  # provided by Store
        raise NotImplementedError

    # -- attachments ---------------------------------------------------------

    def add_attachment(self, fields: dict[str, Any]) -> int:
        """Insert one attachment record, numbered per case (its exhibit number)."""
        row = self._one(
            "SELECT coalesce(max(number), 0) + 1 AS next FROM attachments WHERE case_id = ?",
            [fields["case_id"]],
        )
        record = {column: fields.get(column) for column in ATTACHMENT_COLUMNS}
        wanted = fields.get("number")
        taken = wanted is None or (
            self._one(
                "SELECT 1 FROM attachments WHERE case_id = ? AND number = ?",
                [fields["case_id"], wanted],
            )
            is not None
        )
        record["number"] = (int(row["next"]) if row is not None else 1) if taken else wanted
        record["private"] = 1 if fields.get("private") else 0
        record["source"] = fields.get("source") or "attach"
        record["findings"] = fields.get("findings") or "[]"
        if not record["created_at"]:
            from issuenote.parse import timeparse

            record["created_at"] = timeparse.to_storage(timeparse.utc_now())
        columns = ", ".join(record)
        marks = ", ".join("?" for _ in record)
        cursor = self.conn.execute(
            f"INSERT INTO attachments ({columns}) VALUES ({marks})", tuple(record.values())
        )
        return int(cursor.lastrowid or 0)

    def attachment_rows(self, case_id: int) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            "SELECT a.*, e.at AS entry_at "
            "FROM attachments a JOIN entries e ON e.id = a.entry_id "
            "WHERE a.case_id = ? ORDER BY a.number",
            (case_id,),
        )
        return [dict(row) for row in rows]

    def attachments_of_entry(self, entry_id: int) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            "SELECT * FROM attachments WHERE entry_id = ? ORDER BY number", (entry_id,)
        )
        return [dict(row) for row in rows]

    def attachment_row(self, case_id: int, ref: str) -> dict[str, Any]:
        """An attachment by its number in the case, or a unique prefix of its SHA-256."""
        text = str(ref).strip()
        rows: list[sqlite3.Row] = []
        if text.isascii() and text.isdigit() and len(text) < 19:
            rows = self.conn.execute(
                "SELECT * FROM attachments WHERE case_id = ? AND number = ?", (case_id, int(text))
            ).fetchall()
        elif 8 <= len(text) <= 64 and all(ch in "0123456789abcdef" for ch in text.lower()):
            rows = self.conn.execute(
                "SELECT * FROM attachments WHERE case_id = ? AND substr(sha256, 1, ?) = ?",
                (case_id, len(text), text.lower()),
            ).fetchall()
        if len(rows) > 1:
            raise IssuenoteError(
                f"{text!r} matches {len(rows)} attachments of case {case_id}; "
                "give its number (see `issuenote attachments`)"
            )
        if not rows:
            shown = text if len(text) <= 40 else text[:40] + "…"
            raise IssuenoteError(
                f"case {case_id} has no attachment {shown!r}; "
                f"`issuenote attachments {case_id}` lists them"
            )
        return dict(rows[0])

    def delete_attachment(self, attachment_id: int) -> None:
        self.conn.execute("DELETE FROM attachments WHERE id = ?", (attachment_id,))

    def blob_in_use(self, blob: str) -> bool:
        return self._one("SELECT 1 FROM attachments WHERE blob = ? LIMIT 1", [blob]) is not None

    def all_blobs(self) -> set[str]:
        return {row[0] for row in self.conn.execute("SELECT DISTINCT blob FROM attachments")}

    def all_attachment_rows(self) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            "SELECT a.*, c.id AS case_number FROM attachments a "
            "JOIN cases c ON c.id = a.case_id ORDER BY a.case_id, a.number"
        )
        return [dict(row) for row in rows]

    def private_attachment_blobs(self, sha256s: set[str]) -> dict[str, tuple[str, str]]:
        """SHA-256 -> (record UUID, sealed blob) of a private attachment with that content."""
        found: dict[str, tuple[str, str]] = {}
        for sha256 in sorted(sha256s):
            row = self._one(
                "SELECT uuid, blob FROM attachments WHERE sha256 = ? AND private = 1 LIMIT 1",
                [sha256],
            )
            if row is not None:
                found[sha256] = (row["uuid"], row["blob"])
        return found

    def attachment_uuids_by_case(self) -> dict[str, list[str]]:
        """Case UUID -> the UUIDs of its attachments, for sync to notice a detach."""
        found: dict[str, list[str]] = {}
        rows = self.conn.execute(
            "SELECT c.uuid AS case_uuid, a.uuid FROM attachments a "
            "JOIN cases c ON c.id = a.case_id ORDER BY a.uuid"
        )
        for row in rows:
            found.setdefault(row["case_uuid"], []).append(row["uuid"])
        return found

    def detach_by_uuid(self, attachment_uuid: str) -> bool:
        """Remove an attachment another device detached; False if it is not here."""
        row = self._one("SELECT id, entry_id FROM attachments WHERE uuid = ?", [attachment_uuid])
        if row is None:
            return False
        self.delete_attachment(int(row["id"]))
        self.chain_entry(int(row["entry_id"]), "detach")
        return True

    def known_attachment_uuids(self, uuids: set[str]) -> set[str]:
        """Which of these attachment records this notebook already holds."""
        return {
            uuid_
            for uuid_ in sorted(uuids)
            if self._one("SELECT 1 FROM attachments WHERE uuid = ?", [uuid_]) is not None
        }

    def case_blobs(self, case_id: int) -> set[str]:
        rows = self.conn.execute("SELECT blob FROM attachments WHERE case_id = ?", (case_id,))
        return {row[0] for row in rows}

    def find_ingested(self, case_id: int, message_id: str | None, sha256: str) -> int | None:
        """The entry a saved message was already ingested into (same Message-ID or same file)."""
        row = self._one(
            "SELECT entry_id FROM attachments WHERE case_id = ? AND source = 'mail' "
            "AND ((? IS NOT NULL AND message_id = ?) OR sha256 = ? OR original_sha256 = ?) "
            "LIMIT 1",
            [case_id, message_id, message_id, sha256, sha256],
        )
        return None if row is None else int(row["entry_id"])

    # -- the chain -----------------------------------------------------------

    def _revision_rows(self, entry_uuid: str) -> list[dict[str, Any]]:
        """The entry's earlier versions (amend, rm): the chain covers its history too."""
        rows = self.conn.execute(
            "SELECT revision, change, made_at, fields FROM entry_revisions "
            "WHERE entry_uuid = ? ORDER BY revision",
            (entry_uuid,),
        )
        return [dict(row) for row in rows]

    def entry_content_hash(self, entry: dict[str, Any]) -> str:
        from issuenote.evidence.chain import entry_digest

        attachments = self.attachments_of_entry(int(entry["id"]))
        return entry_digest(entry, attachments, self._revision_rows(entry["uuid"]))

    def chain_entry(self, entry_id: int, event: str) -> str:
        """Append the link for what just happened to an entry; returns the new head."""
        row = self._one("SELECT * FROM entries WHERE id = ?", [entry_id])
        if row is None:
            raise IssuenoteError(f"unknown entry {entry_id}")
        entry = dict(row)
        content = self.entry_content_hash(entry)
        return self._append_link(int(entry["case_id"]), event, entry["uuid"], content)

    def chain_undone(self, touched: list[tuple[int, str]]) -> None:
        """After an undo: a link for each entry it put back, changed or removed."""
        for case_id, entry_uuid in touched:
            if self._one("SELECT 1 FROM cases WHERE id = ?", [case_id]) is None:
                continue  # the whole case went (undo of `new`): its chain went with it
            row = self._one("SELECT id FROM entries WHERE uuid = ?", [entry_uuid])
            if row is None:
                self.chain_removed(case_id, entry_uuid)
            else:
                self.chain_entry(int(row["id"]), "undo")

    def chain_removed(self, case_id: int, record_uuid: str) -> str:
        """Append the link saying an entry was removed on purpose."""
        return self._append_link(case_id, "remove", record_uuid, "0" * 64)

    def _append_link(self, case_id: int, event: str, record_uuid: str, content: str) -> str:
        from issuenote.evidence.chain import genesis, link_hash
        from issuenote.parse import timeparse

        last = self._one(
            "SELECT seq, hash FROM chain WHERE case_id = ? ORDER BY seq DESC LIMIT 1", [case_id]
        )
        case_uuid = self._one("SELECT uuid FROM cases WHERE id = ?", [case_id])["uuid"]
        seq = 1 if last is None else int(last["seq"]) + 1
        previous = genesis(case_uuid) if last is None else last["hash"]
        link = link_hash(case_uuid, seq, event, record_uuid, content, previous)
        self.conn.execute(
            "INSERT INTO chain (case_id, seq, event, record_uuid, content_hash, prev_hash, hash, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                case_id,
                seq,
                event,
                record_uuid,
                content,
                previous,
                link,
                timeparse.to_storage(timeparse.utc_now()),
            ),
        )
        return str(link)

    def chain_head(self, case_id: int) -> str | None:
        row = self._one(
            "SELECT hash FROM chain WHERE case_id = ? ORDER BY seq DESC LIMIT 1", [case_id]
        )
        return None if row is None else str(row["hash"])

    def chain_links(self, case_id: int) -> list[Link]:
        from issuenote.evidence.chain import Link

        rows = self.conn.execute(
            "SELECT seq, event, record_uuid, content_hash, prev_hash, hash FROM chain "
            "WHERE case_id = ? ORDER BY seq",
            (case_id,),
        )
        return [Link(**dict(row)) for row in rows]

    def verify_case_chain(self, case_id: int) -> ChainReport:
        """Recompute the case's chain against what its entries hold now."""
        from issuenote.evidence.chain import RecordState, entry_digest, verify_chain

        case_uuid = self._one("SELECT uuid FROM cases WHERE id = ?", [case_id])["uuid"]
        rows = self.conn.execute(
            "SELECT * FROM entries WHERE case_id = ? ORDER BY id", (case_id,)
        ).fetchall()
        # The case's attachments and earlier versions in two statements, not two
        # per entry (entry_content_hash): doctor checks every case's chain.
        attachments: dict[int, list[dict[str, Any]]] = {}
        for row in self.conn.execute(
            "SELECT a.* FROM entries e JOIN attachments a ON a.entry_id = e.id "
            "WHERE e.case_id = ? ORDER BY a.number",
            (case_id,),
        ):
            attachments.setdefault(row["entry_id"], []).append(dict(row))
        revisions: dict[str, list[dict[str, Any]]] = {}
        for row in self.conn.execute(
            "SELECT r.entry_uuid, r.revision, r.change, r.made_at, r.fields "
            "FROM entries e JOIN entry_revisions r ON r.entry_uuid = e.uuid "
            "WHERE e.case_id = ? ORDER BY r.revision",
            (case_id,),
        ):
            revision = dict(row)
            revisions.setdefault(revision.pop("entry_uuid"), []).append(revision)
        records = []
        for row in rows:
            entry = dict(row)
            label = f"entry {entry.get('number') or entry['id']}"
            content = entry_digest(
                entry, attachments.get(entry["id"], []), revisions.get(entry["uuid"], [])
            )
            records.append(RecordState(entry["uuid"], label, content))
        return verify_chain(case_uuid, self.chain_links(case_id), records)

    # -- documents -----------------------------------------------------------

    def attachment_documents(
        self, case_id: int, *, entry_id: int | None = None, tz: Any = None
    ) -> list[dict[str, Any]]:
        rows = self.attachment_rows(case_id)
        if entry_id is not None:
            rows = [row for row in rows if row["entry_id"] == entry_id]
        return [self.attachment_document(row, tz=tz) for row in rows]

    def attachment_document(self, row: dict[str, Any], *, tz: Any = None) -> dict[str, Any]:
        """An attachment as show, list and exports see it (private names open with the key)."""
        import json

        from issuenote.evidence.attachments import exhibit_name
        from issuenote.parse import timeparse

        entry = self._one("SELECT * FROM entries WHERE id = ?", [row["entry_id"]])
        errors: list[str] = []
        name = self._unseal(row["name"], "attachments", "name", row["uuid"], errors)  # type: ignore[attr-defined]
        caption = None
        if entry is not None:
            caption = self._unseal(entry["text"], "entries", "text", entry["uuid"], errors)  # type: ignore[attr-defined]
        at = entry["at"] if entry is not None else row["created_at"]
        local = timeparse.to_local_iso(at, tz)
        about = row.get("about_entry_id")
        about_row = self._one("SELECT number FROM entries WHERE id = ?", [about]) if about else None
        return {
            "number": row["number"],
            "uuid": row["uuid"],
            "entry_id": row["entry_id"],
            "entry_uuid": entry["uuid"] if entry is not None else None,
            "about_entry_id": about,
            # The number people see and type for that entry (`show` lists them).
            "about_entry_number": about_row["number"] if about_row is not None else None,
            "name": name,
            "size": row["size"],
            "media_type": row["media_type"],
            "sha256": row["sha256"],
            "original_sha256": row["original_sha256"],
            "caption": caption if entry is not None and entry["kind"] == "attachment" else None,
            "private": bool(row["private"]),
            "source": row["source"],
            "at": local,
            "findings": json.loads(row["findings"] or "[]"),
            "exhibit": exhibit_name(row["number"], local[:10], name or "private"),
        }
