"""`issuenote doctor`: is the notebook whole, private, readable and openable?

Each check is a (status, name, detail) line: "ok", "warn" (works, but you
should know: e.g. a key file instead of the OS keyring) or "fail" (something
is wrong: damage, a missing key for encrypted data, files others can read).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from issuenote.errors import IssuenoteError
from issuenote.paths import database_path
from issuenote.store.schema import SCHEMA_VERSION

# Files the notebook keeps, and the mode each must have.
PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


@dataclass
class Check:
    status: str  # ok | warn | fail
    name: str
    detail: str
    fixed: bool = False


@dataclass
class Report:
    home: Path
    checks: list[Check] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)

    def add(self, status: str, name: str, detail: str, *, fixed: bool = False) -> None:
        self.checks.append(Check(status, name, detail, fixed))

    @property
    def failed(self) -> bool:
        return any(check.status == "fail" for check in self.checks)

    def as_dict(self) -> dict[str, Any]:
        return {
            "home": str(self.home),
            "ok": not self.failed,
            "checks": [check.__dict__ for check in self.checks],
            **self.facts,
        }


def examine(home: Path, *, fix: bool = False, quick: bool = False) -> Report:
    report = Report(home)
    db = database_path(home)
    report.facts["notebook"] = str(db)
    if not db.exists():
        report.add("ok", "notebook", f"no notebook yet at {db}; `issuenote new` makes one")
        return report
    _check_modes(report, home, fix=fix)
    _check_leftovers(report, home, fix=fix)
    from issuenote.store import Store

    try:
        store = Store.open(home, create=False)
    except IssuenoteError as error:
        report.add("fail", "database", str(error))
        return report
    assert store is not None
    try:
        _check_database(report, store, quick=quick)
        _check_key(report, store)
        _check_sync(report, home, store)
        _check_evidence(report, store, fix=fix)
    finally:
        store.close()
    report.facts["size_bytes"] = sum(
        path.stat().st_size for path in home.glob("notebook.db*") if path.is_file()
    )
    return report


def _check_modes(report: Report, home: Path, *, fix: bool) -> None:
    wanted = [(home, PRIVATE_DIR)]
    wanted += [(path, PRIVATE_FILE) for path in sorted(home.glob("notebook.db*"))]
    wanted += [(path, PRIVATE_FILE) for path in (home / "key", home / "config.toml")]
    attachments = home / "attachments"
    if attachments.is_dir():
        wanted += [(attachments, PRIVATE_DIR)]
        wanted += [(path, PRIVATE_DIR) for path in sorted(attachments.glob("??")) if path.is_dir()]
        wanted += [(path, PRIVATE_FILE) for path in sorted(attachments.glob("??/*"))]
    loose = []
    for path, mode in wanted:
        try:
            actual = stat.S_IMODE(path.stat().st_mode)
        except FileNotFoundError:
            continue
        if actual & 0o077:
            if fix:
                os.chmod(path, mode)
                report.add("ok", "permissions", f"{path}: {actual:04o} -> {mode:04o}", fixed=True)
            else:
                loose.append(f"{path.name} is {actual:04o}")
    if loose:
        report.add(
            "fail",
            "permissions",
            "readable by others: " + ", ".join(loose) + "; `issuenote doctor --fix` repairs it",
        )
    elif not any(check.name == "permissions" for check in report.checks):
        report.add("ok", "permissions", "the notebook directory and files are private to you")


def _check_leftovers(report: Report, home: Path, *, fix: bool) -> None:
    """Temporary key files a killed run left behind: they hold a key, so clear them."""
    leftovers = sorted(home.glob(".key.*.tmp"))
    if not leftovers:
        return
    names = ", ".join(path.name for path in leftovers)
    if fix:
        for path in leftovers:
            path.unlink(missing_ok=True)
        report.add("ok", "leftovers", f"removed {names}", fixed=True)
    else:
        report.add(
            "warn",
            "leftovers",
            f"temporary key files from an interrupted run: {names}; "
            "`issuenote doctor --fix` removes them",
        )


def _check_database(report: Report, store: Any, *, quick: bool = False) -> None:
    """SQLite's own checks; `quick`: quick_check (no index cross-check), no reference scan."""
    try:
        health = store.health(quick=quick)
    except Exception as error:  # a damaged page can fail any query
        report.add("fail", "database", f"cannot read the database: {error}")
        return
    report.facts.update(
        schema_version=health["schema_version"],
        migrations=health["migrations"],
        counts=health["counts"],
        journal_mode=health["journal_mode"],
    )
    pragma = "quick_check" if quick else "integrity_check"
    if health["integrity"] == ["ok"]:
        report.add("ok", "integrity", f"PRAGMA {pragma}: ok")
    else:
        shown = "; ".join(health["integrity"][:3])
        report.add("fail", "integrity", f"PRAGMA {pragma}: {shown}")
    if health["foreign_key_errors"]:
        report.add("fail", "references", f"{health['foreign_key_errors']} broken references")
    report.add(
        "ok",
        "schema",
        f"schema {health['schema_version']} (this issuenote writes {SCHEMA_VERSION}); "
        f"migrations: {', '.join(health['migrations'])}",
    )
    counts = health["counts"]
    report.add(
        "ok",
        "contents",
        f"{counts['cases']} cases, {counts['entries']} entries, "
        f"{counts['transactions']} transactions",
    )
    if health["journal_mode"] != "wal":
        report.add("warn", "journal", f"journal mode is {health['journal_mode']}, expected wal")
    report.facts["encrypted_data"] = health["encrypted_data"]


def _check_key(report: Report, store: Any) -> None:
    from issuenote.safety.keys import describe_key_location

    kcv = store.meta("kcv")
    where = describe_key_location(store.home, store.notebook_id(), kcv)
    report.facts["key"] = {k: v for k, v in where.items() if k != "problems"}
    explanation = where["explanation"]
    if kcv is None:
        report.add("ok", "key", f"no encrypted data yet. {explanation}".strip())
    elif not where["verified"]:
        report.add("fail", "key", explanation or "; ".join(where["problems"]))
    elif where["source"] == "file":
        report.add("warn", "key", explanation)
    else:
        report.add("ok", "key", explanation)


def _check_sync(report: Report, home: Path, store: Any) -> None:
    """Remote, last success, changes not sent yet, a failed background sync. No network."""
    from issuenote.sync import auto, state

    try:
        sync_state = state.load_state(home)
    except IssuenoteError as error:
        report.add("fail", "sync", str(error))
        return
    if sync_state is None:
        report.facts["sync"] = None
        report.add("ok", "sync", "not set up (`issuenote sync init REMOTE` to use a git remote)")
        return
    revisions = store.case_revisions()
    pending = sum(
        1
        for case_uuid, (_, revision, _) in revisions.items()
        if sync_state.published.get(case_uuid) != revision
    ) + sum(1 for case_uuid in sync_state.published if case_uuid not in revisions)
    failure = auto.read_failure(home)
    report.facts["sync"] = {
        "remote": sync_state.remote,
        "device_name": sync_state.device_name,
        "last_sync_at": sync_state.last_sync_at,
        "pending_cases": pending,
        "background_failure": failure,
    }
    from issuenote.parse import timeparse

    last = sync_state.last_sync_at
    when = timeparse.format_local(last, style="long") if last else "never"
    detail = (
        f"with {sync_state.remote} as {sync_state.device_name!r}; last success {when}; "
        f"{pending} changed case(s) not sent yet"
    )
    if failure:
        report.add("warn", "sync", f"{detail}; the last background sync failed {failure}")
    elif not (state.sync_dir(home) / state.REPO_DIR).is_dir():
        report.add("fail", "sync", f"{detail}; its git folder is missing (run sync init again)")
    else:
        report.add("ok", "sync", detail)


def _check_evidence(report: Report, store: Any, *, fix: bool) -> None:
    """Every attachment's file against its SHA-256, every case's chain, stray files."""
    from issuenote.evidence import attachments as files

    try:
        rows = store.all_attachment_rows()
        case_ids = [int(row[0]) for row in store.conn.execute("SELECT id FROM cases ORDER BY id")]
    except Exception as error:  # a damaged page can fail any query
        report.add("fail", "attachments", f"cannot read the attachment records: {error}")
        return
    broken = []
    for row in rows:
        problem = files.check_blob(store.home, row["blob"])
        if problem:
            broken.append(f"case {row['case_id']} attachment {row['number']} {problem}")
    if broken:
        report.add(
            "fail", "attachments", "; ".join(broken[:5]) + (" ..." if len(broken) > 5 else "")
        )
    else:
        report.add("ok", "attachments", f"{len(rows)} attachments, every file matches its SHA-256")
    changed = []
    try:
        for case_id in case_ids:
            chain = store.verify_case_chain(case_id)
            changed += [f"case {case_id}: {problem}" for problem in chain.problems]
    except Exception as error:  # a damaged page can fail any query
        report.add("fail", "chain", f"cannot read the chain: {error}")
        return
    if changed:
        report.add(
            "fail",
            "chain",
            "; ".join(changed[:5])
            + (" ..." if len(changed) > 5 else "")
            + "; `issuenote verify` lists all",
        )
    else:
        report.add("ok", "chain", f"the chains of {len(case_ids)} cases are intact")
    _check_stray_files(report, store, fix=fix)


def _check_stray_files(report: Report, store: Any, *, fix: bool) -> None:
    """Files no attachment uses (an interrupted attach), and half-copied incoming files."""
    from issuenote.evidence import attachments as files

    stray = sorted(files.stored_blobs(store.home) - store.all_blobs())
    partial = files.leftovers(store.home)
    if not stray and not partial:
        return
    what = f"{len(stray)} attachment files no attachment uses, {len(partial)} half-copied files"
    if fix:
        for blob in stray:
            files.remove_blob(store.home, blob)
        for path in partial:
            path.unlink(missing_ok=True)
        report.add("ok", "attachment files", f"removed {what}", fixed=True)
    else:
        report.add(
            "warn",
            "attachment files",
            f"{what} (kept for `undo`, or left by an interrupted attach); "
            "`issuenote doctor --fix` removes them",
        )
