"""How long the evidence commands take on real-sized input, as whole processes.

    python benchmarks/evidence.py                 # 100 MB attach, 50-attachment bundle
    python benchmarks/evidence.py --size-mb 20 --exhibits 10

Runs the `issuenote` on PATH (the one of this virtualenv) against a throwaway
notebook and prints wall time and peak memory (max RSS) of:

- `attach` of one file of --size-mb megabytes (copied, hashed, sniffed, kept),
- `attach` of the same file again (stored once: hashed, not stored twice),
- `verify` of that notebook (every attachment re-hashed),
- `bundle` of a case with --exhibits attachments of 1 MB each.

Figures only: no pass/fail, since they depend on the disk.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    start = time.perf_counter()
    process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        error = process.stderr.read().decode() if process.stderr else ""
        raise SystemExit(f"{argv} failed: {error}")
    if process.stderr:
        process.stderr.close()
    return elapsed, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=100)
    parser.add_argument("--exhibits", type=int, default=50)
    args = parser.parse_args()
    issuenote = shutil.which("issuenote") or sys.exit("issuenote is not on PATH")
    work = Path(tempfile.mkdtemp(prefix="issuenote-evidence-bench-"))
    try:
        env = {**os.environ, "ISSUENOTE_HOME": str(work / "home"), "NO_COLOR": "1"}
        env.pop("ISSUENOTE_KEY", None)
        subprocess.run(
            [issuenote, "new", "Large file case"], env=env, check=True, capture_output=True
        )
        subprocess.run(
            [issuenote, "new", "Many files case"], env=env, check=True, capture_output=True
        )
        big = work / "screen-recording.mp4"
        with big.open("wb") as stream:
            for _ in range(args.size_mb):
                stream.write(os.urandom(1024 * 1024))
        rows = []
        rows.append((f"attach {args.size_mb} MB", *run([issuenote, "attach", "1", str(big)], env)))
        rows.append(
            (f"attach {args.size_mb} MB again", *run([issuenote, "attach", "1", str(big)], env))
        )
        files = []
        for number in range(args.exhibits):
            path = work / f"screenshot-{number:02d}.bin"
            path.write_bytes(os.urandom(1024 * 1024))
            files.append(str(path))
        subprocess.run([issuenote, "attach", "2", *files], env=env, check=True, capture_output=True)
        rows.append(("verify (all hashes)", *run([issuenote, "verify"], env)))
        target = work / "bundle.zip"
        rows.append(
            (
                f"bundle, {args.exhibits} x 1 MB",
                *run([issuenote, "bundle", "2", "--output", str(target)], env),
            )
        )
        print(f"{'command':<28}{'seconds':>9}{'peak MB':>9}")
        for name, seconds, peak in rows:
            print(f"{name:<28}{seconds:>9.2f}{peak:>9.1f}")
        print(f"bundle size: {target.stat().st_size / 1024 / 1024:.1f} MB")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
