"""`issuenote ingest`: saved support e-mails (and pasted chats) become timeline entries."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from issuenote import actions
from issuenote.commands._common import (
    AtOption,
    CaseArgument,
    PrivateOption,
    RedactOption,
    alarm,
    emit_json,
    open_store,
    say,
    warn,
)
from issuenote.errors import IssuenoteError


def ingest(
    ctx: typer.Context,
    case: CaseArgument,
    files: Annotated[
        list[str],
        typer.Argument(
            metavar="MAIL.eml...",
            help="Saved e-mails (.eml, .msg); - reads one message from standard input.",
            show_default=False,
        ),
    ],
    chat: Annotated[
        bool,
        typer.Option("--chat", help="The files are pasted live-chat transcripts, not e-mails."),
    ] = False,
    at: AtOption = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be recorded; record nothing.")
    ] = False,
    redact: RedactOption = False,
    private: PrivateOption = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON.")] = False,
) -> None:
    """Read saved support e-mails into the timeline: ticket, agent, the reply.

    Each message gives its sender, date, subject, ticket and agent.

    The reply text is kept without the quoted history and the signature; the
    original message and the files inside it are kept as attachments. The
    same message twice records nothing the second time. With --chat, a pasted
    transcript is split into entries when its lines carry times and names.

    \b
    Examples:
      issuenote ingest 1 Re_Ticket_88412.eml
      issuenote ingest 1 reply.msg --dry-run
      pbpaste | issuenote ingest 1 -
      issuenote ingest 1 chat.txt --chat --at "yesterday 10:00"
    """
    sources = [_read(name) for name in files]
    with open_store(ctx, create=not dry_run) as store:
        # Every file is read and checked before any is recorded: one bad message
        # among several refuses them all, and nothing is written.
        results = [
            _ingest_one(store, case, source, chat, at, redact, private, True) for source in sources
        ]
        if not dry_run:
            results = [
                _ingest_one(store, case, source, chat, at, redact, private, False)
                for source in sources
            ]
    for result in results:
        _report(result, as_json)
    if as_json:
        emit_json(results)


def _ingest_one(
    store: Any,
    case: str,
    source: tuple[str, bytes, Path | None],
    chat: bool,
    at: str | None,
    redact: bool,
    private: bool,
    dry_run: bool,
) -> dict[str, Any]:
    name, data, path = source
    options = {"at": at, "redact": redact, "private": private, "dry_run": dry_run}
    if chat:
        return actions.ingest_chat(store, case, name, data, **options)
    return actions.ingest_mail(store, case, name, data, path=path, **options)


def _read(name: str) -> tuple[str, bytes, Path | None]:
    if name == "-":
        return "message.eml", sys.stdin.buffer.read(), None
    path = Path(name)
    from issuenote.evidence.attachments import storable_name

    shown = storable_name(path)
    try:
        return shown, path.read_bytes(), path
    except FileNotFoundError:
        raise IssuenoteError(f"no such file: {shown!r}") from None
    except IsADirectoryError:
        raise IssuenoteError(f"{shown!r} is a directory; name the saved messages in it") from None
    except OSError as error:
        raise IssuenoteError(f"cannot read {shown!r}: {error.strerror or error}") from None


def _report(result: dict[str, Any], as_json: bool) -> None:
    for notice in result.get("notices", []) + result.get("entry", {}).get("notices", []):
        warn(notice)
    entries = result.get("entries") or ([result["entry"]] if "entry" in result else [])
    for entry in entries:
        if entry["flags"]:
            alarm(entry["flags"], entry["warnings"])
    if as_json:
        return
    status = result["status"]
    if status == "duplicate":
        say(
            f"{result['source']}: already ingested as entry {result['entry_id']} of case "
            f"{result['case_id']}; nothing recorded."
        )
    elif status == "dry-run":
        would = result["would_record"]
        for fields in would if isinstance(would, list) else [would]:
            facts = [
                f"{key} {fields[key]}"
                for key in ("channel", "via", "agent", "agent_id", "ticket", "at")
                if fields.get(key)
            ]
            first_line = (fields.get("text") or "").splitlines()[0:1]
            say(f"Would record a {fields['kind']}: {', '.join(facts)}")
            if first_line:
                say(f"  {first_line[0][:120]}")
        for name in result.get("attachments", []):
            say(f"  with attachment {name}")
    elif "entry" in result:
        entry = result["entry"]
        kept = ", ".join(a["name"] or "private" for a in entry["attachments"])
        say(
            f"Recorded {entry['kind']} {entry['id']} on case {entry['case_id']} from "
            f"{result['from']}"
            + (f" (ticket {entry['ticket']})" if entry["ticket"] else "")
            + f"; kept {kept}."
        )
    else:
        say(
            f"Recorded {len(entries)} entries on case {result['case_id']} from the chat; "
            "the transcript is attached to the first."
        )
