"""What makes `export --all` fast gives the same documents and the same screening.

`Store.case_documents` reads a batch of cases with one query per table (issue
15): these tests hold it to `case_document`, case by case, on notebooks with
private, deleted, amended and attached entries, cases with nothing in them,
encrypted fields it cannot open, in any batch size, and count its queries.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_roundtrip import CASES, record

from issuenote.errors import IssuenoteError
from issuenote.exporters import screen
from issuenote.exporters.screen import ScanMemo, screen_document
from issuenote.parse import timeparse
from issuenote.safety import guard
from issuenote.store import Store
from issuenote.store.queries import _batches
from tests.query_plans import query_plans

DATA = Path(__file__).resolve().parent / "data"
BATCHES = (1, 2, 5, 2_000)  # entries a batch: one case each, a few, all


def opened(home: Path) -> Store:
    store = Store.open(home, create=False)
    assert store is not None
    return store


def assert_same_documents(home: Path) -> None:
    """Every batch size, local zone and UTC: the bulk documents equal the one-by-one ones."""
    store = opened(home)
    try:
        ids = store.case_ids()
        for tz in (None, UTC):
            expected = [store.case_document(case_id, tz=tz) for case_id in ids]
            for batch in BATCHES:
                got = list(store.case_documents(ids, tz=tz, batch_entries=batch))
                assert got == expected, (batch, tz)
    finally:
        store.close()


@pytest.fixture
def varied(cli: Callable[..., Any], tmp_path: Path, notebook_home: Path) -> Path:
    """Cases with every kind of row, and two with nothing but their title."""
    cli("new", "Withdrawal stuck", "--platform", "OKX", "--account", "alice.chen@gmail.com")
    cli("edit", "1", "--tag", "urgent", "--tag", "kyc")
    cli("note", "1", "first note")
    cli("reply", "1", "Wait 24h", "--agent", "Kevin", "--agent-id", "CS-1", "--ticket", "TK-1")
    cli("note", "1", "my bank card", "--private")
    cli("reply", "1", "hidden reply", "--private", "--agent", "Mallory", "--ticket", "TK-9")
    cli("step", "1", "Chase them", "--due", "2030-01-01 09:00")
    cli("step", "1", "Undated step")
    cli("note", "1", "to be deleted")
    assert cli("rm", "1", "7", "--yes").exit_code == 0
    assert cli("amend", "1", "1", "--text", "first note, corrected").exit_code == 0
    assert cli("tx", "1", "0x" + "ab" * 32, "--asset", "USDT", "--amount", "5").exit_code == 0
    assert cli("tx", "1", "W2026112314030012345", "--order").exit_code == 0
    log = tmp_path / "chat.log"
    log.write_text("[10:02] Kevin: please wait\n")
    assert cli("attach", "1", str(log)).exit_code == 0
    secret = tmp_path / "id-card.txt"
    secret.write_text("my own document\n")
    assert cli("attach", "1", str(secret), "--private").exit_code == 0
    cli("new", "Empty case")
    cli("new", "Third", "--platform", "Binance")
    cli("contact", "3", "Asked by chat", "--channel", "chat")
    cli("new", "Removed")
    cli("new", "Last, empty too")
    assert cli("rm", "4", "--yes").exit_code == 0  # a gap in the case ids
    return notebook_home


def test_bulk_documents_equal_one_by_one(varied: Path) -> None:
    assert_same_documents(varied)
    store = opened(varied)
    try:
        first, empty = list(store.case_documents([1, 2]))
    finally:
        store.close()
    assert first["deleted_entries"] and first["attachments"] and first["transactions"]
    assert any(entry["revisions"] for entry in first["entries"])
    assert any(entry["private"] for entry in first["entries"])
    assert empty["entries"] == [] and empty["deleted_entries"] == []


def test_bulk_documents_without_the_key_say_what_is_unreadable(varied: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="issuenote-bulk-") as scratch:
        home = Path(scratch) / "home"
        shutil.copytree(varied, home)
        (home / "key").unlink()
        assert_same_documents(home)
        store = opened(home)
        try:
            (first,) = store.case_documents([1])
        finally:
            store.close()
        assert first["unreadable"]


def test_the_fixture_notebook_reads_the_same(notebook_home: Path) -> None:
    notebook_home.mkdir(mode=0o700, parents=True)
    shutil.copyfile(DATA / "notebook_schema1.db", notebook_home / "notebook.db")
    shutil.copyfile(DATA / "notebook_schema1.key", notebook_home / "key")
    (notebook_home / "notebook.db").chmod(0o600)
    (notebook_home / "key").chmod(0o600)
    assert_same_documents(notebook_home)


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(cases=CASES)
def test_random_notebooks_read_the_same(cases: list[dict[str, Any]]) -> None:
    with tempfile.TemporaryDirectory(prefix="issuenote-bulk-") as scratch:
        home = Path(scratch) / "home"
        record(home, cases)
        assert_same_documents(home)


def test_documents_come_in_the_order_asked_and_an_unknown_case_is_refused(varied: Path) -> None:
    store = opened(varied)
    try:
        assert [doc["id"] for doc in store.case_documents([3, 1, 2], batch_entries=2)] == [3, 1, 2]
        assert list(store.case_documents([])) == []
        with pytest.raises(IssuenoteError, match="unknown case 4"):
            list(store.case_documents([1, 4]))
    finally:
        store.close()


def test_a_batch_costs_the_same_few_queries_whatever_its_size(
    cli: Callable[..., Any], notebook_home: Path
) -> None:
    """What made export --all fast: queries per batch, not per case or per entry."""
    for number in range(12):
        cli("new", f"Case {number}")
        cli("note", str(number + 1), "a note")
        cli("reply", str(number + 1), "an answer", "--agent", "Kevin", "--ticket", f"TK-{number}")
    store = opened(notebook_home)
    try:
        ids = store.case_ids()
        counts = []
        for batch in (8, 24):  # two entries a case: 4 cases a batch, then all 12
            statements: list[str] = []
            store.conn.set_trace_callback(statements.append)
            list(store.case_documents(ids, batch_entries=batch))
            store.conn.set_trace_callback(None)
            counts.append(len(statements))
    finally:
        store.close()
    assert counts[0] - 1 == 3 * (counts[1] - 1)  # the counts, then 3 batches or 1
    assert counts[1] <= 8


def test_batches_hold_about_so_many_entries_and_keep_the_order() -> None:
    counts = {1: 3, 2: 0, 3: 5, 4: 1, 5: 9, 6: 2}
    assert list(_batches([1, 2, 3, 4, 5, 6], counts, 5)) == [[1, 2], [3], [4], [5], [6]]
    assert list(_batches([6, 1, 2], counts, 100)) == [[6, 1, 2]]
    assert list(_batches([], counts, 5)) == []
    assert list(_batches(list(range(1, 1_201)), {}, 5)) == [
        list(range(1, 501)),
        list(range(501, 1_001)),
        list(range(1_001, 1_201)),
    ]


# -- the scan memo: every text screened, each distinct text scanned once ------------

CORPUS = [
    json.loads(line)["text"]
    for line in (DATA / "secrets_corpus.jsonl").read_text(encoding="utf-8").splitlines()
    if line.strip()
]


def test_the_memo_answers_as_find_secrets_does() -> None:
    memo = ScanMemo()
    for _ in range(2):  # the first time scanned, the second remembered
        for text in CORPUS:
            findings = guard.find_secrets(text)
            expected = (guard.redact(text, findings), len(findings)) if findings else (text, 0)
            assert memo.clean(text) == expected


def test_the_memo_stays_within_its_characters(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(screen, "MEMO_CHARS", 500)
    monkeypatch.setattr(screen, "SHORT_MEMO_SIZE", 30)
    memo = ScanMemo()
    for number in range(400):
        memo.clean(f"TK-{number:06d}")
        memo.clean(f"Waited {number} hours for the finance team to review the withdrawal.")
    assert 0 < len(memo.short.results) <= 30 and 0 < memo.short.chars <= 500
    assert 0 < memo.long.chars <= 500
    again = "Waited 399 hours for the finance team to review the withdrawal."
    assert again in memo.long.results
    assert memo.clean(again) == (again, 0)  # met again: moved to the repeated sentences
    assert again in memo.repeated.results and again not in memo.long.results
    assert memo.clean(again) == (again, 0)
    assert not memo.repeated.results.keys() & memo.long.results.keys()
    assert sum(map(len, memo.long.results)) == memo.long.chars
    assert sum(map(len, memo.short.results)) == memo.short.chars


def test_a_secret_written_again_is_masked_every_time() -> None:
    secret = "the agent asked for my password: hunter2hunter2, so I gave it"
    doc: dict[str, Any] = {
        "title": secret,
        "tags": [],
        "entries": [{"text": secret, "ticket": "TK-1"}, {"text": secret, "ticket": "TK-1"}],
    }
    screened, masked = screen_document(doc, in_place=True, memo=ScanMemo())
    assert masked == 3
    assert all("hunter2" not in entry["text"] for entry in screened["entries"])
    assert "hunter2" not in screened["title"]


# -- stored times: the fast path of to_local_iso -------------------------------------


@settings(max_examples=300, deadline=None)
@given(
    moment=st.datetimes(
        min_value=datetime(1971, 1, 1), max_value=datetime(2090, 12, 31), timezones=st.just(UTC)
    ),
    minutes=st.sampled_from([None, 0, 345, -210, 840, -720]),
)
def test_a_stored_time_reads_as_the_parser_reads_it(moment: datetime, minutes: int | None) -> None:
    stored = timeparse.to_storage(moment)
    tz = None if minutes is None else timezone(timedelta(minutes=minutes))
    expected = timeparse.from_storage(stored)
    expected = expected.astimezone() if tz is None else expected.astimezone(tz)
    assert timeparse.to_local_iso(stored, tz) == expected.isoformat(timespec="seconds")


@pytest.mark.parametrize("stored", ["2026-02-30T00:00:00Z", "2026-11-20T24:00:00Z"])
def test_a_bad_stored_time_is_still_refused(stored: str) -> None:
    with pytest.raises(IssuenoteError, match="bad stored time"):
        timeparse.to_local_iso(stored)


def assert_no_table_scanned(plans: dict[str, list[str]]) -> None:
    """Scans of a covering index or of a subquery's own rows only."""
    for sql, details in plans.items():
        for detail in details:
            if detail.startswith("SCAN "):
                assert "COVERING INDEX" in detail or detail.startswith("SCAN (subquery"), (
                    sql,
                    detail,
                )


def test_every_batch_query_reads_off_an_index(varied: Path) -> None:
    """No batch query scans a table: a scan per batch grows with the notebook squared."""
    store = opened(varied)
    try:
        ids = store.case_ids()
        plans = query_plans(store, lambda: list(store.case_documents(ids)))
    finally:
        store.close()
    assert len(plans) >= 7
    assert_no_table_scanned(plans)


def test_one_case_document_reads_off_indexes_too(varied: Path) -> None:
    """`show` and `export CASE` read one case: no table of the notebook is scanned for it."""
    store = opened(varied)
    try:
        case_id = store.case_ids()[0]
        plans = query_plans(store, lambda: store.case_document(case_id))
    finally:
        store.close()
    assert any("FROM transactions" in sql for sql in plans)
    assert_no_table_scanned(plans)


# export --all's helper process: it scans, this process screens with its answers.
SEED = "abandon " * 11 + "about"


def _plant_secrets(home: Path) -> None:
    import sqlite3

    db = sqlite3.connect(home / "notebook.db")
    with db:  # as an older release could have stored them
        db.execute(
            "UPDATE entries SET text = ? WHERE text LIKE 'tried again 3%'", (f"seed {SEED}",)
        )
        db.execute(
            "UPDATE cases SET description = ? WHERE id = 6", ("my card 4111 1111 1111 1111",)
        )
    db.close()


def _screened_both_ways(home: Path, **options: Any) -> tuple[list[Any], list[Any]]:
    store = opened(home)
    try:
        ids = store.case_ids()
        alone = [
            screen_document(doc, in_place=True, memo=ScanMemo())[0]
            for doc in store.case_documents(ids)
        ]
        helped = list(screen.screened_documents(store.case_documents(ids), ScanMemo(), **options))
    finally:
        store.close()
    return alone, helped


@pytest.fixture
def batches_of_a_few_texts(
    cli: Callable[..., Any], notebook_home: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    for number in range(1, 9):
        cli("new", f"Case {number}", "--platform", "OKX")
        cli("reply", str(number), f"Wait {number}h", "--agent", "Kevin", "--ticket", f"TK-{number}")
        cli("note", str(number), f"tried again {number} times, 답변 없음, 还是没到账")
    _plant_secrets(notebook_home)
    monkeypatch.setattr(screen, "BATCH_TEXTS", 4)
    return notebook_home


def test_the_helper_screens_as_this_process_does(batches_of_a_few_texts: Path) -> None:
    alone, helped = _screened_both_ways(batches_of_a_few_texts)
    assert helped == alone
    text = json.dumps(helped, ensure_ascii=False)
    assert "abandon abandon" not in text and "4111 1111 1111 1111" not in text
    assert "[redacted: seed phrase]" in text


def test_the_helper_is_really_used(
    batches_of_a_few_texts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the helper's answers, this process scans none of the batches it handed over."""
    scanned: list[str] = []
    real = guard.find_secrets

    def counting(text: str, **options: Any) -> Any:
        scanned.append(text)
        return real(text, **options)

    monkeypatch.setattr(guard, "find_secrets", counting)
    store = opened(batches_of_a_few_texts)
    try:
        docs = list(screen.screened_documents(store.case_documents(store.case_ids()), ScanMemo()))
    finally:
        store.close()
    assert len(docs) == 8
    everything = {
        holder[key]
        for doc in docs
        for holder, key in screen.text_slots(doc)
        if isinstance(holder[key], str) and holder[key]
    }
    assert len(scanned) < len(everything) / 2, scanned  # the helper scanned the rest


def test_the_helper_ends_when_told(
    batches_of_a_few_texts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It leaves as soon as the export is done: never waited for, never killed."""
    ended: list[Any] = []
    close = screen._Scanner.close

    def closing(scanner: Any) -> None:
        process = scanner.process
        close(scanner)
        ended.append(process.exitcode if process is not None else "no helper")

    monkeypatch.setattr(screen._Scanner, "close", closing)
    _screened_both_ways(batches_of_a_few_texts)
    assert ended == [0]


def _dies(connection: Any, parents_end: Any) -> None:
    import os

    os._exit(3)


def _stalls(connection: Any, parents_end: Any) -> None:
    import time

    time.sleep(30)


def _answers_nonsense(connection: Any, parents_end: Any) -> None:
    parents_end.close()
    while True:
        try:
            if connection.recv() is None:
                return
        except EOFError:
            return
        connection.send("not a list")


@pytest.mark.parametrize("serve", [_dies, _stalls, _answers_nonsense])
def test_a_helper_that_fails_leaves_the_scan_here(
    batches_of_a_few_texts: Path, monkeypatch: pytest.MonkeyPatch, serve: Callable[..., None]
) -> None:
    monkeypatch.setattr(screen, "_serve", serve)
    monkeypatch.setattr(screen, "PATIENCE", 0.5)
    alone, helped = _screened_both_ways(batches_of_a_few_texts)
    assert helped == alone
    assert "abandon abandon" not in json.dumps(helped)


def test_no_fork_no_helper(batches_of_a_few_texts: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import multiprocessing

    def refused(method: str) -> Any:
        raise ValueError(f"cannot find context for {method!r}")

    monkeypatch.setattr(multiprocessing, "get_context", refused)
    alone, helped = _screened_both_ways(batches_of_a_few_texts)
    assert helped == alone
    alone, helped = _screened_both_ways(batches_of_a_few_texts, helper=False)
    assert helped == alone
