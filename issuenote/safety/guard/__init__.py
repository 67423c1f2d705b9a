"""The secret guard: finds what must never be stored in, or leave, the notebook.

Support channels around crypto exchanges are full of fake agents, and real
support never asks for a password, an ID-card number or a bank account. So
every text that enters the notebook (titles, descriptions, notes, replies,
suggestions, captions, tags) and every export on its way out passes through
`find_secrets`; the CLI refuses the text, or stores it with `redact` applied
when the user asks for ``--redact``.

It finds seed phrases, private keys, exchange API secrets and passphrases,
passwords and PINs, verification codes, backup codes, authenticator setup
keys, Chinese resident ID numbers, Korean resident registration numbers,
bank card numbers and their security codes (CVV), bank account numbers
after a bank label, and IBANs, in English, Chinese and Korean text (see
`KINDS`; each `Finding.kind` is one of them). It leaves alone the look-alikes support
cases are full of: transaction hashes, order and ticket numbers, agent IDs,
UIDs, amounts, dates, phone numbers, already-masked numbers, the user's own
email address, and sentences that merely mention a password.

The package is pure and cheap to import (about 2 ms in the CLI): each
pattern compiles the first time a text needs it, and the BIP39 word list is
read only when a text holds a run of twelve or more short words. Offsets in
findings index the text as given (full-width digits and letters are read as
their ASCII twins, one character for one).

The English BIP39 word list in ``issuenote/data/bip39_english.txt`` is copied
verbatim from the ``mnemonic`` package (python-mnemonic, the reference
implementation of BIP-0039 by the Trezor team; MIT licence, copyright (c)
2013 Pavol Rusnak) and is checked against its well-known SHA-256 on load.
"""

from __future__ import annotations

from collections.abc import Iterable

from issuenote.errors import IssuenoteError
from issuenote.safety.guard import _detect
from issuenote.safety.guard._model import (
    API_SECRET,
    BACKUP_CODES,
    IBAN,
    KINDS,
    SEVERITY,
    Finding,
    Scan,
    lazy_pattern,
)

__all__ = [
    "KINDS",
    "Finding",
    "SecretRefused",
    "describe",
    "ensure_no_secrets",
    "find_secrets",
    "redact",
    "refusal_message",
]

_ARTICLES = {API_SECRET: "an ", IBAN: "an ", BACKUP_CODES: ""}


class SecretRefused(IssuenoteError):
    """A text was refused because it holds a secret; `findings` says which."""

    def __init__(self, findings: list[Finding]) -> None:
        super().__init__(refusal_message(findings))
        self.findings = findings


# Full-width letters, digits and label marks (Ａ-Ｚ, ０-９, ：) are common in
# Chinese input; mapping them one character to one character keeps every
# offset valid for the original text. Full-width commas, stops and brackets
# stay as they are: in CJK text they end a value rather than belong to it.
_FULLWIDTH = lazy_pattern("[\uff10-\uff1a\uff21-\uff3a\uff41-\uff5a\uff03\uff0d\uff1d\u3000]")
_TO_ASCII = {
    code: code - 0xFEE0
    for code in [*range(0xFF10, 0xFF1B), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)]
} | {0xFF03: ord("#"), 0xFF0D: ord("-"), 0xFF1D: ord("="), 0x3000: ord(" ")}


def find_secrets(text: str, *, own_emails: Iterable[str] = ()) -> list[Finding]:
    """Every secret in `text`, sorted by position and never overlapping.

    `own_emails` are the user's own addresses: they belong in a case (support
    asks for the registered address) and are never reported, nor is anything
    that overlaps them.
    """
    if not isinstance(text, str):
        raise TypeError(f"find_secrets() needs a str, not {type(text).__name__}")
    if not text:
        return []
    if not text.isascii() and _FULLWIDTH().search(text):
        text_to_scan = text.translate(_TO_ASCII)
    else:
        text_to_scan = text
    scan = Scan(text_to_scan)
    candidates = [finding for detector in _detect.DETECTORS for finding in detector(scan)]
    if not candidates:
        return []
    protected = _own_email_spans(scan.lowered, own_emails)
    return [
        finding
        for finding in _without_overlaps(candidates)
        if not any(finding.start < end and start < finding.end for start, end in protected)
    ]


def _without_overlaps(candidates: list[Finding]) -> list[Finding]:
    """Where findings overlap keep the more serious kind, then the longer span."""

    def rank(finding: Finding) -> tuple[int, int]:
        return SEVERITY[finding.kind], finding.end - finding.start

    kept: list[Finding] = []
    for candidate in sorted(candidates, key=lambda finding: (finding.start, -rank(finding)[0])):
        if candidate.end <= candidate.start:
            continue
        if kept and candidate.start < kept[-1].end:
            if rank(candidate) > rank(kept[-1]):
                kept[-1] = candidate
            continue
        kept.append(candidate)
    return kept


def _own_email_spans(lowered: str, own_emails: Iterable[str]) -> list[tuple[int, int]]:
    """Where the user's own addresses occur in the (lower-cased) text."""
    if isinstance(own_emails, str):
        own_emails = [own_emails]
    spans: list[tuple[int, int]] = []
    for email in own_emails:
        needle = email.strip().lower()
        if "@" not in needle:
            continue
        position = lowered.find(needle)
        while position >= 0:
            spans.append((position, position + len(needle)))
            position = lowered.find(needle, position + 1)
    return spans


def redact(
    text: str, findings: list[Finding] | None = None, *, own_emails: Iterable[str] = ()
) -> str:
    """`text` with each secret replaced by ``[redacted: <kind>]``."""
    if findings is None:
        findings = find_secrets(text, own_emails=own_emails)
    pieces: list[str] = []
    position = 0
    for finding in sorted(findings, key=lambda found: found.start):
        if finding.start < position:
            continue  # overlapping findings from a caller: the first one already covers it
        pieces.append(text[position : finding.start])
        pieces.append(f"[redacted: {finding.kind}]")
        position = finding.end
    pieces.append(text[position:])
    return "".join(pieces)


def describe(finding: Finding) -> str:
    """``this looks like a seed phrase (12 words: abandon … about)``."""
    article = _ARTICLES.get(finding.kind, "a ")
    return f"this looks like {article}{finding.kind} ({finding.masked})"


def refusal_message(findings: list[Finding]) -> str:
    """The one line the CLI prints when it refuses a text."""
    if not findings:
        raise ValueError("refusal_message() needs at least one finding")
    shown = [describe(finding) for finding in findings[:3]]
    parts = [shown[0], *(text.removeprefix("this looks like ") for text in shown[1:])]
    if len(findings) > 3:
        parts.append(f"{len(findings) - 3} more")
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"refused: {listed}; issuenote never stores secrets"


def ensure_no_secrets(text: str, *, own_emails: Iterable[str] = ()) -> None:
    """Raise `SecretRefused` (an `IssuenoteError`) when `text` holds a secret."""
    findings = find_secrets(text, own_emails=own_emails)
    if findings:
        raise SecretRefused(findings)
