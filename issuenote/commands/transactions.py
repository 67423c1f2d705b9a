"""Transactions and order IDs of a case: `tx`."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from issuenote import actions
from issuenote.commands._common import (
    AtOption,
    CaseArgument,
    JsonOption,
    RedactOption,
    emit_json,
    open_store,
    say,
    warn,
)


def _option(name: str, metavar: str, help_text: str) -> Any:
    return typer.Option(name, metavar=metavar, help=help_text, show_default=False)


def tx(
    ctx: typer.Context,
    case: CaseArgument,
    reference: Annotated[
        str,
        typer.Argument(
            metavar="TXID|ORDER|LINK",
            help="On-chain transaction hash, a block explorer link, or the exchange's order ID.",
        ),
    ],
    order_id: Annotated[
        str | None,
        _option("--order-id", "ID", "The exchange's order / withdrawal ID of the same transfer."),
    ] = None,
    force_order: Annotated[
        bool, typer.Option("--order", help="TXID is an exchange order ID, whatever it looks like.")
    ] = False,
    chain: Annotated[
        str | None,
        _option(
            "--chain", "C", "tron, ethereum, bitcoin, ... (from the hash or link if left out)."
        ),
    ] = None,
    network: Annotated[
        str | None,
        _option("--network", "NET", "The network as the exchange names it: TRC20, ERC20, ..."),
    ] = None,
    asset: Annotated[str | None, _option("--asset", "A", "Asset, e.g. USDT.")] = None,
    amount: Annotated[str | None, _option("--amount", "X", "Exact amount, e.g. 1250.00.")] = None,
    kind: Annotated[
        str | None, _option("--kind", "K", "deposit, withdrawal, trade, transfer or other.")
    ] = None,
    address: Annotated[
        str | None, _option("--address", "ADDR", "The destination or deposit address.")
    ] = None,
    memo: Annotated[
        str | None,
        _option("--memo", "M", "The memo / tag / comment (XRP, TON, XLM, EOS, ATOM deposits)."),
    ] = None,
    at: AtOption = None,
    redact: RedactOption = False,
    as_json: JsonOption = False,
) -> None:
    """Record a transfer: its TxID and/or exchange order ID, network, address, memo.

    Giving the order ID first and the TxID later (with --order-id) fills in
    the same transfer.

    \b
    Examples:
      issuenote tx 1 W2026112314030012345 --asset USDT --amount 1250.00 --kind withdrawal
      issuenote tx last "$(pbpaste)"       # a hash or explorer link you copied
    """
    with open_store(ctx) as store:
        record = actions.add_transaction(
            store,
            case,
            reference,
            order_id=order_id,
            force_order=force_order,
            chain=chain,
            network=network,
            asset=asset,
            amount=amount,
            kind=kind,
            address=address,
            memo=memo,
            at=at,
            redact=redact,
        )
    if record["txid"] and record["chain"] is None:
        warn("the chain cannot be told from this hash; add it with --chain")
    if record["memo_missing"]:
        warn("this chain needs a memo/tag for deposits and none is recorded; add it with --memo")
    if as_json:
        emit_json(record)
        return
    ids = " / ".join(
        f"{label} {value}"
        for label, value in (("TxID", record["txid"]), ("order", record["order_id"]))
        if value
    )
    where = f" on {record['chain']}" if record["chain"] else ""
    say(f"Recorded transfer {ids}{where} on case {record['case_id']}.")
    if record["explorer_url"]:
        say(f"Explorer: {record['explorer_url']}")
