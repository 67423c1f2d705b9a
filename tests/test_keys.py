"""Finding and creating the data key, with every kind of keyring a user may have."""

from __future__ import annotations

import base64
import contextlib
import json
import os
import stat
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import keyring
import keyring.core
import pytest
from fake_keyrings import (
    FailingKeyring,
    HangingKeyring,
    LockedKeyring,
    MemoryKeyring,
    NullKeyring,
    TruncatingKeyring,
    installed_keyring,
)
from keyring.backends import chainer, fail, null
from keyring.errors import InitError, KeyringLocked, NoKeyringError, PasswordSetError

from issuenote.errors import IssuenoteError
from issuenote.safety import keys
from issuenote.safety.fieldcrypt import key_check_value, new_key
from issuenote.safety.keys import (
    KeyInfo,
    KeyMismatchError,
    MissingKeyError,
    decode_key,
    describe_key_location,
    encode_key,
    key_file_path,
    load_key,
    repair_key_file_mode,
)

NOTEBOOK = "7d2f8a90-3c1e-4b6a-9f0d-5e4c3b2a1f00"
OTHER_NOTEBOOK = "0a1b2c3d-0000-4000-8000-00000000beef"
POSIX = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")

InstallKeyring = Callable[[keyring.backend.KeyringBackend], keyring.backend.KeyringBackend]


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No ISSUENOTE_KEY, a short keyring timeout, and no keyring unless a test installs one."""
    monkeypatch.delenv("ISSUENOTE_KEY", raising=False)
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    monkeypatch.setenv("ISSUENOTE_KEYRING_TIMEOUT", "0.2")
    with installed_keyring(FailingKeyring()):
        yield


@pytest.fixture
def use_keyring() -> Iterator[InstallKeyring]:
    """Install a fake backend for the rest of the test, restored afterwards."""
    with contextlib.ExitStack() as stack:
        yield lambda backend: stack.enter_context(installed_keyring(backend))


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "notebook-home"
    path.mkdir()
    return path


def write_key_file(home: Path, key: bytes, mode: int = 0o600) -> Path:
    path = key_file_path(home)
    path.write_text(encode_key(key) + "\n")
    path.chmod(mode)
    return path


def file_mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --- a working keyring --------------------------------------------------------


def test_memory_keyring_stores_a_new_key_and_reuses_it(
    home: Path, use_keyring: InstallKeyring
) -> None:
    ring = use_keyring(MemoryKeyring())
    created = load_key(home, NOTEBOOK, kcv=None, create=True)
    assert created is not None
    assert (created.source, created.created, created.warning) == ("keyring", True, None)
    assert created.backend.endswith("fake_keyrings.MemoryKeyring")
    assert len(created.key) == 32
    assert ring.entries == {("issuenote", NOTEBOOK): encode_key(created.key)}
    assert not key_file_path(home).exists()

    again = load_key(home, NOTEBOOK, kcv=key_check_value(created.key), create=True)
    assert again is not None
    assert (again.key, again.source, again.created, again.warning) == (
        created.key,
        "keyring",
        False,
        None,
    )
    assert ring.calls.count("set") == 1


def test_two_notebooks_get_two_keys(home: Path, use_keyring: InstallKeyring) -> None:
    ring = use_keyring(MemoryKeyring())
    first = load_key(home, NOTEBOOK, kcv=None, create=True)
    second = load_key(home, OTHER_NOTEBOOK, kcv=None, create=True)
    assert first is not None and second is not None
    assert first.key != second.key
    assert set(ring.entries) == {("issuenote", NOTEBOOK), ("issuenote", OTHER_NOTEBOOK)}


def test_existing_keyring_key_is_returned_without_a_check_value(
    home: Path, use_keyring: InstallKeyring
) -> None:
    ring = use_keyring(MemoryKeyring())
    key = new_key()
    ring.entries["issuenote", NOTEBOOK] = encode_key(key)
    info = load_key(home, NOTEBOOK, kcv=None, create=False)
    assert info is not None
    assert (info.key, info.source, info.created) == (key, "keyring", False)


def test_no_key_and_no_create_returns_none_and_writes_nothing(
    home: Path, use_keyring: InstallKeyring
) -> None:
    ring = use_keyring(MemoryKeyring())
    assert load_key(home, NOTEBOOK, kcv=None, create=False) is None
    assert ring.entries == {}
    assert list(home.iterdir()) == []


def test_key_never_shows_in_repr(home: Path, use_keyring: InstallKeyring) -> None:
    use_keyring(MemoryKeyring())
    info = load_key(home, NOTEBOOK, kcv=None, create=True)
    assert info is not None
    assert encode_key(info.key) not in repr(info)
    assert repr(info.key) not in repr(info)


# --- no usable keyring: the key file ------------------------------------------


@POSIX
def test_failing_keyring_falls_back_to_a_private_key_file(home: Path) -> None:
    info = load_key(home, NOTEBOOK, kcv=None, create=True)
    assert info is not None
    path = key_file_path(home)
    assert (info.source, info.created, info.backend) == ("file", True, f"key file {path}")
    assert info.warning is not None
    assert "no usable OS keyring" in info.warning
    assert str(path) in info.warning
    assert "NoKeyringError" in info.warning
    assert encode_key(info.key) not in info.warning
    assert file_mode(path) == 0o600
    assert path.read_text() == encode_key(info.key) + "\n"
    assert sorted(p.name for p in home.iterdir()) == ["key"]  # no temporary file left behind


def test_key_file_is_reused_quietly_and_the_keyring_is_not_asked(
    home: Path, use_keyring: InstallKeyring
) -> None:
    failing = use_keyring(FailingKeyring())
    created = load_key(home, NOTEBOOK, kcv=None, create=True)
    assert created is not None
    calls_when_created = failing.calls

    again = load_key(home, NOTEBOOK, kcv=key_check_value(created.key), create=True)
    assert again is not None
    assert (again.key, again.source, again.created, again.warning) == (
        created.key,
        "file",
        False,
        None,
    )
    assert failing.calls == calls_when_created


def test_key_file_keeps_working_when_a_keyring_appears_later(
    home: Path, use_keyring: InstallKeyring
) -> None:
    created = load_key(home, NOTEBOOK, kcv=None, create=True)
    assert created is not None and created.source == "file"
    ring = use_keyring(MemoryKeyring())
    again = load_key(home, NOTEBOOK, kcv=key_check_value(created.key), create=True)
    assert again is not None
    assert (again.key, again.source) == (created.key, "file")
    assert ring.calls == []  # not even asked: the file opened the notebook


def test_home_directory_is_created_if_missing(tmp_path: Path) -> None:
    home = tmp_path / "a" / "b"
    info = load_key(home, NOTEBOOK, kcv=None, create=True)
    assert info is not None and info.source == "file"
    assert key_file_path(home).is_file()


@pytest.mark.parametrize(
    "backend",
    [fail.Keyring, null.Keyring],
    ids=["real-fail", "real-null"],
)
def test_real_fail_and_null_backends_are_skipped_without_being_called(
    home: Path, use_keyring: InstallKeyring, backend: type, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*args: object) -> None:
        raise AssertionError("must not be called")

    monkeypatch.setattr(backend, "get_password", explode)
    monkeypatch.setattr(backend, "set_password", explode)
    use_keyring(backend())
    info = load_key(home, NOTEBOOK, kcv=None, create=True)
    assert info is not None and info.source == "file"
    assert info.warning is not None
    assert f"{backend.__module__}.Keyring" in info.warning


def test_empty_chainer_is_unusable(
    home: Path, use_keyring: InstallKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [])
    use_keyring(chainer.ChainerBackend())
    info = load_key(home, NOTEBOOK, kcv=None, create=True)
    assert info is not None and info.source == "file"
    assert info.warning is not None and "chainer" in info.warning


def test_chainer_uses_only_the_usable_backends_it_chains(
    home: Path, use_keyring: InstallKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain_text = _plain_text_backend()
    ring = MemoryKeyring()
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [plain_text, fail.Keyring(), ring])
    use_keyring(chainer.ChainerBackend())
    info = load_key(home, NOTEBOOK, kcv=None, create=True)
    assert info is not None
    assert info.source == "keyring"
    assert info.backend.endswith("MemoryKeyring")
    assert ("issuenote", NOTEBOOK) in ring.entries
    assert plain_text.entries == {}


def test_plain_text_and_prompting_backends_are_skipped(
    home: Path, use_keyring: InstallKeyring
) -> None:
    for package in ("keyrings.alt.file", "keyrings.cryptfile.cryptfile"):
        backend = use_keyring(_plain_text_backend(package))
        info = load_key(home / package, NOTEBOOK, kcv=None, create=True)
        assert info is not None and info.source == "file"
        assert info.warning is not None and "plain file" in info.warning
        assert backend.calls == []


def _plain_text_backend(module: str = "keyrings.alt.file") -> MemoryKeyring:
    """A MemoryKeyring dressed up as a keyrings.alt / keyrings.cryptfile backend."""
    kind = type("PlaintextKeyring", (MemoryKeyring,), {"__module__": module})
    return kind()


def test_null_keyring_is_caught_by_the_read_back(home: Path, use_keyring: InstallKeyring) -> None:
    ring = use_keyring(NullKeyring())
    info = load_key(home, NOTEBOOK, kcv=None, create=True)
    assert ring.writes == 1
    assert info is not None and info.source == "file" and info.created
    assert info.warning is not None and "did not keep it" in info.warning
    assert key_file_path(home).read_text().strip() == encode_key(info.key)


def test_keyring_that_garbles_the_key_is_caught_and_cleaned(
    home: Path, use_keyring: InstallKeyring
) -> None:
    ring = use_keyring(TruncatingKeyring())
    info = load_key(home, NOTEBOOK, kcv=None, create=True)
    assert info is not None and info.source == "file"
    assert info.warning is not None and "different value" in info.warning
    assert ring.entries == {}  # the garbled entry was removed


def test_hanging_keyring_times_out_and_falls_back(home: Path, use_keyring: InstallKeyring) -> None:
    ring = use_keyring(HangingKeyring())
    info = load_key(home, NOTEBOOK, kcv=None, create=True)
    assert ring.started.is_set()
    assert info is not None and info.source == "file"
    assert info.warning is not None
    assert "no answer from" in info.warning and "within 0.2 s" in info.warning


def test_hanging_keyring_with_encrypted_data_says_why(
    home: Path, use_keyring: InstallKeyring
) -> None:
    use_keyring(HangingKeyring())
    with pytest.raises(MissingKeyError, match=r"no answer from .* within 0.2 s"):
        load_key(home, NOTEBOOK, kcv=key_check_value(new_key()), create=True)
    assert not key_file_path(home).exists()


@pytest.mark.parametrize(
    "error",
    [
        KeyringLocked,
        InitError,
        NoKeyringError,
        PasswordSetError,
        RuntimeError,
        OSError,
        ValueError,
        type("DBusErrorResponse", (Exception,), {}),
    ],
)
def test_locked_or_broken_keyring_falls_back(
    home: Path, use_keyring: InstallKeyring, error: type
) -> None:
    use_keyring(LockedKeyring(error))
    info = load_key(home, NOTEBOOK, kcv=None, create=True)
    assert info is not None and info.source == "file"
    assert info.warning is not None and error.__name__ in info.warning


def test_keyring_that_fails_only_on_write_falls_back(
    home: Path, use_keyring: InstallKeyring
) -> None:
    class ReadOnlyKeyring(MemoryKeyring):
        def set_password(self, service: str, username: str, password: str) -> None:
            raise PasswordSetError("write access denied by the user")

    use_keyring(ReadOnlyKeyring())
    info = load_key(home, NOTEBOOK, kcv=None, create=True)
    assert info is not None and info.source == "file"
    assert info.warning is not None and "write access denied" in info.warning


def test_broken_backend_configuration_falls_back(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """keyring's own backend choice failing (a bad PYTHON_KEYRING_BACKEND) is no crash."""
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "no_such_module.Keyring")
    monkeypatch.setattr(keyring.core, "_keyring_backend", None)
    info = load_key(home, NOTEBOOK, kcv=None, create=True)
    assert info is not None and info.source == "file"
    assert info.warning is not None and "ModuleNotFoundError" in info.warning


def test_keyring_disabled_the_standard_way_uses_the_key_file(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    monkeypatch.setattr(keyring.core, "_keyring_backend", None)
    info = load_key(home, NOTEBOOK, kcv=None, create=True)
    assert info is not None and info.source == "file"
    assert info.warning is not None and "disabled" in info.warning


def test_keyring_messages_never_reach_stderr(
    home: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "no_such_module.Keyring")
    monkeypatch.setattr(keyring.core, "_keyring_backend", None)
    load_key(home, NOTEBOOK, kcv=None, create=True)
    captured = capfd.readouterr()
    assert (captured.out, captured.err) == ("", "")


# --- ISSUENOTE_KEY ------------------------------------------------------------


def test_env_key_wins_over_key_file_and_keyring(
    home: Path, use_keyring: InstallKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    env_key, file_key, ring_key = new_key(), new_key(), new_key()
    write_key_file(home, file_key)
    ring = use_keyring(MemoryKeyring())
    ring.entries["issuenote", NOTEBOOK] = encode_key(ring_key)
    monkeypatch.setenv("ISSUENOTE_KEY", encode_key(env_key))
    info = load_key(home, NOTEBOOK, kcv=key_check_value(env_key), create=True)
    assert info is not None
    assert (info.key, info.source, info.created, info.warning) == (env_key, "env", False, None)
    assert info.backend == "ISSUENOTE_KEY environment variable"
    assert ring.calls == []


def test_env_key_is_used_for_a_new_notebook_and_nothing_is_stored(
    home: Path, use_keyring: InstallKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    ring = use_keyring(MemoryKeyring())
    env_key = new_key()
    monkeypatch.setenv("ISSUENOTE_KEY", encode_key(env_key))
    info = load_key(home, NOTEBOOK, kcv=None, create=True)
    assert info is not None and (info.key, info.source, info.created) == (env_key, "env", False)
    assert ring.entries == {} and list(home.iterdir()) == []


@pytest.mark.parametrize(
    "spelling",
    [
        lambda key: encode_key(key),
        lambda key: base64.urlsafe_b64encode(key).decode(),
        lambda key: base64.b64encode(key).decode(),
        lambda key: f"  {encode_key(key)}\n",
    ],
    ids=["canonical", "padded", "standard-base64", "whitespace"],
)
def test_env_key_spellings(
    home: Path, monkeypatch: pytest.MonkeyPatch, spelling: Callable[[bytes], str]
) -> None:
    key = bytes(range(200, 232))  # has bytes that encode to '+' and '/' in standard base64
    monkeypatch.setenv("ISSUENOTE_KEY", spelling(key))
    info = load_key(home, NOTEBOOK, kcv=key_check_value(key), create=False)
    assert info is not None and info.key == key


@pytest.mark.parametrize(
    "value",
    [
        "not-a-key",
        "A" * 42,
        "A" * 44,
        "A" * 43 + "!",
        base64.b64encode(bytes(16)).decode(),
        "ключ" * 11,
        "A" * 10_000,
    ],
)
def test_malformed_env_key_is_a_clear_error_that_hides_the_value(
    home: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("ISSUENOTE_KEY", value)
    with pytest.raises(IssuenoteError, match="ISSUENOTE_KEY is not a valid data key") as caught:
        load_key(home, NOTEBOOK, kcv=None, create=True)
    assert value not in str(caught.value)
    assert list(home.iterdir()) == []


def test_empty_env_key_counts_as_unset(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ISSUENOTE_KEY", "  ")
    info = load_key(home, NOTEBOOK, kcv=None, create=True)
    assert info is not None and info.source == "file"


def test_wrong_env_key_is_an_error_even_when_the_key_file_would_open(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    right = new_key()
    write_key_file(home, right)
    monkeypatch.setenv("ISSUENOTE_KEY", encode_key(new_key()))
    with pytest.raises(KeyMismatchError, match="the key in ISSUENOTE_KEY does not open"):
        load_key(home, NOTEBOOK, kcv=key_check_value(right), create=True)


# --- encrypted data and no (right) key ----------------------------------------


def test_missing_key_says_where_it_looked_and_how_to_fix(home: Path) -> None:
    with pytest.raises(MissingKeyError) as caught:
        load_key(home, NOTEBOOK, kcv=key_check_value(new_key()), create=False)
    message = str(caught.value)
    for part in (
        "ISSUENOTE_KEY",
        str(key_file_path(home)),
        "'issuenote'",
        NOTEBOOK,
        "NoKeyringError",
        "43 characters",
    ):
        assert part in message
    assert isinstance(caught.value, IssuenoteError)


@pytest.mark.parametrize("make_ring", [MemoryKeyring, FailingKeyring, NullKeyring, HangingKeyring])
def test_never_creates_a_key_when_data_is_already_encrypted(
    home: Path, use_keyring: InstallKeyring, make_ring: Callable[[], keyring.backend.KeyringBackend]
) -> None:
    ring = use_keyring(make_ring())
    with pytest.raises(MissingKeyError):
        load_key(home, NOTEBOOK, kcv=key_check_value(new_key()), create=True)
    assert list(home.iterdir()) == []
    assert getattr(ring, "entries", {}) == {}
    assert getattr(ring, "writes", 0) == 0


def test_wrong_key_file_is_a_mismatch_not_a_replacement(home: Path) -> None:
    wrong = new_key()
    path = write_key_file(home, wrong)
    with pytest.raises(KeyMismatchError, match=f"the key in the key file {path} does not open"):
        load_key(home, NOTEBOOK, kcv=key_check_value(new_key()), create=True)
    assert path.read_text().strip() == encode_key(wrong)


def test_mismatch_names_every_source_tried(home: Path, use_keyring: InstallKeyring) -> None:
    write_key_file(home, new_key())
    ring = use_keyring(MemoryKeyring())
    ring.entries["issuenote", NOTEBOOK] = encode_key(new_key())
    with pytest.raises(KeyMismatchError, match=r"key file .* and the key in the OS keyring"):
        load_key(home, NOTEBOOK, kcv=key_check_value(new_key()), create=True)
    assert ring.calls.count("set") == 0


def test_keyring_key_is_used_when_the_key_file_holds_another(
    home: Path, use_keyring: InstallKeyring
) -> None:
    right = new_key()
    path = write_key_file(home, new_key())
    ring = use_keyring(MemoryKeyring())
    ring.entries["issuenote", NOTEBOOK] = encode_key(right)
    info = load_key(home, NOTEBOOK, kcv=key_check_value(right), create=True)
    assert info is not None and (info.key, info.source) == (right, "keyring")
    assert info.warning is not None and str(path) in info.warning


def test_garbage_in_the_keyring_entry_is_reported(home: Path, use_keyring: InstallKeyring) -> None:
    ring = use_keyring(MemoryKeyring())
    ring.entries["issuenote", NOTEBOOK] = "hunter2"
    with pytest.raises(
        MissingKeyError, match=r"entry 'issuenote'/.* does not hold a valid data key"
    ):
        load_key(home, NOTEBOOK, kcv=key_check_value(new_key()), create=True)
    assert ring.entries["issuenote", NOTEBOOK] == "hunter2"


def test_damaged_check_value_is_reported_not_taken_for_a_wrong_key(home: Path) -> None:
    write_key_file(home, new_key())
    with pytest.raises(IssuenoteError, match="key check value is damaged"):
        load_key(home, NOTEBOOK, kcv="kcv1:garbage!", create=True)


# --- the key file itself ------------------------------------------------------


@POSIX
def test_key_file_readable_by_others_is_used_with_a_warning(home: Path) -> None:
    key = new_key()
    path = write_key_file(home, key, mode=0o644)
    info = load_key(home, NOTEBOOK, kcv=key_check_value(key), create=True)
    assert info is not None and (info.key, info.source) == (key, "file")
    assert info.warning is not None and "mode 0644" in info.warning and "chmod 600" in info.warning

    assert repair_key_file_mode(home) is True
    assert file_mode(path) == 0o600
    assert repair_key_file_mode(home) is False
    again = load_key(home, NOTEBOOK, kcv=key_check_value(key), create=True)
    assert again is not None and again.warning is None


def test_repair_without_a_key_file_does_nothing(home: Path) -> None:
    assert repair_key_file_mode(home) is False


@pytest.mark.parametrize(
    "content",
    [b"", b"\n", b"not a key\n", b"\xff\xfe\x00garbage", b"A" * 5000, b"A" * 42 + b"\n"],
    ids=["empty", "newline", "words", "binary", "huge", "short"],
)
def test_malformed_key_file_is_never_overwritten(home: Path, content: bytes) -> None:
    path = key_file_path(home)
    path.write_bytes(content)
    with pytest.raises(IssuenoteError, match=r"does not hold a valid data key.*move it away"):
        load_key(home, NOTEBOOK, kcv=None, create=True)
    assert path.read_bytes() == content
    # Nothing encrypted and nothing to create: no key, no error.
    assert load_key(home, NOTEBOOK, kcv=None, create=False) is None


def test_malformed_key_file_with_encrypted_data_explains(home: Path) -> None:
    key_file_path(home).write_text("not a key")
    with pytest.raises(MissingKeyError, match="does not hold a valid data key"):
        load_key(home, NOTEBOOK, kcv=key_check_value(new_key()), create=False)


def test_key_file_that_is_a_directory_is_reported(home: Path) -> None:
    key_file_path(home).mkdir()
    with pytest.raises(IssuenoteError, match="key file"):
        load_key(home, NOTEBOOK, kcv=None, create=True)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_key_file_that_is_a_fifo_does_not_block(home: Path) -> None:
    os.mkfifo(key_file_path(home))
    with pytest.raises(IssuenoteError, match="not a regular file"):
        load_key(home, NOTEBOOK, kcv=None, create=True)


def test_key_file_with_crlf_and_spaces_is_accepted(home: Path) -> None:
    key = new_key()
    key_file_path(home).write_bytes(b"  " + encode_key(key).encode() + b"\r\n")
    info = load_key(home, NOTEBOOK, kcv=key_check_value(key), create=False)
    assert info is not None and info.key == key


def test_race_for_the_key_file_adopts_the_winner(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    winner = new_key()

    def lose_the_race(path: Path, key: bytes) -> None:
        write_key_file(home, winner)
        raise FileExistsError(path)

    monkeypatch.setattr(keys, "_write_new_key_file", lose_the_race)
    info = load_key(home, NOTEBOOK, kcv=None, create=True)
    assert info is not None and (info.key, info.source, info.created) == (winner, "file", False)


def test_write_new_key_file_refuses_to_replace(home: Path) -> None:
    first = new_key()
    write_key_file(home, first)
    with pytest.raises(FileExistsError):
        keys._write_new_key_file(key_file_path(home), new_key())
    assert decode_key(key_file_path(home).read_text()) == first
    assert sorted(p.name for p in home.iterdir()) == ["key"]


@POSIX
def test_write_new_key_file_without_hard_links(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_links(source: object, target: object) -> None:
        raise OSError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    key = new_key()
    keys._write_new_key_file(key_file_path(home), key)
    assert decode_key(key_file_path(home).read_text()) == key
    assert file_mode(key_file_path(home)) == 0o600
    assert sorted(p.name for p in home.iterdir()) == ["key"]


@POSIX
@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root can write anywhere")
def test_unwritable_home_is_a_clear_error(home: Path) -> None:
    home.chmod(0o500)
    try:
        with pytest.raises(IssuenoteError, match="cannot be written"):
            load_key(home, NOTEBOOK, kcv=None, create=True)
    finally:
        home.chmod(0o700)


def test_unwritable_home_is_a_clear_error_even_as_root(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(path: Path, data: bytes) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(keys, "_write_exclusive", refuse)
    with pytest.raises(IssuenoteError, match="cannot be written: Permission denied"):
        load_key(home, NOTEBOOK, kcv=None, create=True)


# --- settings and helpers -----------------------------------------------------


@pytest.mark.parametrize("value", ["abc", "0", "-1", "nan", "inf", "601", "1e9"])
def test_bad_keyring_timeout_is_a_clear_error(
    home: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("ISSUENOTE_KEYRING_TIMEOUT", value)
    with pytest.raises(
        IssuenoteError, match="ISSUENOTE_KEYRING_TIMEOUT must be a number of seconds"
    ):
        load_key(home, NOTEBOOK, kcv=None, create=True)


def test_keyring_timeout_default_and_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ISSUENOTE_KEYRING_TIMEOUT")
    assert keys._keyring_timeout() == 3.0
    monkeypatch.setenv("ISSUENOTE_KEYRING_TIMEOUT", " 1.5 ")
    assert keys._keyring_timeout() == 1.5


@pytest.mark.parametrize("notebook_id", ["", "   ", None])
def test_notebook_id_is_required(home: Path, notebook_id: object) -> None:
    with pytest.raises(ValueError):
        load_key(home, notebook_id, kcv=None, create=True)  # type: ignore[arg-type]


def test_encode_decode_round_trip() -> None:
    for _ in range(50):
        key = new_key()
        text = encode_key(key)
        assert len(text) == 43 and "=" not in text
        assert decode_key(text) == key
    with pytest.raises(ValueError):
        encode_key(b"short")


def test_key_info_is_immutable() -> None:
    info = KeyInfo(new_key(), "env", "x", created=False)
    with pytest.raises(AttributeError):
        info.source = "file"  # type: ignore[misc]


def test_import_is_light() -> None:
    """keyring (~160 ms) and cryptography (~25 ms) load only when a key is needed."""
    code = (
        "import sys, issuenote.safety.keys; "
        "print(sorted(m for m in ('cryptography', 'keyring', 'typer', 'rich', 'sqlite3', "
        "'sqlite_utils') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_opening_with_the_key_file_imports_neither_keyring_nor_cryptography(home: Path) -> None:
    code = (
        "import sys; from pathlib import Path; from issuenote.safety import keys; "
        f"info = keys.load_key(Path({str(home)!r}), 'nb', kcv=None, create=False); "
        "print(info.source, 'keyring' in sys.modules, 'cryptography' in sys.modules)"
    )
    write_key_file(home, new_key())
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["file", "False", "False"]


# --- describe_key_location (doctor) -------------------------------------------


def test_describe_keyring(home: Path, use_keyring: InstallKeyring) -> None:
    use_keyring(MemoryKeyring())
    info = load_key(home, NOTEBOOK, kcv=None, create=True)
    assert info is not None
    report = describe_key_location(home, NOTEBOOK, key_check_value(info.key))
    assert report["source"] == "keyring"
    assert report["verified"] is True
    assert report["keyring_usable"] is True
    assert report["keyring_has_key"] is True
    assert report["keyring_backend"].endswith("MemoryKeyring")
    assert report["key_file_exists"] is False
    assert report["problems"] == []
    assert "OS keyring" in report["explanation"]


@POSIX
def test_describe_key_file(home: Path) -> None:
    info = load_key(home, NOTEBOOK, kcv=None, create=True)
    assert info is not None
    report = describe_key_location(home, NOTEBOOK, key_check_value(info.key))
    assert report["source"] == "file"
    assert report["verified"] is True
    assert report["key_file_exists"] is True
    assert report["key_file_mode"] == "0600"
    assert report["keyring_usable"] is False
    assert "NoKeyringError" in report["keyring_problem"]
    assert "comes before the keyring" in report["explanation"]
    assert report["problems"] == []


def test_describe_env(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key = new_key()
    monkeypatch.setenv("ISSUENOTE_KEY", encode_key(key))
    report = describe_key_location(home, NOTEBOOK, key_check_value(key))
    assert (report["source"], report["verified"], report["env_set"]) == ("env", True, True)
    assert report["problems"] == []
    monkeypatch.setenv("ISSUENOTE_KEY", encode_key(new_key()))
    report = describe_key_location(home, NOTEBOOK, key_check_value(key))
    assert report["verified"] is False and report["problems"]


def test_describe_never_raises_on_a_broken_setup(
    home: Path, monkeypatch: pytest.MonkeyPatch, use_keyring: InstallKeyring
) -> None:
    use_keyring(HangingKeyring())
    monkeypatch.setenv("ISSUENOTE_KEY", "s3cret-env-value")
    key_file_path(home).write_text("s3cret-file-value")
    report = describe_key_location(home, OTHER_NOTEBOOK, "kcv1:damaged!")
    assert report["source"] is None
    assert report["env_set"] is True
    assert report["keyring_usable"] is False and "no answer" in report["keyring_problem"]
    joined = " ".join(report["problems"])
    assert "ISSUENOTE_KEY is not a valid data key" in joined
    assert "does not hold a valid data key" in joined
    assert "s3cret" not in json.dumps(report)


def test_describe_reports_a_bad_timeout_and_a_damaged_check_value_once(
    home: Path, monkeypatch: pytest.MonkeyPatch, use_keyring: InstallKeyring
) -> None:
    ring = use_keyring(MemoryKeyring())
    ring.entries["issuenote", NOTEBOOK] = encode_key(new_key())
    write_key_file(home, new_key())
    monkeypatch.setenv("ISSUENOTE_KEYRING_TIMEOUT", "soon")
    report = describe_key_location(home, NOTEBOOK, "kcv1:damaged!")
    assert any("ISSUENOTE_KEYRING_TIMEOUT" in problem for problem in report["problems"])
    damaged = [problem for problem in report["problems"] if "key check value" in problem]
    assert len(damaged) == 1


@POSIX
def test_describe_reports_loose_mode(home: Path) -> None:
    key = new_key()
    write_key_file(home, key, mode=0o640)
    report = describe_key_location(home, NOTEBOOK, key_check_value(key))
    assert report["source"] == "file" and report["key_file_mode"] == "0640"
    assert any("chmod 600" in problem for problem in report["problems"])


def test_describe_missing_and_mismatch_and_fresh(home: Path) -> None:
    fresh = describe_key_location(home, NOTEBOOK, None)
    assert fresh["source"] is None and "No data key exists yet" in fresh["explanation"]
    assert str(key_file_path(home)) in fresh["explanation"]
    assert fresh["problems"] == []

    missing = describe_key_location(home, NOTEBOOK, key_check_value(new_key()))
    assert missing["source"] is None
    assert "no data key was found" in " ".join(missing["problems"])

    write_key_file(home, new_key())
    mismatch = describe_key_location(home, NOTEBOOK, key_check_value(new_key()))
    assert mismatch["source"] is None and mismatch["verified"] is False
    assert "does not open" in mismatch["explanation"]
    assert list(home.iterdir()) == [key_file_path(home)]


def test_hang_while_keyring_picks_a_backend_times_out(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """D-Bus probes happen while keyring chooses a backend: that can hang too."""
    release = threading.Event()

    def stuck_choosing() -> keyring.backend.KeyringBackend:
        release.wait(30)
        raise RuntimeError("released")

    monkeypatch.setattr(keyring, "get_keyring", stuck_choosing)
    try:
        info = load_key(home, NOTEBOOK, kcv=None, create=True)
    finally:
        release.set()
    assert info is not None and info.source == "file"
    assert info.warning is not None and "while choosing a backend within 0.2 s" in info.warning
