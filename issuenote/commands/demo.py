"""`issuenote demo`: the main job, end to end, on a throwaway notebook."""

from __future__ import annotations

import contextlib
import io
import shlex
import tempfile
from pathlib import Path
from typing import Annotated

import typer


def demo(
    keep: Annotated[
        bool,
        typer.Option(
            "--keep/--no-keep", help="Keep the throwaway notebook to explore it afterwards."
        ),
    ] = True,
) -> None:
    """Show the main job on a throwaway notebook.

    Records the running example (a USDT withdrawal stuck for three days) and shows it.

    Your own notebook is never touched: the demo always writes to a new temporary directory.

    \b
    Examples:
      issuenote demo
    """
    from issuenote import render
    from issuenote.cli import build_app
    from issuenote.demo import demo_commands
    from issuenote.parse import timeparse
    from issuenote.store import Store

    home = tempfile.mkdtemp(prefix="issuenote-demo-")
    _give_throwaway_key(Path(home))
    out = render.console()
    out.print(f"issuenote demo: a throwaway notebook in {home} (your own notebook is untouched).")
    out.print("Recording the case with these commands:\n", style="bold")
    # The full command set: this run may have been built with `demo` alone.
    root = typer.main.get_command(build_app())
    for args in demo_commands(timeparse.utc_now()):
        out.print("$ issuenote " + shlex.join(args), style="dim", markup=False, soft_wrap=True)
        with contextlib.redirect_stdout(io.StringIO()):
            code = root.main(["--home", home, *args], prog_name="issuenote", standalone_mode=False)
        if code:  # the command already said why on stderr
            raise typer.Exit(code)
    out.print()
    store = Store.open(Path(home), create=False)
    assert store is not None
    try:
        doc = store.case_document(1)
    finally:
        store.close()
    render.print_lines(out, render.case_view(doc))
    out.print()
    out.print("The summary to paste into a support chat ($ issuenote export 1):\n", style="bold")
    with contextlib.redirect_stdout(io.StringIO()) as summary:
        root.main(["--home", home, "export", "1"], prog_name="issuenote", standalone_mode=False)
    out.print(render.plain_block(summary.getvalue()), soft_wrap=True)
    if keep:
        out.print("Explore it further (the directory is yours to delete):", style="bold")
        quoted = shlex.quote(home)
        for example in (
            "show 1 --json",
            "export 1 --lang zh",
            "export 1 --format email --lang ko",
            "list",
        ):
            out.print(f"  issuenote --home {quoted} {example}", markup=False, soft_wrap=True)
    else:
        import shutil

        shutil.rmtree(home, ignore_errors=True)


def _give_throwaway_key(home: Path) -> None:
    """A key file of its own, so the demo never touches the OS keyring (nor warns)."""
    import os

    from issuenote.safety.fieldcrypt import new_key
    from issuenote.safety.keys import encode_key, key_file_path

    descriptor = os.open(key_file_path(home), os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    with os.fdopen(descriptor, "w") as key_file:
        key_file.write(encode_key(new_key()) + "\n")
