"""The `issuenote` command: global options, error handling, command registration.

User errors (IssuenoteError) become one line on stderr and exit 1 here, in one
place; `--debug` shows the traceback instead. Heavy modules (rich,
sqlite-utils, keyring, cryptography) are imported by the commands that need
them, never at start-up: a note is typed mid-chat and must feel instant.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from issuenote import __version__
from issuenote.errors import IssuenoteError

try:  # typer 0.28 carries its own copy of click; earlier ones use click itself
    from typer._click.exceptions import UsageError
except ImportError:  # pragma: no cover - depends on the installed typer
    from click.exceptions import UsageError  # type: ignore[assignment]


class State:
    """Options of the top-level callback, shared with every command via ctx.obj."""

    def __init__(self, home: str | None, debug: bool) -> None:
        self.home = home
        self.debug = debug


def _one_line_usage_error(error: UsageError, fallback: str = "issuenote") -> UsageError:
    """A usage error in the one-line style of every other error, with the --help hint.

    click prints the usage synopsis, a hint and then the error over four lines;
    ours is `issuenote: note: missing argument CASE (see issuenote note --help)`,
    exit 2 as before.
    """
    if isinstance(error, OneLineUsageError) or type(error).__name__ == "NoArgsIsHelpError":
        return error  # a group run bare shows its help, as asked
    command = fallback
    if error.ctx is not None and error.ctx.command_path != "issuenote":
        command = error.ctx.command_path
    message = error.format_message().strip().rstrip(".")
    message = message.replace("{", "").replace("}", "").replace("'", "")
    message = message[:1].lower() + message[1:]
    message = message.replace(". Did you mean", "; did you mean")
    where = command.removeprefix("issuenote").strip()
    prefix = f"{where}: " if where else ""
    return OneLineUsageError(f"{prefix}{message} (see `{command} --help`)", error.ctx)


class OneLineUsageError(UsageError):
    def show(self, file: Any = None) -> None:
        from issuenote.textsafe import printable

        typer.echo(f"issuenote: {printable(self.message, single_line=True)}", err=True)


class IssuenoteGroup(TyperGroup):
    """Turns a user error raised anywhere below into the one-line report."""

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().make_context(*args, **kwargs)
        except UsageError as error:
            raise _one_line_usage_error(error) from None

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except UsageError as error:
            named = ctx.invoked_subcommand
            fallback = f"issuenote {named}" if named in self.commands else "issuenote"
            raise _one_line_usage_error(error, fallback) from None
        except IssuenoteError as error:
            state = ctx.obj if isinstance(ctx.obj, State) else None
            if (state and state.debug) or os.environ.get("ISSUENOTE_DEBUG"):
                raise
            from issuenote.textsafe import printable

            # Messages quote user input (a file name, a value): never replay it raw.
            typer.echo(f"issuenote: {printable(str(error), single_line=True)}", err=True)
            raise typer.Exit(1) from None

    def list_commands(self, ctx: Any) -> list[str]:
        # Keep the order of registration (the order of a case's life), not a-z.
        return list(self.commands)


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"issuenote {__version__}")
        raise typer.Exit()


def main_options(
    ctx: typer.Context,
    home: Annotated[
        str | None,
        typer.Option(
            "--home",
            metavar="DIR",
            help="Notebook directory (default: $ISSUENOTE_HOME, else your user data dir).",
            show_default=False,
        ),
    ] = None,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show a traceback instead of a one-line error.")
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_show_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    from issuenote.paths import notebook_home, refuse_empty_home, use_configured_zone

    refuse_empty_home(home)
    ctx.obj = State(home=home, debug=debug)
    if not ctx.resilient_parsing:
        use_configured_zone(notebook_home(home))
    if ctx.invoked_subcommand is None and not ctx.resilient_parsing:
        # No command: the agenda (IssuenoteGroup.invoke reports its errors).
        from issuenote.quick.agenda import show_agenda

        show_agenda(notebook_home(home))


def build_app(only: str | None = None) -> typer.Typer:
    """The app with every command, or with just `only` for a fast start.

    typer turns each registered function into a click command on every run
    (signature inspection, type hints): about 1.5 ms a command. A run that
    names its command needs only that one; help and errors get them all.
    """
    from issuenote.commands import register

    new_app = typer.Typer(
        cls=IssuenoteGroup,
        name="issuenote",
        help="Keep your own record of a problem with an online service, and hand support "
        "a clean summary of it.\n\n"
        "\b\nExamples:\n"
        '  issuenote new "USDT withdrawal stuck" --platform OKX --category withdrawal\n'
        '  issuenote reply last "Waiting for confirmations" --agent Kevin --ticket TK-884\n'
        "  issuenote export last --lang zh\n\n"
        "CASE is a case number or `last`, the most recently active case.",
        no_args_is_help=False,
        add_completion=True,
        pretty_exceptions_show_locals=False,
        # Plain click help: rich-formatted help doubles the start-up of `--help`.
        rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    new_app.callback(invoke_without_command=True)(main_options)
    register(new_app, only=only)
    return new_app


# Global options that take a value, so the command scan can step over it.
_VALUE_OPTIONS = ("--home",)


def command_named_in(argv: list[str]) -> str | None:
    """The subcommand an argument list runs, if it can be told without click."""
    args = iter(argv)
    for arg in args:
        if arg in _VALUE_OPTIONS:
            next(args, None)
        elif arg.startswith("-"):
            if (
                arg in ("-h", "--help", "--version")
                or arg.startswith("--show-completion")
                or (arg.startswith("--install-completion"))
            ):
                return None
        else:
            return arg
    return None


def wants_agenda(argv: list[str]) -> bool:
    """True when the arguments name no command and ask for no help: show the agenda."""
    args = iter(argv)
    for arg in args:
        if arg in _VALUE_OPTIONS:
            if next(args, None) is None:
                return False
        elif arg.startswith("--home="):
            continue
        elif arg != "--debug":
            return False
    return True


def __getattr__(name: str) -> Any:
    """`issuenote.cli.app`, the app with every command, built on first use.

    Built lazily so that `main()` running one command never imports the
    modules of all the others.
    """
    if name == "app":
        globals()["app"] = full_app = build_app()
        return full_app
    raise AttributeError(name)


def run_app() -> None:
    """The typer app, built with only the command the arguments name when they name one."""
    from issuenote.commands import COMMAND_NAMES

    name = command_named_in(sys.argv[1:])
    if name not in COMMAND_NAMES or "_ISSUENOTE_COMPLETE" in os.environ:
        name = None
    if name is None and "_ISSUENOTE_COMPLETE" not in os.environ and wants_agenda(sys.argv[1:]):
        name = ""  # the agenda needs no command registered at all
    build_app(only=name)(prog_name="issuenote")
