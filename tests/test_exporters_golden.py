"""Golden files: every format in every language, for the running example, a
case with an impostor, a case with a linked TxID and order ID, and a case with
no entries. Rendered at a fixed moment, so "overdue" never depends on today.
Exports are meant to be diffed, so any change to their bytes should be a
deliberate one.

Regenerate after an intended change with::

    ISSUENOTE_UPDATE_GOLDENS=1 python -m pytest tests/test_exporters_golden.py

and review the diff of tests/golden/ before committing it.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from issuenote.exporters import FORMATS, LANGS, render, render_eml

DATA = Path(__file__).parent / "data"
GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("ISSUENOTE_UPDATE_GOLDENS") == "1"
CASES = ("running_example", "impostor_case", "linked_transfer", "empty_case")
# the moment of export in every golden: after some steps fell due
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
EXTENSIONS = {
    "chat": "chat.txt",
    "email": "email.txt",
    "markdown": "md",
    "text": "txt",
    "html": "html",
}


def load(name: str) -> dict[str, Any]:
    return json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))


def check_golden(path: Path, actual: bytes) -> None:
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(actual)
        return
    assert path.exists(), f"missing golden file {path}; run with ISSUENOTE_UPDATE_GOLDENS=1"
    expected = path.read_bytes()
    if actual != expected:
        # pytest shows a readable diff for text
        assert actual.decode("utf-8") == expected.decode("utf-8"), f"{path} differs"


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("fmt", [f for f in FORMATS if f != "json"])
def test_golden(case: str, lang: str, fmt: str) -> None:
    text = render(load(case), fmt=fmt, lang=lang, now=NOW, signature="Alex Kim")
    check_golden(GOLDEN / case / f"{lang}.{EXTENSIONS[fmt]}", text.encode("utf-8"))


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("lang", LANGS)
def test_golden_chat_500(case: str, lang: str) -> None:
    text = render(load(case), fmt="chat", lang=lang, max_chars=500, now=NOW)
    assert len(text) <= 500
    check_golden(GOLDEN / case / f"{lang}.chat-500.txt", text.encode("utf-8"))


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("lang", LANGS)
def test_golden_eml(case: str, lang: str) -> None:
    # stored with LF line ends so the file stays readable in review; the
    # message itself uses CRLF (tested in test_exporters_formats.py)
    data = render_eml(load(case), lang=lang, now=NOW, signature="Alex Kim")
    data = data.replace(b"\r\n", b"\n")
    check_golden(GOLDEN / case / f"{lang}.eml", data)


@pytest.mark.parametrize("case", CASES)
def test_golden_json(case: str) -> None:
    """JSON is not translated: one golden per case, the same for every language."""
    outputs = {render(load(case), fmt="json", lang=lang) for lang in LANGS}
    assert len(outputs) == 1
    check_golden(GOLDEN / case / "case.json", outputs.pop().encode("utf-8"))


def test_no_stray_golden_files() -> None:
    """Every file under tests/golden/ is checked by a test above."""
    expected = set()
    for case in CASES:
        expected.add(GOLDEN / case / "case.json")
        for lang in LANGS:
            expected.update(GOLDEN / case / f"{lang}.{ext}" for ext in EXTENSIONS.values())
            expected.add(GOLDEN / case / f"{lang}.chat-500.txt")
            expected.add(GOLDEN / case / f"{lang}.eml")
    if UPDATE:
        return
    actual = {path for path in GOLDEN.rglob("*") if path.is_file()}
    assert actual == expected
