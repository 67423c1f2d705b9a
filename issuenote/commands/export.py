"""`issuenote export`: the summary support reads, in their format and language."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from issuenote.commands._common import home_of, open_store, say, warn
from issuenote.errors import IssuenoteError
from issuenote.quick.export import NO_REDACT_WARNING, deliver_output, export_case

if TYPE_CHECKING:
    from issuenote.store import Store


def export(
    ctx: typer.Context,
    case: Annotated[
        str | None, typer.Argument(metavar="[CASE]", help="Case number.", show_default=False)
    ] = None,
    all_cases: Annotated[
        bool, typer.Option("--all", help="The whole notebook (with --format json).")
    ] = False,
    fmt: Annotated[
        str,
        typer.Option(
            "--format", "-f", metavar="FMT", help="chat, email, markdown, text, json or html."
        ),
    ] = "chat",
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            metavar="L",
            help="en, zh or ko (default: the case's language, then config.toml, then en).",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write to FILE (.eml: a real e-mail message).",
            show_default=False,
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite FILE if it exists.")] = False,
    copy: Annotated[bool, typer.Option("--copy", help="Put the summary on the clipboard.")] = False,
    max_chars: Annotated[
        int | None,
        typer.Option(
            "--max-chars",
            metavar="N",
            help="Longest chat summary in characters (default: the platform's limit, "
            "else config chat_max_chars, else 1000).",
            show_default=False,
        ),
    ] = None,
    max_bytes: Annotated[
        int | None,
        typer.Option(
            "--max-bytes",
            metavar="N",
            help="Longest chat summary in UTF-8 bytes, for chat boxes that count bytes.",
            show_default=False,
        ),
    ] = None,
    to: Annotated[
        str | None,
        typer.Option(
            "--to",
            metavar="ADDR",
            help="E-mail recipient (default: the platform's official support address).",
            show_default=False,
        ),
    ] = None,
    no_suspicious: Annotated[
        bool,
        typer.Option(
            "--no-suspicious", help="Leave out the section reporting impostors as phishing."
        ),
    ] = False,
    no_redact: Annotated[
        bool, typer.Option("--no-redact", help="Show the account reference in full.")
    ] = False,
    include_private: Annotated[
        bool, typer.Option("--include-private", help="Include entries recorded with --private.")
    ] = False,
    with_attachments: Annotated[
        bool,
        typer.Option(
            "--with-attachments",
            help="With --all: write a ZIP of the JSON and every attachment file (needs --output).",
        ),
    ] = False,
) -> None:
    """Export a case summary for support.

    Formats: chat (default), email, markdown, text, json, html; languages en,
    zh, ko. The account reference is masked and private entries left out
    unless asked for.

    \b
    Examples:
      issuenote export 1                     # chat summary, English
      issuenote export last --lang zh --copy
      issuenote export 1 --format email --output case.eml
    """
    if case is not None and not all_cases and not with_attachments:
        # One case: export_case checks the format and language, as below.
        export_case(
            home_of(ctx),
            case,
            fmt=fmt,
            lang=lang,
            output=output,
            force=force,
            copy=copy,
            max_chars=max_chars,
            max_bytes=max_bytes,
            to=to,
            suspicious=not no_suspicious,
            redact=not no_redact,
            include_private=include_private,
        )
        return
    from issuenote.model import choose

    fmt = choose("export format", fmt)
    if lang is not None:
        choose("language", lang)  # refused before the usage errors below, as for one case
    if all_cases == (case is not None):
        raise IssuenoteError("give a CASE to export, or --all for the whole notebook")
    if all_cases and fmt != "json":
        raise IssuenoteError("--all exports the whole notebook as JSON; add --format json")
    if with_attachments and (not all_cases or output is None):
        raise IssuenoteError("--with-attachments goes with --all --format json --output FILE.zip")
    with open_store(ctx, create=False) as store:
        chunks = _whole_notebook(store, redact=not no_redact, include_private=include_private)
        if not with_attachments:
            if no_redact:
                warn(NO_REDACT_WARNING)
            deliver_output(chunks, output=output, force=force, copy=copy, private=True)
            return
        notebook = b"".join(chunks).decode("utf-8")  # the ZIP takes the JSON whole
    assert output is not None
    _write_with_attachments(ctx, notebook, output, force=force)


def _whole_notebook(store: Store, *, redact: bool, include_private: bool) -> Iterator[bytes]:
    """Every case as `export --format json` writes it, in one file `issuenote import` reads.

    Like every export it masks the account and leaves private entries out;
    `--no-redact --include-private` gives a complete copy. A field that cannot
    be decrypted here (missing key) would be written as empty, so such an
    export is refused, before anything is written, rather than silently
    incomplete. The file is written case by case as it is read: memory stays
    flat whatever the size of the notebook.
    """
    from issuenote.exporters.jsonfmt import case_json, notebook_chunks
    from issuenote.exporters.screen import ScanMemo, screened_documents
    from issuenote.parse import timeparse
    from issuenote.store.schema import SCHEMA_VERSION

    lost = store.unreadable_fields(entries=include_private, accounts=not redact)
    if lost:
        case_id, field = lost[0]
        raise IssuenoteError(
            f"{len(lost)} encrypted field(s) cannot be decrypted here (case {case_id} {field}, "
            "...): the data key is missing or wrong; set ISSUENOTE_KEY or restore the key "
            "file, or export without --include-private and --no-redact"
        )
    if include_private:
        warn("--include-private: private entries are in the export in plain text; keep it safe")
    header = {
        "format": "issuenote-notebook",
        "schema_version": SCHEMA_VERSION,
        "notebook": store.notebook_id(),
        "exported_at": timeparse.to_local_iso(timeparse.utc_now()),
        "includes_private": include_private,
    }
    memo = ScanMemo()

    def cases() -> Iterator[dict[str, Any]]:
        documents = store.case_documents(store.case_ids())  # read in batches
        for doc in screened_documents(documents, memo):  # scanned beside, in a helper
            yield case_json(
                doc, tz=None, redact=redact, include_private=include_private, checked=False
            )

    return notebook_chunks(header, cases())


def _write_with_attachments(
    ctx: typer.Context, notebook: str, output: Path, *, force: bool
) -> None:
    """The whole-notebook JSON and the files its attachment lists name, in one ZIP."""
    import json

    from issuenote.evidence import attachments as files
    from issuenote.evidence.archive import write_archive

    carried: dict[str, Path | bytes] = {}
    with open_store(ctx, create=False) as store:
        for case in json.loads(notebook)["cases"]:
            case_id = store.resolve_case(case["uuid"])
            for item in case.get("attachments", []):
                row = store.attachment_row(case_id, str(item["number"]))
                path = files.blob_path(store.home, row["blob"])
                problem = files.check_blob(store.home, row["blob"])
                if problem:
                    raise IssuenoteError(
                        f"the file of attachment {row['number']} of case {case_id} {problem}; "
                        "`issuenote verify` says more"
                    )
                if row["private"]:
                    carried[row["sha256"]] = store.vault.decrypt_file(
                        path.read_bytes(), record_uuid=row["uuid"]
                    )
                else:
                    carried[row["sha256"]] = path
    size = write_archive(output, notebook, carried, force=force)
    say(f"Wrote {output} ({size:,} bytes): the notebook and {len(carried)} attachment files.")
