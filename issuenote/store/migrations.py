"""The notebook's schema, as numbered migrations recorded in the database.

Each migration runs once, atomically, and is recorded in `_sqlite_migrations`
(sqlite-utils' own bookkeeping); `PRAGMA user_version` mirrors the count so a
normal start can tell "up to date" without importing sqlite-utils. Never edit
a released migration: add the next one, and raise SCHEMA_VERSION with it.
"""

from __future__ import annotations

import uuid

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from issuenote.model import CATEGORIES, CHANNELS, ENTRY_KINDS, STATUSES, TX_KINDS
from issuenote.store.schema import SCHEMA_VERSION

migrations = Migrations("issuenote")


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
            kind TEXT NOT NULL CHECK {_in("kind", ENTRY_KINDS)},
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
    # Open steps per case (counts, next due) and across cases by due time.
    db.execute(
        "CREATE INDEX entries_open_steps ON entries (case_id, due) "
        "WHERE kind = 'step' AND done_at IS NULL AND deleted_at IS NULL"
    )
    db.execute(
        "CREATE INDEX entries_due ON entries (due) "
        "WHERE kind = 'step' AND done_at IS NULL AND deleted_at IS NULL AND due IS NOT NULL"
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


def apply(db: Database) -> None:
    """Apply what is pending; the caller holds the write lock."""
    registered = len(migrations._migrations)
    if registered != SCHEMA_VERSION:  # a developer forgot to bump SCHEMA_VERSION
        raise RuntimeError(f"{registered} migrations registered, SCHEMA_VERSION={SCHEMA_VERSION}")
    migrations.apply(db)
    # After any migration: the journal's triggers follow every table's current columns.
    from issuenote.store.journal import install_triggers

    install_triggers(db.conn)
