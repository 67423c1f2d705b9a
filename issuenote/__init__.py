"""issuenote: a personal notebook for problems with online services."""

__version__ = "0.1.0"
