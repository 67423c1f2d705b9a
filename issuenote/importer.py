"""Read an export file into checked records, ready to merge into a notebook.

`issuenote import FILE` takes what `export --all --format json` writes (a
whole notebook) or what `export CASE --format json` writes (one case). The
file is parsed and every field is checked here, with the rules the recording
commands apply (statuses, kinds, channels, times with offsets, exact amounts,
txids, no secrets), before anything is committed: a bad file is refused as a
whole, with the line and the reason, and the notebook is not touched. (A big
file is checked beside the merge, CheckedBeside: the merge's one transaction
commits only after the check's verdict.)

Values come out in storage form (UTC times, canonical amounts), so merging is
a plain comparison. Pure: sqlite and the CLI are not imported; the validators
of `issuenote.actions` are imported on first use.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, NoReturn

from issuenote.errors import IssuenoteError
from issuenote.model import CASE_FIELDS, ENTRY_FIELDS, TRANSACTION_FIELDS
from issuenote.parse import timeparse

if TYPE_CHECKING:
    from issuenote.safety.screening import Screens

NOTEBOOK_FORMAT = "issuenote-notebook"
# Only a file read whole (one case, or an odd layout) is held in memory, so only it has a cap;
# a notebook export is read case by case at any size.
MAX_IMPORT_BYTES = 512 * 1024 * 1024
# A refusal names the line when the file is at most this big (finding it reads the file whole).
# From this size the secret scan runs in a helper process beside the parse (both cores).
HELPER_BYTES = 8 * 1024 * 1024
LINE_LOOKUP_BYTES = 64 * 1024 * 1024
MAX_WARNING_CHARS = 2000
# Short one-line values checked once per import run, up to this many of them.
MEMO_CHARS = 80
MEMO_SIZE = 20_000
_UNSEEN = object()


_NOTEBOOK_KEYS = frozenset(
    {"format", "schema_version", "notebook", "exported_at", "includes_private", "cases"}
)
# Keys the exporter derives from the rest (or numbers locally): read past, never stored.
_CASE_DERIVED = frozenset(
    {
        "schema_version",
        "id",
        "redacted",
        "tickets",
        "agents",
        "open_steps",
        "unreadable",
        "chain_head",
    }
)
_CASE_KEYS = frozenset(
    {
        "uuid",
        *CASE_FIELDS,
        "tags",
        "created_at",
        "updated_at",
        "entries",
        "deleted_entries",
        "transactions",
        "attachments",
    }
    | _CASE_DERIVED
)
# An attachment's facts; the rest (local ids, exhibit name, time, caption) is derived here.
_ATTACHMENT_KEYS = frozenset(
    {
        "number",
        "uuid",
        "entry_id",
        "entry_uuid",
        "about_entry_id",
        "about_entry_number",
        "name",
        "size",
        "media_type",
        "sha256",
        "original_sha256",
        "caption",
        "private",
        "source",
        "at",
        "findings",
        "exhibit",
    }
)
_ENTRY_KEYS = frozenset({"id", "uuid", "number", "deleted_at", "revisions", *ENTRY_FIELDS})
_REVISION_KEYS = frozenset({"revision", "change", "made_at", *ENTRY_FIELDS})
# id_type is what exports write beside the stored fields (derived): read, not kept.
_TRANSACTION_KEYS = frozenset(
    {"id", "uuid", *TRANSACTION_FIELDS, "explorer_url", "memo_missing", "id_type"}
)

# Which kinds of entry may carry which optional fields, as the recording commands write them.
_ONLY_ON = {
    "due": ("step",),
    "promised_by": ("reply",),
    "done_at": ("step",),
    "suggests": ("reply",),
    "agent": ("reply",),
    "agent_id": ("reply",),
    "escalated_to": ("escalation",),
    "new_status": ("status", "escalation"),
}
_TEXT_REQUIRED = ("note", "reply", "step")

_TIME_WITH_OFFSET = re.compile(
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})", re.ASCII
)
_FLAG = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}", re.ASCII)
# A UUID already in the form uuid_text gives back: no need to parse it to know.
_CANONICAL_UUID = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.ASCII
)
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class ImportedRevision:
    """An earlier version of an entry: `fields` as they were, in storage form."""

    revision: int
    change: str
    made_at: str
    fields: dict[str, Any]
    where: str


@dataclass(frozen=True)
class ImportedEntry:
    uuid: str
    id: int | None
    fields: dict[str, Any]
    where: str
    number: int | None = None
    deleted_at: str | None = None
    revisions: tuple[ImportedRevision, ...] = ()
    # The chain's content hashes of the entry as an import stores it (stored_entry,
    # created at ExportFile.imported_at): its "add" link, then its "import" link when
    # it has revisions. Worked out only by a check beside the merge (CheckedBeside);
    # empty otherwise, and for an entry with anything private (sealed in the merge).
    digests: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImportedTransaction:
    uuid: str
    id: int | None
    fields: dict[str, Any]
    where: str


@dataclass(frozen=True)
class ImportedAttachment:
    """An attachment's record; its file comes from an archive or is already here."""

    uuid: str
    number: int | None
    entry_uuid: str
    name: str
    size: int
    media_type: str
    sha256: str
    original_sha256: str | None
    private: bool
    source: str
    findings: tuple[str, ...]
    where: str


@dataclass(frozen=True)
class ImportedCase:
    uuid: str
    id: int | None
    fields: dict[str, Any]
    tags: tuple[str, ...]
    created_at: str
    updated_at: str
    entries: tuple[ImportedEntry, ...]
    transactions: tuple[ImportedTransaction, ...]
    where: str
    # The export masked the account: it says nothing about the real one.
    account_masked: bool = False
    # Fields the exporting notebook could not decrypt (no key there).
    unreadable: tuple[str, ...] = ()
    attachments: tuple[ImportedAttachment, ...] = ()


@dataclass(frozen=True)
class ExportFile:
    """A checked export: every value in storage form."""

    source: str
    schema_version: int
    notebook_id: str | None
    exported_at: str | None
    includes_private: bool | None
    # A tuple, or (a file checked in a stream) a spool that reads the checked cases back.
    cases: Iterable[ImportedCase] = field(default_factory=tuple)
    single_case: bool = False
    # Encrypted fields the exporting notebook could not read, over all cases.
    unreadable_count: int = 0
    # The time the check began, in storage form: the merge stores it as the new rows'
    # created_at, which ImportedEntry.digests cover.
    imported_at: str | None = None

    @property
    def unreadable(self) -> int:
        """unreadable_count; a file checked beside the merge knows it once the merge is done."""
        if isinstance(self.cases, CheckedBeside):
            return self.cases.unreadable_count
        return self.unreadable_count


def stored_entry(
    entry_uuid: str, fields: dict[str, Any], deleted_at: str | None, created_at: str
) -> dict[str, Any]:
    """An imported entry's row as the merge writes it, before sealing; id, case and number aside."""
    record: dict[str, Any] = {"uuid": entry_uuid, **fields}
    record["deleted_at"] = deleted_at
    # Most entries have neither: "[]" is what json.dumps writes for an empty list.
    flags, warnings = fields["flags"], fields["warnings"]
    record["flags"] = json.dumps(sorted(set(flags))) if flags else "[]"
    record["warnings"] = json.dumps(list(warnings), ensure_ascii=False) if warnings else "[]"
    record["private"] = 1 if fields["private"] else 0
    record["created_at"] = created_at
    return record


def stored_revision_fields(fields: dict[str, Any]) -> str:
    """A revision's fields as entry_revisions keeps them (private texts already sealed)."""
    return json.dumps(fields, ensure_ascii=False, sort_keys=True)


def _entry_digests(
    entry_uuid: str,
    fields: dict[str, Any],
    deleted_at: str | None,
    revisions: list[ImportedRevision],
    created_at: str,
) -> tuple[str, ...]:
    """The content hashes the merge's chain links will carry for this entry (see digests).

    Worked out here, during the check, so that a big import's merge (which
    waits for nothing else) need not read each entry back to hash it.
    """
    if fields["private"] or any(revision.fields["private"] for revision in revisions):
        return ()
    from issuenote.evidence.chain import entry_digest

    row = stored_entry(entry_uuid, fields, deleted_at, created_at)
    digests = [entry_digest(row)]
    if revisions:
        history = [
            {
                "revision": revision.revision,
                "change": revision.change,
                "made_at": revision.made_at,
                "fields": stored_revision_fields(revision.fields),
            }
            for revision in revisions
        ]
        digests.append(entry_digest(row, (), history))
    return tuple(digests)


# -- reading ------------------------------------------------------------------


def parse_export(data: bytes, *, source: str, now: datetime | None = None) -> ExportFile:
    """Parse and check a whole export; IssuenoteError names the line and the reason."""
    if len(data) > MAX_IMPORT_BYTES:
        raise IssuenoteError(
            f"cannot import {source}: {len(data):,} bytes is more than the "
            f"{MAX_IMPORT_BYTES:,} an export can be"
        )
    text = _decode(data, source)
    document = _parse_json(text, source)
    return _Checker(text, source, now or timeparse.utc_now()).export(document)


def check_export_file(
    path: str,
    *,
    source: str,
    now: datetime | None = None,
    helper: bool | None = None,
    beside: bool = False,
) -> ExportFile:
    """Check an export file of any size; its cases are read back from a private spool.

    A notebook export is parsed case by case (_CaseReader), and
    each case is checked as `parse_export` checks it and set aside in an
    unnamed temporary file: memory stays flat, and nothing is written to the
    notebook until the whole file has passed. Iterating `cases` of the result
    reads the checked cases back, in file order, for the merge. A file of
    another shape (one case, or a notebook whose top-level fields follow its
    cases) is read whole by `parse_export`. The secret scan of a file of
    HELPER_BYTES or more (or whenever `helper` says so) runs in a second
    process beside the parse (issuenote.safety.screening).

    With `beside`, a file of HELPER_BYTES or more is checked by a forked
    process while the caller merges (CheckedBeside): this returns once the
    header has passed, and `cases` gives each case as soon as it has passed;
    the caller writes inside one transaction and commits only when the
    iteration ends, which is when the whole file has passed.
    """
    import os

    now = now or timeparse.utc_now()
    stream = _open_export(path)
    with stream:
        size = os.fstat(stream.fileno()).st_size
        start = _sniff(stream, source)
        header = _notebook_header(stream, start)
        if header is None:  # not the layout an export writes: read it whole
            stream.seek(0)
            data = stream.read()
            return parse_export(data, source=source, now=now)
        checker = _Checker(None, source, now, path=path if size <= LINE_LOOKUP_BYTES else None)
        checked_header = checker.header({**header, "cases": []})
        use_helper = helper if helper is not None else size >= HELPER_BYTES
        if beside and size >= HELPER_BYTES and hasattr(os, "fork"):
            cases = CheckedBeside.start(checker, stream, path, start, size, helper=use_helper)
            return ExportFile(**checked_header, cases=cases)
        spool = _CaseSpool()
        try:
            unreadable = _check_cases(checker, stream, path, start, size, spool, helper=use_helper)
        except BaseException:
            spool.close()
            raise
    return ExportFile(**checked_header, cases=spool, unreadable_count=unreadable)


def _check_cases(
    checker: _Checker,
    stream: Any,
    path: str,
    start: int,
    size: int,
    spool: _CaseSpool,
    *,
    helper: bool,
    sent: Callable[[bytes], object] | None = None,
) -> int:
    """Check every case of a notebook export into `spool` (and `sent`); the unreadable count.

    The first problem raises IssuenoteError, the earliest in the file when
    the secret scan runs in a helper process.
    """
    import pickle

    if helper:
        from issuenote.safety.screening import Screens

        checker.screens = Screens(helper=True)
    try:
        unreadable = 0
        stream.seek(start)
        for index, value in enumerate(_stream_cases(stream, checker.source, path, size)):
            case = checker.case(("cases", index), value)
            unreadable += len(case.unreadable)
            data = pickle.dumps(case, protocol=pickle.HIGHEST_PROTOCOL)
            spool.add_pickled(data)
            if sent is not None:
                sent(data)
        refusal = checker.finish_screens()
        if refusal is not None:
            checker.fail(*refusal)
        checker.unique_uuids(spool)
    except BaseException:
        if checker.screens is not None:
            checker.screens.close()
        raise
    return unreadable


class CheckedBeside:
    """The cases of an export as a forked process checks them, then the check's verdict.

    The check of a big file takes about a third of an import and the
    merge the rest, one core each, one after the other. Here the check runs
    in a child process (with its own helper for the secret scan) and sends
    each case down a pipe once it has passed; the merge writes it inside
    its one transaction meanwhile. The last message is the verdict: when
    the check refused the file, iterating raises its IssuenoteError before
    the iteration ends, so the merge rolls back and nothing is imported,
    exactly as when the check ran first. A merge that fails on its own
    calls `settle` first: the check's refusal, if any, is the one told.
    """

    def __init__(self, pid: int, reader: Any) -> None:
        self.pid = pid
        self.reader = reader
        self.verdict: tuple[str, Any] | None = None
        self.unreadable_count = 0

    @classmethod
    def start(
        cls, checker: _Checker, stream: Any, path: str, start: int, size: int, *, helper: bool
    ) -> CheckedBeside:
        import os

        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: check, send, and leave without the parent's clean-ups
            os.close(read_end)
            code = 1
            try:
                code = cls._check(checker, stream, path, start, size, write_end, helper=helper)
            finally:
                os._exit(code)
        os.close(write_end)
        return cls(pid, os.fdopen(read_end, "rb", buffering=1 << 16))

    @staticmethod
    def _check(
        checker: _Checker,
        stream: Any,
        path: str,
        start: int,
        size: int,
        write_end: int,
        *,
        helper: bool,
    ) -> int:
        import pickle
        import traceback

        checker.hashes_entries = True
        with open(write_end, "wb", buffering=1 << 16) as pipe:
            spool = _CaseSpool()
            try:
                unreadable = _check_cases(
                    checker, stream, path, start, size, spool, helper=helper, sent=pipe.write
                )
                verdict: tuple[str, Any] = ("passed", unreadable)
            except IssuenoteError as error:
                verdict = ("refused", str(error))
            except BrokenPipeError:  # the merge stopped: nobody is reading
                return 1
            except BaseException:
                verdict = ("crashed", traceback.format_exc())
            finally:
                spool.close()
            try:
                pickle.dump(verdict, pipe, protocol=pickle.HIGHEST_PROTOCOL)
                pipe.flush()
            except BrokenPipeError:
                return 1
        return 0 if verdict[0] == "passed" else 1

    def __iter__(self) -> Iterator[ImportedCase]:
        import pickle

        while self.verdict is None:
            try:
                item = pickle.load(self.reader)  # only ever what our own child wrote
            except (EOFError, pickle.UnpicklingError, OSError):
                item = ("crashed", "the check stopped before it was done")
            if isinstance(item, ImportedCase):
                yield item
            else:
                self.verdict = item
        self._raise_refusal()

    def settle(self) -> None:
        """Wait for the verdict (the rest of the cases are read past) and raise a refusal."""
        for _ in self:
            pass

    def _raise_refusal(self) -> None:
        assert self.verdict is not None
        outcome, detail = self.verdict
        if outcome == "passed":
            self.unreadable_count = int(detail)
            return
        if outcome == "refused":
            raise IssuenoteError(str(detail))
        raise RuntimeError(f"the check of the import file failed:\n{detail}")

    def close(self) -> None:
        """Stop the child if it still runs, and reap it."""
        import os
        import signal

        self.reader.close()
        try:
            if self.verdict is None and os.waitpid(self.pid, os.WNOHANG)[0] == 0:
                os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)  # after its verdict the child only exits
        except ChildProcessError:
            pass


def _open_export(name: str) -> Any:
    """The export file opened for reading, or one clear refusal (missing, a directory)."""
    import os
    import stat

    try:
        stream = open(name, "rb")  # noqa: SIM115 - the caller closes it
    except FileNotFoundError:
        raise IssuenoteError(f"cannot import {name}: no such file") from None
    except IsADirectoryError:
        raise IssuenoteError(f"cannot import {name}: it is a directory") from None
    except PermissionError:
        raise IssuenoteError(f"cannot import {name}: permission denied") from None
    except OSError as error:
        raise IssuenoteError(f"cannot import {name}: {error.strerror or error}") from None
    if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
        stream.close()
        raise IssuenoteError(f"cannot import {name}: not a regular file")
    return stream


def _sniff(stream: Any, source: str) -> int:
    """Refuse a file that is clearly something else; the offset the JSON starts at (after a BOM)."""
    head = stream.read(4096)
    kind = _foreign_kind(head) if head.strip() else None
    if not head.strip():
        while chunk := stream.read(1 << 20):  # only whitespace so far: is there anything?
            if chunk.strip():
                break
        else:
            kind = _foreign_kind(b"")
    if kind is not None:
        raise IssuenoteError(f"cannot import {source}: {kind}")
    return 3 if head.startswith(b"\xef\xbb\xbf") else 0


_HEADER_EVENTS = frozenset({"string", "number", "boolean", "null"})


def _notebook_header(stream: Any, start: int) -> dict[str, Any] | None:
    """The top-level fields written before "cases", or None when the file is not laid out so.

    An export writes its five top-level fields, then "cases": reading up to
    the cases is a few hundred bytes. A file without all five before the
    cases, a nested or repeated top-level field, or anything unparsable here,
    goes to the whole-file path, which explains the problem exactly.
    """
    import ijson

    stream.seek(start)
    header: dict[str, Any] = {}
    key = None
    try:
        events = ijson.parse(stream, use_float=True)
        if next(events, None) != ("", "start_map", None):
            return None
        for prefix, event, value in events:
            if prefix == "" and event == "map_key":
                if value in header:
                    return None
                key = value
            elif key == "cases" and prefix == "cases":
                if event != "start_array" or set(header) != _NOTEBOOK_KEYS - {"cases"}:
                    return None
                return header
            elif prefix == key and event in _HEADER_EVENTS:
                header[key] = value
            else:
                return None
    except (ijson.JSONError, ValueError, SystemError):
        return None
    return None


def _pairs_once(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object's pairs as a dict, refusing a key written twice (json.loads keeps the last).

    One call per object, and the dict built in C: comparing sizes finds a
    repeated key without a Python step per key.
    """
    result = dict(pairs)
    if len(result) < len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return result


# Bytes read at a time; a case longer than what is buffered doubles the next read.
# Small, because each read makes a new window string: 1 MB windows took the peak of a
# 10,000-case check from 47 to 53 MB (the allocator keeps what they leave behind).
_READ_BYTES = 1 << 18
# An error this close to the end of what is buffered may only mean the case goes on.
_NEAR_END = 16


class _CaseReader:
    """Reads "cases" one element at a time with json's C scanner, from a window of the file.

    The window holds the case being read and what follows it in the buffer;
    a case that runs past the window is read again with more of the file,
    so memory follows the largest case, not the file. The same decoder
    options as parse_export (repeated keys and NaN refused), so a file reads
    the same whichever way it is read.
    """

    def __init__(self, stream: Any) -> None:
        import codecs

        self.stream = stream
        self.utf8 = codecs.getincrementaldecoder("utf-8")()
        self.text = ""
        self.at = 0
        self.eof = False
        self.count = 0  # cases read so far
        self.decoder = json.JSONDecoder(object_pairs_hook=_pairs_once, parse_constant=_no_constants)

    def more(self, at_least: int | None = None) -> bool:
        """Add `at_least` (or _READ_BYTES) bytes of the file to the window; False at the end."""
        if self.eof:
            return False
        chunk = self.stream.read(at_least or _READ_BYTES)
        if not chunk:
            self.text = self.text[self.at :] + self.utf8.decode(b"", final=True)
            self.at = 0
            self.eof = True
            return False
        self.text = self.text[self.at :] + self.utf8.decode(chunk)
        self.at = 0
        return True

    def skip_space(self) -> str:
        """The next character that is not JSON whitespace ("" at the end of the file)."""
        while True:
            match = _SPACE.match(self.text, self.at)
            self.at = match.end() if match else self.at
            if self.at < len(self.text):
                return self.text[self.at]
            if not self.more():
                return ""

    def expect(self, chars: str) -> str:
        found = self.skip_space()
        if not found or found not in chars:
            what = " or ".join(repr(c) for c in chars)
            raise json.JSONDecodeError(f"Expecting {what}", self.text, self.at)
        self.at += 1
        return found

    def value(self) -> Any:
        """The JSON value that starts at the next non-space character."""
        self.skip_space()
        while True:
            try:
                value, end = self.decoder.raw_decode(self.text, self.at)
            except (json.JSONDecodeError, ValueError, RecursionError) as error:
                position = getattr(error, "pos", None)
                maybe_cut = isinstance(error, json.JSONDecodeError) and (
                    position is None
                    or position >= len(self.text) - _NEAR_END
                    or error.msg.startswith("Unterminated string")
                )
                # As much again as the case read so far: a long case doubles its
                # room, while the window of the usual case stays _READ_BYTES.
                if maybe_cut and self.more(max(_READ_BYTES, len(self.text) - self.at)):
                    continue
                raise
            self.at = end
            return value

    def cases(self) -> Iterator[Any]:
        """Each element of the top-level "cases" array; the rest of the file must be "}"."""
        self.expect("{")
        while True:
            key = self.value()
            self.expect(":")
            if key == "cases":
                break
            self.value()  # a header field, checked by _notebook_header
            self.expect(",")
        self.expect("[")
        if self.skip_space() == "]":
            self.at += 1
        else:
            while True:
                yield self.value()
                self.count += 1
                if self.expect(",]") == "]":
                    break
        self.expect("}")
        if self.skip_space():
            raise json.JSONDecodeError("Extra data", self.text, self.at)


_SPACE = re.compile(r"[ \t\n\r]+")


def _stream_cases(stream: Any, source: str, path: str, size: int) -> Iterator[Any]:
    """Each element of "cases", parsed as it is reached; a syntax error refuses the file.

    Anything after the cases but the closing brace (a field written after
    them, or twice) is refused too: the header was read before the cases.
    """
    reader = _CaseReader(stream)
    try:
        yield from reader.cases()
    except (ValueError, RecursionError) as error:
        if size <= LINE_LOOKUP_BYTES:  # read it whole, for the exact line and reason
            with open(path, "rb") as whole:
                parse_export(whole.read(), source=source)
        if isinstance(error, _DuplicateKey):
            reason = f"the key {error.key!r} appears twice in one object"
        elif isinstance(error, UnicodeDecodeError):
            reason = "not UTF-8 text"
        elif isinstance(error, json.JSONDecodeError):
            reason = f"not valid JSON: {error.msg} (after case {reader.count})"
        else:
            reason = f"not valid JSON: {str(error).strip().splitlines()[0]}"
        raise IssuenoteError(f"cannot import {source}: {reason}; nothing was imported") from None


def _text_for_lines(path: str) -> str | None:
    try:
        with open(path, "rb") as stream:
            return stream.read().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None


class _CaseSpool:
    """Checked cases set aside in an unnamed temporary file, read back in order.

    The file is private to this process (created 0600 and unlinked at once),
    and pickle only ever reads what this process wrote into it.
    """

    def __init__(self) -> None:
        import tempfile

        self.file = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close()
        self.count = 0

    def add_pickled(self, data: bytes) -> None:
        """One case, pickled by the caller (who may send the same bytes elsewhere)."""
        self.file.write(data)
        self.count += 1

    def __iter__(self) -> Iterator[ImportedCase]:
        import pickle

        self.file.flush()
        self.file.seek(0)
        for _ in range(self.count):
            yield pickle.load(self.file)  # our own spool, written above

    def __len__(self) -> int:
        return self.count

    def close(self) -> None:
        self.file.close()


class _SeenUuids:
    """Every UUID of the file in 8 bytes each (a million-entry notebook in about 8 MB).

    A UUID's last 64 bits are random in every UUID issuenote writes; two
    equal keys only make the UUIDs suspects, which `_Checker.unique_uuids`
    then compares in full.
    """

    def __init__(self) -> None:
        from array import array

        self.buckets = [array("Q") for _ in range(256)]

    @staticmethod
    def key(value: str) -> int:
        return int(value[19:23] + value[24:], 16)

    def add(self, value: str) -> None:
        key = self.key(value)
        self.buckets[key & 255].append(key)

    def suspects(self) -> set[int]:
        found: set[int] = set()
        for bucket in self.buckets:
            seen: set[int] = set()
            for key in bucket:
                if key in seen:
                    found.add(key)
                seen.add(key)
        return found


_STEP = re.compile(r"([A-Za-z_]+)|\[(\d+)\]")


def _path_of(where: str) -> Path_:
    """cases[0].entries[3] -> ("cases", 0, "entries", 3); "the case" -> ()."""
    if where == "the case":
        return ()
    return tuple(int(index) if index else name for name, index in _STEP.findall(where))


def _decode(data: bytes, source: str) -> str:
    kind = _foreign_kind(data)
    if kind is not None:
        raise IssuenoteError(f"cannot import {source}: {kind}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise IssuenoteError(
            f"cannot import {source}: line {line}: not UTF-8 text (byte {error.start}); "
            "nothing was imported"
        ) from None


def _foreign_kind(data: bytes) -> str | None:
    """Name a file that is clearly something else, so the message can say what to do."""
    if data.startswith(b"\x1f\x8b"):
        return (
            "it is a gzip archive, not a JSON export; "
            "a backup is brought back with `issuenote restore FILE`"
        )
    if data.startswith(b"PK\x03\x04"):
        return "it is a zip archive, not a JSON export"
    if data.startswith(b"SQLite format 3\x00"):
        return (
            "it is an SQLite database, not a JSON export; "
            "make a backup with `issuenote backup` and bring it back with `issuenote restore`"
        )
    if not data.strip():
        return "the file is empty; nothing was imported"
    return None


class _DuplicateKey(ValueError):
    def __init__(self, key: str, offset: int | None = None) -> None:
        super().__init__(key)
        self.key = key
        self.offset = offset


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def _no_constants(name: str) -> NoReturn:
    raise ValueError(f"{name} is not a JSON value")


def _parse_json(text: str, source: str) -> Any:
    def refuse(line: int | None, reason: str) -> NoReturn:
        where = f"line {line}: " if line else ""
        raise IssuenoteError(f"cannot import {source}: {where}{reason}; nothing was imported")

    try:
        return json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_no_constants)
    except json.JSONDecodeError as error:
        reason = f"not valid JSON: {error.msg} (column {error.colno})"
        if error.pos >= len(text.rstrip()) or not text.rstrip().endswith(("}", "]")):
            reason += "; the file looks cut short (truncated?)"
        refuse(error.lineno, reason)
    except _DuplicateKey as duplicate:
        offset = _duplicate_offset(text)
        line = None if offset is None else text.count("\n", 0, offset) + 1
        refuse(line, f"the key {duplicate.key!r} appears twice in one object")
    except RecursionError:
        refuse(None, "not valid JSON: nested too deeply")
    except ValueError as error:  # NaN/Infinity, or an integer with thousands of digits
        refuse(None, f"not valid JSON: {error}")


# -- locating a value in the text, for messages --------------------------------


def _tracking_parse(text: str) -> tuple[Any, dict[int, tuple[int, int]]]:
    """Parse again with the pure-Python scanner, noting where each object and array starts.

    Only used to put a line number on a refusal, so the slower scanner costs
    nothing on a good file.
    """
    import json.decoder
    import json.scanner

    spans: dict[int, tuple[int, int]] = {}
    decoder = json.JSONDecoder()

    def parse_object(s_and_end: tuple[str, int], strict: bool, scan_once: Any, *rest: Any) -> Any:
        start = s_and_end[1] - 1
        _object_hook, _pairs_hook, *memo = rest
        pairs, end = json.decoder.JSONObject(s_and_end, strict, scan_once, None, list, *memo)
        result: dict[str, Any] = {}
        for key, value in pairs:
            if key in result:
                raise _DuplicateKey(key, start)
            result[key] = value
        spans[id(result)] = (start, end)
        return result, end

    def parse_array(s_and_end: tuple[str, int], scan_once: Any) -> Any:
        start = s_and_end[1] - 1
        values, end = json.decoder.JSONArray(s_and_end, scan_once)
        spans[id(values)] = (start, end)
        return values, end

    decoder.parse_object = parse_object  # type: ignore[assignment]
    decoder.parse_array = parse_array  # type: ignore[assignment]
    decoder.scan_once = json.scanner.py_make_scanner(decoder)  # type: ignore[assignment]
    root = decoder.decode(text)
    return root, spans


def _duplicate_offset(text: str) -> int | None:
    try:
        _tracking_parse(text)
    except _DuplicateKey as duplicate:
        return duplicate.offset
    except (ValueError, RecursionError):
        return None
    return None


def _key_offset(text: str, start: int, end: int, key: str) -> int | None:
    """Where `key` is written among the direct keys of the object text[start:end]."""
    depth = 0
    index = start + 1
    while index < end:
        char = text[index]
        if char == '"':
            match = _JSON_STRING.match(text, index)
            if match is None:
                return None
            after = match.end()
            if depth == 0:
                colon = after
                while colon < end and text[colon] in " \t\r\n":
                    colon += 1
                if colon < end and text[colon] == ":" and json.loads(match.group(0)) == key:
                    return index
            index = after
            continue
        if char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
        index += 1
    return None


def line_of(text: str, path: Path_) -> int | None:
    """The line where the value at `path` (keys and indexes) is written, if it can be found."""
    try:
        root, spans = _tracking_parse(text)
    except (ValueError, RecursionError):
        return None
    node: Any = root
    offset = spans.get(id(root), (0, 0))[0]
    for step in path:
        if isinstance(node, dict) and isinstance(step, str) and step in node:
            child = node[step]
            span = spans.get(id(node))
            key_at = None if span is None else _key_offset(text, span[0], span[1], step)
            offset = key_at if key_at is not None else offset
        elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
            child = node[step]
        else:
            break
        if isinstance(child, dict | list) and id(child) in spans and not isinstance(step, str):
            offset = spans[id(child)][0]
        node = child
    return text.count("\n", 0, offset) + 1


def path_text(path: Path_) -> str:
    """cases[0].entries[3].at"""
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else step)
    return out or "the file"


# -- checking -----------------------------------------------------------------


class _Checker:
    """Checks the parsed document field by field; the first problem refuses the file."""

    def __init__(
        self, text: str | None, source: str, now: datetime, *, path: str | None = None
    ) -> None:
        self._text = text
        self._path = path  # the file, read whole only to name a refusal's line
        self.source = source
        self.now = now
        self.imported_at = timeparse.to_storage(now)
        # Whether to work out ImportedEntry.digests: only the check beside a merge
        # does (CheckedBeside), taking that work off the merge; elsewhere the merge
        # hashes what it stored, and a sync or an update of cases here never hashes twice.
        self.hashes_entries = False
        self.seen_uuids = _SeenUuids()
        self.accepted: dict[tuple[str, str, bool], str | None] = {}
        # choose() is pure too, and a notebook has a handful of kinds and channels.
        self.chosen: dict[tuple[str, str], str] = {}
        self.latest: datetime | None = None  # now + FUTURE_SLACK, once
        # The secret scan, when a helper process runs it (check_export_file): texts are
        # numbered in file order, so the earliest problem of either kind is the one told.
        self.screens: Screens | None = None
        self.number = 0

    @property
    def text(self) -> str | None:
        if self._text is None and self._path is not None:
            self._text = _text_for_lines(self._path)
        return self._text

    def fail(self, path: Path_, reason: str) -> NoReturn:
        refusal = self.finish_screens()
        if refusal is not None:  # a text before this point holds a secret: that comes first
            path, reason = refusal
        text = self.text
        line = None if text is None else line_of(text, path)
        where = f"line {line} ({path_text(path)})" if line else path_text(path)
        raise IssuenoteError(
            f"cannot import {self.source}: {where}: {reason}; nothing was imported"
        )

    def checked(self, path: Path_, check: Callable[..., Any], *args: Any, **options: Any) -> Any:
        """Run one of the recording commands' validators; its refusal gets our location."""
        try:
            return check(*args, **options)
        except IssuenoteError as error:
            self.fail(path, str(error))

    def screened(self, path: Path_, value: str | None, what: str) -> str | None:
        """`value` once the secret scan passes it (clean_text and clean_field end so).

        With a helper process the scan is only queued here; `finish_screens`
        (before the file is accepted, or at the first other problem) waits for it.
        """
        if value is None:
            return None
        if self.screens is None:
            from issuenote.actions import screen

            return self.checked(path, screen, value, what, redact=False)  # type: ignore[no-any-return]
        self.number += 1
        self.screens.add(self.number, value, what, path)
        return value

    def finish_screens(self) -> tuple[Path_, str] | None:
        """Wait for the helper's scan of every text so far: the earliest refusal, if any."""
        screens, self.screens = self.screens, None
        if screens is None:
            return None
        try:
            refusal = screens.first_refusal()
        finally:
            screens.close()
        return None if refusal is None else (tuple(refusal[2]), refusal[1])

    def short_text(
        self, path: Path_, record: dict[str, Any], name: str, what: str, *, required: bool = False
    ) -> str | None:
        """A one-line field, checked as the recording commands check it (clean_field)."""
        from issuenote.actions import unscreened_field

        value = self.text_value(path, record, name)
        if value is None and not required:  # most fields of most entries: clean_field's answer
            return None
        where = (*path, name)
        if value is None or len(value) > MEMO_CHARS:
            field = self.checked(where, unscreened_field, value, what, required=required)
            return self.screened(where, field, what)
        # Agents, tickets, handles repeat across a notebook; clean_field is a pure
        # function of its arguments, so an accepted value's result is kept.
        key = (value, what, required)
        known = self.accepted.get(key, _UNSEEN)
        if known is _UNSEEN:
            field = self.checked(where, unscreened_field, value, what, required=required)
            known = self.screened(where, field, what)
            if len(self.accepted) >= MEMO_SIZE:
                self.accepted.clear()
            self.accepted[key] = known
        return known  # type: ignore[return-value]

    def long_text(
        self, path: Path_, record: dict[str, Any], name: str, what: str, *, required: bool = False
    ) -> str | None:
        """Free text, checked as the recording commands check it (clean_text)."""
        from issuenote.actions import unscreened_text

        value = self.text_value(path, record, name)
        if value is None and not required:  # clean_text's answer, without the call
            return None
        where = (*path, name)
        text = self.checked(where, unscreened_text, value, what, required=required)
        return self.screened(where, text, what)

    # -- the document ---------------------------------------------------------

    def export(self, document: Any) -> ExportFile:
        if isinstance(document, dict) and "cases" in document:
            return self.notebook(document)
        if isinstance(document, dict) and "uuid" in document and "title" in document:
            return self.single_case(document)
        self.fail(
            (),
            "not an issuenote export (expected the JSON that "
            "`issuenote export --all --format json` writes)",
        )

    def notebook(self, document: dict[str, Any]) -> ExportFile:
        header = self.header(document)
        cases = document["cases"]
        if not isinstance(cases, list):
            self.fail(("cases",), "must be a list of cases")
        checked = tuple(self.case(("cases", index), value) for index, value in enumerate(cases))
        self.unique_uuids(checked)
        return ExportFile(
            **header,
            cases=checked,
            unreadable_count=sum(len(case.unreadable) for case in checked),
        )

    def header(self, document: dict[str, Any]) -> dict[str, Any]:
        """The checked top-level fields of a notebook export, as ExportFile takes them."""
        self.known_keys((), document, _NOTEBOOK_KEYS)
        file_format = document.get("format", NOTEBOOK_FORMAT)
        if file_format != NOTEBOOK_FORMAT:
            self.fail(("format",), f"unknown format {file_format!r} (expected {NOTEBOOK_FORMAT!r})")
        from issuenote.store.schema import SCHEMA_VERSION

        version = self.schema_version(document, ("schema_version",), SCHEMA_VERSION, required=True)
        notebook_id = document.get("notebook")
        if notebook_id is not None:
            notebook_id = self.uuid_text(("notebook",), notebook_id)
        exported_at = self.time(("exported_at",), document.get("exported_at"), past=False)
        includes_private = document.get("includes_private")
        if includes_private is not None and not isinstance(includes_private, bool):
            self.fail(("includes_private",), "must be true or false")
        return {
            "source": self.source,
            "schema_version": version,
            "notebook_id": notebook_id,
            "exported_at": exported_at,
            "includes_private": includes_private,
            "imported_at": self.imported_at,
        }

    def single_case(self, document: dict[str, Any]) -> ExportFile:
        from issuenote.exporters.jsonfmt import SCHEMA_VERSION as CASE_SCHEMA

        version = self.schema_version(document, ("schema_version",), CASE_SCHEMA, required=False)
        case = self.case((), document)
        self.unique_uuids([case])
        return ExportFile(
            source=self.source,
            schema_version=version,
            notebook_id=None,
            exported_at=None,
            includes_private=None,
            cases=(case,),
            single_case=True,
            unreadable_count=len(case.unreadable),
            imported_at=self.imported_at,
        )

    def schema_version(
        self, document: dict[str, Any], path: Path_, newest: int, *, required: bool
    ) -> int:
        value = document.get("schema_version")
        if value is None and not required:
            return newest
        if not _is_int(value) or value < 1:
            self.fail(path, "must be a whole number such as 1")
        if value > newest:
            self.fail(
                path,
                f"the file was written by a newer issuenote (schema {value}; this one reads "
                f"up to {newest}); upgrade issuenote to import it",
            )
        return int(value)

    # -- records ----------------------------------------------------------------

    def case(self, path: Path_, value: Any) -> ImportedCase:
        from issuenote import actions

        record = self.record(path, value, _CASE_KEYS, required=("uuid", "title"))
        if "schema_version" in record:
            from issuenote.exporters.jsonfmt import SCHEMA_VERSION as CASE_SCHEMA

            self.schema_version(record, (*path, "schema_version"), CASE_SCHEMA, required=False)
        case_uuid = self.record_uuid(path, record)
        fields: dict[str, Any] = {
            "title": self.short_text(path, record, "title", "title", required=True),
            "platform": self.checked(
                (*path, "platform"),
                actions.clean_platform,
                self.text_value(path, record, "platform"),
            ),
            "category": self.choice(path, record, "category", "category") or "other",
            "status": self.choice(path, record, "status", "status") or "open",
            "language": self.choice(path, record, "language", "language"),
            "description": self.long_text(path, record, "description", "description"),
            "request": self.long_text(path, record, "request", "request"),
            "occurred_at": self.time((*path, "occurred_at"), record.get("occurred_at"), past=True),
            "jurisdiction": self.checked(
                (*path, "jurisdiction"),
                _jurisdiction,
                self.text_value(path, record, "jurisdiction"),
            ),
        }
        account, masked = self.account(path, record)
        fields["account"] = account
        now = timeparse.to_storage(self.now)
        created_at = self.time((*path, "created_at"), record.get("created_at"), past=False) or now
        updated_at = self.time((*path, "updated_at"), record.get("updated_at"), past=False) or now
        tags = self.tags(path, record)
        entries = self.list_of(path, record, "entries", self.entry)
        tombstones = self.list_of(path, record, "deleted_entries", self.entry)
        for index, tombstone in enumerate(tombstones):
            if tombstone.deleted_at is None:
                self.fail((*path, "deleted_entries", index, "deleted_at"), "is missing")
        for index, entry in enumerate(entries):
            if entry.deleted_at is not None:
                self.fail(
                    (*path, "entries", index, "deleted_at"),
                    "a deleted entry belongs in deleted_entries",
                )
        entries += tombstones
        self.unique_numbers(path, entries)
        transactions = self.list_of(path, record, "transactions", self.transaction)
        self.unique_txids(path, transactions)
        attachments = self.list_of(path, record, "attachments", self.attachment)
        entry_uuids = {entry.uuid for entry in entries}
        for attachment in attachments:
            if attachment.entry_uuid not in entry_uuids:
                self.fail(
                    (*path, "attachments"),
                    f"attachment {attachment.uuid} belongs to no entry of this case",
                )
        unreadable = record.get("unreadable") or []
        if not isinstance(unreadable, list) or not all(isinstance(u, str) for u in unreadable):
            self.fail((*path, "unreadable"), "must be a list of texts")
        return ImportedCase(
            uuid=case_uuid,
            id=self.local_id(path, record),
            fields=fields,
            tags=tags,
            created_at=created_at,
            updated_at=max(updated_at, created_at),
            entries=tuple(entries),
            transactions=tuple(transactions),
            where=path_text(path) if path else "the case",
            account_masked=masked,
            unreadable=tuple(unreadable),
            attachments=tuple(attachments),
        )

    def attachment(self, path: Path_, value: Any) -> ImportedAttachment:
        from issuenote.evidence.attachments import storable_name

        record = self.record(
            path,
            value,
            _ATTACHMENT_KEYS,
            required=("uuid", "entry_uuid", "name", "size", "media_type", "sha256"),
        )
        digests = {}
        for name in ("sha256", "original_sha256"):
            digest = record.get(name)
            if digest is None and name == "original_sha256":
                digests[name] = None
                continue
            if not isinstance(digest, str) or not re.fullmatch(r"[0-9a-f]{64}", digest):
                self.fail((*path, name), "must be a SHA-256 in lower-case hex")
            digests[name] = digest
        size = record.get("size")
        if not _is_int(size) or size < 0:
            self.fail((*path, "size"), "must be a whole number of bytes")
        name = self.text_value(path, record, "name")
        self.checked((*path, "name"), storable_name, PurePath(name or ""))
        media_type = self.text_value(path, record, "media_type") or ""
        if not re.fullmatch(r"[a-z0-9.+-]+/[a-z0-9.+-]+", media_type):
            self.fail((*path, "media_type"), f"not a media type: {_shown(media_type)!r}")
        number = record.get("number")
        findings = record.get("findings") or []
        if not isinstance(findings, list) or not all(isinstance(f, str) for f in findings):
            self.fail((*path, "findings"), "must be a list of texts")
        source = record.get("source") or "attach"
        if source not in ("attach", "mail", "mail-part", "chat"):
            self.fail((*path, "source"), f"unknown attachment source {_shown(str(source))!r}")
        return ImportedAttachment(
            uuid=self.record_uuid(path, record),
            number=number if _is_int(number) and number > 0 else None,
            entry_uuid=self.uuid_text((*path, "entry_uuid"), record.get("entry_uuid")),
            name=name or "",
            size=int(size),
            media_type=media_type,
            sha256=digests["sha256"],
            original_sha256=digests["original_sha256"],
            private=bool(record.get("private", False)),
            source=source,
            findings=tuple(findings),
            where=path_text(path),
        )

    def account(self, path: Path_, record: dict[str, Any]) -> tuple[str | None, bool]:
        """The account reference to store, and whether the export had it masked."""
        value = self.text_value(path, record, "account")
        redacted = record.get("redacted", False)
        if not isinstance(redacted, bool):
            self.fail((*path, "redacted"), "must be true or false")
        if value is None or not value.strip():
            return None, False
        if redacted or "***" in value:
            return None, True
        self.not_encrypted(path, record, "account")
        return self.short_text(path, record, "account", "account reference"), False

    def not_encrypted(self, path: Path_, record: dict[str, Any], name: str) -> None:
        from issuenote.safety.fieldcrypt import is_encrypted

        if is_encrypted(record.get(name)):
            self.fail(
                (*path, name),
                "an encrypted value cannot be imported (it opens only with the key of the "
                "notebook that wrote it); export again with that key available",
            )

    def tags(self, path: Path_, record: dict[str, Any]) -> tuple[str, ...]:
        from issuenote.actions import clean_tags

        values = record.get("tags") or []
        if not isinstance(values, list):
            self.fail((*path, "tags"), "must be a list of texts")
        for index, tag in enumerate(values):
            if not isinstance(tag, str):
                self.fail((*path, "tags", index), "must be a text")
            self.checked((*path, "tags", index), clean_tags, [tag])
        return tuple(clean_tags(values))

    def entry(self, path: Path_, value: Any) -> ImportedEntry:
        record = self.record(path, value, _ENTRY_KEYS, required=("uuid", "kind", "at"))
        entry_uuid = self.record_uuid(path, record)
        fields = self.entry_fields(path, record)
        revisions = self.list_of(path, record, "revisions", self.revision)
        for index, revision in enumerate(revisions):
            if revision.revision != index + 1:
                self.fail(
                    (*path, "revisions", index, "revision"),
                    f"revisions are numbered 1, 2, 3... in order; expected {index + 1}",
                )
        number = record.get("number")
        if number is not None and (not _is_int(number) or not 1 <= number < 2**63):
            self.fail((*path, "number"), "must be a whole number from 1")
        deleted_at = record.get("deleted_at")
        if deleted_at is not None:
            deleted_at = self.time((*path, "deleted_at"), deleted_at, past=True)
        return ImportedEntry(
            uuid=entry_uuid,
            id=self.local_id(path, record),
            fields=fields,
            where=path_text(path),
            number=number,
            deleted_at=deleted_at,
            revisions=tuple(revisions),
            digests=_entry_digests(entry_uuid, fields, deleted_at, revisions, self.imported_at)
            if self.hashes_entries
            else (),
        )

    def revision(self, path: Path_, value: Any) -> ImportedRevision:
        record = self.record(
            path, value, _REVISION_KEYS, required=("revision", "change", "made_at", "kind", "at")
        )
        number = record["revision"]
        if not _is_int(number) or not 1 <= number < 2**31:
            self.fail((*path, "revision"), "must be a whole number from 1")
        if record["change"] not in ("edit", "delete"):
            self.fail((*path, "change"), "must be 'edit' or 'delete'")
        return ImportedRevision(
            revision=int(number),
            change=record["change"],
            made_at=self.time((*path, "made_at"), record["made_at"], past=True) or "",
            fields=self.entry_fields(path, record),
            where=path_text(path),
        )

    def entry_fields(self, path: Path_, record: dict[str, Any]) -> dict[str, Any]:
        """The checked ENTRY_FIELDS of an entry or of one of its revisions.

        Most optional fields of most entries are null, which every check
        below accepts as it is: those skip the call (and the path it names).
        """
        get = record.get
        kind = self.choice(path, record, "kind", "kind")
        private = get("private", False)
        if private is not True and private is not False:
            self.fail((*path, "private"), "must be true or false")
        for name in ("text", "suggests"):
            if get(name) is not None:
                self.not_encrypted(path, record, name)
        text_required = kind in _TEXT_REQUIRED
        short, time = self.short_text, self.time
        fields: dict[str, Any] = {
            "kind": kind,
            "text": self.long_text(path, record, "text", f"{kind} text", required=text_required),
            "at": time((*path, "at"), get("at"), past=True),
            "channel": None
            if get("channel") is None
            else self.choice(path, record, "channel", "channel"),
            "via": None if get("via") is None else short(path, record, "via", "via address"),
            "agent": None if get("agent") is None else short(path, record, "agent", "agent name"),
            "agent_id": None
            if get("agent_id") is None
            else short(path, record, "agent_id", "agent ID"),
            "ticket": None
            if get("ticket") is None
            else short(path, record, "ticket", "ticket number"),
            "suggests": None
            if get("suggests") is None
            else self.long_text(path, record, "suggests", "suggestion"),
            "escalated_to": None
            if get("escalated_to") is None
            else short(path, record, "escalated_to", "escalation target"),
            "new_status": None
            if get("new_status") is None
            else self.choice(path, record, "new_status", "status"),
            "due": None if get("due") is None else time((*path, "due"), get("due"), past=False),
            "done_at": None
            if get("done_at") is None
            else time((*path, "done_at"), get("done_at"), past=True),
            "promised_by": None
            if get("promised_by") is None
            else time((*path, "promised_by"), get("promised_by"), past=False),
            "flags": self.flags(path, record) if get("flags") else [],
            "warnings": self.warnings(path, record) if get("warnings") else [],
            "private": private,
        }
        if kind == "status" and fields["new_status"] is None:
            self.fail((*path, "new_status"), "a status entry names the status it set")
        for name, kinds in _ONLY_ON.items():
            if fields[name] is not None and kind not in kinds:
                self.fail((*path, name), f"a {kind} entry has no {name} (only {', '.join(kinds)})")
        return fields

    def transaction(self, path: Path_, value: Any) -> ImportedTransaction:
        from issuenote.parse import txid as txids
        from issuenote.parse.amounts import format_amount, parse_amount

        record = self.record(path, value, _TRANSACTION_KEYS, required=("uuid",))
        tx_uuid = self.record_uuid(path, record)
        asset = self.short_text(path, record, "asset", "asset")
        asset = asset.upper() if asset else None
        txid = self.text_value(path, record, "txid")
        order = self.short_text(path, record, "order_id", "order ID")
        chain = self.text_value(path, record, "chain")
        if txid is not None:
            info = self.checked((*path, "txid"), txids.recognize, txid, chain=chain, asset=asset)
            txid, chain = info.txid, info.chain
            if not info.is_onchain and chain != "lightning":
                # Schema 1 kept an exchange order ID in txid.
                if order is not None and order != txid:
                    self.fail((*path, "txid"), "is not a transaction hash")
                txid, order = None, info.txid
        elif chain is not None:
            chain = self.checked((*path, "chain"), txids.normalize_chain, chain)
        if txid is None and order is None:
            self.fail(path, "a transfer needs its txid or its order_id")
        amount = record.get("amount")
        if amount is not None:
            if not isinstance(amount, str):
                self.fail(
                    (*path, "amount"),
                    'must be a text holding the exact decimal, such as "1250.00" (a JSON '
                    "number may already have lost digits)",
                )
            amount = format_amount(self.checked((*path, "amount"), parse_amount, amount))
        fields = {
            "txid": txid,
            "order_id": order,
            "chain": chain,
            "network": self.short_text(path, record, "network", "network"),
            "asset": asset,
            "amount": amount,
            "kind": self.choice(path, record, "kind", "transaction kind"),
            "address": self.short_text(path, record, "address", "address"),
            "memo": self.short_text(path, record, "memo", "memo"),
            "at": self.time((*path, "at"), record.get("at"), past=True),
        }
        return ImportedTransaction(
            uuid=tx_uuid, id=self.local_id(path, record), fields=fields, where=path_text(path)
        )

    # -- fields -----------------------------------------------------------------

    def record(
        self, path: Path_, value: Any, keys: frozenset[str], *, required: tuple[str, ...]
    ) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(path, "must be an object")
        if not keys.issuperset(value):  # then name the first unknown key
            self.known_keys(path, value, keys)
        for name in required:
            if value.get(name) is None:
                self.fail(path, f"the {name} is missing")
        return value

    def known_keys(self, path: Path_, record: dict[str, Any], keys: frozenset[str]) -> None:
        for key in record:
            if key not in keys:
                self.fail((*path, key), f"unknown field {key!r}")

    def list_of(
        self,
        path: Path_,
        record: dict[str, Any],
        name: str,
        check: Callable[[Path_, Any], Any],
    ) -> list[Any]:
        values = record.get(name) or []
        if not isinstance(values, list):
            self.fail((*path, name), "must be a list")
        return [check((*path, name, index), value) for index, value in enumerate(values)]

    def text_value(self, path: Path_, record: dict[str, Any], name: str) -> str | None:
        value = record.get(name)
        if value is not None and not isinstance(value, str):
            self.fail((*path, name), "must be a text or null")
        return value

    def choice(self, path: Path_, record: dict[str, Any], name: str, what: str) -> str | None:
        from issuenote.model import choose

        value = self.text_value(path, record, name)
        if value is None:
            return None
        key = (what, value)
        known = self.chosen.get(key)
        if known is None:
            known = self.checked((*path, name), choose, what, value)
            if len(self.chosen) >= MEMO_SIZE:
                self.chosen.clear()
            self.chosen[key] = known
        return known

    def uuid_text(self, path: Path_, value: Any) -> str:
        if value.__class__ is str and _CANONICAL_UUID.fullmatch(value):
            return value  # what str(uuid.UUID(value)) gives for it
        if not isinstance(value, str):
            self.fail(path, "must be a UUID text")
        try:
            parsed = uuid.UUID(value)
        except ValueError:
            self.fail(path, f"not a UUID: {_shown(value)}")
        if str(parsed) != value.lower():
            self.fail(path, f"not a UUID in the usual form: {_shown(value)}")
        return str(parsed)

    def record_uuid(self, path: Path_, record: dict[str, Any]) -> str:
        value = self.uuid_text((*path, "uuid"), record.get("uuid"))
        self.seen_uuids.add(value)
        return value

    def unique_uuids(self, cases: Iterable[ImportedCase]) -> None:
        """Refuse a UUID used twice in the file, naming both places.

        Runs after every case is checked: the compact set can only say which
        UUIDs may repeat, so the cases are read again for those alone.
        """
        suspects = self.seen_uuids.suspects()
        if not suspects:
            return
        first: dict[str, str] = {}
        for case in cases:
            records: list[Any] = [case, *case.entries, *case.transactions]
            for record in records:
                if _SeenUuids.key(record.uuid) not in suspects:
                    continue
                if record.uuid in first:
                    self.fail(
                        (*_path_of(record.where), "uuid"),
                        f"the uuid {record.uuid} is also used by {first[record.uuid]}",
                    )
                first[record.uuid] = record.where

    def local_id(self, path: Path_, record: dict[str, Any]) -> int | None:
        value = record.get("id")
        if value is None:
            return None
        if not _is_int(value) or not 1 <= value < 2**63:
            self.fail((*path, "id"), "must be a whole number from 1")
        return int(value)

    def time(self, path: Path_, value: Any, *, past: bool) -> str | None:
        """Storage form (UTC) of an exported time; exports always state the offset."""
        if value is None:
            return None
        # The form exports write (it also passes the pattern below): read at once.
        instant = timeparse.parse_exported(value) if value.__class__ is str else None
        exported = instant is not None
        if instant is None:
            if not isinstance(value, str):
                self.fail(path, "must be an ISO 8601 time text or null")
            if not _TIME_WITH_OFFSET.fullmatch(value):
                self.fail(
                    path,
                    f"bad time {_shown(value)}: use ISO 8601 with a UTC offset, "
                    "like 2026-11-20T14:03:00+08:00",
                )
            instant = self.checked(path, timeparse.parse_time, value, now=self.now)
        if past:
            if self.latest is None:
                from issuenote.actions import FUTURE_SLACK

                self.latest = self.now + FUTURE_SLACK
            if instant > self.latest:
                self.fail(path, f"the time {value} is in the future")
        if exported and value[19:] in ("+00:00", "Z"):
            return value[:19] + "Z"  # already UTC to the second: to_storage's very text
        return timeparse.to_storage(instant)

    def flags(self, path: Path_, record: dict[str, Any]) -> list[str]:
        values = record.get("flags") or []
        if not isinstance(values, list):
            self.fail((*path, "flags"), "must be a list of texts")
        for index, flag in enumerate(values):
            if not isinstance(flag, str) or not _FLAG.fullmatch(flag):
                self.fail((*path, "flags", index), "a flag is a short word such as 'scam-risk'")
        return sorted(set(values))

    def warnings(self, path: Path_, record: dict[str, Any]) -> list[str]:
        values = record.get("warnings") or []
        if not isinstance(values, list):
            self.fail((*path, "warnings"), "must be a list of texts")
        # an export writes each warning as {"code": ..., "text": ...}: the text is kept
        values = [v.get("text") if isinstance(v, dict) else v for v in values]
        for index, warning in enumerate(values):
            where = (*path, "warnings", index)
            if not isinstance(warning, str) or not warning.strip():
                self.fail(where, "must be a non-empty text")
            if "\x00" in warning or len(warning) > MAX_WARNING_CHARS:
                self.fail(where, f"must be one sentence without NUL, under {MAX_WARNING_CHARS}")
            try:
                warning.encode("utf-8")
            except UnicodeEncodeError:
                self.fail(where, "not valid Unicode text (lone surrogate)")
        return list(dict.fromkeys(values))

    def unique_numbers(self, path: Path_, entries: list[ImportedEntry]) -> None:
        seen: set[int] = set()
        for entry in entries:
            if entry.number is None:
                continue
            if entry.number in seen:
                self.fail((*path, "entries"), f"two entries are numbered {entry.number}")
            seen.add(entry.number)

    def unique_txids(self, path: Path_, transactions: list[ImportedTransaction]) -> None:
        seen: set[tuple[str, str]] = set()
        for index, transaction in enumerate(transactions):
            for name in ("txid", "order_id"):
                value = transaction.fields[name]
                if value is None:
                    continue
                key = (name, value.casefold() if name == "txid" else value)
                if key in seen:
                    self.fail(
                        (*path, "transactions", index, name),
                        f"the case has transfer {value} twice",
                    )
                seen.add(key)


def _jurisdiction(value: str | None) -> str | None:
    if value is None:
        return None
    from issuenote.followup.clock import check_jurisdiction

    return check_jurisdiction(value)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _shown(value: str, limit: int = 40) -> str:
    shown = value if len(value) <= limit else value[:limit] + "…"
    return repr(shown)
