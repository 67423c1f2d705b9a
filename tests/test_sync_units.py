"""The pure parts of sync: sealing, blob names, version vectors, chunk checks."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from issuenote.errors import IssuenoteError
from issuenote.sync import blobs, envelope, payload
from issuenote.sync.engine import _includes, _joined

KEY = bytes(range(32))


def test_sealed_file_opens_only_with_its_key_and_at_its_path() -> None:
    key = envelope.sync_key(KEY)
    assert key != KEY
    sealed = envelope.seal(key, "devices/a/000001.bin", b"case data " * 100)
    assert b"case data" not in sealed
    assert envelope.open_sealed(key, "devices/a/000001.bin", sealed) == b"case data " * 100
    with pytest.raises(envelope.SealError, match="does not open"):
        envelope.open_sealed(key, "devices/b/000001.bin", sealed)  # moved
    with pytest.raises(envelope.SealError, match="does not open"):
        envelope.open_sealed(envelope.sync_key(bytes(32)), "devices/a/000001.bin", sealed)
    flipped = bytearray(sealed)
    flipped[20] ^= 1
    with pytest.raises(envelope.SealError):
        envelope.open_sealed(key, "devices/a/000001.bin", bytes(flipped))
    with pytest.raises(envelope.SealError, match="not a file"):
        envelope.open_sealed(key, "x", b"\x02short")


def test_blob_names_are_keyed_and_files_found_anywhere() -> None:
    digest = hashlib.sha256(b"screenshot").hexdigest()
    document = {"entries": [{"attachments": [{"sha256": digest, "name": "a.png"}]}]}
    assert blobs.referenced_hashes(document) == {digest}
    assert blobs.referenced_hashes({"sha256": "not a hash"}) == set()
    path = blobs.blob_path(KEY, digest)
    assert blobs.is_blob_path(path) and digest not in path
    assert blobs.blob_path(bytes(32), digest) != path


def test_received_file_is_stored_privately(tmp_path: Path) -> None:
    digest = hashlib.sha256(b"pdf").hexdigest()
    blobs.store_file(tmp_path, digest, b"pdf")
    stored = blobs.local_file(tmp_path, digest)
    assert stored.read_bytes() == b"pdf"
    assert stored.stat().st_mode & 0o077 == 0
    blobs.store_file(tmp_path, digest, b"pdf")  # already there: untouched
    assert [p.name for p in stored.parent.iterdir()] == [digest]


def test_version_vectors() -> None:
    assert _includes({"a": 2, "b": 1}, {"a": 1})
    assert not _includes({"a": 1}, {"a": 1, "b": 1})
    assert _includes({}, {})
    assert _joined({"a": 2}, {"a": 1, "b": 3}) == {"a": 2, "b": 3}


@pytest.mark.parametrize(
    "document",
    [
        {},
        {"format": "issuenote-sync-chunk", "version": 99},
        {"format": "issuenote-sync-chunk", "version": 1, "device": 1},
        {
            "format": "issuenote-sync-chunk",
            "version": 1,
            "device": "d",
            "device_name": "n",
            "deleted": {"c": {"d": 0}},
            "versions": {},
            "notebook": {"format": "issuenote-notebook", "schema_version": 1, "cases": []},
        },
        {
            "format": "issuenote-sync-chunk",
            "version": 1,
            "device": "d",
            "device_name": "n",
            "deleted": {},
            "versions": {},
            "notebook": {"format": "issuenote-notebook", "schema_version": 1, "cases": [{}]},
        },
    ],
)
def test_a_malformed_chunk_is_refused_whole(document: dict[str, object]) -> None:
    with pytest.raises(IssuenoteError):
        payload.parse_chunk("devices/d/000001.bin", json.dumps(document).encode())
    with pytest.raises(IssuenoteError):
        payload.parse_chunk("devices/d/000001.bin", b"\xff not json")
