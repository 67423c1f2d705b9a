"""Score the secret guard on the labelled corpus: precision and recall per kind.

Usage: python scripts/guard_eval.py [CORPUS] [--show-misses]

Each corpus line is {"lang": "en|zh|ko", "label": "<kind>" or "none",
"text": "...", "own_emails": [...] (optional)}. A line counts as a hit for
its kind when the guard reports that kind anywhere in the text; any other
kind reported counts as a false positive for that kind. Exits 1 when a target
is missed: recall 1.0 on seed phrases, private keys and card numbers, 0.95
overall, and no finding at all on a "none" line.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from issuenote.safety.guard import find_secrets

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "secrets_corpus.jsonl"
MUST_CATCH_ALL = ("seed phrase", "private key", "bank card number")
OVERALL_RECALL_TARGET = 0.95


@dataclass
class Report:
    """Counts per kind, plus the lines that went wrong, for printing or asserting."""

    true_positives: Counter[str] = field(default_factory=Counter)
    false_positives: Counter[str] = field(default_factory=Counter)
    false_negatives: Counter[str] = field(default_factory=Counter)
    rows: int = 0
    negatives: int = 0
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
        if label != "none":
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
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--show-misses", action="store_true", help="print every wrong line")
    options = parser.parse_args(argv)
    report = evaluate(load_corpus(options.corpus))
    print(render(report, options.show_misses))
    return 1 if report.failures() else 0


if __name__ == "__main__":
    sys.exit(main())
