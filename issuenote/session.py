"""One command's use of the notebook: open it, report the vault's warnings, sync after.

Free of typer, so the fast path of `issuenote.quick` and the typer commands
(through `issuenote.commands._common.open_store`) open notebooks the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from issuenote.console import warn
from issuenote.errors import IssuenoteError
from issuenote.store import Store

# What the console script runs after the command has finished (see launch.main).
AFTER_EXIT: list[Callable[[], None]] = []


def notebook_exists(home: Path) -> bool:
    """Reading commands check first, so that reading never creates a notebook."""
    from issuenote.paths import database_path

    return database_path(home).exists()


def no_notebook_message(home: Path) -> str:
    """Says where we looked, so a mistyped --home or ISSUENOTE_HOME shows at once."""
    return f"no notebook at {home} yet; record a case with `issuenote new TITLE`"


@contextmanager
def open_notebook(home: Path, *, create: bool = True) -> Iterator[Store]:
    """The notebook at `home`; reading commands pass create=False."""
    store = Store.open(home, create=create)
    if store is None:
        raise IssuenoteError(no_notebook_message(home))
    try:
        yield store
        for message in store.vault.warnings:
            warn(message)
    finally:
        store.close()
    after_command(home, recorded=create)


def after_command(home: Path, *, recorded: bool) -> None:
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


def run_after_exit() -> None:
    """Work a command left for after its output (the background sync of `sync = auto`)."""
    while AFTER_EXIT:
        AFTER_EXIT.pop(0)()
