"""Secrets are refused or masked on the way in; identifying fields are encrypted at rest."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

SEED = "abandon ability able about above absent absorb abstract absurd abuse access accident"


def raw_notebook_bytes(home: Path) -> bytes:
    """Everything SQLite has on disk for the notebook, WAL included."""
    return b"".join(
        path.read_bytes() for path in sorted(home.glob("notebook.db*")) if path.is_file()
    )


@pytest.mark.parametrize(
    ("args", "kind"),
    [
        (("note", "1", f"agent asked for my words: {SEED}"), "seed phrase"),
        (("note", "1", "my password: hunter2hunter2"), "password"),
        (("reply", "1", "please confirm your card 4111 1111 1111 1111"), "bank card number"),
        (("step", "1", "send GA code 123456 to the agent"), "verification code"),
        (("contact", "1", "--channel", "chat", f"I typed {SEED}"), "seed phrase"),
        (("edit", "1", "--description", f"seed {SEED}"), "seed phrase"),
        (("new", f"lost {SEED}"), "seed phrase"),
    ],
)
def test_secret_is_refused_and_nothing_written(cli, case, snapshot, args, kind) -> None:
    before = snapshot()
    result = cli(*args)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"issuenote: refused: this looks like a {kind}")
    assert "issuenote never stores secrets" in result.stderr
    assert result.stderr.count("\n") == 1
    assert "hunter2" not in result.stderr and "4111 1111 1111 1111" not in result.stderr
    assert snapshot() == before


def test_redact_stores_the_text_masked(cli_json, case, notebook_home: Path) -> None:
    entry = cli_json("note", case, f"agent asked for: {SEED}", "--redact")
    assert entry["text"] == "agent asked for: [redacted: seed phrase]"
    assert b"abandon ability" not in raw_notebook_bytes(notebook_home)


def test_look_alikes_are_not_refused(cli, case) -> None:
    tron = "7c2d4e1f9a8b3c6d5e4f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d"
    for text in (
        f"TxID {tron}",
        "ticket #2024112600123, agent 工号 10086, UID 123456789",
        "I reset my password yesterday and support asked for nothing else",
        "Amount 1,250.00 USDT on 2026-11-20 14:03",
    ):
        result = cli("note", case, text)
        assert result.exit_code == 0, (text, result.stderr)


def test_account_is_encrypted_at_rest(cli, cli_json, notebook_home: Path) -> None:
    result = cli("new", "x", "--account", "alice.chen@gmail.com")
    assert result.exit_code == 0
    assert b"alice.chen" not in raw_notebook_bytes(notebook_home)
    doc = json.loads(cli("show", "1", "--json").stdout)
    assert doc["account"] == "alice.chen@gmail.com"
    assert doc["unreadable"] == []


def test_private_entry_is_encrypted_and_marked(cli, cli_json, case, notebook_home: Path) -> None:
    entry = cli_json("note", case, "my home address is 12 Elm St", "--private")
    assert entry["private"] is True
    assert entry["text"] == "my home address is 12 Elm St"
    assert b"Elm St" not in raw_notebook_bytes(notebook_home)
    assert "[private]" in cli("show", case).stdout


def test_no_keyring_falls_back_to_a_key_file_and_warns_once(cli, notebook_home: Path) -> None:
    first = cli("new", "x", "--account", "UID 12345689")
    assert first.exit_code == 0
    assert "no usable OS keyring" in first.stderr
    key_file = notebook_home / "key"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    second = cli("new", "y", "--account", "UID 98765432")
    assert second.exit_code == 0
    assert second.stderr == ""


def test_missing_key_spoils_only_the_encrypted_fields(cli, notebook_home: Path) -> None:
    cli("new", "x", "--account", "UID 12345689")
    cli("note", "1", "plain note")
    (notebook_home / "key").rename(notebook_home / "key.moved")
    result = cli("show", "1", "--json")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["account"] is None
    assert doc["entries"][0]["text"] == "plain note"
    assert "key was not found" in doc["unreadable"][0]
    shown = cli("show", "1")
    assert shown.exit_code == 0
    assert "cannot decrypt" in shown.stdout
    # Writing new encrypted data must not make a second key.
    refused = cli("edit", "1", "--account", "UID 1")
    assert refused.exit_code == 1
    assert "key" in refused.stderr
    assert not (notebook_home / "key").exists()


def test_wrong_key_in_environment_is_a_clear_error(cli, notebook_home, monkeypatch) -> None:
    cli("new", "x", "--account", "UID 12345689")
    monkeypatch.setenv("ISSUENOTE_KEY", "A" * 43)
    doc = json.loads(cli("show", "1", "--json").stdout)
    assert doc["account"] is None
    assert "does not open" in doc["unreadable"][0]


# ---------------------------------------------------------------- private entries


def test_private_reply_seals_every_field_and_its_warning(cli, case, notebook_home: Path) -> None:
    result = cli(
        "reply", case, "they want a fee first", "--private",
        "--agent", "Vanessa Quill", "--agent-id", "QX-90417", "--ticket", "TKT-55501234",
        "--via", "okx-helpdesk-verify.example", "--suggests", "pay the unlock fee",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    raw = raw_notebook_bytes(notebook_home)
    for value in ("Vanessa Quill", "QX-90417", "TKT-55501234", "okx-helpdesk-verify", "unlock fee"):
        assert value.encode() not in raw, value
    shown = cli("show", case)
    assert shown.exit_code == 0, shown.stderr
    header = shown.stdout.split("\n\n")[0]
    assert "Vanessa" not in header and "QX-90417" not in header and "TKT-55501234" not in header
    document = json.loads(cli("show", case, "--json").stdout)
    assert document["tickets"] == [] and document["agents"] == []
    entry = document["entries"][-1]
    assert entry["private"] and entry["agent"] == "Vanessa Quill"
    assert entry["ticket"] == "TKT-55501234" and entry["via"] == "okx-helpdesk-verify.example"


def test_public_entries_still_fill_the_header(cli_json, case) -> None:
    cli_json("reply", case, "checking", "--agent", "Kevin", "--agent-id", "CS-4471")
    cli_json("reply", case, "secret side", "--agent", "Mallory", "--private")
    document = cli_json("show", case)
    assert [agent["name"] for agent in document["agents"]] == ["Kevin"]


@pytest.mark.parametrize(
    "flags", [("--include-private", "--no-redact"), ("--include-private",), ("--no-redact",)]
)
def test_sensitive_export_file_is_private_to_its_owner(cli, case, tmp_path: Path, flags) -> None:
    cli("reply", case, "hidden reply", "--private", "--agent", "Mallory")
    target = tmp_path / "full.md"
    result = cli("export", case, "--format", "markdown", *flags, "--output", str(target))
    assert result.exit_code == 0, result.stderr
    if os.name == "posix":
        assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_secret_an_older_release_let_in_never_leaves_in_an_export(
    cli, case, notebook_home: Path, tmp_path: Path
) -> None:
    """The guard refuses secrets as they are written, but a notebook may hold some from an
    older release (the seed-phrase detector knew only English once). Every export screens
    every text it carries: the request, entries, earlier versions, deleted entries, captions."""
    import json
    import sqlite3

    seed = "abandon " * 11 + "about"
    shot = tmp_path / "shot.txt"
    shot.write_text("withdrawal page\n")
    steps = [
        ("edit", case, "--request", "Please release my withdrawal"),
        ("note", case, "a first version"),
        ("amend", case, "1", "--text", "the corrected version"),
        ("note", case, "recorded by mistake"),
        ("rm", case, "2", "--yes"),
        ("attach", case, str(shot), "--caption", "the withdrawal page"),
    ]
    for step in steps:
        done = cli(*step)
        assert done.exit_code == 0, (step, done.stderr)
    db = sqlite3.connect(notebook_home / "notebook.db")
    with db:  # what an older release could have stored
        db.execute("UPDATE cases SET request = ?", (f"my words {seed}",))
        db.execute(
            "UPDATE entries SET text = ? WHERE text IN (?, ?)",
            (f"old {seed}", "recorded by mistake", "the withdrawal page"),
        )
        (fields,) = db.execute("SELECT fields FROM entry_revisions").fetchone()
        db.execute(
            "UPDATE entry_revisions SET fields = ?",
            (json.dumps({**json.loads(fields), "text": f"first {seed}"}),),
        )
    db.close()

    for args in (
        ("export", "--all", "--format", "json", "--no-redact", "--include-private"),
        ("export", case, "--format", "json", "--include-private"),
        ("export", case),
        ("export", case, "--format", "markdown"),
        ("show", case, "--json"),
    ):
        done = cli(*args)
        assert done.exit_code == 0, (args, done.stderr)
        if args[0] == "show":  # the user's own screen: shown as stored, never sent
            assert seed in done.stdout
            continue
        assert "abandon abandon" not in done.stdout, args
    whole = json.loads(cli("export", "--all", "--format", "json").stdout)["cases"][0]
    for text in (
        whole["request"],
        whole["entries"][0]["revisions"][0]["text"],
        whole["deleted_entries"][0]["text"],
        whole["attachments"][0]["caption"],
    ):
        assert "[redacted: seed phrase]" in text
