"""Full-text search (FTS5, trigram): any language, any length, never an SQL error.

The index is kept by triggers, so these tests also change the notebook in
every way a user can (edit, tags, rm, import, restore) and search again.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from issuenote.store import Store

Cli = Callable[..., Result]
DATA = Path(__file__).resolve().parent / "data"
HASH = "7c2d4e1f9a8b3c6d5e4f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d"


@pytest.fixture
def notebook(cli: Cli) -> None:
    """Three cases in three languages, with tickets, agents, a TxID and a private note."""
    steps = [
        ("new", "USDT withdrawal stuck", "--platform", "OKX", "--tag", "tron"),
        ("contact", "1", "-c", "chat", "Opened chat about BG-1029", "--at", "3d ago"),
        (
            "reply",
            "1",
            "Your withdrawal is under review, please wait 24 hours",
            "--agent",
            "Mina",
            "--agent-id",
            "CS-4471",
            "--ticket",
            "TK-88412907",
            "--at",
            "2d ago",
        ),
        ("note", "1", "Mina said the wallet team is on it", "--at", "1d ago"),
        ("note", "1", "The wallet balance looks right"),
        ("note", "1", "客服说提币正在处理中，需要等待两个小时", "--at", "2h ago"),
        ("note", "1", "my private worry about zqxjvk", "--private"),
        ("tx", "1", HASH),
        ("new", "업비트 입금 지연", "--platform", "Upbit"),
        ("note", "2", "입금이 아직 안 됐어요 고객센터 답변 대기"),
        ("new", "KYC rejected", "--platform", "Binance", "--category", "kyc"),
        ("step", "3", "Send the ID photo again", "--due", "in 2d"),
    ]
    for args in steps:
        result = cli(*args)
        assert result.exit_code == 0, (args, result.stderr)


def where(hits: list[dict[str, Any]]) -> list[tuple[str, int, Any]]:
    return [(h["kind"], h["case_id"], h["id"]) for h in hits]


@pytest.mark.parametrize(
    ("query", "case_id"),
    [
        ("小时", 1),  # 2 characters: through the index vocabulary
        ("提币正", 1),  # 3 characters: a trigram
        ("需要等待两", 1),  # 5 characters
        ("입금", 2),
        ("고객센", 2),
        ("아직 안 됐", 2),  # a spaced Korean phrase inside one note
        ("답변 대기", 2),
    ],
)
def test_chinese_and_korean_of_any_length(cli_json, notebook, query: str, case_id: int) -> None:
    hits = cli_json("search", query)
    assert hits and {h["case_id"] for h in hits} == {case_id}, hits
    assert all(query.split()[0] in h["snippet"] for h in hits)


def test_a_two_character_word_at_the_very_end_of_a_text_is_found(cli, cli_json) -> None:
    cli("new", "x")
    cli("note", "1", "等了三个小时")
    cli("note", "1", "小时")  # the whole text is the word
    assert len(cli_json("search", "小时")) == 2
    assert len(cli_json("search", "时")) == 2  # one character


def test_hyphenated_ids_and_hash_prefixes(cli_json, notebook) -> None:
    assert where(cli_json("search", "TK-88412907")) == [("entry", 1, 2)]
    assert where(cli_json("search", "tk-88412907")) == [("entry", 1, 2)]
    assert where(cli_json("search", "BG-1029")) == [("entry", 1, 1)]
    assert where(cli_json("search", "CS-4471")) == [("entry", 1, 2)]
    assert [h["kind"] for h in cli_json("search", HASH[:8])] == ["transaction"]
    assert [h["kind"] for h in cli_json("search", HASH[:16].upper())] == ["transaction"]
    assert cli_json("search", HASH[8:20])[0]["kind"] == "transaction"  # any inner part too


def test_several_words_mean_all_of_them(cli_json, notebook) -> None:
    hits = cli_json("search", "Mina wallet")
    assert where(hits) == [("entry", 1, 3)]
    assert len(cli_json("search", "wallet")) == 2


def test_quotes_make_an_exact_phrase(cli_json, notebook) -> None:
    assert where(cli_json("search", '"wallet team"')) == [("entry", 1, 3)]
    assert cli_json("search", '"team wallet"') == []
    assert where(cli_json("search", "“wallet team”")) == [("entry", 1, 3)]  # typographic quotes


@pytest.mark.parametrize(
    "query",
    [
        '"unbalanced',
        "wallet -team",
        "-",
        "*",
        "wall*",
        "AND",
        "wallet AND",
        "OR wallet",
        "NOT",
        "NEAR(wallet team)",
        "wallet:team",
        "^wallet",
        "(",
        ")",
        "{a b}",
        "'",
        "%",
        "_",
        "\\",
        'a"b',
        "🙏",
    ],
)
def test_fts_syntax_in_a_query_is_plain_text(cli, notebook, query: str) -> None:
    result = cli("search", query, "--json")
    assert result.exit_code == 0, result.stderr
    assert isinstance(json.loads(result.stdout), list)


def test_minus_and_star_are_literal(cli, cli_json) -> None:
    cli("new", "x")
    cli("note", "1", "rate is 5*3 and code -42")
    assert len(cli_json("search", "5*3")) == 1
    assert len(json.loads(cli("search", "--json", "--", "-42").stdout)) == 1
    assert cli_json("search", "5*4") == []


def test_raw_fts_syntax_with_fts(cli, cli_json, notebook) -> None:
    assert where(cli_json("search", "wallet NOT Mina", "--fts")) == [("entry", 1, 4)]
    assert len(cli_json("search", "wallet OR 提币正", "--fts")) == 3
    assert where(cli_json("search", 'agent_id: "CS-4471"', "--fts")) == [("entry", 1, 2)]
    bad = cli("search", "wallet AND (", "--fts")
    assert bad.exit_code == 1
    assert bad.stderr.startswith("issuenote: bad full-text query")
    assert len(bad.stderr.strip().splitlines()) == 1


def test_filters(cli_json, notebook) -> None:
    assert {h["case_id"] for h in cli_json("search", "i", "--platform", "okx")} == {1}
    assert cli_json("search", "wallet", "--case", "2") == []
    kinds = {h["entry_kind"] for h in cli_json("search", "withdrawal", "--kind", "reply")}
    assert kinds == {"reply"}
    assert [h["kind"] for h in cli_json("search", "withdrawal", "--kind", "case")] == ["case"]
    assert [h["kind"] for h in cli_json("search", HASH[:10], "--kind", "tx")] == ["transaction"]
    recent = cli_json("search", "wallet", "--since", "12h ago")
    assert where(recent) == [("entry", 1, 4)]


def test_newest_first_and_rank(cli_json, notebook) -> None:
    hits = cli_json("search", "wallet")
    assert [h["id"] for h in hits] == [4, 3]
    ranked = cli_json("search", "wallet", "--rank")
    assert {h["id"] for h in ranked} == {3, 4}


def test_people_output_highlights_only_on_a_terminal(cli, notebook) -> None:
    out = cli("search", "TK-88412907").stdout
    assert "TK-88412907" in out and "\x1b" not in out and "\x02" not in out


def test_private_text_is_never_indexed_in_clear(cli, cli_json, notebook, notebook_home) -> None:
    assert cli_json("search", "zqxjvk") == []
    assert cli_json("search", "zqxjvk", "--fts") == []
    conn = sqlite3.connect(notebook_home / "notebook.db")
    try:
        # The trigram index stores its terms readable; a private word is not among them.
        for table in ("entry_search", "case_search", "transaction_search"):
            conn.execute(f"CREATE VIRTUAL TABLE temp.v_{table} USING fts5vocab(main, {table}, row)")
            terms = {row[0] for row in conn.execute(f"SELECT term FROM temp.v_{table}")}
            assert not {"zqx", "qxj", "xjv", "jvk"} & terms, table
    finally:
        conn.close()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("search", ""), "empty"),
        (("search", '""'), "empty"),
        (("search", "x" * 301), "limit is 300"),
        (("search", "x", "--kind", "letter"), "unknown kind"),
        (("search", "x", "--since", "whenever"), "bad time"),
        (("search", "x", "--since", "in 2d"), "future"),
        (("search", "x", "--case", "99"), "unknown case"),
        (("search", "x", "--limit", "0"), "--limit"),
    ],
)
def test_bad_searches_are_one_line(cli, notebook, snapshot, args, message) -> None:
    before = snapshot()
    result = cli(*args)
    assert result.exit_code == 1
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert snapshot() == before


# -- the index stays right as the notebook changes ---------------------------------


def test_the_index_follows_edits_tags_and_deletes(cli, cli_json, notebook) -> None:
    assert cli("edit", "2", "--title", "Upbit deposit late").exit_code == 0
    assert cli_json("search", "지연") == []
    assert [h["case_id"] for h in cli_json("search", "deposit late")] == [2]
    cli("edit", "2", "--tag", "krw")
    assert [h["kind"] for h in cli_json("search", "krw")] == ["case"]
    cli("edit", "2", "--untag", "krw")
    assert cli_json("search", "krw") == []
    assert cli("rm", "1", "--yes").exit_code == 0
    assert cli_json("search", "wallet") == []
    assert cli_json("search", HASH[:8]) == []
    assert cli_json("search", "小时") == []


def test_done_and_other_updates_keep_the_index_whole(
    cli, cli_json, notebook, notebook_home
) -> None:
    assert cli("done", "3", "1").exit_code == 0
    assert len(cli_json("search", "ID photo")) == 1
    conn = sqlite3.connect(notebook_home / "notebook.db")
    try:
        for table in ("entry_search", "case_search", "transaction_search"):
            conn.execute(f"INSERT INTO {table} ({table}) VALUES ('integrity-check')")
    finally:
        conn.close()


def test_imported_cases_are_found(cli, cli_json, notebook, tmp_path: Path, monkeypatch) -> None:
    export = tmp_path / "all.json"
    assert cli("export", "--all", "--format", "json", "--output", str(export)).exit_code == 0
    monkeypatch.setenv("ISSUENOTE_HOME", str(tmp_path / "other"))
    assert cli("import", str(export)).exit_code == 0
    assert where(cli_json("search", "TK-88412907")) == [("entry", 1, 2)]
    assert len(cli_json("search", "小时")) == 1
    assert cli_json("search", "zqxjvk") == []


def test_a_restored_backup_is_found(cli, cli_json, notebook, tmp_path: Path) -> None:
    archive = tmp_path / "nb.tar.gz"
    assert cli("backup", str(archive)).exit_code == 0
    cli("rm", "1", "--yes")
    assert cli_json("search", "wallet") == []
    result = cli("restore", str(archive), "--force")
    assert result.exit_code == 0, result.stderr
    assert len(cli_json("search", "wallet")) == 2


def test_the_migration_indexes_an_old_notebook(cli_json, notebook_home: Path) -> None:
    notebook_home.mkdir(mode=0o700, parents=True)
    shutil.copyfile(DATA / "notebook_schema1.db", notebook_home / "notebook.db")
    (notebook_home / "notebook.db").chmod(0o600)
    assert [h["id"] for h in cli_json("search", "TK-88412907", "--kind", "reply")] == [2]
    assert [h["case_id"] for h in cli_json("search", "입금")] == [2, 2]
    assert [h["kind"] for h in cli_json("search", "OKX-W-2026")] == ["transaction"]
    # the old private note is encrypted and stays out of the index
    store = Store.open(notebook_home, create=False)
    assert store is not None
    try:
        count = store.conn.execute("SELECT count(*) FROM entry_search").fetchone()[0]
        assert count == store.count("entries")
    finally:
        store.close()


def test_newest_first_is_exact_within_a_minute(cli, cli_json) -> None:
    """The index orders by minute, then id: a later id seconds older must not win."""
    cli("new", "x")
    cli("note", "1", "wallet at fifty seconds", "--at", "2026-11-20 10:00:50")
    cli("note", "1", "wallet at ten seconds", "--at", "2026-11-20 10:00:10")
    cli("note", "1", "wallet a minute before", "--at", "2026-11-20 09:59:30")
    hits = cli_json("search", "wallet", "--limit", "1")
    assert [h["snippet"] for h in hits] == ["wallet at fifty seconds"]
    hits = cli_json("search", "wallet", "--limit", "2")
    assert [h["id"] for h in hits] == [1, 2]


def test_amend_rm_entry_and_undo_keep_the_index_right(cli, cli_json, notebook) -> None:
    assert cli("amend", "1", "3", "--text", "Mina said the ledger team is on it").exit_code == 0
    assert cli_json("search", "wallet team") == []
    assert [h["id"] for h in cli_json("search", "ledger team")] == [3]
    assert cli("undo", "--yes").exit_code == 0
    assert [h["id"] for h in cli_json("search", "wallet team")] == [3]
    assert cli_json("search", "ledger team") == []
    assert cli("rm", "1", "4", "--yes").exit_code == 0  # a tombstone: not found any more
    assert [h["id"] for h in cli_json("search", "wallet")] == [3]
    assert cli("undo", "--yes").exit_code == 0
    assert [h["id"] for h in cli_json("search", "wallet")] == [4, 3]


def test_amending_a_time_moves_the_hit_in_time(cli, cli_json, notebook) -> None:
    assert cli("amend", "1", "4", "--at", "2d ago").exit_code == 0
    assert [h["id"] for h in cli_json("search", "wallet")] == [3, 4]
