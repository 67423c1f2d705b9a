"""Masking of account references, so an export can be pasted anywhere.

Support needs enough of the reference to find the account (the domain of an
e-mail address, the first and last digits of a UID, a phone's last four
digits) and nothing more.
"""

from __future__ import annotations

import re

_EMAIL = re.compile(r"([A-Za-z0-9._%+\-]+)@([A-Za-z0-9.\-]+\.[A-Za-z]{2,})")
# A phone number: optional "+country", then digits in groups; 7 to 15 digits in all.
_PHONE = re.compile(r"^\+?\d[\d \-.()]{5,22}\d$")
_LONG_DIGITS = re.compile(r"\d{5,}")
_LABELLED_NUMBER = re.compile(r"^(\D*[\s:#.\-])(\d+)$")


def _mask_middle(value: str) -> str:
    """Keep the first and last characters (two each when long), hide the rest.

    Digits keep their count (``12****89``) because support reads IDs by their
    shape; other text gets a fixed ``***`` so its length is not given away.
    """
    length = len(value)
    if value.isdigit():
        keep = 2 if length >= 8 else 1 if length >= 5 else 0
        if keep == 0:
            return "*" * length
        return value[:keep] + "*" * (length - 2 * keep) + value[-keep:]
    keep = 2 if length >= 8 else 1 if length >= 5 else 0
    if keep == 0:
        return "***"
    return value[:keep] + "***" + value[-keep:]


def _mask_email(match: re.Match[str]) -> str:
    local, domain = match.group(1), match.group(2)
    masked_local = local[0] + "***" if len(local) <= 2 else local[0] + "***" + local[-1]
    return f"{masked_local}@{domain}"


def _mask_phone(value: str) -> str:
    """Hide every digit except the country code and the last four."""
    country_digits = 0
    if value.startswith("+"):
        country = re.match(r"\+(\d{1,3})(?=[ \-.(])", value)
        country_digits = len(country.group(1)) if country else 0
    total_digits = sum(char.isdigit() for char in value)
    shown_tail_from = total_digits - 4
    out: list[str] = []
    seen = 0
    for char in value:
        if char.isdigit():
            seen += 1
            keep = seen <= country_digits or seen > shown_tail_from
            out.append(char if keep else "*")
        else:
            out.append(char)
    return "".join(out)


def mask_account(ref: str) -> str:
    """Mask an account reference: e-mail, UID, phone number or anything else.

    ``alice.chen@gmail.com`` -> ``a***n@gmail.com``; ``UID 12345689`` ->
    ``UID 12****89``; ``+86 138 0013 8000`` -> ``+86 *** **** 8000``;
    anything else keeps at most its first and last two characters.
    """
    value = ref.strip()
    if not value:
        return ""
    if _PHONE.match(value) and (value.startswith("+") or not value.isdigit()):
        digits = sum(char.isdigit() for char in value)
        if 7 <= digits <= 15:
            return _mask_phone(value)
    pieces: list[str] = []
    found = False
    position = 0
    for match in _EMAIL.finditer(value):
        pieces.append(_mask_digit_runs(value[position : match.start()]))
        pieces.append(_mask_email(match))
        position = match.end()
        found = True
    pieces.append(_mask_digit_runs(value[position:]))
    masked = "".join(pieces)
    if found or masked != value:
        return masked
    labelled = _LABELLED_NUMBER.match(value)
    if labelled:  # "UID: 1234", short numbers behind a label
        return labelled.group(1) + _mask_middle(labelled.group(2))
    return _mask_middle(value)


def _mask_digit_runs(text: str) -> str:
    """Mask long digit runs (a UID, a customer number) in free text."""
    return _LONG_DIGITS.sub(lambda match: _mask_middle(match.group(0)), text)
