"""How issuenote scales: every command timed on S, M and L notebooks, as whole processes.

Builds (once, cached under .bench/scale/) three notebooks through the real
`issuenote import` path, with varied en/zh/ko text, tickets, agents and txids:

    S = 100 cases x 20 entries      M = 1,000 x 51      L = 10,000 x 100

Case 1 of every size carries 1,000 entries (what `show` is timed on). Then
times each command as a whole process, interleaved with `python -c pass` of a
bare venv so machine noise hits both alike, and prints one table: median
milliseconds, ratio to the bare start and peak memory (max RSS, from wait4)
per size, plus Taskwarrior on the same data where `task` is installed.

    python benchmarks/scale.py                  # S and M, 5 rounds
    python benchmarks/scale.py --sizes S M L --rounds 3
    python benchmarks/scale.py --build L        # only build (and cache) L

Goals (issue 15): reading commands <= 10x bare start and flat from S to L;
every command under 50 MB; export --all and import >= 20,000 entries/s.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
import venv
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from benchenv import compile_bytecode

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / ".bench" / "scale"
SIZES = {"S": (100, 20), "M": (1_000, 51), "L": (10_000, 100)}
LONG_CASE_ENTRIES = 1_000
CHUNK_CASES = 250  # cases per import file while building (keeps each import small)
READ_GOAL = 10.0
MEMORY_GOAL_MB = 50.0
RATE_GOAL = 20_000

PLATFORMS = ["OKX", "Binance", "Bybit", "Kraken", "Coinbase", "Upbit", "Bithumb", "KuCoin"]
CATEGORIES = ["withdrawal", "deposit", "account", "security", "trading", "kyc", "other"]
STATUSES = ["open", "open", "waiting", "escalated", "resolved", "closed"]
CHANNELS = ["chat", "email", "form", "phone", "social", "forum"]
AGENTS = ["Mina", "Kevin", "Lily", "Jae-won", "Wang Fang", "Sophie", "Tom", "김지수", "李娜"]
TITLES = {
    "en": [
        "USDT withdrawal stuck in processing",
        "Deposit of {n} SOL not credited",
        "Account frozen after login from new device",
        "KYC rejected twice without a reason",
        "Futures order closed at the wrong price",
        "Withdrawal address whitelist not saving",
    ],
    "zh": [
        "USDT 提现一直处理中",
        "充值 {n} SOL 未到账",
        "新设备登录后账户被冻结",
        "身份认证两次被拒且无原因",
        "合约订单以错误价格平仓",
    ],
    "ko": [
        "USDT 출금이 처리 중에서 멈춤",
        "{n} SOL 입금이 반영되지 않음",
        "새 기기 로그인 후 계정 동결",
        "본인 인증이 이유 없이 두 번 거절됨",
    ],
}
SENTENCES = {
    "en": [
        "Support says the transfer is waiting for network confirmations.",
        "I sent the screenshot of the order page again.",
        "The agent asked me to wait another {n} hours before escalating.",
        "Still no update on the ticket after the promised time.",
        "Explorer shows the transaction as confirmed on chain.",
        "They said the finance team is reviewing the case.",
        "Asked for a written answer by email with the ticket number.",
        "Balance page still shows the amount as frozen.",
        "Chat was closed before I could ask about the timeline.",
        "Promised a callback within {n} business days.",
    ],
    "zh": [
        "客服说转账正在等待网络确认。",
        "我再次发送了订单页面的截图。",
        "客服让我再等 {n} 小时再升级处理。",
        "承诺的时间过了，工单仍然没有更新。",
        "区块浏览器显示交易已经在链上确认。",
        "他们说财务团队正在审核这个案件。",
        "资产页面仍然显示这笔金额被冻结。",
    ],
    "ko": [
        "상담원이 네트워크 확인을 기다리는 중이라고 했습니다.",
        "주문 페이지 캡처를 다시 보냈습니다.",
        "{n}시간 더 기다린 후에 상위 부서로 넘기라고 했습니다.",
        "약속한 시간이 지났지만 티켓에 업데이트가 없습니다.",
        "재무팀에서 검토 중이라고 안내받았습니다.",
        "잔액 화면에 금액이 여전히 동결로 표시됩니다.",
    ],
}
RARE_WORD = "Zanzibarquark"  # one entry of the notebook holds it: `search` for a rare word


# -- building the notebooks ------------------------------------------------------------


def _iso(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat()


def _entry(
    rng: random.Random, lang: str, at: datetime, case_index: int, now: datetime
) -> dict[str, Any]:
    kind = rng.choices(
        ["note", "contact", "reply", "step", "escalation", "status"], [30, 15, 35, 12, 4, 4]
    )[0]
    text = " ".join(
        rng.choice(SENTENCES[lang]).format(n=rng.randint(2, 72)) for _ in range(rng.randint(1, 3))
    )
    entry: dict[str, Any] = {
        "uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "kind": kind,
        "text": text if kind in ("note", "reply", "step", "contact") else None,
        "at": _iso(at),
        "channel": rng.choice(CHANNELS) if kind in ("contact", "reply") else None,
        "via": None,
        "agent": None,
        "agent_id": None,
        "ticket": None,
        "suggests": None,
        "escalated_to": None,
        "new_status": None,
        "due": None,
        "done_at": None,
        "flags": [],
        "warnings": [],
        "private": False,
    }
    if kind == "reply":
        entry["agent"] = rng.choice(AGENTS)
        entry["agent_id"] = f"CS-{rng.randint(1000, 9999)}"
        entry["ticket"] = f"{case_index:05d}{rng.randint(100, 999)}"
    elif kind == "step":
        entry["due"] = _iso(at + timedelta(days=rng.randint(1, 20)))
        if rng.random() < 0.6:
            done = at + timedelta(hours=rng.randint(1, 48))
            entry["done_at"] = _iso(min(done, now - timedelta(hours=1)))
    elif kind == "escalation":
        entry["escalated_to"] = "complaints team"
        entry["new_status"] = "escalated"
    elif kind == "status":
        entry["new_status"] = rng.choice(["waiting", "open"])
    return entry


def _case(rng: random.Random, index: int, entries: int, now: datetime) -> dict[str, Any]:
    lang = rng.choice(["en", "en", "zh", "ko"])
    start = now - timedelta(days=rng.randint(30, 900), minutes=rng.randint(0, 1440))
    step = (now - timedelta(days=1) - start) / max(entries, 1)
    timeline = [_entry(rng, lang, start + step * i, index, now) for i in range(entries)]
    if index == 7:
        timeline[0]["text"] = f"Reference word for the benchmark: {RARE_WORD}."
    txid = "".join(rng.choice("0123456789abcdef") for _ in range(64))
    last = timeline[-1]["at"] if timeline else _iso(start)
    return {
        "uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "title": rng.choice(TITLES[lang]).format(n=rng.randint(2, 900)),
        "platform": rng.choice(PLATFORMS),
        "category": rng.choice(CATEGORIES),
        "status": rng.choice(STATUSES),
        "account": None,
        "language": lang,
        "tags": rng.sample(["usdt", "sol", "urgent", "kyc", "futures", "refund"], 2),
        "description": rng.choice(SENTENCES[lang]).format(n=rng.randint(2, 72)),
        "occurred_at": _iso(start),
        "created_at": _iso(start),
        "updated_at": last,
        "entries": timeline,
        "transactions": [
            {
                "uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "txid": "0x" + txid,
                "chain": "ethereum",
                "asset": "USDT",
                "amount": f"{rng.randint(10, 99999)}.{rng.randint(0, 99):02d}",
                "kind": "withdrawal",
                "at": _iso(start),
            }
        ],
    }


def _chunks(cases: int, entries: int, now: datetime) -> Iterator[list[dict[str, Any]]]:
    rng = random.Random(f"issuenote-scale-{cases}-{entries}")
    batch: list[dict[str, Any]] = []
    for index in range(1, cases + 1):
        count = LONG_CASE_ENTRIES if index == 1 else entries
        batch.append(_case(rng, index, count, now))
        if len(batch) == CHUNK_CASES:
            yield batch
            batch = []
    if batch:
        yield batch


def build(size: str, issuenote: Path) -> Path:
    """The notebook home of one size, built through `issuenote import` unless cached."""
    home = BENCH / size
    done = home / ".built"
    if done.exists():
        home.chmod(0o700)  # doctor fails a notebook others can read
        return home
    from rich.progress import Progress

    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True, mode=0o700)
    cases, entries = SIZES[size]
    total = LONG_CASE_ENTRIES + (cases - 1) * entries
    env = _env(home)
    now = datetime.now(UTC)
    started = time.perf_counter()
    with Progress() as progress, tempfile.TemporaryDirectory() as scratch:
        task = progress.add_task(f"building {size} through import", total=total)
        for number, batch in enumerate(_chunks(cases, entries, now)):
            path = Path(scratch) / f"chunk{number}.json"
            document = {
                "format": "issuenote-notebook",
                "schema_version": 1,
                "notebook": None,
                "exported_at": _iso(now),
                "includes_private": False,
                "cases": batch,
            }
            path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
            subprocess.run(
                [str(issuenote), "import", str(path)],
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
            progress.advance(task, sum(len(case["entries"]) for case in batch))
    elapsed = time.perf_counter() - started
    done.write_text(f"{total} entries in {elapsed:.0f} s\n")
    return home


# -- timing ------------------------------------------------------------------------------


def _env(home: Path) -> dict[str, str]:
    env = {**os.environ, "ISSUENOTE_HOME": str(home), "NO_COLOR": "1", "TZ": "UTC"}
    env.pop("ISSUENOTE_KEY", None)
    return env


def tool_venvs(reinstall: bool) -> tuple[Path, Path]:
    """A bare venv (the baseline) and a normal install of this checkout."""
    bare, tool = BENCH / "bare", BENCH / "installed"
    if not (bare / "bin" / "python").exists():
        venv.EnvBuilder(with_pip=False).create(bare)
    fresh = not (tool / "bin" / "issuenote").exists()
    if fresh:
        venv.EnvBuilder(with_pip=True).create(tool)
    if fresh or reinstall:
        pip = [str(tool / "bin" / "python"), "-m", "pip", "install", "-q"]
        subprocess.run([*pip, str(ROOT)], check=True)
        subprocess.run([*pip, "--no-deps", "--force-reinstall", str(ROOT)], check=True)
    compile_bytecode(bare, tool)
    return bare / "bin" / "python", tool / "bin" / "issuenote"


TIME = "/usr/bin/time"


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Wall time (s), peak RSS (MB) and CPU time (s) of one whole process.

    Peak memory comes from /usr/bin/time: a child's own rusage counts the
    memory of the process that forked it (this script), /usr/bin/time's is tiny.
    """
    timed = [TIME, "-f", "%M %U %S", *argv] if os.path.exists(TIME) else argv
    start = time.perf_counter()
    process = subprocess.Popen(timed, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    error = process.stderr.read().decode(errors="replace") if process.stderr else ""
    if process.stderr:
        process.stderr.close()
    if code != 0:
        raise SystemExit(f"{argv} failed ({code}): {error}")
    if timed is argv:
        return elapsed, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime
    peak_kb, user, system = error.strip().splitlines()[-1].split()
    return elapsed, int(peak_kb) / 1024, float(user) + float(system)


FLOOR_BACKUP = """
import gzip, shutil, sqlite3, sys
source, target = sys.argv[1], sys.argv[2]
copy = sqlite3.connect(target + ".db")
sqlite3.connect(source).backup(copy)
copy.close()
with open(target + ".db", "rb") as raw, gzip.open(target, "wb", compresslevel=6) as out:
    shutil.copyfileobj(raw, out, 1 << 20)
"""


def commands(issuenote: Path, home: Path, scratch: Path) -> dict[str, list[str]]:
    tool = str(issuenote)
    help_of = subprocess.run([tool, "--help"], capture_output=True, text=True).stdout
    available = {line.split()[0] for line in help_of.splitlines() if line.startswith("  ")}
    table = {
        "note": [tool, "note", "2", "Agent Kevin (CS-4471) says: wait 24 hours."],
        "reply": [tool, "reply", "2", "Checking with the team.", "--agent", "Mina"],
        "list": [tool, "list"],
        "list --all": [tool, "list", "--all"],
        "show (1,000 entries)": [tool, "show", "1"],
        "search rare": [tool, "search", RARE_WORD],
        "search common": [tool, "search", "ticket"],
        "search 2-char zh": [tool, "search", "客服"],
        "export CASE chat": [tool, "export", "2"],
        "export CASE html": [tool, "export", "2", "--format", "html"],
        "export CASE markdown": [tool, "export", "2", "--format", "markdown"],
        "export CASE text": [tool, "export", "2", "--format", "text"],
        "export CASE email": [tool, "export", "2", "--format", "email"],
        "export CASE json": [tool, "export", "2", "--format", "json"],
        "bundle (1,000 entries)": [tool, "bundle", "1", "--output", str(scratch / "b.zip")],
        "backup": [tool, "backup", str(scratch)],
        "doctor": [tool, "doctor"],
    }
    doctor_help = subprocess.run([tool, "doctor", "--help"], capture_output=True, text=True)
    if "--quick" in doctor_help.stdout:
        table["doctor --quick"] = [tool, "doctor", "--quick"]
    for name in ("due", "stats"):
        if name in available:
            table[name] = [tool, name]
    if "agenda" in available:
        table["agenda"] = [tool, "agenda"]
    elif subprocess.run([tool], capture_output=True, env=_env(home)).returncode == 0:
        table["agenda (no args)"] = [tool]  # issue 8's agenda, once it has landed
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=["S", "M"], choices=list(SIZES))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--build", nargs="*", choices=list(SIZES), help="only build these")
    parser.add_argument("--no-reinstall", action="store_true", help="keep the installed copy")
    parser.add_argument(
        "--only",
        nargs="+",
        metavar="WORD",
        help="time only the commands whose names hold one of these words "
        "(`show`, `export CASE`, `import`, `backup` ...); python -c pass is always timed",
    )
    args = parser.parse_args()

    bare_python, issuenote = tool_venvs(reinstall=not args.no_reinstall)
    if args.build is not None:
        for size in args.build:
            print(f"{size}: {(build(size, issuenote) / '.built').read_text().strip()}")
        return
    results: dict[str, dict[str, tuple[float, float]]] = {}
    extra: dict[str, str] = {}
    for size in args.sizes:
        home = build(size, issuenote)
        results[size] = measure(size, home, bare_python, issuenote, args.rounds, extra, args.only)
    report(results, extra)


def measure(
    size: str,
    home: Path,
    bare_python: Path,
    issuenote: Path,
    rounds: int,
    extra: dict[str, str],
    only: list[str] | None = None,
) -> dict[str, tuple[float, float]]:
    """Median seconds and peak MB per command on a copy of the notebook (it is written to)."""

    def wanted(name: str) -> bool:
        return only is None or name == "python -c pass" or any(word in name for word in only)

    work = Path(tempfile.mkdtemp(prefix=f"issuenote-scale-{size}-"))
    copy = work / "home"
    shutil.copytree(home, copy)
    scratch = work / "backups"
    scratch.mkdir()
    env = _env(copy)
    table = {"python -c pass": [str(bare_python), "-c", "pass"]}
    table.update(commands(issuenote, copy, scratch))
    # the floor for backup: SQLite's online backup plus gzip of the same file
    floor = [str(bare_python), "-c", FLOOR_BACKUP, str(copy / "notebook.db"), str(scratch / "f")]
    table["sqlite backup+gzip (floor)"] = floor
    restored = work / "restored"
    if wanted("restore"):
        # the archive of one backup, restored into an empty notebook each round
        source = work / "restore-source"
        source.mkdir()
        subprocess.run(
            [str(issuenote), "backup", str(source)], env=env, check=True, capture_output=True
        )
        (archive,) = source.iterdir()
        table["restore"] = [str(issuenote), "--home", str(restored), "restore", str(archive)]
    table = {name: argv for name, argv in table.items() if wanted(name)}
    times: dict[str, list[float]] = {name: [] for name in table}
    peaks: dict[str, float] = dict.fromkeys(table, 0.0)
    task = _taskwarrior(size, work)
    for name, argv in task.items():
        if not wanted(name):
            continue
        table[name] = argv
        times[name] = []
        peaks[name] = 0.0
    for round_number in range(rounds):
        for name, argv in table.items():
            run_env = env if not name.startswith("task ") else _task_env(work)
            elapsed, peak, _ = run_once(argv, run_env)
            times[name].append(elapsed)
            peaks[name] = max(peaks[name], peak)
            for leftover in scratch.iterdir():
                if leftover.is_file():
                    leftover.unlink()
            shutil.rmtree(restored, ignore_errors=True)
        print(f"{size}: round {round_number + 1}/{rounds}", file=sys.stderr)
    out = {name: (statistics.median(samples), peaks[name]) for name, samples in times.items()}
    if wanted("export --all json (once)") or wanted("import it (once)"):
        out.update(_throughput(size, copy, issuenote, extra))
    shutil.rmtree(work, ignore_errors=True)
    return out


def _throughput(
    size: str, home: Path, issuenote: Path, extra: dict[str, str]
) -> dict[str, tuple[float, float]]:
    """export --all to a file and import of it into a new notebook, once each, with rates.

    Rates are given per second of wall time and per second of CPU time (this
    process alone: on a shared machine the wall clock also counts others' work).
    """
    env = _env(home)
    entries = int(
        json.loads(
            subprocess.run(
                [str(issuenote), "doctor", "--quick", "--json"],
                env=env,
                capture_output=True,
                text=True,
            ).stdout
        )["counts"]["entries"]
    )
    target = home.parent / "export.json"
    exported = run_once(
        [str(issuenote), "export", "--all", "--format", "json", "-o", str(target)], env
    )
    fresh = home.parent / "fresh"
    imported = run_once([str(issuenote), "import", str(target)], _env(fresh))
    for name, (wall, _, cpu) in (("export --all", exported), ("import", imported)):
        extra[f"{size} {name} rate"] = (
            f"{entries / wall:,.0f} entries/s wall, {entries / cpu:,.0f} entries/s CPU"
        )
    extra[f"{size} export size"] = f"{target.stat().st_size / 1e6:,.0f} MB, {entries:,} entries"
    floor = _import_floor(fresh / "notebook.db", home.parent / "floor.db")
    extra[f"{size} import floor"] = (
        f"{entries / floor:,.0f} entries/s ({floor:.1f} s): plain sqlite3 writing the same "
        "entries and their index rows, no check, no trigger"
    )
    return {"export --all json (once)": exported[:2], "import it (once)": imported[:2]}


def _import_floor(source: Path, target: Path) -> float:
    """Seconds SQLite alone takes to write a notebook's entries into an empty copy of its schema.

    What no import can beat on this machine: the entries table with its
    indexes and the trigram full-text index, written from the imported
    notebook with INSERT ... SELECT (no Python per row, no check, no secret
    scan, no trigger, no chain, stats or sync rows), a thousand entries per
    statement, in one transaction, synchronous=FULL, in the order import
    writes them into a new notebook (store.bulk, with import's own
    functions): the first DEFER_AFTER_ENTRIES indexed batch by batch with
    the index's merges held; past them the entries' time, ticket, due and
    promise indexes dropped and built at the end, and the rest of the full-text
    index written at the end in time order.
    """
    from issuenote.store import bulk
    from issuenote.store.connection import statement_journals_in_memory

    for leftover in (target, target.with_name(target.name + "-wal")):
        leftover.unlink(missing_ok=True)
    conn = sqlite3.connect(target, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("ATTACH ? AS source", (str(source),))
        schema = conn.execute(
            "SELECT sql FROM source.sqlite_master WHERE sql IS NOT NULL AND "
            "(name IN ('cases', 'entries', 'entry_search') OR "
            "(type = 'index' AND tbl_name IN ('cases', 'entries'))) ORDER BY type DESC"
        ).fetchall()
        for (sql,) in schema:
            conn.execute(sql)
        # Batches of cases of about FLUSH_ENTRIES entries, as import flushes them.
        batches: list[list[int]] = [[]]
        written = 0
        for case_id, count in conn.execute(
            "SELECT case_id, count(*) FROM source.entries GROUP BY case_id ORDER BY case_id"
        ):
            batches[-1].append(case_id)
            written += count
            if written >= bulk.FLUSH_ENTRIES * len(batches):
                batches.append([])
        started = time.perf_counter()
        with statement_journals_in_memory(conn):
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT INTO main.cases SELECT * FROM source.cases")
            held = bulk.hold_merges(conn)
            deferred: list[str] | None = None
            at_end: list[int] = []
            so_far = 0
            for batch in batches:
                if deferred is None and so_far >= bulk.DEFER_AFTER_ENTRIES:
                    deferred = bulk.defer_indexes(conn)
                so_far += conn.execute(
                    "INSERT INTO main.entries SELECT * FROM source.entries "
                    "WHERE case_id IN (SELECT value FROM json_each(?)) ORDER BY id",
                    (json.dumps(batch),),
                ).rowcount
                if deferred:
                    at_end.extend(batch)
                else:
                    bulk.index_entries(conn, batch)
            if deferred:
                bulk.restore_indexes(conn, deferred)
            with bulk.freed_pages_not_wiped(conn):
                if at_end:
                    bulk.index_in_time_order(conn, at_end)
                bulk.merge_held(conn, held, written)
            conn.execute("COMMIT")
        return time.perf_counter() - started
    finally:
        conn.close()
        for leftover in (target, target.with_name(target.name + "-wal")):
            leftover.unlink(missing_ok=True)


def _task_env(work: Path) -> dict[str, str]:
    return {
        **os.environ,
        "TASKRC": str(work / "taskrc"),
        "TASKDATA": str(work / "task"),
    }


def _taskwarrior(size: str, work: Path) -> dict[str, list[str]]:
    """Taskwarrior on the same number of tasks and annotations, where `task` is installed."""
    task = shutil.which("task")
    if task is None or size == "L":  # a million annotations take Taskwarrior too long to import
        return {}
    cases, entries = SIZES[size]
    (work / "task").mkdir()
    (work / "taskrc").write_text(f"data.location={work / 'task'}\nconfirmation=off\n")
    lines = []
    for index in range(cases):
        annotations = [
            {"entry": "20250101T000000Z", "description": f"annotation {n}"} for n in range(entries)
        ]
        lines.append(
            json.dumps(
                {
                    "description": f"case {index} USDT withdrawal stuck",
                    "status": "pending",
                    "uuid": str(uuid.uuid4()),
                    "entry": "20250101T000000Z",
                    "annotations": annotations,
                }
            )
        )
    source = work / "tasks.json"
    source.write_text("\n".join(lines))
    env = _task_env(work)
    subprocess.run(
        [task, "import", str(source)], env=env, check=True, capture_output=True, input=b""
    )
    return {
        "task add": [task, "add", "Benchmark task"],
        "task annotate": [task, "1", "annotate", "Checking with the team."],
        "task list": [task, "list"],
        "task info": [task, "1", "info"],
    }


def report(results: dict[str, dict[str, tuple[float, float]]], extra: dict[str, str]) -> None:
    sizes = list(results)
    names: list[str] = []
    for measured in results.values():
        names += [name for name in measured if name not in names]
    head = f"{'command':<28}" + "".join(
        f"{size + ' ms':>10}{'ratio':>8}{'MB':>7}" for size in sizes
    )
    print(head)
    for name in names:
        row = f"{name:<28}"
        for size in sizes:
            base = results[size]["python -c pass"][0]
            if name not in results[size]:
                row += f"{'':>28}"
                continue
            seconds, peak = results[size][name]
            row += f"{seconds * 1000:>11,.0f}{seconds / base:>9,.1f}x{peak:>7.1f}"
        print(row)
    for key, value in extra.items():
        print(f"{key}: {value}")
    print(f"goals: reading commands <= {READ_GOAL:.0f}x, every command <= {MEMORY_GOAL_MB:.0f} MB,")
    print(f"       export --all and import >= {RATE_GOAL:,} entries/s")


if __name__ == "__main__":
    main()
