"""`issuenote doctor`: check the notebook, and repair file modes with --fix."""

from __future__ import annotations

from typing import Annotated

import typer

from issuenote.commands._common import JsonOption, emit_json, home_of


def doctor(
    ctx: typer.Context,
    fix: Annotated[
        bool, typer.Option("--fix", help="Make the notebook's files private to you again.")
    ] = False,
    quick: Annotated[
        bool,
        typer.Option(
            "--quick",
            help="SQLite's quick_check, not the full integrity_check (for a big notebook).",
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Check the notebook's health, privacy and key.

    Integrity, schema, file modes (--fix repairs them), where the key is and
    which keyring is in use, size and counts. Exit 1 when something is wrong.
    --quick skips the slowest checks (index cross-checks, references).

    \b
    Examples:
      issuenote doctor --fix
      issuenote doctor --quick
    """
    from issuenote.doctor import examine

    report = examine(home_of(ctx), fix=fix, quick=quick)
    if as_json:
        emit_json(report.as_dict())
    else:
        from rich.text import Text

        from issuenote import render
        from issuenote.textsafe import printable

        out = render.console()
        out.print(Text(f"Notebook: {printable(report.facts['notebook'])}", style="bold"))
        marks = {"ok": ("ok  ", "green"), "warn": ("warn", "yellow"), "fail": ("FAIL", "bold red")}
        for check in report.checks:
            mark, style = marks[check.status]
            line = Text(f"[{mark}] ", style=style)
            line.append(f"{check.name}: ", style="bold")
            line.append(printable(check.detail) + (" (fixed)" if check.fixed else ""))
            out.print(line)
        if "size_bytes" in report.facts:
            out.print(f"Size: {report.facts['size_bytes']:,} bytes")
    if report.failed:
        raise typer.Exit(1)
