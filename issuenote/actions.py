"""What each recording command does, callable without the CLI.

Each function validates every user value first, then writes in one
transaction, so a refused input never leaves a half-written record.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from issuenote.errors import IssuenoteError
from issuenote.model import choose
from issuenote.parse import timeparse
from issuenote.store import Store

if TYPE_CHECKING:
    from pathlib import Path

    from issuenote.evidence.attachments import Candidate

# A pasted chat log can be long; past this a text is refused rather than stored.
MAX_TEXT_BYTES = 2 * 1024 * 1024
MAX_FIELD_CHARS = 300
# Entries record what happened; a clock a minute ahead is fine, the future is not.
FUTURE_SLACK = timedelta(minutes=1)


def clean_text(
    value: str | None, what: str, *, required: bool = True, redact: bool = False
) -> str | None:
    """Long free text (notes, replies): kept as written, but never NUL, unbounded or secret."""
    text = unscreened_text(value, what, required=required)
    return None if text is None else screen(text, what, redact=redact)


def unscreened_text(value: str | None, what: str, *, required: bool = True) -> str | None:
    """clean_text but for the secret scan, which the caller runs (import scans in bulk)."""
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
    return value.strip()


def clean_field(
    value: str | None, what: str, *, required: bool = False, redact: bool = False
) -> str | None:
    """Short one-line values (agent, ticket, platform): no line breaks, control bytes, secrets."""
    field = unscreened_field(value, what, required=required)
    return None if field is None else screen(field, what, redact=redact)


def unscreened_field(value: str | None, what: str, *, required: bool = False) -> str | None:
    """clean_field but for the secret scan, which the caller runs (import scans in bulk)."""
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
    return value


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
            # What the user wants support to do: the case's request, shown in every export.
            request=answers.get("request"),
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
    request: str | None = None,
    jurisdiction: str | None = None,
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
    if jurisdiction is not None:
        from issuenote.followup.clock import check_jurisdiction

        changes["jurisdiction"] = check_jurisdiction(jurisdiction, escalation_rules(store)) or None
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
    # Its attachment files stay while `undo` can bring the case back;
    # `doctor --fix` removes the files no attachment uses.


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
    "attachment": "attachment",
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
    promised: str | None = None,
    at: str | None = None,
    redact: bool = False,
    private: bool = False,
) -> dict[str, Any]:
    reply_at = past_time(at, "reply time")
    promised_by = None
    if promised is not None:
        since = timeparse.from_storage(reply_at)
        promised_by = timeparse.to_storage(timeparse.parse_promise(promised, since=since))
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
        "promised_by": promised_by,
        "at": reply_at,
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
    # An attachment entry's text is the files' caption (`attach --caption`).
    "attachment": ("text", "at"),
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


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def _amended_value(store: Store, kind: str, name: str, value: str, redact: bool) -> Any:
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
        return due_time(store, value) if value.strip() else None  # a bare day: due_hour
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
                    f"entry {number} of case {case_id} is {_article(kind)} {kind}, which has no "
                    f"{_OPTION_NAMES[name].lstrip('-').replace('-', ' ')}; "
                    f"amend can change its {options}"
                )
        current = store.entry_document(row["id"])  # texts decrypted, for comparing
        stored = {**row, "text": current["text"], "suggests": current["suggests"]}
        changes = {
            name: new
            for name, value in given.items()
            if (new := _amended_value(store, kind, name, value, redact)) != stored[name]
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


# -- search ------------------------------------------------------------------

SEARCH_KINDS = ("case", "transaction")
_KIND_ALIASES = {
    "tx": "transaction",
    "transactions": "transaction",
    "cases": "case",
    "attachments": "attachment",
}


def search(
    store: Store,
    query: str,
    *,
    raw: bool = False,
    case_ref: str | None = None,
    platform: str | None = None,
    since: str | None = None,
    kinds: Iterable[str] = (),
    limit: int = 200,
    rank: bool = False,
) -> list[dict[str, Any]]:
    """Hits for a query, each with a `snippet` around the match; checked input only."""
    from issuenote.parse.searchquery import parse_query, snippet
    from issuenote.store.search import Filters

    terms = parse_query(query)
    raw_query = None
    if raw:
        raw_query = clean_field(query, "search text", required=True)
    if limit < 1:
        raise IssuenoteError("--limit must be at least 1")
    filters = Filters(
        case_id=store.resolve_case(case_ref) if case_ref is not None else None,
        platform=clean_field(platform, "platform"),
        since=past_time(since, "--since time") if since is not None else None,
        kinds=frozenset(_search_kind(kind) for kind in kinds),
    )
    hits = store.search(
        None if raw else terms, raw=raw_query, filters=filters, limit=limit, rank=rank
    )
    for hit in hits:
        body = " · ".join(hit.pop("body"))
        hit["snippet"] = snippet(body, terms)
        hit["marked"] = snippet(body, terms, mark=("\x02", "\x03"))
    return hits


def _search_kind(value: str) -> str:
    word = value.strip().lower()
    word = _KIND_ALIASES.get(word, word)
    if word in SEARCH_KINDS:
        return word
    try:
        return choose("kind", word)
    except IssuenoteError:
        from issuenote.model import ENTRY_KINDS

        shown = value if len(value) <= 40 else value[:40] + "…"
        choices = ", ".join((*ENTRY_KINDS, *SEARCH_KINDS))
        raise IssuenoteError(f"unknown kind {shown!r}; choose one of: {choices}") from None


# -- follow-up -------------------------------------------------------------------


def escalation_rules(store: Store) -> dict[str, Any]:
    from issuenote.config import load_config
    from issuenote.followup.clock import load_rules

    extra = load_config(store.home).get("escalation")
    if extra is not None and not isinstance(extra, dict):
        raise IssuenoteError("config.toml: [escalation] must hold tables such as [escalation.sg]")
    return load_rules(extra)


def complaint_clocks(
    store: Store,
    *,
    case_id: int | None = None,
    now: datetime | None = None,
    deadlines_only: bool = False,
) -> dict[int, dict[str, Any]]:
    """Each case's complaint clock: time since first contact, and its rule's deadline.

    deadlines_only: only open cases that can have a deadline (a jurisdiction),
    for the agenda and `due`, which show nothing else: not every case is read.
    """
    from issuenote.followup.clock import clock

    now = now or timeparse.utc_now()
    rows = store.first_contacts(case_id=case_id, open_with_jurisdiction=deadlines_only)
    rules = escalation_rules(store) if any(r["jurisdiction"] for r in rows.values()) else {}
    clocks = {}
    for number, row in rows.items():
        first = row["first_contact"]
        start = timeparse.from_storage(first) if first else None
        facts = clock(rules.get(row["jurisdiction"] or ""), start, now)
        if facts is not None:
            clocks[number] = {**facts, "case_id": number, "title": row["title"], **_status(row)}
    return clocks


def _status(row: dict[str, Any]) -> dict[str, Any]:
    from issuenote.model import FINISHED_STATUSES

    return {"status": row["status"], "finished": row["status"] in FINISHED_STATUSES}


DUE_LIMIT = 50  # steps shown per section of `due` unless --limit
AGENDA_LIMIT = 10  # steps shown per section of the agenda


def due_report(
    store: Store,
    *,
    days: int = 7,
    now: datetime | None = None,
    decrypt: bool = True,
    limit: int | None = DUE_LIMIT,
) -> dict[str, Any]:
    """Open steps (overdue, today, upcoming, undated), open promises, escalation dates.

    Each group of steps holds at most `limit` (None: all), read off the due
    index; `<group>_total` says how many there are.
    """
    from issuenote.followup import due

    if not 0 <= days <= 3650:
        raise IssuenoteError("--days must be between 0 and 3650")
    now = now or timeparse.utc_now()
    horizon = now + timedelta(days=days)
    tonight = due.end_of_local_day(now)
    cut_now, cut_tonight, cut_horizon = (due.storage_cut(t) for t in (now, tonight, horizon))
    groups = _step_groups(
        store,
        {
            "overdue": (None, min(cut_now, cut_horizon)),
            "today": (cut_now, min(cut_tonight, cut_horizon)),
            "upcoming": (cut_tonight, cut_horizon),
        },
        now,
        days=days,
        limit=limit,
        decrypt=decrypt,
    )
    groups["undated"] = store.count_undated_steps()
    promises = due.open_promises(store.promises(), now)
    escalations = [
        c
        for c in complaint_clocks(store, now=now, deadlines_only=True).values()
        if "deadline" in c and not c["finished"] and c["deadline"] < horizon
    ]
    escalations.sort(key=lambda c: c["deadline"])
    return {"now": now, "days": days, **groups, "promises": promises, "escalations": escalations}


def _step_groups(
    store: Store,
    bounds: dict[str, tuple[str | None, str]],
    now: datetime,
    *,
    days: int,
    limit: int | None,
    decrypt: bool = False,
) -> dict[str, Any]:
    """Each group's first `limit` steps and its total; one bounded query per group."""
    from issuenote.followup import due

    steps: list[dict[str, Any]] = []
    totals: dict[str, int] = {}
    for group, (since, until) in bounds.items():
        if since is not None and since >= until:
            totals[group] = 0
            continue
        shown = store.open_steps(since=since, until=until, limit=limit, decrypt=decrypt)
        steps += shown
        full = limit is not None and len(shown) == limit
        totals[group] = store.count_open_steps(since=since, until=until) if full else len(shown)
    groups: dict[str, Any] = due.classify_steps(steps, now, days=days)
    for group, total in totals.items():
        groups[f"{group}_total"] = total
    return groups


def agenda(store: Store, *, now: datetime | None = None) -> dict[str, Any]:
    """What the bare `issuenote` shows: due now, broken promises, waiting and recent cases.

    Every part is read off an index and bounded, so it costs the same at any size.
    """
    from issuenote.followup import due

    now = now or timeparse.utc_now()
    cut_now, cut_tonight = due.storage_cut(now), due.storage_cut(due.end_of_local_day(now))
    groups = _step_groups(
        store,
        {"overdue": (None, cut_now), "today": (cut_now, cut_tonight)},
        now,
        days=1,
        limit=AGENDA_LIMIT,
    )
    promises = [p for p in due.open_promises(store.promises(), now) if p["state"] == "overdue"]
    waiting = store.waiting_cases(limit=5)
    total = store.count_waiting_cases() if len(waiting) == 5 else len(waiting)
    clocks = complaint_clocks(store, now=now, deadlines_only=True)
    return {
        "now": now,
        "cases": store.count("cases"),
        "overdue": groups["overdue"],
        "overdue_total": groups["overdue_total"],
        "today": groups["today"],
        "today_total": groups["today_total"],
        "promises": promises,
        "escalations": [c for c in clocks.values() if c.get("may_escalate") and not c["finished"]],
        "waiting": waiting,
        "waiting_total": total,
        "recent": store.recent_cases(3),
    }


def stats(
    store: Store, *, platform: str | None = None, now: datetime | None = None
) -> dict[str, Any]:
    """Reply and resolution times from the user's own history (see issuenote.followup.stats)."""
    from issuenote.followup import stats as figures

    now = now or timeparse.utc_now()
    platform = clean_field(platform, "platform")
    if not store.has_cases(platform=platform):
        if platform:
            raise IssuenoteError(
                f"no cases on platform {platform!r}; `issuenote list --all` shows the platforms"
            )
        raise IssuenoteError("no cases yet: stats need contacts and replies to count")
    return {"platform": platform, **figures.from_aggregates(store, now, platform)}


def case_follow_up(store: Store, case_id: int, *, now: datetime | None = None) -> dict[str, Any]:
    """One case's complaint clock and its agents' promises (kept, broken, open)."""
    from issuenote.followup import due

    now = now or timeparse.utc_now()
    promises = []
    for promise in store.promises(case_id=case_id):
        state = due.promise_state(promise, now)
        promises.append({**promise, "state": state, "line": due.promise_line(promise, now)})
    clock = complaint_clocks(store, case_id=case_id, now=now).get(case_id)
    return {"now": now, "clock": clock, "promises": promises}


# -- evidence: attachments -------------------------------------------------------


def attach_files(
    store: Store,
    case_ref: str,
    paths: list[str],
    *,
    caption: str | None = None,
    entry_ref: str | None = None,
    at: str | None = None,
    redact: bool = False,
    strip_metadata: bool = False,
    private: bool = False,
    progress: Callable[[int], Callable[[int], None] | None] | None = None,
) -> dict[str, Any]:
    """Attach files as one new attachment entry; every file is checked before any is kept.

    `progress(total_bytes)` may return a callback that is told of each chunk
    copied: the CLI shows a bar on a terminal.
    """
    from pathlib import Path

    from issuenote.config import attachment_limit
    from issuenote.evidence import attachments as files

    if not paths:
        raise IssuenoteError("no file to attach; name at least one")
    fields = {
        "kind": "attachment",
        "private": private,
        "text": clean_text(caption, "caption", required=False, redact=redact),
        "at": past_time(at, "attachment time"),
    }
    case_id = store.resolve_case(case_ref)
    about = store.entry_row(case_id, entry_ref)["id"] if entry_ref is not None else None
    limit = attachment_limit(store.home)
    candidates = [files.check_file(Path(path), limit=limit) for path in paths]
    tick = progress(sum(c.size for c in candidates)) if progress else None
    prepared: list[PreparedFile] = []
    try:
        for candidate in candidates:
            prepared.append(
                prepare_file(
                    store.home,
                    candidate,
                    redact=redact,
                    strip_metadata=strip_metadata,
                    tick=tick,
                )
            )
        return _keep_attachments(store, case_id, fields, prepared, about=about, source="attach")
    finally:
        for item in prepared:
            item.temp.unlink(missing_ok=True)


class PreparedFile:
    """A file copied into the incoming area, checked, and ready to be kept."""

    def __init__(
        self,
        *,
        temp: Path,
        name: str,
        size: int,
        sha256: str,
        original_sha256: str | None,
        media_type: str,
        findings: list[str],
        notices: list[str],
        message_id: str | None = None,
        source: str = "attach",
    ) -> None:
        self.temp = temp
        self.name = name
        self.size = size
        self.sha256 = sha256
        self.original_sha256 = original_sha256
        self.media_type = media_type
        self.findings = findings
        self.notices = notices
        self.message_id = message_id
        self.source = source


def prepare_file(
    home: Path,
    candidate: Candidate | _Source,
    *,
    redact: bool,
    strip_metadata: bool,
    tick: Callable[[int], None] | None = None,
    data: bytes | None = None,
    source: str = "attach",
) -> PreparedFile:
    """Copy, hash, sniff and screen one file; a secret in a text file refuses it (or masks it)."""
    from issuenote.evidence import attachments as files

    if data is None:
        temp, digest, size = files.copy_in(candidate.path, home, tick)
    else:
        temp, digest = files.write_incoming(home, data)
        size = len(data)
    try:
        with temp.open("rb") as stream:
            head = stream.read(files.SNIFF_BYTES)
        media_type = files.sniff(head, candidate.name)
        findings: list[str] = []
        notices: list[str] = []
        original: str | None = None
        if files.is_screened(candidate.name, media_type):
            content = temp.read_bytes()
            masked = _screen_file_text(content, candidate.name, redact=redact)
            if masked is not None:
                temp.unlink(missing_ok=True)
                temp, new_digest = files.write_incoming(home, masked)
                original, digest, size = digest, new_digest, len(masked)
                findings.append("secrets masked")
                notices.append(f"{candidate.name}: secrets masked; only the masked copy is kept")
        elif media_type in files.IMAGE_TYPES:
            content = temp.read_bytes()
            facts = files.image_metadata(content)
            if strip_metadata and facts.has_metadata:
                stripped = files.strip_image_metadata(content)
                temp.unlink(missing_ok=True)
                temp, new_digest = files.write_incoming(home, stripped)
                original, digest, size = digest, new_digest, len(stripped)
                if facts.findings:
                    notices.append(f"{candidate.name}: removed {', '.join(facts.findings)}")
                findings.append("metadata stripped")
            elif facts.findings:
                findings += facts.findings
                notices.append(
                    f"{candidate.name} carries {', '.join(facts.findings)}; "
                    "--strip-metadata keeps a copy without it"
                )
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return PreparedFile(
        temp=temp,
        name=candidate.name,
        size=size,
        sha256=digest,
        original_sha256=original,
        media_type=media_type,
        findings=findings,
        notices=notices,
        source=source,
    )


def _screen_file_text(content: bytes, name: str, *, redact: bool) -> bytes | None:
    """None when the text is clean; the masked text with --redact; else refuse."""
    from issuenote.evidence.attachments import decode_text
    from issuenote.safety import guard

    text = decode_text(content)
    findings = guard.find_secrets(text)
    if not findings:
        return None
    if redact:
        return guard.redact(text, findings).encode("utf-8")
    raise IssuenoteError(
        f"{guard.refusal_message(findings)} (in the file {name!r}; --redact keeps a masked copy)"
    )


def _keep_attachments(
    store: Store,
    case_id: int,
    fields: dict[str, Any],
    prepared: list[PreparedFile],
    *,
    about: int | None,
    source: str,
) -> dict[str, Any]:
    """Store the files by hash and record them, with their new entry, in one transaction."""
    created: list[str] = []
    try:
        with store.recording("ingest" if source == "mail" else "attach") as change:
            if fields["kind"] in ("contact", "reply"):
                _flag_fake_support(store, case_id, fields)
            fields["number"] = store.next_entry_number(case_id)
            entry_id = store.add_entry(case_id, fields, chain=False)
            _record_files(store, case_id, entry_id, prepared, fields, about, source, created)
            store.chain_entry(entry_id, "add")
            names = ", ".join(item.name for item in prepared)
            change.summary = _entry_summary(
                "ingested" if source == "mail" else "attached", case_id, fields["number"], fields
            ) + (f" ({_quoted(names)})" if names and not fields.get("private") else "")
    except BaseException:
        _drop_new_files(store, created)
        raise
    entry = store.entry_document(entry_id)
    entry["attachments"] = store.attachment_documents(case_id, entry_id=entry_id)
    entry["notices"] = [notice for item in prepared for notice in item.notices]
    return entry


def _record_files(
    store: Store,
    case_id: int,
    entry_id: int,
    prepared: list[PreparedFile],
    fields: dict[str, Any],
    about: int | None,
    source: str,
    created: list[str],
) -> None:
    """Inside a write transaction: place each file under its hash and add its record.

    A private file is sealed with the notebook key first and kept under the
    hash of the sealed bytes. `created` collects the files this call added,
    so the caller can take them away again if the transaction fails.
    """
    from issuenote.evidence import attachments as files
    from issuenote.store.queries import new_uuid

    private = bool(fields.get("private"))
    for item in prepared:
        record_uuid = new_uuid()
        if private:
            sealed = store.vault.encrypt_file(item.temp.read_bytes(), record_uuid=record_uuid)
            item.temp.unlink(missing_ok=True)
            item.temp, blob = files.write_incoming(store.home, sealed)
        else:
            blob = item.sha256
        if files.place(item.temp, store.home, blob):
            created.append(blob)
        name = store._seal(item.name, "attachments", "name", record_uuid) if private else item.name
        store.add_attachment(
            {
                "uuid": record_uuid,
                "case_id": case_id,
                "entry_id": entry_id,
                "about_entry_id": about,
                "name": name,
                "size": item.size,
                "media_type": item.media_type,
                "sha256": item.sha256,
                "original_sha256": item.original_sha256,
                "blob": blob,
                "private": private,
                "source": item.source if item.source != "attach" else source,
                "message_id": item.message_id,
                "findings": _json_list(item.findings),
            }
        )


def _drop_new_files(store: Store, created: list[str]) -> None:
    from issuenote.evidence import attachments as files

    for blob in created:
        if not _blob_referenced(store, blob):
            files.remove_blob(store.home, blob)


def _blob_referenced(store: Store, blob: str) -> bool:
    try:
        return store.blob_in_use(blob)
    except Exception:  # the transaction rolled back; the row is gone with it
        return False


def _json_list(values: list[str]) -> str:
    import json

    return json.dumps(values, ensure_ascii=False) if values else "[]"


def list_attachments(store: Store, case_ref: str) -> tuple[int, list[dict[str, Any]]]:
    case_id = store.resolve_case(case_ref)
    return case_id, store.attachment_documents(case_id)


def attachment_file(store: Store, case_ref: str, ref: str) -> tuple[dict[str, Any], Any]:
    """The attachment and a path to its content: the kept file, or a decrypted private copy."""
    import tempfile
    from pathlib import Path

    from issuenote.evidence import attachments as files

    case_id = store.resolve_case(case_ref)
    row = store.attachment_row(case_id, ref)
    document = store.attachment_document(row)
    path = files.blob_path(store.home, row["blob"])
    problem = files.check_blob(store.home, row["blob"])
    if problem:
        raise IssuenoteError(
            f"attachment {row['number']} of case {case_id} {problem}; `issuenote verify` checks all"
        )
    if not row["private"]:
        return document, path
    plain = store.vault.decrypt_file(path.read_bytes(), record_uuid=row["uuid"])
    folder = Path(tempfile.mkdtemp(prefix="issuenote-"))
    copy = folder / (document["name"] or f"attachment-{row['number']}")
    fd = os.open(copy, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    with os.fdopen(fd, "wb") as stream:
        stream.write(plain)
    return document, copy


def detach(store: Store, case_ref: str, ref: str) -> dict[str, Any]:
    """Remove an attachment from its entry, as a change `undo` can revert.

    The file stays in the store while `undo` may want it back; `doctor --fix`
    removes the files no attachment uses.
    """
    with store.recording("rm") as change:
        case_id = store.resolve_case(case_ref)
        row = store.attachment_row(case_id, ref)
        document = store.attachment_document(row)
        change.summary = f"detached attachment {row['number']} of case {case_id}"
        store.delete_attachment(row["id"])
        store.chain_entry(row["entry_id"], "detach")
        store.touch_case(case_id)
    return document


def verify(store: Store, case_ref: str | None = None) -> dict[str, Any]:
    """Recompute every chain (or one case's) and every attachment's hash; never needs the key."""
    from issuenote.evidence import attachments as files
    from issuenote.evidence.chain import short

    case_ids = (
        [store.resolve_case(case_ref)]
        if case_ref is not None
        else [int(row[0]) for row in store.conn.execute("SELECT id FROM cases ORDER BY id")]
    )
    cases = []
    for case_id in case_ids:
        report = store.verify_case_chain(case_id)
        problems = list(report.problems)
        for row in store.attachment_rows(case_id):
            problem = files.check_blob(store.home, row["blob"])
            if problem:
                problems.append(f"the file of attachment {row['number']} {problem}")
        cases.append(
            {
                "case": case_id,
                "intact": not problems,
                "links": report.links,
                "head": report.head,
                "head_short": short(report.head),
                "problems": problems,
            }
        )
    return {"intact": all(case["intact"] for case in cases), "cases": cases}


# -- evidence: saved e-mails and chat transcripts ------------------------------------


class _Source:
    """A file named on the command line, or bytes piped in, to attach as it is."""

    def __init__(self, name: str, size: int) -> None:
        from pathlib import Path

        self.path = Path(name)
        self.name = name
        self.size = size


def ingest_mail(
    store: Store,
    case_ref: str,
    name: str,
    data: bytes,
    *,
    path: Any = None,
    at: str | None = None,
    redact: bool = False,
    private: bool = False,
    dry_run: bool = False,
) -> dict[str, Any]:
    """A saved support e-mail becomes a reply (or, sent from the user's address, a contact).

    The original message is kept as an attachment of that entry, with the
    files inside it; the same message (Message-ID, or the same bytes) twice
    records nothing the second time.
    """
    import hashlib

    from issuenote.config import attachment_limit
    from issuenote.evidence import attachments as files
    from issuenote.evidence import ingest

    case_id = store.resolve_case(case_ref)
    limit = attachment_limit(store.home)
    if len(data) > limit:
        raise IssuenoteError(
            f"{name!r} is {files.format_size(len(data))}; the attachment limit is "
            f"{files.format_size(limit)}"
        )
    is_msg = name.lower().endswith(".msg") or data.startswith(bytes.fromhex("d0cf11e0a1b11ae1"))
    if is_msg and path is None:
        raise IssuenoteError("an Outlook .msg cannot be piped in; name the file instead")
    parsed = ingest.parse_msg(path) if is_msg else ingest.parse_eml(data)
    digest = hashlib.sha256(data).hexdigest()
    summary = {"case_id": case_id, "source": name, "sha256": digest, **parsed.summary()}
    existing = store.find_ingested(case_id, parsed.message_id, digest)
    if existing is not None:
        return {**summary, "status": "duplicate", "entry_id": existing}
    fields = _mail_fields(store, case_id, parsed, at=at, redact=redact, private=private)
    if dry_run:
        if not redact:  # what the kept original would refuse, refuse now
            _screen_file_text(data, name, redact=False)
        return {**summary, "status": "dry-run", "would_record": fields}
    prepared: list[PreparedFile] = []
    try:
        original = prepare_file(
            store.home,
            _Source(name, len(data)),
            redact=redact,
            strip_metadata=False,
            data=data,
            source="mail",
        )
        original.message_id = parsed.message_id
        prepared.append(original)
        for part in parsed.parts:
            part_name = files.storable_name(_Source(part.name, 0).path)
            prepared.append(
                prepare_file(
                    store.home,
                    _Source(part_name, len(part.data)),
                    redact=redact,
                    strip_metadata=False,
                    data=part.data,
                    source="mail-part",
                )
            )
        entry = _keep_attachments(store, case_id, fields, prepared, about=None, source="mail")
    finally:
        for item in prepared:
            item.temp.unlink(missing_ok=True)
    return {**summary, "status": "recorded", "entry": entry}


def _mail_fields(
    store: Store,
    case_id: int,
    parsed: Any,
    *,
    at: str | None,
    redact: bool,
    private: bool,
) -> dict[str, Any]:
    mine = parsed.sender is not None and parsed.sender == _own_address(store, case_id)
    kind = "contact" if mine else "reply"
    via = (parsed.recipients[0] if parsed.recipients else None) if mine else parsed.sender
    if parsed.date is not None and at is None:
        when = parsed.date
        if when > timeparse.utc_now() + FUTURE_SLACK:
            raise IssuenoteError(
                f"the message's Date: {when.isoformat()} is in the future; give --at"
            )
        stored_at = timeparse.to_storage(when)
    else:
        stored_at = past_time(at, "message time")
    body = parsed.body.strip()
    text = "\n\n".join(part for part in (parsed.subject, body) if part) or "(empty message)"
    return {
        "kind": kind,
        "private": private,
        "channel": "email",
        "via": clean_field(via, "sender address", redact=redact),
        "ticket": clean_field(parsed.ticket, "ticket number", redact=redact),
        "agent": None if mine else clean_field(parsed.agent, "agent name", redact=redact),
        "agent_id": None if mine else clean_field(parsed.agent_id, "agent ID", redact=redact),
        "suggests": None,
        "text": clean_text(text, "message", redact=redact),
        "at": stored_at,
    }


def _own_address(store: Store, case_id: int) -> str | None:
    """The account reference, when it is an e-mail address: mail from it is the user's own."""
    row = store.case_row(case_id)
    errors: list[str] = []
    account = store._unseal(row["account"], "cases", "account", row["uuid"], errors)
    if account and "@" in account and " " not in account.strip():
        return account.strip().lower()
    return None


def ingest_chat(
    store: Store,
    case_ref: str,
    name: str,
    data: bytes,
    *,
    at: str | None = None,
    redact: bool = False,
    private: bool = False,
    dry_run: bool = False,
) -> dict[str, Any]:
    """A pasted live-chat transcript: kept as an attachment, split into entries when it can be.

    Lines such as `[10:02] Kevin: ...`, `Kevin 10:02` or `客服 Kevin 10:02:11`
    become one reply (or, for the user's own lines, one contact) each, on the
    day given by --at (default today). Otherwise the transcript is one note.
    """
    from issuenote.config import attachment_limit
    from issuenote.evidence import attachments as files
    from issuenote.evidence import ingest

    case_id = store.resolve_case(case_ref)
    limit = attachment_limit(store.home)
    if len(data) > limit:
        raise IssuenoteError(f"{name!r} is larger than the attachment limit")
    text = files.decode_text(data)
    lines = ingest.parse_chat(text)
    day = timeparse.parse_time(at) if at else timeparse.utc_now()
    entries = [_chat_fields(line, day, redact=redact, private=private) for line in lines]
    notices = []
    if not entries:
        notices.append(
            f"{name}: no lines with a time and a name (like '[10:02] Kevin: ...'); "
            "kept whole as one note with the transcript attached"
        )
        entries = [
            {
                "kind": "note",
                "private": private,
                "text": clean_text(
                    f"Chat transcript ({name}):\n\n{text}", "chat transcript", redact=redact
                ),
                "at": past_time(at, "chat time"),
            }
        ]
    if dry_run:
        if not redact:
            _screen_file_text(data, name, redact=False)
        return {
            "case_id": case_id,
            "status": "dry-run",
            "would_record": entries,
            "notices": notices,
        }
    transcript = prepare_file(
        store.home,
        _Source(name, len(data)),
        redact=redact,
        strip_metadata=False,
        data=data,
        source="chat",
    )
    created: list[str] = []
    recorded = []
    try:
        with store.recording("ingest") as change:
            change.summary = f"ingested a chat into case {case_id} ({_quoted(name)})"
            for index, fields in enumerate(entries):
                if fields["kind"] in ("contact", "reply"):
                    _flag_fake_support(store, case_id, fields)
                fields["number"] = store.next_entry_number(case_id)
                entry_id = store.add_entry(case_id, fields, chain=False)
                if index == 0:
                    _record_files(
                        store, case_id, entry_id, [transcript], fields, None, "chat", created
                    )
                store.chain_entry(entry_id, "add")
                recorded.append(entry_id)
    except BaseException:
        _drop_new_files(store, created)
        raise
    finally:
        transcript.temp.unlink(missing_ok=True)
    documents = [store.entry_document(entry_id) for entry_id in recorded]
    return {
        "case_id": case_id,
        "status": "recorded",
        "entries": documents,
        "attachments": store.attachment_documents(case_id, entry_id=recorded[0]),
        "notices": notices + transcript.notices,
    }


def _chat_fields(line: Any, day: datetime, *, redact: bool, private: bool) -> dict[str, Any]:
    local_day = day.astimezone()
    date = line.date or local_day.strftime("%Y-%m-%d")
    seconds = line.time if line.time.count(":") == 2 else f"{line.time}:00"
    hour, minute, second = (int(part) for part in seconds.split(":"))
    when = datetime.fromisoformat(f"{date}T{hour:02d}:{minute:02d}:{second:02d}")
    when = when.replace(tzinfo=local_day.tzinfo)
    if line.date is None and when > timeparse.utc_now() + FUTURE_SLACK:
        when -= timedelta(days=1)  # a chat late yesterday, pasted this morning
    if when > timeparse.utc_now() + FUTURE_SLACK:
        raise IssuenoteError(f"the chat line at {date} {line.time} is in the future")
    return {
        "kind": "contact" if line.mine else "reply",
        "private": private,
        "channel": "chat",
        "via": None,
        "suggests": None,
        "agent": None if line.mine else clean_field(line.name, "agent name", redact=redact),
        "text": clean_text(line.text, "chat message", redact=redact),
        "at": timeparse.to_storage(when),
    }


# -- evidence: the bundle --------------------------------------------------------------


def make_bundle(
    store: Store,
    case_ref: str,
    *,
    output: Any = None,
    lang: str | None = None,
    force: bool = False,
    progress: Callable[[int], Callable[[int], None] | None] | None = None,
) -> dict[str, Any]:
    """Write a case's evidence bundle: reports, numbered exhibits, manifests with SHA-256s."""
    from pathlib import Path

    from issuenote import __version__, exporters
    from issuenote.config import default_language
    from issuenote.evidence import attachments as files
    from issuenote.evidence.bundle import EXHIBITS, Exhibit, check_target, write_bundle
    from issuenote.exporters.i18n import Translator
    from issuenote.exporters.screen import screen_document

    if lang is not None and lang not in exporters.LANGS:
        raise IssuenoteError(f"unknown language {lang!r}; choose one of en, zh, ko")
    case_id = store.resolve_case(case_ref)
    doc, _ = screen_document(store.case_document(case_id))
    language = lang or doc.get("language") or default_language(store.home) or "en"
    now = timeparse.utc_now()
    target = Path(output) if output else Path(f"case-{case_id}-evidence-{now:%Y-%m-%d}.zip")
    check_target(target, force=force)
    shown_entries = {e["id"] for e in doc["entries"] if not e["private"]}
    exhibits = []
    for item in doc["attachments"]:
        if item["private"] or item["entry_id"] not in shown_entries:
            continue  # like a private entry, a private file stays out of what is shared
        row = store.attachment_row(case_id, str(item["number"]))
        problem = files.check_blob(store.home, row["blob"])
        if problem:
            raise IssuenoteError(
                f"the file of attachment {item['number']} {problem}; `issuenote verify` says more"
            )
        exhibits.append(
            Exhibit(
                number=item["number"],
                archive_name=f"{EXHIBITS}/{item['exhibit']}",
                source=files.blob_path(store.home, row["blob"]),
                name=item["name"],
                media_type=item["media_type"],
                size=item["size"],
                sha256=item["sha256"],
                entry_id=item["entry_id"],
                caption=item["caption"],
            )
        )
    options = {"lang": language, "redact": True, "include_private": False}
    documents = {
        "report.html": exporters.render(doc, fmt="html", **options),
        "report.md": exporters.render(doc, fmt="markdown", **options),
        "case.json": exporters.render(doc, fmt="json", **options),
    }
    tr = Translator(language)
    labels = {
        "sec_exhibits": tr("sec_exhibits"),
        "file": tr("exhibit_file"),
        "type": tr("exhibit_type"),
        "bytes": tr("exhibit_bytes"),
    }
    tick = progress(sum(e.size for e in exhibits)) if progress else None
    manifest = write_bundle(
        target,
        case={
            "id": case_id,
            "uuid": doc["uuid"],
            "title": doc["title"],
            "language": language,
            "chain_head": doc["chain_head"],
        },
        documents=documents,
        exhibits=exhibits,
        labels=labels,
        force=force,
        created_at=timeparse.to_storage(now),
        version=__version__,
        progress=tick,
    )
    return {"path": str(target), "exhibits": len(exhibits), **manifest}


def find_head(store: Store, case_ref: str, head: str) -> dict[str, Any]:
    """Where a chain head printed on an earlier summary sits in the case's chain now."""
    from issuenote.evidence.chain import contains_head

    case_id = store.resolve_case(case_ref)
    wanted = head.strip().lower()
    if not (8 <= len(wanted) <= 64) or any(ch not in "0123456789abcdef" for ch in wanted):
        raise IssuenoteError("a chain head is 8 to 64 hex digits, as summaries print it")
    links = store.chain_links(case_id)
    link = contains_head(links, wanted)
    if link is None:
        raise IssuenoteError(
            f"{wanted} is not a link of case {case_id}'s chain: that summary does not come "
            "from this record (or the record was rewritten)"
        )
    return {
        "case": case_id,
        "head": link.hash,
        "link": link.seq,
        "links_since": len(links) - link.seq,
    }
