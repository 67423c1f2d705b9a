"""`sync = "auto"`: a sync in the background after each recording command.

The recording command only starts a detached process and returns: the sync
never adds to the time of a `note`. That process syncs until nothing is
pending (a note typed while it ran is synced by the same process), and when
it fails it leaves its one-line reason in ``<home>/sync/background-failure``;
the next command, whatever it is, prints it once as a warning and removes it.

Only `os` and `pathlib` are imported here: every recording command of a
notebook that syncs loads this module.
"""

from __future__ import annotations

import os
from pathlib import Path

_SYNC = "sync"
_STATE = "state.json"
_FAILURE = "background-failure"
_PENDING = "auto-pending"
_RUNNING = "auto.lock"
AUTO = "auto"


def _dir(home: Path) -> Path:
    return home / _SYNC


def report_failure_once(home: Path) -> str | None:
    """The last background sync's failure, if any, removed so it is told only once."""
    path = _dir(home) / _FAILURE
    try:
        text = path.read_text("utf-8", "replace").strip()
    except OSError:
        return None
    try:
        path.unlink()
    except OSError:
        return None  # someone else reported it (or will)
    return text or "unknown error"


def read_failure(home: Path) -> str | None:
    """The last background sync's failure, left in place (for status and doctor)."""
    try:
        return (_dir(home) / _FAILURE).read_text("utf-8", "replace").strip() or None
    except OSError:
        return None


def after_recording(home: Path) -> None:
    """Start a background sync if this notebook syncs with `sync = "auto"`.

    Runs at exit, after the command's own output: a problem is one warning line,
    never a traceback, and never turns a recorded note into a failure.
    """
    if not (_dir(home) / _STATE).exists():
        return
    from issuenote.errors import IssuenoteError

    try:
        _start(home)
    except (IssuenoteError, OSError) as error:
        import sys

        sys.stderr.write(f"issuenote: warning: no background sync: {error}\n")


def _start(home: Path) -> None:
    from issuenote.config import sync_mode

    if sync_mode(home) != AUTO:
        return
    import sys

    pending = _dir(home) / _PENDING
    pending.touch(mode=0o600)
    argv = [sys.executable, "-m", "issuenote", "--home", str(home), "sync", "--background"]
    if hasattr(os, "posix_spawn"):
        # vfork+exec in its own session, no `subprocess` import: about 1 ms.
        null = os.devnull
        os.posix_spawn(
            sys.executable,
            argv,
            os.environ,
            setsid=True,
            file_actions=[
                (os.POSIX_SPAWN_OPEN, 0, null, os.O_RDONLY, 0),
                (os.POSIX_SPAWN_OPEN, 1, null, os.O_WRONLY, 0),
                (os.POSIX_SPAWN_OPEN, 2, null, os.O_WRONLY, 0),
            ],
        )
        return
    import subprocess

    subprocess.Popen(
        argv,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        creationflags=getattr(subprocess, "DETACHED_PROCESS", 0),
        close_fds=True,
    )


def run_in_background(home: Path) -> None:
    """The detached process: sync while something is pending; one process at a time."""
    directory = _dir(home)
    fd = os.open(directory / _RUNNING, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        import fcntl

        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return  # one is running; it sees the pending mark and syncs again
        pending = directory / _PENDING
        while True:
            try:
                pending.unlink()
            except FileNotFoundError:
                break
            _sync_once(home)
    finally:
        os.close(fd)


def _sync_once(home: Path) -> None:
    from issuenote.errors import IssuenoteError
    from issuenote.parse import timeparse
    from issuenote.sync import engine

    failure = _dir(home) / _FAILURE
    try:
        engine.run(home)
    except IssuenoteError as error:
        message = str(error)
    except Exception as error:  # a background process has nobody else to tell
        message = f"{type(error).__name__}: {error}"
    else:
        failure.unlink(missing_ok=True)
        return
    when = timeparse.format_local(timeparse.utc_now(), style="long")
    failure.write_text(f"at {when}: {' '.join(message.split())}\n", "utf-8")
