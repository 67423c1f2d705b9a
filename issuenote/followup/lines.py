"""Follow-up facts as lines of plain text, shared by `due`, `show` and the agenda.

Every user string goes through `textsafe.printable`: these lines go to a terminal.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from issuenote.followup.due import ago
from issuenote.parse import timeparse
from issuenote.textsafe import printable


def step_line(step: dict[str, Any], now: datetime) -> str:
    """'  case 1 step 5: Call back — due 2026-12-01 10:00, 2 days late  [title]'."""
    text = printable(step["text"], single_line=True) if step["text"] else "(private step)"
    where = f"case {step['case_id']} step {step['number']}"
    when = ""
    if step["due"]:
        when = f" — due {timeparse.format_local(step['due'])}"
        if step.get("late_by") is not None:
            when += f", {ago(step['late_by'])} late"
    title = printable(step["title"], single_line=True)
    return f"  {where}: {text}{when}  [{title}]"


def clock_line(clock: dict[str, Any], now: datetime) -> str:
    """When and where a case may be escalated outside the company, on one line."""
    deadline = timeparse.format_local(clock["deadline"], style="long")
    verb = "may now go" if clock["may_escalate"] else f"may go from {deadline}"
    title = printable(clock["title"], single_line=True)
    return (
        f"  case {clock['case_id']} {verb} to {clock['escalate_to']} "
        f"({clock['rule']}; {clock['period']} after the first contact)  [{title}]"
    )


def follow_up_lines(follow_up: dict[str, Any]) -> list[str]:
    """What `show` prints under the case: the complaint clock, then each promise."""
    lines = []
    clock = follow_up["clock"]
    if clock:
        first = timeparse.format_local(clock["first_contact"], style="long")
        lines.append(f"First contact {ago(clock['age'])} ago ({first}).")
        if "deadline" in clock and not clock["finished"]:
            deadline = timeparse.format_local(clock["deadline"], style="long")
            when = "now" if clock["may_escalate"] else f"from {deadline}"
            lines.append(
                f"Complaint clock ({clock['rule']}): the firm has {clock['period']}; "
                f"you may take it to {clock['escalate_to']} {when}: {clock['escalate_url']}"
            )
            lines.append(f"  Rule: {clock['source']}")
            if clock["note"]:
                lines.append(f"  Note: {clock['note']}")
    if follow_up["promises"]:
        lines.append("")
    for promise in follow_up["promises"]:
        lines.append(promise["line"][0].upper() + promise["line"][1:] + ".")
    return lines
