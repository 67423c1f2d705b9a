"""The chat export: plain text to paste into a support chat box.

No markdown, short lines, and at most ``max_chars`` characters (and
``max_bytes`` UTF-8 bytes, for chat widgets that count bytes). When the case
is too long, parts go in a fixed order so the agent keeps what they need:

* never dropped: the greeting, the title, the account reference, the ticket
  numbers, each transfer's IDs with amount, direction and network, and the
  request;
* dropped first: the suspicious-contact line, the user's own open steps,
  done steps, notes, then contacts and other events, oldest first; then the
  agent list, the problem type, the start time and the transfers' details;
* dropped last, in this order: other agents' replies (oldest first), the
  problem description, the escalation, the latest reply from a real agent,
  and the status follow-up of the request.

A heading never stands without something under it. If even the parts that
are never dropped do not fit, the caller is told the minimum.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import NamedTuple

from issuenote.errors import IssuenoteError
from issuenote.exporters.common import CaseView, Entry, Transaction, one_line

# Caps on free text, so one long note cannot crowd out the rest.
TITLE_CAP = 100
DESCRIPTION_CAP = 300
ENTRY_TEXT_CAP = 200
WARNING_SIGN = "\u26a0"  # ⚠


def _cap(text: str, limit: int) -> str:
    text = one_line(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class _Style(NamedTuple):
    """Choices made once per case: which year goes without saying, and
    whether a single ticket number already in the header can leave the lines."""

    year: int | None
    one_ticket: bool


def _short_time(view: CaseView, style: _Style, moment: datetime) -> str:
    return view.tr.time(moment, with_year=moment.year != style.year)


def _entry_line(view: CaseView, style: _Style, entry: Entry) -> str:
    tr = view.tr
    channel = view.channel_text(entry)
    if entry.done_step:
        head_parts = [tr("done_kind")]
    elif entry.kind == "contact" and channel:
        head_parts = [tr("contact_head", channel=channel)]
    else:
        head_parts = [view.kind_name(entry)]
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
    if entry.flags:  # other flags than an impostor's (those have their own line)
        extras.append(f"{WARNING_SIGN} {view.flag_names(entry)}")
    text = _cap(entry.text, ENTRY_TEXT_CAP)
    if text and extras:
        body = text + tr("aside").format(tr("semi").join(extras))
    else:
        body = text or tr("semi").join(extras)
    line = f"- {_short_time(view, style, entry.at)}{tr('time_sep')}{tr('sep').join(head_parts)}"
    return f"{line}{tr('colon')}{body}" if body else line


def _step_text(view: CaseView, style: _Style, step: Entry) -> str:
    tr = view.tr
    text = _cap(step.text, ENTRY_TEXT_CAP)
    if view.overdue(step):
        text = tr("overdue_mark") + text
    if step.due:
        # after a separator, not in parentheses: the time carries its own
        text += tr("semi") + tr.label("due", _short_time(view, style, step.due))
    return text


def _agent_text(view: CaseView) -> str:
    names = []
    for agent in view.agents:
        if agent.name and agent.agent_id:
            names.append(view.tr("agent_short", name=agent.name, agent_id=agent.agent_id))
        else:
            names.append(view.agent_ref(agent.name, agent.agent_id))
    return view.tr.join(names)


def _transfer_lines(
    view: CaseView, style: _Style, transaction: Transaction, details: bool
) -> list[str]:
    """``- Withdrawal, 1250.00 USDT, TRON`` and its IDs; time, address and
    memo only with ``details``."""
    tr = view.tr
    parts = [tr.name("tx_kind", transaction.kind), view.amount_text(transaction)]
    parts.append(view.network_name(transaction))
    if details and transaction.at:
        parts.append(_short_time(view, style, transaction.at))
    headline = tr("sep").join(part for part in parts if part)
    lines = [f"- {headline}" if headline else "-"]
    lines += [f"  {tr.label(key, value)}" for key, value in transaction.ids]
    if details and transaction.address:
        lines.append(f"  {tr.label('address', transaction.address)}")
    if details and transaction.memo:
        lines.append(f"  {tr.label('memo', transaction.memo)}")
    if transaction.memo_missing:  # why a deposit was not credited: never dropped
        lines.append(f"  {WARNING_SIGN} {tr('memo_missing')}")
    return lines


class _Chat:
    """The chat text of one case, with a set of optional parts left out."""

    def __init__(self, view: CaseView) -> None:
        self.view = view
        moments = [entry.at for entry in view.entries] + [view.updated_at, view.occurred_at]
        known = [moment for moment in moments if moment is not None]
        self.style = _Style(
            year=max(known).year if known else None, one_ticket=len(view.tickets) == 1
        )
        # impostors are not in the timeline: they have their own line
        self.timeline = [entry for entry in view.entries if not entry.suspicious]
        self.timeline = [e for e in self.timeline if not (e.kind == "step" and not e.done_step)]
        self.lines = {id(e): _entry_line(view, self.style, e) for e in self.timeline}
        tr = view.tr
        left_out = [tr("left_out_other_one"), tr("left_out_other", n=max(len(self.timeline), 2))]
        # the longest "(N other entries left out)" line, with its newline
        self.left_out_most = (
            max(len(line) for line in left_out) + 1,
            max(len(line.encode("utf-8")) for line in left_out) + 1,
        )
        # what the left-out line can lose when a second entry goes ("1 entry" -> "2 entries")
        one, two = left_out[0], tr("left_out_other", n=2)
        self.left_out_shrink = (
            max(0, len(one) - len(two)),
            max(0, len(one.encode("utf-8")) - len(two.encode("utf-8"))),
        )

    def line_size(self, index: int) -> tuple[int, int]:
        """Characters and UTF-8 bytes an entry's line takes in the text, newline included."""
        line = self.lines[id(self.timeline[index])]
        return len(line) + 1, len(line.encode("utf-8")) + 1

    def drop_order(self) -> list[tuple[str, int]]:
        """Every optional part, the first to go first: ("entry", index),
        ("step", index) or (part name, 0)."""
        view = self.view
        order: list[tuple[str, int]] = []
        if view.suspicious:
            order.append(("suspicious", 0))
        if view.chain_line:
            order.append(("chain", 0))
        order += [("step", index) for index in reversed(range(len(view.open_steps)))]
        real_replies = [
            i for i, e in enumerate(self.timeline) if e.kind == "reply" and not e.suspicious
        ]
        latest_reply = real_replies[-1] if real_replies else None
        escalations = [i for i, e in enumerate(self.timeline) if e.kind == "escalation"]
        latest_escalation = escalations[-1] if escalations else None

        def group(entry: Entry) -> int:
            if entry.done_step:
                return 0
            if entry.kind == "note":
                return 1
            return 2

        keep_long = {latest_reply, latest_escalation} | set(real_replies)
        early = [i for i in range(len(self.timeline)) if i not in keep_long]
        early.sort(key=lambda i: (group(self.timeline[i]), i))
        order += [("entry", i) for i in early]
        order += [("agents", 0), ("meta", 0), ("started", 0), ("tx_details", 0)]
        order += [("entry", i) for i in real_replies if i != latest_reply]
        order.append(("description", 0))
        if latest_escalation is not None:
            order.append(("entry", latest_escalation))
        if latest_reply is not None:
            order.append(("entry", latest_reply))
        order.append(("follow_up", 0))
        return order

    def compose(self, dropped: set[tuple[str, int]]) -> str:
        view, style, tr = self.view, self.style, self.view.tr
        blocks: list[list[str]] = []

        head = [tr("chat_greeting")]
        title = _cap(view.title, TITLE_CAP)
        head.append(f"{view.platform}{tr('colon')}{title}" if view.platform else title)
        if ("meta", 0) not in dropped and (view.category or view.status):
            meta = []
            if view.category:
                meta.append(tr.label("category", tr.name("category", view.category)))
            if view.status:
                meta.append(tr.label("status", tr.name("status", view.status)))
            head.append(" · ".join(meta))
        if view.account:
            head.append(tr.label("account", view.account))
        if ("started", 0) not in dropped and view.occurred_at:
            head.append(tr.label("occurred", tr.time(view.occurred_at)))
        if view.tickets:
            key = "tickets_one" if len(view.tickets) == 1 else "tickets"
            head.append(tr.label(key, tr.join([ticket.ticket for ticket in view.tickets])))
        blocks.append(head)

        if view.transactions:
            details = ("tx_details", 0) not in dropped
            lines = [tr.label("sec_transactions", "").rstrip()]
            for transaction in view.transactions:
                lines += _transfer_lines(view, style, transaction, details)
            blocks.append(lines)

        if ("description", 0) not in dropped and view.description:
            blocks.append([tr.label("sec_description", _cap(view.description, DESCRIPTION_CAP))])

        kept = [
            self.lines[id(e)] for i, e in enumerate(self.timeline) if ("entry", i) not in dropped
        ]
        if kept:  # never a heading with nothing under it
            lines = [tr.label("sec_timeline", "").rstrip(), *kept]
            left_out = len(self.timeline) - len(kept)
            if left_out:
                lines.append(
                    tr("left_out_other_one") if left_out == 1 else tr("left_out_other", n=left_out)
                )
            blocks.append(lines)

        tail: list[str] = []
        if ("agents", 0) not in dropped and view.agents:
            tail.append(tr.label("agents", _agent_text(view)))
        steps = [s for i, s in enumerate(view.open_steps) if ("step", i) not in dropped]
        if len(steps) == 1 and len(view.open_steps) == 1:
            tail.append(tr.label("sec_open_steps", _step_text(view, style, steps[0])))
        elif steps:
            tail.append(tr.label("sec_open_steps", "").rstrip())
            tail.extend(f"- {_step_text(view, style, step)}" for step in steps)
            if len(steps) < len(view.open_steps):
                tail.append(tr("more_items", n=len(view.open_steps) - len(steps)))
        if tail:
            blocks.append(tail)

        if ("suspicious", 0) not in dropped and view.suspicious:
            sentences = [view.suspicious_sentence(c, self._when) for c in view.suspicious]
            joiner = "" if tr.lang == "zh" else " "
            blocks.append([f"{WARNING_SIGN} {joiner.join(sentences)}"])

        request = [tr.label("sec_request", one_line(view.request_core))]
        if ("follow_up", 0) not in dropped and view.request_follow_up:
            request.append(view.request_follow_up)  # its own line: lines stay short
        if ("follow_up", 0) not in dropped and view.promise_note:
            request.append(view.promise_note)  # a promised reply that never came
        blocks.append(request)
        if ("chain", 0) not in dropped and view.chain_line:
            blocks.append([view.chain_line])
        return "\n\n".join("\n".join(block) for block in blocks) + "\n"

    def _when(self, moment: datetime) -> str:
        return _short_time(self.view, self.style, moment)


def _size_check(max_chars: int, max_bytes: int | None) -> Callable[[str], bool]:
    def fits(text: str) -> bool:
        if len(text) > max_chars:
            return False
        return max_bytes is None or len(text.encode("utf-8")) <= max_bytes

    return fits


def render_chat(view: CaseView, *, max_chars: int, max_bytes: int | None = None) -> str:
    """Drop parts in order until the text fits, then put back what still fits.

    Composing the whole text for every part tried made a long case quadratic
    (a 100-entry case composed it 247 times). An entry's line bounds what
    dropping or restoring it can change, so a text that provably cannot fit
    is never composed: the parts chosen, and the text, are the same.
    """
    chat = _Chat(view)
    fits = _size_check(max_chars, max_bytes)

    def over(chars: int, size: int) -> bool:
        """A text at least this long cannot fit."""
        return chars > max_chars or (max_bytes is not None and size > max_bytes)

    dropped: set[tuple[str, int]] = set()
    order = chat.drop_order()
    text = chat.compose(dropped)
    chars, size = len(text), len(text.encode("utf-8"))
    kept = len(chat.timeline)
    done = 0
    while done < len(order) and not fits(text):
        part = order[done]
        dropped.add(part)
        done += 1
        if part[0] == "entry":
            kept -= 1
            if kept > 0 and done < len(order):  # the timeline block stays: only the line goes
                line_chars, line_size = chat.line_size(part[1])
                shrink_chars, shrink_size = chat.left_out_shrink
                chars -= line_chars + shrink_chars
                size -= line_size + shrink_size
                if over(chars, size):
                    continue  # still too long whatever the left-out line says
        text = chat.compose(dropped)
        chars, size = len(text), len(text.encode("utf-8"))
    if fits(text):
        # Room left by a long part that had to go may still hold a shorter,
        # less important one: put back what fits, the most important first.
        size = len(text.encode("utf-8"))
        for part in reversed(order):
            if part not in dropped:
                continue
            if part[0] == "entry":
                # its line comes back; at most the left-out line can go
                line_chars, line_size = chat.line_size(part[1])
                left_chars, left_size = chat.left_out_most
                if over(len(text) + line_chars - left_chars, size + line_size - left_size):
                    continue
            candidate = chat.compose(dropped - {part})
            if fits(candidate):
                dropped.discard(part)
                text, size = candidate, len(candidate.encode("utf-8"))
        return text
    limit = f"--max-chars {max_chars}"
    need = f"{len(text)} characters"
    if max_bytes is not None and len(text) <= max_chars:
        limit, need = f"--max-bytes {max_bytes}", f"{len(text.encode('utf-8'))} bytes"
    raise IssuenoteError(
        f"{limit} is too small for this case: the greeting, ticket numbers, transaction "
        f"IDs, amounts, account reference and request need at least {need}"
    )


def minimum_chars(view: CaseView) -> int:
    """The shortest chat text this case can have: what is never dropped."""
    chat = _Chat(view)
    return len(chat.compose(set(chat.drop_order())))
