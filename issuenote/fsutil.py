"""File-system helpers shared by everything that writes files beside the notebook."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def fsync_directory(directory: Path) -> None:
    """Make a new or renamed name in `directory` durable (POSIX); harmless elsewhere."""
    if not hasattr(os, "O_DIRECTORY"):
        return
    with contextlib.suppress(OSError):
        descriptor = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def write_private_file(target: Path, temporary: Path, data: bytes) -> None:
    """Write `data` to `target` atomically, readable by its owner only (0600).

    Written to `temporary` (which must not exist), synced, renamed over
    `target`, and the directory synced: a crash leaves the old file or the
    new one, never half of it.
    """
    import os

    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(temporary, target)
    fsync_directory(target.parent)
