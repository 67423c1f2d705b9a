"""Recording what happens on a case: note, contact, reply, step, done, escalate, status."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from issuenote import actions
from issuenote.commands._common import (
    AtOption,
    CaseArgument,
    JsonOption,
    PrivateOption,
    RedactOption,
    alarm,
    emit_json,
    open_store,
    read_text,
    say,
    warn,
)

TextArgument = Annotated[
    str | None,
    typer.Argument(
        metavar="[TEXT]", help="The text; - reads it from standard input.", show_default=False
    ),
]
ChannelHelp = "chat, email, social, phone, forum, form or other."


def _report(entry: dict[str, Any], as_json: bool, summary: str) -> None:
    if entry["flags"]:
        alarm(entry["flags"], entry["warnings"])
    if as_json:
        emit_json(entry)
    else:
        say(summary)


def note(
    ctx: typer.Context,
    case: CaseArgument,
    text: TextArgument = None,
    at: AtOption = None,
    edit: Annotated[bool, typer.Option("--edit", "-e", help="Write the note in $EDITOR.")] = False,
    redact: RedactOption = False,
    private: PrivateOption = False,
    as_json: JsonOption = False,
) -> None:
    """Add a note to a case's timeline."""
    body = read_text(text, what="note", edit=edit)
    with open_store(ctx) as store:
        entry = actions.add_note(store, case, body or "", at=at, redact=redact, private=private)
    _report(entry, as_json, f"Added note {entry['number']} to case {entry['case_id']}.")


def contact(
    ctx: typer.Context,
    case: CaseArgument,
    channel: Annotated[
        str,
        typer.Option(
            "--channel", "-c", metavar="CH", help=f"How you reached support: {ChannelHelp}"
        ),
    ],
    text: TextArgument = None,
    via: Annotated[
        str | None,
        typer.Option(
            "--via",
            metavar="ADDR",
            help="Support's address, handle or page you contacted.",
            show_default=False,
        ),
    ] = None,
    ticket: Annotated[
        str | None,
        typer.Option(
            "--ticket", "-t", metavar="N", help="Ticket number you got.", show_default=False
        ),
    ] = None,
    at: AtOption = None,
    redact: RedactOption = False,
    private: PrivateOption = False,
    as_json: JsonOption = False,
) -> None:
    """Log that you contacted support, and how."""
    body = read_text(text, what="contact text") if text == "-" else text
    with open_store(ctx) as store:
        entry = actions.add_contact(
            store,
            case,
            channel=channel,
            text=body,
            via=via,
            ticket=ticket,
            at=at,
            redact=redact,
            private=private,
        )
    _report(
        entry,
        as_json,
        f"Logged {entry['channel']} contact {entry['number']} on case {entry['case_id']}.",
    )


def reply(
    ctx: typer.Context,
    case: CaseArgument,
    text: TextArgument = None,
    agent: Annotated[
        str | None,
        typer.Option("--agent", "-a", metavar="NAME", help="The agent's name.", show_default=False),
    ] = None,
    agent_id: Annotated[
        str | None,
        typer.Option(
            "--agent-id", metavar="ID", help="The agent's ID / employee number.", show_default=False
        ),
    ] = None,
    ticket: Annotated[
        str | None,
        typer.Option("--ticket", "-t", metavar="N", help="Ticket number.", show_default=False),
    ] = None,
    channel: Annotated[
        str | None,
        typer.Option(
            "--channel",
            "-c",
            metavar="CH",
            help=f"{ChannelHelp} Default: the channel of your last contact.",
            show_default=False,
        ),
    ] = None,
    via: Annotated[
        str | None,
        typer.Option(
            "--via", metavar="ADDR", help="Address or handle it came from.", show_default=False
        ),
    ] = None,
    suggests: Annotated[
        str | None,
        typer.Option(
            "--suggests",
            "-s",
            metavar="TEXT",
            help="What the agent suggested you do.",
            show_default=False,
        ),
    ] = None,
    at: AtOption = None,
    edit: Annotated[bool, typer.Option("--edit", "-e", help="Write the reply in $EDITOR.")] = False,
    redact: RedactOption = False,
    private: PrivateOption = False,
    as_json: JsonOption = False,
) -> None:
    """Log support's answer: agent, agent ID, ticket, suggestion."""
    body = read_text(text, what="reply", edit=edit)
    with open_store(ctx) as store:
        entry = actions.add_reply(
            store,
            case,
            body or "",
            agent=agent,
            agent_id=agent_id,
            ticket=ticket,
            channel=channel,
            via=via,
            suggests=suggests,
            at=at,
            redact=redact,
            private=private,
        )
    who = entry["agent"] or entry["agent_id"] or "support"
    summary = f"Logged reply {entry['number']} from {who} on case {entry['case_id']}."
    _report(entry, as_json, summary)


def step(
    ctx: typer.Context,
    case: CaseArgument,
    text: TextArgument = None,
    due: Annotated[
        str | None,
        typer.Option(
            "--due",
            metavar="TIME",
            help="When it is due: 'tomorrow 10:00', 'in 2d', ISO 8601.",
            show_default=False,
        ),
    ] = None,
    at: AtOption = None,
    redact: RedactOption = False,
    private: PrivateOption = False,
    as_json: JsonOption = False,
) -> None:
    """Add a next step / follow-up, optionally with a due date."""
    body = read_text(text, what="next step")
    with open_store(ctx) as store:
        entry = actions.add_step(
            store, case, body or "", due=due, at=at, redact=redact, private=private
        )
    due_text = ""
    if entry["due"]:
        from issuenote.parse import timeparse

        due_text = f", due {timeparse.format_local(entry['due'])}"
        # Logged late (--at in the past), a past due date is expected; logged now, it is a slip.
        if at is None and timeparse.parse_time(entry["due"]) < timeparse.utc_now():
            warn(f"the due time {timeparse.format_local(entry['due'])} is already past")
    _report(entry, as_json, f"Added step {entry['number']} to case {entry['case_id']}{due_text}.")


def done(
    ctx: typer.Context,
    case: CaseArgument,
    entry: Annotated[
        str, typer.Argument(metavar="ENTRY", help="The step's entry number (see `show`).")
    ],
    at: AtOption = None,
    as_json: JsonOption = False,
) -> None:
    """Mark a next step done."""
    with open_store(ctx) as store:
        record = actions.mark_done(store, case, entry, at=at)
    _report(record, as_json, f"Step {record['number']} on case {record['case_id']} is done.")


def escalate(
    ctx: typer.Context,
    case: CaseArgument,
    text: TextArgument = None,
    to: Annotated[
        str | None,
        typer.Option(
            "--to",
            metavar="WHOM",
            help="Who it was escalated to (tier, team, person).",
            show_default=False,
        ),
    ] = None,
    at: AtOption = None,
    redact: RedactOption = False,
    private: PrivateOption = False,
    as_json: JsonOption = False,
) -> None:
    """Log an escalation and mark the case escalated."""
    body = read_text(text, what="escalation text") if text == "-" else text
    with open_store(ctx) as store:
        entry = actions.escalate(store, case, body, to=to, at=at, redact=redact, private=private)
    target = f" to {entry['escalated_to']}" if entry["escalated_to"] else ""
    _report(entry, as_json, f"Case {entry['case_id']} escalated{target} (entry {entry['number']}).")


def status(
    ctx: typer.Context,
    case: CaseArgument,
    new_status: Annotated[
        str,
        typer.Argument(metavar="STATUS", help="open, waiting, escalated, resolved or closed."),
    ],
    text: TextArgument = None,
    at: AtOption = None,
    redact: RedactOption = False,
    private: PrivateOption = False,
    as_json: JsonOption = False,
) -> None:
    """Change a case's status, with an optional note why."""
    body = read_text(text, what="status note") if text == "-" else text
    with open_store(ctx) as store:
        entry = actions.set_status(
            store, case, new_status, body, at=at, redact=redact, private=private
        )
    _report(entry, as_json, f"Case {entry['case_id']} is now {entry['new_status']}.")
