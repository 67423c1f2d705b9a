"""The chat export: plain text to paste into a support chat box.

No markdown, short lines, and at most ``max_chars`` characters. When the case
is too long the oldest timeline entries go first (the text says how many),
down to the newest three; then the description and the greeting; then the
rest of the timeline, the open steps (latest due first), the agent list, the
problem type, the start time, the transactions' details and the follow-up
sentence of the request. Ticket numbers, transaction IDs, amounts, the
account reference and the request always stay; if even they do not fit, the
caller is told the minimum.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from issuenote.errors import IssuenoteError
from issuenote.exporters.common import CaseView, Entry, one_line

# Caps on free text, so one long note cannot crowd out the rest.
TITLE_CAP = 100
DESCRIPTION_CAP = 300
ENTRY_TEXT_CAP = 200
WARNING_SIGN = "\u26a0"  # ⚠


def _cap(text: str, limit: int) -> str:
    text = one_line(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# The newest entries kept while the description still has room.
ENTRIES_BEFORE_DESCRIPTION = 3


@dataclass(frozen=True)
class _Plan:
    """Which optional parts are in; the rest of the chat text is always there."""

    entries: int
    steps: int
    chain: bool = True
    description: bool = True
    greeting: bool = True
    agents: bool = True
    meta: bool = True
    started: bool = True
    tx_details: bool = True
    follow_up: bool = True


@dataclass(frozen=True)
class _Style:
    """Choices made once per case: which year goes without saying, and
    whether a single ticket number already in the header can leave the lines."""

    year: int | None
    one_ticket: bool


def _short_time(view: CaseView, style: _Style, moment: datetime) -> str:
    return view.tr.time(moment, with_year=moment.year != style.year)


def _entry_line(view: CaseView, style: _Style, entry: Entry) -> str:
    tr = view.tr
    head_parts = [tr.name("kind", entry.kind)]
    channel = view.channel_text(entry)
    if channel:
        head_parts.append(channel)
    if entry.agent and entry.agent_id:
        head_parts.append(tr("agent_short", name=entry.agent, agent_id=entry.agent_id))
    elif entry.agent or entry.agent_id:
        head_parts.append(view.agent_ref(entry.agent, entry.agent_id))
    if entry.ticket and not style.one_ticket:
        head_parts.append(f"{tr('ticket')} {entry.ticket}")
    if entry.private:
        head_parts.append(tr("private"))
    extras = []
    if entry.suggests:
        extras.append(tr.label("suggested", _cap(entry.suggests, ENTRY_TEXT_CAP)))
    if entry.escalated_to:
        extras.append(tr.label("escalated_to", one_line(entry.escalated_to)))
    if entry.new_status:
        extras.append(tr.label("new_status", tr.name("status", entry.new_status)))
    if entry.due:
        extras.append(tr.label("due", _short_time(view, style, entry.due)))
    if entry.done_at:
        extras.append(tr.label("done", _short_time(view, style, entry.done_at)))
    if entry.flags:
        extras.append(f"{WARNING_SIGN} {view.flag_names(entry)}")
    text = _cap(entry.text, ENTRY_TEXT_CAP)
    if text and extras:
        body = text + tr("aside").format(tr("semi").join(extras))
    else:
        body = text or tr("semi").join(extras)
    line = f"- {_short_time(view, style, entry.at)}{tr('time_sep')}{tr('sep').join(head_parts)}"
    return f"{line}{tr('colon')}{body}" if body else line


def _timeline_lines(view: CaseView, style: _Style) -> list[str]:
    """One line per entry; open steps are left to the "still to do" line."""
    open_steps = {id(step) for step in view.open_steps}
    return [_entry_line(view, style, e) for e in view.entries if id(e) not in open_steps]


def _step_text(view: CaseView, style: _Style, step: Entry) -> str:
    text = _cap(step.text, ENTRY_TEXT_CAP)
    if step.due:
        due = view.tr.label("due", _short_time(view, style, step.due))
        text += view.tr("aside").format(due)
    return text


def _agent_text(view: CaseView) -> str:
    names = []
    for agent in view.agents:
        if agent.name and agent.agent_id:
            name = view.tr("agent_short", name=agent.name, agent_id=agent.agent_id)
        else:
            name = view.agent_ref(agent.name, agent.agent_id)
        names.append(f"{name} {WARNING_SIGN}" if agent.flags else name)
    return view.tr.join(names)


def _left_out_note(view: CaseView, left_out: int, kept: int) -> str | None:
    tr = view.tr
    if left_out == 0:
        return None
    if kept == 0:
        return tr("left_out_all_one") if left_out == 1 else tr("left_out_all", n=left_out)
    return tr("left_out_one") if left_out == 1 else tr("left_out_many", n=left_out)


def _compose(view: CaseView, style: _Style, entry_lines: list[str], plan: _Plan) -> str:
    tr = view.tr
    blocks: list[list[str]] = []

    head: list[str] = []
    if plan.greeting:
        head.append(tr("chat_greeting"))
    title = _cap(view.title, TITLE_CAP)
    head.append(f"{view.platform}{tr('colon')}{title}" if view.platform else title)
    if plan.meta and (view.category or view.status):
        meta = []
        if view.category:
            meta.append(tr.label("category", tr.name("category", view.category)))
        if view.status:
            meta.append(tr.label("status", tr.name("status", view.status)))
        head.append(" · ".join(meta))
    if view.account:
        head.append(tr.label("account", view.account))
    if plan.started and view.occurred_at:
        head.append(tr.label("occurred", tr.time(view.occurred_at)))
    if view.tickets:
        key = "tickets_one" if len(view.tickets) == 1 else "tickets"
        head.append(tr.label(key, tr.join([ticket.ticket for ticket in view.tickets])))
    blocks.append(head)

    if view.transactions:
        lines = [tr.label("sec_transactions", "").rstrip()]
        for transaction in view.transactions:
            if plan.tx_details:
                headline = view.tx_headline(transaction)
                if transaction.at:
                    headline += tr("sep") + _short_time(view, style, transaction.at)
            else:
                headline = view.amount_text(transaction)
            id_label = "order_id" if transaction.is_order else "txid"
            lines.append(f"- {headline}" if headline else "-")
            lines.append(f"  {tr.label(id_label, transaction.txid)}")
            if transaction.order_id:
                lines.append(f"  {tr.label('order_id', transaction.order_id)}")
            if transaction.memo_missing:
                lines.append("  ⚠ " + tr("memo_missing"))
        blocks.append(lines)

    if plan.description and view.description:
        blocks.append([tr.label("sec_description", _cap(view.description, DESCRIPTION_CAP))])

    if entry_lines:
        lines = [tr.label("sec_timeline", "").rstrip()]
        left_out = len(entry_lines) - plan.entries
        note = _left_out_note(view, left_out, plan.entries)
        if note:
            lines.append(note)
        lines.extend(entry_lines[left_out:])
        blocks.append(lines)

    tail: list[str] = []
    if plan.agents and view.agents:
        tail.append(tr.label("agents", _agent_text(view)))
    if plan.steps:
        steps = view.open_steps[: plan.steps]
        if len(view.open_steps) == 1:
            tail.append(tr.label("sec_open_steps", _step_text(view, style, steps[0])))
        else:
            tail.append(tr.label("sec_open_steps", "").rstrip())
            tail.extend(f"- {_step_text(view, style, step)}" for step in steps)
            if plan.steps < len(view.open_steps):
                tail.append(tr("more_items", n=len(view.open_steps) - plan.steps))
    if tail:
        blocks.append(tail)

    request = [tr.label("sec_request", view.request_core)]
    if plan.follow_up and view.request_follow_up:
        request.append(view.request_follow_up)  # its own line: lines stay short
    if plan.follow_up and view.promise_note:
        request.append(view.promise_note)
    blocks.append(request)
    if plan.chain and view.chain_line:
        blocks.append([view.chain_line])
    return "\n\n".join("\n".join(block) for block in blocks) + "\n"


def _most_that_fit(low: int, high: int, fits: Callable[[int], bool]) -> int:
    """The largest n in low..high with fits(n), for a length that grows with n
    (fits(low) is known to hold)."""
    while low < high:
        middle = (low + high + 1) // 2
        if fits(middle):
            low = middle
        else:
            high = middle - 1
    return low


def _style(view: CaseView) -> _Style:
    moments = [entry.at for entry in view.entries] + [view.updated_at, view.occurred_at]
    known = [moment for moment in moments if moment is not None]
    return _Style(year=max(known).year if known else None, one_ticket=len(view.tickets) == 1)


# What goes, in order, once the timeline, the description and the open steps are gone.
_LAST_TO_GO = ("chain", "agents", "meta", "started", "tx_details", "follow_up")


def _bare_plan() -> _Plan:
    return _Plan(
        entries=0,
        steps=0,
        chain=False,
        description=False,
        greeting=False,
        agents=False,
        meta=False,
        started=False,
        tx_details=False,
        follow_up=False,
    )


def render_chat(view: CaseView, *, max_chars: int) -> str:
    style = _style(view)
    entry_lines = _timeline_lines(view, style)
    total = len(entry_lines)

    def text(plan: _Plan) -> str:
        return _compose(view, style, entry_lines, plan)

    def fits(plan: _Plan) -> bool:
        return len(text(plan)) <= max_chars

    def most(plan: _Plan, part: str, upper: int) -> str:
        """The plan that fits with as many entries (or steps) as possible."""
        kept = _most_that_fit(
            getattr(plan, part), upper, lambda n: fits(replace(plan, **{part: n}))
        )
        return text(replace(plan, **{part: kept}))

    plan = _Plan(entries=total, steps=len(view.open_steps))
    if fits(plan):
        return text(plan)
    # The oldest entries go first, down to the newest few; then the
    # description and the greeting; then the rest of the timeline.
    plan = replace(plan, entries=min(ENTRIES_BEFORE_DESCRIPTION, total))
    if fits(plan):
        return most(plan, "entries", total)
    plan = replace(plan, description=False, greeting=False)
    if fits(plan):
        return most(plan, "entries", total)
    plan = replace(plan, entries=0)
    if fits(plan):
        return most(plan, "entries", total)
    # Open steps, the latest due first.
    steps = plan.steps
    plan = replace(plan, steps=0)
    if fits(plan):
        return most(plan, "steps", steps)
    for part in _LAST_TO_GO:
        plan = replace(plan, **{part: False})
        if fits(plan):
            return text(plan)
    raise IssuenoteError(
        f"--max-chars {max_chars} is too small for this case: the ticket numbers, "
        f"transaction IDs, amounts, account reference and request need at least "
        f"{len(text(plan))} characters"
    )


def minimum_chars(view: CaseView) -> int:
    """The shortest chat text this case can have: what is never dropped."""
    style = _style(view)
    entry_lines = _timeline_lines(view, style)
    return len(_compose(view, style, entry_lines, _bare_plan()))
