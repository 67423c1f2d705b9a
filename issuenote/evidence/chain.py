"""The tamper-evident record: a hash chain per case, kept as an append-only ledger.

Every change to a case's timeline (an entry recorded, corrected, marked done,
deleted, an attachment detached, an entry imported) appends one link:

    link.hash = SHA-256("issuenote-chain/v1" | case | seq | event | entry uuid
                        | content hash | previous link's hash)

and the content hash covers the entry as stored (encrypted fields as their
ciphertext, so checking needs no key), its attachments' records (with their
files' SHA-256) and its stored revisions. An entry's latest link must match
what the notebook holds now; the links themselves must follow one another. A
head printed on an old summary stays checkable: it is one of the links.

Values that are empty (NULL, "", "[]", 0) are left out of the content hash,
so a later migration adding a column with an empty default does not make
every recorded entry look changed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

try:
    # The interpreter's own SHA-256: hashlib would load OpenSSL (~2 ms) on every plain note.
    from _sha256 import sha256  # Python 3.11
except ImportError:  # pragma: no cover - depends on the Python version
    try:
        from _sha2 import sha256  # type: ignore[import-not-found,no-redef]  # Python 3.12+
    except ImportError:
        from hashlib import sha256  # type: ignore[assignment]

CHAIN_VERSION = "issuenote-chain/v1"
SHORT_HASH = 12
# Local row numbers differ between notebooks (import, merge, sync): the uuid names a record.
_LOCAL_COLUMNS = frozenset(
    {"id", "case_id", "entry_id", "about_entry_id", "number", "revision_number"}
)
EVENTS = ("add", "revise", "done", "delete", "remove", "detach", "import", "upgrade")


_EMPTY_TEXTS = ("", "[]", "{}")


def _is_empty(value: Any) -> bool:
    if value is None or value == "" or value == "[]" or value == "{}":
        return True
    return isinstance(value, int) and value == 0


# json.dumps with these options builds a new encoder on every call; an import hashes
# every entry it adds, so the one encoder is kept (same options, same text).
_ENCODE = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode


def _canonical(fields: Mapping[str, Any]) -> bytes:
    # _is_empty, spelled out: a call per column was a fifth of an import's hashing.
    kept = {
        name: value
        for name, value in fields.items()
        if name not in _LOCAL_COLUMNS
        and value is not None
        and value not in _EMPTY_TEXTS
        and not (value == 0 and isinstance(value, int))
    }
    return _ENCODE(kept).encode("utf-8", "surrogatepass")


def _sha256(*parts: bytes) -> str:
    digest = sha256()
    for part in parts:
        digest.update(part)
        digest.update(b"\x00")
    return digest.hexdigest()


def attachment_digest(row: Mapping[str, Any]) -> str:
    """The hash of one attachment record: its name, caption, type and its file's SHA-256."""
    return _sha256(b"attachment", _canonical(row))


def entry_digest(
    row: Mapping[str, Any],
    attachments: Iterable[Mapping[str, Any]] = (),
    revisions: Iterable[Mapping[str, Any]] = (),
) -> str:
    """The content hash of an entry as stored, with its attachments and earlier versions."""
    parts = [b"entry", _canonical(row)]
    parts += sorted(attachment_digest(a).encode() for a in attachments)
    parts += [b"revisions"] + [_canonical(r) for r in revisions]
    return _sha256(*parts)


def genesis(case_uuid: str) -> str:
    """The 'previous hash' of a case's first link: binds the chain to its case."""
    return _sha256(CHAIN_VERSION.encode(), case_uuid.encode())


def link_hash(
    case_uuid: str, seq: int, event: str, record_uuid: str, content_hash: str, prev_hash: str
) -> str:
    fields = (CHAIN_VERSION, case_uuid, str(seq), event, record_uuid, content_hash, prev_hash)
    return _sha256(*(value.encode() for value in fields))


def short(hash_value: str | None) -> str | None:
    """The head's short form, printed on summaries: enough to check them later."""
    return None if hash_value is None else hash_value[:SHORT_HASH]


# Plain classes, not dataclasses: building a dataclass costs ~0.5 ms at import, and
# this module is on the path of every recording command (each entry is linked).
class Link:
    __slots__ = ("content_hash", "event", "hash", "prev_hash", "record_uuid", "seq")

    def __init__(
        self, seq: int, event: str, record_uuid: str, content_hash: str, prev_hash: str, hash: str
    ) -> None:
        self.seq = seq
        self.event = event
        self.record_uuid = record_uuid
        self.content_hash = content_hash
        self.prev_hash = prev_hash
        self.hash = hash


class RecordState:
    """An entry as the notebook holds it now: its number for people and its content hash."""

    __slots__ = ("digest", "label", "uuid")

    def __init__(self, uuid: str, label: str, digest: str) -> None:
        self.uuid = uuid
        self.label = label
        self.digest = digest


class ChainReport:
    def __init__(self, case_uuid: str, links: int = 0) -> None:
        self.case_uuid = case_uuid
        self.head: str | None = None
        self.links = links
        self.problems: list[str] = []

    @property
    def intact(self) -> bool:
        return not self.problems


def verify_chain(
    case_uuid: str, links: Sequence[Link], records: Iterable[RecordState]
) -> ChainReport:
    """Check the links follow one another, and each entry's latest link matches it."""
    report = ChainReport(case_uuid, links=len(links))
    previous = genesis(case_uuid)
    latest: dict[str, Link] = {}
    for expected_seq, link in enumerate(links, start=1):
        if link.seq != expected_seq:
            report.problems.append(
                f"chain link {expected_seq} is missing (the next is {link.seq}): links were removed"
            )
        elif link.prev_hash != previous:
            after = f"link {link.seq - 1}" if link.seq > 1 else "the start of this case's chain"
            report.problems.append(f"chain link {link.seq} does not follow {after}")
        elif link.hash != link_hash(
            case_uuid, link.seq, link.event, link.record_uuid, link.content_hash, link.prev_hash
        ):
            report.problems.append(f"chain link {link.seq} was altered")
        previous = link.hash
        latest[link.record_uuid] = link
    report.head = previous if links else None
    seen: set[str] = set()
    for record in records:
        seen.add(record.uuid)
        link = latest.get(record.uuid)
        if link is None:
            report.problems.append(f"{record.label} is not in the chain: added outside issuenote")
        elif link.event == "remove":
            report.problems.append(f"{record.label} was deleted, yet it is back")
        elif link.content_hash != record.digest:
            report.problems.append(
                f"{record.label} changed after it was recorded "
                "(its text, fields, attachments or history differ from the chain)"
            )
    for record_uuid, link in latest.items():
        if record_uuid not in seen and link.event != "remove":
            report.problems.append(
                f"the entry of chain link {link.seq} ({record_uuid[:8]}) is missing: "
                "deleted outside issuenote"
            )
    return report


def contains_head(links: Sequence[Link], head: str) -> Link | None:
    """The link a printed head (full or short form) names, if it is in this chain."""
    wanted = head.strip().lower()
    if len(wanted) < 8:
        return None
    return next((link for link in links if link.hash.startswith(wanted)), None)
