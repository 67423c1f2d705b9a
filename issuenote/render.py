"""Rich rendering of cases for people: `show` and `list`.

Every user string goes through `textsafe.printable` and into `rich.text.Text`
(never markup), so stored escape sequences or `[bold]` in a note stay inert.
rich is imported here only, and only by the commands that draw tables.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rich.console import Console, Group
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
    "attachment": "bright_blue",
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
    doc: dict[str, Any],
    *,
    full: bool = False,
    history: bool = False,
    now: datetime | None = None,
) -> Group:
    """Header, timeline, transactions and open steps of one case, as whole lines.

    No tables and no padding: every line is printed as it is (see `print_lines`),
    so a TxID, URL, ticket number or e-mail address is never split, folded or
    cropped, on a terminal (which wraps a long line visually and copies it whole)
    or in a pipe; and no line ends in padding spaces.
    """
    now = now or timeparse.utc_now()
    limit = None if full else SHOW_TEXT_LIMIT
    parts: list[Text] = []

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

    header: list[tuple[str, Text]] = []
    if doc.get("account"):
        header.append(("Account", _t(doc["account"], single_line=True)))
    if doc["tags"]:
        header.append(("Tags", _t(", ".join(doc["tags"]), single_line=True)))
    tickets = ", ".join(t["ticket"] for t in doc["tickets"])
    header.append(
        ("Tickets", _t(tickets or "none yet", "" if tickets else "dim", single_line=True))
    )
    from issuenote.model import SUSPICIOUS_FLAGS

    def named(agent: dict[str, Any]) -> str:
        shown = (agent["name"], f"({agent['agent_id']})" if agent["agent_id"] else None)
        return " ".join(p for p in shown if p)

    # impostors are not support: listed apart, never among the agents
    fake = [a for a in doc["agents"] if set(a.get("flags") or []) & set(SUSPICIOUS_FLAGS)]
    agents = ", ".join(named(a) for a in doc["agents"] if a not in fake)
    header.append(("Agents", _t(agents or "none yet", "" if agents else "dim", single_line=True)))
    if fake:
        impostors = "⚠ " + ", ".join(named(a) for a in fake) + " (flagged: not support)"
        header.append(("Suspicious", _t(impostors, "bold red", single_line=True)))
    if doc.get("request"):
        header.append(("Request", _t(doc["request"], single_line=True)))
    header.append(("Updated", _t(f"{_when(doc['updated_at'])}")))
    if doc.get("chain_head"):
        header.append(("Chain", _t(f"{doc['chain_head'][:12]}  (`issuenote verify` checks it)")))
    width = max(len(label) for label, _ in header)
    for label, value in header:
        parts.append(Text(f"{label:<{width}}  ", style="bold") + value)
    for problem in doc.get("unreadable", []):
        parts.append(_t(f"cannot decrypt {problem}", "bold red"))
    if doc["description"]:
        parts.append(Text(""))
        parts.extend(_lines(_t(doc["description"], limit=limit)))

    parts.append(Text(""))
    if doc["entries"]:
        parts.extend(timeline_view(doc["entries"], limit=limit, history=history).renderables)
    else:
        parts.append(
            Text("No timeline entries yet: `issuenote note CASE TEXT` adds one.", style="dim")
        )

    deleted = doc.get("deleted_entries") or []
    if history and deleted:
        parts.append(Text(""))
        parts.extend(deleted_view(deleted, limit=limit).renderables)
    elif deleted:
        numbers = ", ".join(str(e["number"]) for e in deleted)
        what = f"entry {numbers}: `show --history` shows it"
        if len(deleted) > 1:
            what = f"entries {numbers}: `show --history` shows them"
        parts.append(Text(f"Deleted {what}.", "dim"))

    if doc["transactions"]:
        parts.append(Text(""))
        parts.extend(transactions_view(doc["transactions"]).renderables)

    if doc["open_steps"]:
        parts.append(Text(""))
        parts.append(Text("Next steps", style="bold"))
        for step in doc["open_steps"]:
            line = Text(f"{step['number']:>4}  ", style="bold")
            line.append_text(_due(step, now))
            parts.append(line)
            parts.extend(_indented(_t(step["text"], limit=limit)))
    return Group(*parts)


def print_lines(out: Console, view: Group) -> None:
    """Print a view line by line, never wrapped, folded or padded by the console.

    Off a terminal a soft-wrapped line is its plain text with tabs expanded
    (rich adds no colour, padding or cropping there): written directly, a
    1,000-entry case prints in a fraction of the time of a print() per line,
    with the same bytes. A terminal gets one print of the whole view.
    """
    if out.is_terminal:
        out.print(view, soft_wrap=True)
        return
    chunks = []
    for line in view.renderables:
        assert isinstance(line, Text)  # views are built of lines (Text) only
        plain = line.plain
        if "\t" in plain:  # rich's own tab expansion (by cell width), as print() does
            wrapped = line.wrap(out, out.width, overflow="ignore", tab_size=out.tab_size)
            plain = "\n".join(part.plain for part in wrapped)
        chunks.append(plain + line.end)
    out.file.write("".join(chunks))
    out.file.flush()


def show_paged(view: Group, *, pager: str | None) -> None:
    """Print a view; on a terminal, through the pager when it is taller than the screen.

    `pager` is the command chosen by `choose_pager` (None: never page). The
    pager starts at the top, so the case header is what shows first.
    """
    out = console()
    if pager is None or not out.is_terminal:
        print_lines(out, view)
        return
    with out.capture() as captured:
        print_lines(out, view)
    text = captured.get()
    if text.count("\n") < out.size.height:
        out.file.write(text)
        out.file.flush()
        return
    if not _run_pager(pager, text):
        out.file.write(text)
        out.file.flush()


def choose_pager(environ: Any, configured: str | None, *, disabled: bool) -> str | None:
    """The pager command: --no-pager, then ISSUENOTE_PAGER, config `pager`, PAGER, less.

    An empty value, `never` or `cat` means no pager, as with git.
    """
    if disabled:
        return None
    for value in (environ.get("ISSUENOTE_PAGER"), configured, environ.get("PAGER")):
        if value is not None:
            chosen = value.strip()
            return None if chosen in ("", "never", "cat") else chosen
    return "less"


def _run_pager(command: str, text: str) -> bool:
    """Feed the text to the pager; False when it cannot be started."""
    import os
    import shlex
    import subprocess

    try:
        argv = shlex.split(command)
    except ValueError:
        return False
    if not argv:
        return False
    env = dict(os.environ)
    # As git does: quit if it fits, keep colours, do not clear the screen.
    env.setdefault("LESS", "FRX")
    env.setdefault("LV", "-c")
    try:
        process = subprocess.Popen(argv, stdin=subprocess.PIPE, env=env)
    except OSError:
        return False
    assert process.stdin is not None
    try:
        process.stdin.write(text.encode("utf-8", "replace"))
        process.stdin.close()
    except BrokenPipeError:
        pass  # the reader quit early (q in less): not an error
    while True:
        try:
            process.wait()
            break
        except KeyboardInterrupt:
            continue  # Ctrl-C belongs to the pager (less uses it), not to us
    return True


def _lines(text: Text) -> list[Text]:
    return list(text.split("\n", allow_blank=True))


def _indented(text: Text, indent: int = 6) -> list[Text]:
    """Each line of a block under its facts line, indented with plain spaces."""
    return [Text(" " * indent) + line for line in _lines(text)]


def timeline_view(
    entries: list[dict[str, Any]], *, limit: int | None, history: bool = False
) -> Group:
    """One block per entry: a facts line, then the text indented under it.

    A log reads better than a wide table on an 80-column terminal, and long
    IDs and pasted text are never folded into a narrow column.
    """
    blocks: list[Text] = [Text("Timeline", style="bold")]
    for entry in entries:
        line = Text(f"{entry['number']:>4}  ", style="bold")
        line.append(_when(entry["at"]))
        line.append("  ")
        line.append(entry["kind"], style=KIND_STYLE.get(entry["kind"], "") or "bold")
        if entry.get("revisions"):
            line.append(" (edited)", style="dim")
        facts = [entry["channel"]]
        agent = " ".join(
            p
            for p in (entry["agent"], f"({entry['agent_id']})" if entry["agent_id"] else None)
            if p
        )
        facts.append(agent or None)
        facts.append(f"ticket {entry['ticket']}" if entry["ticket"] else None)
        for fact in facts:
            if fact:
                line.append(" · ")
                line.append_text(_t(fact, single_line=True))
        blocks.append(line)
        body = _entry_text(entry, limit)
        if len(body):
            blocks.extend(_indented(body))
        if history:
            for revision in entry.get("revisions") or []:
                blocks.extend(_indented(_revision_text(revision, limit)))
    return Group(*blocks)


def _revision_text(revision: dict[str, Any], limit: int | None) -> Text:
    """One earlier version: when it was replaced (or deleted), and what it said."""
    verb = "deleted" if revision["change"] == "delete" else "replaced"
    text = Text(f"revision {revision['revision']}, {verb} {_when(revision['made_at'])}: ", "dim")
    facts = [_when(revision["at"]), revision["channel"]]
    agent = " ".join(
        p
        for p in (revision["agent"], f"({revision['agent_id']})" if revision["agent_id"] else None)
        if p
    )
    facts += [agent or None, f"ticket {revision['ticket']}" if revision["ticket"] else None]
    facts += [f"due {_when(revision['due'])}" if revision["due"] else None]
    text.append_text(_t(" · ".join(f for f in facts if f), "dim", single_line=True))
    if revision["text"]:
        text.append("\n")
        text.append_text(_t(revision["text"], "dim", limit=limit))
    return text


def deleted_view(entries: list[dict[str, Any]], *, limit: int | None) -> Group:
    """Tombstones, for `show --history`: what was deleted, and when."""
    blocks: list[Text] = [Text("Deleted entries", style="bold")]
    for entry in entries:
        line = Text(f"{entry['number']:>4}  ", style="bold")
        line.append(f"{entry['kind']} deleted {_when(entry['deleted_at'])}", style="dim")
        blocks.append(line)
        for revision in entry.get("revisions") or []:
            blocks.extend(_indented(_revision_text(revision, limit)))
    return Group(*blocks)


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
    for item in entry.get("attachments", []):
        extras.append(("exhibit ", _attachment_line(item)))
    for label, value in extras:
        if len(text):
            text.append("\n")
        text.append(label, style="dim")
        text.append_text(_t(value, limit=limit))
    return text


def _attachment_line(item: dict[str, Any]) -> str:
    from issuenote.evidence.attachments import format_size

    name = item["name"] if item["name"] is not None else "(private)"
    about = item.get("about_entry_number")
    shows = f" · shows entry {about}" if about else ""
    return (
        f"{item['number']:02d} {name} · {item['media_type']} · {format_size(item['size'])} · "
        f"sha256 {item['sha256'][:12]}{shows}"
    )


def transactions_view(transactions: list[dict[str, Any]]) -> Group:
    from decimal import Decimal

    from issuenote.parse.amounts import format_amount_grouped

    blocks: list[Text] = [Text("Transactions", style="bold")]
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
        facts.append(tx["chain"] or ("chain unknown" if tx["txid"] else None))
        facts.append(tx.get("network"))
        facts.append(_when(tx["at"]) if tx["at"] else None)
        line.append_text(_t(" · ".join(f for f in facts if f), single_line=True))
        blocks.append(line)
        # The hash, the order ID, the address and the link each on a line of
        # their own, whole, to copy; the hash alone, so a triple-click takes it.
        rows = [
            ("", tx["txid"], "cyan"),
            ("order ", tx.get("order_id"), "cyan"),
            ("to ", tx.get("address"), ""),
            ("memo ", tx.get("memo"), ""),
            ("", tx["explorer_url"], "dim"),
        ]
        for label, value, style in rows:
            if value:
                line = Text(label, style="dim")
                line.append_text(_t(value, style, single_line=True))
                blocks.extend(_indented(line))
        if tx.get("memo_missing"):
            warning = Text("⚠ no memo/tag recorded: this chain needs one for deposits", "bold red")
            blocks.extend(_indented(warning))
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
