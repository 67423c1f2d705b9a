"""Where the notebook lives: --home, then ISSUENOTE_HOME, then the user data dir."""

from __future__ import annotations

import os
import sys
from pathlib import Path

HOME_ENV = "ISSUENOTE_HOME"
_DATA = Path(__file__).parent / "data"
DB_NAME = "notebook.db"


def notebook_home(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Resolve the notebook directory without creating it."""
    if explicit:
        return Path(explicit).expanduser()
    from_env = os.environ.get(HOME_ENV)
    if from_env:
        return Path(from_env).expanduser()
    if sys.platform.startswith("linux"):
        # What platformdirs answers on Linux, without its ~15 ms import on every start.
        data_home = os.environ.get("XDG_DATA_HOME", "").strip() or "~/.local/share"
        return Path(data_home).expanduser() / "issuenote"
    from platformdirs import user_data_dir

    return Path(user_data_dir("issuenote", appauthor=False))


def database_path(home: Path) -> Path:
    return home / DB_NAME


def refuse_empty_home(home: str | None) -> None:
    """An empty --home usually means an unset shell variable (--home "$DIR")."""
    if home is not None and not home.strip():
        from issuenote.errors import IssuenoteError

        raise IssuenoteError("--home is empty; give the notebook directory (or leave --home out)")


def use_configured_zone(home: Path) -> None:
    """The notebook's display zone for this run: a stat, and config only when there is a file."""
    if (home / "config.toml").is_file():
        from issuenote.config import apply_time_zone

        apply_time_zone(home)


def shipped_text(name: str) -> str:
    """A file shipped in issuenote/data, read straight off disk.

    importlib.resources imports zipfile, tempfile and shutil (about 8 ms) to
    find what every supported install keeps as a plain file beside this
    module; it is asked only when the file is not there (a zipped install).
    """
    try:
        return (_DATA / name).read_text(encoding="utf-8")
    except FileNotFoundError:
        from importlib.resources import files

        return files("issuenote").joinpath("data").joinpath(name).read_text(encoding="utf-8")
