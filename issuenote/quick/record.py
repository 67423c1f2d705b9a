"""`note` and `reply` as typed mid-chat: record the text given, say what was recorded.

Free of typer, so the typer commands and the fast path (issuenote.quick)
run the same code; the typer commands add the editor and its drafts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from issuenote.console import read_stdin, report_entry
from issuenote.session import open_notebook


def record_note(
    home: Path,
    case: str,
    text: str,
    *,
    at: str | None = None,
    redact: bool = False,
    private: bool = False,
    as_json: bool = False,
) -> None:
    """`issuenote note CASE TEXT`, TEXT `-` for standard input."""
    from issuenote import actions

    text = read_stdin() if text == "-" else text
    with open_notebook(home) as store:
        entry = actions.add_note(store, case, text, at=at, redact=redact, private=private)
    report_note(entry, as_json)


def report_note(entry: dict[str, Any], as_json: bool) -> None:
    report_entry(entry, as_json, f"Added note {entry['number']} to case {entry['case_id']}.")


def record_reply(
    home: Path,
    case: str,
    text: str,
    *,
    agent: str | None = None,
    agent_id: str | None = None,
    ticket: str | None = None,
    channel: str | None = None,
    via: str | None = None,
    suggests: str | None = None,
    promised: str | None = None,
    at: str | None = None,
    redact: bool = False,
    private: bool = False,
    as_json: bool = False,
) -> None:
    """`issuenote reply CASE TEXT`, TEXT `-` for standard input."""
    from issuenote import actions

    text = read_stdin() if text == "-" else text
    with open_notebook(home) as store:
        entry = actions.add_reply(
            store,
            case,
            text,
            agent=agent,
            agent_id=agent_id,
            ticket=ticket,
            channel=channel,
            via=via,
            suggests=suggests,
            promised=promised,
            at=at,
            redact=redact,
            private=private,
        )
    report_reply(entry, as_json)


def report_reply(entry: dict[str, Any], as_json: bool) -> None:
    who = entry["agent"] or entry["agent_id"] or "support"
    promise = ""
    if entry["promised_by"]:
        from issuenote.parse.timeparse import format_local

        promise = f"; promised an answer by {format_local(entry['promised_by'], style='long')}"
    summary = f"Logged reply {entry['number']} from {who} on case {entry['case_id']}{promise}."
    report_entry(entry, as_json, summary)
