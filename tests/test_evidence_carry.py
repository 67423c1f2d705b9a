"""Attachments travel: backup/restore, export --all (file list, --with-attachments), import."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

Cli = Callable[..., Any]


@pytest.fixture
def attached(cli: Cli, case: str, tmp_path: Path) -> dict[str, Any]:
    shot = tmp_path / "status.txt"
    shot.write_text("Withdrawal status: PENDING\n")
    private = tmp_path / "statement.txt"
    private.write_text("bank statement\n")
    assert cli("attach", case, str(shot), "--caption", "status page").exit_code == 0
    assert cli("attach", case, str(private), "--private").exit_code == 0
    return json.loads(cli("show", case, "--json").stdout)


def test_backup_and_restore_carry_the_files(
    cli: Cli, attached: dict[str, Any], tmp_path: Path
) -> None:
    archive = tmp_path / "backup.tar.gz"
    assert cli("backup", str(archive)).exit_code == 0
    other = tmp_path / "restored"
    assert cli("--home", str(other), "restore", str(archive)).exit_code == 0, "restore"
    stored = [p for p in (other / "attachments").rglob("*") if p.is_file()]
    assert len(stored) == 2
    assert cli("--home", str(other), "verify").exit_code == 0


def test_export_all_lists_each_file_with_its_hash(
    cli: Cli, attached: dict[str, Any], tmp_path: Path
) -> None:
    data = json.loads(cli("export", "--all", "--format", "json").stdout)
    [listed] = data["cases"][0]["attachments"]  # the private one stays out by default
    assert listed["name"] == "status.txt" and len(listed["sha256"]) == 64
    assert listed["entry_uuid"] == data["cases"][0]["entries"][0]["uuid"]
    full = json.loads(cli("export", "--all", "--format", "json", "--include-private").stdout)
    assert len(full["cases"][0]["attachments"]) == 2


def test_with_attachments_the_files_travel_and_import_back(
    cli: Cli, attached: dict[str, Any], tmp_path: Path
) -> None:
    target = tmp_path / "notebook.zip"
    result = cli(
        "export",
        "--all",
        "--format",
        "json",
        "--include-private",
        "--with-attachments",
        "--output",
        str(target),
    )
    assert result.exit_code == 0, result.stderr
    with zipfile.ZipFile(target) as archive:
        names = archive.namelist()
    assert "notebook.json" in names and len([n for n in names if n.startswith("attachments/")]) == 2
    other = tmp_path / "other"
    imported = cli("--home", str(other), "import", str(target))
    assert imported.exit_code == 0 and "2 new attachments" in imported.stdout
    listed = json.loads(cli("--home", str(other), "attachments", "1", "--json").stdout)
    assert [a["sha256"] for a in listed] == [a["sha256"] for a in attached["attachments"]]
    assert listed[1]["private"] is True
    path = cli("--home", str(other), "open", "1", "2", "--print-path").stdout.strip()
    assert Path(path).read_text() == "bank statement\n"
    assert cli("--home", str(other), "verify").exit_code == 0
    again = cli("--home", str(other), "import", str(target))
    assert "Nothing to import" in again.stdout


def test_json_without_files_imports_records_only_with_a_warning(
    cli: Cli, attached: dict[str, Any], tmp_path: Path
) -> None:
    target = tmp_path / "all.json"
    cli("export", "--all", "--format", "json", "--output", str(target))
    other = tmp_path / "other"
    result = cli("--home", str(other), "import", str(target))
    assert result.exit_code == 0
    assert "not carried with it were not recorded (1)" in result.stderr
    assert cli("--home", str(other), "verify").exit_code == 0


def test_a_tampered_archive_is_refused_whole(
    cli: Cli, attached: dict[str, Any], tmp_path: Path
) -> None:
    good = tmp_path / "notebook.zip"
    cli("export", "--all", "--format", "json", "--with-attachments", "--output", str(good))
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(good) as old, zipfile.ZipFile(bad, "w") as new:
        for name in old.namelist():
            data = old.read(name)
            new.writestr(name, data + b"x" if name.startswith("attachments/") else data)
    other = tmp_path / "other"
    result = cli("--home", str(other), "import", str(bad))
    assert result.exit_code == 1 and "does not match its SHA-256" in result.stderr
    assert not (other / "notebook.db").exists()


def test_with_attachments_needs_all_and_output(cli: Cli, attached: dict[str, Any]) -> None:
    result = cli("export", "1", "--with-attachments")
    assert result.exit_code == 1 and "--with-attachments goes with --all" in result.stderr
