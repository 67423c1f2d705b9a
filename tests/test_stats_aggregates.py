"""m011's stats aggregates: always what a pass over every entry gives, whoever writes.

The reference is `followup.stats.compute` (one pass over `Store.contact_rows`)
and, row by row, `_expected` below: a plain-Python reading of the entries.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from issuenote import actions
from issuenote.followup import stats
from issuenote.parse import timeparse
from issuenote.store import Store
from issuenote.store.schema import WEEKS_BEFORE_1970
from tests.query_plans import query_plans

Cli = Callable[..., Result]
NOW = datetime(2026, 12, 1, tzinfo=UTC)
PLATFORMS = ("OKX", "okx", "Binance", "")
CHANNELS = ("chat", "email", "phone", "")


# -- the reference -------------------------------------------------------------------


def _epoch(at: str) -> int:
    return int(timeparse.from_storage(at).timestamp())


def _expected(conn: sqlite3.Connection) -> dict[str, Any]:
    """Every stats_* row as the entries say it should be (plain Python, no SQL windows)."""
    cases: dict[int, dict[str, Any]] = {}
    for case_id, platform in conn.execute("SELECT id, platform FROM cases"):
        cases[case_id] = {
            "platform": platform or "",
            "first": None,
            "asked": None,
            "resolved": None,
        }
    waits, counts = {}, defaultdict(lambda: [0, 0])
    rows = conn.execute(
        "SELECT id, case_id, kind, at, coalesce(channel, 'other'), new_status FROM entries "
        "WHERE kind IN ('contact', 'reply', 'escalation', 'status') AND deleted_at IS NULL "
        "ORDER BY case_id, at, id"
    )
    for entry_id, case_id, kind, at, channel, new_status in rows:
        case = cases[case_id]
        if kind in ("contact", "reply"):
            counts[(case_id, channel)][kind == "reply"] += 1
        if kind in ("contact", "escalation"):
            case["asked"] = case["asked"] or (at, channel)
        elif kind == "reply" and case["asked"]:
            sent = _epoch(case["asked"][0])
            offset = time.localtime(sent).tm_gmtoff
            cell = ((sent + offset + WEEKS_BEFORE_1970) // 3600 + 72) % 168
            waits[entry_id] = (case_id, case["platform"], case["asked"][1], sent)
            waits[entry_id] += (_epoch(at) - sent, offset, cell)
            case["asked"] = None
        if kind != "status":
            case["first"] = case["first"] or (entry_id, at, channel)
        elif new_status in ("resolved", "closed") and case["first"] and case["resolved"] is None:
            case["resolved"] = _epoch(at) - _epoch(case["first"][1])
    totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    hours: dict[tuple[str, int], int] = defaultdict(int)
    for (case_id, channel), (contacts, replies) in counts.items():
        totals[(cases[case_id]["platform"], channel)][0] += contacts
        totals[(cases[case_id]["platform"], channel)][1] += replies
    for _, platform, channel, *_, cell in waits.values():
        totals[(platform, channel)][2] += 1
        hours[(platform, cell)] += 1
    for case in cases.values():
        if case["resolved"] is not None:
            totals[(case["platform"], case["first"][2])][3] += 1
    return {
        "cases": {
            case_id: (
                case["platform"],
                *(case["first"] or (None, None, None)),
                *(case["asked"] or (None, None)),
                case["resolved"],
            )
            for case_id, case in cases.items()
        },
        "counts": {key: tuple(value) for key, value in counts.items()},
        "waits": waits,
        "totals": {key: tuple(value) for key, value in totals.items()},
        "hours": dict(hours),
    }


def _stored(conn: sqlite3.Connection) -> dict[str, Any]:
    def rows(sql: str) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in conn.execute(sql)]

    return {
        "cases": {
            row[0]: row[1:]
            for row in rows(
                "SELECT case_id, platform, first_id, first_at, first_channel, asked_at, "
                "asked_channel, resolved_seconds FROM stats_cases"
            )
        },
        "counts": {
            row[:2]: row[2:]
            for row in rows("SELECT case_id, channel, contacts, replies FROM stats_counts")
        },
        "waits": {
            row[0]: row[1:]
            for row in rows(
                "SELECT reply_id, case_id, platform, channel, sent_epoch, seconds, utc_offset, "
                "cell FROM stats_waits"
            )
        },
        "totals": {
            row[:2]: row[2:]
            for row in rows(
                "SELECT platform, channel, contacts, replies, waits, resolved FROM stats_totals "
                "WHERE contacts OR replies OR waits OR resolved"
            )
        },
        "hours": {
            row[:2]: row[2]
            for row in rows("SELECT platform, cell, waits FROM stats_hours WHERE waits")
        },
    }


@contextmanager
def _in_zone(zone: str) -> Iterator[None]:
    previous = os.environ.get("TZ")
    os.environ["TZ"] = zone
    time.tzset()
    try:
        yield
    finally:
        os.environ["TZ"] = previous or ""
        time.tzset()


def assert_matches_reference(store: Store, why: object = "") -> None:
    """Stored rows as the entries say, and every figure as the full pass gives it."""
    assert _stored(store.conn) == _expected(store.conn), why
    for zone in (None, "America/New_York"):  # the writer's zone, and another with DST
        with _in_zone(zone) if zone else nullcontext():
            for platform in (None, "okx", "binance"):
                if not store.has_cases(platform=platform):
                    continue
                reference = stats.compute(
                    store.contact_rows(platform=platform),
                    store.unfinished_cases(platform=platform),
                    NOW,
                )
                assert stats.from_aggregates(store, NOW, platform) == reference, (why, zone)


# -- every kind of write ----------------------------------------------------------------


@pytest.fixture
def store(cli: Cli, notebook_home: Path) -> Iterator[Store]:
    assert cli("new", "first case", "--platform", "OKX").exit_code == 0
    opened = Store.open(notebook_home, create=False)
    assert opened is not None
    yield opened
    opened.close()


def _when(rng: random.Random) -> str:
    day = f"2026-{rng.randint(3, 11):02d}-{rng.randint(1, 28):02d}"
    return f"{day} {rng.randint(0, 23):02d}:{rng.choice(('00', '30'))}"


def _random_write(rng: random.Random, cases: list[int]) -> tuple[str, ...]:
    case = str(rng.choice(cases))
    channel = rng.choice(CHANNELS)
    with_channel = ("--channel", channel) if channel else ()
    private = ("--private",) if rng.random() < 0.15 else ()
    choice = rng.choices(
        ["new", "contact", "reply", "escalate", "status", "note", "amend", "rm", "undo", "drop"],
        weights=[2, 8, 8, 2, 3, 1, 4, 2, 3, 0.3],
    )[0]
    if choice == "new":
        platform = rng.choice(PLATFORMS)
        return ("new", f"case {rng.random():.4f}", *(("--platform", platform) if platform else ()))
    if choice == "contact":
        return ("contact", case, "text", "-c", channel or "other", "--at", _when(rng), *private)
    if choice == "reply":
        return ("reply", case, "text", *with_channel, "--at", _when(rng), *private)
    if choice == "escalate":
        return ("escalate", case, "higher", "--at", _when(rng))
    if choice == "status":
        status = rng.choice(("resolved", "closed", "open", "waiting"))
        return ("status", case, status, "--at", _when(rng))
    if choice == "note":
        return ("note", case, "a note", *private)
    if choice == "amend":
        change = rng.choice((("--at", _when(rng)), ("--channel", channel or "chat")))
        return ("amend", case, str(rng.randint(1, 12)), *change)
    if choice == "rm":
        return ("rm", case, str(rng.randint(1, 12)), "--yes")
    if choice == "drop":
        return ("rm", case, "--yes")
    return ("undo", "--yes")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_aggregates_follow_every_recording_command_and_undo(
    cli: Cli, store: Store, seed: int
) -> None:
    rng = random.Random(seed)
    for _ in range(45):
        cases = [row[0] for row in store.conn.execute("SELECT id FROM cases")]
        args = _random_write(rng, [*cases, 99])  # now and then a case that is not there
        result = cli(*args)
        assert result.exit_code in (0, 1), (args, result.stderr)
        assert_matches_reference(store, args)
    assert store.conn.execute("SELECT count(*) FROM stats_waits").fetchone()[0] > 0


def _document(cases: list[dict[str, Any]]) -> dict[str, Any]:
    return {"format": "issuenote-notebook", "schema_version": 1, "cases": cases}


def _entry(number: int, kind: str, at: str, **more: Any) -> dict[str, Any]:
    return {
        "uuid": f"00000000-0000-4000-9000-{number:012d}",
        "kind": kind,
        "text": f"{kind} {number}",
        "at": at,
        **more,
    }


def _case(entries: list[dict[str, Any]], platform: str = "Kraken") -> dict[str, Any]:
    return {
        "uuid": "00000000-0000-4000-8000-000000000042",
        "title": "An imported case",
        "platform": platform,
        "category": "withdrawal",
        "status": "open",
        "tags": [],
        "created_at": "2026-01-01T00:00:00+00:00",
        "updated_at": "2026-01-01T00:00:00+00:00",
        "entries": entries,
        "transactions": [],
    }


def test_aggregates_follow_import_sync_merge_and_restore(
    cli: Cli, store: Store, tmp_path: Path, notebook_home: Path
) -> None:
    from issuenote.importer import parse_export
    from issuenote.store.merge import merge_sync

    entries = [
        _entry(1, "contact", "2026-02-01T09:00:00+00:00", channel="email"),
        _entry(2, "reply", "2026-02-02T09:00:00+00:00"),
        _entry(3, "contact", "2026-02-03T09:00:00+00:00", channel="chat"),
        _entry(4, "reply", "2026-02-03T10:00:00+00:00", channel="chat"),
        _entry(5, "status", "2026-02-04T09:00:00+00:00", new_status="resolved"),
    ]
    path = tmp_path / "cases.json"
    path.write_text(json.dumps(_document([_case(entries[::-1])])), encoding="utf-8")
    assert cli("import", str(path)).exit_code == 0  # out of time order: recomputed
    assert_matches_reference(store, "import")

    # Another device moved the case to another platform, re-timed a reply and added one.
    entries[1]["at"] = "2026-02-01T12:00:00+00:00"
    entries.append(_entry(6, "escalation", "2026-01-31T09:00:00+00:00"))
    moved = json.dumps(_document([_case(entries, platform="OKX")])).encode()
    merge_sync(store, [(parse_export(moved, source="device b"), frozenset())], {})
    assert_matches_reference(store, "sync merge")
    assert (
        store.conn.execute("SELECT count(*) FROM stats_waits WHERE platform = 'Kraken'").fetchone()[
            0
        ]
        == 0
    )

    assert cli("backup", str(tmp_path / "b.tar.gz")).exit_code == 0
    assert (
        cli("contact", "1", "after the backup", "-c", "chat", "--at", "2026-03-01 10:00").exit_code
        == 0
    )
    assert cli("reply", "1", "answered", "--at", "2026-03-01 11:00").exit_code == 0
    assert store.conn.execute("SELECT count(*) FROM stats_waits").fetchone()[0] == 3
    restored = tmp_path / "restored"
    assert cli("--home", str(restored), "restore", str(tmp_path / "b.tar.gz")).exit_code == 0
    again = Store.open(restored, create=False)
    assert again is not None
    try:
        assert_matches_reference(again, "restore")
        assert again.conn.execute("SELECT count(*) FROM stats_waits").fetchone()[0] == 2
    finally:
        again.close()


def test_direct_writes_are_followed_too(cli: Cli, store: Store) -> None:
    """An import or a merge writes rows with plain SQL: the triggers see those too."""
    for args in (
        ("contact", "1", "a", "-c", "chat", "--at", "2026-05-01 09:00"),
        ("reply", "1", "b", "--at", "2026-05-01 10:00"),
        ("escalate", "1", "c", "--at", "2026-05-02 09:00"),
        ("reply", "1", "d", "--at", "2026-05-03 09:00"),
        ("status", "1", "closed", "--at", "2026-05-04 09:00"),
    ):
        assert cli(*args).exit_code == 0
    for sql in (
        "UPDATE entries SET kind = 'note' WHERE kind = 'escalation'",
        "UPDATE cases SET platform = 'Bybit'",
        "UPDATE entries SET at = '2026-04-30T09:00:00Z' WHERE kind = 'status'",
        "DELETE FROM entries WHERE kind = 'reply' AND number = 2",
        "DELETE FROM cases",
    ):
        with store.writing():
            store.conn.execute(sql)
        assert_matches_reference(store, sql)


def test_the_week_grid_is_worked_out_afresh_in_another_zone(cli: Cli, store: Store) -> None:
    for day in range(1, 13):
        at = f"2026-03-{day:02d} 09:00"
        assert cli("contact", "1", "x", "-c", "chat", "--at", at).exit_code == 0
        assert cli("reply", "1", "y", "--at", f"2026-03-{day:02d} 1{day % 9}:00").exit_code == 0
    here = stats.from_aggregates(store, NOW)
    assert here["week"] == stats.compute(store.contact_rows(), [], NOW)["week"]
    with _in_zone("Pacific/Chatham"):  # +13:45 / +12:45: no whole hours, and DST
        there = stats.from_aggregates(store, NOW)
        assert there["week"] == stats.compute(store.contact_rows(), [], NOW)["week"]
    assert here["week"]["n"] == there["week"]["n"] == 12


# -- what stats reads ---------------------------------------------------------------------


def _plans(store: Store, call: Callable[[], Any]) -> dict[str, list[str]]:
    return query_plans(store, call)


@pytest.mark.parametrize("platform", [None, "okx"])
def test_stats_reads_no_entries_and_no_whole_table(cli: Cli, store: Store, platform) -> None:
    for args in (
        ("contact", "1", "a", "-c", "chat", "--at", "2026-05-01 09:00"),
        ("reply", "1", "b", "--at", "2026-05-01 10:00"),
        ("status", "1", "resolved", "--at", "2026-05-04 09:00"),
    ):
        assert cli(*args).exit_code == 0
    plans = _plans(store, lambda: actions.stats(store, platform=platform))
    assert plans
    for sql, steps in plans.items():
        for step in steps:
            assert "entries" not in step, (sql, step)
            if sql.startswith("SELECT EXISTS (SELECT 1 FROM cases"):
                continue  # "no cases yet": stops at the first case
            # Whole tables read: only the small ones of totals (one row per platform
            # and channel or hour), never the waits or the cases row by row.
            if step.startswith("SCAN"):
                assert step.split()[1] in ("stats_totals", "stats_hours", "o", "offsets"), (
                    sql,
                    step,
                )


# -- the upgrade -----------------------------------------------------------------------


def test_upgrade_from_schema_9_fills_the_aggregates(tmp_path: Path) -> None:
    from tests.migration_helpers import database_before

    path = tmp_path / "old.db"
    db, pending = database_before(path, "m011")
    for case_id, platform in ((1, "OKX"), (2, None)):
        db.execute(
            "INSERT INTO cases (id, uuid, title, platform, status, created_at, updated_at) "
            "VALUES (?, ?, 't', ?, 'open', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z')",
            [case_id, f"u{case_id}", platform],
        )
    for number, (case_id, kind, at, channel, status, deleted) in enumerate(
        [
            (1, "contact", "2025-06-01T00:00:00Z", "chat", None, None),
            (1, "contact", "2025-06-01T01:00:00Z", "email", None, None),  # a nudge
            (1, "reply", "2025-06-01T03:00:00Z", None, None, None),
            (1, "escalation", "2025-06-02T00:00:00Z", None, None, None),
            (1, "reply", "2025-06-03T00:00:00Z", "email", None, "2025-06-04T00:00:00Z"),
            (1, "status", "2025-06-05T00:00:00Z", None, "resolved", None),
            (2, "reply", "2025-06-01T00:00:00Z", "chat", None, None),  # nothing asked
            (2, "contact", "2025-06-02T00:00:00+08:00", "phone", None, None),
            (2, "reply", "2025-06-02T00:30:00Z", "phone", None, None),
        ],
        start=1,
    ):
        db.execute(
            "INSERT INTO entries (uuid, case_id, number, kind, text, at, channel, new_status, "
            "created_at, deleted_at) VALUES (?, ?, ?, ?, 'x', ?, ?, ?, '2025-01-01T00:00:00Z', ?)",
            [f"e{number}", case_id, number, kind, at, channel, status, deleted],
        )
    for later in pending:
        later.fn(db)
    conn = db.conn
    assert _stored(conn) == _expected(conn)
    assert _stored(conn)["cases"][1][-1] == 4 * 86400  # first contact to resolved
    assert sorted(w[4] for w in _stored(conn)["waits"].values()) == [
        3 * 3600,
        8 * 3600 + 1800,
    ]  # +08:00 kept
    db.close()


def test_upgrade_from_schema_1_fills_the_aggregates(notebook_home: Path) -> None:
    from tests.test_upgrade import install_fixture

    install_fixture(notebook_home)
    store = Store.open(notebook_home, create=False)
    assert store is not None
    try:
        assert store.conn.execute("SELECT count(*) FROM stats_cases").fetchone()[0] > 0
        assert_matches_reference(store, "schema 1")
    finally:
        store.close()
