"""ingest: saved support e-mails (en, zh, ko; HTML-only; encoded headers) and chat transcripts."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from issuenote.evidence.ingest import first_match, parse_chat, split_reply

Cli = Callable[..., Any]
MAIL = Path(__file__).parent / "data" / "mail"


@pytest.fixture
def jane(cli: Cli) -> str:
    result = cli(
        "new", "USDT withdrawal stuck", "--platform", "OKX", "--account", "jane.doe@example.com"
    )
    assert result.exit_code == 0, result.stderr
    return "1"


def ingest(cli: Cli, *args: str, input: str | None = None) -> list[dict[str, Any]]:
    result = cli("ingest", *args, "--json", input=input)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_an_english_reply_becomes_a_reply_entry(cli: Cli, jane: str) -> None:
    [result] = ingest(cli, jane, str(MAIL / "en_reply_with_attachment.eml"))
    entry = result["entry"]
    assert entry["kind"] == "reply"
    assert entry["channel"] == "email"
    assert entry["via"] == "support@okx.com"
    assert entry["agent"] == "Kevin" and entry["agent_id"] == "OKX-2231"
    assert entry["ticket"] == "88412"
    assert entry["at"] == "2026-11-21T10:15:02+08:00"
    assert entry["text"].startswith("Re: [Ticket #88412] USDT withdrawal not received")
    assert "congestion at the TRON node" in entry["text"]
    assert "pending for three days" not in entry["text"]  # the quoted history
    assert "Agent ID" not in entry["text"]  # the signature
    names = [a["name"] for a in entry["attachments"]]
    assert names == ["en_reply_with_attachment.eml", "withdrawal-status.png"]
    assert [a["media_type"] for a in entry["attachments"]] == ["message/rfc822", "image/png"]


def test_a_chinese_html_only_mail_with_encoded_headers(cli: Cli, jane: str) -> None:
    [result] = ingest(cli, jane, str(MAIL / "zh_html_only.eml"))
    entry = result["entry"]
    assert result["subject"] == "回复：提现未到账 工单号：OKX20261121"
    assert entry["ticket"] == "OKX20261121"
    assert entry["agent"] == "Kevin" and entry["agent_id"] == "10234"
    assert "预计 2 小时内到账" in entry["text"]
    assert "三天没有到账" not in entry["text"] and "<p>" not in entry["text"]
    assert entry["at"] == "2026-11-22T09:30:00+08:00"


def test_a_korean_reply_with_a_pdf(cli: Cli, jane: str) -> None:
    [result] = ingest(cli, jane, str(MAIL / "ko_reply_with_pdf.eml"))
    entry = result["entry"]
    assert entry["ticket"] == "55123"
    assert entry["agent"] == "김민수" and entry["agent_id"] == "KR-5521"
    assert "블록체인 네트워크 확인 중" in entry["text"]
    assert "3일째" not in entry["text"]
    assert entry["at"] == "2026-11-24T10:05:00+08:00"  # +0900 shown in the test's +0800 zone
    assert entry["attachments"][1]["name"] == "출금내역.pdf"
    assert entry["attachments"][1]["media_type"] == "application/pdf"


def test_mail_from_the_users_own_address_is_a_contact(cli: Cli, jane: str) -> None:
    [result] = ingest(cli, jane, str(MAIL / "sent_by_me.eml"))
    entry = result["entry"]
    assert entry["kind"] == "contact"
    assert entry["via"] == "support@okx.com"
    assert entry["agent"] is None


def test_a_phishing_mail_is_flagged(cli: Cli, jane: str) -> None:
    result = cli("ingest", jane, str(MAIL / "phishing.eml"))
    assert result.exit_code == 0
    assert "WARNING: this may be fake support" in result.stderr
    entry = json.loads(cli("show", jane, "--json").stdout)["entries"][0]
    assert set(entry["flags"]) == {"scam-risk", "unverified-channel"}


def test_the_same_message_twice_records_nothing(
    cli: Cli, jane: str, snapshot: Callable[[], list[str]]
) -> None:
    path = str(MAIL / "en_reply_with_attachment.eml")
    ingest(cli, jane, path)
    before = snapshot()
    [again] = ingest(cli, jane, path)
    assert again["status"] == "duplicate"
    # Same Message-ID, different bytes (another client saved it): still the same message.
    altered = (
        (MAIL / "en_reply_with_attachment.eml").read_bytes().replace(b"Hello Jane", b"Hi Jane")
    )
    [piped] = ingest(cli, jane, "-", input=altered.decode())
    assert piped["status"] == "duplicate"
    assert "already ingested as entry 1" in cli("ingest", jane, path).stdout
    assert snapshot() == before


def test_dry_run_records_nothing(cli: Cli, jane: str, snapshot: Callable[[], list[str]]) -> None:
    before = snapshot()
    result = cli("ingest", jane, str(MAIL / "ko_reply_with_pdf.eml"), "--dry-run")
    assert result.exit_code == 0
    assert "Would record a reply" in result.stdout and "ticket 55123" in result.stdout
    assert "출금내역.pdf" in result.stdout
    assert snapshot() == before


def test_a_message_from_stdin(cli: Cli, jane: str) -> None:
    text = (MAIL / "sent_by_me.eml").read_text()
    [result] = ingest(cli, jane, "-", input=text)
    assert result["entry"]["attachments"][0]["name"] == "message.eml"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the message is empty"),
        (b"just some words\n", "not an e-mail message"),
        (b"From: nobody\nSubject: x\n\nbody\n", "no From: address"),
    ],
)
def test_what_is_not_a_mail_is_refused(
    cli: Cli,
    jane: str,
    tmp_path: Path,
    snapshot: Callable[[], list[str]],
    content: bytes,
    message: str,
) -> None:
    path = tmp_path / "bad.eml"
    path.write_bytes(content)
    before = snapshot()
    result = cli("ingest", jane, str(path))
    assert result.exit_code == 1
    assert message in result.stderr and result.stderr.count("\n") == 1
    assert snapshot() == before


def test_a_secret_in_a_mail_is_refused_or_masked(cli: Cli, jane: str, tmp_path: Path) -> None:
    path = tmp_path / "reply.eml"
    path.write_text(
        "From: support@okx.com\nTo: jane.doe@example.com\nSubject: Login help\n"
        "Date: Fri, 21 Nov 2026 10:00:00 +0800\nMessage-ID: <s1@okx.com>\n\n"
        "Your temporary password: Xy7#kP2$mQ9!\n"
    )
    result = cli("ingest", jane, str(path))
    assert result.exit_code == 1 and "--redact" in result.stderr
    [done] = ingest(cli, jane, str(path), "--redact")
    assert "Xy7#kP2$mQ9!" not in done["entry"]["text"]


def test_unknown_case_and_missing_file(cli: Cli, jane: str) -> None:
    assert "unknown case" in cli("ingest", "9", str(MAIL / "phishing.eml")).stderr
    assert "no such file" in cli("ingest", jane, "nowhere.eml").stderr


def test_ingested_mail_keeps_the_chain_intact(cli: Cli, jane: str) -> None:
    for name in ("en_reply_with_attachment.eml", "zh_html_only.eml", "ko_reply_with_pdf.eml"):
        ingest(cli, jane, str(MAIL / name))
    assert cli("verify").exit_code == 0


# -- chat transcripts -------------------------------------------------------------------


def test_a_chat_transcript_is_split_into_entries(cli: Cli, jane: str, tmp_path: Path) -> None:
    chat = tmp_path / "chat.txt"
    chat.write_text(
        "[10:02] Me: My USDT withdrawal is stuck\n"
        "[10:03] Kevin: Let me check that for you.\n"
        "It is pending at the node.\n"
        "[10:05] Kevin: Please wait 24 hours.\n"
    )
    [result] = ingest(cli, jane, str(chat), "--chat", "--at", "2026-11-21 12:00")
    kinds = [(e["kind"], e["agent"]) for e in result["entries"]]
    assert kinds == [("contact", None), ("reply", "Kevin"), ("reply", "Kevin")]
    assert result["entries"][1]["text"] == "Let me check that for you.\nIt is pending at the node."
    assert result["entries"][0]["at"] == "2026-11-21T10:02:00+08:00"
    assert result["attachments"][0]["name"] == "chat.txt"
    assert cli("verify").exit_code == 0


def test_chat_headers_with_names_and_times() -> None:
    lines = parse_chat("客服 Kevin 10:02:11\n您好，请问有什么可以帮您？\n我 10:03\n提现没到账\n")
    assert [(line.name, line.time, line.mine) for line in lines] == [
        ("Kevin", "10:02:11", False),
        ("我", "10:03", True),
    ]


def test_a_transcript_without_times_is_one_note(cli: Cli, jane: str, tmp_path: Path) -> None:
    chat = tmp_path / "chat.txt"
    chat.write_text("I asked about the withdrawal and they said wait.\n")
    result = cli("ingest", jane, str(chat), "--chat")
    assert result.exit_code == 0
    assert "kept whole as one note" in result.stderr
    entry = json.loads(cli("show", jane, "--json").stdout)["entries"][0]
    assert entry["kind"] == "note" and entry["attachments"][0]["name"] == "chat.txt"


def test_reply_parsing_in_three_languages() -> None:
    body, signature = split_reply(
        "Hi,\n\nDone.\n\nBest regards,\nAnna\nAgent ID: 77\n\nOn Mon, Nov 24, 2026 Jane wrote:\n> x"
    )
    assert body == "Hi,\n\nDone." and first_match("agent_id", signature) == "77"
    assert first_match("ticket", "回复：工单号：A12345") == "A12345"
    assert first_match("ticket", "티켓 번호: 55123") == "55123"


def test_a_broken_outlook_message_is_refused(
    cli: Cli, jane: str, tmp_path: Path, snapshot: Callable[[], list[str]]
) -> None:
    fake = tmp_path / "reply.msg"
    fake.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 600)
    before = snapshot()
    result = cli("ingest", jane, str(fake))
    assert result.exit_code == 1
    assert "is not a readable Outlook message" in result.stderr
    assert result.stderr.count("\n") == 1
    assert snapshot() == before
    piped = cli("ingest", jane, "-", input=fake.read_bytes().decode("latin-1"))
    assert piped.exit_code == 1


def test_one_bad_message_among_several_records_none(
    cli: Cli, jane: str, tmp_path: Path, snapshot: Callable[[], list[str]]
) -> None:
    bad = tmp_path / "bad.eml"
    bad.write_text(
        "From: support@okx.com\nSubject: x\nDate: Fri, 21 Nov 2026 10:00:00 +0800\n\n"
        "Hello\n\n> quoted: my password is Xy7#kP2$mQ9!\n"
    )
    before = snapshot()
    result = cli("ingest", jane, str(MAIL / "en_reply_with_attachment.eml"), str(bad))
    assert result.exit_code == 1 and "bad.eml" in result.stderr
    assert snapshot() == before
