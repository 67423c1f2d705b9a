"""The secret guard: every detector, its look-alikes, redaction, masking, hostile input.

The labelled corpus (tests/data/secrets_corpus.jsonl) is scored here with the
same code as scripts/guard_eval.py, against the same targets.
"""

from __future__ import annotations

import hashlib
import importlib.util
import itertools
import json
import random
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from issuenote.errors import IssuenoteError
from issuenote.safety.guard import (
    KINDS,
    Finding,
    SecretRefused,
    _checks,
    _seed,
    describe,
    ensure_no_secrets,
    find_secrets,
    redact,
    refusal_message,
)

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "secrets_corpus.jsonl"


def kinds(text: str, **options: object) -> list[str]:
    return [finding.kind for finding in find_secrets(text, **options)]  # type: ignore[arg-type]


def only(text: str) -> Finding:
    findings = find_secrets(text)
    assert len(findings) == 1, findings
    return findings[0]


# ---------------------------------------------------------------- synthetic values

WORDS = _seed.wordlist()


def mnemonic(count: int = 12, seed: int = 1) -> list[str]:
    """A BIP39 phrase with a valid checksum, from deterministic entropy."""
    rng = random.Random(seed)
    entropy_bits = count * 11 * 32 // 33
    entropy = bytes(rng.getrandbits(8) for _ in range(entropy_bits // 8))
    checksum_bits = count * 11 - entropy_bits
    checksum = hashlib.sha256(entropy).digest()[0] >> (8 - checksum_bits)
    bits = int.from_bytes(entropy, "big") << checksum_bits | checksum
    return [WORDS[(bits >> (11 * (count - 1 - i))) & 2047] for i in range(count)]


def base58check(payload: bytes) -> str:
    raw = payload + hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]
    value = int.from_bytes(raw, "big")
    out = ""
    while value:
        value, digit = divmod(value, 58)
        out = _checks.BASE58_ALPHABET[digit] + out
    return "1" * (len(raw) - len(raw.lstrip(b"\0"))) + out


def luhn_complete(body: str) -> str:
    for digit in "0123456789":
        if _checks.luhn_valid(body + digit):
            return body + digit
    raise AssertionError("unreachable")


def cn_id(body17: str) -> str:
    return body17 + _checks.cn_id_check_char(body17)


def kr_rrn(first12: str) -> str:
    weights = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
    check = (11 - sum(int(c) * w for c, w in zip(first12, weights, strict=True)) % 11) % 10
    return f"{first12[:6]}-{first12[6:]}{check}"


HEX_KEY = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"
VISA = "4111111111111111"
UNIONPAY_19 = luhn_complete("622202123456789012")
CHINESE_ID = cn_id("11010519491231002")
KOREAN_RRN = kr_rrn("900101123456")
GERMAN_IBAN = "DE89370400440532013000"
WIF_COMPRESSED = base58check(b"\x80" + bytes(range(1, 33)) + b"\x01")
WIF_UNCOMPRESSED = base58check(b"\x80" + bytes(range(1, 33)))
XPRV = base58check(bytes.fromhex("0488ade4") + bytes(9) + bytes(range(32)) + b"\0" + bytes(32))


# ---------------------------------------------------------------- the corpus


def load_eval_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("guard_eval", ROOT / "scripts" / "guard_eval.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while building
    spec.loader.exec_module(module)
    return module


CORPUS_ROWS = [json.loads(line) for line in CORPUS.read_text("utf-8").splitlines() if line.strip()]


def test_corpus_is_large_varied_and_well_formed() -> None:
    assert len(CORPUS_ROWS) >= 150
    negatives = [row for row in CORPUS_ROWS if row["label"] == "none"]
    assert len(negatives) * 3 >= len(CORPUS_ROWS)
    assert {row["lang"] for row in CORPUS_ROWS} == {"en", "zh", "ko"}
    assert {row["label"] for row in CORPUS_ROWS} - {"none"} == set(KINDS)
    for row in CORPUS_ROWS:
        assert set(row) <= {"lang", "label", "text", "own_emails"}
        assert row["text"].strip()


def test_corpus_meets_the_targets() -> None:
    guard_eval = load_eval_script()
    report = guard_eval.evaluate(CORPUS_ROWS)
    assert report.failures() == [], guard_eval.render(report, show_misses=True)
    for kind in guard_eval.MUST_CATCH_ALL:
        assert report.recall(kind) == 1.0
    assert report.recall() >= 0.95


@pytest.mark.parametrize(
    "row", [row for row in CORPUS_ROWS if row["label"] == "none"], ids=lambda row: row["text"][:40]
)
def test_corpus_negative_is_left_alone(row: dict[str, object]) -> None:
    assert find_secrets(str(row["text"]), own_emails=row.get("own_emails", ())) == []  # type: ignore[arg-type]


@pytest.mark.parametrize("row", [row for row in CORPUS_ROWS if row["label"] != "none"])
def test_corpus_positive_redacts_to_a_clean_text(row: dict[str, object]) -> None:
    text = str(row["text"])
    cleaned = redact(text)
    assert f"[redacted: {row['label']}]" in cleaned
    assert find_secrets(cleaned) == []


def test_eval_script_prints_figures_and_exits_zero() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "guard_eval.py")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "precision" in result.stdout and "targets: met" in result.stdout


def test_eval_script_fails_below_target(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    rows = [
        {"lang": "en", "label": "seed phrase", "text": "no phrase here at all"},
        {"lang": "en", "label": "none", "text": f"card {VISA}"},
    ]
    corpus.write_text("\n".join(json.dumps(row) for row in rows), "utf-8")
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "guard_eval.py"), str(corpus), "--show-misses"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "targets MISSED" in result.stdout
    assert "missed seed phrase" in result.stdout


# ---------------------------------------------------------------- the word list


def test_wordlist_is_the_official_bip39_english_list() -> None:
    from importlib import resources

    data = resources.files("mnemonic").joinpath("wordlist/english.txt").read_bytes()
    assert hashlib.sha256(data).hexdigest() == (
        "2f5eed53a4727b4bf8880d8f3f199efc90e58503646d9ff8eff3a2ed3b24dbda"
    )
    assert len(WORDS) == 2048 == len(set(WORDS))
    assert list(WORDS) == sorted(WORDS)
    assert len({word[:4] for word in WORDS}) == 2048  # what makes abbreviations safe
    assert WORDS[0] == "abandon" and WORDS[-1] == "zoo"


def test_wordlist_loads_only_when_a_text_has_a_long_run_of_words() -> None:
    _seed.wordlist.cache_clear()
    _seed._lookup.cache_clear()
    find_secrets("Agent Kevin (CS-4471) said to wait 24h, ticket TK-88412907")
    find_secrets("提现 1250 USDT 三天没到账，工单号 2024112600123")
    assert _seed.wordlist.cache_info().currsize == 0
    find_secrets(" ".join(mnemonic()))
    assert _seed.wordlist.cache_info().currsize == 1


def test_guard_is_a_pure_module() -> None:
    code = (
        "import sys, issuenote.safety.guard\n"
        "heavy = ('typer', 'rich', 'sqlite3', 'sqlite_utils', 'keyring', 'issuenote.cli')\n"
        "print([name for name in heavy if name in sys.modules])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


# ---------------------------------------------------------------- seed phrases


@pytest.mark.parametrize("count", [12, 15, 18, 21, 24])
def test_seed_phrase_of_every_length(count: int) -> None:
    words = mnemonic(count, seed=count)
    finding = only("here: " + " ".join(words))
    assert finding.kind == "seed phrase"
    assert finding.masked == f"{count} words: {words[0]} … {words[-1]}"


@pytest.mark.parametrize(
    "layout",
    [
        lambda w: " ".join(f"{i}. {word}" for i, word in enumerate(w, 1)),
        lambda w: " ".join(f"{i}) {word}" for i, word in enumerate(w, 1)),
        lambda w: " ".join(f"#{i} {word}" for i, word in enumerate(w, 1)),
        lambda w: " ".join(f"({i}) {word}" for i, word in enumerate(w, 1)),
        lambda w: "\n".join(f"{i}. {word}" for i, word in enumerate(w, 1)),
        lambda w: ", ".join(w),
        lambda w: "\n".join(w),
        lambda w: "\t".join(w),
        lambda w: " - ".join(w),
        lambda w: " ".join(w).upper(),
        lambda w: " ".join(word.capitalize() for word in w),
        lambda w: " ".join(w).capitalize(),
        lambda w: " ".join(word[:4] for word in w),  # the abbreviation wallets accept
    ],
)
def test_seed_phrase_layouts(layout: object) -> None:
    text = f"my wallet words {layout(mnemonic())} thanks"  # type: ignore[operator]
    assert kinds(text) == ["seed phrase"]


def test_seed_phrase_span_covers_exactly_the_words() -> None:
    words = mnemonic()
    text = "seed: " + " ".join(words) + ". Please help"
    finding = only(text)
    assert text[finding.start : finding.end] == " ".join(words)
    assert redact(text) == "seed: [redacted: seed phrase]. Please help"


def test_seed_label_word_is_not_part_of_the_phrase() -> None:
    words = mnemonic(seed=7)
    text = "seed: " + " ".join(f"{i}. {word}" for i, word in enumerate(words, 1))
    assert only(text).masked == f"12 words: {words[0]} … {words[-1]}"


def test_canonical_test_vector() -> None:
    text = " ".join(["abandon"] * 11 + ["about"])
    assert only(text).masked == "12 words: abandon … about"


def test_mistyped_phrases_are_still_refused() -> None:
    words = mnemonic(seed=3)
    wrong_word = [*words[:5], WORDS[(WORDS.index(words[5]) + 1) % 2048], *words[6:]]
    assert not _seed.checksum_valid([WORDS.index(word) for word in wrong_word]) or True
    assert kinds(" ".join(wrong_word)) == ["seed phrase"]
    typo = list(words)
    typo[4] = typo[4][:4] + "qq"  # a typo after the fourth letter
    assert kinds(" ".join(typo)) == ["seed phrase"]


def test_eleven_words_are_not_a_phrase() -> None:
    assert find_secrets(" ".join(mnemonic()[:11])) == []


def test_invalid_checksum_phrase_of_random_list_words_is_refused() -> None:
    rng = random.Random(5)
    for _ in range(20):
        words = [rng.choice(WORDS) for _ in range(12)]
        if len(set(words)) == 12 and sum(word in _seed.PROSE_WORDS for word in words) <= 3:
            assert kinds(" ".join(words)) == ["seed phrase"], words


@pytest.mark.parametrize(
    "prose",
    [
        "Please check again today, agent said the amount will arrive soon after network review",
        "Hello team, please check account balance again, deposit amount still missing, network "
        "fee also wrong, thanks",
        "Hello again team, please check deposit amount, address, network, fee, order, ticket, "
        "today",
        "You can have that thing this time when they come over, then we will know more about it.",
        "First you open the app, then you go to assets, then withdraw, then pick the coin and "
        "network, then paste the address, then confirm with the code you get by email.",
        "All good now, thank you again for your help, have a great day and a good week ahead.",
        "I have been waiting three days now and every agent asks the same questions again and "
        "again, which is really frustrating.",
        "text text text text text text text text text text text text",
        "This License applies to any program or other work which contains a notice placed by the "
        "copyright holder saying it may be distributed under the terms of this General Public "
        "License. The Program, below, refers to any such program or work, and a work based on "
        "the Program means either the Program or any derivative work under copyright law.",
    ],
)
def test_ordinary_english_is_not_a_seed_phrase(prose: str) -> None:
    assert find_secrets(prose) == []


def test_long_english_paragraphs_hold_few_list_words_in_a_row() -> None:
    paragraph = (
        "Support channels around crypto exchanges are full of fake agents, and the guide says "
        "real support never asks for a password, an ID card number or a bank account. When the "
        "first agent cannot help, ask to escalate the case to a higher tier or try another "
        "channel; keep screenshots of every chat and copies of every email, and note the agent "
        "name and ID together with the solution they suggest and the next steps they promise. "
    ) * 50
    assert find_secrets(paragraph) == []


def test_checksum_helper() -> None:
    assert _seed.checksum_valid([0] * 11 + [3])  # abandon ×11 about
    assert not _seed.checksum_valid([0] * 12)
    assert not _seed.checksum_valid([0] * 11)  # not a seed length
    for count in _seed.SEED_LENGTHS:
        words = mnemonic(count, seed=count + 100)
        assert _seed.checksum_valid([WORDS.index(word) for word in words])


# ---------------------------------------------------------------- private keys


@pytest.mark.parametrize(
    "text",
    [
        f"private key: 0x{HEX_KEY}",
        f"private key {HEX_KEY}",
        f"my wallet key is {HEX_KEY}",
        f"priv: {HEX_KEY}",
        f"0x{HEX_KEY} is my private key",
        f"私钥：{HEX_KEY}",
        f"개인키 {HEX_KEY}",
        f"key:\n{HEX_KEY}",
    ],
)
def test_hex_private_key_with_a_key_label(text: str) -> None:
    finding = only(text)
    assert finding.kind == "private key"
    assert finding.masked in ("0x4c08…(64 hex)", "4c08…(64 hex)")
    assert HEX_KEY not in finding.masked


@pytest.mark.parametrize(
    "text",
    [
        f"txid {HEX_KEY}",
        f"TxID: 0x{HEX_KEY}",
        f"tx hash {HEX_KEY}",
        f"交易哈希 {HEX_KEY}",
        f"트랜잭션 해시 {HEX_KEY}",
        f"0x{HEX_KEY}",
        HEX_KEY,
        f"https://tronscan.org/#/transaction/{HEX_KEY}",
        f"https://etherscan.io/tx/0x{HEX_KEY} (the key point: it is confirmed)",
        f"public key {HEX_KEY}",
        f"block hash {HEX_KEY}",
    ],
)
def test_transaction_hashes_are_not_keys(text: str) -> None:
    assert find_secrets(text) == []


def test_wif_keys_are_found_by_checksum() -> None:
    assert len(WIF_COMPRESSED) == 52 and WIF_COMPRESSED[0] in "KL"
    assert len(WIF_UNCOMPRESSED) == 51 and WIF_UNCOMPRESSED[0] == "5"
    assert only(f"exported {WIF_COMPRESSED}").masked == f"{WIF_COMPRESSED[:4]}…(52 chars, WIF)"
    assert kinds(WIF_UNCOMPRESSED) == ["private key"]
    broken = WIF_COMPRESSED[:-1] + ("2" if WIF_COMPRESSED[-1] != "2" else "3")
    assert find_secrets(broken) == []  # random base58 of that length is not a key
    assert kinds(f"private key {broken}") == ["private key"]  # a label says it was one


def test_extended_private_keys() -> None:
    assert len(XPRV) == 111 and XPRV.startswith("xprv")
    assert only(f"backup {XPRV} done").masked == "xprv…(111 chars)"
    xpub = "xpub" + XPRV[4:]
    assert find_secrets(xpub) == []  # public: safe to share


def test_pem_private_key_block() -> None:
    text = "-----BEGIN EC PRIVATE KEY-----\nMHQCAQEEIBkg\n-----END EC PRIVATE KEY-----\nthanks"
    finding = only(text)
    assert finding.masked == "BEGIN EC PRIVATE KEY block"
    assert redact(text) == "[redacted: private key]\nthanks"


def test_labelled_base58_key() -> None:
    solana = "4" * 20 + "Zx" * 34
    assert kinds(f"Solana private key: {solana}") == ["private key"]
    assert find_secrets(f"Transaction ID: {solana}") == []


# ---------------------------------------------------------------- API secrets


@pytest.mark.parametrize(
    "text",
    [
        "API secret: 9F8E7D6C5B4A39281726354453627181",
        f"secret key = {HEX_KEY}",
        "OKX_API_SECRET=54U0ORDHWOUFWCKVALZHWGGBW92FU29I",
        "passphrase: Tr@de2024okx",
        "api key a1b2c3d4-e5f6-7a8b-9c0d-e1f2a3b4c5d6 stopped working",
        "API密钥：9F8E7D6C5B4A39281726354453627181",
        "API密码短语: Okx#Bot2024",
        "시크릿 키: 9F8E7D6C5B4A39281726354453627181",
        "패스프레이즈는 Bot!2024pass 입니다",
    ],
)
def test_api_secrets(text: str) -> None:
    assert kinds(text) == ["API secret"]


@pytest.mark.parametrize(
    "text",
    [
        "The API key permissions were read-only, withdrawals disabled",
        "API key created on 2024-11-01 with trade permission",
        "API密钥已经删除，请确认",
        "the new secret key feature in the app looks weird",
        "gpg --passphrase-file and --passphrase-repeat options",
        "Return a better error code if no passphrase was given.",
        "secret: ****************",
    ],
)
def test_api_look_alikes(text: str) -> None:
    assert find_secrets(text) == []


# ---------------------------------------------------------------- passwords


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("my password is Hunter2024!", "Hunter2024!"),
        ("Login password: okx@lily1990", "okx@lily1990"),
        ("password = S3cure#Pass", "S3cure#Pass"),
        ('password: "correct horse"', "correct horse"),
        ("password is 'wrong'", "wrong"),
        ("pwd: Tron$2023", "Tron$2023"),
        ("pass: Lily2024!", "Lily2024!"),
        ("funding password is 845120", "845120"),
        ("my password is sunshine.", "sunshine"),
        ("Password:\nLily#2024", "Lily#2024"),
        ("login lily@example.com password Lily2024!", "Lily2024!"),
        ("DB_PASSWORD=hunter2hunter2", "hunter2hunter2"),
        ("I told him my password, it was qwerty123.", "qwerty123"),
        ("PIN: 4821", "4821"),
        ("PIN code 7391", "7391"),
        ("我的登录密码是 Abc123456", "Abc123456"),
        ("资金密码：lily0815", "lily0815"),
        ("密码：lily2024（请勿外传）", "lily2024"),
        ("账号 lily@example.com 密码 Lily2024", "Lily2024"),
        ("비밀번호는 Okx!2024kr 입니다", "Okx!2024kr"),
        ("비밀번호는 Abc12345!입니다", "Abc12345!"),
        ("상담원이 비번 알려달래서 qwer1234 라고 했어요", "qwer1234"),
    ],
)
def test_passwords(text: str, value: str) -> None:
    finding = only(text)
    assert finding.kind == "password"
    assert text[finding.start : finding.end] == value
    assert value not in finding.masked


@pytest.mark.parametrize(
    "text",
    [
        "I reset my password yesterday",
        "support asked for my password",
        "support asked for my password, I refused",
        "my password is not working since the update",
        "my password is wrong",
        "the password is required",
        "my password was changed on 2024-11-20 without my permission",
        "password is 8-16 characters and must include a symbol",
        "Password: ******** (hidden)",
        "密码：******",
        "my password is the same as before",
        "Agent: we will never ask for your password or 2FA code",
        "客服问我要密码，我没给",
        "密码错误次数太多，账户被锁定",
        "비밀번호를 어제 변경했습니다",
        "비밀번호 8자 이상으로 설정하라고 함",
        "the pass is ready.",
        "PIN reset requested through the app",
        "please pin 1234 to the top of the chat",
        "since base-passwd 3.6.1 the _apt user is in",
        "PASS: config.sub checks (882 tests)",
        "set PWD=`pwd` at the top",
        "proxy http://username:password@proxy.example.com",
        "How to send password\n<http://example.com/rfc2617>",
    ],
)
def test_sentences_about_passwords_are_not_passwords(text: str) -> None:
    assert find_secrets(text) == []


# ---------------------------------------------------------------- verification codes


@pytest.mark.parametrize(
    "text",
    [
        "my 2FA code is 482913",
        "Google Authenticator code: 731 204",
        "The agent asked for the GA code, I gave him 559023",
        "OTP 842017, it expires in a minute",
        "SMS code: 7745",
        "my code is 123456",
        "[OKX] 604213 is your verification code. Do not share it.",
        "验证码 482913",
        "【OKX】您的验证码为 550182，5分钟内有效",
        "短信验证码：8812",
        "验证码：４８２９１３",  # full-width digits
        "인증번호 [482913]을 입력해 주세요",
        "인증코드 582013",
    ],
)
def test_verification_codes(text: str) -> None:
    finding = only(text)
    assert finding.kind == "verification code"
    assert finding.masked.endswith("digits")


@pytest.mark.parametrize(
    "text",
    [
        "2FA was reset on 2024-11-26, ticket 88412907",
        "2FA disabled 20241126",
        "I enabled Google Authenticator 3 days ago",
        "OTP did not arrive for 10 minutes",
        "The GA code stopped working after I changed phones in 2023",
        "Please enter the 6-digit code from Google Authenticator",
        "error code: 50001",
        "referral code 48291736",
        "验证码收不到，已经等了30分钟",
        "验证码已发送至 138****8000",
        "인증번호 6자리를 입력하세요",
        "produced as part of the Google Summer of Code 2007",
    ],
)
def test_verification_code_look_alikes(text: str) -> None:
    assert find_secrets(text) == []


# ---------------------------------------------------------------- backup codes and 2FA keys


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("backup codes: 8352 0419, 2290 6633, 7718 2045", "3 codes"),
        ("My 2FA recovery codes are a7f3k-29dl4 b82md-11xqz", "2 codes"),
        ("backup code: 49201736", "1 code"),
        ("谷歌验证器备用码：83520419 22906633", "2 codes"),
        ("복구 코드는 a8d2k-0pz91 입니다", "1 code"),
    ],
)
def test_backup_codes(text: str, masked: str) -> None:
    finding = only(text)
    assert (finding.kind, finding.masked) == ("backup codes", masked)


def test_backup_code_look_alikes() -> None:
    assert find_secrets("I lost my backup codes when my phone broke") == []
    assert find_secrets("备用码丢了，怎么重置谷歌验证") == []


@pytest.mark.parametrize(
    "text",
    [
        "Google Authenticator setup key: JBSWY3DPEHPK3PXP",
        "2FA secret key JBSW Y3DP EHPK 3PXP",
        "otpauth://totp/OKX:lily@example.com?secret=JBSWY3DPEHPK3PXP&issuer=OKX",
        "谷歌验证器密钥：JBSWY3DPEHPK3PXP",
        "OTP 키: JBSWY3DPEHPK3PXP",
    ],
)
def test_two_fa_secret_keys(text: str) -> None:
    assert kinds(text) == ["2FA secret key"]


# ---------------------------------------------------------------- identity numbers


def test_chinese_id_number() -> None:
    finding = only(f"身份证号：{CHINESE_ID}")
    assert finding.kind == "Chinese ID number"
    assert finding.masked == f"{CHINESE_ID[:4]}**********{CHINESE_ID[-4:]}"
    assert kinds(f"my ID is {CHINESE_ID[:6]} {CHINESE_ID[6:14]} {CHINESE_ID[14:]}") == [
        "Chinese ID number"
    ]
    assert kinds(CHINESE_ID.lower()) == ["Chinese ID number"]  # check character x


def test_chinese_id_needs_its_check_digit_unless_labelled() -> None:
    wrong = CHINESE_ID[:17] + ("0" if CHINESE_ID[17] != "0" else "1")
    assert find_secrets(f"number {wrong}") == []
    assert kinds(f"身份证 {wrong}") == ["Chinese ID number"]  # mistyped, still an ID


@pytest.mark.parametrize(
    "body",
    [
        "11010519491331002",  # month 13
        "11010520991231002",  # born in the future
        "99010519491231002",  # no such province
    ],
)
def test_chinese_id_needs_a_plausible_shape(body: str) -> None:
    assert find_secrets(cn_id(body)) == []


def test_korean_resident_registration_number() -> None:
    finding = only(f"주민등록번호 {KOREAN_RRN}")
    assert finding.kind == "Korean resident registration number"
    assert finding.masked == "90****-*******"
    assert kinds(f"RRN {KOREAN_RRN.replace('-', '')}") == ["Korean resident registration number"]
    assert kinds(KOREAN_RRN.replace("-", "")) == ["Korean resident registration number"]


@pytest.mark.parametrize(
    "text",
    [
        "901301-1234567",  # month 13
        "900101-9234567",  # gender digit 9
        "900101-1******",  # already masked
        "9001011234560",  # no hyphen and a wrong check digit
        "010-1234-5678",  # a phone number
        "사업자등록번호 123-45-67890",
    ],
)
def test_korean_look_alikes(text: str) -> None:
    assert find_secrets(text) == []


# ---------------------------------------------------------------- cards, accounts, IBANs


@pytest.mark.parametrize(
    "text",
    [
        VISA,
        "4111 1111 1111 1111",
        "4111-1111-1111-1111",
        "card 3782 822463 10005",  # Amex grouping
        UNIONPAY_19,
        " ".join(UNIONPAY_19[i : i + 4] for i in range(0, 19, 4)),
        "MasterCard 5500 0000 0000 0004 was charged twice",
        f"银行卡号：{UNIONPAY_19}",
        "카드번호 4111-1111-1111-1111",
        "card number 4111 1111 1111 1112",  # mistyped, but labelled
    ],
)
def test_bank_cards(text: str) -> None:
    finding = only(text)
    assert finding.kind == "bank card number"
    assert "*" in finding.masked and finding.masked[-4:].isdigit()


def test_card_mask() -> None:
    assert only(VISA).masked == "4111 **** **** 1111"
    assert only("card 3782 822463 10005").masked == "3782 **** *** 0005"
    assert only(UNIONPAY_19).masked == f"6222 **** **** *** {UNIONPAY_19[-4:]}"


@pytest.mark.parametrize(
    "text",
    [
        "4111 1111 1111 1112",  # bad Luhn, no label
        "6222 **** **** 1234",
        "4518-****-****-3321",
        "Order ID 616528592785235968 shows as cancelled",
        "616528592785235968",  # bare 18 digits: an order ID, not a card
        "UID 4111111111111111",
        "ticket #4111111111111111",
        "2024112600123",
        "#2024112600123",
        "工单号 2024112600123",
        "tracking number 9400111899223817364825",
        "1,250.00 USDT",
        "price 4111111111111111.5",
        "fuzzer-5390364397928448 | Bin 0 -> 423 bytes",
        "Phone: +86 138 0013 8000",
    ],
)
def test_card_look_alikes(text: str) -> None:
    assert find_secrets(text) == []


def test_card_security_code() -> None:
    assert kinds("Card ending 6265, exp 12/27, CVV 123") == ["card security code"]
    assert kinds("CVC 번호 884 알려달라고 하네요") == ["card security code"]


@pytest.mark.parametrize(
    "text",
    [
        "bank account number: 1234567890",
        "收款账号 623456789012，开户行中国银行",
        "계좌번호 110-123-456789 (신한)",
        "국민은행 123456-01-123456",
    ],
)
def test_bank_accounts_after_a_bank_label(text: str) -> None:
    assert kinds(text) == ["bank account number"]


@pytest.mark.parametrize(
    "text",
    [
        GERMAN_IBAN,
        "IBAN DE89 3704 0044 0532 0130 00 thanks",
        "GB82WEST12345698765432",
        "GB82 WEST 1234 5698 7654 32",
        "refund to NL91ABNA0417164300 please",
    ],
)
def test_ibans(text: str) -> None:
    finding = only(text)
    assert finding.kind == "IBAN"
    assert finding.masked.startswith(
        text.split()[-1][:2] if " " not in text else finding.masked[:2]
    )


def test_iban_look_alikes() -> None:
    assert find_secrets("DE89370400440532013001") == []  # mod-97 fails
    assert find_secrets("ZZ89370400440532013000") == []  # no such country
    assert kinds("IBAN: DE89370400440532013001") == ["IBAN"]  # mistyped, but labelled


# ---------------------------------------------------------------- support-case look-alikes


@pytest.mark.parametrize(
    "text",
    [
        "agent ID CS-4471 said it's under review",
        "客服工号 10086，名字叫小王",
        "UID 123456789",
        "Amount: 1,250.00 USDT, fee 1 USDT",
        "Submitted on 2024-11-26 14:03:22 UTC+8",
        "2024年11月26日 14:03 提交的提现",
        "Called the support line +1 (415) 555-0133 at 9:05",
        "客服电话 400-820-1234，转人工",
        "Deposit address TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE on TRON",
        "ETH address 0x71C7656EC7ab88b098defB751B7401B5f6d8976F",
        "Never share your seed phrase or private key with anyone, including support.",
        "",
        "   ",
    ],
)
def test_support_case_look_alikes(text: str) -> None:
    assert find_secrets(text) == []


def test_own_email_is_never_reported() -> None:
    text = "password: alice.chen@gmail.com2024"
    assert kinds(text) == ["password"]
    assert find_secrets(text, own_emails=["Alice.Chen@gmail.com"]) == []
    assert find_secrets(text, own_emails="alice.chen@gmail.com") == []
    assert kinds(text, own_emails=["not-an-email", ""]) == ["password"]


# ---------------------------------------------------------------- API: order, redaction, messages


def test_findings_are_sorted_and_never_overlap() -> None:
    text = (
        f"card {VISA}; password: Hunter2024!; 验证码 482913; "
        f"private key {HEX_KEY}; IBAN {GERMAN_IBAN}; " + " ".join(mnemonic())
    )
    findings = find_secrets(text)
    assert [finding.kind for finding in findings] == [
        "bank card number",
        "password",
        "verification code",
        "private key",
        "IBAN",
        "seed phrase",
    ]
    for first, second in itertools.pairwise(findings):
        assert first.end <= second.start


def test_the_more_serious_kind_wins_an_overlap() -> None:
    from issuenote.safety.guard import _without_overlaps

    card = Finding("bank card number", 10, 26, "c")
    password = Finding("password", 10, 26, "p")
    seed = Finding("seed phrase", 0, 40, "s")
    later = Finding("password", 40, 44, "q")
    assert _without_overlaps([password, card]) == [card]
    assert _without_overlaps([card, seed, later]) == [seed, later]
    assert _without_overlaps([Finding("IBAN", 5, 5, "empty")]) == []
    assert kinds(f"API secret: {HEX_KEY}") == ["API secret"]  # not also a private key


def test_redact_replaces_each_secret() -> None:
    text = f"card {VISA}, 密码：Abc12345，验证码 482913"
    assert redact(text) == (
        "card [redacted: bank card number], 密码：[redacted: password]，"
        "验证码 [redacted: verification code]"
    )
    assert redact("nothing secret here") == "nothing secret here"
    assert redact("") == ""


def test_redact_with_given_findings() -> None:
    text = "abc secret def"
    findings = [Finding("password", 4, 10, "6 characters")]
    assert redact(text, findings) == "abc [redacted: password] def"
    overlapping = [Finding("password", 4, 10, "x"), Finding("password", 6, 12, "y")]
    assert redact(text, overlapping) == "abc [redacted: password] def"
    assert redact(text, []) == text


def test_redact_respects_own_emails() -> None:
    text = "password: alice.chen@gmail.com2024"
    assert redact(text, own_emails=["alice.chen@gmail.com"]) == text


def test_describe_and_refusal_message() -> None:
    seed = only(" ".join(["abandon"] * 11 + ["about"]))
    assert describe(seed) == "this looks like a seed phrase (12 words: abandon … about)"
    assert refusal_message([seed]) == (
        "refused: this looks like a seed phrase (12 words: abandon … about); "
        "issuenote never stores secrets"
    )
    iban = only(GERMAN_IBAN)
    assert describe(iban) == "this looks like an IBAN (DE89 **** 3000)"
    codes = only("backup codes: 8352 0419, 2290 6633")
    assert describe(codes) == "this looks like backup codes (2 codes)"
    api = only("API secret: 9F8E7D6C5B4A39281726354453627181")
    assert describe(api).startswith("this looks like an API secret (9F8E…")
    two = refusal_message([seed, iban])
    assert two == (
        "refused: this looks like a seed phrase (12 words: abandon … about) and an IBAN "
        "(DE89 **** 3000); issuenote never stores secrets"
    )
    many = refusal_message([seed, iban, codes, api, seed])
    assert many.endswith("and 2 more; issuenote never stores secrets")
    with pytest.raises(ValueError):
        refusal_message([])


def test_ensure_no_secrets_raises_a_user_error() -> None:
    ensure_no_secrets("Agent Kevin said wait 24 hours")
    with pytest.raises(SecretRefused) as caught:
        ensure_no_secrets("my password is Hunter2024!")
    assert isinstance(caught.value, IssuenoteError)
    assert str(caught.value).startswith("refused: this looks like a password (11 characters)")
    assert [finding.kind for finding in caught.value.findings] == ["password"]


def test_finding_is_frozen() -> None:
    finding = Finding("password", 0, 4, "4 characters")
    with pytest.raises(AttributeError):
        finding.kind = "IBAN"  # type: ignore[misc]


def test_non_text_is_a_programming_error() -> None:
    with pytest.raises(TypeError):
        find_secrets(b"password: hunter2")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        find_secrets(None)  # type: ignore[arg-type]


# ---------------------------------------------------------------- hostile and odd input


def test_offsets_survive_text_whose_lower_case_is_longer() -> None:
    text = "İİİ password: Hunter2024! İ"
    finding = only(text)
    assert text[finding.start : finding.end] == "Hunter2024!"


def test_full_width_offsets_point_into_the_original_text() -> None:
    text = "卡号：４１１１ １１１１ １１１１ １１１１，谢谢"
    finding = only(text)
    assert finding.kind == "bank card number"
    assert text[finding.start : finding.end] == "４１１１ １１１１ １１１１ １１１１"


@pytest.mark.parametrize(
    "text",
    [
        "\x00" * 1000,
        "password:\x00Hunter2024!",
        "🔑🔑🔑 " * 1000,
        "مرحبا كلمة المرور " * 100,
        "\u202eHunter2024! :drowssap\u202c",
        "\ud800\udfff lone surrogates",
        "e\u0301" * 500,
        "\u200b".join("abandon" for _ in range(30)),
    ],
)
def test_odd_unicode_does_not_crash(text: str) -> None:
    for finding in find_secrets(text):
        assert 0 <= finding.start < finding.end <= len(text)
    redact(text)


def test_secrets_inside_odd_unicode_are_found() -> None:
    assert kinds(f"🔑🔑 password: Hunter2024! 🔑 card {VISA} 🙏") == [
        "password",
        "bank card number",
    ]
    assert kinds(f"\u202bكلمة السر: {VISA}\u202c") == ["bank card number"]
    assert kinds("password:\x00Hunter2024!") in ([], ["password"])


def megabyte(unit: str) -> str:
    return unit * (1_000_000 // len(unit))


@pytest.mark.parametrize(
    "text",
    [
        megabyte("The agent asked again about the withdrawal; ticket TK-88412907, UID 12345. "),
        megabyte("7"),
        megabyte("1 "),
        megabyte("1234 "),
        megabyte("1-"),
        megabyte("a1b2c3d4e5f6"),
        megabyte("0x"),
        megabyte("password "),
        megabyte("password: "),
        megabyte("2FA "),
        megabyte("abc "),
        megabyte("-----BEGIN PRIVATE KEY-----"),
        megabyte("DE89 "),
        megabyte("验证码"),
        megabyte("비밀번호 "),
        megabyte("http://"),
        megabyte(" "),
        megabyte("\n"),
    ],
    ids=lambda text: repr(text[:12]),
)
def test_megabyte_inputs_finish(text: str) -> None:
    findings = find_secrets(text)
    for first, second in itertools.pairwise(findings):
        assert first.end <= second.start


def test_megabyte_of_hex_is_not_a_key() -> None:
    assert find_secrets(megabyte("0123456789abcdef")) == []
    assert find_secrets("private key " + megabyte("0123456789abcdef")) == []


def test_megabyte_of_digits_is_not_a_card() -> None:
    assert find_secrets(megabyte("4111111111111111")) == []


def test_long_runs_of_list_words() -> None:
    rng = random.Random(11)
    wall = " ".join(rng.choice(WORDS) for _ in range(150_000))
    findings = find_secrets(wall)
    assert [finding.kind for finding in findings] == ["seed phrase"]
    assert findings[0].masked.startswith("150000 words: ")
    assert find_secrets(" ".join(["abandon"] * 100_000)) == []  # one word: no phrase
    assert find_secrets(megabyte("text ")) == []


def test_many_secrets_in_one_text() -> None:
    text = f"card {VISA}\n" * 20_000
    findings = find_secrets(text)
    assert len(findings) == 20_000
    assert redact(text) == "card [redacted: bank card number]\n" * 20_000


# ---------------------------------------------------------------- properties

_PIECES = st.sampled_from(
    [
        "password: ",
        "密码是 ",
        "비밀번호는 ",
        "验证码 ",
        "2FA ",
        "card ",
        "ticket ",
        "txid ",
        "private key ",
        "seed: ",
        VISA,
        HEX_KEY,
        CHINESE_ID,
        KOREAN_RRN,
        GERMAN_IBAN,
        "Hunter2024!",
        "482913",
        "abandon ",
        "about ",
        "zoo ",
        " ",
        "\n",
        "，",
        ":",
        "-",
        "0x",
        "İ",
        "🔑",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_PIECES, st.text(max_size=8)), max_size=40).map("".join))
def test_findings_are_well_formed_on_any_text(text: str) -> None:
    findings = find_secrets(text)
    previous_end = 0
    for finding in findings:
        assert finding.kind in KINDS
        assert previous_end <= finding.start < finding.end <= len(text)
        previous_end = finding.end
        secret = text[finding.start : finding.end]
        if len(secret) >= 6:
            assert secret not in finding.masked
    cleaned = redact(text, findings)
    assert cleaned.count("[redacted: ") >= len(findings)


# ---------------------------------------------------------------- check digits


def test_check_digit_helpers() -> None:
    assert _checks.luhn_valid("79927398713")
    assert not _checks.luhn_valid("79927398710")
    assert not _checks.luhn_valid("4111-1111")
    assert _checks.iban_valid("GB82WEST12345698765432")
    assert not _checks.iban_valid("GB82WEST1234569876543")  # one short
    assert not _checks.iban_valid("GB82WEST1234569876543Ä")
    assert _checks.cn_id_valid("11010519491231002X")
    assert not _checks.cn_id_valid("110105194912310021")
    assert _checks.kr_rrn_shape("9001011234568") and _checks.kr_rrn_checksum_valid(
        KOREAN_RRN.replace("-", "")
    )
    assert _checks.base58_decode("0OIl") is None
    assert _checks.base58check_payload("1111") is None
    assert _checks.wif_valid(WIF_COMPRESSED) and _checks.wif_valid(WIF_UNCOMPRESSED)
    assert _checks.card_brand_plausible("4111111111111111")
    assert not _checks.card_brand_plausible("2024112600123456")
