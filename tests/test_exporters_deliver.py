"""Delivery: atomic file output that never clobbers, and the clipboard."""

from __future__ import annotations

import base64
import io
import os
import stat
import sys
import types
from pathlib import Path
from typing import Any

import pytest

from issuenote.errors import IssuenoteError
from issuenote.exporters import deliver
from issuenote.exporters.deliver import copy_to_clipboard, osc52_sequence, write_output


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


# -- write_output -------------------------------------------------------------------


def test_writes_text_as_utf8_and_bytes_as_is(tmp_path: Path) -> None:
    write_output(tmp_path / "case.md", "工单 TK-1\n", force=False)
    assert (tmp_path / "case.md").read_bytes() == "工单 TK-1\n".encode()
    write_output(tmp_path / "case.eml", b"Subject: x\r\n\r\nbody\r\n", force=False)
    assert (tmp_path / "case.eml").read_bytes() == b"Subject: x\r\n\r\nbody\r\n"
    assert leftovers(tmp_path) == []


def test_accepts_str_paths_and_expands_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    write_output("~/out.txt", "x", force=False)
    assert (tmp_path / "out.txt").read_text() == "x"


def test_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    target = tmp_path / "case.md"
    target.write_text("keep me")
    with pytest.raises(IssuenoteError, match=r"already exists.*--force"):
        write_output(target, "new", force=False)
    assert target.read_text() == "keep me"
    assert leftovers(tmp_path) == []


def test_overwrites_with_force_and_keeps_the_mode(tmp_path: Path) -> None:
    target = tmp_path / "case.md"
    target.write_text("old")
    target.chmod(0o640)
    write_output(target, "new", force=True)
    assert target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_new_files_follow_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        write_output(tmp_path / "a.txt", "x", force=False)
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "a.txt").stat().st_mode) == 0o640


def test_force_through_a_symlink_writes_the_target(tmp_path: Path) -> None:
    real = tmp_path / "real.md"
    real.write_text("old")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    write_output(link, "new", force=True)
    assert link.is_symlink() and real.read_text() == "new"


def test_a_dangling_symlink_counts_as_existing(tmp_path: Path) -> None:
    link = tmp_path / "link.md"
    link.symlink_to(tmp_path / "missing.md")
    with pytest.raises(IssuenoteError, match="already exists"):
        write_output(link, "x", force=False)


@pytest.mark.parametrize("force", [False, True])
def test_directory_target_is_refused(tmp_path: Path, force: bool) -> None:
    with pytest.raises(IssuenoteError, match="is a directory"):
        write_output(tmp_path, "x", force=force)


def test_missing_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(IssuenoteError, match="does not exist"):
        write_output(tmp_path / "no" / "such" / "case.md", "x", force=False)
    assert list(tmp_path.iterdir()) == []


def test_unwritable_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("tempfile.mkstemp", refuse)  # deliver imports it when writing
    with pytest.raises(IssuenoteError, match=r"cannot write .*permission denied"):
        write_output(tmp_path / "case.md", "x", force=False)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("force", [False, True])
def test_failure_midway_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, force: bool
) -> None:
    def disk_full(descriptor: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(deliver.os, "fsync", disk_full)
    target = tmp_path / "case.md"
    if force:
        target.write_text("keep me")
    with pytest.raises(IssuenoteError, match="no space left on device"):
        write_output(target, "x" * 10_000, force=force)
    assert leftovers(tmp_path) == []
    assert (target.read_text() == "keep me") if force else not target.exists()


def test_interrupted_write_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*args: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(deliver.os, "chmod", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_output(tmp_path / "case.md", "x", force=False)
    assert list(tmp_path.iterdir()) == []


def test_a_file_appearing_meanwhile_is_not_clobbered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "case.md"
    real_link = os.link

    def racing_link(source: Any, destination: Any) -> None:
        Path(destination).write_text("someone else's")
        real_link(source, destination)

    monkeypatch.setattr(deliver.os, "link", racing_link)
    with pytest.raises(IssuenoteError, match="already exists"):
        write_output(target, "mine", force=False)
    assert target.read_text() == "someone else's"
    assert leftovers(tmp_path) == []


def test_file_systems_without_hard_links(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_links(source: Any, destination: Any) -> None:
        raise OSError(1, "Operation not permitted")

    monkeypatch.setattr(deliver.os, "link", no_links)
    write_output(tmp_path / "case.md", "x", force=False)
    assert (tmp_path / "case.md").read_text() == "x"
    assert leftovers(tmp_path) == []


# -- clipboard ----------------------------------------------------------------------


def fake_pyperclip(
    monkeypatch: pytest.MonkeyPatch, name: str, *, store: bool = True
) -> dict[str, str]:
    board: dict[str, str] = {}

    def copy(text: str) -> None:
        if store:
            board["text"] = text

    def paste() -> str:
        return board.get("text", "")

    copy.__name__ = name
    module = types.ModuleType("pyperclip")
    module.determine_clipboard = lambda: (copy, paste)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "pyperclip", module)
    return board


def test_clipboard_via_a_system_tool(monkeypatch: pytest.MonkeyPatch) -> None:
    board = fake_pyperclip(monkeypatch, "copy_xclip")
    assert copy_to_clipboard("工单 TK-1\n") == "clipboard via xclip"
    assert board["text"] == "工单 TK-1\n"


@pytest.mark.parametrize(
    ("function", "tool"),
    [
        ("copy_osx_pbcopy", "pbcopy"),
        ("copy_wl", "wl-copy"),
        ("copy_windows", "the Windows clipboard"),
    ],
)
def test_clipboard_names_the_tool(
    monkeypatch: pytest.MonkeyPatch, function: str, tool: str
) -> None:
    fake_pyperclip(monkeypatch, function)
    assert copy_to_clipboard("x") == f"clipboard via {tool}"


class FakeTerminal(io.BytesIO):
    def close(self) -> None:  # keep the bytes readable after the code closes it
        pass


@pytest.mark.parametrize("name", ["ClipboardUnavailable", "copy_xclip_silently_failing"])
def test_falls_back_to_osc52(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    fake_pyperclip(monkeypatch, "copy_xclip" if "silently" in name else name, store=False)
    terminal = FakeTerminal()
    monkeypatch.setattr(deliver, "_open_terminal", lambda: (terminal, "/dev/tty"))
    monkeypatch.delenv("TMUX", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.delenv("STY", raising=False)
    assert copy_to_clipboard("hello 안녕") == "OSC 52 terminal sequence"
    assert terminal.getvalue() == b"\x1b]52;c;" + base64.b64encode("hello 안녕".encode()) + b"\x07"


def test_without_pyperclip_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pyperclip", None)  # import fails
    terminal = FakeTerminal()
    monkeypatch.setattr(deliver, "_open_terminal", lambda: (terminal, "stderr"))
    assert copy_to_clipboard("x") == "OSC 52 terminal sequence"
    assert terminal.getvalue()


def test_no_clipboard_and_no_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_pyperclip(monkeypatch, "ClipboardUnavailable")
    monkeypatch.setattr(deliver, "_open_terminal", lambda: None)
    with pytest.raises(IssuenoteError, match="no clipboard available"):
        copy_to_clipboard("x")


def test_osc52_variants() -> None:
    text = "TK-88412907 提币"
    payload = base64.b64encode(text.encode())
    assert osc52_sequence(text, {}) == b"\x1b]52;c;" + payload + b"\x07"
    tmux = osc52_sequence(text, {"TMUX": "/tmp/tmux-0/default,1,0"})
    assert tmux.startswith(b"\x1b]52;c;" + payload + b"\x07\x1bPtmux;\x1b\x1b]52;c;")
    screen = osc52_sequence("x" * 300, {"TERM": "screen.xterm-256color"})
    chunks = screen.split(b"\x1b\\")
    assert all(chunk.startswith(b"\x1bP") for chunk in chunks if chunk)
    assert b"".join(chunk[2:] for chunk in chunks if chunk).startswith(b"\x1b]52;c;")


def test_osc52_refuses_what_terminals_would_cut() -> None:
    with pytest.raises(IssuenoteError, match="too long for the terminal clipboard"):
        osc52_sequence("x" * 200_000, {})
