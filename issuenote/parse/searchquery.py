"""A search query as people type it, turned into terms the full-text index can take.

Several words mean all of them; "words in quotes" are one exact phrase. The
text is never FTS syntax: quotes, `-`, `*`, `AND`, `NEAR` are just characters
to find (`--fts` in the command passes raw syntax instead). Pure: no SQL here,
only the quoting rules of SQLite FTS5 phrases.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

from issuenote.errors import IssuenoteError

# The trigram index finds any substring of three characters or more; shorter
# terms go through the index's vocabulary (see issuenote.store.search).
TRIGRAM = 3
MAX_QUERY_CHARS = 300
MAX_TERMS = 16
# Straight and typographic quotes, and the CJK corner brackets, all delimit a phrase.
_OPENING = {'"': '"', "“": "”", "„": "”", "「": "」", "『": "』", "«": "»"}


class Term(NamedTuple):
    """One thing every hit must contain (case ignored): a word or a quoted phrase."""

    text: str

    @property
    def short(self) -> bool:
        return len(self.text) < TRIGRAM

    def phrase(self) -> str:
        """The term as an FTS5 phrase: inside double quotes every character is literal."""
        return fts_phrase(self.text)


def fts_phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def parse_query(query: str) -> list[Term]:
    """Split a query into terms; refuse one that is empty, too long or unreadable."""
    if "\x00" in query:
        raise IssuenoteError("the search text contains a NUL byte")
    text = unicodedata.normalize("NFC", query).strip()
    if not text:
        raise IssuenoteError("the search text is empty; give a word, a number or a phrase")
    if len(text) > MAX_QUERY_CHARS:
        raise IssuenoteError(
            f"the search text is {len(text)} characters; the limit is {MAX_QUERY_CHARS}"
        )
    terms: list[Term] = []
    position = 0
    while position < len(text):
        char = text[position]
        if char.isspace():
            position += 1
            continue
        if char in _OPENING:
            closing = text.find(_OPENING[char], position + 1)
            end = len(text) if closing < 0 else closing
            phrase = " ".join(text[position + 1 : end].split())
            if phrase:
                terms.append(Term(phrase))
            position = end + 1
            continue
        match = re.compile(r"\S+").match(text, position)
        assert match is not None
        terms.append(Term(match.group()))
        position = match.end()
    # Keep the order typed, drop repeats (case ignored); a query of only quotes is empty.
    unique = list({term.text.casefold(): term for term in terms}.values())
    if not unique:
        raise IssuenoteError("the search text is empty; give a word, a number or a phrase")
    if len(unique) > MAX_TERMS:
        raise IssuenoteError(f"the search has {len(unique)} words; the limit is {MAX_TERMS}")
    return unique


def snippet(
    body: str, terms: list[Term], *, reach: int = 40, mark: tuple[str, str] | None = None
) -> str:
    """The words around the first match, so a hit shows why it matched.

    With `mark`, every match inside the snippet is wrapped in the two strings
    (the terminal uses it to highlight).
    """
    flat = " ".join(body.split())
    folded = flat.casefold()
    # casefold() can change a string's length (ß -> ss); fall back to lower() then.
    if len(folded) != len(flat):
        folded = flat.lower()
    starts = [folded.find(term.text.casefold()) for term in terms]
    found = [at for at in starts if at >= 0]
    at = min(found) if found else 0
    first = next((t for t, s in zip(terms, starts, strict=True) if s == at), terms[0])
    start = max(0, at - reach)
    end = min(len(flat), at + len(first.text) + reach)
    # Do not cut a word in half at either end when a space is near.
    if start:
        space = flat.find(" ", start, at)
        start = space + 1 if 0 <= space < start + 12 else start
    if end < len(flat):
        space = flat.rfind(" ", at + len(first.text), end)
        end = space if space > end - 12 else end
    window = flat[start:end]
    if mark is not None:
        window = _marked(window, folded[start:end], terms, mark)
    return ("…" if start else "") + window + ("…" if end < len(flat) else "")


def _marked(window: str, folded: str, terms: list[Term], mark: tuple[str, str]) -> str:
    spans: list[tuple[int, int]] = []
    for term in terms:
        needle = term.text.casefold()
        at = folded.find(needle)
        while needle and at >= 0:
            spans.append((at, at + len(needle)))
            at = folded.find(needle, at + len(needle))
    out, position = [], 0
    for begin, finish in sorted(spans):
        if begin < position:
            continue
        out += [window[position:begin], mark[0], window[begin:finish], mark[1]]
        position = finish
    out.append(window[position:])
    return "".join(out)
