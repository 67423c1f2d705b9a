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


def reply_waits(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each answered request: from the first contact after the last reply to the next reply.

    A run of contacts before one reply counts once, from its first contact (the
    follow-ups were nudges while waiting); the wait belongs to that contact's
    channel and platform, and to the local hour of the week it was sent.
    """
    waits = []
    asked: dict[str, Any] | None = None
    case = None
    for row in rows:
        if row["case_id"] != case:
            case, asked = row["case_id"], None
        if row["kind"] in ("contact", "escalation"):
            asked = asked or row
        elif row["kind"] == "reply" and asked is not None:
            sent = timeparse.from_storage(asked["at"])
            answered = timeparse.from_storage(row["at"])
            local = sent.astimezone(timeparse.local_zone(sent))
            waits.append(
                {
                    "platform": asked["platform"],
                    "channel": asked["channel"] or "other",
                    "seconds": (answered - sent).total_seconds(),
                    "weekday": local.weekday(),
                    "hour": local.hour,
                }
            )
            asked = None
    return waits


def resolution_times(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Cases resolved or closed after a first contact: how long that took."""
    firsts: dict[int, dict[str, Any]] = {}
    done: list[dict[str, Any]] = []
    finished: set[int] = set()
    for row in rows:
        number = row["case_id"]
        if row["kind"] in ("contact", "reply", "escalation") and number not in firsts:
            firsts[number] = row
        elif (
            row["kind"] == "status"
            and row["new_status"] in FINISHED
            and number in firsts
            and number not in finished
        ):
            start = timeparse.from_storage(firsts[number]["at"])
            end = timeparse.from_storage(row["at"])
            done.append(
                {
                    "platform": firsts[number]["platform"],
                    "channel": firsts[number]["channel"] or "other",
                    "seconds": (end - start).total_seconds(),
                }
            )
            finished.add(number)
    return done


def compute(
    rows: list[dict[str, Any]], open_cases: list[dict[str, Any]], now: datetime
) -> dict[str, Any]:
    """Every figure `issuenote stats` shows, with its data-point count."""
    waits = reply_waits(rows)
    resolutions = resolution_times(rows)
    channels: dict[tuple[str, str], dict[str, Any]] = defaultdict(
        lambda: {"contacts": 0, "replies": 0, "waits": []}
    )
    for row in rows:
        key = (row["platform"] or "(no platform)", row["channel"] or "other")
        if row["kind"] == "contact":
            channels[key]["contacts"] += 1
        elif row["kind"] == "reply":
            channels[key]["replies"] += 1
    for wait in waits:
        channels[(wait["platform"] or "(no platform)", wait["channel"])]["waits"].append(
            wait["seconds"]
        )
    resolution_by: dict[tuple[str, str], list[float]] = defaultdict(list)
    for item in resolutions:
        resolution_by[(item["platform"] or "(no platform)", item["channel"])].append(
            item["seconds"]
        )
    table = []
    for (platform, channel), figures in sorted(channels.items()):
        table.append(
            {
                "platform": platform,
                "channel": channel,
                "contacts": figures["contacts"],
                "replies": figures["replies"],
                "reply_time": summary(figures["waits"]),
                "resolution_time": summary(resolution_by.get((platform, channel), [])),
            }
        )
    return {
        "channels": table,
        "reply_time": summary([w["seconds"] for w in waits]),
        "resolution_time": summary([r["seconds"] for r in resolutions]),
        "open_by_age": open_by_age(open_cases, now),
        "week": week_grid(waits),
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


def week_grid(waits: list[dict[str, Any]]) -> dict[str, Any]:
    """Median reply time per local (weekday, hour) cell, and the fastest cells."""
    cells: dict[tuple[int, int], list[float]] = defaultdict(list)
    for wait in waits:
        cells[(wait["weekday"], wait["hour"])].append(wait["seconds"])
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
