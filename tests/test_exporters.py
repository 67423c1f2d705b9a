"""The exporters' interface and the content rules every format keeps."""

from __future__ import annotations

import copy
import json
import re
from datetime import UTC, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from issuenote.errors import IssuenoteError
from issuenote.exporters import FORMATS, LANGS, mask_account, minimum_chat_chars, render
from issuenote.exporters.common import CATEGORIES, request_text
from issuenote.exporters.i18n import _NAMES, _STRINGS, Translator
from issuenote.exporters.markdown import escape as markdown_escape

DATA = Path(__file__).parent / "data"
TEXT_FORMATS = ("chat", "email", "markdown", "text", "html")
FULL_FORMATS = ("email", "markdown", "text", "html", "json")
TXID = "da2299383501e2248eb26fcb0384e598c35b75a201b78b7175bb08de677d9695"
ORDER_ID = "W2026112014030012345"
BIG = 1_000_000  # a chat limit that keeps everything


def load(name: str = "running_example") -> dict[str, Any]:
    return json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))


def render_all(doc: dict[str, Any], **options: Any) -> dict[tuple[str, str], str]:
    return {
        (fmt, lang): render(doc, fmt=fmt, lang=lang, max_chars=BIG, **options)
        for fmt in FORMATS
        for lang in LANGS
    }


# -- interface -----------------------------------------------------------------


def test_formats_and_langs() -> None:
    assert FORMATS == ("chat", "email", "markdown", "text", "json", "html")
    assert LANGS == ("en", "zh", "ko")


def test_default_is_chat_in_english() -> None:
    doc = load()
    assert render(doc) == render(doc, fmt="chat", lang="en", max_chars=1000)


@pytest.mark.parametrize("fmt", ["pdf", "", "CHAT", "Markdown", "md"])
def test_unknown_format(fmt: str) -> None:
    with pytest.raises(IssuenoteError, match="unknown export format") as error:
        render(load(), fmt=fmt)
    assert "chat, email, markdown, text, json, html" in str(error.value)


@pytest.mark.parametrize("lang", ["fr", "", "EN", "zh-CN", "kr"])
def test_unknown_language(lang: str) -> None:
    with pytest.raises(IssuenoteError, match="unknown language") as error:
        render(load(), lang=lang)
    assert "en, zh, ko" in str(error.value)


def test_language_none_uses_the_case_language() -> None:
    doc = load()
    doc["language"] = "ko"
    assert render(doc, lang=None) == render(doc, lang="ko")
    doc["language"] = None
    assert render(doc, lang=None) == render(doc, lang="en")
    doc["language"] = "xx"  # unknown: falls back to English rather than failing
    assert render(doc, lang=None) == render(doc, lang="en")


@pytest.mark.parametrize("max_chars", [0, -5, "500", 12.5, True, None])
def test_max_chars_must_be_a_positive_integer(max_chars: Any) -> None:
    with pytest.raises(IssuenoteError, match="--max-chars"):
        render(load(), max_chars=max_chars)


def test_max_chars_is_ignored_by_full_formats() -> None:
    doc = load()
    for fmt in FULL_FORMATS:
        assert render(doc, fmt=fmt, max_chars=10) == render(doc, fmt=fmt)


@pytest.mark.parametrize("lang", LANGS)
def test_max_chars_below_the_minimum_names_the_minimum(lang: str) -> None:
    doc = load()
    minimum = minimum_chat_chars(doc, lang=lang)
    assert render(doc, lang=lang, max_chars=minimum)  # exactly the minimum works
    with pytest.raises(IssuenoteError) as error:
        render(doc, lang=lang, max_chars=minimum - 1)
    message = str(error.value)
    assert f"at least {minimum} characters" in message
    assert "\n" not in message


# -- masking -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ref", "masked"),
    [
        ("alice.chen@gmail.com", "a***n@gmail.com"),
        ("UID 12345689", "UID 12****89"),
        ("+86 138 0013 8000", "+86 *** **** 8000"),
        ("12345689", "12****89"),
        ("uid: 1234", "uid: ****"),
        ("ab@x.io", "a***@x.io"),
        ("138-0013-8000", "***-****-8000"),
        ("+1 (415) 555-0134", "+1 (***) ***-0134"),
        ("UID 12345689 / alice.chen@gmail.com", "UID 12****89 / a***n@gmail.com"),
        ("alicechen88", "al***88"),
        ("alice", "a***e"),
        ("bob", "***"),
        ("  alice.chen@gmail.com  ", "a***n@gmail.com"),
        ("", ""),
        ("   ", ""),
        ("陈爱丽的账户", "陈***户"),
    ],
)
def test_mask_account(ref: str, masked: str) -> None:
    assert mask_account(ref) == masked


@given(st.text(max_size=80))
def test_mask_account_never_shows_more_than_four_characters_of_a_plain_reference(
    ref: str,
) -> None:
    masked = mask_account(ref)
    assert isinstance(masked, str)
    stripped = ref.strip()
    if stripped and "@" not in stripped and not any(c.isdigit() for c in stripped):
        assert len(masked.replace("*", "")) <= 4


# -- content rules ------------------------------------------------------------------


def test_every_identifier_appears_in_every_full_format_and_language() -> None:
    outputs = render_all(load())
    needles = [
        "TK-88412907",
        "Kevin",
        "CS-4471",
        "Mina Park",
        "CS-2093",
        "Jason",
        TXID,
        ORDER_ID,
        "1250.00",
        "USDT",
        "TRON",
        "Tier 2 wallet team",
        "Follow up on ticket TK-88412907 if no answer",
        "a***n@gmail.com",
    ]
    for (fmt, lang), text in outputs.items():
        for needle in needles:
            if fmt == "json" and needle == "TRON":
                needle = "tron"  # the chain key, as stored
            if fmt == "markdown":
                needle = markdown_escape(needle, block=False)
            assert needle in text, (fmt, lang, needle)


def test_times_carry_their_offset_and_reports_give_utc() -> None:
    outputs = render_all(load())
    local = {
        "en": "2026-11-20 14:03 UTC+08:00",
        "zh": "2026年11月20日 14:03（UTC+08:00",
        "ko": "2026년 11월 20일 14:03 (UTC+08:00",
    }
    utc = {"en": "(06:03 UTC)", "zh": "即 UTC 06:03", "ko": "UTC 기준 06:03"}
    for (fmt, lang), text in outputs.items():
        if fmt == "json":
            assert "2026-11-20T14:03:00+08:00" in text
            continue
        assert local[lang] in text, (fmt, lang)
        if fmt != "chat":
            assert utc[lang] in text, (fmt, lang)


def test_status_open_steps_and_flags_are_shown() -> None:
    outputs = render_all(load())
    status = {"en": "Escalated", "zh": "已升级处理", "ko": "상위 부서 이관"}
    flag = {"en": "Scam risk", "zh": "疑似诈骗", "ko": "사기 의심"}
    for (fmt, lang), text in outputs.items():
        if fmt == "json":
            assert '"scam-risk"' in text and '"escalated"' in text
            continue
        assert status[lang] in text, (fmt, lang)
        assert flag[lang] in text, (fmt, lang)
        assert "Follow up on ticket TK-88412907 if no answer" in text


def test_warning_sentences_appear_in_reports() -> None:
    for (fmt, lang), text in render_all(load()).items():
        if fmt != "chat":
            assert "Real support never asks for a fee" in text, (fmt, lang)


def test_account_is_masked_by_default_and_shown_when_asked() -> None:
    doc = load()
    for (fmt, lang), text in render_all(doc).items():
        assert "alice.chen@gmail.com" not in text, (fmt, lang)
    for (fmt, lang), text in render_all(doc, redact=False).items():
        assert "alice.chen@gmail.com" in text, (fmt, lang)
    assert json.loads(render(doc, fmt="json"))["redacted"] is True
    assert json.loads(render(doc, fmt="json", redact=False))["redacted"] is False


def test_private_entries_are_left_out_unless_asked_for() -> None:
    doc = load()
    secret = "borrowing money for rent"
    for (fmt, lang), text in render_all(doc).items():
        assert secret not in text, (fmt, lang)
    for (fmt, lang), text in render_all(doc, include_private=True).items():
        assert secret in text, (fmt, lang)
    private = {"en": "private", "zh": "私密", "ko": "비공개"}
    for lang in LANGS:
        assert private[lang] in render(doc, fmt="text", lang=lang, include_private=True)


def test_a_ticket_seen_only_in_a_private_entry_does_not_leak() -> None:
    doc = load()
    private = next(e for e in doc["entries"] if e["private"])
    private["ticket"] = "TK-SECRET-1"
    private["agent"] = "Hidden Agent"
    doc["tickets"].append({"ticket": "TK-SECRET-1", "channel": None, "first_seen": private["at"]})
    for (fmt, lang), text in render_all(doc).items():
        assert "TK-SECRET-1" not in text, (fmt, lang)
        assert "Hidden Agent" not in text, (fmt, lang)
    assert "TK-SECRET-1" in render(doc, fmt="json", include_private=True)


def test_same_input_same_bytes_whatever_the_order_of_the_lists() -> None:
    doc = load()
    shuffled = copy.deepcopy(doc)
    shuffled["entries"].reverse()
    shuffled["transactions"].reverse()
    shuffled = dict(reversed(list(shuffled.items())))  # key order too
    first = render_all(doc)
    assert first == render_all(doc)
    assert first == render_all(shuffled)


def test_time_zone_moves_every_time() -> None:
    doc = load()
    chat = render(doc, tz=UTC, max_chars=BIG)
    assert "Started: 2026-11-20 06:03 UTC\n" in chat
    assert "UTC+08:00" not in chat
    seoul = timezone(timedelta(hours=9))
    text = render(doc, fmt="text", tz=seoul)
    assert "2026-11-20 15:03 UTC+09:00 (06:03 UTC)" in text
    data = json.loads(render(doc, fmt="json", tz=seoul))
    assert data["occurred_at"] == "2026-11-20T15:03:00+09:00"
    assert data["entries"][0]["at"] == "2026-11-20T15:10:00+09:00"
    assert data["tickets"][0]["first_seen"] == "2026-11-21T10:20:00+09:00"


def test_utc_across_midnight_names_the_date() -> None:
    doc = load()
    doc["occurred_at"] = "2026-11-20T05:30:00+08:00"
    assert "2026-11-20 05:30 UTC+08:00 (2026-11-19 21:30 UTC)" in render(doc, fmt="text")
    assert "即 UTC 11月19日 21:30" in render(doc, fmt="text", lang="zh")
    assert "UTC 기준 11월 19일 21:30" in render(doc, fmt="text", lang="ko")


def test_seconds_shown_only_when_present_and_negative_offsets() -> None:
    doc = load()
    doc["transactions"][0]["at"] = "2026-11-20T01:03:27-05:30"
    text = render(doc, fmt="text")
    assert "2026-11-20 01:03:27 UTC-05:30 (06:33:27 UTC)" in text


# -- user text is left as written, and made harmless --------------------------------

HOSTILE = (
    "Agent said: \x1b[31mRED\x1b[0m\x07 ok\x9b2J <script>alert(1)</script>"
    " | *x* _y_ [z](javascript:q) \r\nline2"
)


def hostile_doc() -> dict[str, Any]:
    doc = load()
    doc["entries"][-2]["text"] = HOSTILE
    doc["title"] = "Title with \x1b]0;pwned\x07 | and <b>"
    doc["transactions"][0]["explorer_url"] = "javascript:alert(1)"
    return doc


def test_terminal_escapes_are_made_harmless_in_text_outputs() -> None:
    for (fmt, lang), text in render_all(hostile_doc()).items():
        for char in ("\x1b", "\x07", "\x9b", "\r"):
            assert char not in text, (fmt, lang, repr(char))
        visible = "␛[31mRED␛[0m␇ ok"
        if fmt == "markdown":
            assert markdown_escape(visible, block=False) in text
        elif fmt != "json":
            assert visible in text, (fmt, lang)


def test_json_keeps_user_text_exactly() -> None:
    data = json.loads(render(hostile_doc(), fmt="json"))
    assert data["entries"][-2]["text"] == HOSTILE
    assert data["title"].startswith("Title with \x1b]0;pwned\x07")


def test_html_escapes_user_text_and_drops_unsafe_links() -> None:
    html = render(hostile_doc(), fmt="html")
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "javascript:alert" not in html
    assert "<b>" not in html


def test_markdown_drops_unsafe_links() -> None:
    markdown = render(hostile_doc(), fmt="markdown")
    assert "](<javascript" not in markdown


# -- bad input ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.pop("title"), "title is missing"),
        (lambda d: d.update(entries={"a": 1}), "entries should be a list"),
        (lambda d: d["entries"].append("note"), r"entries\[12\] should be an object"),
        (lambda d: d["entries"][0].pop("at"), r"entries\[0\].at is missing"),
        (lambda d: d["entries"][0].update(at="yesterday"), "is not an ISO 8601 time"),
        (lambda d: d["entries"][0].update(at="2026-11-20T14:10:00"), "has no UTC offset"),
        (lambda d: d["entries"][0].update(at=1700000000), "should be an ISO 8601 time"),
        (lambda d: d["transactions"][0].update(amount=1250.0), "should be text"),
        (lambda d: d["transactions"][0].update(txid=None, order_id=None), "neither a txid"),
        (lambda d: d.update(tags="tron"), "tags should be a list"),
        (lambda d: d["entries"][0].update(flags=[None]), r"flags\[0\] is missing"),
    ],
)
@pytest.mark.parametrize("fmt", FORMATS)
def test_malformed_documents_are_refused_clearly(mutate: Any, message: str, fmt: str) -> None:
    doc = load()
    mutate(doc)
    with pytest.raises(IssuenoteError, match=message):
        render(doc, fmt=fmt, max_chars=BIG)


@pytest.mark.parametrize("doc", [None, [], "case", 1])
def test_a_document_that_is_not_an_object(doc: Any) -> None:
    with pytest.raises(IssuenoteError, match="case document is malformed"):
        render(doc)


def test_unknown_enumeration_values_are_shown_as_written() -> None:
    doc = load()
    doc["category"] = "fiat"
    doc["entries"][1]["channel"] = "carrier-pigeon"
    doc["entries"][1]["flags"] = ["odd-flag"]
    for fmt in TEXT_FORMATS:
        text = render(doc, fmt=fmt, max_chars=BIG)
        assert "carrier-pigeon" in text and "odd-flag" in text


def test_minimal_document_with_only_the_required_fields() -> None:
    doc = {"id": 9, "title": "Bare", "entries": [], "transactions": []}
    for fmt in FORMATS:
        for lang in LANGS:
            assert "Bare" in render(doc, fmt=fmt, lang=lang)


def unicode_doc(text: str) -> dict[str, Any]:
    doc = load()
    doc["title"] = text[:200] or "x"
    doc["description"] = text
    for entry in doc["entries"]:
        entry["text"] = text
    doc["entries"][2]["agent"] = text[:40] or None
    return doc


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=400))
def test_any_unicode_text_renders_in_every_format(text: str) -> None:
    doc = unicode_doc(text)
    for fmt in FORMATS:
        for lang in LANGS:
            try:
                out = render(doc, fmt=fmt, lang=lang, max_chars=1000)
            except IssuenoteError as error:  # only ever "too small for this case"
                assert fmt == "chat" and "--max-chars" in str(error)
                continue
            if fmt == "chat":
                assert len(out) <= 1000
            if fmt != "json":
                assert "\x1b" not in out and "\x00" not in out


def test_huge_odd_unicode_text() -> None:
    weird = (
        "Z\u0351\u0308\u036b" * 500  # combining marks
        + "\u202eevil\u202c"  # right-to-left override
        + "👩‍👩‍👧‍👦" * 300  # joined emoji
        + "\ufeff\u200b"  # BOM, zero-width space
        + "漢字한국어" * 2000
    )
    doc = unicode_doc(weird)
    for fmt in FORMATS:
        out = render(doc, fmt=fmt, lang="zh", max_chars=1000)
        assert out
        if fmt == "chat":
            assert len(out) <= 1000


# -- translations ----------------------------------------------------------------

CJK = re.compile(r"[\u4e00-\u9fff]")
HANGUL = re.compile(r"[\uac00-\ud7a3]")
PUNCTUATION_KEYS = {
    "colon",
    "sep",
    "list_sep",
    "paren",
    "aside",
    "semi",
    "time_sep",
    "end",
    "heading",
}
SAME_IN_EVERY_LANGUAGE = {"txid", "agent_short", "number"}


def test_every_language_has_every_string() -> None:
    keys = set(_STRINGS["en"])
    for lang in LANGS:
        assert set(_STRINGS[lang]) == keys, lang
    for table, by_lang in _NAMES.items():
        for lang in LANGS:
            assert set(by_lang[lang]) == set(by_lang["en"]), (table, lang)


def test_chinese_and_korean_are_translated_not_copied() -> None:
    for key, english in _STRINGS["en"].items():
        if key in PUNCTUATION_KEYS or key in SAME_IN_EVERY_LANGUAGE:
            continue
        if not re.search(r"[A-Za-z]", re.sub(r"\{[^}]*\}", "", english)):
            continue  # a template that is only fields and punctuation
        assert CJK.search(_STRINGS["zh"][key]), ("zh", key)
        assert HANGUL.search(_STRINGS["ko"][key]), ("ko", key)
    for table, by_lang in _NAMES.items():
        for value, english in by_lang["en"].items():
            assert by_lang["zh"][value] != english, (table, value)
            assert by_lang["ko"][value] != english, (table, value)


def test_templates_fill_without_missing_fields() -> None:
    fields = {
        "n": 3,
        "id": 1,
        "title": "T",
        "name": "N",
        "agent_id": "A",
        "platform": "P",
        "account": "(x)",
        "problem": "p",
        "status": "s",
        "ticket": "t",
        "time": "now",
        "agent": "a",
        "suggests": "s",
        "text": "x",
        "head": "0123456789ab",
        "to": "team",
    }
    for lang in LANGS:
        tr = Translator(lang)
        for key in _STRINGS[lang]:
            if key not in PUNCTUATION_KEYS:
                assert isinstance(tr(key, **fields), str)
        assert tr("paren").format("x") and tr("aside").format("x") and tr("heading").format("x")


@pytest.mark.parametrize("lang", LANGS)
def test_requests_follow_category_and_status(lang: str) -> None:
    tr = Translator(lang)
    seen = set()
    for category in (*CATEGORIES, None, "unknown"):
        core, follow = request_text(tr, category, "open", None)
        assert core and follow is None
        seen.add(core)
    assert len(seen) == len(CATEGORIES)  # "other", None and unknown share one
    core, follow = request_text(tr, "withdrawal", "escalated", "Tier 2 wallet team")
    assert follow and "Tier 2 wallet team" in follow
    assert request_text(tr, "withdrawal", "escalated", None)[1]
    assert request_text(tr, "withdrawal", "resolved", None)[0] != core
    assert request_text(tr, "withdrawal", "closed", None)[0] != core


def test_email_subject_names_type_platform_and_latest_ticket() -> None:
    doc = load()
    subjects = {lang: render(doc, fmt="email", lang=lang).split("\n", 1)[0] for lang in LANGS}
    assert subjects["en"] == (
        "Subject: Withdrawal issue on OKX, ticket TK-88412907: USDT withdrawal stuck for three days"
    )
    assert (
        subjects["zh"]
        == "Subject: 【提币问题】OKX 工单 TK-88412907：USDT withdrawal stuck for three days"
    )
    assert (
        subjects["ko"]
        == "Subject: [출금 문의] OKX 티켓 TK-88412907: USDT withdrawal stuck for three days"
    )


def test_email_letter_shape() -> None:
    doc = load()
    en = render(doc, fmt="email", lang="en")
    assert en.split("\n")[1] == "" and "\nDear OKX Support team,\n" in en
    assert en.rstrip().endswith("Kind regards")
    zh = render(doc, fmt="email", lang="zh")
    assert "尊敬的 OKX 客服团队：" in zh and "您好！" in zh and zh.rstrip().endswith("此致\n敬礼！")
    ko = render(doc, fmt="email", lang="ko")
    assert "안녕하세요." in ko and ko.rstrip().endswith("감사합니다.")
