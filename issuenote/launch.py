"""The console script: the plain forms of the commands used mid-chat fast, the rest via typer."""

from __future__ import annotations

import os
import sys


def main() -> None:
    """Console-script entry point."""
    try:
        from issuenote.quick import dispatch

        code = dispatch.main()
        if code is None:
            from issuenote.cli import run_app

            run_app()
            return
    except BrokenPipeError:
        # `issuenote list | head`: the reader left; that is not our error.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(0)
    finally:
        run_after_exit()
    sys.exit(code)


def run_after_exit() -> None:
    """Work a command left for after its output (the background sync of `sync = auto`)."""
    session = sys.modules.get("issuenote.session")  # not loaded: nothing was left
    if session is not None:
        session.run_after_exit()
