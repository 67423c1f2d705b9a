"""Two to four processes writing to one case at once: all stored, ids unique, no error shown.

The machinery lives in benchmarks/concurrency.py (whose full run also times
the one-process-per-write case); here it runs at a size the suite can afford.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXECUTABLE = Path(sys.executable).parent / "issuenote"

needs_executable = pytest.mark.skipif(
    not EXECUTABLE.exists(), reason="issuenote is not installed next to this Python"
)


def load_benchmark() -> ModuleType:
    path = ROOT / "benchmarks" / "concurrency.py"
    spec = importlib.util.spec_from_file_location("concurrency_benchmark", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


bench = load_benchmark()


@needs_executable
@pytest.mark.parametrize("writers", [2, 3, 4])
def test_writers_through_the_cli_lose_nothing(notebook_home: Path, writers: int) -> None:
    case = bench.make_notebook(notebook_home)
    result = bench.run_in_process(notebook_home, case, writers, 200, readers=1)
    problems = bench.verify(notebook_home, case, result)
    assert problems == [], problems[:10]
    assert len(result.writes_done) == writers * 200
    assert result.reads_done, "the reader never ran alongside the writers"
    doc = json.loads(
        subprocess.run(
            [str(EXECUTABLE), "show", case, "--json"],
            capture_output=True,
            text=True,
            env=bench.environment(notebook_home),
            check=True,
        ).stdout
    )
    assert {e["id"] for e in doc["entries"]} == {r["id"] for r in result.writes_done}


@needs_executable
def test_one_process_per_write_as_from_several_terminals(notebook_home: Path) -> None:
    case = bench.make_notebook(notebook_home)
    result = bench.run_executables(notebook_home, case, 3, 15)
    problems = bench.verify(notebook_home, case, result)
    assert problems == [], problems[:10]


@needs_executable
@pytest.mark.parametrize("attempt", range(3))
def test_first_run_from_four_terminals_at_once(tmp_path: Path, attempt: int) -> None:
    """Four `new`s on a notebook that does not exist yet: one schema, one key, four cases."""
    home = tmp_path / "fresh"
    env = bench.environment(home)
    procs = [
        subprocess.Popen(
            [str(EXECUTABLE), "new", f"case {n}", "--account", f"UID 1000000{n}", "--json"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for n in range(4)
    ]
    outputs = [proc.communicate(timeout=120) for proc in procs]
    assert [proc.returncode for proc in procs] == [0, 0, 0, 0], [err for _, err in outputs]
    warnings = [err for _, err in outputs if err]
    # Exactly one process made the key (and said so); nobody saw an error.
    assert len(warnings) == 1 and "no usable OS keyring" in warnings[0], warnings
    ids = sorted(json.loads(out)["id"] for out, _ in outputs)
    assert ids == [1, 2, 3, 4]
    for case_id in ids:
        shown = subprocess.run(
            [str(EXECUTABLE), "show", str(case_id), "--json"],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        doc = json.loads(shown.stdout)
        assert doc["unreadable"] == []
        assert doc["account"] == f"UID 1000000{doc['title'][-1]}"


OPENER = """
import os, sys
from pathlib import Path
from issuenote.store import Store
home, go = sys.argv[1:3]
while not os.path.exists(go):
    pass
Store.open(Path(home), create=True).close()
"""


def test_simultaneous_first_opens_never_report_a_lock(tmp_path: Path) -> None:
    """Regression: switching a new notebook to WAL from two processes at once.

    SQLite answers "database is locked" at once (no busy wait) to one of two
    connections changing the journal mode together; the store retries.
    Spinning on a go-file lines the four processes up to the microsecond.
    """
    for round_no in range(10):
        home, go = tmp_path / f"home-{round_no}", tmp_path / f"go-{round_no}"
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", OPENER, str(home), str(go)],
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(4)
        ]
        time.sleep(0.25)  # every process imported and spinning
        go.touch()
        errors = [proc.communicate(timeout=60)[1] for proc in procs]
        assert [proc.returncode for proc in procs] == [0, 0, 0, 0], errors
