"""`issuenote config`: a registry of known keys over config.toml, and each key's effect."""

from __future__ import annotations

from pathlib import Path

import pytest

from issuenote.config import SETTINGS


def test_list_shows_every_key_with_its_default(cli, cli_json, notebook_home: Path) -> None:
    listed = cli("config", "list")
    assert listed.exit_code == 0
    for setting in SETTINGS:
        assert setting.key in listed.stdout
        assert setting.help in listed.stdout
    assert "language        en (default)" in listed.stdout
    data = cli_json("config", "list")
    assert data["due_hour"] == {
        "value": 9,
        "set": False,
        "default": 9,
        "valid": "a whole number from 0 to 23",
        "help": SETTINGS[6].help,
    }
    assert not notebook_home.exists()  # reading settings creates nothing


def test_set_get_unset_round_trip(cli, cli_json, notebook_home: Path) -> None:
    assert cli("config", "set", "language", "KO").stdout == "language = ko\n"
    assert cli("config", "set", "due-hour", "10").stdout == "due_hour = 10\n"
    assert cli("config", "set", "name", "Alice Chen").exit_code == 0
    assert cli("config", "get", "language").stdout == "ko\n"
    assert cli_json("config", "get", "due_hour") == {"key": "due_hour", "value": 10}
    assert cli_json("config", "list")["language"]["set"] is True
    text = (notebook_home / "config.toml").read_text(encoding="utf-8")
    assert 'language = "ko"' in text and "due_hour = 10" in text
    assert (notebook_home / "config.toml").stat().st_mode & 0o077 == 0
    assert cli("config", "unset", "language").stdout == "language unset.\n"
    assert cli("config", "unset", "language").stdout == "language was not set.\n"
    assert cli("config", "get", "language").stdout == "en\n"  # the default again
    assert cli("config", "get", "timezone").stdout == ""  # no default: nothing to print


def test_set_keeps_comments_and_channel_tables(cli, notebook_home: Path) -> None:
    notebook_home.mkdir()
    original = (
        "# my settings\n"
        'language = "zh"  # for the Shanghai team\n\n'
        '[channels.OKX]\ndomains = ["okx.com"]\n'
    )
    (notebook_home / "config.toml").write_text(original, encoding="utf-8")
    assert cli("config", "set", "platform", "OKX").exit_code == 0
    text = (notebook_home / "config.toml").read_text(encoding="utf-8")
    assert "# my settings" in text and "# for the Shanghai team" in text
    assert '[channels.OKX]\ndomains = ["okx.com"]' in text
    assert 'platform = "OKX"' in text
    assert cli("config", "get", "channels").stdout == "OKX\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("set", "langauge", "zh"),
            "unknown setting 'langauge'; did you mean 'language'? known: language, timezone",
        ),
        (("get", "colour"), "unknown setting 'colour'; known: language"),
        (("set", "language", "kr"), "unknown language 'kr'; choose one of: en, zh, ko"),
        (("set", "timezone", "Mars/Base"), "it takes an IANA time zone name"),
        (("set", "timezone", "../../etc/passwd"), "it takes an IANA time zone name"),
        (("set", "due_hour", "25"), "it takes a whole number from 0 to 23"),
        (("set", "due_hour", "nine"), "bad value 'nine' for due_hour"),
        (("set", "chat_max_chars", "10"), "a whole number from 200 to 100000"),
        (("set", "name", "a\nb"), "text of at most 100 characters on one line"),
        (("set", "name", "x" * 101), "text of at most 100 characters"),
        (("set", "channels", "x"), "edit config.toml to change it"),
    ],
)
def test_unknown_keys_and_bad_values_are_refused_with_the_valid_ones(
    cli, notebook_home: Path, args: tuple[str, ...], message: str
) -> None:
    result = cli("config", *args)
    assert result.exit_code == 1
    assert result.stderr.startswith("issuenote: ")
    assert message in result.stderr
    assert result.stderr.count("\n") == 1
    assert not (notebook_home / "config.toml").exists()


@pytest.mark.parametrize(
    ("content", "line", "reason"),
    [
        ('language = "zh"\nfoo = \n', 2, "invalid value"),
        ('language = "zh"\n\n[channels\n', 3, ""),
        (b'language = "zh"\nname = "\xff"\n', 2, "not UTF-8 text"),
    ],
)
def test_a_corrupt_file_is_reported_with_its_file_and_line(
    cli, case: str, notebook_home: Path, content: str | bytes, line: int, reason: str
) -> None:
    path = notebook_home / "config.toml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    for args in (("config", "list"), ("config", "set", "language", "en"), ("export", case)):
        result = cli(*args)
        assert result.exit_code == 1, args
        assert result.stderr.startswith(f"issuenote: {path}, line {line}: {reason}")
        assert result.stderr.count("\n") == 1
        assert "Traceback" not in result.stderr
    assert path.read_bytes() == (content if isinstance(content, bytes) else content.encode())


def test_a_bad_value_in_the_file_names_the_file_and_key(cli, notebook_home: Path) -> None:
    notebook_home.mkdir()
    (notebook_home / "config.toml").write_text("due_hour = 30\n", encoding="utf-8")
    result = cli("config", "get", "due_hour")
    assert result.exit_code == 1
    assert result.stderr == (
        f"issuenote: {notebook_home / 'config.toml'}: bad value '30' for due_hour; "
        "it takes a whole number from 0 to 23\n"
    )


def test_default_platform_fills_new_cases(cli, cli_json) -> None:
    cli("config", "set", "platform", "okex")
    assert cli_json("new", "Stuck")["platform"] == "OKX"
    assert cli_json("new", "Other", "--platform", "Binance")["platform"] == "Binance"


def test_due_hour_is_what_a_bare_day_means(cli, cli_json, case: str) -> None:
    from issuenote.parse.timeparse import format_local

    step = cli_json("step", case, "Email support", "--due", "tomorrow")
    assert format_local(step["due"]).endswith(" 09:00")
    cli("config", "set", "due_hour", "14")
    step = cli_json("step", case, "Call again", "--due", "friday")
    assert format_local(step["due"]).endswith(" 14:00")
    step = cli_json("step", case, "Exact", "--due", "tomorrow 9:30am")
    assert format_local(step["due"]).endswith(" 09:30")


def test_chat_max_chars_is_the_default_limit(cli, running_case: str) -> None:
    long = cli("export", running_case).stdout
    cli("config", "set", "chat_max_chars", "200")
    short = cli("export", running_case).stdout
    assert len(short) <= 200 < len(long)
    assert cli("export", running_case, "--max-chars", "1000").stdout == long


def test_timezone_changes_how_times_are_shown(cli, cli_json, case: str) -> None:
    cli("note", case, "At noon UTC", "--at", "2026-11-20T12:00:00Z")
    cli("config", "set", "timezone", "Asia/Seoul")
    assert "2026-11-20 21:00" in cli("show", case).stdout
    assert cli_json("show", case)["entries"][0]["at"] == "2026-11-20T21:00:00+09:00"
    cli("config", "set", "timezone", "UTC")
    assert "2026-11-20 12:00" in cli("show", case).stdout


@pytest.fixture
def running_case(cli) -> str:
    cli("new", "USDT withdrawal stuck", "--platform", "OKX", "--category", "withdrawal")
    for number in range(12):
        cli("note", "1", f"Contacted support again, attempt {number}, still waiting for the team")
    return "1"


def test_name_signs_the_email(cli, case: str) -> None:
    unsigned = cli("export", case, "--format", "email").stdout
    assert unsigned.rstrip().endswith("Kind regards")
    cli("config", "set", "name", "Alice Chen")
    signed = cli("export", case, "--format", "email").stdout
    assert signed.rstrip().endswith("Kind regards\nAlice Chen")
    assert "Alice Chen" not in cli("export", case).stdout  # the chat summary has no sign-off
