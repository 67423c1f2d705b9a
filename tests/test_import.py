"""`issuenote export --all` and `issuenote import`, through the CLI.

Import merges by UUID: twice changes nothing, another machine's cases are
added, edits on both sides stay visible, and a bad file is refused whole,
with its line, leaving the notebook exactly as it was.
"""

from __future__ import annotations

import gzip
import json
import shutil
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from issuenote.cli import app
from issuenote.demo import demo_commands
from issuenote.parse import timeparse
from issuenote.store.schema import SCHEMA_VERSION

Cli = Callable[..., Any]


def _record_demo(home: Path) -> None:
    """The running example, recorded once per module (copying it is much faster)."""
    runner = CliRunner()
    with pytest.MonkeyPatch.context() as env:
        env.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
        env.delenv("ISSUENOTE_KEY", raising=False)
        env.setenv("TZ", "Asia/Shanghai")
        time.tzset()
        for args in demo_commands(timeparse.utc_now()):
            result = runner.invoke(app, ["--home", str(home), *args])
            assert result.exit_code == 0, (args, result.stderr)
    time.tzset()


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("demo") / "home"
    _record_demo(home)
    return home


@pytest.fixture(scope="module")
def source_export(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A complete export of another notebook (its own UUIDs) with the running example."""
    home = tmp_path_factory.mktemp("source") / "home"
    _record_demo(home)
    runner = CliRunner()
    args = ["--home", str(home), "export", "--all", "--format", "json"]
    result = runner.invoke(app, [*args, "--no-redact", "--include-private"])
    assert result.exit_code == 0
    return result.stdout


@pytest.fixture
def running_example(demo_home: Path, notebook_home: Path) -> str:
    shutil.copytree(demo_home, notebook_home)
    return "1"


def export_all(cli: Cli, *options: str, home: Path | None = None) -> dict[str, Any]:
    where = ("--home", str(home)) if home else ()
    result = cli(*where, "export", "--all", "--format", "json", *options)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def complete_export(cli: Cli, home: Path | None = None) -> dict[str, Any]:
    return export_all(cli, "--no-redact", "--include-private", home=home)


def save(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def dump(home: Path) -> list[str]:
    conn = sqlite3.connect(home / "notebook.db")
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def without_volatile(export: dict[str, Any]) -> dict[str, Any]:
    """The export without what differs by notebook: its id, the time, each chain's history."""
    kept = {k: v for k, v in export.items() if k not in ("exported_at", "notebook")}
    kept["cases"] = [
        {k: v for k, v in case.items() if k != "chain_head"} for case in kept.get("cases", [])
    ]
    return kept


def imported(cli: Cli, path: Path, *options: str, home: Path | None = None) -> Any:
    where = ("--home", str(home)) if home else ()
    result = cli(*where, "import", str(path), *options)
    assert result.exit_code == 0, result.stderr
    return result


# -- the export itself --------------------------------------------------------------


def test_whole_export_says_what_it_is(cli: Cli, running_example: str) -> None:
    data = export_all(cli)
    assert data["format"] == "issuenote-notebook"
    assert data["schema_version"] == SCHEMA_VERSION
    assert data["includes_private"] is False
    assert data["cases"][0]["account"] == "a***n@gmail.com"
    assert data["cases"][0]["redacted"] is True


def test_complete_export_warns_and_carries_private_entries(cli: Cli, running_example) -> None:
    cli("note", "1", "called my bank about the transfer", "--private")
    result = cli("export", "--all", "--format", "json", "--no-redact", "--include-private")
    assert result.exit_code == 0
    assert "--include-private" in result.stderr and "--no-redact" in result.stderr
    data = json.loads(result.stdout)
    assert data["includes_private"] is True
    assert data["cases"][0]["account"] == "alice.chen@gmail.com"
    assert any(e["private"] for e in data["cases"][0]["entries"])


def test_export_refuses_private_entries_it_cannot_decrypt(
    cli: Cli, running_example, notebook_home: Path
) -> None:
    cli("note", "1", "called my bank about the transfer", "--private")
    (notebook_home / "key").unlink()
    result = cli("export", "--all", "--format", "json", "--include-private")
    assert result.exit_code == 1
    assert "cannot be decrypted" in result.stderr
    assert result.stdout == ""
    # The default export leaves them out, so it still works.
    assert cli("export", "--all", "--format", "json").exit_code == 0


# -- merging -------------------------------------------------------------------------


def test_import_into_an_empty_home_gives_the_same_notebook(
    cli: Cli, running_example, tmp_path: Path
) -> None:
    cli("note", "1", "called my bank", "--private")
    original = complete_export(cli)
    other = tmp_path / "other"
    result = imported(cli, save(tmp_path / "all.json", original), home=other)
    assert "Imported" in result.stdout and "1 new case (1)" in result.stdout
    again = complete_export(cli, home=other)
    assert without_volatile(again) == without_volatile(original)
    # Private text and the account are sealed at rest, as when recorded.
    conn = sqlite3.connect(other / "notebook.db")
    account = conn.execute("SELECT account FROM cases").fetchone()[0]
    private = conn.execute("SELECT text FROM entries WHERE private = 1").fetchone()[0]
    conn.close()
    assert account.startswith("enc1:") and private.startswith("enc1:")


def test_importing_twice_changes_nothing(cli: Cli, running_example, tmp_path, snapshot) -> None:
    path = save(tmp_path / "all.json", complete_export(cli))
    other = tmp_path / "other"
    imported(cli, path, home=other)
    before = dump(other)
    result = imported(cli, path, home=other)
    assert result.stdout.startswith("Nothing to import")
    assert dump(other) == before
    # Its own export, imported back, changes nothing either.
    mine = snapshot()
    result = imported(cli, path)
    assert result.stdout.startswith("Nothing to import")
    assert snapshot() == mine


def test_a_notebook_from_another_machine_adds_its_cases(
    cli: Cli, running_example, tmp_path: Path
) -> None:
    other = tmp_path / "laptop"
    cli("--home", str(other), "new", "Deposit missing", "--platform", "Binance")
    cli("--home", str(other), "note", "1", "Deposit of 0.5 BTC not credited")
    cli("--home", str(other), "tx", "1", "ORDER-77", "--amount", "0.5", "--asset", "BTC")
    path = save(tmp_path / "laptop.json", complete_export(cli, home=other))
    result = imported(cli, path)
    assert "1 new case (2)" in result.stdout  # number 1 is taken here: the next one
    titles = [case["title"] for case in cli_json_list(cli)]
    assert sorted(titles) == ["Deposit missing", "USDT withdrawal stuck for three days"]
    shown = json.loads(cli("show", "2", "--json").stdout)
    assert shown["entries"][0]["text"] == "Deposit of 0.5 BTC not credited"
    assert shown["transactions"][0]["amount"] == "0.5"
    # And back the other way: the laptop gets the running example.
    path = save(tmp_path / "desk.json", complete_export(cli))
    imported(cli, path, home=other)
    assert len(complete_export(cli, home=other)["cases"]) == 2


def cli_json_list(cli: Cli) -> list[dict[str, Any]]:
    result = cli("list", "--all", "--json")
    assert result.exit_code == 0
    return json.loads(result.stdout)


def test_edits_on_both_sides_keep_both_versions(cli: Cli, running_example, tmp_path) -> None:
    other = tmp_path / "laptop"
    imported(cli, save(tmp_path / "a.json", complete_export(cli)), home=other)
    cli("edit", "1", "--title", "Edited here", "--description", "desk words")
    cli("--home", str(other), "edit", "1", "--title", "Edited on the laptop")
    path = save(tmp_path / "b.json", complete_export(cli, home=other))

    result = imported(cli, path)
    assert "Case 1 differs from the file (title, description)" in result.stdout
    case = json.loads(cli("show", "1", "--json").stdout)
    assert case["title"] == "Edited here"  # the value here is kept ...
    note = case["entries"][-1]
    assert note["kind"] == "note" and not note["private"]
    assert '"Edited on the laptop"' in note["text"]  # ... and the imported one is visible
    assert '"Edited here"' in note["text"]
    # The same difference is noted once, even from a newer export of that notebook.
    path = save(tmp_path / "c.json", complete_export(cli, home=other))
    result = imported(cli, path)
    assert result.stdout.startswith("Nothing to import")
    entries = json.loads(cli("show", "1", "--json").stdout)["entries"]
    assert sum("Import conflict" in (e["text"] or "") for e in entries) == 1


def test_a_conflicting_account_goes_into_a_private_note(
    cli: Cli, running_example, tmp_path: Path
) -> None:
    other = tmp_path / "laptop"
    imported(cli, save(tmp_path / "a.json", complete_export(cli)), home=other)
    cli("--home", str(other), "edit", "1", "--account", "UID 88776655")
    imported(cli, save(tmp_path / "b.json", complete_export(cli, home=other)))
    case = json.loads(cli("show", "1", "--json").stdout)
    assert case["account"] == "alice.chen@gmail.com"
    note = case["entries"][-1]
    assert note["private"] and "UID 88776655" in note["text"]
    # Private: never in an ordinary export.
    assert "88776655" not in json.dumps(export_all(cli, "--no-redact"))


def test_progress_made_elsewhere_is_taken(cli: Cli, running_example, tmp_path: Path) -> None:
    other = tmp_path / "laptop"
    imported(cli, save(tmp_path / "a.json", complete_export(cli)), home=other)
    step = json.loads(cli("show", "1", "--json").stdout)["open_steps"][0]
    cli("--home", str(other), "done", "1", str(step["id"]))
    cli("--home", str(other), "status", "1", "resolved", "Funds arrived")
    result = imported(cli, save(tmp_path / "b.json", complete_export(cli, home=other)))
    assert "differs" not in result.stdout  # progress, not a conflict
    case = json.loads(cli("show", "1", "--json").stdout)
    assert case["status"] == "resolved"
    assert next(e for e in case["entries"] if e["id"] == step["id"])["done_at"] is not None


def test_a_masked_account_never_replaces_a_real_one(
    cli: Cli, running_example, tmp_path: Path
) -> None:
    redacted = save(tmp_path / "redacted.json", export_all(cli))
    result = imported(cli, redacted)
    assert result.stdout.startswith("Nothing to import")
    assert json.loads(cli("show", "1", "--json").stdout)["account"] == "alice.chen@gmail.com"
    # Into an empty notebook: the case comes, the masked account does not.
    other = tmp_path / "other"
    result = imported(cli, redacted, home=other)
    assert "masked and not imported" in result.stderr
    assert "private entries were left out" in result.stderr
    shown = json.loads(cli("--home", str(other), "show", "1", "--json").stdout)
    assert shown["account"] is None


def test_the_same_txid_recorded_on_both_sides_is_one_transaction(cli: Cli, tmp_path: Path) -> None:
    cli("new", "Order stuck")
    cli("tx", "1", "ORDER-1", "--amount", "10")
    data = complete_export(cli)
    data["cases"][0]["transactions"][0]["uuid"] = "00000000-0000-4000-8000-000000000001"
    data["cases"][0]["transactions"][0]["asset"] = "USDT"
    result = imported(cli, save(tmp_path / "x.json", data))
    assert "new transaction" not in result.stdout
    transactions = json.loads(cli("show", "1", "--json").stdout)["transactions"]
    assert len(transactions) == 1 and transactions[0]["asset"] == "USDT"  # filled in


def test_a_transaction_edited_on_both_sides_keeps_both(cli: Cli, tmp_path: Path) -> None:
    cli("new", "Order stuck")
    cli("tx", "1", "ORDER-1", "--amount", "10")
    data = complete_export(cli)
    assert data["cases"][0]["transactions"][0]["txid"] is None  # an order ID is no TxID
    data["cases"][0]["transactions"][0]["order_id"] = "ORDER-2"
    data["cases"][0]["transactions"][0]["amount"] = "10.5"
    result = imported(cli, save(tmp_path / "x.json", data))
    assert "transaction ORDER-1 order_id, transaction ORDER-1 amount" in result.stdout
    case = json.loads(cli("show", "1", "--json").stdout)
    assert [t["order_id"] for t in case["transactions"]] == ["ORDER-1"]
    assert '"ORDER-2"' in case["entries"][-1]["text"]
    assert '"10.5"' in case["entries"][-1]["text"]


def test_a_single_case_export_can_be_imported(cli: Cli, running_example, tmp_path) -> None:
    result = cli("export", "1", "--format", "json", "--no-redact")
    path = tmp_path / "case.json"
    path.write_text(result.stdout, encoding="utf-8")
    other = tmp_path / "other"
    imported(cli, path, home=other)
    shown = json.loads(cli("--home", str(other), "show", "1", "--json").stdout)
    assert shown["title"] == "USDT withdrawal stuck for three days"
    assert shown["account"] == "alice.chen@gmail.com"


def test_import_reads_stdin(cli: Cli, running_example, tmp_path: Path) -> None:
    text = json.dumps(complete_export(cli))
    other = tmp_path / "other"
    result = cli("--home", str(other), "import", "-", input=text)
    assert result.exit_code == 0, result.stderr
    assert "Imported <stdin>" in result.stdout


def test_dry_run_writes_nothing(cli: Cli, running_example, tmp_path: Path, snapshot) -> None:
    path = save(tmp_path / "all.json", complete_export(cli))
    other = tmp_path / "other"
    result = imported(cli, path, "--dry-run", home=other)
    assert "Dry run" in result.stdout and "1 new case" in result.stdout
    assert not other.exists()
    cli("edit", "1", "--title", "changed here")
    before = snapshot()
    result = imported(cli, path, "--dry-run")
    assert "differs" in result.stdout
    assert snapshot() == before


def test_a_dry_run_of_private_entries_into_a_notebook_writes_nothing(
    cli: Cli, running_example, tmp_path: Path, snapshot
) -> None:
    """A dry run seals nothing: its private texts once went in as NULL, and SQLite refused."""
    assert cli("note", "1", "Called my bank about the card", "--private").exit_code == 0
    result = cli("export", "--all", "--format", "json", "--include-private", "--no-redact")
    path = save(tmp_path / "all.json", json.loads(result.stdout))
    other = tmp_path / "other"
    assert cli("--home", str(other), "new", "Already here").exit_code == 0
    before = snapshot()
    result = cli("--home", str(other), "import", str(path), "--dry-run", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["entries_added"] >= 1
    assert snapshot() == before
    shown = json.loads(cli("--home", str(other), "list", "--all", "--json").stdout)
    assert [case["title"] for case in shown] == ["Already here"]


def test_import_json_output(cli: Cli, running_example, tmp_path: Path) -> None:
    path = save(tmp_path / "all.json", complete_export(cli))
    result = imported(cli, path, "--json", home=tmp_path / "other")
    report = json.loads(result.stdout)
    assert report["cases_added"] == [1]
    assert report["entries_added"] == 9 and report["transactions_added"] == 1
    assert report["changed"] is True and report["conflicts"] == []


# -- refusals --------------------------------------------------------------------------


@pytest.fixture
def base(source_export: str) -> dict[str, Any]:
    """A small valid export of a notebook that is not this one, to spoil."""
    return json.loads(source_export)


def _set(data: dict[str, Any], path: tuple[Any, ...], value: Any) -> None:
    target: Any = data
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value


BAD_FIELDS = [
    (("cases", 0, "entries", 1, "channel"), "fax", "unknown channel 'fax'"),
    (("cases", 0, "entries", 1, "kind"), "meeting", "unknown kind"),
    (("cases", 0, "status"), "lost", "unknown status"),
    (("cases", 0, "entries", 0, "kind"), "status", "names the status it set"),
    (("cases", 0, "category"), 7, "must be a text"),
    (("cases", 0, "entries", 0, "at"), "2026-01-02 10:00", "with a UTC offset"),
    (("cases", 0, "entries", 0, "at"), "2999-01-02T10:00:00+00:00", "in the future"),
    (("cases", 0, "entries", 0, "at"), "2026-02-30T10:00:00+00:00", "day is out of range"),
    (("cases", 0, "entries", 0, "due"), "2026-01-02T10:00:00+00:00", "a note entry has no due"),
    (("cases", 0, "entries", 0, "text"), "a\x00b", "NUL"),
    (("cases", 0, "entries", 0, "text"), "   ", "is empty"),
    (("cases", 0, "entries", 0, "flags"), ["Not A Flag!"], "a flag is a short word"),
    (("cases", 0, "transactions", 0, "amount"), 1250.0, "exact decimal"),
    (("cases", 0, "transactions", 0, "amount"), "-5", "cannot be negative"),
    (("cases", 0, "transactions", 0, "amount"), "1e5", "exponents"),
    (("cases", 0, "transactions", 0, "chain"), "solana", "check the chain"),
    (("cases", 0, "title"), "line\nbreak", "line break"),
    (("cases", 0, "uuid"), "not-a-uuid", "not a UUID"),
    (("cases", 0, "id"), -3, "whole number"),
    (("cases", 0, "account"), "enc1:" + "A" * 60, "encrypted value cannot be imported"),
    (("cases", 0, "surprise"), "!", "unknown field 'surprise'"),
    (("schema_version",), 99, "newer issuenote"),
    (("format",), "something-else", "unknown format"),
    (("cases",), {"a": 1}, "must be a list"),
    (
        ("cases", 0, "entries", 0, "text"),
        "The agent asked me to verify my wallet, so I sent: belt runway grief fly treat "
        "obey floor insane allow three about mix",
        "refused",
    ),
]


@pytest.mark.parametrize(("path", "value", "reason"), BAD_FIELDS)
def test_a_bad_field_refuses_the_whole_file(
    cli: Cli, running_example, tmp_path: Path, snapshot, base, path, value, reason
) -> None:
    data = base
    _set(data, path, value)
    file = save(tmp_path / "bad.json", data)
    before = snapshot()
    result = cli("import", str(file))
    assert result.exit_code == 1
    assert reason in result.stderr
    assert result.stderr.startswith(f"issuenote: cannot import {file}: line ")
    assert result.stderr.rstrip().endswith("nothing was imported")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert snapshot() == before


def test_the_line_named_is_the_line_of_the_bad_value(cli: Cli, tmp_path: Path, base) -> None:
    data = base
    data["cases"][0]["entries"][3]["channel"] = "carrier pigeon"
    file = save(tmp_path / "bad.json", data)
    result = cli("import", str(file))
    line = int(result.stderr.split(": line ", 1)[1].split(" ", 1)[0])
    assert '"carrier pigeon"' in file.read_text(encoding="utf-8").splitlines()[line - 1]
    assert "(cases[0].entries[3].channel)" in result.stderr


def test_a_duplicated_uuid_is_refused(cli: Cli, tmp_path: Path, snapshot, base) -> None:
    data = base
    entries = data["cases"][0]["entries"]
    entries[2]["uuid"] = entries[1]["uuid"]
    result = cli("import", str(save(tmp_path / "bad.json", data)))
    assert result.exit_code == 1
    assert "is also used by cases[0].entries[1]" in result.stderr
    assert snapshot() == []


def test_a_later_problem_leaves_nothing_of_the_earlier_cases(
    cli: Cli, running_example, tmp_path: Path, snapshot, base
) -> None:
    """The first case is fine and new; the second claims an entry of another case here."""
    mine = complete_export(cli)
    data = base
    second = json.loads(json.dumps(data["cases"][0]))
    second["uuid"] = "00000000-0000-4000-8000-00000000000a"
    for index, entry in enumerate(second["entries"]):
        entry["uuid"] = f"00000000-0000-4000-8000-{index:012d}"
    for index, transaction in enumerate(second["transactions"]):
        transaction["uuid"] = f"00000000-0000-4000-9000-{index:012d}"
    second["entries"][0]["uuid"] = mine["cases"][0]["entries"][0]["uuid"]
    data["cases"].append(second)
    before = snapshot()
    result = cli("import", str(save(tmp_path / "bad.json", data)))
    assert result.exit_code == 1
    assert "the file and this notebook disagree" in result.stderr
    assert snapshot() == before


def _text(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (lambda text: text[: len(text) // 2].encode(), "truncated"),
        (lambda text: text[:-3].encode(), "truncated"),
        (lambda text: text.replace('"title"', '"title" "x"', 1).encode(), "Expecting ':'"),
        (lambda text: text.replace('"kind"', '"kind": 1, "kind"', 1).encode(), "appears twice"),
        (lambda text: text.encode()[:40] + b"\xff\xfe" + text.encode()[40:], "not UTF-8"),
        (lambda text: b"", "the file is empty"),
        (lambda text: b"   \n", "the file is empty"),
        (lambda text: b"[1, 2]", "not an issuenote export"),
        (lambda text: b'{"hello": 1}', "not an issuenote export"),
        (lambda text: b'{"cases": [], "schema_version": NaN}', "NaN is not a JSON value"),
        (lambda text: b"[" * 100_000, "nested too deeply"),
        (lambda text: gzip.compress(text.encode()), "issuenote restore"),
        (lambda text: b"SQLite format 3\x00" + b"\x00" * 100, "SQLite database"),
        (lambda text: b"PK\x03\x04rest", "zip archive"),
    ],
)
def test_a_malformed_file_is_refused_with_its_line(
    cli: Cli, running_example, tmp_path: Path, snapshot, base, content, reason
) -> None:
    file = tmp_path / "bad.json"
    file.write_bytes(content(_text(base)))
    before = snapshot()
    result = cli("import", str(file))
    assert result.exit_code == 1
    assert reason in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert snapshot() == before


def test_syntax_errors_name_line_and_column(cli: Cli, tmp_path: Path) -> None:
    file = tmp_path / "bad.json"
    file.write_text('{\n  "cases": [\n    {"uuid": }\n  ]\n}\n', encoding="utf-8")
    result = cli("import", str(file))
    assert result.exit_code == 1
    assert "line 3: not valid JSON: Expecting value (column 14)" in result.stderr


@pytest.mark.parametrize("kind", ["missing", "directory"])
def test_a_file_that_is_not_there(cli: Cli, tmp_path: Path, kind: str) -> None:
    path = tmp_path / "nothing.json"
    if kind == "directory":
        path.mkdir()
    result = cli("import", str(path))
    assert result.exit_code == 1
    assert ("no such file" if kind == "missing" else "directory") in result.stderr
    assert not (tmp_path / "home").exists()


def test_a_refused_file_creates_no_notebook(cli: Cli, tmp_path: Path, notebook_home) -> None:
    file = tmp_path / "bad.json"
    file.write_text('{"cases": [{"uuid": "x"}]', encoding="utf-8")
    assert cli("import", str(file)).exit_code == 1
    assert not notebook_home.exists()


def test_huge_and_odd_unicode_text_imports_faithfully(cli: Cli, tmp_path: Path, base) -> None:
    data = base
    odd = "שלום עולם 👩‍👩‍👧 e\u0301\u0301 " + "長い" * 200_000 + " \u202eevil\u202c"
    data["cases"][0]["entries"][0]["text"] = odd
    imported(cli, save(tmp_path / "big.json", data))
    entries = json.loads(cli("show", "1", "--json").stdout)["entries"]
    assert entries[0]["text"] == odd.strip()
