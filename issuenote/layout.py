"""The `list` table as cells and columns, without rich: what fits, and plain text.

Pure: no terminal, no database. `cells` turns case rows into display strings,
`fit` chooses the columns a width can hold (the title keeps the room, other
columns go as the screen narrows), `plain_lines` aligns them for a pipe: the
title is the last column, so no line is padded or wrapped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from issuenote.parse import timeparse
from issuenote.textsafe import cell_width, printable

TITLE_MIN = 30  # below this a title is no longer readable: drop other columns first
GAP = 2


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    right: bool = False


# In the order they are shown; the title last, so it can take the rest of the line.
COLUMNS = (
    Column("id", "#", right=True),
    Column("status", "Status"),
    Column("platform", "Platform"),
    Column("age", "Age", right=True),
    Column("active", "Active", right=True),
    Column("steps", "Steps"),
    Column("title", "Title"),
)
# Which columns go first as the width shrinks (id, status, active and title stay).
DROP_ORDER = ("age", "platform", "steps")
# Shorter forms used before a column is dropped.
SHORT_STATUS = {"escalated": "escal.", "resolved": "resolv."}


def _ago(delta: str) -> str:
    return delta if delta.startswith("in ") else f"{delta} ago"


def cells(case: dict[str, Any], now: datetime, *, compact: bool = False) -> dict[str, str]:
    """One case row as display strings, made harmless for a terminal.

    compact: the next due step as a distance ('next in 3d') rather than a date,
    for a terminal's limited width.
    """
    started = timeparse.parse_time(case["occurred_at"] or case["created_at"])
    last = timeparse.parse_time(case["last_activity"])
    steps = str(case["open_steps"]) if case["open_steps"] else "–"
    if case["next_due"]:
        due = timeparse.parse_time(case["next_due"])
        if due < now:
            steps += f" overdue {timeparse.humanize_delta(due, now)}"
        else:
            when = timeparse.humanize_delta(due, now) if compact else timeparse.format_local(due)
            steps += f" next {when}"
    title = case["title"]
    if case["tags"]:
        title += "  " + " ".join(f"#{tag}" for tag in case["tags"])
    return {
        "id": str(case["id"]),
        "status": case["status"],
        "platform": printable(case["platform"] or "", single_line=True),
        "age": timeparse.humanize_delta(started, now),
        "active": _ago(timeparse.humanize_delta(last, now)),
        "steps": steps,
        "title": printable(title, single_line=True),
    }


def widths(rows: list[dict[str, str]], columns: tuple[Column, ...]) -> dict[str, int]:
    return {
        column.key: max([cell_width(column.header), *(cell_width(row[column.key]) for row in rows)])
        for column in columns
    }


def fit(rows: list[dict[str, str]], width: int) -> tuple[tuple[Column, ...], dict[str, int]]:
    """The columns that leave the title at least TITLE_MIN cells of `width`, and their widths.

    Statuses are abbreviated, then Age, Platform and Steps dropped, in that
    order, until the title has room; id, status, activity and title always stay.
    """
    columns = COLUMNS
    sizes = widths(rows, columns)

    def title_room(chosen: tuple[Column, ...], sizes: dict[str, int]) -> int:
        others = [sizes[c.key] for c in chosen if c.key != "title"]
        return width - sum(others) - GAP * (len(chosen) - 1)

    for key in (None, *DROP_ORDER):
        if key == "platform":  # before dropping a column, try the short statuses
            for row in rows:
                row["status"] = SHORT_STATUS.get(row["status"], row["status"])
            sizes = widths(rows, columns)
            if title_room(columns, sizes) >= TITLE_MIN:
                break
        if key is not None:
            columns = tuple(c for c in columns if c.key != key)
        if title_room(columns, sizes) >= TITLE_MIN:
            break
    sizes["title"] = max(1, min(sizes["title"], title_room(columns, sizes)))
    return columns, sizes


def pad(text: str, size: int, *, right: bool) -> str:
    space = " " * max(0, size - cell_width(text))
    return space + text if right else text + space


def plain_lines(rows: list[dict[str, str]]) -> list[str]:
    """Every column, aligned, for a pipe: nothing cut, no trailing spaces."""
    sizes = widths(rows, COLUMNS)
    lines = []
    for row in [{c.key: c.header for c in COLUMNS}, *rows]:
        parts = [
            row[c.key] if c.key == "title" else pad(row[c.key], sizes[c.key], right=c.right)
            for c in COLUMNS
        ]
        lines.append((" " * GAP).join(parts).rstrip())
    return lines


def more_line(shown: int, total: int) -> str | None:
    """The line under a list cut short by its limit, or None when everything is shown."""
    hidden = total - shown
    if hidden <= 0:
        return None
    noun = "case" if hidden == 1 else "cases"
    return f"… {hidden:,} more {noun} (--limit N shows more, --limit 0 all)"
