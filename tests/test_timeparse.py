"""Time parsing, storage form and display: fixed `now`, real zones, DST edges, every refusal."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from issuenote.errors import IssuenoteError
from issuenote.parse.timeparse import (
    ACCEPTED_FORMS,
    format_local,
    from_storage,
    humanize_delta,
    local_zone,
    parse_time,
    to_local_iso,
    to_storage,
    utc_now,
)

NOW = datetime(2026, 11, 23, 10, 0, 0, tzinfo=UTC)  # 18:00 in Shanghai


@contextmanager
def zone(name: str) -> Iterator[None]:
    """Run with the process's local zone set to ``name``, then put the old one back."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = name
    time.tzset()
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = old
        time.tzset()


@pytest.fixture
def shanghai() -> Iterator[None]:
    with zone("Asia/Shanghai"):
        yield


@pytest.fixture
def berlin() -> Iterator[None]:
    with zone("Europe/Berlin"):
        yield


@pytest.fixture
def utc_zone() -> Iterator[None]:
    with zone("UTC"):
        yield


def stored(text: str, now: datetime = NOW) -> str:
    return to_storage(parse_time(text, now=now))


# -- accepted forms ------------------------------------------------------------


@pytest.mark.usefixtures("shanghai")
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # ISO 8601 without offset: local time
        ("2026-11-20 14:03", "2026-11-20T06:03:00Z"),
        ("2026-11-20T14:03", "2026-11-20T06:03:00Z"),
        ("2026-11-20T14:03:59", "2026-11-20T06:03:59Z"),
        ("2026-11-20 14:03:05.999999", "2026-11-20T06:03:05Z"),  # truncated, not rounded
        ("2026-11-20 14:03:05,5", "2026-11-20T06:03:05Z"),
        ("2026-11-20", "2026-11-19T16:00:00Z"),  # local midnight
        ("2026-3-5 9:05", "2026-03-05T01:05:00Z"),
        ("2026/11/20 14:03", "2026-11-20T06:03:00Z"),
        # ISO 8601 with offset
        ("2026-11-20T14:03:00Z", "2026-11-20T14:03:00Z"),
        ("2026-11-20t14:03z", "2026-11-20T14:03:00Z"),
        ("2026-11-20T14:03+08:00", "2026-11-20T06:03:00Z"),
        ("2026-11-20T14:03+0800", "2026-11-20T06:03:00Z"),
        ("2026-11-20T14:03+08", "2026-11-20T06:03:00Z"),
        ("2026-11-20 14:03 +08:00", "2026-11-20T06:03:00Z"),
        ("2026-11-20T14:03-05:00", "2026-11-20T19:03:00Z"),
        ("2026-11-20T14:03+05:45", "2026-11-20T08:18:00Z"),
        ("2026-11-20T14:03-00:00", "2026-11-20T14:03:00Z"),
        ("2026-11-20T14:03+14:00", "2026-11-20T00:03:00Z"),
        ("2026-11-20 14:03 UTC", "2026-11-20T14:03:00Z"),
        ("2026-11-20 14:03 gmt", "2026-11-20T14:03:00Z"),
        # relative
        ("now", "2026-11-23T10:00:00Z"),
        ("NOW", "2026-11-23T10:00:00Z"),
        ("30m ago", "2026-11-23T09:30:00Z"),
        ("2h ago", "2026-11-23T08:00:00Z"),
        ("3d ago", "2026-11-20T10:00:00Z"),
        ("1w ago", "2026-11-16T10:00:00Z"),
        ("90s ago", "2026-11-23T09:58:30Z"),
        ("5 min ago", "2026-11-23T09:55:00Z"),
        ("5 mins ago", "2026-11-23T09:55:00Z"),
        ("2 hours ago", "2026-11-23T08:00:00Z"),
        ("1 hour ago", "2026-11-23T09:00:00Z"),
        ("an hour ago", "2026-11-23T09:00:00Z"),
        ("a day ago", "2026-11-22T10:00:00Z"),
        ("3 days ago", "2026-11-20T10:00:00Z"),
        ("2 weeks ago", "2026-11-09T10:00:00Z"),
        ("1h30m ago", "2026-11-23T08:30:00Z"),
        ("1h 30m ago", "2026-11-23T08:30:00Z"),
        ("1 hour, 30 minutes ago", "2026-11-23T08:30:00Z"),
        ("1 day and 2 hours ago", "2026-11-22T08:00:00Z"),
        ("0m ago", "2026-11-23T10:00:00Z"),
        ("in 2h", "2026-11-23T12:00:00Z"),
        ("in 3d", "2026-11-26T10:00:00Z"),
        ("in 1w", "2026-11-30T10:00:00Z"),
        ("in 45 minutes", "2026-11-23T10:45:00Z"),
        # named days, local
        ("today 14:30", "2026-11-23T06:30:00Z"),
        ("today at 14:30", "2026-11-23T06:30:00Z"),
        ("Today 14:30:15", "2026-11-23T06:30:15Z"),
        ("yesterday 09:05", "2026-11-22T01:05:00Z"),
        ("yesterday 9:05", "2026-11-22T01:05:00Z"),
        ("09:05 yesterday", "2026-11-22T01:05:00Z"),
        ("today", "2026-11-22T16:00:00Z"),
        ("yesterday", "2026-11-21T16:00:00Z"),
        ("tomorrow", "2026-11-23T16:00:00Z"),
        ("tomorrow 10:00", "2026-11-24T02:00:00Z"),
        ("14:30", "2026-11-23T06:30:00Z"),
        ("23:59:59", "2026-11-23T15:59:59Z"),
        ("00:00", "2026-11-22T16:00:00Z"),
        # spacing, case, full-width input from CJK input methods
        ("  Yesterday   09:05  ", "2026-11-22T01:05:00Z"),
        ("\tnow\n", "2026-11-23T10:00:00Z"),
        ("２０２６－１１－２０　１４：０３", "2026-11-20T06:03:00Z"),
        ("ｙｅｓｔｅｒｄａｙ　０９：０５", "2026-11-22T01:05:00Z"),
        ("2026-11-20\u00a014:03", "2026-11-20T06:03:00Z"),  # no-break space
        # weekdays (NOW is Monday 2026-11-23 in Shanghai) and the 12-hour clock
        ("friday 10:00", "2026-11-27T02:00:00Z"),
        ("Fri 10:00", "2026-11-27T02:00:00Z"),
        ("on friday at 9:30pm", "2026-11-27T13:30:00Z"),
        ("next monday 09:00", "2026-11-30T01:00:00Z"),
        ("monday 09:00", "2026-11-30T01:00:00Z"),  # today is Monday: the coming one
        ("this monday 20:00", "2026-11-23T12:00:00Z"),
        ("last friday 10:00", "2026-11-20T02:00:00Z"),
        ("tomorrow 9am", "2026-11-24T01:00:00Z"),
        ("9am tomorrow", "2026-11-24T01:00:00Z"),
        ("yesterday 9:05 a.m.", "2026-11-22T01:05:00Z"),
        ("9:30pm", "2026-11-23T13:30:00Z"),
        ("12am", "2026-11-22T16:00:00Z"),
        ("12pm", "2026-11-23T04:00:00Z"),
        ("12:30 PM", "2026-11-23T04:30:00Z"),
    ],
)
def test_accepted_forms_in_shanghai(text: str, expected: str) -> None:
    assert stored(text) == expected


@pytest.mark.usefixtures("utc_zone")
def test_accepted_forms_in_utc() -> None:
    assert stored("2026-11-20 14:03") == "2026-11-20T14:03:00Z"
    assert stored("2026-11-20") == "2026-11-20T00:00:00Z"
    assert stored("today") == "2026-11-23T00:00:00Z"
    assert stored("3d ago") == "2026-11-20T10:00:00Z"


@pytest.mark.usefixtures("shanghai")
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tomorrow", "2026-11-24T01:00:00Z"),  # 09:00 local, not midnight
        ("friday", "2026-11-27T01:00:00Z"),
        ("next monday", "2026-11-30T01:00:00Z"),
        ("2026-12-01", "2026-12-01T01:00:00Z"),
        ("tomorrow 14:00", "2026-11-24T06:00:00Z"),  # a clock given wins
        ("in 2d", "2026-11-25T10:00:00Z"),
    ],
)
def test_a_day_without_a_clock_takes_the_day_hour(text: str, expected: str) -> None:
    assert to_storage(parse_time(text, now=NOW, day_hour=9)) == expected


def test_a_day_hour_outside_the_day_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        parse_time("tomorrow", now=NOW, day_hour=24)


def test_result_is_aware_utc_whole_seconds(shanghai: None) -> None:
    now = datetime(2026, 11, 23, 10, 0, 0, 987654, tzinfo=UTC)
    for text in ("now", "2h ago", "in 3d", "today 14:30", "2026-11-20 14:03:05.5"):
        result = parse_time(text, now=now)
        assert result.tzinfo is UTC
        assert result.microsecond == 0


def test_now_in_another_zone_is_the_same_instant(shanghai: None) -> None:
    now = datetime(2026, 11, 23, 5, 0, tzinfo=timezone(timedelta(hours=-5)))
    assert stored("now", now) == "2026-11-23T10:00:00Z"
    assert stored("1h ago", now) == "2026-11-23T09:00:00Z"


def test_today_follows_the_local_date_not_the_utc_date(shanghai: None) -> None:
    late_utc = datetime(2026, 11, 23, 20, 0, tzinfo=UTC)  # already the 24th in Shanghai
    assert stored("today", late_utc) == "2026-11-23T16:00:00Z"
    assert stored("yesterday 09:05", late_utc) == "2026-11-23T01:05:00Z"
    assert stored("14:30", late_utc) == "2026-11-24T06:30:00Z"


def test_default_now_is_the_clock() -> None:
    before = utc_now()
    result = parse_time("now")
    after = utc_now()
    assert before <= result <= after + timedelta(seconds=1)


def test_utc_now_is_aware_whole_seconds() -> None:
    now = utc_now()
    assert now.tzinfo is UTC
    assert now.microsecond == 0


# -- DST, per-instant offsets ---------------------------------------------------
# Europe/Berlin 2026: clocks go 02:00 -> 03:00 on 29 March, 03:00 -> 02:00 on 25 October.


@pytest.mark.usefixtures("berlin")
class TestBerlinDaylightSaving:
    def test_offset_is_taken_per_instant(self) -> None:
        assert stored("2026-03-28 12:00") == "2026-03-28T11:00:00Z"
        assert stored("2026-03-29 12:00") == "2026-03-29T10:00:00Z"
        assert to_local_iso("2026-03-28T11:00:00Z") == "2026-03-28T12:00:00+01:00"
        assert to_local_iso("2026-03-29T10:00:00Z") == "2026-03-29T12:00:00+02:00"
        assert format_local("2026-07-01T10:00:00Z", style="long") == "2026-07-01 12:00 UTC+02:00"
        assert format_local("2026-12-01T10:00:00Z", style="long") == "2026-12-01 11:00 UTC+01:00"

    def test_around_spring_forward(self) -> None:
        assert stored("2026-03-29 01:59:59") == "2026-03-29T00:59:59Z"
        assert stored("2026-03-29 03:00") == "2026-03-29T01:00:00Z"

    @pytest.mark.parametrize(
        "text", ["2026-03-29 02:00", "2026-03-29 02:30", "2026-03-29T02:59:59"]
    )
    def test_skipped_wall_time_is_refused(self, text: str) -> None:
        with pytest.raises(IssuenoteError, match="does not exist in local time"):
            parse_time(text, now=NOW)

    def test_skipped_wall_time_with_offset_is_fine(self) -> None:
        assert stored("2026-03-29 02:30+01:00") == "2026-03-29T01:30:00Z"

    def test_today_at_skipped_time_is_refused(self) -> None:
        spring_day = datetime(2026, 3, 29, 10, 0, tzinfo=UTC)
        with pytest.raises(IssuenoteError, match="02:30 does not exist"):
            parse_time("today 02:30", now=spring_day)

    def test_repeated_wall_time_means_the_first_one(self) -> None:
        assert stored("2026-10-25 02:30") == "2026-10-25T00:30:00Z"  # still CEST
        assert stored("2026-10-25 02:30+01:00") == "2026-10-25T01:30:00Z"  # the second one
        assert stored("2026-10-25 03:00") == "2026-10-25T02:00:00Z"
        assert stored("2026-10-25 01:59") == "2026-10-24T23:59:00Z"

    def test_days_ago_keeps_the_wall_clock_across_the_change(self) -> None:
        noon_after = datetime(2026, 3, 29, 10, 0, tzinfo=UTC)  # 12:00 CEST
        assert stored("1d ago", noon_after) == "2026-03-28T11:00:00Z"  # 12:00 CET, 23 h earlier
        assert stored("24h ago", noon_after) == "2026-03-28T10:00:00Z"  # 24 real hours
        assert stored("1w ago", noon_after) == "2026-03-22T11:00:00Z"
        autumn = datetime(2026, 10, 25, 11, 0, tzinfo=UTC)  # 12:00 CET
        assert stored("1d ago", autumn) == "2026-10-24T10:00:00Z"  # 12:00 CEST, 25 h earlier
        assert stored("in 1d", datetime(2026, 10, 24, 10, 0, tzinfo=UTC)) == "2026-10-25T11:00:00Z"

    def test_days_ago_landing_in_the_skipped_hour_moves_forward(self) -> None:
        now = datetime(2026, 3, 30, 0, 30, tzinfo=UTC)  # 02:30 CEST on the 30th
        assert stored("1d ago", now) == "2026-03-29T01:30:00Z"  # 03:30 CEST
        assert to_local_iso(parse_time("1d ago", now=now)) == "2026-03-29T03:30:00+02:00"

    def test_days_ago_landing_on_a_repeated_time_takes_the_first(self) -> None:
        now = datetime(2026, 10, 26, 1, 30, tzinfo=UTC)  # 02:30 CET on the 26th
        assert stored("1d ago", now) == "2026-10-25T00:30:00Z"

    def test_hours_ago_is_elapsed_time_through_the_change(self) -> None:
        now = datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # 03:30 CEST
        assert stored("1h ago", now) == "2026-03-29T00:30:00Z"  # 01:30 CET
        assert stored("30m ago", now) == "2026-03-29T01:00:00Z"  # 03:00 CEST

    def test_yesterday_on_the_day_after_the_change(self) -> None:
        now = datetime(2026, 3, 30, 10, 0, tzinfo=UTC)
        assert stored("yesterday", now) == "2026-03-28T23:00:00Z"  # midnight CET
        assert stored("yesterday 12:00", now) == "2026-03-29T10:00:00Z"  # noon CEST


def test_skipped_midnight_moves_to_the_first_instant_of_the_day() -> None:
    # Havana: on 8 March 2026 the clocks jump from 00:00 to 01:00.
    with zone("America/Havana"):
        assert stored("2026-03-08") == "2026-03-08T05:00:00Z"
        assert to_local_iso("2026-03-08T05:00:00Z") == "2026-03-08T01:00:00-04:00"
        day = datetime(2026, 3, 8, 15, 0, tzinfo=UTC)
        assert stored("today", day) == "2026-03-08T05:00:00Z"
        with pytest.raises(IssuenoteError, match="does not exist"):
            parse_time("2026-03-08 00:30", now=NOW)


# -- refusals ------------------------------------------------------------------


@pytest.mark.usefixtures("shanghai")
@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2026-02-30", "day is out of range for month"),
        ("2026-02-29", "day is out of range for month"),  # not a leap year
        ("2026-13-01", "month must be in 1..12"),
        ("2026-00-10", "month must be in 1..12"),
        ("2026-11-00", "day is out of range"),
        ("2026-11-20 25:00", "hour must be in 0..23"),
        ("2026-11-20 24:00", "hour must be in 0..23"),
        ("2026-11-20 14:60", "minute must be in 0..59"),
        ("2026-11-20 14:03:60", "second must be in 0..59"),
        ("25:00", "hour must be in 0..23"),
        ("24:61", "hour must be in 0..23"),
        ("23:61", "minute must be in 0..59"),
        ("today 25:00", "hour must be in 0..23"),
        ("2026-11-20T14:03+25:00", "UTC offset must be between -14:00 and +14:00"),
        ("2026-11-20T14:03-15:00", "UTC offset must be between"),
        ("2026-11-20T14:03+08:60", "UTC offset minutes must be in 0..59"),
        ("1969-12-31", "year must be between 1970 and 9999"),
        ("1900-01-01 10:00", "year must be between 1970 and 9999"),
        ("0000-01-01", "year must be between 1970 and 9999"),
        ("10000-01-01", "year must be between 1970 and 9999"),
        ("1969-06-01T00:00Z", "before 1970"),
        ("60 years ago", "months and years vary in length"),
        ("3 months ago", "months and years vary in length"),
        ("2 fortnights ago", "unknown unit 'fortnights'"),
        ("99999999d ago", "too far in the past"),
        ("in 99999999w", "too far in the future"),
        ("999999999999999999999999h ago", "too far in the past"),
        ("in 99999999999999999999999999999s", "too far in the future"),
        ("30000d ago", "before 1970"),
        ("3000w ago", "before 1970"),
        ("-3d ago", "negative durations are not accepted"),
        ("in -2h", "negative durations are not accepted"),
        ("2h", "a duration needs 'ago' or 'in'"),
        ("3 days", "a duration needs 'ago' or 'in'"),
        ("", "empty"),
        ("   ", "empty"),
        ("\n\t", "empty"),
        ("now\x00", "control or invisible characters"),
        ("\x00", "control or invisible characters"),
        ("today\u200b 14:30", "control or invisible characters"),
        ("2026-11-20\u202e", "control or invisible characters"),
        ("x" * 101, "too long (101 characters)"),
        ("1" * 10_000, "too long (10000 characters)"),
        ("chicago", "not a time I understand"),
        ("ago", "not a time I understand"),
        ("in", "not a time I understand"),
        ("2026-11-20 14", "not a time I understand"),
        ("2026-11-20Z", "not a time I understand"),
        ("20261120", "not a time I understand"),
        ("11/20/2026", "write the date as YYYY-MM-DD (2026-11-20)"),
        ("20.11.2026", "write the date as YYYY-MM-DD (2026-11-20)"),
        ("03/04/2026 10:00", "(2026-03-04 10:00 or 2026-04-03 10:00)"),
        ("13pm", "not a time on the 12-hour clock"),
        ("0am", "not a time on the 12-hour clock"),
        ("tomorrow 9", "not a time I understand"),
        ("next", "not a time I understand"),
        ("next week", "not a time I understand"),
        ("fryday", "not a time I understand"),
        ("2026-11/20", "not a time I understand"),
        ("٢٠٢٦-١١-٢٠", "not a time I understand"),  # Arabic-Indic digits
        ("1.5h ago", "use whole numbers"),
        ("in 2,5 days", "use whole numbers"),
        ("2h ago ago", "not a duration I understand"),
        ("🕒", "not a time I understand"),
        ("明天", "not a time I understand"),
    ],
)
def test_refusals_name_the_input_and_the_reason(text: str, reason: str) -> None:
    with pytest.raises(IssuenoteError) as caught:
        parse_time(text, now=NOW)
    message = str(caught.value)
    assert message.startswith("bad time '")
    assert reason in message
    assert message.endswith(ACCEPTED_FORMS)
    assert "\n" not in message and "\x00" not in message


def test_refusal_message_matches_the_documented_shape() -> None:
    with pytest.raises(IssuenoteError) as caught:
        parse_time("2026-02-30", now=NOW)
    assert str(caught.value) == (
        "bad time '2026-02-30': day is out of range for month; use ISO 8601 "
        "(2026-11-20 14:03), 'now', '2h ago', 'today 14:30', 'yesterday 09:05', 'in 3d', "
        "'friday 10:00', 'tomorrow 9am'"
    )


def test_long_input_is_shortened_in_the_message() -> None:
    with pytest.raises(IssuenoteError) as caught:
        parse_time("y" * 5000, now=NOW)
    assert len(str(caught.value)) < 300


def test_latest_instants() -> None:
    """Accepted times stop where every zone can still display them inside year 9999."""
    with zone("UTC"):
        assert stored("9999-12-30 10:00") == "9999-12-30T10:00:00Z"
        for text in ("9999-12-30 10:00:01", "9999-12-31 23:59:59", "in 3000000d"):
            with pytest.raises(IssuenoteError, match="too far in the future"):
                parse_time(text, now=NOW)
    with zone("Pacific/Kiritimati"):  # UTC+14
        assert stored("9999-12-31 00:00") == "9999-12-30T10:00:00Z"
        assert to_local_iso("9999-12-30T10:00:00Z") == "9999-12-31T00:00:00+14:00"
    with zone("America/New_York"), pytest.raises(IssuenoteError, match="too far"):
        parse_time("9999-12-31 23:00", now=NOW)
    with pytest.raises(IssuenoteError, match="too far"):
        parse_time("9999-12-31T23:00-05:00", now=NOW)


def test_earliest_instants(shanghai: None) -> None:
    assert stored("1970-01-01") == "1969-12-31T16:00:00Z"
    # ... and what the store wrote reads back, though its UTC year is 1969
    assert stored("1969-12-31T16:00:00Z") == "1969-12-31T16:00:00Z"
    assert from_storage("1969-12-31T16:00:00Z") == datetime(1969, 12, 31, 16, tzinfo=UTC)
    with pytest.raises(IssuenoteError, match="year must be between"):
        parse_time("1969-12-31 16:00", now=NOW)  # local 1969 is before 1970


def test_wrong_types_are_programming_errors() -> None:
    with pytest.raises(TypeError):
        parse_time(None, now=NOW)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        parse_time(b"now", now=NOW)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="timezone-aware"):
        parse_time("now", now=datetime(2026, 11, 23, 10, 0))


@given(st.text(max_size=120))
@settings(max_examples=400)
def test_any_text_gives_a_utc_time_or_a_clean_error(text: str) -> None:
    try:
        result = parse_time(text, now=NOW)
    except IssuenoteError as error:
        assert str(error).startswith("bad time '")
    else:
        assert result.tzinfo is UTC and result.microsecond == 0


@given(
    st.lists(
        st.tuples(st.integers(0, 10**15), st.sampled_from(["s", "m", "h", "d", "w", " days"])),
        min_size=1,
        max_size=3,
    ),
    st.sampled_from([" ", "", ", ", " and "]),
)
@settings(max_examples=300)
def test_any_duration_gives_a_time_or_a_clean_error(
    parts: list[tuple[int, str]], separator: str
) -> None:
    text = separator.join(f"{count}{unit}" for count, unit in parts) + " ago"
    try:
        result = parse_time(text, now=NOW)
    except IssuenoteError as error:
        assert "too far" in str(error) or "before 1970" in str(error) or "too long" in str(error)
    else:
        assert result <= NOW


# -- relative forms, exact arithmetic -------------------------------------------

instants = st.datetimes(
    min_value=datetime(1990, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC)
).map(lambda dt: dt.replace(microsecond=0))


@given(now=instants, hours=st.integers(0, 10_000), minutes=st.integers(0, 10_000))
@settings(max_examples=200)
def test_hours_and_minutes_are_exact_elapsed_time(now: datetime, hours: int, minutes: int) -> None:
    with zone("Europe/Berlin"):
        expected = now - timedelta(hours=hours, minutes=minutes)
        assert parse_time(f"{hours}h {minutes}m ago", now=now) == expected
        assert parse_time(f"in {hours} hours", now=now) == now + timedelta(hours=hours)
        assert parse_time(f"{minutes * 60} seconds ago", now=now) == now - timedelta(
            minutes=minutes
        )


@given(now=instants, days=st.integers(0, 3000))
@settings(max_examples=200)
def test_days_ago_keeps_local_wall_clock(now: datetime, days: int) -> None:
    with zone("Europe/Berlin"):
        result = parse_time(f"{days}d ago", now=now)
        wall_now = now.astimezone().replace(tzinfo=None)
        wall_then = result.astimezone().replace(tzinfo=None)
        assert wall_then.date() == wall_now.date() - timedelta(days=days)
        # equal wall clock, unless it fell into the skipped hour (then one hour later)
        assert (wall_then - (wall_now - timedelta(days=days))) in (timedelta(0), timedelta(hours=1))
        assert abs((now - result) - timedelta(days=days)) <= timedelta(hours=1)


# -- storage form ----------------------------------------------------------------

storable = st.datetimes(
    min_value=datetime(1970, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59)
).map(lambda dt: dt.replace(microsecond=0, tzinfo=UTC))


@given(storable)
def test_storage_round_trip(dt: datetime) -> None:
    text = to_storage(dt)
    assert len(text) == 20 and text.endswith("Z") and text[10] == "T"
    assert from_storage(text) == dt
    if dt <= datetime(9999, 12, 30, 10, tzinfo=UTC):
        assert parse_time(text, now=NOW) == dt


@given(storable, storable)
def test_storage_text_sorts_like_time(a: datetime, b: datetime) -> None:
    assert (to_storage(a) < to_storage(b)) == (a < b)


@given(storable, st.sampled_from(["Asia/Shanghai", "Europe/Berlin", "UTC", "America/New_York"]))
@settings(max_examples=200)
def test_local_iso_round_trips_through_parse(dt: datetime, name: str) -> None:
    with zone(name):
        try:
            shown = to_local_iso(dt)
        except OverflowError:  # pragma: no cover - only the last hours of 9999 west of UTC
            return
        if dt.year >= 9999 or dt.year <= 1970:
            return  # local year may leave the accepted 1970..9999 window
        assert parse_time(shown, now=NOW) == dt
        assert parse_time(to_local_iso(dt, ZoneInfo("Asia/Kolkata")), now=NOW) == dt


@given(storable.filter(lambda dt: 1971 <= dt.year <= 9998))
@settings(max_examples=200)
def test_local_wall_text_is_stable_through_parse(dt: datetime) -> None:
    """Reading a displayed local time back shows the same text (a repeated hour maps to the
    first of the two, which displays identically)."""
    with zone("Europe/Berlin"):
        shown = format_local(dt)
        assert format_local(parse_time(shown, now=NOW)) == shown


def test_to_storage_converts_and_truncates() -> None:
    aware = datetime(2026, 11, 20, 14, 3, 7, 999_999, tzinfo=timezone(timedelta(hours=8)))
    assert to_storage(aware) == "2026-11-20T06:03:07Z"
    assert to_storage(datetime(1970, 1, 1, tzinfo=UTC)) == "1970-01-01T00:00:00Z"


def test_to_storage_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        to_storage(datetime(2026, 11, 20, 14, 3))
    with pytest.raises(TypeError):
        to_storage("2026-11-20T06:03:00Z")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-20T06:03:00Z", datetime(2026, 11, 20, 6, 3, tzinfo=UTC)),
        ("2026-11-20T06:03:00+00:00", datetime(2026, 11, 20, 6, 3, tzinfo=UTC)),
        ("2026-11-20T14:03:00+08:00", datetime(2026, 11, 20, 6, 3, tzinfo=UTC)),
        ("2026-11-20T06:03:00.123456Z", datetime(2026, 11, 20, 6, 3, tzinfo=UTC)),
    ],
)
def test_from_storage_reads_canonical_and_offset_forms(text: str, expected: datetime) -> None:
    result = from_storage(text)
    assert result == expected and result.tzinfo is UTC


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-20T06:03:00",  # no offset: zone unknown, refuse
        "2026-11-20 06:03",
        "2026-02-30T06:03:00Z",
        "2026-11-20T25:03:00Z",
        "",
        "garbage",
        "now",
        "2h ago",
        "2026-11-20T06:03:00Z\x00",
    ],
)
def test_from_storage_refuses_anything_else(text: str) -> None:
    with pytest.raises(IssuenoteError, match="bad stored time"):
        from_storage(text)


def test_from_storage_type_error() -> None:
    with pytest.raises(TypeError):
        from_storage(None)  # type: ignore[arg-type]


# -- display -----------------------------------------------------------------------


def test_to_local_iso(shanghai: None) -> None:
    assert to_local_iso("2026-11-20T06:03:00Z") == "2026-11-20T14:03:00+08:00"
    assert to_local_iso(datetime(2026, 11, 20, 6, 3, tzinfo=UTC)) == "2026-11-20T14:03:00+08:00"
    assert to_local_iso("2026-11-20T06:03:00Z", UTC) == "2026-11-20T06:03:00+00:00"
    assert to_local_iso("2026-11-20T06:03:00Z", ZoneInfo("Asia/Seoul")) == (
        "2026-11-20T15:03:00+09:00"
    )
    assert to_local_iso("2026-11-20T06:03:00Z", ZoneInfo("America/New_York")) == (
        "2026-11-20T01:03:00-05:00"
    )
    assert to_local_iso(None) is None


def test_to_local_iso_in_utc_keeps_an_explicit_offset(utc_zone: None) -> None:
    assert to_local_iso("2026-11-20T06:03:00Z") == "2026-11-20T06:03:00+00:00"


def test_format_local(shanghai: None) -> None:
    assert format_local("2026-11-20T06:03:00Z") == "2026-11-20 14:03"
    assert format_local("2026-11-20T06:03:00Z", style="long") == "2026-11-20 14:03 UTC+08:00"
    assert format_local("2026-11-20T06:03:00Z", UTC, style="long") == "2026-11-20 06:03 UTC+00:00"
    assert format_local("2026-11-20T06:03:00Z", ZoneInfo("America/New_York"), style="long") == (
        "2026-11-20 01:03 UTC-05:00"
    )
    assert format_local("2026-11-20T06:03:00Z", ZoneInfo("Asia/Kathmandu"), style="long") == (
        "2026-11-20 11:48 UTC+05:45"
    )
    assert format_local(datetime(2026, 11, 20, 6, 3, 59, tzinfo=UTC)) == "2026-11-20 14:03"
    assert format_local(None) is None


def test_format_local_odd_historic_offset_shows_seconds() -> None:
    # Liberia kept -00:44:30 until 1972.
    text = format_local("1971-06-01T12:00:00Z", ZoneInfo("Africa/Monrovia"), style="long")
    assert text == "1971-06-01 11:15 UTC-00:44:30"


def test_format_local_bad_style() -> None:
    with pytest.raises(ValueError, match="style"):
        format_local("2026-11-20T06:03:00Z", style="medium")  # type: ignore[call-overload]


def test_display_refuses_naive_and_junk() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        to_local_iso(datetime(2026, 11, 20))
    with pytest.raises(TypeError):
        format_local(12345)  # type: ignore[call-overload]
    with pytest.raises(IssuenoteError):
        to_local_iso("yesterday")


def test_local_zone_is_per_instant(berlin: None) -> None:
    assert local_zone(datetime(2026, 1, 1, tzinfo=UTC)).utcoffset(None) == timedelta(hours=1)
    assert local_zone(datetime(2026, 7, 1, tzinfo=UTC)).utcoffset(None) == timedelta(hours=2)
    assert local_zone().utcoffset(None) in (timedelta(hours=1), timedelta(hours=2))


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        (timedelta(0), "0s"),
        (timedelta(milliseconds=400), "0s"),
        (timedelta(seconds=45), "45s"),
        (timedelta(seconds=59), "59s"),
        (timedelta(seconds=60), "1m"),
        (timedelta(minutes=12, seconds=59), "12m"),
        (timedelta(minutes=59, seconds=59), "59m"),
        (timedelta(hours=1), "1h"),
        (timedelta(hours=23, minutes=59), "23h"),
        (timedelta(days=1), "1d"),
        (timedelta(days=3, hours=5), "3d"),
        (timedelta(days=13, hours=23), "13d"),
        (timedelta(days=14), "2w"),
        (timedelta(days=36), "5w"),
        (timedelta(days=364), "52w"),
        (timedelta(days=365), "1y"),
        (timedelta(days=800), "2y"),
    ],
)
def test_humanize_delta(delta: timedelta, expected: str) -> None:
    assert humanize_delta(NOW - delta, NOW) == expected
    future = "0s" if expected == "0s" else f"in {expected}"
    assert humanize_delta(NOW + delta, NOW) == future


def test_humanize_delta_accepts_stored_text() -> None:
    assert humanize_delta("2026-11-20T10:00:00Z", "2026-11-23T10:00:00Z") == "3d"
    assert humanize_delta("2026-11-23T13:00:00Z", NOW) == "in 3h"
    assert humanize_delta(utc_now() - timedelta(hours=2)) == "2h"


# -- import weight ------------------------------------------------------------------


def test_import_stays_light() -> None:
    code = (
        "import sys, issuenote.parse.timeparse;"
        "heavy = {'typer', 'rich', 'sqlite3', 'sqlite_utils', 'keyring', 'dateutil', 'zoneinfo',"
        " 'click', 'cryptography'};"
        "print(sorted(heavy & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def _parsed_the_slow_way(text: str) -> object:
    """from_storage's general path (the parser's ISO pattern), or the error it raises."""
    from issuenote.parse import timeparse

    try:
        match = timeparse._patterns()["iso"].fullmatch(timeparse._clean(text))
        assert match is not None and match["offset"] is not None
        return timeparse._from_iso(match).replace(microsecond=0)
    except timeparse._Refused:
        return "refused"


@settings(max_examples=300, deadline=None)
@given(
    st.integers(1965, 9999),
    st.integers(1, 13),
    st.integers(1, 31),
    st.integers(0, 24),
    st.integers(0, 59),
    st.sampled_from("+-"),
    st.integers(0, 24),
    st.sampled_from([0, 15, 30, 45, 59, 60, 99]),
)
def test_local_iso_times_read_back_as_the_parser_reads_them(
    year: int, month: int, day: int, hour: int, minute: int, sign: str, oh: int, om: int
) -> None:
    """The fast path for `2026-11-20T14:03:00+08:00` (what a case document holds)."""
    text = f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:07{sign}{oh:02d}:{om:02d}"
    from issuenote.parse import timeparse

    expected = _parsed_the_slow_way(text)
    try:
        got: object = timeparse.from_storage(text)
    except IssuenoteError:
        got = "refused"
    assert got == expected, text
