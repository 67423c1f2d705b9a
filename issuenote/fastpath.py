"""`issuenote note CASE TEXT` without typer: a note is typed mid-chat and must start at once.

Importing typer (and the click it carries) and building a command from a
signature is about a third of a note's start-up. The plain forms of `note`
(global `--home DIR`/`--debug`, then `note CASE TEXT` with `--at TIME`,
`--redact`, `--private`, `--json` anywhere after it; TEXT may be `-` for
standard input) are read here and run the same action with the same output
and the same one-line errors. Anything else (help, `-e`, no text, an unknown
or misplaced option, `--`) is left to typer, so usage errors and help read
as they always have. tests/test_quicknote.py runs each form both ways.
"""

from __future__ import annotations

import os
import sys
from typing import Any, NamedTuple

# note's options this path understands: flags, and the one that takes a value
_FLAGS = {"--redact": "redact", "--private": "private", "--json": "as_json"}
_VALUED = {"--at": "at"}


class QuickNote(NamedTuple):
    """A `note` command line, as typer would have read it (no dataclass: it imports inspect)."""

    case: str
    text: str
    home: str | None = None
    debug: bool = False
    at: str | None = None
    redact: bool = False
    private: bool = False
    as_json: bool = False


def parse(argv: list[str]) -> QuickNote | None:
    """The note `argv` asks for, or None when typer should read it."""
    position = 0
    home: str | None = None
    debug = False
    while position < len(argv) and argv[position] != "note":
        arg = argv[position]
        if arg == "--home" and position + 1 < len(argv) and _plain(argv[position + 1]):
            home = argv[position + 1]
            position += 2
        elif arg.startswith("--home="):
            home = arg.removeprefix("--home=")
            position += 1
        elif arg == "--debug":
            debug = True
            position += 1
        else:
            return None
    if position == len(argv):
        return None
    options: dict[str, Any] = {}
    words: list[str] = []
    rest = iter(argv[position + 1 :])
    for arg in rest:
        name, has_value, inline = arg.partition("=")
        if arg in _FLAGS:
            options[_FLAGS[arg]] = True
        elif name in _VALUED:
            value = inline if has_value else next(rest, None)
            if value is None or (not has_value and not _plain(value)):
                return None
            options[_VALUED[name]] = value
        elif arg == "-" or not arg.startswith("-"):
            words.append(arg)
        else:
            return None
    if len(words) != 2:
        return None
    return QuickNote(case=words[0], text=words[1], home=home, debug=debug, **options)


def _plain(value: str) -> bool:
    """A value click would not mistake for an option (leave the others to it)."""
    return not value.startswith("-")


def run(call: QuickNote) -> int:
    """Record the note and print what `issuenote note` prints; the exit status."""
    from issuenote.console import echo
    from issuenote.errors import IssuenoteError

    try:
        report_note(_record(call), call.as_json)
    except IssuenoteError as error:
        if call.debug or os.environ.get("ISSUENOTE_DEBUG"):
            raise
        from issuenote.textsafe import printable

        echo(f"issuenote: {printable(str(error), single_line=True)}", err=True)
        return 1
    except (EOFError, KeyboardInterrupt):
        echo("", err=True)  # as click does: end the half-typed line, then say so
        echo("Aborted!", err=True)
        return 1
    return 0


def _record(call: QuickNote) -> dict[str, Any]:
    from issuenote import actions
    from issuenote.console import read_stdin
    from issuenote.paths import notebook_home, refuse_empty_home, use_configured_zone
    from issuenote.session import open_notebook

    refuse_empty_home(call.home)
    home = notebook_home(call.home)
    use_configured_zone(home)
    text = read_stdin() if call.text == "-" else call.text
    with open_notebook(home) as store:
        return actions.add_note(
            store, call.case, text, at=call.at, redact=call.redact, private=call.private
        )


def report_note(entry: dict[str, Any], as_json: bool) -> None:
    from issuenote.console import report_entry

    report_entry(entry, as_json, f"Added note {entry['number']} to case {entry['case_id']}.")


def main(argv: list[str] | None = None) -> int | None:
    """The exit status of a note run here, or None when the full CLI must run."""
    if "_ISSUENOTE_COMPLETE" in os.environ:  # shell completion is typer's
        return None
    call = parse(sys.argv[1:] if argv is None else argv)
    return None if call is None else run(call)
