"""bundle: one ZIP with the reports, numbered exhibits and a manifest; verify --bundle checks it."""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

Cli = Callable[..., Any]


@pytest.fixture
def evidence(cli: Cli, case: str, tmp_path: Path) -> Path:
    """A case with a reply, two attachments (one tied to the reply) and a private one."""
    reply = json.loads(cli("reply", case, "Stuck at the node", "--agent", "Kevin", "--json").stdout)
    shot = tmp_path / "Wallet History.png"
    Image.new("RGB", (4, 4), "blue").save(shot, "PNG")
    log = tmp_path / "chat.log"
    log.write_text("[10:02] Kevin: please wait\n")
    assert (
        cli(
            "attach", case, str(shot), "--entry", str(reply["id"]), "--caption", "history"
        ).exit_code
        == 0
    )
    assert cli("attach", case, str(log)).exit_code == 0
    secret = tmp_path / "id-card.txt"
    secret.write_text("my own document\n")
    assert cli("attach", case, str(secret), "--private").exit_code == 0
    return tmp_path


def test_a_bundle_holds_reports_exhibits_and_a_manifest(
    cli: Cli, case: str, evidence: Path
) -> None:
    target = evidence / "out.zip"
    result = cli("bundle", case, "--output", str(target))
    assert result.exit_code == 0, result.stderr
    assert "2 exhibits" in result.stdout
    with zipfile.ZipFile(target) as archive:
        names = archive.namelist()
        manifest = json.loads(archive.read("manifest.json"))
        text = archive.read("MANIFEST.txt").decode()
        report = archive.read("report.html").decode()
        exhibits = [n for n in names if n.startswith("exhibits/")]
        assert len(exhibits) == 2
        assert exhibits[0].startswith("exhibits/01-") and exhibits[0].endswith(
            "-wallet-history.png"
        )
        assert {"report.html", "report.md", "case.json", "MANIFEST.txt", "manifest.json"} <= set(
            names
        )
        assert not any("id-card" in n for n in names)  # private stays out
        head = json.loads(cli("show", case, "--json").stdout)["chain_head"]
        assert manifest["chain_head"] == head and head in text
        for item in manifest["files"]:
            data = archive.read(item["path"])
            assert hashlib.sha256(data).hexdigest() == item["sha256"]
            assert len(data) == item["size"]
            assert f"{item['sha256']}  " in text
        assert 'href="exhibits/01-' in report and head[:12] in report
        assert "Exhibit" in archive.read("report.md").decode()
    verified = cli("verify", "--bundle", str(target))
    assert verified.exit_code == 0 and "Bundle intact: 5 files" in verified.stdout


def test_the_report_language(cli: Cli, case: str, evidence: Path) -> None:
    target = evidence / "zh.zip"
    assert cli("bundle", case, "--output", str(target), "--lang", "zh").exit_code == 0
    with zipfile.ZipFile(target) as archive:
        report = archive.read("report.html").decode()
    assert "证据清单" in report and "记录校验" in report
    assert cli("bundle", case, "--output", str(evidence / "x.zip"), "--lang", "fr").exit_code == 1


def test_an_existing_file_is_kept_unless_forced(cli: Cli, case: str, evidence: Path) -> None:
    target = evidence / "out.zip"
    target.write_bytes(b"precious")
    result = cli("bundle", case, "--output", str(target))
    assert result.exit_code == 1 and "add --force" in result.stderr
    assert target.read_bytes() == b"precious"
    assert cli("bundle", case, "--output", str(target), "--force").exit_code == 0
    assert zipfile.is_zipfile(target)
    assert not list(evidence.glob(".out.zip.*"))  # no temporary left


def test_a_changed_attachment_refuses_the_bundle(
    cli: Cli, case: str, evidence: Path, notebook_home: Path
) -> None:
    item = json.loads(cli("attachments", case, "--json").stdout)[0]
    path = notebook_home / "attachments" / item["sha256"][:2] / item["sha256"]
    path.write_bytes(path.read_bytes() + b"x")
    result = cli("bundle", case, "--output", str(evidence / "out.zip"))
    assert result.exit_code == 1 and "changed on disk" in result.stderr
    assert not (evidence / "out.zip").exists()


def rewrite(source: Path, target: Path, change: Callable[[str, bytes], bytes | None]) -> None:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            data = change(info.filename, old.read(info.filename))
            if data is not None:
                new.writestr(info.filename, data)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (
            lambda name, data: data.replace(b"Stuck", b"Fixed") if name == "report.md" else data,
            "report.md changed",
        ),
        (
            lambda name, data: None if name.startswith("exhibits/02") else data,
            "is listed in the manifest but missing",
        ),
        (
            lambda name, data: data[:-1] + b"!" if name.startswith("exhibits/01") else data,
            "changed (its SHA-256",
        ),
    ],
)
def test_verify_bundle_names_what_changed(
    cli: Cli,
    case: str,
    evidence: Path,
    change: Callable[[str, bytes], bytes | None],
    problem: str,
) -> None:
    good = evidence / "good.zip"
    cli("bundle", case, "--output", str(good))
    bad = evidence / "bad.zip"
    rewrite(good, bad, change)
    result = cli("verify", "--bundle", str(bad))
    assert result.exit_code == 1
    assert problem in result.stdout
    assert result.stderr.startswith("issuenote: the bundle")


def test_an_extra_file_and_not_a_bundle(cli: Cli, case: str, evidence: Path) -> None:
    good = evidence / "good.zip"
    cli("bundle", case, "--output", str(good))
    with zipfile.ZipFile(good, "a") as archive:
        archive.writestr("exhibits/99-planted.png", b"x")
    assert "not in the manifest" in cli("verify", "--bundle", str(good)).stdout
    plain = evidence / "plain.zip"
    with zipfile.ZipFile(plain, "w") as archive:
        archive.writestr("a.txt", "a")
    assert "no manifest.json" in cli("verify", "--bundle", str(plain)).stderr
    (evidence / "junk.zip").write_bytes(b"not a zip")
    assert "is not a ZIP file" in cli("verify", "--bundle", str(evidence / "junk.zip")).stderr
    assert "no such file" in cli("verify", "--bundle", str(evidence / "none.zip")).stderr


def test_bundle_of_unknown_case(cli: Cli, case: str, tmp_path: Path) -> None:
    result = cli("bundle", "5", "--output", str(tmp_path / "x.zip"))
    assert result.exit_code == 1 and "unknown case" in result.stderr
