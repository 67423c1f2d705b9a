"""Sync: one notebook on every device, through any git remote, end-to-end encrypted.

- `git`: the git command line, run with a timeout and never a password prompt.
- `envelope`: seal and open a file for the remote (AES-256-GCM, bound to its name).
- `payload`: what one device publishes (its notebook and its deletions), as bytes.
- `state`: what this device remembers about its sync (remote, device, last head).
- `engine`: `sync init`, `sync` and `sync status`.
- `auto`: the background sync after recording commands, and its failure report.

Nothing here is imported by a command that does not sync.
"""
