"""The agenda and `due` at any size: bounded sections, index-driven SQL, m010's waiting index."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from issuenote import actions
from issuenote.parse import timeparse
from issuenote.store import Store
from tests.query_plans import query_plans

Cli = Callable[..., Result]
FROZEN_NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # 10:00 in the suite's zone

# The query the agenda used before m010: every case, two max() over its entries.
REFERENCE_WAITING = """
    SELECT * FROM (
        SELECT c.id, c.title, c.platform, c.status,
               (SELECT max(e.at) FROM entries e WHERE e.case_id = c.id
                AND e.kind IN ('contact', 'escalation') AND e.deleted_at IS NULL) AS asked_at,
               (SELECT max(e.at) FROM entries e WHERE e.case_id = c.id
                AND e.kind = 'reply' AND e.deleted_at IS NULL) AS answered_at
        FROM cases c WHERE c.status NOT IN ('resolved', 'closed')
    )
    WHERE asked_at IS NOT NULL AND asked_at >= coalesce(answered_at, '')
    ORDER BY asked_at, id
"""


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(timeparse, "utc_now", lambda: FROZEN_NOW)


def _import(cli: Cli, tmp_path: Path, cases: list[dict[str, Any]]) -> None:
    document = {"format": "issuenote-notebook", "schema_version": 1, "cases": cases}
    path = tmp_path / "cases.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    result = cli("import", str(path))
    assert result.exit_code == 0, result.stderr


def _case(number: int, entries: list[dict[str, Any]], status: str = "open") -> dict[str, Any]:
    return {
        "uuid": f"00000000-0000-4000-8000-{number:012d}",
        "title": f"Case number {number}",
        "platform": "OKX",
        "category": "withdrawal",
        "status": status,
        "tags": [],
        "created_at": "2025-01-01T00:00:00+00:00",
        "updated_at": "2025-01-01T00:00:00+00:00",
        "entries": entries,
        "transactions": [],
    }


def _step(case: int, day: int) -> dict[str, Any]:
    return {
        "uuid": f"00000000-0000-4000-9000-{case:06d}{day:06d}",
        "kind": "step",
        "text": f"step due on day {day}",
        "at": "2025-01-01T00:00:00+00:00",
        "due": f"2025-02-{day:02d}T09:00:00+00:00",
    }


@pytest.fixture
def overdue_notebook(cli: Cli, tmp_path: Path) -> None:
    """25 overdue steps on one case, 2 on a closed case (never shown)."""
    open_case = _case(1, [_step(1, day) for day in range(1, 26)])
    _import(cli, tmp_path, [open_case, _case(2, [_step(2, 1), _step(2, 2)], status="closed")])


def test_agenda_shows_ten_overdue_and_says_how_many_more(cli: Cli, overdue_notebook) -> None:
    out = cli().stdout
    section = out[out.index("Overdue") : out.index("Recently active")]
    assert section.count("step due on day") == 10
    assert "step due on day 1 " in section and "step due on day 11 " not in section
    assert "… and 15 more (`issuenote due`)" in section


def test_due_limits_each_group_and_zero_shows_all(cli: Cli, overdue_notebook) -> None:
    out = cli("due", "--limit", "20").stdout
    assert out.count("step due on day") == 20
    assert "… 5 more steps (--limit N shows more, --limit 0 all)" in out
    assert cli("due").stdout.count("step due on day") == 25  # under the default 50
    assert "more steps" not in cli("due", "-n", "0").stdout


def test_due_json_stays_one_document_and_notes_the_rest_on_stderr(
    cli: Cli, overdue_notebook
) -> None:
    result = cli("due", "--json", "-n", "3")
    data = json.loads(result.stdout)
    assert [s["text"] for s in data["overdue"]] == [f"step due on day {d}" for d in (1, 2, 3)]
    assert "22 more overdue steps" in result.stderr


def test_a_limit_of_the_exact_size_says_nothing_more(cli: Cli, overdue_notebook) -> None:
    assert "more" not in cli("due", "-n", "25").stdout


@pytest.mark.parametrize("bad", ["-1", "x"])
def test_due_refuses_a_bad_limit(cli: Cli, bad: str) -> None:
    assert cli("due", "--limit", bad).exit_code != 0


# -- the SQL behind the agenda and `due` reads only what it shows ---------------------


@pytest.fixture
def store(cli: Cli, overdue_notebook, notebook_home: Path) -> Iterator[Store]:
    opened = Store.open(notebook_home, create=False)
    assert opened is not None
    yield opened
    opened.close()


def _plans(store: Store, call: Callable[[], Any]) -> dict[str, list[str]]:
    return query_plans(store, call)


# Partial indexes hold only the rows these queries want: reading one whole is fine.
PARTIAL = ("cases_waiting", "cases_jurisdiction", "entries_open_steps", "entries_promised")


def _full_scans(plans: dict[str, list[str]]) -> list[str]:
    """Steps that read every case or every entry: a whole table, or a whole full index."""
    found = []
    for sql, steps in plans.items():
        for step in steps:
            if not step.startswith(("SCAN c", "SCAN e", "SCAN cases", "SCAN entries")):
                continue
            if any(index in step for index in PARTIAL):
                continue
            if "USING" in step and sql.split()[-2:-1] == ["LIMIT"]:
                continue  # an ordered index read, stopped by the limit
            if sql.startswith("SELECT count(*) FROM cases") and "COVERING INDEX" in step:
                continue  # one count of the cases table (the agenda's "no cases yet")
            if sql.startswith("SELECT count(*) FROM cases c CROSS JOIN") and step == "SCAN c":
                continue  # "N more steps": the cases once, each one's steps off an index
            found.append(f"{step}  <-  {sql[:80]}")
    return found


def test_agenda_reads_off_indexes(store: Store) -> None:
    plans = _plans(store, lambda: actions.agenda(store))
    assert not _full_scans(plans), plans
    every = [step for steps in plans.values() for step in steps]
    assert any("cases_waiting" in step for step in every), plans
    assert any("cases_activity" in step for step in every), plans
    assert any("entries_open_steps" in step for step in every), plans
    assert any("cases_jurisdiction" in step for step in every), plans


def test_waiting_and_recent_need_no_sort(store: Store) -> None:
    """Both come in order off their index (recent sorts only cases active the same second)."""
    for call in (lambda: store.waiting_cases(limit=5), lambda: store.recent_cases(3)):
        plans = _plans(store, call)
        every = [step for steps in plans.values() for step in steps]
        assert "USE TEMP B-TREE FOR ORDER BY" not in every, plans


def test_due_reads_off_indexes(store: Store) -> None:
    plans = _plans(store, lambda: actions.due_report(store, decrypt=False, limit=3))
    assert not _full_scans(plans), plans
    every = [step for steps in plans.values() for step in steps]
    assert "USE TEMP B-TREE FOR ORDER BY" not in every, plans  # steps come in due order
    assert any("entries_case_open_steps" in step for step in every), plans  # the count


# -- m010: asked_at / answered_at follow the entries, whoever writes ------------------


def _waiting(store: Store) -> list[dict[str, Any]]:
    return store.waiting_cases()


def _reference(store: Store) -> list[dict[str, Any]]:
    return [dict(row) for row in store.conn.execute(REFERENCE_WAITING)]


def test_waiting_follows_every_write(cli: Cli, tmp_path: Path, notebook_home: Path) -> None:
    _import(cli, tmp_path, [_case(n, []) for n in (1, 2, 3)])
    store = Store.open(notebook_home, create=False)
    assert store is not None
    try:
        writes: list[tuple[str, ...]] = [
            ("contact", "1", "-c", "chat", "--at", "3d ago"),
            ("contact", "2", "-c", "email", "--at", "5d ago"),
            ("escalate", "3", "to the ombudsman", "--at", "2d ago"),
            ("reply", "1", "checking", "--at", "2d ago"),
            ("contact", "1", "-c", "chat", "--at", "1d ago"),
            ("reply", "2", "an answer from the past", "--at", "6d ago"),  # before the contact
            ("amend", "2", "2", "--at", "4d ago"),  # now after it: answered
            ("rm", "1", "3", "--yes"),  # the last contact of case 1 goes
            ("status", "3", "resolved"),
            ("undo", "--yes"),
            ("undo", "--yes"),
            ("note", "2", "a note changes nothing"),
        ]
        for args in writes:
            result = cli(*args)
            assert result.exit_code == 0, (args, result.stderr)
            assert _waiting(store) == _reference(store), args
        assert _reference(store)  # the sequence left something waiting
        with store.writing():  # an import or a merge writes rows directly
            store.conn.execute("UPDATE entries SET kind = 'note' WHERE kind = 'escalation'")
        assert _waiting(store) == _reference(store)
        with store.writing():
            store.conn.execute("DELETE FROM entries WHERE case_id = 2")
        assert _waiting(store) == _reference(store)
    finally:
        store.close()


def test_upgrade_fills_asked_and_answered(tmp_path: Path) -> None:
    from tests.migration_helpers import add_case, database_before

    path = tmp_path / "old.db"
    db, pending = database_before(path, "m010")  # the notebook as it was before m010
    add_case(db)
    for number, (kind, at, deleted) in enumerate(
        [
            ("contact", "2025-06-01T00:00:00Z", None),
            ("reply", "2025-06-02T00:00:00Z", None),
            ("escalation", "2025-06-03T00:00:00Z", None),
            ("contact", "2025-06-04T00:00:00Z", "2025-06-05T00:00:00Z"),  # deleted: not counted
        ],
        start=1,
    ):
        db.execute(
            "INSERT INTO entries (uuid, case_id, number, kind, text, at, created_at, deleted_at) "
            "VALUES (?, 1, ?, ?, 'x', ?, '2025-01-01T00:00:00Z', ?)",
            [f"e{number}", number, kind, at, deleted],
        )
    for later in pending:
        later.fn(db)
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT asked_at, answered_at FROM cases").fetchone() == (
        "2025-06-03T00:00:00Z",
        "2025-06-02T00:00:00Z",
    )
