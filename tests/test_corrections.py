"""Records you can correct: per-case numbers, amend, rm of one entry, undo."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

Cli = Callable[..., Result]


def show(cli: Cli, case: str = "1") -> dict[str, Any]:
    result = cli("show", case, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def refused(result: Result, words: str) -> None:
    assert result.exit_code == 1, result.stdout
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("issuenote: "), result.stderr
    assert words in lines[0]


# -- numbers ---------------------------------------------------------------------


def test_entries_are_numbered_per_case(cli: Cli, cli_json: Callable[..., Any]) -> None:
    cli("new", "first")
    cli("new", "second")
    for text in ("a", "b", "c"):
        cli("note", "1", text)
    step = cli_json("step", "2", "call back")
    assert step["number"] == 1 and step["case_id"] == 2
    assert "uuid" in step and "id" in step
    done = cli("done", "2", "1")
    assert done.exit_code == 0, done.stderr
    assert "Step 1 on case 2 is done." in done.stdout
    assert [e["number"] for e in show(cli, "1")["entries"]] == [1, 2, 3]


def test_case_numbers_are_never_reused(cli: Cli, cli_json: Callable[..., Any]) -> None:
    for title in ("one", "two", "three"):
        cli("new", title)
    assert cli("rm", "3", "--yes").exit_code == 0
    assert cli_json("new", "four")["id"] == 4


def test_a_deleted_entry_keeps_its_number(cli: Cli, cli_json: Callable[..., Any]) -> None:
    cli("new", "case")
    cli("note", "1", "one")
    cli("note", "1", "two")
    assert cli("rm", "1", "2", "--yes").exit_code == 0
    assert cli_json("note", "1", "three")["number"] == 3


def test_unknown_and_deleted_entry_numbers(cli: Cli, snapshot: Callable[[], list[str]]) -> None:
    cli("new", "case")
    cli("note", "1", "one")
    cli("rm", "1", "1", "--yes")
    before = snapshot()
    refused(cli("done", "1", "7"), "case 1 has no entry '7'")
    refused(cli("amend", "1", "1", "--text", "x"), "entry 1 of case 1 was deleted")
    refused(cli("amend", "1", "x" * 500, "--text", "x"), "has no entry")
    refused(cli("rm", "1", "99", "--yes"), "has no entry '99'")
    assert snapshot() == before


# -- amend -----------------------------------------------------------------------


def test_amend_keeps_the_earlier_version(cli: Cli, cli_json: Callable[..., Any]) -> None:
    cli("new", "case")
    cli("reply", "1", "Please wait", "--agent", "Kevn", "--agent-id", "CS-4417", "-c", "chat")
    amended = cli_json("amend", "1", "1", "--agent", "Kevin", "--agent-id", "CS-4471")
    assert (amended["agent"], amended["agent_id"]) == ("Kevin", "CS-4471")
    [revision] = amended["revisions"]
    assert revision["revision"] == 1 and revision["change"] == "edit"
    assert (revision["agent"], revision["agent_id"]) == ("Kevn", "CS-4417")
    assert revision["made_at"].endswith("+08:00")
    doc = show(cli)
    assert doc["agents"] == [
        {
            "name": "Kevin",
            "agent_id": "CS-4471",
            "channel": "chat",
            "first_seen": doc["entries"][0]["at"],
            "flags": [],
        }
    ]
    plain = cli("show", "1").stdout
    assert "(edited)" in plain and "Kevn" not in plain
    history = cli("show", "1", "--history").stdout
    assert "revision 1, replaced" in history and "Kevn (CS-4417)" in history


def test_amend_refuses_a_field_the_kind_does_not_have(
    cli: Cli, snapshot: Callable[[], list[str]]
) -> None:
    cli("new", "case")
    cli("note", "1", "a note")
    before = snapshot()
    refused(cli("amend", "1", "1", "--agent", "Kevin"), "a note, which has no agent")
    refused(cli("amend", "1", "1"), "nothing to change")
    refused(cli("amend", "1", "1", "--text", "a note"), "already says that")
    refused(cli("amend", "1", "1", "--text", ""), "empty")
    refused(cli("amend", "1", "1", "--at", "in 2h"), "in the future")
    refused(cli("amend", "9", "1", "--text", "x"), "unknown case")
    assert snapshot() == before


def test_amend_rescreens_secrets_and_scam_signals(
    cli: Cli, snapshot: Callable[[], list[str]]
) -> None:
    cli("new", "case", "--platform", "OKX")
    cli("reply", "1", "We are looking into it", "-c", "chat")
    before = snapshot()
    refused(cli("amend", "1", "1", "--text", "my password is hunter2hunter2"), "password")
    assert snapshot() == before
    result = cli("amend", "1", "1", "--text", "Please send us your seed phrase to verify")
    assert result.exit_code == 0
    assert "WARNING" in result.stderr
    assert "scam-risk" in show(cli)["entries"][0]["flags"]


def test_amend_times_stay_sensible(cli: Cli, snapshot: Callable[[], list[str]]) -> None:
    cli("new", "case")
    cli("step", "1", "call", "--at", "2026-01-01T10:00:00+08:00")
    cli("done", "1", "1", "--at", "2026-01-02T10:00:00+08:00")
    before = snapshot()
    refused(cli("amend", "1", "1", "--at", "2026-01-03T10:00:00+08:00"), "cannot be done before")
    assert snapshot() == before


def test_private_entries_stay_encrypted_in_revisions(cli: Cli, notebook_home: Path) -> None:
    cli("new", "case")
    assert cli("note", "1", "first private words", "--private").exit_code == 0
    assert cli("amend", "1", "1", "--text", "second private words").exit_code == 0
    conn = sqlite3.connect(notebook_home / "notebook.db")
    stored = conn.execute("SELECT fields FROM entry_revisions").fetchone()[0]
    assert "first private words" not in stored
    doc = show(cli)
    assert doc["entries"][0]["revisions"][0]["text"] == "first private words"
    export = cli("export", "1", "--format", "json", "--no-redact")
    assert "private words" not in export.stdout


# -- rm of one entry ---------------------------------------------------------------


def test_rm_entry_leaves_a_tombstone_out_of_exports(cli: Cli) -> None:
    cli("new", "case")
    cli("note", "1", "keep me")
    cli("note", "1", "wrong paste")
    result = cli("rm", "1", "2", "--yes")
    assert result.exit_code == 0
    assert "Deleted entry 2 of case 1" in result.stdout
    doc = show(cli)
    assert [e["text"] for e in doc["entries"]] == ["keep me"]
    [tombstone] = doc["deleted_entries"]
    assert tombstone["number"] == 2 and tombstone["deleted_at"]
    assert tombstone["revisions"][0]["change"] == "delete"
    assert tombstone["revisions"][0]["text"] == "wrong paste"
    for fmt in ("text", "email", "chat", "markdown", "html"):
        assert "wrong paste" not in cli("export", "1", "--format", fmt).stdout
    assert "wrong paste" in cli("show", "1", "--history").stdout
    assert "wrong paste" not in cli("show", "1").stdout


def test_rm_entry_asks_first(cli: Cli, snapshot: Callable[[], list[str]]) -> None:
    cli("new", "case")
    cli("note", "1", "one")
    before = snapshot()
    refused(cli("rm", "1", "1"), "without confirmation; add --yes")
    assert snapshot() == before


# -- undo --------------------------------------------------------------------------


def test_undo_reverts_the_last_change_and_says_what(cli: Cli) -> None:
    cli("new", "case")
    cli("note", "1", "first")
    cli("note", "1", "oops")
    result = cli("undo", "--yes")
    assert result.exit_code == 0, result.stderr
    assert "added note 2 on case 1 “oops”" in result.stdout
    assert [e["text"] for e in show(cli)["entries"]] == ["first"]


def test_undo_of_amend_and_rm(cli: Cli) -> None:
    cli("new", "case")
    cli("note", "1", "first")
    cli("amend", "1", "1", "--text", "changed")
    cli("rm", "1", "1", "--yes")
    assert show(cli)["entries"] == []
    cli("undo", "--yes")
    assert [e["text"] for e in show(cli)["entries"]] == ["changed"]
    cli("undo", "--yes")
    entry = show(cli)["entries"][0]
    assert entry["text"] == "first" and entry["revisions"] == []


def test_undo_is_itself_undoable(cli: Cli, cli_json: Callable[..., Any]) -> None:
    cli("new", "case")
    cli("note", "1", "first")
    cli("undo", "--yes")
    assert show(cli)["entries"] == []
    changes = cli_json("undo", "--list")
    assert changes[0]["command"] == "undo" and changes[0]["reverts"] == [2]
    assert changes[1]["in_effect"] is False
    result = cli("undo", str(changes[0]["id"]), "--yes")
    assert result.exit_code == 0, result.stderr
    assert [e["text"] for e in show(cli)["entries"]] == ["first"]
    assert cli_json("undo", "--list")[2]["in_effect"] is True


def test_undo_n_goes_back_to_a_change(cli: Cli, cli_json: Callable[..., Any]) -> None:
    cli("new", "case")
    for text in ("a", "b", "c"):
        cli("note", "1", text)
    result = cli("undo", "3", "--yes")  # change 3 is note "b"
    assert result.exit_code == 0, result.stderr
    assert "Undone 2 changes." in result.stdout
    assert [e["text"] for e in show(cli)["entries"]] == ["a"]


def test_undo_brings_back_a_deleted_case(cli: Cli) -> None:
    cli("new", "case", "--tag", "okx")
    cli("note", "1", "text")
    cli("amend", "1", "1", "--text", "text 2")
    before = show(cli)
    cli("rm", "1", "--yes")
    assert cli("undo", "--yes").exit_code == 0
    after = show(cli)
    # The chain is never rewound: the undo is a new link, and the record verifies.
    assert after.pop("chain_head") != before.pop("chain_head")
    assert after == before
    assert cli("verify", "1").exit_code == 0


def test_undo_with_nothing_to_undo(cli: Cli, snapshot: Callable[[], list[str]]) -> None:
    refused(cli("undo"), "nothing to undo")
    cli("new", "case")
    cli("undo", "--yes")
    before = snapshot()
    refused(cli("undo", "--yes"), "nothing to undo")
    refused(cli("undo", "99", "--yes"), "there is no change 99")
    refused(cli("undo", "1", "--yes"), "change 1 is already undone")
    assert snapshot() == before


def test_refused_commands_leave_nothing_to_undo(cli: Cli, cli_json: Callable[..., Any]) -> None:
    cli("new", "case")
    cli("note", "1", "")  # refused
    cli("done", "1", "5")  # refused
    assert [c["command"] for c in cli_json("undo", "--list")] == ["new"]


def test_undo_list_shows_the_last_twenty(cli: Cli, cli_json: Callable[..., Any]) -> None:
    cli("new", "case")
    for number in range(25):
        cli("note", "1", f"note {number}")
    changes = cli_json("undo", "--list")
    assert len(changes) == 20
    assert changes[0]["summary"] == "added note 25 on case 1 “note 24”"
    plain = cli("undo", "--list").stdout.splitlines()
    assert len(plain) == 20 and plain[0].split()[0] == "26"


def test_undo_refuses_when_an_import_changed_the_record_since(
    cli: Cli, tmp_path: Path, snapshot: Callable[[], list[str]]
) -> None:
    cli("new", "case")
    cli("step", "1", "call them")
    export = json.loads(cli("export", "--all", "--format", "json", "--no-redact").stdout)
    export["cases"][0]["entries"][0]["done_at"] = "2026-01-01T00:00:00+00:00"
    export["cases"][0]["entries"][0]["at"] = "2025-12-31T00:00:00+00:00"
    path = tmp_path / "x.json"
    path.write_text(json.dumps(export), encoding="utf-8")
    # The import fills done_at in (it is empty here): not a journaled change.
    assert cli("import", str(path)).exit_code == 0
    before = snapshot()
    result = cli("undo", "--yes")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "changed since" in result.stderr
    assert "nothing was undone" in result.stderr
    assert snapshot() == before


# -- times ---------------------------------------------------------------------------


def test_step_takes_at_and_done_cannot_precede_it(
    cli: Cli, cli_json: Callable[..., Any], snapshot: Callable[[], list[str]]
) -> None:
    cli("new", "case")
    step = cli_json("step", "1", "call", "--at", "2026-01-05T09:00:00+08:00")
    assert step["at"] == "2026-01-05T09:00:00+08:00"
    before = snapshot()
    refused(cli("done", "1", "1", "--at", "2026-01-04T09:00:00+08:00"), "cannot be done before")
    assert snapshot() == before
    done = cli_json("done", "1", "1", "--at", "2026-01-06T09:00:00+08:00")
    assert done["done_at"] == "2026-01-06T09:00:00+08:00"
    assert "done 2026-01-06 09:00" in cli("show", "1").stdout


def test_a_past_due_date_warns_but_is_kept(cli: Cli) -> None:
    cli("new", "case")
    result = cli("step", "1", "call", "--due", "2026-01-01T09:00:00+08:00")
    assert result.exit_code == 0
    assert result.stderr.startswith("issuenote: warning: the due time")
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "command",
    [
        ["note", "1", "x"],
        ["contact", "1", "--channel", "chat"],
        ["reply", "1", "x"],
        ["step", "1", "x"],
        ["escalate", "1"],
        ["status", "1", "waiting"],
    ],
)
def test_every_kind_refuses_a_future_time(
    cli: Cli, snapshot: Callable[[], list[str]], command: list[str]
) -> None:
    cli("new", "case")
    before = snapshot()
    refused(cli(*command, "--at", "in 2h"), "is in the future")
    assert snapshot() == before


# -- revisions travel: export --all, import, merge, backup ---------------------------


def _export_all(cli: Cli) -> dict[str, Any]:
    result = cli("export", "--all", "--format", "json", "--no-redact", "--include-private")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def _story(cli: Cli) -> None:
    cli("new", "case")
    cli("new", "other")
    cli("note", "2", "a")
    cli("reply", "2", "wait", "--agent", "Kevn", "-c", "chat")
    cli("amend", "2", "2", "--agent", "Kevin")
    cli("note", "2", "wrong paste")
    cli("rm", "2", "3", "--yes")
    cli("rm", "1", "--yes")


def test_export_import_carries_numbers_revisions_and_tombstones(cli: Cli, tmp_path: Path) -> None:
    _story(cli)
    original = _export_all(cli)
    path = tmp_path / "all.json"
    path.write_text(json.dumps(original), encoding="utf-8")
    other = tmp_path / "other"
    result = cli("--home", str(other), "import", str(path))
    assert result.exit_code == 0, result.stderr
    copy = json.loads(
        cli("--home", str(other), "show", "2", "--json").stdout,
    )
    here = show(cli, "2")
    for key in ("entries", "deleted_entries"):
        strip = [{k: v for k, v in e.items() if k != "id"} for e in here[key]]
        assert [{k: v for k, v in e.items() if k != "id"} for e in copy[key]] == strip
    assert [e["number"] for e in copy["entries"]] == [1, 2]
    assert copy["entries"][1]["revisions"][0]["agent"] == "Kevn"
    assert copy["deleted_entries"][0]["number"] == 3
    # Importing the same file again changes nothing.
    again = cli("--home", str(other), "import", str(path), "--json")
    assert json.loads(again.stdout)["changed"] is False


def test_a_revision_conflict_on_import_is_refused(
    cli: Cli, tmp_path: Path, snapshot: Callable[[], list[str]]
) -> None:
    _story(cli)
    data = _export_all(cli)
    data["cases"][0]["entries"][1]["revisions"][0]["agent"] = "Someone else"
    path = tmp_path / "x.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    before = snapshot()
    refused(cli("import", str(path)), "revision conflict")
    assert snapshot() == before


def test_a_new_case_after_import_takes_a_fresh_number(
    cli: Cli, cli_json: Callable[..., Any], tmp_path: Path
) -> None:
    _story(cli)  # case 1 was deleted, case 2 remains
    assert cli_json("new", "third")["id"] == 3


def test_backup_and_restore_carry_the_history(cli: Cli, tmp_path: Path) -> None:
    _story(cli)
    before = show(cli, "2")
    archive = tmp_path / "b.tar.gz"
    assert cli("backup", str(archive)).exit_code == 0
    cli("amend", "2", "1", "--text", "changed after the backup")
    result = cli("restore", str(archive), "--force")
    assert result.exit_code == 0, result.stderr
    assert show(cli, "2") == before


def test_amend_due_to_a_bare_day_takes_the_configured_hour_like_step(
    cli: Cli, cli_json: Callable[..., Any], shanghai_zone: None
) -> None:
    assert cli("config", "set", "due_hour", "10").exit_code == 0
    cli("new", "Case")
    cli("step", "1", "call back", "--due", "2030-05-06")
    cli("step", "1", "chase", "--due", "2030-05-06 08:30")
    assert cli("amend", "1", "2", "--due", "2030-05-07").exit_code == 0
    steps = [e for e in cli_json("show", "1")["entries"] if e["kind"] == "step"]
    assert steps[0]["due"].startswith("2030-05-06T10:00")
    assert steps[1]["due"].startswith("2030-05-07T10:00")  # amended to a day: its hour too
