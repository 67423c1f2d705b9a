"""What this device remembers about its sync, in ``<home>/sync/state.json``.

Local only, never pushed: the remote's address, this device's id and name,
the last remote commit this device has merged (a later remote must still
hold every file it held), and which revision of each case was last
published. Written atomically (temporary file, fsync, rename), so a sync
killed at any point leaves the previous state or the next one.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from issuenote.errors import IssuenoteError
from issuenote.fsutil import write_private_file

SYNC_DIR = "sync"
STATE_FILE = "state.json"
REPO_DIR = "repo"
LOCK_FILE = "lock"
STATE_VERSION = 1


def sync_dir(home: Path) -> Path:
    return home / SYNC_DIR


def is_set_up(home: Path) -> bool:
    """Cheap enough for every recording command: one stat."""
    return (home / SYNC_DIR / STATE_FILE).exists()


@dataclass
class SyncState:
    remote: str
    device_id: str
    device_name: str
    branch: str = "main"
    created_at: str = ""
    last_head: str | None = None
    last_sync_at: str | None = None
    # case UUID -> the revision this device last published (or saw arrive).
    published: dict[str, int] = field(default_factory=dict)
    # case UUID -> the version vector of the copy here (device id -> chunk number).
    versions: dict[str, dict[str, int]] = field(default_factory=dict)
    # case UUID -> the version vector its deletion covers, from every device's files.
    tombstones: dict[str, dict[str, int]] = field(default_factory=dict)
    # case UUID -> the UUIDs of its attachments as last published (or merged) here:
    # one gone from the case since was detached here, and goes out as a tombstone.
    attached: dict[str, list[str]] = field(default_factory=dict)
    # attachment UUID -> the version vector of the case copy that detached it.
    detached: dict[str, dict[str, int]] = field(default_factory=dict)
    version: int = STATE_VERSION

    def save(self, home: Path) -> None:
        directory = sync_dir(home)
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        target = directory / STATE_FILE
        temporary = directory / f".{STATE_FILE}.{os.getpid()}.tmp"
        data = json.dumps(asdict(self), indent=1, sort_keys=True).encode()
        temporary.unlink(missing_ok=True)  # left by a killed run of this same process id
        write_private_file(target, temporary, data)


def load_state(home: Path) -> SyncState | None:
    path = sync_dir(home) / STATE_FILE
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise IssuenoteError(f"cannot read {path}: {error.strerror or error}") from None
    try:
        data: dict[str, Any] = json.loads(raw)
        if data.get("version") != STATE_VERSION:
            raise ValueError("unknown version")
        known = set(SyncState.__dataclass_fields__)
        return SyncState(**{key: value for key, value in data.items() if key in known})
    except (ValueError, TypeError):
        raise IssuenoteError(
            f"{path} is damaged; move the folder {sync_dir(home)} away and run "
            "`issuenote sync init REMOTE` again (the remote keeps everything)"
        ) from None


def require_state(home: Path) -> SyncState:
    state = load_state(home)
    if state is None:
        raise IssuenoteError(
            "this notebook does not sync yet; set it up with `issuenote sync init REMOTE`"
        )
    return state
