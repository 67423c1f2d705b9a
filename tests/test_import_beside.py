"""A big import is checked by a second process while the merge writes: no shortcut either.

`issuenote import` of a file of importer.HELPER_BYTES or more forks a child
that checks the file case by case (CheckedBeside) and sends each case that
passed to the merge, which writes it inside its one transaction and commits
only once the child's verdict says the whole file passed. Here the size
limit is 0, so small files take that path, and each test compares it with
the check-first path on the same file: the same notebook, the same refusal,
nothing written when refused, no process left behind.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from issuenote import importer
from issuenote.errors import IssuenoteError
from issuenote.importer import CheckedBeside, _Checker
from issuenote.safety import screening
from issuenote.store.merge import _Merger
from tests.test_import_bulk import _repeatable, _tables, make_source_file

Cli = Callable[..., Any]

SEED = "abandon ability able about above absent absorb abstract absurd abuse access accident"


@pytest.fixture
def source_file(cli: Cli, tmp_path: Path) -> Path:
    return make_source_file(cli, tmp_path)


@pytest.fixture(autouse=True)
def small_frames(monkeypatch: pytest.MonkeyPatch) -> None:
    """Frames of a few texts, so that a small file still crosses many of them."""
    monkeypatch.setattr(screening, "FRAME_CHARS", 500)


def _import(cli: Cli, path: Path, home: Path, *args: str, beside: bool) -> Any:
    """`issuenote import` of `path` into `home`, beside or check-first."""
    limit = 0 if beside else 1 << 40
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(importer, "HELPER_BYTES", limit)
        started = _spy_on_start(patch)
        result = cli("--home", str(home), "import", str(path), *args)
    assert started == ([True] if beside else []), started
    return result


def _spy_on_start(patch: pytest.MonkeyPatch) -> list[bool]:
    started: list[bool] = []
    start = CheckedBeside.start.__func__  # type: ignore[attr-defined]

    def spy(cls: type[CheckedBeside], *args: Any, **options: Any) -> CheckedBeside:
        started.append(True)
        return start(cls, *args, **options)  # type: ignore[no-any-return]

    patch.setattr(CheckedBeside, "start", classmethod(spy))
    return started


def _children() -> set[int]:
    """This process's live children (Linux), to show that none is left running."""
    found: set[int] = set()
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        try:
            found |= {int(pid) for pid in (task / "children").read_text().split()}
        except FileNotFoundError:  # a thread that ended meanwhile
            continue
    return found


@pytest.fixture
def no_child_left() -> Any:
    if not Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").exists():
        pytest.skip("needs /proc/PID/task/TID/children to list child processes")
    before = _children()
    yield
    assert _children() <= before


def _notebook_file(tmp_path: Path, source: Path, edit: Callable[[dict[str, Any]], None]) -> Path:
    """A copy of the export `source` with `edit` applied to its document."""
    document = json.loads(source.read_text(encoding="utf-8"))
    edit(document)
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


def _last_text_holds_a_seed(document: dict[str, Any]) -> None:
    document["cases"][-1]["entries"][-1]["text"] = f"my seed: {SEED}"


def test_the_merge_beside_the_check_leaves_the_same_notebook(
    cli: Cli, source_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_child_left: Any
) -> None:
    restart = _repeatable(monkeypatch)
    restart()
    first = _import(cli, source_file, tmp_path / "first", beside=False)
    restart()
    second = _import(cli, source_file, tmp_path / "second", beside=True)
    assert first.exit_code == second.exit_code == 0, (first.stderr, second.stderr)
    assert second.stdout == first.stdout.replace("first", "second")
    assert second.stderr == first.stderr.replace("first", "second")
    assert _tables(tmp_path / "second") == _tables(tmp_path / "first")
    # Into a notebook that has it all, both change nothing.
    again = _import(cli, source_file, tmp_path / "second", beside=True)
    assert again.exit_code == 0 and again.stdout.startswith("Nothing to import")


@pytest.mark.parametrize(
    "edit",
    [
        _last_text_holds_a_seed,
        lambda document: document["cases"][0]["entries"][-1].update(at="yesterday"),
        lambda document: document["cases"][-1]["entries"].append(
            dict(document["cases"][0]["entries"][0])  # a UUID used twice, told at the end
        ),
        # The same, where nothing else is wrong: SQLite meets it first, in the merge.
        lambda document: document["cases"][-1]["entries"][-1].update(
            uuid=document["cases"][0]["entries"][0]["uuid"]
        ),
    ],
    ids=["secret in the last case", "bad time in the first case", "uuid twice", "uuid again"],
)
def test_a_refused_file_writes_nothing_and_is_told_as_before(
    cli: Cli, source_file: Path, tmp_path: Path, edit: Any, no_child_left: Any
) -> None:
    path = _notebook_file(tmp_path, source_file, edit)
    before = _import(cli, path, tmp_path / "first", beside=False)
    fresh = tmp_path / "fresh"
    told = _import(cli, path, fresh, beside=True)
    assert told.exit_code == before.exit_code == 1
    assert told.stderr == before.stderr and "nothing was imported" in told.stderr
    assert told.stdout == ""
    assert not fresh.exists()  # not even an empty notebook in a new home
    # A notebook already there keeps exactly what it had.
    kept = tmp_path / "kept"
    assert cli("--home", str(kept), "new", "Already here").exit_code == 0
    tables = _tables(kept)
    assert _import(cli, path, kept, beside=True).stderr == before.stderr
    assert _tables(kept) == tables


def test_a_truncated_file_is_refused_as_before(
    cli: Cli, source_file: Path, tmp_path: Path, no_child_left: Any
) -> None:
    path = tmp_path / "cut.json"
    text = source_file.read_text(encoding="utf-8")
    path.write_text(text[: int(len(text) * 0.9)], encoding="utf-8")
    before = _import(cli, path, tmp_path / "first", beside=False)
    told = _import(cli, path, tmp_path / "fresh", beside=True)
    assert told.exit_code == before.exit_code == 1
    assert told.stderr == before.stderr and "not valid JSON" in told.stderr
    assert not (tmp_path / "fresh").exists(), list((tmp_path / "fresh").rglob("*"))


@pytest.mark.parametrize("clean", [True, False], ids=["clean file", "file with a secret"])
@pytest.mark.parametrize(
    "error",
    [IssuenoteError("the merge gave up"), sqlite3.IntegrityError("UNIQUE constraint failed")],
    ids=["a refusal", "a constraint"],
)
def test_a_merge_that_fails_first_waits_for_the_check(
    cli: Cli,
    source_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    clean: bool,
    error: Exception,
    no_child_left: Any,
) -> None:
    """Had the check run first, its refusal would be what the user saw: it still is."""
    path = source_file if clean else _notebook_file(tmp_path, source_file, _last_text_holds_a_seed)

    def fail(self: _Merger, case: Any) -> None:
        raise error

    monkeypatch.setattr(_Merger, "add_case", fail)
    if clean and not isinstance(error, IssuenoteError):
        with pytest.raises(type(error)):
            _import(cli, path, tmp_path / "fresh", beside=True)
    else:
        told = _import(cli, path, tmp_path / "fresh", beside=True)
        assert told.exit_code == 1
        if clean:
            assert told.stderr.strip() == "issuenote: the merge gave up"
        else:
            assert "seed phrase" in told.stderr and "nothing was imported" in told.stderr
    assert not (tmp_path / "fresh").exists()


@pytest.mark.parametrize("how", ["raises", "dies"])
def test_a_check_that_breaks_writes_nothing(
    cli: Cli,
    source_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    how: str,
    no_child_left: Any,
) -> None:
    """A bug in the check, or its process killed, is never taken for a file that passed."""
    check = _Checker.case

    def broken(self: _Checker, path: Any, value: Any) -> Any:
        if path[1] == 1:  # runs in the child: the parent never checks a case here
            if how == "dies":
                os._exit(9)
            raise ValueError("a bug in the check")
        return check(self, path, value)

    monkeypatch.setattr(_Checker, "case", broken)
    with pytest.raises(RuntimeError, match="a bug in the check" if how == "raises" else "stopped"):
        _import(cli, source_file, tmp_path / "fresh", beside=True)
    assert not (tmp_path / "fresh").exists()


def test_stdin_is_checked_beside_the_merge_too(
    cli: Cli, source_file: Path, tmp_path: Path, no_child_left: Any
) -> None:
    text = source_file.read_text(encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(importer, "HELPER_BYTES", 0)
        started = _spy_on_start(patch)
        told = cli("--home", str(tmp_path / "piped"), "import", "-", input=text)
        refused = cli(
            "--home", str(tmp_path / "refused"), "import", "-",
            input=text.replace("Called my bank about the card", f"seed: {SEED}"),
        )  # fmt: skip
    assert started == [True, True]
    assert told.exit_code == 0 and told.stdout.startswith("Imported <stdin>: 2 new cases")
    assert refused.exit_code == 1 and "seed phrase" in refused.stderr
    assert not (tmp_path / "refused").exists()


def test_a_dry_run_beside_the_check_writes_nothing(
    cli: Cli, source_file: Path, tmp_path: Path, no_child_left: Any
) -> None:
    kept = tmp_path / "kept"
    assert cli("--home", str(kept), "new", "Already here").exit_code == 0
    tables = _tables(kept)
    before = _import(cli, source_file, tmp_path / "first", "--dry-run", "--json", beside=False)
    told = _import(cli, source_file, kept, "--dry-run", "--json", beside=True)
    assert told.exit_code == before.exit_code == 0
    assert json.loads(told.stdout)["entries_added"] == json.loads(before.stdout)["entries_added"]
    assert _tables(kept) == tables


def test_fields_unreadable_where_exported_are_counted_beside_too(
    cli: Cli, source_file: Path, tmp_path: Path, no_child_left: Any
) -> None:
    def unreadable(document: dict[str, Any]) -> None:
        document["cases"][0]["unreadable"] = ["account"]
        document["cases"][-1]["unreadable"] = ["entries[3].text"]

    path = _notebook_file(tmp_path, source_file, unreadable)
    before = _import(cli, path, tmp_path / "first", beside=False)
    told = _import(cli, path, tmp_path / "second", beside=True)
    assert told.exit_code == before.exit_code == 0
    assert "2 encrypted fields could not be read" in before.stderr
    assert told.stderr == before.stderr.replace("first", "second")


def test_a_notebook_someone_recorded_into_is_never_discarded(tmp_path: Path) -> None:
    from issuenote.store import Store
    from issuenote.store.connection import discard_if_empty

    home = tmp_path / "home"
    store = Store.open(home, create=True)
    assert store is not None
    store.close()
    conn = sqlite3.connect(home / "notebook.db")
    conn.execute(
        "INSERT INTO cases (uuid, title, created_at, updated_at) "
        "VALUES ('00000000-0000-4000-8000-000000000001', 'mine', '2026-01-01T00:00:00Z', "
        "'2026-01-01T00:00:00Z')"
    )
    conn.commit()
    conn.close()
    assert discard_if_empty(home, with_home=True) is False
    assert (home / "notebook.db").exists()
