"""The typer-free path of `issuenote note`: it must read and do exactly what typer would.

Every form it accepts is run both ways on two notebooks made alike, and the
outputs, exit codes and stored entries compared; every form it declines must
still reach typer (help, editor, usage errors).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from issuenote import quicknote
from issuenote.quicknote import QuickNote, parse
from issuenote.store import Store

SEED = "abandon " * 11 + "about"


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["note", "1", "hello"], QuickNote(case="1", text="hello")),
        (["note", "last", "-"], QuickNote(case="last", text="-")),
        (["note", "1", "x", "--json"], QuickNote(case="1", text="x", as_json=True)),
        (["note", "--json", "1", "x"], QuickNote(case="1", text="x", as_json=True)),
        (["note", "1", "--at", "2h ago", "x"], QuickNote(case="1", text="x", at="2h ago")),
        (["note", "1", "x", "--at=today 09:00"], QuickNote(case="1", text="x", at="today 09:00")),
        (["note", "1", "x", "--at", "1h ago", "--at", "2h ago"], QuickNote("1", "x", at="2h ago")),
        (
            ["note", "1", "x", "--redact", "--private"],
            QuickNote("1", "x", redact=True, private=True),
        ),
        (["--home", "/h", "note", "1", "x"], QuickNote(case="1", text="x", home="/h")),
        (["--home=/h", "--debug", "note", "1", "x"], QuickNote("1", "x", home="/h", debug=True)),
        (["--home", "", "note", "1", "x"], QuickNote(case="1", text="x", home="")),
        (["note", "1", "答复 = ok --json"], QuickNote(case="1", text="答复 = ok --json")),
        (["note", "1", ""], QuickNote(case="1", text="")),
    ],
)
def test_plain_notes_are_read_here(argv: list[str], expected: QuickNote) -> None:
    assert parse(argv) == expected


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["note"],
        ["note", "1"],  # no text: stdin or the editor, typer's part
        ["note", "1", "a", "b"],  # an extra argument is a usage error
        ["note", "1", "x", "-e"],
        ["note", "1", "x", "--edit"],
        ["note", "1", "x", "--resume"],
        ["note", "1", "x", "--help"],
        ["note", "-h"],
        ["note", "1", "x", "--bogus"],
        ["note", "1", "x", "--jso"],
        ["note", "1", "--", "-x"],
        ["note", "1", "-5"],
        ["note", "1", "x", "--at"],
        ["note", "1", "x", "--at", "--json"],
        ["note", "1", "x", "--home", "/h"],  # a global option after the command
        ["--version", "note", "1", "x"],
        ["--home", "note", "1", "x"],  # --home's value is missing: typer says so
        ["--home", "-x", "note", "1", "x"],
        ["-h", "note", "1", "x"],
        ["list"],
        ["reply", "1", "x"],
        ["notes", "1", "x"],
        ["1", "note", "x"],
    ],
)
def test_everything_else_is_left_to_typer(argv: list[str]) -> None:
    assert parse(argv) is None


def test_completion_is_left_to_typer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("_ISSUENOTE_COMPLETE", "complete_bash")
    assert quicknote.main(["note", "1", "x"]) is None


def test_the_options_read_here_are_notes_own() -> None:
    """A note option renamed or turned into a valued one must not leave this path behind."""
    from typer.main import get_command

    from issuenote.cli import app
    from issuenote.commands.timeline import note

    del app  # building the app registers the commands
    command = get_command(_single(note))
    options = {name: param for param in command.params for name in param.opts}
    for name in quicknote._FLAGS:
        assert options[name].is_flag, name
    for name in quicknote._VALUED:
        assert not options[name].is_flag, name
    arguments = [param.name for param in command.params if not param.opts[0].startswith("-")]
    assert arguments == ["case", "text"]


def _single(function: Callable[..., Any]) -> Any:
    import typer

    single = typer.Typer()
    single.command()(function)
    return single


def _fresh_case(home: Path, cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ISSUENOTE_HOME", str(home))
    assert cli("new", "USDT withdrawal stuck", "--platform", "OKX").exit_code == 0


FORMS = [
    ["note", "1", "Agent Kevin (CS-4471) says: wait 24 hours."],
    ["note", "last", "second note", "--at", "2h ago"],
    ["note", "1", "--at=2020-01-02T03:04:05Z", "dated"],
    ["note", "1", "客服说要等24小时 / 상담원이 24시간 기다리라고 했어요"],
    ["note", "1", "x" * 5000],
    ["note", "1", f"the seed {SEED}"],
    ["note", "1", f"the seed {SEED}", "--redact"],
    ["note", "1", "kept apart", "--private"],
    ["note", "1", "they sent me to t.me/okx_support_help for a refund"],
    ["note", "1", "Telegram @okx_support_help asked for my seed phrase"],
    ["note", "9", "unknown case"],
    ["note", "last", "bad time", "--at", "next blursday"],
    ["note", "1", "in the future", "--at", "2999-01-01"],
    ["note", "1", ""],
    ["note", "1", "\x1b[31mred\x1b[0m and \u202eevil"],
    ["--debug", "note", "1", "debug flag, no error"],
]


@pytest.mark.parametrize("argv", FORMS, ids=lambda argv: " ".join(argv)[:40])
def test_both_paths_print_and_store_the_same(
    argv: list[str],
    tmp_path: Path,
    cli: Callable[..., Result],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ISSUENOTE_KEY", "a test passphrase for private entries")
    typer_home, quick_home = tmp_path / "typer", tmp_path / "quick"
    _fresh_case(typer_home, cli, monkeypatch)
    by_typer = cli(*argv)
    _fresh_case(quick_home, cli, monkeypatch)
    capsys.readouterr()
    code = quicknote.main(argv)
    printed = capsys.readouterr()

    assert code == by_typer.exit_code
    assert printed.out == by_typer.stdout
    assert printed.err == by_typer.stderr
    assert _entries(quick_home) == _entries(typer_home)


def test_json_output_matches_but_for_the_new_entry_identity(
    tmp_path: Path,
    cli: Callable[..., Result],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    argv = ["note", "1", "with json", "--json", "--at", "1h ago"]
    _fresh_case(tmp_path / "typer", cli, monkeypatch)
    by_typer = json.loads(cli(*argv).stdout)
    _fresh_case(tmp_path / "quick", cli, monkeypatch)
    capsys.readouterr()
    assert quicknote.main(argv) == 0
    by_quick = json.loads(capsys.readouterr().out)
    varying = {"uuid", "recorded_at", "at"}
    assert {k: v for k, v in by_quick.items() if k not in varying} == {
        k: v for k, v in by_typer.items() if k not in varying
    }
    assert by_quick.keys() == by_typer.keys()


def test_stdin_text_and_an_empty_home(
    tmp_path: Path,
    cli: Callable[..., Result],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _fresh_case(tmp_path / "quick", cli, monkeypatch)
    monkeypatch.setattr("sys.stdin", _Piped("pasted\nchat log\n"))
    assert quicknote.main(["note", "1", "-"]) == 0
    assert _entries(tmp_path / "quick")[-1][-1] == "pasted\nchat log"
    capsys.readouterr()
    assert quicknote.main(["--home", " ", "note", "1", "x"]) == 1
    assert capsys.readouterr().err == (
        "issuenote: --home is empty; give the notebook directory (or leave --home out)\n"
    )


def test_debug_shows_the_error_itself(
    tmp_path: Path, cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    from issuenote.errors import IssuenoteError

    _fresh_case(tmp_path / "quick", cli, monkeypatch)
    with pytest.raises(IssuenoteError, match="unknown case"):
        quicknote.main(["--debug", "note", "7", "x"])


class _Piped:
    def __init__(self, text: str) -> None:
        self.text = text

    def isatty(self) -> bool:
        return False

    def read(self) -> str:
        return self.text


def _entries(home: Path) -> list[tuple[Any, ...]]:
    store = Store.open(home, create=False)
    assert store is not None
    try:
        # a private text is sealed with a fresh nonce each time: compare that it is sealed
        rows = store.conn.execute(
            "select kind, case_id, private, flags, warnings,"
            " case when private then text is not null else text end from entries order by id"
        ).fetchall()
    finally:
        store.close()
    return [tuple(row) for row in rows]


EXECUTABLE = Path(sys.executable).parent / "issuenote"


@pytest.mark.skipif(not EXECUTABLE.exists(), reason="issuenote is not installed here")
def test_the_installed_note_never_imports_typer(notebook_home: Path) -> None:
    """The point of this path: checked in a real process, as the console script runs it."""
    env = os.environ.copy()
    subprocess.run([str(EXECUTABLE), "new", "Stuck"], env=env, check=True, capture_output=True)
    probe = (
        "import sys\n"
        "sys.argv = ['issuenote', 'note', '1', 'from the fast path']\n"
        "from issuenote.launch import main\n"
        "try:\n    main()\nexcept SystemExit as done:\n    code = done.code\n"
        "heavy = ('typer', 'click', 'rich', 'sqlite_utils', 'dataclasses', 'uuid')\n"
        "heavy = sorted(name for name in heavy if name in sys.modules)\n"
        "print(code, heavy, file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.stdout == "Added note 1 to case 1.\n"
    assert done.stderr == "0 []\n"


@pytest.mark.skipif(not EXECUTABLE.exists(), reason="issuenote is not installed here")
def test_the_installed_executable_still_reaches_typer_for_the_rest(notebook_home: Path) -> None:
    env = os.environ.copy()
    subprocess.run([str(EXECUTABLE), "new", "Stuck"], env=env, check=True, capture_output=True)

    def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(EXECUTABLE), *args], input=stdin, env=env, capture_output=True, text=True
        )

    assert run("note", "1", "x", "--bogus").stderr == (
        "issuenote: note: no such option: --bogus (see `issuenote note --help`)\n"
    )
    assert "Add a note to a case's timeline." in run("note", "--help").stdout
    no_text = run("note", "1", stdin="piped without -\n")  # typer's reading, as before
    assert (no_text.returncode, no_text.stderr) == (
        1,
        "issuenote: the note is empty; give some text (or - to read stdin)\n",
    )
    fast = run("note", "1", "fast")
    assert (fast.returncode, fast.stdout) == (0, "Added note 1 to case 1.\n")
