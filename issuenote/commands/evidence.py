"""Evidence commands: attach, attachments, open, verify."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Annotated, Any

import typer

from issuenote import actions
from issuenote.commands._common import (
    AtOption,
    CaseArgument,
    JsonOption,
    PrivateOption,
    emit_json,
    notebook_exists,
    open_store,
    say,
    warn,
)
from issuenote.errors import IssuenoteError

# Below this, copying is over before a bar could say anything.
PROGRESS_FROM_BYTES = 32 * 1024 * 1024


def progress_bar(description: str) -> Callable[[int], Callable[[int], None] | None]:
    """A factory the core calls with the total: a rich bar on a terminal, nothing when piped."""

    def start(total: int) -> Callable[[int], None] | None:
        import os

        if total < PROGRESS_FROM_BYTES or not sys.stderr.isatty() or os.environ.get("CI"):
            return None
        from rich.console import Console  # lazy: only a large copy on a terminal draws a bar
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            TimeRemainingColumn,
            TransferSpeedColumn,
        )

        bar = Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        task = bar.add_task(description, total=total)
        bar.start()
        done = 0

        def advance(size: int) -> None:
            nonlocal done
            done += size
            bar.update(task, advance=size)
            if done >= total:
                bar.stop()

        return advance

    return start


def attach(
    ctx: typer.Context,
    case: CaseArgument,
    files: Annotated[
        list[str], typer.Argument(metavar="FILE...", help="Files to attach.", show_default=False)
    ],
    caption: Annotated[
        str | None,
        typer.Option("--caption", metavar="TEXT", help="What it shows.", show_default=False),
    ] = None,
    entry: Annotated[
        str | None,
        typer.Option(
            "--entry",
            metavar="N",
            help="The entry it belongs to (the reply a screenshot shows).",
            show_default=False,
        ),
    ] = None,
    at: AtOption = None,
    redact: Annotated[
        bool,
        typer.Option(
            "--redact", help="Keep a masked copy of a text file holding a secret, not refuse it."
        ),
    ] = False,
    strip_metadata: Annotated[
        bool,
        typer.Option(
            "--strip-metadata",
            help="Keep images without their metadata (GPS position, device serial).",
        ),
    ] = False,
    private: PrivateOption = False,
    as_json: JsonOption = False,
) -> None:
    """Attach screenshots, PDFs, e-mails or logs to a case, kept by SHA-256.

    Each attach is one timeline entry. The same file attached twice is stored
    once. Text files are screened for secrets; image metadata is reported.

    \b
    Examples:
      issuenote attach 1 wallet-history.png --caption "withdrawal page" --entry 4
      issuenote attach 1 IMG_0412.jpg --strip-metadata
      issuenote attach 1 bank-statement.pdf --private
    """
    with open_store(ctx) as store:
        entry_doc = actions.attach_files(
            store,
            case,
            files,
            caption=caption,
            entry_ref=entry,
            at=at,
            redact=redact,
            strip_metadata=strip_metadata,
            private=private,
            progress=progress_bar("attaching"),
        )
    notices = entry_doc.pop("notices")
    for notice in notices:
        warn(notice)
    if as_json:
        emit_json(entry_doc)
        return
    for item in entry_doc["attachments"]:
        from issuenote.evidence.attachments import format_size

        say(
            f"Attached {item['name']} as attachment {item['number']} of case "
            f"{entry_doc['case_id']} ({item['media_type']}, {format_size(item['size'])}, "
            f"sha256 {item['sha256'][:12]})."
        )


def attachments(
    ctx: typer.Context,
    case: CaseArgument,
    as_json: Annotated[bool, typer.Option("--json", help="Print the list as JSON.")] = False,
) -> None:
    """List a case's attachments: number, name, type, size, SHA-256.

    \b
    Examples:
      issuenote attachments 1
      issuenote attachments 1 --json
    """
    if not notebook_exists(ctx):
        raise IssuenoteError(f"unknown case {case!r}; the notebook is empty")
    with open_store(ctx, create=False) as store:
        case_id, items = actions.list_attachments(store, case)
    if as_json:
        emit_json(items)
        return
    if not items:
        say(f"Case {case_id} has no attachments; `issuenote attach {case_id} FILE` adds one.")
        return
    from issuenote.evidence.attachments import format_size

    for item in items:
        name = item["name"] if item["name"] is not None else "(private: no key)"
        extra = f"  {item['caption']}" if item["caption"] else ""
        lock = " [private]" if item["private"] else ""
        say(
            f"{item['number']:>3}  {item['at'][:16].replace('T', ' ')}  {name}{lock}  "
            f"{item['media_type']}  {format_size(item['size'])}  "
            f"sha256 {item['sha256'][:12]}{extra}"
        )


def open_(
    ctx: typer.Context,
    case: CaseArgument,
    attachment: Annotated[
        str, typer.Argument(metavar="A", help="Attachment number (see `attachments`).")
    ],
    print_path: Annotated[
        bool, typer.Option("--print-path", help="Print the file's path instead of opening it.")
    ] = False,
) -> None:
    """Open an attachment with the system viewer (--print-path for scripts).

    \b
    Examples:
      issuenote open 1 3
      issuenote open 1 3 --print-path
    """
    if not notebook_exists(ctx):
        raise IssuenoteError(f"unknown case {case!r}; the notebook is empty")
    with open_store(ctx, create=False) as store:
        document, path = actions.attachment_file(store, case, attachment)
    if document["private"]:
        warn(f"a decrypted copy of this private attachment is at {path}; delete it when done")
    if print_path:
        sys.stdout.write(f"{path}\n")
        return
    import click

    if click.launch(str(path)) != 0:
        raise IssuenoteError(f"no viewer could open {path}; --print-path prints where it is")


def verify(
    ctx: typer.Context,
    case: Annotated[
        str | None,
        typer.Argument(metavar="[CASE]", help="Only this case (default: all).", show_default=False),
    ] = None,
    bundle: Annotated[
        str | None,
        typer.Option(
            "--bundle", metavar="FILE.zip", help="Check an evidence bundle against its manifest."
        ),
    ] = None,
    head: Annotated[
        str | None,
        typer.Option(
            "--head",
            metavar="HASH",
            help="With CASE: is this chain head, printed on an earlier summary, in the record?",
            show_default=False,
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Check the tamper-evident chains and attachment files; exit 1 on a change.

    Needs no key: encrypted fields are hashed as stored. --head checks that a
    summary printed earlier belongs to this record.

    \b
    Examples:
      issuenote verify
      issuenote verify 1 --head 4b3e3526235f
      issuenote verify --bundle case-1-evidence.zip
    """
    if bundle is not None:
        from issuenote.evidence.bundle import verify_bundle

        report = verify_bundle(bundle)
        if as_json:
            emit_json(report)
        else:
            for problem in report["problems"]:
                typer.echo(f"CHANGED  {problem}")
            if report["intact"]:
                say(
                    f"Bundle intact: {report['files']} files match the manifest "
                    f"(chain head {report['chain_head_short']})."
                )
        if not report["intact"]:
            raise IssuenoteError(f"the bundle {bundle!r} does not match its manifest")
        return
    if not notebook_exists(ctx):
        if case is not None:
            raise IssuenoteError(f"unknown case {case!r}; the notebook is empty")
        say("No notebook yet: nothing to verify.")
        return
    if head is not None and case is None:
        raise IssuenoteError("--head needs the CASE whose summary printed it")
    with open_store(ctx, create=False) as store:
        report = actions.verify(store, case)
        found = actions.find_head(store, case, head) if head is not None and case else None
    _print_verify(report, as_json and found is None)
    if found is not None:
        if as_json:
            emit_json({**report, "head_found": found})
        else:
            say(
                f"chain head {found['head'][:12]} is link {found['link']} of case {found['case']}"
                f" ({found['links_since']} change{'' if found['links_since'] == 1 else 's'}"
                " recorded since)."
            )
    if not report["intact"]:
        changed = [str(c["case"]) for c in report["cases"] if not c["intact"]]
        raise IssuenoteError(
            f"the record of case {', '.join(changed)} changed outside issuenote (see above)"
        )


def _print_verify(report: dict[str, Any], as_json: bool) -> None:
    if as_json:
        emit_json(report)
        return
    for case in report["cases"]:
        if case["intact"]:
            head = case["head_short"] or "empty"
            say(f"case {case['case']}: intact ({case['links']} links, chain head {head})")
        else:
            say(f"case {case['case']}: CHANGED")
            for problem in case["problems"]:
                say(f"  - {problem}")
    if not report["cases"]:
        say("No cases: nothing to verify.")
