"""Make tests/data/notebook_schema1.db: a notebook written by the first released schema.

    python scripts/make_fixture_notebook.py --force

Kept for the record of how the checked-in fixture was made; do NOT rerun it
with a later schema: the point of the fixture is that it was written by
schema 1, so that tests/test_upgrade.py proves every later migration upgrades
a real old notebook with nothing lost. (The script refuses to run unless the
installed issuenote writes schema 1.)

It drives the real `issuenote` executable, as a user would, with no OS
keyring (so the data key lands in a key file), and writes next to the
notebook:

- notebook_schema1.key: the notebook's key file (encrypted account, private note);
- notebook_schema1.expected.json: what `show --json` (every case) and
  `list --all --json` print for it, in TZ=Asia/Shanghai, without the fields
  the reading code derives (see `normalise`), so the test compares stored facts.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
DB_NAME = "notebook_schema1.db"
KEY_NAME = "notebook_schema1.key"
EXPECTED_NAME = "notebook_schema1.expected.json"
FIXTURE_TZ = "Asia/Shanghai"

TRON_TX = "7c2d4e1f9a8b3c6d5e4f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d"
ETH_TX = "0x" + "5e" * 32
BTC_TX = "b6f6991d03df0e2e04dafffcd6bc418aac66049e2cd74b80f14ac86db1e3f0da"

# Every kind of entry, every option, odd text; times explicit so the timeline is fixed.
STORY: list[tuple[list[str], str | None]] = [
    (
        [
            "new",
            "USDT withdrawal stuck for three days",
            "--platform",
            "okx",
            "--category",
            "withdrawal",
            "--account",
            "alice.chen@gmail.com",
            "--occurred",
            "2026-03-02T09:15:00+08:00",
            "--description",
            "-",
            "--tag",
            "withdrawal",
            "--tag",
            "TRON,紧急",
            "--lang",
            "zh",
        ],
        "1,250 USDT withdrawal over TRON, status 'processing' since 2 March.\n"
        "提现 1,250 USDT（TRC20）三天未到账。",
    ),
    (
        [
            "tx",
            "1",
            TRON_TX,
            "--chain",
            "tron",
            "--asset",
            "usdt",
            "--amount",
            "1250.00",
            "--kind",
            "withdrawal",
            "--at",
            "2026-03-02T09:10:00+08:00",
        ],
        None,
    ),
    (["tx", "1", "OKX-W-2026030200123", "--kind", "withdrawal"], None),
    (
        [
            "contact",
            "1",
            "--channel",
            "chat",
            "--via",
            "okx.com live chat",
            "--ticket",
            "TK-88412907",
            "--at",
            "2026-03-03T10:00:00+08:00",
            "Opened live chat, gave TxID and amount",
        ],
        None,
    ),
    (
        [
            "reply",
            "1",
            "Your withdrawal is under review by the risk team.",
            "--agent",
            "Kevin",
            "--agent-id",
            "CS-4471",
            "--ticket",
            "TK-88412907",
            "--suggests",
            "Wait 24 hours, then reply to the ticket",
            "--at",
            "2026-03-03T10:20:00+08:00",
        ],
        None,
    ),
    (
        [
            "step",
            "1",
            "Follow up on ticket TK-88412907",
            "--due",
            "2026-03-04T10:30:00+08:00",
            "--at",
            "2026-03-03T10:25:00+08:00",
        ],
        None,
    ),
    (
        [
            "step",
            "1",
            "Check the account for unauthorized activity",
            "--at",
            "2026-03-03T10:26:00+08:00",
        ],
        None,
    ),
    (["done", "1", "3", "--at", "2026-03-04T10:35:00+08:00"], None),
    (
        [
            "contact",
            "1",
            "--channel",
            "email",
            "--via",
            "support@okx.com",
            "--at",
            "2026-03-04T11:00:00+08:00",
            "-",
        ],
        "Subject: [Withdrawal] 1,250 USDT TRC20 pending\n\nScreenshots attached.",
    ),
    (
        [
            "reply",
            "1",
            "To verify your account please send your password and the 6-digit code",
            "--agent",
            "OKX Support",
            "--channel",
            "social",
            "--via",
            "@okx_support_help",
            "--at",
            "2026-03-04T12:00:00+08:00",
        ],
        None,
    ),
    (
        [
            "escalate",
            "1",
            "Asked for a senior agent",
            "--to",
            "Tier 2 support",
            "--at",
            "2026-03-04T13:00:00+08:00",
        ],
        None,
    ),
    (
        ["status", "1", "waiting", "Waiting for tier 2", "--at", "2026-03-04T13:05:00+08:00"],
        None,
    ),
    (
        [
            "note",
            "1",
            "My phone number is on file with them",
            "--private",
            "--at",
            "2026-03-04T13:10:00+08:00",
        ],
        None,
    ),
    (
        [
            "note",
            "1",
            "I nearly typed my password: hunter2hunter2",
            "--redact",
            "--at",
            "2026-03-04T13:11:00+08:00",
        ],
        None,
    ),
    (
        [
            "new",
            "업비트 입금 지연 🙏",
            "--platform",
            "Upbit",
            "--category",
            "deposit",
            "--lang",
            "ko",
            "--tag",
            "입금",
            "--occurred",
            "2026-02-20T08:00:00+09:00",
        ],
        None,
    ),
    (
        [
            "tx",
            "2",
            BTC_TX,
            "--chain",
            "bitcoin",
            "--asset",
            "BTC",
            "--amount",
            "0.00012345",
            "--kind",
            "deposit",
            "--at",
            "2026-02-20T07:55:00+09:00",
        ],
        None,
    ),
    (
        [
            "tx",
            "2",
            ETH_TX,
            "--chain",
            "ethereum",
            "--asset",
            "ETH",
            "--amount",
            "0.000000000000000001",
            "--kind",
            "transfer",
            "--at",
            "2026-02-20T07:56:00+09:00",
        ],
        None,
    ),
    (
        [
            "reply",
            "2",
            "입금이 확인되었습니다. 감사합니다!",
            "--agent",
            "김민지",
            "--channel",
            "form",
            "--at",
            "2026-02-21T09:00:00+09:00",
        ],
        None,
    ),
    (["status", "2", "resolved", "해결됨 ✅", "--at", "2026-02-21T09:05:00+09:00"], None),
    (["new", "Login 2FA reset"], None),
    (
        [
            "edit",
            "3",
            "--title",
            "Login 2FA reset (Google Authenticator)",
            "--category",
            "security",
            "--tag",
            "2fa",
            "--description",
            "Lost phone; need the authenticator reset",
        ],
        None,
    ),
    (
        [
            "note",
            "3",
            "-",
            "--at",
            "2026-03-05T08:00:00+00:00",
        ],
        "Pasted chat log:\r\n\tagent> hello\x1b[31m RED \x1b[0m\x07\n"
        "\u202eevil override\u202c and \u2067isolate\u2069 مرحبا بالدعم\n"
        "e\u0301\u0302 Z\u0335\u0336 👩\u200d👩\u200d👧\u200d👦 🇰🇷🇨🇳\n"
        "{0} %s %(name)s {{}} '; DROP TABLE cases; -- \\x00 \\n\n" + "long line " * 500,
    ),
]


def normalise_case(doc: dict[str, Any]) -> dict[str, Any]:
    """The stored facts of a `show --json` document.

    Dropped: values the reading code derives (schema version, tickets, agents,
    open steps, explorer links), which may rightly change between versions.
    """
    kept = {
        key: value
        for key, value in doc.items()
        if key not in ("schema_version", "tickets", "agents", "open_steps")
    }
    kept["transactions"] = [
        {key: value for key, value in tx.items() if key != "explorer_url"}
        for tx in doc["transactions"]
    ]
    return kept


LIST_FIELDS = (
    "id",
    "uuid",
    "title",
    "platform",
    "category",
    "status",
    "language",
    "tags",
    "occurred_at",
    "created_at",
    "updated_at",
    "entry_count",
)


def normalise_list(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(({k: row[k] for k in LIST_FIELDS} for row in rows), key=lambda r: r["id"])


def run(executable: Path, env: dict[str, str], args: list[str], stdin: str | None = None) -> str:
    done = subprocess.run(
        [str(executable), *args], input=stdin, capture_output=True, text=True, env=env
    )
    if done.returncode != 0:
        raise SystemExit(f"issuenote {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--force", action="store_true", help="replace the checked-in fixture")
    parser.add_argument(
        "--executable", type=Path, default=Path(sys.executable).parent / "issuenote"
    )
    parser.add_argument("--out", type=Path, default=DATA)
    options = parser.parse_args()
    from issuenote.store.schema import SCHEMA_VERSION

    if SCHEMA_VERSION != 1:
        raise SystemExit(f"this issuenote writes schema {SCHEMA_VERSION}; the fixture is schema 1")
    target = options.out / DB_NAME
    if target.exists() and not options.force:
        raise SystemExit(f"{target} exists; --force replaces it (only ever with schema 1)")
    with tempfile.TemporaryDirectory(prefix="issuenote-fixture-") as tmp:
        home = Path(tmp) / "home"
        env = os.environ.copy()
        env.update(
            {
                "ISSUENOTE_HOME": str(home),
                "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
                "TZ": FIXTURE_TZ,
                "NO_COLOR": "1",
            }
        )
        env.pop("ISSUENOTE_KEY", None)
        for args, stdin in STORY:
            run(options.executable, env, args, stdin)
        cases = json.loads(run(options.executable, env, ["list", "--all", "--json"]))
        expected = {
            "made_by": "scripts/make_fixture_notebook.py (issuenote schema 1)",
            "tz": FIXTURE_TZ,
            "cases": [
                normalise_case(json.loads(run(options.executable, env, ["show", str(i), "--json"])))
                for i in sorted(case["id"] for case in cases)
            ],
            "list": normalise_list(cases),
        }
        leftovers = sorted(p.name for p in home.iterdir() if p.name.startswith("notebook.db-"))
        if leftovers:
            raise SystemExit(f"the notebook was not closed cleanly: {leftovers}")
        options.out.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(home / "notebook.db", target)
        shutil.copyfile(home / "key", options.out / KEY_NAME)
        (options.out / EXPECTED_NAME).write_text(
            json.dumps(expected, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    print(f"wrote {target}, {KEY_NAME} and {EXPECTED_NAME} in {options.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
