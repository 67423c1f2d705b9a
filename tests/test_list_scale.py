"""`list` at any size: a limit, an "N more" line, index-ordered SQL, widths that fit."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from issuenote import layout
from issuenote.parse import timeparse
from issuenote.store import Store
from tests.query_plans import query_plans


def _import_cases(cli: Callable[..., Result], tmp_path: Path, count: int) -> None:
    """`count` open cases through import (far quicker than `new` each time)."""
    cases = [
        {
            "uuid": f"00000000-0000-4000-8000-{number:012d}",
            "title": f"Case number {number}",
            "platform": "OKX",
            "category": "withdrawal",
            "status": "open",
            "tags": [],
            "created_at": f"2025-01-01T{number // 60:02d}:{number % 60:02d}:00+00:00",
            "updated_at": f"2025-01-01T{number // 60:02d}:{number % 60:02d}:00+00:00",
            "entries": [],
            "transactions": [],
        }
        for number in range(1, count + 1)
    ]
    document = {"format": "issuenote-notebook", "schema_version": 1, "cases": cases}
    path = tmp_path / "cases.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    result = cli("import", str(path))
    assert result.exit_code == 0, result.stderr


def test_list_shows_fifty_and_says_how_many_more(cli, tmp_path: Path) -> None:
    _import_cases(cli, tmp_path, 57)
    lines = cli("list").stdout.splitlines()
    assert len(lines) == 1 + 50 + 1  # header, 50 cases, the "more" line
    assert lines[-1] == "… 7 more cases (--limit N shows more, --limit 0 all)"
    # newest activity first
    assert lines[1].split()[0] == "57" and lines[50].split()[0] == "8"


def test_list_limit_and_zero_for_all(cli, cli_json, tmp_path: Path) -> None:
    _import_cases(cli, tmp_path, 57)
    assert [c["id"] for c in cli_json("list", "--limit", "3")] == [57, 56, 55]
    assert len(cli_json("list", "--limit", "0")) == 57
    assert len(cli_json("list", "-n", "57")) == 57
    out = cli("list", "--limit", "56").stdout
    assert out.splitlines()[-1] == "… 1 more case (--limit N shows more, --limit 0 all)"
    assert "more" not in cli("list", "--limit", "57").stdout


def test_list_json_stays_one_document_and_notes_the_rest_on_stderr(cli, tmp_path: Path) -> None:
    _import_cases(cli, tmp_path, 52)
    result = cli("list", "--json")
    assert len(json.loads(result.stdout)) == 50
    assert "2 more cases" in result.stderr


@pytest.mark.parametrize("bad", ["-1", "x", "1.5", ""])
def test_list_refuses_a_bad_limit(cli, case, snapshot, bad: str) -> None:
    before = snapshot()
    result = cli("list", "--limit", bad)
    assert result.exit_code != 0
    assert result.stdout == ""
    assert snapshot() == before


def test_piped_list_is_plain_aligned_and_never_cut(cli) -> None:
    long_title = "Withdrawal of USDT stuck " + "提现卡住 " * 40 + "END"
    cli("new", long_title, "--platform", "Upbit", "--tag", "urgent")
    cli("new", "Short", "--platform", "OKX")
    cli("step", "2", "Chase support", "--due", "2099-01-01 10:00")
    lines = cli("list").stdout.splitlines()
    assert len(lines) == 3
    assert all(line == line.rstrip() for line in lines)
    assert "\x1b" not in "".join(lines)
    assert lines[2].endswith(long_title + "  #urgent")
    # columns line up: the title starts at the same place on every line
    starts = {
        line.index(word) for line, word in zip(lines, ("Title", "Short", "Withdrawal"), strict=True)
    }
    assert len(starts) == 1
    assert "1 next 2099-01-01 10:00" in lines[1]


def _cases(count: int, **extra: Any) -> list[dict[str, Any]]:
    return [
        {
            "id": number,
            "title": f"A reasonably long case title number {number} 提现",
            "platform": "Binance",
            "status": "escalated",
            "occurred_at": None,
            "created_at": "2025-01-01T00:00:00Z",
            "last_activity": "2025-02-01T00:00:00Z",
            "open_steps": 2,
            "next_due": "2025-01-05T00:00:00Z",
            "tags": ["usdt"],
            **extra,
        }
        for number in range(1, count + 1)
    ]


@pytest.mark.parametrize("width", [120, 100, 80, 60, 40])
def test_terminal_list_fits_its_width_one_line_per_case(width: int) -> None:
    from rich.cells import cell_len

    from issuenote import render

    now = timeparse.parse_time("2025-03-01T00:00:00Z")
    lines = render.cases_lines(_cases(12), width=width, now=now)
    assert len(lines) == 13
    for line in lines:
        assert cell_len(line.plain) <= width
        assert "\n" not in line.plain
    rows = [layout.cells(case, now, compact=True) for case in _cases(12)]
    columns, sizes = layout.fit(rows, width)
    keys = [column.key for column in columns]
    assert keys[0] == "id" and keys[-1] == "title" and "active" in keys
    if width >= 60:
        assert sizes["title"] >= layout.TITLE_MIN
    if width == 80:
        assert "platform" in keys and "steps" in keys and "age" not in keys
    if width == 60:
        assert keys == ["id", "status", "active", "title"]


def test_cell_width_counts_wide_and_combining_characters() -> None:
    assert layout.cell_width("abc") == 3
    assert layout.cell_width("提现") == 4
    assert layout.cell_width("출금") == 4
    assert layout.cell_width("e\u0301") == 1


# -- the SQL behind list reads only the shown rows, off indexes -----------------------


@pytest.fixture
def store(cli, tmp_path: Path, notebook_home: Path) -> Iterator[Store]:
    _import_cases(cli, tmp_path, 5)
    opened = Store.open(notebook_home, create=False)
    assert opened is not None
    yield opened
    opened.close()


def _plans(store: Store, call: Callable[[], Any]) -> list[str]:
    return [detail for details in query_plans(store, call).values() for detail in details]


@pytest.mark.parametrize(
    "filters",
    [{}, {"include_finished": True}, {"status": "open"}, {"platform": "okx"}, {"tag": "x"}],
)
def test_list_query_is_ordered_by_the_activity_index(store: Store, filters) -> None:
    plans = _plans(store, lambda: store.list_cases(**filters, limit=50))
    assert any("cases_activity" in step for step in plans), plans
    assert not any("TEMP B-TREE" in step for step in plans), plans
    # counts come from indexes, never from a scan of every entry
    assert not any(step.startswith("SCAN e") for step in plans), plans


def test_agenda_indexes_exist_for_open_steps(store: Store) -> None:
    plan = _plans(
        store,
        lambda: store.conn.execute(
            "SELECT min(due) FROM entries WHERE case_id = ? AND kind = 'step' "
            "AND done_at IS NULL AND deleted_at IS NULL",
            (1,),
        ).fetchall(),
    )
    assert any("entries_case_open_steps" in step for step in plan), plan


def test_activity_follows_entries_whoever_writes_them(cli, store: Store) -> None:
    order = [c["id"] for c in store.list_cases()]
    assert order[0] == 5
    cli("note", "2", "something new")
    assert [c["id"] for c in store.list_cases(limit=1)] == [2]
    # moving that entry back in time gives case 2 its old place again
    with store.writing():
        store.conn.execute("UPDATE entries SET at = '2020-01-01T00:00:00Z' WHERE case_id = 2")
        store.conn.execute("UPDATE cases SET updated_at = '2025-01-01T00:02:00Z' WHERE id = 2")
    assert [c["id"] for c in store.list_cases()] == order
    with store.writing():
        store.conn.execute("DELETE FROM entries WHERE case_id = 2")
    row = store.conn.execute("SELECT activity_at, last_entry_id FROM cases WHERE id = 2").fetchone()
    assert tuple(row) == ("2025-01-01T00:02:00Z", 0)


def test_upgrade_fills_activity_for_existing_cases(tmp_path: Path) -> None:
    from tests.migration_helpers import add_case, database_before

    path = tmp_path / "old.db"
    db, pending = database_before(path, "m007")  # the notebook as it was before m007
    add_case(db)
    db.execute(
        "INSERT INTO entries (uuid, case_id, kind, text, at, created_at) "
        "VALUES ('e1', 1, 'note', 'x', '2025-06-01T00:00:00Z', '2025-01-01T00:00:00Z')"
    )
    pending[0].fn(db)
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT activity_at, last_entry_id FROM cases").fetchone() == (
        "2025-06-01T00:00:00Z",
        1,
    )


def test_undo_puts_activity_back_with_the_rows(cli, cli_json, tmp_path: Path) -> None:
    """The triggers stand aside during an undo: the journal's row images hold these columns."""
    _import_cases(cli, tmp_path, 3)
    before = [c["id"] for c in cli_json("list")]
    assert cli("note", "1", "newest activity").exit_code == 0
    assert cli_json("list")[0]["id"] == 1
    result = cli("undo", "--yes")
    assert result.exit_code == 0, result.stderr
    assert [c["id"] for c in cli_json("list")] == before
    assert cli("new", "A fresh case").exit_code == 0
    assert cli("undo", "--yes").exit_code == 0
    assert [c["id"] for c in cli_json("list")] == before
