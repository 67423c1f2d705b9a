"""Sync through real git and bare repositories in temporary directories (no network).

After every scenario the devices' complete exports are identical (less each
device's own numbering) and nothing any device recorded is missing.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.sync_devices import (
    Device,
    assert_converged,
    bare_remote,
    git,
    make_devices,
    settle,
)


def dump(device: Device) -> list[str]:
    path = device.home / "notebook.db"
    if not path.exists():
        return []
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def test_two_devices_first_creates_second_joins(tmp_path: Path) -> None:
    one = Device(tmp_path, "laptop", bare_remote(tmp_path / "remote.git"))
    one.ok("new", "USDT withdrawal stuck", "--platform", "OKX", "--account", "UID 4471")
    one.ok("note", "1", "Agent asked me to wait 24h")
    created = one.ok("sync", "init", str(one.remote), "--name", "laptop")
    assert "Created the synced notebook" in created.stdout
    key = one.ok("key", "export", "--yes").stdout.strip()
    assert len(key) == 43

    two = Device(tmp_path, "desktop", one.remote)
    two.key = key
    joined = two.ok("sync", "init", str(one.remote), "--name", "desktop")
    assert "Joined" in joined.stdout and "1 new case" in joined.stdout
    two.key = None  # the key was kept with the notebook at join
    assert "UID 4471" in two.ok("show", "1", "--json").stdout  # the account opens there
    assert_converged([one, two])

    two.ok("reply", "1", "Escalated to tier 2", "--agent", "Mia", "--ticket", "T-88123")
    assert "1 case" in two.sync().stdout
    assert "1 updated case" in one.sync().stdout
    cases = assert_converged([one, two])
    assert cases[0]["account"] == "UID 4471"
    assert {"Agent asked me to wait 24h", "Escalated to tier 2"} <= one.texts()


def test_status_and_json(tmp_path: Path) -> None:
    (one,) = make_devices(tmp_path, 1)
    one.ok("new", "Case", "--platform", "OKX")
    status = json.loads(one.ok("sync", "status", "--json").stdout)
    assert status["remote"] == str(one.remote)
    assert status["device_name"] == "dev0"
    assert status["ahead"] == 1 and status["behind"] == 0 and status["remote_checked"]
    report = json.loads(one.ok("sync", "--json").stdout)
    assert report["sent_cases"] == 1 and report["pushed"]
    status = json.loads(one.ok("sync", "status", "--offline", "--json").stdout)
    assert status["ahead"] == 0 and status["behind"] is None
    text = one.ok("sync", "status").stdout
    assert "Device:    dev0" in text and "To send:   nothing" in text
    # Nothing changed: nothing is pushed, no empty commit.
    head = git("rev-parse", "main", cwd=one.remote)
    assert "out: nothing new" in one.sync().stdout
    assert git("rev-parse", "main", cwd=one.remote) == head


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))))
def test_three_devices_offline_then_any_order(tmp_path: Path, order: tuple[int, ...]) -> None:
    devices = make_devices(tmp_path, 3)
    devices[0].ok("new", "Shared case", "--platform", "OKX")
    devices[0].sync()
    for device in devices[1:]:
        device.sync()
    # Offline: everyone records on the shared case and opens a case of their own.
    for index, device in enumerate(devices):
        device.ok("note", "1", f"note from {device.name}")
        device.ok("new", f"Own case of {device.name}")
        device.ok("note", "2", f"detail {index}")
    for index in order:
        devices[index].sync()
    settle(devices)
    cases = assert_converged(devices)
    assert len(cases) == 4
    texts = devices[0].texts()
    assert {f"note from dev{i}" for i in range(3)} <= texts
    assert {f"detail {i}" for i in range(3)} <= texts


def test_same_field_edited_on_two_devices_keeps_both_visibly(tmp_path: Path) -> None:
    one, two = make_devices(tmp_path, 2)
    one.ok("new", "Withdrawal stuck")
    one.sync()
    two.sync()
    one.ok("edit", "1", "--title", "Title from one")
    two.ok("edit", "1", "--title", "Title from two")
    for first, second in ((one, two), (two, one)):
        first.sync()
        second.sync()
    settle([one, two])
    cases = assert_converged([one, two])
    (case,) = cases
    notes = [e["text"] for e in case["entries"] if e["text"].startswith("Sync conflict")]
    assert len(notes) == 1, notes
    titles = {"Title from one", "Title from two"}
    assert case["title"] in titles
    (other,) = titles - {case["title"]}
    assert other in notes[0]


def test_sequential_edits_are_not_conflicts(tmp_path: Path) -> None:
    one, two = make_devices(tmp_path, 2)
    one.ok("new", "First title")
    one.sync()
    one.ok("edit", "1", "--title", "Second title")
    one.sync()
    one.ok("edit", "1", "--title", "Third title")
    one.sync()
    two.sync()
    two.ok("edit", "1", "--title", "Fourth title")
    two.sync()
    one.sync()
    (case,) = assert_converged([one, two])
    assert case["title"] == "Fourth title"
    assert not [e for e in case["entries"] if e["text"].startswith("Sync conflict")]


def test_delete_on_one_device_edit_on_another(tmp_path: Path) -> None:
    one, two = make_devices(tmp_path, 2)
    one.ok("new", "Kept because edited later")
    one.ok("new", "Really deleted")
    one.sync()
    two.sync()
    # Case 1: deleted on one, then edited on two later: the edit wins, nothing is lost.
    one.ok("rm", "1", "--yes")
    one.ok("rm", "2", "--yes")
    two.ok("note", "1", "still happening")
    for first, second in ((one, two), (two, one)):
        first.sync()
        second.sync()
    settle([one, two])
    cases = assert_converged([one, two])
    assert [case["title"] for case in cases] == ["Kept because edited later"]
    assert "still happening" in one.texts()


def test_deleted_case_stays_deleted(tmp_path: Path) -> None:
    one, two, three = make_devices(tmp_path, 3)
    one.ok("new", "Old case")
    settle([one, two, three])
    two.ok("rm", "1", "--yes")
    two.sync()
    assert "1 deleted case" in one.sync().stdout
    settle([one, two, three])
    assert assert_converged([one, two, three]) == []


def test_push_race_two_syncs_at_once(tmp_path: Path) -> None:
    devices = make_devices(tmp_path, 3)
    for device in devices:
        for n in range(3):
            device.ok("new", f"{device.name} case {n}")
    processes = [device.process("sync") for device in devices]
    for process in processes:
        _, stderr = process.communicate(timeout=120)
        assert process.returncode == 0, stderr.decode()
    settle(devices)
    cases = assert_converged(devices)
    assert len(cases) == 9


def test_tampered_file_on_the_remote_is_refused(tmp_path: Path) -> None:
    one, two = make_devices(tmp_path, 2)
    one.ok("new", "Case")
    one.sync()
    before = dump(two)
    # Someone without the key flips a byte of one device file and pushes it.
    work = tmp_path / "attacker"
    git("clone", "--quiet", str(one.remote), str(work))
    (chunk,) = [p for p in (work / "devices").rglob("*.bin")]
    data = bytearray(chunk.read_bytes())
    data[-5] ^= 0x01
    chunk.write_bytes(bytes(data))
    git("-c", "user.name=x", "-c", "user.email=x@x", "commit", "-qam", "x", cwd=work)
    git("push", "--quiet", "origin", "main", cwd=work)
    result = two.run("sync")
    assert result.exit_code == 1
    assert "does not open with this notebook's key" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert dump(two) == before
    # A device that had already seen the file refuses too: it changed.
    assert "was rewritten" in one.run("sync").stderr


def test_new_file_from_someone_without_the_key_is_refused(tmp_path: Path) -> None:
    (one,) = make_devices(tmp_path, 1)
    one.ok("new", "Case")
    one.sync()
    work = tmp_path / "attacker"
    git("clone", "--quiet", str(one.remote), str(work))
    forged = work / "devices" / "00000000-0000-0000-0000-000000000000" / "000001.bin"
    forged.parent.mkdir(parents=True)
    forged.write_bytes(b"\x01" + os.urandom(100))
    git("add", ".", cwd=work)
    git("-c", "user.name=x", "-c", "user.email=x@x", "commit", "-qm", "x", cwd=work)
    git("push", "--quiet", "origin", "main", cwd=work)
    before = dump(one)
    result = one.run("sync")
    assert result.exit_code == 1 and "refusing to sync" in result.stderr
    assert dump(one) == before


def test_rewritten_remote_history_is_refused(tmp_path: Path) -> None:
    one, two = make_devices(tmp_path, 2)
    one.ok("new", "First")
    one.sync()
    first_head = git("rev-parse", "main", cwd=one.remote)
    two.sync()
    two.ok("new", "Second")
    two.sync()
    one.sync()
    # A force push back to an older commit drops two's file.
    git("update-ref", "refs/heads/main", first_head, cwd=one.remote)
    before = dump(one)
    result = one.run("sync")
    assert result.exit_code == 1
    assert "history" in result.stderr and "rewritten" in result.stderr
    assert dump(one) == before
    # two still has everything, and says so too.
    assert two.run("sync").exit_code == 1


def test_wrong_key_is_refused_with_nothing_written(tmp_path: Path) -> None:
    (one,) = make_devices(tmp_path, 1)
    one.ok("new", "Case")
    one.sync()
    other = Device(tmp_path, "stranger", one.remote)
    other.key = "A" * 43
    result = other.run("sync", "init", str(one.remote))
    assert result.exit_code == 1
    assert "does not open the notebook" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not other.home.exists()
    # Without any key at all: told what to do, still nothing written.
    other.key = None
    result = other.run("sync", "init", str(one.remote))
    assert result.exit_code == 1 and "ISSUENOTE_KEY" in result.stderr
    assert not other.home.exists()


def test_wrong_key_on_an_existing_notebook_leaves_it_alone(tmp_path: Path) -> None:
    (one,) = make_devices(tmp_path, 1)
    other = Device(tmp_path, "other", one.remote)
    other.ok("new", "Mine", "--account", "UID 1")
    before = dump(other)
    other.key = one.ok("key", "export", "--yes").stdout.strip()
    result = other.run("sync", "init", str(one.remote))
    assert result.exit_code == 1 and "does not open this notebook" in result.stderr
    assert dump(other) == before
    assert not (other.home / "sync").exists()


def test_git_missing_from_path(tmp_path: Path) -> None:
    one = Device(tmp_path, "one", bare_remote(tmp_path / "remote.git"))
    one.ok("new", "Case")
    result = one.run("sync", "init", str(one.remote), PATH=str(tmp_path / "nothing"))
    assert result.exit_code == 1
    assert "no `git` command was found" in result.stderr
    assert not (one.home / "sync").exists()
    one.ok("sync", "init", str(one.remote))
    result = one.run("sync", PATH=str(tmp_path / "nothing"))
    assert result.exit_code == 1 and "git" in result.stderr


def test_unreachable_remote(tmp_path: Path) -> None:
    one = Device(tmp_path, "one", tmp_path / "no-such-remote.git")
    one.ok("new", "Case")
    result = one.run("sync", "init", str(tmp_path / "no-such-remote.git"))
    assert result.exit_code == 1
    assert "cannot reach the remote" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (one.home / "sync").exists()


def test_remote_with_foreign_files_is_refused(tmp_path: Path) -> None:
    remote = bare_remote(tmp_path / "remote.git")
    work = tmp_path / "work"
    git("clone", "--quiet", str(remote), str(work))
    (work / "README.md").write_text("hello\n")
    git("add", ".", cwd=work)
    git("-c", "user.name=x", "-c", "user.email=x@x", "commit", "-qm", "x", cwd=work)
    git("push", "--quiet", "origin", "HEAD:main", cwd=work)
    one = Device(tmp_path, "one", remote)
    result = one.run("sync", "init", str(remote))
    assert result.exit_code == 1 and "did not write" in result.stderr


def test_sync_before_init_is_a_clear_error(tmp_path: Path) -> None:
    one = Device(tmp_path, "one", tmp_path / "remote.git")
    result = one.run("sync")
    assert result.exit_code == 1 and "sync init" in result.stderr
    (one2,) = make_devices(tmp_path / "x", 1)
    again = one2.run("sync", "init", str(one2.remote))
    assert again.exit_code == 1 and "already syncs" in again.stderr


def test_nothing_readable_on_the_remote(tmp_path: Path) -> None:
    one, two = make_devices(tmp_path, 2)
    secrets = [
        "Binance withdrawal frozen",
        "agent Zhang Wei promised a refund",
        "TICKET-7719-XK",
        "Agent Kowalski",
        "AGT-5521",
        "UID 99887766",
        "私人笔记内容",
    ]
    one.ok("new", secrets[0], "--platform", "Binance", "--account", secrets[5])
    one.ok("note", "1", secrets[1])
    one.ok("reply", "1", "please wait", "--agent", secrets[3], "--agent-id", secrets[4])
    one.ok("contact", "1", "--channel", "email", "--ticket", secrets[2])
    one.ok("note", "1", secrets[6], "--private")
    one.sync()
    two.sync()
    assert secrets[6] in two.texts()
    objects = subprocess_objects(one.remote)
    for secret in [*secrets, "Binance", "OKX", "withdrawal"]:
        assert secret.encode() not in objects, secret
    names = git("ls-tree", "-r", "--name-only", "main", cwd=one.remote)
    assert "Binance" not in names and "case" not in names.lower()


def subprocess_objects(remote: Path) -> bytes:
    import subprocess

    return subprocess.run(
        ["git", "cat-file", "--batch-all-objects", "--batch"],
        cwd=remote,
        check=True,
        capture_output=True,
    ).stdout


def test_key_import_and_export(tmp_path: Path) -> None:
    (one,) = make_devices(tmp_path, 1)
    key = one.ok("key", "export", "--yes").stdout.strip()
    other = Device(tmp_path, "other", one.remote)
    result = other.ok("key", "import", "-", input=key + "\n")
    assert "kept" in result.stdout
    # Now it joins without ISSUENOTE_KEY.
    other.ok("sync", "init", str(one.remote))
    bad = Device(tmp_path, "bad", one.remote)
    result = bad.run("key", "import", "-", input="not a key\n")
    assert result.exit_code == 1 and "not a notebook key" in result.stderr
    assert "not a key" not in result.stderr.replace("not a notebook key", "")
    # A notebook already encrypted under another key refuses it.
    third = Device(tmp_path, "third", one.remote)
    third.ok("new", "Mine", "--account", "UID 5")
    result = third.run("key", "import", "-", input=key + "\n")
    assert result.exit_code == 1 and "another key" in result.stderr


def wait_for(condition: object, seconds: float = 90.0) -> None:
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.1)
    raise AssertionError("timed out waiting for the background sync")


def finished(process: subprocess.Popen[bytes]) -> tuple[int, str]:
    _, stderr = process.communicate(timeout=120)
    return process.returncode, stderr.decode()


def test_auto_sync_runs_in_the_background_after_a_note(tmp_path: Path) -> None:
    one, two = make_devices(tmp_path, 2)
    (one.home / "config.toml").write_text('sync = "auto"\n')
    head = git("rev-parse", "main", cwd=one.remote)
    assert finished(one.process("new", "Recorded on the go")) == (0, "")
    wait_for(lambda: git("rev-parse", "main", cwd=one.remote) != head)
    wait_for(lambda: not (one.home / "sync" / "auto-pending").exists())
    assert "1 new case" in two.sync().stdout
    # A notebook that syncs by hand (the default) starts nothing.
    head = git("rev-parse", "main", cwd=one.remote)
    assert finished(two.process("note", "1", "typed on two")) == (0, "")
    assert not (two.home / "sync" / "auto-pending").exists()
    assert git("rev-parse", "main", cwd=one.remote) == head


def test_failed_background_sync_is_reported_once(tmp_path: Path) -> None:
    (one,) = make_devices(tmp_path, 1)
    (one.home / "config.toml").write_text('sync = "auto"\n')
    one.remote.rename(tmp_path / "moved.git")
    assert finished(one.process("new", "Offline case")) == (0, "")
    failure = one.home / "sync" / "background-failure"
    wait_for(failure.exists)
    wait_for(lambda: not (one.home / "sync" / "auto-pending").exists())
    status = json.loads(one.ok("sync", "status", "--offline", "--json").stdout)
    assert "cannot reach the remote" in status["background_failure"]
    doctor = json.loads(one.run("doctor", "--json").stdout)
    assert doctor["sync"]["background_failure"] and doctor["sync"]["pending_cases"] == 1
    first = one.ok("list")
    assert "background sync failed" in first.stderr
    assert len(first.stderr.strip().splitlines()) == 1
    assert "background sync failed" not in one.ok("list").stderr
    # Back online: the next sync sends what waited.
    (tmp_path / "moved.git").rename(one.remote)
    assert "1 case" in one.sync().stdout


def test_bad_sync_setting_is_refused_like_any_bad_setting(tmp_path: Path) -> None:
    (one,) = make_devices(tmp_path, 1)
    one.ok("new", "Case")
    before = dump(one)
    (one.home / "config.toml").write_text('sync = "always"\n')
    code, stderr = finished(one.process("note", "1", "not kept"))
    assert code == 1
    assert "sync" in stderr and "manual, auto" in stderr
    assert len(stderr.strip().splitlines()) == 1
    assert dump(one) == before
    assert not (one.home / "sync" / "auto-pending").exists()


def test_doctor_reports_sync(tmp_path: Path) -> None:
    one = Device(tmp_path, "one", bare_remote(tmp_path / "remote.git"))
    one.ok("new", "Case")
    report = json.loads(one.run("doctor", "--json").stdout)
    assert report["sync"] is None
    one.ok("sync", "init", str(one.remote), "--name", "laptop")
    one.ok("note", "1", "unsent")
    report = json.loads(one.run("doctor", "--json").stdout)
    assert report["sync"]["remote"] == str(one.remote)
    assert report["sync"]["pending_cases"] == 1
    assert report["sync"]["last_sync_at"]
    text = one.run("doctor").stdout
    assert "laptop" in text and "1 changed case(s) not sent yet" in text


@pytest.mark.parametrize("remote", ["", "   ", "--upload-pack=touch /tmp/x", "a\nb"])
def test_bad_remote_is_refused_with_nothing_written(tmp_path: Path, remote: str) -> None:
    one = Device(tmp_path, "one", tmp_path / "remote.git")
    result = one.run("sync", "init", "--", remote)
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert not one.home.exists()


def test_odd_device_name_is_kept_harmless(tmp_path: Path) -> None:
    one = Device(tmp_path, "one", bare_remote(tmp_path / "remote.git"))
    name = "laptop \u202e\x1b[31m 😀 " + "x" * 500
    result = one.ok("sync", "init", str(one.remote), "--name", name)
    assert "\x1b" not in result.stdout and "\u202e" not in result.stdout
    status = json.loads(one.ok("sync", "status", "--json", "--offline").stdout)
    assert len(status["device_name"]) <= 80


def test_case_numbers_are_each_devices_own(tmp_path: Path) -> None:
    one, two = make_devices(tmp_path, 2)
    one.ok("new", "Made on one")
    two.ok("new", "Made on two")
    settle([one, two])
    assert_converged([one, two])
    first_on_one = json.loads(one.ok("show", "1", "--json").stdout)["title"]
    first_on_two = json.loads(two.ok("show", "1", "--json").stdout)["title"]
    assert (first_on_one, first_on_two) == ("Made on one", "Made on two")


def test_transactions_private_entries_and_done_steps_sync(tmp_path: Path) -> None:
    one, two = make_devices(tmp_path, 2)
    one.ok("new", "Case", "--account", "UID 77")
    one.ok(
        "tx",
        "1",
        "0x" + "ab" * 32,
        "--chain",
        "ethereum",
        "--asset",
        "USDT",
        "--amount",
        "1250.000001",
    )
    one.ok("step", "1", "Call back", "--due", "in 2d")
    one.ok("note", "1", "secret plan", "--private")
    settle([one, two])
    entries = json.loads(two.ok("show", "1", "--json").stdout)["entries"]
    (step,) = [entry for entry in entries if entry["kind"] == "step"]
    two.ok("done", "1", str(step["id"]))
    settle([one, two])
    (case,) = assert_converged([one, two])
    assert case["transactions"][0]["amount"] == "1250.000001"
    assert any(entry["done_at"] for entry in case["entries"] if entry["kind"] == "step")
    assert "secret plan" in two.texts()


def test_same_entry_amended_on_two_devices(tmp_path: Path) -> None:
    one, two = make_devices(tmp_path, 2)
    one.ok("new", "Case")
    one.ok("reply", "1", "Wait 24h", "--agent", "Mia", "--ticket", "T-1")
    settle([one, two])
    number = json.loads(one.ok("show", "1", "--json").stdout)["entries"][0]["number"]
    one.ok("amend", "1", str(number), "--text", "Wait 48h (amended on one)")
    two.ok("amend", "1", str(number), "--ticket", "T-2", "--text", "Wait 72h (amended on two)")
    for first, second in ((two, one), (one, two)):
        first.sync()
        second.sync()
    settle([one, two])
    (case,) = assert_converged([one, two])
    everything = json.dumps(case, ensure_ascii=False)
    for text in ("Wait 24h", "Wait 48h (amended on one)", "Wait 72h (amended on two)"):
        assert text in everything, text
    (reply,) = [entry for entry in case["entries"] if entry["kind"] == "reply"]
    assert reply["text"] in ("Wait 48h (amended on one)", "Wait 72h (amended on two)")
    assert any(e["text"].startswith("Sync conflict") for e in case["entries"])


def test_entry_removed_on_one_device(tmp_path: Path) -> None:
    one, two = make_devices(tmp_path, 2)
    one.ok("new", "Case")
    one.ok("note", "1", "typo note")
    one.ok("note", "1", "good note")
    settle([one, two])
    number = json.loads(two.ok("show", "1", "--json").stdout)["entries"][0]["number"]
    two.ok("rm", "1", str(number), "--yes")
    settle([one, two])
    (case,) = assert_converged([one, two])
    assert [entry["text"] for entry in case["entries"]] == ["good note"]
    assert [entry["text"] for entry in case["deleted_entries"]] == ["typo note"]
    assert "good note" in one.ok("show", "1").stdout


def test_attachments_travel_whole_and_unreadable(tmp_path: Path) -> None:
    """`attach` on one device, then sync: the other has the very bytes, and the remote none."""
    one, two = make_devices(tmp_path, 2)
    screenshot = tmp_path / "TK-88412907-withdrawal-page.png"
    screenshot.write_bytes(
        b"\x89PNG\r\n\x1a\n" + b"PIXELS-OF-THE-WITHDRAWAL-PAGE" + os.urandom(2048)
    )
    statement = tmp_path / "bank-statement.txt"
    statement.write_text("Statement line: transfer received 2026-11-20, ref STMT-55120\n")
    one.ok("new", "Withdrawal stuck")
    one.ok("attach", "1", str(screenshot), "--caption", "提现页面 withdrawal page")
    one.ok("attach", "1", str(statement), "--private")
    settle([one, two])

    listed = json.loads(two.ok("attachments", "1", "--json").stdout)
    assert sorted(item["sha256"] for item in listed) == sorted(
        hashlib.sha256(path.read_bytes()).hexdigest() for path in (screenshot, statement)
    )
    for item in listed:
        path = Path(two.ok("open", "1", str(item["number"]), "--print-path").stdout.strip())
        source = screenshot if item["sha256"] == sha256_of(screenshot) else statement
        assert path.read_bytes() == source.read_bytes()
    assert two.run("verify").exit_code == 0
    kept_on_two = b"".join(
        p.read_bytes() for p in (two.home / "attachments").rglob("*") if p.is_file()
    )
    assert b"STMT-55120" not in kept_on_two  # the private file arrived and was sealed at once

    reply = tmp_path / "reply.eml"
    reply.write_text("From: support@okx.com\nSubject: Re: TK-88412907\n\nWe are checking.\n")
    two.ok("attach", "1", str(reply), "--caption", "their answer")
    one.ok("rm", "1", "--attachment", str(listed[0]["number"]))
    settle([one, two])
    assert_converged([one, two])
    on_one = json.loads(one.ok("attachments", "1", "--json").stdout)
    assert sha256_of(reply) in {item["sha256"] for item in on_one}
    on_two = json.loads(two.ok("attachments", "1", "--json").stdout)
    detached = listed[0]["uuid"]
    assert detached not in {item["uuid"] for item in on_one}
    assert detached not in {item["uuid"] for item in on_two}  # the detach travelled too
    assert sorted(i["uuid"] for i in on_one) == sorted(i["uuid"] for i in on_two)
    assert one.run("verify").exit_code == 0

    objects = subprocess_objects(one.remote)
    for secret in (b"PIXELS-OF-THE-WITHDRAWAL-PAGE", b"STMT-55120", b"We are checking"):
        assert secret not in objects
    for name in ("TK-88412907", "withdrawal", "提现页面", "bank-statement", "reply.eml"):
        assert name.encode() not in objects, name
    names = git("ls-tree", "-r", "--name-only", "main", cwd=one.remote)
    assert sha256_of(screenshot) not in names  # blob names are keyed, not the plain hash


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_detach_wins_over_an_older_copy_and_undo_brings_it_back(tmp_path: Path) -> None:
    one, two = make_devices(tmp_path, 2)
    screenshot = tmp_path / "chat.png"
    screenshot.write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(512))
    one.ok("new", "Case")
    one.ok("attach", "1", str(screenshot), "--caption", "the chat")
    settle([one, two])
    # Offline apart: one detaches the file, two adds a note (its copy still holds the file).
    one.ok("rm", "1", "--attachment", "1")
    two.ok("note", "1", "asked again on chat")
    for first, second in ((two, one), (one, two)):
        first.sync()
        second.sync()
    settle([one, two])
    assert_converged([one, two])
    for device in (one, two):
        assert json.loads(device.ok("attachments", "1", "--json").stdout) == []
        assert json.loads(device.ok("search", "chat.png", "--json").stdout) == []

    two.ok("attach", "1", str(screenshot), "--caption", "the chat, again")  # a new record
    settle([one, two])
    assert_converged([one, two])
    for device in (one, two):
        (item,) = json.loads(device.ok("attachments", "1", "--json").stdout)
        assert item["caption"] == "the chat, again"


def test_detach_undone_before_a_sync_sends_nothing(tmp_path: Path) -> None:
    one, two = make_devices(tmp_path, 2)
    screenshot = tmp_path / "chat.png"
    screenshot.write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(512))
    one.ok("new", "Case")
    one.ok("attach", "1", str(screenshot))
    settle([one, two])
    one.ok("rm", "1", "--attachment", "1")
    one.ok("undo", "--yes")
    settle([one, two])
    assert_converged([one, two])
    for device in (one, two):
        assert len(json.loads(device.ok("attachments", "1", "--json").stdout)) == 1


def test_one_file_attached_in_the_open_and_privately_arrives_as_both(tmp_path: Path) -> None:
    one, two = make_devices(tmp_path, 2)
    statement = tmp_path / "statement.txt"
    statement.write_text("Transfer received, ref STMT-99120\n")
    one.ok("new", "Case")
    one.ok("attach", "1", str(statement))
    one.ok("attach", "1", str(statement), "--private")
    settle([one, two])
    assert_converged([one, two])
    listed = json.loads(two.ok("attachments", "1", "--json").stdout)
    assert sorted(item["private"] for item in listed) == [False, True]
    assert two.run("verify").exit_code == 0
    for item in listed:
        path = Path(two.ok("open", "1", str(item["number"]), "--print-path").stdout.strip())
        assert path.read_bytes() == statement.read_bytes()


def test_a_copy_newer_only_in_its_time_moves_the_time_on(tmp_path: Path) -> None:
    """A write that leaves nothing to carry (a detach already known) still moves updated_at.

    Devices that each kept their own time never agreed on the case: this failed
    whenever `attach` on one device and `rm --attachment` on the other fell in
    different seconds.
    """
    from datetime import datetime, timedelta

    one, two = make_devices(tmp_path, 2)
    one.ok("new", "Withdrawal stuck")
    settle([one, two])
    database = sqlite3.connect(one.home / "notebook.db")
    (updated,) = database.execute("SELECT updated_at FROM cases").fetchone()
    later = datetime.strptime(updated, "%Y-%m-%dT%H:%M:%SZ") + timedelta(seconds=5)
    with database:  # the revision trigger publishes it, as any write to the case would
        database.execute("UPDATE cases SET updated_at = ?", [later.strftime("%Y-%m-%dT%H:%M:%SZ")])
    database.close()
    settle([one, two])
    (case,) = assert_converged([one, two])
    assert case["updated_at"] == json.loads(one.ok("show", "1", "--json").stdout)["updated_at"]
