"""A few runs through the real installed `issuenote` executable, as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

EXECUTABLE = Path(sys.executable).parent / "issuenote"

pytestmark = pytest.mark.skipif(
    not EXECUTABLE.exists(), reason="issuenote is not installed in this interpreter's environment"
)


def run(*args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(EXECUTABLE), *args],
        input=input,
        capture_output=True,
        text=True,
        timeout=60,
        env=os.environ.copy(),
    )


def test_record_and_show(notebook_home: Path) -> None:
    assert run("new", "Withdrawal stuck", "--platform", "OKX").returncode == 0
    assert run("note", "1", "-", input="from stdin\n").returncode == 0
    shown = run("show", "1", "--json")
    assert shown.returncode == 0
    doc = json.loads(shown.stdout)
    assert doc["entries"][0]["text"] == "from stdin"
    assert (notebook_home / "notebook.db").exists()


def test_user_error_is_one_line_exit_1() -> None:
    run("new", "Withdrawal stuck")
    result = run("show", "42")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith("issuenote: unknown case '42'")
    assert result.stderr.count("\n") == 1


def test_usage_error_is_one_line_exit_2_with_the_help_hint() -> None:
    result = run("note")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        "issuenote: note: missing argument CASE (see `issuenote note --help`)\n"
    )


def test_piped_output_has_no_colour_codes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR")
    run("new", "Withdrawal stuck")
    for args in (("show", "1"), ("list",), ("--help",)):
        result = run(*args)
        assert result.returncode == 0
        assert "\x1b" not in result.stdout


def test_demo_leaves_the_real_notebook_alone(notebook_home: Path) -> None:
    result = run("demo", "--no-keep")
    assert result.returncode == 0, result.stderr
    assert "USDT withdrawal stuck for three days" in result.stdout
    assert "TK-88412907" in result.stdout and "CS-4471" in result.stdout
    assert not notebook_home.exists()


def test_python_dash_m() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "issuenote", "--version"], capture_output=True, text=True
    )
    assert result.returncode == 0
    assert result.stdout.startswith("issuenote ")
