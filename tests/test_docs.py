"""The README's walkthrough runs as written, and every command is documented."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from issuenote.commands import COMMAND_NAMES

README = Path(__file__).resolve().parent.parent / "README.md"


def walkthrough_commands() -> list[list[str]]:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Walkthrough", 1)[1].split("\n## ", 1)[0]
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", section, flags=re.S):
        for line in block.replace("\\\n", " ").splitlines():
            words = shlex.split(line, comments=True)
            # Pipes, $EDITOR and the clipboard need a person at a terminal.
            interactive = "|" in line or "-e" in words or "--copy" in words
            if words[:1] == ["issuenote"] and not interactive:
                commands.append(words[1:])
    return commands


def test_walkthrough_runs(cli, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # exports write case.eml and case.html here
    commands = walkthrough_commands()
    assert len(commands) >= 12
    for args in commands:
        result = cli(*args)
        assert result.exit_code == 0, (args, result.stderr)
    out = cli("show", "1").stdout
    assert "TK-88412907" in out and "Mina Park (CS-2093)" in out
    assert (tmp_path / "case.eml").exists() and (tmp_path / "case.html").exists()


def test_every_command_is_in_the_reference_and_has_help(cli) -> None:
    text = README.read_text(encoding="utf-8")
    reference = text.split("## Command reference", 1)[1]
    for name in COMMAND_NAMES:
        assert re.search(rf"^  {name}\b", reference, flags=re.M), name
        result = cli(name, "--help")
        assert result.exit_code == 0
        assert len(result.stdout.splitlines()) > 3


def test_readme_names_the_setup_commands() -> None:
    text = README.read_text(encoding="utf-8")
    assert "issuenote demo" in text
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    test_command = ci.strip().splitlines()[-1]
    assert test_command in text
