"""Write docs/commands.md from the CLI itself: every command's --help, and the settings.

    python scripts/make_command_docs.py          # rewrite docs/commands.md
    python scripts/make_command_docs.py --check  # exit 1 if it is stale

tests/test_docs.py fails when the file is stale, so the reference can never
drift from the code. Help is rendered at a fixed 80 columns, whatever the
terminal, so the file is the same on every machine.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "docs" / "commands.md"
WIDTH = 80


def _help(command: Any, path: list[str], parent: Any) -> str:
    context = command.make_context(
        path[-1],
        [],
        parent=parent,
        resilient_parsing=True,
        terminal_width=WIDTH,
        max_content_width=WIDTH,
    )
    return command.get_help(context).rstrip() + "\n", context


def _walk(command: Any, path: list[str], parent: Any, out: list[str]) -> None:
    text, context = _help(command, path, parent)
    level = "#" * min(len(path) + 1, 4)
    out.append(f"{level} {' '.join(path)}\n\n```text\n{text}```\n")
    for name in getattr(command, "list_commands", lambda ctx: [])(context):
        _walk(command.get_command(context, name), [*path, name], context, out)


def settings_section() -> str:
    from issuenote.config import SETTINGS

    rows = ["| Key | Default | Valid values | What it does |", "|---|---|---|---|"]
    for entry in SETTINGS:
        default = entry.default if entry.default is not None else (entry.default_label or "")
        rows.append(f"| `{entry.key}` | {default} | {entry.valid_values()} | {entry.help} |")
    return "## Settings (`issuenote config`)\n\n" + "\n".join(rows) + "\n"


def render() -> str:
    import typer

    from issuenote.cli import build_app

    root = typer.main.get_command(build_app())
    out = [
        "# Command reference\n\n"
        "Generated from the CLI by `python scripts/make_command_docs.py`; do not edit by "
        "hand (tests/test_docs.py fails when it is stale).\n"
    ]
    _walk(root, ["issuenote"], None, out)
    out.append(settings_section())
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is stale")
    args = parser.parse_args()
    text = render()
    current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
    if args.check:
        if current != text:
            print(f"{TARGET} is stale: run python scripts/make_command_docs.py", file=sys.stderr)
            return 1
        return 0
    TARGET.parent.mkdir(exist_ok=True)
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)} ({len(text):,} characters)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
