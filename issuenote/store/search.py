"""Full-text search over the notebook's FTS5 (trigram) indexes.

Four indexes, built and kept in step by triggers: entries (text, suggestion,
via, agent, agent ID, ticket, escalation target; a private entry, every field
of it sealed, is left out whole; deleted entries stay indexed but are never
returned), transactions (TxID, order ID, chain, network, asset, address,
memo) and cases (title, description, platform, tags), all three from
migration m003; and attachments (original file name, caption; a private one
is left out whole) from m009.

The trigram tokenizer finds any substring of three characters or more, in any
script, so Chinese and Korean need no word splitting. A shorter term (小时,
입금, "ok") cannot be a trigram query: it is matched through the index's
vocabulary, every indexed trigram that starts with it (each indexed value ends
with two spaces, so every occurrence starts one); only a term too common for
that (one Latin letter) falls back to scanning rows, newest first.
"""

from __future__ import annotations

import sqlite3
from typing import Any, NamedTuple

from issuenote.errors import IssuenoteError
from issuenote.parse.searchquery import Term, fts_phrase
from issuenote.store.schema import ENTRY_ID_BITS

# A short term matching more trigrams than this is looked for by a scan instead.
MAX_EXPANSION = 400
# `--rank` scores at most this many of the newest hits with bm25: ranking
# every hit of a common word (hundreds of thousands) takes seconds; scoring
# 2,000 hits took 0.3 s at a million entries on a busy two-core machine.
RANK_WINDOW = 1000
# An entry's key in its index is (minutes since 1970) << ENTRY_ID_BITS | id
# (migration m003): the index streams hits newest first.
ENTRY_ID_MASK = (1 << ENTRY_ID_BITS) - 1
# The last code point: `term < prefix || MAX_CHAR` bounds a prefix range.
_MAX_CHAR = "\U0010ffff"


class Source(NamedTuple):
    """One searchable table and its index."""

    kind: str  # what a hit is called: case, entry, transaction, attachment
    index: str
    # What the index holds, as SQL over the scanned rows, for the fallback scan:
    # '' for what the index leaves out (anything private).
    scanned: tuple[str, ...]
    from_clause: str  # for a scan of rows; r is the row, c its case
    match_from: str  # the same through the index (s, or r for cases)
    match_column: str
    at: str  # the time a hit is dated by (storage UTC)
    select: str


_ENTRY = Source(
    kind="entry",
    index="entry_search",
    # A private entry's fields are all sealed: nothing to find.
    scanned=tuple(
        f"CASE WHEN r.private THEN '' ELSE coalesce(r.{name}, '') END"
        for name in ("text", "suggests", "via", "agent", "agent_id", "ticket", "escalated_to")
    ),
    from_clause="entries r JOIN cases c ON c.id = r.case_id",
    match_from=f"entry_search s JOIN entries r ON r.id = (s.rowid & {ENTRY_ID_MASK}) "
    "JOIN cases c ON c.id = r.case_id",
    match_column="s.entry_search",
    at="r.at",
    # A hit names an entry by its number in the case (what `show`, `amend` and `done` take).
    select="r.number AS id, r.id AS entry_row, r.case_id, r.kind AS entry_kind, r.at AS at, "
    "c.title, r.private, "
    "r.text, r.suggests, r.via, r.agent, r.agent_id, r.ticket, r.escalated_to",
)
_TRANSACTION = Source(
    kind="transaction",
    index="transaction_search",
    scanned=tuple(
        f"coalesce(r.{name}, '')"
        for name in ("txid", "order_id", "chain", "network", "asset", "address", "memo")
    ),
    from_clause="transactions r JOIN cases c ON c.id = r.case_id",
    match_from="transaction_search s JOIN transactions r ON r.id = s.rowid "
    "JOIN cases c ON c.id = r.case_id",
    match_column="s.transaction_search",
    at="coalesce(r.at, r.created_at)",
    select="r.id AS id, r.case_id, NULL AS entry_kind, coalesce(r.at, r.created_at) AS at, "
    "c.title, 0 AS private, r.txid, r.order_id, r.chain, r.network, r.asset, r.address, "
    "r.memo",
)
_CASE = Source(
    kind="case",
    index="case_search",
    scanned=tuple(
        f"coalesce(r.{name}, '')" for name in ("title", "description", "platform", "tags")
    ),
    from_clause="case_search r JOIN cases c ON c.id = r.rowid",
    match_from="case_search r JOIN cases c ON c.id = r.rowid",
    match_column="r.case_search",
    at="c.updated_at",
    select="NULL AS id, c.id AS case_id, NULL AS entry_kind, c.updated_at AS at, c.title, "
    "0 AS private, c.title AS title_text, c.description, c.platform, r.tags",
)
# A private attachment's name is sealed, and so is its entry's caption.
_SEALED_ATTACHMENT = "r.private OR e.private"
_ATTACHMENT = Source(
    kind="attachment",
    index="attachment_search",
    scanned=(
        f"CASE WHEN {_SEALED_ATTACHMENT} THEN '' ELSE r.name END",
        f"CASE WHEN {_SEALED_ATTACHMENT} OR e.kind != 'attachment' THEN '' "
        "ELSE coalesce(e.text, '') END",
    ),
    from_clause="attachments r JOIN entries e ON e.id = r.entry_id "
    "JOIN cases c ON c.id = r.case_id",
    match_from="attachment_search s JOIN attachments r ON r.id = s.rowid "
    "JOIN entries e ON e.id = r.entry_id JOIN cases c ON c.id = r.case_id",
    match_column="s.attachment_search",
    at="e.at",
    # A hit names the attachment by its number in the case (what `open` and
    # `rm --attachment` take) and the entry it came with by that entry's number.
    select="r.number AS id, e.id AS entry_row, r.case_id, e.kind AS entry_kind, "
    "e.number AS entry, "
    "(SELECT about.number FROM entries about WHERE about.id = r.about_entry_id) AS about_entry, "
    "e.at AS at, c.title, "
    f"({_SEALED_ATTACHMENT}) AS private, r.name, "
    "CASE WHEN e.kind = 'attachment' THEN e.text END AS caption",
)
SOURCES = (_ENTRY, _TRANSACTION, _CASE, _ATTACHMENT)
# What each hit's snippet is made of, in order.
BODY_COLUMNS = {
    "entry": ("text", "suggests", "via", "agent", "agent_id", "ticket", "escalated_to"),
    "transaction": ("txid", "order_id", "chain", "network", "asset", "address", "memo"),
    "case": ("title_text", "description", "platform", "tags"),
    "attachment": ("name", "caption"),
}


class _UnknownColumn(Exception):
    """A raw (--fts) query names a column this source's index does not have."""


class Filters(NamedTuple):
    case_id: int | None = None
    platform: str | None = None
    since: str | None = None  # storage UTC
    # Entry kinds, "case", "transaction"; empty: all. "attachment" is both an
    # entry kind and the attachments' own source.
    kinds: frozenset[str] = frozenset()


def run_search(
    conn: sqlite3.Connection,
    terms: list[Term] | None,
    *,
    raw: str | None = None,
    filters: Filters,
    limit: int,
    rank: bool = False,
) -> list[dict[str, Any]]:
    """Hits from every source, newest first (or best first with `rank`), at most `limit`."""
    hits: list[dict[str, Any]] = []
    unknown: list[str] = []  # --fts column filters that a source's index does not have
    wanted = [source for source in SOURCES if _wanted(source, filters.kinds)]
    for source in wanted:
        try:
            hits += _search_source(conn, source, terms, raw, filters, limit, rank)
        except _UnknownColumn as error:
            unknown.append(str(error))
    if unknown and len(unknown) == len(wanted):  # a column no index has
        raise IssuenoteError(f"bad full-text query {raw!r}: {unknown[0]}")
    hits = _without_repeats(hits)
    if rank:
        hits.sort(key=lambda hit: (hit["score"], _newest(hit)))
    else:
        hits.sort(key=_newest)
    hits = hits[:limit]
    for hit in hits:
        hit["body"] = [
            value
            for column in BODY_COLUMNS[hit["kind"]]
            if (value := _readable(hit, column)) and value.strip()
        ]
    return hits


def _without_repeats(hits: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Drop an attachment entry's hit when its attachments are hits themselves.

    An attachment's caption is its entry's text, indexed with the entries
    too: the attachment hit says all the entry hit would, and names the file.
    Each source gave its own newest hits, so what is dropped here is never
    needed to fill the limit.
    """
    shown = {hit["entry_row"] for hit in hits if hit["kind"] == "attachment"}
    return [
        hit
        for hit in hits
        if not (
            hit["kind"] == "entry"
            and hit["entry_kind"] == "attachment"
            and hit["entry_row"] in shown
        )
    ]


def _newest(hit: dict[str, Any]) -> tuple[Any, ...]:
    # Reverse order by time, then by id within the same second (an entry's
    # attachments in their order); as a sort key.
    return (
        _reverse(hit["at"] or ""),
        -(hit.get("entry_row") or hit["id"] or 0),
        hit["id"] if hit["kind"] == "attachment" else 0,
        -hit["case_id"],
    )


def _reverse(text: str) -> tuple[int, ...]:
    return tuple(-ord(ch) for ch in text)


def _readable(hit: dict[str, Any], column: str) -> str | None:
    if hit.get("private"):
        return None  # every field of a private entry is stored sealed: never shown
    value = hit.get(column)
    return value.rstrip() if isinstance(value, str) else None


def _wanted(source: Source, kinds: frozenset[str]) -> bool:
    if not kinds:
        return True
    if source.kind == "entry":  # "attachment" is an entry kind as well
        return bool(kinds - {"case", "transaction"})
    return source.kind in kinds


def _search_source(
    conn: sqlite3.Connection,
    source: Source,
    terms: list[Term] | None,
    raw: str | None,
    filters: Filters,
    limit: int,
    rank: bool,
) -> list[dict[str, Any]]:
    where, params = _filter_clauses(source, filters)
    scans: list[Term] = []
    if raw is not None:
        match = raw
    else:
        assert terms is not None
        clauses = []
        for term in terms:
            clause = _term_clause(conn, source, term)
            if clause == "":
                return []  # a word the index has never seen: no hit here
            if clause is None:
                scans.append(term)
            else:
                clauses.append(clause)
        match = " AND ".join(clauses)
    for number, term in enumerate(scans):
        where.append(f"instr({_haystack(source)}, :scan{number}) > 0")
        params[f"scan{number}"] = term.text.lower()
    params["limit"] = limit
    order = f"{source.at} DESC, {'r.id' if source.kind != 'case' else 'c.id'} DESC"
    if source.kind == "attachment":  # an entry's attachments in their order
        order = f"{source.at} DESC, e.id DESC, r.number"
    if not match:  # only very short, very common terms: scan rows, newest first
        clause = " AND ".join(where) or "1"
        sql = f"SELECT {source.select}, 0 AS score FROM {source.from_clause} WHERE {clause} "
        sql += f"ORDER BY {order} LIMIT :limit"
    else:
        params["match"] = match
        clause = " AND ".join([f"{source.match_column} MATCH :match", *where])
        joined = source.match_from
        index_row = source.match_column.split(".")[0] + ".rowid"
        if rank:
            params["window"] = RANK_WINDOW
            sql = (
                f"SELECT * FROM (SELECT {source.select}, bm25({source.index}) AS score "
                f"FROM {joined} WHERE {clause} ORDER BY {index_row} DESC "
                "LIMIT :window) ORDER BY score LIMIT :limit"
            )
        elif source.kind == "entry":
            # The index's rowid sorts by time: stream the newest hits, stop at the limit.
            sql = (
                f"SELECT {source.select}, 0 AS score, s.rowid AS index_key FROM {joined} "
                f"WHERE {clause} ORDER BY s.rowid DESC LIMIT :limit"
            )
        else:
            sql = (
                f"SELECT {source.select}, 0 AS score FROM {joined} WHERE {clause} "
                f"ORDER BY {order} LIMIT :limit"
            )
    try:
        rows = [dict(row) for row in conn.execute(sql, params).fetchall()]
        if rows and "index_key" in rows[-1] and len(rows) == limit:
            rows += _same_minute(conn, sql, params, rows[-1]["index_key"])
    except sqlite3.OperationalError as error:
        if raw is None:
            raise
        if "no such column" in str(error):
            # A column filter for another index (agent: ..., name: ...) does not apply here.
            raise _UnknownColumn(str(error)) from None
        raise IssuenoteError(f"bad full-text query {raw!r}: {error}") from None
    return [{**row, "kind": source.kind} for row in rows]


def _same_minute(
    conn: sqlite3.Connection, sql: str, params: dict[str, Any], last_key: int
) -> list[dict[str, Any]]:
    """Hits in the same minute as the last one kept, older in id: the key orders by
    minute then id, so one of them may be seconds newer; the final sort decides."""
    floor = (last_key >> ENTRY_ID_BITS) << ENTRY_ID_BITS
    bounded = sql.replace(
        "ORDER BY s.rowid DESC LIMIT :limit",
        "AND s.rowid >= :floor AND s.rowid < :last ORDER BY s.rowid DESC",
    )
    rows = conn.execute(bounded, {**params, "floor": floor, "last": last_key}).fetchall()
    return [dict(row) for row in rows]


def _filter_clauses(source: Source, filters: Filters) -> tuple[list[str], dict[str, Any]]:
    where: list[str] = []
    params: dict[str, Any] = {}
    if filters.case_id is not None:
        where.append("c.id = :case")
        params["case"] = filters.case_id
    if filters.platform:
        where.append("c.platform = :platform COLLATE NOCASE")
        params["platform"] = filters.platform
    if filters.since:
        where.append(f"{source.at} >= :since")
        params["since"] = filters.since
    if source.kind == "attachment":
        where.append("e.deleted_at IS NULL")  # nor an attachment of one
    if source.kind == "entry":
        where.append("r.deleted_at IS NULL")  # a tombstone (`rm CASE N`) is not found
        entry_kinds = sorted(filters.kinds - {"case", "transaction"})
        if entry_kinds:
            marks = ", ".join(f":kind{i}" for i in range(len(entry_kinds)))
            where.append(f"r.kind IN ({marks})")
            params.update({f"kind{i}": kind for i, kind in enumerate(entry_kinds)})
    return where, params


def _haystack(source: Source) -> str:
    return "lower(" + " || char(31) || ".join(source.scanned) + ")"


def _term_clause(conn: sqlite3.Connection, source: Source, term: Term) -> str | None:
    """The FTS5 expression for one term; '' when nothing can match, None to scan instead."""
    if not term.short:
        return term.phrase()
    vocabulary = f"{source.index}_terms"
    conn.execute(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{vocabulary} "
        f"USING fts5vocab(main, {source.index}, 'row')"
    )
    prefix = term.text.lower()
    rows = conn.execute(
        f"SELECT term FROM temp.{vocabulary} WHERE term >= ? AND term < ? LIMIT ?",
        (prefix, prefix + _MAX_CHAR, MAX_EXPANSION + 1),
    ).fetchall()
    if len(rows) > MAX_EXPANSION:
        return None
    if not rows:
        return ""
    return "(" + " OR ".join(fts_phrase(row[0]) for row in rows) + ")"
