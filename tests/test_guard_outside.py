"""The guard against data its authors did not write (see scripts/make_guard_corpus.py).

The corpus's targets are checked here, and the hard negatives the first
corpus missed are kept as named tests: each is an honest note the guard once
refused.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from issuenote.safety.guard import find_secrets

ROOT = Path(__file__).resolve().parent.parent


def load_eval_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("guard_eval", ROOT / "scripts" / "guard_eval.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def kinds(text: str) -> set[str]:
    return {finding.kind for finding in find_secrets(text)}


def test_outside_corpus_meets_its_targets() -> None:
    guard_eval = load_eval_script()
    rows = guard_eval.load_corpus(guard_eval.OUTSIDE_CORPUS)
    assert len(rows) >= 1000
    assert {row["lang"] for row in rows} >= set(guard_eval.BIP39_LANGUAGES)
    report = guard_eval.evaluate(rows)
    assert guard_eval.outside_failures(report) == [], guard_eval.render(report, True)
    for language in guard_eval.BIP39_LANGUAGES:
        assert sum(report.by_language[(language, "seed phrase")]) >= 60, language


def test_clean_chat_log_has_no_finding() -> None:
    guard_eval = load_eval_script()
    log = guard_eval.clean_chat_log(200_000, seed=11)
    assert find_secrets(log) == []


# ---------------------------------------------------------------- hard negatives


@pytest.mark.parametrize(
    "text",
    [
        "流水号 2024112612345678",
        "凭证号 6222021234567890",
        "参考号 4111111111111111",
        "交易序號 5312442831915034",
        "확인번호 1234567890123",
        "승인번호 4111111111111111",
        "银行\n2024-11-26 14:30:05 到账",
        "은행 2024-11-26 14:30 입금 확인",
        "招商银行 20241126143005 到账",
        "withdrawal f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16 failed, "
        "key reason unknown",
        "TxID 4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b, secret sauce",
        "提现单 5312442831915034",
        "订单号 5312442831915034",
        "법인등록번호 110111-4138560",
        "사업자등록번호 120-81-47521",
        "Password requirements: 8-32 characters",
        "Password: Passcode: PIN:",  # an empty form pasted: each value is the next label
        "密码：密码：",
        "密码要求：8-32位字符",
        "Passphrase: not needed for this account",
        "I never shared my seed phrase with anyone",
        "助记词我一直没有给任何人",
        "text text text text text text text text text text text text",
        "客服说提现在审核中，工单号 2024112600123，请耐心等待二十四小时再联系我们处理",
    ],
)
def test_hard_negative_is_not_refused(text: str) -> None:
    assert find_secrets(text) == []


# ---------------------------------------------------------------- misses of the first guard


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ('{"apiKey": "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zv", "secret": "x"}', "API secret"),
        ("binance_api_secret = NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN", "API secret"),
        ("okx_secret_key: 8F2A1C9D7E6B5A4F3E2D1C0B9A8F7E6D", "API secret"),
        ("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "API secret"),
        ("API 密鑰：KMFYbtnEEM9yExgtChHAsZng6DvLWyXPxsB67ZTVcMv4", "API secret"),
        ("Passphrase: correct horse battery staple", "API secret"),
        ("de89 3704 0044 0532 0130 00", "IBAN"),
        ("my pw is hunter2", "password"),
        ("Password — CryptoQueen88", "password"),
        ("my password was changed to Banana#42", "password"),
        ("密碼：Abc12345", "password"),
        ("資金密碼 778899", "password"),
        ("登入密碼是 qwer1234", "password"),
        ("動態驗證碼 482913", "verification code"),
        ("the key shown under the QR code is JBSWY3DPEHPK3PXP", "2FA secret key"),
        (
            "pk: 4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318",
            "private key",
        ),
        ("카카오뱅크 3333-01-1234567", "bank account number"),
        ("토스뱅크 1000-1234-5678", "bank account number"),
        ("케이뱅크 100123456789", "bank account number"),
        ("账号 6214830212345678", "bank account number"),
        ("身分證字號 A123456789", "Taiwan ID number"),
    ],
)
def test_first_guards_misses_are_caught(text: str, kind: str) -> None:
    assert kind in kinds(text)


def test_solana_keypair_is_a_key_and_a_signature_is_not() -> None:
    from cryptography.hazmat.primitives.asymmetric import ed25519

    from issuenote.safety.guard._checks import BASE58_ALPHABET

    def base58(raw: bytes) -> str:
        value, out = int.from_bytes(raw, "big"), ""
        while value:
            value, digit = divmod(value, 58)
            out = BASE58_ALPHABET[digit] + out
        return "1" * (len(raw) - len(raw.lstrip(b"\0"))) + out

    private = ed25519.Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    keypair = private.private_bytes_raw() + private.public_key().public_bytes_raw()
    assert kinds(f"phantom export {base58(keypair)}") == {"private key"}
    assert kinds(f"id.json: {json.dumps(list(keypair))}") == {"private key"}
    signature = private.sign(b"withdrawal")
    assert find_secrets(f"solana tx {base58(signature)}") == []


@pytest.mark.parametrize(
    "text",
    [
        "so I sent Abandon Ability Able About Above Absent Absorb Abstract Absurd Abuse "
        "Access Accident and then nothing",
        '["abandon", "ability", "able", "about", "above", "absent", "absorb", "abstract", '
        '"absurd", "abuse", "access", "accident"]',
        '"abandon","ability","able","about","above","absent","absorb","abstract","absurd",'
        '"abuse","access","accident"',
        "abandon→ability→able→about→above→absent→absorb→abstract→absurd→abuse→access→accident",
        "abandon_ability_able_about_above_absent_absorb_abstract_absurd_abuse_access_accident",
        "abandon.ability.able.about.above.absent.absorb.abstract.absurd.abuse.access.accident",
    ],
)
def test_english_layouts_the_first_guard_missed(text: str) -> None:
    assert "seed phrase" in kinds(text)


def test_plain_note_loads_no_word_list() -> None:
    code = (
        "import sys\n"
        "from issuenote.safety.guard import find_secrets\n"
        "find_secrets('Agent Kevin (CS-4471) said to wait 24h, ticket TK-88412907')\n"
        "find_secrets('提现 1250 USDT 三天没到账，工单号 2024112600123')\n"
        "print(sorted(m for m in ('mnemonic', 'stdnum', 'tldextract', 'cryptography')"
        " if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_labelled_unspaced_chinese_of_any_length_is_refused() -> None:
    assert kinds("助记词：的一是在不了有和人这中大为上个国") == {"seed phrase"}
    assert kinds("我的助记词是紫虎申害刘钙太江巩谱献脑") == {"seed phrase"}
    # the label glued to ordinary prose is no phrase
    assert kinds("我从来没有把助记词告诉过任何人包括客服和家人朋友同事") == set()
