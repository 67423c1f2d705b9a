"""The JSON export: the whole case, every field, for machines.

The shape is the case document (docs/case-document.md) with its
``schema_version``, validated in the tests against the shipped
``issuenote/data/case.schema.json``. Private entries are left out unless
asked for, the account is masked unless told otherwise (``redacted`` says
which), and keys come in a fixed order so the same case gives the same bytes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from datetime import datetime, tzinfo
from typing import Any

from issuenote.exporters.common import (
    as_list,
    as_record,
    build_view,
    id_type,
    parse_time,
    visible_entries,
)
from issuenote.exporters.masking import mask_account
from issuenote.model import ENTRY_FIELDS, TRANSACTION_FIELDS, agents_of, tickets_of

SCHEMA_VERSION = 2

CASE_KEYS = (
    "schema_version",
    "id",
    "uuid",
    "title",
    "platform",
    "category",
    "status",
    "account",
    "redacted",
    "language",
    "tags",
    "description",
    "request",
    "occurred_at",
    "jurisdiction",
    "created_at",
    "updated_at",
    "entries",
    "deleted_entries",
    "transactions",
    "tickets",
    "agents",
    "open_steps",
    "unreadable",
)
ENTRY_KEYS = ("id", "uuid", "number", *ENTRY_FIELDS, "deleted_at", "revisions")
REVISION_KEYS = ("revision", "change", "made_at", *ENTRY_FIELDS)
TRANSACTION_KEYS = (
    "id",
    "uuid",
    "id_type",
    *TRANSACTION_FIELDS,
    "explorer_url",
    "memo_missing",
)
TICKET_KEYS = ("ticket", "channel", "first_seen")
AGENT_KEYS = ("name", "agent_id", "channel", "first_seen", "flags")
CASE_TIME_KEYS = ("occurred_at", "created_at", "updated_at")
ENTRY_TIME_KEYS = ("at", "due", "done_at", "promised_by", "deleted_at")
REVISION_TIME_KEYS = ("made_at", "at", "due", "done_at", "promised_by")
# Each key list as a set, made once: _ordered runs for every entry of an export --all.
_KEY_SETS = {
    keys: frozenset(keys)
    for keys in (CASE_KEYS, ENTRY_KEYS, REVISION_KEYS, TRANSACTION_KEYS, TICKET_KEYS, AGENT_KEYS)
}

# Characters JSON leaves raw that a terminal would act on (DEL, C1 controls)
# or that break JavaScript string literals (U+2028/2029): written as \u escapes.
_UNSAFE_IN_OUTPUT = re.compile("[\x7f-\x9f\u2028\u2029]")


def _ordered(
    record: dict[str, Any], keys: tuple[str, ...], *, leave_out: str | None = None
) -> dict[str, Any]:
    """Known keys in the documented order (missing ones as null), then any others sorted.

    `leave_out` names one key of the record not to copy at all.
    """
    get = record.get
    out = {key: get(key) for key in keys}
    known = _KEY_SETS.get(keys)
    others = record.keys() - (frozenset(keys) if known is None else known)
    if others:
        others.discard(leave_out)
        for key in sorted(others):
            out[key] = record[key]
    return out


def _moved(value: Any, tz: tzinfo | None) -> Any:
    if tz is None or not isinstance(value, str):
        return value
    return datetime.fromisoformat(value).astimezone(tz).isoformat()


def _sort_key(record: dict[str, Any], time_key: str) -> tuple[Any, ...]:
    """Time order (as instants, whatever the offsets), then id; undated last."""
    moment = record.get(time_key)
    record_id = record.get("id")
    id_key = (0, record_id) if isinstance(record_id, int) else (1, 0)
    if moment is None:
        return (1, "", id_key)
    instant = datetime.fromisoformat(moment).timestamp()
    return (0, instant, id_key)


def _entry(record: dict[str, Any], tz: tzinfo | None, platform: str | None) -> dict[str, Any]:
    # An entry's attachments are listed once, case-wide, under "attachments" (entry_id).
    out = _ordered(record, ENTRY_KEYS, leave_out="attachments")
    if tz is not None:  # export --all keeps the document's times as they are
        for key in ENTRY_TIME_KEYS:
            out[key] = _moved(out[key], tz)
    out["flags"] = list(out["flags"] or [])
    out["warnings"] = _coded_warnings(record, platform)
    out["private"] = bool(out["private"])
    out["revisions"] = [_revision(r, tz) for r in as_list(out["revisions"], "revisions")]
    return out


def _revision(record: dict[str, Any], tz: tzinfo | None) -> dict[str, Any]:
    """An earlier version of the entry, with the time it was replaced (made_at)."""
    out = _ordered(as_record(record, "revisions[]"), REVISION_KEYS)
    for key in REVISION_TIME_KEYS:
        out[key] = _moved(out[key], tz)
    out["flags"] = list(out["flags"] or [])
    out["warnings"] = list(out["warnings"] or [])
    out["private"] = bool(out["private"])
    return out


def _coded_warnings(record: dict[str, Any], platform: str | None) -> list[dict[str, str]]:
    """Each warning as ``{"code", "text"}``: the stable code of the rule that
    fired beside the sentence the user saw (already coded ones pass through)."""
    warnings = list(record.get("warnings") or [])
    if not warnings:
        return []
    if all(isinstance(w, dict) for w in warnings):
        return [{"code": str(w.get("code")), "text": str(w.get("text"))} for w in warnings]
    from issuenote.exporters.common import _entry as view_entry

    entry = view_entry(record, "entry", None, platform)
    codes = list(entry.codes)
    from issuenote.safety import scam

    out = []
    for index, text in enumerate(str(w) for w in warnings):
        code = _code_of(text, entry, platform, scam) or (
            codes[min(index, len(codes) - 1)] if codes else "unverified-channel"
        )
        out.append({"code": code, "text": text})
    return out


def _code_of(text: str, entry: Any, platform: str | None, scam: Any) -> str | None:
    """The code of the rule whose sentence this is, if the rules still give it."""
    signals = scam.channel_signals(platform, entry.via, channel=entry.channel)
    if entry.kind == "reply":
        said = "\n".join(t for t in (entry.text, entry.suggests) if t)
        signals = scam.scam_signals(said) + signals
    return next((signal.code for signal in signals if signal.reason == text), None)


def _with_first_seen(
    record: dict[str, Any], keys: tuple[str, ...], tz: tzinfo | None
) -> dict[str, Any]:
    out = _ordered(record, keys)
    if isinstance(out["first_seen"], str):
        parse_time(out["first_seen"], "first_seen", tz)  # checks it
    out["first_seen"] = _moved(out["first_seen"], tz)
    return out


def _open_steps(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    steps = [e for e in entries if e["kind"] == "step" and e.get("done_at") is None]

    def due_key(step: dict[str, Any]) -> tuple[Any, ...]:
        due = step.get("due")
        due_instant = datetime.fromisoformat(due).timestamp() if due else 0.0
        return (due is None, due_instant, *_sort_key(step, "at"))

    return sorted(steps, key=due_key)


def case_json(
    doc: dict[str, Any],
    *,
    tz: tzinfo | None,
    redact: bool,
    include_private: bool,
    checked: bool = True,
) -> dict[str, Any]:
    """The exported case as a dict (what ``render_json`` serialises).

    ``checked=False`` skips the checks of the human formats, for documents the
    store has just built (export --all), where they would find nothing.
    """
    if checked:  # the same rules as every other format
        build_view(doc, lang="en", tz=tz, redact=redact, include_private=include_private)
    all_entries = list(doc.get("entries") or [])
    shown = visible_entries(all_entries, include_private)
    platform = doc.get("platform")
    entries = [_entry(e, tz, platform) for e in sorted(shown, key=lambda e: _sort_key(e, "at"))]
    transactions = []
    for record in sorted(doc.get("transactions") or [], key=lambda t: _sort_key(t, "at")):
        transaction = _ordered(record, TRANSACTION_KEYS)
        transaction["id_type"] = id_type(record)
        transaction["at"] = _moved(transaction["at"], tz)
        transaction["memo_missing"] = bool(transaction["memo_missing"])
        transactions.append(transaction)

    out = _ordered(doc, CASE_KEYS)
    out["schema_version"] = SCHEMA_VERSION
    account = doc.get("account")
    out["account"] = mask_account(account) if redact and account else account
    out["redacted"] = bool(redact and account)
    out["tags"] = sorted(doc.get("tags") or [])
    for key in CASE_TIME_KEYS:
        out[key] = _moved(out[key], tz)
    out["entries"] = entries
    # Tombstones carry the history (export --all, import); summaries leave them out.
    deleted = visible_entries(list(doc.get("deleted_entries") or []), include_private)
    out["deleted_entries"] = [
        _entry(e, tz, platform) for e in sorted(deleted, key=lambda e: e["number"])
    ]
    out["transactions"] = transactions
    stored_tickets = [
        _with_first_seen(as_record(t, f"tickets[{i}]"), TICKET_KEYS, tz)
        for i, t in enumerate(as_list(doc.get("tickets"), "tickets"))
    ]
    stored_agents = [
        _with_first_seen(as_record(a, f"agents[{i}]"), AGENT_KEYS, tz)
        for i, a in enumerate(as_list(doc.get("agents"), "agents"))
    ]
    if len(shown) == len(all_entries) and all("flags" in a for a in stored_agents):
        # Nothing left out: the store's own lists, in its order.
        out["tickets"], out["agents"] = stored_tickets, stored_agents
    else:  # rebuilt from what is shown, so a private entry's ticket does not leak
        out["tickets"] = tickets_of(entries)
        out["agents"] = agents_of(entries)
    for agent in out["agents"]:
        agent["flags"] = list(agent.get("flags") or [])
    out["open_steps"] = _open_steps(entries)
    # fields the store could not decrypt (a missing or wrong key)
    out["unreadable"] = [str(field) for field in as_list(doc.get("unreadable"), "unreadable")]
    # Exhibits: attachments of the entries shown; a private one stays out like its entry.
    # (Only when the store gave them: a document from an older file has neither.)
    if "attachments" in doc:
        shown_ids = {entry.get("id") for entry in entries}
        out["attachments"] = [
            {**item, "at": _moved(item.get("at"), tz)}
            for item in as_list(doc.get("attachments"), "attachments")
            if isinstance(item, dict)
            and (include_private or not item.get("private"))
            and item.get("entry_id") in shown_ids
        ]
    if "chain_head" in doc:
        out["chain_head"] = doc["chain_head"]
    return out


def render_json(
    doc: dict[str, Any], *, tz: tzinfo | None, redact: bool, include_private: bool
) -> str:
    data = case_json(doc, tz=tz, redact=redact, include_private=include_private)
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return _UNSAFE_IN_OUTPUT.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text) + "\n"


def notebook_chunks(header: dict[str, Any], cases: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    """The whole-notebook export as UTF-8 pieces, one case at a time.

    The bytes are those of ``json.dumps({**header, "cases": [...]},
    ensure_ascii=False, indent=2) + "\\n"``, without ever holding more than one
    case: orjson (C) encodes each case with the same indentation, and the
    case's lines are moved in under "cases". JSON strings never hold a raw
    newline, so indenting at every newline is exact.
    """
    # orjson is only needed here; importing it lazily keeps other exports lean.
    import orjson

    head = json.dumps(header, ensure_ascii=False, indent=2)
    assert head.endswith("\n}")
    opening = head[: -len("\n}")] + ',\n  "cases": ['
    yield opening.encode("utf-8")
    first = True
    for case in cases:
        body = orjson.dumps(case, option=orjson.OPT_INDENT_2).replace(b"\n", b"\n    ")
        yield (b"\n    " if first else b",\n    ") + body
        first = False
    yield b"]\n}\n" if first else b"\n  ]\n}\n"
