"""The only package that talks SQL."""

from issuenote.store.queries import Store

__all__ = ["Store"]
