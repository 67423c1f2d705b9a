"""The secret scan of a big import, run in a second process beside the parse.

Import checks every text of a file for secrets before anything is written
(issuenote.importer). On a big file the scan is half of the check; here it
runs in a helper process (`python -m issuenote.safety.screening`) while the
importer parses and checks the rest, so the two use both cores. Nothing is
skipped: every text sent is scanned, here or (if the helper cannot start or
dies) in this process, and `Screens.first_refusal` waits for all of them.

The importer numbers each check it makes in file order; a refusal names the
text's number, and the importer reports the earliest problem of either kind,
as a scan in line would have. When the helper falls behind (its core is
busy), this process scans the next frame itself instead of waiting.

Frames on the pipes are a 4-byte length and a `marshal` dump (texts, numbers
and tuples only), between this process and the helper it started.
"""

from __future__ import annotations

import marshal
import os
import struct
import subprocess
import sys
from typing import IO, Any

# A frame holds texts up to this many characters; at most IN_FLIGHT frames are
# unanswered (with PIPE_BYTES pipes, a write then never waits for the helper).
FRAME_CHARS = 32_000
IN_FLIGHT = 4
PIPE_BYTES = 1 << 20
# Seconds without an answer after which the helper counts as stuck (a frame takes ms).
PATIENCE = 60.0

# (number, text, what, path): what the importer asks; (number, message, path): a refusal.
Item = tuple[int, str, str, tuple[str | int, ...]]
Refusal = tuple[int, str, tuple[str | int, ...]]


def _write(stream: IO[bytes], value: Any) -> None:
    body = marshal.dumps(value)
    data = memoryview(struct.pack("<I", len(body)) + body)
    while data:  # an unbuffered pipe may take part of it per call
        data = data[stream.write(data) or 0 :]
    stream.flush()


def _read_exact(stream: IO[bytes], size: int) -> bytes:
    """`size` bytes, fewer only at the end of the stream (a pipe may give less per read)."""
    data = b""
    while len(data) < size:
        chunk = stream.read(size - len(data))
        if not chunk:
            break
        data += chunk
    return data


def _read(stream: IO[bytes]) -> Any:
    """The next frame, or None at the end of the stream."""
    head = _read_exact(stream, 4)
    if len(head) < 4:
        return None
    (size,) = struct.unpack("<I", head)
    data = _read_exact(stream, size)
    if len(data) < size:
        return None
    return marshal.loads(data)


def scan(items: list[Item]) -> Refusal | None:
    """The first text of `items` that holds a secret, with clean_text's message for it."""
    from issuenote.actions import screen
    from issuenote.errors import IssuenoteError

    for number, text, what, path in items:
        try:
            screen(text, what, redact=False)
        except IssuenoteError as error:
            return number, str(error), path
    return None


class Screens:
    """Texts to scan, in file order; scanned by a helper process while there is one."""

    def __init__(self, *, helper: bool) -> None:
        self.batch: list[Item] = []
        self.chars = 0
        # Frames sent and not answered yet, oldest first: kept to scan here if the helper dies.
        self.sent: list[list[Item]] = []
        self.refusals: list[Refusal] = []
        self.process: subprocess.Popen[bytes] | None = self._start() if helper else None

    @staticmethod
    def _start() -> subprocess.Popen[bytes] | None:
        import issuenote

        root = os.path.dirname(os.path.dirname(os.path.abspath(issuenote.__file__)))
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
        try:
            process = subprocess.Popen(
                [sys.executable, "-m", "issuenote.safety.screening"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,  # a helper that fails is replaced, not reported
                env=env,
                bufsize=0,  # answers are read as they come (select), not through a buffer
            )
        except OSError:  # no helper: every text is scanned here
            return None
        try:
            import fcntl

            for pipe in (process.stdin, process.stdout):
                assert pipe is not None
                fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)
        except (ImportError, AttributeError, OSError):
            pass  # a smaller pipe: a write may wait for the helper, which is all
        return process

    def add(self, number: int, text: str, what: str, path: tuple[str | int, ...]) -> None:
        """Scan `text` (check number `number` of the file, at `path`), now or soon."""
        if self.process is None:
            self._here([(number, text, what, path)])
            return
        self.batch.append((number, text, what, path))
        self.chars += len(text)
        if self.chars >= FRAME_CHARS:
            self._send()

    def _answered(self, wait: float = 0.0) -> bool:
        """Whether the helper's next answer can be read (waiting up to `wait` seconds)."""
        import select

        assert self.process is not None and self.process.stdout is not None
        try:
            return bool(select.select([self.process.stdout], [], [], wait)[0])
        except (OSError, ValueError):
            return True  # the read will tell what happened

    def _send(self) -> None:
        batch, self.batch, self.chars = self.batch, [], 0
        if not batch:
            return
        while self.process is not None and self.sent and self._answered():
            self._receive()
        if self.process is None or len(self.sent) >= IN_FLIGHT:
            self._here(batch)  # the helper is behind: this one is scanned here
            return
        self.sent.append(batch)
        try:
            assert self.process.stdin is not None
            _write(self.process.stdin, batch)
        except (OSError, ValueError):
            self._lost()

    def _receive(self) -> None:
        """The answer to the oldest frame sent; the helper lost, the rest is scanned here."""
        assert self.process is not None and self.process.stdout is not None
        if not self._answered(PATIENCE):  # stuck: stopped, and its frames scanned here
            self._lost()
            return
        try:
            answer = _read(self.process.stdout)
        except (OSError, ValueError, EOFError, TypeError):
            answer = None
        if not isinstance(answer, tuple) or len(answer) != 2:
            self._lost()
            return
        found, refusal = answer
        self.sent.pop(0)
        if found:
            self.refusals.append(refusal)

    def _lost(self) -> None:
        """The helper stopped answering: scan here what it had not answered, and all after."""
        process, self.process = self.process, None
        if process is not None:
            _stop(process)
        sent, self.sent = self.sent, []
        for batch in sent:
            self._here(batch)

    def _here(self, batch: list[Item]) -> None:
        refusal = scan(batch)
        if refusal is not None:
            self.refusals.append(refusal)

    def first_refusal(self) -> Refusal | None:
        """Wait for every text added so far; the earliest that holds a secret, if any."""
        self._send()
        while self.process is not None and self.sent:
            self._receive()
        if self.process is None:
            for batch in self.sent:
                self._here(batch)
            self.sent = []
        return min(self.refusals) if self.refusals else None

    def close(self) -> None:
        process, self.process = self.process, None
        if process is not None:
            _stop(process)


def _stop(process: subprocess.Popen[bytes]) -> None:
    for stream in (process.stdin, process.stdout):
        try:
            if stream is not None:
                stream.close()
        except OSError:
            pass
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def main() -> None:
    """The helper: answer each frame of texts with (found, refusal), until stdin ends."""
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    while (batch := _read(stdin)) is not None:
        refusal = scan(batch)
        _write(stdout, (refusal is not None, refusal))


if __name__ == "__main__":
    main()
