"""The git command line, as sync uses it: a timeout on every call, never a prompt.

The `git` executable carries what people already set up: SSH keys and agents,
credential helpers, `insteadOf` rewrites, proxies. Every call runs with
``GIT_TERMINAL_PROMPT=0`` and ``GIT_SSH_COMMAND`` batch mode (unless the user
set their own), so a missing credential is a refusal, never a hang; and with
a timeout, so a dead network is a refusal too. A failure becomes one line
saying which of the usual causes it is (no git, unreachable, authentication).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from issuenote.errors import IssuenoteError

ENV_TIMEOUT = "ISSUENOTE_GIT_TIMEOUT"
DEFAULT_TIMEOUT = 120.0
# A fixed identity for the sync commits: no name or address of the user on the remote.
_AUTHOR = ("issuenote", "sync@issuenote.invalid")

# Another push got there first (or is landing right now): fetch and try again.
_RACE_PATTERNS = (
    "[rejected]",
    "non-fast-forward",
    "fetch first",
    "cannot lock ref",
    "failed to update ref",
    "incorrect old value",
    ".lock': file exists",
)
_AUTH_PATTERNS = (
    "authentication failed",
    "permission denied",
    "could not read username",
    "could not read password",
    "terminal prompts disabled",
    "invalid username or password",
    "access denied",
    "403",
    "401",
)
_UNREACHABLE_PATTERNS = (
    "could not resolve host",
    "could not resolve hostname",
    "connection refused",
    "connection timed out",
    "network is unreachable",
    "no route to host",
    "does not appear to be a git repository",
    "repository not found",
    "not found",
    "unable to access",
    "could not read from remote repository",
    "no such file or directory",
)


class GitError(IssuenoteError):
    """git failed; the message is one line for the user."""


class PushRejected(GitError):
    """The remote moved on since our fetch (another device pushed first)."""


@dataclass(frozen=True)
class Result:
    stdout: bytes
    stderr: str


def git_executable() -> str:
    """The path of `git`, or a refusal saying how to get it."""
    found = shutil.which("git")
    if found is None:
        raise GitError(
            "sync needs git, and no `git` command was found on PATH; install git "
            "(https://git-scm.com) and try again"
        )
    return found


def timeout_seconds() -> float:
    text = os.environ.get(ENV_TIMEOUT, "").strip()
    if not text:
        return DEFAULT_TIMEOUT
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value <= 3600:
        raise IssuenoteError(f"{ENV_TIMEOUT} must be a number of seconds between 0 and 3600")
    return value


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env["GIT_TERMINAL_PROMPT"] = "0"
    env.setdefault("GIT_SSH_COMMAND", "ssh -o BatchMode=yes")
    env["GIT_AUTHOR_NAME"] = env["GIT_COMMITTER_NAME"] = _AUTHOR[0]
    env["GIT_AUTHOR_EMAIL"] = env["GIT_COMMITTER_EMAIL"] = _AUTHOR[1]
    env["LC_ALL"] = "C"  # messages we can recognise
    env.pop("GIT_DIR", None)
    env.pop("GIT_WORK_TREE", None)
    env.pop("GIT_INDEX_FILE", None)
    return env


class Git:
    """git commands run inside one repository directory (a bare-like work repo)."""

    def __init__(self, repo: Path, remote_url: str | None = None) -> None:
        self.repo = repo
        self.remote_url = remote_url
        self.executable = git_executable()
        self.timeout = timeout_seconds()

    def run(
        self,
        *args: str,
        stdin: bytes | None = None,
        check: bool = True,
        network: bool = False,
        env: dict[str, str] | None = None,
    ) -> subprocess.CompletedProcess[bytes]:
        command = [self.executable, "-C", str(self.repo), *args]
        environment = _environment()
        environment.update(env or {})
        try:
            completed = subprocess.run(
                command,
                input=stdin,
                capture_output=True,
                env=environment,
                timeout=self.timeout,
                stdin=None if stdin is not None else subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired:
            what = f"the remote {self.remote_url}" if network else "git"
            raise GitError(
                f"no answer from {what} within {self.timeout:g} s; check the network "
                f"(or set {ENV_TIMEOUT}) and run `issuenote sync` again"
            ) from None
        except OSError as error:
            raise GitError(f"cannot run git: {error.strerror or error}") from None
        if check and completed.returncode != 0:
            raise self.failure(args, completed, network=network)
        return completed

    def failure(
        self, args: tuple[str, ...], completed: subprocess.CompletedProcess[bytes], *, network: bool
    ) -> GitError:
        text = completed.stderr.decode("utf-8", "replace")
        lowered = text.lower()
        if network:
            if any(pattern in lowered for pattern in _RACE_PATTERNS):
                return PushRejected("the remote has changes this device has not fetched yet")
            if any(pattern in lowered for pattern in _AUTH_PATTERNS):
                return GitError(
                    f"the remote {self.remote_url} refused the credentials (authentication "
                    "failed); check that you can `git ls-remote` it, then try again"
                )
            if any(pattern in lowered for pattern in _UNREACHABLE_PATTERNS):
                return GitError(
                    f"cannot reach the remote {self.remote_url} ({_last_line(text)}); check "
                    "the address and the network, then try again"
                )
        return GitError(f"git {args[0]} failed: {_last_line(text) or 'no message'}")

    def output(
        self, *args: str, stdin: bytes | None = None, env: dict[str, str] | None = None
    ) -> str:
        return self.run(*args, stdin=stdin, env=env).stdout.decode("utf-8", "replace").strip()


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    meaningful = [line for line in lines if re.match(r"(fatal|error|remote):", line)]
    line = (meaningful or lines or [""])[-1]
    line = re.sub(r"^(fatal|error): ", "", line)
    return line[:200]
