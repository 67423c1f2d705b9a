"""Recording what happens on a case: note, contact, reply, step, done, escalate, status."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Annotated, Any

import typer

from issuenote import actions
from issuenote.commands._common import (
    AtOption,
    CaseArgument,
    EditOption,
    JsonOption,
    PrivateOption,
    RedactOption,
    ResumeOption,
    drafted,
    open_store,
    read_text,
    say,
    warn,
)
from issuenote.console import report_entry
from issuenote.errors import IssuenoteError
from issuenote.model import FINISHED_STATUSES
from issuenote.quick.record import report_note, report_reply

TextArgument = Annotated[
    str | None,
    typer.Argument(
        metavar="[TEXT]", help="The text; - reads it from standard input.", show_default=False
    ),
]
ChannelHelp = "chat, email, social, phone, forum, form or other."


def _written(
    ctx: typer.Context,
    command: str,
    case: str,
    text: str | None,
    *,
    edit: bool,
    resume: bool,
    record: Callable[[str | None], dict[str, Any]],
) -> dict[str, Any]:
    """Record text given, piped, or written in $EDITOR as a draft kept until it is stored."""
    if resume and not edit:
        raise IssuenoteError("--resume reopens a kept draft in the editor; add -e")
    if (edit or text is None) and text != "-" and (edit or sys.stdin.isatty()):
        with drafted(ctx, command, case, command) as draft:
            return record(draft.write(text, resume=resume))
    return record(read_text(text, what=command))


def note(
    ctx: typer.Context,
    case: CaseArgument,
    text: TextArgument = None,
    at: AtOption = None,
    edit: EditOption = False,
    resume: ResumeOption = False,
    redact: RedactOption = False,
    private: PrivateOption = False,
    as_json: JsonOption = False,
) -> None:
    """Add a note to a case's timeline.

    \b
    Examples:
      issuenote note 1 "Checked Tronscan: still unconfirmed"
      pbpaste | issuenote note last -    # a pasted chat log
      issuenote note 1 -e                 # write it in $EDITOR
    """

    def record(body: str | None) -> dict[str, Any]:
        with open_store(ctx) as store:
            return actions.add_note(store, case, body or "", at=at, redact=redact, private=private)

    entry = _written(ctx, "note", case, text, edit=edit, resume=resume, record=record)
    report_note(entry, as_json)


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
    """Log that you contacted support, and how.

    \b
    Examples:
      issuenote contact 1 --channel chat --via "okx.com live chat" "Asked why it is stuck"
    """
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
    report_entry(
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
    promised: Annotated[
        str | None,
        typer.Option(
            "--promised",
            metavar="WHEN",
            help="The agent promised an answer by then: 24h, '3 business days', "
            "'tomorrow 18:00', ISO 8601.",
            show_default=False,
        ),
    ] = None,
    at: AtOption = None,
    edit: EditOption = False,
    resume: ResumeOption = False,
    redact: RedactOption = False,
    private: PrivateOption = False,
    as_json: JsonOption = False,
) -> None:
    """Log support's answer: agent, agent ID, ticket, suggestion.

    \b
    Examples:
      issuenote reply 1 "Waiting for confirmations" --agent Kevin --ticket TK-88412907
      issuenote reply last "Under review" --suggests "Wait 24 hours"
      issuenote reply 1 "We will check" --agent Lily --promised "3 business days"
    """

    def record(body: str | None) -> dict[str, Any]:
        with open_store(ctx) as store:
            return actions.add_reply(
                store,
                case,
                body or "",
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

    entry = _written(ctx, "reply", case, text, edit=edit, resume=resume, record=record)
    report_reply(entry, as_json)


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
    """Add a next step / follow-up, optionally with a due date.

    \b
    Examples:
      issuenote step 1 "Email support with the TxID" --due "tomorrow 9am"
      issuenote step last "Follow up on the ticket" --due friday
    """
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
    report_entry(
        entry, as_json, f"Added step {entry['number']} to case {entry['case_id']}{due_text}."
    )


def done(
    ctx: typer.Context,
    case: CaseArgument,
    entry: Annotated[
        str, typer.Argument(metavar="ENTRY", help="The step's entry number (see `show`).")
    ],
    at: AtOption = None,
    as_json: JsonOption = False,
) -> None:
    """Mark a next step done.

    \b
    Examples:
      issuenote done 1 3
    """
    with open_store(ctx) as store:
        record = actions.mark_done(store, case, entry, at=at)
    report_entry(record, as_json, f"Step {record['number']} on case {record['case_id']} is done.")


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
    """Log an escalation and mark the case escalated.

    \b
    Examples:
      issuenote escalate 1 "Three days without funds" --to "Tier 2 wallet team"
    """
    body = read_text(text, what="escalation text") if text == "-" else text
    with open_store(ctx) as store:
        entry = actions.escalate(store, case, body, to=to, at=at, redact=redact, private=private)
    target = f" to {entry['escalated_to']}" if entry["escalated_to"] else ""
    report_entry(
        entry, as_json, f"Case {entry['case_id']} escalated{target} (entry {entry['number']})."
    )


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
    """Change a case's status, with an optional note why.

    \b
    Examples:
      issuenote status 1 waiting "Wallet team is reviewing"
      issuenote status 1 resolved "Funds arrived"
    """
    body = read_text(text, what="status note") if text == "-" else text
    with open_store(ctx) as store:
        entry = actions.set_status(
            store, case, new_status, body, at=at, redact=redact, private=private
        )
    report_entry(entry, as_json, f"Case {entry['case_id']} is now {entry['new_status']}.")
    if entry["new_status"] in FINISHED_STATUSES and not as_json:
        _aftercare(ctx, entry["case_id"])


def _aftercare(ctx: typer.Context, case_id: int) -> None:
    """The guide's after-care checklist, each item offered as a next step on a terminal."""
    from issuenote.commands import interview

    chosen = interview.offer_aftercare(case_id, ask=interview.at_a_terminal())
    if not chosen:
        return
    with open_store(ctx) as store, store.writing():
        for text in chosen:
            actions.add_step(store, str(case_id), text)
    say(f"Added {len(chosen)} after-care step(s) to case {case_id}.")
