"""The notebook's schema, as numbered migrations recorded in the database.

Each migration runs once, atomically, and is recorded in `_sqlite_migrations`
(sqlite-utils' own bookkeeping); `PRAGMA user_version` mirrors the count so a
normal start can tell "up to date" without importing sqlite-utils. Never edit
a released migration: add the next one, and raise SCHEMA_VERSION with it.
"""

from __future__ import annotations

import re
import uuid

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from issuenote.model import CATEGORIES, CHANNELS, STATUSES, TX_KINDS
from issuenote.store.schema import (
    CASE_AGE,
    ENTRY_ID_BITS,
    SCHEMA_VERSION,
    WAITING_WHERE,
    WEEKS_BEFORE_1970,
)

migrations = Migrations("issuenote")

# The entry kinds as m001 wrote them; later kinds arrive through their own migration.
_M001_ENTRY_KINDS = ("note", "contact", "reply", "step", "escalation", "status")


def _in(column: str, values: tuple[str, ...], *, nullable: bool = False) -> str:
    allowed = ", ".join(f"'{v}'" for v in values)
    check = f"{column} IN ({allowed})"
    return f"({column} IS NULL OR {check})" if nullable else f"({check})"


@migrations(name="m001_initial")
def m001_initial(db: Database) -> None:
    db.execute(
        """
        CREATE TABLE notebook (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        )
        """
    )
    # The notebook's own id: names its key in the OS keyring, survives backups.
    db.execute("INSERT INTO notebook (key, value) VALUES ('uuid', ?)", [str(uuid.uuid4())])
    db.execute(
        f"""
        CREATE TABLE cases (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL CHECK (length(trim(title)) > 0),
            platform TEXT,
            category TEXT NOT NULL DEFAULT 'other' CHECK {_in("category", CATEGORIES)},
            status TEXT NOT NULL DEFAULT 'open' CHECK {_in("status", STATUSES)},
            account TEXT,
            language TEXT,
            description TEXT,
            occurred_at TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )
        """
    )
    db.execute(
        """
        CREATE TABLE case_tags (
            case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
            tag TEXT NOT NULL,
            PRIMARY KEY (case_id, tag)
        )
        """
    )
    db.execute(
        f"""
        CREATE TABLE entries (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK {_in("kind", _M001_ENTRY_KINDS)},
            text TEXT,
            at TEXT NOT NULL,
            channel TEXT CHECK {_in("channel", CHANNELS, nullable=True)},
            via TEXT,
            agent TEXT,
            agent_id TEXT,
            ticket TEXT,
            suggests TEXT,
            escalated_to TEXT,
            new_status TEXT CHECK {_in("new_status", STATUSES, nullable=True)},
            due TEXT,
            done_at TEXT,
            flags TEXT NOT NULL DEFAULT '[]',
            warnings TEXT NOT NULL DEFAULT '[]',
            private INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX entries_case_at ON entries (case_id, at, id)")
    db.execute("CREATE INDEX entries_ticket ON entries (ticket) WHERE ticket IS NOT NULL")
    db.execute(
        f"""
        CREATE TABLE transactions (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
            txid TEXT NOT NULL,
            chain TEXT,
            asset TEXT,
            amount TEXT,
            kind TEXT CHECK {_in("kind", TX_KINDS, nullable=True)},
            at TEXT,
            created_at TEXT NOT NULL,
            UNIQUE (case_id, txid)
        )
        """
    )
    db.execute("CREATE INDEX transactions_txid ON transactions (txid)")


@migrations(name="m002_records")
def m002_records(db: Database) -> None:
    """Per-case entry numbers, revisions and tombstones, the undo journal, full transfers."""
    # Entries are numbered per case, in the order they were recorded (their row order).
    db.execute("ALTER TABLE entries ADD COLUMN number INTEGER")
    db.execute("ALTER TABLE entries ADD COLUMN deleted_at TEXT")
    db.execute(
        """
        UPDATE entries SET number = (
            SELECT count(*) FROM entries AS earlier
            WHERE earlier.case_id = entries.case_id AND earlier.id <= entries.id
        )
        """
    )
    db.execute("CREATE UNIQUE INDEX entries_case_number ON entries (case_id, number)")
    # Each correction keeps the entry as it was: revision 1 is the first version.
    db.execute(
        """
        CREATE TABLE entry_revisions (
            id INTEGER PRIMARY KEY,
            entry_uuid TEXT NOT NULL REFERENCES entries(uuid) ON DELETE CASCADE,
            revision INTEGER NOT NULL CHECK (revision >= 1),
            change TEXT NOT NULL CHECK (change IN ('edit', 'delete')),
            made_at TEXT NOT NULL,
            fields TEXT NOT NULL,
            UNIQUE (entry_uuid, revision)
        )
        """
    )
    # Case numbers are never given out twice, even after `rm` of the newest case.
    db.execute(
        "INSERT INTO notebook (key, value) "
        "SELECT 'last_case_id', CAST(coalesce(max(id), 0) AS TEXT) FROM cases"
    )
    # The undo journal: each recording command is one change; triggers keep the row images.
    db.execute(
        """
        CREATE TABLE changes (
            id INTEGER PRIMARY KEY,
            made_at TEXT NOT NULL,
            command TEXT NOT NULL,
            summary TEXT NOT NULL DEFAULT '',
            open INTEGER NOT NULL DEFAULT 1,
            reverts TEXT
        )
        """
    )
    db.execute(
        """
        CREATE TABLE change_rows (
            id INTEGER PRIMARY KEY,
            change_id INTEGER NOT NULL REFERENCES changes(id) ON DELETE CASCADE,
            tbl TEXT NOT NULL,
            op TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
            row_id INTEGER NOT NULL,
            before TEXT,
            after TEXT
        )
        """
    )
    db.execute("CREATE INDEX change_rows_change ON change_rows (change_id)")
    _rebuild_transactions(db)


def _rebuild_transactions(db: Database) -> None:
    """A transfer holds a TxID and/or an order ID, plus network, address and memo.

    The txid column loses NOT NULL, so the table is rebuilt. Schema 1 kept an
    order ID in `txid` with no chain: it moves to `order_id`.
    """
    db.execute(
        f"""
        CREATE TABLE transactions_m002 (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
            txid TEXT,
            order_id TEXT,
            chain TEXT,
            network TEXT,
            asset TEXT,
            amount TEXT,
            kind TEXT CHECK {_in("kind", TX_KINDS, nullable=True)},
            address TEXT,
            memo TEXT,
            at TEXT,
            created_at TEXT NOT NULL,
            CHECK (txid IS NOT NULL OR order_id IS NOT NULL)
        )
        """
    )
    db.execute(
        """
        INSERT INTO transactions_m002
            (id, uuid, case_id, txid, order_id, chain, asset, amount, kind, at, created_at)
        SELECT id, uuid, case_id,
               CASE WHEN chain IS NULL THEN NULL ELSE txid END,
               CASE WHEN chain IS NULL THEN txid ELSE NULL END,
               chain, asset, amount, kind, at, created_at
        FROM transactions
        """
    )
    db.execute("DROP TABLE transactions")
    db.execute("ALTER TABLE transactions_m002 RENAME TO transactions")
    db.execute("CREATE INDEX transactions_txid ON transactions (txid)")
    db.execute(
        "CREATE UNIQUE INDEX transactions_case_txid ON transactions (case_id, txid COLLATE NOCASE) "
        "WHERE txid IS NOT NULL"
    )
    db.execute(
        "CREATE UNIQUE INDEX transactions_case_order ON transactions (case_id, order_id) "
        "WHERE order_id IS NOT NULL"
    )


# What full-text search indexes, per table. Private entries' text and
# suggestion are stored encrypted: they are left out of the index (NULL), so
# nothing private is ever searchable or stored in clear in the index.
ENTRY_SEARCH_COLUMNS = ("text", "suggests", "via", "agent", "agent_id", "ticket", "escalated_to")
# A private entry keeps every one of these sealed (agent, ticket and via too),
# so none of its columns is indexed.
PRIVATE_ENTRY_COLUMNS = ENTRY_SEARCH_COLUMNS
CASE_SEARCH_COLUMNS = ("title", "description", "platform", "tags")
TRANSACTION_SEARCH_COLUMNS = ("txid", "order_id", "chain", "network", "asset", "address", "memo")
# Every indexed value ends with two spaces, so that each occurrence of a one- or
# two-character word starts a trigram: short CJK words (小时, 입금) are then
# found through the index's vocabulary instead of a scan of every row.
INDEX_PAD = "'  '"


def _indexed(row: str, column: str) -> str:
    value = f"{row}.{column} || {INDEX_PAD}"
    if column in PRIVATE_ENTRY_COLUMNS:
        return f"CASE WHEN {row}.private THEN NULL ELSE {value} END"
    return value


def entry_key(row: str) -> str:
    """SQL for an entry's key in its index: minutes since 1970, then the entry id.

    The index's rowid sorts by time, so "newest first" streams straight from
    the index and stops after --limit hits, however common the word (sorting
    every hit of a common word by time took seconds at a million entries).
    """
    minutes = f"coalesce(CAST(strftime('%s', {row}.at) AS INTEGER), 0) / 60"
    return f"(({minutes}) << {ENTRY_ID_BITS}) | {row}.id"


def create_entry_index(db: Database) -> None:
    """The entries' full-text index, its triggers, and its content for existing rows.

    Contentless (the text stays in `entries` only): a hit's snippet is cut from
    the entry itself, so a private entry's ciphertext is never read for it.
    """
    entry_columns = ", ".join(ENTRY_SEARCH_COLUMNS)
    db.execute(
        f"CREATE VIRTUAL TABLE entry_search USING fts5({entry_columns}, "
        "content='', tokenize='trigram')"
    )
    new_values = ", ".join(_indexed("new", c) for c in ENTRY_SEARCH_COLUMNS)
    old_values = ", ".join(_indexed("old", c) for c in ENTRY_SEARCH_COLUMNS)
    add_new = (
        f"INSERT INTO entry_search (rowid, {entry_columns}) "
        f"VALUES ({entry_key('new')}, {new_values});"
    )
    drop_old = (
        f"INSERT INTO entry_search (entry_search, rowid, {entry_columns}) "
        f"VALUES ('delete', {entry_key('old')}, {old_values});"
    )
    watched = ", ".join((*ENTRY_SEARCH_COLUMNS, "private", "at", "id"))
    db.execute(f"CREATE TRIGGER entries_search_insert AFTER INSERT ON entries BEGIN {add_new} END")
    db.execute(f"CREATE TRIGGER entries_search_delete AFTER DELETE ON entries BEGIN {drop_old} END")
    db.execute(
        f"CREATE TRIGGER entries_search_update AFTER UPDATE OF {watched} ON entries "
        f"BEGIN {drop_old} {add_new} END"
    )
    backfill = ", ".join(_indexed("entries", c) for c in ENTRY_SEARCH_COLUMNS)
    db.execute(
        f"INSERT INTO entry_search (rowid, {entry_columns}) "
        f"SELECT {entry_key('entries')}, {backfill} FROM entries"
    )


def _case_tags(case_id: str) -> str:
    return (
        f"(SELECT group_concat(tag, ' ') FROM case_tags WHERE case_id = {case_id}) || {INDEX_PAD}"
    )


@migrations(name="m003_follow_up")
def m003_follow_up(db: Database) -> None:
    """Full-text search (FTS5, trigram: finds CJK), promises and jurisdictions.

    The indexes are kept in step by triggers, so whatever changes a row (a
    command, an import, a merge, a later migration) keeps search right.
    """
    db.execute("ALTER TABLE entries ADD COLUMN promised_by TEXT")
    db.execute("ALTER TABLE cases ADD COLUMN jurisdiction TEXT")
    # A search for a very short, very common term scans rows newest first with it.
    db.execute("CREATE INDEX entries_at ON entries (at, id)")
    db.execute(
        "CREATE INDEX entries_open_steps ON entries (due) WHERE kind = 'step' AND done_at IS NULL"
    )
    db.execute(
        "CREATE INDEX entries_promised ON entries (promised_by) WHERE promised_by IS NOT NULL"
    )

    create_entry_index(db)

    tx_columns = ", ".join(TRANSACTION_SEARCH_COLUMNS)
    db.execute(
        f"CREATE VIRTUAL TABLE transaction_search USING fts5({tx_columns}, "
        "content='transactions', content_rowid='id', tokenize='trigram')"
    )
    new_tx = ", ".join(_indexed("new", c) for c in TRANSACTION_SEARCH_COLUMNS)
    old_tx = ", ".join(_indexed("old", c) for c in TRANSACTION_SEARCH_COLUMNS)
    add_tx = f"INSERT INTO transaction_search (rowid, {tx_columns}) VALUES (new.id, {new_tx});"
    drop_tx = (
        f"INSERT INTO transaction_search (transaction_search, rowid, {tx_columns}) "
        f"VALUES ('delete', old.id, {old_tx});"
    )
    db.execute(
        f"CREATE TRIGGER transactions_search_insert AFTER INSERT ON transactions BEGIN {add_tx} END"
    )
    db.execute(
        "CREATE TRIGGER transactions_search_delete AFTER DELETE ON transactions "
        f"BEGIN {drop_tx} END"
    )
    db.execute(
        f"CREATE TRIGGER transactions_search_update AFTER UPDATE OF {tx_columns}, id "
        f"ON transactions BEGIN {drop_tx} {add_tx} END"
    )
    tx_backfill = ", ".join(_indexed("transactions", c) for c in TRANSACTION_SEARCH_COLUMNS)
    db.execute(
        f"INSERT INTO transaction_search (rowid, {tx_columns}) "
        f"SELECT id, {tx_backfill} FROM transactions"
    )

    # Cases are few and their tags live in another table: a self-contained index.
    case_columns = ", ".join(CASE_SEARCH_COLUMNS)
    db.execute(f"CREATE VIRTUAL TABLE case_search USING fts5({case_columns}, tokenize='trigram')")
    case_values = ", ".join(
        [*(_indexed("new", c) for c in CASE_SEARCH_COLUMNS[:-1]), _case_tags("new.id")]
    )
    add_case = f"INSERT INTO case_search (rowid, {case_columns}) VALUES (new.id, {case_values});"
    db.execute(f"CREATE TRIGGER cases_search_insert AFTER INSERT ON cases BEGIN {add_case} END")
    db.execute(
        "CREATE TRIGGER cases_search_delete AFTER DELETE ON cases "
        "BEGIN DELETE FROM case_search WHERE rowid = old.id; END"
    )
    db.execute(
        "CREATE TRIGGER cases_search_update AFTER UPDATE OF title, description, platform, id "
        f"ON cases BEGIN DELETE FROM case_search WHERE rowid = old.id; {add_case} END"
    )
    for event, row in (("INSERT", "new"), ("DELETE", "old")):
        db.execute(
            f"CREATE TRIGGER case_tags_search_{event.lower()} AFTER {event} ON case_tags "
            f"BEGIN UPDATE case_search SET tags = {_case_tags(f'{row}.case_id')} "
            f"WHERE rowid = {row}.case_id; END"
        )
    case_backfill = ", ".join(
        [*(_indexed("cases", c) for c in CASE_SEARCH_COLUMNS[:-1]), _case_tags("cases.id")]
    )
    db.execute(
        f"INSERT INTO case_search (rowid, {case_columns}) SELECT id, {case_backfill} FROM cases"
    )


@migrations(name="m004_evidence")
def m004_evidence(db: Database) -> None:
    """Attachments, the attachment entry kind, and the tamper-evident chain of each case."""
    _allow_attachment_entries(db)
    db.execute(
        """
        CREATE TABLE attachments (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
            number INTEGER NOT NULL,
            entry_id INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
            about_entry_id INTEGER REFERENCES entries(id) ON DELETE SET NULL,
            name TEXT NOT NULL,
            size INTEGER NOT NULL CHECK (size >= 0),
            media_type TEXT NOT NULL,
            sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
            original_sha256 TEXT,
            blob TEXT NOT NULL CHECK (length(blob) = 64),
            caption TEXT,
            private INTEGER NOT NULL DEFAULT 0,
            source TEXT NOT NULL DEFAULT 'attach',
            message_id TEXT,
            findings TEXT NOT NULL DEFAULT '[]',
            created_at TEXT NOT NULL,
            UNIQUE (case_id, number)
        )
        """
    )
    db.execute("CREATE INDEX attachments_entry ON attachments (entry_id)")
    db.execute("CREATE INDEX attachments_blob ON attachments (blob)")
    db.execute(
        "CREATE INDEX attachments_message ON attachments (case_id, message_id) "
        "WHERE message_id IS NOT NULL"
    )
    db.execute(
        """
        CREATE TABLE chain (
            id INTEGER PRIMARY KEY,
            case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            event TEXT NOT NULL,
            record_uuid TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL,
            created_at TEXT NOT NULL,
            UNIQUE (case_id, seq)
        )
        """
    )
    _chain_existing_entries(db)


def _allow_attachment_entries(db: Database) -> None:
    """Widen the CHECK on entries.kind in place.

    SQLite cannot alter a CHECK constraint, and rebuilding `entries` would
    fire the ON DELETE actions of the tables that refer to it. Rewriting the
    constraint's text is the documented way for a change every stored row
    already satisfies (https://sqlite.org/lang_altertable.html, "otheralter").
    """
    import re

    sql = db.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'entries'")
    current = sql.fetchone()[0]
    pattern = re.compile(r"kind IN \(([^)]*)\)")
    match = pattern.search(current)
    if match is None:
        raise RuntimeError("entries.kind has no CHECK (kind IN (...)) to widen")
    if "'attachment'" in match.group(1):
        return
    widened = pattern.sub(lambda m: f"kind IN ({m.group(1)}, 'attachment')", current, count=1)
    version = db.execute("PRAGMA schema_version").fetchone()[0]
    db.execute("PRAGMA writable_schema = ON")
    try:
        db.execute(
            "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'entries'",
            [widened],
        )
        db.execute(f"PRAGMA schema_version = {int(version) + 1}")
    finally:
        db.execute("PRAGMA writable_schema = OFF")


def _chain_existing_entries(db: Database) -> None:
    """Start every case's chain with the entries it already has, in the order they were made."""
    from issuenote.evidence.chain import entry_digest, genesis, link_hash

    now = db.execute("SELECT strftime('%Y-%m-%dT%H:%M:%SZ', 'now')").fetchone()[0]
    cases = db.execute("SELECT id, uuid FROM cases ORDER BY id").fetchall()
    for case_id, case_uuid in cases:
        cursor = db.execute("SELECT * FROM entries WHERE case_id = ? ORDER BY id", [case_id])
        columns = [column[0] for column in cursor.description]
        previous = genesis(case_uuid)
        for seq, values in enumerate(cursor.fetchall(), start=1):
            row = dict(zip(columns, values, strict=True))
            content = entry_digest(row)
            link = link_hash(case_uuid, seq, "upgrade", row["uuid"], content, previous)
            db.execute(
                "INSERT INTO chain (case_id, seq, event, record_uuid, content_hash, prev_hash, "
                "hash, created_at) VALUES (?, ?, 'upgrade', ?, ?, ?, ?, ?)",
                [case_id, seq, row["uuid"], content, previous, link, now],
            )
            previous = link


# Tables whose rows belong to a case, and the column that names it.
_CASE_CHILDREN = ("entries", "transactions", "case_tags")


@migrations(name="m006_sync")
def m006_sync(db: Database) -> None:
    """A revision number per case, bumped by every write that touches it, for sync.

    Sync publishes the cases that changed since it last published, and
    updated_at (whole seconds) cannot tell two writes in one second apart.
    Triggers keep the numbers, so no writer has to remember to: a new table
    that belongs to a case gets a trigger in its own migration.
    """
    db.execute(
        """
        CREATE TABLE case_revisions (
            case_uuid TEXT PRIMARY KEY,
            revision INTEGER NOT NULL
        )
        """
    )
    db.execute("CREATE UNIQUE INDEX case_revisions_revision ON case_revisions (revision)")
    bump = (
        "INSERT INTO case_revisions (case_uuid, revision) "
        "SELECT {uuid}, (SELECT coalesce(max(revision), 0) + 1 FROM case_revisions) {where} "
        "ON CONFLICT (case_uuid) DO UPDATE SET revision = excluded.revision"
    )
    for event in ("INSERT", "UPDATE"):
        db.execute(
            f"CREATE TRIGGER cases_sync_{event.lower()} AFTER {event} ON cases BEGIN "
            + bump.format(uuid="NEW.uuid", where="WHERE true")
            + "; END"
        )
    db.execute(
        "CREATE TRIGGER cases_sync_delete AFTER DELETE ON cases BEGIN "
        "DELETE FROM case_revisions WHERE case_uuid = OLD.uuid; END"
    )
    for table in _CASE_CHILDREN:
        for event, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
            # A case deleted with its children: no case row left, so nothing is bumped.
            db.execute(
                f"CREATE TRIGGER {table}_sync_{event.lower()} AFTER {event} ON {table} BEGIN "
                + bump.format(uuid="cases.uuid", where=f"FROM cases WHERE cases.id = {row}.case_id")
                + "; END"
            )
    db.execute(
        "INSERT INTO case_revisions (case_uuid, revision) "
        "SELECT uuid, row_number() OVER (ORDER BY id) FROM cases"
    )


# What `list` orders by, kept on the case by triggers so that the newest-active
# cases come straight off an index instead of a max() over every entry.
_ACTIVITY = """
    max(cases.updated_at,
        coalesce((SELECT max(e.at) FROM entries e
                  WHERE e.case_id = cases.id AND e.deleted_at IS NULL), ''))
"""
_LAST_ENTRY = "coalesce((SELECT max(e.id) FROM entries e WHERE e.case_id = cases.id), 0)"
# An undo puts back whole row images, these columns included, which were consistent
# when recorded: recomputing them midway would make the undo see rows "changed since".
# (The journal's triggers, created after these, fire first and see every write.)
_NOT_UNDOING = (
    "WHEN coalesce((SELECT open AND command = 'undo' FROM changes ORDER BY id DESC LIMIT 1), 0) = 0"
)


@migrations(name="m007_scale_indexes")
def m007_scale_indexes(db: Database) -> None:
    """Index what `list`, agenda and `due` sort and count by, so they read only shown rows.

    cases.activity_at is the case's last activity (its own last change or its
    latest entry not deleted, whichever is later) and cases.last_entry_id its
    newest entry:
    together with the id they give `list` its order straight from an index.
    Triggers keep both right whoever writes (commands, import, merge).
    """
    db.execute("ALTER TABLE cases ADD COLUMN activity_at TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE cases ADD COLUMN last_entry_id INTEGER NOT NULL DEFAULT 0")
    db.execute(f"UPDATE cases SET activity_at = {_ACTIVITY}, last_entry_id = {_LAST_ENTRY}")
    db.execute("CREATE INDEX cases_activity ON cases (activity_at, last_entry_id, id)")
    # Open steps per case (list's counts and next due); m003's entries_open_steps
    # already orders them across cases by due time.
    db.execute(
        "CREATE INDEX entries_case_open_steps ON entries (case_id, due) "
        "WHERE kind = 'step' AND done_at IS NULL AND deleted_at IS NULL"
    )
    db.execute(
        f"""
        CREATE TRIGGER entries_activity_insert AFTER INSERT ON entries {_NOT_UNDOING} BEGIN
            UPDATE cases SET activity_at = CASE WHEN NEW.deleted_at IS NULL
                                                THEN max(activity_at, NEW.at)
                                                ELSE activity_at END,
                             last_entry_id = max(last_entry_id, NEW.id)
            WHERE id = NEW.case_id;
        END
        """
    )
    for event, case_ids in (
        ("DELETE", ("OLD.case_id",)),
        ("UPDATE OF at, case_id, deleted_at", ("OLD.case_id", "NEW.case_id")),
    ):
        name = event.split()[0].lower()
        db.execute(
            f"""
            CREATE TRIGGER entries_activity_{name} AFTER {event} ON entries {_NOT_UNDOING}
            BEGIN
                UPDATE cases SET activity_at = {_ACTIVITY}, last_entry_id = {_LAST_ENTRY}
                WHERE id IN ({", ".join(case_ids)});
            END
            """
        )
    db.execute(
        f"""
        CREATE TRIGGER cases_activity_update AFTER UPDATE OF updated_at ON cases {_NOT_UNDOING}
        BEGIN
            UPDATE cases SET activity_at = {_ACTIVITY} WHERE id = NEW.id;
        END
        """
    )
    db.execute(
        f"""
        CREATE TRIGGER cases_activity_insert AFTER INSERT ON cases {_NOT_UNDOING} BEGIN
            UPDATE cases SET activity_at = {_ACTIVITY} WHERE id = NEW.id;
        END
        """
    )


@migrations(name="m008_request")
def m008_request(db: Database) -> None:
    """The user's own request to support (what they want done), shown in every export."""
    db.execute("ALTER TABLE cases ADD COLUMN request TEXT")


# What full-text search indexes of an attachment: its original file name and
# its caption (the text of the attachment entry it came with). A private
# attachment's name is sealed and so is its entry's caption: both are NULL in
# the index, so nothing of it is ever searchable or stored in clear there.
ATTACHMENT_SEARCH_COLUMNS = ("name", "caption")


def _attachment_rows(where: str) -> str:
    """SQL for the index rows of the attachments `where` picks (a is the attachment)."""
    sealed = "a.private OR e.private"
    return (
        f"SELECT a.id, CASE WHEN {sealed} THEN NULL ELSE a.name || {INDEX_PAD} END, "
        f"CASE WHEN {sealed} OR e.kind != 'attachment' THEN NULL "
        f"ELSE e.text || {INDEX_PAD} END "
        f"FROM attachments a JOIN entries e ON e.id = a.entry_id WHERE {where}"
    )


def _reindex_attachments(where: str) -> str:
    """Trigger body: drop and re-add the index rows of the attachments `where` picks."""
    columns = ", ".join(ATTACHMENT_SEARCH_COLUMNS)
    return (
        f"DELETE FROM attachment_search WHERE rowid IN (SELECT a.id FROM attachments a "
        f"WHERE {where}); "
        f"INSERT INTO attachment_search (rowid, {columns}) {_attachment_rows(where)};"
    )


@migrations(name="m009_attachment_search")
def m009_attachment_search(db: Database) -> None:
    """Full-text search finds attachments by their file name and caption (issue 13).

    Attachments (m004) came after m003 built the search indexes. A file name
    lives on the attachment and its caption on its entry, so the index is kept
    by triggers on both tables: attach, detach, amending a caption, `undo`,
    import, restore and sync merges all write through them. Attachments are
    few, so the index keeps its own copy of the text, like case_search.
    """
    columns = ", ".join(ATTACHMENT_SEARCH_COLUMNS)
    db.execute(f"CREATE VIRTUAL TABLE attachment_search USING fts5({columns}, tokenize='trigram')")
    db.execute(
        "CREATE TRIGGER attachments_search_insert AFTER INSERT ON attachments "
        f"BEGIN {_reindex_attachments('a.id = NEW.id')} END"
    )
    db.execute(
        "CREATE TRIGGER attachments_search_delete AFTER DELETE ON attachments "
        "BEGIN DELETE FROM attachment_search WHERE rowid = OLD.id; END"
    )
    db.execute(
        "CREATE TRIGGER attachments_search_update "
        "AFTER UPDATE OF name, private, entry_id, id ON attachments "
        "BEGIN DELETE FROM attachment_search WHERE rowid = OLD.id; "
        f"{_reindex_attachments('a.id = NEW.id')} END"
    )
    # An undo may put an attachment back before its entry (the foreign keys are
    # checked at COMMIT): the entry's arrival indexes it then.
    db.execute(
        "CREATE TRIGGER entries_attachment_search_insert AFTER INSERT ON entries "
        f"BEGIN {_reindex_attachments('a.entry_id = NEW.id')} END"
    )
    db.execute(
        "CREATE TRIGGER entries_attachment_search_update "
        "AFTER UPDATE OF text, private, kind, id ON entries "
        f"BEGIN {_reindex_attachments('a.entry_id IN (OLD.id, NEW.id)')} END"
    )
    # Deleting an entry or a case deletes its attachments (ON DELETE CASCADE),
    # which fires attachments_search_delete.
    db.execute(f"INSERT INTO attachment_search (rowid, {columns}) {_attachment_rows('1')}")


# What the agenda's "waiting longest for an answer" compares, kept on the case:
# the newest contact or escalation, and the newest reply (entries not deleted).
_ASKED_KINDS = "('contact', 'escalation')"
_WAITING_KINDS = "('contact', 'escalation', 'reply')"
_ASKED = f"""(SELECT max(e.at) FROM entries e WHERE e.case_id = cases.id
              AND e.kind IN {_ASKED_KINDS} AND e.deleted_at IS NULL)"""
_ANSWERED = """(SELECT max(e.at) FROM entries e WHERE e.case_id = cases.id
                AND e.kind = 'reply' AND e.deleted_at IS NULL)"""


@migrations(name="m010_waiting_index")
def m010_waiting_index(db: Database) -> None:
    """Index what the agenda and `due` read, so they read only what they show.

    cases.asked_at and cases.answered_at hold the newest contact or escalation
    and the newest reply; triggers keep them right whoever writes, and stand
    aside during an undo (its row images hold them), as m007's do.
    """
    db.execute("ALTER TABLE cases ADD COLUMN asked_at TEXT")
    db.execute("ALTER TABLE cases ADD COLUMN answered_at TEXT")
    db.execute(
        f"""
        UPDATE cases SET (asked_at, answered_at) = (
            SELECT max(CASE WHEN e.kind IN {_ASKED_KINDS} THEN e.at END),
                   max(CASE WHEN e.kind = 'reply' THEN e.at END)
            FROM entries e WHERE e.case_id = cases.id AND e.deleted_at IS NULL)
        """
    )
    db.execute(f"CREATE INDEX cases_waiting ON cases (asked_at, id) WHERE {WAITING_WHERE}")
    # The few cases with a complaint clock: the agenda and `due` read these, not every case.
    db.execute("CREATE INDEX cases_jurisdiction ON cases (id) WHERE jurisdiction IS NOT NULL")
    not_undoing = _NOT_UNDOING.removeprefix("WHEN ")
    db.execute(
        f"""
        CREATE TRIGGER entries_waiting_insert AFTER INSERT ON entries
        WHEN NEW.kind IN {_WAITING_KINDS} AND NEW.deleted_at IS NULL AND {not_undoing}
        BEGIN
            UPDATE cases SET
                asked_at = CASE WHEN NEW.kind = 'reply' THEN asked_at
                                ELSE max(coalesce(asked_at, ''), NEW.at) END,
                answered_at = CASE WHEN NEW.kind = 'reply'
                                   THEN max(coalesce(answered_at, ''), NEW.at)
                                   ELSE answered_at END
            WHERE id = NEW.case_id;
        END
        """
    )
    for event, kinds, case_ids in (
        ("DELETE", "OLD.kind", ("OLD.case_id",)),
        (
            "UPDATE OF at, case_id, deleted_at, kind",
            "OLD.kind IN {k} OR NEW.kind",
            ("OLD.case_id", "NEW.case_id"),
        ),
    ):
        name = event.split()[0].lower()
        which = kinds.format(k=_WAITING_KINDS)
        db.execute(
            f"""
            CREATE TRIGGER entries_waiting_{name} AFTER {event} ON entries
            WHEN ({which} IN {_WAITING_KINDS}) AND {not_undoing}
            BEGIN
                UPDATE cases SET asked_at = {_ASKED}, answered_at = {_ANSWERED}
                WHERE id IN ({", ".join(case_ids)});
            END
            """
        )


# -- m011: what `stats` counts, kept per case so that it never reads the entries ----
#
# The rows stats reads (followup.stats.compute, the reference): contacts,
# replies, escalations and status changes not deleted, each case's in (at, id)
# order. A case's derived rows are a function of those rows and the case's
# platform; the triggers below keep them so after every statement, whoever
# writes. They touch only the stats_* tables, which the undo journal does not
# hold, so unlike m007's and m010's they also run during an undo: its replayed
# rows update the aggregates like any other write.
_STATS_KINDS = "('contact', 'reply', 'escalation', 'status')"
_SPOKEN_KINDS = "('contact', 'reply', 'escalation')"  # the case's first contact
_REQUEST_KINDS = "('contact', 'escalation')"  # what a reply answers
_FINISHED = "('resolved', 'closed')"


def _channel(row: str) -> str:
    return f"coalesce(nullif({row}.channel, ''), 'other')"


def _epoch(at: str) -> str:
    return f"CAST(strftime('%s', {at}) AS INTEGER)"


def _offset(at: str) -> str:
    """The writer's local UTC offset at `at`, in seconds (SQLite asks the C library)."""
    return f"CAST(round((julianday({at}, 'localtime') - julianday({at})) * 86400) AS INTEGER)"


def _local(at: str) -> str:
    """utc_offset and cell: the writer's offset at `at` and the local hour of the week.

    cell is weekday * 24 + hour, Monday 0 (1970-01-01 was a Thursday: + 72 hours).
    It is a cache for one zone: `stats` checks utc_offset against the reader's
    zone and works the hour out afresh where they differ.
    """
    return (
        f"{_offset(at)}, (({_epoch(at)} + {_offset(at)} + {WEEKS_BEFORE_1970}) / 3600 + 72) % 168"
    )


def _recompute_stats(case_ids: str) -> list[str]:
    """Statements that rebuild the stats rows of the cases `case_ids` (SQL) from scratch.

    No WITH: SQLite does not take common table expressions inside a trigger.
    """
    live = f"e.deleted_at IS NULL AND e.case_id IN ({case_ids})"
    script = f"""
    DELETE FROM stats_waits WHERE case_id IN ({case_ids});
    DELETE FROM stats_counts WHERE case_id IN ({case_ids});
    DELETE FROM stats_cases WHERE case_id IN ({case_ids});
    INSERT INTO stats_cases (case_id, platform, first_id, first_at, first_channel,
                             asked_at, asked_channel, resolved_seconds)
    SELECT f.id, f.platform, f.first_id, f.first_at, f.first_channel,
           f.asked_at, f.asked_channel,
           (SELECT {_epoch("s.at")} - {_epoch("f.first_at")} FROM entries s
            WHERE s.case_id = f.id AND s.kind = 'status' AND s.new_status IN {_FINISHED}
                  AND s.deleted_at IS NULL AND (s.at, s.id) > (f.first_at, f.first_id)
            ORDER BY s.at, s.id LIMIT 1)
    FROM (
        SELECT c.id, ifnull(c.platform, '') AS platform, first.id AS first_id,
               first.at AS first_at,
               CASE WHEN first.id IS NOT NULL THEN {_channel("first")} END AS first_channel,
               asked.at AS asked_at,
               CASE WHEN asked.id IS NOT NULL THEN {_channel("asked")} END AS asked_channel
        FROM cases c
        LEFT JOIN entries first ON first.id = (
            SELECT e.id FROM entries e WHERE e.case_id = c.id AND e.kind IN {_SPOKEN_KINDS}
                   AND e.deleted_at IS NULL ORDER BY e.at, e.id LIMIT 1)
        LEFT JOIN entries asked ON asked.id = (
            SELECT e.id FROM entries e WHERE e.case_id = c.id AND e.kind IN {_REQUEST_KINDS}
                   AND e.deleted_at IS NULL AND NOT EXISTS (
                       SELECT 1 FROM entries r WHERE r.case_id = c.id AND r.kind = 'reply'
                              AND r.deleted_at IS NULL AND (r.at, r.id) > (e.at, e.id))
            ORDER BY e.at, e.id LIMIT 1)
        WHERE c.id IN ({case_ids})
    ) AS f
    WHERE true;
    INSERT INTO stats_counts (case_id, channel, platform, contacts, replies)
    SELECT e.case_id, {_channel("e")}, s.platform,
           sum(e.kind = 'contact'), sum(e.kind = 'reply')
    FROM entries e JOIN stats_cases s ON s.case_id = e.case_id
    WHERE e.kind IN ('contact', 'reply') AND {live}
    GROUP BY e.case_id, {_channel("e")};
    INSERT INTO stats_waits (reply_id, case_id, platform, channel, sent_epoch, seconds,
                             utc_offset, cell)
    SELECT w.id, w.case_id, s.platform, w.sent_channel, {_epoch("w.sent_at")},
           {_epoch("w.at")} - {_epoch("w.sent_at")}, {_local("w.sent_at")}
    FROM (
        SELECT id, case_id, kind, at,
               first_value(kind) OVER run AS first_kind,
               first_value(at) OVER run AS sent_at,
               first_value(channel) OVER run AS sent_channel
        FROM (
            SELECT e.id, e.case_id, e.kind, e.at, {_channel("e")} AS channel,
                   sum(e.kind = 'reply') OVER (
                       PARTITION BY e.case_id ORDER BY e.at, e.id ROWS UNBOUNDED PRECEDING
                   ) - (e.kind = 'reply') AS answered
            FROM entries e WHERE e.kind IN {_SPOKEN_KINDS} AND {live}
        )
        WINDOW run AS (PARTITION BY case_id, answered ORDER BY at, id
                       ROWS UNBOUNDED PRECEDING)
    ) AS w JOIN stats_cases s ON s.case_id = w.case_id
    WHERE w.kind = 'reply' AND w.first_kind != 'reply'
    """
    return [statement.strip() for statement in script.split(";") if statement.strip()]


def _body(statements: list[str]) -> str:
    return "".join(f"{statement};\n" for statement in statements)


# The new row is the case's last row in stats order, and the case has its stats row:
# the common write (a note, a reply, an import in time order) adds to them in place.
_APPENDS = f"""
    EXISTS (SELECT 1 FROM stats_cases WHERE case_id = NEW.case_id)
    AND NOT EXISTS (SELECT 1 FROM entries e WHERE e.case_id = NEW.case_id
                    AND (e.at, e.id) > (NEW.at, NEW.id) AND e.kind IN {_STATS_KINDS}
                    AND e.deleted_at IS NULL)
"""

_APPEND_STATS = f"""
    INSERT INTO stats_counts (case_id, channel, platform, contacts, replies)
    SELECT NEW.case_id, {_channel("NEW")}, s.platform, NEW.kind = 'contact', NEW.kind = 'reply'
    FROM stats_cases s WHERE s.case_id = NEW.case_id AND NEW.kind IN ('contact', 'reply')
    ON CONFLICT (case_id, channel) DO UPDATE SET contacts = contacts + excluded.contacts,
                                                 replies = replies + excluded.replies;
    INSERT INTO stats_waits (reply_id, case_id, platform, channel, sent_epoch, seconds,
                             utc_offset, cell)
    SELECT NEW.id, NEW.case_id, s.platform, s.asked_channel, {_epoch("s.asked_at")},
           {_epoch("NEW.at")} - {_epoch("s.asked_at")}, {_local("s.asked_at")}
    FROM stats_cases s
    WHERE s.case_id = NEW.case_id AND NEW.kind = 'reply' AND s.asked_at IS NOT NULL;
    UPDATE stats_cases SET
        asked_at = CASE WHEN NEW.kind = 'reply' THEN NULL
                        WHEN NEW.kind IN {_REQUEST_KINDS} THEN coalesce(asked_at, NEW.at)
                        ELSE asked_at END,
        asked_channel = CASE WHEN NEW.kind = 'reply' THEN NULL
                             WHEN NEW.kind IN {_REQUEST_KINDS} AND asked_at IS NULL
                             THEN {_channel("NEW")}
                             ELSE asked_channel END,
        first_id = CASE WHEN first_id IS NULL AND NEW.kind IN {_SPOKEN_KINDS}
                        THEN NEW.id ELSE first_id END,
        first_at = CASE WHEN first_id IS NULL AND NEW.kind IN {_SPOKEN_KINDS}
                        THEN NEW.at ELSE first_at END,
        first_channel = CASE WHEN first_id IS NULL AND NEW.kind IN {_SPOKEN_KINDS}
                             THEN {_channel("NEW")} ELSE first_channel END,
        resolved_seconds = CASE
            WHEN NEW.kind = 'status' AND NEW.new_status IN {_FINISHED}
                 AND first_id IS NOT NULL AND resolved_seconds IS NULL
            THEN {_epoch("NEW.at")} - {_epoch("first_at")}
            ELSE resolved_seconds END
    WHERE case_id = NEW.case_id;
"""


def _totals_trigger(table: str, event: str, column: str) -> str:
    """A trigger on `table` that adds its rows to stats_totals (NEW) or takes them away (OLD).

    column: "counts" (the row's contacts and replies), "waits" (one each) or
    "resolved" (one for a resolved case, at its first contact's channel).
    """
    rows = {"INSERT": ("NEW",), "DELETE": ("OLD",), "UPDATE": ("OLD", "NEW")}[event]
    statements = []
    for row in rows:
        sign = "" if row == "NEW" else "-"
        channel, when = f"{row}.channel", "true"
        if column == "counts":
            names = "contacts, replies"
            values = f"{sign}{row}.contacts, {sign}{row}.replies"
            update = "contacts = contacts + excluded.contacts, replies = replies + excluded.replies"
        else:
            names, values = column, f"{sign}1"
            update = f"{column} = {column} + excluded.{column}"
        if column == "resolved":
            channel, when = f"{row}.first_channel", f"{row}.resolved_seconds IS NOT NULL"
        statements.append(
            f"""
            INSERT INTO stats_totals (platform, channel, {names})
            SELECT {row}.platform, {channel}, {values} WHERE {when}
            ON CONFLICT (platform, channel) DO UPDATE SET {update};
            """
        )
    return f"""
    CREATE TRIGGER {table}_totals_{event.lower()} AFTER {event} ON {table}
    BEGIN {"".join(statements)} END
    """


@migrations(name="m011_stats_aggregates")
def m011_stats_aggregates(db: Database) -> None:
    """Keep what `stats` shows per case and in totals, so it reads no entries.

    stats_cases: each case's first contact, its open request and its time to
    resolution; stats_counts: its contacts and replies per channel;
    stats_waits: one row per answered request (the reply's id), indexed by
    the wait so that medians are read at an offset into an index. stats_totals
    sums them per (platform, channel). Platforms are kept as written ('' for
    none): the filter matches them without case, the display merges them.
    """
    db.execute(
        """
        CREATE TABLE stats_cases (
            case_id INTEGER PRIMARY KEY,
            platform TEXT NOT NULL,
            first_id INTEGER, first_at TEXT, first_channel TEXT,
            asked_at TEXT, asked_channel TEXT,
            resolved_seconds INTEGER
        )
        """
    )
    db.execute(
        "CREATE INDEX stats_cases_resolved ON stats_cases "
        "(platform, first_channel, resolved_seconds) WHERE resolved_seconds IS NOT NULL"
    )
    db.execute(
        """
        CREATE TABLE stats_counts (
            case_id INTEGER NOT NULL,
            channel TEXT NOT NULL,
            platform TEXT NOT NULL,
            contacts INTEGER NOT NULL,
            replies INTEGER NOT NULL,
            PRIMARY KEY (case_id, channel)
        )
        """
    )
    db.execute(
        """
        CREATE TABLE stats_waits (
            reply_id INTEGER PRIMARY KEY,
            case_id INTEGER NOT NULL,
            platform TEXT NOT NULL,
            channel TEXT NOT NULL,
            sent_epoch INTEGER,
            seconds INTEGER,
            utc_offset INTEGER,
            cell INTEGER
        )
        """
    )
    db.execute("CREATE INDEX stats_waits_case ON stats_waits (case_id)")
    db.execute("CREATE INDEX stats_waits_seconds ON stats_waits (seconds)")
    db.execute("CREATE INDEX stats_waits_cell ON stats_waits (cell, seconds)")
    db.execute("CREATE INDEX stats_waits_offset ON stats_waits (utc_offset, sent_epoch)")
    db.execute("CREATE INDEX stats_waits_group ON stats_waits (platform, channel, seconds)")
    db.execute(
        "CREATE INDEX stats_waits_platform ON stats_waits (platform COLLATE NOCASE, seconds)"
    )
    db.execute(
        "CREATE INDEX stats_waits_platform_cell ON stats_waits "
        "(platform COLLATE NOCASE, cell, seconds)"
    )
    # Open cases by age: creation times in order, with the status, off one index (not a
    # partial one on unfinished cases: the agenda's queries would take that one up).
    db.execute(f"CREATE INDEX cases_age ON cases ({CASE_AGE}, status)")
    db.execute(
        """
        CREATE TABLE stats_totals (
            platform TEXT NOT NULL,
            channel TEXT NOT NULL,
            contacts INTEGER NOT NULL DEFAULT 0,
            replies INTEGER NOT NULL DEFAULT 0,
            waits INTEGER NOT NULL DEFAULT 0,
            resolved INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (platform, channel)
        )
        """
    )
    db.execute(
        """
        CREATE TABLE stats_hours (
            platform TEXT NOT NULL,
            cell INTEGER NOT NULL,
            waits INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (platform, cell)
        )
        """
    )
    for event, rows in (("INSERT", ("NEW",)), ("DELETE", ("OLD",)), ("UPDATE", ("OLD", "NEW"))):
        changes = "".join(
            f"""
            INSERT INTO stats_hours (platform, cell, waits)
            SELECT {row}.platform, {row}.cell, {"1" if row == "NEW" else "-1"}
            WHERE {row}.cell IS NOT NULL
            ON CONFLICT (platform, cell) DO UPDATE SET waits = waits + excluded.waits;
            """
            for row in rows
        )
        db.execute(
            f"CREATE TRIGGER stats_waits_hours_{event.lower()} AFTER {event} ON stats_waits "
            f"BEGIN {changes} END"
        )
    for table, column in (
        ("stats_counts", "counts"),
        ("stats_waits", "waits"),
        ("stats_cases", "resolved"),
    ):
        for event in ("INSERT", "DELETE", "UPDATE"):
            db.execute(_totals_trigger(table, event, column))
    for statement in _recompute_stats("SELECT id FROM cases"):
        db.execute(statement)
    relevant = "{row}.kind IN " + _STATS_KINDS + " AND {row}.deleted_at IS NULL"
    new, old = relevant.format(row="NEW"), relevant.format(row="OLD")
    columns = ("id", "case_id", "kind", "at", "channel", "new_status", "deleted_at")
    changed = " OR ".join(f"OLD.{column} IS NOT NEW.{column}" for column in columns)
    db.execute(
        f"""
        CREATE TRIGGER entries_stats_append AFTER INSERT ON entries
        WHEN {new} AND {_APPENDS}
        BEGIN {_APPEND_STATS} END
        """
    )
    db.execute(
        f"""
        CREATE TRIGGER entries_stats_insert AFTER INSERT ON entries
        WHEN {new} AND NOT ({_APPENDS})
        BEGIN {_body(_recompute_stats("NEW.case_id"))} END
        """
    )
    db.execute(
        f"""
        CREATE TRIGGER entries_stats_delete AFTER DELETE ON entries WHEN {old}
        BEGIN {_body(_recompute_stats("OLD.case_id"))} END
        """
    )
    db.execute(
        f"""
        CREATE TRIGGER entries_stats_update
        AFTER UPDATE OF id, case_id, kind, at, channel, new_status, deleted_at ON entries
        WHEN (({old}) OR ({new})) AND ({changed})
        BEGIN {_body(_recompute_stats("OLD.case_id, NEW.case_id"))} END
        """
    )
    # A case that arrives (or comes back in an undo, maybe after its entries) is
    # counted from its entries; a new platform moves its figures to the new one.
    db.execute(
        f"""
        CREATE TRIGGER cases_stats_insert AFTER INSERT ON cases
        BEGIN {_body(_recompute_stats("NEW.id"))} END
        """
    )
    db.execute(
        f"""
        CREATE TRIGGER cases_stats_update AFTER UPDATE OF id, platform ON cases
        WHEN OLD.id IS NOT NEW.id OR OLD.platform IS NOT NEW.platform
        BEGIN {_body(_recompute_stats("OLD.id, NEW.id"))} END
        """
    )
    db.execute(
        """
        CREATE TRIGGER cases_stats_delete AFTER DELETE ON cases BEGIN
            DELETE FROM stats_waits WHERE case_id = OLD.id;
            DELETE FROM stats_counts WHERE case_id = OLD.id;
            DELETE FROM stats_cases WHERE case_id = OLD.id;
        END
        """
    )


# -- m012: a new case's entries written in bulk, their derived rows set by the case ---------
#
# Import writes a new case's entries with one executemany (store.merge). Row by row,
# the triggers below cost most of an import (the trigram index alone ~100 µs an
# entry, the stats and activity ones a few statements each). While the case is in
# `bulk_cases`, they stand aside for its entries; store.bulk then sets what they
# would have set, for the whole case at once, in the same transaction, and takes
# the case out again. Every other write goes through them as before.
BULK_CASES = "bulk_cases"
# Each trigger, and the column of its row that names the case.
BULK_ASIDE = {
    "entries_search_insert": "NEW.case_id",
    "entries_attachment_search_insert": "NEW.case_id",
    "entries_activity_insert": "NEW.case_id",
    "entries_waiting_insert": "NEW.case_id",
    "entries_stats_append": "NEW.case_id",
    "entries_stats_insert": "NEW.case_id",
    "entries_sync_insert": "NEW.case_id",
    "cases_sync_update": "NEW.id",
}
_TRIGGER_HEAD = re.compile(
    r"^(\s*CREATE\s+TRIGGER\s+\w+\s+AFTER\s.*?\sON\s+\w+)\s+(?:WHEN\s+(.*?)\s+)?(BEGIN\b.*)$",
    re.IGNORECASE | re.DOTALL,
)


def not_in_bulk(case_id: str) -> str:
    """The condition under which a trigger of BULK_ASIDE runs for the case `case_id` (SQL)."""
    return f"NOT EXISTS (SELECT 1 FROM {BULK_CASES} WHERE case_id = {case_id})"


def _stand_aside(db: Database, name: str, case_id: str) -> None:
    """Recreate trigger `name` with not_in_bulk(case_id) added to its WHEN, body unchanged."""
    row = db.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", [name])
    sql = row.fetchone()[0]
    match = _TRIGGER_HEAD.match(sql)
    if match is None:
        raise RuntimeError(f"trigger {name} is not laid out as m012 expects")
    head, when, body = match.groups()
    # First: SQLite stops at it, before the trigger's own (costlier) condition.
    condition = not_in_bulk(case_id) if when is None else f"{not_in_bulk(case_id)} AND ({when})"
    db.execute(f"DROP TRIGGER {name}")
    db.execute(f"{head} WHEN {condition} {body}")


@migrations(name="m012_bulk_import")
def m012_bulk_import(db: Database) -> None:
    """Let import set a new case's derived rows once per case instead of once per entry.

    The triggers that keep the full-text index, activity_at, asked_at, the
    stats tables and the sync revision per entry stand aside for a case
    listed in bulk_cases; the import lists a case only while it writes that
    case's entries, and sets those rows itself before it takes the case out.
    """
    db.execute(f"CREATE TABLE {BULK_CASES} (case_id INTEGER PRIMARY KEY)")
    for name, case_id in BULK_ASIDE.items():
        _stand_aside(db, name, case_id)


def apply(db: Database) -> None:
    """Apply what is pending; the caller holds the write lock."""
    registered = len(migrations._migrations)
    if registered != SCHEMA_VERSION:  # a developer forgot to bump SCHEMA_VERSION
        raise RuntimeError(f"{registered} migrations registered, SCHEMA_VERSION={SCHEMA_VERSION}")
    migrations.apply(db)
    # After any migration: the journal's triggers follow every table's current columns.
    from issuenote.store.journal import install_triggers

    install_triggers(db.conn)
