"""Attachment files: checked, hashed, sniffed, screened and kept by their SHA-256.

The store is `<home>/attachments/<first two hex digits>/<sha256>`: the same
file attached twice is kept once. A file is first copied (and hashed on the
way) into `attachments/.incoming/`, checked there, and only then renamed to
its hash, so a refused or interrupted attach leaves no stored file behind.

Pure of the CLI and of SQL. Pillow and filetype are imported only by the
functions that need them.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from issuenote.errors import IssuenoteError
from issuenote.fsutil import fsync_directory

ATTACHMENTS_DIR = "attachments"
INCOMING_DIR = ".incoming"
DEFAULT_LIMIT = 100 * 1024 * 1024
MAX_NAME_BYTES = 255
CHUNK = 1024 * 1024
SNIFF_BYTES = 8192
# The guard reads these as text: logs, saved e-mails and chat transcripts hold secrets.
SCREENED_SUFFIXES = (".txt", ".eml", ".log")
SCREENED_TYPES = ("text/plain", "message/rfc822")
PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600

Progress = Callable[[int], None]
_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([kmgt]?i?b?)?\s*", re.IGNORECASE)
_UNITS = {"": 1, "b": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4}


def parse_size(text: str | int) -> int:
    """'100 MB', '1.5G', '2048' -> bytes (binary units, as file managers count them)."""
    if isinstance(text, int) and not isinstance(text, bool):
        if text <= 0:
            raise IssuenoteError(f"a size must be positive, got {text}")
        return text
    match = _SIZE.fullmatch(str(text))
    if match is None:
        raise IssuenoteError(f"not a size: {str(text)[:40]!r}; write e.g. 100MB, 1.5GB or 2048")
    unit = (match.group(2) or "").lower()[:1]
    size = int(float(match.group(1)) * _UNITS[unit])
    if size <= 0:
        raise IssuenoteError(f"a size must be positive, got {text!r}")
    return size


def format_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{int(value)} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"  # pragma: no cover


def storable_name(path: Path) -> str:
    """The file's own name as we keep it; refuse one that cannot be stored or shown."""
    name = path.name
    if not name or name in (".", ".."):
        raise IssuenoteError(f"{str(path)[:80]!r} names no file")
    try:
        encoded = name.encode("utf-8")
    except UnicodeEncodeError:
        raise IssuenoteError(
            "a file name is not valid UTF-8 and cannot be stored; rename the file"
        ) from None
    if len(encoded) > MAX_NAME_BYTES:
        raise IssuenoteError(
            f"the file name {name[:40]!r}… is {len(encoded)} bytes; the limit is {MAX_NAME_BYTES}"
        )
    if any(ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 for ch in name):
        raise IssuenoteError("a file name holds a line break or control character; rename the file")
    return name


@dataclass(frozen=True)
class Candidate:
    """A file named on the command line that passed the up-front checks."""

    path: Path
    name: str
    size: int


def check_file(path: Path, *, limit: int) -> Candidate:
    """Refuse, before anything is copied: no file, a directory, unreadable, over the limit."""
    name = storable_name(path)
    shown = repr(name)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise IssuenoteError(f"no such file: {shown}") from None
    except OSError as error:
        raise IssuenoteError(f"cannot read {shown}: {error.strerror or error}") from None
    import stat

    if stat.S_ISDIR(info.st_mode):
        raise IssuenoteError(f"{shown} is a directory; attach the files in it")
    if not stat.S_ISREG(info.st_mode):
        raise IssuenoteError(f"{shown} is not a regular file")
    if info.st_size > limit:
        raise IssuenoteError(
            f"{shown} is {format_size(info.st_size)}; the attachment limit is "
            f"{format_size(limit)} (`issuenote config set attachment_limit MB` changes it)"
        )
    try:
        with path.open("rb"):
            pass
    except OSError as error:
        raise IssuenoteError(f"cannot read {shown}: {error.strerror or error}") from None
    return Candidate(path, name, info.st_size)


# -- the store on disk ------------------------------------------------------------


def store_dir(home: Path) -> Path:
    return home / ATTACHMENTS_DIR


def blob_path(home: Path, blob: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{64}", blob):
        raise ValueError(f"not a SHA-256: {blob!r}")
    return store_dir(home) / blob[:2] / blob


def _private_dir(directory: Path) -> None:
    directory.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        os.chmod(directory, PRIVATE_DIR)


def _incoming(home: Path) -> Path:
    directory = store_dir(home) / INCOMING_DIR
    _private_dir(store_dir(home))
    _private_dir(directory)
    return directory / f"{secrets.token_hex(8)}.part"


def hash_file(path: Path, progress: Progress | None = None) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            if progress:
                progress(len(chunk))
    return digest.hexdigest(), size


def copy_in(source: Path, home: Path, progress: Progress | None = None) -> tuple[Path, str, int]:
    """Copy a file into the incoming area, hashing it on the way; one read of the source."""
    temp = _incoming(home)
    digest = hashlib.sha256()
    size = 0
    try:
        fd = os.open(temp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_FILE)
        with source.open("rb") as reader, os.fdopen(fd, "wb") as writer:
            while chunk := reader.read(CHUNK):
                digest.update(chunk)
                writer.write(chunk)
                size += len(chunk)
                if progress:
                    progress(len(chunk))
            writer.flush()
            os.fsync(writer.fileno())
    except OSError as error:
        temp.unlink(missing_ok=True)
        raise IssuenoteError(f"cannot copy {source.name!r}: {error.strerror or error}") from None
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp, digest.hexdigest(), size


def write_incoming(home: Path, data: bytes) -> tuple[Path, str]:
    """Bytes made here (a masked copy, a stripped image, a sealed file) into the incoming area."""
    temp = _incoming(home)
    fd = os.open(temp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_FILE)
    with os.fdopen(fd, "wb") as writer:
        writer.write(data)
        writer.flush()
        os.fsync(writer.fileno())
    return temp, hashlib.sha256(data).hexdigest()


def place(temp: Path, home: Path, blob: str) -> bool:
    """Move an incoming file to its hash name; False (and the temp dropped) if already kept."""
    target = blob_path(home, blob)
    if target.exists():
        temp.unlink(missing_ok=True)
        return False
    _private_dir(target.parent)
    os.replace(temp, target)
    fsync_directory(target.parent)
    return True


def remove_blob(home: Path, blob: str) -> None:
    path = blob_path(home, blob)
    path.unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        path.parent.rmdir()  # only when empty


def check_blob(home: Path, blob: str) -> str | None:
    """None when the stored file still has its hash, else what is wrong with it."""
    path = blob_path(home, blob)
    try:
        actual, _ = hash_file(path)
    except FileNotFoundError:
        return "is missing"
    except OSError as error:
        return f"cannot be read ({error.strerror or error})"
    return None if actual == blob else "changed on disk (its SHA-256 no longer matches)"


def leftovers(home: Path) -> list[Path]:
    """Incoming files an interrupted attach left behind."""
    directory = store_dir(home) / INCOMING_DIR
    return sorted(directory.glob("*.part")) if directory.is_dir() else []


def stored_blobs(home: Path) -> set[str]:
    root = store_dir(home)
    if not root.is_dir():
        return set()
    return {
        path.name
        for path in root.glob("[0-9a-f][0-9a-f]/*")
        if re.fullmatch(r"[0-9a-f]{64}", path.name)
    }


# -- what a file is -----------------------------------------------------------------

_MAIL_HEADER = re.compile(rb"^[A-Za-z][A-Za-z0-9-]*:[^\n]*\r?\n", re.MULTILINE)
_OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")


def sniff(head: bytes, name: str) -> str:
    """The media type from the content (filetype), with text and mail told apart here."""
    import filetype  # lazy: only attach and ingest need it

    kind = filetype.guess(head)
    if kind is not None:
        return str(kind.mime)
    if head.startswith(_OLE_MAGIC):
        return (
            "application/vnd.ms-outlook"
            if name.lower().endswith(".msg")
            else ("application/x-ole-storage")
        )
    if _looks_like_text(head):
        if _looks_like_mail(head):
            return "message/rfc822"
        if head.lstrip().lower().startswith((b"<!doctype html", b"<html")):
            return "text/html"
        return "text/plain"
    return "application/octet-stream"


def _looks_like_text(head: bytes) -> bool:
    if not head:
        return True
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A cut in the middle of the last character is still text.
        return error.start >= len(head) - 3 and error.reason == "unexpected end of data"
    return True


def _looks_like_mail(head: bytes) -> bool:
    block = head.split(b"\n\n", 1)[0].split(b"\r\n\r\n", 1)[0]
    names = {m.group().split(b":", 1)[0].lower() for m in _MAIL_HEADER.finditer(block + b"\n")}
    return b"from" in names and bool(names & {b"date", b"subject", b"message-id", b"to"})


def is_screened(name: str, media_type: str) -> bool:
    return name.lower().endswith(SCREENED_SUFFIXES) or media_type in SCREENED_TYPES


def decode_text(data: bytes) -> str:
    """Text for the guard: UTF-8 (or UTF-16 with a BOM), else Latin-1 so nothing hides."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


# -- image metadata -------------------------------------------------------------------

IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp", "image/tiff", "image/heic")
_GPS_IFD = 0x8825
_EXIF_IFD = 0x8769
_ORIENTATION = 0x0112


@dataclass
class ImageFacts:
    findings: list[str] = field(default_factory=list)
    has_metadata: bool = False


def image_metadata(data: bytes) -> ImageFacts:
    """What an image tells about its maker: GPS position, device, serial number, software."""
    import io

    from PIL import Image, UnidentifiedImageError  # lazy: ~40 ms

    facts = ImageFacts()
    try:
        with Image.open(io.BytesIO(data)) as image:
            exif = image.getexif()
            info = dict(image.info)
    except (UnidentifiedImageError, OSError, ValueError):
        return facts
    gps = exif.get_ifd(_GPS_IFD)
    position = _gps_position(gps)
    if position:
        facts.findings.append(f"GPS position {position}")
    elif gps:
        facts.findings.append("GPS data")
    details = exif.get_ifd(_EXIF_IFD)
    serial = details.get(0xA431) or exif.get(0xA431) or details.get(0xC62F)
    if serial:
        facts.findings.append(f"device serial number {str(serial).strip()}")
    device = " ".join(str(exif.get(tag, "")).strip() for tag in (0x010F, 0x0110)).strip()
    if device:
        facts.findings.append(f"device {device}")
    if exif.get(0x0131):
        facts.findings.append(f"software {str(exif.get(0x0131)).strip()}")
    owner = details.get(0xA430) or exif.get(0x013B)
    if owner:
        facts.findings.append(f"owner name {str(owner).strip()}")
    if any(key in info for key in ("XML:com.adobe.xmp", "xmp")):
        facts.findings.append("XMP metadata")
    other = {key for key in info if key not in ("dpi", "gamma", "transparency", "icc_profile")}
    facts.has_metadata = bool(len(exif) or other - {"exif"} or gps)
    return facts


def _gps_position(gps: dict[int, object]) -> str | None:
    try:
        lat = _degrees(gps[2], gps.get(1, "N"))
        lon = _degrees(gps[4], gps.get(3, "E"))
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return None
    return f"{lat:.5f}, {lon:.5f}"


def _degrees(value: object, ref: object) -> float:
    d, m, s = (float(part) for part in value)  # type: ignore[attr-defined]
    sign = -1 if str(ref).strip().upper() in ("S", "W") else 1
    return sign * (d + m / 60 + s / 3600)


def strip_image_metadata(data: bytes) -> bytes:
    """A copy without EXIF, GPS, XMP or text chunks; the orientation is kept so it shows upright."""
    import io

    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, ValueError) as error:
        raise IssuenoteError(f"cannot read the image to strip its metadata: {error}") from None
    kept = Image.Exif()
    orientation = image.getexif().get(_ORIENTATION)
    if orientation:
        kept[_ORIENTATION] = orientation
    options: dict[str, object] = {"exif": kept.tobytes()} if orientation else {}
    if image.info.get("icc_profile"):
        options["icc_profile"] = image.info["icc_profile"]
    out = io.BytesIO()
    if image.format == "JPEG":
        # quality="keep" reuses the original's quantisation: no visible loss.
        image.save(out, "JPEG", quality="keep", **options)
    elif image.format in ("PNG", "WEBP"):
        clean = Image.new(image.mode, image.size)
        clean.putdata(image.getdata())  # pixels only: text chunks and XMP stay behind
        if image.mode == "P" and image.getpalette():
            clean.putpalette(image.getpalette())
        save_options = dict(options)
        if image.format == "WEBP":
            save_options.update(lossless=True)
        clean.save(out, image.format, **save_options)
    else:
        raise IssuenoteError(
            f"cannot strip metadata from a {image.format} image; convert it to PNG or JPEG first"
        )
    return out.getvalue()


# -- exhibits -------------------------------------------------------------------------

_SLUG_DROP = re.compile(r"[^\w.-]+")


def exhibit_name(number: int, date: str, name: str) -> str:
    """`03-2026-11-24-wallet-history.png`: numbered, dated, safe in any archive and file system."""
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem:
        stem, suffix = name, ""
    slug = _SLUG_DROP.sub("-", stem.lower()).strip("-.")[:60] or "file"
    suffix = _SLUG_DROP.sub("", suffix.lower())[:10]
    return f"{number:02d}-{date}-{slug}" + (f".{suffix}" if suffix else "")
