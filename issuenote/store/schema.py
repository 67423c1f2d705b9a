"""The schema version this build writes, importable without sqlite-utils."""

SCHEMA_VERSION = 9

# The low bits of an entry's full-text index key hold its id (migration m003,
# `entry_key`): the key sorts by time, then id, up to a billion entries.
ENTRY_ID_BITS = 30

# The cases waiting for an answer (m010's partial index `cases_waiting`). Spelled
# out, not bound: a query uses a partial index only when its WHERE repeats these
# terms as literals, so `Store.waiting_cases` uses this very text.
WAITING_WHERE = (
    "asked_at IS NOT NULL AND asked_at >= coalesce(answered_at, '') "
    "AND status NOT IN ('resolved', 'closed')"
)
