"""Input that forgives: `last`, any-case enumerations with "did you mean", odd homes."""

from __future__ import annotations

from pathlib import Path

import pytest


def test_last_is_the_most_recently_active_case(cli, cli_json) -> None:
    cli("new", "First case")
    cli("new", "Second case")
    cli("note", "1", "The first case moves again")
    assert cli_json("show", "last")["id"] == 1
    assert cli_json("show")["id"] == 1
    entry = cli_json("reply", "LAST", "An answer", "--agent", "Kevin")
    assert entry["case_id"] == 1
    cli("note", "2", "Now the second")
    assert cli_json("show")["id"] == 2
    assert "Case 2" in cli("show").stdout


def test_last_on_a_notebook_without_cases(cli, snapshot) -> None:
    cli("new", "Only case")
    cli("rm", "1", "--yes")
    before = snapshot()
    result = cli("note", "last", "text")
    assert result.exit_code == 1
    assert result.stderr.startswith("issuenote: no cases yet, so no `last` case")
    assert snapshot() == before


@pytest.mark.parametrize(
    ("args", "field", "expected"),
    [
        (("new", "t", "--category", "WITHDRAWAL"), "category", "withdrawal"),
        (("new", "t", "--lang", "KO"), "language", "ko"),
        (("new", "t", "--category", "Kyc"), "category", "kyc"),
    ],
)
def test_enumerations_take_any_case(cli_json, args, field: str, expected: str) -> None:
    assert cli_json(*args)[field] == expected


def test_channel_and_status_take_any_case(cli, cli_json, case: str) -> None:
    assert cli_json("contact", case, "--channel", "EMAIL", "x")["channel"] == "email"
    assert cli_json("status", case, "Waiting")["new_status"] == "waiting"
    assert cli("export", case, "--format", "MARKDOWN", "--lang", "KO").exit_code == 0


@pytest.mark.parametrize(
    ("args", "suggestion"),
    [
        (("new", "t", "--category", "withdrawl"), "did you mean 'withdrawal'?"),
        (("new", "t", "--lang", "kr"), "choose one of: en, zh, ko"),
        (("export", "1", "--format", "makrdown"), "did you mean 'markdown'?"),
        (("contact", "1", "--channel", "emial"), "did you mean 'email'?"),
        (("status", "1", "resovled"), "did you mean 'resolved'?"),
        (("tx", "1", "W123", "--kind", "withdraw"), "did you mean 'withdrawal'?"),
    ],
)
def test_near_misses_get_did_you_mean(cli, snapshot, case: str, args, suggestion: str) -> None:
    before = snapshot()
    result = cli(*args)
    assert result.exit_code == 1
    assert result.stderr.startswith("issuenote: unknown ")
    assert suggestion in result.stderr
    assert result.stderr.count("\n") == 1
    assert snapshot() == before


def test_far_misses_list_the_choices_without_a_guess(cli, case: str) -> None:
    result = cli("new", "t", "--category", "zzzzzz")
    assert result.exit_code == 1
    assert "did you mean" not in result.stderr
    assert "choose one of: account, security" in result.stderr


@pytest.mark.parametrize("home", ["", "  "])
def test_an_empty_home_is_refused(cli, notebook_home: Path, home: str) -> None:
    for args in (("new", "x"), ("list",), ("show", "1")):
        result = cli("--home", home, *args)
        assert result.exit_code == 1
        assert result.stderr.startswith("issuenote: --home is empty")
    assert not notebook_home.exists()
    assert not (Path.cwd() / "notebook.db").exists()


def test_a_mistyped_home_says_where_it_looked(cli, tmp_path: Path) -> None:
    cli("new", "x")
    elsewhere = tmp_path / "typo"
    result = cli("--home", str(elsewhere), "show", "1")
    assert result.exit_code == 1
    assert f"no notebook at {elsewhere} yet" in result.stderr
    listed = cli("--home", str(elsewhere), "list")
    assert listed.exit_code == 0
    assert not elsewhere.exists()


@pytest.fixture(params=["simulated", "chmod"])
def read_only_notebook(request, cli, notebook_home: Path, monkeypatch):  # type: ignore[no-untyped-def]
    """A notebook that cannot be written: made so by file modes, or (as root, whom
    modes do not stop) by telling issuenote the disk is read-only."""
    import os

    cli("new", "Withdrawal stuck", "--platform", "OKX")
    cli("note", "1", "Asked live chat about TK-88412907")
    if request.param == "chmod":
        if os.geteuid() == 0:
            pytest.skip("root ignores file modes")
        for path in notebook_home.iterdir():
            path.chmod(0o400)
        notebook_home.chmod(0o500)
        yield notebook_home
        notebook_home.chmod(0o700)
        for path in notebook_home.iterdir():
            path.chmod(0o600)
        return
    import issuenote.store.connection as connection

    monkeypatch.setattr(connection, "writable", lambda path: False)
    yield notebook_home


def test_a_read_only_notebook_reads_and_refuses_writes_in_one_line(
    cli, read_only_notebook: Path, snapshot
) -> None:
    before = snapshot()
    assert "Withdrawal stuck" in cli("list", "--json").stdout
    assert "TK-88412907" in cli("show", "1").stdout
    assert "TK-88412907" in cli("export", "1").stdout
    assert cli("search", "TK-88412907").exit_code == 0
    for args in (("note", "1", "more"), ("new", "Another"), ("status", "1", "waiting")):
        result = cli(*args)
        assert result.exit_code == 1, args
        assert result.stderr.startswith("issuenote: cannot write ")
        assert "it is read-only" in result.stderr
        assert "reading it (list, show, export, search) still works" in result.stderr
        assert result.stderr.count("\n") == 1
    assert snapshot() == before
