"""The evidence bundle: one ZIP a regulator, an ombudsman, a lawyer or the police can read.

    report.html      the printable report (with a table of exhibits)
    report.md        the same in Markdown
    case.json        the case as `export --format json` writes it
    exhibits/NN-...  every attachment, numbered as the report names them
    MANIFEST.txt     each file's SHA-256 and size, and the chain head, for people
    manifest.json    the same, for programs (`issuenote verify --bundle` reads it)

The ZIP is written beside its final name and renamed into place only when
complete, so a half-written bundle never carries the final name; an existing
file is replaced only when asked (--force). Pure of the CLI and of SQL.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import json
import os
import secrets
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from issuenote.errors import IssuenoteError
from issuenote.fsutil import fsync_directory

FORMAT = "issuenote-evidence-bundle"
FORMAT_VERSION = 1
MANIFEST_JSON = "manifest.json"
MANIFEST_TEXT = "MANIFEST.txt"
EXHIBITS = "exhibits"
# Text is worth deflating; images, PDFs, recordings and unknown binaries are not.
_DEFLATED_TYPES = ("text/", "message/", "application/json", "application/xml")
_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Exhibit:
    number: int
    archive_name: str  # exhibits/03-2026-11-24-wallet-history.png
    source: Path
    name: str
    media_type: str
    size: int
    sha256: str
    entry_id: int
    caption: str | None


def write_bundle(
    target: Path,
    *,
    case: dict[str, Any],
    documents: dict[str, str],
    exhibits: list[Exhibit],
    labels: dict[str, str],
    force: bool,
    created_at: str,
    version: str,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Write the bundle atomically; returns its manifest (with the ZIP's own SHA-256)."""
    check_target(target, force=force)
    directory = target.parent
    documents = dict(documents)
    documents["report.html"] = _with_exhibit_table(documents["report.html"], exhibits, labels)
    files: list[dict[str, Any]] = []
    temp = directory / f".{target.name}.{secrets.token_hex(4)}.part"
    try:
        with zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            for name, text in documents.items():
                data = text.encode("utf-8")
                archive.writestr(_info(name, created_at), data, zipfile.ZIP_DEFLATED)
                files.append(_listed(name, data, "report"))
            for exhibit in exhibits:
                digest = _copy_into(archive, exhibit, created_at, progress)
                if digest != exhibit.sha256:
                    raise IssuenoteError(
                        f"attachment {exhibit.number} changed on disk while bundling "
                        "(its SHA-256 no longer matches); `issuenote verify` says more"
                    )
                files.append(
                    {
                        "path": exhibit.archive_name,
                        "size": exhibit.size,
                        "sha256": exhibit.sha256,
                        "kind": "exhibit",
                        "exhibit": exhibit.number,
                        "name": exhibit.name,
                        "media_type": exhibit.media_type,
                        "entry_id": exhibit.entry_id,
                        "caption": exhibit.caption,
                    }
                )
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "created_at": created_at,
                "issuenote_version": version,
                "case": case,
                "chain_head": case.get("chain_head"),
                "files": files,
            }
            manifest_data = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
            archive.writestr(_info(MANIFEST_JSON, created_at), manifest_data)
            archive.writestr(_info(MANIFEST_TEXT, created_at), _manifest_text(manifest, labels))
        with open(temp, "rb+") as stream:
            os.fsync(stream.fileno())
        if force:
            os.replace(temp, target)
        else:
            try:
                os.link(temp, target)  # fails if the name was taken meanwhile: never overwrite
            except FileExistsError:
                raise IssuenoteError(
                    f"{target.name!r} exists; choose another --output, or add --force"
                ) from None
            temp.unlink()
        fsync_directory(directory)
    except OSError as error:
        raise IssuenoteError(
            f"cannot write the bundle {target.name!r}: {error.strerror or error}"
        ) from None
    finally:
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)
    manifest["bundle_sha256"] = _hash_path(target)
    manifest["bundle_size"] = target.stat().st_size
    return manifest


def check_target(target: Path, *, force: bool) -> None:
    """Refuse, before any work, a name we must not or cannot write."""
    shown = target.name[:80] or str(target)[:80]
    try:
        exists, is_dir = target.exists(), target.is_dir()
        parent_ok = target.parent.is_dir()
    except OSError as error:
        raise IssuenoteError(f"cannot write {shown!r}: {error.strerror or error}") from None
    if is_dir:
        raise IssuenoteError(f"{shown!r} is a directory; give a .zip file name")
    if exists and not force:
        raise IssuenoteError(f"{shown!r} exists; choose another --output, or add --force")
    if not parent_ok:
        raise IssuenoteError(f"no such directory: {str(target.parent)[:80]!r}")


def _info(name: str, created_at: str) -> zipfile.ZipInfo:
    """Fixed times and modes: the same case gives the same archive members."""
    year, month, day = (int(part) for part in created_at[:10].split("-"))
    hour, minute, second = (int(part) for part in created_at[11:19].split(":"))
    info = zipfile.ZipInfo(name, date_time=(max(year, 1980), month, day, hour, minute, second))
    info.external_attr = 0o600 << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _listed(name: str, data: bytes, kind: str) -> dict[str, Any]:
    return {
        "path": name,
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "kind": kind,
    }


def _copy_into(
    archive: zipfile.ZipFile,
    exhibit: Exhibit,
    created_at: str,
    progress: Callable[[int], None] | None,
) -> str:
    info = _info(exhibit.archive_name, created_at)
    if not exhibit.media_type.startswith(_DEFLATED_TYPES):
        info.compress_type = zipfile.ZIP_STORED  # already compressed: deflate only costs time
    digest = hashlib.sha256()
    with exhibit.source.open("rb") as reader, archive.open(info, "w", force_zip64=True) as writer:
        while chunk := reader.read(_CHUNK):
            digest.update(chunk)
            writer.write(chunk)
            if progress:
                progress(len(chunk))
    return digest.hexdigest()


def _hash_path(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _manifest_text(manifest: dict[str, Any], labels: dict[str, str]) -> bytes:
    case = manifest["case"]
    lines = [
        f"issuenote evidence bundle — case {case['id']}: {case['title']}",
        f"case uuid: {case['uuid']}",
        f"created: {manifest['created_at']}",
        f"chain head: {manifest['chain_head'] or '-'}",
        "check with: issuenote verify --bundle THIS.zip   (or: sha256sum each file)",
        "",
        f"{'SHA-256':<64}  {'bytes':>12}  file",
    ]
    for item in manifest["files"]:
        lines.append(f"{item['sha256']}  {item['size']:>12}  {item['path']}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _with_exhibit_table(report: str, exhibits: list[Exhibit], labels: dict[str, str]) -> str:
    """The printable report, with a table of exhibits linking to the files beside it."""
    if not exhibits:
        return report
    rows = "".join(
        "<tr>"
        f"<td>{exhibit.number:02d}</td>"
        f'<td><a href="{html.escape(exhibit.archive_name)}">{html.escape(exhibit.name)}</a>'
        + (f"<br><small>{html.escape(exhibit.caption)}</small>" if exhibit.caption else "")
        + "</td>"
        f"<td>{html.escape(exhibit.media_type)}</td>"
        f"<td>{exhibit.size:,}</td>"
        f"<td><code>{exhibit.sha256}</code></td>"
        "</tr>"
        for exhibit in exhibits
    )
    section = (
        f'<section id="exhibits"><h2>{html.escape(labels["sec_exhibits"])}</h2>'
        f'<table class="exhibits"><thead><tr><th>#</th><th>{html.escape(labels["file"])}</th>'
        f"<th>{html.escape(labels['type'])}</th><th>{html.escape(labels['bytes'])}</th>"
        f"<th>SHA-256</th></tr></thead><tbody>{rows}</tbody></table></section>"
    )
    marker = "<footer>"
    at = report.rfind(marker)
    if at < 0:
        at = report.rfind("</body>")
    return report[:at] + section + report[at:] if at >= 0 else report + section


# -- checking a bundle ------------------------------------------------------------------


def verify_bundle(path_text: str) -> dict[str, Any]:
    """Check every file of a bundle against its manifest: present, same size, same SHA-256."""
    path = Path(path_text)
    shown = path.name or path_text
    try:
        found = path.is_file()
    except OSError as error:
        raise IssuenoteError(f"cannot read {shown[:80]!r}: {error.strerror or error}") from None
    if not found:
        raise IssuenoteError(f"no such file: {shown[:80]!r}")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise IssuenoteError(f"{shown!r} is not a ZIP file: {error}") from None
    problems: list[str] = []
    with archive:
        names = [info.filename for info in archive.infolist() if not info.is_dir()]
        if MANIFEST_JSON not in names:
            raise IssuenoteError(f"{shown!r} has no {MANIFEST_JSON}: it is not an evidence bundle")
        try:
            manifest = json.loads(archive.read(MANIFEST_JSON).decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as error:
            raise IssuenoteError(f"the manifest of {shown!r} is not valid JSON: {error}") from None
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise IssuenoteError(f"{shown!r} is not an issuenote evidence bundle")
        listed = {}
        for item in manifest.get("files", []):
            if isinstance(item, dict) and isinstance(item.get("path"), str):
                listed[item["path"]] = item
        for name, item in listed.items():
            if name not in names:
                problems.append(f"{name} is listed in the manifest but missing")
                continue
            digest = hashlib.sha256()
            size = 0
            with archive.open(name) as stream:
                while chunk := stream.read(_CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
            if size != item.get("size") or digest.hexdigest() != item.get("sha256"):
                problems.append(f"{name} changed (its SHA-256 or size differs from the manifest)")
        for name in names:
            if name not in listed and name not in (MANIFEST_JSON, MANIFEST_TEXT):
                problems.append(f"{name} is in the bundle but not in the manifest")
        if MANIFEST_TEXT in names:
            text = archive.read(MANIFEST_TEXT).decode("utf-8", "replace")
            for name, item in listed.items():
                if f"{item.get('sha256')}  " not in text:
                    problems.append(f"{MANIFEST_TEXT} does not list {name} as manifest.json does")
    head = manifest.get("chain_head")
    return {
        "bundle": str(path),
        "intact": not problems,
        "files": len(listed),
        "chain_head": head,
        "chain_head_short": head[:12] if isinstance(head, str) else None,
        "case": manifest.get("case", {}),
        "problems": problems,
    }
