"""Seal a file for the remote, and open one from it.

A sealed file is ``version byte | 12-byte nonce | AES-256-GCM(zlib(plaintext))``
under a key derived from the notebook key with HKDF-SHA256 (label
``issuenote/sync/v1``), so the sync files and the notebook's own encrypted
fields never share a key. The file's path on the remote is the associated
data: a file renamed, moved or swapped for another fails to open, exactly as a
changed byte does. The plaintext is compressed before it is sealed, so what
the remote learns is only the compressed size.

``cryptography`` is imported here, on the sync path only.
"""

from __future__ import annotations

import os

from issuenote.errors import IssuenoteError

VERSION = b"\x01"
NONCE_BYTES = 12
_LABEL = b"issuenote/sync/v1"
_AAD_PREFIX = b"issuenote-sync/v1|"


class SealError(IssuenoteError):
    """A file from the remote does not open: wrong key, or changed by someone without it."""


def sync_key(notebook_key: bytes) -> bytes:
    """The key sync files are sealed with, derived from (never equal to) the notebook key."""
    from cryptography.hazmat.primitives import hashes  # lazy: sync only
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_LABEL).derive(notebook_key)


def seal(key: bytes, path: str, plaintext: bytes) -> bytes:
    import zlib

    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(NONCE_BYTES)
    body = AESGCM(key).encrypt(nonce, zlib.compress(plaintext, 6), _AAD_PREFIX + path.encode())
    return VERSION + nonce + body


def open_sealed(key: bytes, path: str, data: bytes) -> bytes:
    """The plaintext of a sealed file, or SealError naming the file."""
    import zlib

    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if not data.startswith(VERSION) or len(data) < 1 + NONCE_BYTES + 16:
        raise SealError(f"{path} on the remote is not a file this issuenote wrote (damaged?)")
    nonce, body = data[1 : 1 + NONCE_BYTES], data[1 + NONCE_BYTES :]
    try:
        packed = AESGCM(key).decrypt(nonce, body, _AAD_PREFIX + path.encode())
    except InvalidTag:
        raise SealError(
            f"{path} on the remote does not open with this notebook's key: it was changed "
            "by someone without the key, or the key is wrong"
        ) from None
    try:
        return zlib.decompress(packed)
    except zlib.error:
        raise SealError(f"{path} on the remote opens but its content is damaged") from None
