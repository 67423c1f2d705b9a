"""Rich rendering of cases for people: `show` and `list`.

Every user string goes through `textsafe.printable` and into `rich.text.Text`
(never markup), so stored escape sequences or `[bold]` in a note stay inert.
rich is imported here only, and only by the commands that draw tables.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rich.console import Console, Group
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from issuenote.parse import timeparse
from issuenote.textsafe import printable

SHOW_TEXT_LIMIT = 600
STATUS_STYLE = {
    "open": "bold cyan",
    "waiting": "bold yellow",
    "escalated": "bold magenta",
    "resolved": "bold green",
    "closed": "dim",
}
KIND_STYLE = {
    "note": "",
    "contact": "cyan",
    "reply": "green",
    "step": "yellow",
    "escalation": "magenta",
    "status": "blue",
}


def console() -> Console:
    """A console for people; piped or redirected, it never wraps a line.

    highlight=False: no guessing at numbers/URLs inside user text. Off a
    terminal, soft_wrap keeps every printed line whole, so a hash, an address
    or a phrase a script greps for is never split by an assumed width.
    """
    out = Console(highlight=False)
    if not out.is_terminal:
        out.soft_wrap = True
    return out


def plain(value: Any) -> Text:
    """One line of user text, made harmless for the terminal."""
    return _t(value, single_line=True)


def plain_block(value: str) -> Text:
    """Several lines of text, made harmless, kept as they are."""
    return _t(value)


def _t(value: Any, style: str = "", *, limit: int | None = None, single_line: bool = False) -> Text:
    if value is None:
        return Text("")
    text = printable(str(value), single_line=single_line)
    if limit is not None and len(text) > limit:
        hidden = len(text) - limit
        return Text(text[:limit], style=style) + Text(
            f" … ({hidden:,} more characters)", style="dim"
        )
    return Text(text, style=style)


def _when(value: str | None) -> str:
    return "" if value is None else timeparse.format_local(value)


def _ago(delta: str) -> str:
    """'3d' -> '3d ago'; a future delta ('in 3h', a clock set ahead) stays as it is."""
    return delta if delta.startswith("in ") else f"{delta} ago"


def _due(step: dict[str, Any], now: datetime) -> Text:
    if step["due"] is None:
        return Text("no due date", style="dim")
    due = timeparse.parse_time(step["due"])
    label = timeparse.format_local(step["due"])
    if step["done_at"] is None and due < now:
        return Text(f"{label}  OVERDUE {timeparse.humanize_delta(due, now)}", style="bold red")
    return Text(f"{label} ({timeparse.humanize_delta(due, now)})")


def case_view(
    doc: dict[str, Any], *, full: bool = False, now: datetime | None = None, flat: bool = False
) -> Group:
    """Header, timeline, transactions and open steps of one case.

    flat: for a console that never wraps (piped output), where the timeline
    can be one indented text instead of a renderable per entry (the same
    output, laid out in a fraction of the time for a long case).
    """
    now = now or timeparse.utc_now()
    limit = None if full else SHOW_TEXT_LIMIT
    parts: list[Any] = []

    title = Text(f"Case {doc['id']}  ", style="bold") + _t(doc["title"], "bold", single_line=True)
    parts.append(title)

    facts = Text()
    status = doc["status"]
    facts.append(status.upper(), style=STATUS_STYLE.get(status, ""))
    for value in (doc["platform"], doc["category"]):
        if value:
            facts.append("  ·  ")
            facts.append_text(_t(value, single_line=True))
    started = doc["occurred_at"] or doc["created_at"]
    age = timeparse.humanize_delta(timeparse.parse_time(started), now)
    facts.append(f"  ·  since {_when(started)} ({_ago(age)})")
    parts.append(facts)

    header = Table.grid(padding=(0, 2))
    header.add_column(style="bold")
    header.add_column()
    if doc.get("account"):
        header.add_row("Account", _t(doc["account"], single_line=True))
    if doc["tags"]:
        header.add_row("Tags", _t(", ".join(doc["tags"]), single_line=True))
    tickets = ", ".join(t["ticket"] for t in doc["tickets"])
    header.add_row("Tickets", _t(tickets or "none yet", "" if tickets else "dim", single_line=True))
    agents = ", ".join(
        " ".join(p for p in (a["name"], f"({a['agent_id']})" if a["agent_id"] else None) if p)
        for a in doc["agents"]
    )
    header.add_row("Agents", _t(agents or "none yet", "" if agents else "dim", single_line=True))
    header.add_row("Updated", _t(f"{_when(doc['updated_at'])}"))
    parts.append(header)
    for problem in doc.get("unreadable", []):
        parts.append(_t(f"cannot decrypt {problem}", "bold red"))
    if doc["description"]:
        parts.append(Text(""))
        parts.append(_t(doc["description"], limit=limit))

    parts.append(Text(""))
    if doc["entries"]:
        parts.append(timeline_view(doc["entries"], limit=limit, flat=flat))
    else:
        parts.append(
            Text("No timeline entries yet: `issuenote note CASE TEXT` adds one.", style="dim")
        )

    if doc["transactions"]:
        parts.append(Text(""))
        parts.append(transactions_view(doc["transactions"]))

    if doc["open_steps"]:
        parts.append(Text(""))
        steps = Table(title="Next steps", title_justify="left", title_style="bold", show_edge=False)
        steps.add_column("#", justify="right")
        steps.add_column("Step", overflow="fold")
        steps.add_column("Due", no_wrap=True)
        for step in doc["open_steps"]:
            steps.add_row(str(step["id"]), _t(step["text"], limit=limit), _due(step, now))
        parts.append(steps)
    return Group(*parts)


def timeline_view(entries: list[dict[str, Any]], *, limit: int | None, flat: bool = False) -> Group:
    """One block per entry: a facts line, then the text indented under it.

    A log reads better than a wide table on an 80-column terminal, and long
    IDs and pasted text are never folded into a narrow column. With `flat`
    (nothing will be wrapped) the indentation is written into one Text.
    """
    blocks: list[Any] = [Text("Timeline", style="bold")]
    if flat:
        whole = Text("\n").join(line for entry in entries for line in _entry_lines(entry, limit))
        return Group(blocks[0], whole)
    for entry in entries:
        blocks.append(_facts_line(entry))
        body = _entry_text(entry, limit)
        if len(body):
            blocks.append(Padding(body, (0, 0, 0, 6), expand=False))
    return Group(*blocks)


def _facts_line(entry: dict[str, Any]) -> Text:
    line = Text(f"{entry['id']:>4}  ", style="bold")
    line.append(_when(entry["at"]))
    line.append("  ")
    line.append(entry["kind"], style=KIND_STYLE.get(entry["kind"], "") or "bold")
    facts = [entry["channel"]]
    agent = " ".join(
        p for p in (entry["agent"], f"({entry['agent_id']})" if entry["agent_id"] else None) if p
    )
    facts.append(agent or None)
    facts.append(f"ticket {entry['ticket']}" if entry["ticket"] else None)
    for fact in facts:
        if fact:
            line.append(" · ")
            line.append_text(_t(fact, single_line=True))
    return line


def _entry_lines(entry: dict[str, Any], limit: int | None) -> list[Text]:
    """An entry's facts line, then its text's lines indented by six spaces."""
    lines = [_facts_line(entry)]
    body = _entry_text(entry, limit)
    if len(body):
        lines += [Text("      ") + line for line in body.split("\n")]
    return lines


def _entry_text(entry: dict[str, Any], limit: int | None) -> Text:
    text = Text()
    if entry["flags"]:
        text.append("⚠ " + ", ".join(entry["flags"]) + "\n", style="bold red")
        for warning in entry["warnings"]:
            text.append_text(_t(warning, "red"))
            text.append("\n")
    if entry["private"]:
        text.append("[private] ", style="dim")
    text.append_text(_t(entry["text"], limit=limit))
    extras = []
    if entry["via"]:
        extras.append(("via ", entry["via"]))
    if entry["suggests"]:
        extras.append(("suggests: ", entry["suggests"]))
    if entry["escalated_to"]:
        extras.append(("to ", entry["escalated_to"]))
    if entry["new_status"]:
        extras.append(("status → ", entry["new_status"]))
    if entry["kind"] == "step":
        if entry["done_at"]:
            extras.append(("done ", _when(entry["done_at"])))
        elif entry["due"]:
            extras.append(("due ", _when(entry["due"])))
    for label, value in extras:
        if len(text):
            text.append("\n")
        text.append(label, style="dim")
        text.append_text(_t(value, limit=limit))
    return text


def transactions_view(transactions: list[dict[str, Any]]) -> Group:
    from decimal import Decimal

    from issuenote.parse.amounts import format_amount_grouped

    blocks: list[Any] = [Text("Transactions", style="bold")]
    for tx in transactions:
        line = Text(f"{tx['id']:>4}  ", style="bold")
        facts = [tx["kind"]]
        if tx["amount"]:
            facts.append(
                format_amount_grouped(Decimal(tx["amount"]))
                + (f" {tx['asset']}" if tx["asset"] else "")
            )
        elif tx["asset"]:
            facts.append(tx["asset"])
        facts.append(tx["chain"] or "exchange order ID")
        facts.append(_when(tx["at"]) if tx["at"] else None)
        line.append_text(_t(" · ".join(f for f in facts if f), single_line=True))
        blocks.append(line)
        detail = _t(tx["txid"], "cyan", single_line=True)
        if tx["explorer_url"]:
            detail.append("\n")
            detail.append_text(_t(tx["explorer_url"], "dim", single_line=True))
        blocks.append(Padding(detail, (0, 0, 0, 6), expand=False))
    return Group(*blocks)


def cases_lines(
    cases: list[dict[str, Any]], *, width: int, now: datetime | None = None
) -> list[Text]:
    """The `list` table for a terminal of `width` cells: one line per case, never wrapped.

    Columns are chosen by `layout.fit` (the title keeps the room); a title
    longer than its room ends in an ellipsis. Only the rows passed in are laid
    out, which is what keeps `list` fast on a big notebook.
    """
    from issuenote import layout

    now = now or timeparse.utc_now()
    rows = [layout.cells(case, now, compact=True) for case in cases]
    statuses = [case["status"] for case in cases]
    columns, sizes = layout.fit(rows, width)
    header = Text()
    for index, column in enumerate(columns):
        if index:
            header.append(" " * layout.GAP)
        size = 0 if column.key == "title" else sizes[column.key]
        header.append(layout.pad(column.header, size, right=column.right), style="bold")
    lines = [header]
    for row, status in zip(rows, statuses, strict=True):
        line = Text()
        for index, column in enumerate(columns):
            if index:
                line.append(" " * layout.GAP)
            value = row[column.key]
            if column.key == "title":
                line.append(value)
                continue
            style = ""
            if column.key == "status":
                style = STATUS_STYLE.get(status, "")
            elif column.key == "steps" and " overdue " in value:
                style = "bold red"
            line.append(layout.pad(value, sizes[column.key], right=column.right), style=style)
        line.truncate(width, overflow="ellipsis")
        lines.append(line)
    header.truncate(width)
    return lines
