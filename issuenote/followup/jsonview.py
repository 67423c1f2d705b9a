"""Follow-up facts as JSON: the keys `show --json` and `due --json` share.

Typer-free, like the rest of this package, so `show` can use it on the fast path.
"""

from __future__ import annotations

from typing import Any

from issuenote.parse import timeparse


def promise_json(promise: dict[str, Any]) -> dict[str, Any]:
    return {
        "case_id": promise["case_id"],
        "case_title": promise["title"],
        "entry": promise["number"],
        "agent": promise["agent"],
        "agent_id": promise["agent_id"],
        "promised_at": timeparse.to_local_iso(promise["at"]),
        "promised_by": timeparse.to_local_iso(promise["promised_by"]),
        "state": promise["state"],
        "message": promise["line"],
    }


def clock_json(clock: dict[str, Any]) -> dict[str, Any]:
    out = {
        "case_id": clock["case_id"],
        "first_contact": timeparse.to_local_iso(clock["first_contact"]),
        "days_since_first_contact": clock["age"].days,
    }
    if "deadline" in clock:
        out |= {
            "jurisdiction": clock["jurisdiction"],
            "rule": clock["rule"],
            "period": clock["period"],
            "may_escalate_from": timeparse.to_local_iso(clock["deadline"]),
            "may_escalate_now": clock["may_escalate"],
            "escalate_to": clock["escalate_to"],
            "escalate_url": clock["escalate_url"],
            "source": clock["source"],
        }
    return out


def follow_up_json(follow_up: dict[str, Any]) -> dict[str, Any]:
    """The keys `show --json` adds: complaint_clock and promises."""
    clock = follow_up["clock"]
    return {
        "complaint_clock": clock_json(clock) if clock else None,
        "promises": [promise_json(p) for p in follow_up["promises"]],
    }
