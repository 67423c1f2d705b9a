"""The notebook's own settings: `<home>/config.toml`, optional and hand-edited.

    language = "zh"              # default language of exports (en, zh, ko)
    name = "Alice Chen"          # signs the e-mail export

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
KNOWN_KEYS = ("language", "name", "channels")


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


def default_language(home: Path) -> str | None:
    from issuenote.model import choose

    language = load_config(home).get("language")
    if language is None:
        return None
    if not isinstance(language, str):
        raise IssuenoteError(f'{home / CONFIG_NAME}: language must be a string such as "zh"')
    return choose("language", language)


def user_name(home: Path) -> str | None:
    """The name that signs the e-mail export, if the user set one."""
    name = load_config(home).get("name")
    if name is None:
        return None
    if not isinstance(name, str) or "\n" in name or not name.strip():
        raise IssuenoteError(
            f'{home / CONFIG_NAME}: name must be one line of text, such as "Alice Chen"'
        )
    return name.strip()
