"""Exports an agent can trust (issue 10): impostors apart, one language per
export, the e-mail never to a flagged address, the chat's keep-order."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from email import message_from_bytes
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from issuenote.errors import IssuenoteError
from issuenote.exporters import mask_account, minimum_chat_chars, render, render_eml

DATA = Path(__file__).parent / "data"
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
CASES = ("running_example", "impostor_case", "linked_transfer", "empty_case")

# Latin words our zh/ko templates may legitimately hold: names, codes, units.
ALLOWED = {
    "UTC", "TxID", "Memo", "Tag", "KYC", "API", "SMS", "OKX", "TRON", "Ethereum",
    "Bitcoin", "issuenote", "Polygon", "Solana",
}  # fmt: skip


def load(name: str) -> dict[str, Any]:
    return json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))


def _user_strings(value: Any) -> list[str]:
    """Every string in the case document: the user's own text and IDs."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _user_strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _user_strings(v)]
    return []


def _ours(text: str, doc: dict[str, Any]) -> str:
    """The export with the user's text, markup and machine comments taken out."""
    text = re.sub(r"<!--.*?-->", " ", text, flags=re.S)
    text = re.sub(r"<style>.*?</style>|<head>.*?</head>", " ", text, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    text = text.replace("&quot;", '"').replace("&#x27;", "'").replace("&amp;", "&")
    text = re.sub(r"\\(.)", r"\1", text)  # markdown escapes
    text = re.sub(r"^(To|Subject): ", "", text, flags=re.M)  # e-mail header names
    text = text.replace("issuenote", " ")
    masked = [mask_account(doc["account"])] if doc.get("account") else []
    for value in sorted(_user_strings(doc) + masked, key=len, reverse=True):
        text = text.replace(value, " ")
    return re.sub(r"https?://\S+", " ", text)


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("lang", ["zh", "ko"])
@pytest.mark.parametrize("fmt", ["chat", "email", "markdown", "text", "html"])
def test_no_english_sentence_of_ours_in_zh_or_ko(case: str, lang: str, fmt: str) -> None:
    doc = load(case)
    text = render(doc, fmt=fmt, lang=lang, now=NOW, max_chars=5000)
    words = set(re.findall(r"[A-Za-z]{3,}", _ours(text, doc))) - ALLOWED
    words = {w for w in words if not w.isupper()}  # asset and network codes: USDT, ETH, TRC
    assert not words, f"English words of ours in the {lang} {fmt} export: {sorted(words)}"


def test_impostor_is_never_an_agent_or_ticket_anywhere() -> None:
    doc = load("impostor_case")
    for lang in ("en", "zh", "ko"):
        for fmt in ("chat", "email", "text", "markdown"):
            text = render(doc, fmt=fmt, lang=lang, now=NOW, max_chars=5000)
            agents_line = next(
                line
                for line in text.splitlines()
                if re.match(
                    r"^(Support agents|客服人员|상담원)(\s*[:：|]|\s{2,})", line.lstrip("| ")
                )
            )
            assert "Upbit Support" not in agents_line, (lang, fmt)
            assert "김민지" in agents_line
    data = json.loads(render(doc, fmt="json"))
    flagged = [agent for agent in data["agents"] if agent["flags"]]
    assert [agent["name"] for agent in flagged] == ["Upbit Support"]
    assert all("code" in w and "text" in w for e in data["entries"] for w in e["warnings"])
    codes = {w["code"] for e in data["entries"] for w in e["warnings"]}
    assert codes == {"seed-phrase", "unlisted-handle"}


@pytest.mark.parametrize(
    ("lang", "sentence"),
    [
        ("en", "I was also contacted by someone claiming to be Upbit support: Upbit Support"),
        ("zh", "另外，有人冒充 Upbit 客服联系过我：Upbit Support"),
        ("ko", "참고로 Upbit 고객센터를 사칭한 연락을 받았습니다: Upbit Support"),
    ],
)
def test_suspicious_section_is_addressed_to_the_agent(lang: str, sentence: str) -> None:
    doc = load("impostor_case")
    for fmt in ("email", "text", "markdown", "html"):
        assert sentence in render(doc, fmt=fmt, lang=lang, now=NOW), fmt
    chat = render(doc, fmt="chat", lang=lang, now=NOW, max_chars=5000)
    assert sum(sentence in line for line in chat.splitlines()) == 1  # one line in chat
    quiet = render(doc, fmt="chat", lang=lang, now=NOW, max_chars=5000, suspicious=False)
    assert sentence not in quiet


def test_one_transfer_once_with_both_ids() -> None:
    doc = load("linked_transfer")
    for lang in ("en", "zh", "ko"):
        for fmt in ("chat", "email", "text", "markdown", "html"):
            text = render(doc, fmt=fmt, lang=lang, now=NOW, max_chars=5000)
            assert text.count("W-2026112718540098") == 1, (lang, fmt)
            assert "TXk9qY3yYpD3hUq6d5V7kKQk8w6mZ8rWbF" in text
    # the running example's order ID row and TxID row are the same withdrawal
    chat = render(load("running_example"), fmt="chat", lang="en", now=NOW)
    assert chat.count("1250.00 USDT") == 1
    data = json.loads(render(doc, fmt="json"))
    assert data["transactions"][0]["id_type"] == "txid"
    assert data["transactions"][0]["order_id"] == "W-2026112718540098"


def test_times_have_minutes_only_and_overdue_is_marked() -> None:
    doc = load("linked_transfer")
    doc["entries"][0]["at"] = "2026-11-29T09:00:44+08:00"
    marks = {"en": "[overdue]", "zh": "【逾期】", "ko": "[기한 초과]"}
    for lang, mark in marks.items():
        for fmt in ("chat", "email", "text", "markdown", "html"):
            text = render(doc, fmt=fmt, lang=lang, now=NOW, max_chars=5000)
            assert "09:00:44" not in text
            assert mark in text.replace("\\", ""), (lang, fmt)
    assert "09:00:44" in render(doc, fmt="json")
    early = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    assert "逾期" not in render(doc, fmt="text", lang="zh", now=early)


def test_done_step_reads_done_with_its_own_date_without_double_parentheses() -> None:
    text = render(load("linked_transfer"), fmt="email", lang="zh", now=NOW)
    assert "已完成：补充提交资金来源证明（11月30日）" in text
    assert "））" not in text.replace("）（", "")


def _keep_order_doc() -> dict[str, Any]:
    doc = load("running_example")
    return doc


@pytest.mark.parametrize("limit", [1000, 600, 300])
@pytest.mark.parametrize("lang", ["en", "zh", "ko"])
def test_chat_keep_order(limit: int, lang: str) -> None:
    doc = load("running_example")
    try:
        text = render(doc, fmt="chat", lang=lang, now=NOW, max_chars=limit)
    except IssuenoteError as error:
        # what is never dropped does not fit: the error names the minimum
        need = minimum_chat_chars(doc, lang=lang)
        assert need > limit and f"at least {need} characters" in str(error)
        text = render(doc, fmt="chat", lang=lang, now=NOW, max_chars=need)
        limit = need
    assert len(text) <= limit
    lines = text.splitlines()
    # never dropped
    greeting = {"en": "Hello,", "zh": "您好", "ko": "안녕하세요"}[lang]
    assert lines[0].startswith(greeting)
    for kept in ("TK-88412907", "W2026112014030012345", "1250.00 USDT", "a***n@gmail.com"):
        assert kept in text
    assert "da2299383501e2248eb26fcb0384e598c35b75a201b78b7175bb08de677d9695" in text
    # never a heading with nothing under it
    for index, line in enumerate(lines):
        if line.endswith((":", "：")):
            assert index + 1 < len(lines) and lines[index + 1].strip(), line
    # the order parts go in: latest real reply outlives the escalation, which
    # outlives other replies; notes and the impostor go before any reply
    latest, escalation, other = "Mina Park", "Tier 2 wallet team (", "Kevin"
    if escalation in text or other in text:
        assert latest in text
    if other in text:
        assert "Asked for the case to go to a higher tier" in text
    if "Submitted a withdrawal" in text:  # a note
        assert other in text
    if limit == 1000:
        assert latest in text and "Asked for the case to go to a higher tier" in text
        assert "Jason" not in text  # the suspicious line went first


def test_chat_max_bytes_counts_utf8() -> None:
    doc = load("running_example")
    text = render(doc, fmt="chat", lang="zh", now=NOW, max_chars=5000, max_bytes=700)
    assert len(text.encode("utf-8")) <= 700
    with pytest.raises(IssuenoteError, match="--max-bytes 100 is too small"):
        render(doc, fmt="chat", lang="zh", now=NOW, max_bytes=100)


def test_eml_to_is_never_a_flagged_address() -> None:
    doc = load("running_example")
    fake = dict(doc["entries"][-2])
    fake.update(
        id=99, uuid="3c0f2b1e-1111-4c6e-9a5e-0d8f1c2b3a4d", kind="contact", channel="email",
        via="okx-support@gmail.com", at="2026-11-24T10:00:00+08:00", agent=None,
        flags=["unverified-channel"], warnings=["free-mail"], text="Replied to them",
    )  # fmt: skip
    doc["entries"].append(fake)
    message = message_from_bytes(render_eml(doc, now=NOW), policy=default)
    assert message["To"] == "support@okx.com"
    assert message["Date"] == "Tue, 01 Dec 2026 12:00:00 +0000"
    with pytest.raises(IssuenoteError, match="refusing to address"):
        render_eml(doc, now=NOW, to_addr="okx-support@gmail.com")
    # no clean address at all: To is left empty
    for entry in doc["entries"]:
        if entry["via"] == "support@okx.com":
            entry["via"] = "okx.com web form"
    message = message_from_bytes(render_eml(doc, now=NOW), policy=default)
    assert message["To"] is None
    # the official address from the registry or config wins
    message = message_from_bytes(
        render_eml(doc, now=NOW, support_email="help@okx.com"), policy=default
    )
    assert message["To"] == "help@okx.com"


def test_email_signed_with_name_and_masked_account() -> None:
    text = render(load("running_example"), fmt="email", lang="en", signature="Alice Chen")
    assert text.rstrip().endswith("Kind regards\nAlice Chen\nAccount: a***n@gmail.com")


Cli = Callable[..., Result]


def test_request_is_the_users_own_in_every_format(cli: Cli, case: str, snapshot: Any) -> None:
    result = cli("edit", case, "--request", "Please send the USDT back to my wallet today.")
    assert result.exit_code == 0, result.stderr
    for fmt in ("chat", "email", "markdown", "text", "html"):
        out = cli("export", case, "--format", fmt)
        assert "Please send the USDT back to my wallet today." in out.stdout, fmt
        assert "tell me when the funds will arrive" not in out.stdout
    data = json.loads(cli("export", case, "--format", "json").stdout)
    assert data["request"] == "Please send the USDT back to my wallet today."
    assert cli("edit", case, "--request", "").exit_code == 0
    assert "tell me when the funds will arrive" in cli("export", case).stdout
    before = snapshot()
    bad = cli("edit", case, "--request", "my password is hunter2")
    assert bad.exit_code == 1 and len(bad.stderr.strip().splitlines()) == 1
    assert snapshot() == before


def test_export_cli_refuses_flagged_to_and_warns_on_empty_to(
    cli: Cli, case: str, tmp_path: Path, snapshot: Any
) -> None:
    cli("contact", case, "--channel", "email", "--via", "okx-help@gmail.com", "asked")
    out = tmp_path / "draft.eml"
    result = cli("export", case, "--format", "email", "-o", str(out))
    assert result.exit_code == 0
    assert b"okx-help@gmail.com" not in out.read_bytes().split(b"\r\n\r\n")[0]
    assert "To: is empty" in result.stderr
    refused = cli(
        "export", case, "--format", "email", "-o", str(tmp_path / "x.eml"),
        "--to", "okx-help@gmail.com",
    )  # fmt: skip
    assert refused.exit_code == 1
    assert refused.stderr.count("\n") == 1 and "refusing" in refused.stderr
    assert not (tmp_path / "x.eml").exists()


def test_config_name_signs_the_email(cli: Cli, case: str, notebook_home: Path) -> None:
    notebook_home.mkdir(parents=True, exist_ok=True)
    (notebook_home / "config.toml").write_text('name = "陈爱丽"\n', encoding="utf-8")
    out = cli("export", case, "--format", "email", "--lang", "zh")
    assert out.exit_code == 0, out.stderr
    assert "敬礼！\n陈爱丽" in out.stdout


def test_no_suspicious_and_max_bytes_options(cli: Cli, case: str) -> None:
    cli("reply", case, "Send your seed phrase", "--agent", "Jason", "--channel", "social",
        "--via", "Telegram @okx_helpdesk_247")  # fmt: skip
    shown = cli("export", case, "--max-chars", "3000")
    assert "claiming to be OKX support: Jason" in shown.stdout
    hidden = cli("export", case, "--max-chars", "3000", "--no-suspicious")
    assert "Jason" not in hidden.stdout
    small = cli("export", case, "--lang", "zh", "--max-bytes", "400")
    assert small.exit_code == 0, small.stderr
    assert len(small.stdout.encode("utf-8")) <= 401  # plus the final newline
    assert cli("export", case, "--max-bytes", "0").exit_code == 1
    show = cli("show", case)
    agents = next(line for line in show.stdout.splitlines() if line.startswith("Agents"))
    assert "Jason" not in agents


def test_html_marks_the_users_language_and_prints_page_numbers() -> None:
    html = render(load("running_example"), fmt="html", lang="zh", now=NOW)
    assert '<html lang="zh-Hans">' in html
    assert '<p class="text" lang="en">On 20 November I withdrew' in html
    assert '<div class="table-scroll">' in html  # scrolls at phone width
    assert '<span class="id">TK-88412907</span>' in html  # never split at its hyphen
    assert 'counter(page) " / " counter(pages)' in html
    assert "@top-left" in html and "问题记录 1：USDT withdrawal stuck for three days" in html
    # the closing block keeps the request with the steps above it when printed
    assert html.index('<div class="closing">') < html.index('<section class="request">')
    # the phishing report comes after the timeline, never on the first screen
    assert html.index('<ol class="timeline">') < html.index('<section class="warnings">')
    korean = render(load("impostor_case"), fmt="html", lang="en", now=NOW)
    assert '<p class="text" lang="ko">11월 27일에' in korean


def test_hostile_title_cannot_leave_the_print_style() -> None:
    doc = load("empty_case")
    doc["title"] = '</style><script>alert(1)</script>"\\'
    html = render(doc, fmt="html")
    assert "<script>" not in html
    assert html.count("</style>") == 1


def test_platform_presets_from_config(cli: Cli, case: str, notebook_home: Path) -> None:
    notebook_home.mkdir(parents=True, exist_ok=True)
    (notebook_home / "config.toml").write_text(
        '[channels.OKEx]\nsupport_email = "help@okx.com"\nchat_max_chars = 400\n',
        encoding="utf-8",
    )
    cli("note", case, "word " * 150)
    chat = cli("export", case)
    assert chat.exit_code == 0, chat.stderr
    assert len(chat.stdout.rstrip("\n")) <= 400  # the platform's limit (OKEx is OKX)
    assert len(cli("export", case, "--max-chars", "2000").stdout) > 400  # the option wins
    mail = cli("export", case, "--format", "email")
    assert mail.stdout.startswith("To: help@okx.com\n")
    (notebook_home / "config.toml").write_text(
        '[channels.OKX]\nchat_max_chars = "many"\n', encoding="utf-8"
    )
    bad = cli("export", case)
    assert bad.exit_code == 1 and "chat_max_chars" in bad.stderr
