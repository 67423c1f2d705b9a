"""`issuenote due` and `issuenote stats`: what to follow up, and when support answers fastest."""

from __future__ import annotations

import sys
from datetime import datetime
from typing import Annotated, Any

import typer

from issuenote.commands._common import JsonOption, emit_json, notebook_exists, open_store, warn
from issuenote.followup.jsonview import clock_json, promise_json


def due(
    ctx: typer.Context,
    days: Annotated[
        int,
        typer.Option("--days", metavar="N", help="Show upcoming steps and promises N days ahead."),
    ] = 7,
    limit: Annotated[
        int,
        typer.Option(
            "--limit",
            "-n",
            metavar="N",
            min=0,
            help="Show at most N steps overdue, today and upcoming, each (0: all).",
        ),
    ] = 50,
    as_json: JsonOption = False,
) -> None:
    """Open steps and broken promises across cases, overdue first.

    Then due today, then upcoming (the next 7 days unless --days). Each holds
    the first 50 steps (--limit N for more, --limit 0 for all), with a line
    saying how many more there are.

    \b
    Examples:
      issuenote due
      issuenote due --days 14 --json
      issuenote due --limit 0
    """
    from issuenote import actions
    from issuenote.errors import IssuenoteError
    from issuenote.parse import timeparse

    if not 0 <= days <= 3650:
        raise IssuenoteError("--days must be between 0 and 3650")
    if notebook_exists(ctx):
        with open_store(ctx, create=False) as store:
            report = actions.due_report(store, days=days, limit=limit or None)
    else:
        report = {"now": timeparse.utc_now(), "days": days, "overdue": [], "today": []}
        report |= {"upcoming": [], "undated": 0, "promises": [], "escalations": []}
    if as_json:
        emit_json(due_json(report))
        for group, hidden in _hidden(report).items():  # stdout stays one JSON document
            warn(f"{hidden:,} more {group} steps (--limit N shows more, --limit 0 all)")
        return
    for line in due_lines(report, colour=_colour()):
        typer.echo(line)


def _hidden(report: dict[str, Any]) -> dict[str, int]:
    """Steps a group holds beyond those shown, by group (none when all are shown)."""
    hidden = {}
    for group in ("overdue", "today", "upcoming"):
        more = report.get(f"{group}_total", len(report[group])) - len(report[group])
        if more > 0:
            hidden[group] = more
    return hidden


def _colour() -> bool:
    import os

    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def _step_json(step: dict[str, Any], now: datetime) -> dict[str, Any]:
    from issuenote.parse import timeparse

    late = step.get("late_by")
    return {
        "case_id": step["case_id"],
        "case_title": step["title"],
        "platform": step["platform"],
        "entry": step["number"],
        "text": step["text"],
        "private": bool(step["private"]),
        "due": timeparse.to_local_iso(step["due"]) if step["due"] else None,
        "overdue_seconds": int(late.total_seconds()) if late is not None else None,
    }


def due_json(report: dict[str, Any]) -> dict[str, Any]:
    from issuenote.parse import timeparse

    now = report["now"]
    out: dict[str, Any] = {"now": timeparse.to_local_iso(now), "days": report["days"]}
    for group in ("overdue", "today", "upcoming"):
        out[group] = [_step_json(step, now) for step in report[group]]
    out["undated"] = report["undated"]  # how many open steps have no due date
    out["promises"] = [promise_json(p) for p in report["promises"]]
    out["escalations"] = [clock_json(c) for c in report["escalations"]]
    return out


def _heading(text: str, colour: bool) -> str:
    return typer.style(text, bold=True) if colour else text


def due_lines(report: dict[str, Any], *, colour: bool) -> list[str]:
    from issuenote.followup.lines import clock_line, step_line

    now = report["now"]
    lines: list[str] = []
    overdue_promises = [p for p in report["promises"] if p["state"] == "overdue"]
    pending = [p for p in report["promises"] if p["state"] != "overdue"]

    def promise(p: dict[str, Any]) -> str:
        from issuenote.textsafe import printable

        title = printable(p["title"], single_line=True)
        return f"  case {p['case_id']}: {printable(p['line'], single_line=True)}  [{title}]"

    hidden = _hidden(report)

    def steps(group: str) -> list[str]:
        shown = [step_line(s, now) for s in report[group]]
        if group in hidden:
            noun = "step" if hidden[group] == 1 else "steps"
            shown.append(f"  … {hidden[group]:,} more {noun} (--limit N shows more, --limit 0 all)")
        return shown

    sections = (
        ("Overdue", steps("overdue") + [promise(p) for p in overdue_promises]),
        ("Due today", steps("today")),
        (
            f"Upcoming (next {report['days']} days)",
            steps("upcoming") + [promise(p) for p in pending],
        ),
        ("Complaint clock", [clock_line(c, now) for c in report["escalations"]]),
    )
    for title, body in sections:
        if body:
            lines += [_heading(title, colour), *body, ""]
    undated = report["undated"]
    if undated:
        noun = "step has" if undated == 1 else "steps have"
        lines.append(f"{undated} open {noun} no due date (`issuenote show CASE` lists them).")
    if not lines:
        lines.append(
            f"Nothing due in the next {report['days']} days. "
            "Add a step with `issuenote step CASE TEXT --due TIME`."
        )
    while lines and not lines[-1]:
        lines.pop()
    return lines


def stats(
    ctx: typer.Context,
    platform: Annotated[
        str | None,
        typer.Option(
            "--platform", metavar="P", help="Only cases on this platform.", show_default=False
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """How fast support answered you, by platform, channel and hour of the week.

    Every figure says how many data points it rests on; below three it says
    "not enough data".

    \b
    Examples:
      issuenote stats
      issuenote stats --platform OKX --json
    """
    from issuenote import actions
    from issuenote.errors import IssuenoteError

    if not notebook_exists(ctx):
        raise IssuenoteError("no cases yet: stats need contacts and replies to count")
    with open_store(ctx, create=False) as store:
        figures = actions.stats(store, platform=platform)
    if as_json:
        emit_json(figures)
        return
    _print_stats(figures)


# Shades from fastest to slowest; the same characters with or without colour.
_SHADES = (("█", "green"), ("▓", "yellow"), ("▒", "dark_orange"), ("░", "red"))
_CHANNEL_HEADERS = ("Platform", "Channel", "Sent", "Replies", "Median", "p90", "n", "Resolved", "n")


def _print_stats(figures: dict[str, Any]) -> None:
    """Through rich on a terminal; piped, the same lines drawn here, without importing rich."""
    from issuenote.render import stdout_is_terminal

    blocks = _stats_blocks(figures)
    if stdout_is_terminal():
        _print_rich(blocks)
        return
    lines: list[str] = []
    for block in blocks:
        if isinstance(block, str):
            lines.append(block)
        elif isinstance(block, _ChannelTable):
            lines += _plain_channel_table(block)
        else:
            lines += _plain_grid(block)
    sys.stdout.write("".join(line + "\n" for line in lines))


class _ChannelTable:
    """The per-channel figures: one row of cells per platform and channel."""

    def __init__(self, rows: list[tuple[str, ...]]) -> None:
        self.rows = rows


class _WeekGrid:
    """The hours of the week: a shade (or mark) and its style for each weekday and hour."""

    def __init__(self, rows: list[tuple[str, list[tuple[str, str]]]]) -> None:
        self.rows = rows


def _stats_blocks(figures: dict[str, Any]) -> list[str | _ChannelTable | _WeekGrid]:
    """What `stats` shows, in order: lines of text and the two tables."""
    from issuenote.followup.stats import WEEKDAYS, duration_text
    from issuenote.textsafe import printable

    reply, resolution = figures["reply_time"], figures["resolution_time"]
    scope = f" on {printable(figures['platform'])}" if figures["platform"] else ""
    blocks: list[str | _ChannelTable | _WeekGrid] = [
        f"Replies{scope}: median {duration_text(reply['median_seconds'])}, "
        f"p90 {duration_text(reply['p90_seconds'])} ({reply['n']} answered requests). "
        f"First contact to resolution: median {duration_text(resolution['median_seconds'])} "
        f"({resolution['n']} resolved cases)."
    ]

    def cell(seconds: int | None) -> str:
        return "–" if seconds is None else duration_text(seconds)

    rows = []
    for row in figures["channels"]:
        times, solved = row["reply_time"], row["resolution_time"]
        rows.append(
            (
                printable(str(row["platform"]), single_line=True),
                row["channel"],
                str(row["contacts"]),
                str(row["replies"]),
                cell(times["median_seconds"]),
                cell(times["p90_seconds"]),
                str(times["n"]),
                cell(solved["median_seconds"]),
                str(solved["n"]),
            )
        )
    blocks.append(_ChannelTable(rows))
    blocks.append(
        "Median and p90: from a contact to the next reply; Resolved: from the first contact "
        "to resolved or closed; n: data points (– below 3: not enough data)."
    )
    ages = ", ".join(f"{a['age']}: {a['cases']}" for a in figures["open_by_age"])
    blocks += [f"Open cases by age: {ages}", ""]

    week = figures["week"]
    if not week["enough_data"]:
        blocks.append(
            f"Hours of the week: not enough data ({week['n']} answered requests; "
            "at least 10, in two or more hours, are needed to compare hours)."
        )
        return blocks
    rated = sorted(c["median_seconds"] for c in week["cells"] if c["median_seconds"] is not None)
    cuts = [rated[int(len(rated) * q)] for q in (0.25, 0.5, 0.75)]
    cells = {(c["weekday"], c["hour"]): c for c in week["cells"]}
    grid = []
    for day in WEEKDAYS:
        marks = []
        for hour in range(24):
            found = cells.get((day, hour))
            if found is None or found["median_seconds"] is None:
                marks.append(("·" if found is None else "?", "dim"))
                continue
            marks.append(_SHADES[sum(found["median_seconds"] > cut for cut in cuts)])
        grid.append((day, marks))
    blocks.append(f"Reply speed by the hour you wrote (local time; {week['n']} answered requests):")
    blocks.append(_WeekGrid(grid))
    blocks.append("█ fastest quarter  ▓  ▒  ░ slowest  ? one reply only  · none")
    fastest = "; ".join(
        f"{c['weekday']} {c['hour']:02d}:00 (median {duration_text(c['median_seconds'])}, "
        f"{c['n']} replies)"
        for c in week["fastest"]
    )
    blocks.append(f"Fastest: {fastest}")
    return blocks


def _hour_header(hour: int) -> str:
    """Every sixth hour in full, the others by their first digit: the grid stays narrow."""
    return f"{hour:02d}" if hour % 6 == 0 else f"{hour:02d}"[0]


def _print_rich(blocks: list[str | _ChannelTable | _WeekGrid]) -> None:
    from rich.table import Table
    from rich.text import Text

    from issuenote import render

    out = render.console()
    for block in blocks:
        if isinstance(block, str):
            out.print(block, markup=False, emoji=False)
        elif isinstance(block, _ChannelTable):
            table = Table(show_edge=False)
            for number, column in enumerate(_CHANNEL_HEADERS):
                table.add_column(column, no_wrap=True, justify="left" if number < 2 else "right")
            for row in block.rows:
                table.add_row(Text(row[0]), *row[1:])
            out.print(table)
        else:
            grid = Table(show_edge=False, box=None, pad_edge=False, padding=0)
            grid.add_column("", no_wrap=True)
            for hour in range(24):
                grid.add_column(_hour_header(hour), no_wrap=True)
            for day, marks in block.rows:
                grid.add_row(Text(f"{day} "), *(Text(mark, style=style) for mark, style in marks))
            out.print(grid)


def _plain_channel_table(table: _ChannelTable) -> list[str]:
    """rich's table (heavy head, no outer edge) as plain lines, never cut to a width."""
    from issuenote.textsafe import cell_width

    rows = [_CHANNEL_HEADERS, *table.rows]
    widths = [
        max(cell_width(row[column]) for row in rows) for column in range(len(_CHANNEL_HEADERS))
    ]

    def line(cells: tuple[str, ...], bar: str) -> str:
        parts = []
        for column, (text, width) in enumerate(zip(cells, widths, strict=True)):
            padding = " " * (width - cell_width(text))
            parts.append(f" {text}{padding} " if column < 2 else f" {padding}{text} ")
        return bar.join(parts)

    rule = "╇".join("━" * (width + 2) for width in widths)
    return [line(_CHANNEL_HEADERS, "┃"), rule, *(line(row, "│") for row in table.rows)]


def _plain_grid(grid: _WeekGrid) -> list[str]:
    """The week grid as rich lays it out with no box and no padding."""
    headers = [_hour_header(hour) for hour in range(24)]
    first = max(len(f"{day} ") for day, _ in grid.rows)
    lines = [" " * first + "".join(headers)]
    for day, marks in grid.rows:
        cells = (mark.ljust(len(header)) for (mark, _), header in zip(marks, headers, strict=True))
        lines.append(f"{day} ".ljust(first) + "".join(cells))
    return lines
