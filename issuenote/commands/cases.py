"""Cases as a whole: new, list, show, edit, rm."""

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
    home_of,
    no_notebook_message,
    notebook_exists,
    open_store,
    read_text,
    say,
    warn,
)
from issuenote.errors import IssuenoteError
from issuenote.store import Store

DEFAULT_LIST_LIMIT = 50

PlatformOption = Annotated[
    str | None,
    typer.Option(
        "--platform", "-p", metavar="P", help="The service, e.g. OKX.", show_default=False
    ),
]
CategoryOption = Annotated[
    str | None,
    typer.Option(
        "--category",
        metavar="C",
        help="account, security, trading, deposit, withdrawal, kyc or other.",
        show_default=False,
    ),
]
AccountOption = Annotated[
    str | None,
    typer.Option(
        "--account",
        metavar="REF",
        help="Your UID / registered email / phone (masked in exports).",
        show_default=False,
    ),
]
OccurredOption = Annotated[
    str | None,
    typer.Option(
        "--occurred", metavar="TIME", help="When the problem started.", show_default=False
    ),
]
DescriptionOption = Annotated[
    str | None,
    typer.Option(
        "--description",
        "-d",
        metavar="TEXT",
        help="What went wrong; - reads stdin.",
        show_default=False,
    ),
]
RequestOption = Annotated[
    str | None,
    typer.Option(
        "--request",
        metavar="TEXT",
        help="What you want support to do (exports show it instead of a stock sentence); "
        "- reads stdin.",
        show_default=False,
    ),
]
LangOption = Annotated[
    str | None,
    typer.Option(
        "--lang", metavar="L", help="Language for summaries: en, zh or ko.", show_default=False
    ),
]


def new(
    ctx: typer.Context,
    title: Annotated[
        str | None,
        typer.Argument(
            metavar="[TITLE]",
            help="A short title; - reads stdin. Left out on a terminal: a guided interview.",
            show_default=False,
        ),
    ] = None,
    platform: PlatformOption = None,
    category: CategoryOption = None,
    account: AccountOption = None,
    occurred: OccurredOption = None,
    description: DescriptionOption = None,
    tag: Annotated[
        list[str] | None,
        typer.Option("--tag", metavar="T", help="A tag (repeat for more).", show_default=False),
    ] = None,
    lang: LangOption = None,
    request: RequestOption = None,
    redact: RedactOption = False,
    as_json: JsonOption = False,
) -> None:
    """Open a new case.

    With no TITLE on a terminal, a short interview follows the support guide:
    the help-centre article you read, what happened and when, platform and
    category, account reference, transaction IDs, what you tried and what you
    want support to do. Every question can be skipped; Ctrl-C records nothing.

    \b
    Examples:
      issuenote new "USDT withdrawal stuck" --platform OKX --category withdrawal
      issuenote new                # at a terminal: a guided interview
    """
    if title is None:
        _interview(ctx, as_json=as_json)
        return
    title = read_text(title, what="title") or ""
    if description == "-":
        description = read_text(description, what="description")
    if request == "-":
        request = read_text(request, what="request")
    if platform is None:
        from issuenote import config

        platform = config.load_config(home_of(ctx)).get("platform")
    with open_store(ctx) as store:
        case_id = actions.create_case(
            store,
            title=title,
            platform=platform,
            category=category,
            account=account,
            occurred=occurred,
            description=description,
            tags=tag or [],
            language=lang,
            request=request,
            redact=redact,
        )
        doc = store.case_document(case_id)
    if as_json:
        emit_json(doc)
    else:
        say(f"Opened case {case_id}: {doc['title']}")


def _interview(ctx: typer.Context, *, as_json: bool) -> None:
    from issuenote.commands import interview

    if not interview.at_a_terminal():
        raise IssuenoteError(
            "missing TITLE: give a short title (or run `issuenote new` at a terminal "
            "for a guided interview)"
        )
    from issuenote import config

    answers = interview.run_interview(
        default_platform=config.load_config(home_of(ctx)).get("platform")
    )
    with open_store(ctx) as store:
        case_id = actions.record_intake(store, answers)
        doc = store.case_document(case_id)
    if as_json:
        emit_json(doc)
        return
    from issuenote import render

    typer.echo("")
    if doc["account"]:
        from issuenote.exporters import mask_account

        doc["account"] = mask_account(doc["account"])
    render.print_lines(render.console(), render.case_view(doc))
    typer.echo(
        f"\nOpened case {case_id}. Next, when you contact support:\n"
        f'  issuenote contact {case_id} --channel chat "Asked about ..."\n'
        f"  issuenote export {case_id}          # the summary to paste"
    )


def list_cases(
    ctx: typer.Context,
    status: Annotated[
        str | None,
        typer.Option(
            "--status", metavar="S", help="Only cases with this status.", show_default=False
        ),
    ] = None,
    platform: PlatformOption = None,
    tag: Annotated[
        str | None,
        typer.Option("--tag", metavar="T", help="Only cases with this tag.", show_default=False),
    ] = None,
    show_all: Annotated[
        bool, typer.Option("--all", "-a", help="Include resolved and closed cases.")
    ] = False,
    limit: Annotated[
        int,
        typer.Option(
            "--limit", "-n", metavar="N", min=0, help="Show at most N cases (0: every case)."
        ),
    ] = DEFAULT_LIST_LIMIT,
    as_json: JsonOption = False,
) -> None:
    """List cases, most recently active first.

    Resolved and closed cases are hidden unless --all or --status asks for them.
    The 50 most recently active are shown (--limit N for more, --limit 0 for
    all), with a line saying how many more there are.

    \b
    Examples:
      issuenote list
      issuenote list --all --platform OKX
      issuenote list --all --limit 10
    """
    from issuenote.model import choose

    wanted = choose("status", status) if status else None
    filters = {
        "status": wanted,
        "platform": platform,
        "tag": tag.lower().lstrip("#") if tag else None,
        "include_finished": show_all,
    }
    cases: list[dict[str, Any]] = []
    total = 0
    if notebook_exists(ctx):
        with open_store(ctx, create=False) as store:
            cases = store.list_cases(**filters, limit=limit or None)
            total = store.count_cases(**filters) if limit and len(cases) == limit else len(cases)
    from issuenote import layout

    more = layout.more_line(len(cases), total)
    if as_json:
        from issuenote.parse import timeparse

        for case in cases:
            for key in ("occurred_at", "created_at", "updated_at", "last_activity", "next_due"):
                if case[key]:
                    case[key] = timeparse.to_local_iso(case[key])
        emit_json(cases)
        if more:  # stdout stays one JSON document
            warn(more.lstrip("… "))
        return
    if not cases:
        hint = "" if show_all else " (add --all to include resolved and closed ones)"
        say(f"No cases{hint}. Record one with: issuenote new TITLE")
        return
    _print_cases(cases)
    if more:
        say(more)


def _print_cases(cases: list[dict[str, Any]]) -> None:
    """A terminal gets columns that fit its width; a pipe gets every column, plain."""
    if not sys.stdout.isatty():
        # Plain aligned text without rich (and its import): nothing wrapped or cut.
        from issuenote import layout
        from issuenote.parse import timeparse

        now = timeparse.utc_now()
        sys.stdout.write("\n".join(layout.plain_lines([layout.cells(c, now) for c in cases])))
        sys.stdout.write("\n")
        return
    from issuenote import render

    out = render.console()
    for line in render.cases_lines(cases, width=out.width):
        out.print(line, no_wrap=True, overflow="ellipsis", crop=True)


def show(
    ctx: typer.Context,
    case: Annotated[
        str,
        typer.Argument(
            metavar="[CASE]",
            help="Case number, or `last` (the default): the most recently active case.",
            show_default=False,
        ),
    ] = "last",
    full: Annotated[bool, typer.Option("--full", help="Do not shorten long texts.")] = False,
    history: Annotated[
        bool,
        typer.Option("--history", help="Also show earlier versions and deleted entries."),
    ] = False,
    reveal: Annotated[
        bool, typer.Option("--reveal", help="Show the account reference unmasked.")
    ] = False,
    no_pager: Annotated[
        bool, typer.Option("--no-pager", help="Never page a long case on a terminal.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Show one case: header, timeline, transactions, next steps.

    The account reference is masked (safe while sharing your screen with
    support) unless --reveal; --json always carries it in full. A case longer
    than the screen goes through a pager on a terminal (ISSUENOTE_PAGER, the
    `pager` setting, PAGER, else less), header first; piped output never does.
    Lines are never wrapped by issuenote, so hashes and links copy whole.

    \b
    Examples:
      issuenote show 1
      issuenote show                # the most recently active case
      issuenote show last --json
    """
    from issuenote.quick.show import show_case

    show_case(
        home_of(ctx),
        case,
        full=full,
        history=history,
        reveal=reveal,
        no_pager=no_pager,
        as_json=as_json,
    )


def edit(
    ctx: typer.Context,
    case: CaseArgument,
    title: Annotated[
        str | None, typer.Option("--title", metavar="TITLE", help="New title.", show_default=False)
    ] = None,
    platform: PlatformOption = None,
    category: CategoryOption = None,
    account: AccountOption = None,
    occurred: OccurredOption = None,
    description: DescriptionOption = None,
    lang: LangOption = None,
    request: RequestOption = None,
    tag: Annotated[
        list[str] | None, typer.Option("--tag", metavar="T", help="Add a tag.", show_default=False)
    ] = None,
    untag: Annotated[
        list[str] | None,
        typer.Option("--untag", metavar="T", help="Remove a tag.", show_default=False),
    ] = None,
    jurisdiction: Annotated[
        str | None,
        typer.Option(
            "--jurisdiction",
            metavar="CODE",
            help="Where the complaint clock's rule comes from: uk, eu-payments, au "
            "(or your own from config.toml); 'none' clears it.",
            show_default=False,
        ),
    ] = None,
    redact: RedactOption = False,
    as_json: JsonOption = False,
) -> None:
    """Change a case's fields or tags.

    Title, platform, category, account, time, description, language,
    jurisdiction, request (--request "" goes back to the category's stock
    sentence); --tag adds a tag and --untag removes one.

    \b
    Examples:
      issuenote edit 1 --title "USDT withdrawal stuck for a week" --tag urgent
      issuenote edit 1 --request "Please return the 1,250 USDT to my account today."
      issuenote edit 3 --jurisdiction uk
    """
    if description == "-":
        description = read_text(description, what="description")
    if request == "-":
        request = read_text(request, what="request")
    with open_store(ctx) as store:
        case_id = actions.edit_case(
            store,
            case,
            title=title,
            platform=platform,
            category=category,
            account=account,
            occurred=occurred,
            description=description,
            language=lang,
            request=request,
            jurisdiction=jurisdiction,
            add_tags=tag or [],
            remove_tags=untag or [],
            redact=redact,
        )
        doc = store.case_document(case_id)
    if as_json:
        emit_json(doc)
    else:
        say(f"Updated case {case_id}.")


def rm(
    ctx: typer.Context,
    case: CaseArgument,
    entry: Annotated[
        str | None,
        typer.Argument(
            metavar="[N]",
            help="Delete only this entry of the case (it is kept as a tombstone).",
            show_default=False,
        ),
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    attachment: Annotated[
        str | None,
        typer.Option(
            "--attachment",
            metavar="A",
            help="Only detach this attachment (`undo` brings it back).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Delete a case, one entry of it, or detach one attachment.

    A deleted entry keeps its number and its history (a tombstone); exports
    leave it out. `issuenote undo` brings either back. --attachment A detaches
    one attachment instead.

    \b
    Examples:
      issuenote rm 3 --yes
      issuenote rm 1 4          # only entry 4 of case 1
      issuenote rm 1 --attachment 2
    """
    if not notebook_exists(ctx):
        raise IssuenoteError(no_notebook_message(home_of(ctx)))
    if attachment is not None:
        with open_store(ctx) as store:
            gone = actions.detach(store, case, attachment)
        say(
            f"Detached attachment {gone['number']} ({gone['name'] or 'private'}); its file is "
            "kept for `issuenote undo` (`issuenote doctor --fix` removes unused files)."
        )
        return
    with open_store(ctx) as store:
        case_id = store.resolve_case(case)
        if entry is not None:
            row = store.entry_row(case_id, entry)
            _confirm_entry_delete(store, case_id, row, yes)
            actions.delete_entry(store, str(case_id), str(row["number"]))
            say(f"Deleted entry {row['number']} of case {case_id} (`issuenote undo` restores it).")
            return
        _confirm_delete(store, case_id, yes)
        actions.delete_case(store, case_id)
    say(f"Deleted case {case_id}.")


def _confirm_entry_delete(store: Store, case_id: int, row: dict[str, Any], yes: bool) -> None:
    if yes:
        return
    number = row["number"]
    if not sys.stdin.isatty():
        raise IssuenoteError(
            f"not deleting entry {number} of case {case_id} without confirmation; add --yes"
        )
    from issuenote.textsafe import printable

    document = store.entry_document(row["id"])
    text = printable(document["text"] or "", single_line=True)
    shown = text if len(text) <= 60 else text[:59] + "…"
    if not typer.confirm(f"Delete {row['kind']} {number} of case {case_id} {shown!r}?"):
        raise IssuenoteError("not deleted")


def _confirm_delete(store: Store, case_id: int, yes: bool) -> None:
    if yes:
        return
    if not sys.stdin.isatty():
        raise IssuenoteError(f"not deleting case {case_id} without confirmation; add --yes")
    from issuenote.textsafe import printable

    row = store.case_row(case_id)
    entries = len(store.entry_rows(case_id))
    question = (
        f"Delete case {case_id} {printable(row['title'], single_line=True)!r} "
        f"and its {entries} entries? (`issuenote undo` brings it back)"
    )
    if not typer.confirm(question, default=False):
        raise IssuenoteError("not deleted")
