"""Saved support e-mails and pasted chats, read into what a timeline entry needs.

Pure: no SQL, no CLI. The e-mail is parsed with the standard library's
`email` package (RFC 2047 headers, MIME parts, charsets); the reply is cut
from the quoted history and the signature with mail-parser-reply, which
knows Chinese and Korean quote headers; Outlook `.msg` files are read with
extract-msg. The patterns for tickets, agents and chat lines are data, in
issuenote/data/ingest_patterns.toml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, ClassVar

from issuenote.errors import IssuenoteError

REPLY_LANGUAGES = ["en", "zh", "ko", "ja"]
MAX_SUBJECT_CHARS = 200


@dataclass
class MailPart:
    name: str
    data: bytes


@dataclass
class ParsedMail:
    message_id: str | None
    sender_name: str | None
    sender: str | None
    recipients: list[str]
    date: datetime | None
    subject: str | None
    body: str
    ticket: str | None
    agent: str | None
    agent_id: str | None
    parts: list[MailPart] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {
            "message_id": self.message_id,
            "from": self.sender,
            "to": self.recipients,
            "date": self.date.isoformat() if self.date else None,
            "subject": self.subject,
            "ticket": self.ticket,
            "agent": self.agent,
            "agent_id": self.agent_id,
            "attachments": [part.name for part in self.parts],
        }


@cache
def patterns() -> dict[str, Any]:
    import tomllib

    from issuenote.paths import shipped_text

    raw = tomllib.loads(shipped_text("ingest_patterns.toml"))
    flags = re.IGNORECASE | re.MULTILINE
    compiled: dict[str, Any] = {
        key: [re.compile(p, flags) for p in raw[key]["patterns"]]
        for key in ("ticket", "agent_id", "agent")
    }
    compiled["chat_inline"] = [re.compile(p, re.MULTILINE) for p in raw["chat"]["inline"]]
    compiled["chat_header"] = [re.compile(p, re.MULTILINE) for p in raw["chat"]["header"]]
    compiled["quote"] = [re.compile(p, flags) for p in raw["quote"]["headers"]]
    compiled["me"] = {name.casefold() for name in raw["chat"]["me"]}
    compiled["support_words"] = sorted(raw["chat"]["support_words"], key=len, reverse=True)
    return compiled


def first_match(kind: str, *texts: str | None) -> str | None:
    for text in texts:
        if not text:
            continue
        for pattern in patterns()[kind]:
            match = pattern.search(text)
            if match:
                return match.group(1).strip()
    return None


# -- e-mail ---------------------------------------------------------------------------


def parse_eml(data: bytes) -> ParsedMail:
    """One RFC 5322 message: headers decoded, the newest reply's text, its files."""
    from email import policy
    from email.parser import BytesParser
    from email.utils import getaddresses, parsedate_to_datetime

    if not data.strip():
        raise IssuenoteError("the message is empty")
    message = BytesParser(policy=policy.default).parsebytes(data)
    if not message.keys():
        raise IssuenoteError("this is not an e-mail message (no headers); save it as .eml")
    senders = getaddresses([str(message.get("From", ""))])
    sender_name, sender = senders[0] if senders else ("", "")
    if not sender or "@" not in sender:
        raise IssuenoteError("the message has no From: address; is it a saved e-mail?")
    recipients = [addr for _, addr in getaddresses([str(message.get("To", ""))]) if addr]
    date = None
    if message.get("Date"):
        try:
            date = parsedate_to_datetime(str(message["Date"]))
        except (TypeError, ValueError):
            date = None
        if date is not None and date.tzinfo is None:
            date = None  # "-0000": the offset is unknown; the caller decides
    subject = " ".join(str(message.get("Subject", "")).split())[:MAX_SUBJECT_CHARS] or None
    text = _body_text(message)
    reply, signature = split_reply(text)
    parts = [
        MailPart(_part_name(part, index), part.get_payload(decode=True) or b"")
        for index, part in enumerate(message.walk())
        if not part.is_multipart() and _is_file(part)
    ]
    return ParsedMail(
        message_id=_message_id(message.get("Message-ID")),
        sender_name=sender_name or None,
        sender=sender.lower(),
        recipients=recipients,
        date=date,
        subject=subject,
        body=reply,
        ticket=first_match("ticket", subject, text),
        agent=first_match("agent", signature, reply) or _agent_from_name(sender_name),
        agent_id=first_match("agent_id", signature, reply),
        parts=parts,
    )


def _message_id(value: Any) -> str | None:
    if not value:
        return None
    text = str(value).strip()
    return text[:300] or None


def _is_file(part: Any) -> bool:
    if part.get_filename():
        return True
    return part.get_content_disposition() == "attachment"


def _part_name(part: Any, index: int) -> str:
    name = part.get_filename() or f"part-{index}"
    name = Path(name.replace("\\", "/")).name  # never a path from a stranger's mail
    name = "".join(ch for ch in name if ord(ch) >= 32 and not 0x7F <= ord(ch) < 0xA0)
    return name[:200] or f"part-{index}"


def _body_text(message: Any) -> str:
    """The plain-text body; an HTML-only message is turned into text."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, UnicodeDecodeError):
        payload = part.get_payload(decode=True) or b""
        content = payload.decode("utf-8", "replace")
    if part.get_content_subtype() == "html":
        return html_to_text(content)
    return str(content)


def _agent_from_name(display: str | None) -> str | None:
    """`Kevin from OKX Support` -> Kevin; a bare team name says nothing."""
    if not display:
        return None
    match = re.match(r"\s*([A-Z][\w.'-]+)\s+(?:from|at|@|\|)\s+", display)
    return match.group(1) if match else None


def split_reply(text: str) -> tuple[str, str]:
    """The newest reply without quoted history or signature, and the signature."""
    from mailparser_reply import EmailReplyParser  # lazy: only ingest reads mail

    text = cut_history(text.replace("\r\n", "\n")).strip()
    if not text:
        return "", ""
    parsed = EmailReplyParser(languages=REPLY_LANGUAGES).read(text)
    replies = parsed.replies
    if not replies:
        return text, ""
    newest = replies[0]
    body = (newest.body or "").strip()
    signature = (newest.signatures or "").strip() if isinstance(newest.signatures, str) else ""
    if not body:
        body = (newest.full_body or newest.content or text).strip()
    # Quoted lines the parser left ("> ...") are history too.
    body = "\n".join(line for line in body.splitlines() if not line.startswith(">")).strip()
    body = body or text
    if not signature:
        body, signature = _split_signature(body)
    return body, signature


def cut_history(text: str) -> str:
    """The text before the first quote header (On ... wrote: / 写道： / 작성: / From:...Sent:)."""
    cut = len(text)
    for pattern in patterns()["quote"]:
        match = pattern.search(text)
        if match:
            cut = min(cut, match.start())
    kept = text[:cut]
    return "\n".join(line for line in kept.splitlines() if not line.lstrip().startswith(">"))


def _split_signature(body: str) -> tuple[str, str]:
    """A closing block naming the agent (客服专员 Kevin / 工号 10234) is the signature."""
    blocks = re.split(r"\n\s*\n", body)
    if len(blocks) < 2:
        return body, ""
    last = blocks[-1]
    if len(last.splitlines()) <= 4 and (
        first_match("agent_id", last) or first_match("agent", last)
    ):
        return "\n\n".join(blocks[:-1]).strip(), last.strip()
    return body, ""


class _TextOfHtml(HTMLParser):
    _BLOCKS: ClassVar[set[str]] = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "table"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("script", "style", "head"):
            self._skip += 1
        elif tag in self._BLOCKS:
            self.out.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "head"):
            self._skip = max(0, self._skip - 1)
        elif tag in self._BLOCKS:
            self.out.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.out.append(data)


def html_to_text(html: str) -> str:
    parser = _TextOfHtml()
    parser.feed(html)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.out).splitlines()]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def parse_msg(path: Path) -> ParsedMail:
    """An Outlook .msg file, through extract-msg."""
    try:
        import extract_msg  # lazy: heavy, and only .msg files need it
    except ImportError:  # pragma: no cover - a declared dependency
        raise IssuenoteError("reading .msg files needs the extract-msg package") from None
    try:
        message = extract_msg.openMsg(str(path))
    except Exception as error:  # the library raises many kinds on a bad file
        raise IssuenoteError(f"{path.name!r} is not a readable Outlook message: {error}") from None
    try:
        from email.utils import getaddresses

        senders = getaddresses([message.sender or ""])
        sender_name, sender = senders[0] if senders else ("", "")
        body = message.body or ""
        if not body.strip() and message.htmlBody:
            html = message.htmlBody
            body = html_to_text(
                html.decode("utf-8", "replace") if isinstance(html, bytes) else html
            )
        reply, signature = split_reply(body)
        subject = " ".join((message.subject or "").split())[:MAX_SUBJECT_CHARS] or None
        date = message.date if isinstance(message.date, datetime) else None
        parts = []
        for index, attachment in enumerate(message.attachments):
            data = getattr(attachment, "data", None)
            if isinstance(data, bytes):
                name = attachment.longFilename or attachment.shortFilename or f"part-{index}"
                parts.append(MailPart(Path(str(name)).name, data))
        recipients = [addr for _, addr in getaddresses([message.to or ""]) if addr]
        return ParsedMail(
            message_id=_message_id(message.messageId),
            sender_name=sender_name or None,
            sender=sender.lower() or None,
            recipients=recipients,
            date=date if date is None or date.tzinfo else None,
            subject=subject,
            body=reply,
            ticket=first_match("ticket", subject, body),
            agent=first_match("agent", signature, reply) or _agent_from_name(sender_name),
            agent_id=first_match("agent_id", signature, reply),
            parts=parts,
        )
    finally:
        message.close()


# -- chat transcripts ------------------------------------------------------------------


@dataclass
class ChatLine:
    date: str | None
    time: str
    name: str
    text: str
    mine: bool


def parse_chat(text: str) -> list[ChatLine]:
    """Messages of a pasted live chat, when its lines carry times and names; else []."""
    compiled = patterns()
    lines: list[ChatLine] = []
    current: ChatLine | None = None
    for raw in text.replace("\r\n", "\n").split("\n"):
        inline = next((m for p in compiled["chat_inline"] if (m := p.match(raw))), None)
        header = (
            None
            if inline
            else next((m for p in compiled["chat_header"] if (m := p.match(raw))), None)
        )
        if inline:
            current = _chat_line(inline.group(1), inline.group(2), inline.group(3), inline.group(4))
            lines.append(current)
        elif header:
            current = _chat_line(header.group(2), header.group(3), header.group(1), "")
            lines.append(current)
        elif current is not None and raw.strip():
            current.text = f"{current.text}\n{raw.strip()}".strip()
        elif current is None and raw.strip():
            return []  # text before any recognised line: not a transcript we can split
    lines = [line for line in lines if line.text]
    return lines if len(lines) >= 2 else []


def _chat_line(date: str | None, time: str, name: str, text: str) -> ChatLine:
    compiled = patterns()
    name = " ".join(name.split())
    for word in compiled["support_words"]:
        if name.casefold().startswith(word.casefold() + " ") and len(name) > len(word) + 1:
            name = name[len(word) :].strip()
            break
    return ChatLine(date, time, name, text.strip(), name.casefold() in compiled["me"])
