"""Authenticated encryption of single text fields in the notebook.

Each value is sealed with AES-256-GCM under the notebook's data key, with a
fresh 96-bit random nonce, and with associated data naming the cell it belongs
to (``issuenote/v1|table|column|record_uuid``). A ciphertext copied into
another column or another record therefore fails to open instead of quietly
showing the wrong secret in the wrong place.

A token is plain text, safe for SQLite, JSON and backups::

    enc1:<URL-safe base64, no padding, of nonce (12 bytes) + ciphertext + tag (16 bytes)>

The key check value (``kcv1:...``) stored beside the data is an HMAC of a
fixed label, so a wrong key is refused up front without revealing the key.

``cryptography`` costs about 25 ms to import, so it is imported inside the
functions that seal and open values, never at module level: commands that do
not touch private fields do not pay for it.
"""

from __future__ import annotations

import os
import re

from issuenote.errors import IssuenoteError

KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16

TOKEN_PREFIX = "enc1:"
KCV_PREFIX = "kcv1:"
AAD_PREFIX = "issuenote/v1"
KCV_LABEL = b"issuenote/v1|key-check-value"
_KCV_BYTES = 32  # SHA-256

# Shortest v1 token: a nonce and a tag around an empty plaintext.
_MIN_TOKEN_BYTES = NONCE_BYTES + TAG_BYTES
_BASE64URL = r"[A-Za-z0-9_-]*"
# Any version, so values written by a newer issuenote are still recognised as
# encrypted (and never shown or exported as if they were plain text).
_ANY_VERSION_TOKEN = r"enc[1-9][0-9]{0,3}:[A-Za-z0-9_-]+"


class DecryptError(IssuenoteError):
    """An encrypted value could not be opened: wrong key, or moved or altered."""


def new_key() -> bytes:
    """Return a fresh random 256-bit data key."""
    return os.urandom(KEY_BYTES)


def encrypt_field(key: bytes, plaintext: str, *, table: str, column: str, record_uuid: str) -> str:
    """Seal ``plaintext`` for one cell (table, column, record) and return a token."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # lazy: ~25 ms

    _check_key(key)
    if not isinstance(plaintext, str):
        raise TypeError(f"plaintext must be str, not {type(plaintext).__name__}")
    aad = _associated_data(table, column, record_uuid)
    nonce = os.urandom(NONCE_BYTES)
    # surrogatepass keeps any Python str lossless, including lone surrogates that
    # a non-UTF-8 argv or file name turns into (PEP 383).
    sealed = AESGCM(key).encrypt(nonce, plaintext.encode("utf-8", "surrogatepass"), aad)
    return TOKEN_PREFIX + _b64encode(nonce + sealed)


def decrypt_field(key: bytes, token: str, *, table: str, column: str, record_uuid: str) -> str:
    """Open a token written by :func:`encrypt_field` for the same cell."""
    from cryptography.exceptions import InvalidTag  # lazy: ~25 ms
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    _check_key(key)
    aad = _associated_data(table, column, record_uuid)
    where = f"{table}.{column} of record {record_uuid}"
    raw = _token_bytes(token, where)
    nonce, sealed = raw[:NONCE_BYTES], raw[NONCE_BYTES:]
    try:
        plain = AESGCM(key).decrypt(nonce, sealed, aad)
    except InvalidTag:
        raise DecryptError(
            f"cannot decrypt {where}: the data key is wrong, or the value was "
            "moved from another field or altered"
        ) from None
    return plain.decode("utf-8", "surrogatepass")


def is_encrypted(value: object) -> bool:
    """Tell whether ``value`` looks like a token from this or a later version."""
    if not isinstance(value, str) or not re.fullmatch(_ANY_VERSION_TOKEN, value):
        return False
    if value.startswith(TOKEN_PREFIX):
        return _b64length(len(value) - len(TOKEN_PREFIX)) >= _MIN_TOKEN_BYTES
    return True


def key_check_value(key: bytes) -> str:
    """Return a check value to store in the notebook; it does not reveal the key."""
    _check_key(key)
    return KCV_PREFIX + _b64encode(_kcv_digest(key))


def verify_key(key: bytes, kcv: str) -> bool:
    """Tell whether ``key`` is the key that produced ``kcv``.

    A check value that is not in a known format raises :class:`DecryptError`
    instead of returning False: a damaged notebook must not be mistaken for a
    wrong key.
    """
    _check_key(key)
    if not isinstance(kcv, str) or not kcv.startswith(KCV_PREFIX):
        raise DecryptError(
            "the notebook's key check value is damaged or from a newer issuenote "
            f"(expected it to start with {KCV_PREFIX!r})"
        )
    body = kcv[len(KCV_PREFIX) :]
    try:
        stored = _b64decode(body)
    except ValueError:
        raise DecryptError("the notebook's key check value is damaged") from None
    if len(stored) != _KCV_BYTES:
        raise DecryptError("the notebook's key check value is damaged")
    import hmac

    return hmac.compare_digest(stored, _kcv_digest(key))


def _kcv_digest(key: bytes) -> bytes:
    """HMAC-SHA256 of a fixed label: a PRF output, so it reveals nothing of the key."""
    import hashlib  # lazy with hmac: ~2 ms that only key checks need
    import hmac

    return hmac.new(key, KCV_LABEL, hashlib.sha256).digest()


def _check_key(key: bytes) -> None:
    """Reject a key of the wrong type or size: that is a bug, not a user mistake."""
    if not isinstance(key, bytes | bytearray) or len(key) != KEY_BYTES:
        size = len(key) if isinstance(key, bytes | bytearray) else type(key).__name__
        raise ValueError(f"a data key is {KEY_BYTES} bytes, got {size}")


def _associated_data(table: str, column: str, record_uuid: str) -> bytes:
    """Bind a value to its cell; '|' is refused in names so no two cells collide."""
    for name, value in (("table", table), ("column", column)):
        if not isinstance(value, str) or not value or "|" in value:
            raise ValueError(f"{name} must be a non-empty name without '|', got {value!r}")
    if not isinstance(record_uuid, str) or not record_uuid:
        raise ValueError(f"record_uuid must be a non-empty string, got {record_uuid!r}")
    # record_uuid comes last, so it may hold anything and stay unambiguous.
    text = f"{AAD_PREFIX}|{table}|{column}|{record_uuid}"
    return text.encode("utf-8", "surrogatepass")


def _token_bytes(token: object, where: str) -> bytes:
    """Decode a token's body, with a message that says what is wrong with it."""
    if not isinstance(token, str):
        raise DecryptError(f"cannot decrypt {where}: the stored value is not text")
    if not token.startswith(TOKEN_PREFIX):
        if re.fullmatch(_ANY_VERSION_TOKEN, token):
            version = token.split(":", 1)[0]
            raise DecryptError(
                f"cannot decrypt {where}: it was written in format {version!r} by a "
                "newer issuenote; upgrade issuenote to read it"
            )
        raise DecryptError(f"cannot decrypt {where}: the stored value is not an encrypted value")
    try:
        raw = _b64decode(token[len(TOKEN_PREFIX) :])
    except ValueError:
        raise DecryptError(
            f"cannot decrypt {where}: the encrypted value is damaged (not base64)"
        ) from None
    if len(raw) < _MIN_TOKEN_BYTES:
        raise DecryptError(f"cannot decrypt {where}: the encrypted value is damaged (too short)")
    return raw


def _b64encode(data: bytes) -> str:
    import base64  # here, not at import: every command loads this module, few encrypt

    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    """Strict URL-safe base64 without padding; anything else is a ValueError."""
    if not re.fullmatch(_BASE64URL, text) or len(text) % 4 == 1:
        raise ValueError("not URL-safe base64")
    import base64

    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except ValueError as error:  # binascii.Error is a ValueError
        raise ValueError("not URL-safe base64") from error


def _b64length(chars: int) -> int:
    """Number of bytes that ``chars`` unpadded base64 characters decode to."""
    return chars * 3 // 4


# -- whole files (private attachments) ------------------------------------------

FILE_MAGIC = b"issuenote-file-v1\n"


def encrypt_file_bytes(key: bytes, data: bytes, *, record_uuid: str) -> bytes:
    """Seal a private attachment's bytes, bound to its attachment record.

    Stored as MAGIC + nonce + ciphertext + tag, so a file on disk says what it
    is, and a sealed file swapped for another record's fails to open.
    """
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # lazy: ~25 ms

    _check_key(key)
    aad = _associated_data("attachments", "file", record_uuid)
    nonce = os.urandom(NONCE_BYTES)
    return FILE_MAGIC + nonce + AESGCM(key).encrypt(nonce, bytes(data), aad)


def decrypt_file_bytes(key: bytes, sealed: bytes, *, record_uuid: str) -> bytes:
    """Open what encrypt_file_bytes sealed for the same attachment record."""
    from cryptography.exceptions import InvalidTag  # lazy: ~25 ms
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    _check_key(key)
    where = f"the private attachment {record_uuid}"
    if not sealed.startswith(FILE_MAGIC) or len(sealed) < len(FILE_MAGIC) + _MIN_TOKEN_BYTES:
        raise DecryptError(f"cannot decrypt {where}: the stored file is not an encrypted file")
    body = sealed[len(FILE_MAGIC) :]
    aad = _associated_data("attachments", "file", record_uuid)
    try:
        return AESGCM(key).decrypt(body[:NONCE_BYTES], body[NONCE_BYTES:], aad)
    except InvalidTag:
        raise DecryptError(
            f"cannot decrypt {where}: the data key is wrong, or the file was altered"
        ) from None
