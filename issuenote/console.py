"""What a command prints for people and machines, without typer or click.

The commands used mid-chat run on a path that never imports typer (see
`issuenote.quick`), so their output helpers live here; the typer commands
use the same ones through `issuenote.commands._common`.
"""

from __future__ import annotations

import json
import os
import re
import sys
from typing import Any, TextIO

# Valid raw in JSON strings, but a terminal acts on them: C1 controls can start
# escape sequences, bidi overrides and isolates reorder the text around them.
_TERMINAL_ACTIVE = "[\u0080-\u009f\u202a-\u202e\u2066-\u2069]"


def echo(message: str, *, err: bool = False) -> None:
    """One line out, flushed at once (as click.echo does) so output interleaves in order."""
    stream: TextIO = sys.stderr if err else sys.stdout
    stream.write(message + "\n")
    stream.flush()


PASTE_HINT = "Paste the text, then press Ctrl-D on a new line (Ctrl-C cancels)."


def read_stdin() -> str:
    """Standard input; on a terminal, first say how to end it (people wait otherwise)."""
    if sys.stdin.isatty():
        echo(PASTE_HINT, err=True)
    return sys.stdin.read()


def report_entry(entry: dict[str, Any], as_json: bool, summary: str) -> None:
    """What a recording command prints: the alarm first if the entry raised one."""
    if entry["flags"]:
        alarm(entry["flags"], entry["warnings"])
    if as_json:
        emit_json(entry)
    else:
        say(summary)


def emit_json(data: Any) -> None:
    """One JSON document on stdout; characters a terminal would act on are \\u-escaped."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    text = re.sub(_TERMINAL_ACTIVE, lambda match: f"\\u{ord(match.group()):04x}", text)
    sys.stdout.write(text + "\n")


def say(message: str) -> None:
    """A short confirmation for people (stdout, plain text)."""
    from issuenote.textsafe import printable

    echo(printable(message))


def warn(message: str) -> None:
    from issuenote.textsafe import printable

    echo(f"issuenote: warning: {printable(message)}", err=True)


def alarm(flags: list[str], reasons: list[str]) -> None:
    """A warning that must not be missed: a possible fake agent or unofficial channel."""
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
        # bold red, as click.style(fg="red", bold=True) writes it
        echo(f"\x1b[31m\x1b[1m{line}\x1b[0m" if colour else line, err=True)
