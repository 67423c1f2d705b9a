"""The guide's intake interview and after-care checklist, as data plus checks.

The questions and the checklist live in `data/guide.toml`; this module reads
them and checks each answer the way the matching command option would, so the
interview can ask again at once instead of failing at the end. No terminal
and no database here: `commands/interview.py` asks, `actions.record_intake`
writes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from issuenote.errors import IssuenoteError


@dataclass(frozen=True)
class Question:
    field: str
    ask: str
    default: str = ""
    hint: str = ""
    note: str = ""  # for answers kept as a timeline note: "Already tried: {answer}"


@cache
def _guide() -> dict[str, Any]:
    import tomllib

    from issuenote.paths import shipped_text

    text = shipped_text("guide.toml")
    return tomllib.loads(text)


def questions() -> list[Question]:
    return [Question(**item) for item in _guide()["intake"]]


def aftercare_steps() -> list[str]:
    """The guide's checklist for a finished case, as next-step texts."""
    return [item["step"] for item in _guide()["aftercare"]]


def check_answer(field: str, answer: str) -> Any:
    """An answer in the form `record_intake` takes, or an IssuenoteError to ask again.

    An empty answer skips the question (None).
    """
    from issuenote import actions
    from issuenote.model import choose

    text = answer.strip()
    if not text:
        return None
    if field == "title":
        return actions.clean_field(text, "title", required=True)
    if field == "occurred":
        actions.past_time(text, "time it happened")
        return text
    if field == "platform":
        return actions.clean_platform(text)
    if field == "category":
        return choose("category", text)
    if field == "account":
        return actions.clean_field(text, "account reference")
    if field == "transactions":
        return transaction_ids(text)
    return actions.clean_text(text, field.replace("_", " "), required=False)


def transaction_ids(text: str) -> list[str]:
    """Every ID in an answer, recognised as `tx` would; a bad one is refused by name."""
    from issuenote.parse.txid import recognize

    ids = [part for part in re.split(r"[\s,;]+", text) if part]
    seen: list[str] = []
    for part in ids:
        info = recognize(part)
        if info.txid not in seen:
            seen.append(info.txid)
    if len(seen) > 50:
        raise IssuenoteError("more than 50 transaction IDs; add the rest with `issuenote tx`")
    return seen
