"""A whole-notebook export with its attachment files: `export --all --with-attachments`.

A ZIP holding `notebook.json` (what `export --all --format json` writes; its
attachment lists name each file's SHA-256) and `attachments/<sha256>`, one
file per distinct content. `issuenote import` reads it back and checks every
file against its name before trusting it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import zipfile
from pathlib import Path

from issuenote.errors import IssuenoteError
from issuenote.fsutil import fsync_directory

NOTEBOOK_MEMBER = "notebook.json"
ATTACHMENTS = "attachments"
_CHUNK = 1024 * 1024
_MEMBER = re.compile(r"attachments/([0-9a-f]{64})")


def write_archive(
    target: Path, notebook_json: str, files: dict[str, Path | bytes], *, force: bool
) -> int:
    """Write the ZIP beside `target` and move it into place; returns its size."""
    try:
        exists = target.exists()
    except OSError as error:
        raise IssuenoteError(
            f"cannot write {target.name[:80]!r}: {error.strerror or error}"
        ) from None
    if exists and not force:
        raise IssuenoteError(f"{target.name[:80]!r} exists; add --force to replace it")
    temp = target.parent / f".{target.name}.{secrets.token_hex(4)}.part"
    try:
        with zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            archive.writestr(NOTEBOOK_MEMBER, notebook_json.encode("utf-8"))
            for digest, content in sorted(files.items()):
                name = f"{ATTACHMENTS}/{digest}"
                if isinstance(content, bytes):
                    archive.writestr(name, content, zipfile.ZIP_STORED)
                else:
                    archive.write(content, name, zipfile.ZIP_STORED)
        os.chmod(temp, 0o600)
        os.replace(temp, target)
        fsync_directory(target.parent)
    except OSError as error:
        raise IssuenoteError(f"cannot write {target.name!r}: {error.strerror or error}") from None
    finally:
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)
    return target.stat().st_size


def is_archive(path: Path) -> bool:
    """A ZIP (from --with-attachments)? Unreadable or odd names say no: the import says why."""
    try:
        return path.is_file() and zipfile.is_zipfile(path)
    except OSError:
        return False


def read_archive(path: Path, into: Path) -> tuple[bytes, dict[str, Path]]:
    """The export's JSON, and each carried file unpacked into `into`, checked by its hash."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise IssuenoteError(f"cannot import {path.name}: not a readable ZIP ({error})") from None
    files: dict[str, Path] = {}
    with archive:
        names = archive.namelist()
        if NOTEBOOK_MEMBER not in names:
            raise IssuenoteError(f"cannot import {path.name}: it holds no {NOTEBOOK_MEMBER}")
        data = archive.read(NOTEBOOK_MEMBER)
        for name in names:
            match = _MEMBER.fullmatch(name)
            if name == NOTEBOOK_MEMBER or name.endswith("/"):
                continue
            if match is None:
                raise IssuenoteError(f"cannot import {path.name}: unexpected member {name[:80]!r}")
            target = into / match.group(1)
            digest = hashlib.sha256()
            with archive.open(name) as reader, target.open("wb") as writer:
                while chunk := reader.read(_CHUNK):
                    digest.update(chunk)
                    writer.write(chunk)
            if digest.hexdigest() != match.group(1):
                raise IssuenoteError(
                    f"cannot import {path.name}: {name} does not match its SHA-256; "
                    "nothing was imported"
                )
            files[match.group(1)] = target
    return data, files
