"""Build a notebook as it was before a given migration, to test that migration's upgrade."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlite_utils import Database


def database_before(path: Path, prefix: str) -> tuple[Database, list[Any]]:
    """A database with the migrations before the one named `prefix...` applied.

    Also returns the migrations not applied yet, that one first, for the test to run.
    """
    from issuenote.store import migrations

    db = Database(path)
    registered = migrations.migrations._migrations
    stop = next(index for index, m in enumerate(registered) if m.name.startswith(prefix))
    for earlier in registered[:stop]:
        earlier.fn(db)
    return db, registered[stop:]


def add_case(db: Database) -> None:
    """One case row as every schema since m001 holds it (case 1), for upgrade tests to fill."""
    db.execute(
        "INSERT INTO cases (uuid, title, created_at, updated_at) "
        "VALUES ('u1', 't', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z')"
    )
