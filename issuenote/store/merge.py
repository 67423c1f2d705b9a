"""The SQL of `issuenote import`: merge checked export records into the notebook by UUID.

What happens to each record of the file (issuenote.importer has checked it):

- a case, entry or transaction whose UUID is new here is added, keeping its
  number (case 3, entry 12) when that number is free here;
- one already here is compared field by field: equal changes nothing, so
  importing the same file twice changes nothing; empty here and set in the
  file is filled in (a step done on the other machine gets its done time);
  tags, flags and warnings are united;
- set on both sides and different (edited on both machines): this notebook's
  value is kept, and the imported value is written into a note on the case,
  so neither version is lost and the difference is in plain sight. The same
  difference imported again is not noted twice. A status is taken from the
  file when the merged timeline's latest status change says so;
- a transaction with the same txid in the same case is the same transaction,
  whatever its UUID.

Everything runs in one write transaction: all of the file, or nothing.

Sync (`merge_sync`) merges the files of the other devices with one change of
rule, so that every device ends with the same notebook whatever the order: a
field set differently on two devices takes the value of the copy edited last
(the later `updated_at`; on a tie, the larger value), on every device alike,
and the other value goes into a note whose text and UUID are the same on
every device that writes it, so the union of notes stays one note.
Account references and private texts are sealed by the notebook's vault, as
when they are recorded.
"""

from __future__ import annotations

import json
import uuid as uuids
from contextlib import nullcontext
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from issuenote.errors import IssuenoteError
from issuenote.importer import stored_entry, stored_revision_fields
from issuenote.model import ENTRY_FIELDS, PRIVATE_ENTRY_COLUMNS
from issuenote.parse import timeparse
from issuenote.store import bulk
from issuenote.store.connection import statement_journals_in_memory
from issuenote.store.queries import Store, new_uuid

if TYPE_CHECKING:
    from issuenote.importer import (
        ExportFile,
        ImportedCase,
        ImportedEntry,
        ImportedRevision,
        ImportedTransaction,
    )

# Compared one to one; status, account, flags, warnings and done_at have rules of their own.
_CASE_COMPARED = (
    "title",
    "platform",
    "category",
    "language",
    "description",
    "request",
    "occurred_at",
)
_ENTRY_COMPARED = tuple(f for f in ENTRY_FIELDS if f not in ("flags", "warnings", "private"))
_TX_COMPARED = ("order_id", "chain", "network", "asset", "amount", "kind", "address", "memo", "at")
# Warnings are a JSON list, sealed as text: compared and merged apart (see merge_entry).
# What a private text stands in for in a dry run's rows (which are rolled back).
_NOT_SEALED_IN_A_DRY_RUN = "(not sealed: dry run)"
_SEALED_ENTRY_COLUMNS = tuple(c for c in PRIVATE_ENTRY_COLUMNS if c != "warnings")


@dataclass(frozen=True)
class Difference:
    """One field set differently here and in the file."""

    label: str
    here: Any
    imported: Any
    sensitive: bool = False


@dataclass
class Conflict:
    case_id: int
    fields: list[str]
    note_id: int | None
    already_noted: bool = False


@dataclass
class MergeReport:
    """What an import did (or, in a dry run, would do)."""

    cases_added: list[int] = field(default_factory=list)
    cases_updated: list[int] = field(default_factory=list)
    entries_added: int = 0
    entries_updated: int = 0
    transactions_added: int = 0
    transactions_updated: int = 0
    conflicts: list[Conflict] = field(default_factory=list)
    # Masked accounts in the file, for cases that have none here: not imported.
    masked_accounts: int = 0
    # Encrypted fields here that could not be opened to compare (no key).
    not_compared: int = 0
    attachments_added: int = 0
    # Attachments listed in the file whose files were neither carried with it nor here.
    attachments_without_file: int = 0
    dry_run: bool = False

    @property
    def changed(self) -> bool:
        return bool(
            self.cases_added
            or self.cases_updated
            or self.entries_added
            or self.transactions_added
            or self.attachments_added
            or any(not c.already_noted for c in self.conflicts)
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "changed": self.changed,
            "cases_added": self.cases_added,
            "cases_updated": self.cases_updated,
            "entries_added": self.entries_added,
            "entries_updated": self.entries_updated,
            "transactions_added": self.transactions_added,
            "transactions_updated": self.transactions_updated,
            "conflicts": [
                {
                    "case": c.case_id,
                    "fields": c.fields,
                    "note": c.note_id,
                    "already_noted": c.already_noted,
                }
                for c in self.conflicts
            ],
            "masked_accounts_skipped": self.masked_accounts,
            "not_compared": self.not_compared,
            "attachments_added": self.attachments_added,
            "attachments_without_file": self.attachments_without_file,
        }


@dataclass
class SyncMerge:
    """What `merge_sync` did, and each case's revision just before and just after."""

    report: MergeReport
    deleted: list[int]
    revisions_before: dict[str, int]
    revisions_after: dict[str, int]


def merge_sync(
    store: Store,
    exports: list[tuple[ExportFile, frozenset[str]]],
    deletions: dict[str, int],
    *,
    files: dict[str, bytes] | None = None,
    detach: frozenset[str] = frozenset(),
) -> SyncMerge:
    """Merge other devices' files and apply their deletions, in one transaction.

    Each file comes with the UUIDs of its cases that simply replace the copy
    here (it already includes this copy, which did not change since): the
    file's values are taken without a conflict note. The others are merged
    with sync's conflict rule. ``deletions`` maps a case UUID to the revision
    it had when sync decided to delete it: a case written to since (a note
    typed while the sync ran) is kept. ``files`` holds, by SHA-256, the content
    of files received for private attachments, to be sealed here; ``detach``
    the UUIDs of attachments another device detached, to remove here.
    """
    report = MergeReport()
    deleted: list[int] = []
    created_blobs: list[str] = []
    try:
        with statement_journals_in_memory(store.conn), store.writing():
            before = {uuid: revision for uuid, (_, revision, _) in store.case_revisions().items()}
            for export, forward in exports:
                merger = _Merger(
                    store,
                    export,
                    dry_run=False,
                    sync=True,
                    forward=forward,
                    files=dict(files or {}),
                )
                merger.report = report
                merger.created_blobs = created_blobs
                merger.run()
            for attachment_uuid in sorted(detach):
                store.detach_by_uuid(attachment_uuid)
            for uuid, (case_id, revision, _) in store.case_revisions().items():
                if uuid in deletions and deletions[uuid] == revision == before.get(uuid):
                    store.delete_case(case_id)
                    deleted.append(case_id)
            after = {uuid: revision for uuid, (_, revision, _) in store.case_revisions().items()}
    except BaseException:
        _remove_blobs(store, created_blobs)
        raise
    return SyncMerge(report, deleted, before, after)


def _remove_blobs(store: Store, blobs: list[str]) -> None:
    """Drop the files a merge that rolled back had put in the attachment store."""
    from issuenote.evidence.attachments import remove_blob

    for blob in blobs:
        remove_blob(store.home, blob)


class _DryRun(Exception):
    """Rolls the write transaction back once a dry run has counted everything."""


def merge_export(
    store: Store,
    export: ExportFile,
    *,
    dry_run: bool = False,
    files: dict[str, Path] | None = None,
) -> MergeReport:
    """Merge the whole file in one transaction; IssuenoteError leaves the notebook untouched.

    `files` maps a SHA-256 to an attachment file that came with the export
    (`export --all --with-attachments`); an attachment whose file is neither
    there nor already kept here is counted, not recorded.
    """
    merger = _Merger(store, export, dry_run=dry_run, files=files or {})
    try:
        with statement_journals_in_memory(store.conn), store.writing():
            merger.run()
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    except BaseException:
        _remove_blobs(store, merger.created_blobs)
        raise
    return merger.report


class _Merger:
    def __init__(
        self,
        store: Store,
        export: ExportFile,
        *,
        dry_run: bool,
        files: dict[str, Path | bytes] | None = None,
        sync: bool = False,
        forward: frozenset[str] = frozenset(),
    ) -> None:
        self.store = store
        self.sync = sync
        self.forward = forward
        self.quiet = False  # in sync: this case fast-forwards, no conflict note
        # In sync: whether the file's copy of the current case was edited last.
        self.file_newer: bool | None = None
        self.conn = store.conn
        self.export = export
        self.files = files or {}
        self.created_blobs: list[str] = []
        self.dry_run = dry_run
        # The check's clock when there was one: the entry hashes it made assume it.
        self.now = export.imported_at or timeparse.to_storage(timeparse.utc_now())
        self.report = MergeReport(dry_run=dry_run)
        # entry_search's merge settings from before the first case written in bulk
        # (store.bulk.hold_merges), put back at the end of `run`.
        self.held_merges: dict[str, str | None] | None = None
        # Whether the notebook had entries (or their revisions or attachments) when
        # the run began: set by `run`.
        self.had_entries = True
        # Cases written in bulk and settled, whose index and stats rows wait for `flush`.
        self.unflushed: list[int] = []
        self.unflushed_entries = 0
        # Whether the notebook had no entry and nothing in its full-text index when
        # the run began (a new machine, a restore): set by `run`. Then, once a big
        # import is under way, the entries' indexes that `defer_indexes` dropped (None
        # before it is tried), to build at the end; and the cases written in bulk
        # since, and their entries, whose full-text rows are written then, in time order.
        self.afresh = False
        self.deferred_indexes: list[str] | None = None
        self.indexed_at_end: list[int] = []
        self.entries_indexed_at_end = 0

    # -- helpers ----------------------------------------------------------------

    def one(self, sql: str, *params: Any) -> dict[str, Any] | None:
        row = self.conn.execute(sql, params).fetchone()
        return None if row is None else dict(row)

    def free_id(self, table: str, wanted: int | None) -> int | None:
        """The exported number if nobody here has it, else None (SQLite picks the next)."""
        if wanted is None:
            return None
        taken = self.conn.execute(f"SELECT 1 FROM {table} WHERE id = ?", (wanted,)).fetchone()
        return None if taken else wanted

    def insert(self, table: str, record: dict[str, Any]) -> int:
        columns = ", ".join(record)
        marks = ", ".join("?" for _ in record)
        cursor = self.conn.execute(
            f"INSERT INTO {table} ({columns}) VALUES ({marks})", tuple(record.values())
        )
        row_id = int(cursor.lastrowid or 0)
        if table == "entries":  # every entry, imported or noted, joins its case's chain
            self.store.chain_entry(row_id, "add")
        return row_id

    def update(self, table: str, row_id: int, changes: dict[str, Any]) -> None:
        assignments = ", ".join(f"{column} = ?" for column in changes)
        self.conn.execute(
            f"UPDATE {table} SET {assignments} WHERE id = ?", (*changes.values(), row_id)
        )
        if table == "entries":
            self.store.chain_entry(row_id, "revise")

    def seal(self, value: str | None, table: str, column: str, record_uuid: str) -> str | None:
        """Encrypt as the store does; a dry run stores nothing, so it makes no key either.

        A dry run's rows are rolled back, but the texts of a private entry
        must not reach even its uncommitted pages: they stand in as a
        placeholder (some of these columns may not be NULL).
        """
        if value is None:
            return None
        if self.dry_run:
            return _NOT_SEALED_IN_A_DRY_RUN
        return self.store.vault.encrypt(value, table=table, column=column, record_uuid=record_uuid)

    def unseal(self, value: str | None, table: str, column: str, record_uuid: str) -> Any:
        """The plain value here, or _UNREADABLE when this notebook's key is missing."""
        from issuenote.safety.fieldcrypt import is_encrypted

        if value is None or not is_encrypted(value):
            return value
        try:
            return self.store.vault.decrypt(
                value, table=table, column=column, record_uuid=record_uuid
            )
        except IssuenoteError:
            return _UNREADABLE

    def refuse(self, message: str) -> IssuenoteError:
        return IssuenoteError(
            f"cannot import {self.export.source}: {message}; nothing was imported"
        )

    # -- the file ---------------------------------------------------------------

    def run(self) -> None:
        self.had_entries = any(
            self.one(f"SELECT 1 AS found FROM {table} LIMIT 1")
            for table in ("entries", "entry_revisions", "attachments")
        )
        self.afresh = not self.had_entries and bulk.index_is_empty(self.conn)
        for case in self.export.cases:
            row = self.one("SELECT * FROM cases WHERE uuid = ?", case.uuid)
            if row is None:
                self.add_case(case)
            else:
                self.merge_case(row, case)
        self.flush()
        if self.deferred_indexes:
            bulk.restore_indexes(self.conn, self.deferred_indexes)
        with bulk.freed_pages_not_wiped(self.conn) if self.afresh else nullcontext():
            if self.entries_indexed_at_end:
                everything = self.entries_indexed_at_end == self.count("entries")
                bulk.index_in_time_order(self.conn, None if everything else self.indexed_at_end)
            if self.held_merges is not None:
                bulk.merge_held(self.conn, self.held_merges, self.report.entries_added)

    def flush(self) -> None:
        """Count the cases written in bulk since the last flush; index them, unless that waits."""
        at_end = bool(self.deferred_indexes)
        bulk.flush(self.conn, self.unflushed, index=not at_end)
        if at_end:
            self.indexed_at_end += self.unflushed
            self.entries_indexed_at_end += self.unflushed_entries
        self.unflushed = []
        self.unflushed_entries = 0

    def count(self, table: str) -> int:
        return int(self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])

    # -- new records --------------------------------------------------------------

    def add_case(self, case: ImportedCase) -> None:
        fields = dict(case.fields)
        fields["account"] = self.seal(fields["account"], "cases", "account", case.uuid)
        record: dict[str, Any] = {}
        wanted = self.free_id("cases", case.id)
        if wanted is not None:
            record["id"] = wanted
            self.store.note_case_id(wanted)
        else:  # the next number never given out here (a deleted case's is not reused)
            record["id"] = self.store._next_case_id()
        record.update(uuid=case.uuid, **fields)
        record.update(created_at=case.created_at, updated_at=case.updated_at)
        case_id = self.insert("cases", record)
        self.add_tags(case_id, case.tags)
        if not self.add_entries_at_once(case_id, case.entries):
            for entry in case.entries:
                self.check_entry_is_new(entry, case_id)
                self.add_entry(case_id, entry)
        for transaction in case.transactions:
            self.check_transaction_is_new(transaction, case_id)
            self.add_transaction(case_id, transaction)
        if case.account_masked:
            self.report.masked_accounts += 1
        self.merge_attachments(case_id, case)
        self.report.cases_added.append(case_id)

    def add_tags(self, case_id: int, tags: tuple[str, ...] | list[str]) -> int:
        before = self.conn.total_changes
        self.conn.executemany(
            "INSERT OR IGNORE INTO case_tags (case_id, tag) VALUES (?, ?)",
            [(case_id, tag) for tag in tags],
        )
        return self.conn.total_changes - before

    def entry_record(self, case_id: int, entry: ImportedEntry) -> dict[str, Any]:
        """The columns of a new entry, private texts sealed; id and number are the caller's."""
        record = stored_entry(entry.uuid, entry.fields, entry.deleted_at, self.now)
        record["case_id"] = case_id
        if record["private"]:
            for column in _SEALED_ENTRY_COLUMNS:
                record[column] = self.seal(record[column], "entries", column, entry.uuid)
            record["warnings"] = self.seal(record["warnings"], "entries", "warnings", entry.uuid)
        return record

    def add_entries_at_once(self, case_id: int, entries: tuple[ImportedEntry, ...]) -> bool:
        """Add a new case's entries in a few statements; False when the case needs add_entry.

        An import is mostly new cases with hundreds of entries each, and
        add_entry costs about ten statements an entry (free id, free number,
        then the chain link reads the row back with its attachments and
        revisions). Here the same rows, revisions and links are written in
        the same order with executemany; the triggers that derive rows from
        entries stand aside for the case meanwhile, and store.bulk sets those
        rows per case and per batch, as the triggers would have (m012). Only
        the common case takes this path: every entry keeps the id and number
        it has in the file, nothing here uses those ids or UUIDs, and no undo
        journal is open (its rows would come in another order); anything else
        goes entry by entry, which settles each clash as it meets it.
        """
        if not entries or self.journal_open():
            return False
        ids = [entry.id for entry in entries]
        numbers = [entry.number for entry in entries]
        if None in ids or None in numbers or len(set(ids)) < len(ids):
            return False
        if len(set(numbers)) < len(numbers):
            return False
        uuids = [entry.uuid for entry in entries]
        # In a notebook with no entry when the import began, every row is the file's,
        # whose UUIDs all differ (the check refuses one used twice; when it runs
        # beside the merge, SQLite's UNIQUE stops the merge first and the check's
        # refusal is told): no probe of the UUIDs, whose index pages are all over.
        others = self.had_entries
        if (
            self.any_row("entries", "id", ids)
            or (others and self.any_row("entries", "uuid", uuids))
            or (others and self.any_row("entry_revisions", "entry_uuid", uuids))
            or (others and self.any_row("attachments", "entry_id", ids))
            or self.any_row("entries", "case_id", [case_id])
            or self.any_row("chain", "case_id", [case_id])
        ):
            return False
        records = []
        revisions: list[tuple[str, int, str, str, str]] = []
        for entry in entries:  # sealed in add_entry's order: entry, then its revisions
            record = self.entry_record(case_id, entry)
            records.append({"id": entry.id, "number": entry.number, **record})
            revisions += [
                (
                    entry.uuid,
                    revision.revision,
                    revision.change,
                    revision.made_at,
                    self.revision_fields(entry.uuid, revision.fields),
                )
                for revision in entry.revisions
            ]
        columns = list(records[0])
        row_of = itemgetter(*columns)
        if self.held_merges is None:  # the first case written in bulk
            self.held_merges = bulk.hold_merges(self.conn)
        if (
            self.afresh
            and self.deferred_indexes is None
            and self.report.entries_added >= bulk.DEFER_AFTER_ENTRIES
        ):
            self.deferred_indexes = bulk.defer_indexes(self.conn)
        bulk.begin(self.conn, case_id)
        self.conn.executemany(
            f"INSERT INTO entries ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            [row_of(record) for record in records],
        )
        if revisions:
            self.conn.executemany(
                "INSERT INTO entry_revisions (entry_uuid, revision, change, made_at, fields) "
                "VALUES (?, ?, ?, ?, ?)",
                revisions,
            )
        case_uuid = self.chain_new_entries(case_id, entries, revisions)
        bulk.settle(self.conn, case_id, case_uuid)
        self.unflushed.append(case_id)
        self.unflushed_entries += len(entries)
        if self.unflushed_entries >= bulk.FLUSH_ENTRIES:
            self.flush()
        self.report.entries_added += len(entries)
        return True

    def journal_open(self) -> bool:
        """Whether an undo journal is recording (its triggers then log every row)."""
        row = self.one("SELECT open FROM changes ORDER BY id DESC LIMIT 1")
        return bool(row and row["open"])

    def any_row(self, table: str, column: str, values: list[Any]) -> bool:
        """Whether any row of `table` has one of `values` in `column` (in bounded batches)."""
        for start in range(0, len(values), 500):
            batch = values[start : start + 500]
            marks = ", ".join("?" * len(batch))
            found = self.conn.execute(
                f"SELECT 1 FROM {table} WHERE {column} IN ({marks}) LIMIT 1", batch
            ).fetchone()
            if found is not None:
                return True
        return False

    def chain_new_entries(
        self,
        case_id: int,
        entries: tuple[ImportedEntry, ...],
        revisions: list[tuple[str, int, str, str, str]],
    ) -> str:
        """The links add_entry would append, computed here and written in one statement.

        Each entry gets its "add" link (the row as stored, no revisions yet)
        and, when it came with revisions, an "import" link covering them, as
        chain_entry computes them. The check hashed each entry as it is
        stored here (ImportedEntry.digests, made with the same stored_entry
        and created_at); the rows of the others (private ones, sealed here)
        are read back once so that their hashes cover exactly what was
        stored. Returns the case's UUID.
        """
        from issuenote.evidence.chain import entry_digest, genesis, link_hash

        checked = self.now == self.export.imported_at
        stored: dict[str, dict[str, Any]] = {}
        if not checked or not all(entry.digests for entry in entries):
            cursor = self.conn.execute("SELECT * FROM entries WHERE case_id = ?", (case_id,))
            columns = [description[0] for description in cursor.description]
            stored = {row["uuid"]: dict(zip(columns, row, strict=True)) for row in cursor}
        history: dict[str, list[dict[str, Any]]] = {}
        for entry_uuid, number, change, made_at, fields in revisions:
            history.setdefault(entry_uuid, []).append(
                {"revision": number, "change": change, "made_at": made_at, "fields": fields}
            )
        case_uuid = self.one("SELECT uuid FROM cases WHERE id = ?", case_id)["uuid"]  # type: ignore[index]
        previous = genesis(case_uuid)
        created_at = timeparse.to_storage(timeparse.utc_now())
        links = []
        for entry in entries:
            if checked and entry.digests:
                contents = entry.digests
            else:
                row = stored[entry.uuid]
                contents = (entry_digest(row),)
                if entry.uuid in history:
                    contents += (entry_digest(row, (), history[entry.uuid]),)
            for event, content in zip(("add", "import"), contents, strict=False):
                seq = len(links) + 1
                link = link_hash(case_uuid, seq, event, entry.uuid, content, previous)
                links.append((case_id, seq, event, entry.uuid, content, previous, link, created_at))
                previous = link
        self.conn.executemany(
            "INSERT INTO chain (case_id, seq, event, record_uuid, content_hash, prev_hash, hash, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            links,
        )
        return case_uuid

    def add_entry(self, case_id: int, entry: ImportedEntry) -> int:
        record = self.entry_record(case_id, entry)
        wanted = self.free_id("entries", entry.id)
        if wanted is not None:
            record["id"] = wanted
        record["number"] = self.free_number(case_id, entry.number)
        self.report.entries_added += 1
        row_id = self.insert("entries", record)
        for revision in entry.revisions:
            self.add_revision(entry.uuid, revision)
        if entry.revisions:  # the entry's link covers its history: link it again with it
            self.store.chain_entry(row_id, "import")
        return row_id

    def free_number(self, case_id: int, wanted: int | None) -> int:
        """The entry's number from the file if the case has no such entry here, else the next."""
        if wanted is not None:
            taken = self.one(
                "SELECT 1 AS taken FROM entries WHERE case_id = ? AND number = ?", case_id, wanted
            )
            if taken is None:
                return wanted
        return self.store.next_entry_number(case_id)

    def revision_fields(self, entry_uuid: str, fields: dict[str, Any]) -> str:
        """A revision's stored form: private texts sealed, as the store keeps them."""
        stored = dict(fields)
        if stored["private"]:
            for column in _SEALED_ENTRY_COLUMNS:
                stored[column] = self.seal(stored[column], "entries", column, entry_uuid)
        return stored_revision_fields(stored)

    def add_revision(self, entry_uuid: str, revision: ImportedRevision) -> None:
        self.insert(
            "entry_revisions",
            {
                "entry_uuid": entry_uuid,
                "revision": revision.revision,
                "change": revision.change,
                "made_at": revision.made_at,
                "fields": self.revision_fields(entry_uuid, revision.fields),
            },
        )

    def merge_revisions(self, entry: ImportedEntry) -> bool:
        """Add the file's revisions missing here; the same revision saying otherwise is refused."""
        if self.sync:
            return self.unite_revisions(entry)
        here = {
            row["revision"]: row
            for row in self.conn.execute(
                "SELECT revision, change, made_at, fields FROM entry_revisions "
                "WHERE entry_uuid = ?",
                (entry.uuid,),
            )
        }
        added = False
        for revision in entry.revisions:
            row = here.get(revision.revision)
            if row is None:
                if here and revision.revision <= max(here):
                    raise self.refuse(
                        f"{revision.where} is missing here while later revisions exist; "
                        "the file and this notebook disagree"
                    )
                self.add_revision(entry.uuid, revision)
                added = True
                continue
            fields = json.loads(row["fields"])
            if fields.get("private"):
                for column in _SEALED_ENTRY_COLUMNS:
                    fields[column] = self.unseal(fields.get(column), "entries", column, entry.uuid)
            same = (
                row["change"] == revision.change
                and row["made_at"] == revision.made_at
                and all(
                    fields.get(name) == value or fields.get(name) is _UNREADABLE
                    for name, value in revision.fields.items()
                )
            )
            if not same:
                raise self.refuse(
                    f"revision conflict: {revision.where} (revision {revision.revision}) "
                    "differs from the same revision here"
                )
        return added

    def unite_revisions(self, entry: ImportedEntry) -> bool:
        """Sync: an entry amended on two devices keeps every version from both.

        Each device numbered its own amendments, so the same number can name two
        different versions. The union of both sides' versions is ordered by when
        each was made (then by content) and numbered again from 1: the same list
        on every device, whatever the order of syncs.
        """
        here: list[tuple[str, str, str]] = []
        for row in self.conn.execute(
            "SELECT change, made_at, fields FROM entry_revisions WHERE entry_uuid = ? "
            "ORDER BY revision",
            (entry.uuid,),
        ):
            fields = json.loads(row["fields"])
            if fields.get("private"):
                for column in _SEALED_ENTRY_COLUMNS:
                    fields[column] = self.unseal(fields.get(column), "entries", column, entry.uuid)
            if any(value is _UNREADABLE for value in fields.values()):
                return False  # cannot compare without the key; leave them as they are
            here.append((row["made_at"], row["change"], json.dumps(fields, sort_keys=True)))
        theirs = [
            (r.made_at, r.change, json.dumps(r.fields, sort_keys=True)) for r in entry.revisions
        ]
        united = sorted(set(here) | set(theirs))
        if united == here:
            return False
        self.conn.execute("DELETE FROM entry_revisions WHERE entry_uuid = ?", (entry.uuid,))
        for number, (made_at, change, fields_json) in enumerate(united, start=1):
            self.insert(
                "entry_revisions",
                {
                    "entry_uuid": entry.uuid,
                    "revision": number,
                    "change": change,
                    "made_at": made_at,
                    "fields": self.revision_fields(entry.uuid, json.loads(fields_json)),
                },
            )
        return True

    def add_transaction(self, case_id: int, transaction: ImportedTransaction) -> None:
        record: dict[str, Any] = {}
        wanted = self.free_id("transactions", transaction.id)
        if wanted is not None:
            record["id"] = wanted
        record.update(uuid=transaction.uuid, case_id=case_id, **transaction.fields)
        record["created_at"] = self.now
        self.insert("transactions", record)
        self.report.transactions_added += 1

    def check_entry_is_new(self, entry: ImportedEntry, case_id: int) -> None:
        row = self.one("SELECT number, case_id FROM entries WHERE uuid = ?", entry.uuid)
        if row is not None:
            raise self.refuse(
                f"{entry.where} is entry {row['number']} of case {row['case_id']} here, not of "
                f"case {case_id}; the file and this notebook disagree"
            )

    def check_transaction_is_new(self, transaction: ImportedTransaction, case_id: int) -> None:
        row = self.one("SELECT id, case_id FROM transactions WHERE uuid = ?", transaction.uuid)
        if row is not None:
            raise self.refuse(
                f"{transaction.where} is transaction {row['id']} of case {row['case_id']} "
                f"here, not of case {case_id}; the file and this notebook disagree"
            )

    def merge_attachments(self, case_id: int, case: ImportedCase) -> bool:
        """Add the attachments not here yet, with their files; the entries' links follow."""
        from issuenote.evidence import attachments as files

        changed_entries: set[int] = set()
        for item in case.attachments:
            if self.one("SELECT id FROM attachments WHERE uuid = ?", item.uuid) is not None:
                continue
            entry = self.one(
                "SELECT id FROM entries WHERE uuid = ? AND case_id = ?", item.entry_uuid, case_id
            )
            if entry is None:
                raise self.refuse(f"{item.where} belongs to an entry that is not in case {case_id}")
            carried = self.files.get(item.sha256)
            kept_here = not item.private and files.blob_path(self.store.home, item.sha256).is_file()
            if carried is None and not kept_here:
                self.report.attachments_without_file += 1
                continue
            self.report.attachments_added += 1
            if self.dry_run:
                continue
            blob = item.sha256
            if item.private:
                content = carried if isinstance(carried, bytes) else carried.read_bytes()
                sealed = self.store.vault.encrypt_file(content, record_uuid=item.uuid)
                temp, blob = files.write_incoming(self.store.home, sealed)
                if files.place(temp, self.store.home, blob):
                    self.created_blobs.append(blob)
            elif not kept_here and isinstance(carried, bytes):
                temp, _ = files.write_incoming(self.store.home, carried)
                if files.place(temp, self.store.home, blob):
                    self.created_blobs.append(blob)
            elif not kept_here and carried is not None:
                temp, _, _ = files.copy_in(carried, self.store.home)
                if files.place(temp, self.store.home, blob):
                    self.created_blobs.append(blob)
            name = self.seal(item.name, "attachments", "name", item.uuid) if item.private else None
            self.store.add_attachment(
                {
                    "uuid": item.uuid,
                    "case_id": case_id,
                    "number": item.number,
                    "entry_id": entry["id"],
                    "name": name or item.name,
                    "size": item.size,
                    "media_type": item.media_type,
                    "sha256": item.sha256,
                    "original_sha256": item.original_sha256,
                    "blob": blob,
                    "private": item.private,
                    "source": item.source,
                    "findings": json.dumps(list(item.findings), ensure_ascii=False)
                    if item.findings
                    else "[]",
                    "created_at": self.now,
                }
            )
            changed_entries.add(int(entry["id"]))
        for entry_id in sorted(changed_entries):
            self.store.chain_entry(entry_id, "revise")
        return bool(changed_entries)

    # -- records already here -------------------------------------------------------

    def merge_case(self, row: dict[str, Any], case: ImportedCase) -> None:
        case_id = int(row["id"])
        differences: list[Difference] = []
        changes: dict[str, Any] = {}
        self.quiet = case.uuid in self.forward
        if self.quiet:
            self.file_newer = True
        elif row["updated_at"] != case.updated_at:
            self.file_newer = case.updated_at > row["updated_at"]
        else:
            self.file_newer = None  # a tie: the larger value wins, field by field
        for name in _CASE_COMPARED:
            self.compare(name, row[name], case.fields[name], changes, differences)

        imported_account = case.fields["account"]
        if case.account_masked:
            if row["account"] is None:
                self.report.masked_accounts += 1
        elif imported_account is not None:
            here = self.unseal(row["account"], "cases", "account", case.uuid)
            if here is _UNREADABLE:
                self.report.not_compared += 1
            elif here is None:
                changes["account"] = self.seal(imported_account, "cases", "account", case.uuid)
            elif here != imported_account:
                if self.sync and self.file_wins(here, imported_account):
                    changes["account"] = self.seal(imported_account, "cases", "account", case.uuid)
                    here, imported_account = imported_account, here
                differences.append(
                    Difference("account reference", here, imported_account, sensitive=True)
                )

        touched = self.add_tags(case_id, case.tags) > 0
        for entry in case.entries:
            touched |= self.merge_entry(case_id, entry, differences)
        for transaction in case.transactions:
            touched |= self.merge_transaction(case_id, transaction, differences)
        touched |= self.merge_attachments(case_id, case)

        self.merge_status(case_id, row["status"], case.fields["status"], changes, differences)
        conflict_noted = self.note_conflict(case_id, case, differences)
        # In sync a newer copy's time is taken even when it brings nothing else: a
        # write that changed nothing here (a detach, say) still moved it on the other
        # device, and devices that keep their own times never agree on the case.
        newer_time = self.sync and case.updated_at > row["updated_at"]
        if changes or touched or conflict_noted or newer_time:
            changes["updated_at"] = max(row["updated_at"], case.updated_at)
            self.update("cases", case_id, changes)
        if len(changes) > 1 or touched:  # more than updated_at: the file brought something
            self.report.cases_updated.append(case_id)

    def compare(
        self,
        name: str,
        here: Any,
        imported: Any,
        changes: dict[str, Any],
        differences: list[Difference],
        *,
        label: str | None = None,
        sensitive: bool = False,
    ) -> None:
        """Fill an empty field, or note a value set differently on both sides."""
        if imported is None or here == imported:
            return
        if here is None:
            changes[name] = imported
        elif self.sync and self.file_wins(here, imported):
            changes[name] = imported
            differences.append(Difference(label or name, imported, here, sensitive))
        else:
            differences.append(Difference(label or name, here, imported, sensitive))

    def entry_label(self, row: dict[str, Any]) -> str:
        """An entry's number here; in sync its UUID's start, the same on every device."""
        return str(row["uuid"])[:8] if self.sync else str(row["number"])

    def file_wins(self, here: Any, imported: Any) -> bool:
        """Sync's rule for a field set differently on two devices; the same on every device."""
        if self.file_newer is not None:
            return self.file_newer
        return json.dumps(imported, ensure_ascii=False) > json.dumps(here, ensure_ascii=False)

    def merge_status(
        self,
        case_id: int,
        here: str,
        imported: str,
        changes: dict[str, Any],
        differences: list[Difference],
    ) -> None:
        """The merged timeline decides: its latest status change names the current status."""
        if here == imported:
            return
        latest = self.one(
            "SELECT new_status FROM entries WHERE case_id = ? AND new_status IS NOT NULL "
            "ORDER BY at DESC, id DESC LIMIT 1",
            case_id,
        )
        latest_status = None if latest is None else latest["new_status"]
        if latest_status == imported:
            changes["status"] = imported
        elif latest_status == here and not self.quiet:
            return
        elif self.sync and self.file_wins(here, imported):
            changes["status"] = imported
            differences.append(Difference("status", imported, here))
        else:
            differences.append(Difference("status", here, imported))

    def merge_entry(
        self, case_id: int, entry: ImportedEntry, differences: list[Difference]
    ) -> bool:
        row = self.one("SELECT * FROM entries WHERE uuid = ?", entry.uuid)
        if row is None:
            self.add_entry(case_id, entry)
            return True
        if row["case_id"] != case_id:
            raise self.refuse(
                f"{entry.where} is entry {row['number']} of case {row['case_id']} here, not of "
                f"case {case_id}; the file and this notebook disagree"
            )
        private = bool(row["private"])
        here = dict(row)
        unreadable = False
        if private:
            for column in _SEALED_ENTRY_COLUMNS:
                here[column] = self.unseal(row[column], "entries", column, entry.uuid)
                unreadable |= here[column] is _UNREADABLE
        if unreadable:
            self.report.not_compared += 1
        revised = self.merge_revisions(entry)
        changes: dict[str, Any] = {}
        if entry.deleted_at is not None and row["deleted_at"] is None:
            changes["deleted_at"] = entry.deleted_at  # deleted on the other machine
        sensitive = private or bool(entry.fields["private"])
        if self.sync and _is_sync_note(entry.uuid):
            # A conflict note sync wrote: the same text on every device, only its time may
            # differ (when each device met the conflict); the earliest time is kept, quietly.
            if entry.fields["at"] < row["at"]:
                self.update("entries", int(row["id"]), {"at": entry.fields["at"]})
                return True
            return False
        for name in _ENTRY_COMPARED:
            if here[name] is _UNREADABLE:
                continue
            self.compare(
                name,
                here[name],
                entry.fields[name],
                changes,
                differences,
                label=f"entry {self.entry_label(row)} ({row['kind']}) {name.replace('_', ' ')}",
                sensitive=sensitive and name in _SEALED_ENTRY_COLUMNS,
            )
        if private:
            for column in _SEALED_ENTRY_COLUMNS:
                if column in changes:
                    changes[column] = self.seal(changes[column], "entries", column, entry.uuid)
        flags = sorted(set(json.loads(row["flags"] or "[]")) | set(entry.fields["flags"]))
        if flags != json.loads(row["flags"] or "[]"):
            changes["flags"] = json.dumps(flags)
        stored_warnings = row["warnings"]
        if private:
            stored_warnings = self.unseal(stored_warnings, "entries", "warnings", entry.uuid)
        if stored_warnings is not _UNREADABLE:
            warnings_here = json.loads(stored_warnings or "[]")
            warnings = list(dict.fromkeys([*warnings_here, *entry.fields["warnings"]]))
            if warnings != warnings_here:
                dumped = json.dumps(warnings, ensure_ascii=False)
                if private:
                    dumped = self.seal(dumped, "entries", "warnings", entry.uuid)
                changes["warnings"] = dumped
        if not changes:
            if revised:
                self.store.chain_entry(int(row["id"]), "import")
            return revised
        self.update("entries", int(row["id"]), changes)
        self.report.entries_updated += 1
        return True

    def merge_transaction(
        self, case_id: int, transaction: ImportedTransaction, differences: list[Difference]
    ) -> bool:
        row = self.one("SELECT * FROM transactions WHERE uuid = ?", transaction.uuid)
        if row is not None and row["case_id"] != case_id:
            raise self.refuse(
                f"{transaction.where} is transaction {row['id']} of case {row['case_id']} "
                f"here, not of case {case_id}; the file and this notebook disagree"
            )
        if row is None and transaction.fields["txid"] is not None:
            # The same txid recorded on both machines is one transaction.
            row = self.one(
                "SELECT * FROM transactions WHERE case_id = ? AND txid = ? COLLATE NOCASE",
                case_id,
                transaction.fields["txid"],
            )
        if row is None and transaction.fields["order_id"] is not None:
            row = self.one(
                "SELECT * FROM transactions WHERE case_id = ? AND order_id = ?",
                case_id,
                transaction.fields["order_id"],
            )
        if row is None:
            self.add_transaction(case_id, transaction)
            return True
        changes: dict[str, Any] = {}
        imported_txid = transaction.fields["txid"]
        if row["txid"] is None and imported_txid is not None:
            changes["txid"] = imported_txid
        elif imported_txid is not None and row["txid"].casefold() != imported_txid.casefold():
            differences.append(
                Difference(f"transaction {row['txid']} txid", row["txid"], imported_txid)
            )
        for name in _TX_COMPARED:
            self.compare(
                name,
                row[name],
                transaction.fields[name],
                changes,
                differences,
                label=f"transaction {row['txid'] or row['order_id']} {name}",
            )
        if not changes:
            return False
        self.update("transactions", int(row["id"]), changes)
        self.report.transactions_updated += 1
        return True

    # -- keeping both versions -----------------------------------------------------

    def note_conflict(
        self, case_id: int, case: ImportedCase, differences: list[Difference]
    ) -> bool:
        """Write the imported values into a note on the case; False if it is already there."""
        if not differences or self.quiet:
            return False
        if self.sync:
            differences = sorted(differences, key=lambda d: d.label)
        text = (
            _sync_conflict_text(differences)
            if self.sync
            else _conflict_text(self.export, differences)
        )
        private = any(d.sensitive for d in differences)
        fields = [d.label for d in differences]
        note_uuid = new_uuid()
        noted_at = self.now
        if self.sync:
            # Every device that meets this difference writes this very note: one UUID, one time.
            note_uuid = str(uuids.uuid5(_SYNC_NOTES, f"{case.uuid}\n{int(private)}\n{text}"))
            existing_note = self.one("SELECT number FROM entries WHERE uuid = ?", note_uuid)
            if existing_note is not None:
                self.report.conflicts.append(
                    Conflict(case_id, fields, int(existing_note["number"]), already_noted=True)
                )
                return False
            here_row = self.one("SELECT updated_at FROM cases WHERE id = ?", case_id)
            noted_at = max(case.updated_at, here_row["updated_at"] if here_row else "")
        for row in self.conn.execute(
            "SELECT id, number, uuid, text, private FROM entries WHERE case_id = ? "
            "AND kind = 'note' AND private = ?",
            (case_id, int(private)),
        ):
            existing = self.unseal(row["text"], "entries", "text", row["uuid"])
            if existing == text:
                self.report.conflicts.append(
                    Conflict(case_id, fields, int(row["number"]), already_noted=True)
                )
                return False
        note_number = self.store.next_entry_number(case_id)
        self.insert(
            "entries",
            {
                "uuid": note_uuid,
                "case_id": case_id,
                "number": note_number,
                "kind": "note",
                "text": self.seal(text, "entries", "text", note_uuid) if private else text,
                "at": noted_at,
                "flags": "[]",
                "warnings": "[]",
                "private": int(private),
                "created_at": noted_at,
            },
        )
        self.report.conflicts.append(Conflict(case_id, fields, note_number))
        return True


class _Unreadable:
    def __repr__(self) -> str:
        return "<unreadable>"


_UNREADABLE: Any = _Unreadable()
_SYNC_NOTES = uuids.UUID("6f1d3c52-8e0b-4c3a-9a57-2f0e5d7b1c44")


def _is_sync_note(entry_uuid: str) -> bool:
    try:
        return uuids.UUID(entry_uuid).version == 5
    except ValueError:
        return False


def _sync_conflict_text(differences: list[Difference]) -> str:
    """The note sync leaves when two devices set a field differently; alike on both."""
    lines = [
        "Sync conflict: this case was changed on two devices. The copy changed last was "
        "kept; the other values are recorded below.",
    ]
    if any(d.label.endswith(("at", "due")) for d in differences):
        lines[0] += " Times are in UTC."
    for difference in differences:
        kept = json.dumps(difference.here, ensure_ascii=False)
        other = json.dumps(difference.imported, ensure_ascii=False)
        lines.append(f"- {difference.label}: kept {kept}; other {other}")
    return "\n".join(lines)


def _conflict_text(export: ExportFile, differences: list[Difference]) -> str:
    """The note that keeps the imported values. Same file, same differences: same text."""
    # No export time in it: the same unresolved difference, imported again from a newer
    # export of the same notebook, is then noted once, not at every sync.
    source = f"notebook {export.notebook_id}" if export.notebook_id else "a single-case export"
    lines = [
        f"Import conflict: the imported copy of this case ({source}) differs from the one "
        "here. The values here were kept; the imported ones are recorded below.",
    ]
    if any(d.label.endswith(("at", "due")) for d in differences):
        lines[0] += " Times are in UTC."
    for difference in differences:
        here = json.dumps(difference.here, ensure_ascii=False)
        imported = json.dumps(difference.imported, ensure_ascii=False)
        lines.append(f"- {difference.label}: here {here}; imported {imported}")
    return "\n".join(lines)
