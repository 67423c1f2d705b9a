"""Property: export --all -> import into an empty home -> export --all gives the same JSON.

Random notebooks are recorded through the actions API (so every value went
through the recording commands' checks): unicode everywhere (right-to-left,
emoji, combining marks, control characters in free text), odd amounts, times
typed with many UTC offsets, private entries and accounts (encrypted at
rest), done steps, status changes; the process runs in one of several time
zones, DST included.

Only two fields may differ between the two exports, and legitimately so:
`exported_at` (when each export ran) and `notebook` (the importing notebook
has its own id, which names its own key). Everything else must be identical,
case and entry numbers included. Importing the file a second time must not
change a byte of the database.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from issuenote import actions
from issuenote.cli import app
from issuenote.errors import IssuenoteError
from issuenote.store import Store

VOLATILE = ("exported_at", "notebook")

ZONES = (
    "Asia/Shanghai",
    "UTC",
    "America/St_Johns",  # -03:30 / -02:30
    "Asia/Kathmandu",  # +05:45
    "Pacific/Chatham",  # +12:45 / +13:45
    "Europe/London",
    "America/Los_Angeles",
    "Pacific/Kiritimati",  # +14:00
)
OFFSETS = tuple(
    timezone(timedelta(minutes=minutes))
    for minutes in (0, 345, 570, -210, 840, -720, 480, -420, 60, 825, -570, 330)
)
EARLIEST = datetime(1971, 1, 1, tzinfo=UTC)
NOW = datetime.now(UTC) - timedelta(days=1)

SPECIAL_TEXTS = (
    "مرحبا، السحب عالق منذ ثلاثة أيام",
    "שלום, המשיכה תקועה",
    "提现卡住了三天 🙏",
    "출금이 3일째 처리 중입니다",
    "👩‍👩‍👧‍👦🏳️‍🌈 emoji sequences",
    "e\u0301\u0302\u0303 a\u20dd combining marks",
    "\u202eright-to-left override\u202c and back",
    "Z̷̧̛a̴l̸g̶o̷ text",
    "tab\tinside and\nseveral\nlines",
    "{0} {name} %s %d format strings",
    "'; DROP TABLE cases; -- looks like SQL",
    "\x1b[31mterminal escape\x1b[0m",
    "\u2028line separator\u2029paragraph",
)
ODD_AMOUNTS = (
    "0.00000001",
    "123456789012345678.123456789",
    "0",
    "0.000000000000000001",
    "1,250.00",
    "1250.00",
    "999999999999999999999999999999",
)


def _text_alphabet(one_line: bool) -> st.SearchStrategy[str]:
    excluded = ("Cs", "Cc") if one_line else ("Cs",)
    return st.characters(blacklist_categories=excluded, blacklist_characters="\x00")


def free_texts() -> st.SearchStrategy[str]:
    random = st.text(_text_alphabet(one_line=False), min_size=1, max_size=80)
    return st.one_of(st.sampled_from(SPECIAL_TEXTS), random).filter(str.strip)


def short_fields() -> st.SearchStrategy[str]:
    special = st.sampled_from([t for t in SPECIAL_TEXTS if t.isprintable()])
    random = st.text(_text_alphabet(one_line=True), min_size=1, max_size=40)
    return st.one_of(special, random).filter(str.strip)


@st.composite
def moments(draw: st.DrawFn) -> str:
    """A past instant, written with one of many UTC offsets."""
    seconds = draw(st.integers(0, int((NOW - EARLIEST).total_seconds())))
    offset = draw(st.sampled_from(OFFSETS))
    return (EARLIEST + timedelta(seconds=seconds)).astimezone(offset).isoformat()


@st.composite
def amounts(draw: st.DrawFn) -> str:
    if draw(st.booleans()):
        return draw(st.sampled_from(ODD_AMOUNTS))
    whole = draw(st.integers(0, 10**15))
    places = draw(st.integers(0, 12))
    fraction = draw(st.integers(0, 10**places - 1)) if places else 0
    return f"{whole}.{fraction:0{places}d}" if places else str(whole)


def txids() -> st.SearchStrategy[str]:
    hex64 = st.text("0123456789abcdef", min_size=64, max_size=64)
    return st.one_of(
        hex64,
        hex64.map(lambda h: "0x" + h),
        st.from_regex(r"[A-Z]{1,3}[0-9]{4,20}", fullmatch=True),
    )


OPERATIONS = st.one_of(
    st.tuples(st.just("note"), free_texts(), moments(), st.booleans()),
    st.tuples(
        st.just("contact"),
        st.sampled_from(["chat", "email", "social", "phone", "forum", "form", "other"]),
        st.none() | free_texts(),
        st.none() | short_fields(),
        st.none() | short_fields(),
        moments(),
    ),
    st.tuples(
        st.just("reply"),
        free_texts(),
        st.none() | short_fields(),
        st.none() | short_fields(),
        st.none() | free_texts(),
        moments(),
        st.booleans(),
    ),
    st.tuples(st.just("step"), free_texts(), st.none() | moments(), moments(), st.booleans()),
    st.tuples(st.just("done"), st.integers(0, 5), moments()),
    st.tuples(st.just("escalate"), st.none() | free_texts(), st.none() | short_fields(), moments()),
    st.tuples(
        st.just("status"),
        st.sampled_from(["open", "waiting", "escalated", "resolved", "closed"]),
        moments(),
    ),
    st.tuples(
        st.just("tx"),
        txids(),
        st.none() | st.sampled_from(["tron", "bitcoin", "ethereum", "bsc", "solana"]),
        st.none() | st.sampled_from(["USDT", "BTC", "ETH", "usdc"]),
        st.none() | amounts(),
        st.none() | st.sampled_from(["deposit", "withdrawal", "trade", "transfer", "other"]),
        st.none() | moments(),
    ),
)

CASES = st.lists(
    st.fixed_dictionaries(
        {
            "title": short_fields(),
            "platform": st.none() | short_fields(),
            "category": st.none() | st.sampled_from(["account", "withdrawal", "kyc", "other"]),
            "account": st.none() | st.sampled_from(["alice.chen@gmail.com", "UID 12345689"]),
            "occurred": st.none() | moments(),
            "description": st.none() | free_texts(),
            "tags": st.lists(short_fields(), max_size=3),
            "language": st.none() | st.sampled_from(["en", "zh", "ko"]),
            "operations": st.lists(OPERATIONS, max_size=6),
        }
    ),
    min_size=1,
    max_size=3,
)


def record(home: Path, cases: list[dict[str, Any]]) -> None:
    """Record the notebook as a user would; a value the commands refuse is simply skipped."""
    store = Store.open(home, create=True)
    assert store is not None
    try:
        for case in cases:
            try:
                case_id = actions.create_case(
                    store,
                    title=case["title"],
                    platform=case["platform"],
                    category=case["category"],
                    account=case["account"],
                    occurred=case["occurred"],
                    description=case["description"],
                    tags=case["tags"],
                    language=case["language"],
                )
            except IssuenoteError:
                continue
            steps: list[int] = []
            for operation in case["operations"]:
                try:
                    entry = _apply(store, str(case_id), operation, steps)
                except IssuenoteError:
                    continue
                if entry is not None and entry.get("kind") == "step":
                    steps.append(entry["id"])
    finally:
        store.close()


def _apply(store: Store, case: str, operation: tuple[Any, ...], steps: list[int]) -> Any:
    kind, *values = operation
    if kind == "note":
        text, at, private = values
        return actions.add_note(store, case, text, at=at, private=private)
    if kind == "contact":
        channel, text, via, ticket, at = values
        return actions.add_contact(
            store, case, channel=channel, text=text, via=via, ticket=ticket, at=at
        )
    if kind == "reply":
        text, agent, agent_id, suggests, at, private = values
        return actions.add_reply(
            store,
            case,
            text,
            agent=agent,
            agent_id=agent_id,
            suggests=suggests,
            at=at,
            private=private,
        )
    if kind == "step":
        text, due, at, private = values
        return actions.add_step(store, case, text, due=due, at=at, private=private)
    if kind == "done":
        index, at = values
        if not steps:
            return None
        return actions.mark_done(store, case, str(steps[index % len(steps)]), at=at)
    if kind == "escalate":
        text, to, at = values
        return actions.escalate(store, case, text, to=to, at=at)
    if kind == "status":
        status, at = values
        return actions.set_status(store, case, status, at=at)
    txid, chain, asset, amount, tx_kind, at = values
    return actions.add_transaction(
        store, case, txid, chain=chain, asset=asset, amount=amount, kind=tx_kind, at=at
    )


def export_all(runner: CliRunner, home: Path) -> dict[str, Any]:
    result = runner.invoke(
        app,
        [
            "--home",
            str(home),
            "export",
            "--all",
            "--format",
            "json",
            "--no-redact",
            "--include-private",
        ],
    )
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def import_file(runner: CliRunner, home: Path, path: Path) -> None:
    result = runner.invoke(app, ["--home", str(home), "import", str(path)])
    assert result.exit_code == 0, result.stderr


def dump(home: Path) -> list[str]:
    conn = sqlite3.connect(home / "notebook.db")
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def comparable(export: dict[str, Any]) -> dict[str, Any]:
    """Without what differs by notebook; each notebook's chain has its own history."""
    kept = {key: value for key, value in export.items() if key not in VOLATILE}
    kept["cases"] = [
        {k: v for k, v in case.items() if k != "chain_head"} for case in kept.get("cases", [])
    ]
    return kept


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(cases=CASES, zone=st.sampled_from(ZONES))
def test_export_import_export_is_identical(cases: list[dict[str, Any]], zone: str) -> None:
    runner = CliRunner()
    previous_zone = os.environ.get("TZ")
    os.environ["TZ"] = zone
    time.tzset()
    try:
        with tempfile.TemporaryDirectory(prefix="issuenote-roundtrip-") as scratch:
            source, target = Path(scratch) / "source", Path(scratch) / "target"
            record(source, cases)
            first = export_all(runner, source)
            path = Path(scratch) / "notebook.json"
            path.write_text(json.dumps(first, ensure_ascii=False), encoding="utf-8")

            import_file(runner, target, path)
            second = export_all(runner, target)
            assert comparable(second) == comparable(first)
            assert second["notebook"] != first["notebook"]

            # Importing again, here or into the source itself, changes nothing.
            before = dump(target), dump(source)
            import_file(runner, target, path)
            import_file(runner, source, path)
            assert (dump(target), dump(source)) == before
    finally:
        if previous_zone is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = previous_zone
        time.tzset()
