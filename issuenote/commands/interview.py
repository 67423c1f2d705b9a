"""The guided intake of `issuenote new` on a terminal, and the after-care offer.

prompt_toolkit (line editing, a pre-filled default, completion) is imported
here only, and this module only when a person at a terminal runs `new`
without a title or finishes a case: no other command pays for it.
"""

from __future__ import annotations

import sys
from typing import Any

import typer

from issuenote.errors import IssuenoteError


def at_a_terminal() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def run_interview(*, default_platform: str | None) -> dict[str, Any]:
    """Ask the guide's questions; every one has a default and can be skipped.

    Ctrl-C or Ctrl-D cancels the whole interview: nothing is written.
    """
    from prompt_toolkit import PromptSession  # heavy (~100 ms): only for the interview
    from prompt_toolkit.completion import WordCompleter

    from issuenote.intake import check_answer, questions
    from issuenote.model import CATEGORIES
    from issuenote.textsafe import printable

    typer.echo(
        "New case: a few questions, as the support guide suggests. Enter accepts the "
        "answer shown (or skips), Ctrl-C cancels and records nothing.\n"
    )
    session: PromptSession[str] = PromptSession()
    completers = {"category": WordCompleter(list(CATEGORIES), ignore_case=True)}
    answers: dict[str, Any] = {}
    for question in questions():
        default = question.default
        if question.field == "platform" and default_platform:
            default = default_platform
        hint = f" ({question.hint})" if question.hint else ""
        typer.echo(f"{question.ask}{hint}")
        while True:
            try:
                answer = session.prompt(
                    "> ", default=default, completer=completers.get(question.field)
                )
            except (KeyboardInterrupt, EOFError):
                raise IssuenoteError("interview cancelled; nothing recorded") from None
            try:
                answers[question.field] = check_answer(question.field, answer)
                break
            except IssuenoteError as error:
                typer.echo(f"  {printable(str(error), single_line=True)}; try again", err=True)
                default = answer
    return answers


def offer_aftercare(case_id: int, *, ask: bool) -> list[str]:
    """Show the guide's after-care checklist; on a terminal, offer each item as a step.

    Returns the items the user chose to add. Off a terminal it only shows the
    list and the command that adds one.
    """
    from issuenote.intake import aftercare_steps

    steps = aftercare_steps()
    typer.echo("\nAfter-care, as the support guide advises:")
    for step in steps:
        typer.echo(f"  - {step}")
    if not ask:
        typer.echo(f'Add one as a next step: issuenote step {case_id} "..."')
        return []
    chosen = []
    for step in steps:
        try:
            if typer.confirm(f"Add as a next step: {step}?", default=True):
                chosen.append(step)
        except typer.Abort:
            break  # Ctrl-C: keep what was chosen so far, add no more
    return chosen
