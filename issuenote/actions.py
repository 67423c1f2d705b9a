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
# Entries record what happened; a clock a minute ahead is fine, the future is not.
FUTURE_SLACK = timedelta(minutes=1)


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


def due_time(store: Store, value: str | None, *, now: datetime | None = None) -> str | None:
    """A due time; a day without a clock (`tomorrow`, `friday`) means the configured hour."""
    if value is None:
        return None
    from issuenote.config import SETTINGS_BY_KEY, load_config

    hour = load_config(store.home).get("due_hour", SETTINGS_BY_KEY["due_hour"].default)
    return timeparse.to_storage(timeparse.parse_time(value, now=now, day_hour=hour))


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
    }
    clean = clean_tags(tags, redact=redact)
    with store.recording("new") as change:
        case_id = store.add_case(fields, clean)
        change.summary = f"opened case {case_id} {_quoted(fields['title'])}"
    return case_id


def record_intake(store: Store, answers: dict[str, Any]) -> int:
    """Write what the intake interview gathered: the case, its IDs and notes, all or nothing."""
    from issuenote.intake import questions

    with store.writing():
        case_id = create_case(
            store,
            title=answers.get("title") or "Problem with my account",
            platform=answers.get("platform"),
            category=answers.get("category"),
            account=answers.get("account"),
            occurred=answers.get("occurred"),
        )
        for txid in answers.get("transactions") or []:
            add_transaction(store, str(case_id), txid, at=answers.get("occurred"))
        for question in questions():
            if question.note and answers.get(question.field):
                text = question.note.format(answer=answers[question.field])
                add_note(store, str(case_id), text)
    return case_id


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
    added, removed = clean_tags(add_tags, redact=redact), clean_tags(remove_tags)
    if not changes and not added and not removed:
        raise IssuenoteError("nothing to change; give at least one option (see --help)")
    command = "edit" if changes else "tag"
    with store.recording(command) as change:
        case_id = store.resolve_case(case_ref)
        if changes:
            store.update_case(case_id, changes)
        else:
            store.touch_case(case_id)
        store.add_tags(case_id, added)
        store.remove_tags(case_id, removed)
        what = [name.replace("_", " ") for name in changes]
        what += [f"tag +{tag}" for tag in added] + [f"tag -{tag}" for tag in removed]
        change.summary = f"changed case {case_id}: {', '.join(what)}"
    return case_id


def delete_case(store: Store, case_id: int) -> None:
    with store.recording("rm") as change:
        title = store.case_row(case_id)["title"]
        store.delete_case(case_id)
        change.summary = f"deleted case {case_id} {_quoted(title)}"


def _quoted(text: str | None, limit: int = 40) -> str:
    """A user's text in a journal summary: one line, short, quoted."""
    if not text:
        return ""
    line = " ".join(text.split())
    return "“" + (line if len(line) <= limit else line[: limit - 1] + "…") + "”"


_KIND_WORDS = {
    "note": "note",
    "contact": "contact",
    "reply": "reply",
    "step": "step",
    "escalation": "escalation",
    "status": "status change",
}


def _entry_summary(verb: str, case_id: int, number: int, fields: dict[str, Any]) -> str:
    kind = _KIND_WORDS.get(fields.get("kind") or "", "entry")
    text = "" if fields.get("private") else _quoted(fields.get("text"))
    return f"{verb} {kind} {number} on case {case_id} {text}".rstrip()


# -- timeline entries --------------------------------------------------------


def _add_entry(store: Store, case_ref: str, fields: dict[str, Any], command: str) -> dict[str, Any]:
    with store.recording(command) as change:
        case_id = store.resolve_case(case_ref)
        if fields["kind"] in ("contact", "reply"):
            _flag_fake_support(store, case_id, fields)
        entry_id = store.add_entry(case_id, fields)
        new_status = fields.get("new_status")
        if new_status:
            store.update_case(case_id, {"status": new_status})
        document = store.entry_document(entry_id)
        change.summary = _entry_summary("added", case_id, document["number"], fields)
    return document


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
    warnings = [signal.reason for signal in signals]
    notice = scam.unchecked_channel_notice(platform, fields["via"], registry=registry)
    if notice:
        warnings.append(notice)
    fields["warnings"] = list(dict.fromkeys(warnings))


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
        "note",
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
        "contact",
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
    with store.recording("reply") as change:
        case_id = store.resolve_case(case_ref)
        if fields["channel"] is None:
            # A reply usually comes back the way the last contact went out.
            fields["channel"] = store.last_channel(case_id)
        _flag_fake_support(store, case_id, fields)
        entry_id = store.add_entry(case_id, fields)
        document = store.entry_document(entry_id)
        change.summary = _entry_summary("added", case_id, document["number"], fields)
    return document


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
            "due": due_time(store, due),
            "at": past_time(at, "step time"),
        },
        "step",
    )


def mark_done(
    store: Store, case_ref: str, entry_ref: str, *, at: str | None = None
) -> dict[str, Any]:
    done_at = past_time(at, "time it was done")
    with store.recording("done") as change:
        case_id = store.resolve_case(case_ref)
        entry = store.entry_row(case_id, entry_ref)
        number = entry["number"]
        if entry["kind"] != "step":
            raise IssuenoteError(
                f"entry {number} of case {case_id} is a {entry['kind']}, not a next step; "
                "only steps are done"
            )
        if entry["done_at"] is not None:
            when = timeparse.format_local(entry["done_at"])
            raise IssuenoteError(f"step {number} of case {case_id} was already done at {when}")
        _refuse_done_before(entry, done_at, case_id)
        store.set_entry_done(entry["id"], done_at)
        change.summary = _entry_summary("marked done", case_id, number, {"kind": "step"})
    return store.entry_document(entry["id"])


def _refuse_done_before(entry: dict[str, Any], done_at: str, case_id: int) -> None:
    """A step cannot be done before it was set (times compare as instants)."""
    done = timeparse.from_storage(done_at)
    recorded = timeparse.from_storage(entry["at"])
    if done < recorded:
        raise IssuenoteError(
            f"step {entry['number']} of case {case_id} was recorded at "
            f"{timeparse.format_local(recorded, style='long')}; it cannot be done before "
            f"that ({timeparse.format_local(done, style='long')})"
        )


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
        "escalate",
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
    with store.recording("status") as change:
        case_id = store.resolve_case(case_ref)
        current = store.case_row(case_id)["status"]
        if current == new_status:
            raise IssuenoteError(f"case {case_id} is already {new_status}")
        entry_id = store.add_entry(case_id, fields)
        store.update_case(case_id, {"status": new_status})
        change.summary = f"set case {case_id} {current} -> {new_status}"
    return store.entry_document(entry_id)


# -- corrections: amend, delete an entry, undo ------------------------------------

# What `amend` may change on each kind of entry (the fields its recording command takes).
AMENDABLE: dict[str, tuple[str, ...]] = {
    "note": ("text", "at"),
    "contact": ("text", "channel", "via", "ticket", "at"),
    "reply": ("text", "agent", "agent_id", "ticket", "channel", "via", "suggests", "at"),
    "step": ("text", "at", "due"),
    "escalation": ("text", "escalated_to", "at"),
    "status": ("text", "at"),
}
_OPTION_NAMES = {
    "text": "--text",
    "agent": "--agent",
    "agent_id": "--agent-id",
    "ticket": "--ticket",
    "channel": "--channel",
    "via": "--via",
    "suggests": "--suggests",
    "at": "--at",
    "due": "--due",
    "escalated_to": "--to",
}
_TEXT_REQUIRED = ("note", "reply", "step")


def _amended_value(kind: str, name: str, value: str, redact: bool) -> Any:
    """Check one new value with the rules its recording command applies; "" clears it."""
    if name == "text":
        return clean_text(value, f"{kind} text", required=kind in _TEXT_REQUIRED, redact=redact)
    if name == "suggests":
        return clean_text(value, "suggestion", required=False, redact=redact)
    if name == "channel":
        if not value.strip():
            if kind == "contact":
                raise IssuenoteError("a contact needs a channel; give one with --channel")
            return None
        return choose("channel", value)
    if name == "at":
        return past_time(value, f"{kind} time")
    if name == "due":
        return any_time(value) if value.strip() else None
    labels = {
        "agent": "agent name",
        "agent_id": "agent ID",
        "ticket": "ticket number",
        "via": "via address",
        "escalated_to": "escalation target",
    }
    return clean_field(value, labels[name], redact=redact)


def amend_entry(
    store: Store,
    case_ref: str,
    entry_ref: str,
    values: dict[str, str | None],
    *,
    redact: bool = False,
) -> dict[str, Any]:
    """Correct an entry's fields; the version it replaces is kept as a revision."""
    given = {name: value for name, value in values.items() if value is not None}
    if not given:
        raise IssuenoteError("nothing to change; give at least one option (see --help)")
    with store.recording("amend") as change:
        case_id = store.resolve_case(case_ref)
        row = store.entry_row(case_id, entry_ref)
        kind, number = row["kind"], row["number"]
        allowed = AMENDABLE[kind]
        for name in given:
            if name not in allowed:
                options = ", ".join(_OPTION_NAMES[field] for field in allowed)
                raise IssuenoteError(
                    f"entry {number} of case {case_id} is a {kind}, which has no "
                    f"{_OPTION_NAMES[name].lstrip('-').replace('-', ' ')}; "
                    f"amend can change its {options}"
                )
        current = store.entry_document(row["id"])  # texts decrypted, for comparing
        stored = {**row, "text": current["text"], "suggests": current["suggests"]}
        changes = {
            name: new
            for name, value in given.items()
            if (new := _amended_value(kind, name, value, redact)) != stored[name]
        }
        if not changes:
            raise IssuenoteError(f"entry {number} of case {case_id} already says that")
        if "at" in changes and row["done_at"] is not None:
            _refuse_done_before({**row, "at": changes["at"]}, row["done_at"], case_id)
        if kind in ("contact", "reply"):
            merged = {**stored, **changes}
            _flag_fake_support(store, case_id, merged)
            changes["flags"], changes["warnings"] = merged["flags"], merged["warnings"]
        store.update_entry(row["id"], changes)
        shown = [_OPTION_NAMES[name].lstrip("-") for name in changes if name in _OPTION_NAMES]
        change.summary = (
            _entry_summary("amended", case_id, number, {"kind": kind}) + f": {', '.join(shown)}"
        )
    return store.entry_document(row["id"])


def delete_entry(store: Store, case_ref: str, entry_ref: str) -> dict[str, Any]:
    """Delete one entry: it stays as a tombstone with its revisions; exports leave it out."""
    with store.recording("rm") as change:
        case_id = store.resolve_case(case_ref)
        row = store.entry_row(case_id, entry_ref)
        document = store.entry_document(row["id"])
        store.delete_entry(row["id"])
        change.summary = _entry_summary("deleted", case_id, row["number"], document)
    return document


def plan_undo(store: Store, back_to: int | None = None) -> list[dict[str, Any]]:
    """What `undo` (or `undo N`) would revert, newest first; refuses if nothing."""
    return store.plan_undo(back_to)


def undo(
    store: Store, back_to: int | None = None, *, expected: list[int] | None = None
) -> list[dict[str, Any]]:
    """Revert the last change (or every change back to N) as one new, undoable change.

    `expected` is the plan the user confirmed; if another process changed the
    journal meanwhile, nothing is reverted.
    """
    with store.recording("undo") as change:
        planned = store.plan_undo(back_to)
        if expected is not None and [c["id"] for c in planned] != expected:
            raise IssuenoteError("the notebook changed while you were asked; nothing undone")
        store.revert_changes(planned, change)
        numbers = ", ".join(str(c["id"]) for c in planned)
        change.summary = f"undid change {numbers}: " + "; ".join(c["summary"] for c in planned)
    return planned


# -- transactions --------------------------------------------------------------


def add_transaction(
    store: Store,
    case_ref: str,
    reference: str,
    *,
    order_id: str | None = None,
    force_order: bool = False,
    chain: str | None = None,
    network: str | None = None,
    asset: str | None = None,
    amount: str | None = None,
    kind: str | None = None,
    address: str | None = None,
    memo: str | None = None,
    at: str | None = None,
    redact: bool = False,
) -> dict[str, Any]:
    """Record a transfer, or fill in one already recorded under its TxID or order ID.

    `reference` is a TxID, an explorer link or (not a hash) an exchange order
    ID; `force_order` takes it as an order ID whatever it looks like.
    """
    from issuenote.parse import txid as txids
    from issuenote.parse.amounts import format_amount, parse_amount

    clean_asset = clean_field(asset, "asset", redact=redact)
    clean_asset = clean_asset.upper() if clean_asset else None
    clean_network = clean_field(network, "network", redact=redact)
    chain_hint = chain
    if chain_hint is None and clean_network is not None:
        named = txids.normalize_chain(clean_network)
        chain_hint = named if named in txids.CHAIN_NAMES else None
    order = clean_field(order_id, "order ID", redact=redact)
    if order is not None:
        order = txids.order_id(order)
    if force_order:
        if order is not None:
            raise IssuenoteError("give the order ID once: as TXID with --order, or as --order-id")
        order, hash_info = txids.order_id(reference), None
        if chain is not None:
            txids.normalize_chain(chain)
    else:
        hash_info = txids.recognize(reference, chain=chain_hint, asset=clean_asset)
        if not hash_info.is_onchain and hash_info.chain != "lightning":
            if order is not None:
                raise IssuenoteError(
                    f"{hash_info.txid!r} is not a transaction hash, and --order-id gives the "
                    "order ID; give the TxID (or its explorer link) first"
                )
            order, hash_info = hash_info.txid, None
    fields: dict[str, Any] = {
        "txid": hash_info.txid if hash_info else None,
        "order_id": order,
        "chain": hash_info.chain
        if hash_info
        else (chain_hint and txids.normalize_chain(chain_hint)),
        "network": clean_network,
        "asset": clean_asset,
        "amount": format_amount(parse_amount(amount)) if amount is not None else None,
        "kind": choose("transaction kind", kind) if kind else None,
        "address": clean_field(address, "address", redact=redact),
        "memo": clean_field(memo, "memo", redact=redact),
        "at": past_time(at, "transaction time") if at else None,
    }
    with store.recording("tx") as change:
        case_id = store.resolve_case(case_ref)
        by_txid = store.find_transaction(case_id, txid=fields["txid"]) if fields["txid"] else None
        by_order = store.find_transaction(case_id, order_id=order) if order else None
        if by_txid and by_order and by_txid["id"] != by_order["id"]:
            raise IssuenoteError(
                f"case {case_id} already has TxID {fields['txid']} and order {order} as two "
                "transfers; nothing changed"
            )
        existing = by_txid or by_order
        if existing and hash_info and hash_info.chain is None and fields["chain"] is None:
            # The transfer recorded first (by its order ID) tells the TxID's chain.
            hinted = txids.recognize(
                reference,
                chain=existing["chain"],
                asset=clean_asset or existing["asset"],
            )
            fields["txid"], fields["chain"] = hinted.txid, hinted.chain
        label = fields["txid"] or order
        if existing is None:
            tx_id = store.add_transaction(case_id, fields)
            change.summary = f"added transfer {label} to case {case_id}"
        else:
            tx_id = existing["id"]
            updates = _filled_in(existing, fields, case_id)
            if not updates:
                raise IssuenoteError(f"case {case_id} already has transaction {label}")
            store.update_transaction(tx_id, updates)
            change.summary = (
                f"filled in {', '.join(k.replace('_', ' ') for k in updates)} of transfer "
                f"{existing['txid'] or existing['order_id']} on case {case_id}"
            )
    return store.transaction_document(tx_id)


def _filled_in(existing: dict[str, Any], fields: dict[str, Any], case_id: int) -> dict[str, Any]:
    """What a second `tx` adds to a transfer: empty fields filled; a clash is refused."""
    updates: dict[str, Any] = {}
    for name, value in fields.items():
        if value is None:
            continue
        here = existing[name]
        if here is None:
            updates[name] = value
        elif (here.casefold() if name == "txid" else here) != (
            value.casefold() if name == "txid" else value
        ):
            shown = existing["txid"] or existing["order_id"]
            raise IssuenoteError(
                f"transfer {shown} of case {case_id} already has {name.replace('_', ' ')} "
                f"{here!r}, not {value!r}; nothing changed"
            )
    return updates
