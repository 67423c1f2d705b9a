"""attach, attachments, open, rm --attachment: files kept by SHA-256, checked and screened."""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

Cli = Callable[..., Any]


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def blob_file(home: Path, digest: str) -> Path:
    return home / "attachments" / digest[:2] / digest


@pytest.fixture
def png(tmp_path: Path) -> Path:
    path = tmp_path / "wallet history.png"
    image = Image.new("RGB", (8, 8), "blue")
    image.save(path, "PNG")
    return path


@pytest.fixture
def geotagged(tmp_path: Path) -> Path:
    """A phone photo: GPS position, device and serial number in its EXIF."""
    path = tmp_path / "IMG_0001.jpg"
    exif = Image.Exif()
    exif[0x010F] = "Apple"
    exif[0x0110] = "iPhone 15"
    exif[0x8825] = {1: "N", 2: (31.0, 13.0, 49.0), 3: "E", 4: (121.0, 28.0, 12.0)}
    exif[0x8769] = {0xA431: "F2LXK0JQ"}
    Image.new("RGB", (16, 16), "red").save(path, "JPEG", exif=exif)
    return path


def test_attach_keeps_the_file_by_hash_with_its_facts(
    cli_json: Cli, case: str, png: Path, notebook_home: Path
) -> None:
    entry = cli_json("attach", case, str(png), "--caption", "withdrawal history page")
    assert entry["kind"] == "attachment"
    assert entry["text"] == "withdrawal history page"
    [item] = entry["attachments"]
    data = png.read_bytes()
    assert item["name"] == "wallet history.png"
    assert item["media_type"] == "image/png"
    assert item["size"] == len(data)
    assert item["sha256"] == sha(data)
    assert item["number"] == 1
    assert item["exhibit"].startswith("01-") and item["exhibit"].endswith("-wallet-history.png")
    assert blob_file(notebook_home, sha(data)).read_bytes() == data


def test_the_media_type_comes_from_the_content_not_the_name(
    cli_json: Cli, case: str, png: Path, tmp_path: Path
) -> None:
    disguised = tmp_path / "notes.txt"
    disguised.write_bytes(png.read_bytes())
    [item] = cli_json("attach", case, str(disguised))["attachments"]
    assert item["media_type"] == "image/png"
    mail = tmp_path / "reply.bin"
    mail.write_text("From: support@okx.com\nSubject: Your ticket\n\nHello\n")
    [item] = cli_json("attach", case, str(mail))["attachments"]
    assert item["media_type"] == "message/rfc822"


def test_the_same_file_twice_is_stored_once_with_two_entries(
    cli_json: Cli, case: str, png: Path, notebook_home: Path
) -> None:
    first = cli_json("attach", case, str(png))
    second = cli_json("attach", case, str(png))
    assert first["id"] != second["id"]
    assert first["attachments"][0]["sha256"] == second["attachments"][0]["sha256"]
    stored = [p for p in (notebook_home / "attachments").rglob("*") if p.is_file()]
    assert len(stored) == 1
    listed = cli_json("attachments", case)
    assert [item["number"] for item in listed] == [1, 2]


def test_several_files_and_a_tie_to_an_entry(
    cli: Cli, cli_json: Cli, case: str, png: Path, tmp_path: Path
) -> None:
    reply = cli_json("reply", case, "We are checking", "--agent", "Kevin")
    log = tmp_path / "chat.log"
    log.write_text("[10:02] Kevin: we are checking\n")
    entry = cli_json("attach", case, str(png), str(log), "--entry", str(reply["id"]))
    assert [a["about_entry_id"] for a in entry["attachments"]] == [reply["id"]] * 2
    shown = cli("show", case)
    assert "exhibit 01 wallet history.png" in shown.stdout
    assert f"shows entry {reply['number']}" in shown.stdout


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda tmp: tmp, "is a directory"),
        (lambda tmp: tmp / "missing.png", "no such file"),
    ],
)
def test_refused_files_leave_nothing_written(
    cli: Cli,
    case: str,
    png: Path,
    tmp_path: Path,
    snapshot: Callable[[], list[str]],
    make: Callable[[Path], Path],
    message: str,
) -> None:
    before = snapshot()
    # A good file beside a bad one: nothing of either is kept.
    result = cli("attach", case, str(png), str(make(tmp_path)))
    assert result.exit_code == 1
    assert message in result.stderr
    assert result.stderr.count("\n") == 1
    assert snapshot() == before


def test_a_file_over_the_configured_limit_is_refused(
    cli: Cli, case: str, tmp_path: Path, notebook_home: Path, snapshot: Callable[[], list[str]]
) -> None:
    assert cli("config", "set", "attachment_limit", "1").exit_code == 0
    big = tmp_path / "recording.bin"
    big.write_bytes(b"\x01" * (1024 * 1024 + 1))
    before = snapshot()
    result = cli("attach", case, str(big))
    assert result.exit_code == 1
    assert "the attachment limit is 1.0 MB" in result.stderr
    assert "config set attachment_limit" in result.stderr
    assert snapshot() == before
    assert not list((notebook_home / "attachments").rglob("*.part"))


def test_unknown_case_and_entry_are_refused(cli: Cli, case: str, png: Path) -> None:
    assert "unknown case" in cli("attach", "99", str(png)).stderr
    result = cli("attach", case, str(png), "--entry", "42")
    assert result.exit_code == 1 and "has no entry '42'" in result.stderr


def test_a_secret_in_a_text_file_is_refused_or_masked(
    cli: Cli, cli_json: Cli, case: str, tmp_path: Path, notebook_home: Path
) -> None:
    log = tmp_path / "session.log"
    secret = "password: hunter2Secret!"
    log.write_text(f"login ok\n{secret}\n")
    result = cli("attach", case, str(log))
    assert result.exit_code == 1
    assert "session.log" in result.stderr and "--redact" in result.stderr
    entry = cli_json("attach", case, str(log), "--redact")
    [item] = entry["attachments"]
    assert item["original_sha256"] == sha(log.read_bytes())
    kept = blob_file(notebook_home, item["sha256"]).read_bytes()
    assert b"hunter2Secret!" not in kept and b"login ok" in kept
    assert not blob_file(notebook_home, sha(log.read_bytes())).exists()


def test_image_metadata_is_reported_and_stripped_on_request(
    cli: Cli, cli_json: Cli, case: str, geotagged: Path, notebook_home: Path
) -> None:
    result = cli("attach", case, str(geotagged))
    assert result.exit_code == 0
    assert "GPS position 31.23028, 121.47000" in result.stderr
    assert "F2LXK0JQ" in result.stderr and "--strip-metadata" in result.stderr
    entry = cli_json("attach", case, str(geotagged), "--strip-metadata")
    [item] = entry["attachments"]
    assert item["original_sha256"] == sha(geotagged.read_bytes())
    kept = blob_file(notebook_home, item["sha256"]).read_bytes()
    with Image.open(io.BytesIO(kept)) as image:
        exif = image.getexif()
        assert not exif.get_ifd(0x8825) and 0x010F not in exif
        assert image.size == (16, 16)


def test_private_attachments_are_encrypted_on_disk(
    cli: Cli, cli_json: Cli, case: str, tmp_path: Path, notebook_home: Path
) -> None:
    statement = tmp_path / "bank statement.txt"
    statement.write_text("Balance 1,250.00 USDT on 2026-11-21\n")
    entry = cli_json("attach", case, str(statement), "--private", "--caption", "my bank")
    [item] = entry["attachments"]
    assert item["private"] is True
    stored = [p for p in (notebook_home / "attachments").rglob("*") if p.is_file()]
    assert len(stored) == 1
    assert b"Balance" not in stored[0].read_bytes()
    assert stored[0].name != item["sha256"]  # addressed by the sealed bytes
    path = cli("open", case, "1", "--print-path").stdout.strip()
    assert Path(path).read_text() == statement.read_text()
    export = cli("export", case, "--format", "markdown").stdout
    assert "bank statement" not in export and "my bank" not in export


def test_open_prints_the_path_of_the_kept_file(
    cli: Cli, case: str, png: Path, notebook_home: Path
) -> None:
    cli("attach", case, str(png))
    result = cli("open", case, "1", "--print-path")
    assert result.exit_code == 0
    assert Path(result.stdout.strip()) == blob_file(notebook_home, sha(png.read_bytes()))
    by_hash = cli("open", case, sha(png.read_bytes())[:10], "--print-path")
    assert by_hash.stdout == result.stdout
    missing = cli("open", case, "7", "--print-path")
    assert missing.exit_code == 1 and "no attachment '7'" in missing.stderr


def test_detach_and_undo_and_doctor_fix(
    cli: Cli, case: str, png: Path, notebook_home: Path
) -> None:
    cli("attach", case, str(png))
    path = blob_file(notebook_home, sha(png.read_bytes()))
    assert cli("rm", case, "--attachment", "1").exit_code == 0
    assert path.exists()  # kept while undo may want it back
    assert json.loads(cli("attachments", case, "--json").stdout) == []
    assert cli("verify", case).exit_code == 0
    assert cli("rm", case, "--attachment", "1").exit_code == 1
    assert cli("undo", "--yes").exit_code == 0
    assert [a["number"] for a in json.loads(cli("attachments", case, "--json").stdout)] == [1]
    assert cli("verify", case).exit_code == 0
    assert cli("rm", case, "--attachment", "1").exit_code == 0
    assert "no attachment uses" in cli("doctor").stdout
    assert cli("doctor", "--fix").exit_code == 0
    assert not path.exists()


def test_undo_of_an_attach_and_of_a_case_delete(
    cli: Cli, case: str, png: Path, notebook_home: Path
) -> None:
    cli("attach", case, str(png))
    assert cli("undo", "--yes").exit_code == 0
    assert json.loads(cli("attachments", case, "--json").stdout) == []
    assert cli("verify", case).exit_code == 0
    cli("attach", case, str(png))
    assert cli("rm", case, "--yes").exit_code == 0
    assert cli("undo", "--yes").exit_code == 0
    [item] = json.loads(cli("attachments", case, "--json").stdout)
    assert cli("open", case, str(item["number"]), "--print-path").exit_code == 0
    assert cli("verify").exit_code == 0


def test_attachments_lists_them(cli: Cli, case: str, png: Path) -> None:
    assert "no attachments" in cli("attachments", case).stdout
    cli("attach", case, str(png), "--caption", "history")
    listed = cli("attachments", case).stdout
    assert "wallet history.png" in listed and "image/png" in listed and "history" in listed
    data = json.loads(cli("attachments", case, "--json").stdout)
    assert data[0]["sha256"] == sha(png.read_bytes())


def test_exports_list_exhibits_and_the_chain_head(cli: Cli, case: str, png: Path) -> None:
    cli("attach", case, str(png))
    head = json.loads(cli("show", case, "--json").stdout)["chain_head"]
    for fmt in ("markdown", "text", "html", "email", "chat"):
        out = cli("export", case, "--format", fmt).stdout
        assert head[:12] in out, fmt
    for lang, word in (("zh", "记录校验"), ("ko", "기록 확인")):
        assert word in cli("export", case, "--format", "markdown", "--lang", lang).stdout
    assert "01 · wallet history.png" in cli("export", case, "--format", "text").stdout
    data = json.loads(cli("export", case, "--format", "json").stdout)
    assert data["chain_head"] == head
    assert data["attachments"][0]["name"] == "wallet history.png"


@pytest.mark.parametrize("raw_name", [b"bad\xffname.png", b"two\nlines.png", b"bell\x07.png"])
def test_a_name_that_cannot_be_stored_is_refused(
    cli: Cli, case: str, tmp_path: Path, snapshot: Callable[[], list[str]], raw_name: bytes
) -> None:
    import os

    path = os.path.join(os.fsencode(tmp_path), raw_name)
    try:
        with open(path, "wb") as stream:
            stream.write(b"data")
    except OSError:
        pytest.skip("the file system refuses this name itself")
    before = snapshot()
    result = cli("attach", case, os.fsdecode(path))
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("issuenote: ")
    assert snapshot() == before


def test_a_huge_unicode_caption_and_an_empty_file(
    cli: Cli, cli_json: Cli, case: str, tmp_path: Path
) -> None:
    empty = tmp_path / "空白 파일.txt"
    empty.write_bytes(b"")
    entry = cli_json("attach", case, str(empty), "--caption", "证据 " * 50)
    assert entry["attachments"][0]["size"] == 0
    assert entry["attachments"][0]["name"] == "空白 파일.txt"
    result = cli("attach", case, str(empty), "--caption", "x" * (3 * 1024 * 1024))
    assert result.exit_code == 1 and "the limit is" in result.stderr
