"""The chat export: plain text that fits the chat box and keeps what matters."""

from __future__ import annotations

import json
import random
import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from issuenote.errors import IssuenoteError
from issuenote.exporters import LANGS, minimum_chat_chars, render

DATA = Path(__file__).parent / "data"
TXID = "da2299383501e2248eb26fcb0384e598c35b75a201b78b7175bb08de677d9695"
ORDER_ID = "W2026112014030012345"
REQUEST_START = {
    "en": "My request: Please check this withdrawal",
    "zh": "我的诉求：请核查这笔提币",
    "ko": "요청 사항: 해당 출금 건을 확인하여",
}
LEFT_OUT = {
    "en": re.compile(r"\((\d+) other entr(?:y|ies) left out\)"),
    "zh": re.compile(r"（另有 (\d+) 条记录未列出）"),
    "ko": re.compile(r"\(그 밖의 기록 (\d+)건 생략\)"),
}


def load(name: str = "running_example") -> dict[str, Any]:
    return json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))


TIMELINE_HEADINGS = ("Timeline:", "处理经过：", "진행 경과:")


def timeline_lines(text: str) -> list[str]:
    """The entry lines of the chat timeline (between its heading and the next block)."""
    blocks = [b for b in text.split("\n\n") if b.startswith(TIMELINE_HEADINGS)]
    if not blocks:
        return []
    return [line for line in blocks[0].split("\n")[1:] if line.startswith("- ")]


def big_case(entries: int = 500, seed: int = 7) -> dict[str, Any]:
    """A long case: many contacts and replies over weeks, with several tickets."""
    rng = random.Random(seed)
    doc = load()
    start = datetime(2026, 9, 1, 9, 0, tzinfo=timezone(timedelta(hours=8)))
    kinds = ["note", "contact", "reply", "reply", "escalation", "status"]
    channels = ["chat", "email", "social", "phone", "forum"]
    generated = []
    for number in range(1, entries + 1):
        kind = rng.choice(kinds)
        at = start + timedelta(minutes=97 * number)
        ticket = f"TK-{88412900 + number % 4}" if kind in ("contact", "reply") else None
        generated.append(
            {
                "id": number,
                "uuid": f"00000000-0000-4000-8000-{number:012d}",
                "kind": kind,
                "text": f"Entry {number}: " + " ".join(rng.choice(WORDS) for _ in range(12)),
                "at": at.isoformat(),
                "channel": rng.choice(channels) if kind in ("contact", "reply") else None,
                "via": None,
                "agent": f"Agent {number % 9}" if kind == "reply" else None,
                "agent_id": f"CS-{1000 + number % 9}" if kind == "reply" else None,
                "ticket": ticket,
                "suggests": "Wait another day" if kind == "reply" else None,
                "escalated_to": "Tier 2" if kind == "escalation" else None,
                "new_status": "waiting" if kind == "status" else None,
                "due": None,
                "done_at": None,
                "flags": [],
                "warnings": [],
                "private": False,
            }
        )
    doc["entries"] = generated
    doc["tickets"] = []
    doc["agents"] = []
    doc["open_steps"] = []
    return doc


WORDS = ("withdrawal", "pending", "wallet", "review", "ticket", "support", "agent", "funds")


def assert_keeps_the_facts(text: str, lang: str) -> None:
    assert TXID in text
    assert ORDER_ID in text
    assert "1250.00" in text
    assert "a***n@gmail.com" in text
    assert REQUEST_START[lang] in text


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("limit", [1000, 500])
def test_running_example_fits_and_keeps_the_facts(lang: str, limit: int) -> None:
    text = render(load(), lang=lang, max_chars=limit)
    assert len(text) <= limit
    assert_keeps_the_facts(text, lang)
    assert "TK-88412907" in text


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("limit", [1000, 500])
def test_five_hundred_entries_keep_the_limit(lang: str, limit: int) -> None:
    doc = big_case()
    text = render(doc, lang=lang, max_chars=limit)
    assert len(text) <= limit
    assert_keeps_the_facts(text, lang)
    for number in range(4):  # every ticket number survives
        assert f"TK-{88412900 + number}" in text
    shown = timeline_lines(text)
    match = LEFT_OUT[lang].search(text)
    if shown:  # never a heading with nothing under it, so no note either without lines
        assert int(match.group(1)) + len(shown) == 500
        # the latest real reply outlives the rest (when it fits at all; a shorter
        # entry may take the room it leaves); lines stay in time order
        latest_reply = max(e["id"] for e in doc["entries"] if e["kind"] == "reply")
        numbers = [int(re.search(r"Entry (\d+):", line).group(1)) for line in shown]
        assert latest_reply in numbers or len(shown) == 1
        assert numbers == sorted(numbers)
    else:
        assert match is None


@pytest.mark.parametrize("lang", LANGS)
def test_five_hundred_entries_unlimited_shows_them_all(lang: str) -> None:
    text = render(big_case(), lang=lang, max_chars=10**7)
    assert len(timeline_lines(text)) == 500
    assert not LEFT_OUT[lang].search(text)


def test_suspicious_line_then_own_steps_go_first() -> None:
    doc = load()
    full = render(doc, max_chars=10**6)
    full_lines = timeline_lines(full)
    # the open step has its own line; the impostor is not in the timeline
    assert len(full_lines) == 9
    assert "Jason" not in "\n".join(full_lines) and "Jason" in full
    trimmed = render(doc, max_chars=len(full) - 1)
    assert "Jason" not in trimmed  # the suspicious-contact line went first
    assert timeline_lines(trimmed) == full_lines
    shorter = render(doc, max_chars=len(trimmed) - 1)
    assert "My next steps" not in shorter  # then the user's own open steps
    assert timeline_lines(shorter) == full_lines


def test_description_goes_before_the_newest_entries() -> None:
    doc = load()
    full = render(doc, max_chars=10**6)
    # find the longest text without the description: it still has entries
    for limit in range(len(full), 300, -10):
        text = render(doc, max_chars=limit)
        if "What happened:" not in text:
            break
    assert len(timeline_lines(text)) >= 1


def test_no_markdown_in_chat() -> None:
    for lang in LANGS:
        for limit in (10**6, 1000, 500):
            text = render(load(), lang=lang, max_chars=limit).replace("a***n@gmail.com", "")
            assert "**" not in text and "`" not in text and "|" not in text
            assert "](" not in text and "<" not in text
            assert not re.search(r"^#", text, re.MULTILINE)


def test_chat_lines_are_short_enough_for_a_chat_box() -> None:
    text = render(load(), max_chars=10**6)
    for line in text.split("\n"):
        # entry lines, the description and the one-line phishing report may run long
        if not line.startswith(("- ", "What happened:", "\u26a0")):
            assert len(line) <= 110, line


def test_empty_case_chat() -> None:
    doc = load("empty_case")
    for lang in LANGS:
        text = render(doc, lang=lang, max_chars=500)
        assert "Verification code e-mails never arrive" in text
        assert not LEFT_OUT[lang].search(text)


@pytest.mark.parametrize("lang", LANGS)
def test_minimum_is_below_500_for_the_running_example(lang: str) -> None:
    assert minimum_chat_chars(load(), lang=lang) < 500


def test_too_many_tickets_for_the_limit_is_a_clear_error() -> None:
    doc = load()
    for number in range(60):
        doc["entries"][1 + number % 5]["ticket"] = None
    for number in range(60):
        entry = dict(doc["entries"][2])
        entry.update(id=100 + number, ticket=f"TICKET-{number:04d}-LONG-REFERENCE")
        doc["entries"].append(entry)
    with pytest.raises(IssuenoteError, match=r"too small for this case.*at least \d+ characters"):
        render(doc, max_chars=500)
    assert len(render(doc, max_chars=minimum_chat_chars(doc))) == minimum_chat_chars(doc)


def test_long_free_text_is_capped_in_chat() -> None:
    doc = load()
    doc["description"] = "word " * 2000
    doc["entries"][-2]["text"] = "x" * 5000
    text = render(doc, max_chars=10**6)
    assert max(len(line) for line in text.split("\n")) < 400
    assert "…" in text


def test_private_entries_do_not_count_as_left_out() -> None:
    doc = load()
    text = render(doc, max_chars=900)
    shown = timeline_lines(text)
    left_out = int(LEFT_OUT["en"].search(text).group(1))
    assert left_out + len(shown) == 9  # 12 entries - 1 private - 1 open step - 1 impostor


def _fitted_by_composing_every_step(view: Any, max_chars: int, max_bytes: int | None) -> str:
    """The fitting as first written, composing the whole text for every part: the reference."""
    from issuenote.exporters.chat import _Chat, _size_check

    chat = _Chat(view)
    fits = _size_check(max_chars, max_bytes)
    dropped: set[tuple[str, int]] = set()
    order = chat.drop_order()
    text = chat.compose(dropped)
    for part in order:
        if fits(text):
            break
        dropped.add(part)
        text = chat.compose(dropped)
    if not fits(text):
        return "does not fit"
    for part in reversed(order):
        if part in dropped:
            candidate = chat.compose(dropped - {part})
            if fits(candidate):
                dropped.discard(part)
                text = candidate
    return text


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("entries", [0, 1, 2, 3, 12, 150])
def test_fitting_picks_what_composing_every_step_picked(lang: str, entries: int) -> None:
    """render_chat skips texts that provably cannot fit; what it keeps must not change."""
    from issuenote.exporters.chat import render_chat
    from issuenote.exporters.common import build_view

    doc = big_case(entries, seed=entries) if entries else load()
    now = datetime(2026, 12, 1, tzinfo=UTC)  # fixed: no test reads the clock
    view = build_view(doc, lang=lang, tz=UTC, redact=True, include_private=False, now=now)
    pick = random.Random(entries)
    limits = [(chars, None) for chars in range(150, 4200, 97)]
    limits += [(pick.randrange(300, 3000), pick.randrange(300, 6000)) for _ in range(20)]
    for max_chars, max_bytes in limits:
        expected = _fitted_by_composing_every_step(view, max_chars, max_bytes)
        if expected == "does not fit":
            with pytest.raises(IssuenoteError):
                render_chat(view, max_chars=max_chars, max_bytes=max_bytes)
        else:
            assert render_chat(view, max_chars=max_chars, max_bytes=max_bytes) == expected
