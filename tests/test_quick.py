"""The typer-free path of `note`, `show` and `export CASE`: it must read and do exactly what
typer would.

Every form it accepts is run both ways (on two notebooks made alike for `note`,
on one for the reading commands) and the outputs, exit codes, written files and
stored entries compared; every form it declines must still reach typer (help,
editor, usage errors), and its tables of options are checked against the typer
commands' own.
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

from issuenote.quick import dispatch
from issuenote.quick.dispatch import Call, parse
from issuenote.store import Store

SEED = "abandon " * 11 + "about"


def note(
    case: str, text: str, home: str | None = None, debug: bool = False, **options: Any
) -> Call:
    return Call("note", (case, text), options, home=home, debug=debug)


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["note", "1", "hello"], note("1", "hello")),
        (["note", "last", "-"], note("last", "-")),
        (["note", "1", "x", "--json"], note("1", "x", as_json=True)),
        (["note", "--json", "1", "x"], note("1", "x", as_json=True)),
        (["note", "1", "--at", "2h ago", "x"], note("1", "x", at="2h ago")),
        (["note", "1", "x", "--at=today 09:00"], note("1", "x", at="today 09:00")),
        (["note", "1", "x", "--at", "1h ago", "--at", "2h ago"], note("1", "x", at="2h ago")),
        (["note", "1", "x", "--redact", "--private"], note("1", "x", redact=True, private=True)),
        (["--home", "/h", "note", "1", "x"], note("1", "x", home="/h")),
        (["--home=/h", "--debug", "note", "1", "x"], note("1", "x", home="/h", debug=True)),
        (["--home", "", "note", "1", "x"], note("1", "x", home="")),
        (["note", "1", "答复 = ok --json"], note("1", "答复 = ok --json")),
        (["note", "1", ""], note("1", "")),
        ([], Call("", (), {})),
        (["--home=/h", "--debug"], Call("", (), {}, home="/h", debug=True)),
        (["show"], Call("show", (), {})),
        (["show", "last", "--json"], Call("show", ("last",), {"as_json": True})),
        (
            ["--home", "/h", "show", "--full", "2", "--history", "--reveal", "--no-pager"],
            Call(
                "show",
                ("2",),
                {"full": True, "history": True, "reveal": True, "no_pager": True},
                home="/h",
            ),
        ),
        (["export", "1"], Call("export", ("1",), {})),
        (["search", "TK-884"], Call("search", ("TK-884",), {})),
        (
            ["search", "提币", "--kind", "reply", "--kind=note", "--limit", "5", "--rank"],
            Call("search", ("提币",), {"kind": ("reply", "note"), "limit": 5, "rank": True}),
        ),
        (
            ["export", "1", "-f", "email", "--lang=zh", "--to", "a@b.c", "--no-suspicious"],
            Call(
                "export", ("1",), {"fmt": "email", "lang": "zh", "to": "a@b.c", "suspicious": False}
            ),
        ),
        (
            ["export", "--format=chat", "last", "--max-chars", "300", "--max-bytes=900"],
            Call("export", ("last",), {"fmt": "chat", "max_chars": 300, "max_bytes": 900}),
        ),
        (
            [
                "export",
                "1",
                "-o",
                "out.md",
                "--force",
                "--no-redact",
                "--include-private",
                "--copy",
            ],
            Call(
                "export",
                ("1",),
                {
                    "output": Path("out.md"),
                    "force": True,
                    "redact": False,
                    "include_private": True,
                    "copy": True,
                },
            ),
        ),
    ],
)
def test_plain_forms_are_read_here(argv: list[str], expected: Call) -> None:
    assert parse(argv) == expected


@pytest.mark.parametrize(
    "argv",
    [
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
        ["--version"],
        ["--help"],
        ["--home"],
        ["--home", "/h", "--bogus"],
        ["-h"],
        [""],
        ["--install-completion"],
        ["--home", "note", "1", "x"],  # --home's value is missing: typer says so
        ["--home", "-x", "note", "1", "x"],
        ["-h", "note", "1", "x"],
        ["list"],
        ["contact", "1", "x"],
        ["search"],
        ["search", "a", "b"],
        ["search", "x", "--limit", "-1"],
        ["search", "x", "--kind"],
        ["search", "-x"],
        ["reply", "1"],  # no text: stdin or the editor
        ["reply", "1", "x", "-e"],
        ["reply", "1", "x", "--agent"],
        ["reply", "1", "x", "-a", "-Kevin"],
        ["reply", "1", "x", "-aKevin"],
        ["reply", "1", "x", "-a=Kevin"],
        ["notes", "1", "x"],
        ["1", "note", "x"],
        ["show", "1", "2"],
        ["show", "1", "--bogus"],
        ["show", "--help"],
        ["show", "1", "--json=yes"],
        ["export"],  # no CASE: typer's message (or --all)
        ["export", "--all", "--format", "json"],
        ["export", "1", "--with-attachments"],
        ["export", "1", "--format"],
        ["export", "1", "--format="],
        ["export", "1", "-f=chat"],  # click reads "=chat" as the value
        ["export", "1", "-fchat"],
        ["export", "1", "--max-chars", "+5"],
        ["export", "1", "--max-chars", "1_000"],
        ["export", "1", "--max-chars", "١٢"],
        ["export", "1", "--max-chars", "-5"],
        ["export", "1", "--max-chars=x"],
        ["export", "1", "--output", "-"],
        ["export", "1", "-o"],
        ["export", "1", "2"],
    ],
)
def test_everything_else_is_left_to_typer(argv: list[str]) -> None:
    assert parse(argv) is None


def test_completion_is_left_to_typer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("_ISSUENOTE_COMPLETE", "complete_bash")
    assert dispatch.main(["note", "1", "x"]) is None


@pytest.mark.parametrize("name", sorted(name for name in dispatch.COMMANDS if name))
def test_the_tables_are_the_typer_commands_own(name: str) -> None:
    """An option added, renamed or turned into a valued one must not leave this path behind."""
    import inspect
    from importlib import import_module

    from typer.main import get_command

    from issuenote.cli import app
    from issuenote.commands import COMMANDS as REGISTERED

    del app  # building the app registers the commands
    module, function = next((m, f) for n, m, f in REGISTERED if n == name)
    command = get_command(_single(getattr(import_module(f"issuenote.commands.{module}"), function)))
    table = dispatch.COMMANDS[name]
    options = {
        opt: param
        for param in command.params
        for opt in (*param.opts, *param.secondary_opts)
        if opt.startswith("-")
    }
    assert set(options) == set(table.flags) | set(table.valued) | table.left_to_typer
    for opt in table.flags:
        assert options[opt].is_flag, opt
    for opt in table.valued:
        assert not options[opt].is_flag, opt
    words = [param for param in command.params if not param.opts[0].startswith("-")]
    assert tuple(param.name for param in words) == table.words
    for opt in table.valued:  # given twice: the last, or both
        assert options[opt].multiple == (table.valued[opt][0] in table.repeated), opt
    # no fewer words than typer requires (it may ask for more: `export` without CASE is typer's)
    assert all(i < table.required for i, param in enumerate(words) if param.required)

    module_name, _, function_name = table.target.partition(":")
    target = inspect.signature(getattr(import_module(module_name), function_name)).parameters
    assert tuple(target)[1 : 1 + len(table.words)] == table.words
    for param in words[table.required :]:  # a word left out means the same both ways
        assert target[param.name].default == param.default, param.name
    read_here = {p for p, _ in table.flags.values()} | {p for p, _ in table.valued.values()}
    assert read_here <= set(target)


def _single(function: Callable[..., Any]) -> Any:
    import typer

    single = typer.Typer(add_completion=False)
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
    ["reply", "1", "Please wait 24 hours.", "--agent", "Kevin", "--agent-id", "CS-4471"],
    ["reply", "last", "-t", "TK-884", "我们会在24小时内回复", "-a", "李娜", "-c", "email"],
    [
        "reply",
        "1",
        "답변",
        "--via",
        "help@okx.com",
        "--promised",
        "3 business days",
        "--at",
        "2026-11-20",
    ],
    ["reply", "1", "Under review", "--suggests=wait 24h", "-s", "wait 48h", "--at", "1h ago"],
    ["reply", "1", "DM me your seed phrase to unlock", "--via", "t.me/okx_support_help"],
    ["reply", "1", f"the seed {SEED}"],
    ["reply", "1", "kept apart", "--private", "--channel", "phone"],
    ["reply", "1", "bad channel", "--channel", "pigeon"],
    ["reply", "1", "bad promise", "--promised", "whenever"],
    ["reply", "9", "unknown case", "--agent", "Kevin"],
    ["reply", "1", "", "--agent", "Kevin"],
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
    code = dispatch.main(argv)
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
    assert dispatch.main(argv) == 0
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
    assert dispatch.main(["note", "1", "-"]) == 0
    assert _entries(tmp_path / "quick")[-1][-1] == "pasted\nchat log"
    capsys.readouterr()
    assert dispatch.main(["--home", " ", "note", "1", "x"]) == 1
    assert capsys.readouterr().err == (
        "issuenote: --home is empty; give the notebook directory (or leave --home out)\n"
    )


def test_debug_shows_the_error_itself(
    tmp_path: Path, cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    from issuenote.errors import IssuenoteError

    _fresh_case(tmp_path / "quick", cli, monkeypatch)
    with pytest.raises(IssuenoteError, match="unknown case"):
        dispatch.main(["--debug", "note", "7", "x"])


FROZEN_NOW = "2026-11-25T12:00:00Z"

READ_FORMS = [
    ["show", "1"],
    ["show"],
    ["show", "last", "--json"],
    ["show", "1", "--full", "--history"],
    ["show", "--reveal", "1", "--no-pager"],
    ["show", "2"],
    ["show", "9"],
    ["show", "nope"],
    ["--debug", "show", "1"],
    ["--home", " ", "show", "1"],
    ["--home", "{tmp}/nowhere", "show", "1"],
    [],
    ["--home", "{tmp}/nowhere"],
    ["--debug"],
    ["search", "Kevin"],
    ["search", "TK-884", "--json"],
    ["search", "客服"],
    ["search", "상담원이"],
    ["search", "version", "--kind", "note", "--kind", "reply"],
    ["search", "wait", "--case", "1", "--platform", "OKX", "--since", "2026-11-01"],
    ["search", "wait", "--rank", "--limit", "1"],
    ["search", "wait OR refund", "--fts"],
    ["search", "wait", "--limit", "0"],
    ["search", "wait", "--kind", "pigeon"],
    ["search", "wait", "--case", "9"],
    ["search", "nothing-like-this"],
    ["search", " "],
    ["search", "\x1b[31m"],
    ["--home", "{tmp}/nowhere", "search", "wait"],
    ["--home", "{tmp}/nowhere", "search", "wait", "--limit", "0"],
    ["export", "1"],
    ["export", "2"],
    ["export", "1", "--lang", "zh"],
    ["export", "1", "--lang=ko", "--max-chars", "300"],
    ["export", "1", "--max-bytes", "400"],
    ["export", "1", "--max-chars", "0"],
    ["export", "last", "-f", "markdown"],
    ["export", "1", "--format", "json", "--include-private", "--no-redact"],
    ["export", "1", "-f", "html", "--lang", "zh"],
    ["export", "1", "--format=text", "--no-suspicious"],
    ["export", "1", "-f", "email", "--to", "support@okx.com", "--lang", "ko"],
    ["export", "1", "-f", "pdf"],
    ["export", "1", "--lang", "fr"],
    ["export", "9"],
    ["export", "1", "-f", "markdown", "-o", "{tmp}/case.md"],
    ["export", "1", "-o", "{tmp}/case.txt", "--include-private"],
    ["export", "1", "-f", "html", "-o", "{tmp}/case.html", "--force"],
    ["export", "1", "-o", "{tmp}/missing/dir/case.txt"],
    ["--home", "{tmp}/nowhere", "export", "1"],
]


@pytest.fixture
def recorded(
    notebook_home: Path, cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two cases with what `show` and `export` draw on, then the clock stopped."""
    monkeypatch.setenv("ISSUENOTE_KEY", "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE")
    commands = [
        [
            "new",
            "USDT withdrawal stuck",
            "--platform",
            "OKX",
            "--category",
            "withdrawal",
            "--account",
            "alice.chen@gmail.com",
            "--occurred",
            "2026-11-20 09:00",
            "--lang",
            "en",
        ],
        [
            "reply",
            "1",
            "Please wait 24 hours, the chain is congested.",
            "--agent",
            "Kevin",
            "--agent-id",
            "CS-4471",
            "--ticket",
            "TK-884",
            "--at",
            "2026-11-20 10:00",
        ],
        [
            "note",
            "1",
            "客服说要等24小时 / 상담원이 24시간 기다리라고 했어요",
            "--at",
            "2026-11-21 08:00",
        ],
        [
            "note",
            "1",
            "Telegram @okx_support_help asked for my seed phrase",
            "--at",
            "2026-11-21 09:00",
        ],
        ["note", "1", "kept apart", "--private", "--at", "2026-11-21 10:00"],
        [
            "note",
            "1",
            "\x1b[31mred\x1b[0m and \u202eevil " + "long " * 300,
            "--at",
            "2026-11-21 11:00",
        ],
        [
            "tx",
            "1",
            "0x" + "ab" * 32,
            "--chain",
            "ethereum",
            "--asset",
            "USDT",
            "--amount",
            "1250.00",
            "--kind",
            "withdrawal",
        ],
        ["step", "1", "Email support with the TxID", "--due", "2026-11-24 09:00"],
        [
            "contact",
            "1",
            "Asked about the refund",
            "--channel",
            "social",
            "--via",
            "t.me/okx_support_help",
            "--at",
            "2026-11-22 09:00",
        ],
        ["new", "账户被冻结", "--platform", "Binance", "--lang", "zh"],
    ]
    for argv in commands:
        done = cli(*argv)
        assert done.exit_code == 0, (argv, done.stderr)
    amended = json.loads(cli("note", "1", "a first version", "--json").stdout)["number"]
    assert cli("amend", "1", str(amended), "--text", "the corrected version").exit_code == 0
    deleted = json.loads(cli("note", "1", "recorded by mistake", "--json").stdout)["number"]
    assert cli("rm", "1", str(deleted), "--yes").exit_code == 0
    from datetime import datetime

    from issuenote.parse import timeparse

    frozen = datetime.fromisoformat(FROZEN_NOW)
    monkeypatch.setattr(timeparse, "utc_now", lambda: frozen)


@pytest.mark.parametrize("form", READ_FORMS, ids=lambda argv: " ".join(argv)[:50])
def test_reading_commands_print_and_write_the_same_both_ways(
    form: list[str],
    recorded: None,
    tmp_path: Path,
    cli: Callable[..., Result],
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = [arg.replace("{tmp}", str(tmp_path)) for arg in form]
    assert parse(argv) is not None
    written = [Path(arg) for arg in argv if arg.startswith(str(tmp_path) + "/case.")]

    by_typer = cli(*argv)
    typer_files = [_taken(path) for path in written]
    capsys.readouterr()
    code = dispatch.main(argv)
    printed = capsys.readouterr()

    assert (code, printed.out, printed.err) == (
        by_typer.exit_code,
        by_typer.stdout,
        by_typer.stderr,
    )
    assert [_taken(path) for path in written] == typer_files


def _taken(path: Path) -> tuple[bytes, int] | None:
    """A written file's bytes and mode, removed so that the other path writes it afresh."""
    if not path.exists():
        return None
    taken = path.read_bytes(), path.stat().st_mode & 0o777
    path.unlink()
    return taken


def test_an_eml_export_is_the_same_but_for_its_date_and_id(
    recorded: None, tmp_path: Path, cli: Callable[..., Result], capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "case.eml"
    argv = ["export", "1", "-f", "email", "-o", str(path), "--lang", "zh"]
    by_typer = cli(*argv)
    typer_file = _taken(path)
    capsys.readouterr()
    assert dispatch.main(argv) == by_typer.exit_code == 0
    assert capsys.readouterr().out == by_typer.stdout
    quick_file = _taken(path)
    assert typer_file is not None and quick_file is not None

    def steady(message: bytes) -> list[bytes]:
        varying = (b"Date:", b"Message-ID:")
        return [line for line in message.splitlines() if not line.startswith(varying)]

    assert steady(quick_file[0]) == steady(typer_file[0])
    assert quick_file[1] == typer_file[1]


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
            "select kind, case_id, private, flags, warnings, channel, via, agent, agent_id,"
            " ticket, suggests, promised_by,"
            " case when private then text is not null else text end from entries order by id"
        ).fetchall()
    finally:
        store.close()
    return [tuple(row) for row in rows]


EXECUTABLE = Path(sys.executable).parent / "issuenote"


@pytest.mark.skipif(not EXECUTABLE.exists(), reason="issuenote is not installed here")
@pytest.mark.parametrize(
    ("argv", "starts"),
    [
        (["note", "1", "from the fast path"], "Added note 1 to case 1.\n"),
        (["note", "1", "x"], "Added note 1 to case 1.\n"),
        (["show", "1"], "Case 1  Stuck\n"),
        (["reply", "1", "Checking", "-a", "Kevin"], "Logged reply 1 from Kevin on case 1.\n"),
        (["search", "Stuck"], "case 1  case  "),
        (["export", "1"], "Hello, here is a summary of my case.\nStuck\n"),
        (["export", "1", "-f", "email", "--lang", "zh"], "Subject: "),
        (["export", "1", "-f", "html", "--lang", "ko"], "<!DOCTYPE html>"),
    ],
    ids=lambda value: " ".join(value)[:30] if isinstance(value, list) else "",
)
def test_the_installed_fast_path_never_imports_typer(
    argv: list[str], starts: str, notebook_home: Path
) -> None:
    """The point of this path: checked in a real process, as the console script runs it."""
    env = os.environ.copy()
    subprocess.run([str(EXECUTABLE), "new", "Stuck"], env=env, check=True, capture_output=True)
    probe = (
        "import sys\n"
        f"sys.argv = ['issuenote', *{argv!r}]\n"
        "from issuenote.launch import main\n"
        "try:\n    main()\nexcept SystemExit as done:\n    code = done.code\n"
        "heavy = ('typer', 'click', 'rich', 'sqlite_utils', 'dataclasses', 'inspect', 'uuid')\n"
        "heavy = sorted(name for name in heavy if name in sys.modules)\n"
        "print(code, heavy, file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.stdout.startswith(starts), done.stdout[:200]
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
