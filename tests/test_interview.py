"""The guided intake of `issuenote new` through a real pseudo-terminal, and after-care."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from issuenote.errors import IssuenoteError
from issuenote.intake import aftercare_steps, check_answer, questions

EXECUTABLE = Path(sys.executable).parent / "issuenote"
needs_executable = pytest.mark.skipif(
    not EXECUTABLE.exists(), reason="issuenote is not installed next to Python"
)
CLEAR = "\x15"  # Ctrl-U: clear the pre-filled default before typing
TXID = "7c2d4e1f9a8b3c6d5e4f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d"


def spawn(args: list[str]):  # type: ignore[no-untyped-def]
    pexpect = pytest.importorskip("pexpect")
    # No cursor-position queries: pexpect is not a terminal that answers them.
    env = {**os.environ, "PROMPT_TOOLKIT_NO_CPR": "1"}
    return pexpect.spawn(
        str(EXECUTABLE), args, env=env, encoding="utf-8", dimensions=(50, 120), timeout=30
    )


def test_every_question_has_a_field_the_recorder_knows() -> None:
    fields = [q.field for q in questions()]
    assert fields == [
        "help_article",
        "title",
        "occurred",
        "platform",
        "category",
        "account",
        "transactions",
        "tried",
        "request",
    ]
    assert all(q.ask.strip() for q in questions())
    assert len(aftercare_steps()) == 3


def test_answers_are_checked_as_the_options_are() -> None:
    assert check_answer("category", " Withdrawal ") == "withdrawal"
    assert check_answer("platform", "okex") == "OKX"
    assert check_answer("transactions", f"{TXID}, W123 {TXID}") == [TXID, "W123"]
    assert check_answer("tried", "") is None
    for field, bad in (
        ("category", "withdrawl"),
        ("occurred", "11/29/2025"),
        ("occurred", "in 3d"),
        ("tried", "my password is hunter2hunter2"),
        ("transactions", "x" * 500),
    ):
        with pytest.raises(IssuenoteError):
            check_answer(field, bad)


def test_without_a_terminal_a_missing_title_is_the_usual_error(cli, notebook_home: Path) -> None:
    result = cli("new", input="")
    assert result.exit_code == 1
    assert result.stderr.startswith("issuenote: missing TITLE")
    assert result.stderr.count("\n") == 1
    assert not notebook_home.exists()


@needs_executable
def test_the_interview_records_a_whole_case(cli_json, notebook_home: Path) -> None:
    child = spawn(["new"])
    for expect, answer in (
        ("help centre", "Why is my withdrawal delayed?"),
        ("in one line", CLEAR + "USDT withdrawal stuck"),
        ("When did it happen", CLEAR + "3d ago"),
        ("platform", "okx"),
        ("category", CLEAR + "withdrawl"),
        ("did you mean 'withdrawal'", CLEAR + "withdrawal"),
        ("account reference", "alice.chen@gmail.com"),
        ("order IDs", f"{TXID} W2026113008060012345"),
        ("already tried", "Asked live chat"),
        ("support to do", "Return the funds"),
    ):
        child.expect(expect)
        child.sendline(answer)
    child.expect("Opened case 1")
    child.expect(r"issuenote contact 1 --channel chat")
    child.expect(__import__("pexpect").EOF)
    child.close()
    assert child.exitstatus == 0
    doc = cli_json("show", "1")
    assert doc["title"] == "USDT withdrawal stuck"
    assert (doc["platform"], doc["category"]) == ("OKX", "withdrawal")
    assert doc["account"] == "alice.chen@gmail.com"
    assert [(tx["txid"], tx.get("order_id")) for tx in doc["transactions"]] == [
        (TXID, None),
        (None, "W2026113008060012345"),
    ]
    assert [entry["text"] for entry in doc["entries"]] == [
        "Checked the help centre first: Why is my withdrawal delayed?",
        "Already tried: Asked live chat",
    ]
    assert doc["request"] == "Return the funds"  # the case's own request, not a note


@needs_executable
def test_every_question_can_be_skipped(cli_json) -> None:
    child = spawn(["new", "--json"])
    for question in questions():
        child.expect_exact(question.ask)
        child.sendline("")
    child.expect(__import__("pexpect").EOF)
    child.close()
    assert child.exitstatus == 0
    doc = json.loads(child.before[child.before.index("{") :])
    assert doc["title"] == "Problem with my account"
    assert doc["category"] == "other"
    assert doc["entries"] == [] and doc["transactions"] == []


@needs_executable
@pytest.mark.parametrize("key", ["\x03", "\x04"])  # Ctrl-C, Ctrl-D
def test_ctrl_c_writes_nothing(notebook_home: Path, key: str) -> None:
    child = spawn(["new"])
    child.expect("help centre")
    child.sendline("The withdrawal FAQ")
    child.expect("in one line")
    child.send(CLEAR + "Half an answer")
    if key == "\x04":
        child.send(CLEAR)  # Ctrl-D ends input on an empty line (it deletes otherwise)
    child.send(key)
    child.expect("interview cancelled; nothing recorded")
    child.expect(__import__("pexpect").EOF)
    child.close()
    assert child.exitstatus == 1
    assert not (notebook_home / "notebook.db").exists()


def test_aftercare_is_listed_off_a_terminal(cli, cli_json, case: str) -> None:
    result = cli("status", case, "resolved", "Funds arrived")
    assert result.exit_code == 0
    assert "After-care, as the support guide advises:" in result.stdout
    for step in aftercare_steps():
        assert f"  - {step}" in result.stdout
    assert f'issuenote step {case} "..."' in result.stdout
    assert [e["kind"] for e in cli_json("show", case)["entries"]] == ["status"]
    json_only = cli("status", case, "closed", "--json")
    assert json.loads(json_only.stdout)["new_status"] == "closed"


@needs_executable
def test_aftercare_offers_each_item_as_a_step(cli, cli_json, case: str) -> None:
    child = spawn(["status", case, "closed"])
    child.expect(r"Add as a next step: Check the account.*\?")
    child.sendline("y")
    child.expect(r"Add as a next step: Change any password.*\?")
    child.sendline("n")
    child.expect(r"Add as a next step: Keep the record.*\?")
    child.sendline("")  # the default is yes
    child.expect("Added 2 after-care step")
    child.expect(__import__("pexpect").EOF)
    child.close()
    assert child.exitstatus == 0
    steps = [e["text"] for e in cli_json("show", case)["entries"] if e["kind"] == "step"]
    assert steps == [aftercare_steps()[0], aftercare_steps()[2]]
