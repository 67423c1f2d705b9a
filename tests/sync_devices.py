"""Devices that sync through a bare git repository in a temporary directory (no network).

Each device is a notebook home of its own; commands run in-process through
typer's CliRunner with that home, or as the installed `issuenote` executable
when a test needs a real process (to kill it, or to run two at once).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from typer.testing import CliRunner, Result

from issuenote.cli import app

# Fields that are this device's own: its numbering, the moment of the export, and the
# head of its tamper-evident chain (each device chains what it recorded, in its order).
_LOCAL_KEYS = frozenset({"id", "number", "exported_at", "notebook", "open_steps", "chain_head"})


def git(*args: str, cwd: Path | None = None) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout.strip()


def bare_remote(path: Path) -> Path:
    path.mkdir(parents=True)
    git("init", "--quiet", "--bare", "--initial-branch=main", str(path))
    return path


def executable() -> str:
    found = shutil.which("issuenote", path=str(Path(sys.executable).parent))
    assert found, "the issuenote executable is installed in the test environment"
    return found


class Device:
    def __init__(self, root: Path, name: str, remote: Path) -> None:
        self.name = name
        self.home = root / name
        self.remote = remote
        self.key: str | None = None
        self.runner = CliRunner()

    def env(self, **extra: str) -> dict[str, str]:
        values = {"ISSUENOTE_HOME": str(self.home)}
        if self.key:
            values["ISSUENOTE_KEY"] = self.key
        values.update(extra)
        return values

    def run(self, *args: str, input: str | None = None, **env: str) -> Result:
        return self.runner.invoke(
            app, list(args), input=input, env=self.env(**env), catch_exceptions=False
        )

    def ok(self, *args: str, input: str | None = None) -> Result:
        result = self.run(*args, input=input)
        assert result.exit_code == 0, f"{self.name}: {args}: {result.stderr}"
        return result

    def process(self, *args: str, **env: str) -> subprocess.Popen[bytes]:
        environment = {**os.environ, **self.env(**env)}
        return subprocess.Popen(
            [executable(), *args],
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )

    def sync(self) -> Result:
        return self.ok("sync")

    def cases(self) -> list[dict[str, Any]]:
        """The whole notebook as export writes it, less this device's own numbering."""
        result = self.ok("export", "--all", "--format", "json", "--no-redact", "--include-private")
        return normalised(json.loads(result.stdout)["cases"])

    def texts(self) -> set[str]:
        return {entry["text"] for case in self.cases() for entry in case["entries"]}


def normalised(cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in _LOCAL_KEYS}
        if isinstance(value, list):
            return [strip(item) for item in value]
        return value

    result = [strip(case) for case in cases]
    for case in result:
        case["entries"].sort(key=lambda entry: entry["uuid"])
        case.get("deleted_entries", []).sort(key=lambda entry: entry["uuid"])
        case["transactions"].sort(key=lambda tx: tx["uuid"])
    return sorted(result, key=lambda case: case["uuid"])


def make_devices(root: Path, count: int, remote: Path | None = None) -> list[Device]:
    """`count` devices on one fresh remote; the first creates it, the others join."""
    remote = remote or bare_remote(root / "remote.git")
    first = Device(root, "dev0", remote)
    first.ok("sync", "init", str(remote), "--name", "dev0")
    key = first.ok("key", "export", "--yes").stdout.strip()
    devices = [first]
    for index in range(1, count):
        device = Device(root, f"dev{index}", remote)
        device.key = key
        device.ok("sync", "init", str(remote), "--name", device.name)
        device.key = None  # joined: the key is kept with its notebook now
        devices.append(device)
    return devices


def settle(devices: list[Device]) -> None:
    """Sync every device twice round: after that each has what every other pushed."""
    for _ in range(2):
        for device in devices:
            device.sync()


def assert_converged(devices: list[Device]) -> list[dict[str, Any]]:
    first = devices[0].cases()
    for device in devices[1:]:
        theirs = device.cases()
        assert theirs == first, (
            f"{device.name} differs from {devices[0].name}: {differences(first, theirs)}"
        )
    return first


def differences(mine: Any, theirs: Any, where: str = "") -> list[str]:
    """Where two exported notebooks part, path by path (a failing test says what differs)."""
    if isinstance(mine, dict) and isinstance(theirs, dict):
        return [
            found
            for key in sorted(mine.keys() | theirs.keys(), key=str)
            for found in differences(mine.get(key), theirs.get(key), f"{where}.{key}")
        ]
    if isinstance(mine, list) and isinstance(theirs, list) and len(mine) == len(theirs):
        return [
            found
            for index, (a, b) in enumerate(zip(mine, theirs, strict=True))
            for found in differences(a, b, f"{where}[{index}]")
        ]
    return [] if mine == theirs else [f"{where or '.'}: {mine!r:.120} != {theirs!r:.120}"]
