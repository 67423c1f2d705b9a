"""The fast path of import (a new case's entries written with executemany) is no shortcut.

Import adds the entries of a case new to the notebook in a few statements
(`_Merger.add_entries_at_once`) instead of entry by entry. These tests import
the same file both ways into two notebooks and compare every table, the
full-text indexes, the chain and the columns the triggers keep, value for
value; and they pin when the fast path must step aside.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from issuenote.demo import demo_commands
from issuenote.importer import check_export_file
from issuenote.parse import timeparse
from issuenote.store import Store, bulk
from issuenote.store.merge import _Merger, merge_export
from tests.test_stats_aggregates import _random_write, assert_matches_reference

Cli = Callable[..., Any]

# Positional segments of an FTS5 index: how its content is laid out, not what it holds.
_FTS_LAYOUT = ("_data", "_idx")


@pytest.fixture
def source_file(cli: Cli, tmp_path: Path) -> Path:
    return make_source_file(cli, tmp_path)


def make_source_file(cli: Cli, tmp_path: Path) -> Path:
    """A complete export of a notebook with revisions, a deleted entry and a private one."""
    home = tmp_path / "source"
    for args in demo_commands(timeparse.utc_now()):
        assert cli("--home", str(home), *args).exit_code == 0
    for args in (
        ("amend", "1", "3", "--text", "Checked the FAQ again: TRC20 takes minutes."),
        ("note", "1", "Called my bank about the card", "--private"),
        ("note", "1", "A note typed twice by mistake"),
        ("rm", "1", "11", "--yes"),
        ("new", "Second case", "--platform", "Binance", "--tag", "kyc"),
        ("contact", "2", "--channel", "chat", "Asked about the KYC review"),
        ("reply", "2", "Under review", "--agent", "Li", "--ticket", "T-1"),
    ):
        result = cli("--home", str(home), *args)
        assert result.exit_code == 0, (args, result.stderr)
    result = cli(
        "--home", str(home), "export", "--all", "--format", "json",
        "--no-redact", "--include-private",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    path = tmp_path / "notebook.json"
    path.write_text(result.stdout, encoding="utf-8")
    return path


@pytest.fixture
def repeatable(source_file: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    return _repeatable(monkeypatch)


def _repeatable(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """One fixed clock and a repeatable random source; call the result to start it again.

    Sealed texts take a random nonce, and a notebook its random key and id:
    both paths draw them in the same order, so the same stream gives the
    same bytes.
    """
    fixed = timeparse.utc_now()  # after the source was recorded: nothing in it is future
    monkeypatch.setattr(timeparse, "utc_now", lambda: fixed)
    drawn = [0]

    def urandom(size: int) -> bytes:
        drawn[0] += 1
        out = b""
        while len(out) < size:
            out += hashlib.sha256(f"{drawn[0]}/{len(out)}".encode()).digest()
        return out[:size]

    def restart() -> None:
        drawn[0] = 0

    monkeypatch.setattr(os, "urandom", urandom)
    return restart


def _import(
    path: Path,
    home: Path,
    monkeypatch: pytest.MonkeyPatch,
    *,
    bulk: bool = True,
    restart: Callable[[], None] | None = None,
) -> list[bool]:
    """Import `path` into a new notebook at `home`; which cases took the fast path."""
    taken: list[bool] = []
    fast = _Merger.add_entries_at_once

    def spy(self: _Merger, case_id: int, entries: Any) -> bool:
        done = fast(self, case_id, entries) if bulk else False
        taken.append(done)
        return done

    if restart is not None:
        restart()
    with monkeypatch.context() as patch:
        patch.setattr(_Merger, "add_entries_at_once", spy)
        store = Store.open(home, create=True)
        assert store is not None
        try:
            merge_export(store, check_export_file(str(path), source=str(path)))
        finally:
            store.close()
    return taken


def _visible_rowid(conn: sqlite3.Connection, name: str) -> bool:
    """Whether the table's rowid is one of its columns (an INTEGER PRIMARY KEY).

    Any other table's rowid is SQLite's bookkeeping: no column shows it and
    VACUUM may renumber it. Those tables (stats_counts, stats_totals...) are
    compared row for row in the order of their values, which the primary key
    makes unique, rather than in the order their rows happened to be made.
    """
    keys = [row for row in conn.execute(f"PRAGMA table_info({name})") if row[5]]
    return len(keys) == 1 and keys[0][2].upper() == "INTEGER"


def _tables(home: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows in rowid order (FTS tables through their own rows)."""
    conn = sqlite3.connect(home / "notebook.db")
    try:
        names = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        out = {}
        for name in names:
            if name.endswith(_FTS_LAYOUT) or name == "_sqlite_migrations":  # not the import's
                continue
            virtual = conn.execute(
                "SELECT sql LIKE 'CREATE VIRTUAL TABLE%' FROM sqlite_master WHERE name = ?",
                (name,),
            ).fetchone()[0]
            order = "rowid" if virtual or not name.startswith("_") else "1"
            select = f"SELECT rowid, * FROM {name}" if virtual else f"SELECT * FROM {name}"
            if not virtual and not name.startswith("_") and not _visible_rowid(conn, name):
                order = ", ".join(str(n + 1) for n in range(len(conn.execute(select).description)))
            try:
                out[name] = conn.execute(f"{select} ORDER BY {order}").fetchall()
            except sqlite3.OperationalError:  # a table without rowid
                out[name] = sorted(conn.execute(f"SELECT * FROM {name}").fetchall(), key=repr)
        return out
    finally:
        conn.close()


def _index_terms(home: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every term of each full-text index, with its row, column and place (fts5vocab)."""
    conn = sqlite3.connect(home / "notebook.db")
    try:
        out = {}
        for name in ("entry_search", "case_search", "transaction_search", "attachment_search"):
            conn.execute(
                f"CREATE VIRTUAL TABLE temp.{name}_terms USING fts5vocab(main, {name}, instance)"
            )
            out[name] = conn.execute(
                f"SELECT * FROM temp.{name}_terms ORDER BY 1, 2, 3, 4"
            ).fetchall()
        return out
    finally:
        conn.close()


def test_the_fast_path_leaves_the_same_notebook_as_entry_by_entry(
    source_file: Path,
    tmp_path: Path,
    repeatable: Callable[[], None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    slow = _import(source_file, tmp_path / "slow", monkeypatch, bulk=False, restart=repeatable)
    fast = _import(source_file, tmp_path / "fast", monkeypatch, restart=repeatable)
    assert slow == [False, False]
    assert fast == [True, True]  # both cases went the fast way
    one, other = _tables(tmp_path / "slow"), _tables(tmp_path / "fast")
    assert sorted(one) == sorted(other)
    for name in one:
        assert one[name] == other[name], name
    # The indexes hold the same terms in the same places, not just the same rows.
    terms = _index_terms(tmp_path / "slow")
    assert terms == _index_terms(tmp_path / "fast")
    assert len(terms["entry_search"]) > 1000
    # and what the comparison covers is really there
    amended = {row[1] for row in one["entry_revisions"]}  # amended and deleted: 2 entries
    assert len(amended) == 2
    assert len(one["chain"]) == len(one["entries"]) + len(amended)  # their "import" links
    assert any(row[0] for row in one["entry_search"])
    assert one["entry_revisions"]
    conn = sqlite3.connect(tmp_path / "fast" / "notebook.db")
    private = conn.execute("SELECT text FROM entries WHERE private = 1").fetchone()[0]
    assert private.startswith("enc1:")
    conn.close()


@pytest.mark.parametrize("seed", [4, 5])
def test_a_notebook_of_random_writes_imports_the_same_both_ways(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    """Entries out of time order, deleted, amended, private, cases dropped and undone.

    The stats, activity and waiting columns the fast path sets per case
    must be what the triggers leave row by row, and what a full pass over
    the entries gives (test_stats_aggregates' reference).
    """
    source = tmp_path / "source"
    rng = random.Random(seed)
    assert cli("--home", str(source), "new", "first case", "--platform", "OKX").exit_code == 0
    for _ in range(60):
        conn = sqlite3.connect(source / "notebook.db")
        cases = [row[0] for row in conn.execute("SELECT id FROM cases")]
        conn.close()
        args = _random_write(rng, [*cases, 99])
        result = cli("--home", str(source), *args)
        assert result.exit_code in (0, 1), (args, result.stderr)
    result = cli(
        "--home", str(source), "export", "--all", "--format", "json",
        "--no-redact", "--include-private",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    path = tmp_path / "notebook.json"
    path.write_text(result.stdout, encoding="utf-8")
    restart = _repeatable(monkeypatch)
    slow = _import(path, tmp_path / "slow", monkeypatch, bulk=False, restart=restart)
    fast = _import(path, tmp_path / "fast", monkeypatch, restart=restart)
    assert any(fast) and not any(slow)
    one, other = _tables(tmp_path / "slow"), _tables(tmp_path / "fast")
    assert sorted(one) == sorted(other)
    for name in one:
        assert one[name] == other[name], name
    assert _index_terms(tmp_path / "slow") == _index_terms(tmp_path / "fast")
    assert one["stats_waits"]  # the comparison covers answered requests
    store = Store.open(tmp_path / "fast", create=False)
    assert store is not None
    try:
        assert_matches_reference(store, f"seed {seed}")
        assert store.conn.execute("SELECT count(*) FROM bulk_cases").fetchone()[0] == 0
    finally:
        store.close()


def test_the_fast_path_chain_verifies(
    cli: Cli, source_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "fast"
    assert _import(source_file, home, monkeypatch) == [True, True]
    result = cli("--home", str(home), "verify")
    assert result.exit_code == 0, result.stdout + result.stderr


def test_entries_without_their_numbers_go_entry_by_entry(
    source_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = json.loads(source_file.read_text(encoding="utf-8"))
    for entry in data["cases"][1]["entries"]:
        del entry["number"]
    odd = tmp_path / "odd.json"
    odd.write_text(json.dumps(data), encoding="utf-8")
    assert _import(odd, tmp_path / "home", monkeypatch) == [True, False]


def test_an_entry_id_taken_here_goes_entry_by_entry(
    source_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = json.loads(source_file.read_text(encoding="utf-8"))
    second = data["cases"][1]
    second["entries"][0]["id"] = data["cases"][0]["entries"][0]["id"]  # a clash in the file
    clash = tmp_path / "clash.json"
    clash.write_text(json.dumps(data), encoding="utf-8")
    home = tmp_path / "home"
    assert _import(clash, home, monkeypatch) == [True, False]
    conn = sqlite3.connect(home / "notebook.db")
    numbers = conn.execute("SELECT number FROM entries WHERE case_id = 2 ORDER BY id").fetchall()
    conn.close()
    assert [n for (n,) in numbers] == [e["number"] for e in second["entries"]]


def test_the_import_puts_the_temporary_storage_back(source_file: Path, tmp_path: Path) -> None:
    """Statement journals go to memory for the import only, not for what comes after it."""
    store = Store.open(tmp_path / "home", create=True)
    assert store is not None
    try:
        before = store.conn.execute("PRAGMA temp_store").fetchone()[0]
        merge_export(store, check_export_file(str(source_file), source="file"))
        assert store.conn.execute("PRAGMA temp_store").fetchone()[0] == before
        with store.writing():  # inside a transaction it is left alone (SQLite refuses there)
            merge_export(store, check_export_file(str(source_file), source="file"))
            assert store.conn.execute("PRAGMA temp_store").fetchone()[0] == before
    finally:
        store.close()


def test_the_index_merge_settings_are_put_back(
    cli: Cli, source_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The import holds FTS5's merges and merges at the end; the notebook's settings stay."""
    held: list[dict[str, Any]] = []
    hold = bulk.hold_merges

    def spy(conn: sqlite3.Connection) -> dict[str, str | None]:
        held.append(dict(conn.execute("SELECT k, v FROM entry_search_config").fetchall()))
        return hold(conn)

    monkeypatch.setattr(bulk, "hold_merges", spy)

    def settings(home: Path) -> dict[str, Any]:
        conn = sqlite3.connect(home / "notebook.db")
        try:
            return dict(conn.execute("SELECT k, v FROM entry_search_config").fetchall())
        finally:
            conn.close()

    fresh = tmp_path / "fresh"
    assert cli("--home", str(fresh), "import", str(source_file)).exit_code == 0
    assert held, "the import wrote in bulk"
    assert settings(fresh) == held[0]  # no setting of its own left behind
    found = cli("--home", str(fresh), "search", "TRC20 takes minutes", "--json")
    assert found.exit_code == 0 and json.loads(found.stdout), found.stdout

    tuned = tmp_path / "tuned"
    assert cli("--home", str(tuned), "new", "Already here").exit_code == 0
    conn = sqlite3.connect(tuned / "notebook.db")
    conn.execute("INSERT INTO entry_search (entry_search, rank) VALUES ('automerge', 8)")
    conn.commit()
    conn.close()
    before = settings(tuned)
    assert before["automerge"] == 8
    assert cli("--home", str(tuned), "import", str(source_file)).exit_code == 0
    assert settings(tuned) == before
    assert len(held) == 2  # that import too wrote in bulk


# -- into a new notebook: indexes and full-text rows built once, at the end --------


@pytest.fixture
def deferred_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """A big import defers the indexes after DEFER_AFTER_ENTRIES; here, from the first case."""
    monkeypatch.setattr(bulk, "DEFER_AFTER_ENTRIES", 0)


def _schema(conn: sqlite3.Connection) -> list[tuple[Any, ...]]:
    rows = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()
    return sorted(tuple(row) for row in rows)


def _settings(conn: sqlite3.Connection) -> list[Any]:
    """The connection's settings an import changes for a while and must put back."""
    names = ("temp_store", "secure_delete")
    return [conn.execute(f"PRAGMA {name}").fetchone()[0] for name in names]


def test_into_a_new_notebook_the_indexes_are_built_at_the_end(
    source_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, deferred_at_once: None
) -> None:
    """The time, ticket and due-date indexes wait for the end; the schema comes back the same."""
    dropped: list[str] = []
    defer = bulk.defer_indexes

    def spy(conn: sqlite3.Connection) -> list[str]:
        statements = defer(conn)
        dropped.extend(statements)
        return statements

    monkeypatch.setattr(bulk, "defer_indexes", spy)
    store = Store.open(tmp_path / "home", create=True)
    assert store is not None
    try:
        schema = _schema(store.conn)
        settings = _settings(store.conn)
        merge_export(store, check_export_file(str(source_file), source="file"))
        assert _schema(store.conn) == schema
        assert _settings(store.conn) == settings
        count = store.conn.execute("SELECT count(*) FROM entries").fetchone()[0]
        by_time = store.conn.execute(
            "SELECT count(*) FROM entries INDEXED BY entries_at WHERE at > ''"
        ).fetchone()[0]
        assert count == by_time > 10
    finally:
        store.close()
    names = {sql.split()[2] for sql in dropped}
    assert {"entries_at", "entries_ticket", "entries_open_steps"} <= names
    assert not any("case_id" in sql.split("(")[1].split(",")[0] for sql in dropped)  # kept
    assert not any("UNIQUE" in sql for sql in dropped)


def test_into_a_notebook_with_entries_nothing_is_dropped(
    cli: Cli,
    source_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    deferred_at_once: None,
) -> None:
    home = tmp_path / "home"
    assert cli("--home", str(home), "new", "Here first", "--platform", "OKX").exit_code == 0
    assert cli("--home", str(home), "note", "1", "a note already here").exit_code == 0
    deferred: list[str] = []
    monkeypatch.setattr(bulk, "defer_indexes", lambda conn: deferred.append("called") or [])
    assert cli("--home", str(home), "import", str(source_file)).exit_code == 0
    assert deferred == []
    found = cli("--home", str(home), "search", "TRC20 takes minutes", "--json")
    assert found.exit_code == 0 and json.loads(found.stdout), found.stdout


@pytest.mark.parametrize("entries_a_range", [1, 2, 7])
def test_the_index_written_range_by_range_holds_the_same_terms(
    source_file: Path,
    tmp_path: Path,
    repeatable: Callable[[], None],
    monkeypatch: pytest.MonkeyPatch,
    entries_a_range: int,
    deferred_at_once: None,
) -> None:
    """Small ranges: minutes hold more entries than a range; no entry lost, none doubled."""
    monkeypatch.setattr(bulk, "INDEX_SLICE", entries_a_range)
    ranges: list[str | None] = []
    minute_before = bulk._minute_before

    def spy(at: str, lower: str) -> str | None:
        ranges.append(minute_before(at, lower))
        return ranges[-1]

    monkeypatch.setattr(bulk, "_minute_before", spy)
    _import(source_file, tmp_path / "slow", monkeypatch, bulk=False, restart=repeatable)
    assert _import(source_file, tmp_path / "fast", monkeypatch, restart=repeatable) == [True, True]
    assert _index_terms(tmp_path / "slow") == _index_terms(tmp_path / "fast")
    assert ranges  # the entries took more than one range
    if entries_a_range == 1:  # four notes were typed within seconds: a minute with two or more
        assert any(upper is not None and upper.endswith(";") for upper in ranges)


def test_a_mix_of_both_paths_leaves_no_entry_out_of_the_index(
    source_file: Path,
    tmp_path: Path,
    repeatable: Callable[[], None],
    monkeypatch: pytest.MonkeyPatch,
    deferred_at_once: None,
) -> None:
    """One case in bulk (indexed at the end, by the list of such cases), one entry by entry.

    The second case's entries are indexed by their triggers as they come;
    the end writes the rows of the first case's only.
    """
    data = json.loads(source_file.read_text(encoding="utf-8"))
    for entry in data["cases"][1]["entries"]:
        del entry["number"]
    mixed = tmp_path / "mixed.json"
    mixed.write_text(json.dumps(data), encoding="utf-8")
    _import(mixed, tmp_path / "slow", monkeypatch, bulk=False, restart=repeatable)
    assert _import(mixed, tmp_path / "fast", monkeypatch, restart=repeatable) == [True, False]
    assert _index_terms(tmp_path / "slow") == _index_terms(tmp_path / "fast")


def test_a_failure_at_the_end_leaves_the_indexes_and_settings(
    cli: Cli,
    source_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    deferred_at_once: None,
) -> None:
    """The indexes were dropped inside the import's transaction: a rollback brings them back."""
    home = tmp_path / "home"
    assert cli("--home", str(home), "new", "No entry yet", "--platform", "OKX").exit_code == 0

    def broken(conn: sqlite3.Connection, case_ids: Any) -> None:
        raise RuntimeError("the disk went away")

    monkeypatch.setattr(bulk, "index_in_time_order", broken)
    store = Store.open(home, create=False)
    assert store is not None
    try:
        schema = _schema(store.conn)
        settings = _settings(store.conn)
        with pytest.raises(RuntimeError, match="disk went away"):
            merge_export(store, check_export_file(str(source_file), source="file"))
        assert _schema(store.conn) == schema
        assert _settings(store.conn) == settings
        assert store.conn.execute("SELECT count(*) FROM entries").fetchone()[0] == 0
        assert store.conn.execute("SELECT count(*) FROM cases").fetchone()[0] == 1
    finally:
        store.close()
    monkeypatch.undo()
    assert cli("--home", str(home), "import", str(source_file)).exit_code == 0
    assert cli("--home", str(home), "doctor", "--quick").exit_code == 0


def test_the_ranges_of_the_index_follow_the_entries_time_index(
    source_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each range is a search of entries_at, never a scan of the entries (quadratic at L)."""
    home = tmp_path / "home"
    _import(source_file, home, monkeypatch)
    conn = sqlite3.connect(home / "notebook.db")
    seen: list[str] = []
    try:
        conn.set_trace_callback(seen.append)
        conn.execute("BEGIN")
        monkeypatch.setattr(bulk, "INDEX_SLICE", 3)
        bulk.index_in_time_order(conn, [1, 2])
        bulk.index_in_time_order(conn, None)
        conn.execute("ROLLBACK")
        conn.set_trace_callback(None)
        statements = [s for s in seen if s.startswith(("INSERT INTO entry_search", "SELECT at"))]
        assert len(statements) > 6
        for statement in statements:
            plan = " | ".join(row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {statement}"))
            assert "SEARCH entries USING" in plan and "INDEX entries_at (at>?" in plan, plan
            assert "SCAN entries" not in plan, plan
    finally:
        conn.close()


class _TempStoreSeen(sqlite3.Connection):
    """A connection that notes the temp_store each full-text INSERT ran with."""

    seen: list[int]

    def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:  # type: ignore[override]
        if sql.startswith("INSERT INTO entry_search"):
            self.seen.append(super().execute("PRAGMA temp_store").fetchone()[0])
        return super().execute(sql, *args)


def test_the_ranges_of_the_index_sort_on_disk(
    source_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A range is a whole minute however many entries it holds, so its sort may spill to disk."""
    home = tmp_path / "home"
    _import(source_file, home, monkeypatch)
    conn = sqlite3.connect(home / "notebook.db", factory=_TempStoreSeen)
    conn.seen = []
    try:
        conn.execute("PRAGMA temp_store = MEMORY")  # as during an import
        conn.execute("BEGIN")
        monkeypatch.setattr(bulk, "INDEX_SLICE", 3)
        bulk.index_in_time_order(conn, None)
        conn.execute("ROLLBACK")
        assert len(conn.seen) > 2
        assert set(conn.seen) == {1}  # FILE
        assert conn.execute("PRAGMA temp_store").fetchone()[0] == 2  # MEMORY, put back
    finally:
        conn.close()


@pytest.mark.parametrize(
    ("at", "lower", "upper"),
    [
        ("2026-11-20T14:03:05Z", "", "2026-11-20T14:03"),
        ("2026-11-20T14:03:05Z", "2026-11-20T14:02", "2026-11-20T14:03"),
        ("2026-11-20T14:03:05Z", "2026-11-20T14:03", "2026-11-20T14:03;"),  # the whole minute
        ("2026-11-20T14:04:00Z", "2026-11-20T14:03;", "2026-11-20T14:04"),
        ("odd", "odd", "odd;"),
        ("odd~", "odd;", "odd~"),
        ("2026-11-20T14:03~", "2026-11-20T14:03;", None),  # not stored times: the rest at once
    ],
)
def test_a_range_of_the_index_ends_on_a_minute(at: str, lower: str, upper: str | None) -> None:
    assert bulk._minute_before(at, lower) == upper


def test_a_small_import_leaves_the_schema_alone(
    source_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under DEFER_AFTER_ENTRIES nothing is dropped: no schema change for a few entries."""
    called: list[str] = []
    monkeypatch.setattr(bulk, "defer_indexes", lambda conn: called.append("defer") or [])
    assert _import(source_file, tmp_path / "home", monkeypatch) == [True, True]
    assert called == []


def test_indexes_deferred_part_way_hold_the_same_terms(
    source_file: Path,
    tmp_path: Path,
    repeatable: Callable[[], None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The first case indexed batch by batch, the second at the end: both fully indexed."""
    monkeypatch.setattr(bulk, "DEFER_AFTER_ENTRIES", 1)
    deferred: list[int] = []
    defer = bulk.defer_indexes

    def spy(conn: sqlite3.Connection) -> list[str]:
        deferred.append(conn.execute("SELECT count(*) FROM entries").fetchone()[0])
        return defer(conn)

    monkeypatch.setattr(bulk, "defer_indexes", spy)
    _import(source_file, tmp_path / "slow", monkeypatch, bulk=False, restart=repeatable)
    assert _import(source_file, tmp_path / "fast", monkeypatch, restart=repeatable) == [True, True]
    assert len(deferred) == 1 and deferred[0] > 0  # after the first case's entries
    assert _index_terms(tmp_path / "slow") == _index_terms(tmp_path / "fast")
    assert _tables(tmp_path / "slow") == _tables(tmp_path / "fast")
