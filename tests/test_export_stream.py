"""export --all streams case by case and writes the very bytes the whole-document way did.

The reference below is how `export --all` was made before it streamed: every
case screened, rendered as JSON, loaded back, and the whole notebook dumped
with the stdlib encoder. The streamed file must match it byte for byte, on the
schema-1 fixture notebook and on random notebooks full of odd unicode.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_roundtrip import CASES, record
from typer.testing import CliRunner

from issuenote import exporters
from issuenote.cli import app
from issuenote.exporters.screen import screen_document
from issuenote.store import Store
from issuenote.store.schema import SCHEMA_VERSION

DATA = Path(__file__).resolve().parent / "data"
FLAGS = {
    "default": [],
    "complete": ["--no-redact", "--include-private"],
    "private only": ["--include-private"],
}


def reference_export(home: Path, exported_at: str, *, redact: bool, private: bool) -> bytes:
    """The whole-notebook export as the pre-streaming code built it."""
    store = Store.open(home, create=False)
    assert store is not None
    try:
        ids = sorted(row[0] for row in store.conn.execute("SELECT id FROM cases"))
        docs = [screen_document(store.case_document(case_id))[0] for case_id in ids]
        notebook_id = store.notebook_id()
    finally:
        store.close()
    cases = [
        json.loads(exporters.render(doc, fmt="json", redact=redact, include_private=private))
        for doc in docs
    ]
    notebook = {
        "format": "issuenote-notebook",
        "schema_version": SCHEMA_VERSION,
        "notebook": notebook_id,
        "exported_at": exported_at,
        "includes_private": private,
        "cases": cases,
    }
    return (json.dumps(notebook, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def streamed_export(runner: CliRunner, home: Path, flags: list[str]) -> bytes:
    result = runner.invoke(
        app, ["--home", str(home), "export", "--all", "--format", "json", *flags]
    )
    assert result.exit_code == 0, result.stderr
    return result.stdout_bytes


def assert_same_as_reference(runner: CliRunner, home: Path) -> None:
    for flags in FLAGS.values():
        streamed = streamed_export(runner, home, flags)
        exported_at = json.loads(streamed)["exported_at"]
        expected = reference_export(
            home,
            exported_at,
            redact="--no-redact" not in flags,
            private="--include-private" in flags,
        )
        assert streamed == expected


def test_fixture_notebook_exports_byte_identical(notebook_home: Path) -> None:
    notebook_home.mkdir(mode=0o700, parents=True)
    shutil.copyfile(DATA / "notebook_schema1.db", notebook_home / "notebook.db")
    shutil.copyfile(DATA / "notebook_schema1.key", notebook_home / "key")
    (notebook_home / "notebook.db").chmod(0o600)
    (notebook_home / "key").chmod(0o600)
    assert_same_as_reference(CliRunner(), notebook_home)


def test_hostile_texts_export_byte_identical(cli, notebook_home: Path) -> None:
    """Characters JSON escapes or leaves raw, and one a single-case export escapes."""
    cli("new", 'quote " backslash \\ slash / tab', "--platform", "OKX")
    texts = [
        "C1 \x85\x9b DEL \x7f and U+2028 \u2028 U+2029 \u2029 raw",
        "controls \x01\x08\x0c\x1f\t\r\n and \x1b[31mred",
        "emoji 👩‍👩‍👧 CJK 提现 한국어 RTL \u202e مرحبا",
        "\ufeff BOM and \ufffd replacement and astral 𝔘",
    ]
    for text in texts:
        assert cli("note", "1", text).exit_code == 0
    cli("new", "Second case", "--account", "alice.chen@gmail.com")
    cli("note", "2", "private note", "--private")
    cli("step", "2", "Chase", "--due", "2030-01-01 09:00")
    assert_same_as_reference(CliRunner(), notebook_home)


def test_empty_notebook_exports_byte_identical(cli, notebook_home: Path) -> None:
    cli("new", "will be removed")
    cli("rm", "1", "--yes")
    assert_same_as_reference(CliRunner(), notebook_home)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(cases=CASES, zone=st.sampled_from(["UTC", "Asia/Kathmandu", "America/St_Johns"]))
def test_random_notebooks_export_byte_identical(cases: list[dict[str, Any]], zone: str) -> None:
    previous = os.environ.get("TZ")
    os.environ["TZ"] = zone
    time.tzset()
    try:
        with tempfile.TemporaryDirectory(prefix="issuenote-stream-") as scratch:
            home = Path(scratch) / "home"
            record(home, cases)
            assert_same_as_reference(CliRunner(), home)
    finally:
        if previous is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = previous
        time.tzset()


def test_export_all_is_written_as_it_is_read(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """One case in memory at a time: each is written before the next one is read."""
    for number in range(3):
        cli("new", f"Case {number}")
    from issuenote.exporters import jsonfmt

    events: list[str] = []
    real = jsonfmt.notebook_chunks

    def spy(header: dict[str, Any], cases: Any) -> Any:
        def watched() -> Any:
            for case in cases:
                events.append(f"read {case['id']}")
                yield case

        for piece in real(header, watched()):
            events.append("write")
            yield piece

    monkeypatch.setattr(jsonfmt, "notebook_chunks", spy)
    result = cli("export", "--all", "--format", "json")
    assert result.exit_code == 0
    assert events == ["write", "read 1", "write", "read 2", "write", "read 3", "write", "write"]


def test_a_failure_mid_export_leaves_no_file(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, snapshot: Callable[[], list[str]]
) -> None:
    for number in range(3):
        cli("new", f"Case {number}")
    from issuenote.errors import IssuenoteError
    from issuenote.store import queries

    real = queries.Store.case_documents

    def failing(self: Store, case_ids: list[int], **options: Any) -> Iterator[dict[str, Any]]:
        for document in real(self, case_ids, **options):
            if document["id"] == 2:
                raise IssuenoteError("disk on fire")
            yield document

    monkeypatch.setattr(queries.Store, "case_documents", failing)
    target = tmp_path / "out.json"
    result = cli("export", "--all", "--format", "json", "-o", str(target))
    assert result.exit_code == 1
    assert result.stderr.strip() == "issuenote: disk on fire"
    assert not target.exists()
    assert list(tmp_path.glob(".out.json.*")) == []


def test_export_all_to_a_file_says_its_size(cli, tmp_path: Path) -> None:
    cli("new", "A case 提现")
    target = tmp_path / "all.json"
    result = cli("export", "--all", "--format", "json", "-o", str(target))
    assert result.exit_code == 0
    assert f"({target.stat().st_size:,} bytes)" in result.stdout
    assert oct(target.stat().st_mode & 0o777) == "0o600"


# -- import reads the file case by case ----------------------------------------------


def _export_file(cli: Callable[..., Any], tmp_path: Path, cases: int = 3) -> Path:
    for number in range(cases):
        cli("new", f"Case {number}", "--platform", "OKX")
        cli("reply", str(number + 1), "We are checking", "--agent", "Mina", "--ticket", "T-1")
    target = tmp_path / "notebook.json"
    assert cli("export", "--all", "--format", "json", "-o", str(target)).exit_code == 0
    return target


def test_a_notebook_export_has_no_size_cap(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from issuenote import importer

    target = _export_file(cli, tmp_path)
    monkeypatch.setattr(importer, "MAX_IMPORT_BYTES", 100)
    fresh = tmp_path / "fresh"
    result = cli("--home", str(fresh), "import", str(target))
    assert result.exit_code == 0, result.stderr
    assert "3 new cases" in result.stdout


def test_streamed_import_reads_cases_back_from_a_spool(cli, tmp_path: Path) -> None:
    from issuenote import importer

    target = _export_file(cli, tmp_path)
    export = importer.check_export_file(str(target), source="x")
    assert isinstance(export.cases, importer._CaseSpool)
    first = [case.uuid for case in export.cases]
    assert len(first) == 3 and [case.uuid for case in export.cases] == first
    export.cases.close()


def test_a_big_file_is_refused_by_path_without_reading_it_whole(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, snapshot
) -> None:
    from issuenote import importer

    target = _export_file(cli, tmp_path)
    data = json.loads(target.read_text(encoding="utf-8"))
    data["cases"][2]["entries"][0]["channel"] = "carrier pigeon"
    target.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    monkeypatch.setattr(importer, "LINE_LOOKUP_BYTES", 10)
    fresh = tmp_path / "fresh"
    result = cli("--home", str(fresh), "import", str(target))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"issuenote: cannot import {target}: cases[2].entries[0]")
    assert "nothing was imported" in result.stderr
    assert not (fresh / "notebook.db").exists()


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda text: text[: len(text) * 2 // 3], "not valid JSON"),
        (lambda text: text.replace('"kind"', '"kind": "note", "kind"', 1), "appears twice"),
    ],
)
def test_a_big_broken_file_is_refused_in_one_line(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage, reason: str
) -> None:
    from issuenote import importer

    target = _export_file(cli, tmp_path)
    target.write_text(damage(target.read_text(encoding="utf-8")), encoding="utf-8")
    monkeypatch.setattr(importer, "LINE_LOOKUP_BYTES", 10)
    fresh = tmp_path / "fresh"
    result = cli("--home", str(fresh), "import", str(target))
    assert result.exit_code == 1
    assert reason in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (fresh / "notebook.db").exists()


def test_a_uuid_reused_in_another_case_is_refused(cli, tmp_path: Path) -> None:
    target = _export_file(cli, tmp_path)
    data = json.loads(target.read_text(encoding="utf-8"))
    data["cases"][2]["entries"][0]["uuid"] = data["cases"][0]["entries"][0]["uuid"]
    target.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    result = cli("--home", str(tmp_path / "fresh"), "import", str(target))
    assert result.exit_code == 1
    assert "(cases[2].entries[0].uuid)" in result.stderr
    assert "is also used by cases[0].entries[0]" in result.stderr


def test_import_from_stdin_streams_too(cli, tmp_path: Path) -> None:
    target = _export_file(cli, tmp_path)
    fresh = tmp_path / "fresh"
    result = cli("--home", str(fresh), "import", "-", input=target.read_text(encoding="utf-8"))
    assert result.exit_code == 0, result.stderr
    assert "<stdin>" in result.stdout and "3 new cases" in result.stdout


@settings(max_examples=400, deadline=None)
@given(
    moment=st.datetimes(
        min_value=__import__("datetime").datetime(1960, 1, 1),
        max_value=__import__("datetime").datetime(9999, 12, 30),
    ),
    minutes=st.integers(min_value=-15 * 60, max_value=15 * 60),
    zulu=st.booleans(),
)
def test_the_exported_time_fast_path_agrees_with_parse_time(moment, minutes, zulu) -> None:
    from issuenote.errors import IssuenoteError
    from issuenote.parse import timeparse

    sign = "-" if minutes < 0 else "+"
    offset = "Z" if zulu else f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    text = moment.strftime("%Y-%m-%dT%H:%M:%S") + offset
    fast = timeparse.parse_exported(text)
    try:
        slow = timeparse.parse_time(text)
    except IssuenoteError:
        slow = None
    if fast is not None:
        assert fast == slow
        assert timeparse.to_storage(fast) == timeparse.to_storage(slow)


@pytest.mark.parametrize(
    "text",
    [
        "2025-02-30T00:00:00+00:00",
        "2025-01-01T00:00:00+14:30",
        "1969-12-31T00:00:00Z",
        "2025-01-01 00:00:00+00:00",
        "2025-01-01T00:00:00.5+00:00",
        "２０２５-01-01T00:00:00Z",
    ],
)
def test_the_fast_path_leaves_odd_times_to_parse_time(text: str) -> None:
    from issuenote.parse import timeparse

    assert timeparse.parse_exported(text) is None
