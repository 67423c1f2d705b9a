"""Fake keyring backends for tests, one per way a real keyring behaves.

Install one with :func:`installed_keyring` (or ``keyring.set_keyring`` plus a
restore). State lives on the instance, so tests never leak keys into each
other. Each fake refuses to be discovered by keyring's own backend search
(its ``priority`` raises), so the chainer never picks one up by accident.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import keyring
import keyring.core
from keyring.backend import KeyringBackend
from keyring.compat import properties
from keyring.errors import KeyringLocked, NoKeyringError, PasswordDeleteError

__all__ = [
    "FailingKeyring",
    "HangingKeyring",
    "LockedKeyring",
    "MemoryKeyring",
    "NullKeyring",
    "TruncatingKeyring",
    "installed_keyring",
]


class _FakeKeyring(KeyringBackend):
    """Base of the fakes: never viable for discovery, printable all the same."""

    @properties.classproperty
    def priority(cls) -> float:
        raise RuntimeError("test backend: install it with keyring.set_keyring")

    def __str__(self) -> str:
        return f"{type(self).__module__}.{type(self).__qualname__} (test)"

    def get_password(self, service: str, username: str) -> str | None:
        raise NotImplementedError

    def set_password(self, service: str, username: str, password: str) -> None:
        raise NotImplementedError


class MemoryKeyring(_FakeKeyring):
    """A working keyring that keeps entries in a dict, like a real one would."""

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}
        self.calls: list[str] = []

    def get_password(self, service: str, username: str) -> str | None:
        self.calls.append("get")
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.calls.append("set")
        self.entries[service, username] = password

    def delete_password(self, service: str, username: str) -> None:
        self.calls.append("delete")
        try:
            del self.entries[service, username]
        except KeyError:
            raise PasswordDeleteError("no such entry") from None


class FailingKeyring(_FakeKeyring):
    """What headless Linux, SSH and CI get: every call raises NoKeyringError."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def get_password(self, service: str, username: str) -> str | None:
        self.calls += 1
        raise NoKeyringError("No recommended backend was available (test)")

    def set_password(self, service: str, username: str, password: str) -> None:
        self.calls += 1
        raise NoKeyringError("No recommended backend was available (test)")

    def delete_password(self, service: str, username: str) -> None:
        self.calls += 1
        raise NoKeyringError("No recommended backend was available (test)")


class NullKeyring(_FakeKeyring):
    """Accepts every write and forgets it, like keyring.backends.null."""

    def __init__(self) -> None:
        super().__init__()
        self.writes = 0

    def get_password(self, service: str, username: str) -> str | None:
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        self.writes += 1

    def delete_password(self, service: str, username: str) -> None:
        return None


class TruncatingKeyring(MemoryKeyring):
    """Keeps only the first few characters, like a backend with a size limit."""

    def __init__(self, keep: int = 20) -> None:
        super().__init__()
        self.keep = keep

    def set_password(self, service: str, username: str, password: str) -> None:
        super().set_password(service, username, password[: self.keep])


class HangingKeyring(_FakeKeyring):
    """Never answers in time, like a Secret Service waiting on an unlock prompt.

    Calls wait on ``release`` (at most ``hang_seconds``); call :meth:`release_all`
    when done so no worker thread outlives the test.
    """

    def __init__(self, hang_seconds: float = 30.0) -> None:
        super().__init__()
        self.hang_seconds = hang_seconds
        self.release = threading.Event()
        self.started = threading.Event()

    def _hang(self) -> None:
        self.started.set()
        self.release.wait(self.hang_seconds)

    def get_password(self, service: str, username: str) -> str | None:
        self._hang()
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        self._hang()

    def delete_password(self, service: str, username: str) -> None:
        self._hang()

    def release_all(self) -> None:
        self.release.set()


class LockedKeyring(_FakeKeyring):
    """A keyring that refuses access: KeyringLocked by default, or any error given."""

    def __init__(self, error: type[BaseException] = KeyringLocked) -> None:
        super().__init__()
        self.error = error

    def get_password(self, service: str, username: str) -> str | None:
        raise self.error("the collection is locked (test)")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise self.error("the collection is locked (test)")

    def delete_password(self, service: str, username: str) -> None:
        raise self.error("the collection is locked (test)")


@contextmanager
def installed_keyring(backend: KeyringBackend) -> Iterator[KeyringBackend]:
    """Make ``backend`` the active keyring, then put back whatever was there.

    Restores keyring's private slot directly: calling ``get_keyring()`` to
    save the old backend would make keyring probe the real OS keyring.
    """
    previous = keyring.core._keyring_backend
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.core._keyring_backend = previous
        if isinstance(backend, HangingKeyring):
            backend.release_all()
