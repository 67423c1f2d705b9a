"""What needs the user now: steps by due date, promises agents made, waiting cases.

Pure: takes rows (storage UTC times) and `now`, returns plain dicts. `due`,
`show` and the no-argument agenda all classify with these functions.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from issuenote.parse import timeparse

DEFAULT_DAYS = 7


def end_of_local_day(now: datetime) -> datetime:
    """The next local midnight after `now` (aware), as UTC."""
    local = now.astimezone(timeparse.local_zone(now))
    tomorrow = (local + timedelta(days=1)).date()
    # A bare date reads as its local midnight (DST-safe, as everywhere else).
    return timeparse.parse_time(tomorrow.isoformat())


def storage_cut(moment: datetime) -> str:
    """The storage time S with `stored < S` exactly when the stored time is before `moment`.

    Stored times are whole seconds: a moment within a second cuts after it.
    """
    if moment.microsecond:
        moment = moment.replace(microsecond=0) + timedelta(seconds=1)
    return timeparse.to_storage(moment)


def classify_steps(
    steps: list[dict[str, Any]], now: datetime, *, days: int = DEFAULT_DAYS
) -> dict[str, list[dict[str, Any]]]:
    """Open steps as overdue, due today, upcoming (within `days`) and undated."""
    groups: dict[str, list[dict[str, Any]]] = {
        "overdue": [],
        "today": [],
        "upcoming": [],
        "undated": [],
    }
    tonight = end_of_local_day(now)
    horizon = now + timedelta(days=days)
    for step in steps:
        if step["due"] is None:
            groups["undated"].append(step)
            continue
        due = timeparse.from_storage(step["due"])
        if due < now:
            groups["overdue"].append({**step, "late_by": now - due})
        elif due < tonight:
            groups["today"].append(step)
        elif due < horizon:
            groups["upcoming"].append(step)
    return groups


def promise_state(promise: dict[str, Any], now: datetime) -> str:
    """kept, late (answered after the time), overdue (past, no answer) or pending."""
    promised_by = timeparse.from_storage(promise["promised_by"])
    answered = promise.get("answered_at")
    if answered is not None:
        return "kept" if timeparse.from_storage(answered) <= promised_by else "late"
    return "overdue" if now > promised_by else "pending"


def who(promise: dict[str, Any]) -> str:
    """'Lily (10086)', 'Lily', 'agent 10086' or 'support'."""
    name, agent_id = promise.get("agent"), promise.get("agent_id")
    if name and agent_id:
        return f"{name} ({agent_id})"
    if name:
        return str(name)
    return f"agent {agent_id}" if agent_id else "support"


def promise_line(promise: dict[str, Any], now: datetime) -> str:
    """One sentence, e.g. 'promise overdue: Lily (10086) promised a reply by ..., 2 days ago'."""
    by = timeparse.from_storage(promise["promised_by"])
    when = timeparse.format_local(by, style="long")
    state = promise_state(promise, now)
    if state == "overdue":
        return f"promise overdue: {who(promise)} promised a reply by {when}, {ago(now - by)} ago"
    if state == "pending":
        return f"promise: {who(promise)} promised a reply by {when}, in {ago(by - now)}"
    answered = timeparse.format_local(promise["answered_at"], style="long")
    if state == "kept":
        return f"promise kept: {who(promise)} promised a reply by {when}; answered {answered}"
    return f"promise broken: {who(promise)} promised a reply by {when}; answered late, {answered}"


def open_promises(promises: list[dict[str, Any]], now: datetime) -> list[dict[str, Any]]:
    """Promises still waiting on an answer, overdue first, each with its state and line."""
    out = []
    for promise in promises:
        state = promise_state(promise, now)
        if state in ("overdue", "pending"):
            out.append({**promise, "state": state, "line": promise_line(promise, now)})
    out.sort(key=lambda p: (p["state"] != "overdue", p["promised_by"]))
    return out


def ago(delta: timedelta) -> str:
    """A duration in words for sentences: '45 minutes', '2 days', '3 weeks'."""
    seconds = max(0, int(delta.total_seconds()))
    for size, unit in ((7 * 86400, "week"), (86400, "day"), (3600, "hour"), (60, "minute")):
        if seconds >= size * (8 if unit == "week" else 1):
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return "less than a minute"
