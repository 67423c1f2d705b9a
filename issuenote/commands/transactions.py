"""Transactions and order IDs of a case: `tx`."""

from __future__ import annotations

from typing import Annotated

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
)


def tx(
    ctx: typer.Context,
    case: CaseArgument,
    txid: Annotated[
        str,
        typer.Argument(
            metavar="TXID", help="On-chain transaction hash, or the exchange's order ID."
        ),
    ],
    chain: Annotated[
        str | None,
        typer.Option(
            "--chain",
            metavar="C",
            help="tron, ethereum, bitcoin, ... (guessed from the TxID if left out).",
            show_default=False,
        ),
    ] = None,
    asset: Annotated[
        str | None,
        typer.Option("--asset", metavar="A", help="Asset, e.g. USDT.", show_default=False),
    ] = None,
    amount: Annotated[
        str | None,
        typer.Option(
            "--amount", metavar="X", help="Exact amount, e.g. 1250.00.", show_default=False
        ),
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            metavar="K",
            help="deposit, withdrawal, trade, transfer or other.",
            show_default=False,
        ),
    ] = None,
    at: AtOption = None,
    redact: RedactOption = False,
    as_json: JsonOption = False,
) -> None:
    """Record a transaction ID or exchange order ID on a case.

    \b
    Examples:
      issuenote tx 1 W2026112314030012345 --asset USDT --amount 1250.00 --kind withdrawal
      issuenote tx last "$(pbpaste)"       # a hash or explorer link you copied
    """
    with open_store(ctx) as store:
        record = actions.add_transaction(
            store,
            case,
            txid,
            chain=chain,
            asset=asset,
            amount=amount,
            kind=kind,
            at=at,
            redact=redact,
        )
    if as_json:
        emit_json(record)
        return
    what = f"{record['chain']} transaction" if record["chain"] else "order ID"
    say(f"Added {what} {record['id']} to case {record['case_id']}.")
    if record["explorer_url"]:
        say(f"Explorer: {record['explorer_url']}")
