"""The schema version this build writes, importable without sqlite-utils."""

SCHEMA_VERSION = 11

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

# 10,000 weeks in seconds: added to a Unix time before dividing, it keeps the hour
# of the week and keeps SQLite's integer division off negative numbers (m011, stats).
WEEKS_BEFORE_1970 = 10_000 * 604_800

# A case's creation as Unix time, the key of m011's index `cases_age`: a query
# uses an index on an expression only when it repeats the expression.
CASE_AGE = "CAST(strftime('%s', created_at) AS INTEGER)"
