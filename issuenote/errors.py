"""The one error type the core raises for a user's mistake.

The CLI turns it into a single line on stderr and exit code 1 (see
``issuenote.cli.IssuenoteGroup``, and ``issuenote.quick.dispatch.run`` for the
commands it runs without typer); nothing else should print or exit on a user
error.
"""


class IssuenoteError(Exception):
    """A problem the user can fix: bad input, unknown id, refused secret."""
