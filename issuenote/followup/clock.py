"""The complaint clock: when a user may take a complaint outside the company, and where.

Rules are data (`issuenote/data/escalation_rules.toml`, every rule with its
source URL), extendable in the notebook's config.toml under [escalation.<code>].
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from functools import cache
from typing import Any, NamedTuple

from issuenote.errors import IssuenoteError

_CODE = re.compile(r"[a-z][a-z0-9-]{0,31}", re.ASCII)
_FIELDS = ("name", "rule", "escalate_to", "escalate_url", "source")


class Rule(NamedTuple):
    """One jurisdiction's complaint rule (a NamedTuple: `show` would import dataclasses)."""

    code: str
    name: str
    rule: str
    escalate_to: str
    escalate_url: str
    source: str
    days: int | None = None
    business_days: int | None = None
    note: str | None = None

    def period(self) -> str:
        if self.business_days is not None:
            return f"{self.business_days} business days"
        assert self.days is not None
        weeks, rest = divmod(self.days, 7)
        return f"{weeks} weeks" if not rest else f"{self.days} days"

    def deadline(self, first_contact: datetime) -> datetime:
        """When the firm's time is up, counted from the first contact (aware datetimes)."""
        if self.business_days is not None:
            from issuenote.parse.timeparse import add_business_days

            return add_business_days(first_contact, self.business_days)
        assert self.days is not None
        return first_contact + timedelta(days=self.days)


def check_jurisdiction(value: str, rules: dict[str, Rule] | None = None) -> str:
    """A jurisdiction code as stored; with `rules`, it must name one of them."""
    code = value.strip().lower()
    if rules is None:
        if not _CODE.fullmatch(code):
            raise IssuenoteError(f"bad jurisdiction {_shown(value)}: use a short code such as uk")
        return code
    if code in ("", "none", "-"):
        return ""
    if code not in rules:
        known = ", ".join(sorted(rules))
        raise IssuenoteError(
            f"unknown jurisdiction {_shown(value)}; known: {known} "
            "(add your own under [escalation.CODE] in config.toml)"
        )
    return code


def _shown(value: str) -> str:
    return repr(value if len(value) <= 40 else value[:40] + "…")


@cache
def _shipped() -> dict[str, Any]:
    import tomllib

    from issuenote.paths import shipped_text

    text = shipped_text("escalation_rules.toml")
    return dict(tomllib.loads(text)["rules"])


def load_rules(extra: dict[str, Any] | None = None) -> dict[str, Rule]:
    """The shipped rules, plus or overridden by the config's [escalation.<code>] tables."""
    tables = {**_shipped(), **(extra or {})}
    rules = {}
    for code, table in tables.items():
        rules[code.lower()] = _rule(code.lower(), table)
    return rules


def _rule(code: str, table: Any) -> Rule:
    where = f"escalation rule {code!r}"
    if not isinstance(table, dict) or not _CODE.fullmatch(code):
        raise IssuenoteError(f"{where}: must be a table with a short lower-case code")
    missing = [name for name in _FIELDS if not isinstance(table.get(name), str)]
    if missing:
        raise IssuenoteError(f"{where}: missing {', '.join(missing)} (text)")
    days, business = table.get("days"), table.get("business_days")
    if (days is None) == (business is None):
        raise IssuenoteError(f"{where}: give either days or business_days")
    count = days if days is not None else business
    if not isinstance(count, int) or isinstance(count, bool) or not 0 < count <= 3650:
        raise IssuenoteError(f"{where}: the period must be a whole number of days (1-3650)")
    note = table.get("note")
    return Rule(
        code=code,
        **{name: table[name] for name in _FIELDS},
        days=days,
        business_days=business,
        note=note if isinstance(note, str) else None,
    )


def clock(
    rule: Rule | None, first_contact: datetime | None, now: datetime
) -> dict[str, Any] | None:
    """The case's complaint clock: age since first contact, and the rule's deadline if any."""
    if first_contact is None:
        return None
    facts: dict[str, Any] = {"first_contact": first_contact, "age": now - first_contact}
    if rule is not None:
        deadline = rule.deadline(first_contact)
        facts.update(
            jurisdiction=rule.code,
            rule=rule.rule,
            period=rule.period(),
            deadline=deadline,
            may_escalate=now >= deadline,
            escalate_to=rule.escalate_to,
            escalate_url=rule.escalate_url,
            source=rule.source,
            note=rule.note,
        )
    return facts
