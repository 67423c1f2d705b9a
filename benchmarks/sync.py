"""Sync timings on a big notebook: 1,000 cases and 50,000 entries by default.

    python benchmarks/sync.py                       # 1,000 cases x 50 entries
    python benchmarks/sync.py --cases 100 --entries-per-case 20   # a quick look

Through the real `issuenote` executable, with a bare git repository in a
temporary directory as the remote (so the network is not measured):

- first sync: `sync init` on the device that has the notebook (publishes all);
- join: `sync init` on a second, empty device (fetches, opens, merges all);
- incremental: one `note` on the first device, then its `sync` (sends one
  case), then the second device's `sync` (receives one case);
- a sync with nothing to do;
- `note` with `sync = "auto"` against `note` without it (the background sync
  must not add to the command's time), median of several runs each.

Each figure is wall time, with the CPU time (user + system) of the process
in brackets: on a shared, busy machine the CPU time is the steadier figure.
Also prints the remote's size. Figures only; no pass/fail.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

EXECUTABLE = Path(sys.executable).parent / "issuenote"


def notebook_export(cases: int, entries_per_case: int) -> dict[str, object]:
    """An `export --all` document: what `issuenote import` fills the notebook from."""
    documents = []
    for n in range(1, cases + 1):
        entries = [
            {
                "uuid": str(uuid.uuid4()),
                "kind": "note",
                "text": f"Case {n} note {e}: agent asked to wait, ticket follow-up 提现 출금",
                "at": f"2026-0{1 + e % 9}-{1 + e % 28:02d}T{e % 24:02d}:{e % 60:02d}:00+00:00",
            }
            for e in range(entries_per_case)
        ]
        documents.append(
            {
                "uuid": str(uuid.uuid4()),
                "title": f"Withdrawal {n} stuck",
                "platform": "OKX",
                "category": "withdrawal",
                "status": "open",
                "created_at": "2026-01-01T00:00:00+00:00",
                "updated_at": "2026-10-01T00:00:00+00:00",
                "entries": entries,
                "transactions": [],
                "tags": ["usdt"],
            }
        )
    return {"format": "issuenote-notebook", "schema_version": 1, "cases": documents}


CPU: dict[str, float] = {"last": 0.0}


def timed(seconds: float) -> str:
    return f"{seconds:.2f} s (cpu {CPU['last']:.2f} s)"


def run(home: Path, *args: str, env: dict[str, str] | None = None) -> float:
    environment = {
        **os.environ,
        "ISSUENOTE_HOME": str(home),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        **(env or {}),
    }
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    completed = subprocess.run(
        [str(EXECUTABLE), *args], env=environment, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU["last"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if completed.returncode != 0:
        sys.exit(f"issuenote {' '.join(args)} failed: {completed.stderr.strip()}")
    return elapsed


def output(home: Path, *args: str) -> str:
    environment = {
        **os.environ,
        "ISSUENOTE_HOME": str(home),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }
    return subprocess.run(
        [str(EXECUTABLE), *args], env=environment, capture_output=True, text=True, check=True
    ).stdout


def wait_for_background(home: Path) -> None:
    """Until the detached sync has taken the pending mark and released its lock."""
    deadline = time.monotonic() + 300
    while (home / "sync" / "auto-pending").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    import fcntl

    with open(home / "sync" / "auto.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # waits for the running background sync


def size_of(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--entries-per-case", type=int, default=50)
    parser.add_argument("--note-runs", type=int, default=7)
    options = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="issuenote-sync-bench-"))
    try:
        one, two, remote = root / "one", root / "two", root / "remote.git"
        subprocess.run(
            ["git", "init", "--quiet", "--bare", "--initial-branch=main", str(remote)], check=True
        )
        export = root / "notebook.json"
        export.write_text(json.dumps(notebook_export(options.cases, options.entries_per_case)))
        filled = run(one, "import", str(export))
        total = options.cases * options.entries_per_case
        print(f"notebook: {options.cases:,} cases, {total:,} entries (import {filled:.1f} s)")

        first = run(one, "sync", "init", str(remote), "--name", "one")
        print(f"first sync (sync init, publishes everything): {timed(first)}")
        print(f"remote size after it: {size_of(remote) / 1e6:.1f} MB")
        key = output(one, "key", "export", "--yes").strip()
        join = run(two, "sync", "init", str(remote), "--name", "two", env={"ISSUENOTE_KEY": key})
        print(f"join (sync init on an empty device, merges everything): {timed(join)}")

        run(one, "note", "1", "one more reply from support")
        send = timed(run(one, "sync"))
        receive = timed(run(two, "sync"))
        idle = timed(run(one, "sync"))
        print(f"incremental after one note: send {send}, receive {receive}")
        print(f"sync with nothing to do: {idle}")

        manual, manual_cpu = [], []
        for n in range(options.note_runs):
            manual.append(run(one, "note", "1", f"manual {n}"))
            manual_cpu.append(CPU["last"])
        (one / "config.toml").write_text('sync = "auto"\n')
        auto, auto_cpu = [], []
        for n in range(options.note_runs):
            auto.append(run(one, "note", "1", f"auto {n}"))
            auto_cpu.append(CPU["last"])
            wait_for_background(one)  # time the command, not its overlap with the last sync
        (one / "config.toml").unlink()
        time.sleep(1)
        print(
            f"note: {statistics.median(manual) * 1000:.0f} ms "
            f"(cpu {statistics.median(manual_cpu) * 1000:.0f} ms) without auto sync, "
            f"{statistics.median(auto) * 1000:.0f} ms "
            f"(cpu {statistics.median(auto_cpu) * 1000:.0f} ms) with sync = auto "
            f"(median of {options.note_runs}; the sync itself runs detached)"
        )
        print(f"remote size at the end: {size_of(remote) / 1e6:.1f} MB")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
