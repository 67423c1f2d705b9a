"""Rendering of cases for people: `show` and `list`.

Every user string goes through `textsafe.printable` and into `rich.text.Text`
(never markup), so stored escape sequences or `[bold]` in a note stay inert.
A view is built of lines; for a pipe they are `PlainText` lines, which hold
what rich's would print there (no styles), so `show | grep` never imports
rich nor pays for styled text on a 1,000-entry case.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from issuenote.parse import timeparse
from issuenote.textsafe import printable

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

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


# What rich's Text strips from every string it is given (BEL, BS, VT, FF, CR);
# `printable` has made them visible already in user text, so this rarely matches.
_RICH_STRIPPED = re.compile("[\x07\x08\x0b\x0c\x0d]")


def _rich_stripped(text: str) -> str:
    return _RICH_STRIPPED.sub("", text) if _RICH_STRIPPED.search(text) else text


class PlainText:
    """The part of rich's `Text` a view uses, keeping only what a pipe gets: the text.

    Off a terminal rich prints a line's plain text and nothing else (no
    colour, no padding: see `print_lines`). Building that text directly costs
    a fraction of a styled Text per line (a 1,000-entry case has ~4,000) and
    keeps rich unimported. Styles are taken and dropped; the text is what
    `rich.text.Text` would hold, control characters stripped as it strips them.
    """

    __slots__ = ("end", "plain")

    def __init__(self, text: str = "", style: str = "", *, end: str = "\n") -> None:
        self.plain = _rich_stripped(text) if text else ""
        self.end = end

    @classmethod
    def _of(cls, plain: str, end: str = "\n") -> PlainText:
        line = cls()
        line.plain, line.end = plain, end
        return line

    def __len__(self) -> int:
        return len(self.plain)

    def __add__(self, other: str | PlainText) -> PlainText:
        return PlainText._of(self.plain, self.end).append(other)

    def append(self, text: str | PlainText, style: str | None = None) -> PlainText:
        self.plain += text.plain if isinstance(text, PlainText) else _rich_stripped(text)
        return self

    def append_text(self, text: PlainText) -> PlainText:
        self.plain += text.plain
        return self

    def split(self, separator: str = "\n", *, allow_blank: bool = False) -> list[PlainText]:
        """As `Text.split`: one line per separator-free part; no blank last one unless asked."""
        if separator not in self.plain:
            return [PlainText._of(self.plain, self.end)]
        parts = self.plain.split(separator)
        if not allow_blank and self.plain.endswith(separator):
            parts.pop()
        return [PlainText._of(part) for part in parts]


def stdout_is_terminal(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether `console()` would treat stdout as a terminal, decided without importing rich.

    The same tests as rich's `Console.is_terminal`: TTY_COMPATIBLE, then
    FORCE_COLOR, then isatty.
    """
    compatible = environ.get("TTY_COMPATIBLE", "")
    if compatible in ("0", "1"):
        return compatible == "1"
    force_color = environ.get("FORCE_COLOR")
    if force_color is not None:
        return force_color != ""
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):  # no stdout, or a closed one
        return False


def console() -> Console:
    """A console for people; piped or redirected, it never wraps a line.

    highlight=False: no guessing at numbers/URLs inside user text. Off a
    terminal, soft_wrap keeps every printed line whole, so a hash, an address
    or a phrase a script greps for is never split by an assumed width.
    """
    from rich.console import Console

    out = Console(highlight=False)
    if not out.is_terminal:
        out.soft_wrap = True
    return out


def plain(value: Any) -> Text:
    """One line of user text, made harmless for the terminal."""
    from rich.text import Text

    return _Draw(Text).t(value, single_line=True)


def plain_block(value: str) -> Text:
    """Several lines of text, made harmless, kept as they are."""
    from rich.text import Text

    return _Draw(Text).t(value)


def _when(value: str | None) -> str:
    """'2026-11-20 14:03' for a case document's time.

    A document's times are ISO 8601 in the reader's zone already (`to_local_iso`,
    as `Store.case_document` writes them), so the date and the minute are read
    off the text: parsing and converting each again cost a 1,000-entry case
    ~10 ms. Any other form goes through `format_local`.
    """
    if value is None:
        return ""
    if len(value) >= 25 and value[10] == "T" and value[19] in "+-":
        return f"{value[:10]} {value[11:16]}"
    return timeparse.format_local(value)


def _ago(delta: str) -> str:
    """'3d' -> '3d ago'; a future delta ('in 3h', a clock set ahead) stays as it is."""
    return delta if delta.startswith("in ") else f"{delta} ago"


def case_view(
    doc: dict[str, Any],
    *,
    full: bool = False,
    history: bool = False,
    now: datetime | None = None,
    piped: bool = False,
) -> list[Any]:
    """Header, timeline, transactions and open steps of one case, as whole lines.

    No tables and no padding: every line is printed as it is (see `print_lines`),
    so a TxID, URL, ticket number or e-mail address is never split, folded or
    cropped, on a terminal (which wraps a long line visually and copies it whole)
    or in a pipe; and no line ends in padding spaces. The lines are rich Text,
    or with piped=True `PlainText` (for `write_plain`).
    """
    if piped:
        return _Draw(PlainText).case_view(doc, full=full, history=history, now=now)
    from rich.text import Text

    return _Draw(Text).case_view(doc, full=full, history=history, now=now)


class _Draw:
    """Draws views with one line type: rich's `Text` for a terminal, `PlainText` for a pipe.

    The same code builds both, so a pipe gets exactly the text a terminal shows.
    """

    def __init__(self, text: type[Any]) -> None:
        self.Text = text

    def t(
        self, value: Any, style: str = "", *, limit: int | None = None, single_line: bool = False
    ) -> Any:
        if value is None:
            return self.Text("")
        text = printable(str(value), single_line=single_line)
        if limit is not None and len(text) > limit:
            hidden = len(text) - limit
            return self.Text(text[:limit], style=style) + self.Text(
                f" … ({hidden:,} more characters)", style="dim"
            )
        return self.Text(text, style=style)

    def due(self, step: dict[str, Any], now: datetime) -> Any:
        if step["due"] is None:
            return self.Text("no due date", style="dim")
        due = timeparse.from_storage(step["due"])  # the document's own ISO: no parser
        label = timeparse.format_local(step["due"])
        if step["done_at"] is None and due < now:
            return self.Text(
                f"{label}  OVERDUE {timeparse.humanize_delta(due, now)}", style="bold red"
            )
        return self.Text(f"{label} ({timeparse.humanize_delta(due, now)})")

    def case_view(
        self,
        doc: dict[str, Any],
        *,
        full: bool = False,
        history: bool = False,
        now: datetime | None = None,
    ) -> list[Any]:
        Text, _t = self.Text, self.t
        now = now or timeparse.utc_now()
        limit = None if full else SHOW_TEXT_LIMIT
        parts: list[Any] = []

        title = Text(f"Case {doc['id']}  ", style="bold") + _t(
            doc["title"], "bold", single_line=True
        )
        parts.append(title)

        facts = Text()
        status = doc["status"]
        facts.append(status.upper(), style=STATUS_STYLE.get(status, ""))
        for value in (doc["platform"], doc["category"]):
            if value:
                facts.append("  ·  ")
                facts.append_text(_t(value, single_line=True))
        started = doc["occurred_at"] or doc["created_at"]
        age = timeparse.humanize_delta(timeparse.from_storage(started), now)
        facts.append(f"  ·  since {_when(started)} ({_ago(age)})")
        parts.append(facts)

        header: list[tuple[str, Any]] = []
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
        header.append(
            ("Agents", _t(agents or "none yet", "" if agents else "dim", single_line=True))
        )
        if fake:
            impostors = "⚠ " + ", ".join(named(a) for a in fake) + " (flagged: not support)"
            header.append(("Suspicious", _t(impostors, "bold red", single_line=True)))
        if doc.get("request"):
            header.append(("Request", _t(doc["request"], single_line=True)))
        header.append(("Updated", _t(f"{_when(doc['updated_at'])}")))
        if doc.get("chain_head"):
            header.append(
                ("Chain", _t(f"{doc['chain_head'][:12]}  (`issuenote verify` checks it)"))
            )
        width = max(len(label) for label, _ in header)
        for label, value in header:
            parts.append(Text(f"{label:<{width}}  ", style="bold") + value)
        for problem in doc.get("unreadable", []):
            parts.append(_t(f"cannot decrypt {problem}", "bold red"))
        if doc["description"]:
            parts.append(Text(""))
            parts.extend(self.lines(_t(doc["description"], limit=limit)))

        parts.append(Text(""))
        if doc["entries"]:
            parts.extend(self.timeline(doc["entries"], limit=limit, history=history))
        else:
            parts.append(
                Text("No timeline entries yet: `issuenote note CASE TEXT` adds one.", style="dim")
            )

        deleted = doc.get("deleted_entries") or []
        if history and deleted:
            parts.append(Text(""))
            parts.extend(self.deleted(deleted, limit=limit))
        elif deleted:
            numbers = ", ".join(str(e["number"]) for e in deleted)
            what = f"entry {numbers}: `show --history` shows it"
            if len(deleted) > 1:
                what = f"entries {numbers}: `show --history` shows them"
            parts.append(Text(f"Deleted {what}.", "dim"))

        if doc["transactions"]:
            parts.append(Text(""))
            parts.extend(self.transactions(doc["transactions"]))

        if doc["open_steps"]:
            parts.append(Text(""))
            parts.append(Text("Next steps", style="bold"))
            for step in doc["open_steps"]:
                line = Text(f"{step['number']:>4}  ", style="bold")
                line.append_text(self.due(step, now))
                parts.append(line)
                parts.extend(self.indented(_t(step["text"], limit=limit)))
        return parts

    def lines(self, text: Any) -> list[Any]:
        return list(text.split("\n", allow_blank=True))

    def indented(self, text: Any, indent: int = 6) -> list[Any]:
        """Each line of a block under its facts line, indented with plain spaces."""
        return [self.Text(" " * indent) + line for line in self.lines(text)]

    def timeline(
        self, entries: list[dict[str, Any]], *, limit: int | None, history: bool = False
    ) -> list[Any]:
        """One block per entry: a facts line, then the text indented under it.

        A log reads better than a wide table on an 80-column terminal, and long
        IDs and pasted text are never folded into a narrow column.
        """
        Text = self.Text
        blocks: list[Any] = [Text("Timeline", style="bold")]
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
                    line.append_text(self.t(fact, single_line=True))
            blocks.append(line)
            body = self.entry_text(entry, limit)
            if len(body):
                blocks.extend(self.indented(body))
            if history:
                for revision in entry.get("revisions") or []:
                    blocks.extend(self.indented(self.revision_text(revision, limit)))
        return blocks

    def revision_text(self, revision: dict[str, Any], limit: int | None) -> Any:
        """One earlier version: when it was replaced (or deleted), and what it said."""
        verb = "deleted" if revision["change"] == "delete" else "replaced"
        text = self.Text(
            f"revision {revision['revision']}, {verb} {_when(revision['made_at'])}: ", "dim"
        )
        facts = [_when(revision["at"]), revision["channel"]]
        agent = " ".join(
            p
            for p in (
                revision["agent"],
                f"({revision['agent_id']})" if revision["agent_id"] else None,
            )
            if p
        )
        facts += [agent or None, f"ticket {revision['ticket']}" if revision["ticket"] else None]
        facts += [f"due {_when(revision['due'])}" if revision["due"] else None]
        text.append_text(self.t(" · ".join(f for f in facts if f), "dim", single_line=True))
        if revision["text"]:
            text.append("\n")
            text.append_text(self.t(revision["text"], "dim", limit=limit))
        return text

    def deleted(self, entries: list[dict[str, Any]], *, limit: int | None) -> list[Any]:
        """Tombstones, for `show --history`: what was deleted, and when."""
        Text = self.Text
        blocks: list[Any] = [Text("Deleted entries", style="bold")]
        for entry in entries:
            line = Text(f"{entry['number']:>4}  ", style="bold")
            line.append(f"{entry['kind']} deleted {_when(entry['deleted_at'])}", style="dim")
            blocks.append(line)
            for revision in entry.get("revisions") or []:
                blocks.extend(self.indented(self.revision_text(revision, limit)))
        return blocks

    def entry_text(self, entry: dict[str, Any], limit: int | None) -> Any:
        text = self.Text()
        if entry["flags"]:
            text.append("⚠ " + ", ".join(entry["flags"]) + "\n", style="bold red")
            for warning in entry["warnings"]:
                text.append_text(self.t(warning, "red"))
                text.append("\n")
        if entry["private"]:
            text.append("[private] ", style="dim")
        text.append_text(self.t(entry["text"], limit=limit))
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
            text.append_text(self.t(value, limit=limit))
        return text

    def transactions(self, transactions: list[dict[str, Any]]) -> list[Any]:
        from decimal import Decimal

        from issuenote.parse.amounts import format_amount_grouped

        Text = self.Text
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
            facts.append(tx["chain"] or ("chain unknown" if tx["txid"] else None))
            facts.append(tx.get("network"))
            facts.append(_when(tx["at"]) if tx["at"] else None)
            line.append_text(self.t(" · ".join(f for f in facts if f), single_line=True))
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
                    line.append_text(self.t(value, style, single_line=True))
                    blocks.extend(self.indented(line))
            if tx.get("memo_missing"):
                warning = Text(
                    "⚠ no memo/tag recorded: this chain needs one for deposits", "bold red"
                )
                blocks.extend(self.indented(warning))
        return blocks


def print_lines(out: Console, lines: Sequence[Text]) -> None:
    """Print a view's lines, never wrapped, folded or padded by the console.

    Off a terminal a soft-wrapped line is its plain text with tabs expanded
    (rich adds no colour, padding or cropping there): written directly, a
    1,000-entry case prints in a fraction of the time of a print() per line,
    with the same bytes. A terminal gets one print of the whole view.
    """
    if out.is_terminal:
        from rich.console import Group

        out.print(Group(*lines), soft_wrap=True)
        return
    _write_plain(lines, out.file, out)


def write_plain(lines: Iterable[PlainText | Text]) -> None:
    """Print a view to stdout when it is no terminal: what `print_lines` writes there.

    Without a tab in it (the common case) a line is written as it is, so rich
    is imported only for a view that has a tab to expand.
    """
    _write_plain(lines, sys.stdout, None)


def _write_plain(lines: Iterable[PlainText | Text], file: Any, out: Console | None) -> None:
    chunks = []
    for line in lines:
        plain = line.plain
        if "\t" in plain:  # rich's own tab expansion (by cell width), as print() does
            from rich.text import Text

            out = out or console()
            wrapped = Text(plain).wrap(out, out.width, overflow="ignore", tab_size=out.tab_size)
            plain = "\n".join(part.plain for part in wrapped)
        chunks.append(plain + line.end)
    file.write("".join(chunks))
    file.flush()


def show_paged(lines: Sequence[Text], *, pager: str | None) -> None:
    """Print a view on a terminal, through the pager when it is taller than the screen.

    `pager` is the command chosen by `choose_pager` (None: never page). The
    pager starts at the top, so the case header is what shows first. Every
    line is one row (nothing is wrapped), so the height is known before any
    is drawn, and the pager is fed a screenful at a time: it shows the first
    page of a 1,000-entry case while the rest is still being drawn.
    """
    out = console()
    rows = sum(line.plain.count("\n") + 1 for line in lines)
    if pager is None or not out.is_terminal or rows < out.size.height:
        print_lines(out, lines)
        return
    if not _run_pager(pager, _drawn(out, lines, max(out.size.height, 1))):
        print_lines(out, lines)


def _drawn(out: Console, lines: Sequence[Text], rows: int) -> Iterator[str]:
    """The view as the terminal gets it, `rows` lines at a time (the same bytes as whole)."""
    for start in range(0, len(lines), rows):
        with out.capture() as captured:
            print_lines(out, lines[start : start + rows])
        yield captured.get()


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


def _run_pager(command: str, text: Iterable[str]) -> bool:
    """Feed the text, piece by piece, to the pager; False when it cannot be started."""
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
        for piece in text:
            process.stdin.write(piece.encode("utf-8", "replace"))
            process.stdin.flush()
    except (BrokenPipeError, KeyboardInterrupt):
        pass  # the reader quit early (q in less), or Ctrl-C, which is the pager's
    with contextlib.suppress(BrokenPipeError):
        process.stdin.close()
    while True:
        try:
            process.wait()
            break
        except KeyboardInterrupt:
            continue  # Ctrl-C belongs to the pager (less uses it), not to us
    return True


def _attachment_line(item: dict[str, Any]) -> str:
    from issuenote.evidence.attachments import format_size

    name = item["name"] if item["name"] is not None else "(private)"
    about = item.get("about_entry_number")
    shows = f" · shows entry {about}" if about else ""
    return (
        f"{item['number']:02d} {name} · {item['media_type']} · {format_size(item['size'])} · "
        f"sha256 {item['sha256'][:12]}{shows}"
    )


def cases_lines(
    cases: list[dict[str, Any]], *, width: int, now: datetime | None = None
) -> list[Text]:
    """The `list` table for a terminal of `width` cells: one line per case, never wrapped.

    Columns are chosen by `layout.fit` (the title keeps the room); a title
    longer than its room ends in an ellipsis. Only the rows passed in are laid
    out, which is what keeps `list` fast on a big notebook.
    """
    from rich.text import Text

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
