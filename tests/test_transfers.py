"""Transfers with every ID: `tx` with order IDs, TxIDs, links, network, address, memo."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from typer.testing import Result

Cli = Callable[..., Result]
TRON = "7c2d4e1f9a8b3c6d5e4f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d"
ETH = "0x88df016429689c079f3b2f6ad39fa052532c56795b733da78a91ebe6a713944b"


def transfers(cli: Cli) -> list[dict[str, Any]]:
    return json.loads(cli("show", "1", "--json").stdout)["transactions"]


def refused(result: Result, words: str) -> None:
    assert result.exit_code == 1, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0], result.stderr


def test_one_transfer_with_both_ids(cli: Cli, case: str) -> None:
    result = cli("tx", case, TRON, "--order-id", "W2026112014030012345", "--network", "TRC20")
    assert result.exit_code == 0, result.stderr
    [tx] = transfers(cli)
    assert (tx["txid"], tx["order_id"], tx["chain"], tx["network"]) == (
        TRON,
        "W2026112014030012345",
        "tron",
        "TRC20",
    )
    email = cli("export", case, "--format", "email").stdout
    assert email.count(f"TxID: {TRON}") == 1 and email.count("W2026112014030012345") == 1


def test_order_first_then_txid_fills_the_same_transfer(cli: Cli, case: str) -> None:
    assert (
        cli("tx", case, "W2026112014030012345", "--amount", "1250", "--asset", "USDT").exit_code
        == 0
    )
    [order] = transfers(cli)
    assert order["txid"] is None and order["order_id"] == "W2026112014030012345"
    result = cli("tx", case, TRON, "--order-id", "W2026112014030012345", "--kind", "withdrawal")
    assert result.exit_code == 0, result.stderr
    [tx] = transfers(cli)
    assert (tx["txid"], tx["order_id"], tx["amount"], tx["kind"], tx["chain"]) == (
        TRON,
        "W2026112014030012345",
        "1250",
        "withdrawal",
        "tron",
    )
    assert tx["id"] == order["id"]
    cli("undo", "--yes")
    assert transfers(cli) == [order]


def test_a_clash_on_a_second_tx_is_refused(cli: Cli, case: str, snapshot) -> None:
    cli("tx", case, "W1", "--amount", "10")
    before = snapshot()
    refused(cli("tx", case, TRON, "--order-id", "W1", "--amount", "11"), "already has amount")
    refused(cli("tx", case, "W1", "--amount", "10"), "already has transaction W1")
    refused(cli("tx", case, "W1", "--order", "--order-id", "W2"), "give the order ID once")
    refused(cli("tx", case, "W3", "--order-id", "W4"), "is not a transaction hash")
    assert snapshot() == before


def test_slipped_hashes_are_refused_and_order_forces(cli: Cli, case: str, snapshot) -> None:
    before = snapshot()
    for slip in (ETH[:-1], ETH + "0", TRON[:-1], TRON[:10] + "g" + TRON[11:]):
        refused(cli("tx", case, slip), "looks like a transaction hash with a character")
    assert snapshot() == before
    result = cli("tx", case, TRON[:-1], "--order")
    assert result.exit_code == 0, result.stderr
    assert transfers(cli)[0]["order_id"] == TRON[:-1]


def test_explorer_links_set_the_chain(cli: Cli, case: str) -> None:
    assert cli("tx", case, f"https://etherscan.io/tx/{ETH}").exit_code == 0
    assert cli("tx", case, f"https://tronscan.org/#/transaction/{TRON}").exit_code == 0
    got = [(t["txid"], t["chain"]) for t in transfers(cli)]
    assert got == [(ETH, "ethereum"), (TRON, "tron")]
    refused(cli("tx", case, f"https://example.com/tx/{TRON}"), "not a block explorer")


def test_the_chain_is_not_guessed(cli: Cli, case: str) -> None:
    result = cli("tx", case, TRON.upper(), "--asset", "ATOM")
    assert result.exit_code == 0
    assert transfers(cli)[0]["chain"] == "cosmos"
    result = cli("tx", case, TRON[::-1])
    assert result.exit_code == 0
    assert "chain cannot be told" in result.stderr
    assert transfers(cli)[1]["chain"] is None
    assert transfers(cli)[1]["explorer_url"] is None


def test_a_missing_memo_is_called_out(cli: Cli, case: str) -> None:
    result = cli(
        "tx", case, TRON.upper(), "--asset", "XRP", "--kind", "deposit", "--address", "rEb8"
    )
    assert result.exit_code == 0
    assert "needs a memo" in result.stderr
    [tx] = transfers(cli)
    assert tx["memo_missing"] is True and tx["address"] == "rEb8"
    assert "no memo/tag recorded" in cli("show", case).stdout
    assert "No memo/tag was given" in cli("export", case, "--format", "text").stdout
    assert "未填写备注" in cli("export", case, "--format", "text", "--lang", "zh").stdout
    cli("tx", case, TRON.upper(), "--memo", "123456")
    assert transfers(cli)[0]["memo_missing"] is False
