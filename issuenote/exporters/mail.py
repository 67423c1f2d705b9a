"""The e-mail export: a complete, polite letter to a support desk.

``render_email`` gives ``Subject: …``, a blank line and the body, for pasting
into a mail client; ``render_message`` wraps the same text in an RFC 5322
message (UTF-8, MIME headers, encoded subject) that opens as a draft.
(The module is not called ``email`` so it cannot shadow the standard library.)
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from issuenote.errors import IssuenoteError
from issuenote.exporters.common import (
    CaseView,
    Entry,
    Transaction,
    entry_lines,
    indented,
    one_line,
)
from issuenote.exporters.text import step_text

if TYPE_CHECKING:
    from collections.abc import Callable

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
    if tr.lang == "ko":
        # [입금 문의] 업비트 ETH 입금 미반영 (티켓 번호 UPB-5530012)
        text = kind + " ".join(part for part in (platform, title) if part)
        return f"{text} ({tr('ticket')} {view.latest_ticket})" if view.latest_ticket else text
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


def email_body(view: CaseView, signature: str | None = None) -> str:
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
            block.extend(indented(f"{number}. ", transfer_lines(view, transaction, when)))
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
            block.extend(indented("- ", [step_text(view, step, when)]))
        sections.append(block)

    if view.suspicious:
        block = [_heading(view, "sec_suspicious")]
        for contact in view.suspicious:
            block.extend(indented("- ", [view.suspicious_sentence(contact, when)]))
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
    # the sign-off, the user's name right under it, then the masked account
    signed = [tr("signoff")]
    if signature and signature.strip():
        signed.append(one_line(signature))
    if view.account:
        signed.append(tr.label("account", view.account))
    sections.append(signed)
    if view.chain_line:
        sections.append([view.chain_line])
    return "\n\n".join("\n".join(section) for section in sections) + "\n"


def transfer_lines(
    view: CaseView, transaction: Transaction, when: Callable[[datetime], str]
) -> list[str]:
    """One transfer as lines: what moved, then both IDs, time, address, memo, link."""
    tr = view.tr
    lines = [view.tx_headline(transaction) or view.id_label(transaction)]
    lines += [tr.label(key, value) for key, value in transaction.ids]
    if transaction.at:
        lines.append(tr.label("time", when(transaction.at)))
    if transaction.address:
        lines.append(tr.label("address", transaction.address))
    if transaction.memo:
        lines.append(tr.label("memo", transaction.memo))
    if transaction.memo_missing:
        lines.append("\u26a0 " + tr("memo_missing"))
    if transaction.explorer_url:
        lines.append(tr.label("explorer", transaction.explorer_url))
    return lines


def _suggestions_and_tries(view: CaseView, when: Callable[[datetime], str]) -> list[str]:
    tr = view.tr
    lines: list[str] = []
    for entry in view.suggestions:
        agent = view.agent_ref(entry.agent, entry.agent_id)
        text = tr("suggested_by", time=when(entry.at), agent=agent, suggests=entry.suggests)
        lines.extend(indented("- ", [text]))
    for step in view.done_steps:
        assert step.done_at is not None
        done = tr("done_at", time=tr.date(step.done_at), text=step.text)
        lines.extend(indented("- ", [done]))
    return lines


def render_email(
    view: CaseView, *, signature: str | None = None, support_email: str | None = None
) -> str:
    recipient = choose_recipient(view, None, support_email)
    to_line = f"To: {recipient}\n" if recipient else ""
    return f"{to_line}Subject: {subject(view)}\n\n{email_body(view, signature)}"


def _address(value: str, what: str) -> str:
    """Check one address (``a@b.c`` or ``Name <a@b.c>``) and return it for a header."""
    from email.headerregistry import Address
    from email.utils import getaddresses

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


# What makes an address an impostor's even when the user names it: a domain
# merely not on the official list (a regulator, a lawyer) may be meant.
_IMPERSONATION = frozenset(
    {"free-mail", "look-alike-domain", "punycode-domain", "decoy-link", "other-platform"}
)


def flagged_reason(view: CaseView, address: str, *, chosen: bool = False) -> str | None:
    """Why ``address`` must not receive the e-mail: an impostor in this case
    used it, or it imitates the platform (free-mail, look-alike); an address
    picked automatically must be one of the platform's own. ``chosen``: the
    user named it."""
    from issuenote.safety import scam  # only when an address is chosen

    wanted = address.strip().casefold()
    for entry in view.entries:
        if entry.suspicious and entry.via and wanted in entry.via.casefold():
            return "it is the address of a contact flagged as an impostor in this case"
    signals = scam.channel_signals(view.platform, address, channel="email")
    if chosen:
        signals = [signal for signal in signals if signal.code in _IMPERSONATION]
    return signals[0].reason if signals else None


def choose_recipient(view: CaseView, to_addr: str | None, support_email: str | None) -> str | None:
    """``To:``: the address asked for, else the platform's official support
    address, else the last address the user wrote to that is not flagged.
    Never a flagged address."""
    if to_addr is not None:
        reason = flagged_reason(view, to_addr, chosen=True)
        if reason:
            raise IssuenoteError(f"refusing to address the e-mail to {to_addr}: {reason}")
        return to_addr
    if support_email:
        reason = flagged_reason(view, support_email, chosen=True)
        if reason:
            raise IssuenoteError(f"refusing to address the e-mail to {support_email}: {reason}")
        return support_email
    for entry in reversed(view.entries):
        if entry.suspicious or entry.channel != "email" or not _looks_like_address(entry.via):
            continue
        assert entry.via is not None
        if flagged_reason(view, entry.via) is None:
            return entry.via.strip()
    return None


def render_message(
    view: CaseView,
    *,
    from_addr: str | None,
    to_addr: str | None,
    support_email: str | None = None,
    signature: str | None = None,
) -> bytes:
    """The e-mail as a draft ``.eml`` (CRLF line ends, as RFC 5322 has them).

    ``X-Unsent: 1`` makes Outlook open it ready to send; other clients open
    it as a message. Without ``from_addr`` the sender comes from the account
    reference when it is an address and redaction is off; otherwise From is
    left for the mail client to fill in. The email package (~12 ms to import)
    is loaded here only: `export --format email` to the screen never needs it.
    """
    from email.message import EmailMessage
    from email.policy import SMTP
    from email.utils import format_datetime

    message = EmailMessage(policy=SMTP)
    sender = from_addr
    if sender is None and not view.account_masked and _looks_like_address(view.account):
        sender = view.account
    if sender is not None:
        message["From"] = _address(sender, "sender")
    recipient = choose_recipient(view, to_addr, support_email)
    if recipient is not None:
        message["To"] = _address(recipient, "recipient")
    message["Subject"] = subject(view)
    # the time of export: a draft is dated when it is written
    message["Date"] = format_datetime(view.now or datetime.now(UTC))
    message["X-Unsent"] = "1"
    message.set_content(email_body(view, signature), subtype="plain", charset="utf-8")
    # after set_content, which replaces every Content-* header
    message["Content-Language"] = CONTENT_LANGUAGE[view.tr.lang]
    return message.as_bytes()
