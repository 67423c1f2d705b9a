"""SIGKILL the real `issuenote` at random moments of its writes; prove nothing is lost or torn.

    python scripts/crash_loop.py --kills 500            # the long run (a few minutes)
    python scripts/crash_loop.py --kills 40 --seed 7    # what tests/test_crash.py runs

Each round starts one real `issuenote` process doing a write (new, a 100 KB
note, a reply with ticket, tx, status, step, done, edit, escalate, contact,
private notes) and kills it with SIGKILL after a random delay between 0 and the
command's usual duration, so kills land in start-up, in validation, inside the
SQLite transaction, between commit and exit. After every round the notebook is
checked as the next `issuenote` would find it:

- `PRAGMA integrity_check` is ok and no foreign key dangles;
- every write ever confirmed (exit 0, its --json output) or seen is still there,
  unchanged;
- the round's command landed whole or not at all: the difference between the
  notebook before and after is either nothing, or exactly that command's
  effect (one entry and its case's touch, one case and its tags, a status
  entry and the case's new status, an edit's title, description and tags
  together, ...);
- invariants that hold only if each command is one transaction: a case's
  status is that of its latest status-changing entry, its updated_at is not
  older than anything recorded on it, an edited case's title, description
  and tags belong to the same edit, an encrypted value implies a recorded
  key check value and a key that opens it.

Every tenth round kills the very first command of a brand-new notebook
(migration, key file creation, first encrypted value), then checks that the
next command recovers. Every few rounds `show --json` decrypts every case.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass, field
from pathlib import Path
from typing import Any

SCHEMA_VERSION_QUERY = "PRAGMA user_version"
ENCRYPTED_PREFIX = "enc1:"
# About 100 KB of pasted chat log; no secrets in it (the guard would refuse them).
BIG_FILLER = "\n".join(
    f"chat log line {n:04d}: 提现卡住了 출금 지연 😀 still waiting on the transfer"
    for n in range(1500)
)
NOTE_SIZES = ("small", "100KB", "1MB")
FIRST_RUN_EVERY = 10
SHOW_CHECK_EVERY = 15


class CrashCheckError(AssertionError):
    """The notebook broke a promise after a kill."""


@dataclass
class Summary:
    rounds: int = 0
    kills: int = 0
    kills_after_commit: int = 0
    kills_before_commit: int = 0
    kills_mid_commit: int = 0
    first_run_kills: int = 0
    completed_writes: int = 0
    checks: int = 0
    show_checks: int = 0
    kills_by_command: dict[str, int] = field(default_factory=dict)
    kill_phase: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    leftovers: set[str] = field(default_factory=set)
    seconds: float = 0.0

    def lines(self) -> list[str]:
        phases = self.kill_phase or [0.0]
        buckets = [0, 0, 0, 0]
        for fraction in phases:
            buckets[min(3, int(fraction * 4))] += 1
        by_command = ", ".join(f"{k} {v}" for k, v in sorted(self.kills_by_command.items()))
        return [
            f"rounds: {self.rounds} in {self.seconds:.1f} s",
            f"kills: {self.kills} (write had committed: {self.kills_after_commit}, "
            f"had not: {self.kills_before_commit}, of which {self.kills_mid_commit} died while "
            f"writing the commit to the WAL; on a brand-new notebook: "
            f"{self.first_run_kills})",
            f"kills by command: {by_command}",
            "kill moment as a share of the command's usual duration, quarters: "
            + " / ".join(str(b) for b in buckets),
            f"completed writes confirmed present: {self.completed_writes}",
            f"notebook checks: {self.checks}, show --json decryption checks: {self.show_checks}",
            f"leftover files after kills: {', '.join(sorted(self.leftovers)) or 'none'}",
            f"failures: {len(self.failures)}",
            *[f"  FAIL {failure}" for failure in self.failures[:20]],
        ]


# -- reading the notebook --------------------------------------------------------


@dataclass
class Snapshot:
    user_version: int
    meta: dict[str, str]
    cases: dict[int, dict[str, Any]]
    tags: set[tuple[int, str]]
    entries: dict[int, dict[str, Any]]
    transactions: dict[int, dict[str, Any]]


def _connect(path: Path) -> sqlite3.Connection:
    """Read-only where possible, so the next issuenote, not the checker, recovers the WAL."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError:
        return sqlite3.connect(path)


def read_snapshot(path: Path) -> Snapshot:
    """The whole notebook, after integrity and foreign key checks."""
    conn = _connect(path)
    conn.row_factory = sqlite3.Row
    try:
        integrity = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        if integrity != ["ok"]:
            raise CrashCheckError(f"integrity_check: {integrity[:5]}")
        dangling = conn.execute("PRAGMA foreign_key_check").fetchall()
        if dangling:
            raise CrashCheckError(f"foreign_key_check: {[tuple(r) for r in dangling[:5]]}")
        version = int(conn.execute(SCHEMA_VERSION_QUERY).fetchone()[0])
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        if "cases" not in tables:
            return Snapshot(version, {}, {}, set(), {}, {})

        def rows(table: str) -> dict[int, dict[str, Any]]:
            return {row["id"]: dict(row) for row in conn.execute(f"SELECT * FROM {table}")}

        return Snapshot(
            user_version=version,
            meta={row["key"]: row["value"] for row in conn.execute("SELECT * FROM notebook")},
            cases=rows("cases"),
            tags={(row["case_id"], row["tag"]) for row in conn.execute("SELECT * FROM case_tags")},
            entries=rows("entries"),
            transactions=rows("transactions"),
        )
    finally:
        conn.close()


@dataclass
class Changes:
    new_cases: dict[int, dict[str, Any]]
    changed_cases: dict[int, set[str]]
    new_entries: dict[int, dict[str, Any]]
    changed_entries: dict[int, set[str]]
    new_transactions: dict[int, dict[str, Any]]
    changed_transactions: dict[int, set[str]]
    tags_added: set[tuple[int, str]]
    tags_removed: set[tuple[int, str]]
    meta_changed: set[str]

    def empty(self) -> bool:
        return not any(vars(self).values())


def _table_changes(
    before: dict[int, dict[str, Any]], after: dict[int, dict[str, Any]], what: str
) -> tuple[dict[int, dict[str, Any]], dict[int, set[str]]]:
    gone = set(before) - set(after)
    if gone:
        raise CrashCheckError(f"{what} vanished: {sorted(gone)[:10]}")
    new = {key: after[key] for key in set(after) - set(before)}
    changed = {}
    for key in set(before) & set(after):
        columns = {c for c in before[key] if before[key][c] != after[key][c]}
        if columns:
            changed[key] = columns
    return new, changed


def changes_between(before: Snapshot, after: Snapshot) -> Changes:
    new_cases, changed_cases = _table_changes(before.cases, after.cases, "cases")
    new_entries, changed_entries = _table_changes(before.entries, after.entries, "entries")
    new_tx, changed_tx = _table_changes(before.transactions, after.transactions, "transactions")
    meta = {
        k for k in set(before.meta) | set(after.meta) if before.meta.get(k) != after.meta.get(k)
    }
    return Changes(
        new_cases,
        changed_cases,
        new_entries,
        changed_entries,
        new_tx,
        changed_tx,
        after.tags - before.tags,
        before.tags - after.tags,
        meta,
    )


def check_invariants(snap: Snapshot) -> None:
    """What holds in any notebook whose every command was one transaction."""
    latest_status: dict[int, tuple[int, str]] = {}
    latest_touch: dict[int, str] = {}
    for entry in snap.entries.values():
        case_id = entry["case_id"]
        if entry["new_status"] and entry["id"] > latest_status.get(case_id, (0, ""))[0]:
            latest_status[case_id] = (entry["id"], entry["new_status"])
        stamps = [entry["created_at"], entry["done_at"] or ""]
        latest_touch[case_id] = max([latest_touch.get(case_id, ""), *stamps])
        if entry["kind"] in ("status", "escalation") and not entry["new_status"]:
            raise CrashCheckError(f"{entry['kind']} entry {entry['id']} without its new status")
        marker = _marker(entry["text"]) if not entry["private"] else None
        if marker and entry["kind"] == "reply":
            expected = reply_fields(marker)
            torn = {k for k, v in expected.items() if entry[k] != v}
            if torn:
                raise CrashCheckError(f"reply {entry['id']} is missing {sorted(torn)}")
        if (
            marker
            and entry["kind"] == "note"
            and entry["text"] not in (*(note_text(marker, size) for size in NOTE_SIZES),)
        ):
            raise CrashCheckError(f"note {entry['id']} text is torn ({len(entry['text'])} chars)")
    for tx in snap.transactions.values():
        latest_touch[tx["case_id"]] = max(latest_touch.get(tx["case_id"], ""), tx["created_at"])
    encrypted = False
    for case_id, case in snap.cases.items():
        expected_status = latest_status.get(case_id, (0, "open"))[1]
        if case["status"] != expected_status:
            raise CrashCheckError(
                f"case {case_id} is {case['status']} but its latest status entry says "
                f"{expected_status}"
            )
        if case["updated_at"] < latest_touch.get(case_id, ""):
            raise CrashCheckError(f"case {case_id} updated_at is older than its records")
        if "activity_at" in case:  # m007's trigger-kept columns agree with the entries
            own = [e for e in snap.entries.values() if e["case_id"] == case_id]
            activity = max([case["updated_at"], *(e["at"] for e in own)])
            last_entry = max([0, *(e["id"] for e in own)])
            if (case["activity_at"], case["last_entry_id"]) != (activity, last_entry):
                raise CrashCheckError(f"case {case_id}: activity_at/last_entry_id out of date")
        kind, marker = case["title"].split(" ", 1)
        if case["description"] != f"desc {marker}":
            raise CrashCheckError(f"case {case_id}: title and description from different writes")
        edit_tags = {tag for cid, tag in snap.tags if cid == case_id and tag.startswith("e-")}
        wanted = {f"e-{marker}"} if kind == "edit" else set()
        if edit_tags != wanted:
            raise CrashCheckError(f"case {case_id}: title {case['title']!r} but tags {edit_tags}")
        encrypted = encrypted or str(case["account"] or "").startswith(ENCRYPTED_PREFIX)
    encrypted = encrypted or any(e["private"] for e in snap.entries.values())
    if encrypted and "kcv" not in snap.meta:
        raise CrashCheckError("encrypted data without a recorded key check value")


def _marker(text: str | None) -> str | None:
    if not text:
        return None
    words = text.split(maxsplit=2)
    return words[1] if len(words) > 1 else None


def uncommitted_wal_frames(db: Path) -> int:
    """Frames of the current WAL generation after its last commit frame.

    Nonzero right after a kill means the process died while writing its
    transaction into the WAL: the kill landed inside the commit itself.
    SQLite ignores those frames on the next open (the commit never happened).
    """
    wal = db.with_name(db.name + "-wal")
    try:
        data = wal.read_bytes()
    except FileNotFoundError:
        return 0
    if len(data) < 32:
        return 0
    magic, _, page_size, _, salt1, salt2 = struct.unpack(">6I", data[:24])
    if magic not in (0x377F0682, 0x377F0683):
        return 0
    frame_size = 24 + page_size
    frames = 0
    offset = 32
    while offset + 24 <= len(data):
        _page, commit_size, frame_salt1, frame_salt2 = struct.unpack(
            ">4I", data[offset : offset + 16]
        )
        if (frame_salt1, frame_salt2) != (salt1, salt2):
            break  # a frame of an earlier generation: the current one ends here
        frames = 0 if commit_size else frames + 1
        offset += frame_size
    return frames


# -- what each command writes -----------------------------------------------------


def note_text(marker: str, size: str) -> str:
    """A note's text by size: a line, ~100 KB or ~1 MB of pasted chat log."""
    return (
        f"note {marker} pasted chat"
        + {
            "small": "",
            "100KB": "\n" + BIG_FILLER,
            "1MB": ("\n" + BIG_FILLER) * 10,
        }[size]
    )


def reply_fields(marker: str) -> dict[str, Any]:
    return {
        "text": f"reply {marker} please wait",
        "agent": f"Agent {marker}",
        "agent_id": f"ID-{marker}",
        "ticket": f"TK-{marker}",
        "suggests": f"wait {marker}",
        "channel": "chat",
    }


def account_for(marker: str) -> str:
    digits = "".join(ch for ch in marker if ch.isdigit()).rjust(7, "0")
    return f"UID 1{digits}"


@dataclass
class Command:
    """One write to run, and how to judge the notebook afterwards."""

    name: str
    args: list[str]
    stdin: str | None
    marker: str
    case_id: int | None = None
    _: KW_ONLY
    target: int | None = None  # the entry `done` marks
    expect: dict[str, Any] = field(default_factory=dict)
    private: bool = False


def plan_command(rng: random.Random, snap: Snapshot, marker: str) -> Command:
    """A valid write for the notebook as it stands."""
    cases = sorted(snap.cases)
    open_steps = [e for e in snap.entries.values() if e["kind"] == "step" and e["done_at"] is None]
    choices = ["note", "note", "note", "reply", "tx", "status", "step", "edit", "contact"]
    choices += ["escalate", "new"] if len(cases) < 6 else ["escalate"]
    if open_steps:
        choices.append("done")
    name = rng.choice(choices) if cases else "new"
    case_id = rng.choice(cases) if cases else None
    case = str(case_id)
    if name == "new":
        args = ["new", f"case {marker}", "--platform", "OKX", "--category", "withdrawal"]
        args += ["--account", account_for(marker), "--description", f"desc {marker}"]
        args += ["--tag", f"t-{marker}", "--tag", "common", "--occurred", "2d ago"]
        return Command("new", [*args, "--json"], None, marker, expect={"account": True})
    if name == "note":
        size = rng.choices(NOTE_SIZES, weights=(5, 4, 2))[0]
        big = size != "small"
        private = rng.random() < 0.15
        text = note_text(marker, size)
        args = ["note", case, "-" if big else text, *(["--private"] if private else [])]
        return Command(
            "note" if size == "small" else f"note {size}",
            [*args, "--json"],
            text if big else None,
            marker,
            case_id,
            expect={"kind": "note", "text": text},
            private=private,
        )
    if name == "reply":
        fields = reply_fields(marker)
        args = ["reply", case, fields["text"], "--agent", fields["agent"]]
        args += ["--agent-id", fields["agent_id"], "--ticket", fields["ticket"]]
        args += ["--channel", "chat", "--suggests", fields["suggests"]]
        return Command(
            "reply", [*args, "--json"], None, marker, case_id, expect={"kind": "reply", **fields}
        )
    if name == "tx":
        if rng.random() < 0.5:
            txid, extra = rng.randbytes(32).hex(), ["--chain", "tron"]
        else:
            txid, extra = f"ORD-{marker}", []
        amount = f"{rng.randint(1, 99999)}.{rng.randint(0, 999999):06d}".rstrip("0").rstrip(".")
        args = ["tx", case, txid, *extra, "--asset", "USDT", "--amount", amount]
        args += ["--kind", "withdrawal", "--at", "1d ago"]
        return Command(
            "tx", [*args, "--json"], None, marker, case_id, expect={"txid": txid, "amount": amount}
        )
    if name == "status":
        current = snap.cases[case_id]["status"]
        new = rng.choice([s for s in ("open", "waiting", "resolved", "closed") if s != current])
        text = f"status {marker} changed"
        return Command(
            "status",
            ["status", case, new, text, "--json"],
            None,
            marker,
            case_id,
            expect={"kind": "status", "text": text, "new_status": new},
        )
    if name == "escalate":
        text = f"escalate {marker} to tier 2"
        return Command(
            "escalate",
            ["escalate", case, text, "--to", "tier 2", "--json"],
            None,
            marker,
            case_id,
            expect={"kind": "escalation", "text": text, "new_status": "escalated"},
        )
    if name == "contact":
        text = f"contact {marker} by email"
        args = ["contact", case, "--channel", "email", "--via", "support@okx.com"]
        args += ["--ticket", f"TK-{marker}", text]
        return Command(
            "contact",
            [*args, "--json"],
            None,
            marker,
            case_id,
            expect={"kind": "contact", "text": text, "ticket": f"TK-{marker}", "channel": "email"},
        )
    if name == "step":
        text = f"step {marker} follow up"
        args = ["step", case, text, "--due", "2030-01-01T10:00:00+00:00", "--json"]
        return Command("step", args, None, marker, case_id, expect={"kind": "step", "text": text})
    if name == "done":
        step = rng.choice(open_steps)
        args = ["done", str(step["case_id"]), str(step["number"]), "--json"]
        return Command("done", args, None, marker, step["case_id"], target=step["id"])
    # edit: title, description, tags (and sometimes the encrypted account) in one go
    previous = snap.cases[case_id]["title"].split(" ", 1)
    args = ["edit", case, "--title", f"edit {marker}", "--description", f"desc {marker}"]
    args += ["--tag", f"e-{marker}"]
    if previous[0] == "edit":
        args += ["--untag", f"e-{previous[1]}"]
    new_account = rng.random() < 0.3
    if new_account:
        args += ["--account", account_for(marker)]
    return Command(
        "edit", [*args, "--json"], None, marker, case_id, expect={"account": new_account}
    )


def judge(
    command: Command, before: Snapshot, after: Snapshot, output: dict[str, Any] | None
) -> bool:
    """Whether the command landed; raise if it landed in part or touched anything else."""
    changes = changes_between(before, after)
    check_invariants(after)
    if changes.empty():
        if output is not None:
            raise CrashCheckError(f"{command.name} {command.marker} reported success, not stored")
        return False
    name = command.name

    def only(**allowed: Any) -> None:
        for key, value in vars(changes).items():
            if value and key not in allowed:
                raise CrashCheckError(f"{name} {command.marker} also changed {key}: {value}")
            if value and allowed[key] is not None and not allowed[key](value):
                raise CrashCheckError(f"{name} {command.marker}: unexpected {key}: {value}")

    def touched(*columns: str) -> Callable[[dict[int, set[str]]], bool]:
        return lambda value: (
            set(value) == {command.case_id}
            and value[command.case_id]
            <= {
                "updated_at",
                # kept by triggers for `list` (m007): the case's last activity and entry
                "activity_at",
                "last_entry_id",
                *columns,
            }
        )

    # The first write of a notebook also records its id (migration) and maybe its key check.
    new_meta = {"kcv"} if before.meta else {"uuid", "kcv"}
    kcv_only = lambda value: value <= new_meta and not value & set(before.meta)  # noqa: E731
    if name == "new":
        ((case_id, case),) = changes.new_cases.items()
        if case["title"] != f"case {command.marker}" or not str(case["account"]).startswith(
            ENCRYPTED_PREFIX
        ):
            raise CrashCheckError(f"new {command.marker}: wrong case row {case}")
        only(
            new_cases=None,
            tags_added=lambda v: v == {(case_id, f"t-{command.marker}"), (case_id, "common")},
            # A new case also moves the counter that keeps case numbers from being reused.
            meta_changed=lambda v: kcv_only(v - {"last_case_id"}),
        )
        landed_id = case_id
    elif name == "tx":
        ((tx_id, tx),) = changes.new_transactions.items()
        if (tx["txid"] or tx["order_id"], tx["amount"], tx["case_id"]) != (
            command.expect["txid"],
            command.expect["amount"],
            command.case_id,
        ):
            raise CrashCheckError(f"tx {command.marker}: wrong row {tx}")
        only(new_transactions=None, changed_cases=touched())
        landed_id = tx_id
    elif name == "done":
        only(
            changed_entries=lambda v: v == {command.target: {"done_at"}},
            changed_cases=touched(),
        )
        if after.entries[command.target]["done_at"] is None:
            raise CrashCheckError(f"done {command.target}: done_at cleared")
        landed_id = command.target
    elif name == "edit":
        case = after.cases[command.case_id]
        if case["title"] != f"edit {command.marker}":
            raise CrashCheckError(f"edit {command.marker}: changes without the new title")
        columns = ("title", "description", *(("account",) if command.expect["account"] else ()))
        title = before.cases[command.case_id]["title"].split(" ", 1)
        removed = {(command.case_id, f"e-{title[1]}")} if title[0] == "edit" else set()
        only(
            changed_cases=touched(*columns),
            tags_added=lambda v: v == {(command.case_id, f"e-{command.marker}")},
            tags_removed=lambda v: v == removed,
            meta_changed=kcv_only,
        )
        landed_id = command.case_id
    else:  # one timeline entry
        ((entry_id, entry),) = changes.new_entries.items()
        if entry["case_id"] != command.case_id:
            raise CrashCheckError(f"{name} {command.marker} landed on case {entry['case_id']}")
        if command.private:
            if not str(entry["text"]).startswith(ENCRYPTED_PREFIX) or not entry["private"]:
                raise CrashCheckError(f"private note {command.marker} stored in the clear")
        else:
            wrong = {k: entry[k] for k, v in command.expect.items() if entry[k] != v}
            if wrong:
                raise CrashCheckError(f"{name} {command.marker}: wrong fields {wrong}")
        status_change = ("status",) if "new_status" in command.expect else ()
        only(
            new_entries=None,
            changed_cases=touched(*status_change),
            meta_changed=kcv_only,
        )
        landed_id = entry_id
    if output is not None and output.get("id") != landed_id:
        raise CrashCheckError(
            f"{name} {command.marker}: printed id {output.get('id')}, stored {landed_id}"
        )
    return True


# -- running and killing ----------------------------------------------------------


class Runner:
    def __init__(self, executable: Path, home: Path) -> None:
        self.executable = executable
        self.home = home
        self.env = os.environ.copy()
        self.env.update(
            {
                "ISSUENOTE_HOME": str(home),
                "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
                "NO_COLOR": "1",
            }
        )
        self.env.pop("ISSUENOTE_KEY", None)
        self.env.pop("ISSUENOTE_DEBUG", None)
        self.durations: dict[str, list[float]] = {}
        self.kill_marks: dict[str, list[tuple[float, bool]]] = {}

    def run(
        self, args: list[str], stdin: str | None = None, *, kill_after: float | None = None
    ) -> tuple[int, str, str, float]:
        """(returncode, stdout, stderr, seconds); returncode -9 when we killed it."""
        started = time.monotonic()
        process = subprocess.Popen(
            [str(self.executable), *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=self.env,
        )
        data = None if stdin is None else stdin.encode("utf-8")
        try:
            out, err = process.communicate(data, timeout=kill_after if kill_after else 120)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
            out, err = process.communicate()
        elapsed = time.monotonic() - started
        return (
            process.returncode,
            out.decode("utf-8", "replace"),
            err.decode("utf-8", "replace"),
            elapsed,
        )

    def commit_moment(self, name: str) -> float | None:
        """Between the latest kill that came too early and the earliest that came too late."""
        marks = self.kill_marks.get(name, [])
        early = sorted(delay for delay, landed in marks if not landed)[-5:]
        late = sorted(delay for delay, landed in marks if landed)[:5]
        if not early or not late:
            return None
        return (statistics.median(early) + statistics.median(late)) / 2

    def usual(self, name: str) -> float:
        samples = self.durations.get(name) or [0.15]
        return statistics.median(samples[-15:])


def _kill_delay(rng: random.Random, usual: float, commit: float | None = None) -> float:
    """From 0 to the usual duration; more than half the time close to the commit.

    `commit` is the estimated moment the write commits (learnt from earlier
    kills); without one, the last 40% of the run, where the write is.
    """
    if rng.random() < 0.4:
        return rng.uniform(0.0, usual)
    if commit is None:
        return rng.uniform(0.6 * usual, 1.0 * usual)
    return min(usual, max(0.0, rng.gauss(commit, 0.08 * usual)))


def _expected_stderr(stderr: str) -> bool:
    """Only the one-time 'key saved to a file' warning and fake-support alarms may appear."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    return all(
        line.startswith(("issuenote: warning: no usable OS keyring", "⚠ WARNING", "  "))
        for line in lines
    )


def _show_check(runner: Runner, snap: Snapshot, private_texts: dict[str, str]) -> None:
    """Every case reads through the real CLI and every encrypted value decrypts."""
    for case_id, case in snap.cases.items():
        code, out, err, _ = runner.run(["show", str(case_id), "--json"])
        if code != 0:
            raise CrashCheckError(f"show {case_id} failed ({code}): {err.strip()}")
        doc = json.loads(out)
        if doc["unreadable"]:
            raise CrashCheckError(f"show {case_id}: unreadable {doc['unreadable']}")
        if case["account"] is not None and not re.fullmatch(
            r"UID (1\d{7}|7654321)", doc["account"]
        ):
            raise CrashCheckError(f"show {case_id}: account decrypts to {doc['account']!r}")
        for entry in doc["entries"]:
            if entry["private"]:
                expected = private_texts.get(str(entry["id"]))
                if expected is not None and entry["text"] != expected:
                    raise CrashCheckError(f"private entry {entry['id']} decrypts wrongly")


def _first_run_round(
    rng: random.Random,
    executable: Path,
    workdir: Path,
    index: int,
    summary: Summary,
    usual: list[float],
) -> None:
    """Kill the first command of a brand-new notebook, then check the next one recovers."""
    home = workdir / f"fresh-{index}"
    runner = Runner(executable, home)
    marker = f"f{index}"
    args = ["new", f"case {marker}", "--account", account_for(marker), "--description"]
    args += [f"desc {marker}", "--json"]
    delay = _kill_delay(rng, statistics.median(usual[-15:]) if usual else 0.3)
    code, _, err, elapsed = runner.run(args, kill_after=delay)
    landed = None
    if code == 0:
        usual.append(elapsed)
    elif code == -signal.SIGKILL:
        summary.kills += 1
        summary.first_run_kills += 1
        summary.kills_by_command["first new"] = summary.kills_by_command.get("first new", 0) + 1
    else:
        raise CrashCheckError(f"first new exited {code}: {err.strip()}")
    db = home / "notebook.db"
    if db.exists():
        snap = read_snapshot(db)
        if snap.user_version not in (0, _schema_version()):
            raise CrashCheckError(f"fresh notebook at user_version {snap.user_version}")
        if snap.user_version == 0 and snap.cases:
            raise CrashCheckError("cases in a notebook whose migration did not commit")
        check_invariants(snap)
        landed = bool(snap.cases)
    if code == 0 and not landed:
        raise CrashCheckError("first new reported success, not stored")
        if landed and not (home / "key").exists():
            raise CrashCheckError("encrypted account committed without its key file")
    if code == -signal.SIGKILL:
        if landed:
            summary.kills_after_commit += 1
        else:
            summary.kills_before_commit += 1
    code, _, err, _ = runner.run(
        [
            "new",
            f"case g{index}",
            "--account",
            "UID 7654321",
            "--description",
            f"desc g{index}",
            "--json",
        ]
    )
    if code != 0:
        raise CrashCheckError(f"the command after a first-run kill failed ({code}): {err.strip()}")
    _show_check(runner, read_snapshot(db), {})
    summary.leftovers |= _leftovers(home)
    shutil.rmtree(home, ignore_errors=True)


def _leftovers(home: Path) -> set[str]:
    names = set()
    for path in home.iterdir():
        if path.name.startswith(".key."):
            names.add(".key.*.tmp (key file being written)")
        elif path.name.startswith(".write-probe-"):
            names.add(".write-probe-* (home write test)")
    return names


def _schema_version() -> int:
    from issuenote.store.schema import SCHEMA_VERSION

    return SCHEMA_VERSION


def run_crash_loop(
    kills: int,
    *,
    workdir: Path,
    executable: Path,
    seed: int,
    progress: Callable[[str], None] | None = None,
) -> Summary:
    """Kill writes until `kills` SIGKILLs have landed; failures are collected, not raised."""
    rng = random.Random(seed)
    summary = Summary()
    started = time.monotonic()
    home = workdir / "home"
    runner = Runner(executable, home)
    first_run_usual: list[float] = []
    private_texts: dict[str, str] = {}
    db = home / "notebook.db"
    # Calibration: each kind of write once, unkilled, to learn its usual duration.
    snap = Snapshot(0, {}, {}, set(), {}, {})
    round_no = 0
    reported = 0
    while summary.kills < kills and len(summary.failures) < 10:
        round_no += 1
        summary.rounds += 1
        marker = f"k{round_no}"
        try:
            if round_no % FIRST_RUN_EVERY == 0:
                _first_run_round(rng, executable, workdir, round_no, summary, first_run_usual)
                continue
            command = plan_command(rng, snap, marker)
            calibrating = len(runner.durations.get(command.name, [])) < 2
            delay = None
            if not calibrating:
                usual = runner.usual(command.name)
                delay = _kill_delay(rng, usual, runner.commit_moment(command.name))
            code, out, err, elapsed = runner.run(command.args, command.stdin, kill_after=delay)
            killed = code == -signal.SIGKILL
            output = None
            if code == 0:
                runner.durations.setdefault(command.name, []).append(elapsed)
                output = json.loads(out)
                if not _expected_stderr(err):
                    raise CrashCheckError(f"{command.name} {marker}: stderr {err.strip()!r}")
            elif not killed:
                raise CrashCheckError(f"{command.name} {marker} exited {code}: {err.strip()!r}")
            torn_frames = uncommitted_wal_frames(db) if killed else 0
            after = read_snapshot(db) if db.exists() else snap
            summary.checks += 1
            landed = judge(command, snap, after, output)
            if killed:
                summary.kills += 1
                summary.kills_by_command[command.name] = (
                    summary.kills_by_command.get(command.name, 0) + 1
                )
                summary.kill_phase.append(
                    min(0.999, elapsed / max(runner.usual(command.name), 1e-3))
                )
                runner.kill_marks.setdefault(command.name, []).append((delay or 0.0, landed))
                if landed:
                    summary.kills_after_commit += 1
                else:
                    summary.kills_before_commit += 1
                    summary.kills_mid_commit += 1 if torn_frames else 0
            else:
                summary.completed_writes += 1
            if landed and command.private:
                (entry_id,) = set(after.entries) - set(snap.entries)
                private_texts[str(entry_id)] = command.expect["text"]
            snap = after
            if round_no % SHOW_CHECK_EVERY == 0:
                _show_check(runner, snap, private_texts)
                summary.show_checks += 1
            summary.leftovers |= _leftovers(home) if home.exists() else set()
        except CrashCheckError as failure:
            summary.failures.append(f"round {round_no}: {failure}")
            if db.exists():
                try:
                    snap = read_snapshot(db)
                except CrashCheckError:
                    break  # a damaged notebook: nothing more to learn
        if progress and summary.kills >= reported + 50:
            reported = summary.kills
            progress(
                f"{summary.kills} kills, {summary.rounds} rounds, {len(summary.failures)} failures"
            )
    if db.exists() and not summary.failures:
        try:
            _show_check(runner, read_snapshot(db), private_texts)
            summary.show_checks += 1
            code, out, err, _ = runner.run(["doctor", "--json"])
            report = json.loads(out)
            if code != 0 or not report["ok"]:
                raise CrashCheckError(f"doctor after the loop: {out.strip()} {err.strip()}")
        except CrashCheckError as failure:
            summary.failures.append(f"final check: {failure}")
    summary.seconds = time.monotonic() - started
    return summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=500, help="SIGKILLs to land (default 500)")
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: random)")
    parser.add_argument(
        "--executable",
        type=Path,
        default=Path(sys.executable).parent / "issuenote",
        help="the issuenote to test (default: next to this Python)",
    )
    parser.add_argument("--keep", type=Path, default=None, help="keep the notebooks in this dir")
    options = parser.parse_args()
    seed = options.seed if options.seed is not None else random.randrange(1 << 30)
    workdir = options.keep or Path(tempfile.mkdtemp(prefix="issuenote-crash-"))
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"crash loop: {options.kills} kills of {options.executable}, seed {seed}, in {workdir}")
    summary = run_crash_loop(
        options.kills,
        workdir=workdir,
        executable=options.executable,
        seed=seed,
        progress=lambda line: print(f"  ... {line}", flush=True),
    )
    for line in summary.lines():
        print(line)
    if options.keep is None:
        shutil.rmtree(workdir, ignore_errors=True)
    print("RESULT: " + ("FAIL" if summary.failures else "ok, nothing lost, nothing torn"))
    return 1 if summary.failures else 0


if __name__ == "__main__":
    sys.exit(main())
