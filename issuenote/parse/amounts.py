"""Exact amounts: parse what people type, print it back without losing a digit.

Money and token amounts are evidence: ``1250.00`` USDT must come back as
``1250.00``, not ``1250`` or ``1.25E+3``, and ``0.00000001`` BTC must never
pass through a float. Everything here is ``Decimal`` built from text, which is
exact whatever the decimal context's precision.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from functools import cache

from issuenote.errors import IssuenoteError

__all__ = [
    "MAX_FRACTION_DIGITS",
    "MAX_SIGNIFICANT_DIGITS",
    "format_amount",
    "format_amount_grouped",
    "parse_amount",
]

MAX_SIGNIFICANT_DIGITS = 30
MAX_FRACTION_DIGITS = 30
"""No asset has more than 18 decimals; 30 leaves room without inviting nonsense."""

MAX_INPUT_CHARS = 80

_EXAMPLE = "write it like 1250, 1250.00, 1,250.00 or 0.00000001"


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    """Compile on first use, once."""
    return {
        # Integer part: plain digits, strict groups of three with commas, or
        # Python-style single underscores between digits. Fraction: digits,
        # optionally with single underscores.
        "amount": re.compile(
            r"\+?(?P<integer>\d{1,3}(?:,\d{3})+|\d+(?:_\d+)*)?"
            r"(?:\.(?P<fraction>\d+(?:_\d+)*)?)?",
            re.ASCII,
        ),
        "exponent": re.compile(r"[+-]?[\d.,_]*\d[eE][+-]?\d+", re.ASCII),
        "number_with_words": re.compile(r"[+-]?[\d.,_]+\s*[^\d\s.,_]+.*|.*[^\d\s.,_+-]\s*[\d.,_]+"),
    }


def parse_amount(text: str) -> Decimal:
    """Read an amount; zero is allowed (a zero fee is real), negatives are not.

    The given scale is kept: '1250.00' parses to Decimal('1250.00').
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_amount() needs a str, not {type(text).__name__}")
    if len(text) > MAX_INPUT_CHARS * 4:
        raise _bad(text, f"too long ({len(text)} characters)")
    stripped = text.strip()
    if not stripped:
        raise _bad(text, "empty")
    if len(stripped) > MAX_INPUT_CHARS:
        raise _bad(text, f"too long ({len(stripped)} characters)")
    if not stripped.isprintable():
        raise _bad(text, "contains control or invisible characters")
    # NFKC folds full-width digits and separators from CJK input methods to ASCII.
    folded = unicodedata.normalize("NFKC", stripped)
    match = _patterns()["amount"].fullmatch(folded)
    if match is None or (match["integer"] is None and match["fraction"] is None):
        raise _bad(text, _why_not_a_number(folded))
    integer = (match["integer"] or "0").replace(",", "").replace("_", "")
    fraction = (match["fraction"] or "").replace("_", "")
    if len(fraction) > MAX_FRACTION_DIGITS:
        raise _bad(text, f"more than {MAX_FRACTION_DIGITS} digits after the decimal point")
    amount = Decimal(f"{integer}.{fraction}" if fraction else integer)
    if len(amount.as_tuple().digits) > MAX_SIGNIFICANT_DIGITS:
        raise _bad(text, f"more than {MAX_SIGNIFICANT_DIGITS} significant digits")
    return amount


def _why_not_a_number(folded: str) -> str:
    """The most helpful reason we can give for text that is not a plain amount."""
    lowered = folded.lower().lstrip("+-−")
    if lowered in ("nan", "snan", "inf", "infinity"):
        return "not a number"
    if folded.startswith(("-", "−")):
        return "amounts cannot be negative; record the direction with the transaction kind"
    if _patterns()["exponent"].fullmatch(folded):
        return "exponents are not accepted; write the digits out (0.00000001, 1000)"
    if "," in folded:
        return (
            "commas may only group thousands (1,250.00) and the decimal point is '.'; " + _EXAMPLE
        )
    if _patterns()["number_with_words"].fullmatch(folded):
        return "give the number only, without the asset or other words"
    if any(ch.isspace() for ch in folded):
        return "spaces are not accepted inside a number (write 1250 or 1,250)"
    return "not a number; " + _EXAMPLE


def format_amount(amount: Decimal | int) -> str:
    """Plain text for storage and JSON: never scientific notation, scale kept.

    Decimal('1E-8') -> '0.00000001'; Decimal('1250.00') -> '1250.00'.
    """
    value = _checked(amount)
    text = format(value, "f")
    return text[1:] if text.startswith("-") and value.is_zero() else text


def format_amount_grouped(amount: Decimal | int) -> str:
    """For people: thousands grouped with commas, scale kept ('1,250.00')."""
    value = _checked(amount)
    text = format(value, ",f")
    return text[1:] if text.startswith("-") and value.is_zero() else text


def _checked(amount: Decimal | int) -> Decimal:
    """Refuse floats outright: a float has already lost the exact amount."""
    if isinstance(amount, bool) or not isinstance(amount, Decimal | int):
        raise TypeError(f"amount must be a Decimal or int, not {type(amount).__name__}")
    value = Decimal(amount)
    if not value.is_finite():
        raise ValueError(f"amount must be finite, not {value}")
    return value


def _bad(text: str, reason: str) -> IssuenoteError:
    return IssuenoteError(f"bad amount {_quote(text)}: {reason}")


def _quote(text: str, limit: int = 40) -> str:
    """Quote user input for a message: short, with control characters made visible."""
    shown = text if len(text) <= limit else text[:limit] + "…"
    visible = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in shown)
    return f"'{visible}'"
