"""What every command needs: the store, text arguments, JSON output, options."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

# Output helpers live in typer-free modules (the fast path of issuenote.quick uses them);
# commands import them from here with the rest.
from issuenote.console import alarm as alarm
from issuenote.console import emit_json as emit_json
from issuenote.console import read_stdin
from issuenote.console import say as say
from issuenote.console import warn as warn
from issuenote.errors import IssuenoteError
from issuenote.paths import notebook_home
from issuenote.session import no_notebook_message as no_notebook_message
from issuenote.session import notebook_exists as session_notebook_exists
from issuenote.session import open_notebook
from issuenote.store import Store


def home_of(ctx: typer.Context) -> Path:
    state = ctx.find_root().obj
    return notebook_home(getattr(state, "home", None))


def notebook_exists(ctx: typer.Context) -> bool:
    return session_notebook_exists(home_of(ctx))


@contextmanager
def open_store(ctx: typer.Context, *, create: bool = True) -> Iterator[Store]:
    """The notebook for a command; reading commands pass create=False."""
    with open_notebook(home_of(ctx), create=create) as store:
        yield store


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
