"""The markdown export: the full case report for GitHub, a wiki or a notes app.

Output is CommonMark plus GitHub's table extension. Every piece of user text
is escaped, so a ``|`` in a note cannot break a table and a ``*`` in an
account mask cannot turn into emphasis.
"""

from __future__ import annotations

import re

from issuenote.exporters.common import CaseView, Entry
from issuenote.exporters.text import summary_pairs

# ASCII punctuation that means something inline in CommonMark or GitHub's
# dialect ($ is GitHub math, ~ strikethrough, | tables, & entities).
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~&$!])")
# What makes a line start a block: list markers, headings, quotes, breaks.
_BLOCK_START = re.compile(r"^(\s*)([-+=]|\d{1,9}(?=[.)]))")
DASH = "—"


def escape(text: str, *, block: bool = True) -> str:
    """One line of user text, safe inline; with ``block``, also safe at the
    start of a line, where ``-``, ``1.`` or ``=`` would start a list or heading."""
    escaped = _INLINE_SPECIAL.sub(r"\\\1", text.replace("\t", " "))
    match = _BLOCK_START.match(escaped) if block else None
    if match:
        lead, marker = match.group(1), match.group(2)
        if marker[0].isdigit():
            rest = escaped[match.end() :]
            return f"{lead}{marker}\\{rest}"
        return f"{lead}\\{marker}{escaped[match.end() :]}"
    return escaped


def cell(text: str) -> str:
    """User text for a table cell: escaped, line breaks as ``<br>``."""
    return "<br>".join(escape(line.strip(), block=False) for line in text.split("\n")) or " "


def paragraphs(text: str) -> str:
    """User text as paragraphs: blank lines kept, single line breaks made hard."""
    blocks = re.split(r"\n\s*\n", text.strip("\n"))
    rendered = []
    for block in blocks:
        lines = [escape(line.strip()) for line in block.split("\n") if line.strip()]
        rendered.append("\\\n".join(lines))
    return "\n\n".join(block for block in rendered if block)


def _table(header: list[str], aligns: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |"]
    lines.append("| " + " | ".join("---:" if a == "right" else "---" for a in aligns) + " |")
    lines.extend("| " + " | ".join(row) + " |" for row in rows)
    return lines


def _list_item(lines: list[str]) -> list[str]:
    """A bullet whose lines stay together (hard breaks, indented under the marker)."""
    lines = [line for line in lines if line.strip()] or [" "]
    return [f"- {lines[0]}" + ("\\" if len(lines) > 1 else "")] + [
        f"  {line}" + ("\\" if index < len(lines) - 2 else "")
        for index, line in enumerate(lines[1:])
    ]


def _details(view: CaseView, entry: Entry) -> str:
    tr = view.tr
    parts: list[str] = []
    for key, value in view.entry_fields(entry, tr.time_with_utc):
        if key in ("agent", "ticket"):
            continue  # they have their own columns
        if key is None:
            parts.append(cell(value))
        elif key == "flags":
            parts.append(f"\u26a0 **{escape(tr('flags'))}**{tr('colon')}{cell(value)}")
        elif key == "warnings":
            parts.append(f"\u26a0 {cell(value)}")
        else:
            # the colon outside the bold: "**建议**：" closes, "**建议：**" would not
            parts.append(f"**{escape(tr(key))}**{tr('colon')}{cell(value)}")
    return "<br>".join(parts) or " "


def render_markdown(view: CaseView) -> str:
    tr = view.tr
    when = tr.time_with_utc
    out: list[str] = []
    title = tr("report_title", id=view.id, title=view.title).replace("\n", " ")
    out += [f"# {escape(title)}", ""]
    rows = [[escape(label), cell(value)] for label, value in summary_pairs(view)]
    out += [*_table([tr("field"), tr("value")], ["left", "left"], rows), ""]

    if view.flagged:
        out += [f"## {escape(tr('sec_warnings'))}", ""]
        for entry in view.flagged:
            lines = [f"**{escape(when(entry.at))} · {escape(view.entry_head(entry))}**"]
            if entry.agent or entry.agent_id:
                agent = view.agent_ref(entry.agent, entry.agent_id)
                lines.append(escape(tr.label("agent", agent)))
            if entry.flags:
                lines.append(f"\u26a0 {escape(tr.label('flags', view.flag_names(entry)))}")
            lines.extend(escape(warning) for warning in entry.warnings)
            out += _list_item(lines)
        out.append("")

    if view.description:
        out += [f"## {escape(tr('sec_description'))}", "", paragraphs(view.description), ""]

    out += [f"## {escape(tr('sec_transactions'))}", ""]
    if view.transactions:
        header = [
            tr("number"),
            tr("txid_or_order"),
            tr("chain"),
            tr("asset"),
            tr("amount"),
            tr("tx_kind"),
            tr("time"),
            tr("explorer"),
        ]
        aligns = ["right", "left", "left", "left", "right", "left", "left", "left"]
        rows = []
        for number, transaction in enumerate(view.transactions, start=1):
            link = (
                f"[{escape(tr('explorer_link'))}](<{transaction.explorer_url}>)"
                if transaction.explorer_url
                else DASH
            )
            rows.append(
                [
                    str(number),
                    cell(
                        " · ".join(
                            [transaction.txid]
                            + [f"{tr(key)} {value}" for key, value in transaction.extra_pairs()]
                            + (["⚠ " + tr("memo_missing")] if transaction.memo_missing else [])
                        )
                    ),
                    cell(view.chain_name(transaction)) if transaction.chain else DASH,
                    cell(transaction.asset or DASH),
                    cell(transaction.amount or DASH),
                    cell(tr.name("tx_kind", transaction.kind) or DASH),
                    cell(when(transaction.at)) if transaction.at else DASH,
                    link,
                ]
            )
        out += _table(header, aligns, rows)
    else:
        out.append(escape(tr("no_transactions")))
    out.append("")

    out += [f"## {escape(tr('sec_timeline'))}", ""]
    if view.entries:
        header = [
            tr("number"),
            tr("time"),
            tr("event"),
            tr("channel"),
            tr("agent"),
            tr("ticket"),
            tr("details"),
        ]
        aligns = ["right", "left", "left", "left", "left", "left", "left"]
        rows = []
        for number, entry in enumerate(view.entries, start=1):
            event = tr.name("kind", entry.kind)
            if entry.private:
                event += f" ({tr('private')})"
            agent = (
                view.agent_ref(entry.agent, entry.agent_id) if entry.agent or entry.agent_id else ""
            )
            rows.append(
                [
                    str(number),
                    cell(when(entry.at)),
                    cell(event),
                    cell(view.channel_text(entry)) if entry.channel or entry.via else DASH,
                    cell(agent) if agent else DASH,
                    cell(entry.ticket) if entry.ticket else DASH,
                    _details(view, entry),
                ]
            )
        out += _table(header, aligns, rows)
    else:
        out.append(escape(tr("no_entries")))
    out.append("")

    out += [f"## {escape(tr('sec_open_steps'))}", ""]
    if view.open_steps:
        for step in view.open_steps:
            due = tr("due_suffix", time=when(step.due)) if step.due else ""
            out += _list_item([escape(line) for line in (step.text + due).split("\n")])
    else:
        out.append(escape(tr("no_open_steps")))
    out.append("")

    out += [f"## {escape(tr('sec_request'))}", "", paragraphs(view.request), ""]
    out += ["---", "", escape(tr("report_footer"))]
    if view.chain_line:
        out += ["", escape(view.chain_line)]
    return "\n".join(out) + "\n"
