"""What the guard reports, and the few helpers every detector shares.

Kept free of heavy imports: the guard runs on every note, so importing it
must cost next to nothing, and each regular expression is compiled the first
time a text needs it (`lazy_pattern`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

SEED_PHRASE = "seed phrase"
PRIVATE_KEY = "private key"
API_SECRET = "API secret"
PASSWORD = "password"
VERIFICATION_CODE = "verification code"
BACKUP_CODES = "backup codes"
TWO_FA_KEY = "2FA secret key"
CN_ID = "Chinese ID number"
KR_RRN = "Korean resident registration number"
TW_ID = "Taiwan ID number"
CARD = "bank card number"
CARD_CVV = "card security code"
BANK_ACCOUNT = "bank account number"
IBAN = "IBAN"

# Every kind, most serious first. When two findings overlap the more serious
# one is kept: a card number inside "password: 4111…" is reported as a card.
KINDS: tuple[str, ...] = (
    SEED_PHRASE,
    PRIVATE_KEY,
    TWO_FA_KEY,
    BACKUP_CODES,
    API_SECRET,
    CN_ID,
    KR_RRN,
    TW_ID,
    CARD,
    CARD_CVV,
    IBAN,
    BANK_ACCOUNT,
    PASSWORD,
    VERIFICATION_CODE,
)
SEVERITY = {kind: len(KINDS) - rank for rank, kind in enumerate(KINDS)}


class Finding(NamedTuple):
    """One secret in a text: what it is, where it is, and a safe way to show it.

    `start` and `end` index the scanned text (``text[start:end]`` is the
    secret); `masked` never holds enough of it to be reused. A NamedTuple,
    not a dataclass: dataclasses imports inspect, a tenth of a note's start-up.
    """

    kind: str
    start: int
    end: int
    masked: str


class Scan:
    """The text under scan and its lower-case twin, with the same offsets.

    Case-insensitive matching is several times slower in Python's engine, so
    label patterns are written in lower case and run on `lowered`.
    """

    __slots__ = ("lowered", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        lowered = text.lower()
        if len(lowered) != len(text):  # "İ" lowers to two characters: lower ASCII only
            lowered = text.translate(_ASCII_LOWER)
        self.lowered = lowered

    def has_any(self, *needles: str) -> bool:
        """Whether the lower-cased text contains one of `needles` (a cheap pre-check).

        A plain loop: every detector asks this of every text, and a generator
        in any() costs about as much as the substring tests themselves.
        """
        lowered = self.lowered
        for needle in needles:  # noqa: SIM110 - any() with a generator is slower here
            if needle in lowered:
                return True
        return False


_ASCII_LOWER = {code: code + 32 for code in range(ord("A"), ord("Z") + 1)}


def lazy_pattern(source: str, flags: int = 0) -> Callable[[], re.Pattern[str]]:
    """A pattern compiled on first use, then kept: imports stay cheap."""
    compiled: list[re.Pattern[str]] = []

    def get() -> re.Pattern[str]:
        if not compiled:
            compiled.append(re.compile(source, flags))
        return compiled[0]

    return get


def at_word_start(text: str, index: int) -> bool:
    """Not inside a word, nor inside a compound name ("base-passwd", "min_passphrase")."""
    if index == 0:
        return True
    before = text[index - 1]
    return not (before.isascii() and (before.isalnum() or before in "-_./@\\"))


def in_url(text: str, index: int) -> bool:
    """Whether `index` sits inside a URL: explorer links carry txids, not keys."""
    token_start = index
    limit = max(0, index - 2048)
    while token_start > limit and not text[token_start - 1].isspace():
        token_start -= 1
    token = text[token_start:index]
    return "://" in token or token.lower().startswith("www.")


def short_mask(value: str, keep: int = 4) -> str:
    """``9f8e…(32 chars)``: recognisable to its owner, useless to anyone else."""
    return f"{value[:keep]}…({len(value)} chars)"


def mask_digits(digits: str) -> str:
    """``6222 **** **** 1234``: enough to recognise the card, never to use it."""
    hidden = len(digits) - 8
    stars = ["*" * min(4, hidden - i) for i in range(0, hidden, 4)]
    return " ".join([digits[:4], *stars, digits[-4:]])
