"""`issuenote export CASE`: one case screened, rendered and delivered (stdout, file, clipboard).

Free of typer, so the typer command and the fast path (issuenote.quick)
run the same code: a summary is asked for mid-chat and must appear at once.
`export --all` stays in issuenote.commands.export and delivers through here.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from issuenote.console import say, warn
from issuenote.errors import IssuenoteError
from issuenote.session import open_notebook

NO_REDACT_WARNING = "--no-redact: the account reference is shown in full; share this with care"


def export_case(
    home: Path,
    case: str,
    *,
    fmt: str = "chat",
    lang: str | None = None,
    output: Path | None = None,
    force: bool = False,
    copy: bool = False,
    max_chars: int | None = None,
    max_bytes: int | None = None,
    to: str | None = None,
    suspicious: bool = True,
    redact: bool = True,
    include_private: bool = False,
) -> None:
    """Export case `case` of the notebook at `home` as `issuenote export CASE` does."""
    from issuenote.exporters.screen import screen_document
    from issuenote.model import choose

    fmt = choose("export format", fmt)
    if lang is not None:
        lang = choose("language", lang)
    with open_notebook(home, create=False) as store:
        doc = store.case_document(store.resolve_case(case))
    doc, masked = screen_document(doc, in_place=True)  # ours alone: no copy of 1,000 entries
    if masked:
        warn(f"{masked} secret(s) found in the case were masked in the export")
    data = _render_case(
        home,
        doc,
        fmt=fmt,
        lang=lang,
        output=output,
        redact=redact,
        include_private=include_private,
        max_chars=max_chars,
        max_bytes=max_bytes,
        to=to,
        suspicious=suspicious,
    )
    if not redact:
        warn(NO_REDACT_WARNING)
    # A file holding private entries or the account in full is readable by its
    # owner only (0600), like a backup.
    sensitive = include_private or not redact
    deliver_output(data, output=output, force=force, copy=copy, private=sensitive)


def _render_case(
    home: Path,
    doc: dict[str, Any],
    *,
    fmt: str,
    lang: str | None,
    output: Path | None,
    redact: bool,
    include_private: bool,
    max_chars: int | None,
    max_bytes: int | None,
    to: str | None,
    suspicious: bool,
) -> str | bytes:
    """One case in one format: the language, the user's name, the platform's
    support address and chat limits come from the case and config.toml."""
    from issuenote import exporters
    from issuenote.config import default_language, load_config, user_name
    from issuenote.exporters.presets import preset_for
    from issuenote.parse.timeparse import utc_now

    settings = load_config(home)
    language = lang or doc.get("language") or default_language(home) or "en"
    options: dict[str, Any] = {
        "lang": language,
        "redact": redact,
        "include_private": include_private,
        "now": utc_now().astimezone(),  # the store's clock: overdue agrees with `due`
        "suspicious": suspicious,
    }
    if fmt in ("email", "chat"):
        # Only these two use the platform's settings, which read the registry of
        # official channels (~15 ms): json, markdown, text and html never load it.
        preset = preset_for(doc.get("platform"), settings.get("channels"))
    if fmt == "email":
        options["signature"] = user_name(home)
        eml = output is not None and output.suffix.lower() == ".eml"
        if eml:
            data: str | bytes = exporters.render_eml(
                doc, to_addr=to, support_email=preset.support_email, **options
            )
            if b"\nTo: " not in b"\n" + data.split(b"\r\n\r\n", 1)[0].replace(b"\r\n", b"\n"):
                warn(
                    f"no support address known for {doc.get('platform') or 'this case'}: "
                    "To: is empty; give --to ADDR or set support_email under "
                    "[channels.<platform>] in config.toml"
                )
            return data
        return exporters.render(doc, fmt=fmt, support_email=to or preset.support_email, **options)
    if fmt == "chat":
        # --max-chars, else the platform's known limit, else config.toml, else 1000
        options["max_chars"] = (
            max_chars
            or preset.chat_max_chars
            or settings.get("chat_max_chars")
            or exporters.DEFAULT_MAX_CHARS
        )
        options["max_bytes"] = max_bytes if max_bytes is not None else preset.chat_max_bytes
    return exporters.render(doc, fmt=fmt, **options)


def deliver_output(
    data: str | bytes | Iterator[bytes],
    *,
    output: Path | None,
    force: bool,
    copy: bool,
    private: bool,
) -> None:
    """Write to FILE, the clipboard or stdout; pieces (export --all) are written as they come."""
    from issuenote.exporters import deliver

    if not isinstance(data, str | bytes) and output is None:
        if copy:  # the clipboard takes one text
            data = b"".join(data)
        else:
            sys.stdout.flush()
            for piece in data:
                sys.stdout.buffer.write(piece)
            sys.stdout.buffer.flush()
            return
    if output is not None:
        size = deliver.write_output(output, data, force=force, private=private)
        say(f"Wrote {output} ({size:,} bytes).")
        if not copy:
            return
        if not isinstance(data, str | bytes):  # the pieces are spent: read the file back
            data = output.expanduser().read_bytes()
    assert isinstance(data, str | bytes)
    shown = output is None and not copy
    if copy:
        shown = not _copy(deliver, data) and output is None
    if shown:
        if isinstance(data, bytes):
            sys.stdout.buffer.write(data)
        else:
            assert isinstance(data, str)
            sys.stdout.write(data if data.endswith("\n") else data + "\n")


def _copy(deliver: Any, data: str | bytes) -> bool:
    """Copy, claiming only what happened; False when the text must be printed instead.

    A system clipboard tool is read back, so its success is real. OSC 52 asks
    the terminal, which never answers: say so, how to check, and print the
    text as well. With no clipboard at all the text is printed, not lost.
    """
    text = data if isinstance(data, str) else data.decode("utf-8", "replace")
    try:
        how = deliver.copy_to_clipboard(text)
    except IssuenoteError as error:
        warn(f"not copied: {error}; here is the text instead")
        return False
    if how.startswith("clipboard via"):
        say(f"Copied to the clipboard ({how}).")
        return True
    warn(
        "sent the text to your terminal's clipboard (OSC 52), which terminals do not "
        "confirm: paste to check (tmux needs `set -g set-clipboard on`); it is printed "
        "below as well"
    )
    return False
