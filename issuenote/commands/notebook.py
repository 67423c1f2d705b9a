"""`issuenote backup`, `restore` and `import`: the whole notebook, kept and brought back."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from issuenote.commands._common import emit_json, home_of, say, warn

if TYPE_CHECKING:
    from issuenote.importer import ExportFile
    from issuenote.store.merge import MergeReport

JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


def backup(
    ctx: typer.Context,
    file: Annotated[
        Path | None,
        typer.Argument(
            metavar="[FILE]",
            help="Archive to write, or a directory for it "
            "(default: issuenote-backup-YYYYmmdd-HHMMSS.tar.gz here).",
            show_default=False,
        ),
    ] = None,
    with_key: Annotated[
        bool,
        typer.Option(
            "--with-key",
            help="Put the data key in the archive too (whoever has the archive can then "
            "read the encrypted fields).",
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Back up the whole notebook into one archive.

    Safe while other issuenote commands write.

    The archive holds a consistent copy of the database, config.toml and the
    attachment store, with a manifest of SHA-256 sums; it is checked after it
    is written and never replaces an existing file. The data key is left out
    unless --with-key is given.

    \b
    Examples:
      issuenote backup ~/backups/
    """
    from issuenote.backup import key_location_hint, make_backup

    home = home_of(ctx)
    result = make_backup(home, file, with_key=with_key)
    manifest = result.manifest
    hint = key_location_hint(home, manifest["notebook"]) if result.encrypted_data else None
    if as_json:
        emit_json({**result.as_dict(), "key_location": None if result.key_included else hint})
    else:
        say(
            f"Backed up the notebook ({_counts(manifest['counts'])}) to {result.path} "
            f"({result.size:,} bytes, SHA-256 {result.sha256[:16]}…)."
        )
        if result.encrypted_data and not result.key_included:
            say(
                "The data key is not in the backup: after a restore, the encrypted fields "
                "(account references, --private entries) open only with it. It is in "
                f"{hint}; keep a copy apart from the backup (or use --with-key)."
            )
        elif with_key and not result.key_included:
            say("Nothing is encrypted yet, so there is no data key to put in.")
        elif not result.key_included:
            say("Nothing in the notebook is encrypted yet, so the backup needs no key.")
    if result.key_included:
        warn(
            "the backup holds the data key: anyone who has the archive can read the "
            "encrypted fields; keep it as safe as a password"
        )
    if result.skipped:
        warn(f"not backed up (links or special files): {', '.join(result.skipped)}")


def restore(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="FILE", help="Archive made by `backup`.")],
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Replace the notebook that is there (it is saved to a rescue archive first).",
        ),
    ] = False,
    check: Annotated[
        bool, typer.Option("--check", help="Only check the archive and say what it holds.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Restore a backup archive.

    Into an empty notebook, or over one with --force.

    The archive is checked as a whole first (manifest, SHA-256 of every file,
    the database's integrity, a schema this issuenote knows, no links or
    paths leaving the directory); a bad archive is refused and nothing changes.

    \b
    Examples:
      issuenote restore issuenote-backup-20261203-091500.tar.gz --check
    """
    from issuenote import backup as backups

    if check:
        info = backups.check_archive(file)
        if as_json:
            emit_json(info.as_dict())
        else:
            say(f"{file} is a sound backup: {_described(info.as_dict())}.")
        return
    result = backups.restore_backup(home_of(ctx), file, force=force)
    if as_json:
        emit_json(result.as_dict())
        for message in result.warnings:
            warn(message)
        if result.key_status == "missing":
            warn(_missing_key_text(result.home))
        return
    say(f"Restored {_described(result.archive.as_dict())} into {result.home}.")
    if result.rescue is not None:
        say(f"What was there before was saved first to {result.rescue.path}.")
    for message in result.warnings:
        warn(message)
    if result.key_status == "included":
        say("The data key came with the backup.")
    elif result.key_status == "kept" and result.archive.kcv is not None:
        say("The key file already there opens its encrypted fields and was kept.")
    elif result.key_status == "kept":
        say("The key file already there was kept.")
    elif result.key_status == "found":
        say(f"Its encrypted fields open: {result.key_message}.")
    elif result.key_status == "missing":
        warn(_missing_key_text(result.home))


def import_(
    ctx: typer.Context,
    file: Annotated[
        str,
        typer.Argument(
            metavar="FILE",
            help="JSON from `export --all --format json` (or of one case); - reads stdin.",
        ),
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Say what the import would do; write nothing.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Merge an exported notebook into this one, by UUID.

    New cases, entries and transactions are added; importing the same file
    twice changes nothing. A record edited on both sides keeps this
    notebook's values and gets a note with the imported ones. A malformed or
    truncated file is refused as a whole, with its line.

    \b
    Examples:
      issuenote import notebook.json --dry-run
    """
    import tempfile

    from issuenote.evidence.archive import is_archive, read_archive
    from issuenote.importer import check_export_file, parse_export

    with tempfile.TemporaryDirectory(prefix="issuenote-import-") as scratch:
        files: dict[str, Path] = {}
        if file == "-":
            # Spooled to a private file: the check reads it once, the merge again.
            import shutil

            source = "<stdin>"
            spooled = Path(scratch) / "stdin.json"
            with spooled.open("wb") as spool:
                shutil.copyfileobj(sys.stdin.buffer, spool, 1 << 20)
            export = check_export_file(str(spooled), source=source, beside=True)
        elif is_archive(Path(file)):  # export --all --with-attachments
            source = file
            data, files = read_archive(Path(file), Path(scratch))
            export = parse_export(data, source=source)
        else:  # read case by case, at any size; a big file is checked beside the merge
            source = file
            export = check_export_file(file, source=source, beside=True)
        report = _merge_checked(ctx, export, dry_run=dry_run, files=files)
    if as_json:
        emit_json({"source": source, "notebook": export.notebook_id, **report.as_dict()})
    else:
        for line in _import_summary(export, report):
            say(line)
    for message in _import_warnings(export, report):
        warn(message)


def _merge_checked(
    ctx: typer.Context, export: ExportFile, *, dry_run: bool, files: dict[str, Path]
) -> MergeReport:
    """_merge, and when the file is still being checked beside it, the check's word first.

    A merge that fails before the check is done (a refusal, or SQLite
    meeting a UUID twice before the check could say so) waits for the
    check: a refusal of the file is what the user would have seen had the
    check run first, so it is the one told. A refused import into a home with no
    notebook leaves none (the merge had created it).
    """
    from issuenote.importer import CheckedBeside
    from issuenote.safety.keys import key_file_path
    from issuenote.session import notebook_exists

    home = home_of(ctx)
    new_home, new_notebook = not home.exists(), not notebook_exists(home)
    new_key = [] if key_file_path(home).exists() else [key_file_path(home)]
    cases = export.cases
    try:
        try:
            return _merge(ctx, export, dry_run=dry_run, files=files)
        except Exception:  # had the check run first, a file it refuses would not be merged
            if isinstance(cases, CheckedBeside):
                cases.settle()
            raise
        finally:
            if isinstance(cases, CheckedBeside):
                cases.close()
    except BaseException:
        if new_notebook and notebook_exists(home):  # refused: leave no empty notebook behind
            from issuenote.store.connection import discard_if_empty

            discard_if_empty(home, with_home=new_home, with_files=new_key)
        raise


def _merge(
    ctx: typer.Context, export: ExportFile, *, dry_run: bool, files: dict[str, Path]
) -> MergeReport:
    from issuenote.store import Store
    from issuenote.store.merge import merge_export

    home = home_of(ctx)
    if dry_run and not (home / "notebook.db").exists():
        # Nothing here yet: rehearse on a throwaway notebook, so no file appears.
        import tempfile

        with tempfile.TemporaryDirectory(prefix="issuenote-dry-run-") as scratch:
            store = Store.open(Path(scratch), create=True)
            assert store is not None
            try:
                return merge_export(store, export, dry_run=True, files=files)
            finally:
                store.close()
    from issuenote.commands._common import open_store

    with open_store(ctx, create=True) as store:
        return merge_export(store, export, dry_run=dry_run, files=files)


def _import_summary(export: ExportFile, report: MergeReport) -> list[str]:
    if not report.changed:
        return [f"Nothing to import: this notebook already has everything in {export.source}."]
    added = []
    if report.cases_added:
        numbers = ", ".join(str(n) for n in report.cases_added[:10])
        more = "…" if len(report.cases_added) > 10 else ""
        added.append(f"{_plural(len(report.cases_added), 'new case')} ({numbers}{more})")
    if report.entries_added:
        added.append(_plural(report.entries_added, "new entry", "new entries"))
    if report.transactions_added:
        added.append(_plural(report.transactions_added, "new transaction"))
    if report.attachments_added:
        added.append(_plural(report.attachments_added, "new attachment"))
    what = ", ".join(added) or "no new records"
    if report.dry_run:
        lines = [f"Dry run of {export.source}, nothing written; it would add {what}."]
    else:
        lines = [f"Imported {export.source}: {what}."]
    updated = [n for n in report.cases_updated if n not in report.cases_added]
    if updated:
        verb = "would be updated" if report.dry_run else "updated"
        lines.append(f"Case{'s' if len(updated) > 1 else ''} {_numbers(updated)} {verb} from it.")
    for conflict in report.conflicts:
        if conflict.already_noted:
            continue
        fields = ", ".join(conflict.fields[:5]) + (", …" if len(conflict.fields) > 5 else "")
        where = "" if report.dry_run else f" in note {conflict.note_id}"
        lines.append(
            f"Case {conflict.case_id} differs from the file ({fields}): kept the values here "
            f"and recorded the imported ones{where} (`issuenote show {conflict.case_id}`)."
        )
    return lines


def _import_warnings(export: ExportFile, report: MergeReport) -> list[str]:
    messages = []
    if report.masked_accounts:
        messages.append(
            f"{_plural(report.masked_accounts, 'account reference')} in the file "
            f"{'is' if report.masked_accounts == 1 else 'are'} masked and not imported "
            "(export with --no-redact to carry them)"
        )
    if export.includes_private is False:
        messages.append(
            "private entries were left out of this export (export with --include-private "
            "to carry them)"
        )
    unreadable = export.unreadable
    if unreadable:
        messages.append(
            f"{_plural(unreadable, 'encrypted field')} could not be read where the file was "
            "exported (no key there) and are missing from it"
        )
    if report.not_compared:
        messages.append(
            f"{_plural(report.not_compared, 'encrypted record')} here could not be compared "
            "with the file (this notebook's data key is missing)"
        )
    if report.attachments_without_file:
        messages.append(
            f"attachments listed in the file but not carried with it were not recorded "
            f"({report.attachments_without_file}); export with --with-attachments to carry them"
        )
    return messages


def _described(info: dict[str, Any]) -> str:
    from issuenote.parse import timeparse

    made = info.get("created_at")
    when = f"made {timeparse.format_local(made, style='long')}, " if made else ""
    key = "with its data key" if info.get("key_included") else "without the data key"
    return (
        f"the backup of notebook {info['notebook']} ({when}schema {info['schema_version']}, "
        f"{_counts(info.get('counts') or {})}, {key})"
    )


def _missing_key_text(home: Path) -> str:
    from issuenote.safety.keys import ENV_KEY, key_file_path

    return (
        "the notebook has encrypted fields (account references, --private entries) but "
        f"its data key is not here yet; set {ENV_KEY}, or put the key file at "
        f"{key_file_path(home)}; everything else reads as usual"
    )


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(
        _plural(counts.get(table, 0), noun, plural)
        for table, noun, plural in (
            ("cases", "case", "cases"),
            ("entries", "entry", "entries"),
            ("transactions", "transaction", "transactions"),
        )
    )


def _plural(count: int, noun: str, plural: str | None = None) -> str:
    return f"{count} {noun if count == 1 else (plural or noun + 's')}"


def _numbers(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:10])
    return shown + (", …" if len(numbers) > 10 else "")
