"""Every test runs against a real notebook file in a temporary ISSUENOTE_HOME,
in a fixed time zone, with the OS keyring replaced by a failing test backend.

The zone and the terminal width are pinned so that no test depends on the
machine that runs it. To prove that no test depends on the pinned values
either, run the whole suite under others:

    ISSUENOTE_TEST_TZ=Pacific/Kiritimati ISSUENOTE_TEST_COLUMNS=40 python -m pytest -q
    ISSUENOTE_TEST_TZ=America/Adak python -m pytest -q

(+14:00 and -10:00: together they put "today" on every date a day can have.)
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from issuenote.cli import app


@pytest.fixture(autouse=True)
def notebook_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "home"
    monkeypatch.setenv("ISSUENOTE_HOME", str(home))
    monkeypatch.setenv("TZ", os.environ.get("ISSUENOTE_TEST_TZ") or "Asia/Shanghai")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", os.environ.get("ISSUENOTE_TEST_COLUMNS") or "100")
    monkeypatch.delenv("PAGER", raising=False)
    monkeypatch.delenv("ISSUENOTE_PAGER", raising=False)
    # Subprocesses must never reach a real keyring either.
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.delenv("ISSUENOTE_KEY", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)
    time.tzset()
    yield home
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def shanghai_zone(notebook_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """For a test that checks times as written in one zone (+08:00), whatever the run's zone.

    notebook_home puts the zone back afterwards.
    """
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()


@pytest.fixture
def cli() -> Callable[..., Result]:
    """Run issuenote in-process: cli("note", "1", "text") -> Result."""
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None) -> Result:
        return runner.invoke(app, list(args), input=input, catch_exceptions=False)

    return invoke


@pytest.fixture
def cli_json(cli: Callable[..., Result]) -> Callable[..., Any]:
    def invoke(*args: str, input: str | None = None) -> Any:
        result = cli(*args, "--json", input=input)
        assert result.exit_code == 0, result.stderr
        return json.loads(result.stdout)

    return invoke


@pytest.fixture
def snapshot(notebook_home: Path) -> Callable[[], list[str]]:
    """The notebook's full content as SQL, to prove a refused command wrote nothing."""

    def take() -> list[str]:
        path = notebook_home / "notebook.db"
        if not path.exists():
            return []
        conn = sqlite3.connect(path)
        try:
            return list(conn.iterdump())
        finally:
            conn.close()

    return take


@pytest.fixture
def case(cli: Callable[..., Result]) -> str:
    """A case to record on; returns its id."""
    result = cli("new", "USDT withdrawal stuck", "--platform", "OKX", "--category", "withdrawal")
    assert result.exit_code == 0, result.stderr
    return "1"
