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


def screen_document(doc: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """A copy of `doc` with every secret masked, and how many were masked."""
    from issuenote.safety import guard

    masked = 0

    def clean(value: Any) -> Any:
        nonlocal masked
        if not isinstance(value, str) or not value:
            return value
        findings = guard.find_secrets(value)
        if not findings:
            return value
        masked += len(findings)
        return guard.redact(value, findings)

    result = copy.deepcopy(doc)
    for key in CASE_TEXT:
        result[key] = clean(result.get(key))
    result["tags"] = [clean(tag) for tag in result.get("tags") or []]
    for group in ("entries", "open_steps"):
        for entry in result.get(group) or []:
            for key in ENTRY_TEXT:
                entry[key] = clean(entry.get(key))
    for ticket in result.get("tickets") or []:
        ticket["ticket"] = clean(ticket.get("ticket"))
    for agent in result.get("agents") or []:
        agent["name"] = clean(agent.get("name"))
        agent["agent_id"] = clean(agent.get("agent_id"))
    return result, masked
