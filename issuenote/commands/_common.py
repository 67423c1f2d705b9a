"""What every command needs: the store, text arguments, JSON output, options."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from issuenote.errors import IssuenoteError
from issuenote.paths import database_path, notebook_home
from issuenote.store import Store


def home_of(ctx: typer.Context) -> Path:
    state = ctx.find_root().obj
    return notebook_home(getattr(state, "home", None))


def notebook_exists(ctx: typer.Context) -> bool:
    """Reading commands check first, so that reading never creates a notebook."""
    return database_path(home_of(ctx)).exists()


@contextmanager
def open_store(ctx: typer.Context, *, create: bool = True) -> Iterator[Store]:
    """The notebook for a command; reading commands pass create=False."""
    home = home_of(ctx)
    store = Store.open(home, create=create)
    if store is None:
        raise IssuenoteError(f"no notebook yet at {home}; record a case with `issuenote new TITLE`")
    try:
        yield store
        for message in store.vault.warnings:
            warn(message)
    finally:
        store.close()
    _after_command(home, recorded=create)


def _after_command(home: Path, *, recorded: bool) -> None:
    """Sync's part of every command: a failed background sync is told once; auto sync."""
    if not (home / "sync").is_dir():  # one stat for notebooks that do not sync
        return
    from issuenote.sync import auto

    failure = auto.report_failure_once(home)
    if failure:
        warn(f"the background sync failed {failure}; run `issuenote sync` to retry")
    if recorded:
        import atexit

        # At exit, after the command has printed its confirmation: the user never waits.
        atexit.register(auto.after_recording, home)


def read_text(value: str | None, *, what: str, edit: bool = False) -> str | None:
    """`-` reads stdin; no text (or --edit) on a terminal opens $EDITOR."""
    if value == "-":
        return sys.stdin.read()
    if value is not None and not edit:
        return value
    if edit or sys.stdin.isatty():
        import click

        written = click.edit(
            (value or "") + f"\n# Write the {what} above. Lines starting with '# ' are ignored.\n"
        )
        if written is None:
            raise IssuenoteError(f"no {what} written; nothing recorded")
        lines = [line for line in written.splitlines() if not line.startswith("# ")]
        return "\n".join(lines).strip()
    return None


# Valid raw in JSON strings, but a terminal acts on them: C1 controls can start
# escape sequences, bidi overrides and isolates reorder the text around them.
_TERMINAL_ACTIVE = "[\u0080-\u009f\u202a-\u202e\u2066-\u2069]"


def emit_json(data: Any) -> None:
    """One JSON document on stdout; characters a terminal would act on are \\u-escaped."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    text = re.sub(_TERMINAL_ACTIVE, lambda match: f"\\u{ord(match.group()):04x}", text)
    sys.stdout.write(text + "\n")


def say(message: str) -> None:
    """A short confirmation for people (stdout, plain text)."""
    from issuenote.textsafe import printable

    typer.echo(printable(message))


def alarm(flags: list[str], reasons: list[str]) -> None:
    """A warning that must not be missed: a possible fake agent or unofficial channel."""
    import os

    colour = sys.stderr.isatty() and not os.environ.get("NO_COLOR")
    title = (
        "WARNING: this may be fake support"
        if "scam-risk" in flags
        else ("WARNING: this address is not an official channel")
    )
    lines = [f"⚠ {title} ({', '.join(flags)})"]
    lines += [f"  - {reason}" for reason in reasons]
    lines.append(
        "  Never share passwords, seed phrases, keys or codes; use official channels only."
    )
    for line in lines:
        typer.secho(line, err=True, fg="red" if colour else None, bold=colour)


def warn(message: str) -> None:
    from issuenote.textsafe import printable

    typer.echo(f"issuenote: warning: {printable(message)}", err=True)


# Option types shared by several commands, so help texts stay the same.
JsonOption = Annotated[bool, typer.Option("--json", help="Print the record as JSON.")]
AtOption = Annotated[
    str | None,
    typer.Option(
        "--at",
        metavar="TIME",
        help="When it happened: ISO 8601, 'now', '2h ago', 'today 14:30', 'yesterday 09:05'.",
        show_default=False,
    ),
]
CaseArgument = Annotated[str, typer.Argument(metavar="CASE", help="Case number (see `list`).")]
RedactOption = Annotated[
    bool,
    typer.Option("--redact", help="Store the text with any secret masked, instead of refusing it."),
]
PrivateOption = Annotated[
    bool,
    typer.Option("--private", help="Store the text encrypted and leave it out of exports."),
]
