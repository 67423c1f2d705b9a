"""What every export says, decided once: the case as support should see it.

:func:`build_view` checks the case document, leaves out private entries,
masks the account, moves times to the requested zone, makes control
characters harmless and works out the derived facts (latest ticket, what is
asked now). The format modules only lay the view out.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, tzinfo
from typing import Any, NamedTuple

from issuenote.errors import IssuenoteError
from issuenote.exporters.i18n import CHAIN_NAMES, CHANNEL_CODES, Translator
from issuenote.exporters.masking import mask_account
from issuenote.model import SUSPICIOUS_FLAGS

CATEGORIES = ("account", "security", "trading", "deposit", "withdrawal", "kyc", "other")

# C0 controls except tab and newline, DEL and the C1 range: the bytes that
# start terminal escape sequences or hide text. Shown as visible symbols.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x85]")
_WHITESPACE_RUN = re.compile(r"\s+")


def _control_picture(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    if code < 0x20:
        return chr(0x2400 + code)  # ␛ for ESC, ␀ for NUL ...
    if code == 0x7F:
        return "\u2421"  # ␡
    return "\ufffd"


def neutralize(text: str) -> str:
    """Make terminal control and escape sequences harmless, keep everything else."""
    return _CONTROL.sub(_control_picture, _LINE_BREAKS.sub("\n", text))


def one_line(text: str) -> str:
    """Collapse line breaks and runs of blanks, for places that hold a single line."""
    return _WHITESPACE_RUN.sub(" ", text).strip()


class Entry(NamedTuple):
    id: int | None
    kind: str
    text: str
    at: datetime
    channel: str | None
    via: str | None
    agent: str | None
    agent_id: str | None
    ticket: str | None
    suggests: str | None
    escalated_to: str | None
    new_status: str | None
    due: datetime | None
    done_at: datetime | None
    flags: tuple[str, ...]
    warnings: tuple[str, ...]
    private: bool
    promised_by: datetime | None = None
    # "03 · wallet-history.png · sha256 2b5198ef1ec5": the files this entry carries.
    exhibits: tuple[str, ...] = ()
    # stable codes of the warnings (issuenote.safety.scam's), agent-facing texts in i18n
    codes: tuple[str, ...] = ()
    # when it was written down; `at` is when it happened (a done step: when it was done)
    recorded_at: datetime | None = None

    @property
    def suspicious(self) -> bool:
        """Flagged as an impostor: never the platform's support, anywhere."""
        return any(flag in SUSPICIOUS_FLAGS for flag in self.flags)

    @property
    def done_step(self) -> bool:
        return self.kind == "step" and self.done_at is not None


class Transaction(NamedTuple):
    """One transfer, once: its on-chain TxID and the exchange's order ID when
    both are known, with what was moved, where to, and on which network."""

    txid: str | None
    chain: str | None
    asset: str | None
    amount: str | None
    kind: str | None
    at: datetime | None
    explorer_url: str | None
    order_id: str | None = None
    network: str | None = None
    address: str | None = None
    memo: str | None = None
    # a deposit on a network that needs a memo/tag, recorded without one
    memo_missing: bool = False

    @property
    def is_order(self) -> bool:
        """Only an exchange order ID is known, not an on-chain hash."""
        return self.txid is None

    @property
    def ids(self) -> tuple[tuple[str, str], ...]:
        """(label key, value) for each ID the transfer has: TxID first, then order ID."""
        pairs = []
        if self.txid:
            pairs.append(("txid", self.txid))
        if self.order_id:
            pairs.append(("order_id", self.order_id))
        return tuple(pairs)


class Agent(NamedTuple):
    name: str | None
    agent_id: str | None
    channel: str | None
    flags: tuple[str, ...] = ()


class Ticket(NamedTuple):
    ticket: str
    channel: str | None
    first_seen: datetime


class Suspicious(NamedTuple):
    """Someone who claimed to be support and was flagged: reported to the
    agent as phishing, never listed as support."""

    agent: str | None
    agent_id: str | None
    channel: str | None
    via: str | None
    first_seen: datetime
    asks: tuple[str, ...]
    channel_codes: tuple[str, ...]


class CaseView(NamedTuple):
    """A case ready to lay out: checked, filtered, masked, in the right zone."""

    tr: Translator
    id: int | str
    title: str
    platform: str | None
    category: str | None
    status: str | None
    account: str | None
    account_masked: bool
    tags: tuple[str, ...]
    description: str | None
    occurred_at: datetime | None
    created_at: datetime | None
    updated_at: datetime | None
    entries: tuple[Entry, ...]
    transactions: tuple[Transaction, ...]
    tickets: tuple[Ticket, ...]
    agents: tuple[Agent, ...]
    open_steps: tuple[Entry, ...]
    latest_ticket: str | None
    request_core: str
    request_follow_up: str | None
    suspicious: tuple[Suspicious, ...] = ()
    user_request: bool = False
    # the moment of the export, for "overdue"; None leaves steps unmarked
    now: datetime | None = None
    # A polite line for the next agent when a promised reply never came.
    promise_note: str | None = None
    # The tamper-evident chain's head, short form: a printed summary can be checked later.
    chain_head: str | None = None

    @property
    def chain_line(self) -> str | None:
        return self.tr("chain_line", head=self.chain_head) if self.chain_head else None

    @property
    def request(self) -> str:
        """What is asked now, with the follow-up the status calls for."""
        if not self.request_follow_up:
            return self.request_core
        joiner = "" if self.tr.lang == "zh" else " "
        return self.request_core + joiner + self.request_follow_up

    @property
    def flagged(self) -> tuple[Entry, ...]:
        return tuple(entry for entry in self.entries if entry.flags or entry.warnings)

    def overdue(self, step: Entry) -> bool:
        return (
            self.now is not None
            and step.kind == "step"
            and step.done_at is None
            and step.due is not None
            and step.due < self.now
        )

    def kind_name(self, entry: Entry) -> str:
        """What the entry is: an impostor's reply is a suspicious contact, a
        done step reads as done."""
        if entry.suspicious:
            return self.tr("suspicious_kind")
        if entry.done_step:
            return self.tr("done_kind")
        return self.tr.name("kind", entry.kind)

    def suspicious_sentence(self, contact: Suspicious, when: Callable[[datetime], str]) -> str:
        """ "I was also contacted by someone claiming to be OKX support: …" for the agent."""
        tr = self.tr
        notes = [tr.warning(code, self.platform) for code in contact.channel_codes]
        inner = tr("sep").join([*([contact.via] if contact.via else []), *notes])
        where = tr.name("channel", contact.channel)
        if inner:
            where = where + tr.paren(inner) if where else inner
        if contact.agent and contact.agent_id:
            who: str | None = tr("agent_short", name=contact.agent, agent_id=contact.agent_id)
        else:
            who = contact.agent or contact.agent_id
        details = tr("sep").join(part for part in (who, where, when(contact.first_seen)) if part)
        platform = one_line(self.platform) if self.platform else None
        if platform:
            text = tr("suspicious_platform", platform=platform, details=details)
        else:
            text = tr("suspicious_any", details=details)
        if contact.asks:
            what = tr.join([tr.warning(code, self.platform) for code in contact.asks])
            text += tr("suspicious_asked", what=what)
        return text + tr("suspicious_end")

    @property
    def suggestions(self) -> tuple[Entry, ...]:
        return tuple(entry for entry in self.entries if entry.suggests)

    @property
    def done_steps(self) -> tuple[Entry, ...]:
        done = [e for e in self.entries if e.kind == "step" and e.done_at is not None]
        return tuple(sorted(done, key=lambda e: (e.done_at, _id_key(e.id))))

    # -- wording shared by the formats -----------------------------------------

    def agent_ref(self, name: str | None, agent_id: str | None) -> str:
        """``Kevin (agent ID CS-4471)`` in the export's language."""
        tr = self.tr
        if name and agent_id:
            return tr("agent_with_id", name=name, agent_id=agent_id)
        if agent_id:
            return tr("agent_id_only", agent_id=agent_id)
        return name or tr("agent_unknown")

    def channel_text(self, entry: Entry) -> str:
        """``Live chat (okx.com live chat)``: the channel and the address used."""
        parts = self.tr.name("channel", entry.channel)
        if entry.via:
            parts = parts + self.tr.paren(entry.via) if parts else entry.via
        return parts

    def entry_head(self, entry: Entry) -> str:
        """``Reply · Live chat (okx.com live chat)``: what kind of event, where."""
        parts = [self.kind_name(entry), self.channel_text(entry)]
        if entry.private:
            parts.append(self.tr("private"))
        return " · ".join(part for part in parts if part)

    def entry_fields(
        self, entry: Entry, when: Callable[[datetime], str]
    ) -> list[tuple[str | None, str]]:
        """An entry's facts in reading order, as (label key, value); the
        entry's own text has no label. ``when`` formats the times."""
        fields: list[tuple[str | None, str]] = []
        if entry.agent or entry.agent_id:
            key = "claimed_name" if entry.suspicious else "agent"
            fields.append((key, self.agent_ref(entry.agent, entry.agent_id)))
        if entry.ticket:
            fields.append(("ticket", entry.ticket))
        if entry.text:
            fields.append((None, entry.text))
        if entry.suggests:
            fields.append(("suggested", entry.suggests))
        if entry.escalated_to:
            fields.append(("escalated_to", entry.escalated_to))
        if entry.new_status:
            fields.append(("new_status", self.tr.name("status", entry.new_status)))
        if entry.due and not entry.done_step:
            due = when(entry.due)
            if self.overdue(entry):
                due = self.tr("overdue_mark") + due
            fields.append(("due", due))
        if entry.flags:
            fields.append(("flags", self.flag_names(entry)))
        fields.extend(("warnings", text) for text in self.warning_texts(entry))
        fields.extend(("exhibit", exhibit) for exhibit in entry.exhibits)
        return fields

    def warning_texts(self, entry: Entry) -> list[str]:
        """The entry's warnings in the export's language, from their stable codes."""
        texts = []
        for code in entry.codes:
            text = self.tr.warning(code, self.platform)
            texts.append(text if code in CHANNEL_CODES else self.tr("warning_asked", what=text))
        return texts

    def flag_names(self, entry: Entry) -> str:
        return self.tr.join([self.tr.name("flag", flag) for flag in entry.flags])

    def chain_name(self, transaction: Transaction) -> str:
        if transaction.chain is None:
            return ""
        return CHAIN_NAMES.get(transaction.chain.lower(), transaction.chain)

    def network_name(self, transaction: Transaction) -> str:
        """The network as recorded (``TRC20``), else the chain's usual name."""
        return transaction.network or self.chain_name(transaction)

    def id_label(self, transaction: Transaction) -> str:
        return self.tr("order_id") if transaction.is_order else self.tr("txid")

    def id_pairs(self, transaction: Transaction) -> list[tuple[str, str]]:
        """(label, value) of each ID of the transfer, in the export's language."""
        return [(self.tr(key), value) for key, value in transaction.ids]

    def amount_text(self, transaction: Transaction) -> str:
        """``1250.00 USDT``: the exact decimal as recorded, then the asset."""
        return " ".join(part for part in (transaction.amount, transaction.asset) if part)

    def tx_headline(self, transaction: Transaction) -> str:
        """``Withdrawal, 1250.00 USDT, TRON``."""
        parts = [
            self.tr.name("tx_kind", transaction.kind),
            self.amount_text(transaction),
            self.network_name(transaction),
        ]
        return self.tr("sep").join(part for part in parts if part)


# -- reading the case document ---------------------------------------------------


def _malformed(where: str, problem: str) -> IssuenoteError:
    return IssuenoteError(f"case document is malformed: {where} {problem}")


def _text(value: Any, where: str, *, required: bool = False) -> str | None:
    if value is None:
        if required:
            raise _malformed(where, "is missing")
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise _malformed(where, f"should be text, not {type(value).__name__}")
    return str(value)


def parse_time(
    value: Any, where: str, tz: tzinfo | None, *, required: bool = False
) -> datetime | None:
    if value is None:
        if required:
            raise _malformed(where, "is missing")
        return None
    if not isinstance(value, str):
        raise _malformed(where, f"should be an ISO 8601 time, not {type(value).__name__}")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise _malformed(where, f"is not an ISO 8601 time: {value!r}") from None
    if moment.utcoffset() is None:
        raise _malformed(where, f"has no UTC offset: {value!r}")
    return moment.astimezone(tz) if tz is not None else moment


def as_list(value: Any, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _malformed(where, f"should be a list, not {type(value).__name__}")
    return value


def _strings(value: Any, where: str) -> tuple[str, ...]:
    return tuple(
        _text(item, f"{where}[{index}]", required=True) or ""
        for index, item in enumerate(as_list(value, where))
    )


def _id_key(value: int | None) -> tuple[int, int]:
    return (0, value) if isinstance(value, int) else (1, 0)


def _clean(value: str | None) -> str | None:
    return neutralize(value) if value is not None else None


def as_record(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _malformed(where, f"should be an object, not {type(value).__name__}")
    return value


def _entry(raw: Any, where: str, tz: tzinfo | None, platform: str | None = None) -> Entry:
    record = as_record(raw, where)
    kind = _text(record.get("kind"), f"{where}.kind", required=True) or ""
    # People know an entry by its number in the case; older documents have only the id.
    raw_id = record.get("number", record.get("id"))
    entry = Entry(
        id=raw_id if isinstance(raw_id, int) and not isinstance(raw_id, bool) else None,
        kind=kind,
        text=neutralize(_text(record.get("text"), f"{where}.text") or ""),
        at=parse_time(record.get("at"), f"{where}.at", tz, required=True),  # type: ignore[arg-type]
        channel=_text(record.get("channel"), f"{where}.channel"),
        via=_clean(_text(record.get("via"), f"{where}.via")),
        agent=_clean(_text(record.get("agent"), f"{where}.agent")),
        agent_id=_clean(_text(record.get("agent_id"), f"{where}.agent_id")),
        ticket=_clean(_text(record.get("ticket"), f"{where}.ticket")),
        suggests=_clean(_text(record.get("suggests"), f"{where}.suggests")),
        escalated_to=_clean(_text(record.get("escalated_to"), f"{where}.escalated_to")),
        new_status=_text(record.get("new_status"), f"{where}.new_status"),
        due=parse_time(record.get("due"), f"{where}.due", tz),
        done_at=parse_time(record.get("done_at"), f"{where}.done_at", tz),
        flags=tuple(neutralize(flag) for flag in _strings(record.get("flags"), f"{where}.flags")),
        warnings=tuple(
            neutralize(text) for text in _strings(record.get("warnings"), f"{where}.warnings")
        ),
        private=bool(record.get("private", False)),
        promised_by=parse_time(record.get("promised_by"), f"{where}.promised_by", tz),
        exhibits=tuple(_exhibit(a, f"{where}.attachments") for a in _shared(record)),
    )
    codes = warning_codes(entry, platform) if entry.flags or entry.warnings else ()
    if entry.kind == "step" and entry.done_at is not None:
        # a done step stands at the time it was done
        return entry._replace(at=entry.done_at, recorded_at=entry.at, codes=codes)
    return entry._replace(recorded_at=entry.at, codes=codes)


def warning_codes(entry: Entry, platform: str | None) -> tuple[str, ...]:
    """The stable codes of an entry's warnings, found again by the same rules
    that flagged it (issuenote.safety.scam); its flags stand in when the rules
    no longer find anything (an entry flagged by an older version)."""
    from issuenote.safety import scam  # only for flagged entries

    signals = []
    if entry.kind == "reply":
        said = "\n".join(t for t in (entry.text, entry.suggests) if t)
        signals += scam.scam_signals(said)
    signals += scam.channel_signals(platform, entry.via, channel=entry.channel)
    codes = [signal.code for signal in signals if signal.code]
    if not any(code not in CHANNEL_CODES for code in codes) and "scam-risk" in entry.flags:
        codes.append("scam-risk")
    if not any(code in CHANNEL_CODES for code in codes) and "unverified-channel" in entry.flags:
        codes.append("unverified-channel")
    return tuple(dict.fromkeys(codes))


def id_type(record: dict[str, Any]) -> str:
    """What a transaction row's main ID is: ``txid`` (on-chain) or ``order``.

    A row names it in ``id_type``; a schema-2 row has ``txid`` null for an
    order alone; an older row held an order ID exactly when it had no chain.
    """
    given = record.get("id_type")
    if given in ("txid", "order"):
        return str(given)
    if "order_id" in record:  # schema 2: txid is the on-chain hash whenever it is set
        return "order" if record.get("txid") is None else "txid"
    # before schema 2 an order ID was kept as a txid without a chain
    return "order" if record.get("chain") is None else "txid"


def _shared(record: dict[str, Any]) -> list[dict[str, Any]]:
    """The attachments an export may name: a private one stays out, like a private entry."""
    items = as_list(record.get("attachments"), "attachments")
    return [a for a in items if isinstance(a, dict) and not a.get("private")]


def _exhibit(item: dict[str, Any], where: str) -> str:
    number = item.get("number")
    name = neutralize(_text(item.get("name"), f"{where}.name") or "")
    digest = _text(item.get("sha256"), f"{where}.sha256") or ""
    label = f"{number:02d}" if isinstance(number, int) else "?"
    return f"{label} · {name} · sha256 {digest[:12]}"


def _transaction(raw: Any, where: str, tz: tzinfo | None) -> tuple[Transaction, int | None]:
    record = as_record(raw, where)
    raw_id = record.get("id")
    main = _clean(_text(record.get("txid"), f"{where}.txid"))
    order_id = _clean(_text(record.get("order_id"), f"{where}.order_id"))
    if main is None and order_id is None:
        raise _malformed(where, "has neither a txid nor an order_id")
    txid: str | None = main
    if main is not None and id_type(record) == "order":
        txid, order_id = None, order_id or main
    transaction = Transaction(
        txid=txid,
        chain=_clean(_text(record.get("chain"), f"{where}.chain")),
        asset=_clean(_text(record.get("asset"), f"{where}.asset")),
        amount=_clean(_text(record.get("amount"), f"{where}.amount")),
        kind=_text(record.get("kind"), f"{where}.kind"),
        at=parse_time(record.get("at"), f"{where}.at", tz),
        explorer_url=safe_url(_text(record.get("explorer_url"), f"{where}.explorer_url")),
        order_id=order_id,
        network=_clean(_text(record.get("network"), f"{where}.network")),
        address=_clean(_text(record.get("address"), f"{where}.address")),
        memo=_clean(_text(record.get("memo"), f"{where}.memo")),
        memo_missing=bool(record.get("memo_missing", False)),
    )
    return transaction, raw_id if isinstance(raw_id, int) else None


def merge_transfers(transactions: list[Transaction]) -> list[Transaction]:
    """One transfer, once: an order ID recorded on its own row joins the TxID
    row of the same transfer (same kind, asset, amount and time), so an agent
    does not read two withdrawals where there was one."""
    merged = list(transactions)
    for order in [t for t in merged if t.is_order]:
        twin = next(
            (
                t
                for t in merged
                if t.txid is not None
                and t.order_id is None
                and (t.kind, t.asset, t.amount, t.at)
                == (order.kind, order.asset, order.amount, order.at)
                and t.amount is not None
                and t.at is not None
            ),
            None,
        )
        if twin is None:
            continue
        index = merged.index(twin)
        merged[index] = twin._replace(
            order_id=order.order_id,
            network=twin.network or order.network,
            address=twin.address or order.address,
            memo=twin.memo or order.memo,
        )
        merged.remove(order)
    return merged


_SAFE_URL = re.compile(r"^https?://[^\s<>\"'`\\\x00-\x1f\x7f]+$", re.IGNORECASE)


def safe_url(url: str | None) -> str | None:
    """Keep only plain http(s) links: no ``javascript:``, no spaces or quotes."""
    if url is None or not _SAFE_URL.match(url):
        return None
    return url


def visible_entries(entries: list[dict[str, Any]], include_private: bool) -> list[dict[str, Any]]:
    """The raw entries an export may show."""
    return [e for e in entries if include_private or not e.get("private", False)]


def derive_tickets(entries: tuple[Entry, ...]) -> tuple[Ticket, ...]:
    """Every distinct ticket number, first seen first (from the visible entries only)."""
    seen: dict[str, Ticket] = {}
    for entry in entries:
        if entry.suspicious:
            continue  # an impostor's "ticket number" is not the platform's
        if entry.ticket and entry.ticket not in seen:
            seen[entry.ticket] = Ticket(entry.ticket, entry.channel, entry.at)
    return tuple(seen.values())


def derive_agents(entries: tuple[Entry, ...]) -> tuple[Agent, ...]:
    """Every distinct (name, agent ID) of the platform's support, first met
    first; impostors are not support (see :func:`derive_suspicious`)."""
    seen: dict[tuple[str | None, str | None], Agent] = {}
    for entry in entries:
        key = (entry.agent, entry.agent_id)
        if not (entry.agent or entry.agent_id) or entry.suspicious:
            continue
        known = seen.get(key) or Agent(entry.agent, entry.agent_id, entry.channel)
        new_flags = tuple(flag for flag in entry.flags if flag not in known.flags)
        seen[key] = Agent(known.name, known.agent_id, known.channel, known.flags + new_flags)
    return tuple(seen.values())


def derive_suspicious(view_entries: tuple[Entry, ...]) -> tuple[Suspicious, ...]:
    """Each impostor once (by name, ID and address), first contact first,
    with everything they asked for."""
    found: dict[object, Suspicious] = {}
    for entry in view_entries:
        if not entry.suspicious:
            continue
        # the same address is the same impostor, whatever name they gave
        key: object = entry.via.casefold() if entry.via else (entry.agent, entry.agent_id)
        asks = tuple(code for code in entry.codes if code not in CHANNEL_CODES)
        channel_codes = tuple(code for code in entry.codes if code in CHANNEL_CODES)
        known = found.get(key)
        if known is None:
            found[key] = Suspicious(
                entry.agent, entry.agent_id, entry.channel, entry.via, entry.at, asks, channel_codes
            )
        else:
            found[key] = known._replace(
                agent=known.agent or entry.agent,
                agent_id=known.agent_id or entry.agent_id,
                asks=tuple(dict.fromkeys(known.asks + asks)),
                channel_codes=tuple(dict.fromkeys(known.channel_codes + channel_codes)),
            )
    return tuple(found.values())


def derive_open_steps(entries: tuple[Entry, ...]) -> tuple[Entry, ...]:
    """Steps not done yet, soonest due first, undated ones last."""
    steps = [e for e in entries if e.kind == "step" and e.done_at is None]
    return tuple(sorted(steps, key=lambda e: (e.due is None, e.due or e.at, e.at, _id_key(e.id))))


def request_text(
    tr: Translator,
    category: str | None,
    status: str | None,
    escalated_to: str | None,
    own: str | None = None,
) -> tuple[str, str | None]:
    """What the person asks support for now: their own words when they gave
    them, else the problem type's stock sentence; and the follow-up the
    status calls for."""
    if own is None and status == "resolved":
        return tr("req_resolved"), None
    if own is None and status == "closed":
        return tr("req_closed"), None
    if own is not None:
        request = own
    else:
        request = tr(f"req_{category}") if category in CATEGORIES else tr("req_other")
    if status in ("resolved", "closed"):
        return request, None
    if status != "escalated":
        return request, None
    if escalated_to:
        return request, tr("req_escalated_to", to=one_line(escalated_to))
    return request, tr("req_escalated")


def check_lang(lang: str | None, doc: dict[str, Any] | None = None) -> str:
    """The export language: the one asked for, else the case's, else English."""
    from issuenote.exporters.i18n import LANGS

    if lang is None:
        case_lang = doc.get("language") if doc else None
        return case_lang if case_lang in LANGS else "en"
    if lang not in LANGS:
        raise IssuenoteError(f"unknown language {lang!r}: choose one of {', '.join(LANGS)}")
    return lang


def build_view(
    doc: Any,
    *,
    lang: str,
    tz: tzinfo | None,
    redact: bool,
    include_private: bool,
    now: datetime | None = None,
) -> CaseView:
    """Check the case document and turn it into what the formats lay out.

    ``now`` is the moment of the export: open steps due before it are marked
    overdue (None marks none), and an agent's promise due before it is noted
    (the clock when None).
    """
    if not isinstance(doc, dict):
        raise IssuenoteError(
            f"case document is malformed: expected an object, not {type(doc).__name__}"
        )
    tr = Translator(lang)
    platform = _clean(_text(doc.get("platform"), "platform"))
    raw_entries = visible_entries(
        [
            as_record(e, f"entries[{i}]")
            for i, e in enumerate(as_list(doc.get("entries"), "entries"))
        ],
        include_private,
    )
    entries = tuple(
        sorted(
            (
                _entry(raw, f"entries[{index}]", tz, platform)
                for index, raw in enumerate(raw_entries)
            ),
            key=lambda entry: (entry.at, _id_key(entry.id)),
        )
    )
    entries = _without_repeated_status(entries)
    transactions_with_ids = [
        _transaction(raw, f"transactions[{index}]", tz)
        for index, raw in enumerate(as_list(doc.get("transactions"), "transactions"))
    ]
    transactions_with_ids.sort(
        key=lambda pair: (pair[0].at is None, pair[0].at or datetime.min, _id_key(pair[1]))
    )
    transactions = tuple(merge_transfers([transaction for transaction, _ in transactions_with_ids]))

    category = _text(doc.get("category"), "category")
    status = _text(doc.get("status"), "status")
    account = _text(doc.get("account"), "account")
    if account is not None:
        account = neutralize(mask_account(account) if redact else account) or None
    escalations = [e for e in entries if e.kind == "escalation" and e.escalated_to]
    tickets = derive_tickets(entries)
    latest_ticket = next(
        (e.ticket for e in reversed(entries) if e.ticket and not e.suspicious), None
    )
    raw_id = doc.get("id")
    case_id = raw_id if isinstance(raw_id, int | str) and not isinstance(raw_id, bool) else "?"
    own_request = _clean(_text(doc.get("request"), "request"))
    own_request = own_request.strip() if own_request and own_request.strip() else None
    request_core, request_follow_up = request_text(
        tr, category, status, escalations[-1].escalated_to if escalations else None, own_request
    )
    if now is not None and tz is not None:
        now = now.astimezone(tz)
    view = CaseView(
        tr=tr,
        id=case_id,
        title=neutralize(_text(doc.get("title"), "title", required=True) or ""),
        platform=platform,
        category=category,
        status=status,
        account=account,
        account_masked=redact and account is not None,
        tags=tuple(neutralize(tag) for tag in _strings(doc.get("tags"), "tags")),
        description=_clean(_text(doc.get("description"), "description")) or None,
        occurred_at=parse_time(doc.get("occurred_at"), "occurred_at", tz),
        created_at=parse_time(doc.get("created_at"), "created_at", tz),
        updated_at=parse_time(doc.get("updated_at"), "updated_at", tz),
        entries=entries,
        transactions=transactions,
        tickets=tickets,
        agents=derive_agents(entries),
        open_steps=derive_open_steps(entries),
        latest_ticket=latest_ticket,
        request_core=request_core,
        request_follow_up=request_follow_up,
        user_request=own_request is not None,
        now=now,
        promise_note=_promise_note(tr, entries, now),
        chain_head=(_text(doc.get("chain_head"), "chain_head") or "")[:12] or None,
    )
    return view._replace(suspicious=derive_suspicious(entries))


def _without_repeated_status(entries: tuple[Entry, ...]) -> tuple[Entry, ...]:
    """A status entry that only repeats the status an escalation or an earlier
    status entry already set keeps its text but not the repeated status."""
    current: str | None = None
    out = []
    for entry in entries:
        if entry.kind == "escalation":
            current = entry.new_status or "escalated"
            if entry.new_status == "escalated":  # an escalation says so itself
                entry = entry._replace(new_status=None)
        elif entry.new_status:
            if entry.new_status == current:
                entry = entry._replace(new_status=None)
            else:
                current = entry.new_status
        out.append(entry)
    return tuple(out)


def _promise_note(tr: Translator, entries: tuple[Entry, ...], now: datetime | None) -> str | None:
    """The last reply's promise, if its time has passed and no reply came after it."""
    replies = [entry for entry in entries if entry.kind == "reply"]
    if not replies or replies[-1].promised_by is None:
        return None
    last = replies[-1]
    assert last.promised_by is not None
    from issuenote.parse.timeparse import utc_now

    moment = now or utc_now()
    if last.promised_by >= moment:
        return None
    if last.agent or last.agent_id:
        who = (
            tr("agent_with_id", name=last.agent, agent_id=last.agent_id)
            if (last.agent and last.agent_id)
            else (last.agent or tr("agent_id_only", agent_id=last.agent_id))
        )
    else:
        who = tr("promise_support")
    return tr("promise_overdue", agent=who, time=tr.time(last.promised_by))


def entry_lines(view: CaseView, entry: Entry) -> list[str]:
    """One timeline entry as plain lines: time and head, then its fields (text, e-mail)."""
    tr = view.tr
    lines = [f"{tr.time_with_utc(entry.at)} · {view.entry_head(entry)}"]
    for key, value in view.entry_fields(entry, tr.time_with_utc):
        if key is None:
            lines.append(value)
        elif key == "warnings":
            lines.append(f"\u26a0 {value}")
        else:
            lines.append(tr.label(key, value))
    return lines


def indented(prefix: str, lines: list[str]) -> list[str]:
    """The first line after ``prefix``, the rest (and inner line breaks) under it."""
    pad = " " * len(prefix)
    out: list[str] = []
    for index, line in enumerate(lines):
        for inner, part in enumerate(line.split("\n")):
            lead = prefix if index == 0 and inner == 0 else pad
            out.append(f"{lead}{part}".rstrip())
    return out
