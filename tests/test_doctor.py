"""`issuenote doctor` on healthy, damaged, locked-out and careless notebooks."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path


def checks(cli, *args: str) -> tuple[int, dict]:
    result = cli("doctor", "--json", *args)
    return result.exit_code, json.loads(result.stdout)


def status_of(report: dict, name: str) -> list[str]:
    return [c["status"] for c in report["checks"] if c["name"] == name]


def test_no_notebook_yet(cli, notebook_home: Path) -> None:
    code, report = checks(cli)
    assert code == 0
    assert "no notebook yet" in report["checks"][0]["detail"]
    assert not notebook_home.exists()


def test_healthy_notebook(cli) -> None:
    cli("new", "x", "--account", "UID 12345689")
    cli("note", "1", "hello")
    code, report = checks(cli)
    assert code == 0, report
    assert report["ok"] is True
    assert status_of(report, "integrity") == ["ok"]
    assert report["schema_version"] >= 1
    assert report["counts"] == {"cases": 1, "entries": 1, "transactions": 0}
    # No keyring in tests: the key file works, and doctor says so as a warning.
    assert status_of(report, "key") == ["warn"]
    assert report["key"]["source"] == "file"
    human = cli("doctor")
    assert human.exit_code == 0
    assert "integrity_check: ok" in human.stdout


def test_damaged_notebook_fails(cli, notebook_home: Path) -> None:
    cli("new", "x")
    for i in range(200):
        cli("note", "1", f"note {i} " + "padding " * 50)
    db = notebook_home / "notebook.db"
    # Fold the WAL in, then scribble over a page in the middle of the file.
    import sqlite3

    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    data = bytearray(db.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 4096] = b"\xff" * 4096
    db.write_bytes(bytes(data))
    result = cli("doctor", "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False
    assert "fail" in status_of(report, "integrity") + status_of(report, "database")


def test_not_a_database(cli, notebook_home: Path) -> None:
    cli("new", "x")
    (notebook_home / "notebook.db").write_bytes(b"garbage" * 1000)
    for name in ("notebook.db-wal", "notebook.db-shm"):
        (notebook_home / name).unlink(missing_ok=True)
    code, report = checks(cli)
    assert code == 1
    assert status_of(report, "database") == ["fail"]


def test_missing_key_for_encrypted_data_fails(cli, notebook_home: Path) -> None:
    cli("new", "x", "--account", "UID 12345689")
    (notebook_home / "key").unlink()
    code, report = checks(cli)
    assert code == 1
    assert status_of(report, "key") == ["fail"]


def test_loose_permissions_fail_and_fix(cli, notebook_home: Path) -> None:
    cli("new", "x", "--account", "UID 12345689")
    os.chmod(notebook_home, 0o755)
    os.chmod(notebook_home / "notebook.db", 0o644)
    code, report = checks(cli)
    assert code == 1
    assert status_of(report, "permissions") == ["fail"]
    code, report = checks(cli, "--fix")
    assert code == 0, report
    assert stat.S_IMODE(os.stat(notebook_home).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(notebook_home / "notebook.db").st_mode) == 0o600
    code, report = checks(cli)
    assert code == 0


def test_leftover_temporary_key_files_are_reported_and_fixed(cli, notebook_home: Path) -> None:
    cli("new", "x")
    leftover = notebook_home / ".key.0123456789abcdef.tmp"
    leftover.write_text("not a real key\n")
    code, report = checks(cli)
    assert code == 0
    assert status_of(report, "leftovers") == ["warn"]
    code, report = checks(cli, "--fix")
    assert status_of(report, "leftovers") == ["ok"]
    assert not leftover.exists()
