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


# Short texts (agent names, ticket numbers, channels, handles) repeat across a
# notebook: their scan result is kept, up to this many, for a whole export.
MEMO_TEXT_CHARS = 80
MEMO_SIZE = 20_000


class ScanMemo:
    """find_secrets results for short texts seen before in one export run.

    find_secrets is a pure function of the text, so a remembered answer is
    the answer: nothing is skipped, only not computed twice.
    """

    def __init__(self) -> None:
        self.results: dict[str, tuple[str, int]] = {}

    def clean(self, value: str) -> tuple[str, int]:
        """`value` with its secrets masked, and how many there were."""
        known = self.results.get(value)
        if known is not None:
            return known
        from issuenote.safety import guard

        findings = guard.find_secrets(value)
        result = (guard.redact(value, findings), len(findings)) if findings else (value, 0)
        if len(value) <= MEMO_TEXT_CHARS:
            if len(self.results) >= MEMO_SIZE:
                self.results.clear()
            self.results[value] = result
        return result


def screen_document(
    doc: dict[str, Any], *, in_place: bool = False, memo: ScanMemo | None = None
) -> tuple[dict[str, Any], int]:
    """`doc` (a copy unless `in_place`) with every secret masked, and how many were masked.

    An entry listed twice (in entries and in open_steps, the same record) is
    scanned once. `in_place` is for a document nobody else holds (export --all
    builds one per case): it spares a deep copy of every case.
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
    result["tags"] = [clean(tag) for tag in result.get("tags") or []]
    screened: set[int] = set()
    for group in ("entries", "open_steps"):
        for entry in result.get(group) or []:
            if id(entry) in screened:
                continue
            screened.add(id(entry))
            for key in ENTRY_TEXT:
                entry[key] = clean(entry.get(key))
    for ticket in result.get("tickets") or []:
        ticket["ticket"] = clean(ticket.get("ticket"))
    for agent in result.get("agents") or []:
        agent["name"] = clean(agent.get("name"))
        agent["agent_id"] = clean(agent.get("agent_id"))
    return result, masked
