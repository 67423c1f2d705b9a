"""What one device publishes in one sync: the cases it changed, and the ones it deleted.

A chunk is the JSON below, sealed (see envelope) into
``devices/<device uuid>/<number>.bin`` on the remote::

    {"format": "issuenote-sync-chunk", "version": 1,
     "device": "<uuid>", "device_name": "laptop", "written_at": "<UTC>",
     "deleted": {"<case uuid>": {"<device uuid>": <chunk number>, ...}},
     "detached": {"<attachment uuid>": {"<device uuid>": <chunk number>, ...}},
     "versions": {"<case uuid>": {"<device uuid>": <chunk number>, ...}},
     "notebook": <what `export --all --format json --no-redact --include-private`
                  writes, for the changed cases only>}

Each changed case goes whole (its entries, transactions, tags), so reading
any chunk alone is enough to know that case as its device knew it; the
merge by UUID of `issuenote import` does the rest. A case's version vector
says which chunks of each device its copy already includes: a copy the
receiver already includes is skipped, a newer one replaces an unchanged copy
quietly, and only two copies changed apart are merged as a conflict. A
deletion carries the vector of the copy that was deleted: it removes that
copy and older ones, never an edit its device had not seen. A detached
attachment works alike: it carries the vector of the case copy it left, and
is dropped from that copy and older ones; a copy that includes that vector
and holds the attachment again had it put back (`undo`). Chunks are never changed
once pushed: a device only adds new ones.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from datetime import UTC
from typing import TYPE_CHECKING, Any

from issuenote.errors import IssuenoteError

if TYPE_CHECKING:
    from issuenote.importer import ExportFile
    from issuenote.store import Store

CHUNK_FORMAT = "issuenote-sync-chunk"
MARKER_FORMAT = "issuenote-sync-notebook"
CHUNK_VERSION = 1


@dataclass(frozen=True)
class Chunk:
    path: str
    device: str
    device_name: str
    deleted: dict[str, dict[str, int]]
    # attachment UUID -> the vector of the case copy it was detached from.
    detached: dict[str, dict[str, int]]
    # case UUID -> its version vector (device id -> that device's chunk number).
    versions: dict[str, dict[str, int]]
    export: ExportFile
    # The SHA-256 of every attachment file its cases name.
    hashes: frozenset[str] = frozenset()
    # The SHA-256 of the files its private attachments name (kept sealed on arrival).
    private_hashes: frozenset[str] = frozenset()


def case_documents(store: Store, case_ids: list[int]) -> list[dict[str, Any]]:
    """The export JSON of these cases, complete (account and private entries), in UTC."""
    from issuenote.exporters.jsonfmt import case_json

    documents = []
    for case_id in case_ids:
        document = store.case_document(case_id, tz=UTC)
        if document.get("unreadable"):
            raise IssuenoteError(
                f"case {case_id} has encrypted fields this device cannot read "
                f"({document['unreadable'][0]}); sync would publish them empty. Set "
                "ISSUENOTE_KEY to the notebook key and try again"
            )
        documents.append(case_json(document, tz=UTC, redact=False, include_private=True))
    return documents


def chunk_bytes(
    *,
    device: str,
    device_name: str,
    written_at: str,
    notebook_id: str,
    cases: list[dict[str, Any]],
    deleted: dict[str, dict[str, int]],
    versions: dict[str, dict[str, int]],
    detached: dict[str, dict[str, int]] | None = None,
) -> bytes:
    from issuenote.importer import NOTEBOOK_FORMAT
    from issuenote.store.schema import SCHEMA_VERSION

    document = {
        "format": CHUNK_FORMAT,
        "version": CHUNK_VERSION,
        "device": device,
        "device_name": device_name,
        "written_at": written_at,
        "deleted": deleted,
        "detached": detached or {},
        "versions": versions,
        "notebook": {
            "format": NOTEBOOK_FORMAT,
            "schema_version": SCHEMA_VERSION,
            "notebook": notebook_id,
            "exported_at": None,
            "includes_private": True,
            "cases": cases,
        },
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def parse_chunk(path: str, data: bytes) -> Chunk:
    """Check a chunk as `issuenote import` checks a file; refuse it whole otherwise."""
    from issuenote.importer import parse_export
    from issuenote.parse import timeparse

    source = f"{path} on the remote"
    try:
        document = json.loads(data)
    except (ValueError, RecursionError):
        raise IssuenoteError(f"{source} opens but is not valid JSON") from None
    if not isinstance(document, dict) or document.get("format") != CHUNK_FORMAT:
        raise IssuenoteError(f"{source} is not a sync file")
    if document.get("version") != CHUNK_VERSION:
        raise IssuenoteError(
            f"{source} was written by a newer issuenote (format {document.get('version')!r}); "
            "upgrade issuenote on this device"
        )
    device, name, deleted = (
        document.get("device"),
        document.get("device_name"),
        document.get("deleted"),
    )
    if not isinstance(device, str) or not isinstance(name, str) or not isinstance(deleted, dict):
        raise IssuenoteError(f"{source} is missing its device or its deletions")
    versions = document.get("versions")
    detached = document.get("detached", {})  # absent from chunks of before detaching synced
    if not _vectors(versions) or not _vectors(deleted) or not _vectors(detached):
        raise IssuenoteError(f"{source} has damaged version vectors")
    written_at = document.get("written_at")
    now = timeparse.utc_now()
    with contextlib.suppress(TypeError, ValueError, IssuenoteError):
        # The writer's clock may run ahead of ours: what was past there is not refused here.
        now = max(now, timeparse.from_storage(written_at))
    notebook = json.dumps(document.get("notebook"), ensure_ascii=False).encode()
    export = parse_export(notebook, source=source, now=now)
    from issuenote.sync.blobs import referenced_hashes

    hashes = frozenset(referenced_hashes(document.get("notebook")))
    private_hashes = frozenset(
        item.sha256 for case in export.cases for item in case.attachments if item.private
    )
    return Chunk(path, device, name, deleted, detached, versions, export, hashes, private_hashes)


def _vectors(value: Any) -> bool:
    return isinstance(value, dict) and all(
        isinstance(vector, dict)
        and all(isinstance(k, str) and type(v) is int and v > 0 for k, v in vector.items())
        for vector in value.values()
    )


def marker_bytes(created_at: str) -> bytes:
    document = {"format": MARKER_FORMAT, "version": CHUNK_VERSION, "created_at": created_at}
    return json.dumps(document).encode()


def check_marker(data: bytes) -> None:
    try:
        document = json.loads(data)
    except ValueError:
        document = None
    if not isinstance(document, dict) or document.get("format") != MARKER_FORMAT:
        raise IssuenoteError("the remote's notebook.bin is not an issuenote sync notebook")
    if document.get("version") != CHUNK_VERSION:
        raise IssuenoteError(
            "the remote was set up by a newer issuenote; upgrade issuenote on this device"
        )
