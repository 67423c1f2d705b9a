"""Make stored text harmless on a terminal without changing what is stored.

Notes can hold pasted chat logs with escape sequences in them; replaying those
raw could move the cursor, retitle the window or hide text. Display code
passes every user string through `printable` first.
"""

from __future__ import annotations

import re

# C0 controls except tab and newline, DEL, C1 controls; and lone surrogates (an
# undecodable byte of a file name from argv): a UTF-8 stdout cannot even write those.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
# Bidirectional overrides and isolates can reorder what a reader sees.
_BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069]")


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # ␛ for ESC, ␍ for CR, ...
    if code == 0x7F:
        return "␡"
    return f"<U+{code:04X}>"


def printable(text: str, *, single_line: bool = False) -> str:
    """Show control and bidi-override characters as visible symbols."""
    if single_line:
        text = text.replace("\n", " ⏎ ").replace("\t", " ")
    text = _CONTROL.sub(_visible, text)
    return _BIDI.sub(_visible, text)


def cell_width(text: str) -> int:
    """Terminal cells `text` takes: wide East Asian characters count 2, combining marks 0."""
    if text.isascii():
        return len(text)
    import unicodedata

    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in "WF" else 1
    return width
