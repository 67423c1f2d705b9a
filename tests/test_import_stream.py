"""The case reader of a streamed import: what json.loads reads, from a small window of the file.

`_CaseReader` parses "cases" one element at a time from a window; a case
that runs past the window is read again with more of the file. These tests
use windows of a few bytes, so every case crosses many of them.
"""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from issuenote import importer
from issuenote.errors import IssuenoteError


def _document(cases: int, entries: int | None = None, letter: str = "é") -> bytes:
    """Cases of growing size, or of `entries` entries each."""
    body = [
        {
            "uuid": f"case-{index}",
            "title": "提现未到账 출금 지연 — withdrawal late",
            "entries": [
                {"n": n, "text": letter * (n * 7), "ok": n % 2 == 0}
                for n in range(index if entries is None else entries)
            ],
        }
        for index in range(cases)
    ]
    document = {"format": "issuenote-notebook", "schema_version": 1, "cases": body}
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


@pytest.mark.parametrize("window", [1, 7, 64, 1 << 20])
def test_the_reader_gives_what_json_loads_gives(
    monkeypatch: pytest.MonkeyPatch, window: int
) -> None:
    monkeypatch.setattr(importer, "_READ_BYTES", window)
    data = _document(30)
    reader = importer._CaseReader(io.BytesIO(data))
    assert list(reader.cases()) == json.loads(data)["cases"]


def test_the_window_follows_the_case_not_the_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importer, "_READ_BYTES", 4096)
    data = _document(400, entries=20, letter="e")  # a byte a character: the window's worst
    reader = importer._CaseReader(io.BytesIO(data))
    widest = 0
    for case in reader.cases():
        widest = max(widest, len(reader.text))
        assert case["uuid"]
    largest_case = max(len(json.dumps(case)) for case in json.loads(data)["cases"])
    assert widest < 4 * (largest_case + 4096)
    assert len(data) > 10 * widest


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (b'{"cases": [{"a": 1, "a": 2}]}', "the key 'a' appears twice"),
        (b'{"cases": [1, 2,]}', "not valid JSON"),
        (b'{"cases": [1], "cases": [2]}', "not valid JSON"),
        (b'{"cases": [NaN]}', "NaN is not a JSON value"),
        (b'{"cases": [1]', "not valid JSON"),
        (b'{"cases": [1]} trailing', "not valid JSON"),
        (b'{"cases": ["\xff"]}', "not UTF-8"),
    ],
)
def test_a_bad_stream_is_refused(text: bytes, reason: str, tmp_path: Any) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(text)
    with pytest.raises(IssuenoteError) as refused, path.open("rb") as stream:
        list(importer._stream_cases(stream, "bad.json", str(tmp_path / "absent"), 1 << 40))
    assert reason in str(refused.value)
    assert "nothing was imported" in str(refused.value)
