"""The last check before a summary leaves: no secret in any user-written text.

Texts were screened when they entered the notebook, but a notebook can also
be filled by import, or by an older version; every export screens again and
masks what it finds, whatever the flags.
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Iterable, Iterator
from typing import Any

# User-written fields; ids, times, txids, amounts and the account are not prose.
CASE_TEXT = ("title", "description", "platform")
ENTRY_TEXT = ("text", "suggests", "via", "agent", "agent_id", "ticket", "escalated_to")


# find_secrets is a pure function of the text: an export remembers its answers,
# so a text met again (an agent's name or ID, a ticket on every entry of its
# case, a sentence a user keeps writing) is scanned once. Short texts (tickets,
# IDs, names) and sentences are kept apart, so the stream of one-off tickets
# does not push the sentences out; a sentence met twice moves to a memo of its
# own, which one-off sentences cannot push out either. Each memo is bounded and
# starts afresh when full: a few MB, whatever the size of the notebook.
SHORT_TEXT_CHARS = 40
SHORT_MEMO_SIZE = 20_000
MEMO_TEXT_CHARS = 2_000
MEMO_CHARS = 1_000_000
_CLEAN = (None, 0)  # remembered "no secret": the text itself is the answer


class _Memo:
    """Remembered scan results, up to `size` texts or `MEMO_CHARS` characters of them."""

    __slots__ = ("chars", "results", "size")

    def __init__(self, size: int) -> None:
        self.results: dict[str, tuple[str | None, int]] = {}
        self.size = size
        self.chars = 0

    def keep(self, value: str, result: tuple[str | None, int]) -> None:
        if self.chars + len(value) > MEMO_CHARS or len(self.results) >= self.size:
            self.results.clear()
            self.chars = 0
        self.results[value] = result
        self.chars += len(value)

    def take(self, value: str) -> tuple[str | None, int] | None:
        """The remembered result, forgotten here (it moves to another memo)."""
        result = self.results.pop(value, None)
        if result is not None:
            self.chars -= len(value)
        return result


class ScanMemo:
    """find_secrets results for texts seen before in one export run.

    find_secrets is a pure function of the text, so a remembered answer is
    the answer: nothing is skipped, only not computed twice.
    """

    def __init__(self) -> None:
        self.short = _Memo(SHORT_MEMO_SIZE)
        self.long = _Memo(MEMO_CHARS)  # sentences seen once
        self.repeated = _Memo(MEMO_CHARS)  # sentences seen more than once
        # Answers found elsewhere (export --all's helper process) for the batch
        # being screened, whatever their length; replaced batch by batch.
        self.given: dict[str, tuple[str | None, int]] = {}

    def knows(self, value: str) -> bool:
        """Whether `value`'s answer is remembered (no scan needed)."""
        if len(value) <= SHORT_TEXT_CHARS:
            return value in self.short.results
        return value in self.repeated.results or value in self.long.results

    def clean(self, value: str) -> tuple[str, int]:
        """`value` with its secrets masked, and how many there were."""
        if self.given:
            known = self.given.get(value)
            if known is not None:
                return _applied(value, known)
        if len(value) <= SHORT_TEXT_CHARS:
            memo = self.short
            known = memo.results.get(value)
        else:
            memo = self.long
            known = self.repeated.results.get(value)
            if known is None:
                known = memo.take(value)
                if known is not None:
                    self.repeated.keep(value, known)
        if known is None:
            known = scanned(value)
            if len(value) <= MEMO_TEXT_CHARS:
                memo.keep(value, known)
        return _applied(value, known)


def scanned(text: str) -> tuple[str | None, int]:
    """find_secrets' answer as the memo keeps it: (masked text, count), or `_CLEAN`."""
    from issuenote.safety import guard

    findings = guard.find_secrets(text)
    return (guard.redact(text, findings), len(findings)) if findings else _CLEAN


def _applied(value: str, answer: tuple[str | None, int]) -> tuple[str, int]:
    cleaned, found = answer
    return (value, 0) if cleaned is None else (cleaned, found)


def _text_at(holder: Any, key: Any) -> Any:
    """The value of a slot of `text_slots` (a record may lack an optional field)."""
    return holder.get(key) if isinstance(holder, dict) else holder[key]


def text_slots(doc: dict[str, Any]) -> Iterator[tuple[Any, Any]]:
    """Where a case document holds user-written text, as (holder, key) pairs, each once.

    The case's texts and tags, its entries' (open steps and deleted entries
    too) and their earlier versions', its tickets and agents, and the
    attachments' captions: `export --all` writes them all. An entry listed
    twice (in entries and in open_steps, the same record) is given once.
    """
    for key in CASE_TEXT:
        yield doc, key
    if "request" in doc:  # what the user asks support to do: their words too
        yield doc, "request"
    tags = doc.get("tags") or []
    for index in range(len(tags)):
        yield tags, index
    seen: set[int] = set()
    for group in ("entries", "open_steps", "deleted_entries"):
        for entry in doc.get(group) or []:
            if id(entry) in seen:
                continue
            seen.add(id(entry))
            for version in (entry, *(entry.get("revisions") or ())):
                for key in ENTRY_TEXT:
                    yield version, key
    for ticket in doc.get("tickets") or []:
        yield ticket, "ticket"
    for agent in doc.get("agents") or []:
        yield agent, "name"
        yield agent, "agent_id"
    for attachment in doc.get("attachments") or []:  # a caption is its entry's text again
        if "caption" in attachment:
            yield attachment, "caption"


def screen_document(
    doc: dict[str, Any], *, in_place: bool = False, memo: ScanMemo | None = None
) -> tuple[dict[str, Any], int]:
    """`doc` (a copy unless `in_place`) with every secret masked, and how many were masked.

    Every text of `text_slots` is screened. `in_place` is for a document
    nobody else holds (export --all builds one per case): it spares a deep
    copy of every case.
    """
    scan = (memo or ScanMemo()).clean
    masked = 0
    result = doc if in_place else copy.deepcopy(doc)
    if "tags" in result:
        result["tags"] = list(result["tags"] or [])  # a list of our own to write into
    for holder, key in text_slots(result):
        value = _text_at(holder, key)
        if isinstance(value, str) and value:
            value, found = scan(value)
            masked += found
        holder[key] = value
    return result, masked


# export --all: the scan of one batch of cases runs in a helper process while
# this one writes the batch before and reads the batch after, so the two use
# both cores. A batch is cases until about this many texts are new to the memo.
BATCH_TEXTS = 2_000
# Seconds without an answer after which the helper counts as stuck (a batch takes ms).
PATIENCE = 60.0


def screened_documents(
    docs: Iterable[dict[str, Any]], memo: ScanMemo, *, helper: bool = True
) -> Iterator[dict[str, Any]]:
    """Each of `docs`, screened in place as `screen_document` does, in the same order.

    Every text is still scanned (by find_secrets, a pure function): here, or
    in a helper process forked for it, whose answers are the memo's while the
    batch is screened. The helper scans one batch while this process writes
    the batch before and reads the batch after. A helper that cannot start,
    dies or stalls leaves its batch and the rest to this process;
    `helper=False` scans everything here.
    """
    scanner: _Scanner | None = None
    waiting: tuple[list[dict[str, Any]], list[str]] | None = None
    batch: list[dict[str, Any]] = []
    new_texts: dict[str, None] = {}
    for doc in docs:
        batch.append(doc)
        for holder, key in text_slots(doc):
            value = _text_at(holder, key)
            if isinstance(value, str) and value and not memo.knows(value):
                new_texts[value] = None
        if len(new_texts) < BATCH_TEXTS:
            continue
        if scanner is None and helper:  # a notebook of one batch is scanned here
            scanner = _Scanner()
        ready = (batch, list(new_texts))
        yield from _hand_over(waiting, ready, memo, scanner)
        waiting, batch, new_texts = ready, [], {}
    last = (batch, list(new_texts))
    yield from _hand_over(waiting, last, memo, scanner)
    yield from _hand_over(last, None, memo, scanner)
    if scanner is not None:
        scanner.close()


def _hand_over(
    done: tuple[list[dict[str, Any]], list[str]] | None,
    new: tuple[list[dict[str, Any]], list[str]] | None,
    memo: ScanMemo,
    scanner: _Scanner | None,
) -> Iterator[dict[str, Any]]:
    """Take the answers for the batch `done`, give the helper `new`, then screen `done`."""
    answers = scanner.receive() if scanner is not None and done is not None else None
    if scanner is not None and new is not None:
        scanner.send(new[1])
    if done is None:
        return
    batch, texts = done
    if answers is not None and len(answers) == len(texts):
        memo.given = dict(zip(texts, answers, strict=True))
        for text, answer in memo.given.items():  # tickets, IDs, names: met again later
            if len(text) <= SHORT_TEXT_CHARS:
                memo.short.keep(text, answer)
    for doc in batch:
        yield screen_document(doc, in_place=True, memo=memo)[0]
    memo.given = {}


class _Scanner:
    """A forked helper answering find_secrets for lists of texts, or nothing at all."""

    def __init__(self) -> None:
        self.connection: Any = None
        self.process: Any = None
        try:
            import multiprocessing

            context = multiprocessing.get_context("fork")
            ours, theirs = context.Pipe()
            process = context.Process(target=_serve, args=(theirs, ours), daemon=True)
            process.start()
            theirs.close()
        except (ImportError, OSError, ValueError):  # no fork here: every text is scanned here
            return
        self.connection, self.process = ours, process

    def send(self, texts: list[str]) -> None:
        if self.connection is None:
            return
        try:
            self.connection.send(texts)
        except (OSError, ValueError):
            self.close()

    def receive(self) -> list[tuple[str | None, int]] | None:
        """The answers to the texts sent last; None when the helper is gone (scan here)."""
        if self.connection is None:
            return None
        try:
            if self.connection.poll(PATIENCE):
                answers = self.connection.recv()
                if isinstance(answers, list):
                    return answers
        except (OSError, EOFError, ValueError):
            pass
        self.close()
        return None

    def close(self) -> None:
        connection, process = self.connection, self.process
        self.connection = self.process = None
        if connection is not None:
            with contextlib.suppress(OSError, ValueError):
                connection.send(None)  # done: the helper ends at once
            connection.close()
        if process is not None:
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
                process.join()


def _serve(connection: Any, parents_end: Any) -> None:
    """The helper: for each list of texts, each text's answer (`scanned`)."""
    parents_end.close()  # forked with us: kept open here, the pipe would never end
    while True:
        try:
            texts = connection.recv()
        except (EOFError, OSError, KeyboardInterrupt):  # the export ended, or was stopped
            return
        if texts is None:
            return
        connection.send([scanned(text) for text in texts])
