"""Upgrades: a notebook written by the first released schema keeps every fact.

tests/data/notebook_schema1.db was written by schema 1 through the real CLI
(scripts/make_fixture_notebook.py; never regenerate it with a later schema).
These tests read it with today's code, migrate it through every registered
migration, and compare what comes out with what went in. When you add
migration 2, they run it on the fixture without any change here; if it moves
or renames a column on purpose, say so in MOVED_COLUMNS.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import sqlite3
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from sqlite_utils import Database

from issuenote.commands import COMMAND_NAMES
from issuenote.errors import IssuenoteError
from issuenote.store import Store, connection, migrations
from issuenote.store.schema import SCHEMA_VERSION

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
FIXTURE_DB = DATA / "notebook_schema1.db"
FIXTURE_KEY = DATA / "notebook_schema1.key"
# The expected values were recorded in Shanghai, so every test here runs there,
# whatever zone the run as a whole uses (ISSUENOTE_TEST_TZ).
pytestmark = pytest.mark.usefixtures("shanghai_zone")

EXPECTED = json.loads((DATA / "notebook_schema1.expected.json").read_text(encoding="utf-8"))
# (table, old column) -> (table, new column), for a migration that moves data on purpose.
MOVED_COLUMNS: dict[tuple[str, str], tuple[str, str]] = {}
# (table, old column) -> the columns a migration sorts its values into, row by row:
# m002 moves an exchange order ID (a schema-1 txid without a chain) to order_id.
SORTED_COLUMNS: dict[tuple[str, str], tuple[str, ...]] = {
    ("transactions", "txid"): ("txid", "order_id"),
}
BOOKKEEPING = "_sqlite_migrations"
RAW_TERMINAL_CODES = ["\x1b", "\x07", "\x9b", "\u202e", "\u202c", "\u2067", "\u2069"]


def load_script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


fixture_script = load_script("make_fixture_notebook")


def install_fixture(home: Path) -> Path:
    """The fixture as a user's notebook: private dir, private db, its key file."""
    home.mkdir(mode=0o700, parents=True, exist_ok=True)
    db = home / "notebook.db"
    shutil.copyfile(FIXTURE_DB, db)
    shutil.copyfile(FIXTURE_KEY, home / "key")
    db.chmod(0o600)
    (home / "key").chmod(0o600)
    return db


@pytest.fixture
def old_home(notebook_home: Path) -> Path:
    install_fixture(notebook_home)
    return notebook_home


def raw_rows(db: Path) -> dict[str, dict[Any, dict[str, Any]]]:
    """Every row of every table, keyed by rowid, straight from SQLite."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        tables = [
            row[0]
            for row in conn.execute(
                # Plain tables only: a full-text index (virtual) and its shadow tables are
                # derived from them and checked by the search tests.
                "SELECT name FROM pragma_table_list "
                "WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {
            table: {
                row["_rowid"]: {k: row[k] for k in row.keys() if k != "_rowid"}  # noqa: SIM118
                for row in conn.execute(f"SELECT rowid AS _rowid, * FROM [{table}]")
            }
            for table in tables
        }
    finally:
        conn.close()


def schema_of(db: Path) -> list[tuple[str, str, str, str]]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master "
            "WHERE name NOT LIKE 'sqlite_%' AND tbl_name != ? ORDER BY type, name",
            [BOOKKEEPING],
        ).fetchall()
    finally:
        conn.close()


def assert_nothing_lost(before: dict[str, dict[Any, dict[str, Any]]], db: Path) -> None:
    """Every old row still there, every old value where it was (or where MOVED_COLUMNS says)."""
    after = raw_rows(db)
    for table, rows in before.items():
        assert table in after, f"table {table} vanished"
        for rowid, row in rows.items():
            assert rowid in after[table], f"{table} row {rowid} vanished"
            for column, value in row.items():
                new_table, new_column = MOVED_COLUMNS.get((table, column), (table, column))
                moved = after[new_table][rowid] if new_table != table else after[table][rowid]
                sorted_into = SORTED_COLUMNS.get((table, column), (new_column,))
                assert value in [moved[name] for name in sorted_into], (
                    f"{table}.{column} of row {rowid} changed"
                )


def assert_contains(actual: Any, expected: Any, where: str = "") -> None:
    """`actual` holds everything in `expected`; new keys (later features) are fine."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict), where
        for key, value in expected.items():
            assert key in actual, f"{where}.{key} is missing"
            assert_contains(actual[key], value, f"{where}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), where
        for n, (a, e) in enumerate(zip(actual, expected, strict=True)):
            assert_contains(a, e, f"{where}[{n}]")
    else:
        assert actual == expected, f"{where}: {actual!r} != {expected!r}"


def open_store(home: Path) -> Store:
    store = Store.open(home, create=False)
    assert store is not None
    return store


# -- the fixture is what it claims to be ------------------------------------------------


def test_fixture_was_written_by_schema_1_and_holds_every_kind_of_record(tmp_path: Path) -> None:
    db = tmp_path / "pristine.db"
    shutil.copyfile(FIXTURE_DB, db)
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
        names = [row[0] for row in conn.execute(f"SELECT name FROM {BOOKKEEPING} ORDER BY id")]
        assert names == ["m001_initial"]
        kinds = {row[0] for row in conn.execute("SELECT DISTINCT kind FROM entries")}
        assert kinds == {"note", "contact", "reply", "step", "escalation", "status"}
        assert conn.execute("SELECT count(*) FROM entries WHERE private = 1").fetchone()[0] >= 1
        assert conn.execute("SELECT count(*) FROM entries WHERE done_at IS NOT NULL").fetchone()[0]
        assert conn.execute("SELECT count(*) FROM entries WHERE flags != '[]'").fetchone()[0]
        assert conn.execute("SELECT count(*) FROM cases WHERE account LIKE 'enc1:%'").fetchone()[0]
        assert conn.execute("SELECT count(*) FROM case_tags").fetchone()[0] >= 4
        assert conn.execute("SELECT count(DISTINCT chain) FROM transactions").fetchone()[0] >= 3
        assert conn.execute("SELECT value FROM notebook WHERE key = 'kcv'").fetchone()
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
    assert not FIXTURE_DB.with_name(FIXTURE_DB.name + "-wal").exists()


# -- today's code reads it ------------------------------------------------------------------


def test_show_json_of_every_case_keeps_every_fact(cli: Callable[..., Any], old_home: Path) -> None:
    assert EXPECTED["tz"] == "Asia/Shanghai"  # the zone shanghai_zone sets
    for expected in EXPECTED["cases"]:
        result = cli("show", str(expected["id"]), "--json")
        assert result.exit_code == 0, result.stderr
        assert result.stderr == ""
        assert_contains(
            fixture_script.normalise_case(json.loads(result.stdout)),
            expected,
            f"case {expected['id']}",
        )
    listed = cli("list", "--all", "--json")
    assert listed.exit_code == 0, listed.stderr
    assert_contains(fixture_script.normalise_list(json.loads(listed.stdout)), EXPECTED["list"])


def read_commands(scratch: Path) -> Iterator[tuple[str, ...]]:
    """Every command that only reads the notebook, with the options that change what it reads.

    `scratch` is a directory for the files some of them write (backup, export).
    """
    yield from (
        ("list",),
        ("list", "--all"),
        ("list", "--json"),
        ("list", "--status", "resolved"),
        ("list", "--platform", "okx"),
        ("list", "--tag", "紧急"),
        ("doctor",),
        ("doctor", "--json"),
    )
    for case in EXPECTED["cases"]:
        ref = str(case["id"])
        yield from (("show", ref), ("show", ref, "--full"), ("show", ref, "--reveal"))
        yield ("show", case["uuid"], "--json")
        if "export" in COMMAND_NAMES:
            for fmt in ("chat", "email", "markdown", "text", "json", "html"):
                for lang in ("en", "zh", "ko"):
                    yield ("export", ref, "--format", fmt, "--lang", lang)
    # Read commands that later issues add run here as soon as they are registered.
    if "search" in COMMAND_NAMES:
        yield from (("search", "USDT"), ("search", "입금", "--json"), ("search", "TK-88412907"))
    if "export" in COMMAND_NAMES:
        everything = str(scratch / "all.json")
        yield ("export", "--all", "--format", "json", "--output", everything)
        if "import" in COMMAND_NAMES:
            yield ("import", everything, "--dry-run")
    if "backup" in COMMAND_NAMES:
        archive = str(scratch / "fixture-backup.tar.gz")
        yield ("backup", archive)
        if "restore" in COMMAND_NAMES:
            yield ("restore", "--check", archive)


def test_every_read_command_reads_it_and_changes_nothing(
    cli: Callable[..., Any], old_home: Path, snapshot: Callable[[], list[str]], tmp_path: Path
) -> None:
    open_store(old_home).close()  # a later schema migrates on this first open
    before = snapshot()
    ran = 0
    for args in read_commands(tmp_path):
        result = cli(*args)
        assert result.exit_code == 0, (args, result.stderr)
        assert "Traceback" not in result.stderr, args
        if args[0] in ("show", "list"):
            assert result.stderr == "", (args, result.stderr)
            # JSON escapes C0 controls itself; what people read shows none of the codes.
            codes = RAW_TERMINAL_CODES[:2] if "--json" in args else RAW_TERMINAL_CODES
            for code in codes:
                assert code not in result.stdout, (args, code)
        ran += 1
    assert ran >= 20
    assert snapshot() == before


def test_what_people_see_keeps_the_story(cli: Callable[..., Any], old_home: Path) -> None:
    shown = cli("show", "1", "--reveal").stdout
    facts = ("TK-88412907", "CS-4471", "Kevin", "1,250.00 USDT", "OKX-W-2026030200123")
    for fact in (*facts, "alice.chen@gmail.com", "[redacted: password]", "My phone number"):
        assert fact in shown
    assert "scam-risk" in shown
    assert "업비트 입금 지연" in cli("list", "--all").stdout
    assert "␛" in cli("show", "3", "--full").stdout  # the pasted escape, made visible


# -- migrations ----------------------------------------------------------------------------


def test_every_migration_upgrades_it_with_nothing_lost(old_home: Path) -> None:
    db = old_home / "notebook.db"
    before = raw_rows(db)
    store = open_store(old_home)
    try:
        assert store.schema_version() == SCHEMA_VERSION
        applied = [
            row[0] for row in store.conn.execute(f"SELECT name FROM {BOOKKEEPING} ORDER BY id")
        ]
        assert applied == [m.name for m in migrations.migrations._migrations]
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert store.conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert store.notebook_id() == before["notebook"][1]["value"]
    finally:
        store.close()
    assert_nothing_lost(before, db)
    # A second open finds nothing to do.
    again = raw_rows(db)
    open_store(old_home).close()
    assert raw_rows(db) == again


def test_blank_and_upgraded_notebooks_have_the_same_schema(old_home: Path, tmp_path: Path) -> None:
    fresh_home = tmp_path / "fresh"
    fresh = Store.open(fresh_home, create=True)
    assert fresh is not None
    fresh.close()
    open_store(old_home).close()
    assert schema_of(old_home / "notebook.db") == schema_of(fresh_home / "notebook.db")
    for home in (old_home, fresh_home):
        conn = sqlite3.connect(home / "notebook.db")
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        conn.close()


@pytest.fixture
def next_migration(monkeypatch: pytest.MonkeyPatch) -> Callable[[Callable[[Database], None]], None]:
    """Register a migration SCHEMA_VERSION + 1 for one test, as a developer would add it."""

    def register(body: Callable[[Database], None]) -> None:
        pending = migrations.Migrations("issuenote")
        pending._migrations = [*migrations.migrations._migrations]
        pending(name=f"m{SCHEMA_VERSION + 1:03d}_test")(body)
        monkeypatch.setattr(migrations, "migrations", pending)
        monkeypatch.setattr(migrations, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
        monkeypatch.setattr(connection, "SCHEMA_VERSION", SCHEMA_VERSION + 1)

    return register


def test_a_next_migration_runs_on_the_fixture_with_nothing_lost(
    old_home: Path, tmp_path: Path, next_migration: Callable[..., None], cli: Callable[..., Any]
) -> None:
    """The upgrade path itself: what migration N+1 will go through."""

    def add_column_and_table(db: Database) -> None:
        db.execute("ALTER TABLE entries ADD COLUMN language TEXT")
        db.execute("UPDATE entries SET language = 'en'")
        db.execute("CREATE TABLE future_things (id INTEGER PRIMARY KEY, sha256 TEXT NOT NULL)")

    next_migration(add_column_and_table)
    db = old_home / "notebook.db"
    before = raw_rows(db)
    store = open_store(old_home)
    assert store.schema_version() == SCHEMA_VERSION + 1
    store.close()
    assert_nothing_lost(before, db)
    fresh = Store.open(tmp_path / "fresh", create=True)
    assert fresh is not None
    fresh.close()
    assert schema_of(db) == schema_of(tmp_path / "fresh" / "notebook.db")
    result = cli("show", "1", "--json")
    assert result.exit_code == 0, result.stderr
    assert_contains(
        fixture_script.normalise_case(json.loads(result.stdout)), EXPECTED["cases"][0], "case 1"
    )


def test_a_failing_migration_leaves_the_notebook_as_it_was(
    old_home: Path, next_migration: Callable[..., None], cli: Callable[..., Any]
) -> None:
    def breaks_halfway(db: Database) -> None:
        db.execute("CREATE TABLE half_done (x)")
        db.execute("UPDATE entries SET text = 'overwritten'")
        db.execute("ALTER TABLE no_such_table ADD COLUMN y")

    next_migration(breaks_halfway)
    db = old_home / "notebook.db"
    before, schema = raw_rows(db), schema_of(db)
    with pytest.raises(IssuenoteError, match="cannot upgrade the notebook"):
        Store.open(old_home, create=False)
    result = cli("note", "1", "during a failed upgrade")
    assert result.exit_code == 1
    assert result.stderr.startswith("issuenote: cannot upgrade the notebook")
    assert result.stderr.count("\n") == 1
    assert raw_rows(db) == before
    assert schema_of(db) == schema
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    conn.close()


# -- a notebook from the future ----------------------------------------------------------------


def write_commands() -> list[tuple[str, ...]]:
    return [
        ("list",),
        ("list", "--all", "--json"),
        ("show", "1"),
        ("show", "1", "--json"),
        ("new", "another case"),
        ("note", "1", "hello"),
        ("contact", "1", "--channel", "chat"),
        ("reply", "1", "hi", "--agent", "Kevin"),
        ("step", "1", "call back"),
        ("done", "1", "4"),
        ("escalate", "1"),
        ("status", "1", "open"),
        ("tx", "1", "W-NEW-1"),
        ("edit", "1", "--title", "renamed"),
        ("rm", "1", "--yes"),
        *((("export", "1", "--format", "text"),) if "export" in COMMAND_NAMES else ()),
    ]


def files_of(home: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(home.iterdir())}


def test_a_newer_notebook_is_refused_by_every_command_and_left_alone(
    cli: Callable[..., Any], old_home: Path
) -> None:
    conn = sqlite3.connect(old_home / "notebook.db")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = files_of(old_home)
    assert set(before) == {"notebook.db", "key"}
    for args in write_commands():
        result = cli(*args)
        assert result.exit_code == 1, (args, result.stdout)
        assert result.stdout == "", args
        assert result.stderr.count("\n") == 1, (args, result.stderr)
        assert result.stderr.startswith("issuenote: the notebook "), (args, result.stderr)
        assert f"newer issuenote (schema {SCHEMA_VERSION + 1}" in result.stderr
        assert "upgrade issuenote" in result.stderr
    doctor = cli("doctor")
    assert doctor.exit_code == 1
    assert "newer issuenote" in doctor.stdout
    assert files_of(old_home) == before
