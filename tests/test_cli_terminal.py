"""At the terminal: editor drafts that survive, the paste hint, the pager, honest output."""

from __future__ import annotations

import os
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
