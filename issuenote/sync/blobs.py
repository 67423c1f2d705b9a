"""Attachments through sync: content-addressed, sealed files beside the chunks.

The attachment store keeps each file at ``<home>/attachments/<2 hex>/<sha256>``
(issuenote.evidence). A case document names its files by their SHA-256; sync
finds those names anywhere in a published case (any ``"sha256"`` value), and
for each one this device has, makes sure the remote holds

    blobs/<HMAC-SHA256(sync key, sha256)>.bin    the file's bytes, sealed

The name is keyed, so the remote cannot even confirm that a known file (a
public screenshot) is among them. A file is pushed once, whichever device
has it, and never changes. A device that receives a case naming a file it
lacks fetches, opens (authenticated) and stores it before the case is merged.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

from issuenote.fsutil import write_private_file

ATTACHMENTS_DIR = "attachments"
BLOB_PREFIX = "blobs/"
_SHA256 = re.compile(r"[0-9a-f]{64}")
_BLOB_PATH = re.compile(r"blobs/[0-9a-f]{64}\.bin")


def referenced_hashes(document: Any) -> set[str]:
    """Every SHA-256 a case document names as a file (any "sha256" key, at any depth)."""
    found: set[str] = set()
    stack = [document]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "sha256" and isinstance(item, str) and _SHA256.fullmatch(item):
                    found.add(item)
                elif isinstance(item, dict | list):
                    stack.append(item)
        elif isinstance(value, list):
            stack.extend(item for item in value if isinstance(item, dict | list))
    return found


def is_blob_path(path: str) -> bool:
    return bool(_BLOB_PATH.fullmatch(path))


def blob_path(sync_key: bytes, sha256: str) -> str:
    name = hmac.new(sync_key, b"blob|" + sha256.encode(), hashlib.sha256).hexdigest()
    return f"{BLOB_PREFIX}{name}.bin"


def local_file(home: Path, sha256: str) -> Path:
    return home / ATTACHMENTS_DIR / sha256[:2] / sha256


def outgoing_blobs(
    home: Path,
    sync_key: bytes,
    hashes: Iterable[str],
    remote_files: dict[str, str],
    private: dict[str, tuple[str, str]],
    unseal: Callable[..., bytes],
) -> Iterator[tuple[str, Callable[[], bytes]]]:
    """(remote path, reader of the file's bytes) for each file here that the remote lacks.

    `private` maps a SHA-256 to the (record UUID, sealed blob) of a private
    attachment: its file is kept sealed with the notebook key, and is opened
    only to be sealed again for the remote.
    """
    for sha256 in sorted(set(hashes)):
        path = blob_path(sync_key, sha256)
        if path in remote_files:
            continue
        source = local_file(home, sha256)
        if source.is_file():
            yield path, source.read_bytes
        elif sha256 in private:
            record_uuid, blob = private[sha256]
            sealed = local_file(home, blob)
            if sealed.is_file():
                yield path, partial(_opened, sealed, record_uuid, unseal)


def _opened(sealed: Path, record_uuid: str, unseal: Callable[..., bytes]) -> bytes:
    return unseal(sealed.read_bytes(), record_uuid=record_uuid)


def store_file(home: Path, sha256: str, content: bytes) -> None:
    """Put a received file into the attachment store, atomically, private."""
    target = local_file(home, sha256)
    if target.exists():
        return
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = target.parent / f".sync-{secrets.token_hex(6)}.tmp"
    write_private_file(target, temporary, content)
