"""Every command, registered in one visible place, in the order of a case's life."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any

import typer
from typer.core import TyperCommand

# (command name, module, function), in the order `--help` lists them. The
# function may also be a typer.Typer holding subcommands (`config set ...`).
COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("new", "cases", "new"),
    ("list", "cases", "list_cases"),
    ("show", "cases", "show"),
    ("note", "timeline", "note"),
    ("contact", "timeline", "contact"),
    ("reply", "timeline", "reply"),
    ("step", "timeline", "step"),
    ("done", "timeline", "done"),
    ("escalate", "timeline", "escalate"),
    ("status", "timeline", "status"),
    ("tx", "transactions", "tx"),
    ("attach", "evidence", "attach"),
    ("attachments", "evidence", "attachments"),
    ("open", "evidence", "open_"),
    ("ingest", "ingest", "ingest"),
    ("verify", "evidence", "verify"),
    ("bundle", "bundle", "bundle"),
    ("edit", "cases", "edit"),
    ("amend", "corrections", "amend"),
    ("rm", "cases", "rm"),
    ("undo", "corrections", "undo"),
    ("search", "search", "search"),
    ("due", "followup", "due"),
    ("stats", "followup", "stats"),
    ("export", "export", "export"),
    ("backup", "notebook", "backup"),
    ("restore", "notebook", "restore"),
    ("import", "notebook", "import_"),
    ("config", "config", "config_app"),
    ("doctor", "doctor", "doctor"),
    ("demo", "demo", "demo"),
)
COMMAND_NAMES = frozenset(name for name, _, _ in COMMANDS)


class PlainUsageCommand(TyperCommand):
    """`Usage: issuenote note [OPTIONS] CASE [TEXT]`: typer writes {CASE}, which no
    other tool does and which reads like a template to fill in."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        return [_unbraced(piece) for piece in super().collect_usage_pieces(ctx)]


def _unbraced(piece: str) -> str:
    if piece.startswith("{") and piece.endswith("}"):
        return piece[1:-1]
    return piece


def _function(module: str, function: str) -> Callable[..., Any]:
    return getattr(import_module(f"issuenote.commands.{module}"), function)


def register(app: typer.Typer, *, only: str | None = None) -> None:
    """Register every command, or only the named one (its module alone is imported)."""
    for name, module, function in COMMANDS:
        if only is None or name == only:
            target = _function(module, function)
            if isinstance(target, typer.Typer):
                app.add_typer(target, name=name)
            else:
                app.command(name, cls=PlainUsageCommand)(target)
