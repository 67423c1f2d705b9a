"""`issuenote search`: find a ticket, agent, TxID, attached file or phrase across all cases."""

from __future__ import annotations

from typing import Annotated

import typer

from issuenote.commands._common import JsonOption, home_of


def search(
    ctx: typer.Context,
    query: Annotated[
        str,
        typer.Argument(
            help='Words to find (all of them), "an exact phrase", a ticket, agent ID or '
            "the first 8+ characters of a TxID."
        ),
    ],
    case: Annotated[
        str | None,
        typer.Option("--case", metavar="CASE", help="Only this case.", show_default=False),
    ] = None,
    platform: Annotated[
        str | None,
        typer.Option(
            "--platform", metavar="P", help="Only cases on this platform.", show_default=False
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            metavar="TIME",
            help="Only hits from then on: '7d ago', ISO 8601.",
            show_default=False,
        ),
    ] = None,
    kind: Annotated[
        list[str] | None,
        typer.Option(
            "--kind",
            metavar="KIND",
            help="Only these kinds: note, contact, reply, step, escalation, status, "
            "attachment, case, tx.",
            show_default=False,
        ),
    ] = None,
    rank: Annotated[
        bool, typer.Option("--rank", help="Best matches first (among the newest 1,000 hits).")
    ] = False,
    fts: Annotated[
        bool,
        typer.Option("--fts", help="Take QUERY as raw SQLite FTS5 syntax (AND, OR, NOT, NEAR)."),
    ] = False,
    limit: Annotated[int, typer.Option("--limit", metavar="N", help="At most N hits.")] = 200,
    as_json: JsonOption = False,
) -> None:
    """Find words, tickets, agent IDs, TxIDs and files across cases, in any language.

    Several words mean all of them; "words in quotes" are one phrase; newest first.
    Attachments are found by their file name and caption.

    \b
    Examples:
      issuenote search TK-88412907
      issuenote search "Mina wallet" --kind reply
      issuenote search screenshot --kind attachment
      issuenote search 提币 --platform OKX --since "30d ago"
    """
    from issuenote.quick.search import search_notebook

    search_notebook(
        home_of(ctx),
        query,
        case=case,
        platform=platform,
        since=since,
        kind=tuple(kind or ()),
        rank=rank,
        fts=fts,
        limit=limit,
        as_json=as_json,
    )
