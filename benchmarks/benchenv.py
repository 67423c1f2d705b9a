"""What the benchmark scripts share about the environments they time."""

from __future__ import annotations

import subprocess
from pathlib import Path


def compile_bytecode(*environments: Path) -> None:
    """Write the .pyc files a user's install has.

    With PYTHONDONTWRITEBYTECODE set (some machines set it), pip leaves no .pyc
    behind and every timed run would compile all it imports.
    """
    for environment in environments:
        subprocess.run(
            [str(environment / "bin" / "python"), "-m", "compileall", "-q", str(environment)],
            check=False,
            capture_output=True,
        )
