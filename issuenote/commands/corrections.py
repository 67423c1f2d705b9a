"""Correcting the record: amend an entry, undo the last changes."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from issuenote import actions
from issuenote.commands._common import (
    CaseArgument,
    JsonOption,
    RedactOption,
    emit_json,
    notebook_exists,
    open_store,
    read_text,
    say,
)
from issuenote.errors import IssuenoteError

EntryArgument = Annotated[
    str, typer.Argument(metavar="N", help="The entry's number in the case (see `show`).")
]


def _field(name: str, metavar: str, help_text: str) -> Any:
    return typer.Option(name, metavar=metavar, help=help_text, show_default=False)


def amend(
    ctx: typer.Context,
    case: CaseArgument,
    entry: EntryArgument,
    text: Annotated[str | None, _field("--text", "TEXT", "New text; - reads stdin.")] = None,
    agent: Annotated[str | None, _field("--agent", "NAME", "The agent's name.")] = None,
    agent_id: Annotated[str | None, _field("--agent-id", "ID", "The agent's ID.")] = None,
    ticket: Annotated[str | None, _field("--ticket", "N", "Ticket number.")] = None,
    channel: Annotated[str | None, _field("--channel", "CH", "chat, email, social, ...")] = None,
    via: Annotated[str | None, _field("--via", "ADDR", "Address or handle.")] = None,
    suggests: Annotated[
        str | None, _field("--suggests", "TEXT", "What the agent suggested.")
    ] = None,
    to: Annotated[str | None, _field("--to", "WHOM", "Who it was escalated to.")] = None,
    at: Annotated[str | None, _field("--at", "TIME", "When it really happened.")] = None,
    due: Annotated[str | None, _field("--due", "TIME", "A step's new due time.")] = None,
    redact: RedactOption = False,
    as_json: JsonOption = False,
) -> None:
    """Correct an entry; the earlier version is kept (see `show --history`).

    Give only the fields to change; an empty value ("") clears an optional
    field. `issuenote undo` takes the correction back.

    \b
    Examples:
      issuenote amend 1 4 --agent-id CS-4417
      issuenote amend last 2 --text "Agent asked me to wait 48 hours, not 24"
    """
    if text == "-":
        text = read_text(text, what="text")
    values = {
        "text": text,
        "agent": agent,
        "agent_id": agent_id,
        "ticket": ticket,
        "channel": channel,
        "via": via,
        "suggests": suggests,
        "escalated_to": to,
        "at": at,
        "due": due,
    }
    with open_store(ctx) as store:
        record = actions.amend_entry(store, case, entry, values, redact=redact)
    if record["flags"]:
        from issuenote.commands._common import alarm

        alarm(record["flags"], record["warnings"])
    if as_json:
        emit_json(record)
    else:
        say(f"Amended entry {record['number']} of case {record['case_id']}.")


def undo(
    ctx: typer.Context,
    change: Annotated[
        int | None,
        typer.Argument(
            metavar="[N]",
            help="Revert every change back to change N (see --list); default: the last one.",
            show_default=False,
        ),
    ] = None,
    show_list: Annotated[
        bool, typer.Option("--list", "-l", help="Show the last 20 changes instead.")
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Revert the last change a recording command made (an undo can be undone too).

    \b
    Examples:
      issuenote undo             # says what it reverts, then asks
      issuenote undo --list      # the last 20 changes
      issuenote undo 12 --yes    # back to before change 12
    """
    if not notebook_exists(ctx):
        raise IssuenoteError("nothing to undo: the notebook is empty")
    with open_store(ctx, create=False) as store:
        if show_list:
            changes = store.recent_changes(20)
            if as_json:
                emit_json([_change_json(c) for c in changes])
            else:
                _print_changes(changes)
            return
        planned = actions.plan_undo(store, change)
        if not as_json:
            for line in _describe(planned):
                say(line)
        _confirm(planned, yes)
        done = actions.undo(store, change, expected=[c["id"] for c in planned])
    if as_json:
        emit_json({"undone": [_change_json(c) for c in done]})
    else:
        say("Undone." if len(done) == 1 else f"Undone {len(done)} changes.")


def _describe(planned: list[dict[str, Any]]) -> list[str]:
    lines = ["This reverts:"]
    for change in planned:
        lines.append(f"  {change['id']}  {_when(change['made_at'])}  {change['summary']}")
    return lines


def _when(stored: str) -> str:
    from issuenote.parse.timeparse import format_local

    return format_local(stored)


def _confirm(planned: list[dict[str, Any]], yes: bool) -> None:
    if yes or not sys.stdin.isatty():
        # Off a terminal nobody can answer: like `git`, do it (the undo can be undone).
        return
    if not typer.confirm("Undo?", default=True):
        raise IssuenoteError("nothing undone")


def _change_json(change: dict[str, Any]) -> dict[str, Any]:
    from issuenote.parse.timeparse import to_local_iso

    return {
        "id": change["id"],
        "made_at": to_local_iso(change["made_at"]),
        "command": change["command"],
        "summary": change["summary"],
        "in_effect": change["in_effect"],
        "reverts": change["reverts"],
    }


def _print_changes(changes: list[dict[str, Any]]) -> None:
    if not changes:
        say("No changes recorded yet.")
        return
    for change in changes:
        state = "" if change["in_effect"] else "  (undone)"
        say(f"{change['id']:>4}  {_when(change['made_at'])}  {change['summary']}{state}")
