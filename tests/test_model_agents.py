"""`model.agents_of`: which entries name the same agent, pinned before it was made O(1).

The reference below is the original quadratic scan, kept verbatim: the
property test holds any faster version to exactly its answers (first match
wins, a bare name joins a numbered agent, IDs and names filled in later).
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from issuenote.model import agents_of


def reference_agents_of(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The original O(entries x agents) scan: each entry against every agent so far."""
    agents: list[dict[str, Any]] = []
    for entry in entries:
        name, agent_id = entry.get("agent"), entry.get("agent_id")
        if (not name and not agent_id) or entry.get("private"):
            continue
        match = next(
            (
                a
                for a in agents
                if (agent_id and a["agent_id"] == agent_id)
                or (
                    name
                    and a["name"]
                    and a["name"].casefold() == name.casefold()
                    and (not agent_id or not a["agent_id"])
                )
            ),
            None,
        )
        flags = [flag for flag in entry.get("flags") or [] if flag]
        if match is None:
            agents.append(
                {
                    "name": name,
                    "agent_id": agent_id,
                    "channel": entry["channel"],
                    "first_seen": entry["at"],
                    "flags": sorted(set(flags)),
                }
            )
        else:
            match["name"] = match["name"] or name
            match["agent_id"] = match["agent_id"] or agent_id
            match["flags"] = sorted(set(match["flags"]) | set(flags))
    return agents


def _entry(at: int, agent: str | None, agent_id: str | None, **extra: Any) -> dict[str, Any]:
    return {"agent": agent, "agent_id": agent_id, "channel": "chat", "at": f"t{at:04d}", **extra}


def test_bare_name_joins_the_numbered_agent_of_that_name() -> None:
    entries = [_entry(1, "Mina", "CS-1"), _entry(2, "mina", None), _entry(3, "MINA", "CS-2")]
    assert [(a["name"], a["agent_id"], a["first_seen"]) for a in agents_of(entries)] == [
        ("Mina", "CS-1", "t0001"),
        ("MINA", "CS-2", "t0003"),
    ]


def test_an_id_fills_the_first_unnumbered_agent_of_that_name() -> None:
    entries = [
        _entry(1, "Kevin", None),
        _entry(2, None, "CS-9"),  # an ID alone: a new agent, nameless
        _entry(3, "kevin", "CS-9"),  # matches both; the first (Kevin) takes the ID
        _entry(4, None, "CS-9"),
    ]
    assert [(a["name"], a["agent_id"]) for a in agents_of(entries)] == [
        ("Kevin", "CS-9"),
        (None, "CS-9"),
    ]


def test_a_name_fills_a_nameless_agent_and_flags_gather() -> None:
    entries = [
        _entry(1, None, "CS-5", flags=["scam-risk"]),
        _entry(2, "Lily", "CS-5", flags=["", "unverified-channel"]),
        _entry(3, "LILY", None),
        _entry(4, "Tom", None, private=True),
        _entry(5, None, None),
    ]
    assert agents_of(entries) == [
        {
            "name": "Lily",
            "agent_id": "CS-5",
            "channel": "chat",
            "first_seen": "t0001",
            "flags": ["scam-risk", "unverified-channel"],
        }
    ]


_names = st.sampled_from([None, "", "Mina", "mina", "MINA", "Kevin", "kevin", "ß", "SS", "ss"])
_ids = st.sampled_from([None, "", "CS-1", "CS-2", "CS-3"])
_flags = st.lists(st.sampled_from(["", "scam-risk", "unverified-channel"]), max_size=2)


@st.composite
def _entries(draw: st.DrawFn) -> list[dict[str, Any]]:
    count = draw(st.integers(min_value=0, max_value=30))
    return [
        _entry(
            at,
            draw(_names),
            draw(_ids),
            flags=draw(_flags),
            private=draw(st.sampled_from([False, False, False, True])),
        )
        for at in range(count)
    ]


@settings(max_examples=400, deadline=None)
@given(_entries())
def test_same_answers_as_the_reference(entries: list[dict[str, Any]]) -> None:
    assert agents_of(entries) == reference_agents_of(entries)
