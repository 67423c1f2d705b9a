"""`issuenote search`: find a ticket number, agent, TxID or phrase across all cases."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from issuenote.commands._common import JsonOption, emit_json, notebook_exists, open_store
from issuenote.errors import IssuenoteError


def search(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="Text to find (ticket, agent ID, TxID, words).")],
    case: Annotated[
        str | None,
        typer.Option("--case", metavar="CASE", help="Only this case.", show_default=False),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", metavar="N", help="At most N hits.")] = 200,
    as_json: JsonOption = False,
) -> None:
    """Search titles, descriptions, tags, entries and transaction IDs.

    \b
    Examples:
      issuenote search TK-88412907
    """
    from issuenote.actions import clean_field
    from issuenote.parse import timeparse

    needle = clean_field(query, "search text", required=True) or ""
    if limit < 1:
        raise IssuenoteError("--limit must be at least 1")
    hits: list[dict[str, Any]] = []
    if notebook_exists(ctx):
        with open_store(ctx, create=False) as store:
            case_id = store.resolve_case(case) if case is not None else None
            hits = store.search(needle, case_id=case_id, limit=limit)
    for hit in hits:
        hit["at"] = timeparse.to_local_iso(hit["at"])
    if as_json:
        emit_json(hits)
        return
    if not hits:
        typer.echo(f"Nothing matches {needle!r}.")
        return
    from rich.table import Table

    from issuenote import render

    table = Table(show_edge=False)
    for column, options in (
        ("Case", {"justify": "right", "no_wrap": True}),
        ("Where", {"no_wrap": True}),
        ("When", {"no_wrap": True}),
        ("Match", {"overflow": "fold", "ratio": 1}),
    ):
        table.add_column(column, **options)
    for hit in hits:
        if hit["kind"] == "entry":
            where = f"{hit['entry_kind']} {hit['id']}"
        elif hit["kind"] == "transaction":
            where = f"tx {hit['id']}"
        else:
            where = "case"
        table.add_row(
            str(hit["case_id"]),
            where,
            timeparse.format_local(hit["at"]) or "",
            render.plain(hit["snippet"]),
        )
    render.console().print(table)
