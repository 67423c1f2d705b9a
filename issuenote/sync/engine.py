"""`sync init`, `sync` and `sync status`: the notebook through a git remote.

On the remote (branch ``main``), every file is sealed with the notebook key
(see envelope) and named by nothing but random ids and counters::

    notebook.bin                          marks the notebook; proves the key at join
    devices/<device uuid>/000001.bin      a chunk: cases one device changed or deleted
    devices/<device uuid>/000002.bin      ...

Each device only ever adds files under its own folder, so git never has two
edits of one file to merge: a push that loses a race is simply retried on top
of the other device's commit. A sync:

1. fetches, and refuses a remote that lost or changed any file this device
   has already seen there (a force push or rewritten history that would drop
   records), or whose new files do not open with the key (tampering);
2. publishes this device's changes since its last sync as a new chunk,
   committed on top of the fetched head, and pushes; a rejected push fetches
   again and retries;
3. merges the other devices' new chunks into the notebook by UUID, in one
   transaction (issuenote.store.merge.merge_sync), and applies their
   deletions;
4. records the new remote head and what was published (state.json).

Killed at any point, it leaves the notebook as it was or merged, and the
next sync redoes what is missing: pushing is checked against the remote, and
merging twice changes nothing. Failing before step 3 changes nothing locally.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from issuenote.errors import IssuenoteError
from issuenote.sync import blobs, envelope, payload
from issuenote.sync.git import Git, GitError, PushRejected
from issuenote.sync.state import (
    LOCK_FILE,
    REPO_DIR,
    SyncState,
    load_state,
    require_state,
    sync_dir,
)

if TYPE_CHECKING:
    from issuenote.store import Store

BRANCH = "main"
MARKER_PATH = "notebook.bin"
MAX_PUSH_ATTEMPTS = 8
_CHUNK_PATH = re.compile(r"devices/([0-9a-f-]{36})/(\d{6,})\.bin")
_REMOTE_REF = f"refs/remotes/origin/{BRANCH}"


@dataclass
class SyncReport:
    """What one sync did, for the summary line and --json."""

    remote: str
    device_name: str
    head: str | None = None
    sent_cases: int = 0
    sent_deletions: int = 0
    sent_files: int = 0
    received_files_bytes: int = 0
    pushed: bool = False
    push_attempts: int = 0
    received_files: int = 0
    cases_added: list[int] = field(default_factory=list)
    cases_updated: list[int] = field(default_factory=list)
    cases_deleted: list[int] = field(default_factory=list)
    entries_added: int = 0
    conflicts: list[int] = field(default_factory=list)
    created_remote: bool = False
    joined: bool = False
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


# -- the local git repository -----------------------------------------------------


def _repo(home: Path) -> Path:
    return sync_dir(home) / REPO_DIR


def _init_repo(path: Path, remote: str) -> Git:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    git = Git(path, remote)
    git.run("init", "--quiet", "--bare")
    git.run("config", "remote.origin.url", remote)
    git.run("config", "gc.auto", "0")  # never a surprise repack in the middle of a note
    return git


def _fetch(git: Git) -> str | None:
    """Fetch the remote branch; its head, or None when the remote has no notebook yet."""
    completed = git.run(
        "fetch",
        "--quiet",
        "--no-tags",
        "origin",
        f"+refs/heads/{BRANCH}:{_REMOTE_REF}",
        check=False,
        network=True,
    )
    if completed.returncode != 0:
        text = completed.stderr.decode("utf-8", "replace").lower()
        if "couldn't find remote ref" in text:
            return None
        raise git.failure(("fetch",), completed, network=True)
    return git.output("rev-parse", "--verify", f"{_REMOTE_REF}^{{commit}}")


def _tree(git: Git, commit: str | None) -> dict[str, str]:
    """Every file of a commit: path -> blob id."""
    if commit is None:
        return {}
    listing = git.run("ls-tree", "-r", "-z", "--full-tree", commit).stdout
    files: dict[str, str] = {}
    for record in listing.split(b"\0"):
        if not record:
            continue
        meta, _, path = record.partition(b"\t")
        _mode, kind, blob = meta.decode().split()
        if kind == "blob":
            files[path.decode("utf-8", "replace")] = blob
    return files


def _read_blobs(git: Git, blobs: list[str]) -> dict[str, bytes]:
    """Many blobs in one `git cat-file --batch`."""
    if not blobs:
        return {}
    out = git.run("cat-file", "--batch", stdin=("\n".join(blobs) + "\n").encode()).stdout
    contents: dict[str, bytes] = {}
    position = 0
    for blob in blobs:
        end = out.index(b"\n", position)
        header = out[position:end].decode().split()
        if len(header) != 3:
            raise GitError(f"git could not read the object {blob} of the local copy")
        size = int(header[2])
        contents[blob] = out[end + 1 : end + 1 + size]
        position = end + 1 + size + 1
    return contents


def _commit(git: Git, parent: str | None, files: dict[str, bytes], index_dir: Path) -> str:
    """A commit of `parent`'s tree plus `files`, made without a work tree."""
    index = index_dir / f"index-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    env_index = {"GIT_INDEX_FILE": str(index)}
    try:
        if parent is not None:
            git.run("read-tree", parent, env=env_index)
        for path, content in files.items():
            blob = git.output("hash-object", "-w", "--stdin", stdin=content)
            git.run("update-index", "--add", "--cacheinfo", f"100644,{blob},{path}", env=env_index)
        tree = git.output("write-tree", env=env_index)
    finally:
        index.unlink(missing_ok=True)
    args = ["commit-tree", tree, "-m", "sync"]
    if parent is not None:
        args += ["-p", parent]
    return git.output(*args)


def _push(git: Git, commit: str) -> None:
    git.run("push", "--quiet", "origin", f"{commit}:refs/heads/{BRANCH}", network=True)
    git.run("update-ref", _REMOTE_REF, commit)


# -- keys -------------------------------------------------------------------------


def notebook_key(store: Store, *, create: bool) -> bytes | None:
    """The notebook's data key; on a notebook with none yet, made (and pinned) if `create`."""
    from issuenote.safety.fieldcrypt import key_check_value
    from issuenote.safety.keys import install_key, load_key

    notebook_id = store.notebook_id()
    kcv = store.meta("kcv")
    info = load_key(store.home, notebook_id, kcv=kcv, create=create)
    if info is None:
        return None
    if info.warning:
        store.vault.warnings.append(info.warning)  # said by the command, once
    if info.source == "env":
        # Brought from another device: keep it here, so later syncs need no variable.
        installed = install_key(store.home, notebook_id, info.key, kcv=kcv)
        if installed.warning:
            store.vault.warnings.append(installed.warning)
    if kcv is None:
        with store.writing():
            store.set_meta("kcv", key_check_value(info.key))
    return info.key


# -- locking ------------------------------------------------------------------------


@contextlib.contextmanager
def _locked(home: Path) -> Iterator[None]:
    """One sync at a time per notebook; a second one waits for the first."""
    directory = sync_dir(home)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(directory / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            import fcntl
        except ImportError:  # Windows: no advisory locks; git's own locks still hold
            yield
            return
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


# -- init ---------------------------------------------------------------------------


def init(home: Path, remote: str, *, device_name: str | None = None) -> SyncReport:
    """Set this notebook up to sync with `remote`: create it there, or join it.

    Everything is checked in a scratch repository first (the remote answers,
    holds an issuenote notebook or nothing, and opens with the key), so a
    refused init writes nothing here.
    """
    from issuenote.parse import timeparse
    from issuenote.store import Store

    remote = remote.strip()
    if not remote or remote.startswith("-") or "\n" in remote:
        raise IssuenoteError("give the git remote to sync through, e.g. git@host:me/cases.git")
    existing = load_state(home)
    if existing is not None:
        raise IssuenoteError(
            f"this notebook already syncs with {existing.remote}; see `issuenote sync status`"
        )
    name = (device_name or socket.gethostname() or "device").strip()[:80] or "device"
    scratch = Path(tempfile.mkdtemp(prefix="issuenote-sync-init-"))
    try:
        git = _init_repo(scratch / REPO_DIR, remote)
        head = _fetch(git)
        files = _tree(git, head)
        if head is not None and MARKER_PATH not in files:
            raise IssuenoteError(
                f"{remote} already holds files issuenote did not write; sync needs an empty "
                "repository of its own"
            )
        if head is not None:
            # Checked before anything is written here: a wrong key leaves no trace.
            _check_marker(git, files, envelope.sync_key(_key_for_joining(home)), remote)
        store = Store.open(home, create=True)
        assert store is not None
        try:
            notebook_key(store, create=head is None)
            key_warnings = list(store.vault.warnings)
        finally:
            store.close()
        now = timeparse.to_storage(timeparse.utc_now())
        state = SyncState(
            remote=remote, device_id=str(uuid.uuid4()), device_name=name, created_at=now
        )
        target = sync_dir(home)
        target.mkdir(mode=0o700, parents=True, exist_ok=True)
        shutil.move(str(scratch / REPO_DIR), str(target / REPO_DIR))
        state.save(home)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    try:
        report = run(home)
    except IssuenoteError as error:
        raise IssuenoteError(
            f"set up sync with {remote}, but the first sync failed: {error}; "
            "run `issuenote sync` to try again"
        ) from None
    report.created_remote = head is None
    report.joined = head is not None
    report.warnings[:0] = key_warnings
    return report


def _key_for_joining(home: Path) -> bytes:
    """The key to open an existing remote with: ISSUENOTE_KEY, or this notebook's own."""
    from issuenote.paths import database_path
    from issuenote.safety.keys import ENV_KEY, decode_key, load_key
    from issuenote.store import Store

    text = os.environ.get(ENV_KEY, "").strip()
    if text:
        try:
            return decode_key(text)
        except ValueError as error:
            raise IssuenoteError(f"{ENV_KEY} is not a valid data key: {error}") from None
    info = None
    if database_path(home).exists():
        store = Store.open(home, create=False)
        assert store is not None
        try:
            info = load_key(home, store.notebook_id(), kcv=store.meta("kcv"), create=False)
        finally:
            store.close()
    if info is None:
        raise IssuenoteError(
            f"the remote already holds a notebook; set {ENV_KEY} to its key (run "
            "`issuenote key export` on a device that syncs) and run `sync init` again"
        )
    return info.key


def _check_marker(git: Git, files: dict[str, str], key: bytes, remote: str) -> None:
    from issuenote.safety.keys import ENV_KEY

    data = _read_blobs(git, [files[MARKER_PATH]])[files[MARKER_PATH]]
    try:
        plaintext = envelope.open_sealed(key, MARKER_PATH, data)
    except envelope.SealError:
        raise IssuenoteError(
            f"this key does not open the notebook on {remote}; set {ENV_KEY} to the key "
            "shown by `issuenote key export` on a device that syncs; nothing was changed"
        ) from None
    payload.check_marker(plaintext)


# -- sync ---------------------------------------------------------------------------


def run(home: Path) -> SyncReport:
    """Pull, merge, push; see the module's docstring."""
    from issuenote.store import Store

    with _locked(home):
        state = require_state(home)
        store = Store.open(home, create=True)
        assert store is not None
        try:
            report = _Sync(home, state, store).run()
            report.warnings.extend(store.vault.warnings)
            return report
        finally:
            store.close()


class _Sync:
    def __init__(self, home: Path, state: SyncState, store: Store) -> None:
        self.home = home
        self.state = state
        self.store = store
        self.git = Git(_repo(home), state.remote)
        self.report = SyncReport(remote=state.remote, device_name=state.device_name)
        self.chunks: dict[str, payload.Chunk] = {}  # blob id -> opened chunk
        self.sent_deletions: dict[str, dict[str, int]] = {}
        self.sent_detached: dict[str, dict[str, int]] = {}
        self.pending_versions: dict[str, dict[str, int]] = {}
        self.versions = {k: dict(v) for k, v in state.versions.items()}
        # SHA-256 -> content of files received for private attachments (sealed by the merge).
        self.private_files: dict[str, bytes] = {}

    def run(self) -> SyncReport:
        from issuenote.parse import timeparse
        from issuenote.store.merge import merge_sync

        if not self.git.repo.is_dir():
            raise IssuenoteError(
                f"the sync folder {self.git.repo} is missing; move {sync_dir(self.home)} "
                "away and run `issuenote sync init REMOTE` again"
            )
        key = notebook_key(self.store, create=False)
        if key is None:
            raise IssuenoteError(
                "this notebook has no data key, so nothing can be synced; set ISSUENOTE_KEY "
                "to the key from `issuenote key export` on a device that syncs"
            )
        self.key = envelope.sync_key(key)
        known_tree = _tree(self.git, self.state.last_head) if self.state.last_head else {}

        for attempt in range(1, MAX_PUSH_ATTEMPTS + 1):
            self.report.push_attempts = attempt
            head = _fetch(self.git)
            files = _tree(self.git, head)
            self.files = files
            self.check_nothing_dropped(known_tree, files)
            if head is not None:
                self.check_marker(files)
            incoming = self.open_new_chunks(known_tree, files)
            outgoing = self.outgoing(files, incoming)
            if outgoing is None and head is not None:
                break
            new_files, sent_revisions = outgoing or ({}, {})
            if head is None:
                marker = payload.marker_bytes(timeparse.to_storage(timeparse.utc_now()))
                new_files[MARKER_PATH] = envelope.seal(self.key, MARKER_PATH, marker)
            commit = _commit(self.git, head, new_files, sync_dir(self.home))
            try:
                _push(self.git, commit)
            except PushRejected:
                continue  # another device pushed first: fetch its files and try again
            head = commit
            self.report.pushed = True
            break
        else:
            raise IssuenoteError(
                f"the remote kept changing while this device tried to push "
                f"({MAX_PUSH_ATTEMPTS} attempts); run `issuenote sync` again"
            )
        if outgoing is None:
            sent_revisions = {}

        self.receive_attachments(incoming)
        tombstones = self.tombstones(incoming)
        detached = self.detachments(incoming)
        detach = self.local_detachments(detached)
        exports, local_deletions = self.plan_merge(incoming, tombstones, sent_revisions)
        merged = merge_sync(
            self.store, exports, local_deletions, files=self.private_files, detach=detach
        )

        self.record(merged, sent_revisions, tombstones, head, detached)
        self.report.head = head
        self.report.received_files = len(incoming)
        return self.report

    # -- checks -------------------------------------------------------------------

    def check_nothing_dropped(self, known: dict[str, str], files: dict[str, str]) -> None:
        """Every file this device has seen on the remote must still be there, unchanged."""
        lost = [path for path in known if path not in files]
        changed = [path for path in known if path in files and files[path] != known[path]]
        if lost or changed:
            what = f"{len(lost)} file(s) missing" if lost else f"{len(changed)} file(s) changed"
            raise IssuenoteError(
                f"refusing to sync: the history on {self.state.remote} was rewritten ({what} "
                "that this device already had); it would drop records. Nothing was changed "
                "here. If this was on purpose, push this device's copy to a new, empty "
                "repository with `issuenote sync init NEW-REMOTE` after moving "
                f"{sync_dir(self.home)} away"
            )

    def check_marker(self, files: dict[str, str]) -> None:
        if MARKER_PATH not in files:
            raise IssuenoteError(
                f"refusing to sync: {self.state.remote} no longer holds an issuenote notebook"
            )
        _check_marker(self.git, files, self.key, self.state.remote)

    def open_new_chunks(self, known: dict[str, str], files: dict[str, str]) -> list[payload.Chunk]:
        """Open and check every file new since the last sync; refuse them all if one fails."""
        new = sorted(
            (path, blob)
            for path, blob in files.items()
            if path != MARKER_PATH and known.get(path) != blob and not blobs.is_blob_path(path)
        )
        for path, _ in new:
            if not _CHUNK_PATH.fullmatch(path):
                raise IssuenoteError(
                    f"refusing to sync: {self.state.remote} holds a file issuenote did not "
                    "write (someone changed the repository by hand?); nothing was changed"
                )
        wanted = [blob for _, blob in new if blob not in self.chunks]
        contents = _read_blobs(self.git, wanted)
        for path, blob in new:
            if blob in self.chunks:
                continue
            try:
                plaintext = envelope.open_sealed(self.key, path, contents[blob])
            except envelope.SealError as error:
                raise IssuenoteError(f"refusing to sync: {error}; nothing was changed") from None
            self.chunks[blob] = payload.parse_chunk(path, plaintext)
        return [self.chunks[blob] for _, blob in new]

    # -- what goes out ----------------------------------------------------------------

    def outgoing(
        self, files: dict[str, str], incoming: list[payload.Chunk]
    ) -> tuple[dict[str, bytes], dict[str, int]] | None:
        """This device's new chunk and the revisions it holds; None when nothing changed."""
        from issuenote.parse import timeparse

        self.pending_versions: dict[str, dict[str, int]] = {}
        self.sent_detached = {}
        revisions = self.store.case_revisions()
        published = self.state.published
        changed = sorted(
            (number, case_uuid, revision)
            for case_uuid, (number, revision, _) in revisions.items()
            if published.get(case_uuid) != revision
        )
        now = timeparse.to_storage(timeparse.utc_now())
        tombstones = self.tombstones(incoming)
        self.sent_deletions = {
            case_uuid: self.versions.get(case_uuid, {})
            for case_uuid in published
            if case_uuid not in revisions
            and not _includes(tombstones.get(case_uuid, {}), self.versions.get(case_uuid, {}))
        }
        if not changed and not self.sent_deletions:
            return None
        numbers = [
            int(match.group(2))
            for path in files
            if (match := _CHUNK_PATH.fullmatch(path)) and match.group(1) == self.state.device_id
        ]
        number = max(numbers, default=0) + 1
        path = f"devices/{self.state.device_id}/{number:06d}.bin"
        versions = {}
        for _, case_uuid, _ in changed:
            vector = dict(self.versions.get(case_uuid, {}))
            vector[self.state.device_id] = number
            versions[case_uuid] = vector
        attached_now = self.store.attachment_uuids_by_case()
        self.sent_detached = {
            attachment_uuid: versions[case_uuid]
            for _, case_uuid, _ in changed
            for attachment_uuid in sorted(
                set(self.state.attached.get(case_uuid, ())) - set(attached_now.get(case_uuid, ()))
            )
        }
        cases = payload.case_documents(self.store, [number for number, _, _ in changed])
        data = payload.chunk_bytes(
            device=self.state.device_id,
            device_name=self.state.device_name,
            written_at=now,
            notebook_id=self.store.notebook_id(),
            cases=cases,
            deleted=self.sent_deletions,
            versions=versions,
            detached=self.sent_detached,
        )
        self.pending_versions = versions
        new_files = {path: envelope.seal(self.key, path, data)}
        hashes = blobs.referenced_hashes(cases)
        private = self.store.private_attachment_blobs(hashes)
        for blob_path, read in blobs.outgoing_blobs(
            self.home, self.key, hashes, files, private, self.store.vault.decrypt_file
        ):
            new_files[blob_path] = envelope.seal(self.key, blob_path, read())
            self.report.sent_files += 1
        self.report.sent_cases = len(changed)
        self.report.sent_deletions = len(self.sent_deletions)
        sent = {case_uuid: revision for _, case_uuid, revision in changed}
        return new_files, sent

    # -- what comes in ----------------------------------------------------------------

    def receive_attachments(self, incoming: list[payload.Chunk]) -> None:
        """Fetch the files the incoming cases name and this device lacks, before the merge.

        A file only private attachments name is held in memory for the merge,
        which seals it with the notebook key: it never lies on disk in clear.
        """
        public = {h for chunk in incoming for h in chunk.hashes} - {
            h for chunk in incoming for h in chunk.private_hashes
        }
        private_records = {
            item.uuid: item.sha256
            for chunk in incoming
            for case in chunk.export.cases
            for item in case.attachments
            if item.private
        }
        known = self.store.known_attachment_uuids(set(private_records))
        wanted_private = {h for u, h in private_records.items() if u not in known} - public
        wanted = sorted(
            {h for h in public if not blobs.local_file(self.home, h).exists()} | wanted_private
        )
        found = {h: self.files.get(blobs.blob_path(self.key, h)) for h in wanted}
        contents = _read_blobs(self.git, [blob for blob in found.values() if blob])
        for sha256, blob in found.items():
            if blob is None:
                self.report.warnings.append(
                    f"an attachment (SHA-256 {sha256[:12]}…) is not on the remote yet; the "
                    "device that has it sends it at its next sync"
                )
                continue
            path = blobs.blob_path(self.key, sha256)
            try:
                content = envelope.open_sealed(self.key, path, contents[blob])
            except envelope.SealError as error:
                raise IssuenoteError(f"refusing to sync: {error}; nothing was changed") from None
            if sha256 in wanted_private:
                self.private_files[sha256] = content
            else:
                blobs.store_file(self.home, sha256, content)
            self.report.received_files_bytes += len(content)

    def tombstones(self, incoming: list[payload.Chunk]) -> dict[str, dict[str, int]]:
        """Every deletion known: what each covers, joined over the devices that deleted."""
        deletions = [chunk.deleted for chunk in incoming]
        return _joined_all(self.state.tombstones, [*deletions, self.sent_deletions])

    def detachments(self, incoming: list[payload.Chunk]) -> dict[str, dict[str, int]]:
        """Every detached attachment known: the case copy each left, joined over devices."""
        detached = [chunk.detached for chunk in incoming]
        return _joined_all(self.state.detached, [*detached, self.sent_detached])

    def without_detached(
        self, case: Any, theirs: dict[str, int], detached: dict[str, dict[str, int]]
    ) -> Any:
        """The copy less the attachments detached from it (or from an older copy)."""
        import dataclasses

        kept = tuple(
            item
            for item in case.attachments
            if item.uuid not in detached or _includes(theirs, detached[item.uuid])
        )
        return (
            case
            if len(kept) == len(case.attachments)
            else dataclasses.replace(case, attachments=kept)
        )

    def local_detachments(self, detached: dict[str, dict[str, int]]) -> frozenset[str]:
        """Attachments here that another device detached from a copy this one had seen.

        One put back here after this device learnt of the detach (undo) is kept:
        the copy here then already includes the detaching copy.
        """
        here = {
            attachment_uuid: case_uuid
            for case_uuid, uuids in self.store.attachment_uuids_by_case().items()
            for attachment_uuid in uuids
        }
        return frozenset(
            attachment_uuid
            for attachment_uuid, vector in detached.items()
            if attachment_uuid in here
            and not _includes(self.state.versions.get(here[attachment_uuid], {}), vector)
        )

    def plan_merge(
        self,
        incoming: list[payload.Chunk],
        tombstones: dict[str, dict[str, int]],
        sent_revisions: dict[str, int],
    ) -> tuple[list[tuple[Any, frozenset[str]]], dict[str, int]]:
        """For each chunk: the cases to merge, and which of them simply replace the copy here.

        By version vectors: a copy this device already includes is skipped; a
        copy that includes this device's (unchanged since) replaces it
        quietly; any other is a concurrent edit, merged with a conflict note.
        A copy a deletion covers is skipped too. Returns the plan, and the
        cases here to delete (those a deletion covers and that did not change
        here since the last sync), with the revision each has now.
        """
        import dataclasses

        self.versions.update(self.pending_versions)
        revisions = self.store.case_revisions()
        detached = self.detachments(incoming)
        plans = []
        for chunk in incoming:
            kept, forward = [], set()
            for case in chunk.export.cases:
                theirs = chunk.versions.get(case.uuid, {})
                case = self.without_detached(case, theirs, detached)
                if case.uuid in tombstones and _includes(tombstones[case.uuid], theirs):
                    continue
                ours = self.versions.get(case.uuid, {})
                if ours and _includes(ours, theirs):
                    continue
                current = revisions.get(case.uuid)
                published = sent_revisions.get(case.uuid, self.state.published.get(case.uuid))
                unchanged_here = current is None or current[1] == published
                if _includes(theirs, ours) and unchanged_here:
                    forward.add(case.uuid)
                kept.append(case)
                self.versions[case.uuid] = _joined(ours, theirs)
            plans.append((dataclasses.replace(chunk.export, cases=tuple(kept)), frozenset(forward)))
        local_deletions = {}
        for case_uuid, covered in tombstones.items():
            current = revisions.get(case_uuid)
            if current is None:
                continue
            published = sent_revisions.get(case_uuid, self.state.published.get(case_uuid))
            if current[1] == published and _includes(covered, self.versions.get(case_uuid, {})):
                local_deletions[case_uuid] = current[1]
        return plans, local_deletions

    def record(
        self,
        merged: Any,
        sent_revisions: dict[str, int],
        tombstones: dict[str, dict[str, int]],
        head: str | None,
        detached: dict[str, dict[str, int]],
    ) -> None:
        """Remember what is on the remote now, so the next sync sends only what is new.

        A case is marked published only if nothing changed it here between the
        moment it was read for the chunk and the merge (a `note` typed while
        the sync ran is sent next time, never lost).
        """
        from issuenote.parse import timeparse

        report = merged.report
        conflict_cases = {conflict.case_id for conflict in report.conflicts}
        numbers = {uuid_: number for uuid_, (number, _, _) in self.store.case_revisions().items()}
        published = dict(self.state.published)
        attached = {
            case_uuid: uuids
            for case_uuid, uuids in self.state.attached.items()
            if case_uuid in merged.revisions_after
        }
        attached_now = self.store.attachment_uuids_by_case()
        for case_uuid in list(published):
            if case_uuid not in merged.revisions_after:
                del published[case_uuid]
        for case_uuid, after in merged.revisions_after.items():
            expected = sent_revisions.get(case_uuid, self.state.published.get(case_uuid))
            before = merged.revisions_before.get(case_uuid)
            if numbers.get(case_uuid) in conflict_cases:
                continue  # the merge wrote a note here: publish it next time
            if before == expected:
                published[case_uuid] = after
                attached[case_uuid] = attached_now.get(case_uuid, [])
        self.state.published = published
        self.state.attached = {k: v for k, v in attached.items() if v}
        self.state.detached = detached
        self.state.versions = {
            case_uuid: vector
            for case_uuid, vector in self.versions.items()
            if case_uuid in merged.revisions_after
        }
        self.state.tombstones = tombstones
        self.state.last_head = head
        self.state.last_sync_at = timeparse.to_storage(timeparse.utc_now())
        self.state.save(self.home)
        (sync_dir(self.home) / "background-failure").unlink(missing_ok=True)
        self.report.cases_added = report.cases_added
        self.report.cases_updated = [n for n in report.cases_updated if n not in report.cases_added]
        self.report.cases_deleted = merged.deleted
        self.report.entries_added = report.entries_added
        self.report.conflicts = sorted({c.case_id for c in report.conflicts if not c.already_noted})


def _includes(bigger: dict[str, int], smaller: dict[str, int]) -> bool:
    """Whether a copy with vector `bigger` already holds everything of one with `smaller`."""
    return all(bigger.get(device, 0) >= number for device, number in smaller.items())


def _joined(one: dict[str, int], other: dict[str, int]) -> dict[str, int]:
    return {device: max(one.get(device, 0), other.get(device, 0)) for device in one | other}


def _joined_all(
    known: dict[str, dict[str, int]], layers: list[dict[str, dict[str, int]]]
) -> dict[str, dict[str, int]]:
    """Vectors by key, each joined over what is known here and every layer that names it."""
    joined = {key: dict(vector) for key, vector in known.items()}
    for layer in layers:
        for key, vector in layer.items():
            joined[key] = _joined(joined.get(key, {}), vector)
    return joined


# -- status ---------------------------------------------------------------------------


def status(home: Path, *, fetch: bool = True) -> dict[str, Any]:
    """Where sync stands: remote, device, last sync, changes waiting on each side."""
    from issuenote.store import Store
    from issuenote.sync.auto import read_failure

    state = require_state(home)
    info: dict[str, Any] = {
        "remote": state.remote,
        "device_name": state.device_name,
        "device_id": state.device_id,
        "last_sync_at": state.last_sync_at,
        "last_head": state.last_head,
        "background_failure": read_failure(home),
        "ahead": None,
        "behind": None,
        "remote_checked": False,
        "remote_problem": None,
    }
    store = Store.open(home, create=False)
    pending = 0
    if store is not None:
        try:
            revisions = store.case_revisions()
        finally:
            store.close()
        pending = sum(
            1
            for case_uuid, (_, revision, _) in revisions.items()
            if state.published.get(case_uuid) != revision
        )
        pending += sum(1 for case_uuid in state.published if case_uuid not in revisions)
    info["ahead"] = pending
    if fetch:
        try:
            git = Git(_repo(home), state.remote)
            head = _fetch(git)
            files = _tree(git, head)
            known = _tree(git, state.last_head) if state.last_head else {}
            info["behind"] = sum(
                1
                for path, blob in files.items()
                if _CHUNK_PATH.fullmatch(path) and known.get(path) != blob
            )
            info["remote_checked"] = True
        except IssuenoteError as error:
            info["remote_problem"] = str(error)
    return info
