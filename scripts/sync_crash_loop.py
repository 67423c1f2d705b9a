"""SIGKILL `issuenote sync` at random moments; prove no device loses anything.

    python scripts/sync_crash_loop.py --kills 200           # the long run
    python scripts/sync_crash_loop.py --kills 12 --seed 3   # what tests/test_sync_crash.py runs

Three devices share a bare git repository in a temporary directory. Each
round one device records something (a note, a new case, an edit, a deletion
now and then), confirmed by exit 0; then a real `issuenote sync` process of a
random device is killed with SIGKILL after a random delay between 0 and a
usual sync's duration, so kills land in start-up, fetch, chunk writing,
push, the merge transaction and the state file's rename. Now and then
another device syncs normally in between. After every kill the killed
device's notebook passes `PRAGMA integrity_check` and its next command works.

At the end every device syncs, round after round, until a whole round
sends and receives nothing (at most eight rounds), and then:

- every device's complete export is the same (less its own numbering);
- every note ever confirmed on any device is there, unless its case was
  deleted on purpose.

Prints the figures and exits 1 on the first failure.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

LOCAL_KEYS = frozenset({"id", "number", "exported_at", "notebook", "open_steps", "chain_head"})


def issuenote_executable() -> str:
    found = shutil.which("issuenote", path=str(Path(sys.executable).parent)) or shutil.which(
        "issuenote"
    )
    if not found:
        sys.exit("the issuenote executable is not installed (pip install -e .)")
    return found


class Device:
    def __init__(self, root: Path, name: str) -> None:
        self.name = name
        self.home = root / name
        self.env = {
            **os.environ,
            "ISSUENOTE_HOME": str(self.home),
            "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
            "NO_COLOR": "1",
        }
        self.env.pop("ISSUENOTE_KEY", None)

    def run(self, *args: str, extra: dict[str, str] | None = None) -> str:
        completed = subprocess.run(
            [EXECUTABLE, *args],
            env={**self.env, **(extra or {})},
            capture_output=True,
            text=True,
            timeout=300,
        )
        if completed.returncode != 0:
            raise AssertionError(f"{self.name}: {' '.join(args)}: {completed.stderr.strip()}")
        return completed.stdout

    def start(self, *args: str) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [EXECUTABLE, *args],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def cases(self) -> list[dict[str, Any]]:
        out = self.run("export", "--all", "--format", "json", "--no-redact", "--include-private")
        return normalised(json.loads(out)["cases"])

    def check_database(self) -> None:
        conn = sqlite3.connect(self.home / "notebook.db")
        try:
            (result,) = conn.execute("PRAGMA integrity_check").fetchone()
        finally:
            conn.close()
        if result != "ok":
            raise AssertionError(f"{self.name}: integrity_check says {result}")


def normalised(cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in LOCAL_KEYS}
        if isinstance(value, list):
            return [strip(item) for item in value]
        return value

    result = [strip(case) for case in cases]
    for case in result:
        case["entries"].sort(key=lambda entry: entry["uuid"])
        case.get("deleted_entries", []).sort(key=lambda entry: entry["uuid"])
        case["transactions"].sort(key=lambda tx: tx["uuid"])
    return sorted(result, key=lambda case: case["uuid"])


EXECUTABLE = ""
QUIET_ROUNDS_CAP = 8


def sync_until_quiet(devices: list[Device]) -> int | None:
    """Sync every device in turn until a whole round sends and receives nothing.

    A device can meet a conflict only when another device's copy reaches it,
    so the note it writes travels one round later; a round where no device
    pushed or received anything means every change has reached every device.
    Returns the rounds it took, or None if it never went quiet (a ping-pong).
    """
    for round_number in range(1, QUIET_ROUNDS_CAP + 1):
        moved = False
        for device in devices:
            report = json.loads(device.run("sync", "--json"))
            moved |= bool(report["pushed"]) or bool(report["received_files"])
        if not moved:
            return round_number
    return None


def describe_difference(ours: list[dict[str, Any]], theirs: list[dict[str, Any]]) -> str:
    """Which cases and entries one device has that the other lacks, for the failure report."""
    lines = []
    by_uuid = {case["uuid"]: case for case in theirs}
    for case in ours:
        other = by_uuid.pop(case["uuid"], None)
        if other is None:
            lines.append(f"  case {case['uuid']} only on dev0: {case.get('title')!r}")
            continue
        if other == case:
            continue
        mine = {entry["uuid"]: entry for entry in case["entries"]}
        them = {entry["uuid"]: entry for entry in other["entries"]}
        for uuid_ in sorted(mine.keys() ^ them.keys()):
            entry = mine.get(uuid_) or them[uuid_]
            where = "dev0" if uuid_ in mine else "the other"
            lines.append(f"  entry {uuid_} only on {where}: {str(entry.get('text'))[:80]!r}")
        for key in sorted(case.keys() | other.keys()):
            if key != "entries" and case.get(key) != other.get(key):
                lines.append(f"  {key}: {case.get(key)!r} vs {other.get(key)!r}"[:200])
    for case in by_uuid.values():
        lines.append(f"  case {case['uuid']} only on the other: {case.get('title')!r}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    global EXECUTABLE
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=60)
    parser.add_argument("--devices", type=int, default=3)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    options = parser.parse_args(argv)
    seed = options.seed if options.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    EXECUTABLE = issuenote_executable()
    root = Path(tempfile.mkdtemp(prefix="issuenote-sync-crash-"))
    try:
        return run(root, rng, options.kills, options.devices, seed)
    finally:
        if options.keep:
            print(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


def run(root: Path, rng: random.Random, kills: int, count: int, seed: int) -> int:
    remote = root / "remote.git"
    subprocess.run(
        ["git", "init", "--quiet", "--bare", "--initial-branch=main", str(remote)], check=True
    )
    devices = [Device(root, f"dev{n}") for n in range(count)]
    devices[0].run("new", "Shared case", "--platform", "OKX", "--account", "UID 42")
    devices[0].run("sync", "init", str(remote), "--name", "dev0")
    key = devices[0].run("key", "export", "--yes").strip()
    for device in devices[1:]:
        device.run("sync", "init", str(remote), "--name", device.name, extra={"ISSUENOTE_KEY": key})

    started = time.perf_counter()
    devices[0].run("sync")
    usual = time.perf_counter() - started

    confirmed: dict[str, str] = {}  # note text -> case uuid
    deleted_cases: set[str] = set()
    landed = 0
    for round_number in range(kills):
        device = rng.choice(devices)
        text = f"round {round_number} on {device.name}"
        listing = json.loads(device.run("list", "--all", "--json"))
        if not listing or rng.random() < 0.15:
            device.run("new", f"Case of round {round_number}")
            listing = json.loads(device.run("list", "--all", "--json"))
        numbers = [row["id"] for row in listing]
        target = rng.choice(numbers)
        shown = json.loads(device.run("show", str(target), "--json"))
        if rng.random() < 0.05 and len(numbers) > 1:
            device.run("rm", str(target), "--yes")
            deleted_cases.add(shown["uuid"])
        elif rng.random() < 0.2:
            device.run("edit", str(target), "--title", f"Title {round_number} {device.name}")
        else:
            device.run("note", str(target), text)
            confirmed[text] = shown["uuid"]

        victim = rng.choice(devices)
        process = victim.start("sync")
        delay = rng.uniform(0, usual * 1.2)
        time.sleep(delay)
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
        else:
            landed += 1
        process.wait()
        victim.check_database()
        if rng.random() < 0.3:
            victim.run("sync", "status", "--offline")
        if rng.random() < 0.3:
            rng.choice(devices).run("sync")

    rounds = sync_until_quiet(devices)
    if rounds is None:
        print(f"FAIL (seed {seed}): still sending after {QUIET_ROUNDS_CAP} rounds of syncs")
        return 1
    reference = devices[0].cases()
    for device in devices[1:]:
        theirs = device.cases()
        if theirs != reference:
            print(f"FAIL (seed {seed}): {device.name} differs from dev0 after {rounds} rounds")
            print(describe_difference(reference, theirs))
            return 1
    present = {entry["text"] for case in reference for entry in case["entries"]}
    survivors = {case["uuid"] for case in reference}
    missing = [
        text
        for text, case_uuid in confirmed.items()
        if text not in present and case_uuid not in deleted_cases and case_uuid in survivors
    ]
    lost_cases = [
        text
        for text, case_uuid in confirmed.items()
        if case_uuid not in survivors and case_uuid not in deleted_cases
    ]
    if missing or lost_cases:
        print(f"FAIL (seed {seed}): lost {missing[:3]} {lost_cases[:3]}")
        return 1
    print(
        f"ok (seed {seed}): {kills} kills ({landed} syncs finished first), "
        f"{len(confirmed)} confirmed notes all present on {len(devices)} devices, "
        f"usual sync {usual * 1000:.0f} ms, quiet after {rounds} rounds"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
