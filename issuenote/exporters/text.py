"""The text export: the full case report for a terminal or a plain file.

Lines are not wrapped (a pasted report should reflow wherever it lands);
labels are aligned by display width, so Chinese and Korean line up too.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from issuenote.exporters.common import CaseView, Entry, entry_lines, indented
from issuenote.textsafe import cell_width


def _pad(label: str, width: int) -> str:
    return label + " " * (width - cell_width(label))


def aligned(pairs: list[tuple[str, str]], indent: str = "") -> list[str]:
    """``Label   value`` rows with the values in one column; multi-line values
    continue under their first line."""
    if not pairs:
        return []
    width = max(cell_width(label) for label, _ in pairs) + 2
    lines: list[str] = []
    for label, value in pairs:
        first, *rest = value.split("\n")
        lines.append(f"{indent}{_pad(label, width)}{first}".rstrip())
        lines.extend(f"{indent}{' ' * width}{line}".rstrip() for line in rest)
    return lines


def _heading(title: str, underline: str = "-") -> list[str]:
    return [title, underline * max(cell_width(title), 3)]


def _numbered(number: int, lines: list[str]) -> list[str]:
    return indented(f"{number}. ", lines)


def _bulleted(text: str) -> list[str]:
    first, *rest = text.split("\n")
    return [f"- {first}".rstrip(), *(f"  {line}".rstrip() for line in rest)]


def step_text(view: CaseView, step: Entry, when: Callable[[datetime], str]) -> str:
    """``[overdue] Follow up — due 2026-11-25 10:00 UTC+08:00`` for an open step."""
    text = step.text
    if view.overdue(step):
        text = view.tr("overdue_mark") + text
    if step.due:
        text += view.tr("due_suffix", time=when(step.due))
    return text


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

    if view.description:
        sections.append([*_heading(tr("sec_description")), view.description])

    block = _heading(tr("sec_transactions"))
    if not view.transactions:
        block.append(tr("no_transactions"))
    for number, transaction in enumerate(view.transactions, start=1):
        pairs = view.id_pairs(transaction)
        if transaction.at:
            pairs.append((tr("time"), when(transaction.at)))
        if transaction.address:
            pairs.append((tr("address"), transaction.address))
        if transaction.memo:
            pairs.append((tr("memo"), transaction.memo))
        if transaction.memo_missing:
            pairs.append(("\u26a0", tr("memo_missing")))
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

    if view.suspicious:
        block = _heading(tr("sec_suspicious"))
        for contact in view.suspicious:
            block.extend(_bulleted(view.suspicious_sentence(contact, when)))
        sections.append(block)

    block = _heading(tr("sec_open_steps"))
    if not view.open_steps:
        block.append(tr("no_open_steps"))
    for step in view.open_steps:
        block.extend(_bulleted(step_text(view, step, when)))
    sections.append(block)

    sections.append([*_heading(tr("sec_request")), view.request])
    sections.append([tr("report_footer")] + ([view.chain_line] if view.chain_line else []))
    return "\n\n".join("\n".join(section) for section in sections) + "\n"
