"""`issuenote stats`: the user's own reply times, with counts, never an invented pattern."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from typer.testing import Result

from issuenote.followup import stats

Cli = Callable[..., Result]


@pytest.fixture
def history(cli: Cli) -> None:
    """OKX chat answers in an hour, OKX e-mail in a day; one Binance case resolved."""
    cli("new", "Withdrawal stuck", "--platform", "OKX")
    for day in (1, 2, 3, 4):
        cli("contact", "1", "-c", "chat", "--at", f"2026-10-0{day} 09:00")
        cli("contact", "1", "-c", "chat", "--at", f"2026-10-0{day} 09:30")  # a nudge
        cli("reply", "1", "checking", "--at", f"2026-10-0{day} 10:00")
    for day in (10, 12, 14):
        cli("contact", "1", "-c", "email", "--at", f"2026-10-{day} 09:00")
        cli("reply", "1", "we will check", "--channel", "email", "--at", f"2026-10-{day + 1} 09:00")
    cli("new", "KYC rejected", "--platform", "Binance")
    cli("contact", "2", "-c", "chat", "--at", "2026-10-20 09:00")
    cli("reply", "2", "fixed", "--at", "2026-10-21 09:00")
    cli("status", "2", "resolved", "--at", "2026-10-22 09:00")


def test_stats_json(cli_json, history) -> None:
    data = cli_json("stats")
    rows = {(r["platform"], r["channel"]): r for r in data["channels"]}
    chat = rows[("OKX", "chat")]
    assert (chat["contacts"], chat["replies"]) == (8, 4)
    assert chat["reply_time"] == {"n": 4, "median_seconds": 3600, "p90_seconds": 3600}
    email = rows[("OKX", "email")]
    assert email["reply_time"]["median_seconds"] == 86400
    binance = rows[("Binance", "chat")]
    assert binance["reply_time"]["median_seconds"] is None  # one data point: not enough
    assert binance["reply_time"]["n"] == 1
    assert data["resolution_time"]["n"] == 1
    assert data["resolution_time"]["median_seconds"] is None
    ages = {a["age"]: a["cases"] for a in data["open_by_age"]}
    assert sum(ages.values()) == 1  # the resolved case is not open
    assert data["week"]["n"] == 8 and data["week"]["enough_data"] is False


def test_stats_for_one_platform(cli_json, history) -> None:
    data = cli_json("stats", "--platform", "binance")
    assert {r["platform"] for r in data["channels"]} == {"Binance"}


def test_stats_for_people_say_not_enough_data(cli, history) -> None:
    out = cli("stats").stdout
    assert "Replies: median 12h 30m, p90 1d 0h (8 answered requests)" in out
    assert "not enough data" in out
    assert "Hours of the week: not enough data (8 answered requests" in out


def test_the_week_grid_names_the_fastest_hours(cli, cli_json) -> None:
    cli("new", "x", "--platform", "OKX")
    # Mondays at 09:00 local answer in 10 minutes, Fridays at 20:00 in 5 hours.
    for week in range(1, 7):
        monday = f"2026-{(week % 6) + 3:02d}-02 09:00"
        cli("contact", "1", "-c", "chat", "--at", monday)
        cli("reply", "1", "ok", "--at", monday.replace("09:00", "09:10"))
        friday = f"2026-{(week % 6) + 3:02d}-06 20:00"
        cli("contact", "1", "-c", "chat", "--at", friday)
        cli("reply", "1", "ok", "--at", friday.replace("06 20:00", "07 01:00"))
    week = cli_json("stats")["week"]
    assert week["enough_data"] is True
    fastest = week["fastest"][0]
    assert fastest["median_seconds"] == 600 and fastest["hour"] == 9
    out = cli("stats").stdout
    assert "Reply speed by the hour you wrote" in out
    assert f"Fastest: {fastest['weekday']} 09:00 (median 10m" in out


def test_stats_on_an_empty_notebook_is_one_line(cli, notebook_home) -> None:
    result = cli("stats")
    assert result.exit_code == 1
    assert result.stderr == "issuenote: no cases yet: stats need contacts and replies to count\n"
    assert not notebook_home.exists()
    cli("new", "x")
    result = cli("stats", "--platform", "Nowhere")
    assert result.exit_code == 1
    assert "no cases on platform 'Nowhere'" in result.stderr


def test_summary_and_durations() -> None:
    assert stats.summary([1.0, 2.0]) == {"n": 2, "median_seconds": None, "p90_seconds": None}
    figures = stats.summary([float(n) for n in range(1, 11)])
    assert figures == {"n": 10, "median_seconds": 5, "p90_seconds": 9}
    assert stats.duration_text(None) == "not enough data"
    assert stats.duration_text(45) == "45s"
    assert stats.duration_text(7500) == "2h 05m"
    assert stats.duration_text(3 * 86400 + 7200) == "3d 2h"


def test_a_run_of_contacts_counts_once() -> None:
    rows = [
        {
            "case_id": 1,
            "kind": "contact",
            "at": "2026-11-01T00:00:00Z",
            "channel": "chat",
            "platform": "OKX",
        },
        {
            "case_id": 1,
            "kind": "contact",
            "at": "2026-11-01T01:00:00Z",
            "channel": "chat",
            "platform": "OKX",
        },
        {
            "case_id": 1,
            "kind": "reply",
            "at": "2026-11-01T02:00:00Z",
            "channel": "chat",
            "platform": "OKX",
        },
        {
            "case_id": 2,
            "kind": "reply",
            "at": "2026-11-01T03:00:00Z",
            "channel": "chat",
            "platform": "OKX",
        },  # a reply with no contact before it on its case
    ]
    waits = stats.reply_waits(rows)
    assert [w["seconds"] for w in waits] == [7200.0]
    assert stats.open_by_age([], datetime(2026, 1, 1, tzinfo=UTC))[0]["cases"] == 0


def test_stats_read_the_rows_once_as_the_database_yields_them(
    history: None, cli_json: Callable[..., object], notebook_home
) -> None:
    """At 10,000 cases there are over half a million rows: never a list of them all."""
    from issuenote.store import Store

    store = Store.open(notebook_home, create=False)
    assert store is not None
    try:
        rows = store.contact_rows()
        assert iter(rows) is rows  # an iterator over the cursor, not a list
        once = iter(list(store.contact_rows()))
        figures = stats.compute(once, store.unfinished_cases(), datetime.now(UTC))
        assert next(once, None) is None
    finally:
        store.close()
    shown = cli_json("stats")
    assert figures["reply_time"] == shown["reply_time"]
    assert figures["channels"] == shown["channels"]


def _figures(seed: int) -> dict[str, object]:
    """stats figures of every shape the tables meet: CJK and long names, gaps, full weeks."""
    import random

    from issuenote.followup.stats import WEEKDAYS

    pick = random.Random(seed)

    def seconds() -> int | None:
        return pick.choice([None, pick.randrange(60, 400 * 86400)])

    def timing() -> dict[str, object]:
        return {"n": pick.randrange(0, 500), "median_seconds": seconds(), "p90_seconds": seconds()}

    names = ["OKX", "币安", "업비트", "Crypto.com", "Binance\u0301", "a" * 30, ":fire: [b]x[/b]"]
    channels = [
        {
            "platform": pick.choice(names),
            "channel": pick.choice(["chat", "email", "social", "phone"]),
            "contacts": pick.randrange(0, 100_000),
            "replies": pick.randrange(0, 100_000),
            "reply_time": timing(),
            "resolution_time": timing(),
        }
        for _ in range(pick.randrange(0, 12))
    ]
    cells = [
        {
            "weekday": day,
            "hour": hour,
            "median_seconds": pick.choice([None, pick.randrange(60, 86400 * 9)]),
            "n": pick.randrange(1, 40),
        }
        for day in WEEKDAYS
        for hour in range(24)
        if pick.random() < 0.7
    ]
    rated = [cell for cell in cells if cell["median_seconds"] is not None]
    return {
        "platform": pick.choice([None, *names]),
        "reply_time": timing(),
        "resolution_time": timing(),
        "channels": channels,
        "open_by_age": [{"age": "under 1 day", "cases": pick.randrange(0, 9)}],
        "week": {
            "n": len(cells),
            "enough_data": bool(rated) and seed % 3 != 0,
            "cells": cells,
            "fastest": rated[:3],
        },
    }


@pytest.mark.parametrize("seed", range(12))
def test_piped_stats_read_as_rich_prints_them(
    seed: int, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Piped, stats draws its tables itself (no rich import): the same lines, never cut."""
    from issuenote.commands import followup

    figures = _figures(seed)
    monkeypatch.setenv("COLUMNS", "1000")  # rich lays out to a width; the plain lines have none
    followup._print_rich(followup._stats_blocks(figures))
    by_rich = capsys.readouterr().out
    monkeypatch.setenv("TTY_COMPATIBLE", "0")
    followup._print_stats(figures)
    assert capsys.readouterr().out == by_rich


def test_piped_stats_do_not_import_rich(cli: Cli, history: None) -> None:
    import subprocess
    import sys

    probe = (
        "import sys\nsys.argv = ['issuenote', 'stats']\n"
        "from issuenote.launch import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('rich' in sys.modules, file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert "Replies: median" in done.stdout
    assert done.stderr == "False\n"
