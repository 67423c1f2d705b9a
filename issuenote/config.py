"""The notebook's own settings: `<home>/config.toml`, optional and hand-edited.

    language = "zh"              # default language of exports (en, zh, ko)
    sync = "auto"                # sync in the background after each recording command
                                 # ("manual", the default: only `issuenote sync`)

    [channels.OKX]               # add to the shipped list of official channels
    domains = ["okx.com"]
    emails = ["okx.com"]
    handles = ["@okx"]

Read only by the commands that need it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from issuenote.errors import IssuenoteError

CONFIG_NAME = "config.toml"
KNOWN_KEYS = ("language", "channels", "sync")
SYNC_MODES = ("manual", "auto")


def load_config(home: Path) -> dict[str, Any]:
    path = home / CONFIG_NAME
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as error:
        raise IssuenoteError(f"cannot read {path}: {error.strerror or error}") from None
    import tomllib

    try:
        config = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise IssuenoteError(f"{path} is not valid TOML: {error}") from None
    unknown = sorted(set(config) - set(KNOWN_KEYS))
    if unknown:
        raise IssuenoteError(
            f"{path}: unknown setting {unknown[0]!r}; known: {', '.join(KNOWN_KEYS)}"
        )
    return config


def sync_mode(home: Path) -> str:
    """`manual` (sync when asked) or `auto` (also in the background after each recording)."""
    mode = load_config(home).get("sync", "manual")
    if mode not in SYNC_MODES:
        raise IssuenoteError(
            f'{home / CONFIG_NAME}: sync must be "manual" or "auto", got {str(mode)[:20]!r}'
        )
    return str(mode)


def default_language(home: Path) -> str | None:
    from issuenote.model import choose

    language = load_config(home).get("language")
    if language is None:
        return None
    if not isinstance(language, str):
        raise IssuenoteError(f'{home / CONFIG_NAME}: language must be a string such as "zh"')
    return choose("language", language)
