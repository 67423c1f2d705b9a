"""`issuenote search` across cases, entries and transaction IDs."""

from __future__ import annotations

import pytest


@pytest.fixture
def notebook(cli) -> None:
    cli("new", "USDT withdrawal stuck", "--platform", "OKX", "--tag", "tron")
    cli(
        "reply",
        "1",
        "Ticket opened",
        "--agent",
        "Kevin",
        "--agent-id",
        "CS-4471",
        "--ticket",
        "TK-88412907",
        "--channel",
        "chat",
    )
    cli("note", "1", "客服说提币正在处理中")
    cli("note", "1", "my private worry about TK-88412907", "--private")
    cli("tx", "1", "7c2d4e1f9a8b3c6d5e4f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d")
    cli("new", "KYC rejected", "--platform", "Binance")


def test_finds_tickets_agents_txids_and_cjk(cli_json, notebook) -> None:
    hits = cli_json("search", "tk-88412907")
    assert [(h["kind"], h["entry_kind"]) for h in hits] == [("entry", "reply")]
    assert "TK-88412907" in hits[0]["snippet"]
    assert cli_json("search", "CS-4471")[0]["id"] == 1
    assert cli_json("search", "提币")[0]["snippet"] == "客服说提币正在处理中"
    assert [h["kind"] for h in cli_json("search", "7c2d4e1f")] == ["transaction"]
    assert [h["case_id"] for h in cli_json("search", "kyc")] == [2]
    assert [h["kind"] for h in cli_json("search", "tron")] == ["case"]  # the tag


def test_private_entries_are_not_searched(cli_json, notebook) -> None:
    assert all("worry" not in h["snippet"] for h in cli_json("search", "worry"))


def test_scope_limit_and_people_output(cli, cli_json, notebook) -> None:
    assert cli_json("search", "USDT", "--case", "2") == []
    assert len(cli_json("search", "o", "--limit", "2")) == 2
    out = cli("search", "Kevin").stdout
    assert "reply 1" in out and "Kevin" in out
    assert "Nothing matches" in cli("search", "zzz").stdout


def test_wildcards_are_plain_text(cli_json, notebook) -> None:
    assert cli_json("search", "%") == []
    assert cli_json("search", "_") == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("search", "  "), "empty"),
        (("search", "x", "--case", "9"), "unknown case"),
        (("search", "x", "--limit", "0"), "--limit"),
    ],
)
def test_bad_searches(cli, notebook, args, message) -> None:
    result = cli(*args)
    assert result.exit_code == 1
    assert message in result.stderr


def test_search_on_empty_notebook(cli, notebook_home) -> None:
    result = cli("search", "x")
    assert result.exit_code == 0
    assert not notebook_home.exists()
