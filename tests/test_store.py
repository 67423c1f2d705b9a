"""The store: schema by migrations, pragmas, all-or-nothing writes."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from issuenote import actions
from issuenote.errors import IssuenoteError
from issuenote.store import Store
from issuenote.store.schema import SCHEMA_VERSION


def open_store(home: Path) -> Store:
    store = Store.open(home, create=True)
    assert store is not None
    return store


def test_fresh_notebook_is_migrated_and_recorded(notebook_home: Path) -> None:
    store = open_store(notebook_home)
    assert store.schema_version() == SCHEMA_VERSION
    names = [r[0] for r in store.conn.execute("SELECT name FROM _sqlite_migrations ORDER BY id")]
    assert names[0] == "m001_initial"
    assert len(names) == SCHEMA_VERSION
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert store.conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_reading_a_missing_notebook_creates_nothing(notebook_home: Path) -> None:
    assert Store.open(notebook_home, create=False) is None
    assert not notebook_home.exists()


def test_newer_notebook_is_refused_untouched(notebook_home: Path) -> None:
    open_store(notebook_home).close()
    db = notebook_home / "notebook.db"
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.close()
    before = db.read_bytes()
    with pytest.raises(IssuenoteError, match="newer issuenote"):
        Store.open(notebook_home, create=False)
    assert db.read_bytes() == before


def test_not_a_database_is_a_clear_error(notebook_home: Path) -> None:
    notebook_home.mkdir()
    (notebook_home / "notebook.db").write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(IssuenoteError, match="cannot open the notebook"):
        Store.open(notebook_home, create=False)


def test_failed_write_rolls_back_everything(notebook_home: Path) -> None:
    store = open_store(notebook_home)
    case_id = actions.create_case(store, title="x")
    with pytest.raises(RuntimeError), store.writing():
        store.add_entry(case_id, {"kind": "note", "text": "half", "at": "2026-01-01T00:00:00Z"})
        raise RuntimeError("killed between two writes")
    assert store.entry_rows(case_id) == []


def test_constraints_back_up_validation(notebook_home: Path) -> None:
    store = open_store(notebook_home)
    case_id = actions.create_case(store, title="x")
    with pytest.raises(sqlite3.IntegrityError), store.writing():
        store.add_entry(case_id, {"kind": "gossip", "at": "2026-01-01T00:00:00Z"})
    with pytest.raises(sqlite3.IntegrityError), store.writing():
        store.add_entry(999, {"kind": "note", "at": "2026-01-01T00:00:00Z"})  # foreign key


def test_deleting_a_case_deletes_its_records(notebook_home: Path) -> None:
    store = open_store(notebook_home)
    case_id = actions.create_case(store, title="x", tags=["a"])
    actions.add_note(store, str(case_id), "note")
    actions.add_transaction(store, str(case_id), "W123", amount="5")
    actions.delete_case(store, case_id)
    for table in ("cases", "entries", "transactions", "case_tags"):
        assert store.count(table) == 0


def test_case_by_uuid(notebook_home: Path) -> None:
    store = open_store(notebook_home)
    case_id = actions.create_case(store, title="x")
    uuid = store.case_row(case_id)["uuid"]
    assert store.resolve_case(uuid) == case_id
    assert store.resolve_case(uuid.upper()) == case_id


WRITER = """
import sys
from pathlib import Path
from issuenote import actions
from issuenote.store import Store
store = Store.open(Path(sys.argv[1]), create=True)
for i in range(int(sys.argv[3])):
    actions.add_note(store, "1", f"{sys.argv[2]}-{i}")
"""


def test_concurrent_writers_lose_nothing(notebook_home: Path) -> None:
    store = open_store(notebook_home)
    actions.create_case(store, title="shared")
    store.close()
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(notebook_home), f"w{n}", "50"])
        for n in range(3)
    ]
    assert [w.wait(timeout=120) for w in writers] == [0, 0, 0]
    store = open_store(notebook_home)
    texts = {row["text"] for row in store.entry_rows(1)}
    assert texts == {f"w{n}-{i}" for n in range(3) for i in range(50)}


def test_new_uuids_are_random_version_4_uuids() -> None:
    """Made without the uuid module (it imports platform): they must read as uuid4's do."""
    import uuid

    from issuenote.store.queries import new_uuid

    made = [new_uuid() for _ in range(2000)]
    assert len(set(made)) == len(made)
    for text in made:
        parsed = uuid.UUID(text)
        assert (parsed.version, parsed.variant, str(parsed)) == (4, uuid.RFC_4122, text)
