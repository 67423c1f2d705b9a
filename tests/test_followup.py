"""Follow-up: `due`, promises agents make, the complaint clock and the bare-command agenda."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import Result

from issuenote.errors import IssuenoteError
from issuenote.followup import clock, due
from issuenote.parse import timeparse

Cli = Callable[..., Result]
# Every test here runs at this instant (10:00 in the suite's Asia/Shanghai), so
# "due today" and "in 5m" never straddle a midnight, whenever the suite runs.
FROZEN_NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch: pytest.MonkeyPatch) -> datetime:
    monkeypatch.setattr(timeparse, "utc_now", lambda: FROZEN_NOW)
    return FROZEN_NOW


@pytest.fixture
def busy(cli: Cli) -> None:
    """Two open cases and a closed one: steps overdue, due today, later, undated; promises."""
    steps = [
        ("new", "USDT withdrawal stuck", "--platform", "OKX"),
        ("contact", "1", "-c", "chat", "--at", "20d ago"),
        (
            "reply",
            "1",
            "checking",
            "--agent",
            "Lily",
            "--agent-id",
            "10086",
            "--at",
            "19d ago",
            "--promised",
            "24h",
        ),  # answered 10 days later: broken
        ("contact", "1", "-c", "email", "--at", "10d ago"),
        (
            "reply",
            "1",
            "still checking",
            "--agent",
            "Kevin",
            "--at",
            "9d ago",
            "--promised",
            "2 days",
        ),  # no reply since: overdue
        ("step", "1", "Call support back", "--due", "2d ago"),
        ("step", "1", "Check the wallet", "--due", "in 5m"),
        ("step", "1", "Write to the ombudsman", "--due", "in 3d"),
        ("step", "1", "Collect screenshots"),
        ("new", "KYC rejected", "--platform", "Binance"),
        ("contact", "2", "-c", "email", "--at", "3d ago"),
        ("new", "Old closed case"),
        ("step", "3", "Never mind", "--due", "5d ago"),
        ("status", "3", "closed"),
    ]
    for args in steps:
        result = cli(*args)
        assert result.exit_code == 0, (args, result.stderr)


def test_due_orders_overdue_today_upcoming(cli, busy) -> None:
    out = cli("due").stdout
    overdue, today, upcoming = out.index("Overdue"), out.index("Due today"), out.index("Upcoming")
    assert overdue < today < upcoming
    assert out.index("Call support back") < today
    assert "2 days late" in out
    assert "promise overdue: Kevin promised a reply by" in out
    assert "Never mind" not in out  # a closed case's step
    assert "1 open step has no due date" in out


def test_due_json(cli_json, busy) -> None:
    data = cli_json("due", "--days", "1")
    assert [s["text"] for s in data["overdue"]] == ["Call support back"]
    assert data["overdue"][0]["overdue_seconds"] >= 2 * 86400 - 60
    assert data["upcoming"] == []  # in 3d is beyond --days 1
    assert data["undated"] == 1  # "Collect screenshots"
    [promise] = data["promises"]
    assert (promise["agent"], promise["state"]) == ("Kevin", "overdue")
    assert promise["promised_by"].endswith("+08:00")
    assert [s["text"] for s in cli_json("due")["upcoming"]] == ["Write to the ombudsman"]


def test_due_on_an_empty_or_missing_notebook(cli, cli_json, notebook_home: Path) -> None:
    assert "Nothing due" in cli("due").stdout
    assert cli_json("due")["overdue"] == []
    assert not notebook_home.exists()


@pytest.mark.parametrize("days", ["-1", "99999", "x"])
def test_bad_days(cli, days: str) -> None:
    result = cli("due", "--days", days)
    assert result.exit_code in (1, 2)
    assert result.stdout == ""


def test_a_kept_promise_is_not_overdue(cli, cli_json, case) -> None:
    cli("contact", case, "-c", "chat", "--at", "3d ago")
    cli("reply", case, "we will check", "--agent", "Lily", "--at", "3d ago", "--promised", "24h")
    cli("reply", case, "done, sent", "--agent", "Lily", "--at", "2d ago")
    assert cli_json("due")["promises"] == []
    show = cli("show", case).stdout
    assert "Promise kept: Lily promised a reply by" in show
    promises = cli_json("show", case)["promises"]
    assert [p["state"] for p in promises] == ["kept"]


def test_a_broken_promise_shows_in_show_due_and_agenda(cli, cli_json, case) -> None:
    cli("contact", case, "-c", "chat", "--at", "3d ago")
    cli(
        "reply",
        case,
        "we will check",
        "--agent",
        "Lily",
        "--agent-id",
        "10086",
        "--at",
        "3d ago",
        "--promised",
        "24h",
    )
    line = "promise overdue: Lily (10086) promised a reply by"
    assert line in cli("due").stdout
    assert "P" + line[1:] in cli("show", case).stdout
    assert line in cli().stdout
    assert "2 days ago" in cli("due").stdout


def test_a_pending_promise_is_upcoming(cli, cli_json, case) -> None:
    cli("reply", case, "tomorrow", "--agent", "Lily", "--promised", "3 business days")
    [promise] = cli_json("due", "--days", "10")["promises"]
    assert promise["state"] == "pending"
    assert "promise: Lily promised a reply by" in cli("due", "--days", "10").stdout


def test_reply_records_its_promise(cli_json, case) -> None:
    entry = cli_json(
        "reply", case, "checking", "--promised", "2026-01-05 18:00", "--at", "2026-01-02 09:00"
    )
    assert entry["promised_by"] == "2026-01-05T18:00:00+08:00"


@pytest.mark.parametrize(
    ("promise", "message"),
    [
        ("soonish", "bad promise 'soonish'"),
        ("", "bad promise"),
        ("2h ago", "not after the reply"),
        ("1.5 days", "bad promise"),
        ("3 fortnights", "bad promise"),
    ],
)
def test_a_malformed_promise_writes_nothing(cli, case, snapshot, promise, message) -> None:
    before = snapshot()
    result = cli("reply", case, "checking", "--promised", promise)
    assert result.exit_code == 1
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert snapshot() == before


def test_business_days_skip_the_weekend() -> None:
    friday = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)  # a Friday
    promised = timeparse.parse_promise("3 business days", since=friday)
    local = promised.astimezone(timeparse.local_zone(promised))
    assert local.weekday() == 2  # Wednesday
    assert timeparse.parse_promise("24h", since=friday) == friday + timedelta(hours=24)
    assert timeparse.parse_promise("in 2d", since=friday) == friday + timedelta(days=2)
    with pytest.raises(IssuenoteError, match="bad promise"):
        timeparse.parse_promise("whenever", since=friday)


def test_promise_states() -> None:
    now = datetime(2026, 11, 24, tzinfo=UTC)
    promise = {
        "promised_by": "2026-11-22T06:00:00Z",
        "answered_at": None,
        "agent": "Lily",
        "agent_id": "10086",
    }
    assert due.promise_state(promise, now) == "overdue"
    assert due.promise_line(promise, now).endswith(", 1 day ago")
    assert due.promise_state({**promise, "answered_at": "2026-11-21T00:00:00Z"}, now) == "kept"
    assert due.promise_state({**promise, "answered_at": "2026-11-23T00:00:00Z"}, now) == "late"
    later = {**promise, "promised_by": "2026-11-25T00:00:00Z"}
    assert due.promise_state(later, now) == "pending"


# -- complaint clock -----------------------------------------------------------------


def test_shipped_rules_cite_their_source() -> None:
    rules = clock.load_rules()
    assert {"uk", "au", "eu-payments"} <= set(rules)
    for rule in rules.values():
        assert rule.source.startswith("https://") and rule.escalate_url.startswith("https://")
    assert rules["uk"].period() == "8 weeks"
    assert rules["uk"].escalate_to == "Financial Ombudsman Service"


def test_the_uk_clock_in_show(cli, cli_json, case) -> None:
    cli("contact", case, "-c", "email", "--at", "60d ago")
    assert cli("edit", case, "--jurisdiction", "UK").exit_code == 0
    out = cli("show", case).stdout
    assert "First contact" in out
    assert "Financial Ombudsman Service now" in out
    assert "https://www.handbook.fca.org.uk/handbook/DISP/1/6.html" in out
    data = cli_json("show", case)
    assert data["jurisdiction"] == "uk"
    assert data["complaint_clock"]["may_escalate_now"] is True
    assert data["complaint_clock"]["days_since_first_contact"] == 60
    assert "May escalate now" in cli().stdout
    cli("edit", case, "--jurisdiction", "none")
    assert cli_json("show", case)["jurisdiction"] is None


def test_a_rule_from_config(cli, cli_json, case, notebook_home: Path) -> None:
    (notebook_home / "config.toml").write_text(
        '[escalation.test]\nname = "Testland"\nrule = "Rule 1"\ndays = 10\n'
        'escalate_to = "Test Ombudsman"\nescalate_url = "https://example.org/complain"\n'
        'source = "https://example.org/rule"\n',
        encoding="utf-8",
    )
    cli("contact", case, "-c", "email", "--at", "3d ago")
    assert cli("edit", case, "--jurisdiction", "test").exit_code == 0
    clock_data = cli_json("show", case)["complaint_clock"]
    assert clock_data["escalate_to"] == "Test Ombudsman"
    assert clock_data["may_escalate_now"] is False
    assert "may go from" in cli("due", "--days", "14").stdout


def test_an_unknown_jurisdiction_writes_nothing(cli, case, snapshot) -> None:
    before = snapshot()
    result = cli("edit", case, "--jurisdiction", "narnia")
    assert result.exit_code == 1
    assert "unknown jurisdiction 'narnia'; known: au, eu-payments, uk" in result.stderr
    assert snapshot() == before


# -- the agenda (no command) -----------------------------------------------------------


def test_agenda_on_an_empty_notebook(cli, notebook_home: Path) -> None:
    result = cli()
    assert result.exit_code == 0
    assert "No cases yet" in result.stdout
    assert "issuenote new" in result.stdout and "issuenote demo" in result.stdout
    assert "issuenote --help" in result.stdout
    assert not notebook_home.exists()


def test_agenda_on_a_busy_notebook(cli, busy) -> None:
    out = cli().stdout
    order = [
        out.index("Overdue"),
        out.index("Due today"),
        out.index("Waiting longest for an answer"),
        out.index("Recently active"),
        out.index("issuenote --help"),
    ]
    assert order == sorted(order)
    assert "Call support back" in out and "Check the wallet" in out
    assert "Write to the ombudsman" not in out  # in 3 days: `due` shows it
    assert "case 2: 3 days since you wrote" in out
    recent = out[out.index("Recently active") :]
    assert recent.count("  case ") == 3


def test_agenda_through_the_installed_executable(tmp_path: Path) -> None:
    import os
    import shutil
    import subprocess

    exe = shutil.which("issuenote")
    if exe is None:
        pytest.skip("issuenote is not installed in this environment")
    env = {**os.environ, "ISSUENOTE_HOME": str(tmp_path / "h")}
    done = subprocess.run([exe], env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0 and "No cases yet" in done.stdout
    done = subprocess.run(
        [exe, "--home", str(tmp_path / "h")], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0 and "No cases yet" in done.stdout


def test_help_still_lists_commands(cli) -> None:
    out = cli("--help").stdout
    assert "due" in out and "stats" in out and "search" in out


def test_due_json_is_one_document(cli, busy) -> None:
    result = cli("due", "--json")
    assert isinstance(json.loads(result.stdout), dict)


# -- the chat export says so, politely --------------------------------------------


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", "Lily (agent ID 10086) promised me a reply by"),
        ("zh", "Lily（工号 10086）曾承诺在"),
        ("ko", "까지 답변을 주시기로 하셨는데"),
    ],
)
def test_the_chat_export_mentions_a_broken_promise(cli, case, lang: str, words: str) -> None:
    cli("contact", case, "-c", "chat", "--at", "3d ago")
    cli(
        "reply",
        case,
        "we will check",
        "--agent",
        "Lily",
        "--agent-id",
        "10086",
        "--at",
        "3d ago",
        "--promised",
        "24h",
    )
    out = cli("export", case, "--format", "chat", "--lang", lang).stdout
    assert words in out


def test_the_chat_export_is_quiet_about_kept_or_future_promises(cli, case) -> None:
    cli("reply", case, "we will check", "--agent", "Lily", "--promised", "24h")
    assert "promised" not in cli("export", case, "--format", "chat").stdout
    cli("reply", case, "late answer", "--agent", "Lily", "--at", "now")
    assert "promised" not in cli("export", case, "--format", "chat").stdout
