"""The last check before a summary leaves: no secret in any user-written text.

Texts were screened when they entered the notebook, but a notebook can also
be filled by import, or by an older version; every export screens again and
masks what it finds, whatever the flags.
"""

from __future__ import annotations

import copy
from typing import Any

# User-written fields; ids, times, txids, amounts and the account are not prose.
CASE_TEXT = ("title", "description", "platform")
ENTRY_TEXT = ("text", "suggests", "via", "agent", "agent_id", "ticket", "escalated_to")


# find_secrets is a pure function of the text: an export remembers its answers,
# so a text met again (an agent's name or ID, a ticket on every entry of its
# case, a sentence a user keeps writing) is scanned once. Short texts (tickets,
# IDs, names) and sentences are kept apart, so the stream of one-off tickets
# does not push the sentences out; a sentence met twice moves to a memo of its
# own, which one-off sentences cannot push out either. Each memo is bounded and
# starts afresh when full: a few MB, whatever the size of the notebook.
SHORT_TEXT_CHARS = 40
SHORT_MEMO_SIZE = 20_000
MEMO_TEXT_CHARS = 2_000
MEMO_CHARS = 1_000_000
_CLEAN = (None, 0)  # remembered "no secret": the text itself is the answer


class _Memo:
    """Remembered scan results, up to `size` texts or `MEMO_CHARS` characters of them."""

    __slots__ = ("chars", "results", "size")

    def __init__(self, size: int) -> None:
        self.results: dict[str, tuple[str | None, int]] = {}
        self.size = size
        self.chars = 0

    def keep(self, value: str, result: tuple[str | None, int]) -> None:
        if self.chars + len(value) > MEMO_CHARS or len(self.results) >= self.size:
            self.results.clear()
            self.chars = 0
        self.results[value] = result
        self.chars += len(value)

    def take(self, value: str) -> tuple[str | None, int] | None:
        """The remembered result, forgotten here (it moves to another memo)."""
        result = self.results.pop(value, None)
        if result is not None:
            self.chars -= len(value)
        return result


class ScanMemo:
    """find_secrets results for texts seen before in one export run.

    find_secrets is a pure function of the text, so a remembered answer is
    the answer: nothing is skipped, only not computed twice.
    """

    def __init__(self) -> None:
        self.short = _Memo(SHORT_MEMO_SIZE)
        self.long = _Memo(MEMO_CHARS)  # sentences seen once
        self.repeated = _Memo(MEMO_CHARS)  # sentences seen more than once

    def clean(self, value: str) -> tuple[str, int]:
        """`value` with its secrets masked, and how many there were."""
        if len(value) <= SHORT_TEXT_CHARS:
            memo = self.short
            known = memo.results.get(value)
        else:
            memo = self.long
            known = self.repeated.results.get(value)
            if known is None:
                known = memo.take(value)
                if known is not None:
                    self.repeated.keep(value, known)
        if known is not None:
            cleaned, found = known
            return (value, 0) if cleaned is None else (cleaned, found)
        from issuenote.safety import guard

        findings = guard.find_secrets(value)
        if not findings:
            if len(value) <= MEMO_TEXT_CHARS:
                memo.keep(value, _CLEAN)
            return value, 0
        result = (guard.redact(value, findings), len(findings))
        if len(value) <= MEMO_TEXT_CHARS:
            memo.keep(value, result)
        return result


def screen_document(
    doc: dict[str, Any], *, in_place: bool = False, memo: ScanMemo | None = None
) -> tuple[dict[str, Any], int]:
    """`doc` (a copy unless `in_place`) with every secret masked, and how many were masked.

    Every text the document carries is screened: the case's, its entries'
    (open steps and deleted entries too) and their earlier versions', and the
    attachments' captions (`export --all` writes them all). An entry listed
    twice (in entries and in open_steps, the same record) is scanned once.
    `in_place` is for a document nobody else holds (export --all builds one
    per case): it spares a deep copy of every case.
    """
    memo = memo or ScanMemo()
    masked = 0

    def clean(value: Any) -> Any:
        nonlocal masked
        if not isinstance(value, str) or not value:
            return value
        cleaned, found = memo.clean(value)
        masked += found
        return cleaned

    result = doc if in_place else copy.deepcopy(doc)
    for key in CASE_TEXT:
        result[key] = clean(result.get(key))
    if "request" in result:  # what the user asks support to do: their words too
        result["request"] = clean(result["request"])
    result["tags"] = [clean(tag) for tag in result.get("tags") or []]
    screened: set[int] = set()
    scan = memo.clean
    for group in ("entries", "open_steps", "deleted_entries"):
        for entry in result.get(group) or []:
            if id(entry) in screened:
                continue
            screened.add(id(entry))
            for version in (entry, *(entry.get("revisions") or ())):
                for key in ENTRY_TEXT:  # clean() inlined: seven fields of every entry
                    value = version.get(key)
                    if isinstance(value, str) and value:
                        value, found = scan(value)
                        masked += found
                    version[key] = value
    for ticket in result.get("tickets") or []:
        ticket["ticket"] = clean(ticket.get("ticket"))
    for agent in result.get("agents") or []:
        agent["name"] = clean(agent.get("name"))
        agent["agent_id"] = clean(agent.get("agent_id"))
    for attachment in result.get("attachments") or []:  # a caption is its entry's text again
        if "caption" in attachment:
            attachment["caption"] = clean(attachment["caption"])
    return result, masked
