"""`issuenote show`: one case, plain lines when piped, rich and paged on a terminal.

Free of typer, so the typer command and the fast path (issuenote.quick)
run the same code: a long case is read mid-chat and must appear at once.
"""

from __future__ import annotations

from pathlib import Path

from issuenote.console import emit_json
from issuenote.session import open_notebook


def show_case(
    home: Path,
    case: str = "last",
    *,
    full: bool = False,
    history: bool = False,
    reveal: bool = False,
    no_pager: bool = False,
    as_json: bool = False,
) -> None:
    """Print case `case` of the notebook at `home` as `issuenote show` does."""
    from issuenote import actions

    with open_notebook(home, create=False) as store:  # refuses a notebook that is not there
        doc = store.case_document(store.resolve_case(case))
        follow_up = actions.case_follow_up(store, doc["id"])
    if as_json:
        from issuenote.followup.jsonview import follow_up_json

        emit_json({**doc, **follow_up_json(follow_up)})
        return
    from issuenote import render

    if doc["account"] and not reveal:
        from issuenote.exporters import mask_account

        doc["account"] = mask_account(doc["account"]) + "  (--reveal shows it)"
    from issuenote.followup.lines import follow_up_lines

    if not render.stdout_is_terminal():
        # Piped: plain lines, no rich, no pager (a 1,000-entry case in a few ms).
        lines = render.case_view(doc, full=full, history=history, piped=True)
        lines.extend(render.PlainText(line) for line in follow_up_lines(follow_up))
        render.write_plain(lines)
        return
    import os

    from rich.text import Text

    from issuenote import config

    view = render.case_view(doc, full=full, history=history)
    view.extend(Text(line) for line in follow_up_lines(follow_up))
    configured = None if no_pager else config.load_config(home).get("pager")
    pager = render.choose_pager(os.environ, configured, disabled=no_pager)
    render.show_paged(view, pager=pager)
