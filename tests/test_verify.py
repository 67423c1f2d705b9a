"""The tamper-evident chain: verify and doctor catch an edited byte, in the file or on disk."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from issuenote.evidence.chain import Link, RecordState, genesis, link_hash, verify_chain

Cli = Callable[..., Any]


def flip_byte_in_file(path: Path, needle: bytes) -> None:
    """Change one byte of `needle` where it sits in the file, as a hex editor would."""
    data = bytearray(path.read_bytes())
    at = data.find(needle)
    assert at >= 0, needle
    data[at] ^= 0x20  # 'S' <-> 's'
    path.write_bytes(bytes(data))


@pytest.fixture
def recorded(cli: Cli, case: str, tmp_path: Path) -> dict[str, Any]:
    cli("note", case, "Submitted the withdrawal at 09:12")
    cli("reply", case, "Stuck at the node, please wait 24h", "--agent", "Kevin", "--ticket", "8841")
    shot = tmp_path / "screen.txt"
    shot.write_text("Withdrawal status: PENDING\n")
    cli("attach", case, str(shot))
    return json.loads(cli("show", case, "--json").stdout)


def checkpoint(notebook_home: Path) -> None:
    conn = sqlite3.connect(notebook_home / "notebook.db")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def test_an_untouched_notebook_verifies(cli: Cli, case: str, recorded: dict[str, Any]) -> None:
    result = cli("verify")
    assert result.exit_code == 0
    assert f"case {case}: intact (3 links, chain head {recorded['chain_head'][:12]})" in (
        result.stdout
    )
    report = json.loads(cli("verify", case, "--json").stdout)
    assert report["intact"] and report["cases"][0]["head"] == recorded["chain_head"]


def test_one_byte_changed_in_the_database_file_is_caught(
    cli: Cli, case: str, recorded: dict[str, Any], notebook_home: Path
) -> None:
    checkpoint(notebook_home)
    flip_byte_in_file(notebook_home / "notebook.db", b"Stuck at the node")
    result = cli("verify", case)
    assert result.exit_code == 1
    reply = next(e for e in recorded["entries"] if e["kind"] == "reply")
    assert f"entry {reply['id']} changed after it was recorded" in result.stdout
    assert result.stderr.startswith("issuenote: the record of case 1 changed")
    doctor = cli("doctor")
    assert doctor.exit_code == 1
    assert f"entry {reply['id']} changed" in doctor.stdout


def test_one_byte_changed_in_an_attachment_on_disk_is_caught(
    cli: Cli, case: str, recorded: dict[str, Any], notebook_home: Path
) -> None:
    [item] = recorded["attachments"]
    path = notebook_home / "attachments" / item["sha256"][:2] / item["sha256"]
    flip_byte_in_file(path, b"PENDING")
    result = cli("verify")
    assert result.exit_code == 1
    assert "the file of attachment 1 changed on disk" in result.stdout
    assert "attachment 1 changed on disk" in cli("doctor").stdout
    path.unlink()
    assert "the file of attachment 1 is missing" in cli("verify").stdout


def test_edits_through_sql_are_named(
    cli: Cli, case: str, recorded: dict[str, Any], notebook_home: Path
) -> None:
    conn = sqlite3.connect(notebook_home / "notebook.db")
    first = recorded["entries"][0]["id"]
    conn.execute("UPDATE attachments SET name = 'other.txt'")
    conn.execute("DELETE FROM entries WHERE id = ?", (first,))
    conn.execute(
        "INSERT INTO entries (uuid, case_id, kind, text, at, created_at) "
        "VALUES ('11111111-2222-3333-4444-555555555555', 1, 'note', 'planted', "
        "'2026-11-20T01:00:00Z', '2026-11-20T01:00:00Z')"
    )
    conn.commit()
    conn.close()
    out = cli("verify", case).stdout
    attachment_entry = recorded["attachments"][0]["entry_id"]
    assert f"entry {attachment_entry} changed after it was recorded" in out
    assert "is missing: deleted outside issuenote" in out
    assert "is not in the chain: added outside issuenote" in out


def test_a_removed_or_altered_link_is_caught(
    cli: Cli, case: str, recorded: dict[str, Any], notebook_home: Path
) -> None:
    conn = sqlite3.connect(notebook_home / "notebook.db")
    conn.execute("UPDATE chain SET created_at = '2020-01-01T00:00:00Z' WHERE seq = 1")
    conn.commit()
    assert cli("verify").exit_code == 0  # when a link was written is not part of it
    conn.execute("UPDATE chain SET event = 'upgrade' WHERE seq = 2")
    conn.commit()
    assert "chain link 2 was altered" in cli("verify").stdout
    conn.execute("DELETE FROM chain WHERE seq = 2")
    conn.commit()
    conn.close()
    assert "chain link 2 is missing" in cli("verify").stdout


def test_done_detach_and_import_keep_the_chain_intact(
    cli: Cli, case: str, recorded: dict[str, Any], tmp_path: Path
) -> None:
    step = json.loads(cli("step", case, "Call again", "--json").stdout)
    assert cli("done", case, str(step["id"])).exit_code == 0
    assert cli("rm", case, "--attachment", "1").exit_code == 0
    export = tmp_path / "all.json"
    cli("export", "--all", "--format", "json", "--output", str(export))
    assert cli("--home", str(tmp_path / "other"), "import", str(export)).exit_code == 0
    assert cli("--home", str(tmp_path / "other"), "verify").exit_code == 0
    assert cli("verify").exit_code == 0


def test_verify_needs_no_key(
    cli: Cli, case: str, notebook_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli("note", case, "account statement 1234", "--private")
    (notebook_home / "key").unlink()
    assert cli("verify").exit_code == 0


def test_verify_of_unknown_case_or_empty_notebook(cli: Cli) -> None:
    assert cli("verify").stdout.startswith("No notebook yet")
    assert cli("verify", "3").exit_code == 1
    cli("new", "a case")
    result = cli("verify", "3")
    assert result.exit_code == 1 and "unknown case '3'" in result.stderr


def test_an_old_head_is_still_a_link() -> None:
    case_uuid = "c0ffee00-0000-4000-8000-000000000000"
    links, previous = [], genesis(case_uuid)
    for seq, (uuid, content) in enumerate([("a", "1" * 64), ("b", "2" * 64)], start=1):
        digest = link_hash(case_uuid, seq, "add", uuid, content, previous)
        links.append(Link(seq, "add", uuid, content, previous, digest))
        previous = digest
    report = verify_chain(
        case_uuid,
        links,
        [RecordState("a", "entry 1", "1" * 64), RecordState("b", "entry 2", "2" * 64)],
    )
    assert report.intact and report.head == links[-1].hash
    moved = verify_chain("another-case", links, [])
    assert "chain link 1 does not follow the start" in moved.problems[0]


def test_a_plain_note_loads_nothing_heavy_for_evidence(tmp_path: Path) -> None:
    """Linking an entry into its chain must not put OpenSSL, Pillow or mail parsing on `note`."""
    import subprocess
    import sys

    home = tmp_path / "nb"
    code = (
        "import sys; from issuenote.launch import main; sys.argv = ['issuenote'] + sys.argv[1:];"
        "\ntry:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = ('hashlib', 'PIL', 'filetype', 'mailparser_reply', 'extract_msg', 'zipfile',"
        " 'issuenote.evidence.attachments', 'issuenote.evidence.ingest', 'rich');"
        "print(sorted(m for m in heavy if m in sys.modules), file=sys.stderr)"
    )
    env = {"ISSUENOTE_HOME": str(home), "PATH": "/usr/bin:/bin", "TZ": "UTC"}
    subprocess.run([sys.executable, "-c", code, "new", "a case"], env=env, check=True)
    result = subprocess.run(
        [sys.executable, "-c", code, "note", "1", "waiting for support"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stderr.strip().splitlines()[-1] == "[]"


def test_the_chain_covers_corrections_deletions_and_undo(
    cli: Cli, case: str, notebook_home: Path
) -> None:
    reply = json.loads(cli("reply", case, "Wait 24h", "--agent", "Kevn", "--json").stdout)
    number = str(reply["number"])
    assert cli("amend", case, number, "--agent", "Kevin").exit_code == 0
    assert cli("verify", case).exit_code == 0
    assert cli("rm", case, number, "--yes").exit_code == 0
    assert cli("verify", case).exit_code == 0
    assert cli("undo", "--yes").exit_code == 0
    assert cli("verify", case).exit_code == 0
    links = json.loads(cli("verify", case, "--json").stdout)["cases"][0]["links"]
    assert links == 4  # add, revise, delete, undo: the chain is never rewound
    # Rewriting history (the kept first version) is caught like any other edit.
    conn = sqlite3.connect(notebook_home / "notebook.db")
    conn.execute("UPDATE entry_revisions SET fields = replace(fields, 'Kevn', 'Kevin')")
    conn.commit()
    conn.close()
    result = cli("verify", case)
    assert result.exit_code == 1
    assert f"entry {number} changed after it was recorded" in result.stdout


def test_an_import_with_revisions_and_tombstones_verifies(
    cli: Cli, case: str, tmp_path: Path
) -> None:
    reply = json.loads(cli("reply", case, "Wait", "--agent", "Kevn", "--json").stdout)
    cli("amend", case, str(reply["number"]), "--agent", "Kevin")
    note = json.loads(cli("note", case, "typo", "--json").stdout)
    cli("rm", case, str(note["number"]), "--yes")
    export = tmp_path / "all.json"
    cli("export", "--all", "--format", "json", "--output", str(export))
    other = tmp_path / "other"
    assert cli("--home", str(other), "import", str(export)).exit_code == 0
    assert cli("--home", str(other), "verify").exit_code == 0
    # Importing the same file into the notebook it came from changes nothing.
    assert cli("import", str(export)).exit_code == 0
    assert cli("verify").exit_code == 0


def test_a_head_printed_earlier_is_found_later(cli: Cli, case: str) -> None:
    cli("note", case, "first")
    printed = json.loads(cli("show", case, "--json").stdout)["chain_head"][:12]
    cli("note", case, "second")
    result = cli("verify", case, "--head", printed)
    assert result.exit_code == 0
    assert f"chain head {printed} is link 1 of case {case} (1 change recorded since)" in (
        result.stdout
    )
    forged = cli("verify", case, "--head", "0123456789ab")
    assert forged.exit_code == 1 and "is not a link" in forged.stderr
    assert cli("verify", case, "--head", "xyz").exit_code == 1
    assert cli("verify", "--head", printed).exit_code == 1


def test_a_chain_is_checked_in_statements_per_case_not_per_entry(
    cli: Cli, case: str, recorded: dict[str, Any], notebook_home: Path
) -> None:
    """What keeps doctor's chain check flat at a million entries: no query per entry."""
    from issuenote.store import Store

    def statements_to_verify() -> int:
        store = Store.open(notebook_home, create=False)
        assert store is not None
        seen: list[str] = []
        try:
            store.conn.set_trace_callback(seen.append)
            assert store.verify_case_chain(int(case)).intact
        finally:
            store.conn.set_trace_callback(None)
            store.close()
        return len(seen)

    before = statements_to_verify()
    for number in range(20):
        cli("note", case, f"note {number}")
    reply = json.loads(cli("reply", case, "Wait", "--agent", "Kevn", "--json").stdout)
    cli("amend", case, str(reply["number"]), "--agent", "Kevin")
    assert statements_to_verify() == before
