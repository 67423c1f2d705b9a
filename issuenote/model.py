"""The vocabulary of a case: its categories, statuses, entry kinds and channels.

Kept in one place so the CLI, the store's CHECK constraints and the exporters'
translations all agree on the same words.
"""

from __future__ import annotations

from bisect import insort
from typing import Any

from issuenote.errors import IssuenoteError

CATEGORIES = ("account", "security", "trading", "deposit", "withdrawal", "kyc", "other")
STATUSES = ("open", "waiting", "escalated", "resolved", "closed")
ENTRY_KINDS = ("note", "contact", "reply", "step", "escalation", "status", "attachment")
CHANNELS = ("chat", "email", "social", "phone", "forum", "form", "other")
TX_KINDS = ("deposit", "withdrawal", "trade", "transfer", "other")
LANGUAGES = ("en", "zh", "ko")
EXPORT_FORMATS = ("chat", "email", "markdown", "text", "json", "html")

# The fields of each record, in one place: the store's columns, the importer's
# checks and the JSON export all follow these.
CASE_FIELDS = (
    "title",
    "platform",
    "category",
    "status",
    "account",
    "language",
    "description",
    "occurred_at",
    "request",
    "jurisdiction",
)
ENTRY_FIELDS = (
    "kind",
    "text",
    "at",
    "channel",
    "via",
    "agent",
    "agent_id",
    "ticket",
    "suggests",
    "escalated_to",
    "new_status",
    "due",
    "done_at",
    "promised_by",
    "flags",
    "warnings",
    "private",
)
# What a --private entry keeps sealed in the database: every field that says
# who, where or what (its kind, times, channel and flags stay in clear so
# the timeline, reminders and statistics still work without the key).
PRIVATE_ENTRY_COLUMNS = (
    "text",
    "suggests",
    "via",
    "agent",
    "agent_id",
    "ticket",
    "escalated_to",
    "warnings",
)
# A transfer: its on-chain TxID and/or the exchange's order ID, and where it went.
TRANSACTION_FIELDS = (
    "txid",
    "order_id",
    "chain",
    "network",
    "asset",
    "amount",
    "kind",
    "address",
    "memo",
    "at",
)

# Flags that mark a contact or reply as an impostor, never the platform's support.
SUSPICIOUS_FLAGS = ("scam-risk", "unverified-channel")
_SUSPICIOUS = frozenset(SUSPICIOUS_FLAGS)  # made once: tickets_of asks of every entry

# Statuses that mean "nothing left to do"; `list` hides them unless asked.
FINISHED_STATUSES = ("resolved", "closed")

# Friendly spellings people type, mapped to the word the notebook stores.
_ALIASES: dict[str, dict[str, str]] = {
    "channel": {
        "live chat": "chat",
        "livechat": "chat",
        "live-chat": "chat",
        "mail": "email",
        "e-mail": "email",
        "twitter": "social",
        "x": "social",
        "telegram": "social",
        "weibo": "social",
        "facebook": "social",
        "call": "phone",
        "community": "forum",
        "ticket": "form",
        "web form": "form",
    },
    "language": {"english": "en", "chinese": "zh", "zh-cn": "zh", "zh-hans": "zh", "korean": "ko"},
    "export format": {"md": "markdown", "txt": "text", "mail": "email", "eml": "email"},
    "category": {"2fa": "security", "trade": "trading", "identity": "kyc", "verification": "kyc"},
}

_CHOICES: dict[str, tuple[str, ...]] = {
    "category": CATEGORIES,
    "status": STATUSES,
    "kind": ENTRY_KINDS,
    "channel": CHANNELS,
    "transaction kind": TX_KINDS,
    "language": LANGUAGES,
    "export format": EXPORT_FORMATS,
}


def choose(what: str, value: str) -> str:
    """Normalise a user's word for `what` (any case), or refuse it with the valid choices.

    A near miss (`withdrawl`) is answered with "did you mean", as git does.
    """
    return choose_from(what, value, _CHOICES[what], _ALIASES.get(what, {}))


def choose_from(
    what: str, value: str, choices: tuple[str, ...], aliases: dict[str, str] | None = None
) -> str:
    """`choose` over any list of words, for enumerations that live elsewhere."""
    word = value.strip().lower()
    word = (aliases or {}).get(word, word)
    if word in choices:
        return word
    shown = value if len(value) <= 40 else value[:40] + "…"
    guess = did_you_mean(word, (*choices, *(aliases or {})))
    hint = "" if guess is None else f"did you mean {(aliases or {}).get(guess, guess)!r}? "
    raise IssuenoteError(f"unknown {what} {shown!r}; {hint}choose one of: {', '.join(choices)}")


def did_you_mean(word: str, candidates: tuple[str, ...] | list[str]) -> str | None:
    """The closest candidate to a mistyped word, if one is close enough."""
    if not word or len(word) > 40:
        return None
    import difflib  # only on the error path

    matches = difflib.get_close_matches(word, candidates, n=1, cutoff=0.75)
    return matches[0] if matches else None


def tickets_of(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every distinct ticket number in these entries, first seen first."""
    seen: dict[str, dict[str, Any]] = {}
    for entry in entries:
        if entry.get("private"):
            continue  # a private entry's ticket stays out of the case's header
        ticket = entry.get("ticket")
        flags = entry.get("flags")
        if flags and not _SUSPICIOUS.isdisjoint(flags):
            continue  # an impostor's "ticket" is not the platform's
        if ticket and ticket not in seen:
            seen[ticket] = {
                "ticket": ticket,
                "channel": entry["channel"],
                "first_seen": entry["at"],
            }
    return list(seen.values())


def agents_of(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Distinct agents met; a bare name merges into the same name with an agent ID.

    Each carries the union of its entries' ``flags``: an agent flagged
    ``scam-risk`` or ``unverified-channel`` is an impostor, not support.
    An entry joins the first agent (in order met) that has its agent ID, or
    its name (any case) where one of the two has no ID. Indexes by ID and by
    casefolded name keep that linear in the entries: a long case has few agents
    but thousands of entries.
    """
    agents: list[dict[str, Any]] = []
    by_id: dict[Any, int] = {}  # agent ID -> first agent holding it
    by_name: dict[str, int] = {}  # casefolded name -> first agent of that name
    unnumbered: dict[str, list[int]] = {}  # casefolded name -> its agents without an ID

    def first(table: dict[Any, int], key: Any, position: int) -> None:
        table[key] = min(table.get(key, position), position)

    for entry in entries:
        name, agent_id = entry.get("agent"), entry.get("agent_id")
        if (not name and not agent_id) or entry.get("private"):
            continue  # nobody named, or a private entry: it stays out of the header
        folded = name.casefold() if name else None
        candidates: list[int] = []
        if agent_id:
            if agent_id in by_id:
                candidates.append(by_id[agent_id])
            if folded is not None and unnumbered.get(folded):
                candidates.append(unnumbered[folded][0])
        elif folded is not None and folded in by_name:
            candidates.append(by_name[folded])
        flags = [flag for flag in entry.get("flags") or [] if flag]
        if not candidates:
            position = len(agents)
            agents.append(
                {
                    "name": name,
                    "agent_id": agent_id,
                    "channel": entry["channel"],
                    "first_seen": entry["at"],
                    # scam-risk / unverified-channel: not the platform's support
                    "flags": sorted(set(flags)),
                }
            )
            if agent_id:
                first(by_id, agent_id, position)
            if folded is not None:
                first(by_name, folded, position)
                if not agent_id:
                    insort(unnumbered.setdefault(folded, []), position)
            continue
        position = min(candidates)
        match = agents[position]
        had_name, had_id = match["name"], match["agent_id"]
        match["name"] = had_name or name
        match["agent_id"] = had_id or agent_id
        match["flags"] = sorted(set(match["flags"]) | set(flags))
        if not had_name and folded is not None:  # newly named
            first(by_name, folded, position)
            if not match["agent_id"]:
                insort(unnumbered.setdefault(folded, []), position)
        if not had_id and agent_id:  # newly numbered: no longer an unnumbered agent
            first(by_id, agent_id, position)
            if had_name:
                unnumbered[had_name.casefold()].remove(position)
    return agents
