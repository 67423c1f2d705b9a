"""Score the secret guard: precision and recall per kind and per language.

Usage: python scripts/guard_eval.py [CORPUS] [--show-misses] [--log-bytes N]

With no CORPUS it scores two corpora and a chat log:

- ``tests/data/secrets_corpus.jsonl``, the first hand-written corpus
  (targets: recall 1.0 on seed phrases, private keys and card numbers, 0.95
  overall, no finding on a "none" line);
- ``tests/data/guard_corpus.jsonl``, built by ``scripts/make_guard_corpus.py``
  from sources the guard's authors did not write (targets: seed recall
  >= 0.98 in every BIP39 language, >= 0.95 for every other kind, at most 1%
  false positives on the hard negatives);
- a clean 1 MB support-chat log in English, Simplified and Traditional
  Chinese and Korean, generated here with the IDs, hashes, addresses,
  amounts, bank names and timestamps such chats hold (target: 0 findings).

Each corpus line is {"lang": ..., "label": "<kind>" or "none", "text": ...,
"own_emails": [...] (optional), "hard": true (optional)}. A line counts as a
hit for its kind when the guard reports that kind anywhere in the text; any
other kind reported counts as a false positive for that kind. Exits 1 when
a target is missed.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from issuenote.safety.guard import find_secrets

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
DEFAULT_CORPUS = DATA / "secrets_corpus.jsonl"
OUTSIDE_CORPUS = DATA / "guard_corpus.jsonl"
MUST_CATCH_ALL = ("seed phrase", "private key", "bank card number")
OVERALL_RECALL_TARGET = 0.95
SEED_RECALL_TARGET = 0.98  # per BIP39 language, on the outside corpus
KIND_RECALL_TARGET = 0.95  # per other kind, on the outside corpus
HARD_NEGATIVE_FP_TARGET = 0.01
BIP39_LANGUAGES = ("en", "es", "fr", "it", "cs", "pt", "ja", "ko", "zh-Hans", "zh-Hant")


@dataclass
class Report:
    """Counts per kind, plus the lines that went wrong, for printing or asserting."""

    true_positives: Counter[str] = field(default_factory=Counter)
    false_positives: Counter[str] = field(default_factory=Counter)
    false_negatives: Counter[str] = field(default_factory=Counter)
    rows: int = 0
    negatives: int = 0
    hard_negatives: int = 0
    hard_false_positives: int = 0
    # (language, kind) -> [hits, misses]; kind "all" sums a language's secrets
    by_language: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    misses: list[tuple[str, str]] = field(default_factory=list)  # (label, text)
    false_alarms: list[tuple[str, str, str]] = field(default_factory=list)  # (label, kind, text)

    def precision(self, kind: str | None = None) -> float:
        tp = self._sum(self.true_positives, kind)
        fp = self._sum(self.false_positives, kind)
        return tp / (tp + fp) if tp + fp else 1.0

    def recall(self, kind: str | None = None) -> float:
        tp = self._sum(self.true_positives, kind)
        fn = self._sum(self.false_negatives, kind)
        return tp / (tp + fn) if tp + fn else 1.0

    @property
    def negative_false_positives(self) -> int:
        return sum(1 for label, _, _ in self.false_alarms if label == "none")

    def failures(self) -> list[str]:
        """Every target missed, as sentences; empty when all targets are met."""
        problems = [
            f"recall on {kind} is {self.recall(kind):.3f}, must be 1.0"
            for kind in MUST_CATCH_ALL
            if self.recall(kind) < 1.0
        ]
        if self.recall() < OVERALL_RECALL_TARGET:
            problems.append(f"overall recall {self.recall():.3f} < {OVERALL_RECALL_TARGET}")
        if self.negative_false_positives:
            problems.append(f"{self.negative_false_positives} false positive(s) on negatives")
        return problems

    @staticmethod
    def _sum(counter: Counter[str], kind: str | None) -> int:
        return counter[kind] if kind is not None else sum(counter.values())


def language_recall(report: Report, language: str, kind: str = "all") -> float:
    hits, misses = report.by_language.get((language, kind), [0, 0])
    return hits / (hits + misses) if hits + misses else 1.0


def outside_failures(report: Report) -> list[str]:
    """The outside corpus's targets missed, as sentences."""
    problems = [
        f"seed recall in {language} is {language_recall(report, language, 'seed phrase'):.3f}"
        for language in BIP39_LANGUAGES
        if language_recall(report, language, "seed phrase") < SEED_RECALL_TARGET
    ]
    kinds = set(report.true_positives) | set(report.false_negatives)
    problems += [
        f"recall on {kind} is {report.recall(kind):.3f}"
        for kind in sorted(kinds - {"seed phrase"})
        if report.recall(kind) < KIND_RECALL_TARGET
    ]
    if report.hard_negatives:
        rate = report.hard_false_positives / report.hard_negatives
        if rate > HARD_NEGATIVE_FP_TARGET:
            problems.append(f"false positives on hard negatives {rate:.1%}")
    return problems


def render_languages(report: Report) -> str:
    """Recall per language: seed phrases, and every secret of that language."""
    languages = sorted({language for language, _ in report.by_language})
    width = max([len(language) for language in languages] + [len("language")])
    lines = [f"{'language':<{width}}  {'seeds':>6} {'recall':>7}  {'all':>5} {'recall':>7}"]
    for language in languages:
        seeds = sum(report.by_language.get((language, "seed phrase"), [0, 0]))
        every = sum(report.by_language.get((language, "all"), [0, 0]))
        seed_recall = f"{language_recall(report, language, 'seed phrase'):.3f}" if seeds else "-"
        lines.append(
            f"{language:<{width}}  {seeds:>6} {seed_recall:>7}  {every:>5} "
            f"{language_recall(report, language):>7.3f}"
        )
    return "\n".join(lines)


# ---------------------------------------------------------------- the clean chat log


def clean_chat_log(size: int = 1_000_000, seed: int = 5) -> str:
    """Support chat with everything an honest case holds and no secret, in four languages."""
    import random

    rng = random.Random(seed)
    hexes = "0123456789abcdef"
    b58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

    def fill() -> dict[str, object]:
        month, day = rng.randrange(1, 13), rng.randrange(1, 29)
        hour, minute, second = rng.randrange(24), rng.randrange(60), rng.randrange(60)
        return {
            "txid": "".join(rng.choice(hexes) for _ in range(64)),
            "tron": "T" + "".join(rng.choice(b58) for _ in range(33)),
            "eth": "0x" + "".join(rng.choice(hexes) for _ in range(40)),
            "ticket": rng.randrange(10**7, 10**9),
            "order": rng.randrange(10**17, 10**19),
            "uid": rng.randrange(10**8, 10**11),
            "agent": rng.randrange(1000, 99999),
            "amount": f"{rng.randrange(1, 50000):,}.{rng.randrange(100):02d}",
            "date": f"2024-{month:02d}-{day:02d}",
            "time": f"{hour:02d}:{minute:02d}:{second:02d}",
            "stamp": f"2024{month:02d}{day:02d}{hour:02d}{minute:02d}{second:02d}",
            "serial": rng.randrange(10**15, 10**16),
            "phone": f"1{rng.randrange(3, 9)}{rng.randrange(10**8, 10**9)}",
            "hours": rng.randrange(1, 72),
            "last4": rng.randrange(1000, 9999),
        }

    lines = (
        "[{date} {time}] Me: my USDT withdrawal of {amount} over TRC20 is still pending",
        "[{date} {time}] Agent Kevin (ID {agent}): please share the TxID and your UID",
        "[{date} {time}] Me: UID {uid}, TxID {txid}",
        "[{date} {time}] Me: sent to {tron}, order {order}",
        "[{date} {time}] Agent: ticket #{ticket} is escalated to the senior team, wait {hours}h",
        "[{date} {time}] Agent: for safety, never share your password, seed phrase or 2FA code",
        "[{date} {time}] Me: I reset my password yesterday and enabled Google Authenticator again",
        "[{date} {time}] Me: the ETH deposit to {eth} shows 12 confirmations",
        "[{date} {time}] Agent: the key reason is network congestion; txid {txid} is confirmed",
        "[{date} {time}] Me: withdrawal {txid} failed, key reason unknown",
        "[{date} {time}] Me: card ending {last4} was used for the fiat purchase",
        "[{date} {time}] 我：提现 {amount} USDT 已经 {hours} 小时没到账，工单号 {ticket}",
        "[{date} {time}] 客服（工号 {agent}）：请提供交易哈希和 UID，我们会核实",
        "[{date} {time}] 我：交易哈希 {txid}，UID {uid}",
        "[{date} {time}] 我：招商银行 {date} {time} 到账 {amount} 元，流水号 {serial}",
        "[{date} {time}] 我：银行回单时间 {stamp}，凭证号 {serial}",
        "[{date} {time}] 客服：请勿向任何人透露密码、助记词或验证码",
        "[{date} {time}] 我：提现单 {order} 状态一直是处理中",
        "[{date} {time}] 我：客服电话我打了 {phone} 没人接",
        "[{date} {time}] 我：提領 {amount} USDT 已經 {hours} 小時沒到帳，工單號 {ticket}",
        "[{date} {time}] 客服：請提供交易哈希與 UID，我們會盡快處理",
        "[{date} {time}] 我：銀行入帳時間 {date} {time}，交易序號 {serial}",
        "[{date} {time}] 客服：請勿向任何人透露密碼、助記詞或驗證碼",
        "[{date} {time}] 我：訂單編號 {order}，地址 {tron}",
        "[{date} {time}] 나: {amount} USDT 출금이 {hours}시간째 대기 중이에요. 문의 번호 {ticket}",
        "[{date} {time}] 상담원({agent}): 거래 해시와 UID를 알려주세요",
        "[{date} {time}] 나: 거래 해시 {txid}, UID {uid}",
        "[{date} {time}] 나: 카카오뱅크 {date} {time} 입금 확인, 확인번호 {serial}",
        "[{date} {time}] 나: 은행 이체 {date} {time} 완료했습니다",
        "[{date} {time}] 상담원: 비밀번호, 시드 문구, 인증번호는 절대 공유하지 마세요",
        "[{date} {time}] 나: 주문 번호 {order} 는 아직 처리 중입니다",
    )
    out: list[str] = []
    total = 0
    while total < size:
        line = rng.choice(lines).format(**fill())
        out.append(line)
        total += len(line.encode("utf-8")) + 1
    return "\n".join(out)


def load_corpus(path: Path) -> list[dict[str, object]]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def evaluate(rows: list[dict[str, object]]) -> Report:
    report = Report()
    for row in rows:
        label = str(row["label"])
        text = str(row["text"])
        own_emails = [str(email) for email in row.get("own_emails", [])]  # type: ignore[attr-defined]
        found = {finding.kind for finding in find_secrets(text, own_emails=own_emails)}
        report.rows += 1
        report.negatives += label == "none"
        if row.get("hard"):
            report.hard_negatives += 1
            report.hard_false_positives += bool(found)
        if label != "none":
            language = str(row.get("lang"))
            if label == "seed phrase" and row.get("wordlist"):
                language = f"{language} ({row['wordlist']})"
            for key in ((language, label), (language, "all")):
                report.by_language.setdefault(key, [0, 0])[label not in found] += 1
            if label in found:
                report.true_positives[label] += 1
            else:
                report.false_negatives[label] += 1
                report.misses.append((label, text))
        for kind in sorted(found - {label}):
            report.false_positives[kind] += 1
            report.false_alarms.append((label, kind, text))
    return report


def render(report: Report, show_misses: bool) -> str:
    kinds = sorted(
        set(report.true_positives) | set(report.false_negatives) | set(report.false_positives)
    )
    width = max([len(kind) for kind in kinds] + [len("overall")])
    lines = [
        f"{report.rows} sentences, {report.negatives} negatives",
        f"{'kind':<{width}}  {'tp':>4} {'fp':>4} {'fn':>4}  precision  recall",
    ]
    for kind in [*kinds, None]:
        name = kind or "overall"
        tp = Report._sum(report.true_positives, kind)
        fp = Report._sum(report.false_positives, kind)
        fn = Report._sum(report.false_negatives, kind)
        lines.append(
            f"{name:<{width}}  {tp:>4} {fp:>4} {fn:>4}  "
            f"{report.precision(kind):>9.3f}  {report.recall(kind):>6.3f}"
        )
    lines.append(
        f"false positives on negatives: {report.negative_false_positives} of {report.negatives}"
    )
    if show_misses:
        lines.extend(f"  missed {label}: {text!r}" for label, text in report.misses)
        lines.extend(
            f"  false {kind} (label {label}): {text!r}" for label, kind, text in report.false_alarms
        )
    targets = report.failures()
    lines.append("targets: met" if not targets else "targets MISSED: " + "; ".join(targets))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=None)
    parser.add_argument("--show-misses", action="store_true", help="print every wrong line")
    parser.add_argument("--log-bytes", type=int, default=1_000_000, help="size of the chat log")
    options = parser.parse_args(argv)
    if options.corpus is not None:
        report = evaluate(load_corpus(options.corpus))
        print(render(report, options.show_misses))
        return 1 if report.failures() else 0

    print(f"== {DEFAULT_CORPUS.name} (hand-written)")
    first = evaluate(load_corpus(DEFAULT_CORPUS))
    print(render(first, options.show_misses))
    print(f"\n== {OUTSIDE_CORPUS.name} (from outside sources)")
    outside = evaluate(load_corpus(OUTSIDE_CORPUS))
    table = render(outside, options.show_misses).splitlines()
    print("\n".join(line for line in table if not line.startswith("targets")))
    print(render_languages(outside))
    rate = outside.hard_false_positives / max(1, outside.hard_negatives)
    print(
        f"hard negatives: {outside.hard_false_positives} of {outside.hard_negatives} "
        f"flagged ({rate:.2%})"
    )
    missed = outside_failures(outside)
    print("targets: met" if not missed else "targets MISSED: " + "; ".join(missed))

    log = clean_chat_log(options.log_bytes)
    findings = find_secrets(log)
    size = len(log.encode("utf-8"))
    print(f"\n== clean chat log: {size:,} bytes, {log.count(chr(10)) + 1:,} lines")
    print(f"findings: {len(findings)}")
    if options.show_misses:
        for finding in findings[:40]:
            line_start = log.rfind("\n", 0, finding.start) + 1
            line_end = log.find("\n", finding.end)
            print(f"  {finding.kind}: {log[line_start:line_end]!r}")
    failed = bool(first.failures() or missed or findings)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
