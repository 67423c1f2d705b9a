"""Several processes writing to one notebook at once: nothing lost, nothing refused.

    python benchmarks/concurrency.py                    # 2, 3, 4 writers x 200 notes
    python benchmarks/concurrency.py --writes 500 --exec-writes 200

Two ways of writing, both through the CLI (argument parsing, validation, one
transaction per command, JSON output):

- in-process: each writer is one Python process that runs the `issuenote`
  entry point 200 times (a fresh app, connection and transaction each time),
  which keeps the start-up cost out and the lock contention in;
- executable: each write is its own run of the installed `issuenote`, as
  from several terminals; slower (one interpreter start per write).

Readers (`show --json`, `list --json`) run alongside. Every write must exit 0
with empty stderr (no "database is locked", no traceback), every id must be
unique, and every note must be in the notebook afterwards. Prints wall time,
throughput and per-write latency; exits 1 if any promise is broken.
tests/test_concurrency.py runs the same machinery at suite size.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

EXECUTABLE = Path(sys.executable).parent / "issuenote"

# Runs in each writer / reader process: the real entry point, in-process.
WORKER = r"""
import contextlib, io, json, os, sys, time, traceback

from issuenote.launch import main


def run(argv):
    out, err = io.StringIO(), io.StringIO()
    sys.argv = ["issuenote", *argv]
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main()
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
        except BaseException:
            code = "traceback"
            err.write(traceback.format_exc())
    return code, out.getvalue(), err.getvalue()


mode, case, tag, count, go, stop = sys.argv[1:7]
while not os.path.exists(go):
    time.sleep(0.001)
results = []
i = 0
while (mode == "write" and i < int(count)) or (mode == "read" and not os.path.exists(stop)):
    if mode == "write":
        argv = ["note", case, f"{tag}-{i}", "--json"]
    else:
        argv = ["show", case, "--json"] if i % 2 == 0 else ["list", "--json"]
    started = time.perf_counter()
    code, out, err = run(argv)
    seconds = time.perf_counter() - started
    record = {"code": code, "stderr": err, "seconds": seconds, "text": f"{tag}-{i}"}
    if code == 0 and mode == "write":
        record["id"] = json.loads(out)["id"]
    results.append(record)
    i += 1
sys.stdout.write(json.dumps(results))
"""


@dataclass
class RunResult:
    mode: str
    writers: int
    writes: int
    wall_seconds: float
    writes_done: list[dict[str, Any]] = field(default_factory=list)
    reads_done: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def latencies(self) -> list[float]:
        return sorted(record["seconds"] for record in self.writes_done)

    def line(self) -> str:
        lat = self.latencies() or [0.0]
        p95 = lat[min(len(lat) - 1, int(len(lat) * 0.95))]
        total = self.writers * self.writes
        return (
            f"{self.mode:10} {self.writers} x {self.writes:4} = {total:5} writes in "
            f"{self.wall_seconds:6.2f} s ({total / self.wall_seconds:6.0f}/s); per write "
            f"median {statistics.median(lat) * 1000:5.1f} ms, p95 {p95 * 1000:6.1f} ms, "
            f"max {lat[-1] * 1000:6.1f} ms; {len(self.reads_done)} reads alongside; "
            f"problems: {len(self.problems)}"
        )


def environment(home: Path) -> dict[str, str]:
    env = os.environ.copy()
    env.update(
        {
            "ISSUENOTE_HOME": str(home),
            "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
            "NO_COLOR": "1",
        }
    )
    env.pop("ISSUENOTE_DEBUG", None)
    return env


def make_notebook(home: Path, executable: Path = EXECUTABLE) -> str:
    """A notebook with one case to write to; returns the case id."""
    done = subprocess.run(
        [str(executable), "new", "Shared case", "--platform", "OKX", "--json"],
        capture_output=True,
        text=True,
        env=environment(home),
        check=True,
    )
    return str(json.loads(done.stdout)["id"])


def _start_worker(
    mode: str, home: Path, case: str, tag: str, count: int, go: Path, stop: Path
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", WORKER, mode, case, tag, str(count), str(go), str(stop)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment(home),
    )


def run_in_process(
    home: Path, case: str, writers: int, writes: int, *, readers: int = 1
) -> RunResult:
    """`writers` processes, each running the CLI entry point `writes` times, all at once."""
    go, stop = home / f".go-{writers}", home / f".stop-{writers}"
    procs = [
        _start_worker("write", home, case, f"p{writers}w{n}", writes, go, stop)
        for n in range(writers)
    ]
    readers_procs = [_start_worker("read", home, case, "r", 0, go, stop) for _ in range(readers)]
    time.sleep(0.5)  # let every worker finish importing, so they really start together
    started = time.perf_counter()
    go.touch()
    outputs = [proc.communicate(timeout=600) for proc in procs]
    wall = time.perf_counter() - started
    stop.touch()
    read_outputs = [proc.communicate(timeout=600) for proc in readers_procs]
    result = RunResult("in-process", writers, writes, wall)
    for proc, (out, err) in zip(procs + readers_procs, outputs + read_outputs, strict=True):
        if proc.returncode != 0 or err:
            result.problems.append(f"worker exited {proc.returncode}: {err.strip()[-500:]}")
            continue
        records = json.loads(out)
        (result.writes_done if proc in procs else result.reads_done).extend(records)
    go.unlink()
    stop.unlink()
    return result


def run_executables(
    home: Path, case: str, writers: int, writes: int, executable: Path = EXECUTABLE
) -> RunResult:
    """`writers` terminals, each running `issuenote note` `writes` times in a row."""
    env = environment(home)
    records: list[dict[str, Any]] = []
    lock = threading.Lock()
    barrier = threading.Barrier(writers)

    def terminal(n: int) -> None:
        barrier.wait()
        for i in range(writes):
            text = f"x{writers}w{n}-{i}"
            started = time.perf_counter()
            done = subprocess.run(
                [str(executable), "note", case, text, "--json"],
                capture_output=True,
                text=True,
                env=env,
            )
            record = {
                "code": done.returncode,
                "stderr": done.stderr,
                "seconds": time.perf_counter() - started,
                "text": text,
            }
            if done.returncode == 0:
                record["id"] = json.loads(done.stdout)["id"]
            with lock:
                records.append(record)

    threads = [threading.Thread(target=terminal, args=(n,)) for n in range(writers)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result = RunResult("executable", writers, writes, time.perf_counter() - started)
    result.writes_done = records
    return result


def verify(home: Path, case: str, result: RunResult) -> list[str]:
    """Every promise of the run: exit 0, quiet stderr, unique ids, every note stored."""
    problems = list(result.problems)
    expected = result.writers * result.writes
    if len(result.writes_done) != expected:
        problems.append(f"{len(result.writes_done)} writes reported, {expected} started")
    for record in result.writes_done + result.reads_done:
        if record["code"] != 0 or record["stderr"]:
            problems.append(f"{record['text']}: exit {record['code']}: {record['stderr'][-300:]}")
    ids = [record.get("id") for record in result.writes_done]
    if len(set(ids)) != len(ids):
        problems.append(f"{len(ids) - len(set(ids))} duplicate ids")
    conn = sqlite3.connect(home / "notebook.db")
    try:
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        if integrity != "ok":
            problems.append(f"integrity_check: {integrity}")
        stored = dict(
            conn.execute("SELECT id, text FROM entries WHERE case_id = ?", (int(case),)).fetchall()
        )
    finally:
        conn.close()
    for record in result.writes_done:
        if stored.get(record.get("id")) != record["text"]:
            problems.append(f"{record['text']} (id {record.get('id')}) is not stored as reported")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--writers", type=int, nargs="+", default=[2, 3, 4])
    parser.add_argument("--writes", type=int, default=200, help="in-process writes per writer")
    parser.add_argument(
        "--exec-writes", type=int, default=200, help="executable runs per writer (0 skips them)"
    )
    parser.add_argument("--executable", type=Path, default=EXECUTABLE)
    options = parser.parse_args()
    failed = False
    with tempfile.TemporaryDirectory(prefix="issuenote-concurrency-") as tmp:
        for writers in options.writers:
            runs = [("in-process", options.writes)]
            if options.exec_writes:
                runs.append(("executable", options.exec_writes))
            for mode, writes in runs:
                home = Path(tmp) / f"{mode}-{writers}"
                case = make_notebook(home, options.executable)
                if mode == "in-process":
                    result = run_in_process(home, case, writers, writes)
                else:
                    result = run_executables(home, case, writers, writes, options.executable)
                problems = verify(home, case, result)
                print(result.line(), flush=True)
                for problem in problems[:10]:
                    print(f"  PROBLEM {problem}")
                failed = failed or bool(problems)
    print("RESULT: " + ("FAIL" if failed else "ok, every write stored, no error reached the user"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
