"""`issuenote` with no command: the agenda, what needs the user now.

Plain text, no rich: it is the first thing a user types and must start as fast
as a note. Overdue and due-today steps and overdue promises across cases,
cases that may now be escalated outside the company, the cases waiting
longest for an answer, the three most recently active cases, and a hint.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from issuenote.console import echo
from issuenote.session import notebook_exists, open_notebook

HINT = "`issuenote --help` lists every command; `issuenote due` shows the week ahead."


def show_agenda(home: Path) -> None:
    """Print the agenda of the notebook at `home` (a welcome when there is none yet)."""
    report = None
    if notebook_exists(home):
        from issuenote import actions

        with open_notebook(home, create=False) as store:
            report = actions.agenda(store)
    lines = agenda_lines(report, colour=_colour())
    echo("\n".join(lines))


def _colour() -> bool:
    import os

    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def agenda_lines(report: dict[str, Any] | None, *, colour: bool = False) -> list[str]:
    if report is None or report["cases"] == 0:
        return [
            "No cases yet. To start:",
            '  issuenote new "USDT withdrawal stuck" --platform OKX   record your first case',
            "  issuenote demo                                          "
            "see the main job on a throwaway notebook",
            "",
            "`issuenote --help` lists every command.",
        ]
    from issuenote.followup.due import ago
    from issuenote.followup.lines import clock_line, step_line
    from issuenote.parse import timeparse
    from issuenote.textsafe import printable

    now = report["now"]

    def heading(text: str) -> str:
        return f"\x1b[1m{text}\x1b[0m" if colour else text  # bold, as click.style writes it

    def titled(case: dict[str, Any]) -> str:
        title = printable(case["title"], single_line=True)
        platform = f" ({printable(case['platform'], single_line=True)})" if case["platform"] else ""
        return title + platform

    lines: list[str] = []
    overdue = [step_line(s, now) for s in report["overdue"]]
    overdue += [
        f"  case {p['case_id']}: {printable(p['line'], single_line=True)}"
        f"  [{printable(p['title'], single_line=True)}]"
        for p in report["promises"]
    ]
    today = [step_line(s, now) for s in report["today"]]
    for lines_of, group in ((overdue, "overdue"), (today, "today")):
        hidden = report.get(f"{group}_total", len(report[group])) - len(report[group])
        if hidden > 0:  # the agenda stays short at any size; `due` lists them all
            lines_of.append(f"  … and {hidden} more (`issuenote due`)")
    sections = [
        ("Overdue", overdue),
        ("Due today", today),
        ("May escalate now", [clock_line(c, now) for c in report["escalations"]]),
    ]
    if not any(body for _, body in sections):
        lines += ["Nothing overdue or due today.", ""]
    waiting = [
        f"  case {case['id']}: {ago(now - timeparse.from_storage(case['asked_at']))} "
        f"since you wrote  [{titled(case)}]"
        for case in report["waiting"]
    ]
    more = report["waiting_total"] - len(report["waiting"])
    if more > 0:
        waiting.append(f"  … and {more} more (`issuenote list`)")
    sections.append(("Waiting longest for an answer", waiting))
    sections.append(
        (
            "Recently active",
            [
                f"  case {case['id']}: {case['status']}, "
                f"{timeparse.humanize_delta(case['last_activity'], now)} ago  [{titled(case)}]"
                for case in report["recent"]
            ],
        )
    )
    for title, body in sections:
        if body:
            lines += [heading(title), *body, ""]
    lines.append(HINT)
    return lines
