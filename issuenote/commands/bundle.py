"""`issuenote bundle`: one ZIP with the report, the exhibits and a manifest of SHA-256s."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from issuenote import actions
from issuenote.commands._common import CaseArgument, emit_json, notebook_exists, open_store, say
from issuenote.commands.evidence import progress_bar
from issuenote.errors import IssuenoteError


def bundle(
    ctx: typer.Context,
    case: CaseArgument,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE.zip",
            help="Where to write it (default: case-N-evidence-DATE.zip here).",
            show_default=False,
        ),
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang", metavar="L", help="Report language: en, zh or ko.", show_default=False
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the manifest as JSON.")] = False,
) -> None:
    """Write an evidence bundle: report, numbered exhibits and manifest in a ZIP.

    The report comes as HTML (printable), Markdown and JSON.

    Every file's SHA-256 and the case's chain head are in MANIFEST.txt and
    manifest.json; `issuenote verify --bundle FILE.zip` checks it later.
    Private entries and attachments stay out.

    \b
    Examples:
      issuenote bundle 1
      issuenote bundle 1 --output case-1-evidence.zip --lang zh
    """
    if not notebook_exists(ctx):
        raise IssuenoteError(f"unknown case {case!r}; the notebook is empty")
    with open_store(ctx, create=False) as store:
        result = actions.make_bundle(
            store, case, output=output, lang=lang, force=force, progress=progress_bar("bundling")
        )
    if as_json:
        emit_json(result)
        return
    head = (result["chain_head"] or "-")[:12]
    say(
        f"Wrote {result['path']} ({result['bundle_size']:,} bytes): report, "
        f"{result['exhibits']} exhibits, manifest (chain head {head})."
    )
    say(f"sha256 {result['bundle_sha256']}")
