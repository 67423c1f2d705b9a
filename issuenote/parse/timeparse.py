"""Turn what people type as a time into an exact instant, and back again for display.

Times are stored in UTC, shown in the process's local zone (``TZ`` is honoured,
so tests and users in another zone can pick it) and exported with an explicit
offset, because the support agent reading an export usually sits in another
zone. The local offset is looked up per instant, so a date across a daylight
saving change gets its own offset, not today's.

Local wall times that do not exist (the hour skipped when clocks go forward)
are refused when the user typed them, rather than silently moved; wall times
that happen twice (clocks go back) mean the first of the two. Times the user
did not type themselves (the midnight of a bare date, the wall clock of
``3d ago``) are moved forward past a skipped hour instead.

Only ``datetime``, ``re``, ``time`` and ``unicodedata`` are imported: this runs on
the start-up path of every logging command.
"""

from __future__ import annotations

import re
import time
import unicodedata
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from functools import cache
from typing import Literal, overload

from issuenote.errors import IssuenoteError

__all__ = [
    "ACCEPTED_FORMS",
    "MAX_INPUT_CHARS",
    "format_local",
    "from_storage",
    "humanize_delta",
    "local_zone",
    "parse_time",
    "to_local_iso",
    "to_storage",
    "utc_now",
]

MAX_INPUT_CHARS = 100
"""Longer input is refused before any pattern runs: no real time is that long."""

ACCEPTED_FORMS = (
    "use ISO 8601 (2026-11-20 14:03), 'now', '2h ago', 'today 14:30', 'yesterday 09:05', "
    "'in 3d', 'friday 10:00', 'tomorrow 9am'"
)

MIN_YEAR = 1970
MAX_YEAR = 9999
MAX_OFFSET = timedelta(hours=14)
"""Real UTC offsets run from -12:00 to +14:00; anything beyond is a typo."""

# The earliest instant any accepted input can produce: 1970-01-01 00:00 at +14:00.
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_NAIVE = datetime(1970, 1, 1)
_EARLIEST = datetime(MIN_YEAR, 1, 1, tzinfo=UTC) - MAX_OFFSET
# The latest instant we accept: every zone can still display it inside year 9999
# (datetime has no year 10000, so a later instant would break `show`).
_LATEST = datetime(MAX_YEAR, 12, 31, tzinfo=UTC) - MAX_OFFSET

_UNIT_SECONDS: dict[str, int] = {
    name: seconds
    for names, seconds in (
        (("s", "sec", "secs", "second", "seconds"), 1),
        (("m", "min", "mins", "minute", "minutes"), 60),
        (("h", "hr", "hrs", "hour", "hours"), 3600),
        (("d", "day", "days"), 86400),
        (("w", "wk", "wks", "week", "weeks"), 7 * 86400),
    )
    for name in names
}

_CALENDAR_UNITS = frozenset({"mo", "mon", "month", "months", "y", "yr", "yrs", "year", "years"})

_DAY_WORDS = {"today": 0, "yesterday": -1, "tomorrow": 1}

_WEEKDAYS: dict[str, int] = {
    name: number
    for number, names in enumerate(
        (
            ("mon", "monday"),
            ("tue", "tues", "tuesday"),
            ("wed", "wednesday"),
            ("thu", "thur", "thurs", "thursday"),
            ("fri", "friday"),
            ("sat", "saturday"),
            ("sun", "sunday"),
        )
    )
    for name in names
}

StorageOrDatetime = str | datetime


class _Refused(Exception):
    """Internal: why the text is not a time; becomes the middle of the user's message."""


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    """Compile on first use, once: keeps import time near zero."""
    # 14:30, 14:30:05, 9am, 9:30pm, 9 p.m.; a bare "9" is not a clock.
    clock = (
        r"(?P<hour>\d{1,2})(?::(?P<minute>\d{2})(?::(?P<second>\d{2}))?)?"
        r"(?:\s*(?P<meridiem>[ap])\.?m\.?)?"
    )
    # today / yesterday / tomorrow, or a weekday: friday, next monday, last fri.
    day = (
        r"(?:(?P<word>today|yesterday|tomorrow)"
        r"|(?:(?P<rel>next|last|this|on)\s+)?(?P<weekday>[a-z]{3,9}))"
    )
    return {
        "iso": re.compile(
            r"(?P<year>\d{4,})(?P<sep>[-/])(?P<month>\d{1,2})(?P=sep)(?P<day>\d{1,2})"
            r"(?:(?:t|\s+)"
            r"(?P<hour>\d{1,2}):(?P<minute>\d{2})"
            r"(?::(?P<second>\d{2})(?:[.,](?P<fraction>\d{1,9}))?)?"
            r"\s*(?P<offset>z|utc|gmt|[+-]\d{2}(?::?\d{2})?)?"
            r")?",
            re.ASCII,
        ),
        "day_then_clock": re.compile(day + r"(?:,?\s+(?:at\s+)?" + clock + r")?", re.ASCII),
        "clock_then_day": re.compile(r"(?:at\s+)?" + clock + r"(?:,?\s+" + day + r")?", re.ASCII),
        "numeric_date": re.compile(
            r"(?P<first>\d{1,2})(?P<sep>[./-])(?P<second>\d{1,2})(?P=sep)(?P<year>\d{4})"
            r"(?P<rest>.*)",
            re.ASCII,
        ),
        "ago": re.compile(r"(?P<body>.+?)\s*ago", re.ASCII),
        "in": re.compile(r"in\s+(?P<body>.+)", re.ASCII),
        "duration": re.compile(
            r"(?:(?:\d+\s*|an?\s+)[a-z]+)(?:\s*,?\s*(?:and\s+)?(?:\d+\s*|an?\s+)[a-z]+)*",
            re.ASCII,
        ),
        "duration_part": re.compile(
            r"(?:(?P<count>\d+)\s*|(?P<one>an?)\s+)(?P<unit>[a-z]+)", re.ASCII
        ),
    }


def utc_now() -> datetime:
    """The current instant as an aware UTC datetime, whole seconds (what the store keeps)."""
    return datetime.now(UTC).replace(microsecond=0)


def local_zone(at: datetime | None = None) -> tzinfo:
    """The local zone's fixed offset in force at ``at`` (default now): per instant, for DST."""
    moment = at if at is not None else datetime.now(UTC)
    zone = _require_aware(moment, "at").astimezone().tzinfo
    assert zone is not None  # astimezone() always attaches one
    return zone


def parse_time(text: str, *, now: datetime | None = None, day_hour: int = 0) -> datetime:
    """Read a time as people type it; return an aware UTC datetime truncated to seconds.

    ``now`` (aware) fixes the reference point for relative forms; tests pass it.
    ``day_hour`` is the hour a day given without a clock means: midnight for
    when something happened, a working hour (09:00) for when a step is due.
    Every refusal is an ``IssuenoteError`` that quotes the input and names the
    accepted forms.
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_time() needs a str, not {type(text).__name__}")
    if not 0 <= day_hour <= 23:
        raise ValueError(f"day_hour must be in 0..23, not {day_hour!r}")
    reference = utc_now() if now is None else _require_aware(now, "now").astimezone(UTC)
    try:
        cleaned = _clean(text)
        result = _parse(cleaned, reference, day_hour)
    except _Refused as refusal:
        raise IssuenoteError(f"bad time {_quote(text)}: {refusal}; {ACCEPTED_FORMS}") from None
    return result.replace(microsecond=0)


def _clean(text: str) -> str:
    """Refuse hostile input cheaply, then fold full-width forms, case and spacing."""
    if len(text) > MAX_INPUT_CHARS * 4:
        raise _Refused(f"too long ({len(text)} characters)")
    stripped = text.strip()
    if not stripped:
        raise _Refused("empty")
    if len(stripped) > MAX_INPUT_CHARS:
        raise _Refused(f"too long ({len(stripped)} characters)")
    if any(not ch.isprintable() and not ch.isspace() for ch in stripped):
        raise _Refused("contains control or invisible characters")
    # NFKC turns full-width digits, colons and the ideographic space, which CJK
    # input methods produce, into their ASCII forms.
    folded = unicodedata.normalize("NFKC", stripped).lower()
    return " ".join(folded.split())


def _parse(text: str, now: datetime, day_hour: int = 0) -> datetime:
    if text == "now":
        return now
    patterns = _patterns()
    if (match := patterns["iso"].fullmatch(text)) is not None:
        return _from_iso(match, day_hour)
    if (match := patterns["numeric_date"].fullmatch(text)) is not None:
        raise _Refused(_ambiguous_date(match))
    for name in ("day_then_clock", "clock_then_day"):
        if (match := patterns[name].fullmatch(text)) is not None and _is_day_and_clock(match):
            return _from_day_and_clock(match, now, day_hour)
    if (match := patterns["ago"].fullmatch(text)) is not None:
        return _shift(now, _duration(match["body"]), sign=-1)
    if (match := patterns["in"].fullmatch(text)) is not None:
        return _shift(now, _duration(match["body"]), sign=1)
    if re.fullmatch(r"[+-]?\d+(?:\s*[a-z]+)+", text, re.ASCII):
        raise _Refused("a duration needs 'ago' or 'in' (e.g. '2h ago', 'in 2h')")
    raise _Refused("not a time I understand")


def _ambiguous_date(match: re.Match[str]) -> str:
    """29.11.2025 or 11/29/2025: the order of day and month differs by country."""
    first, second, year = int(match["first"]), int(match["second"]), match["year"]
    readings = []
    for month, day in ((first, second), (second, first)):
        try:
            readings.append(datetime(int(year), month, day).date().isoformat())
        except ValueError:
            continue
    rest = match["rest"]
    shown = " or ".join(dict.fromkeys(f"{reading}{rest}" for reading in readings))
    suggestion = f" ({shown})" if shown else ""
    return f"day and month order differs by country; write the date as YYYY-MM-DD{suggestion}"


def _is_day_and_clock(match: re.Match[str]) -> bool:
    """A weekday must be a real one and a clock needs minutes or am/pm ("9" alone is not)."""
    if match["weekday"] is not None and match["weekday"] not in _WEEKDAYS:
        return False
    if match["rel"] is not None and match["weekday"] is None:
        return False
    if match["hour"] is not None and match["minute"] is None and match["meridiem"] is None:
        return False
    return match["hour"] is not None or match["word"] is not None or match["weekday"] is not None


def _from_iso(match: re.Match[str], day_hour: int = 0) -> datetime:
    year = int(match["year"])
    # 1969 is let through only with an explicit offset, for instants that are
    # already 1970 somewhere (a local 1970-01-01 00:00 at +08:00 is stored as
    # 1969-12-31T16:00:00Z); _check_range refuses anything earlier.
    offset_given = match["offset"] is not None
    if not (MIN_YEAR - offset_given) <= year <= MAX_YEAR:
        raise _Refused(f"year must be between {MIN_YEAR} and {MAX_YEAR}")
    has_clock = match["hour"] is not None
    try:
        wall = datetime(
            year,
            int(match["month"]),
            int(match["day"]),
            int(match["hour"]) if has_clock else day_hour,
            int(match["minute"] or 0),
            int(match["second"] or 0),
        )
    except ValueError as exc:  # datetime names the field: "day is out of range for month"
        raise _Refused(str(exc)) from None
    offset_text = match["offset"]
    if offset_text is None:
        return _local_to_utc(wall, typed=has_clock)
    aware = wall.replace(tzinfo=_parse_offset(offset_text))
    try:
        return _check_range(aware.astimezone(UTC))
    except OverflowError:
        raise _Refused(_too_far(year)) from None


def _parse_offset(text: str) -> timezone:
    if text in ("z", "utc", "gmt"):
        return UTC
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    if minutes > 59:
        raise _Refused("UTC offset minutes must be in 0..59")
    offset = timedelta(hours=hours, minutes=minutes)
    if offset > MAX_OFFSET:
        raise _Refused("UTC offset must be between -14:00 and +14:00")
    return timezone(-offset if text[0] == "-" else offset)


def _from_day_and_clock(match: re.Match[str], now: datetime, day_hour: int = 0) -> datetime:
    today = now.astimezone().date()
    if match["weekday"] is not None:
        day = today + timedelta(days=_weekday_offset(today.weekday(), match))
    else:
        day = today + timedelta(days=_DAY_WORDS[match["word"] or "today"])
    has_clock = match["hour"] is not None
    hour = _hour(match) if has_clock else day_hour
    try:
        wall = datetime(
            day.year,
            day.month,
            day.day,
            hour,
            int(match["minute"] or 0),
            int(match["second"] or 0),
        )
    except ValueError as exc:  # "hour must be in 0..23"
        raise _Refused(str(exc)) from None
    return _local_to_utc(wall, typed=has_clock)


def _weekday_offset(today: int, match: re.Match[str]) -> int:
    """Days from today to the named weekday.

    `friday`, `next friday` and `on friday` mean the coming one (a week ahead
    when today is Friday), `this friday` the one in this week from today on,
    `last friday` the one before today.
    """
    wanted = _WEEKDAYS[match["weekday"]]
    ahead = (wanted - today) % 7
    if match["rel"] == "last":
        return -((today - wanted) % 7 or 7)
    if match["rel"] == "this":
        return ahead
    return ahead or 7


def _hour(match: re.Match[str]) -> int:
    hour = int(match["hour"])
    meridiem = match["meridiem"]
    if meridiem is None:
        return hour
    if not 1 <= hour <= 12:
        raise _Refused(f"{hour}{meridiem}m is not a time on the 12-hour clock (use 1 to 12)")
    return hour % 12 + (12 if meridiem == "p" else 0)


def _duration(body: str) -> tuple[int, int]:
    """(calendar days, elapsed seconds) of a duration such as '2h', '1h 30m', '3 days'."""
    patterns = _patterns()
    if body.startswith("-"):
        raise _Refused("negative durations are not accepted")
    if not re.match(r"\+?(?:\d|an?\s)", body):
        raise _Refused("not a time I understand")
    if re.search(r"\d[.,]\d", body):
        raise _Refused("use whole numbers (90m, not 1.5h)")
    if patterns["duration"].fullmatch(body) is None:
        raise _Refused("not a duration I understand (e.g. '90s', '30m', '2h', '3d', '1w')")
    days = seconds = 0
    for part in patterns["duration_part"].finditer(body):
        unit = part["unit"]
        if unit in _CALENDAR_UNITS:
            raise _Refused("months and years vary in length; count in days or weeks instead")
        if unit not in _UNIT_SECONDS:
            raise _Refused(f"unknown unit {unit!r} (use s, m, h, d or w)")
        count = 1 if part["one"] else int(part["count"])
        if _UNIT_SECONDS[unit] >= 86400:
            days += count * _UNIT_SECONDS[unit] // 86400
        else:
            seconds += count * _UNIT_SECONDS[unit]
    return days, seconds


def _shift(now: datetime, duration: tuple[int, int], *, sign: int) -> datetime:
    """Move ``now`` by a duration: days on the local calendar, the rest in elapsed time.

    '3d ago' at 14:00 means 14:00 three days ago even across a DST change, as in
    GNU date; '2h ago' means two real hours, whatever the clocks did.
    """
    days, seconds = duration
    direction = "past" if sign < 0 else "future"
    try:
        moved = now
        if days:
            wall = now.astimezone().replace(tzinfo=None) + sign * timedelta(days=days)
            moved = _local_to_utc(wall, typed=False)
        moved = moved + sign * timedelta(seconds=seconds)
    except (OverflowError, OSError, ValueError):
        raise _Refused(f"too far in the {direction}") from None
    return _check_range(moved)


def _check_range(instant: datetime) -> datetime:
    if instant < _EARLIEST:
        raise _Refused(f"before {MIN_YEAR}")
    if instant > _LATEST:
        raise _Refused("too far in the future")
    return instant


def _local_to_utc(wall: datetime, *, typed: bool) -> datetime:
    """Map a local wall time to UTC, looking the offset up for that very instant.

    The offsets in force a day either side are tried and each result checked
    by mapping it back (the C library's ``localtime``, which honours ``TZ``).
    We do not use ``naive.astimezone()``: for a skipped wall time CPython picks
    the offset the wrong way round (a skipped midnight lands on the previous
    day), and it overflows a day short of year 9999's end.
    """
    seconds = (wall - _EPOCH_NAIVE) // timedelta(seconds=1)
    try:
        offsets = {_offset_at(seconds + shift) for shift in (-86400, 0, 86400)}
        candidates = sorted({seconds - offset for offset in offsets})
        exact = [u for u in candidates if u + _offset_at(u) == seconds]
        if exact:  # a repeated wall time means its first occurrence
            return _check_range(_EPOCH + timedelta(seconds=exact[0]))
        if typed:
            shown = wall.strftime("%H:%M") if wall.second == 0 else wall.strftime("%H:%M:%S")
            raise _Refused(
                f"{wall.date().isoformat()} {shown} does not exist in local time "
                "(the clocks skipped it); add a UTC offset such as +01:00"
            )
        # Not typed by the user (a bare date's midnight, a calendar shift): move
        # forward past the skipped hour, to the same distance after the change.
        return _check_range(_EPOCH + timedelta(seconds=candidates[-1]))
    except (OverflowError, OSError, ValueError):
        raise _Refused(_too_far(wall.year)) from None


def _too_far(year: int) -> str:
    return "too far in the future" if year >= MAX_YEAR else f"before {MIN_YEAR}"


def _offset_at(timestamp: int) -> int:
    """The local zone's UTC offset in seconds at a POSIX timestamp."""
    return time.localtime(timestamp).tm_gmtoff


def _is_storage_form(s: str) -> bool:
    """`2026-11-20T06:03:00Z`, checked without a regex: every read of the notebook
    passes here, and compiling the parser's patterns would cost a short command ~2 ms."""
    if len(s) != 20 or s[4] + s[7] + s[10] + s[13] + s[16] + s[19] != "--T::Z":
        return False
    digits = s[0:4] + s[5:7] + s[8:10] + s[11:13] + s[14:16] + s[17:19]
    return digits.isascii() and digits.isdigit()


def _is_offset_form(s: str) -> bool:
    """`2026-11-20T14:03:00+08:00`: ISO 8601 to the second with a +HH:MM offset, no regex."""
    if len(s) != 25 or s[4] + s[7] + s[10] + s[13] + s[16] + s[22] != "--T:::":
        return False
    if s[19] not in "+-":
        return False
    digits = s[0:4] + s[5:7] + s[8:10] + s[11:13] + s[14:16] + s[17:19] + s[20:22] + s[23:25]
    return digits.isascii() and digits.isdigit()


def to_storage(dt: datetime) -> str:
    """Canonical UTC text for the database: fixed width, so text order is time order."""
    utc = _require_aware(dt, "dt").astimezone(UTC)
    return (
        f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}"
        f"T{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}Z"
    )


def from_storage(s: str) -> datetime:
    """Read a stored time back (aware UTC).

    The canonical form takes a fast path; any other ISO text with an explicit
    offset (an older or hand-edited file) is accepted too, but a stored time
    without an offset is refused: guessing its zone would corrupt evidence.
    """
    if not isinstance(s, str):
        raise TypeError(f"from_storage() needs a str, not {type(s).__name__}")
    if _is_storage_form(s):
        try:  # in C: a case of 1,000 entries reads a thousand of these
            if s[11:13] == "24":  # newer Pythons read 24:00 as the next midnight
                raise ValueError("hour must be in 0..23")
            return datetime.fromisoformat(s)
        except ValueError as exc:
            raise IssuenoteError(f"bad stored time {_quote(s)}: {exc}") from None
    if _is_offset_form(s) and s[23:25] <= "59":  # fromisoformat lets +00:60 through
        # What to_local_iso writes (a case document's times, read back by `show`):
        # fromisoformat, then the same limits as the parser, else the parser's refusal.
        try:
            aware = datetime.fromisoformat(s)
        except ValueError:
            pass
        else:
            offset = aware.utcoffset()
            if offset is not None and abs(offset) <= MAX_OFFSET:
                instant = aware.astimezone(UTC)
                if _EARLIEST <= instant <= _LATEST and aware.year >= MIN_YEAR - 1:
                    return instant
    try:
        cleaned = _clean(s)
        match = _patterns()["iso"].fullmatch(cleaned)
        if match is None or match["offset"] is None:
            raise _Refused("expected UTC ISO 8601 such as 2026-11-20T06:03:00Z")
        return _from_iso(match).replace(microsecond=0)
    except _Refused as refusal:
        raise IssuenoteError(f"bad stored time {_quote(s)}: {refusal}") from None


@overload
def to_local_iso(value: StorageOrDatetime, tz: tzinfo | None = None) -> str: ...
@overload
def to_local_iso(value: None, tz: tzinfo | None = None) -> None: ...
def to_local_iso(value: StorageOrDatetime | None, tz: tzinfo | None = None) -> str | None:
    """ISO 8601 with an explicit offset, for exports and ``--json``; None passes through.

    ``tz`` None means the local zone, with the offset of that instant.
    """
    if value is None:
        return None
    if value.__class__ is str and _is_storage_form(value) and value[11:13] != "24":
        # The stored form, in C (what _localize does for it): export --all converts
        # every time of every entry, a million of them at the scale goal.
        try:
            utc = datetime.fromisoformat(value)
        except ValueError:
            pass  # from_storage below says what is wrong with it
        else:
            local = utc.astimezone() if tz is None else utc.astimezone(tz)
            return local.isoformat(timespec="seconds")
    return _localize(value, tz).isoformat(timespec="seconds")


@overload
def format_local(
    value: StorageOrDatetime, tz: tzinfo | None = None, *, style: Literal["short", "long"] = ...
) -> str: ...
@overload
def format_local(
    value: None, tz: tzinfo | None = None, *, style: Literal["short", "long"] = ...
) -> None: ...
def format_local(
    value: StorageOrDatetime | None,
    tz: tzinfo | None = None,
    *,
    style: Literal["short", "long"] = "short",
) -> str | None:
    """A time for people: '2026-11-20 14:03' or, with style='long', '... UTC+08:00'."""
    if style not in ("short", "long"):
        raise ValueError(f"style must be 'short' or 'long', not {style!r}")
    if value is None:
        return None
    local = _localize(value, tz)
    text = f"{local.year:04d}-{local.month:02d}-{local.day:02d} {local.hour:02d}:{local.minute:02d}"
    if style == "long":
        text += " " + _format_offset(local.utcoffset() or timedelta(0))
    return text


def _format_offset(offset: timedelta) -> str:
    sign = "-" if offset < timedelta(0) else "+"
    total = abs(int(offset.total_seconds()))
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    text = f"UTC{sign}{hours:02d}:{minutes:02d}"
    return text + f":{seconds:02d}" if seconds else text


def humanize_delta(then: StorageOrDatetime, now: StorageOrDatetime | None = None) -> str:
    """Compact age for list columns: '45s', '12m', '3h', '3d', '5w', '2y'; future is 'in 3h'.

    Units are floored, days switch to weeks at 14 days and weeks to years at 365 days.
    """
    then_dt = _as_utc(then)
    now_dt = utc_now() if now is None else _as_utc(now)
    seconds = int((now_dt - then_dt).total_seconds())
    future = seconds < 0
    seconds = abs(seconds)
    if seconds < 60:
        text = f"{seconds}s"
    elif seconds < 3600:
        text = f"{seconds // 60}m"
    elif seconds < 86400:
        text = f"{seconds // 3600}h"
    elif seconds < 14 * 86400:
        text = f"{seconds // 86400}d"
    elif seconds < 365 * 86400:
        text = f"{seconds // (7 * 86400)}w"
    else:
        text = f"{seconds // (365 * 86400)}y"
    if text == "0s":
        return text
    return f"in {text}" if future else text


def _localize(value: StorageOrDatetime, tz: tzinfo | None) -> datetime:
    utc = _as_utc(value)
    return utc.astimezone() if tz is None else utc.astimezone(tz)


def _as_utc(value: StorageOrDatetime) -> datetime:
    if isinstance(value, datetime):
        return _require_aware(value, "time").astimezone(UTC)
    if isinstance(value, str):
        return from_storage(value)
    raise TypeError(f"expected a stored time string or an aware datetime, not {value!r}")


def _require_aware(dt: datetime, name: str) -> datetime:
    """A naive datetime here is a programming error (UTC or local?), not a user's."""
    if not isinstance(dt, datetime):
        raise TypeError(f"{name} must be a datetime, not {type(dt).__name__}")
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {dt!r}")
    return dt


def _quote(text: str, limit: int = 40) -> str:
    """Quote user input for a message: short, with control characters made visible."""
    shown = text if len(text) <= limit else text[:limit] + "…"
    visible = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in shown)
    return f"'{visible}'"


def add_business_days(start: datetime, count: int) -> datetime:
    """`count` weekdays (Mon-Fri) after `start`, same wall-clock time, in start's own zone."""
    moment = start
    while count > 0:
        moment += timedelta(days=1)
        if moment.weekday() < 5:
            count -= 1
    return moment


PROMISE_FORMS = "say when, e.g. 24h, '3 business days', 'tomorrow 18:00' or ISO 8601"


def parse_promise(text: str, *, since: datetime) -> datetime:
    """When an agent promised an answer by: a duration from `since`, or a time after it.

    '24h', '2 days', 'in 3d' count from `since` (the reply's time); '3 business
    days' skips Saturdays and Sundays in local time; any time `parse_time` reads
    is taken as it is. The result must lie after `since`.
    """
    since = _require_aware(since, "since").astimezone(UTC)
    try:
        cleaned = _clean(text)
    except _Refused as refusal:
        raise IssuenoteError(f"bad promise {_quote(text)}: {refusal}; {PROMISE_FORMS}") from None
    business = re.fullmatch(r"(?:in\s+)?(\d{1,3})\s+(?:business|working|work)\s+days?", cleaned)
    if business:
        local = since.astimezone(local_zone(since))
        moved = add_business_days(local.replace(tzinfo=None), int(business.group(1)))
        try:
            return _local_to_utc(moved, typed=False).replace(microsecond=0)
        except _Refused as refusal:
            raise IssuenoteError(f"bad promise {_quote(text)}: {refusal}") from None
    if re.fullmatch(r"\d+\s*[a-z]+(?:\s*,?\s*\d+\s*[a-z]+)*", cleaned, re.ASCII):
        cleaned = f"in {cleaned}"
    try:
        when = _parse(cleaned, since) if cleaned.startswith("in ") else parse_time(text)
    except (_Refused, IssuenoteError):
        raise IssuenoteError(f"bad promise {_quote(text)}: {PROMISE_FORMS}") from None
    when = when.replace(microsecond=0)
    if when <= since:
        raise IssuenoteError(
            f"bad promise {_quote(text)}: {format_local(when, style='long')} is not after "
            "the reply; a promise is for later"
        )
    return when


@cache
def _exported_pattern() -> re.Pattern[str]:
    return re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:Z|[+-](?:0\d|1[0-4]):[0-5]\d)", re.ASCII)


def parse_exported(text: str) -> datetime | None:
    """The instant of a time in the exact form exports write (2026-11-20T14:03:00+08:00).

    A fast path for import, where a notebook holds millions of them; None for
    anything else (or out of range), which `parse_time` then reads or refuses
    with its message. For what it accepts it gives what `parse_time` gives.
    """
    if not _exported_pattern().fullmatch(text):
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:  # month 13, day 31 of a 30-day month, ...
        return None
    offset = moment.utcoffset()
    if offset is None or abs(offset) > MAX_OFFSET or moment.year < MIN_YEAR - 1:
        return None
    instant = moment.astimezone(UTC)
    if instant < _EARLIEST or instant > _LATEST:
        return None
    return instant
