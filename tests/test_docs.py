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


# -- the generated command reference and every command's help ------------------------


def _docs_script():  # type: ignore[no-untyped-def]
    import importlib.util
    import sys

    path = README.parent / "scripts" / "make_command_docs.py"
    spec = importlib.util.spec_from_file_location("make_command_docs", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_docs_commands_md_is_generated_from_the_cli() -> None:
    script = _docs_script()
    current = script.TARGET.read_text(encoding="utf-8")
    assert current == script.render(), (
        "docs/commands.md is stale: run python scripts/make_command_docs.py"
    )


def _every_command():  # type: ignore[no-untyped-def]
    import typer

    from issuenote.cli import app

    root = typer.main.get_command(app)
    # Help laid out at a fixed width, whatever COLUMNS the run has.
    width = {"terminal_width": 80, "max_content_width": 80}
    root_context = root.make_context("issuenote", [], resilient_parsing=True, **width)
    found = []

    def walk(command, path, parent):  # type: ignore[no-untyped-def]
        context = command.make_context(path[-1], [], parent=parent, resilient_parsing=True, **width)
        found.append((path, command, context))
        for name in getattr(command, "list_commands", lambda ctx: [])(context):
            walk(command.get_command(context, name), [*path, name], context)

    for name in root.list_commands(root_context):
        walk(root.get_command(root_context, name), ["issuenote", name], root_context)
    return root, found


def test_every_command_has_a_purpose_line_and_real_examples() -> None:
    _, commands = _every_command()
    assert len(commands) >= len(COMMAND_NAMES)
    checked = 0
    for path, command, context in commands:
        text = command.get_help(context)
        lines = [line.strip() for line in text.splitlines()]
        purpose = lines[2]
        assert purpose.endswith(".") and len(purpose) <= 80, (path, purpose)
        if hasattr(command, "list_commands"):
            continue  # a group: its subcommands carry the examples
        assert "Examples:" in lines, path
        examples = lines[lines.index("Examples:") + 1 :]
        examples = examples[: examples.index("")] if "" in examples else examples
        assert examples, path
        for example in examples:
            words = shlex.split(example, comments=True)
            words = words[words.index("issuenote") :] if "issuenote" in words else words
            assert words[: len(path)] == path, (path, example)
            # The example is valid usage: every option exists and takes what is given.
            command.make_context(path[-1], words[len(path) :], parent=context.parent)
            checked += 1
    assert checked >= 30


def test_usage_lines_have_no_template_braces() -> None:
    _, commands = _every_command()
    for _path, command, context in commands:
        usage = command.get_usage(context)
        assert "{" not in usage and "}" not in usage, usage
