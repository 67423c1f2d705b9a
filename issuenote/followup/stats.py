"""What the user's own history says: how fast support answers, by channel and by hour.

Pure: takes the rows `Store.contact_rows` returns (storage UTC times) and
computes counts, medians and a 7x24 grid, each figure with the number of data
points it rests on. Below MIN_POINTS a figure is None ("not enough data"),
never a pattern invented from one or two replies.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from issuenote.parse import timeparse

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
    return {"n": n, "median_seconds": int(statistics.median(ordered)), "p90_seconds": int(p90)}


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
            "median_seconds": int(statistics.median(values))
            if len(values) >= MIN_CELL_POINTS
            else None,
        }
        for (day, hour), values in sorted(cells.items())
    ]
    rated = [cell for cell in grid if cell["median_seconds"] is not None]
    enough = len(waits) >= MIN_GRID_POINTS and len(rated) >= 2
    fastest = sorted(rated, key=lambda c: (c["median_seconds"], -c["n"]))[:3] if enough else []
    return {"n": len(waits), "enough_data": enough, "cells": grid, "fastest": fastest}


def duration_text(seconds: int | None) -> str:
    """'4m', '2h 05m', '3d 4h' — or 'not enough data'."""
    if seconds is None:
        return "not enough data"
    if seconds < 3600:
        return f"{max(1, seconds // 60)}m" if seconds >= 60 else f"{seconds}s"
    if seconds < 86400:
        return f"{seconds // 3600}h {seconds % 3600 // 60:02d}m"
    return f"{seconds // 86400}d {seconds % 86400 // 3600}h"
