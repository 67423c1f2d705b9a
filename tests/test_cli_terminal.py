"""At the terminal: editor drafts that survive, the paste hint, the pager, honest output."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

EXECUTABLE = Path(sys.executable).parent / "issuenote"
needs_executable = pytest.mark.skipif(
    not EXECUTABLE.exists(), reason="issuenote is not installed next to Python"
)


def fake_editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, script: str) -> None:
    editor = tmp_path / "fake-editor"
    editor.write_text("#!/bin/sh\n" + script)
    editor.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(editor))


def test_a_failing_editor_keeps_the_draft_for_resume(
    cli, cli_json, case: str, tmp_path: Path, monkeypatch, snapshot, notebook_home: Path
) -> None:
    fake_editor(tmp_path, monkeypatch, "printf 'Long answer from Kevin\\n' > \"$1\"\nexit 3\n")
    before = snapshot()
    result = cli("note", case, "-e")
    assert result.exit_code == 1
    assert result.stderr.startswith("issuenote: the editor failed")
    assert f"your draft is kept: `issuenote note {case} -e --resume` reopens it" in result.stderr
    assert result.stderr.count("\n") == 1
    assert snapshot() == before
    draft = notebook_home / "drafts" / f"note-{case}.txt"
    assert draft.read_text().startswith("Long answer from Kevin")
    assert draft.stat().st_mode & 0o077 == 0

    fake_editor(tmp_path, monkeypatch, "exit 0\n")  # the user just saves and quits
    entry = cli_json("note", case, "-e", "--resume")
    assert entry["text"] == "Long answer from Kevin"
    assert not draft.exists()


def test_ctrl_c_in_the_editor_keeps_the_draft(
    cli, case: str, tmp_path: Path, monkeypatch, snapshot, notebook_home: Path
) -> None:
    # A Ctrl-C at the terminal reaches issuenote too, while it waits for the editor.
    fake_editor(
        tmp_path, monkeypatch, "printf 'half a reply\\n' > \"$1\"\nkill -INT $PPID\nsleep 1\n"
    )
    before = snapshot()
    result = cli("reply", case, "-e", "--agent", "Kevin")
    assert result.exit_code == 1
    assert result.stderr.startswith("issuenote: interrupted; your draft is kept")
    assert f"issuenote reply {case} -e --resume" in result.stderr
    assert snapshot() == before
    assert (notebook_home / "drafts" / f"reply-{case}.txt").read_text().startswith("half a reply")


def test_a_refused_text_keeps_the_draft(
    cli, case: str, tmp_path: Path, monkeypatch, snapshot, notebook_home: Path
) -> None:
    fake_editor(tmp_path, monkeypatch, "printf 'my password: hunter2hunter2\\n' > \"$1\"\n")
    before = snapshot()
    result = cli("note", case, "-e")
    assert result.exit_code == 1
    assert "refused" in result.stderr
    assert f"your text is kept: `issuenote note {case} -e --resume` reopens it" in result.stderr
    assert snapshot() == before
    assert (notebook_home / "drafts" / f"note-{case}.txt").exists()


def test_resume_without_a_draft_or_without_edit(cli, case: str, snapshot) -> None:
    before = snapshot()
    missing = cli("note", case, "-e", "--resume")
    assert missing.exit_code == 1
    assert "no kept draft at" in missing.stderr
    alone = cli("note", case, "--resume")
    assert alone.exit_code == 1
    assert "add -e" in alone.stderr
    assert snapshot() == before


def test_piped_text_gets_no_paste_hint(cli, cli_json, case: str) -> None:
    result = cli("note", case, "-", input="from a pipe\n")
    assert result.exit_code == 0
    assert "Paste" not in result.stderr


@needs_executable
def test_paste_hint_on_a_terminal(case: str, notebook_home: Path) -> None:
    pexpect = pytest.importorskip("pexpect")
    child = pexpect.spawn(
        str(EXECUTABLE), ["note", case, "-", "--json"], env=dict(os.environ), encoding="utf-8"
    )
    child.expect("Paste the text, then press Ctrl-D", timeout=20)
    child.send("pasted from a chat window\n")
    child.sendeof()
    child.expect(pexpect.EOF, timeout=20)
    child.close()
    assert child.exitstatus == 0
    assert '"text": "pasted from a chat window"' in child.before


# -- show: whole lines, and the pager on a terminal only -----------------------------

TXID = "7c2d4e1f9a8b3c6d5e4f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d"


@pytest.fixture
def long_case(cli, case: str) -> str:
    cli("tx", case, TXID, "--asset", "USDT", "--amount", "1250", "--kind", "withdrawal")
    cli("reply", case, "Write to support-team-escalations@okx.com", "--ticket", "TK-88412907-XYZ")
    cli("note", case, "See https://www.okx.com/help/why-is-my-withdrawal-delayed-and-what-to-do")
    for number in range(40):
        cli("note", case, f"Waited and checked again ({number})")
    return case


@pytest.mark.parametrize("columns", ["20", "40", "80"])
def test_show_never_splits_or_pads_what_people_copy(
    cli, long_case: str, monkeypatch, columns: str
) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    out = cli("show", long_case).stdout
    lines = out.splitlines()
    for whole in (
        TXID,
        f"https://tronscan.org/#/transaction/{TXID}",
        "support-team-escalations@okx.com",
        "TK-88412907-XYZ",
        "https://www.okx.com/help/why-is-my-withdrawal-delayed-and-what-to-do",
    ):
        assert any(whole in line for line in lines), whole
    assert [line for line in lines if line != line.rstrip()] == []
    assert any(line.strip() == TXID for line in lines)  # the hash on a line of its own


def test_choose_pager_order() -> None:
    from issuenote.render import choose_pager

    env = {"PAGER": "more", "ISSUENOTE_PAGER": "most"}
    assert choose_pager(env, "lv", disabled=False) == "most"
    assert choose_pager({"PAGER": "more"}, "lv", disabled=False) == "lv"
    assert choose_pager({"PAGER": "more"}, None, disabled=False) == "more"
    assert choose_pager({}, None, disabled=False) == "less"
    assert choose_pager(env, None, disabled=True) is None
    for off in ("", "never", "cat", " "):
        assert choose_pager({"ISSUENOTE_PAGER": off}, None, disabled=False) is None


def test_piped_show_never_pages(cli, long_case: str, tmp_path: Path, monkeypatch) -> None:
    marker = tmp_path / "paged"
    monkeypatch.setenv("PAGER", f"sh -c 'touch {marker}; cat'")
    out = cli("show", long_case).stdout
    assert out.startswith("Case 1")
    assert not marker.exists()


def spawn_show(args: list[str], env: dict[str, str], rows: int = 20) -> tuple[str, int]:
    pexpect = pytest.importorskip("pexpect")
    child = pexpect.spawn(
        str(EXECUTABLE),
        ["show", *args],
        env=env,
        encoding="utf-8",
        dimensions=(rows, 100),
    )
    child.expect(pexpect.EOF, timeout=30)
    child.close()
    return re.sub(r"\x1b\[[0-9;]*m", "", child.before), child.exitstatus


@needs_executable
def test_a_long_show_on_a_terminal_goes_through_the_pager_header_first(long_case: str) -> None:
    env = {**os.environ, "PAGER": "sh -c 'echo PAGER-START; cat'"}
    env.pop("COLUMNS", None)
    out, status = spawn_show([long_case], env)
    assert status == 0
    assert out.lstrip().startswith("PAGER-START")
    assert out.index("PAGER-START") < out.index("Case 1")
    env["ISSUENOTE_PAGER"] = "sh -c 'echo OURS; cat'"
    out, _ = spawn_show([long_case], env)
    assert out.lstrip().startswith("OURS")
    out, _ = spawn_show([long_case, "--no-pager"], env)
    assert "OURS" not in out and out.lstrip().startswith("Case 1")


@needs_executable
def test_a_short_show_on_a_terminal_is_not_paged(case: str) -> None:
    env = {**os.environ, "PAGER": "sh -c 'echo PAGER-START; cat'"}
    out, status = spawn_show([case], env, rows=60)
    assert status == 0
    assert "PAGER-START" not in out
    assert out.lstrip().startswith("Case 1")
