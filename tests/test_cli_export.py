"""`issuenote export` through the CLI, on the running example recorded by `demo`."""

from __future__ import annotations

import email
import email.policy
import json
import sqlite3
from pathlib import Path

import pytest

from issuenote.demo import demo_commands
from issuenote.exporters import FORMATS, LANGS
from issuenote.parse import timeparse


@pytest.fixture
def running_example(cli) -> str:
    for args in demo_commands(timeparse.utc_now()):
        result = cli(*args)
        assert result.exit_code == 0, (args, result.stderr)
    return "1"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_and_language(cli, running_example, fmt: str, lang: str) -> None:
    result = cli("export", running_example, "--format", fmt, "--lang", lang)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    for fact in ("TK-88412907", "CS-4471", "CS-2093", "Kevin", "Mina Park", "W20"):
        assert fact in out, (fmt, lang, fact)
    assert "alice.chen@gmail.com" not in out
    masked = r"a\*\*\*n@gmail.com" if fmt == "markdown" else "a***n@gmail.com"
    assert masked in out
    assert "\x1b" not in out


def test_chat_keeps_its_limit(cli, running_example) -> None:
    for limit in ("1000", "500"):
        out = cli("export", running_example, "--max-chars", limit).stdout
        assert len(out.rstrip("\n")) <= int(limit)
        assert "TK-88412907" in out


def test_max_chars_too_small_names_the_minimum(cli, running_example) -> None:
    result = cli("export", running_example, "--max-chars", "50")
    assert result.exit_code == 1
    assert "at least" in result.stderr
    assert result.stdout == ""


def test_output_file_and_force(cli, running_example, tmp_path: Path) -> None:
    target = tmp_path / "case.md"
    result = cli("export", running_example, "-f", "markdown", "-o", str(target))
    assert result.exit_code == 0
    first = target.read_text(encoding="utf-8")
    assert "| " in first
    again = cli("export", running_example, "-f", "text", "-o", str(target))
    assert again.exit_code == 1
    assert "--force" in again.stderr
    assert target.read_text(encoding="utf-8") == first
    forced = cli("export", running_example, "-f", "text", "-o", str(target), "--force")
    assert forced.exit_code == 0
    assert target.read_text(encoding="utf-8") != first


def test_eml_is_a_real_message(cli, running_example, tmp_path: Path) -> None:
    target = tmp_path / "case.eml"
    assert (
        cli("export", running_example, "-f", "email", "--lang", "zh", "-o", str(target)).exit_code
        == 0
    )
    message = email.message_from_bytes(target.read_bytes(), policy=email.policy.default)
    assert "TK-88412907" in message["Subject"]
    assert message.get_content_charset() == "utf-8"
    assert "TK-88412907" in message.get_content()


def test_unwritable_output_writes_nothing(cli, running_example, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = cli("export", running_example, "-o", str(blocker / "out.txt"))
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("export", "1", "--format", "pdf"), "unknown export format 'pdf'"),
        (("export", "1", "--lang", "fr"), "unknown language 'fr'"),
        (("export", "9"), "unknown case '9'"),
        (("export",), "give a CASE"),
        (("export", "--all"), "--format json"),
    ],
)
def test_bad_export_requests(cli, running_example, args, message) -> None:
    result = cli(*args)
    assert result.exit_code == 1
    assert message in result.stderr
    assert result.stdout == ""


def test_no_redact_warns_and_shows_the_account(cli, running_example) -> None:
    result = cli("export", running_example, "--no-redact")
    assert result.exit_code == 0
    assert "alice.chen@gmail.com" in result.stdout
    assert "--no-redact" in result.stderr


def test_private_entries_stay_out_unless_asked(cli, running_example) -> None:
    cli("note", running_example, "called my bank about card ending 1234", "--private")
    assert "called my bank" not in cli("export", running_example, "-f", "text").stdout
    shown = cli("export", running_example, "-f", "text", "--include-private").stdout
    assert "called my bank" in shown


def test_a_secret_that_got_in_is_masked_on_the_way_out(
    cli, running_example, notebook_home: Path
) -> None:
    seed = "abandon ability able about above absent absorb abstract absurd abuse access accident"
    conn = sqlite3.connect(notebook_home / "notebook.db")
    conn.execute("UPDATE entries SET text = ? WHERE id = 1", (f"old import: {seed}",))
    conn.commit()
    conn.close()
    result = cli("export", running_example, "-f", "text")
    assert result.exit_code == 0
    assert "absorb abstract" not in result.stdout
    assert "[redacted: seed phrase]" in result.stdout
    assert "masked" in result.stderr


def test_language_defaults(cli, running_example, notebook_home: Path) -> None:
    assert "Problem type" in cli("export", running_example).stdout  # the case says en
    cli("new", "second case")
    (notebook_home / "config.toml").write_text('language = "zh"\n', encoding="utf-8")
    assert "问题类型" in cli("export", "2").stdout
    (notebook_home / "config.toml").write_text('language = "xx"\n', encoding="utf-8")
    result = cli("export", "2")
    assert result.exit_code == 1 and "unknown language" in result.stderr


def test_whole_notebook_json(cli, running_example) -> None:
    cli("new", "second case", "--platform", "Binance")
    result = cli("export", "--all", "--format", "json")
    assert result.exit_code == 0
    notebook = json.loads(result.stdout)
    assert notebook["schema_version"] >= 1
    assert [c["title"] for c in notebook["cases"]][1] == "second case"
    assert notebook["cases"][0]["transactions"][0]["amount"] == "1250.00"


def test_copy_reports_how(cli, running_example, monkeypatch) -> None:
    from issuenote.exporters import deliver

    copied: list[str] = []
    monkeypatch.setattr(
        deliver, "copy_to_clipboard", lambda text: copied.append(text) or "clipboard via test"
    )
    result = cli("export", running_example, "--copy")
    assert result.exit_code == 0
    assert result.stdout == "Copied to the clipboard (clipboard via test).\n"
    assert "TK-88412907" in copied[0]


def test_copy_through_the_terminal_is_not_claimed_as_done(
    cli, running_example, monkeypatch
) -> None:
    from issuenote.exporters import deliver

    monkeypatch.setattr(deliver, "copy_to_clipboard", lambda text: "OSC 52 terminal sequence")
    result = cli("export", running_example, "--copy")
    assert result.exit_code == 0
    assert "Copied" not in result.stdout + result.stderr
    assert "terminals do not confirm: paste to check" in result.stderr
    assert result.stdout == cli("export", running_example).stdout  # printed as well


def test_copy_without_clipboard_or_terminal_prints_the_text(
    cli, running_example, monkeypatch
) -> None:
    from issuenote.exporters import deliver

    monkeypatch.setattr(deliver, "_system_clipboard", lambda text: None)
    monkeypatch.setattr(deliver, "_open_terminal", lambda: None)
    result = cli("export", running_example, "--copy")
    assert result.exit_code == 0
    assert result.stderr.startswith("issuenote: warning: not copied: no clipboard available")
    assert result.stderr.count("\n") == 1
    assert "TK-88412907" in result.stdout


def test_whole_notebook_file_is_private(cli, running_example, tmp_path: Path) -> None:
    import os
    import stat

    target = tmp_path / "notebook.json"
    assert cli("export", "--all", "--format", "json", "-o", str(target)).exit_code == 0
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600


def test_json_agents_merge_alike_with_private_entries_hidden(cli) -> None:
    cli("new", "x")
    cli("reply", "1", "first", "--agent", "Kevin", "--agent-id", "CS-4471", "--channel", "chat")
    cli("reply", "1", "later", "--agent", "kevin")
    cli("note", "1", "a private thought", "--private")
    shown = json.loads(cli("show", "1", "--json").stdout)["agents"]
    exported = json.loads(cli("export", "1", "-f", "json").stdout)["agents"]
    assert [a["agent_id"] for a in shown] == [a["agent_id"] for a in exported] == ["CS-4471"]
