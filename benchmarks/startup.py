"""How fast issuenote starts, measured as whole processes, against bare Python.

Builds (or reuses) two virtualenvs from the same interpreter: one with nothing
installed (the baseline `python -c pass`) and one with a normal, non-editable
install of this checkout (an editable install adds a path hook that slows
every start of its interpreter and would flatter the ratio). Then runs each
command many times, interleaved so machine noise hits all of them alike, and
prints medians, ratios to the baseline and peak memory (max RSS).

    python benchmarks/startup.py            # build venvs under .bench/, 30 rounds
    python benchmarks/startup.py --rounds 60 --rebuild

Targets (issue 2): `note` <= 8x bare start and <= 20 MB peak; `--help` <= 12x.
Issue 9: `note` no slower with the undo journal (7.5x before it); `undo` <= 10x.
Issue 8: the bare `issuenote` agenda <= 10x.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

from benchenv import compile_bytecode

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"note": 8.0, "--help": 12.0, "undo": 10.0, "agenda": 10.0}
MEMORY_TARGET_MB = {"note": 20.0}


def build_venvs(where: Path, rebuild: bool) -> tuple[Path, Path]:
    bare, tool = where / "bare", where / "installed"
    if rebuild:
        shutil.rmtree(bare, ignore_errors=True)
        shutil.rmtree(tool, ignore_errors=True)
    if not (bare / "bin" / "python").exists():
        venv.EnvBuilder(with_pip=False).create(bare)
    if not (tool / "bin" / "issuenote").exists():
        venv.EnvBuilder(with_pip=True).create(tool)
        subprocess.run(
            [str(tool / "bin" / "python"), "-m", "pip", "install", "-q", str(ROOT)],
            check=True,
        )
    compile_bytecode(bare, tool)
    return bare / "bin" / "python", tool / "bin" / "issuenote"


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall time (s) and peak RSS (MB) of one whole process."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        error = process.stderr.read().decode() if process.stderr else ""
        raise SystemExit(f"{argv} failed ({process.returncode}): {error}")
    if process.stderr:
        process.stderr.close()
    return elapsed, usage.ru_maxrss / 1024  # ru_maxrss is KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--venvs", type=Path, default=ROOT / ".bench")
    parser.add_argument("--rebuild", action="store_true", help="reinstall this checkout first")
    # Note: --rebuild starts the venvs afresh; other benchmarks' notebooks under
    # .bench/ (search_scale.py's) are kept.
    args = parser.parse_args()

    bare_python, issuenote = build_venvs(args.venvs, args.rebuild)
    home = Path(tempfile.mkdtemp(prefix="issuenote-bench-"))
    env = {**os.environ, "ISSUENOTE_HOME": str(home), "NO_COLOR": "1"}
    env.pop("ISSUENOTE_KEY", None)
    subprocess.run(
        [str(issuenote), "new", "Benchmark case"], env=env, check=True, stdout=subprocess.DEVNULL
    )
    commands = {
        "python -c pass": [str(bare_python), "-c", "pass"],
        "--help": [str(issuenote), "--help"],
        "note": [str(issuenote), "note", "1", "Agent Kevin (CS-4471) says: wait 24 hours."],
        "show": [str(issuenote), "show", "1"],
        # Runs right after `note` in each round: reverts that note through the journal.
        "undo": [str(issuenote), "undo", "--yes"],
        "list": [str(issuenote), "list"],
        "export": [str(issuenote), "export", "1"],
        "config get": [str(issuenote), "config", "get", "language"],
        # `issuenote` with no command: the agenda (issue 8), a whole command of its own.
        "agenda": [str(issuenote)],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    peaks: dict[str, float] = {name: 0.0 for name in commands}
    for argv in commands.values():  # warm the page cache once
        run_once(argv, env)
    for _ in range(args.rounds):
        for name, argv in commands.items():
            elapsed, peak = run_once(argv, env)
            times[name].append(elapsed)
            peaks[name] = max(peaks[name], peak)

    base = statistics.median(times["python -c pass"])
    print(f"{args.rounds} interleaved rounds; installed (non-editable) {issuenote}")
    print(f"{'command':<16}{'median ms':>10}{'ratio':>8}{'target':>8}{'peak MB':>9}")
    failed = False
    for name, samples in times.items():
        median = statistics.median(samples)
        ratio = median / base
        target = TARGETS.get(name)
        mem_target = MEMORY_TARGET_MB.get(name)
        ok = (target is None or ratio <= target) and (
            mem_target is None or peaks[name] <= mem_target
        )
        failed |= not ok
        target_text = f"{target:.0f}x" if target else ""
        mark = "" if ok else "  <-- over target"
        print(
            f"{name:<16}{median * 1000:>10.1f}{ratio:>7.1f}x{target_text:>8}"
            f"{peaks[name]:>9.1f}{mark}"
        )
    if MEMORY_TARGET_MB:
        limits = ", ".join(f"{k} <= {v:.0f} MB" for k, v in MEMORY_TARGET_MB.items())
        print(f"memory targets: {limits}")
    shutil.rmtree(home, ignore_errors=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
