"""Per-platform export settings: the official support address and chat limits.

They live in the registry of official channels (``official_channels.toml``,
keys ``support_email``, ``chat_max_chars``, ``chat_max_bytes``) and can be set
or overridden per platform in the notebook's ``config.toml``::

    [channels.OKX]
    support_email = "support@example.com"
    chat_max_chars = 800

A shipped value needs a cited source (see the file's rule for editors); where
no limit is known none is shipped, and the export's own defaults apply.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any, NamedTuple

from issuenote.errors import IssuenoteError


class Preset(NamedTuple):
    support_email: str | None = None
    chat_max_chars: int | None = None
    chat_max_bytes: int | None = None


@cache
def _shipped_tables() -> dict[str, dict[str, Any]]:
    from issuenote.safety.scam import shipped_channels

    return dict(shipped_channels().get("platforms", {}))


def _limit(value: Any, where: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise IssuenoteError(f"{where} must be a positive whole number, not {value!r}")
    return value


def _address(value: Any, where: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or "@" not in value or any(c.isspace() for c in value.strip()):
        raise IssuenoteError(f"{where} must be one e-mail address, not {value!r}")
    return value.strip()


def preset_for(platform: str | None, channels: Mapping[str, Any] | None = None) -> Preset:
    """The settings for ``platform`` (any of its names): shipped, then the
    user's ``[channels.<Platform>]`` tables on top."""
    if not platform:
        return Preset()
    from issuenote.safety import scam

    registry = scam.load_registry(channels)
    known = registry.find(platform)
    names = {platform.casefold()}
    if known is not None:
        names |= {known.name.casefold(), *(alias.casefold() for alias in known.aliases)}
    merged: dict[str, Any] = {}
    tables = [("official_channels.toml", _shipped_tables())]
    if channels:
        tables.append(("config.toml [channels]", dict(channels)))
    for source, platforms in tables:
        for name, table in platforms.items():
            if str(name).strip().casefold() in names and isinstance(table, Mapping):
                for key in ("support_email", "chat_max_chars", "chat_max_bytes"):
                    if key in table:
                        merged[key] = (table[key], f"{source} {name}.{key}")
    email = merged.get("support_email")
    chars = merged.get("chat_max_chars")
    size = merged.get("chat_max_bytes")
    return Preset(
        support_email=_address(*email) if email else None,
        chat_max_chars=_limit(*chars) if chars else None,
        chat_max_bytes=_limit(*size) if size else None,
    )
