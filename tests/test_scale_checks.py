"""What keeps backup and doctor quick on a big notebook, pinned."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture
def notebook(cli) -> None:
    cli("new", "USDT withdrawal stuck", "--platform", "OKX")
    cli("note", "1", "Support says wait 24 hours")


def test_backup_checks_integrity_once_and_never_unpacks(
    cli, notebook, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from issuenote import backup
    from issuenote.store import queries

    inspected: list[Path] = []
    real_inspect = queries.inspect_database

    def counting(path: Path) -> dict[str, Any]:
        inspected.append(path)
        return real_inspect(path)

    written: list[Any] = []
    real_member = backup._unpack_member

    def watching(archive: Path, tar: Any, member: Any, target: Any, expected: Any) -> None:
        written.append(target)
        real_member(archive, tar, member, target, expected)

    monkeypatch.setattr(queries, "inspect_database", counting)
    monkeypatch.setattr(backup, "_unpack_member", watching)
    target = tmp_path / "b.tar.gz"
    result = cli("backup", str(target))
    assert result.exit_code == 0, result.stderr
    assert len(inspected) == 1  # the consistent copy, before it is archived
    assert written and all(path is None for path in written)  # read back, never unpacked
    # and a restore's check still unpacks and checks everything
    info = backup.check_archive(target)
    assert info.database["integrity"] == ["ok"]
    assert len(inspected) == 2


def test_backup_compresses_at_the_default_level(cli, notebook, tmp_path: Path) -> None:
    target = tmp_path / "b.tar.gz"
    assert cli("backup", str(target)).exit_code == 0
    header = target.read_bytes()[:10]
    assert header[:2] == b"\x1f\x8b"
    assert header[8] == 0  # XFL: 2 would be level 9 ("maximum compression")


def test_a_damaged_backup_is_still_caught_after_writing(
    cli, notebook, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from issuenote import backup

    real = backup._write_archive

    def corrupting(path: Path, *args: Any) -> tuple[int, str]:
        size, digest = real(path, *args)
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0xFF
        path.write_bytes(bytes(data))
        return size, digest

    monkeypatch.setattr(backup, "_write_archive", corrupting)
    target = tmp_path / "b.tar.gz"
    result = cli("backup", str(target))
    assert result.exit_code == 1
    assert "did not pass its own check" in result.stderr
    assert not target.exists()


def test_doctor_quick_uses_quick_check(cli, cli_json, notebook) -> None:
    result = cli("doctor", "--quick")
    assert result.exit_code == 0, result.stdout
    assert "PRAGMA quick_check: ok" in result.stdout
    assert "PRAGMA integrity_check: ok" in cli("doctor").stdout
    report = cli_json("doctor", "--quick")
    assert any(check["detail"] == "PRAGMA quick_check: ok" for check in report["checks"])


def test_doctor_quick_still_finds_a_damaged_page(cli, notebook, notebook_home: Path) -> None:
    db = notebook_home / "notebook.db"
    data = bytearray(db.read_bytes())
    page = 4096
    for offset in range(page * 2, min(len(data), page * 3)):
        data[offset] = 0xA5
    db.write_bytes(bytes(data))
    result = cli("doctor", "--quick")
    assert result.exit_code == 1


def test_piped_show_keeps_every_timeline_line_whole(cli) -> None:
    """The flat timeline (one text, not a renderable per entry) neither crops nor pads."""
    long_line = "Support says " + "the withdrawal is still under review, " * 6 + "END"
    cli("new", "Long notes")
    for number in range(30):
        assert cli("note", "1", f"{number}: {long_line}").exit_code == 0
    out = cli("show", "1").stdout
    lines = out.splitlines()
    timeline = lines[lines.index("Timeline") + 1 :]
    bodies = [line for line in timeline if line.startswith("      ") and "END" in line]
    assert len(bodies) == 30
    assert all(line.endswith(long_line) for line in bodies)
    assert all(line == line.rstrip() for line in timeline)


def _lines_as_rich_prints_them(console_kwargs: dict[str, Any], lines: list[Any]) -> str:
    """The output of one console.print per line, as `show` printed before."""
    import io

    from rich.console import Console

    out = Console(file=io.StringIO(), highlight=False, **console_kwargs)
    for line in lines:
        out.print(line, soft_wrap=True)
    return out.file.getvalue()  # type: ignore[attr-defined]


def _lines_printed(console_kwargs: dict[str, Any], lines: list[Any]) -> str:
    import io

    from rich.console import Console

    from issuenote import render

    out = Console(file=io.StringIO(), highlight=False, **console_kwargs)
    render.print_lines(out, lines)
    return out.file.getvalue()  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "console_kwargs",
    [
        {"force_terminal": False, "width": 20},
        {"force_terminal": False, "width": 200, "tab_size": 4},
        {"force_terminal": True, "color_system": "truecolor", "width": 20},
    ],
)
def test_print_lines_writes_what_a_print_per_line_wrote(console_kwargs: dict[str, Any]) -> None:
    """Piped, `show` writes plain text itself; the bytes are rich's, tabs and wide text too."""
    from rich.text import Text

    lines = [
        Text("Case 1  ", style="bold") + Text("提现 stuck", style="bold"),
        Text(""),
        Text("a\tb\t\tc"),
        Text("中文\tx  ·  한국어\ty", style="red"),
        Text("      one\n\ttwo\n"),
        Text("trailing spaces past the width are kept     " * 2),
        Text("⚠ flagged", style="bold red") + Text("\tafter a tab", style="dim"),
    ]
    assert _lines_printed(console_kwargs, lines) == _lines_as_rich_prints_them(
        console_kwargs, lines
    )
