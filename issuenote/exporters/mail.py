"""The e-mail export: a complete, polite letter to a support desk.

``render_email`` gives ``Subject: …``, a blank line and the body, for pasting
into a mail client; ``render_message`` wraps the same text in an RFC 5322
message (UTF-8, MIME headers, encoded subject) that opens as a draft.
(The module is not called ``email`` so it cannot shadow the standard library.)
"""

from __future__ import annotations

from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, getaddresses
from typing import TYPE_CHECKING

from issuenote.errors import IssuenoteError
from issuenote.exporters.common import CaseView, Entry, entry_lines, indented, one_line

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

SUBJECT_TITLE_CAP = 150
CONTENT_LANGUAGE = {"en": "en", "zh": "zh-Hans", "ko": "ko"}


def subject(view: CaseView) -> str:
    """Problem type, platform and latest ticket first, so support can sort it."""
    tr = view.tr
    kind = tr.name("subject_type", view.category if view.category else "other")
    title = one_line(view.title)
    if len(title) > SUBJECT_TITLE_CAP:
        title = title[: SUBJECT_TITLE_CAP - 1].rstrip() + "…"
    platform = one_line(view.platform) if view.platform else None
    ticket = f"{tr('ticket_word')} {view.latest_ticket}" if view.latest_ticket else None
    if tr.lang == "en":
        text = kind
        if platform:
            text += f" on {platform}"
        if ticket:
            text += f", {ticket}"
        return f"{text}: {title}"
    middle = " ".join(part for part in (platform, ticket) if part)
    if not middle:
        return f"{kind}{title}"
    return f"{kind}{middle}{tr('colon')}{title}"


def _heading(view: CaseView, key: str) -> str:
    return view.tr("heading").format(view.tr(key))


def _entry_block(view: CaseView, number: int, entry: Entry) -> list[str]:
    return indented(f"{number}. ", entry_lines(view, entry))


def _intro(view: CaseView) -> str:
    tr = view.tr
    platform = tr("intro_platform", platform=view.platform) if view.platform else ""
    account = tr.paren(view.account) if view.account else ""
    problem = tr.name("problem", view.category if view.category else "other")
    return tr("intro", platform=platform, account=account, problem=problem)


def _status_line(view: CaseView) -> str | None:
    tr = view.tr
    status = tr.name("status", view.status)
    if status and view.latest_ticket:
        return tr("status_ticket", status=status, ticket=view.latest_ticket)
    if status:
        return tr("status_only", status=status)
    if view.latest_ticket:
        return tr.label("ticket", view.latest_ticket) + tr("end")
    return None


def email_body(view: CaseView) -> str:
    tr = view.tr
    when = tr.time_with_utc
    platform = one_line(view.platform) if view.platform else None
    greeting = tr("greeting_platform", platform=platform) if platform else tr("greeting")
    sections: list[list[str]] = [[greeting]]

    opening = [_intro(view)]
    status_line = _status_line(view)
    if status_line:
        opening.append(status_line)
    sections.append(opening)

    happened = [_heading(view, "sec_description")]
    if view.occurred_at:
        happened.append(tr.label("occurred", when(view.occurred_at)))
    happened.append(view.description or view.title)
    sections.append(happened)

    if view.transactions:
        block = [_heading(view, "sec_transactions")]
        for number, transaction in enumerate(view.transactions, start=1):
            lines = [view.tx_headline(transaction) or view.id_label(transaction)]
            lines.append(tr.label("order_id" if transaction.is_order else "txid", transaction.txid))
            lines += [tr.label(key, value) for key, value in transaction.extra_pairs()]
            if transaction.memo_missing:
                lines.append("⚠ " + tr("memo_missing"))
            if transaction.at:
                lines.append(tr.label("time", when(transaction.at)))
            if transaction.explorer_url:
                lines.append(tr.label("explorer", transaction.explorer_url))
            block.extend(indented(f"{number}. ", lines))
        sections.append(block)

    if view.entries:
        block = [_heading(view, "sec_timeline")]
        for number, entry in enumerate(view.entries, start=1):
            block.extend(_entry_block(view, number, entry))
        sections.append(block)

    tried = _suggestions_and_tries(view, when)
    if tried:
        sections.append([_heading(view, "sec_suggestions"), *tried])

    if view.open_steps:
        block = [_heading(view, "sec_open_steps")]
        for step in view.open_steps:
            due = tr("due_suffix", time=when(step.due)) if step.due else ""
            block.extend(indented("- ", [step.text + due]))
        sections.append(block)

    if view.flagged:
        block = [_heading(view, "sec_warnings")]
        for entry in view.flagged:
            lines = [f"{when(entry.at)} · {view.entry_head(entry)}"]
            if entry.agent or entry.agent_id:
                lines.append(tr.label("agent", view.agent_ref(entry.agent, entry.agent_id)))
            if entry.flags:
                lines.append(tr.label("flags", view.flag_names(entry)))
            lines.extend(entry.warnings)
            block.extend(indented("- ", lines))
        sections.append(block)

    sections.append([_heading(view, "sec_request"), view.request])

    references = []
    if view.tickets:
        references.append(tr.label("tickets", tr.join([t.ticket for t in view.tickets])))
    if view.agents:
        names = [view.agent_ref(agent.name, agent.agent_id) for agent in view.agents]
        references.append(tr.label("agents", tr.join(names)))
    if references:
        sections.append(references)

    sections.append([tr("closing")])
    sections.append([tr("signoff")])
    if view.chain_line:
        sections.append([view.chain_line])
    return "\n\n".join("\n".join(section) for section in sections) + "\n"


def _suggestions_and_tries(view: CaseView, when: Callable[[datetime], str]) -> list[str]:
    tr = view.tr
    lines: list[str] = []
    for entry in view.suggestions:
        agent = view.agent_ref(entry.agent, entry.agent_id)
        text = tr("suggested_by", time=when(entry.at), agent=agent, suggests=entry.suggests)
        lines.extend(indented("- ", [text]))
    for step in view.done_steps:
        assert step.done_at is not None
        lines.extend(indented("- ", [tr("done_at", time=when(step.done_at), text=step.text)]))
    return lines


def render_email(view: CaseView) -> str:
    return f"Subject: {subject(view)}\n\n{email_body(view)}"


def _address(value: str, what: str) -> str:
    """Check one address (``a@b.c`` or ``Name <a@b.c>``) and return it for a header."""
    if "\n" in value or "\r" in value:
        raise IssuenoteError(f"the {what} address must be on one line: {value!r}")
    parsed = getaddresses([value])
    if len(parsed) != 1 or "@" not in parsed[0][1]:
        raise IssuenoteError(f"not an e-mail address for {what}: {value!r}")
    name, addr = parsed[0]
    local, _, domain = addr.rpartition("@")
    try:
        return str(Address(display_name=name, username=local, domain=domain))
    except (ValueError, IndexError):
        raise IssuenoteError(f"not an e-mail address for {what}: {value!r}") from None


def _looks_like_address(value: str | None) -> bool:
    if not value or " " in value.strip():
        return False
    local, at, domain = value.strip().rpartition("@")
    return bool(at and local and "." in domain)


def _default_to(view: CaseView) -> str | None:
    """The support address last written to, if the case recorded one."""
    for entry in reversed(view.entries):
        if entry.channel == "email" and _looks_like_address(entry.via):
            return entry.via
    return None


def _message_date(view: CaseView) -> datetime | None:
    """The case's last change, so the same case always gives the same message."""
    candidates = [view.updated_at, view.created_at]
    candidates += [entry.at for entry in reversed(view.entries)]
    candidates.append(view.occurred_at)
    return next((moment for moment in candidates if moment is not None), None)


def render_message(view: CaseView, *, from_addr: str | None, to_addr: str | None) -> bytes:
    """The e-mail as a draft ``.eml`` (CRLF line ends, as RFC 5322 has them).

    ``X-Unsent: 1`` makes Outlook open it ready to send; other clients open
    it as a message. Without ``from_addr`` the sender comes from the account
    reference when it is an address and redaction is off; otherwise From is
    left for the mail client to fill in.
    """
    message = EmailMessage(policy=SMTP)
    sender = from_addr
    if sender is None and not view.account_masked and _looks_like_address(view.account):
        sender = view.account
    if sender is not None:
        message["From"] = _address(sender, "sender")
    recipient = to_addr if to_addr is not None else _default_to(view)
    if recipient is not None:
        message["To"] = _address(recipient, "recipient")
    message["Subject"] = subject(view)
    moment = _message_date(view)
    if moment is not None:
        message["Date"] = format_datetime(moment)
    message["X-Unsent"] = "1"
    message.set_content(email_body(view), subtype="plain", charset="utf-8")
    # after set_content, which replaces every Content-* header
    message["Content-Language"] = CONTENT_LANGUAGE[view.tr.lang]
    return message.as_bytes()
