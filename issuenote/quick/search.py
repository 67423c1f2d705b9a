"""`issuenote search`: hits across cases, one whole line each (or JSON).

Free of typer, so the typer command and the fast path (issuenote.quick)
run the same code: a ticket number is looked up mid-chat.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from issuenote.console import echo, emit_json
from issuenote.errors import IssuenoteError
from issuenote.session import notebook_exists, open_notebook


def search_notebook(
    home: Path,
    query: str,
    *,
    case: str | None = None,
    platform: str | None = None,
    since: str | None = None,
    kind: tuple[str, ...] = (),
    rank: bool = False,
    fts: bool = False,
    limit: int = 200,
    as_json: bool = False,
) -> None:
    """Print what `issuenote search QUERY` prints for the notebook at `home`."""
    from issuenote import actions
    from issuenote.parse import timeparse
    from issuenote.parse.searchquery import parse_query

    hits: list[dict[str, Any]] = []
    if notebook_exists(home):
        with open_notebook(home, create=False) as store:
            hits = actions.search(
                store,
                query,
                raw=fts,
                case_ref=case,
                platform=platform,
                since=since,
                kinds=kind,
                limit=limit,
                rank=rank,
            )
    else:
        parse_query(query)  # an empty or unreadable query is refused all the same
        if limit < 1:
            raise IssuenoteError("--limit must be at least 1")
    for hit in hits:
        hit["at"] = timeparse.to_local_iso(hit["at"])
    if as_json:
        emit_json([_public(hit) for hit in hits])
        return
    if not hits:
        echo(f"Nothing matches {query.strip()!r}.")
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
