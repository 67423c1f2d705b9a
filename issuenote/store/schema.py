"""The schema version this build writes, importable without sqlite-utils."""

SCHEMA_VERSION = 8

# The low bits of an entry's full-text index key hold its id (migration m003,
# `entry_key`): the key sorts by time, then id, up to a billion entries.
ENTRY_ID_BITS = 30
