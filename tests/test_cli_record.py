"""Recording a case through the CLI, and reading it back."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest


def test_new_creates_private_notebook(cli, notebook_home: Path) -> None:
    result = cli("new", "Withdrawal stuck", "--platform", "okx", "--category", "withdrawal")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "Opened case 1: Withdrawal stuck\n"
    assert stat.S_IMODE(os.stat(notebook_home).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(notebook_home / "notebook.db").st_mode) == 0o600


@pytest.mark.usefixtures("shanghai_zone")
def test_new_json_has_every_contract_field(cli_json) -> None:
    doc = cli_json(
        "new",
        "Withdrawal stuck",
        "--platform",
        "OKX",
        "--category",
        "withdrawal",
        "--account",
        "UID 12345689",
        "--occurred",
        "2026-11-20 14:03",
        "--tag",
        "USDT",
        "--tag",
        "tron",
        "--lang",
        "zh",
        "--description",
        "Stuck at Processing",
    )
    for key in (
        "id",
        "uuid",
        "title",
        "platform",
        "category",
        "status",
        "occurred_at",
        "created_at",
        "entries",
        "transactions",
        "tickets",
        "agents",
    ):
        assert key in doc
    assert doc["id"] == 1
    assert doc["status"] == "open"
    assert doc["occurred_at"] == "2026-11-20T14:03:00+08:00"
    assert doc["tags"] == ["tron", "usdt"]
    assert doc["language"] == "zh"


@pytest.mark.usefixtures("shanghai_zone")
def test_full_story_shows_in_json(cli, cli_json, case) -> None:
    note = cli_json("note", case, "Withdrawal shows Processing", "--at", "2026-11-20 14:05")
    assert note["kind"] == "note" and note["case_id"] == 1
    contact = cli_json(
        "contact",
        case,
        "--channel",
        "chat",
        "--via",
        "okx.com live chat",
        "--at",
        "yesterday 09:12",
        "Asked why it is stuck",
    )
    assert contact["channel"] == "chat"
    reply = cli_json(
        "reply",
        case,
        "Waiting for confirmations",
        "--agent",
        "Kevin",
        "--agent-id",
        "CS-4471",
        "--ticket",
        "TK-88412907",
        "--suggests",
        "Wait 24 hours",
        "--at",
        "yesterday 09:20",
    )
    assert reply["channel"] == "chat"  # taken from the last contact
    step = cli_json("step", case, "Email support with the TxID", "--due", "in 1d")
    assert step["due"] is not None and step["done_at"] is None
    done = cli_json("done", case, str(step["id"]))
    assert done["done_at"] is not None
    escalation = cli_json("escalate", case, "Three days without funds", "--to", "Tier 2")
    assert escalation["escalated_to"] == "Tier 2"
    tron = "7c2d4e1f9a8b3c6d5e4f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d"
    tx = cli_json(
        "tx",
        case,
        tron,
        "--asset",
        "usdt",
        "--amount",
        "1250.00",
        "--kind",
        "withdrawal",
        "--at",
        "2026-11-20 14:03",
    )
    assert tx["chain"] == "tron"
    assert tx["amount"] == "1250.00"
    assert tx["explorer_url"] == f"https://tronscan.org/#/transaction/{tron}"
    order = cli_json("tx", case, "W2026112014030012345", "--amount", "1250")
    assert order["chain"] is None and order["explorer_url"] is None
    status = cli_json("status", case, "waiting", "Waiting on the wallet team")
    assert status["new_status"] == "waiting"

    doc = json.loads(cli("show", case, "--json").stdout)
    assert doc["status"] == "waiting"
    assert [e["kind"] for e in doc["entries"]] == [
        "note",
        "contact",
        "reply",
        "step",
        "escalation",
        "status",
    ]
    for entry in doc["entries"]:
        for key in (
            "id",
            "kind",
            "text",
            "at",
            "channel",
            "via",
            "agent",
            "agent_id",
            "ticket",
            "due",
            "done_at",
            "flags",
        ):
            assert key in entry
        assert entry["at"].endswith("+08:00")
    assert doc["tickets"][0]["ticket"] == "TK-88412907"
    assert doc["agents"] == [
        {"name": "Kevin", "agent_id": "CS-4471", "channel": "chat", "first_seen": reply["at"]}
    ]
    assert [t["txid"] or t["order_id"] for t in doc["transactions"]] == [
        tron,
        "W2026112014030012345",
    ]
    for tx in doc["transactions"]:
        for key in ("txid", "chain", "asset", "amount", "kind", "at", "explorer_url"):
            assert key in tx
    assert doc["open_steps"] == []


def test_show_for_people(cli, case) -> None:
    cli(
        "reply",
        case,
        "Opened a ticket",
        "--agent",
        "Kevin",
        "--agent-id",
        "CS-4471",
        "--ticket",
        "TK-1",
        "--channel",
        "chat",
    )
    cli("step", case, "Follow up", "--due", "2026-01-01 10:00", "--at", "2025-12-30 10:00")
    out = cli("show", case).stdout
    assert "USDT withdrawal stuck" in out
    assert "TK-1" in out and "Kevin (CS-4471)" in out
    assert "OVERDUE" in out
    assert "\x1b" not in out  # NO_COLOR and not a terminal


def test_list_orders_by_activity_and_filters(cli, cli_json) -> None:
    cli("new", "First", "--platform", "OKX", "--tag", "usdt")
    cli("new", "Second", "--platform", "Binance")
    cli("note", "1", "newer activity on the first case")
    cases = cli_json("list")
    assert [c["id"] for c in cases] == [1, 2]
    assert [c["id"] for c in cli_json("list", "--platform", "binance")] == [2]
    assert [c["id"] for c in cli_json("list", "--tag", "usdt")] == [1]
    cli("status", "2", "resolved")
    assert [c["id"] for c in cli_json("list")] == [1]
    # The status change is the newest activity of all.
    assert [c["id"] for c in cli_json("list", "--all")] == [2, 1]
    assert [c["id"] for c in cli_json("list", "--status", "resolved")] == [2]
    out = cli("list").stdout
    assert "First" in out and "Second" not in out


def test_list_on_empty_notebook_creates_nothing(cli, notebook_home: Path) -> None:
    result = cli("list")
    assert result.exit_code == 0
    assert "No cases" in result.stdout
    assert not notebook_home.exists()
    assert json.loads(cli("list", "--json").stdout) == []


def test_edit_changes_fields_and_tags(cli, cli_json, case) -> None:
    doc = cli_json(
        "edit",
        case,
        "--title",
        "New title",
        "--category",
        "security",
        "--tag",
        "urgent",
        "--lang",
        "ko",
    )
    assert doc["title"] == "New title"
    assert doc["category"] == "security"
    assert doc["tags"] == ["urgent"]
    doc = cli_json("edit", case, "--untag", "urgent")
    assert doc["tags"] == []


def test_rm_needs_confirmation(cli, case, snapshot) -> None:
    before = snapshot()
    result = cli("rm", case)
    assert result.exit_code == 1
    assert "--yes" in result.stderr
    assert snapshot() == before
    result = cli("rm", case, "--yes")
    assert result.exit_code == 0
    assert cli("show", case).exit_code == 1


def test_text_from_stdin(cli_json, case) -> None:
    entry = cli_json("note", case, "-", input="pasted\nchat log\n")
    assert entry["text"] == "pasted\nchat log"


ODD_TEXTS = [
    "提现卡住了三天 😭 — 출금이 3일째 처리 중입니다",
    "مرحبا بالدعم، السحب عالق",  # right-to-left
    "e\u0301\u0302 combining marks Z\u0335\u0336\u0337",
    "👩‍👩‍👧‍👦 family emoji and flags 🇰🇷🇨🇳",
    "{0} %s %(name)s '; DROP TABLE cases; --",
]


@pytest.mark.parametrize("text", ODD_TEXTS)
def test_odd_unicode_is_stored_exactly(cli, cli_json, case, text: str) -> None:
    entry = cli_json("note", case, text)
    assert entry["text"] == text
    doc = json.loads(cli("show", case, "--json").stdout)
    assert doc["entries"][-1]["text"] == text
    assert cli("show", case).exit_code == 0


def test_escape_sequences_are_stored_but_never_replayed(cli, cli_json, case) -> None:
    hostile = "ok\x1b]0;pwned\x07\x1b[2J\x1b[31mred\u202eevil"
    entry = cli_json("note", case, hostile)
    assert entry["text"] == hostile
    # One-line fields refuse control characters outright.
    assert cli("edit", case, "--title", "title \x1b[5mblink").exit_code == 1
    for args in (("show", case), ("list",)):
        out = cli(*args).stdout
        assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "␛" in cli("show", case).stdout


def test_one_megabyte_note_is_stored(cli, cli_json, case) -> None:
    text = "chat log line with 中文 and emoji 😀\n" * 30_000  # ~1.1 MB
    entry = cli_json("note", case, "-", input=text)
    assert entry["text"] == text.strip()
    out = cli("show", case).stdout
    assert "more characters" in out and len(out) < 20_000


BAD_INPUT = [
    (("note", "9", "text"), "unknown case '9'"),
    (("note", "abc", "text"), "unknown case 'abc'"),
    (("done", "1", "99"), "has no entry '99'"),
    (("done", "1", "1"), "not a next step"),
    (("status", "1", "stuck"), "unknown status 'stuck'"),
    (("contact", "1", "--channel", "pigeon"), "unknown channel 'pigeon'"),
    (("edit", "1", "--category", "misc"), "unknown category 'misc'"),
    (("tx", "1", "W1", "--kind", "gift"), "unknown transaction kind 'gift'"),
    (("note", "1", "x", "--at", "2026-02-30"), "2026-02-30"),
    (("note", "1", "x", "--at", "25:00"), "25:00"),
    (("note", "1", "x", "--at", "next blue moon"), "next blue moon"),
    (("note", "1", "x", "--at", "in 3d"), "in the future"),
    (("step", "1", "x", "--due", "2026-13-01"), "2026-13-01"),
    (("edit", "1", "--title", "   "), "title is empty"),
    (("tx", "1", "W1", "--amount", "-5"), "-5"),
    (("tx", "1", "W1", "--amount", "twelve"), "twelve"),
    (("tx", "1", "W1", "--amount", "1e3"), "1e3"),
    (("note", "1", "nul\x00byte"), "NUL"),
    (("note", "1", "   "), "empty"),
    (("edit", "1"), "nothing to change"),
    (("status", "1", "open"), "already open"),
    (("new", "x", "--lang", "fr"), "unknown language 'fr'"),
    (("reply", "1", "hi", "--agent", "Kev\nin"), "line break"),
]


@pytest.mark.parametrize(("args", "message"), BAD_INPUT)
def test_bad_input_is_one_line_and_writes_nothing(cli, case, snapshot, args, message) -> None:
    cli("note", case, "something already recorded")
    before = snapshot()
    result = cli(*args)
    assert result.exit_code == 1, result.stdout
    assert result.stdout == ""
    assert message in result.stderr
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("issuenote: ")
    assert "Traceback" not in result.stderr
    assert snapshot() == before


def test_same_txid_twice_is_refused(cli, case, snapshot) -> None:
    tron = "7c2d4e1f9a8b3c6d5e4f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d"
    assert cli("tx", case, tron, "--chain", "tron").exit_code == 0
    before = snapshot()
    result = cli("tx", case, tron.upper(), "--chain", "tron")
    assert result.exit_code == 1
    assert "already has transaction" in result.stderr
    assert snapshot() == before


def test_reading_a_home_with_no_notebook_says_where_it_looked(cli, notebook_home: Path) -> None:
    for args in (("show", "1"), ("show",), ("rm", "1", "--yes"), ("show", "last")):
        result = cli(*args)
        assert result.exit_code == 1, args
        assert result.stderr == (
            f"issuenote: no notebook at {notebook_home} yet; "
            "record a case with `issuenote new TITLE`\n"
        )
    assert not notebook_home.exists()


def test_home_that_is_not_writable(cli, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    result = cli("--home", str(blocker / "notebook"), "new", "x")
    assert result.exit_code == 1
    assert "cannot write the notebook" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_home_without_write_permission(cli, tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    result = cli("--home", str(locked), "new", "x")
    assert result.exit_code == 1
    assert "cannot write the notebook" in result.stderr


def test_wrong_usage_is_exit_2(cli) -> None:
    result = cli("contact", "1")  # --channel is required
    assert result.exit_code == 2
    assert result.stderr == (
        "issuenote: contact: missing option --channel / -c (see `issuenote contact --help`)\n"
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("frob",), "no such command frob (see `issuenote --help`)"),
        (("shwo", "1"), "no such command shwo; did you mean show? (see `issuenote --help`)"),
        (("show", "1", "--bogus"), "show: no such option: --bogus (see `issuenote show --help`)"),
        (("list", "--status"), "list: option --status requires an argument"),
        (("done", "1"), "done: missing argument ENTRY (see `issuenote done --help`)"),
    ],
)
def test_usage_errors_are_one_line_with_the_help_hint(cli, args, expected: str) -> None:
    result = cli(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"issuenote: {expected}")
    assert result.stderr.count("\n") == 1
    assert "{" not in result.stderr


def test_version(cli) -> None:
    result = cli("--version")
    assert result.exit_code == 0
    assert result.stdout.startswith("issuenote ")


def test_edit_flag_opens_the_editor(cli_json, case, tmp_path: Path, monkeypatch) -> None:
    editor = tmp_path / "fake-editor"
    editor.write_text(
        "#!/bin/sh\nprintf 'written in the editor\\n# Write the note above.\\n' > \"$1\"\n"
    )
    editor.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(editor))
    entry = cli_json("note", case, "-e")
    assert entry["text"] == "written in the editor"


def test_editor_left_empty_records_nothing(
    cli, case, tmp_path: Path, monkeypatch, snapshot
) -> None:
    editor = tmp_path / "fake-editor"
    editor.write_text('#!/bin/sh\n: > "$1"\n')
    editor.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(editor))
    before = snapshot()
    result = cli("note", case, "-e")
    assert result.exit_code == 1
    assert snapshot() == before


def test_no_text_and_no_terminal_is_a_clear_error(cli, case) -> None:
    result = cli("note", case)
    assert result.exit_code == 1
    assert "empty" in result.stderr


def test_demo_uses_its_own_key_and_never_the_keyring(cli) -> None:
    from fake_keyrings import MemoryKeyring, installed_keyring

    with installed_keyring(MemoryKeyring()) as keyring:
        result = cli("demo", "--no-keep")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert keyring.entries == {} and keyring.calls == []
    assert "a***n@gmail.com" in result.stdout  # the account was encrypted and read back
    assert "My request:" in result.stdout  # the chat summary closes the demo


def test_json_output_escapes_what_a_terminal_would_act_on(cli, case) -> None:
    text = "before\u202eafter \x9b31m and \u2067isolate"
    result = cli("note", case, text, "--json")
    assert result.exit_code == 0
    for raw in ("\u202e", "\x9b", "\u2067"):
        assert raw not in result.stdout
    assert json.loads(result.stdout)["text"] == text
    shown = cli("show", case, "--json").stdout
    assert "\u202e" not in shown and "\\u202e" in shown
