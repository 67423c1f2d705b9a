"""Backups: the whole notebook in one archive, checked before it is trusted.

An archive is a gzip-compressed tar file holding, in this order:

    manifest.json    what it is: format, schema version, notebook id, time,
                     counts, the key check value, and every file with its
                     size and SHA-256
    notebook.db      a consistent copy of the database, made with SQLite's
                     online backup API (never a copy of the live file)
    config.toml      the notebook's settings, if there are any
    attachments/...  the attachment store, if there is one
    key              the data key, only when asked for (--with-key)

The data key is left out by default: an archive that holds it opens every
encrypted field to whoever holds the archive. The key check value is in the
manifest, so a restore can say at once whether the key it finds opens the
notebook.

A restore trusts nothing: the archive is checked as a whole (its manifest,
every member's size and SHA-256, no links or paths that leave the notebook
directory, the database's own integrity check, a schema this issuenote
knows) while it is unpacked into a staging directory beside the notebook,
and only then swapped into place. A bad archive changes nothing. Replacing
a notebook (--force) first saves what is there in a rescue archive.

Pure of the CLI; sqlite is reached through issuenote.store, imported on use.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import secrets
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import IO, Any

from issuenote.errors import IssuenoteError
from issuenote.fsutil import fsync_directory

FORMAT = "issuenote-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DB_MEMBER = "notebook.db"
CONFIG_MEMBER = "config.toml"
KEY_MEMBER = "key"
ATTACHMENTS = "attachments"
# The database's companions: a rescue archive keeps them only when the database is unreadable.
_DB_COMPANIONS = ("notebook.db-wal", "notebook.db-shm", "notebook.db-journal")
_MAX_MANIFEST_BYTES = 16 * 1024 * 1024
_MAX_MEMBERS = 1_000_000
_CHUNK = 1024 * 1024
# zlib's default level: a notebook compresses almost as well as at 9, several times faster.
_GZIP_LEVEL = 6
_SHA256 = re.compile(r"[0-9a-f]{64}")
_PRIVATE_FILE = 0o600
_PRIVATE_DIR = 0o700


@dataclass(frozen=True)
class BackupResult:
    """An archive written (and checked) by make_backup."""

    path: Path
    size: int
    sha256: str
    manifest: dict[str, Any]
    # Files of the notebook directory not backed up (links, sockets ...).
    skipped: tuple[str, ...] = ()

    @property
    def key_included(self) -> bool:
        return bool(self.manifest.get("key_included"))

    @property
    def encrypted_data(self) -> bool:
        return bool(self.manifest.get("encrypted_data"))

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "size": self.size,
            "sha256": self.sha256,
            "notebook": self.manifest.get("notebook"),
            "schema_version": self.manifest.get("schema_version"),
            "created_at": self.manifest.get("created_at"),
            "counts": self.manifest.get("counts"),
            "files": [entry["path"] for entry in self.manifest.get("files", [])],
            "encrypted_data": self.encrypted_data,
            "key_included": self.key_included,
            "skipped": list(self.skipped),
        }


@dataclass(frozen=True)
class ArchiveInfo:
    """A backup archive that passed every check."""

    path: Path
    manifest: dict[str, Any]
    database: dict[str, Any]
    # With a key inside: does it open the notebook's encrypted fields?
    key_verified: bool | None = None

    @property
    def notebook_id(self) -> str:
        return str(self.manifest["notebook"])

    @property
    def kcv(self) -> str | None:
        return self.database.get("kcv")

    @property
    def key_included(self) -> bool:
        return any(entry["path"] == KEY_MEMBER for entry in self.manifest["files"])

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "kind": self.manifest.get("kind", "backup"),
            "notebook": self.notebook_id,
            "schema_version": self.manifest["schema_version"],
            "created_at": self.manifest.get("created_at"),
            "issuenote_version": self.manifest.get("issuenote_version"),
            "counts": self.database.get("counts"),
            "files": [entry["path"] for entry in self.manifest["files"]],
            "encrypted_data": self.kcv is not None,
            "key_included": self.key_included,
            "key_verified": self.key_verified,
        }


@dataclass(frozen=True)
class RestoreResult:
    home: Path
    archive: ArchiveInfo
    rescue: BackupResult | None = None
    # How the encrypted fields will open: "none-needed", "included", "kept", "found", "missing".
    key_status: str = "none-needed"
    key_message: str | None = None
    warnings: tuple[str, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict[str, Any]:
        return {
            "home": str(self.home),
            "archive": self.archive.as_dict(),
            "rescue": None if self.rescue is None else str(self.rescue.path),
            "key_status": self.key_status,
            "key_message": self.key_message,
            "warnings": list(self.warnings),
        }


# -- making a backup ------------------------------------------------------------


def default_backup_name(now: datetime) -> str:
    return f"issuenote-backup-{now.astimezone():%Y%m%d-%H%M%S}.tar.gz"


def key_location_hint(home: Path, notebook_id: str) -> str:
    """Where the data key of this notebook is kept now, in words (without touching it)."""
    from issuenote.safety.keys import ENV_KEY, KEYRING_SERVICE, key_file_path

    if os.environ.get(ENV_KEY, "").strip():
        return f"the {ENV_KEY} environment variable"
    path = key_file_path(home)
    if path.is_file():
        return f"the key file {path}"
    return f"the OS keyring (service {KEYRING_SERVICE!r}, user {notebook_id!r})"


def make_backup(
    home: Path,
    target: Path | None = None,
    *,
    with_key: bool = False,
    cwd: Path | None = None,
    now: datetime | None = None,
    rescue: bool = False,
) -> BackupResult:
    """Write one archive of the notebook in `home` and check it; never overwrite a file.

    `target` may be a file name, a directory (the default name goes in it) or
    None (the default name in `cwd`). A rescue archive (made before a
    restore replaces a notebook) keeps every file of the notebook directory,
    the key file included, and the raw database files when the database
    cannot be read.
    """
    from issuenote.parse import timeparse
    from issuenote.paths import database_path

    moment = now or timeparse.utc_now()
    home = Path(home)
    if not rescue and not database_path(home).is_file():
        raise IssuenoteError(f"no notebook at {home}; there is nothing to back up")
    path = _target_path(target, Path(cwd) if cwd else Path.cwd(), moment)
    with tempfile.TemporaryDirectory(prefix="issuenote-backup-") as scratch:
        work = Path(scratch)
        members, facts, raw = _database_members(home, work, rescue=rescue)
        skipped: list[str] = []
        members += _home_members(home, skipped, rescue=rescue)
        key_included = False
        if with_key:
            key_file = _key_member(home, work, facts)
            if key_file is not None:
                members = [m for m in members if m[0] != KEY_MEMBER]
                members.append((KEY_MEMBER, key_file))
                key_included = True
        elif rescue:
            key_included = any(name == KEY_MEMBER for name, _ in members)
        listed = [_describe(name, source) for name, source in members]
        manifest = _manifest(moment, facts, listed, key_included=key_included, rescue=rescue)
        if raw:  # the database could not be read: its files are kept as they were
            manifest["raw_database"] = True
        size, digest = _write_archive(path, manifest, members, listed)
    try:
        # Read back without unpacking: the manifest, every member and its SHA-256. The
        # database member's hash is that of the copy whose integrity was checked above,
        # so the same bytes need no second integrity check.
        _unpack_checked(path, None, contents=False)
    except IssuenoteError as error:
        with contextlib.suppress(OSError):
            path.unlink()
        raise IssuenoteError(
            f"the backup written to {path} did not pass its own check ({error}); it was "
            "removed. Check the disk, then run the backup again"
        ) from None
    return BackupResult(path, size, digest, manifest, tuple(skipped))


def _target_path(target: Path | None, cwd: Path, now: datetime) -> Path:
    try:
        return _free_target_path(target, cwd, now)
    except OSError as error:  # e.g. a name too long: pathlib's checks raise, not answer
        raise IssuenoteError(f"cannot write {target}: {error.strerror or error}") from None


def _free_target_path(target: Path | None, cwd: Path, now: datetime) -> Path:
    name = default_backup_name(now)
    if target is None:
        path = cwd / name
    elif Path(target).is_dir():
        path = Path(target) / name
    else:
        path = Path(target).expanduser()
    if path.exists() or path.is_symlink():
        raise IssuenoteError(
            f"{path} already exists; a backup never replaces a file, choose another name"
        )
    if not path.parent.is_dir():
        raise IssuenoteError(f"cannot write {path}: directory {path.parent} does not exist")
    return path


def _database_members(
    home: Path, work: Path, *, rescue: bool
) -> tuple[list[tuple[str, Path]], dict[str, Any], bool]:
    """The consistent copy of the database; for a rescue of a broken one, its raw files."""
    from issuenote.paths import database_path
    from issuenote.store.queries import inspect_database, snapshot_database

    if rescue and not database_path(home).is_file():
        return [], {}, False
    copy = work / DB_MEMBER
    problem: str | None = None
    facts: dict[str, Any] = {}
    try:
        snapshot_database(database_path(home), copy)
        facts = inspect_database(copy)
        if facts["integrity"] != ["ok"]:
            problem = f"it fails SQLite's integrity check ({_first_problem(facts)})"
    except IssuenoteError as error:
        problem = str(error)
    if problem is None:
        return [(DB_MEMBER, copy)], facts, False
    if not rescue:
        raise IssuenoteError(
            f"the notebook in {home} cannot be backed up: {problem}; "
            "run `issuenote doctor` to see what is wrong"
        )
    raw = [(DB_MEMBER, database_path(home))]
    raw += [(name, home / name) for name in _DB_COMPANIONS if (home / name).is_file()]
    unknown = {"integrity": [problem], "schema_version": 0, "notebook_id": None, "kcv": None}
    return raw, {**unknown, "counts": {}, **{k: v for k, v in facts.items() if v}}, True


def _home_members(home: Path, skipped: list[str], *, rescue: bool) -> list[tuple[str, Path]]:
    """Settings and attachments; for a rescue, every other file of the directory too."""
    members: list[tuple[str, Path]] = []
    if rescue:
        leave_out = {DB_MEMBER, *_DB_COMPANIONS}
        roots = sorted(home.iterdir())
    else:
        leave_out = set()
        roots = [home / CONFIG_MEMBER, home / ATTACHMENTS]
    for root in roots:
        name = root.name
        if name in leave_out or name.startswith(".write-probe-"):
            continue
        if root.is_symlink():
            skipped.append(name)
        elif root.is_file():
            members.append((name, root))
        elif root.is_dir():
            members += _tree_members(home, root, skipped)
        elif root.exists():
            skipped.append(name)
    return members


def _tree_members(home: Path, root: Path, skipped: list[str]) -> list[tuple[str, Path]]:
    members: list[tuple[str, Path]] = []
    for directory, subdirectories, files in os.walk(root, followlinks=False):
        base = Path(directory)
        subdirectories.sort()
        for child in list(subdirectories):
            if (base / child).is_symlink():
                skipped.append((base / child).relative_to(home).as_posix())
                subdirectories.remove(child)
        for name in sorted(files):
            path = base / name
            relative = path.relative_to(home).as_posix()
            if path.is_symlink() or not path.is_file():
                skipped.append(relative)
            else:
                members.append((relative, path))
    return members


def _key_member(home: Path, work: Path, facts: dict[str, Any]) -> Path | None:
    """The data key, in the key file's format, for --with-key; None if there is none yet."""
    from issuenote.safety.keys import encode_key, load_key

    notebook_id = facts.get("notebook_id")
    if not notebook_id:
        raise IssuenoteError("this notebook has no id; run `issuenote doctor`")
    info = load_key(home, notebook_id, kcv=facts.get("kcv"), create=False)
    if info is None:
        return None
    path = work / KEY_MEMBER
    _write_private(path, (encode_key(info.key) + "\n").encode("ascii"))
    return path


def _describe(name: str, source: Path) -> dict[str, Any]:
    size, digest = _hash_file(source)
    return {"path": name, "size": size, "sha256": digest}


def _hash_file(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def _manifest(
    now: datetime,
    facts: dict[str, Any],
    files: list[dict[str, Any]],
    *,
    key_included: bool,
    rescue: bool,
) -> dict[str, Any]:
    from issuenote import __version__
    from issuenote.parse import timeparse

    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "kind": "rescue" if rescue else "backup",
        "issuenote_version": __version__,
        "created_at": timeparse.to_storage(now),
        "schema_version": facts.get("schema_version", 0),
        "notebook": facts.get("notebook_id"),
        "encrypted_data": facts.get("kcv") is not None,
        "kcv": facts.get("kcv"),
        "key_included": key_included,
        "counts": facts.get("counts", {}),
        "files": files,
    }


class _HashingReader:
    """Hands tarfile a file's bytes and hashes exactly what was archived."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.digest.update(data)
        return data


def _write_archive(
    path: Path,
    manifest: dict[str, Any],
    members: list[tuple[str, Path]],
    listed: list[dict[str, Any]],
) -> tuple[int, str]:
    """Write the archive next to `path`, then link it into place (never over a file)."""
    import gzip
    import tarfile

    handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    temp = Path(temp_name)
    mtime = int(datetime.now().timestamp())
    try:
        with os.fdopen(handle, "wb") as raw:
            if hasattr(os, "fchmod"):
                os.fchmod(raw.fileno(), _PRIVATE_FILE)
            hashed = _HashingWriter(raw)
            with (
                gzip.GzipFile(
                    filename="", mode="wb", fileobj=hashed, mtime=mtime, compresslevel=_GZIP_LEVEL
                ) as compressed,
                tarfile.open(fileobj=compressed, mode="w", format=tarfile.PAX_FORMAT) as tar,
            ):
                data = json.dumps(manifest, indent=2, ensure_ascii=False).encode("utf-8")
                tar.addfile(_tar_info(MANIFEST, len(data), mtime), _BytesReader(data))
                for (name, source), expected in zip(members, listed, strict=True):
                    _add_member(tar, name, source, expected, mtime)
            raw.flush()
            os.fsync(raw.fileno())
        _link_into_place(temp, path)
    except OSError as error:
        raise IssuenoteError(f"cannot write {path}: {error.strerror or error}") from None
    finally:
        with contextlib.suppress(OSError):
            temp.unlink()
    fsync_directory(path.parent)
    return hashed.size, hashed.digest.hexdigest()


class _HashingWriter:
    """Passes the archive's bytes to its file and hashes them, sparing a second read."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        self.size += len(data)
        return self.stream.write(data)

    def flush(self) -> None:
        self.stream.flush()


def _add_member(tar: Any, name: str, source: Path, expected: dict[str, Any], mtime: int) -> None:
    with source.open("rb") as stream:
        reader = _HashingReader(stream)
        try:
            tar.addfile(_tar_info(name, expected["size"], mtime), reader)
        except OSError as error:
            if "unexpected end of data" not in str(error):
                raise
            reader.digest.update(b"\x00")  # it shrank: make the check below fail
    if reader.digest.hexdigest() != expected["sha256"]:
        raise IssuenoteError(f"{source} changed while it was being backed up; run the backup again")


class _BytesReader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.offset = 0

    def read(self, size: int = -1) -> bytes:
        end = len(self.data) if size < 0 else self.offset + size
        chunk = self.data[self.offset : end]
        self.offset += len(chunk)
        return chunk


def _tar_info(name: str, size: int, mtime: int) -> Any:
    """A plain member: no owner names or ids of this machine, private mode."""
    import tarfile

    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = mtime
    info.mode = _PRIVATE_FILE
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


def _link_into_place(temp: Path, path: Path) -> None:
    """A hard link refuses an existing name, even one made a moment ago by another process."""
    try:
        os.link(temp, path)
    except FileExistsError:
        raise IssuenoteError(
            f"{path} already exists; a backup never replaces a file, choose another name"
        ) from None
    except OSError:  # no hard links on this file system
        if path.exists():
            raise IssuenoteError(f"{path} already exists; choose another name") from None
        os.replace(temp, path)


# -- checking an archive ------------------------------------------------------------


def check_archive(archive: Path, *, contents: bool = True) -> ArchiveInfo:
    """Check a whole archive (unpacked into a scratch directory, then removed).

    `contents=False` checks the archive (manifest, members, SHA-256) but not
    the notebook in it: for rescue archives of a notebook that was unreadable.
    """
    with tempfile.TemporaryDirectory(prefix="issuenote-check-") as scratch:
        return _unpack_checked(Path(archive), Path(scratch), contents=contents)


def _refusal(archive: Path, reason: str) -> IssuenoteError:
    return IssuenoteError(f"{archive} is not a usable backup: {reason}")


def _unpack_checked(
    archive: Path, destination: Path | None, *, contents: bool = True
) -> ArchiveInfo:
    """Unpack into `destination` (an empty private directory), checking everything.

    With no destination the members are read and hashed, not written (a
    backup's check of the archive it has just written).
    """
    import gzip
    import tarfile
    import zlib

    _check_file_kind(archive)
    manifest: dict[str, Any] | None = None
    expected: dict[str, dict[str, Any]] = {}
    seen: set[str] = set()
    try:
        with (
            archive.open("rb") as raw,
            gzip.GzipFile(fileobj=raw, mode="rb") as compressed,
            tarfile.open(fileobj=compressed, mode="r|") as tar,
        ):
            for count, member in enumerate(tar):
                if count > _MAX_MEMBERS:
                    raise _refusal(archive, f"it holds more than {_MAX_MEMBERS:,} files")
                if manifest is None:
                    if member.name != MANIFEST or not member.isreg():
                        raise _refusal(archive, f"it does not start with {MANIFEST}")
                    manifest = _read_manifest(archive, tar, member, contents=contents)
                    expected = {entry["path"]: entry for entry in manifest["files"]}
                    continue
                name = _safe_name(archive, member.name)
                if member.isdir():
                    continue
                if not member.isreg():
                    kind = "a link" if member.issym() or member.islnk() else "a special file"
                    raise _refusal(archive, f"{name!r} is {kind}; a backup holds plain files")
                if name in seen or name == MANIFEST:
                    raise _refusal(archive, f"{name!r} appears twice")
                if name not in expected:
                    raise _refusal(archive, f"{name!r} is not listed in its manifest")
                if member.size != expected[name]["size"]:
                    raise _refusal(archive, f"{name!r} does not have the size its manifest says")
                target = None if destination is None else destination / name
                _unpack_member(archive, tar, member, target, expected[name])
                seen.add(name)
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as error:
        raise _refusal(archive, f"the archive is damaged or cut short ({_brief(error)})") from None
    except OSError as error:
        raise _refusal(archive, f"cannot read it ({error.strerror or error})") from None
    if manifest is None:
        raise _refusal(archive, "it is empty")
    missing = sorted(set(expected) - seen)
    if missing:
        raise _refusal(archive, f"{missing[0]!r} is listed in its manifest but missing")
    if not contents or destination is None:
        return ArchiveInfo(archive, manifest, {})
    return _check_contents(archive, destination, manifest)


def _check_file_kind(archive: Path) -> None:
    try:
        with archive.open("rb") as stream:
            head = stream.read(16)
    except FileNotFoundError:
        raise IssuenoteError(f"{archive}: no such file") from None
    except IsADirectoryError:
        raise IssuenoteError(f"{archive} is a directory, not a backup archive") from None
    except OSError as error:
        raise IssuenoteError(f"cannot read {archive}: {error.strerror or error}") from None
    if head.startswith(b"\x1f\x8b"):
        return
    if head.lstrip()[:1] in (b"{", b"["):
        raise _refusal(
            archive, "it is a JSON file; an export is loaded with `issuenote import FILE`"
        )
    if head.startswith(b"SQLite format 3"):
        raise _refusal(archive, "it is a bare database file, not an issuenote backup archive")
    raise _refusal(archive, "it is not a gzip-compressed archive made by `issuenote backup`")


def _read_manifest(archive: Path, tar: Any, member: Any, *, contents: bool) -> dict[str, Any]:
    if member.size > _MAX_MANIFEST_BYTES:
        raise _refusal(archive, f"its {MANIFEST} is too large")
    stream = tar.extractfile(member)
    data = stream.read() if stream is not None else b""
    try:
        manifest = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise _refusal(archive, f"its {MANIFEST} is not valid JSON") from None
    return _checked_manifest(archive, manifest, contents=contents)


def _checked_manifest(archive: Path, manifest: Any, *, contents: bool) -> dict[str, Any]:
    from issuenote.store.schema import SCHEMA_VERSION

    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _refusal(archive, f"its {MANIFEST} does not describe an issuenote backup")
    version = manifest.get("format_version")
    if not _is_count(version) or version < 1:
        raise _refusal(archive, f"its {MANIFEST} has no valid format_version")
    if version > FORMAT_VERSION:
        raise _refusal(
            archive,
            f"it was made by a newer issuenote (backup format {version}; this one reads "
            f"{FORMAT_VERSION}); upgrade issuenote to restore it",
        )
    schema = manifest.get("schema_version")
    if not _is_count(schema):
        raise _refusal(archive, f"its {MANIFEST} has no valid schema_version")
    if schema > SCHEMA_VERSION:
        raise _refusal(
            archive,
            f"its notebook was written by a newer issuenote (schema {schema}; this one knows "
            f"{SCHEMA_VERSION}); upgrade issuenote to restore it",
        )
    if contents and manifest.get("raw_database"):
        raise _refusal(
            archive,
            "it is a rescue archive of a notebook that could not be read; unpack it with "
            "`tar xzf` to get at its files",
        )
    if contents and (not isinstance(manifest.get("notebook"), str) or not manifest["notebook"]):
        raise _refusal(archive, f"its {MANIFEST} does not name the notebook")
    files = manifest.get("files")
    if not isinstance(files, list):
        raise _refusal(archive, f"its {MANIFEST} has no file list")
    names: set[str] = set()
    for entry in files:
        if not isinstance(entry, dict) or not isinstance(entry.get("path"), str):
            raise _refusal(archive, f"its {MANIFEST} lists a file without a path")
        name = _safe_name(archive, entry["path"])
        if name != entry["path"] or name in names or name == MANIFEST:
            raise _refusal(archive, f"its {MANIFEST} lists {entry['path']!r} badly or twice")
        if not _is_count(entry.get("size")) or not (
            isinstance(entry.get("sha256"), str) and _SHA256.fullmatch(entry["sha256"])
        ):
            raise _refusal(archive, f"its {MANIFEST} has no size or SHA-256 for {name!r}")
        names.add(name)
    if contents and DB_MEMBER not in names:
        raise _refusal(archive, f"it holds no {DB_MEMBER}")
    return manifest


def _safe_name(archive: Path, name: str) -> str:
    """A member name that stays inside the notebook directory, or a refusal."""
    shown = name if len(name) <= 80 else name[:80] + "…"
    if not name or "\x00" in name or "\\" in name:
        raise _refusal(archive, f"it holds a file with an unusable name {shown!r}")
    if name.startswith("/") or re.match(r"[A-Za-z]:", name):
        raise _refusal(archive, f"it holds a file with an absolute path {shown!r}")
    parts = name.rstrip("/").split("/")
    if any(part in ("", ".", "..") for part in parts):
        raise _refusal(archive, f"it holds a path that leaves its directory {shown!r}")
    return str(PurePosixPath(*parts))


def _unpack_member(
    archive: Path, tar: Any, member: Any, target: Path | None, expected: dict[str, Any]
) -> None:
    stream = tar.extractfile(member)
    if stream is None:
        raise _refusal(archive, f"{member.name!r} cannot be read")
    digest = hashlib.sha256()
    if target is None:  # only check it
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
        if digest.hexdigest() != expected["sha256"]:
            raise _refusal(archive, f"{member.name!r} does not match its SHA-256 (damaged)")
        return
    try:
        _make_private_dirs(target.parent)
        out = os.fdopen(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, _PRIVATE_FILE), "wb")
    except OSError as error:
        raise _unpack_error(member.name, target, error) from None
    with out:
        # Reading errors mean a damaged archive and go up as they are; writing errors are ours.
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
            try:
                out.write(chunk)
            except OSError as error:
                raise _unpack_error(member.name, target, error) from None
        try:
            out.flush()
            os.fsync(out.fileno())
        except OSError as error:
            raise _unpack_error(member.name, target, error) from None
    if digest.hexdigest() != expected["sha256"]:
        raise _refusal(archive, f"{member.name!r} does not match its SHA-256 (damaged)")


def _unpack_error(name: str, target: Path, error: OSError) -> IssuenoteError:
    return IssuenoteError(f"cannot unpack {name!r} into {target.parent}: {error.strerror or error}")


def _make_private_dirs(directory: Path) -> None:
    missing: list[Path] = []
    while not directory.exists():
        missing.append(directory)
        directory = directory.parent
    for path in reversed(missing):
        path.mkdir(mode=_PRIVATE_DIR)
        os.chmod(path, _PRIVATE_DIR)


def _check_contents(archive: Path, unpacked: Path, manifest: dict[str, Any]) -> ArchiveInfo:
    from issuenote.store.queries import inspect_database
    from issuenote.store.schema import SCHEMA_VERSION

    try:
        facts = inspect_database(unpacked / DB_MEMBER)
    except IssuenoteError as error:
        raise _refusal(archive, f"its database is damaged: {error}") from None
    if facts["integrity"] != ["ok"]:
        raise _refusal(archive, f"its database fails the integrity check ({_first_problem(facts)})")
    if facts["schema_version"] > SCHEMA_VERSION:
        raise _refusal(
            archive,
            f"its notebook was written by a newer issuenote (schema {facts['schema_version']}); "
            "upgrade issuenote to restore it",
        )
    if facts["schema_version"] != manifest["schema_version"]:
        raise _refusal(archive, "its manifest and its database disagree on the schema version")
    if facts["notebook_id"] != manifest["notebook"]:
        raise _refusal(archive, "its manifest and its database disagree on the notebook id")
    key_verified = None
    if (unpacked / KEY_MEMBER).exists():
        key_verified = _check_key(archive, unpacked / KEY_MEMBER, facts.get("kcv"))
    return ArchiveInfo(archive, manifest, facts, key_verified)


def _check_key(archive: Path, path: Path, kcv: str | None) -> bool | None:
    from issuenote.safety.fieldcrypt import DecryptError, verify_key
    from issuenote.safety.keys import decode_key

    try:
        key = decode_key(path.read_bytes().decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        raise _refusal(archive, "the key in it is not a valid data key") from None
    if kcv is None:
        return None
    try:
        return verify_key(key, kcv)
    except DecryptError as error:
        raise _refusal(archive, str(error)) from None


# -- restoring --------------------------------------------------------------------


def restore_backup(
    home: Path, archive: Path, *, force: bool = False, now: datetime | None = None
) -> RestoreResult:
    """Bring an archive back as the notebook in `home`, all at once or not at all.

    An empty (or missing) home is filled; one that holds a notebook or other
    files is replaced only with `force`, after a rescue archive of it is
    written beside it. A key file already there is kept when the archive has
    no key and the key opens the restored notebook.
    """
    from issuenote.parse import timeparse

    moment = now or timeparse.utc_now()
    home = Path(os.path.abspath(Path(home).expanduser()))
    if home.is_symlink():
        home = home.resolve()
    if home.exists() and not home.is_dir():
        raise IssuenoteError(f"cannot restore into {home}: it is not a directory")
    occupied = _occupied(home)
    if occupied and not force:
        raise IssuenoteError(
            f"{home} already holds a notebook or other files; restore with --force to replace "
            "it (what is there is saved to a rescue archive first); nothing was changed"
        )
    parent = home.parent
    try:
        parent.mkdir(mode=_PRIVATE_DIR, parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{home.name}.restore-", dir=parent))
    except OSError as error:
        raise IssuenoteError(
            f"cannot restore into {home}: {error.strerror or error}; nothing was changed"
        ) from None
    try:
        try:
            info = _unpack_checked(Path(archive), staging)
        except IssuenoteError as error:
            raise IssuenoteError(f"{error}; nothing was changed") from None
        warnings: list[str] = []
        key_status = "included" if info.key_included else "none-needed"
        existing_key = _existing_key(home)
        if existing_key is not None:
            problem = None
            if info.key_included:
                if existing_key != (staging / KEY_MEMBER).read_bytes().strip():
                    problem = "differs from the key in the backup"
            elif _key_opens(existing_key, info.kcv):
                _copy_private(home / KEY_MEMBER, staging / KEY_MEMBER)
                key_status = "kept"
            else:
                problem = "does not open the notebook in the backup"
            if problem is not None:
                if not force:
                    raise IssuenoteError(
                        f"the key file in {home} {problem}; restore with --force to replace "
                        "it (it is saved to a rescue archive first); nothing was changed"
                    )
                occupied = True
                warnings.append(
                    f"the key file that was in {home} {problem}; it is in the rescue archive"
                )
        rescue = None
        if occupied and _has_content(home):
            try:
                rescue = make_backup(
                    home, _rescue_path(home, moment), cwd=parent, now=moment, rescue=True
                )
            except IssuenoteError as error:
                raise IssuenoteError(
                    f"cannot save what is in {home} before replacing it ({error}); "
                    "nothing was changed"
                ) from None
        _swap_into_place(staging, home)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    if info.kcv is not None and key_status == "none-needed":
        key_status, key_message = _key_status(home, info)
    else:
        key_message = None
    if info.key_included and info.key_verified is False:
        warnings.append("the key in the backup does not open its encrypted fields")
    return RestoreResult(home, info, rescue, key_status, key_message, tuple(warnings))


def _occupied(home: Path) -> bool:
    """True when restoring would replace something: anything but nothing or a lone key file."""
    if not home.is_dir():
        return False
    names = [child.name for child in home.iterdir()]
    return bool(names) and names != [KEY_MEMBER]


def _has_content(home: Path) -> bool:
    return home.is_dir() and any(home.iterdir())


def _existing_key(home: Path) -> bytes | None:
    path = home / KEY_MEMBER
    if path.is_symlink() or not path.is_file():
        return None
    try:
        return path.read_bytes().strip()
    except OSError:
        return None


def _key_opens(key_text: bytes, kcv: str | None) -> bool:
    from issuenote.safety.fieldcrypt import DecryptError, verify_key
    from issuenote.safety.keys import decode_key

    try:
        key = decode_key(key_text.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        return False
    if kcv is None:
        return True
    try:
        return verify_key(key, kcv)
    except DecryptError:
        return False


def _key_status(home: Path, info: ArchiveInfo) -> tuple[str, str | None]:
    """Can the restored notebook's encrypted fields be opened here? Says how, or why not."""
    from issuenote.safety.keys import load_key

    try:
        found = load_key(home, info.notebook_id, kcv=info.kcv, create=False)
    except IssuenoteError as error:
        return "missing", str(error)
    if found is None:
        return "missing", None
    return "found", f"the data key was found in {found.backend}"


def _rescue_path(home: Path, now: datetime) -> Path:
    stamp = f"{now.astimezone():%Y%m%d-%H%M%S}"
    path = home.parent / f"{home.name}-before-restore-{stamp}.tar.gz"
    number = 2
    while path.exists():
        path = home.parent / f"{home.name}-before-restore-{stamp}-{number}.tar.gz"
        number += 1
    return path


def _copy_private(source: Path, target: Path) -> None:
    _write_private(target, source.read_bytes())


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, _PRIVATE_FILE)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())


def _swap_into_place(staging: Path, home: Path) -> None:
    """Replace `home` by `staging` with renames: the notebook is old or new, never half."""
    os.chmod(staging, _PRIVATE_DIR)
    for directory, _subdirectories, files in os.walk(staging):
        os.chmod(directory, _PRIVATE_DIR)
        for name in files:
            path = Path(directory) / name
            if not path.is_symlink():
                os.chmod(path, _PRIVATE_FILE)
    fsync_directory(staging)
    try:
        if not home.exists() or (home.is_dir() and not any(home.iterdir())):
            # rename() replaces an empty directory in one step.
            os.rename(staging, home)
        else:
            old = home.parent / f".{home.name}.replaced-{secrets.token_hex(4)}"
            os.rename(home, old)
            try:
                os.rename(staging, home)
            except OSError:
                os.rename(old, home)
                raise
            shutil.rmtree(old, ignore_errors=True)
    except OSError as error:
        raise IssuenoteError(
            f"cannot put the restored notebook in place at {home}: {error.strerror or error}; "
            "nothing was changed"
        ) from None
    fsync_directory(home.parent)


# -- small helpers --------------------------------------------------------------------


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _first_problem(facts: dict[str, Any]) -> str:
    """SQLite's first complaint, on one line (integrity_check rows hold line breaks)."""
    lines = [line for row in facts["integrity"] for line in str(row).splitlines()]
    text = next((line for line in lines if not line.startswith("***")), lines[0] if lines else "")
    return _brief(ValueError(text.strip()))


def _brief(error: BaseException) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return text if len(text) <= 120 else text[:117] + "..."
