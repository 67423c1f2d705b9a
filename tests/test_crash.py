"""Crash safety: SIGKILL the real executable mid-write; nothing confirmed is lost, nothing torn.

The harness lives in scripts/crash_loop.py (its long run: `--kills 500`); here
it runs a short loop (marked slow: `python -m pytest -q -m slow`), and its
checker is shown to catch torn writes, so a green loop means something.
"""

from __future__ import annotations

import importlib.util
import os
import random
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXECUTABLE = Path(sys.executable).parent / "issuenote"
SHORT_LOOP_KILLS = 40


def load_crash_loop() -> ModuleType:
    spec = importlib.util.spec_from_file_location("crash_loop", ROOT / "scripts" / "crash_loop.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


crash_loop = load_crash_loop()


@pytest.mark.slow
@pytest.mark.skipif(not EXECUTABLE.exists(), reason="issuenote is not installed next to Python")
def test_short_crash_loop_loses_and_tears_nothing(tmp_path: Path) -> None:
    seed = int(os.environ.get("ISSUENOTE_CRASH_SEED") or random.randrange(1 << 30))
    summary = crash_loop.run_crash_loop(
        SHORT_LOOP_KILLS, workdir=tmp_path, executable=EXECUTABLE, seed=seed
    )
    report = "\n".join([f"seed {seed} (ISSUENOTE_CRASH_SEED reruns it)", *summary.lines()])
    assert summary.failures == [], report
    assert summary.kills >= SHORT_LOOP_KILLS, report
    assert summary.first_run_kills >= 1, report
    assert summary.completed_writes >= 10, report
    assert summary.show_checks >= 1, report


# -- the checker has teeth ----------------------------------------------------------


@pytest.fixture
def recorded(cli: Callable[..., Any], cli_json: Callable[..., Any], notebook_home: Path) -> Path:
    """A notebook the loop could have written: a case, a reply, a step, a tx."""
    cli_json("new", "case k1", "--description", "desc k1", "--tag", "t-k1", "--tag", "common")
    fields = crash_loop.reply_fields("k2")
    cli_json(
        "reply",
        "1",
        fields["text"],
        "--agent",
        fields["agent"],
        "--agent-id",
        fields["agent_id"],
        "--ticket",
        fields["ticket"],
        "--channel",
        "chat",
        "--suggests",
        fields["suggests"],
    )
    cli_json("step", "1", "step k3 follow up")
    cli_json("note", "1", crash_loop.note_text("k4", "100KB"))
    return notebook_home / "notebook.db"


def tamper(db: Path, *statements: str) -> None:
    conn = sqlite3.connect(db)
    with conn:
        for statement in statements:
            conn.execute(statement)
    conn.close()


LATER = "2099-01-01T00:00:00Z"
NEW_ENTRY = (
    "INSERT INTO entries (uuid, case_id, kind, text, at, created_at{cols}) "
    "VALUES (lower(hex(randomblob(16))), 1, '{kind}', '{text}', '{at}', '{at}'{vals})"
)


@pytest.mark.parametrize(
    ("statements", "complaint"),
    [
        # A status entry whose case never changed status.
        (
            [
                NEW_ENTRY.format(
                    kind="status",
                    text="status k9 x",
                    at=LATER,
                    cols=", new_status",
                    vals=", 'resolved'",
                )
            ],
            "latest status entry says resolved",
        ),
        # An entry whose case was not touched in the same transaction.
        (
            [NEW_ENTRY.format(kind="note", text="note k9 pasted chat", at=LATER, cols="", vals="")],
            "updated_at is older",
        ),
        # An edit that changed the title but not its tags and description.
        (["UPDATE cases SET title = 'edit k9'"], "title and description from different writes"),
        (
            ["UPDATE cases SET title = 'edit k9', description = 'desc k9'"],
            "tags",
        ),
        # A reply that lost its ticket.
        (["UPDATE entries SET ticket = NULL WHERE kind = 'reply'"], "missing ['ticket']"),
        # A pasted log cut short.
        (["UPDATE entries SET text = substr(text, 1, 5000) WHERE kind = 'note'"], "torn"),
        # Encrypted data without the key check value recorded with it.
        (
            ["UPDATE cases SET account = 'enc1:xyz'", "DELETE FROM notebook WHERE key = 'kcv'"],
            "key check value",
        ),
    ],
)
def test_invariants_catch_half_written_records(
    recorded: Path, statements: list[str], complaint: str
) -> None:
    crash_loop.check_invariants(crash_loop.read_snapshot(recorded))
    tamper(recorded, *statements)
    with pytest.raises(crash_loop.CrashCheckError, match=complaint.replace("[", r"\[")):
        crash_loop.check_invariants(crash_loop.read_snapshot(recorded))


def test_judge_catches_lost_extra_and_partial_writes(recorded: Path) -> None:
    before = crash_loop.read_snapshot(recorded)
    note = crash_loop.Command(
        "note", [], None, "k9", 1, expect={"kind": "note", "text": "note k9 pasted chat"}
    )
    # Reported success but nothing stored.
    with pytest.raises(crash_loop.CrashCheckError, match="reported success"):
        crash_loop.judge(note, before, before, {"id": 99})
    # Killed before commit: nothing changed is fine.
    assert crash_loop.judge(note, before, before, None) is False
    # The note landed, together with a change that is not the note's.
    tamper(
        recorded,
        NEW_ENTRY.format(kind="note", text="note k9 pasted chat", at=LATER, cols="", vals=""),
        f"UPDATE cases SET updated_at = '{LATER}'",
        "UPDATE entries SET done_at = '2026-01-01T00:00:00Z' WHERE kind = 'step'",
    )
    with pytest.raises(crash_loop.CrashCheckError, match="also changed changed_entries"):
        crash_loop.judge(note, before, crash_loop.read_snapshot(recorded), None)
    # A record that vanished.
    tamper(recorded, "DELETE FROM transactions", "DELETE FROM entries WHERE kind = 'reply'")
    with pytest.raises(crash_loop.CrashCheckError, match="entries vanished"):
        crash_loop.judge(note, before, crash_loop.read_snapshot(recorded), None)


def test_planned_commands_are_valid_for_the_notebook(recorded: Path) -> None:
    snap = crash_loop.read_snapshot(recorded)
    rng = random.Random(5)
    names = {crash_loop.plan_command(rng, snap, f"k{n}").name for n in range(300)}
    assert names >= {"new", "note", "note 100KB", "note 1MB", "reply", "tx", "status"}
    assert names >= {"step", "done", "edit", "escalate", "contact"}


def test_uncommitted_wal_frames_are_counted(tmp_path: Path) -> None:
    db = tmp_path / "n.db"
    assert crash_loop.uncommitted_wal_frames(db) == 0
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute("CREATE TABLE t (x)")
    conn.execute("INSERT INTO t VALUES (?)", ["x" * 50_000])
    assert crash_loop.uncommitted_wal_frames(db) == 0  # all committed
    wal = db.with_name("n.db-wal").read_bytes()
    page_size = int.from_bytes(wal[8:12], "big")
    # Cut the commit frame off, as a kill inside the commit would.
    torn = wal[: len(wal) - (24 + page_size)]
    copy = tmp_path / "copy.db"
    copy.with_name("copy.db-wal").write_bytes(torn)
    assert crash_loop.uncommitted_wal_frames(copy) > 0
    conn.close()
