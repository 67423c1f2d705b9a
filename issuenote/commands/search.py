"""`issuenote search`: find a ticket, agent, TxID, attached file or phrase across all cases."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from issuenote.commands._common import JsonOption, emit_json, notebook_exists, open_store


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
    from issuenote import actions
    from issuenote.parse import timeparse
    from issuenote.parse.searchquery import parse_query

    hits: list[dict[str, Any]] = []
    if notebook_exists(ctx):
        with open_store(ctx, create=False) as store:
            hits = actions.search(
                store,
                query,
                raw=fts,
                case_ref=case,
                platform=platform,
                since=since,
                kinds=kind or (),
                limit=limit,
                rank=rank,
            )
    else:
        parse_query(query)  # an empty or unreadable query is refused all the same
        if limit < 1:
            from issuenote.errors import IssuenoteError

            raise IssuenoteError("--limit must be at least 1")
    for hit in hits:
        hit["at"] = timeparse.to_local_iso(hit["at"])
    if as_json:
        emit_json([_public(hit) for hit in hits])
        return
    if not hits:
        typer.echo(f"Nothing matches {query.strip()!r}.")
        return
    _print_hits(hits)


def _public(hit: dict[str, Any]) -> dict[str, Any]:
    keys = ("kind", "case_id", "id", "entry_kind", "at", "title", "snippet")
    public = {key: hit.get(key) for key in keys}
    if hit["kind"] == "attachment":
        # id is the attachment's number; these name its entry and the entry it shows.
        public["entry"] = hit.get("entry")
        public["about_entry"] = hit.get("about_entry")
    return public


def _print_hits(hits: list[dict[str, Any]]) -> None:
    """One whole line per hit (never wrapped or padded: a copied ID stays whole).

    Piped, the lines are `PlainText` and rich is never imported: 200 hits are
    written at once instead of through 200 console prints.
    """
    from issuenote import render
    from issuenote.parse import timeparse
    from issuenote.textsafe import printable

    piped = not render.stdout_is_terminal()
    if piped:
        line_type: type[Any] = render.PlainText
    else:
        from rich.text import Text

        line_type = Text
    lines = []
    for hit in hits:
        if hit["kind"] == "entry":
            where = f"{hit['entry_kind']} {hit['id']}"
        elif hit["kind"] == "attachment":
            # Its number is what `open` takes; its entry is where `show` lists it.
            where = f"attachment {hit['id']} (entry {hit['entry']}"
            if hit.get("about_entry") is not None:
                where += f", shows entry {hit['about_entry']}"
            where += ")"
        elif hit["kind"] == "transaction":
            where = "transfer"
        else:
            where = "case"
        line = line_type(f"case {hit['case_id']}  {where}  {timeparse.format_local(hit['at'])}  ")
        # \x02 and \x03 bracket each match: highlighted where the terminal shows styles.
        for number, part in enumerate(hit["marked"].replace("\x03", "\x02").split("\x02")):
            line.append(printable(part, single_line=True), "bold yellow" if number % 2 else "")
        lines.append(line)
    if piped:
        render.write_plain(lines)
        return
    out = render.console()
    for line in lines:
        out.print(line, soft_wrap=True)
