"""Opening the notebook file: pragmas, permissions, migrations, write transactions.

Plain `sqlite3` does the everyday work so a logging command starts fast;
sqlite-utils is imported only when a migration is due.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from issuenote.errors import IssuenoteError
from issuenote.paths import database_path
from issuenote.store.schema import SCHEMA_VERSION

BUSY_TIMEOUT_MS = 15_000
# BEGIN IMMEDIATE waits BUSY_TIMEOUT_MS for the lock; past that we retry a few
# times before giving up, so heavy concurrent logging never surfaces "locked".
LOCK_RETRIES = 4


def _ensure_home(home: Path) -> None:
    """Create the notebook directory private to the user (0700)."""
    try:
        if not home.is_dir():
            home.mkdir(mode=0o700, parents=True, exist_ok=True)
            os.chmod(home, 0o700)
        probe = home / f".write-probe-{os.getpid()}"
        fd = os.open(probe, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
        os.close(fd)
        probe.unlink()
    except OSError as error:
        reason = error.strerror or str(error)
        raise IssuenoteError(f"cannot write the notebook in {home}: {reason}") from None


def _ensure_db_file(path: Path) -> None:
    """Create the database file 0600 before SQLite does (it would use the umask)."""
    try:
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)
    except OSError as error:
        reason = error.strerror or str(error)
        raise IssuenoteError(f"cannot create the notebook file {path}: {reason}") from None


def open_connection(home: Path, *, create: bool) -> sqlite3.Connection | None:
    """Open (and if need be create and migrate) the notebook; None if absent and not creating."""
    path = database_path(home)
    if not path.exists():
        if not create:
            return None
        _ensure_home(home)
        _ensure_db_file(path)
    if not writable(path):
        return _open_read_only(path)
    try:
        # isolation_level=None: we issue BEGIN IMMEDIATE / COMMIT ourselves.
        conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = FULL")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise IssuenoteError(f"cannot open the notebook {path}: {error}") from None
    _refuse_newer(conn, path, version)
    if version < SCHEMA_VERSION:
        _migrate(conn, path)
    return conn


def discard_if_empty(home: Path, *, with_home: bool, with_files: Sequence[Path] = ()) -> bool:
    """Remove a notebook that holds no case, as a failed import leaves one it created.

    A refused import writes nothing; into a home with no notebook yet, it
    must not leave an empty one behind either, nor the files it made with
    it (`with_files`: the key file of its encrypted fields). Checked under
    the write lock: a notebook someone else recorded into meanwhile stays.
    """
    path = database_path(home)
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error:
        return False
    try:
        conn.execute("BEGIN IMMEDIATE")
        if conn.execute("SELECT EXISTS (SELECT 1 FROM cases)").fetchone()[0]:
            return False
        ends = ("-wal", "-shm")
        for name in (path, *(path.with_name(path.name + end) for end in ends), *with_files):
            name.unlink(missing_ok=True)
    except (sqlite3.Error, OSError):
        return False
    finally:
        conn.close()
    if with_home:
        with contextlib.suppress(OSError):  # only when nothing else is in it
            home.rmdir()
    return True


def _refuse_newer(conn: sqlite3.Connection, path: Path, version: int) -> None:
    """A notebook a newer issuenote wrote is closed again and refused, never touched."""
    if version > SCHEMA_VERSION:
        conn.close()
        raise IssuenoteError(
            f"the notebook {path} was written by a newer issuenote (schema {version}, "
            f"this one knows {SCHEMA_VERSION}); upgrade issuenote to use it"
        )


def writable(path: Path) -> bool:
    """Whether the notebook file and its directory can be written (WAL needs both)."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def _open_read_only(path: Path) -> sqlite3.Connection:
    """A notebook on a read-only disk or in a read-only directory: readable, never written.

    `mode=ro` reads a WAL notebook when its -shm file is there; when it is not
    (and cannot be made), `immutable=1` reads the file as it stands. Any write
    then fails, and write_transaction says why in one line.
    """
    from urllib.parse import quote

    base = f"file:{quote(str(path.resolve()))}?mode=ro"
    last_error: sqlite3.DatabaseError | None = None
    for uri in (base, base + "&immutable=1"):
        try:
            conn = sqlite3.connect(uri, uri=True, isolation_level=None)
            conn.execute("PRAGMA foreign_keys = ON")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.DatabaseError as error:
            last_error = error
            continue
        _refuse_newer(conn, path, version)
        if version < SCHEMA_VERSION:
            conn.close()
            raise IssuenoteError(
                f"the notebook {path} needs an upgrade, but it is read-only; "
                "copy it somewhere writable (or make it writable) and run issuenote again"
            )
        return conn
    raise IssuenoteError(f"cannot open the notebook {path}: {last_error}") from None


def _read_only_refusal(conn: sqlite3.Connection, error: sqlite3.Error) -> IssuenoteError:
    row = conn.execute("PRAGMA database_list").fetchone()
    where = row[2] if row and row[2] else "the notebook"
    return IssuenoteError(
        f"cannot write {where}: it is read-only ({error}); reading it "
        "(list, show, export, search) still works"
    )


def _is_read_only_error(error: sqlite3.Error) -> bool:
    text = str(error)
    return "readonly" in text or "read-only" in text or "unable to open database file" in text


def _use_wal(conn: sqlite3.Connection) -> None:
    """Switch the notebook to WAL, even while another first run is switching it too.

    Changing the journal mode needs the file to itself, and SQLite answers
    "database is locked" at once instead of waiting out the busy timeout, so
    two terminals starting a new notebook together would show that error:
    retry, re-reading the mode (the other process may have switched it), until
    the busy timeout has passed.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    pause = 0.005
    while True:
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if not _is_busy(error) or time.monotonic() >= deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.1)


def _is_busy(error: sqlite3.OperationalError) -> bool:
    return "locked" in str(error) or "busy" in str(error)


def _migrate(conn: sqlite3.Connection, path: Path) -> None:
    try:
        _use_wal(conn)
        import sqlite_utils

        from issuenote.store import migrations

        db = sqlite_utils.Database(conn, execute_plugins=False)
        with write_transaction(conn):
            # Re-read under the lock: another process may have migrated meanwhile.
            if conn.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
                migrations.apply(db)
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    except sqlite3.DatabaseError as error:
        raise IssuenoteError(f"cannot upgrade the notebook {path}: {error}") from None


@contextmanager
def write_transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """All writes of one command, all or nothing.

    BEGIN IMMEDIATE takes the write lock up front: a deferred transaction that
    reads and then writes fails with "database is locked" under concurrent
    writers, whatever the busy timeout.

    Inside an open transaction it joins it, so several actions (a case and its
    first entries, written by the intake interview) commit or fail together.
    """
    if conn.in_transaction:
        yield conn
        return
    for attempt in range(LOCK_RETRIES + 1):
        try:
            conn.execute("BEGIN IMMEDIATE")
            break
        except sqlite3.OperationalError as error:
            if _is_read_only_error(error):
                raise _read_only_refusal(conn, error) from None
            if "locked" not in str(error) and "busy" not in str(error):
                raise
            if attempt == LOCK_RETRIES:
                raise IssuenoteError(
                    "the notebook is busy: another issuenote kept it locked too long; try again"
                ) from None
            time.sleep(0.05 * (attempt + 1))
    try:
        yield conn
    except sqlite3.OperationalError as error:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        if _is_read_only_error(error):
            raise _read_only_refusal(conn, error) from None
        raise
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")


@contextmanager
def statement_journals_in_memory(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """Keep SQLite's temporary storage in memory for one big write (import, sync).

    Inside a transaction every statement whose triggers write several rows
    (an entry insert updates the FTS index, its case and the sync revision)
    keeps a statement journal; by default that is a temporary file, so an
    import of a million entries made millions of small writes to it: about
    half the CPU of inserting an entry went to those system calls. In memory
    a statement journal holds only the pages one statement touched, and is
    dropped when the statement ends. Set outside the transaction (SQLite
    refuses to change it inside one) and put back afterwards.
    """
    if conn.in_transaction:
        yield conn
        return
    before = conn.execute("PRAGMA temp_store").fetchone()[0]
    conn.execute("PRAGMA temp_store = MEMORY")
    try:
        yield conn
    finally:
        if not conn.in_transaction:
            conn.execute(f"PRAGMA temp_store = {int(before)}")
