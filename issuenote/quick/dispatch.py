"""Commands used mid-chat, read without typer: `note`, `reply`, `show`, `search`, `export CASE`.

Importing typer (and the click it carries) and building a command from a
signature is about half of the 10x-`python -c pass` budget of a command that
reads. The plain forms of these five commands and of the agenda (no command;
global `--home DIR`/`--debug` first, then the command, its words and its own
options in any order) are read here and run the very function the typer command runs, with the same
output and the same one-line errors. Anything else (help, the editor, a
missing or extra word, an unknown or misplaced option, `--`, an option value
that starts with `-`, a number click would read differently, `export --all`)
is left to typer, so usage errors and help read as they always have.
tests/test_quick.py runs each form both ways and checks these tables
against the typer commands' own options.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any, NamedTuple


class _Declined(Exception):
    """The command line is typer's to read."""


def _count(value: str) -> int:
    """A plain decimal, as --max-chars takes; click reads signs, `_` and other digits too."""
    if not (value.isascii() and value.isdigit()):
        raise _Declined
    return int(value)


def _path(value: str) -> Any:
    from pathlib import Path

    return Path(value)


class Command(NamedTuple):
    """One command read here: its words, its options and the function that runs it."""

    words: tuple[str, ...]  # positional parameters, in order
    required: int  # how many of the words must be given
    flags: dict[str, tuple[str, bool]]  # --flag -> (parameter, value it sets)
    valued: dict[str, tuple[str, Callable[[str], Any]]]  # --option -> (parameter, reader)
    target: str  # "module:function", called as function(home, *words, **options)
    left_to_typer: frozenset[str] = frozenset()  # its options only typer reads
    repeated: frozenset[str] = frozenset()  # parameters an option adds to, each time given


COMMANDS: dict[str, Command] = {
    # no command at all (global options at most): the agenda
    "": Command(
        words=(), required=0, flags={}, valued={}, target="issuenote.quick.agenda:show_agenda"
    ),
    "note": Command(
        words=("case", "text"),
        required=2,
        flags={
            "--redact": ("redact", True),
            "--private": ("private", True),
            "--json": ("as_json", True),
        },
        valued={"--at": ("at", str)},
        target="issuenote.quick.record:record_note",
        left_to_typer=frozenset({"-e", "--edit", "--resume"}),
    ),
    "reply": Command(
        words=("case", "text"),
        required=2,
        flags={
            "--redact": ("redact", True),
            "--private": ("private", True),
            "--json": ("as_json", True),
        },
        valued={
            "--agent": ("agent", str),
            "-a": ("agent", str),
            "--agent-id": ("agent_id", str),
            "--ticket": ("ticket", str),
            "-t": ("ticket", str),
            "--channel": ("channel", str),
            "-c": ("channel", str),
            "--via": ("via", str),
            "--suggests": ("suggests", str),
            "-s": ("suggests", str),
            "--promised": ("promised", str),
            "--at": ("at", str),
        },
        target="issuenote.quick.record:record_reply",
        left_to_typer=frozenset({"-e", "--edit", "--resume"}),
    ),
    "show": Command(
        words=("case",),
        required=0,
        flags={
            "--full": ("full", True),
            "--history": ("history", True),
            "--reveal": ("reveal", True),
            "--no-pager": ("no_pager", True),
            "--json": ("as_json", True),
        },
        valued={},
        target="issuenote.quick.show:show_case",
    ),
    "search": Command(
        words=("query",),
        required=1,
        flags={"--rank": ("rank", True), "--fts": ("fts", True), "--json": ("as_json", True)},
        valued={
            "--case": ("case", str),
            "--platform": ("platform", str),
            "--since": ("since", str),
            "--kind": ("kind", str),
            "--limit": ("limit", _count),
        },
        target="issuenote.quick.search:search_notebook",
        repeated=frozenset({"kind"}),
    ),
    "export": Command(
        words=("case",),
        required=1,
        flags={
            "--force": ("force", True),
            "--copy": ("copy", True),
            "--no-suspicious": ("suspicious", False),
            "--no-redact": ("redact", False),
            "--include-private": ("include_private", True),
        },
        valued={
            "--format": ("fmt", str),
            "-f": ("fmt", str),
            "--lang": ("lang", str),
            "--output": ("output", _path),
            "-o": ("output", _path),
            "--max-chars": ("max_chars", _count),
            "--max-bytes": ("max_bytes", _count),
            "--to": ("to", str),
        },
        target="issuenote.quick.export:export_case",
        # the whole notebook takes seconds to minutes: typer's start-up is nothing there
        left_to_typer=frozenset({"--all", "--with-attachments"}),
    ),
}


class Call(NamedTuple):
    """A command line as typer would have read it (no dataclass: it imports inspect)."""

    command: str
    words: tuple[str, ...]
    options: dict[str, Any]
    home: str | None = None
    debug: bool = False


def parse(argv: list[str]) -> Call | None:
    """The call `argv` asks for, or None when typer should read it."""
    try:
        return _parse(argv)
    except _Declined:
        return None


def _parse(argv: list[str]) -> Call:
    position = 0
    home: str | None = None
    debug = False
    while position < len(argv) and (not argv[position] or argv[position] not in COMMANDS):
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
            raise _Declined
    name = argv[position] if position < len(argv) else ""
    command = COMMANDS[name]
    options: dict[str, Any] = {}
    words: list[str] = []
    rest = iter(argv[position + 1 :])  # nothing after the agenda's global options
    for arg in rest:
        option, has_value, inline = arg.partition("=")
        if arg in command.flags:
            parameter, value = command.flags[arg]
            options[parameter] = value
        elif arg in command.valued:
            value_text = next(rest, None)
            if value_text is None or not _plain(value_text):
                raise _Declined
            _set(command, options, arg, value_text)
        elif has_value and option.startswith("--") and option in command.valued and inline:
            _set(command, options, option, inline)
        elif arg == "-" or not arg.startswith("-"):
            words.append(arg)
        else:
            raise _Declined
    if not command.required <= len(words) <= len(command.words):
        raise _Declined
    return Call(name, tuple(words), options, home=home, debug=debug)


def _set(command: Command, options: dict[str, Any], option: str, text: str) -> None:
    """An option's value, as click keeps it: the last one given, or all of a repeated one."""
    parameter, read = command.valued[option]
    value = read(text)
    if parameter in command.repeated:
        options[parameter] = (*options.get(parameter, ()), value)
    else:
        options[parameter] = value


def _plain(value: str) -> bool:
    """A value click would not mistake for an option (leave the others to it)."""
    return not value.startswith("-")


def run(call: Call) -> int:
    """Run the call and print what `issuenote` prints; the exit status."""
    from issuenote.console import echo
    from issuenote.errors import IssuenoteError

    try:
        _target(call)
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


def _target(call: Call) -> None:
    from importlib import import_module

    from issuenote.paths import notebook_home, refuse_empty_home, use_configured_zone

    refuse_empty_home(call.home)  # the global options' work, as the typer callback does it
    home = notebook_home(call.home)
    use_configured_zone(home)
    module, _, function = COMMANDS[call.command].target.partition(":")
    getattr(import_module(module), function)(home, *call.words, **call.options)


def main(argv: list[str] | None = None) -> int | None:
    """The exit status of a command run here, or None when the full CLI must run."""
    if "_ISSUENOTE_COMPLETE" in os.environ:  # shell completion is typer's
        return None
    call = parse(sys.argv[1:] if argv is None else argv)
    return None if call is None else run(call)
