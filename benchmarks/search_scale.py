"""Search at scale: 10,000 cases and 1,000,000 entries, timed as whole commands.

Builds the notebook through the real import path (the JSON a notebook export
writes, read by `issuenote.importer.parse_export` and merged by
`issuenote.store.merge.merge_export`, exactly what `issuenote import` runs),
in chunks, with a progress bar; caches it under .bench/ (gitignored). Then
times whole `issuenote search` processes against bare `python -c pass`:

    python benchmarks/search_scale.py                   # 10,000 cases x 100 entries
    python benchmarks/search_scale.py --cases 500       # a quick, smaller run
    python benchmarks/search_scale.py --rebuild --rounds 9

Target (issue 13): a rare-word search, a common-word search limited to 20
and a 2-character Chinese search each within 15x bare start.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TARGET = 15.0
CHUNK_CASES = 50

# Words drawn with a skewed distribution, so some are common and most are rare.
ENGLISH = [
    "withdrawal",
    "deposit",
    "stuck",
    "pending",
    "wallet",
    "transfer",
    "network",
    "fee",
    "agent",
    "ticket",
    "support",
    "account",
    "verify",
    "review",
    "confirm",
    "blockchain",
    "address",
    "balance",
    "refund",
    "delay",
    "escalate",
    "processing",
    "team",
    "check",
    "reply",
    "email",
    "chat",
    "hours",
    "days",
    "please",
    "update",
    "status",
    "order",
]
CHINESE = [
    "客服",
    "提币",
    "正在",
    "处理",
    "小时",
    "等待",
    "工单",
    "审核",
    "充值",
    "到账",
    "区块",
    "确认",
    "地址",
    "余额",
    "退款",
    "延迟",
    "升级",
    "邮件",
    "回复",
    "账户",
    "安全",
    "验证",
    "交易",
    "网络",
    "手续费",
]
KOREAN = [
    "입금",
    "출금",
    "지갑",
    "확인",
    "처리",
    "대기",
    "상담원",
    "티켓",
    "계정",
    "보안",
    "거래",
    "네트워크",
    "수수료",
    "시간",
]
KINDS = ("note", "contact", "reply", "step", "note", "reply", "contact", "note")
CHANNELS = ("chat", "email", "social", "forum")
AGENTS = ("Lily", "Kevin", "Mina", "Jun", "Sara", "Wei", "Alex", "Hana")
RARE_WORD = "zanzibarite"  # planted in a handful of entries


def _sentence(rng: random.Random) -> str:
    pool = rng.choice((ENGLISH, ENGLISH, CHINESE, KOREAN))
    count = rng.randint(4, 14)
    words = [pool[min(int(rng.paretovariate(1.2)) - 1, len(pool) - 1)] for _ in range(count)]
    joiner = "" if pool is CHINESE else " "
    return joiner.join(words)


def _case(rng: random.Random, number: int, entries: int, start: datetime) -> dict[str, Any]:
    opened = start + timedelta(minutes=rng.randint(0, 700 * 24 * 60))
    items = []
    at = opened
    for index in range(entries):
        at += timedelta(minutes=rng.randint(5, 600))
        kind = KINDS[rng.randrange(len(KINDS))]
        text = _sentence(rng)
        if rng.random() < 0.00001:
            text += f" {RARE_WORD}"
        entry: dict[str, Any] = {
            "uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "kind": kind,
            "text": text,
            "at": at.isoformat(),
            "channel": rng.choice(CHANNELS) if kind in ("contact", "reply") else None,
            "flags": [],
            "warnings": [],
            "private": False,
        }
        if kind == "reply":
            entry["agent"] = rng.choice(AGENTS)
            entry["agent_id"] = str(rng.randint(10000, 99999))
            if index % 7 == 0:
                entry["ticket"] = f"TK-{number:05d}{index:03d}"
        items.append(entry)
    return {
        "uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "title": f"Case {number}: " + _sentence(rng)[:60],
        "platform": rng.choice(("OKX", "Binance", "Upbit", "Kraken")),
        "category": rng.choice(("withdrawal", "deposit", "account", "trading")),
        "status": rng.choice(("open", "waiting", "resolved", "closed")),
        "tags": [],
        "created_at": opened.isoformat(),
        "updated_at": at.isoformat(),
        "entries": items,
        "transactions": [],
    }


def build(home: Path, cases: int, entries: int) -> None:
    """Import `cases` cases of `entries` entries each, CHUNK_CASES per import."""
    from rich.progress import MofNCompleteColumn, Progress, TimeRemainingColumn

    from issuenote.importer import parse_export
    from issuenote.store import Store
    from issuenote.store.merge import merge_export

    rng = random.Random(13)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    store = Store.open(home, create=True)
    assert store is not None
    columns = (*Progress.get_default_columns()[:-1], MofNCompleteColumn(), TimeRemainingColumn())
    try:
        with Progress(*columns) as progress:
            task = progress.add_task("importing cases", total=cases)
            for first in range(1, cases + 1, CHUNK_CASES):
                chunk = [
                    _case(rng, number, entries, start)
                    for number in range(first, min(first + CHUNK_CASES, cases + 1))
                ]
                document = {
                    "format": "issuenote-notebook",
                    "schema_version": 1,
                    "notebook": str(uuid.uuid4()),
                    "exported_at": datetime.now(UTC).isoformat(),
                    "includes_private": False,
                    "cases": chunk,
                }
                data = json.dumps(document, ensure_ascii=False).encode()
                merge_export(store, parse_export(data, source=f"chunk {first}"))
                progress.advance(task, len(chunk))
    finally:
        store.close()


def timed(argv: list[str], env: dict[str, str], rounds: int) -> tuple[float, str]:
    times, output = [], ""
    for _ in range(rounds):
        began = time.perf_counter()
        done = subprocess.run(argv, env=env, capture_output=True, text=True, check=True)
        times.append(time.perf_counter() - began)
        output = done.stdout
    return statistics.median(times), output


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--entries", type=int, default=100, help="entries per case")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()

    home = ROOT / ".bench" / f"search-{args.cases}x{args.entries}"
    if args.rebuild and home.exists():
        import shutil

        shutil.rmtree(home)
    if not (home / "notebook.db").exists():
        began = time.perf_counter()
        build(home, args.cases, args.entries)
        print(f"built {home} in {time.perf_counter() - began:.0f} s")
    size = (home / "notebook.db").stat().st_size / 1e6
    print(f"notebook: {args.cases:,} cases x {args.entries} entries, {size:,.0f} MB")

    env = {**os.environ, "ISSUENOTE_HOME": str(home), "NO_COLOR": "1"}
    # The non-editable install benchmarks/startup.py builds, when there is one: an
    # editable install's path hook slows every start and would blur the figures.
    # (or benchmarks/scale.py builds; both compile its bytecode, as a user's install has).
    candidates = [
        ROOT / ".bench" / where / "bin" / "issuenote" for where in ("installed", "scale/installed")
    ]
    installed = next((path for path in candidates if path.exists()), None)
    tool = str(installed or Path(sys.executable).with_name("issuenote"))
    print(f"timing {tool}")
    bare, _ = timed([sys.executable, "-c", "pass"], env, args.rounds)
    print(f"python -c pass: {bare * 1000:.1f} ms")
    searches = {
        "rare word": [tool, "search", RARE_WORD, "--json"],
        "common word, --limit 20": [tool, "search", "withdrawal", "--limit", "20", "--json"],
        "2-char Chinese (小时), --limit 20": [tool, "search", "小时", "--limit", "20", "--json"],
        "2-char Chinese (小时), default limit 200": [tool, "search", "小时", "--json"],
        "2-char Korean (입금), --limit 20": [tool, "search", "입금", "--limit", "20", "--json"],
        "common word --rank, --limit 20": [tool, "search", "wallet", "--rank", "--limit", "20"],
        "hyphenated ticket prefix": [tool, "search", "TK-00042", "--json"],
    }
    failed = False
    for name, argv in searches.items():
        median, output = timed(argv, env, args.rounds)
        ratio = median / bare
        hits = len(json.loads(output)) if "--json" in argv else output.count("\n")
        verdict = "ok" if ratio <= TARGET else f"OVER {TARGET:.0f}x"
        failed |= ratio > TARGET
        print(f"{name:42} {median * 1000:7.1f} ms  {ratio:5.1f}x  {hits:4} hits  {verdict}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
