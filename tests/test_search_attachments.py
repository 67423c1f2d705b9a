"""Search finds attachments by their original file name and caption (issue 13, m009).

The attachments' index is kept by triggers on attachments and entries, so
these tests change attachments in every way a user can (attach, amend the
caption, detach, rm, undo, backup/restore, export/import, sync, upgrade) and
search again. A private attachment's name and caption are sealed: they must
never be found, nor sit in any full-text table in clear.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from typer.testing import Result

from issuenote.store import connection, migrations
from issuenote.store.schema import SCHEMA_VERSION
from tests.sync_devices import make_devices, settle

Cli = Callable[..., Result]
DATA = Path(__file__).resolve().parent / "data"
FTS_TABLES = ("entry_search", "case_search", "transaction_search", "attachment_search")
# (file name, caption) attached to case 1 in this order: attachments 1-3, entries 2-4.
ATTACHED = (
    ("TK-88412907-screenshot.png", "withdrawal page"),
    ("提币截图.png", "客服说提币正在处理中，需要等待两个小时"),
    ("입금내역.png", "입금 확인 요청, 고객센터에 문의했어요"),
)
# Attachment 4 (entry 5) is private: nothing of it may be found or indexed in clear.
PRIVATE_NAME, PRIVATE_CAPTION = "zqxjvk-statement.png", "bank wqpmfy statement"
PRIVATE_WORDS = ("zqxjvk", "wqpmfy", "statement")
ATTACHED_AT = "2026-11-20 10:00"


def picture(folder: Path, name: str, colour: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    Image.new("RGB", (8, 8), colour).save(path, "PNG")
    return path


def record(cli: Cli, folder: Path) -> None:
    """Case 1: a reply (entry 1), three attachments in en/zh/ko, a private one, a note."""
    steps: list[tuple[str, ...]] = [
        ("new", "USDT stuck at OKX", "--platform", "OKX"),
        ("reply", "1", "We are checking", "--agent", "Kevin"),
    ]
    for number, ((name, caption), colour) in enumerate(
        zip(ATTACHED, ("blue", "red", "green"), strict=True)
    ):
        path = str(picture(folder, name, colour))
        step = ("attach", "1", path, "--caption", caption, "--at", ATTACHED_AT)
        steps.append((*step, "--entry", "1") if number == 0 else step)
    private = str(picture(folder, PRIVATE_NAME, "black"))
    steps += [
        ("attach", "1", private, "--caption", PRIVATE_CAPTION, "--private"),
        ("note", "1", "the withdrawal page was slow"),  # entry 6
    ]
    for args in steps:
        result = cli(*args)
        assert result.exit_code == 0, (args, result.stderr)


@pytest.fixture
def attached(cli: Cli, tmp_path: Path) -> None:
    record(cli, tmp_path / "files")


def where(hits: list[dict[str, Any]]) -> list[tuple[str, int, Any]]:
    return [(h["kind"], h["case_id"], h["id"]) for h in hits]


def assert_index_right(home: Path) -> None:
    """The index holds one row per attachment, as a fresh backfill would, and is intact."""
    conn = sqlite3.connect(home / "notebook.db")
    try:
        conn.execute("INSERT INTO attachment_search (attachment_search) VALUES ('integrity-check')")
        indexed = conn.execute(
            "SELECT rowid, name, caption FROM attachment_search ORDER BY rowid"
        ).fetchall()
        expected = conn.execute(
            "SELECT a.id, "
            "CASE WHEN a.private OR e.private THEN NULL ELSE a.name || '  ' END, "
            "CASE WHEN a.private OR e.private OR e.kind != 'attachment' THEN NULL "
            "ELSE e.text || '  ' END "
            "FROM attachments a JOIN entries e ON e.id = a.entry_id ORDER BY a.id"
        ).fetchall()
        assert indexed == expected
    finally:
        conn.close()


def assert_nothing_private_in_clear(home: Path) -> None:
    """No full-text table holds a private word: neither its terms nor its stored text."""
    conn = sqlite3.connect(home / "notebook.db")
    try:
        for table in FTS_TABLES:
            conn.execute(f"CREATE VIRTUAL TABLE temp.v_{table} USING fts5vocab(main, {table}, row)")
            terms = {row[0] for row in conn.execute(f"SELECT term FROM temp.v_{table}")}
            for word in PRIVATE_WORDS:
                trigrams = {word[i : i + 3] for i in range(len(word) - 2)}
                assert not trigrams <= terms, (table, word)
        stored = conn.execute("SELECT group_concat(c0 || c1, ' ') FROM attachment_search_content")
        text = stored.fetchone()[0] or ""
        assert not any(word in text for word in PRIVATE_WORDS)
    finally:
        conn.close()


# -- found by name and caption, in any language and length ---------------------------


@pytest.mark.parametrize(
    ("query", "number"),
    [
        ("TK-88412907", 1),  # a hyphenated ticket inside a file name
        ("tk-88412907-screenshot", 1),
        ("88412907-screenshot.png", 1),
        ("screenshot", 1),
        ("截图", 2),  # 2 characters: through the index vocabulary
        ("提币截图", 2),
        ("小时", 2),  # 2 characters of the caption
        ("处理中", 2),  # 3: a trigram
        ("需要等待两", 2),  # 5
        ("내역", 3),
        ("확인", 3),
        ("고객센", 3),
        ("고객센터에", 3),
        ("입금내역.png", 3),
    ],
)
def test_found_by_file_name_and_caption(cli_json, attached, query: str, number: int) -> None:
    hits = cli_json("search", query)
    assert where(hits) == [("attachment", 1, number)], hits
    name, caption = ATTACHED[number - 1]
    assert hits[0]["snippet"] == f"{name} · {caption}"


def test_a_hyphen_at_the_start_is_plain_text(cli, attached) -> None:
    result = cli("search", "--json", "--", "-screenshot")
    assert result.exit_code == 0, result.stderr
    assert where(json.loads(result.stdout)) == [("attachment", 1, 1)]


def test_a_hit_names_the_attachment_its_entry_and_its_time(cli, cli_json, attached) -> None:
    [hit] = cli_json("search", "TK-88412907")
    assert hit["entry_kind"] == "attachment"
    assert (hit["id"], hit["entry"], hit["about_entry"]) == (1, 2, 1)  # shows the reply
    assert hit["title"] == "USDT stuck at OKX"
    shown = cli_json("show", "1")
    [entry] = [e for e in shown["entries"] if e["number"] == 2]
    assert hit["at"] == entry["at"]
    [hit] = cli_json("search", "截图")
    assert (hit["id"], hit["entry"], hit["about_entry"]) == (2, 3, None)
    # People read one whole line per hit: where it is, when, and the name with its caption.
    lines = cli("search", "TK-88412907").stdout.splitlines()
    assert lines == [
        f"case 1  attachment 1 (entry 2, shows entry 1)  {ATTACHED_AT}  "
        "TK-88412907-screenshot.png · withdrawal page"
    ]
    assert cli("search", "截图").stdout.startswith(f"case 1  attachment 2 (entry 3)  {ATTACHED_AT}")


def test_a_caption_hit_is_the_attachment_not_its_entry_again(cli, cli_json, attached) -> None:
    hits = cli_json("search", "withdrawal page")
    assert where(hits) == [("entry", 1, 6), ("attachment", 1, 1)]  # the note is newer
    assert cli_json("search", "withdrawal page", "--limit", "1")[0]["id"] == 6


def test_one_caption_for_several_files_finds_each(cli, cli_json, tmp_path: Path) -> None:
    cli("new", "x")
    files = [
        str(picture(tmp_path, name, colour))
        for name, colour in (("a.png", "red"), ("b.png", "blue"))
    ]
    assert cli("attach", "1", *files, "--caption", "two receipts").exit_code == 0
    hits = cli_json("search", "receipts")
    assert where(hits) == [("attachment", 1, 1), ("attachment", 1, 2)]
    assert [h["snippet"] for h in hits] == ["a.png · two receipts", "b.png · two receipts"]


def test_kind_attachment_filters(cli_json, attached) -> None:
    assert where(cli_json("search", "withdrawal page", "--kind", "attachment")) == [
        ("attachment", 1, 1)
    ]
    assert where(cli_json("search", "page", "--kind", "attachments")) == [("attachment", 1, 1)]
    assert where(cli_json("search", "withdrawal page", "--kind", "note")) == [("entry", 1, 6)]
    assert cli_json("search", "screenshot", "--kind", "reply") == []
    assert cli_json("search", "screenshot", "--kind", "case") == []
    assert where(cli_json("search", "screenshot", "--case", "1")) == [("attachment", 1, 1)]
    assert where(cli_json("search", "screenshot", "--platform", "okx")) == [("attachment", 1, 1)]
    assert cli_json("search", "screenshot", "--since", "2026-11-21") == []


def test_fts_column_filters_reach_the_attachments(cli, cli_json, attached) -> None:
    assert where(cli_json("search", 'name: "screenshot"', "--fts")) == [("attachment", 1, 1)]
    assert where(cli_json("search", "caption: 处理中", "--fts")) == [("attachment", 1, 2)]
    assert [h["id"] for h in cli_json("search", "agent: Kevin", "--fts")] == [1]
    bad = cli("search", "nosuchcolumn: x", "--fts")
    assert bad.exit_code == 1
    assert bad.stderr.startswith("issuenote: bad full-text query")
    assert len(bad.stderr.strip().splitlines()) == 1


def test_a_private_attachment_is_never_found_nor_indexed_in_clear(
    cli_json, attached, notebook_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for word in PRIVATE_WORDS:
        assert cli_json("search", word) == [], word
        assert cli_json("search", word, "--fts") == [], word
    assert cli_json("search", PRIVATE_NAME) == []
    assert cli_json("search", f'"{PRIVATE_NAME}"', "--fts") == []
    assert_nothing_private_in_clear(notebook_home)
    assert_index_right(notebook_home)
    # A term too common for the vocabulary scans rows instead: sealed names are '' there.
    monkeypatch.setattr("issuenote.store.search.MAX_EXPANSION", 0)
    assert where(cli_json("search", "s", "--kind", "attachment")) == [("attachment", 1, 1)]


# -- the index follows every change --------------------------------------------------


def test_undo_of_attach_takes_it_out_of_the_index(
    cli, cli_json, attached, notebook_home: Path, tmp_path: Path
) -> None:
    path = picture(tmp_path / "more", "refund-receipt.png", "white")
    assert cli("attach", "1", str(path), "--caption", "退款凭证").exit_code == 0
    assert where(cli_json("search", "receipt")) == [("attachment", 1, 5)]
    assert where(cli_json("search", "退款")) == [("attachment", 1, 5)]
    assert cli("undo", "--yes").exit_code == 0
    assert cli_json("search", "receipt") == []
    assert cli_json("search", "退款") == []
    assert_index_right(notebook_home)
    newest = cli_json("undo", "--list")[0]
    assert newest["command"] == "undo"
    assert cli("undo", "--yes", str(newest["id"])).exit_code == 0  # undo the undo: it is back
    assert where(cli_json("search", "receipt")) == [("attachment", 1, 5)]
    assert_index_right(notebook_home)


def test_a_changed_caption_is_found_and_undo_puts_the_old_one_back(
    cli, cli_json, attached, notebook_home: Path
) -> None:
    assert cli("amend", "1", "2", "--text", "deposit history").exit_code == 0
    assert cli_json("search", "withdrawal page", "--kind", "attachment") == []
    hits = cli_json("search", "deposit history")
    assert where(hits) == [("attachment", 1, 1)]
    assert hits[0]["snippet"] == "TK-88412907-screenshot.png · deposit history"
    assert_index_right(notebook_home)
    assert cli("undo", "--yes").exit_code == 0
    assert cli_json("search", "deposit history") == []
    assert where(cli_json("search", "withdrawal page", "--kind", "attachment")) == [
        ("attachment", 1, 1)
    ]
    assert_index_right(notebook_home)
    refused = cli("amend", "1", "2", "--agent", "Kevin")
    assert refused.exit_code == 1
    assert "is an attachment, which has no agent" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1


def test_a_detached_attachment_is_not_found_until_undo(
    cli, cli_json, attached, notebook_home: Path
) -> None:
    assert cli("rm", "1", "--attachment", "1").exit_code == 0
    assert cli_json("search", "screenshot") == []
    # Its caption stays on its entry, which is found as an entry now.
    assert where(cli_json("search", "withdrawal page", "--kind", "attachment")) == [("entry", 1, 2)]
    assert_index_right(notebook_home)
    assert cli("undo", "--yes").exit_code == 0
    assert where(cli_json("search", "screenshot")) == [("attachment", 1, 1)]
    assert_index_right(notebook_home)


def test_rm_of_the_entry_or_the_case_and_undo(cli, cli_json, attached, notebook_home) -> None:
    assert cli("rm", "1", "3", "--yes").exit_code == 0  # a tombstone: not found any more
    assert cli_json("search", "截图") == []
    assert cli("undo", "--yes").exit_code == 0
    assert where(cli_json("search", "截图")) == [("attachment", 1, 2)]
    assert cli("rm", "1", "--yes").exit_code == 0
    assert cli_json("search", "png") == []
    assert_index_right(notebook_home)
    assert cli("undo", "--yes").exit_code == 0
    assert [h["id"] for h in cli_json("search", "png")] == [3, 2, 1]  # newest entry first
    assert_index_right(notebook_home)
    assert_nothing_private_in_clear(notebook_home)


def test_a_restored_backup_finds_its_attachments(
    cli, cli_json, attached, notebook_home: Path, tmp_path: Path
) -> None:
    archive = tmp_path / "nb.tar.gz"
    assert cli("backup", str(archive)).exit_code == 0
    assert cli("rm", "1", "--yes").exit_code == 0
    assert cli_json("search", "고객센터에") == []
    result = cli("restore", str(archive), "--force")
    assert result.exit_code == 0, result.stderr
    assert where(cli_json("search", "고객센터에")) == [("attachment", 1, 3)]
    assert where(cli_json("search", "TK-88412907")) == [("attachment", 1, 1)]
    assert cli_json("search", "zqxjvk") == []
    assert_index_right(notebook_home)
    assert_nothing_private_in_clear(notebook_home)


def test_exported_and_imported_attachments_are_found(
    cli, cli_json, attached, tmp_path: Path
) -> None:
    target = tmp_path / "notebook.zip"
    everything = ("--all", "--format", "json", "--include-private", "--with-attachments")
    exported = cli("export", *everything, "--output", str(target))
    assert exported.exit_code == 0, exported.stderr
    other = tmp_path / "other"
    imported = cli("--home", str(other), "import", str(target))
    assert imported.exit_code == 0, imported.stderr
    assert "4 new attachments" in imported.stdout
    for query, number in (("TK-88412907", 1), ("截图", 2), ("需要等待两", 2), ("내역", 3)):
        hits = cli_json("--home", str(other), "search", query)
        assert where(hits) == [("attachment", 1, number)], query
    for word in PRIVATE_WORDS:
        assert cli_json("--home", str(other), "search", word) == [], word
    assert_index_right(other)
    assert_nothing_private_in_clear(other)


def test_a_sync_merge_indexes_the_other_devices_attachments(tmp_path: Path) -> None:
    laptop, desktop = make_devices(tmp_path, 2)
    laptop.ok("new", "USDT stuck at OKX")
    shot = picture(tmp_path / "files", "TK-88412907-screenshot.png", "blue")
    laptop.ok("attach", "1", str(shot), "--caption", "提币截图")
    secret = picture(tmp_path / "files", PRIVATE_NAME, "black")
    laptop.ok("attach", "1", str(secret), "--caption", PRIVATE_CAPTION, "--private")
    settle([laptop, desktop])
    for query in ("TK-88412907", "截图"):
        hits = json.loads(desktop.ok("search", query, "--json").stdout)
        assert [(h["kind"], h["id"]) for h in hits] == [("attachment", 1)], query
    for word in PRIVATE_WORDS:
        assert json.loads(desktop.ok("search", word, "--json").stdout) == [], word
    assert_index_right(desktop.home)
    assert_nothing_private_in_clear(desktop.home)


def test_any_writer_keeps_the_index_right(cli_json, attached, notebook_home: Path) -> None:
    """Not only today's commands: a rename, or an undo that puts an attachment back
    before its entry (foreign keys checked at COMMIT), goes through the triggers too."""
    conn = sqlite3.connect(notebook_home / "notebook.db", isolation_level=None)
    conn.row_factory = sqlite3.Row
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("UPDATE attachments SET name = 'renamed-receipt.png' WHERE number = 2")
        conn.execute("BEGIN")
        conn.execute("PRAGMA defer_foreign_keys = ON")
        entry = dict(conn.execute("SELECT * FROM entries WHERE number = 4").fetchone())
        attachment = dict(conn.execute("SELECT * FROM attachments WHERE number = 3").fetchone())
        conn.execute("DELETE FROM entries WHERE id = ?", [entry["id"]])  # and its attachment
        for table, row in (("attachments", attachment), ("entries", entry)):
            marks = ", ".join("?" for _ in row)
            conn.execute(
                f"INSERT INTO {table} ({', '.join(row)}) VALUES ({marks})", [*row.values()]
            )
        conn.execute("COMMIT")
    finally:
        conn.close()
    assert where(cli_json("search", "renamed-receipt")) == [("attachment", 1, 2)]
    assert cli_json("search", "截图") == []
    assert where(cli_json("search", "고객센터에")) == [("attachment", 1, 3)]
    assert_index_right(notebook_home)


# -- upgrades ---------------------------------------------------------------------------


def test_the_schema_1_fixture_upgrades_and_finds_new_attachments(
    cli, cli_json, notebook_home: Path, tmp_path: Path
) -> None:
    notebook_home.mkdir(mode=0o700, parents=True)
    shutil.copyfile(DATA / "notebook_schema1.db", notebook_home / "notebook.db")
    shutil.copyfile(DATA / "notebook_schema1.key", notebook_home / "key")
    for name in ("notebook.db", "key"):
        (notebook_home / name).chmod(0o600)
    assert [h["id"] for h in cli_json("search", "TK-88412907", "--kind", "reply")] == [2]
    shot = picture(tmp_path / "files", "TK-88412907-screenshot.png", "blue")
    assert cli("attach", "1", str(shot), "--caption", "提币截图").exit_code == 0
    hits = cli_json("search", "截图")
    assert [(h["kind"], h["case_id"]) for h in hits] == [("attachment", 1)]
    assert_index_right(notebook_home)


@pytest.fixture
def m008_notebook(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A notebook written at the m008_request state, attachments and all, by today's CLI
    with only the migrations up to m008 registered."""
    registered = migrations.migrations._migrations
    upto = [m.name for m in registered].index("m008_request") + 1
    old = migrations.Migrations("issuenote")
    old._migrations = registered[:upto]
    with monkeypatch.context() as patch:
        patch.setattr(migrations, "migrations", old)
        patch.setattr(migrations, "SCHEMA_VERSION", upto)
        patch.setattr(connection, "SCHEMA_VERSION", upto)
        record(cli, tmp_path / "files")


def test_an_m008_notebook_with_attachments_upgrades_and_finds_them(
    cli, cli_json, m008_notebook, notebook_home: Path, tmp_path: Path
) -> None:
    db = notebook_home / "notebook.db"
    conn = sqlite3.connect(db)
    try:
        at_m008 = [m.name for m in migrations.migrations._migrations].index("m008_request") + 1
        assert conn.execute("PRAGMA user_version").fetchone()[0] == at_m008 < SCHEMA_VERSION
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        assert "attachment_search" not in tables
        assert conn.execute("SELECT count(*) FROM attachments").fetchone()[0] == 4
    finally:
        conn.close()
    assert where(cli_json("search", "TK-88412907")) == [("attachment", 1, 1)]  # upgrades
    assert where(cli_json("search", "小时")) == [("attachment", 1, 2)]
    assert where(cli_json("search", "고객센터에")) == [("attachment", 1, 3)]
    assert where(cli_json("search", "withdrawal page")) == [("entry", 1, 6), ("attachment", 1, 1)]
    for word in PRIVATE_WORDS:
        assert cli_json("search", word) == [], word
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        applied = {row[0] for row in conn.execute("SELECT name FROM _sqlite_migrations")}
        assert "m009_attachment_search" in applied
    finally:
        conn.close()
    assert_index_right(notebook_home)
    assert_nothing_private_in_clear(notebook_home)
    # The upgraded notebook has exactly the schema of a new one.
    fresh = tmp_path / "fresh"
    assert cli("--home", str(fresh), "new", "x").exit_code == 0
    assert schema(db) == schema(fresh / "notebook.db")


def schema(db: Path) -> list[tuple[str, str, str]]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' "
            "AND name != '_sqlite_migrations' ORDER BY type, name"
        ).fetchall()
    finally:
        conn.close()
