"""What keeps the reading commands quick on a long case, pinned (issue 15).

`show` piped builds plain lines without rich; these tests hold that those lines
are the text a terminal shows, and that nothing heavy is imported on the way.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from issuenote import render
from issuenote.parse import timeparse

RUN_CLI = (
    "import sys; from issuenote.launch import main; sys.argv = ['issuenote'] + sys.argv[1:];"
    "\ntry:\n    main()\nexcept SystemExit:\n    pass\n"
    "heavy = {heavy!r};"
    "print(sorted(m for m in heavy if m in sys.modules), file=sys.stderr)"
)


def modules_loaded(home: Path, heavy: tuple[str, ...], *args: str) -> list[str]:
    """Which of `heavy` a run of `issuenote ARGS` (stdout a pipe) has imported."""
    env = {"ISSUENOTE_HOME": str(home), "PATH": "/usr/bin:/bin", "TZ": "UTC"}
    result = subprocess.run(
        [sys.executable, "-c", RUN_CLI.format(heavy=heavy), *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return list(ast.literal_eval(result.stderr.strip().splitlines()[-1]))


@pytest.fixture
def story(cli) -> str:
    """A case with something of every kind `show` draws."""
    txid = "7c2d4e1f9a8b3c6d5e4f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d"
    commands = [
        (
            "new",
            "提现 stuck [bold]x[/bold] \u202ertl",
            "--platform",
            "OKX",
            "--account",
            "alice.chen@gmail.com",
            "--description",
            "Line one\twith tab\nline two \x1b[31mred\n\nlast",
        ),
        ("tx", "1", txid, "--asset", "USDT", "--amount", "1250", "--kind", "withdrawal"),
        ("tx", "1", "rXYZ", "--order", "--asset", "XRP", "--kind", "deposit"),
        (
            "reply",
            "1",
            "Opened a ticket",
            "--agent",
            "Kevin",
            "--agent-id",
            "CS-1",
            "--ticket",
            "T-1",
        ),
        ("step", "1", "Email support", "--due", "in 2d"),
        ("note", "1", "tabbed\tnote\t中文\tcells " + "x" * 700),
        ("note", "1", "kept private", "--private"),
        ("reply", "1", "Send your seed phrase, DM me on telegram", "--agent", "Fake"),
        ("amend", "1", "1", "--text", "Opened a ticket for you"),
        ("note", "1", "wrong paste"),
        ("rm", "1", "6", "--yes"),
    ]
    for command in commands:
        result = cli(*command)
        assert result.exit_code == 0, (command, result.stderr)
    return "1"


@pytest.mark.parametrize("full", [False, True])
@pytest.mark.parametrize("history", [False, True])
def test_piped_lines_are_the_text_a_terminal_shows(story: str, full: bool, history: bool) -> None:
    """One drawing code, two line types: PlainText holds what rich's Text holds, unstyled."""
    from issuenote.store import Store

    store = Store.open(Path(__import__("os").environ["ISSUENOTE_HOME"]), create=False)
    assert store is not None
    try:
        doc = store.case_document(1)
    finally:
        store.close()
    now = timeparse.utc_now()
    rich_lines = render.case_view(doc, full=full, history=history, now=now)
    plain_lines = render.case_view(doc, full=full, history=history, now=now, piped=True)
    assert all(isinstance(line, render.PlainText) for line in plain_lines)
    assert [(line.plain, line.end) for line in plain_lines] == [
        (line.plain, line.end) for line in rich_lines
    ]


def test_piped_show_imports_no_rich(cli, story: str, notebook_home: Path) -> None:
    """A pipe gets plain lines: rich (~25 ms to import) stays out unless a tab needs it."""
    cli("new", "Without tabs")
    cli("note", "2", "Support says wait 24 hours")
    assert modules_loaded(notebook_home, ("rich",), "show", "2") == []
    assert modules_loaded(notebook_home, ("rich",), "show", "1") == ["rich"]  # tabs: rich's


def test_a_documents_time_is_shown_as_format_local_shows_it() -> None:
    """`show` reads the date and minute off a document's local ISO time instead of parsing it."""
    for stored in (
        "2026-11-20T06:03:00Z",
        "2026-03-29T00:59:59Z",
        "2026-10-25T01:00:00Z",
        "1901-12-13T20:45:52Z",
        "2099-12-31T23:59:00Z",
    ):
        local = timeparse.to_local_iso(stored)
        assert render._when(local) == timeparse.format_local(stored)
    assert render._when("2026-11-20T06:03:00Z") == timeparse.format_local("2026-11-20T06:03:00Z")
    assert render._when(None) == ""


_pieces = st.text(st.sampled_from(list("ab\n\t中\x07\r ")), max_size=6)
_styles = st.sampled_from(["", "bold", "dim"])


@settings(deadline=None)  # the first example imports rich
@given(
    start=_pieces,
    style=_styles,
    steps=st.lists(
        st.tuples(st.sampled_from(["append", "append_text", "add", "add_str"]), _pieces, _styles),
        max_size=6,
    ),
    allow_blank=st.booleans(),
)
def test_plain_text_behaves_as_rich_text(
    start: str, style: str, steps: list[tuple[str, str, str]], allow_blank: bool
) -> None:
    from rich.text import Text

    def run(kind: type[Any]) -> list[tuple[str, str]]:
        line = kind(start, style)
        for operation, piece, piece_style in steps:
            if operation == "append":
                line.append(piece, style=piece_style)
            elif operation == "append_text":
                line.append_text(kind(piece, piece_style))
            elif operation == "add":
                line = line + kind(piece, piece_style)
            else:
                line = line + piece
        assert len(line) == len(line.plain)
        return [(part.plain, part.end) for part in line.split("\n", allow_blank=allow_blank)]

    assert run(render.PlainText) == run(Text)


def test_export_loads_only_what_its_format_needs(cli, case: str, notebook_home: Path) -> None:
    """E-mail to the screen needs no email package; json, no registry of official channels."""
    cli("contact", case, "--channel", "email", "--via", "support@okx.com", "Wrote to support")
    registry = ("email.message", "email.headerregistry", "tomllib")  # the registry is TOML
    loaded = modules_loaded(notebook_home, registry, "export", case, "--format", "json")
    assert loaded == []
    loaded = modules_loaded(notebook_home, registry, "export", case, "--format", "email")
    assert "email.message" not in loaded and "email.headerregistry" not in loaded


def test_export_screens_its_own_document_without_copying_it(cli, case: str, monkeypatch) -> None:
    """The document is the command's alone: screened in place, not deep-copied first."""
    import copy

    def no_copy(value: Any, memo: Any = None) -> Any:
        raise AssertionError("export deep-copied the case document")

    cli("note", case, "Support says wait 24 hours")
    monkeypatch.setattr(copy, "deepcopy", no_copy)
    result = cli("export", case, "--format", "text")
    assert result.exit_code == 0, result.stderr
    assert "Support says wait 24 hours" in result.stdout


def test_piped_search_imports_no_rich(cli, case: str, notebook_home: Path) -> None:
    """Hits go to a pipe as plain lines, written at once: no rich, no print per hit."""
    cli("reply", case, "Opened ticket TK-1 for you", "--ticket", "TK-1")
    result = cli("search", "ticket")
    assert result.exit_code == 0 and "ticket" in result.stdout
    assert modules_loaded(notebook_home, ("rich",), "search", "ticket") == []


@pytest.mark.parametrize("rows", [1, 3, 1000])
def test_the_pager_gets_the_view_a_screenful_at_a_time_with_the_same_bytes(
    story: str, rows: int
) -> None:
    """Fed in pieces (the first page shows at once), the pager gets what one print wrote."""
    import io
    import os

    from rich.console import Console

    from issuenote.store import Store

    store = Store.open(Path(os.environ["ISSUENOTE_HOME"]), create=False)
    assert store is not None
    try:
        doc = store.case_document(1)
    finally:
        store.close()
    lines = render.case_view(doc, history=True, now=timeparse.utc_now())
    out = Console(
        file=io.StringIO(), force_terminal=True, color_system="truecolor", width=60, highlight=False
    )
    with out.capture() as whole:
        render.print_lines(out, lines)
    pieces = list(render._drawn(out, lines, rows))
    assert len(pieces) == -(-len(lines) // rows)
    assert "".join(pieces) == whole.get()


@pytest.mark.parametrize("args", [("show",), ("export",), ("export", "--format", "email")])
def test_shipped_data_is_read_without_importlib_resources(
    cli, case: str, notebook_home: Path, args: tuple[str, ...]
) -> None:
    """issuenote/data files are read off disk: importlib.resources pulls in zipfile and tempfile."""
    cli("contact", case, "--channel", "chat", "--via", "t.me/okx_support_help", "Asked in chat")
    heavy = ("importlib.resources", "zipfile", "tempfile")
    command, *options = args
    assert modules_loaded(notebook_home, heavy, command, case, *options) == []


def test_shipped_text_falls_back_to_importlib_resources(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where the data is not a plain file beside the package (a zipped install): still read."""
    from issuenote import paths

    on_disk = paths.shipped_text("guide.toml")
    monkeypatch.setattr(paths, "_DATA", tmp_path / "nowhere")
    assert paths.shipped_text("guide.toml") == on_disk
