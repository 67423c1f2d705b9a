"""What every command needs: the store, text arguments, JSON output, options."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterator
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


def no_notebook_message(home: Path) -> str:
    """Says where we looked, so a mistyped --home or ISSUENOTE_HOME shows at once."""
    return f"no notebook at {home} yet; record a case with `issuenote new TITLE`"


def notebook_exists(ctx: typer.Context) -> bool:
    """Reading commands check first, so that reading never creates a notebook."""
    return database_path(home_of(ctx)).exists()


@contextmanager
def open_store(ctx: typer.Context, *, create: bool = True) -> Iterator[Store]:
    """The notebook for a command; reading commands pass create=False."""
    home = home_of(ctx)
    store = Store.open(home, create=create)
    if store is None:
        raise IssuenoteError(no_notebook_message(home))
    try:
        yield store
        for message in store.vault.warnings:
            warn(message)
    finally:
        store.close()
    _after_command(home, recorded=create)


# What the console script runs after the command has finished (see cli.main).
AFTER_EXIT: list[Callable[[], None]] = []


def _after_command(home: Path, *, recorded: bool) -> None:
    """Sync's part of every command: a failed background sync is told once; auto sync."""
    if not (home / "sync").is_dir():  # one stat for notebooks that do not sync
        return
    from issuenote.sync import auto

    failure = auto.report_failure_once(home)
    if failure:
        warn(f"the background sync failed {failure}; run `issuenote sync` to retry")
    if recorded:
        # Run by the console script once the command has printed its confirmation
        # (the user never waits); a command run in-process (tests) starts nothing.
        AFTER_EXIT.append(lambda: auto.after_recording(home))


PASTE_HINT = "Paste the text, then press Ctrl-D on a new line (Ctrl-C cancels)."


def read_stdin() -> str:
    """Standard input; on a terminal, first say how to end it (people wait otherwise)."""
    if sys.stdin.isatty():
        typer.echo(PASTE_HINT, err=True)
    return sys.stdin.read()


def read_text(value: str | None, *, what: str, edit: bool = False) -> str | None:
    """`-` reads stdin; no text (or --edit) on a terminal opens $EDITOR (no draft kept)."""
    if value == "-":
        return read_stdin()
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


class DraftKept(IssuenoteError):
    """The editor did not finish; the message already says where the draft is."""


class Draft:
    """Text written in $EDITOR, kept in `<home>/drafts/` until it is recorded.

    Ctrl-C, a failing editor or a refused text (a secret in it) never loses
    what was typed: the file stays, and `-e --resume` opens it again.
    """

    def __init__(self, ctx: typer.Context, command: str, case: str, what: str) -> None:
        import re as _re

        self.home = home_of(ctx)
        self.what = what
        self.resume_hint = f"issuenote {command} {case} -e --resume"
        safe_case = _re.sub(r"[^A-Za-z0-9_-]", "_", case)[:40] or "case"
        self.path = self.home / "drafts" / f"{command}-{safe_case}.txt"

    def write(self, initial: str | None, *, resume: bool) -> str:
        """Open the editor on the draft; the text written, comment lines removed."""
        if resume and not self.path.exists():
            raise IssuenoteError(f"no kept draft at {self.path}; leave out --resume to start one")
        if not resume:
            self._save(
                (initial or "")
                + f"\n# Write the {self.what} above. Lines starting with '# ' are ignored.\n"
                + f"# Kept until recorded; `{self.resume_hint}` reopens it.\n"
            )
        self._edit()
        written = self.path.read_text(encoding="utf-8", errors="replace")
        lines = [line for line in written.splitlines() if not line.startswith("# ")]
        text = "\n".join(lines).strip()
        if not text:
            self.discard()
            raise IssuenoteError(f"no {self.what} written; nothing recorded")
        return text

    def kept(self, error: IssuenoteError) -> IssuenoteError:
        """The same refusal, saying where the typed text waits."""
        return IssuenoteError(f"{error}; your text is kept: `{self.resume_hint}` reopens it")

    def discard(self) -> None:
        import contextlib

        with contextlib.suppress(OSError):
            self.path.unlink()

    def _save(self, text: str) -> None:
        import os

        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text)
        except OSError as error:
            raise IssuenoteError(f"cannot write the draft {self.path}: {error.strerror}") from None

    def _edit(self) -> None:
        import click

        try:
            click.edit(filename=str(self.path))
        except KeyboardInterrupt:
            raise DraftKept(
                f"interrupted; your draft is kept: `{self.resume_hint}` reopens it"
            ) from None
        except click.ClickException as error:
            raise DraftKept(
                f"the editor failed ({error.format_message()}); your draft is kept: "
                f"`{self.resume_hint}` reopens it"
            ) from None


@contextmanager
def drafted(ctx: typer.Context, command: str, case: str, what: str) -> Iterator[Draft]:
    # A draft exists only once the editor has opened; a refusal before that has none.
    """A draft for one command: discarded when the block ends well, kept otherwise."""
    draft = Draft(ctx, command, case, what)
    try:
        yield draft
    except DraftKept:
        raise
    except IssuenoteError as error:
        if draft.path.exists():
            raise draft.kept(error) from None
        raise
    draft.discard()


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
CaseArgument = Annotated[
    str,
    typer.Argument(
        metavar="CASE", help="Case number (see `list`), or `last` for the most recently active."
    ),
]
EditOption = Annotated[bool, typer.Option("--edit", "-e", help="Write the text in $EDITOR.")]
ResumeOption = Annotated[
    bool,
    typer.Option(
        "--resume",
        help="With -e: reopen the draft kept after Ctrl-C, a failed editor or a refusal.",
    ),
]
RedactOption = Annotated[
    bool,
    typer.Option("--redact", help="Store the text with any secret masked, instead of refusing it."),
]
PrivateOption = Annotated[
    bool,
    typer.Option("--private", help="Store the text encrypted and leave it out of exports."),
]
