"""What each recording command does, callable without the CLI.

Each function validates every user value first, then writes in one
transaction, so a refused input never leaves a half-written record.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from issuenote.errors import IssuenoteError
from issuenote.model import choose
from issuenote.parse import timeparse
from issuenote.store import Store

# A pasted chat log can be long; past this a text is refused rather than stored.
MAX_TEXT_BYTES = 2 * 1024 * 1024
MAX_FIELD_CHARS = 300
# Entries record what happened; a clock a little ahead is fine, the future is not.
FUTURE_SLACK = timedelta(minutes=10)


def clean_text(
    value: str | None, what: str, *, required: bool = True, redact: bool = False
) -> str | None:
    """Long free text (notes, replies): kept as written, but never NUL, unbounded or secret."""
    if value is None or not value.strip():
        if required:
            raise IssuenoteError(f"the {what} is empty; give some text (or - to read stdin)")
        return None
    if "\x00" in value:
        raise IssuenoteError(f"the {what} contains a NUL byte; remove it and try again")
    size = len(value.encode("utf-8", "surrogatepass"))
    if size > MAX_TEXT_BYTES:
        raise IssuenoteError(
            f"the {what} is {size:,} bytes; the limit is {MAX_TEXT_BYTES:,} "
            "(attach long logs as files instead)"
        )
    _refuse_surrogates(value, what)
    return screen(value.strip(), what, redact=redact)


def clean_field(
    value: str | None, what: str, *, required: bool = False, redact: bool = False
) -> str | None:
    """Short one-line values (agent, ticket, platform): no line breaks, control bytes, secrets."""
    if value is None or not value.strip():
        if required:
            raise IssuenoteError(f"the {what} is empty")
        return None
    value = value.strip()
    if any(ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 for ch in value):
        raise IssuenoteError(f"the {what} contains a line break or control character")
    if len(value) > MAX_FIELD_CHARS:
        raise IssuenoteError(
            f"the {what} is {len(value)} characters; the limit is {MAX_FIELD_CHARS}"
        )
    _refuse_surrogates(value, what)
    return screen(value, what, redact=redact)


def screen(value: str, what: str, *, redact: bool) -> str:
    """Refuse a text holding a secret (seed phrase, password, card...), or mask it with redact."""
    from issuenote.safety import guard

    findings = guard.find_secrets(value)
    if not findings:
        return value
    if redact:
        return guard.redact(value, findings)
    raise IssuenoteError(
        f"{guard.refusal_message(findings)} (in the {what}; --redact stores it masked)"
    )


def _refuse_surrogates(value: str, what: str) -> None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise IssuenoteError(f"the {what} is not valid Unicode text (lone surrogate)") from None


def clean_platform(value: str | None, *, redact: bool = False) -> str | None:
    """The registry's spelling for a platform it knows (okex -> OKX), else as typed."""
    platform = clean_field(value, "platform", redact=redact)
    if platform is None:
        return None
    from issuenote.safety.scam import load_registry

    known = load_registry().find(platform)
    return known.name if known is not None else platform


def clean_tags(values: Iterable[str], *, redact: bool = False) -> list[str]:
    tags = []
    for value in values:
        for part in value.split(","):
            tag = clean_field(part.strip().lstrip("#"), "tag", redact=redact)
            if tag:
                tags.append(tag.lower())
    return sorted(set(tags))


def past_time(value: str | None, what: str, *, now: datetime | None = None) -> str:
    """Parse a time that something happened at; default now; never in the future."""
    now = now or timeparse.utc_now()
    if value is None:
        return timeparse.to_storage(now)
    when = timeparse.parse_time(value, now=now)
    if when > now + FUTURE_SLACK:
        raise IssuenoteError(
            f"the {what} {value!r} is in the future ({timeparse.format_local(when, style='long')})"
        )
    return timeparse.to_storage(when)


def any_time(value: str | None, *, now: datetime | None = None) -> str | None:
    if value is None:
        return None
    return timeparse.to_storage(timeparse.parse_time(value, now=now))


# -- cases -------------------------------------------------------------------


def create_case(
    store: Store,
    *,
    title: str,
    platform: str | None = None,
    category: str | None = None,
    account: str | None = None,
    occurred: str | None = None,
    description: str | None = None,
    tags: Iterable[str] = (),
    language: str | None = None,
    request: str | None = None,
    redact: bool = False,
) -> int:
    fields: dict[str, Any] = {
        "title": clean_field(title, "title", required=True, redact=redact),
        "platform": clean_platform(platform, redact=redact),
        "category": choose("category", category) if category else "other",
        "account": clean_field(account, "account reference", redact=redact),
        "occurred_at": past_time(occurred, "time it happened") if occurred else None,
        "description": clean_text(description, "description", required=False, redact=redact),
        "language": choose("language", language) if language else None,
        "request": clean_text(request, "request", required=False, redact=redact),
    }
    clean = clean_tags(tags, redact=redact)
    with store.writing():
        return store.add_case(fields, clean)


def edit_case(
    store: Store,
    case_ref: str,
    *,
    title: str | None = None,
    platform: str | None = None,
    category: str | None = None,
    account: str | None = None,
    occurred: str | None = None,
    description: str | None = None,
    language: str | None = None,
    request: str | None = None,
    add_tags: Iterable[str] = (),
    remove_tags: Iterable[str] = (),
    redact: bool = False,
) -> int:
    changes: dict[str, Any] = {}
    if title is not None:
        changes["title"] = clean_field(title, "title", required=True, redact=redact)
    if platform is not None:
        changes["platform"] = clean_platform(platform, redact=redact)
    if category is not None:
        changes["category"] = choose("category", category)
    if account is not None:
        changes["account"] = clean_field(account, "account reference", redact=redact)
    if occurred is not None:
        changes["occurred_at"] = past_time(occurred, "time it happened")
    if description is not None:
        changes["description"] = clean_text(
            description, "description", required=False, redact=redact
        )
    if language is not None:
        changes["language"] = choose("language", language)
    if request is not None:
        # an empty request clears it: exports fall back to the category's stock sentence
        changes["request"] = clean_text(request, "request", required=False, redact=redact) or None
    added, removed = clean_tags(add_tags, redact=redact), clean_tags(remove_tags)
    if not changes and not added and not removed:
        raise IssuenoteError("nothing to change; give at least one option (see --help)")
    with store.writing():
        case_id = store.resolve_case(case_ref)
        if changes:
            store.update_case(case_id, changes)
        else:
            store.touch_case(case_id)
        store.add_tags(case_id, added)
        store.remove_tags(case_id, removed)
    return case_id


def delete_case(store: Store, case_id: int) -> None:
    with store.writing():
        store.delete_case(case_id)


# -- timeline entries --------------------------------------------------------


def _add_entry(store: Store, case_ref: str, fields: dict[str, Any]) -> dict[str, Any]:
    with store.writing():
        case_id = store.resolve_case(case_ref)
        if fields["kind"] in ("contact", "reply"):
            _flag_fake_support(store, case_id, fields)
        entry_id = store.add_entry(case_id, fields)
        new_status = fields.get("new_status")
        if new_status:
            store.update_case(case_id, {"status": new_status})
    return store.entry_document(entry_id)


def _flag_fake_support(store: Store, case_id: int, fields: dict[str, Any]) -> None:
    """Flag a reply that asks for secrets or money, and an address off the official list."""
    from issuenote.config import load_config
    from issuenote.safety import scam

    registry = scam.load_registry(load_config(store.home).get("channels"))
    platform = store.case_row(case_id)["platform"]
    signals = []
    if fields["kind"] == "reply":
        said = "\n".join(t for t in (fields["text"], fields["suggests"]) if t)
        signals += scam.scam_signals(said, registry=registry)
    signals += scam.channel_signals(
        platform, fields["via"], channel=fields["channel"], registry=registry
    )
    fields["flags"] = sorted({signal.flag for signal in signals})
    fields["warnings"] = list(dict.fromkeys(signal.reason for signal in signals))


def add_note(
    store: Store,
    case_ref: str,
    text: str,
    *,
    at: str | None = None,
    redact: bool = False,
    private: bool = False,
) -> dict[str, Any]:
    return _add_entry(
        store,
        case_ref,
        {
            "kind": "note",
            "private": private,
            "text": clean_text(text, "note", redact=redact),
            "at": past_time(at, "note time"),
        },
    )


def add_contact(
    store: Store,
    case_ref: str,
    *,
    channel: str,
    text: str | None = None,
    via: str | None = None,
    ticket: str | None = None,
    at: str | None = None,
    redact: bool = False,
    private: bool = False,
) -> dict[str, Any]:
    return _add_entry(
        store,
        case_ref,
        {
            "kind": "contact",
            "private": private,
            "channel": choose("channel", channel),
            "text": clean_text(text, "contact text", required=False, redact=redact),
            "via": clean_field(via, "via address", redact=redact),
            "ticket": clean_field(ticket, "ticket number", redact=redact),
            "at": past_time(at, "contact time"),
        },
    )


def add_reply(
    store: Store,
    case_ref: str,
    text: str,
    *,
    agent: str | None = None,
    agent_id: str | None = None,
    ticket: str | None = None,
    channel: str | None = None,
    via: str | None = None,
    suggests: str | None = None,
    at: str | None = None,
    redact: bool = False,
    private: bool = False,
) -> dict[str, Any]:
    fields = {
        "kind": "reply",
        "private": private,
        "text": clean_text(text, "reply", redact=redact),
        "agent": clean_field(agent, "agent name", redact=redact),
        "agent_id": clean_field(agent_id, "agent ID", redact=redact),
        "ticket": clean_field(ticket, "ticket number", redact=redact),
        "channel": choose("channel", channel) if channel else None,
        "via": clean_field(via, "via address", redact=redact),
        "suggests": clean_text(suggests, "suggestion", required=False, redact=redact),
        "at": past_time(at, "reply time"),
    }
    with store.writing():
        case_id = store.resolve_case(case_ref)
        if fields["channel"] is None:
            # A reply usually comes back the way the last contact went out.
            fields["channel"] = store.last_channel(case_id)
        _flag_fake_support(store, case_id, fields)
        entry_id = store.add_entry(case_id, fields)
    return store.entry_document(entry_id)


def add_step(
    store: Store,
    case_ref: str,
    text: str,
    *,
    due: str | None = None,
    at: str | None = None,
    redact: bool = False,
    private: bool = False,
) -> dict[str, Any]:
    return _add_entry(
        store,
        case_ref,
        {
            "kind": "step",
            "private": private,
            "text": clean_text(text, "next step", redact=redact),
            "due": any_time(due),
            "at": past_time(at, "step time"),
        },
    )


def mark_done(
    store: Store, case_ref: str, entry_ref: str, *, at: str | None = None
) -> dict[str, Any]:
    done_at = past_time(at, "time it was done")
    with store.writing():
        case_id = store.resolve_case(case_ref)
        entry = store.entry_row(case_id, entry_ref)
        if entry["kind"] != "step":
            raise IssuenoteError(
                f"entry {entry['id']} is a {entry['kind']}, not a next step; only steps are done"
            )
        if entry["done_at"] is not None:
            when = timeparse.format_local(entry["done_at"])
            raise IssuenoteError(f"step {entry['id']} was already done at {when}")
        store.set_entry_done(entry["id"], done_at)
    return store.entry_document(entry["id"])


def escalate(
    store: Store,
    case_ref: str,
    text: str | None = None,
    *,
    to: str | None = None,
    at: str | None = None,
    redact: bool = False,
    private: bool = False,
) -> dict[str, Any]:
    return _add_entry(
        store,
        case_ref,
        {
            "kind": "escalation",
            "private": private,
            "text": clean_text(text, "escalation text", required=False, redact=redact),
            "escalated_to": clean_field(to, "escalation target", redact=redact),
            "new_status": "escalated",
            "at": past_time(at, "escalation time"),
        },
    )


def set_status(
    store: Store,
    case_ref: str,
    status: str,
    text: str | None = None,
    *,
    at: str | None = None,
    redact: bool = False,
    private: bool = False,
) -> dict[str, Any]:
    new_status = choose("status", status)
    fields = {
        "kind": "status",
        "private": private,
        "new_status": new_status,
        "text": clean_text(text, "status note", required=False, redact=redact),
        "at": past_time(at, "status time"),
    }
    with store.writing():
        case_id = store.resolve_case(case_ref)
        current = store.case_row(case_id)["status"]
        if current == new_status:
            raise IssuenoteError(f"case {case_id} is already {new_status}")
        entry_id = store.add_entry(case_id, fields)
        store.update_case(case_id, {"status": new_status})
    return store.entry_document(entry_id)


# -- transactions --------------------------------------------------------------


def add_transaction(
    store: Store,
    case_ref: str,
    txid: str,
    *,
    chain: str | None = None,
    asset: str | None = None,
    amount: str | None = None,
    kind: str | None = None,
    at: str | None = None,
    redact: bool = False,
) -> dict[str, Any]:
    from issuenote.parse.amounts import format_amount, parse_amount
    from issuenote.parse.txid import recognize

    clean_asset = clean_field(asset, "asset", redact=redact)
    clean_asset = clean_asset.upper() if clean_asset else None
    info = recognize(txid, chain=chain, asset=clean_asset)
    fields = {
        "txid": info.txid,
        "chain": info.chain,
        "asset": clean_asset,
        "amount": format_amount(parse_amount(amount)) if amount is not None else None,
        "kind": choose("transaction kind", kind) if kind else None,
        "at": past_time(at, "transaction time") if at else None,
    }
    with store.writing():
        case_id = store.resolve_case(case_ref)
        if store.find_transaction(case_id, info.txid) is not None:
            raise IssuenoteError(f"case {case_id} already has transaction {info.txid}")
        tx_id = store.add_transaction(case_id, fields)
    return store.transaction_document(tx_id)
