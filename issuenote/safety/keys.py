"""Find, or create, the data key that opens a notebook's encrypted fields.

Where the key is looked for, in this order:

1. ``ISSUENOTE_KEY`` (URL-safe base64 of 32 bytes). When it is set it is the
   only candidate: a wrong value is an error, never silently skipped, so that
   someone testing a backed-up key learns the truth.
2. An existing key file ``<home>/key``. It exists because no usable OS
   keyring was there when the key was made (SSH, CI, a headless box), or
   because the user restored it there; it keeps winning when a keyring
   appears later, so the notebook keeps working.
   Reading it is also cheap: the keyring (~160 ms to import and choose a
   backend, seconds when it hangs) is not touched when the file opens the
   notebook.
3. The OS keyring, service ``issuenote``, user name = the notebook id, so two
   notebooks have two keys.
4. Only when the notebook has no encrypted data yet (no key check value): a
   new key, stored in the keyring and read back (the null backend drops
   writes); if that fails, in a new key file, mode 0600, with a warning.

With a key check value every candidate is verified against it, and a key
that does not verify is never replaced: a notebook with encrypted data either
opens with the key it was written under, or fails loudly with
:class:`MissingKeyError` or :class:`KeyMismatchError`.

Every keyring call runs in a daemon thread with a timeout
(``ISSUENOTE_KEYRING_TIMEOUT``, default 3 s) and any exception from it means
"keyring unusable", so a locked Secret Service, a missing D-Bus or an odd
backend can never crash or hang the tool. The ``fail`` and ``null`` backends,
an empty chainer, and ``keyrings.alt`` / ``keyrings.cryptfile`` (plain text,
or a password prompt that hangs without a terminal) are treated as unusable
without being called. ``keyring`` itself is imported only when a key is
really needed, on purpose: it is the slowest import of the program.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import stat
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar

from issuenote.errors import IssuenoteError
from issuenote.fsutil import fsync_directory
from issuenote.safety import fieldcrypt

KEYRING_SERVICE = "issuenote"
KEY_FILE_NAME = "key"
ENV_KEY = "ISSUENOTE_KEY"
ENV_KEYRING_TIMEOUT = "ISSUENOTE_KEYRING_TIMEOUT"
DEFAULT_KEYRING_TIMEOUT = 3.0
MAX_KEYRING_TIMEOUT = 600.0

KeySource = Literal["env", "keyring", "file"]

_ENCODED_KEY_CHARS = 43  # 32 bytes in URL-safe base64 without padding
_ENCODED_KEY = re.compile(r"[A-Za-z0-9_-]{43}")
_KEY_FILE_MAX_BYTES = 4096
_PRIVATE_MODE = 0o600
_KEY_FORMAT_HINT = f"{_ENCODED_KEY_CHARS} characters of URL-safe base64"
# Backends that are not safe to use unattended: plain-text files, or a
# password prompt on a terminal that may not exist.
_SKIPPED_BACKEND_PACKAGES = ("keyrings.alt", "keyrings.cryptfile")

T = TypeVar("T")


class MissingKeyError(IssuenoteError):
    """The notebook has encrypted fields but no data key was found anywhere."""


class KeyMismatchError(IssuenoteError):
    """A data key was found but it does not open this notebook's encrypted fields."""


@dataclass(frozen=True)
class KeyInfo:
    """The data key and where it came from; the key never appears in a repr."""

    key: bytes = field(repr=False)
    source: KeySource
    backend: str
    created: bool
    warning: str | None = None


def encode_key(key: bytes) -> str:
    """The text form of a key, as used in ISSUENOTE_KEY, the key file and the keyring."""
    if not isinstance(key, bytes) or len(key) != fieldcrypt.KEY_BYTES:
        raise ValueError(f"a data key is {fieldcrypt.KEY_BYTES} bytes")
    import base64

    return base64.urlsafe_b64encode(key).rstrip(b"=").decode("ascii")


def decode_key(text: str) -> bytes:
    """Parse a key's text form; standard base64 and padding are accepted too.

    Raises ValueError whose message never repeats the (secret) input.
    """
    import base64

    cleaned = text.strip().translate(str.maketrans("+/", "-_")).rstrip("=")
    if not _ENCODED_KEY.fullmatch(cleaned):
        raise ValueError(f"expected {_KEY_FORMAT_HINT}, got {len(text.strip())} characters")
    return base64.urlsafe_b64decode(cleaned + "=")


def key_file_path(home: Path) -> Path:
    """Where the fallback key file of the notebook in ``home`` lives."""
    return Path(home) / KEY_FILE_NAME


def load_key(home: Path, notebook_id: str, *, kcv: str | None, create: bool) -> KeyInfo | None:
    """Return the notebook's data key, creating one if allowed and none exists.

    ``kcv`` is the notebook's key check value (None while nothing is
    encrypted). Returns None only when no key exists, ``kcv`` is None and
    ``create`` is False. A new key is created only when ``kcv`` is None; the
    caller then stores ``fieldcrypt.key_check_value(info.key)`` with the
    first encrypted value.
    """
    _check_notebook_id(notebook_id)
    env_key = _key_from_env()
    if env_key is not None:
        if kcv is not None and not fieldcrypt.verify_key(env_key, kcv):
            raise KeyMismatchError(
                f"the key in {ENV_KEY} does not open this notebook's encrypted fields; "
                f"unset {ENV_KEY} to use the key stored for this notebook, or set it to "
                "the right key"
            )
        return KeyInfo(env_key, "env", f"{ENV_KEY} environment variable", created=False)

    path = key_file_path(home)
    key_file = _read_key_file(path)
    rejected: list[str] = []
    if key_file.key is not None:
        if kcv is None or fieldcrypt.verify_key(key_file.key, kcv):
            return KeyInfo(
                key_file.key, "file", f"key file {path}", created=False, warning=key_file.warning
            )
        rejected.append(f"the key file {path}")

    keyring = _Keyring(_keyring_timeout())
    stored = keyring.get(notebook_id)
    if stored is not None:
        if kcv is None or fieldcrypt.verify_key(stored, kcv):
            warning = None
            if rejected:
                warning = (
                    f"the key file {path} holds a key that does not open this notebook; "
                    f"the key in the OS keyring was used instead (move {path} away)"
                )
            return KeyInfo(stored, "keyring", keyring.name, created=False, warning=warning)
        rejected.append(f"the OS keyring ({keyring.name})")

    if kcv is not None:
        if rejected:
            raise KeyMismatchError(
                f"the key in {' and the key in '.join(rejected)} does not open this "
                f"notebook's encrypted fields; set {ENV_KEY} to the right key or restore "
                f"the key file {path} from a backup"
            )
        raise MissingKeyError(_missing_key_message(path, notebook_id, key_file, keyring))
    if not create:
        return None
    if key_file.exists:
        # Never replace a file we cannot read: it may be the only copy of a key.
        raise IssuenoteError(f"{key_file.problem}; fix it or move it away, then try again")

    key = fieldcrypt.new_key()
    if keyring.store(notebook_id, key):
        return KeyInfo(key, "keyring", keyring.name, created=True)
    return _create_key_file_or_adopt(path, key, keyring)


def install_key(home: Path, notebook_id: str, key: bytes, *, kcv: str | None) -> KeyInfo:
    """Keep a key brought from another device (`key import`, or `sync init` with ISSUENOTE_KEY).

    Stored where a new key would be (the OS keyring, else the key file). A
    notebook already encrypted under another key is refused, and so is a
    different key already stored here: it is never replaced, since it may be
    the only copy. The caller records the key check value when ``kcv`` is None.
    """
    _check_notebook_id(notebook_id)
    if kcv is not None and not fieldcrypt.verify_key(key, kcv):
        raise KeyMismatchError(
            "this key does not open this notebook's encrypted fields: the notebook already "
            "has data under another key (sync and key import need a notebook with no "
            "encrypted data yet, or the same key)"
        )
    path = key_file_path(home)
    key_file = _read_key_file(path)
    if key_file.key is not None:
        if key_file.key == key:
            return KeyInfo(key, "file", f"key file {path}", created=False)
        raise IssuenoteError(
            f"a different key is already stored in {path}; move it away (keep a copy) and try again"
        )
    if key_file.exists:
        raise IssuenoteError(f"{key_file.problem}; fix it or move it away, then try again")
    keyring = _Keyring(_keyring_timeout())
    stored = keyring.get(notebook_id)
    if stored is not None:
        if stored == key:
            return KeyInfo(key, "keyring", keyring.name, created=False)
        raise IssuenoteError(
            f"a different key is already stored for this notebook in {keyring.name}; "
            "remove that entry (keep a copy) and try again"
        )
    if keyring.store(notebook_id, key):
        return KeyInfo(key, "keyring", keyring.name, created=True)
    return _create_key_file_or_adopt(path, key, keyring)


def describe_key_location(home: Path, notebook_id: str, kcv: str | None) -> dict[str, Any]:
    """Say where the key is and why, for ``doctor``; never raises for a bad setup.

    Unlike :func:`load_key` it always asks the keyring, so it can report the
    backend even when the key file is what opens the notebook.
    """
    _check_notebook_id(notebook_id)
    path = key_file_path(home)
    problems: list[str] = []
    report: dict[str, Any] = {
        "source": None,
        "verified": None,
        "env_set": False,
        "keyring_service": KEYRING_SERVICE,
        "keyring_user": notebook_id,
        "keyring_backend": "not checked",
        "keyring_usable": False,
        "keyring_problem": None,
        "keyring_has_key": None,
        "key_file": str(path),
        "key_file_exists": False,
        "key_file_mode": None,
        "key_file_problem": None,
        "explanation": "",
        "problems": problems,
    }

    def opens(key: bytes) -> bool | None:
        return None if kcv is None else _verifies(key, kcv, problems)

    report["env_set"] = bool(os.environ.get(ENV_KEY, "").strip())
    env_problem: str | None = None
    try:
        env_key = _key_from_env()
    except IssuenoteError as error:
        env_key, env_problem = None, str(error)
        problems.append(env_problem)

    key_file = _read_key_file(path)
    report["key_file_exists"] = key_file.exists
    report["key_file_mode"] = None if key_file.mode is None else f"{key_file.mode:04o}"
    report["key_file_problem"] = key_file.problem or key_file.warning
    if report["key_file_problem"]:
        problems.append(report["key_file_problem"])

    keyring = _Keyring(_keyring_timeout(problems))
    keyring_key = keyring.get(notebook_id)
    report["keyring_backend"] = keyring.name
    report["keyring_usable"] = keyring.problem is None
    report["keyring_problem"] = keyring.problem
    if keyring.problem is None:
        report["keyring_has_key"] = keyring_key is not None
    if keyring.entry_problem:
        problems.append(keyring.entry_problem)

    file_opens = None if key_file.key is None else opens(key_file.key)
    keyring_opens = None if keyring_key is None else opens(keyring_key)
    keyring_where = f"the OS keyring ({keyring.name}), entry {KEYRING_SERVICE!r}/{notebook_id!r}"

    if env_problem is not None:
        report["explanation"] = (
            f"{ENV_KEY} is set but is not a valid key, so nothing can be opened until it "
            "is corrected or unset."
        )
    elif env_key is not None:
        report["source"], report["verified"] = "env", opens(env_key)
        report["explanation"] = (
            f"{ENV_KEY} is set, so it is used and the key file and the OS keyring are "
            "not consulted."
        )
        if report["verified"] is False:
            problems.append(f"the key in {ENV_KEY} does not open this notebook's encrypted fields")
    elif key_file.key is not None and file_opens is not False:
        report["source"], report["verified"] = "file", file_opens
        report["explanation"] = (
            f"The key file {path} is used. Such a file is made when no usable OS keyring "
            "is there as the key is created, and an existing key file comes before the "
            "keyring, so the notebook keeps opening when a keyring appears later. Keep a "
            "backup of it: without it the private fields cannot be read."
        )
    elif keyring_key is not None and keyring_opens is not False:
        report["source"], report["verified"] = "keyring", keyring_opens
        report["explanation"] = f"The key is kept in {keyring_where}."
        if file_opens is False:
            problems.append(
                f"the key file {path} holds a key that does not open this notebook; "
                "the keyring's key is used instead"
            )
    elif file_opens is False or keyring_opens is False:
        report["verified"] = False
        report["explanation"] = (
            "A key was found but it does not open this notebook's encrypted fields; "
            f"set {ENV_KEY} to the right key or restore the key file from a backup."
        )
        problems.append("no available key opens this notebook's encrypted fields")
    elif kcv is not None:
        report["explanation"] = _missing_key_message(path, notebook_id, key_file, keyring)
        problems.append("this notebook has encrypted fields but no data key was found")
    else:
        where = "the OS keyring" if keyring.problem is None else f"the key file {path}"
        report["explanation"] = (
            "No data key exists yet, and nothing is encrypted; one will be created in "
            f"{where} the first time a private field is stored."
        )
        if keyring.problem is not None:
            report["explanation"] += f" The OS keyring is not usable: {keyring.problem}."
    report["problems"] = list(dict.fromkeys(problems))  # each problem once
    return report


def repair_key_file_mode(home: Path) -> bool:
    """Make the key file readable by its owner only; True when it was changed.

    For ``doctor --fix``; a missing file or a non-POSIX system is left alone.
    """
    path = key_file_path(home)
    if os.name != "posix":
        return False
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return False
    except OSError as error:
        raise IssuenoteError(f"cannot check the key file {path}: {error.strerror}") from None
    if not mode & 0o077:
        return False
    try:
        path.chmod(_PRIVATE_MODE)
    except OSError as error:
        raise IssuenoteError(f"cannot change the mode of {path}: {error.strerror}") from None
    return True


# --- environment -------------------------------------------------------------


def _key_from_env() -> bytes | None:
    """The key from ISSUENOTE_KEY; an empty value counts as unset."""
    text = os.environ.get(ENV_KEY, "")
    if not text.strip():
        return None
    try:
        return decode_key(text)
    except ValueError as error:
        raise IssuenoteError(f"{ENV_KEY} is not a valid data key: {error}") from None


def _keyring_timeout(problems: list[str] | None = None) -> float:
    """Seconds to wait for the keyring; a bad value is an error (or a problem for doctor)."""
    text = os.environ.get(ENV_KEYRING_TIMEOUT, "").strip()
    if not text:
        return DEFAULT_KEYRING_TIMEOUT
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not (0 < seconds <= MAX_KEYRING_TIMEOUT):
        message = (
            f"{ENV_KEYRING_TIMEOUT} must be a number of seconds above 0 and at most "
            f"{MAX_KEYRING_TIMEOUT:g}, got {text[:40]!r}"
        )
        if problems is None:
            raise IssuenoteError(message)
        problems.append(message)
        return DEFAULT_KEYRING_TIMEOUT
    return seconds


def _check_notebook_id(notebook_id: str) -> None:
    if not isinstance(notebook_id, str) or not notebook_id.strip():
        raise ValueError(f"notebook_id must be a non-empty string, got {notebook_id!r}")


def _verifies(key: bytes, kcv: str, problems: list[str]) -> bool | None:
    try:
        return fieldcrypt.verify_key(key, kcv)
    except fieldcrypt.DecryptError as error:
        problems.append(str(error))
        return None


def _missing_key_message(
    path: Path, notebook_id: str, key_file: _KeyFile, keyring: _Keyring
) -> str:
    file_state = key_file.problem or "missing"
    if keyring.entry_problem:
        keyring_state = keyring.entry_problem
    elif keyring.problem:
        keyring_state = f"unusable: {keyring.problem}"
    else:
        keyring_state = f"no entry in {keyring.name}"
    return (
        "this notebook has encrypted fields but its data key was not found; looked in "
        f"{ENV_KEY} (not set), the key file {path} ({file_state}) and the OS keyring, "
        f"service {KEYRING_SERVICE!r}, user {notebook_id!r} ({keyring_state}). "
        f"Set {ENV_KEY} to the key ({_KEY_FORMAT_HINT}) or restore the key file"
    )


# --- key file ------------------------------------------------------------------


@dataclass
class _KeyFile:
    """What reading the key file found; ``problem`` says why ``key`` is None."""

    exists: bool = False
    key: bytes | None = field(default=None, repr=False)
    mode: int | None = None
    problem: str | None = None
    warning: str | None = None


def _read_key_file(path: Path) -> _KeyFile:
    """Read the key file without ever blocking (a FIFO) or raising."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        return _KeyFile()
    except OSError as error:
        return _KeyFile(exists=True, problem=f"cannot read the key file {path}: {error.strerror}")
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return _KeyFile(exists=True, problem=f"the key file {path} is not a regular file")
        data = os.read(fd, _KEY_FILE_MAX_BYTES + 1)
    except OSError as error:
        return _KeyFile(exists=True, problem=f"cannot read the key file {path}: {error.strerror}")
    finally:
        os.close(fd)

    mode = stat.S_IMODE(info.st_mode)
    found = _KeyFile(exists=True, mode=mode)
    if os.name == "posix" and mode & 0o077:
        found.warning = (
            f"the key file {path} can be read by other users (mode {mode:04o}); "
            f"run: chmod 600 {path}  (or issuenote doctor --fix)"
        )
    try:
        if len(data) > _KEY_FILE_MAX_BYTES:
            raise ValueError("the file is too large")
        found.key = decode_key(data.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        found.problem = f"the key file {path} does not hold a valid data key ({_KEY_FORMAT_HINT})"
    return found


def _create_key_file_or_adopt(path: Path, key: bytes, keyring: _Keyring) -> KeyInfo:
    """Save a new key file; if another process made one first, use that one."""
    try:
        _write_new_key_file(path, key)
    except FileExistsError:
        other = _read_key_file(path)
        if other.key is None:
            raise IssuenoteError(
                f"{other.problem}; fix it or move it away, then try again"
            ) from None
        return KeyInfo(other.key, "file", f"key file {path}", created=False, warning=other.warning)
    except OSError as error:
        raise IssuenoteError(
            f"no usable OS keyring ({keyring.problem}) and the key file {path} cannot be "
            f"written: {error.strerror or error}"
        ) from None
    warning = (
        f"no usable OS keyring: {keyring.problem}. The data key for private fields was "
        f"saved to {path}, readable only by you; back it up, since without it the private "
        f"fields cannot be read (or keep the key in {ENV_KEY} instead)"
    )
    return KeyInfo(key, "file", f"key file {path}", created=True, warning=warning)


def _write_new_key_file(path: Path, key: bytes) -> None:
    """Create the key file atomically, mode 0600, never replacing an existing one.

    The key is written and fsynced under a temporary name, then hard-linked
    into place (link refuses to replace), so a crash never leaves a
    half-written key file behind. Where hard links are not supported the file
    is created directly with O_EXCL.
    """
    import secrets

    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    data = (encode_key(key) + "\n").encode("ascii")
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    _write_exclusive(temporary, data)
    try:
        try:
            os.link(temporary, path)
        except FileExistsError:
            raise
        except OSError:
            _write_exclusive(path, data)
    finally:
        temporary.unlink(missing_ok=True)
    fsync_directory(path.parent)


def _write_exclusive(path: Path, data: bytes) -> None:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags, _PRIVATE_MODE)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, _PRIVATE_MODE)  # exact mode whatever the umask
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        path.unlink(missing_ok=True)
        raise
    os.close(fd)


# --- OS keyring ------------------------------------------------------------------


class _KeyringUnusable(Exception):
    """Internal: the keyring failed or hung; the message is the reason, for the user."""


class _Keyring:
    """The OS keyring for one lookup: chosen once, every call under a timeout.

    After the first failure or timeout it is not called again, so one lookup
    waits at most one timeout per step that was attempted.
    """

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self.name = "not checked"
        self.problem: str | None = None  # why the keyring as a whole is unusable
        self.entry_problem: str | None = None  # why our entry in it is unusable
        self._backends: list[Any] | None = None

    def get(self, notebook_id: str) -> bytes | None:
        """The key stored for this notebook, or None (absent, or keyring unusable)."""
        backends = self._ready()
        if backends is None:
            return None

        def read() -> str | None:
            for backend in backends:
                value = backend.get_password(KEYRING_SERVICE, notebook_id)
                if value is not None:
                    return value
            return None

        try:
            value = self._call(read)
        except _KeyringUnusable as error:
            self.problem = str(error)
            return None
        if value is None:
            return None
        try:
            if not isinstance(value, str):
                raise ValueError("not text")
            return decode_key(value)
        except ValueError:
            self.entry_problem = (
                f"the OS keyring entry {KEYRING_SERVICE!r}/{notebook_id!r} does not hold a "
                f"valid data key ({_KEY_FORMAT_HINT})"
            )
            return None

    def store(self, notebook_id: str, key: bytes) -> bool:
        """Save a new key and read it back; False (with ``problem``) if it did not stick."""
        backends = self._ready()
        if backends is None:
            return False
        target = backends[0]
        text = encode_key(key)

        def save_and_read_back() -> str | None:
            target.set_password(KEYRING_SERVICE, notebook_id, text)
            return target.get_password(KEYRING_SERVICE, notebook_id)

        try:
            read_back = self._call(save_and_read_back)
        except _KeyringUnusable as error:
            self.problem = str(error)
            return False
        if read_back == text:
            return True
        if read_back is None:
            self.problem = f"{self.name} accepted the key but did not keep it"
        else:
            self.problem = f"{self.name} returned a different value than the key it was given"
            self._forget_quietly(target, notebook_id)
        return False

    def _forget_quietly(self, backend: Any, notebook_id: str) -> None:
        """Remove a garbled entry so it cannot confuse a later lookup; best effort."""
        with contextlib.suppress(_KeyringUnusable):
            self._call(lambda: backend.delete_password(KEYRING_SERVICE, notebook_id))

    def _ready(self) -> list[Any] | None:
        """Choose the backend(s) on first use; None once the keyring is unusable."""
        if self._backends is None and self.problem is None:
            try:
                import keyring  # lazy on purpose: ~75 ms, plus ~85 ms to pick a backend
            except Exception as error:
                self.problem = f"the keyring package failed to load ({_brief(error)})"
                return None
            _silence_keyring_logging()
            try:
                self._backends, self.name, self.problem = self._call(
                    lambda: _usable_backends(keyring.get_keyring()), choosing=True
                )
            except _KeyringUnusable as error:
                self.problem = str(error)
        return None if self.problem is not None else self._backends

    def _call(self, action: Callable[[], T], *, choosing: bool = False) -> T:
        """Run ``action`` in a daemon thread; a timeout or any exception means unusable."""
        outcome: dict[str, Any] = {}

        def run() -> None:
            try:
                outcome["value"] = action()
            except BaseException as error:  # the keyring boundary: nothing escapes
                outcome["error"] = error

        worker = threading.Thread(target=run, name="issuenote-keyring", daemon=True)
        worker.start()
        worker.join(self.timeout)
        what = "keyring while choosing a backend" if choosing else self.name
        if worker.is_alive():
            raise _KeyringUnusable(
                f"no answer from {what} within {self.timeout:g} s "
                "(locked, or waiting for an unlock prompt?)"
            )
        if "error" in outcome:
            error = outcome["error"]
            if isinstance(error, _KeyringUnusable):
                raise error
            raise _KeyringUnusable(_brief(error))
        return outcome["value"]


def _usable_backends(active: Any) -> tuple[list[Any] | None, str, str | None]:
    """The backend(s) to use, the name to show, and why none is usable (or None).

    The chainer is replaced by the usable backends it chains, so a plain-text
    backend it would include is left out.
    """
    from keyring.backends import chainer

    name = _qualified_name(active)
    if isinstance(active, chainer.ChainerBackend):
        candidates = list(active.backends)
        usable = [backend for backend in candidates if _skip_reason(backend) is None]
        if not usable:
            reason = "no OS keyring backend is available, the chainer has nothing usable to chain"
            return None, name, reason
        return usable, _qualified_name(usable[0]), None
    reason = _skip_reason(active)
    return (None if reason else [active]), name, reason


def _skip_reason(backend: Any) -> str | None:
    """Why a backend is not used without even being called, or None."""
    from keyring.backends import fail, null

    name = _qualified_name(backend)
    if isinstance(backend, fail.Keyring):
        return f"no OS keyring backend is available, keyring chose {name}"
    if isinstance(backend, null.Keyring):
        return f"the keyring is disabled, {name} stores nothing"
    if type(backend).__module__.startswith(_SKIPPED_BACKEND_PACKAGES):
        return (
            f"{name} is not used: it keeps secrets in a plain file or asks for a "
            "password on a terminal"
        )
    return None


def _qualified_name(backend: Any) -> str:
    kind = type(backend)
    return f"{kind.__module__}.{kind.__qualname__}"


def _brief(error: BaseException) -> str:
    """One short line naming an exception, for a message the user reads."""
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    if len(text) > 160:
        text = text[:157] + "..."
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


_logging_silenced = False


def _silence_keyring_logging() -> None:
    """Keep keyring's own warnings and plugin tracebacks off stderr.

    A NullHandler on its logger stops Python's last-resort handler from
    printing them, while an application that configures logging (--debug)
    still receives them through propagation.
    """
    global _logging_silenced
    if not _logging_silenced:
        import logging

        logging.getLogger("keyring").addHandler(logging.NullHandler())
        _logging_silenced = True
