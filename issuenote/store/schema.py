"""The schema version this build writes, importable without sqlite-utils."""

SCHEMA_VERSION = 3
