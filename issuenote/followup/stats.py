"""What the user's own history says: how fast support answers, by channel and by hour.

Counts, medians and a 7x24 grid, each figure with the number of data points
it rests on. Below MIN_POINTS a figure is None ("not enough data"), never a
pattern invented from one or two replies.

Two ways to the same figures. `from_aggregates` reads what m011's triggers
keep (totals, and durations picked at a rank off an index): what `stats`
runs, the same at 100 cases or 10,000. `compute` is the definition: one pass
over every row `Store.contact_rows` returns; the tests and `doctor` hold the
aggregates to it.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from issuenote.parse import timeparse

if TYPE_CHECKING:
    from issuenote.store import Store

MIN_POINTS = 3  # fewer data points than this: "not enough data"
MIN_CELL_POINTS = 2  # a cell of the week grid needs this many replies to be shaded
MIN_GRID_POINTS = 10  # and the grid as a whole this many, to name the fastest hours
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
AGE_BUCKETS = (("under 1 day", 1), ("1-7 days", 7), ("1-4 weeks", 28), ("over 4 weeks", None))
FINISHED = ("resolved", "closed")


def summary(seconds: list[float]) -> dict[str, Any]:
    """Median and p90 (nearest rank) of durations, or None below MIN_POINTS; always n."""
    n = len(seconds)
    if n < MIN_POINTS:
        return {"n": n, "median_seconds": None, "p90_seconds": None}
    ordered = sorted(seconds)
    p90 = ordered[max(0, math.ceil(0.9 * n) - 1)]
    return {"n": n, "median_seconds": int(_median(ordered)), "p90_seconds": int(p90)}


def reply_waits(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Each answered request: from the first contact after the last reply to the next reply.

    A run of contacts before one reply counts once, from its first contact (the
    follow-ups were nudges while waiting); the wait belongs to that contact's
    channel and platform, and to the local hour of the week it was sent.
    """
    history = _History()
    for row in rows:
        history.add(row)
    return [
        {"platform": p, "channel": c, "seconds": s, "weekday": d, "hour": h}
        for p, c, s, d, h in history.waits
    ]


class _History:
    """One pass over the rows, oldest first per case, keeping only what the figures need.

    The rows are read as they come from the database, never held: at 10,000
    cases a notebook has over half a million of them.
    """

    def __init__(self) -> None:
        self.case: Any = None
        self.asked: tuple[str, str, str] | None = None  # (at, platform, channel)
        self.first: tuple[str, str, str] | None = None  # the case's first contact or reply
        self.finished = False
        # (platform, channel, seconds, local weekday, local hour)
        self.waits: list[tuple[str, str, float, int, int]] = []
        self.resolutions: list[tuple[str, str, float]] = []  # (platform, channel, seconds)
        self.counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
        # Each row brings its own copy of the platform and channel: keep one of each.
        self.names: dict[str, str] = {}

    def add(self, row: Mapping[str, Any]) -> None:
        kind, at = row["kind"], row["at"]
        platform, channel = row["platform"], row["channel"]
        if platform is not None:
            platform = self.names.setdefault(platform, platform)
        if channel is not None:
            channel = self.names.setdefault(channel, channel)
        if row["case_id"] != self.case:
            self.case, self.asked, self.first, self.finished = row["case_id"], None, None, False
        if kind == "contact":
            self.counts[(platform or "(no platform)", channel or "other")][0] += 1
        elif kind == "reply":
            self.counts[(platform or "(no platform)", channel or "other")][1] += 1
        if kind in ("contact", "escalation"):
            self.asked = self.asked or (at, platform, channel or "other")
        elif kind == "reply" and self.asked is not None:
            sent = timeparse.from_storage(self.asked[0])
            local = sent.astimezone(timeparse.local_zone(sent))
            seconds = (timeparse.from_storage(at) - sent).total_seconds()
            self.waits.append((self.asked[1], self.asked[2], seconds, local.weekday(), local.hour))
            self.asked = None
        if kind in ("contact", "reply", "escalation"):
            self.first = self.first or (at, platform, channel or "other")
        elif (
            kind == "status"
            and row["new_status"] in FINISHED
            and self.first is not None
            and not self.finished
        ):
            start, platform, channel = self.first
            seconds = (timeparse.from_storage(at) - timeparse.from_storage(start)).total_seconds()
            self.resolutions.append((platform, channel, seconds))
            self.finished = True


def compute(
    rows: Iterable[Mapping[str, Any]], open_cases: list[dict[str, Any]], now: datetime
) -> dict[str, Any]:
    """Every figure `issuenote stats` shows, with its data-point count (one pass over rows)."""
    history = _History()
    for row in rows:
        history.add(row)
    channels: dict[tuple[str, str], list[float]] = defaultdict(list)
    for platform, channel, seconds, _, _ in history.waits:
        channels[(platform or "(no platform)", channel)].append(seconds)
    resolution_by: dict[tuple[str, str], list[float]] = defaultdict(list)
    for platform, channel, seconds in history.resolutions:
        resolution_by[(platform or "(no platform)", channel)].append(seconds)
    keys = set(history.counts) | set(channels)
    table = []
    for platform, channel in sorted(keys):
        contacts, replies = history.counts.get((platform, channel), (0, 0))
        table.append(
            {
                "platform": platform,
                "channel": channel,
                "contacts": contacts,
                "replies": replies,
                "reply_time": summary(channels.get((platform, channel), [])),
                "resolution_time": summary(resolution_by.get((platform, channel), [])),
            }
        )
    return {
        "channels": table,
        "reply_time": summary([wait[2] for wait in history.waits]),
        "resolution_time": summary([item[2] for item in history.resolutions]),
        "open_by_age": open_by_age(open_cases, now),
        "week": week_grid(history.waits),
    }


def from_aggregates(store: Store, now: datetime, platform: str | None = None) -> dict[str, Any]:
    """What `compute` gives over the same notebook, from the stats_* tables alone."""
    groups: dict[tuple[str, str], list[Any]] = {}
    waits = resolved = 0
    for row in store.stats_totals(platform=platform):
        key, channel, contacts, replies, answered, solved = tuple(row)
        waits, resolved = waits + answered, resolved + solved
        group = groups.setdefault((key or "(no platform)", channel), [0, 0, 0, 0, []])
        for index, value in enumerate((contacts, replies, answered, solved)):
            group[index] += value
        group[4].append(key)
    table = []
    for (shown, channel), (contacts, replies, answered, solved, keys) in sorted(groups.items()):
        if not (contacts or replies or answered):
            continue  # a channel only a resolution names is not a row (as in compute)
        scope = {"platforms": tuple(keys), "channel": channel}
        table.append(
            {
                "platform": shown,
                "channel": channel,
                "contacts": contacts,
                "replies": replies,
                "reply_time": _ranked_summary(store, "waits", answered, scope),
                "resolution_time": _ranked_summary(store, "resolutions", solved, scope),
            }
        )
    overall = {"platform": platform}
    return {
        "channels": table,
        "reply_time": _ranked_summary(store, "waits", waits, overall),
        "resolution_time": _ranked_summary(store, "resolutions", resolved, overall),
        "open_by_age": _stored_ages(store, now, platform),
        "week": _stored_week(store, waits, platform),
    }


def _stored_ages(store: Store, now: datetime, platform: str | None) -> list[dict[str, Any]]:
    """open_by_age's buckets, counted by SQLite: created after now - N days is younger."""
    since = [(now - timedelta(days=days)).timestamp() for _, days in AGE_BUCKETS if days]
    counts = store.unfinished_by_age(since, platform=platform)
    return [
        {"age": label, "cases": count}
        for (label, _), count in zip(AGE_BUCKETS, counts, strict=True)
    ]


def _ranked_summary(store: Store, what: str, n: int, scope: dict[str, Any]) -> dict[str, Any]:
    """`summary` of n stored durations, reading only the ones at the median and p90 ranks."""
    if n < MIN_POINTS:
        return {"n": n, "median_seconds": None, "p90_seconds": None}
    middle = store.stats_ranked(what, (n - 1) // 2, 2 - n % 2, **scope)
    (p90,) = store.stats_ranked(what, max(0, math.ceil(0.9 * n) - 1), 1, **scope)
    return {"n": n, "median_seconds": int(_middle(middle)), "p90_seconds": int(p90)}


def _median(ordered: list[float]) -> float:
    """statistics.median of sorted values (that module costs 5 ms to import on every stats)."""
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _middle(values: list[int]) -> float:
    """The median of the one or two middle values, as statistics.median gives it."""
    return values[0] if len(values) == 1 else (values[0] + values[1]) / 2


def _stored_week(store: Store, n: int, platform: str | None) -> dict[str, Any]:
    """week_grid's figures: off the stored hours when they were taken in this zone."""
    stored = store.stats_offsets()
    if not stored:
        return _week([], n)
    first = min(row[1] for row in stored)
    last = max(row[2] for row in stored)
    offsets = _offsets(first, last)
    ends = [start for start, _ in offsets[1:]] + [last + 1]
    foreign = any(
        store.stats_offset_between(kept, start, end)
        for kept, _, _ in stored
        for (start, offset), end in zip(offsets, ends, strict=True)
        if kept != offset
    )
    cells: dict[int, list[int]] = {}
    if foreign:  # written in another zone: each request's hour afresh, in one pass
        for cell, count, rank, seconds in store.stats_week(offsets, platform=platform):
            values = cells.setdefault(cell, [count])
            if rank in ((count + 1) // 2, count // 2 + 1):
                values.append(seconds)
    else:
        for cell, count in store.stats_hours(platform=platform).items():
            middle = []
            if count >= MIN_CELL_POINTS:
                scope = {"platform": platform, "channel": cell}
                middle = store.stats_ranked("cells", (count - 1) // 2, 2 - count % 2, **scope)
            cells[cell] = [count, *middle]
    grid = [
        {
            "weekday": WEEKDAYS[cell // 24],
            "hour": cell % 24,
            "n": values[0],
            "median_seconds": int(_middle(values[1:])) if values[0] >= MIN_CELL_POINTS else None,
        }
        for cell, values in sorted(cells.items())
    ]
    return _week(grid, n)


def _offsets(first: int, last: int) -> list[tuple[int, int]]:
    """The local zone's UTC offsets from `first` to `last` (Unix times): (since, offset).

    What `astimezone()` uses (the C library's zone, TZ or the configured one),
    sampled daily with each change found to the second: a zone that changed
    and changed back within one day would be missed; none has.
    """
    import time

    def offset(moment: int) -> int:
        return time.localtime(moment).tm_gmtoff

    found = [(first, offset(first))]
    moment = first
    while moment < last:
        step = min(86_400, last - moment)
        later = offset(moment + step)
        if later != found[-1][1]:
            low, high = moment, moment + step  # offset(low) is the old one, high the new
            while high - low > 1:
                mid = (low + high) // 2
                low, high = (mid, high) if offset(mid) == found[-1][1] else (low, mid)
            found.append((high, later))
        moment += step
    return found


def open_by_age(open_cases: list[dict[str, Any]], now: datetime) -> list[dict[str, Any]]:
    counts = {label: 0 for label, _ in AGE_BUCKETS}
    for case in open_cases:
        age = now - timeparse.from_storage(case["created_at"])
        for label, days in AGE_BUCKETS:
            if days is None or age < timedelta(days=days):
                counts[label] += 1
                break
    return [{"age": label, "cases": count} for label, count in counts.items()]


def week_grid(waits: list[tuple[str, str, float, int, int]]) -> dict[str, Any]:
    """Median reply time per local (weekday, hour) cell, and the fastest cells."""
    cells: dict[tuple[int, int], list[float]] = defaultdict(list)
    for _, _, seconds, weekday, hour in waits:
        cells[(weekday, hour)].append(seconds)
    grid = [
        {
            "weekday": WEEKDAYS[day],
            "hour": hour,
            "n": len(values),
            "median_seconds": int(_median(sorted(values)))
            if len(values) >= MIN_CELL_POINTS
            else None,
        }
        for (day, hour), values in sorted(cells.items())
    ]
    return _week(grid, len(waits))


def _week(grid: list[dict[str, Any]], n: int) -> dict[str, Any]:
    rated = [cell for cell in grid if cell["median_seconds"] is not None]
    enough = n >= MIN_GRID_POINTS and len(rated) >= 2
    fastest = sorted(rated, key=lambda c: (c["median_seconds"], -c["n"]))[:3] if enough else []
    return {"n": n, "enough_data": enough, "cells": grid, "fastest": fastest}


def duration_text(seconds: int | None) -> str:
    """'4m', '2h 05m', '3d 4h' — or 'not enough data'."""
    if seconds is None:
        return "not enough data"
    if seconds < 3600:
        return f"{max(1, seconds // 60)}m" if seconds >= 60 else f"{seconds}s"
    if seconds < 86400:
        return f"{seconds // 3600}h {seconds % 3600 // 60:02d}m"
    return f"{seconds // 86400}d {seconds % 86400 // 3600}h"
