"""The secret scan of a big import, run by a helper process, refuses what a scan in line refuses.

check_export_file hands texts to issuenote.safety.screening when the file is
big (or when told to, as here). These tests check both ways on the same
files: the same cases come back, the same first problem is told (a secret
before a malformed field, or the other way round), and a helper that dies
leaves the scan to this process rather than skipping it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from issuenote.errors import IssuenoteError
from issuenote.importer import check_export_file
from issuenote.safety import screening

SEED = "abandon ability able about above absent absorb abstract absurd abuse access accident"
PLAIN = "Support says the withdrawal is under review; ticket 88812 stays open."


def _entry(case: int, number: int, text: str) -> dict[str, Any]:
    return {
        "uuid": f"00000000-0000-4000-9000-{case:06d}{number:06d}",
        "number": number,
        "kind": "note",
        "text": text,
        "at": "2026-02-01T09:00:00+00:00",
    }


def _notebook(tmp_path: Path, texts: dict[tuple[int, int], str], cases: int = 30) -> Path:
    """A notebook export of `cases` cases of 40 notes, with `texts` at (case, entry)."""
    document = {
        "format": "issuenote-notebook",
        "schema_version": 1,
        "notebook": None,
        "exported_at": None,
        "includes_private": False,
        "cases": [
            {
                "uuid": f"00000000-0000-4000-8000-{case:012d}",
                "title": f"Case {case}",
                "entries": [
                    _entry(case, number, texts.get((case, number), f"{PLAIN} ({case}/{number})"))
                    for number in range(1, 41)
                ],
            }
            for case in range(cases)
        ],
    }
    path = tmp_path / "notebook.json"
    path.write_text(json.dumps(document, indent=1), encoding="utf-8")
    return path


def _outcome(path: Path, *, helper: bool) -> Any:
    try:
        export = check_export_file(str(path), source="file", helper=helper)
    except IssuenoteError as error:
        return str(error)
    cases = list(export.cases)
    return [(case.uuid, [entry.fields for entry in case.entries]) for case in cases]


@pytest.fixture(autouse=True)
def small_frames(monkeypatch: pytest.MonkeyPatch) -> None:
    """Frames of a few texts, so that a small file still crosses many of them."""
    monkeypatch.setattr(screening, "FRAME_CHARS", 500)


@pytest.mark.parametrize(
    "texts",
    [
        {},
        {(20, 7): f"my seed is {SEED}"},
        {(3, 2): f"seed: {SEED}", (25, 9): "password: hunter2hunter2"},
    ],
    ids=["clean", "one secret", "the first of two"],
)
def test_the_helper_finds_what_the_scan_in_line_finds(tmp_path: Path, texts: Any) -> None:
    path = _notebook(tmp_path, texts)
    in_line = _outcome(path, helper=False)
    assert _outcome(path, helper=True) == in_line
    if texts:
        assert "cases[3]" in in_line or "cases[20]" in in_line, in_line


def test_a_secret_before_a_malformed_field_is_told_first(tmp_path: Path) -> None:
    path = _notebook(tmp_path, {(2, 5): f"seed: {SEED}"})
    document = json.loads(path.read_text(encoding="utf-8"))
    document["cases"][28]["entries"][3]["at"] = "yesterday"
    path.write_text(json.dumps(document, indent=1), encoding="utf-8")
    told = _outcome(path, helper=True)
    assert told == _outcome(path, helper=False)
    assert "cases[2].entries[4].text" in told and "seed" in told


def test_a_malformed_field_before_a_secret_is_told_first(tmp_path: Path) -> None:
    path = _notebook(tmp_path, {(28, 5): f"seed: {SEED}"})
    document = json.loads(path.read_text(encoding="utf-8"))
    document["cases"][2]["entries"][3]["at"] = "yesterday"
    path.write_text(json.dumps(document, indent=1), encoding="utf-8")
    told = _outcome(path, helper=True)
    assert told == _outcome(path, helper=False)
    assert "cases[2].entries[3].at" in told


@pytest.mark.parametrize("when", ["at once", "midway", "stuck"])
def test_a_helper_that_dies_leaves_the_scan_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, when: str
) -> None:
    path = _notebook(tmp_path, {(27, 30): f"seed: {SEED}"})
    answers = 0 if when == "at once" else 3
    # A stand-in that answers a few frames with "nothing found", then exits (or,
    # stuck, reads on without answering until its input ends).
    script = (
        "import sys; from issuenote.safety import screening as s\n"
        f"for _ in range({answers}):\n"
        "    s._read(sys.stdin.buffer); s._write(sys.stdout.buffer, (False, None))\n"
    )
    if when == "stuck":
        script += "while s._read(sys.stdin.buffer) is not None:\n    pass\n"
        monkeypatch.setattr(screening, "PATIENCE", 0.2)

    def start() -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )

    monkeypatch.setattr(screening.Screens, "_start", staticmethod(start))
    told = _outcome(path, helper=True)
    assert "cases[27].entries[29].text" in told and "seed" in told
