"""The notebook's own settings: `<home>/config.toml`, set with `issuenote config` or by hand.

    language = "zh"              # default language of exports (en, zh, ko)
    timezone = "Asia/Seoul"      # show times in this zone instead of the system's
    due_hour = 10                # `--due tomorrow` means 10:00
    sync = "auto"                # sync in the background after each recording command

    [channels.OKX]               # add to the shipped list of official channels
    domains = ["okx.com"]
    emails = ["okx.com"]
    handles = ["@okx", "telegram:example"]  # "network:": counts on that network only

    [escalation.sg]              # add a complaint-clock rule (see escalation_rules.toml)
    name = "..."

Every key is one entry in SETTINGS: its type, valid values, default and help.
Adding a setting is adding an entry there; `config list|get|set|unset`, the
checks on a hand-edited file and `docs/commands.md` all follow it.

Read only by the commands that need it; tomllib is imported only when a
config file exists, and tomlkit (which keeps the user's comments) only to write.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from issuenote.errors import IssuenoteError

CONFIG_NAME = "config.toml"


class Setting:
    """One key of config.toml: what it holds and which values it takes.

    A plain class, not a dataclass: `new`, `step --due` and `export` read
    settings, and importing dataclasses costs them ~2 ms of start-up.
    """

    __slots__ = (
        "choices",
        "default",
        "default_label",
        "help",
        "key",
        "kind",
        "max_chars",
        "maximum",
        "minimum",
    )

    def __init__(
        self,
        key: str,
        help: str,
        kind: str,  # "choice", "integer", "text", "timezone" or "table"
        *,
        choices: tuple[str, ...] = (),
        default: Any = None,
        default_label: str | None = None,  # how an unset, default-less key is described
        minimum: int | None = None,
        maximum: int | None = None,
        max_chars: int = 200,
    ) -> None:
        self.key = key
        self.help = help
        self.kind = kind
        self.choices = choices
        self.default = default
        self.default_label = default_label
        self.minimum = minimum
        self.maximum = maximum
        self.max_chars = max_chars

    @property
    def settable(self) -> bool:
        """Tables (per-platform channel lists) are edited in the file itself."""
        return self.kind != "table"

    def valid_values(self) -> str:
        if self.kind == "choice":
            return "one of: " + ", ".join(self.choices)
        if self.kind == "integer":
            return f"a whole number from {self.minimum} to {self.maximum}"
        if self.kind == "timezone":
            return "an IANA time zone name such as Asia/Seoul, Europe/Berlin or UTC"
        if self.kind == "table":
            return f"a table ([{self.key}.NAME]); edit {CONFIG_NAME} to change it"
        return f"text of at most {self.max_chars} characters on one line"

    def from_text(self, text: str) -> Any:
        """A value typed on the command line (`config set KEY VALUE`), checked."""
        if self.kind == "integer":
            cleaned = text.strip()
            if not re.fullmatch(r"[+-]?\d{1,9}", cleaned):
                raise IssuenoteError(
                    f"bad value {_shown(text)} for {self.key}; it takes {self.valid_values()}"
                )
            return self.check(int(cleaned))
        return self.check(text.strip() if self.kind != "text" else text)

    def check(self, value: Any, where: str | None = None) -> Any:
        """The value in its normal form, or a one-line refusal listing the valid ones."""
        place = f"{where}: " if where else ""
        wrong = f"{place}bad value {_shown(value)} for {self.key}; it takes {self.valid_values()}"
        if self.kind == "choice":
            if not isinstance(value, str):
                raise IssuenoteError(wrong)
            from issuenote.model import choose_from

            try:
                return choose_from(self.key.replace("_", " "), value, self.choices)
            except IssuenoteError as error:
                raise IssuenoteError(f"{place}{error}") from None
        if self.kind == "integer":
            if isinstance(value, bool) or not isinstance(value, int):
                raise IssuenoteError(wrong)
            assert self.minimum is not None and self.maximum is not None
            if not self.minimum <= value <= self.maximum:
                raise IssuenoteError(wrong)
            return value
        if self.kind == "timezone":
            if not isinstance(value, str) or not _is_time_zone(value):
                raise IssuenoteError(wrong)
            return value
        if self.kind == "table":
            if not isinstance(value, dict):
                raise IssuenoteError(wrong)
            return value
        if not isinstance(value, str):
            raise IssuenoteError(wrong)
        text = value.strip()
        if not text or len(text) > self.max_chars or any(ch < " " for ch in text):
            raise IssuenoteError(wrong)
        return text


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "language",
        "Default language of exports (a case's own --lang wins).",
        "choice",
        choices=("en", "zh", "ko"),
        default="en",
    ),
    Setting(
        "timezone",
        "Show (and read typed) times in this zone instead of the system's.",
        "timezone",
        default_label="the system's zone",
    ),
    Setting(
        "name",
        "Your name, signed under e-mails to support.",
        "text",
        max_chars=100,
        default_label="no name",
    ),
    Setting(
        "platform",
        "Platform of a new case when --platform is not given.",
        "text",
        max_chars=100,
        default_label="none",
    ),
    Setting(
        "chat_max_chars",
        "Longest chat summary, as `export --max-chars`.",
        "integer",
        default=1000,
        minimum=200,
        maximum=100_000,
    ),
    Setting(
        "pager",
        "Pager for a long `show` on a terminal; `never` turns paging off.",
        "text",
        default_label="$ISSUENOTE_PAGER, else $PAGER, else less -FRX",
    ),
    Setting(
        "due_hour",
        "Hour a bare day means as a due time (`--due tomorrow`, `--due friday`).",
        "integer",
        default=9,
        minimum=0,
        maximum=23,
    ),
    Setting(
        "escalation",
        "Complaint-clock rules to add, per jurisdiction: [escalation.CODE].",
        "table",
        default_label="the shipped rules only",
    ),
    Setting(
        "attachment_limit",
        "Largest file, in MB, that `attach` and `ingest` take.",
        "integer",
        default=100,
        minimum=1,
        maximum=100_000,
    ),
    Setting(
        "channels",
        "Official channels to add, per platform: [channels.NAME] domains, emails, handles.",
        "table",
        default_label="the shipped list only",
    ),
    Setting(
        "sync",
        "auto: sync in the background after each recording command (after `sync init`); "
        "manual: only when you run `issuenote sync`.",
        "choice",
        choices=("manual", "auto"),
        default="manual",
    ),
)
SETTINGS_BY_KEY = {setting.key: setting for setting in SETTINGS}
KNOWN_KEYS = tuple(SETTINGS_BY_KEY)


def setting(key: str) -> Setting:
    """The registry entry for a key, or a refusal listing the known keys."""
    found = SETTINGS_BY_KEY.get(key.strip().lower().replace("-", "_"))
    if found is not None:
        return found
    from issuenote.model import did_you_mean

    guess = did_you_mean(key.strip().lower().replace("-", "_"), KNOWN_KEYS)
    hint = f"did you mean {guess!r}? " if guess else ""
    raise IssuenoteError(f"unknown setting {_shown(key)}; {hint}known: {', '.join(KNOWN_KEYS)}")


def config_path(home: Path) -> Path:
    return home / CONFIG_NAME


def load_config(home: Path) -> dict[str, Any]:
    """The settings in config.toml, each checked against SETTINGS; {} without a file."""
    path = config_path(home)
    try:
        data = path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return {}
    except OSError as error:
        raise IssuenoteError(f"cannot read {path}: {error.strerror or error}") from None
    raw = _parse_toml(path, data)
    checked: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in SETTINGS_BY_KEY:
            from issuenote.model import did_you_mean

            guess = did_you_mean(key, KNOWN_KEYS)
            hint = f"did you mean {guess!r}? " if guess else ""
            raise IssuenoteError(
                f"{path}: unknown setting {_shown(key)}; {hint}known: {', '.join(KNOWN_KEYS)}"
            )
        checked[key] = SETTINGS_BY_KEY[key].check(value, where=str(path))
    return checked


def get(home: Path, key: str) -> Any:
    """A setting's value: the file's, else its default (None when it has none)."""
    entry = setting(key)
    return load_config(home).get(entry.key, entry.default)


def set_value(home: Path, key: str, text: str) -> Any:
    """Check and store one setting, keeping the rest of the file and its comments."""
    entry = setting(key)
    if not entry.settable:
        raise IssuenoteError(f"{entry.key} is {entry.valid_values()}")
    value = entry.from_text(text)
    load_config(home)  # refuse to build on a broken or invalid file
    document = _editable(home)
    document[entry.key] = value
    _write(home, document)
    return value


def unset(home: Path, key: str) -> bool:
    """Remove a setting (back to its default); False if it was not set."""
    entry = setting(key)
    if not entry.settable:
        raise IssuenoteError(f"{entry.key} is {entry.valid_values()}")
    if entry.key not in load_config(home):
        return False
    document = _editable(home)
    del document[entry.key]
    _write(home, document)
    return True


def sync_mode(home: Path) -> str:
    """`manual` (sync when asked) or `auto` (also in the background after each recording)."""
    return str(get(home, "sync"))


def default_language(home: Path) -> str | None:
    language = load_config(home).get("language")
    return language if isinstance(language, str) else None


def apply_time_zone(home: Path) -> None:
    """Use the configured display zone for this process (every time shown or typed).

    Only a stat when there is no config file, so a plain `note` stays fast.
    """
    if not config_path(home).is_file():
        return
    zone = load_config(home).get("timezone")
    if zone and os.environ.get("TZ") != zone:
        import time

        os.environ["TZ"] = zone
        time.tzset()


# -- reading and writing the file ---------------------------------------------


def _parse_toml(path: Path, data: bytes) -> dict[str, Any]:
    """The file's TOML, or one line naming the file and line of the mistake."""
    import tomllib

    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        line = data[: _first_bad_utf8(data)].count(b"\n") + 1
        raise IssuenoteError(f"{path}, line {line}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        found = re.search(r"\s*\(at line (\d+), column \d+\)$", message)
        if found:
            reason = message[: found.start()]
            raise IssuenoteError(
                f"{path}, line {found.group(1)}: {reason[:1].lower()}{reason[1:]}"
            ) from None
        raise IssuenoteError(f"{path}: {message}") from None


def _first_bad_utf8(data: bytes) -> int:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        return error.start
    return len(data)


def _editable(home: Path) -> Any:
    import tomlkit  # keeps the user's comments and layout; only `config set/unset`

    path = config_path(home)
    try:
        return tomlkit.parse(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return tomlkit.document()


def _write(home: Path, document: Any) -> None:
    """Replace config.toml atomically, private to the user like the notebook."""
    import tomlkit

    path = config_path(home)
    text = tomlkit.dumps(document)
    try:
        home.mkdir(mode=0o700, parents=True, exist_ok=True)
        temporary = path.with_name(f".{CONFIG_NAME}.{os.getpid()}.tmp")
        fd = os.open(temporary, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except OSError as error:
        raise IssuenoteError(f"cannot write {path}: {error.strerror or error}") from None


def _is_time_zone(name: str) -> bool:
    if not name or len(name) > 64 or not re.fullmatch(r"[A-Za-z0-9_+\-/]+", name):
        return False
    if ".." in name or name.startswith("/"):
        return False
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def _shown(value: Any) -> str:
    text = value if isinstance(value, str) else repr(value)
    return repr(text if len(text) <= 40 else text[:40] + "…")


def attachment_limit(home: Path) -> int:
    """The largest file an attachment may be, in bytes (the setting is in MB; default 100)."""
    return int(get(home, "attachment_limit")) * 1024 * 1024


def user_name(home: Path) -> str | None:
    """The name that signs the e-mail export (setting ``name``), if set."""
    name = load_config(home).get("name")
    return name.strip() if isinstance(name, str) and name.strip() else None
