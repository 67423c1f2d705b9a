"""Getting an export out: into a file, or onto the clipboard.

``write_output`` never leaves a half-written file: it writes a temporary file
next to the target, flushes it to disk and renames it into place, and without
``force`` it refuses to replace anything (checked atomically, not just before
writing). ``copy_to_clipboard`` uses pyperclip where the system has a
clipboard tool, and the terminal's OSC 52 sequence where it does not (over
SSH, in a container), and says which way it went.
"""

from __future__ import annotations

import base64
import contextlib
import errno
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from issuenote.errors import IssuenoteError
from issuenote.fsutil import fsync_directory

# pyperclip's copy functions, by name, as people know the tools.
_CLIPBOARD_TOOLS = {
    "copy_osx_pbcopy": "pbcopy",
    "copy_osx_pyobjc": "the macOS pasteboard",
    "copy_xclip": "xclip",
    "copy_xsel": "xsel",
    "copy_wl": "wl-copy",
    "copy_klipper": "Klipper",
    "copy_qt": "Qt",
    "copy_windows": "the Windows clipboard",
    "copy_wsl": "clip.exe (WSL)",
    "copy_dev_clipboard": "/dev/clipboard",
}
# Terminals cap OSC 52 payloads (xterm and others at about 100 kB of base64).
OSC52_MAX_BASE64 = 100_000


def _explain(error: OSError) -> str:
    if error.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if error.errno == errno.EROFS:
        return "read-only file system"
    if error.errno == errno.ENOSPC:
        return "no space left on device"
    return error.strerror or str(error)


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_output(
    path: str | os.PathLike[str],
    data: str | bytes | Iterable[bytes],
    *,
    force: bool,
    private: bool = False,
) -> int:
    """Write ``data`` to ``path`` atomically and return its size; never overwrite unless ``force``.

    Text is written as UTF-8 with the line ends it has; pieces (an iterable of
    bytes, e.g. a whole notebook streamed case by case) are written as they
    come. On any failure, including one raised while the pieces are made, the
    target is untouched and no temporary file is left behind. ``private``
    makes the file readable by its owner only (a whole-notebook export).
    """
    target = Path(path).expanduser()
    try:
        target, directory = _checked_target(target, force=force)
    except OSError as error:  # e.g. a name too long: pathlib's checks raise, not answer
        raise IssuenoteError(f"cannot write {target}: {_explain(error)}") from None
    if isinstance(data, str):
        pieces: Iterable[bytes] = [data.encode("utf-8")]
    elif isinstance(data, bytes | bytearray | memoryview):
        pieces = [bytes(data)]
    else:
        pieces = data
    size = 0

    try:
        import tempfile  # only when writing a file; printing needs none

        handle, temp_name = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".tmp", dir=directory
        )
    except OSError as error:
        raise IssuenoteError(f"cannot write {target}: {_explain(error)}") from None
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "wb") as stream:
            for piece in pieces:
                stream.write(piece)
                size += len(piece)
            stream.flush()
            os.fsync(stream.fileno())
        if private:
            mode = 0o600
        elif target.exists():
            mode = target.stat().st_mode & 0o7777
        else:
            mode = 0o666 & ~_current_umask()
        os.chmod(temp, mode)
        if force:
            os.replace(temp, target)
        else:
            _link_into_place(temp, target)
    except OSError as error:
        with contextlib.suppress(OSError):
            temp.unlink()
        if isinstance(error, FileExistsError):
            raise IssuenoteError(f"{target} already exists (use --force to overwrite it)") from None
        raise IssuenoteError(f"cannot write {target}: {_explain(error)}") from None
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    fsync_directory(directory)
    return size


def _checked_target(target: Path, *, force: bool) -> tuple[Path, Path]:
    """The file to write and its directory, or IssuenoteError saying why not."""
    if target.is_symlink() and force:
        # Replace what the link points at, not the link itself.
        target = Path(os.path.realpath(target))
    if target.is_dir():
        raise IssuenoteError(f"cannot write {target}: it is a directory")
    if target.exists() and not force:
        raise IssuenoteError(f"{target} already exists (use --force to overwrite it)")
    directory = target.parent
    if not directory.is_dir():
        raise IssuenoteError(f"cannot write {target}: directory {directory} does not exist")
    return target, directory


def _link_into_place(temp: Path, target: Path) -> None:
    """Move ``temp`` to ``target`` only if nothing is there, even if another
    process creates it meanwhile (a hard link fails when the name exists)."""
    try:
        os.link(temp, target)
    except FileExistsError:
        raise
    except OSError as error:
        # File systems without hard links (some FUSE, SMB, FAT mounts).
        if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
            raise
        if target.exists():
            raise FileExistsError(errno.EEXIST, "File exists", str(target)) from None
        os.replace(temp, target)
        return
    temp.unlink()


# -- clipboard ------------------------------------------------------------------


def _normal(text: object) -> str:
    """Clipboard text as compared: line ends and trailing blanks vary by tool."""
    return str(text).replace("\r\n", "\n").rstrip()


def _system_clipboard(text: str) -> str | None:
    """Copy with pyperclip's backend for this system; the tool's name, or None."""
    try:
        import pyperclip  # optional: only needed here, and it probes the system on use
    except ImportError:
        return None
    try:
        copy, paste = pyperclip.determine_clipboard()
    except Exception:  # a backend that fails to initialise means "no clipboard"
        return None
    name = getattr(copy, "__name__", "")
    if name not in _CLIPBOARD_TOOLS:
        return None  # pyperclip's "no clipboard" stand-in, or something unknown
    try:
        copy(text)
        # Some tools (xclip without a reachable display) fail silently: read it back.
        if name not in ("copy_klipper", "copy_wsl") and _normal(paste()) != _normal(text):
            return None
    except Exception:
        return None
    return _CLIPBOARD_TOOLS[name]


def osc52_sequence(text: str, environ: dict[str, str] | None = None) -> bytes:
    """The OSC 52 "set clipboard" sequence, adapted to tmux or GNU screen if inside one."""
    env = os.environ if environ is None else environ
    payload = base64.b64encode(text.encode("utf-8"))
    if len(payload) > OSC52_MAX_BASE64:
        raise IssuenoteError(
            f"the text is too long for the terminal clipboard ({len(text)} characters); "
            "use --output FILE instead"
        )
    sequence = b"\x1b]52;c;" + payload + b"\x07"
    if env.get("TMUX"):
        # tmux takes the plain sequence with "set-clipboard on", and the one
        # wrapped in a passthrough DCS (ESCs doubled) with "allow-passthrough";
        # send both, so either setting works.
        wrapped = b"\x1bPtmux;" + sequence.replace(b"\x1b", b"\x1b\x1b") + b"\x1b\\"
        return sequence + wrapped
    if env.get("TERM", "").startswith("screen") or env.get("STY"):
        # GNU screen passes DCS strings through, but only short ones: chunk it.
        chunks = [sequence[i : i + 76] for i in range(0, len(sequence), 76)]
        return b"".join(b"\x1bP" + chunk + b"\x1b\\" for chunk in chunks)
    return sequence


def _open_terminal() -> tuple[BinaryIO, str] | None:
    """The controlling terminal, else stderr when it is one; None without a terminal."""
    with contextlib.suppress(OSError):
        return open("/dev/tty", "wb", buffering=0), "/dev/tty"
    if sys.stderr is not None and sys.stderr.isatty():
        return sys.stderr.buffer, "stderr"
    return None


def copy_to_clipboard(text: str) -> str:
    """Put ``text`` on the clipboard; say which way it went.

    Returns e.g. ``"clipboard via xclip"`` or ``"OSC 52 terminal sequence"``.
    Raises IssuenoteError when there is neither a clipboard nor a terminal.
    """
    tool = _system_clipboard(text)
    if tool:
        return f"clipboard via {tool}"
    sequence = osc52_sequence(text)
    terminal = _open_terminal()
    if terminal is None:
        raise IssuenoteError(
            "no clipboard available: install xclip, xsel or wl-clipboard, "
            "or run in a terminal that supports OSC 52; or use --output FILE"
        )
    stream, where = terminal
    try:
        stream.write(sequence)
        stream.flush()
    except OSError as error:
        raise IssuenoteError(f"could not write to the terminal: {_explain(error)}") from None
    finally:
        if where == "/dev/tty":
            stream.close()
    return "OSC 52 terminal sequence"
