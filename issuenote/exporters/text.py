"""The text export: the full case report for a terminal or a plain file.

Lines are not wrapped (a pasted report should reflow wherever it lands);
labels are aligned by display width, so Chinese and Korean line up too.
"""

from __future__ import annotations

import unicodedata

from issuenote.exporters.common import CaseView, entry_lines, indented


def display_width(text: str) -> int:
    """Terminal columns: wide East Asian characters take two, combining marks none."""
    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def _pad(label: str, width: int) -> str:
    return label + " " * (width - display_width(label))


def aligned(pairs: list[tuple[str, str]], indent: str = "") -> list[str]:
    """``Label   value`` rows with the values in one column; multi-line values
    continue under their first line."""
    if not pairs:
        return []
    width = max(display_width(label) for label, _ in pairs) + 2
    lines: list[str] = []
    for label, value in pairs:
        first, *rest = value.split("\n")
        lines.append(f"{indent}{_pad(label, width)}{first}".rstrip())
        lines.extend(f"{indent}{' ' * width}{line}".rstrip() for line in rest)
    return lines


def _heading(title: str, underline: str = "-") -> list[str]:
    return [title, underline * max(display_width(title), 3)]


def _numbered(number: int, lines: list[str]) -> list[str]:
    return indented(f"{number}. ", lines)


def _bulleted(text: str) -> list[str]:
    first, *rest = text.split("\n")
    return [f"- {first}".rstrip(), *(f"  {line}".rstrip() for line in rest)]


def summary_pairs(view: CaseView) -> list[tuple[str, str]]:
    """The case's key facts as (label, value), shared by the report formats."""
    tr = view.tr
    when = tr.time_with_utc
    pairs: list[tuple[str, str]] = []
    if view.platform:
        pairs.append((tr("platform"), view.platform))
    if view.category:
        pairs.append((tr("category"), tr.name("category", view.category)))
    if view.status:
        pairs.append((tr("status"), tr.name("status", view.status)))
    if view.account:
        pairs.append((tr("account"), view.account))
    if view.occurred_at:
        pairs.append((tr("occurred"), when(view.occurred_at)))
    if view.created_at:
        pairs.append((tr("created"), when(view.created_at)))
    if view.updated_at:
        pairs.append((tr("updated"), when(view.updated_at)))
    if view.tags:
        pairs.append((tr("tags"), tr.join(list(view.tags))))
    if view.tickets:
        pairs.append((tr("tickets"), tr.join([ticket.ticket for ticket in view.tickets])))
    if view.agents:
        names = [view.agent_ref(agent.name, agent.agent_id) for agent in view.agents]
        pairs.append((tr("agents"), tr.join(names)))
    return pairs


def render_text(view: CaseView) -> str:
    tr = view.tr
    when = tr.time_with_utc
    sections: list[list[str]] = []
    title = tr("report_title", id=view.id, title=view.title).replace("\n", " ")
    sections.append([*_heading(title, "="), "", *aligned(summary_pairs(view))])

    if view.flagged:
        block = _heading(tr("sec_warnings"))
        for entry in view.flagged:
            lines = [f"{when(entry.at)} · {view.entry_head(entry)}"]
            if entry.agent or entry.agent_id:
                lines.append(tr.label("agent", view.agent_ref(entry.agent, entry.agent_id)))
            if entry.flags:
                lines.append(tr.label("flags", view.flag_names(entry)))
            lines.extend(entry.warnings)
            block.extend(_bulleted("\n".join(lines)))
        sections.append(block)

    if view.description:
        sections.append([*_heading(tr("sec_description")), view.description])

    block = _heading(tr("sec_transactions"))
    if not view.transactions:
        block.append(tr("no_transactions"))
    for number, transaction in enumerate(view.transactions, start=1):
        pairs = [(view.id_label(transaction), transaction.txid)]
        pairs += [(tr(key), value) for key, value in transaction.extra_pairs()]
        if transaction.memo_missing:
            pairs.append(("⚠", tr("memo_missing")))
        if transaction.at:
            pairs.append((tr("time"), when(transaction.at)))
        if transaction.explorer_url:
            pairs.append((tr("explorer"), transaction.explorer_url))
        headline = view.tx_headline(transaction) or view.id_label(transaction)
        block.extend(_numbered(number, [headline, *aligned(pairs)]))
    sections.append(block)

    block = _heading(tr("sec_timeline"))
    if not view.entries:
        block.append(tr("no_entries"))
    for number, entry in enumerate(view.entries, start=1):
        block.extend(_numbered(number, entry_lines(view, entry)))
    sections.append(block)

    block = _heading(tr("sec_open_steps"))
    if not view.open_steps:
        block.append(tr("no_open_steps"))
    for step in view.open_steps:
        due = tr("due_suffix", time=when(step.due)) if step.due else ""
        block.extend(_bulleted(step.text + due))
    sections.append(block)

    sections.append([*_heading(tr("sec_request")), view.request])
    sections.append([tr("report_footer")] + ([view.chain_line] if view.chain_line else []))
    return "\n\n".join("\n".join(section) for section in sections) + "\n"
