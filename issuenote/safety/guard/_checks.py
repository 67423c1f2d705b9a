"""Check digits and checksums that turn "a long number" into "a card" or "an ID".

Each check is what makes the guard precise: ticket numbers, order IDs and
UIDs are long digit strings too, but only one in ten passes Luhn, one in
ninety-seven passes IBAN mod-97, and almost none also carry a valid birth
date and province code.
"""

from __future__ import annotations

BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BASE58_INDEX = {char: index for index, char in enumerate(BASE58_ALPHABET)}


def luhn_valid(digits: str) -> bool:
    """The mod-10 check every payment card number carries."""
    if not digits.isdigit():
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def card_brand_plausible(digits: str) -> bool:
    """Whether the number starts like a card of its length (issuer ranges, ISO/IEC 7812).

    Date-prefixed ticket numbers (2024…) and small UIDs (1…) fall outside
    every range, which keeps them from being mistaken for cards.
    """
    length = len(digits)
    first2 = int(digits[:2])
    first4 = int(digits[:4])
    if digits[0] == "4":  # Visa
        return length in (13, 16, 19)
    if 51 <= first2 <= 55 or 2221 <= first4 <= 2720:  # Mastercard
        return length == 16
    if first2 in (34, 37):  # American Express
        return length == 15
    if first2 == 62 or first2 == 81:  # UnionPay
        return 16 <= length <= 19
    if first4 == 6011 or first2 == 65 or 644 <= int(digits[:3]) <= 649:  # Discover
        return 16 <= length <= 19
    if 3528 <= first4 <= 3589:  # JCB
        return 16 <= length <= 19
    if first2 in (30, 36, 38, 39):  # Diners Club
        return 14 <= length <= 19
    if first2 == 50 or 56 <= first2 <= 69:  # Maestro and domestic debit
        return 12 <= length <= 19
    if first2 == 94:  # Korean domestic (BC) cards
        return length == 16
    return False


# Lengths from the SWIFT IBAN registry; a country missing here is not an IBAN.
IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22,
    "BH": 22, "BI": 27, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24,
    "DE": 22, "DJ": 27, "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18,
    "FK": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27,
    "GT": 28, "HN": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26,
    "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20,
    "LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MN": 20,
    "MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23, "PK": 24,
    "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24,
    "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25,
    "SV": 28, "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
    "YE": 30,
}  # fmt: skip


def iban_valid(iban: str) -> bool:
    """ISO 13616: registered country, its exact length, and mod-97 == 1."""
    iban = iban.upper()
    if IBAN_LENGTHS.get(iban[:2]) != len(iban) or not iban[2:4].isdigit():
        return False
    if not iban.isascii() or not iban.isalnum():
        return False
    rearranged = iban[4:] + iban[:4]
    numeric = "".join(str(int(char, 36)) for char in rearranged)
    return int(numeric) % 97 == 1


# Province-level codes of GB/T 2260 (the first two digits of a resident ID).
_CN_PROVINCES = frozenset(
    {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
     50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83}
)  # fmt: skip
_CN_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CN_CHECK = "10X98765432"


def cn_id_check_char(first17: str) -> str:
    """The GB 11643-1999 check character for the first 17 digits."""
    total = sum(int(char) * weight for char, weight in zip(first17, _CN_WEIGHTS, strict=True))
    return _CN_CHECK[total % 11]


def _plausible_birth(year: int, month: int, day: int) -> bool:
    """A real calendar date, not in the future, not before 1890."""
    import datetime  # only long numbers that look like IDs get here

    try:
        born = datetime.date(year, month, day)
    except ValueError:
        return False
    return datetime.date(1890, 1, 1) <= born <= datetime.date.today()


def cn_id_shape(number: str) -> bool:
    """Province code and a real, past birth date: the parts a typo rarely breaks."""
    if len(number) != 18 or not number[:17].isdigit() or number[17] not in "0123456789Xx":
        return False
    if int(number[:2]) not in _CN_PROVINCES:
        return False
    return _plausible_birth(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def cn_id_valid(number: str) -> bool:
    """A Chinese resident ID: right shape and the right check character."""
    return cn_id_shape(number) and cn_id_check_char(number[:17]) == number[17].upper()


# Gender digit -> century: 1-2 and 5-6 (foreign residents) 1900s, 3-4 and 7-8 2000s.
_KR_CENTURY = {"1": 1900, "2": 1900, "5": 1900, "6": 1900, "3": 2000, "4": 2000, "7": 2000,
               "8": 2000}  # fmt: skip
_KR_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)


def kr_rrn_shape(digits: str) -> bool:
    """A Korean resident registration number's birth date and gender digit (1-8)."""
    if len(digits) != 13 or not digits.isdigit() or digits[6] not in "12345678":
        return False
    year = _KR_CENTURY[digits[6]] + int(digits[:2])
    return _plausible_birth(year, int(digits[2:4]), int(digits[4:6]))


def kr_rrn_checksum_valid(digits: str) -> bool:
    """The check digit numbers issued before October 2020 carry (newer ones have none)."""
    total = sum(int(char) * weight for char, weight in zip(digits[:12], _KR_WEIGHTS, strict=True))
    return (11 - total % 11) % 10 == int(digits[12])


def base58_decode(text: str) -> bytes | None:
    """Bitcoin's base58; None when a character is outside the alphabet."""
    value = 0
    for char in text:
        index = _BASE58_INDEX.get(char)
        if index is None:
            return None
        value = value * 58 + index
    leading_zeros = len(text) - len(text.lstrip("1"))
    body = value.to_bytes((value.bit_length() + 7) // 8, "big") if value else b""
    return b"\x00" * leading_zeros + body


def base58check_payload(text: str) -> bytes | None:
    """The payload of a base58check string, or None when its checksum is wrong."""
    raw = base58_decode(text)
    if raw is None or len(raw) < 5:
        return None
    import hashlib  # rarely needed, so not paid for at import

    payload, checksum = raw[:-4], raw[-4:]
    if hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4] != checksum:
        return None
    return payload


def wif_valid(text: str) -> bool:
    """A Wallet Import Format private key (mainnet 0x80 or testnet 0xef)."""
    payload = base58check_payload(text)
    if payload is None or payload[0] not in (0x80, 0xEF):
        return False
    return len(payload) == 33 or (len(payload) == 34 and payload[-1] == 0x01)


def ed25519_keypair(raw: bytes) -> bool:
    """Whether 64 bytes are an Ed25519 secret and its own public key (a Solana keypair)."""
    if len(raw) != 64:
        return False
    # cryptography is heavy; only 64-byte candidates, which notes rarely hold, pay for it
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    public = Ed25519PrivateKey.from_private_bytes(raw[:32]).public_key()
    return public.public_bytes(Encoding.Raw, PublicFormat.Raw) == raw[32:]


# Taiwan: the letter of the issuing place stands for two digits (A=10 … with I, O, W, X, Y, Z
# out of order), then weights 1, 9, 8, 7, 6, 5, 4, 3, 2, 1, 1; the sum is a multiple of 10.
_TW_LETTERS = dict(zip("ABCDEFGHJKLMNPQRSTUVXYWZIO", range(10, 36), strict=True))
_TW_WEIGHTS = (1, 9, 8, 7, 6, 5, 4, 3, 2, 1, 1)


def tw_id_valid(number: str) -> bool:
    """A Taiwan national ID (A123456789) or resident certificate number (A812345678).

    python-stdnum has only Taiwan's business number (UBN), so the national
    ID's published check is done here.
    """
    number = number.upper()
    if len(number) != 10 or number[0] not in _TW_LETTERS or not number[1:].isdigit():
        return False
    if number[1] not in "1289":
        return False
    code = _TW_LETTERS[number[0]]
    digits = [code // 10, code % 10, *(int(char) for char in number[1:])]
    return sum(d * w for d, w in zip(digits, _TW_WEIGHTS, strict=True)) % 10 == 0
