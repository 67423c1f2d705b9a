"""`issuenote config list|get|set|unset`: the settings in config.toml."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from issuenote.commands import PlainUsageCommand
from issuenote.commands._common import JsonOption, emit_json, home_of, say

config_app = typer.Typer(
    name="config",
    help="Show and change settings (config.toml in the notebook home).\n\n"
    "Example: issuenote config set language zh",
    no_args_is_help=True,
)

KeyArgument = Annotated[
    str, typer.Argument(metavar="KEY", help="A setting; `issuenote config list` shows them.")
]


def _display(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(sorted(value)) or "(empty)"
    return str(value)


@config_app.command("list", cls=PlainUsageCommand)
def list_settings(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Every setting: its value, or its default, and what it does.

    \b
    Examples:
      issuenote config list
    """
    from issuenote import config

    home = home_of(ctx)
    current = config.load_config(home)
    if as_json:
        emit_json(
            {
                entry.key: {
                    "value": current.get(entry.key, entry.default),
                    "set": entry.key in current,
                    "default": entry.default,
                    "valid": entry.valid_values(),
                    "help": entry.help,
                }
                for entry in config.SETTINGS
            }
        )
        return
    width = max(len(entry.key) for entry in config.SETTINGS)
    for entry in config.SETTINGS:
        if entry.key in current:
            shown = _display(current[entry.key])
        elif entry.default is not None:
            shown = f"{entry.default} (default)"
        else:
            shown = f"({entry.default_label or 'not set'})"
        say(f"{entry.key:<{width}}  {shown}")
        say(f"{'':<{width}}  {entry.help}")
    say(f"File: {config.config_path(home)}")


@config_app.command("get", cls=PlainUsageCommand)
def get(ctx: typer.Context, key: KeyArgument, as_json: JsonOption = False) -> None:
    """Print one setting's value (its default when it is not set).

    \b
    Examples:
      issuenote config get language
    """
    from issuenote import config

    entry = config.setting(key)
    value = config.get(home_of(ctx), entry.key)
    if as_json:
        emit_json({"key": entry.key, "value": value})
    elif value is not None:
        say(_display(value))


@config_app.command("set", cls=PlainUsageCommand)
def set_(
    ctx: typer.Context,
    key: KeyArgument,
    value: Annotated[str, typer.Argument(metavar="VALUE", help="The new value.")],
) -> None:
    """Change a setting; a bad value is refused with the valid ones listed.

    \b
    Examples:
      issuenote config set timezone Asia/Seoul
    """
    from issuenote import config

    entry = config.setting(key)
    stored = config.set_value(home_of(ctx), entry.key, value)
    say(f"{entry.key} = {_display(stored)}")


@config_app.command("unset", cls=PlainUsageCommand)
def unset(ctx: typer.Context, key: KeyArgument) -> None:
    """Remove a setting, so its default applies again.

    \b
    Examples:
      issuenote config unset pager
    """
    from issuenote import config

    entry = config.setting(key)
    if config.unset(home_of(ctx), entry.key):
        say(f"{entry.key} unset.")
    else:
        say(f"{entry.key} was not set.")
