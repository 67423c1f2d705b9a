"""Exporters: turn a case document into what support reads.

One interface for every format: ``render(doc, fmt=...)`` returns text, and
``render_eml(doc)`` returns a ready ``.eml`` message. Each format lives in its
own module and is imported only when asked for, so importing this package
stays cheap for commands that never export.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from issuenote.errors import IssuenoteError

if TYPE_CHECKING:
    from datetime import datetime, tzinfo

FORMATS = ("chat", "email", "markdown", "text", "json", "html")
LANGS = ("en", "zh", "ko")
DEFAULT_MAX_CHARS = 1000

# format -> (module, function); each function takes the prepared case view
_RENDERERS = {
    "chat": ("chat", "render_chat"),
    "email": ("mail", "render_email"),
    "markdown": ("markdown", "render_markdown"),
    "text": ("text", "render_text"),
    "html": ("html", "render_html"),
}

__all__ = [
    "DEFAULT_MAX_CHARS",
    "FORMATS",
    "LANGS",
    "mask_account",
    "minimum_chat_chars",
    "render",
    "render_eml",
]


def mask_account(ref: str) -> str:
    """Mask an account reference for export (see :mod:`issuenote.exporters.masking`).

    ``alice.chen@gmail.com`` -> ``a***n@gmail.com``, ``UID 12345689`` ->
    ``UID 12****89``, ``+86 138 0013 8000`` -> ``+86 *** **** 8000``.
    """
    from issuenote.exporters.masking import mask_account as _mask

    return _mask(ref)


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise IssuenoteError(f"unknown export format {fmt!r}: choose one of {', '.join(FORMATS)}")


def _check_max_chars(max_chars: Any, option: str = "--max-chars") -> int:
    if isinstance(max_chars, bool) or not isinstance(max_chars, int) or max_chars < 1:
        raise IssuenoteError(f"{option} must be a positive whole number, not {max_chars!r}")
    return max_chars


def render(
    doc: dict[str, Any],
    *,
    fmt: str = "chat",
    lang: str | None = "en",
    tz: tzinfo | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
    max_bytes: int | None = None,
    redact: bool = True,
    include_private: bool = False,
    now: datetime | None = None,
    suspicious: bool = True,
    signature: str | None = None,
    support_email: str | None = None,
) -> str:
    """Render one case document in one format and language.

    ``lang=None`` uses the case's own language, else English. ``tz`` moves
    every time to that zone; by default times keep the offset the document
    gives them. ``redact`` masks the account reference; private entries are
    left out unless ``include_private``. ``now`` marks open steps due before
    it as overdue; ``suspicious=False`` leaves out the suspicious-contact
    section; ``signature`` is the user's name under an e-mail. The same
    input always gives the same text.
    """
    from issuenote.exporters.common import check_lang

    _check_format(fmt)
    language = check_lang(lang, doc if isinstance(doc, dict) else None)
    if fmt == "json":
        from issuenote.exporters.jsonfmt import render_json

        return render_json(doc, tz=tz, redact=redact, include_private=include_private)
    view = _view(doc, language, tz, redact, include_private, now, suspicious)
    module_name, function_name = _RENDERERS[fmt]
    renderer = getattr(import_module(f"issuenote.exporters.{module_name}"), function_name)
    if fmt == "chat":
        limit = None if max_bytes is None else _check_max_chars(max_bytes, "--max-bytes")
        return renderer(view, max_chars=_check_max_chars(max_chars), max_bytes=limit)
    if fmt == "email":
        return renderer(view, signature=signature, support_email=support_email)
    return renderer(view)


def _view(
    doc: Any,
    language: str,
    tz: tzinfo | None,
    redact: bool,
    include_private: bool,
    now: datetime | None,
    suspicious: bool,
) -> Any:
    from issuenote.exporters.common import build_view

    view = build_view(
        doc, lang=language, tz=tz, redact=redact, include_private=include_private, now=now
    )
    return view if suspicious else view._replace(suspicious=())


def render_eml(
    doc: dict[str, Any],
    *,
    lang: str | None = "en",
    tz: tzinfo | None = None,
    redact: bool = True,
    include_private: bool = False,
    from_addr: str | None = None,
    to_addr: str | None = None,
    now: datetime | None = None,
    suspicious: bool = True,
    signature: str | None = None,
    support_email: str | None = None,
) -> bytes:
    """The e-mail export as an RFC 5322 message, ready to save as ``.eml``.

    ``To:`` is ``to_addr``, else ``support_email`` (the platform's official
    address), else the last address the user wrote to that is not flagged;
    ``Date:`` is ``now`` (the time of export).
    """
    from issuenote.exporters.common import check_lang
    from issuenote.exporters.mail import render_message

    language = check_lang(lang, doc if isinstance(doc, dict) else None)
    view = _view(doc, language, tz, redact, include_private, now, suspicious)
    return render_message(
        view,
        from_addr=from_addr,
        to_addr=to_addr,
        support_email=support_email,
        signature=signature,
    )


def minimum_chat_chars(
    doc: dict[str, Any],
    *,
    lang: str | None = "en",
    tz: tzinfo | None = None,
    redact: bool = True,
    include_private: bool = False,
) -> int:
    """How short the chat export of this case can get (for a helpful error or hint)."""
    from issuenote.exporters.chat import minimum_chars
    from issuenote.exporters.common import build_view, check_lang

    language = check_lang(lang, doc if isinstance(doc, dict) else None)
    view = build_view(doc, lang=language, tz=tz, redact=redact, include_private=include_private)
    return minimum_chars(view)
