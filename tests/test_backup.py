"""`issuenote backup` and `issuenote restore`, through the CLI.

A backup is a consistent copy even while another process writes; a restore
checks the whole archive first and refuses a bad one with one line, changing
nothing; replacing a notebook first saves it to a rescue archive.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import tarfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from issuenote.cli import app
from issuenote.demo import demo_commands
from issuenote.parse import timeparse
from issuenote.store.schema import SCHEMA_VERSION

Cli = Callable[..., Any]


def _record_demo(home: Path) -> None:
    runner = CliRunner()
    with pytest.MonkeyPatch.context() as env:
        env.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
        env.delenv("ISSUENOTE_KEY", raising=False)
        env.setenv("TZ", "Asia/Shanghai")
        time.tzset()
        for args in demo_commands(timeparse.utc_now()):
            result = runner.invoke(app, ["--home", str(home), *args])
            assert result.exit_code == 0, (args, result.stderr)
        result = runner.invoke(app, ["--home", str(home), "note", "1", "my bank", "--private"])
        assert result.exit_code == 0
    time.tzset()


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("demo") / "home"
    _record_demo(home)
    return home


@pytest.fixture
def running_example(demo_home: Path, notebook_home: Path) -> Path:
    """The running example (with an account and a private note) as this test's notebook."""
    shutil.copytree(demo_home, notebook_home)
    return notebook_home


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "work"
    directory.mkdir()
    monkeypatch.chdir(directory)
    return directory


def dump(home: Path) -> list[str]:
    conn = sqlite3.connect(home / "notebook.db")
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def members(archive: Path) -> dict[str, bytes]:
    with tarfile.open(archive, "r:gz") as tar:
        return {
            m.name: tar.extractfile(m).read()  # type: ignore[union-attr]
            for m in tar.getmembers()
            if m.isreg()
        }


def backup_to(cli: Cli, target: Path, *options: str) -> Path:
    result = cli("backup", str(target), *options)
    assert result.exit_code == 0, result.stderr
    return target


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# -- backup --------------------------------------------------------------------------


def test_backup_writes_a_checked_archive_in_the_current_directory(
    cli: Cli, running_example: Path, workdir: Path
) -> None:
    result = cli("backup")
    assert result.exit_code == 0, result.stderr
    [archive] = list(workdir.glob("issuenote-backup-*.tar.gz"))
    assert archive.name[len("issuenote-backup-") :].startswith(str(time.localtime().tm_year))
    assert f"Backed up the notebook (1 case, 10 entries, 1 transaction) to {archive}" in (
        result.stdout
    )
    assert "The data key is not in the backup" in result.stdout
    assert f"the key file {running_example / 'key'}" in result.stdout
    assert mode(archive) == 0o600
    with tarfile.open(archive, "r:gz") as tar:
        names = tar.getnames()
    assert names == ["manifest.json", "notebook.db"]  # no key by default
    files = members(archive)
    manifest = json.loads(files["manifest.json"])
    assert manifest["format"] == "issuenote-backup" and manifest["format_version"] == 1
    assert manifest["schema_version"] == SCHEMA_VERSION
    assert (
        manifest["notebook"]
        == sqlite3.connect(running_example / "notebook.db")
        .execute("SELECT value FROM notebook WHERE key = 'uuid'")
        .fetchone()[0]
    )
    assert manifest["encrypted_data"] is True and manifest["kcv"].startswith("kcv1:")
    assert manifest["key_included"] is False
    assert manifest["counts"] == {"cases": 1, "entries": 10, "transactions": 1}
    for entry in manifest["files"]:
        data = files[entry["path"]]
        assert entry["size"] == len(data)
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()


def test_backup_never_replaces_a_file(cli: Cli, running_example, workdir: Path) -> None:
    target = workdir / "mine.tar.gz"
    target.write_bytes(b"precious")
    result = cli("backup", str(target))
    assert result.exit_code == 1
    assert "already exists" in result.stderr
    assert target.read_bytes() == b"precious"
    assert sorted(p.name for p in workdir.iterdir()) == ["mine.tar.gz"]  # no temp file left


def test_backup_into_a_directory_uses_the_default_name(
    cli: Cli, running_example, tmp_path: Path
) -> None:
    target = tmp_path / "usb"
    target.mkdir()
    assert cli("backup", str(target)).exit_code == 0
    assert len(list(target.glob("issuenote-backup-*.tar.gz"))) == 1


def test_backup_without_a_notebook_or_a_directory(cli: Cli, tmp_path: Path) -> None:
    result = cli("backup", str(tmp_path / "b.tar.gz"))
    assert result.exit_code == 1 and "nothing to back up" in result.stderr
    cli("new", "a case")
    result = cli("backup", str(tmp_path / "missing" / "b.tar.gz"))
    assert result.exit_code == 1 and "does not exist" in result.stderr


def test_a_notebook_without_encrypted_fields_needs_no_key(cli: Cli, tmp_path: Path) -> None:
    cli("new", "a case")
    result = cli("backup", str(tmp_path / "b.tar.gz"))
    assert "needs no key" in result.stdout
    result = cli("backup", str(tmp_path / "c.tar.gz"), "--with-key")
    assert "no data key to put in" in result.stdout
    assert "key" not in members(tmp_path / "c.tar.gz")


def test_with_key_puts_the_key_in_and_warns(cli: Cli, running_example, tmp_path: Path) -> None:
    result = cli("backup", str(tmp_path / "b.tar.gz"), "--with-key")
    assert result.exit_code == 0
    assert "holds the data key" in result.stderr
    files = members(tmp_path / "b.tar.gz")
    assert files["key"] == (running_example / "key").read_bytes()
    assert json.loads(files["manifest.json"])["key_included"] is True
    # Restored on another machine, the encrypted fields open.
    other = tmp_path / "other"
    result = cli("--home", str(other), "restore", str(tmp_path / "b.tar.gz"))
    assert result.exit_code == 0, result.stderr
    assert "The data key came with the backup." in result.stdout
    shown = json.loads(cli("--home", str(other), "show", "1", "--json").stdout)
    assert shown["account"] == "alice.chen@gmail.com"
    assert shown["entries"][-1]["text"] == "my bank"


def test_settings_and_attachments_travel_along(cli: Cli, running_example, tmp_path) -> None:
    (running_example / "config.toml").write_text('language = "zh"\n', encoding="utf-8")
    store = running_example / "attachments" / "ab"
    store.mkdir(parents=True)
    (store / "abcdef").write_bytes(b"\x00screenshot\xff")
    (running_example / "attachments" / "link").symlink_to("/etc/passwd")
    result = cli("backup", str(tmp_path / "b.tar.gz"))
    assert result.exit_code == 0
    assert "not backed up (links or special files): attachments/link" in result.stderr
    files = members(tmp_path / "b.tar.gz")
    assert sorted(files) == [
        "attachments/ab/abcdef",
        "config.toml",
        "manifest.json",
        "notebook.db",
    ]
    other = tmp_path / "other"
    assert cli("--home", str(other), "restore", str(tmp_path / "b.tar.gz")).exit_code == 0
    assert (other / "attachments" / "ab" / "abcdef").read_bytes() == b"\x00screenshot\xff"
    assert (other / "config.toml").read_text(encoding="utf-8") == 'language = "zh"\n'
    assert mode(other / "attachments" / "ab") == 0o700
    assert mode(other / "attachments" / "ab" / "abcdef") == 0o600


def test_backup_json(cli: Cli, running_example, tmp_path: Path) -> None:
    result = cli("backup", str(tmp_path / "b.tar.gz"), "--json")
    data = json.loads(result.stdout)
    assert data["path"] == str(tmp_path / "b.tar.gz")
    assert data["counts"]["entries"] == 10
    assert data["key_included"] is False
    assert data["key_location"] == f"the key file {running_example / 'key'}"
    assert data["sha256"] == hashlib.sha256((tmp_path / "b.tar.gz").read_bytes()).hexdigest()


WRITER = """
import sys
from pathlib import Path
from issuenote import actions
from issuenote.store import Store

store = Store.open(Path(sys.argv[1]), create=False)
for number in range(int(sys.argv[2])):
    actions.add_note(store, "1", f"write {number}")
    if number == 0:
        print("started", flush=True)
store.close()
"""


def test_backup_is_consistent_while_another_process_writes(
    cli: Cli, notebook_home: Path, tmp_path: Path
) -> None:
    cli("new", "busy case")
    writes = 300
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(notebook_home), str(writes)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert writer.stdout is not None and writer.stdout.readline() == "started\n"
    archives = []
    while writer.poll() is None and len(archives) < 20:
        archives.append(backup_to(cli, tmp_path / f"b{len(archives)}.tar.gz"))
    assert writer.wait(timeout=120) == 0, writer.stderr.read() if writer.stderr else ""
    archives.append(backup_to(cli, tmp_path / "final.tar.gz"))
    for number, archive in enumerate(archives):
        home = tmp_path / f"restored{number}"
        assert cli("--home", str(home), "restore", str(archive)).exit_code == 0
        conn = sqlite3.connect(home / "notebook.db")
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        texts = [row[0] for row in conn.execute("SELECT text FROM entries ORDER BY id")]
        conn.close()
        # One moment of the writer's life: the first k writes, all of them, nothing else.
        assert texts == [f"write {i}" for i in range(len(texts))]
    assert len(texts) == writes


# -- restore ---------------------------------------------------------------------------


def test_restore_into_an_empty_home_brings_back_everything(
    cli: Cli, running_example: Path, tmp_path: Path
) -> None:
    archive = backup_to(cli, tmp_path / "b.tar.gz")
    other = tmp_path / "new-machine" / "issuenote"
    result = cli("--home", str(other), "restore", str(archive))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Restored the backup of notebook ")
    assert dump(other) == dump(running_example)
    assert mode(other) == 0o700
    assert all(mode(path) == 0o600 for path in other.iterdir())
    # Without the key, the notebook works and says what is missing.
    assert "its data key is not here yet" in result.stderr
    assert not list(other.parent.glob(".*"))  # no staging directory left
    shown = json.loads(cli("--home", str(other), "show", "1", "--json").stdout)
    assert shown["title"] == "USDT withdrawal stuck for three days"


def test_restore_into_an_existing_empty_directory(cli: Cli, running_example, tmp_path) -> None:
    archive = backup_to(cli, tmp_path / "b.tar.gz")
    other = tmp_path / "empty"
    other.mkdir()
    assert cli("--home", str(other), "restore", str(archive)).exit_code == 0
    assert dump(other) == dump(running_example)


def test_a_key_file_already_there_is_kept(cli: Cli, running_example, tmp_path: Path) -> None:
    archive = backup_to(cli, tmp_path / "b.tar.gz")
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(running_example / "key", other / "key")  # as the restore message suggests
    result = cli("--home", str(other), "restore", str(archive))
    assert result.exit_code == 0, result.stderr
    assert "The key file already there opens its encrypted fields" in result.stdout
    shown = json.loads(cli("--home", str(other), "show", "1", "--json").stdout)
    assert shown["account"] == "alice.chen@gmail.com"


def test_a_different_key_file_is_not_dropped_silently(
    cli: Cli, running_example, tmp_path: Path
) -> None:
    archive = backup_to(cli, tmp_path / "b.tar.gz", "--with-key")
    other = tmp_path / "other"
    other.mkdir()
    (other / "key").write_text("A" * 43 + "\n", encoding="ascii")
    result = cli("--home", str(other), "restore", str(archive))
    assert result.exit_code == 1
    assert "differs from the key in the backup" in result.stderr
    assert (other / "key").read_text(encoding="ascii") == "A" * 43 + "\n"


def test_restore_refuses_a_notebook_that_is_there(
    cli: Cli, running_example, tmp_path: Path, snapshot
) -> None:
    archive = backup_to(cli, tmp_path / "b.tar.gz")
    before = snapshot()
    result = cli("restore", str(archive))
    assert result.exit_code == 1
    assert "--force" in result.stderr and "nothing was changed" in result.stderr
    assert snapshot() == before


def test_restore_force_saves_what_is_there_first(
    cli: Cli, running_example: Path, tmp_path: Path
) -> None:
    archive = backup_to(cli, tmp_path / "b.tar.gz")
    cli("new", "recorded after the backup")
    cli("note", "2", "only in the current notebook")
    current = dump(running_example)
    result = cli("restore", str(archive), "--force")
    assert result.exit_code == 0, result.stderr
    [rescue] = list(tmp_path.glob("home-before-restore-*.tar.gz"))
    assert f"saved first to {rescue}" in result.stdout
    assert dump(running_example) != current
    assert [c["id"] for c in json.loads(cli("list", "--all", "--json").stdout)] == [1]
    # The key file was carried over: the restored notebook still opens.
    assert "The key file already there opens its encrypted fields" in result.stdout
    assert json.loads(cli("show", "1", "--json").stdout)["account"] == "alice.chen@gmail.com"
    # The rescue archive holds the replaced notebook, key file included.
    assert "key" in members(rescue)
    third = tmp_path / "third"
    assert cli("--home", str(third), "restore", str(rescue)).exit_code == 0
    assert dump(third) == current
    assert not list(tmp_path.glob(".home*"))


def test_restore_force_over_a_broken_notebook_keeps_its_raw_files(
    cli: Cli, running_example: Path, tmp_path: Path
) -> None:
    archive = backup_to(cli, tmp_path / "b.tar.gz")
    broken = b"SQLite format 3\x00" + b"\xa5" * 8000
    (running_example / "notebook.db").write_bytes(broken)
    assert cli("backup", str(tmp_path / "c.tar.gz")).exit_code == 1  # a backup refuses it
    result = cli("restore", str(archive), "--force")
    assert result.exit_code == 0, result.stderr
    [rescue] = list(tmp_path.glob("home-before-restore-*.tar.gz"))
    files = members(rescue)
    assert files["notebook.db"] == broken
    assert json.loads(files["manifest.json"])["raw_database"] is True
    assert json.loads(cli("show", "1", "--json").stdout)["title"].startswith("USDT")
    result = cli("--home", str(tmp_path / "x"), "restore", str(rescue))
    assert result.exit_code == 1 and "tar xzf" in result.stderr


def test_restore_force_over_a_directory_without_a_notebook(cli: Cli, demo_home, tmp_path) -> None:
    archive = tmp_path / "b.tar.gz"
    assert cli("--home", str(demo_home), "backup", str(archive)).exit_code == 0
    home = tmp_path / "home"
    home.mkdir()
    (home / "notes.txt").write_text("mine", encoding="utf-8")
    result = cli("restore", str(archive))
    assert result.exit_code == 1 and "--force" in result.stderr
    assert cli("restore", str(archive), "--force").exit_code == 0
    [rescue] = list(tmp_path.glob("home-before-restore-*.tar.gz"))
    assert members(rescue)["notes.txt"] == b"mine"
    assert not (home / "notes.txt").exists()


def test_restore_check_only_checks(cli: Cli, running_example, tmp_path: Path, snapshot) -> None:
    archive = backup_to(cli, tmp_path / "b.tar.gz")
    before = snapshot()
    result = cli("restore", str(archive), "--check")
    assert result.exit_code == 0
    assert "is a sound backup" in result.stdout and "1 case, 10 entries" in result.stdout
    data = json.loads(cli("restore", str(archive), "--check", "--json").stdout)
    assert data["counts"] == {"cases": 1, "entries": 10, "transactions": 1}
    assert data["encrypted_data"] is True and data["key_included"] is False
    assert snapshot() == before


# -- bad archives ------------------------------------------------------------------------


def repack(
    source: Path,
    target: Path,
    *,
    edit: Callable[[dict[str, Any], dict[str, bytes]], None] | None = None,
    extra: tuple[tarfile.TarInfo, ...] = (),
    rehash: bool = True,
    manifest_first: bool = True,
) -> Path:
    """Rewrite a good archive with changes, to make bad ones."""
    files = members(source)
    manifest = json.loads(files.pop("manifest.json"))
    if edit is not None:
        edit(manifest, files)
    if rehash:
        manifest["files"] = [
            {"path": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            for name, data in files.items()
        ]
    blobs = [("manifest.json", json.dumps(manifest).encode()), *files.items()]
    if not manifest_first:
        blobs.reverse()
    with tarfile.open(target, "w:gz") as tar:
        for name, data in blobs:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        for info in extra:
            tar.addfile(info, io.BytesIO(b"x" * info.size) if info.isreg() else None)
    return target


def _member(name: str, kind: bytes = tarfile.REGTYPE, size: int = 1, link: str = "") -> Any:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.size = size if kind == tarfile.REGTYPE else 0
    info.linkname = link
    return info


def _corrupt_database(manifest: dict[str, Any], files: dict[str, bytes]) -> None:
    data = bytearray(files["notebook.db"])
    data[4096 + 8 : 4096 * 3] = b"\xa5" * (4096 * 3 - 4096 - 8)
    files["notebook.db"] = bytes(data)


def _newer_database(manifest: dict[str, Any], files: dict[str, bytes], tmp: Path) -> None:
    path = tmp / "newer.db"
    path.write_bytes(files["notebook.db"])
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    files["notebook.db"] = path.read_bytes()


BAD_ARCHIVES: list[tuple[str, Callable[[Path, Path, Path], Path], str]] = [
    (
        "truncated",
        lambda good, out, tmp: (
            out.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 2]) and out
        ),
        "damaged or cut short",
    ),
    ("not gzip", lambda good, out, tmp: out.write_bytes(b"hello") and out, "not a gzip"),
    (
        "a JSON export",
        lambda good, out, tmp: out.write_text('{"cases": []}') and out,
        "issuenote import",
    ),
    (
        "tampered member",
        lambda good, out, tmp: repack(
            good,
            out,
            edit=lambda m, f: f.update({"notebook.db": f["notebook.db"][:-1] + b"!"}),
            rehash=False,
        ),
        "does not match its SHA-256",
    ),
    (
        "path traversal",
        lambda good, out, tmp: repack(good, out, extra=(_member("../evil"),)),
        "leaves its directory",
    ),
    (
        "path traversal inside",
        lambda good, out, tmp: repack(good, out, extra=(_member("attachments/../../evil"),)),
        "leaves its directory",
    ),
    (
        "absolute path",
        lambda good, out, tmp: repack(good, out, extra=(_member("/tmp/evil"),)),
        "absolute path",
    ),
    (
        "symlink",
        lambda good, out, tmp: repack(
            good, out, extra=(_member("config.toml", tarfile.SYMTYPE, link="/etc/passwd"),)
        ),
        "is a link",
    ),
    (
        "hard link",
        lambda good, out, tmp: repack(
            good, out, extra=(_member("key", tarfile.LNKTYPE, link="notebook.db"),)
        ),
        "is a link",
    ),
    (
        "device",
        lambda good, out, tmp: repack(good, out, extra=(_member("dev", tarfile.CHRTYPE),)),
        "special file",
    ),
    (
        "unlisted member",
        lambda good, out, tmp: repack(good, out, extra=(_member("surprise"),)),
        "not listed in its manifest",
    ),
    (
        "listed but missing",
        lambda good, out, tmp: repack(
            good,
            out,
            edit=lambda m, f: m["files"].append({"path": "key", "size": 1, "sha256": "0" * 64}),
            rehash=False,
        ),
        "listed in its manifest but missing",
    ),
    (
        "manifest not first",
        lambda good, out, tmp: repack(good, out, manifest_first=False),
        "does not start with manifest.json",
    ),
    (
        "not our manifest",
        lambda good, out, tmp: repack(good, out, edit=lambda m, f: m.update(format="other")),
        "does not describe an issuenote backup",
    ),
    (
        "newer format",
        lambda good, out, tmp: repack(good, out, edit=lambda m, f: m.update(format_version=2)),
        "newer issuenote (backup format 2",
    ),
    (
        "newer schema in the manifest",
        lambda good, out, tmp: repack(good, out, edit=lambda m, f: m.update(schema_version=99)),
        "newer issuenote (schema 99",
    ),
    (
        "newer schema in the database",
        lambda good, out, tmp: repack(good, out, edit=lambda m, f: _newer_database(m, f, tmp)),
        "newer issuenote (schema 99",
    ),
    (
        "corrupt database",
        lambda good, out, tmp: repack(good, out, edit=_corrupt_database),
        "database",
    ),
    (
        "not a database",
        lambda good, out, tmp: repack(
            good, out, edit=lambda m, f: f.update({"notebook.db": b"hello" * 200})
        ),
        "its database is damaged",
    ),
    (
        "another notebook's manifest",
        lambda good, out, tmp: repack(good, out, edit=lambda m, f: m.update(notebook="x")),
        "disagree on the notebook id",
    ),
    (
        "bad key inside",
        lambda good, out, tmp: repack(good, out, edit=lambda m, f: f.update(key=b"nope")),
        "not a valid data key",
    ),
    ("missing file", lambda good, out, tmp: out, "no such file"),
]


@pytest.mark.parametrize(
    ("make", "reason"),
    [pytest.param(make, reason, id=name) for name, make, reason in BAD_ARCHIVES],
)
def test_a_bad_archive_is_refused_and_nothing_changes(
    cli: Cli, running_example: Path, tmp_path: Path, snapshot, make, reason
) -> None:
    good = backup_to(cli, tmp_path / "good.tar.gz")
    bad = make(good, tmp_path / "bad.tar.gz", tmp_path)
    # Into a fresh home: nothing may appear.
    fresh = tmp_path / "fresh"
    result = cli("--home", str(fresh), "restore", str(bad))
    assert result.exit_code == 1
    assert reason in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert not fresh.exists()
    # Over the notebook with --force: it stays exactly as it was, and no rescue is made.
    before = snapshot()
    result = cli("restore", str(bad), "--force")
    assert result.exit_code == 1 and reason in result.stderr
    assert snapshot() == before
    assert not list(tmp_path.glob("home-before-restore-*"))
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
    assert cli("restore", str(bad), "--check").exit_code == 1


def test_nothing_outside_the_home_is_written_by_a_traversal(
    cli: Cli, running_example, tmp_path: Path
) -> None:
    good = backup_to(cli, tmp_path / "good.tar.gz")
    bad = repack(good, tmp_path / "bad.tar.gz", extra=(_member("../escaped"),))
    cli("--home", str(tmp_path / "a" / "home"), "restore", str(bad))
    assert not (tmp_path / "a" / "escaped").exists()
    assert not (tmp_path / "escaped").exists()


def test_restore_into_a_file_is_refused(cli: Cli, running_example, tmp_path: Path) -> None:
    archive = backup_to(cli, tmp_path / "b.tar.gz")
    target = tmp_path / "a-file"
    target.write_text("x")
    result = cli("--home", str(target), "restore", str(archive))
    assert result.exit_code == 1 and "not a directory" in result.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_an_unwritable_place_is_a_clear_error(cli: Cli, running_example, tmp_path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    result = cli("backup", str(locked / "b.tar.gz"))
    assert result.exit_code == 1 and "cannot write" in result.stderr
