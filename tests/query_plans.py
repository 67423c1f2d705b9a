"""What SQLite plans for the queries a call runs: tests pin that reads come off indexes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from issuenote.store import Store


def query_plans(store: Store, call: Callable[[], Any]) -> dict[str, list[str]]:
    """Each query `call` runs (SELECT or WITH, whitespace folded) with its plan's details."""
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    try:
        call()
    finally:
        store.conn.set_trace_callback(None)
    plans = {}
    for sql in statements:
        if sql.lstrip().upper().startswith(("SELECT", "WITH")):
            rows = store.conn.execute("EXPLAIN QUERY PLAN " + sql).fetchall()
            plans[" ".join(sql.split())] = [row[3] for row in rows]
    return plans
