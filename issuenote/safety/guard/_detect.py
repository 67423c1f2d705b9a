"""The detectors: each finds one family of secrets in a `Scan`.

Two shapes of detector live here. Self-evident values (a WIF or xprv key, a
card number that passes Luhn, an ID number with a valid check digit, an
IBAN) are found by their form and verified; the label just before them can
still veto the match ("ticket", "order", "UID", "txid"). Values with no form
of their own (passwords, API secrets, verification codes, backup codes) are
found only right after a label that names them.

No pattern lets the engine backtrack more than a bounded number of steps per
character: character classes that cannot overlap, bounded repeats, and
look-arounds instead of nested quantifiers. Each detector first checks for
the cheap substrings it needs, so a short note compiles only what it uses.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from issuenote.safety.guard import _checks, _labels, _seed
from issuenote.safety.guard._model import (
    API_SECRET,
    BACKUP_CODES,
    BANK_ACCOUNT,
    CARD,
    CARD_CVV,
    CN_ID,
    IBAN,
    KR_RRN,
    PASSWORD,
    PRIVATE_KEY,
    SEED_PHRASE,
    TW_ID,
    TWO_FA_KEY,
    VERIFICATION_CODE,
    Finding,
    Scan,
    at_word_start,
    in_url,
    lazy_pattern,
    mask_digits,
    short_mask,
)

_B58 = "1-9A-HJ-NP-Za-km-z"

# What may stand between a label and its value: ":", "=", "is", "was", "是", "는" ...
# Label patterns run on the lower-cased text.
# A JSON or YAML key's closing quote may stand first: {"apiKey": "…"}.
_SEP = (
    r"(?P<sep>(?:[\"'](?=[ \t]*[:=]))?[ \t]*(?:[:=：]|->|=>|[—–]|"
    r"\b(?:is|was|has\s+been|had\s+been)\s+(?:changed|reset|updated|set)\s+to\b|"
    r"\bis\b:?|\bwas\b:?|\bare\b:?|\bis\s+now\b|\bset\s+to\b|"
    r"\bchanged\s+to\b|是|为|為|改成了?|改为|改為|设置为|設置為|设为|設為|는|은|가|이|를|을)?"
    r"[ \t]*\n?[ \t]*)"
)


def _sep_core(sep: str) -> str:
    """The separator's word or sign, without the spaces and a key's closing quote."""
    return sep.strip().lstrip("\"'").strip()


# ---------------------------------------------------------------- values after labels

_VALUE_TOKEN = lazy_pattern(r"[^\s]{1,96}")
_UNIT_AFTER = lazy_pattern(
    r"[ \t]*(?:usdt|usdc|usd|trx|btc|eth|okb|bnb|krw|cny|rmb|eur|원|元|块|분|分|초|秒|"
    r"시간?|小时|天|일|년|年|월|月|号|點|点|%|번|次|개|个|명|人|位|자리|자|"
    r"(?:minutes?|mins?|seconds?|secs?|hours?|hrs?|days?|weeks?|months?|years?|times?|"
    r"characters?|chars?|digits?|letters?|symbols?|people|users?|ms|am|pm)(?![a-z]))"
)


def _unit_follows(scan: Scan, index: int) -> bool:
    """ "8-16 characters", "1250 USDT", "30分钟", "6자리": a quantity, not a secret."""
    return _UNIT_AFTER().match(scan.lowered, index) is not None


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Words that follow "password is" / "密码:" in honest sentences about passwords.
_NOT_A_VALUE = _word_set(
    """not wrong incorrect correct right invalid valid required needed reset changed expired
    locked blocked lost stolen forgotten unknown different same new old weak strong long short
    empty blank none null hidden secret private safe too very still being also already now
    just only the a an my your our their his her its this that these those and or but so here
    there ok okay fine good bad yes no n/a na tbd unchanged sent removed disabled enabled set
    unset missing leaked compromised hacked working fixed case-sensitive mandatory optional
    protected saved stored encrypted known shared asked requested please never always
    sometimes what which how why when where who whatever something nothing anything
    everything complicated simple easy hard strange managed"""
)
_ADJECTIVE_ENDINGS = (
    "ed", "en", "ing", "ly", "ble", "ful", "ous", "ive", "ent", "ant", "less", "ish",
)  # fmt: skip
# "!" stays: it ends as many passwords as sentences, and redacting one more
# character is harmless while leaving one behind is not.
_TRAILING = ".,;:?)]}>\"'`”’」』》）。，；？："
_LEADING = "\"'`“‘「『《（([{<"
_QUOTES = {'"': '"', "'": "'", "`": "`", "“": "”", "‘": "’", "「": "」", "『": "』"}
_MASK_CHARS = frozenset("*•●·×#")
_WITHOUT_MASKS = str.maketrans("", "", "".join(_MASK_CHARS))
# What stands where a value was taken out, by `redact` or by hand.
_PLACEHOLDERS = ("redacted", "hidden", "removed")
_POSSESSIVE = lazy_pattern(r"(?:my|our|his|her|their|your|the)[ \t]+(?:[a-z-]+[ \t]+)?$")


def _placeholder(text: str, index: int) -> bool:
    """Whether a value was already taken out here ("[redacted: password]", "<hidden>")."""
    head = text[max(0, index - 2) : index + 12]
    if "[" not in head and "(" not in head and "<" not in head:
        return False  # the common case, decided without building a dozen strings
    head = head.lower()
    return any(f"{bracket}{word}" in head for bracket in "[(<" for word in _PLACEHOLDERS)


def _value_after(text: str, index: int) -> tuple[int, int] | None:
    """The value that starts at `index`: one token, quotes and trailing punctuation off.

    Only printable ASCII is kept, which is what passwords and keys are made
    of; a Chinese or Korean particle glued to the value ("Abc123입니다") ends it.
    """
    quote = text[index : index + 1]
    if quote in _QUOTES:  # 'password: "correct horse"': the quotes say where it ends
        close = text.find(_QUOTES[quote], index + 1, index + 66)
        if close > index + 1 and "\n" not in text[index:close]:
            return None if _placeholder(text, index + 1) else (index + 1, close)
    match = _VALUE_TOKEN().match(text, index)
    if match is None:
        return None
    begin, end = match.span()
    while begin < end and text[begin] in _LEADING:
        begin += 1
    if _placeholder(text, begin):
        return None
    cut = begin
    while cut < end and "!" <= text[cut] <= "~":
        cut += 1
    end = cut
    while end > begin and text[end - 1] in _TRAILING:
        end -= 1
    return (begin, end) if end > begin else None


_DIGIT_OR_SYMBOL = lazy_pattern(r"[^\w.\-' ]|\d")


def _looks_masked(value: str) -> bool:
    """``********``, ``ab***yz``, ``xxxx``: a value someone already hid."""
    if "***" in value or not value.strip("xX"):
        return True
    return (len(value) - len(value.translate(_WITHOUT_MASKS))) * 2 >= len(value)


def _password_like(value: str) -> bool:
    """Digits, symbols or inner capitals: what words in a sentence do not have.

    Dots, hyphens and underscores alone do not count: "config.guess" and
    "read-only" are names, not passwords.
    """
    if _DIGIT_OR_SYMBOL().search(value):
        return True
    return value[1:] != value[1:].lower() and not value.isupper()  # an inner capital


def _acceptable_password(scan: Scan, span: tuple[int, int], sep: str, label_start: int) -> bool:
    """Whether the value after a password label is a password rather than prose."""
    value = scan.text[span[0] : span[1]]
    if not 4 <= len(value) <= 64 or _looks_masked(value):
        return False
    quoted = (
        scan.text[span[0] - 1 : span[0]] in _QUOTES
        and scan.text[span[1] : span[1] + 1] in _QUOTES.values()
    )
    if quoted and (_sep_core(sep) or " " not in value):
        return True  # quoted after a label: someone is spelling a password out
    lowered = value.lower()
    if lowered in _NOT_A_VALUE:
        return False
    if _unit_follows(scan, span[1]) or "://" in value or value.startswith(("www.", "<", "$")):
        return False
    if "\n" in sep and not _sep_core(sep):
        return False  # a label ending one line and something else on the next
    if _password_like(value):
        return True
    if value.isalpha() and lowered.endswith(_ADJECTIVE_ENDINGS):
        return False
    separator = _sep_core(sep)
    if separator.startswith(("was ", "is ", "has ", "had ")) or separator in ("—", "–"):
        return True  # "was changed to Banana#42", "Password — CryptoQueen88"
    if not separator:
        return False  # "password yesterday": no separator and nothing password-like
    if separator in ("is", "was", "are", "是", "为", "為", "는", "은", "가", "이", "를", "을"):
        # "my password is sunshine." is a password; "no passphrase was given." and
        # "my password is sunshine and moon" are prose
        before = scan.lowered[max(0, label_start - 24) : label_start]
        if value.isascii() and not _POSSESSIVE().search(before):
            return False
        rest = scan.text[span[1] : span[1] + 12].lstrip(" \t")
        return not rest or rest[0] in ".,;!?)\n。，！？"
    return True


def _english_label_ok(label: str, sep: str) -> bool:
    """A label, not "password@host", "passphrase-file", "pwd" the command or "pass" the verb."""
    if not sep:
        return False
    if label.lower() in ("pass", "pw", "pwd"):
        if label == "PASS":
            return False  # "PASS: 137 tests"
        return _sep_core(sep) in (":", "=", "：") or _sep_core(sep) in ("is", "was")
    return True


_CONFIG_KEY = lazy_pattern(r"[a-z][a-z0-9_]{0,40}[\"']?[ \t]*[:=]")


def _name_start(text: str, index: int) -> int:
    """Where the snake_case name holding `index` begins."""
    start = index
    while (
        start > 0 and start > index - 40 and (text[start - 1].isalnum() or text[start - 1] == "_")
    ):
        start -= 1
    return start


def _label_matches(pattern: Callable[[], re.Pattern[str]], scan: Scan) -> Iterator[re.Match[str]]:
    """Matches of a label-first pattern, at word starts only.

    An upper-case label after an underscore is an environment variable
    (``OKX_API_SECRET=...``, ``DB_PASSWORD=...``) and counts as a label.
    """
    text = scan.text
    for match in pattern().finditer(scan.lowered):
        start = match.start()
        after_underscore = text[start - 1 : start] == "_"
        env_variable = after_underscore and text[start : start + 4].isupper()
        # "binance_api_secret = …", "okx_secret_key: …": a config key, in lower case
        config_key = after_underscore and _CONFIG_KEY().match(text, _name_start(text, start))
        if env_variable or config_key or at_word_start(text, start):
            yield match


# ---------------------------------------------------------------- passwords and PINs

_PASSWORD_LABEL = lazy_pattern(
    r"(?:(?P<en>password|passwd|passcode|pass[ \t]?word|pwd|pw|pass)(?![a-z0-9_])"
    r"|(?P<pin>pin(?:[ \t]*(?:code|number)|码|[ \t]?번호)?)(?![a-z0-9_])"
    r"|(?P<zh>密[码碼])|(?P<ko>비밀번호|비번|패스워드))" + _SEP
)
# "my password ... and I told him it was X"
_PASSWORD_BRIDGE = lazy_pattern(
    r"(?:password|passwd|passcode|pwd|pin)(?![a-z0-9_])[ \t,]+(?:[a-z']+[ \t,]+){0,6}?"
    r"(?:it|which)(?:'s|[ \t]+(?:is|was))[ \t]+"
)
# Korean quotes a value with 라고: "비번 알려달래서 qwer1234 라고 했어요"
_KOREAN_QUOTED = lazy_pattern(r"(?<![!-~])[!-~]{4,64}(?=[ \t]?(?:이?라고|이?라구))")


# A value that is one of these with a colon after it is the next label (a form
# pasted empty, or a wall of labels), never the password.
_PASSWORD_LABEL_WORDS = frozenset(
    [
        "password",
        "passwd",
        "passcode",
        "pwd",
        "pw",
        "pass",
        "pin",
        "密码",
        "密碼",
        "비밀번호",
        "비번",
        "패스워드",
    ]
)


def _passwords(scan: Scan) -> list[Finding]:
    """Passwords and PINs right after their label, in English, Chinese and Korean."""
    if not scan.has_any("pass", "pw", "pin", "密码", "密碼", "비밀번호", "비번", "패스워드"):
        return []
    text = scan.text
    found: list[Finding] = []
    for match in _label_matches(_PASSWORD_LABEL, scan):
        span = _value_after(text, match.end())
        if span is None:
            continue
        value = text[span[0] : span[1]]
        if (
            text[span[1] : span[1] + 1] in (":", "：", "=")
            and value.lower() in _PASSWORD_LABEL_WORDS
        ):
            continue  # "password: password:": the next label, not a value
        sep = match.group("sep")
        if match.group("pin"):
            # "PIN" in capitals or "pin code"; the verb "pin" is no label
            bare = match.group("pin") == "pin" and text[match.start() : match.start() + 3] != "PIN"
            if not bare and value.isdigit() and 4 <= len(value) <= 8:
                found.append(Finding(PASSWORD, *span, f"PIN, {len(value)} digits"))
            continue
        english = text[match.start("en") : match.end("en")] if match.group("en") else ""
        if english and not _english_label_ok(english, sep):
            continue
        if english.lower() in ("pass", "pw", "pwd") and not _password_like(value):
            continue  # "PWD=`pwd`": short labels need a value that cannot be a word
        if _acceptable_password(scan, span, sep, match.start()):
            found.append(Finding(PASSWORD, *span, f"{len(value)} characters"))
    for match in _label_matches(_PASSWORD_BRIDGE, scan):
        span = _value_after(text, match.end())
        if span and _acceptable_password(scan, span, "is", match.start()):
            found.append(Finding(PASSWORD, *span, f"{span[1] - span[0]} characters"))
    if "라" in text:
        for match in _KOREAN_QUOTED().finditer(text):
            if match.group().endswith("]"):  # "[redacted: password] 라고"
                continue
            label = _labels.label_before(scan, match.start())
            if label and label.category == _labels.PASSWORD and _password_like(match.group()):
                found.append(Finding(PASSWORD, *match.span(), f"{len(match.group())} characters"))
    return found


# ---------------------------------------------------------------- API secrets

_API_LABEL = lazy_pattern(
    r"(?:(?:api[ \t]*[-_]?[ \t]*(?:secret(?:[ \t]*[-_]?[ \t]*key)?|key|passphrase|password)|"
    r"(?:pass[ \t]*phrase|passphrase)|secret[ \t]*[-_]?[ \t]*key|secretkey|apikey|"
    r"access[ \t]*[-_]?[ \t]*key|client[ \t]*[-_]?[ \t]*secret|secret)(?![a-z0-9_])"
    r"|api[ \t]*(?:密钥|私钥|秘钥|密鑰|私鑰|秘鑰)|api[ \t]*密[码碼](?:短语|短語)?"
    r"|密钥|秘钥|密鑰|秘鑰"
    r"|密码短语|密碼短語|口令"
    r"|시크릿[ \t]*키|api[ \t]*키|api[ \t]*비밀번호|패스프레이즈|암호[ \t]*문구)" + _SEP
)
# API labels whose value a person chose (like a password) rather than a generated token.
_PASSPHRASE_WORDS = ("phrase", "password", "密码", "密碼", "口令", "패스", "암호", "비밀번호")
# A config line whose key names a secret anywhere in it: "real_secret_of_the_bot = …",
# "csrf_token: …". Only a generated-looking value (see _secret_token) counts.
_CONFIG_SECRET = lazy_pattern(
    r"(?<![a-z0-9_])[a-z0-9_]{0,40}(?:secret|api_?key|access_?token|auth_?token|token)"
    r"[a-z0-9_]{0,40}[\"']?[ \t]*[:=][ \t]*[\"']?"
)
_SECRET_TOKEN = lazy_pattern(r"[A-Za-z0-9+/=_\-]{16,128}")


def _secret_token(value: str) -> bool:
    """An API key or secret: 16+ characters of base64 or hex, with letters and digits."""
    if not _SECRET_TOKEN().fullmatch(value) or _looks_masked(value):
        return False
    return any(char.isdigit() for char in value) and any(char.isalpha() for char in value)


_WORDS_VALUE = lazy_pattern(r"[a-z]{2,16}(?:[ \t][a-z]{2,16}){2,7}(?=[ \t]*(?:$|[\n.,;!?)]))", re.M)


def _words_after(scan: Scan, index: int, sep: str) -> tuple[int, int] | None:
    """ "Passphrase: correct horse battery staple": a phrase of lower-case words after a colon.

    Only after ":" or "=", and only when the words fill the rest of the line
    or sentence, and hold none of the small words a sentence needs:
    "passphrase: not needed for this account" is prose.
    """
    if _sep_core(sep) not in (":", "=", "："):
        return None
    match = _WORDS_VALUE().match(scan.text, index)
    if match is None or not _FUNCTION_WORDS.isdisjoint(match.group().split()):
        return None
    return match.span()


# Words a sentence needs and a diceware passphrase almost never draws.
_FUNCTION_WORDS = _word_set(
    """the a an is are was were be been to for of and or not no my your our this that it its
    with in on at by from as if but so do does did has have had can will would should must
    required needed optional none empty blank unknown same set changed reset sent"""
)


def _api_secrets(scan: Scan) -> list[Finding]:
    """Exchange API keys, secrets and passphrases after their label."""
    if not scan.has_any("api", "secret", "key", "phrase", "token", "密钥", "秘钥", "密鑰", "秘鑰", "密码", "口令", "시크릿", "키", "패스", "암호"):  # fmt: skip  # noqa: E501
        return []
    text = scan.text
    found: list[Finding] = []
    for match in _label_matches(_API_LABEL, scan):
        span = _value_after(text, match.end())
        if span is None:
            continue
        value = text[span[0] : span[1]]
        sep = match.group("sep")
        label = match.group()
        if any(word in label for word in _PASSPHRASE_WORDS):
            english = label[0].isascii()
            if english and not _english_label_ok(label.split()[0], sep):
                continue
            if _acceptable_password(scan, span, sep, match.start()):
                found.append(Finding(API_SECRET, *span, f"passphrase, {len(value)} characters"))
            elif phrase := _words_after(scan, span[0], sep):
                found.append(
                    Finding(API_SECRET, *phrase, f"passphrase, {phrase[1] - phrase[0]} characters")
                )
        elif _secret_token(value) and (_sep_core(sep) or len(value) >= 20):
            found.append(Finding(API_SECRET, *span, short_mask(value)))
    if "_" in text:
        for match in _CONFIG_SECRET().finditer(scan.lowered):
            if "_" not in match.group():
                continue  # a bare "secret:" or "token:" is the label detector's
            span = _value_after(text, match.end())
            if span and _secret_token(text[span[0] : span[1]]):
                found.append(Finding(API_SECRET, *span, short_mask(text[span[0] : span[1]])))
    return found


# ---------------------------------------------------------------- private keys

_HEX64 = lazy_pattern(r"(?<![0-9A-Za-z])(?:0[xX])?[0-9a-fA-F]{64}(?![0-9A-Za-z])")
_WIF = lazy_pattern(rf"(?<![{_B58}])[5KLc9][{_B58}]{{50,51}}(?![{_B58}])")
_XPRV = lazy_pattern(rf"(?<![{_B58}])[xyztuvXYZTUV]prv[{_B58}]{{100,112}}(?![{_B58}])")
_PEM = lazy_pattern(
    r"-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----"
    r"(?:[^-]|-(?!----END)){0,20000}(?:-----END [A-Z0-9 ]{0,40}-----)?"
)
_KEY_LABEL = lazy_pattern(
    r"(?:(?:private[ \t]*[-_]?[ \t]*key|priv[ \t]*[-_]?[ \t]*key|privkey|wallet[ \t]*key)"
    r"(?![a-z0-9_])|私钥|私鑰|개인[ \t]*키|프라이빗[ \t]*키)" + _SEP
)
_BARE_KEY_WORDS = frozenset({"key", "secret", "priv", "pk"})
_HEX_TOKEN = lazy_pattern(r"(?:0[xX])?[0-9a-fA-F]{64}")
_BASE58_TOKEN = lazy_pattern(rf"[{_B58}]{{80,90}}")


def _mask_key(value: str) -> str:
    """``0x4c08…(64 hex)``."""
    if _HEX_TOKEN().fullmatch(value):
        prefixed = value[:2].lower() == "0x"
        hex_digits = len(value) - 2 if prefixed else len(value)
        return f"{value[: 6 if prefixed else 4]}…({hex_digits} hex)"
    return short_mask(value)


def _private_keys(scan: Scan) -> list[Finding]:
    """PEM blocks, xprv keys, WIF keys, hex keys with a key label, and labelled base58 keys."""
    text = scan.text
    found: list[Finding] = []
    if "PRIVATE KEY" in text:
        for match in _PEM().finditer(text):
            header = match.group().split("-----")[1]
            found.append(Finding(PRIVATE_KEY, *match.span(), f"{header} block"))
    if len(text) < 51:
        return found
    if "prv" in text:
        for match in _XPRV().finditer(text):
            found.append(Finding(PRIVATE_KEY, *match.span(), short_mask(match.group())))
    for match in _WIF().finditer(text):
        value = match.group()
        if len(value) != (51 if value[0] in "59" else 52):
            continue
        if _checks.wif_valid(value) or _labels.category_before(scan, match.start()) == _labels.KEY:
            found.append(
                Finding(PRIVATE_KEY, *match.span(), f"{value[:4]}…({len(value)} chars, WIF)")
            )
    for match in _HEX64().finditer(text):
        if in_url(text, match.start()):
            continue
        category = _labels.category_before(scan, match.start())
        if category is None:  # "0x4c08… is my private key"
            after = _labels.label_after(scan, match.end())
            # a bare "key" or "secret" after a hash ("f4184fc5… failed, key reason
            # unknown") is another sentence; only "private key", "私钥" … name it
            category = after.category if after and after.words not in _BARE_KEY_WORDS else None
        if category == _labels.KEY:
            found.append(Finding(PRIVATE_KEY, *match.span(), _mask_key(match.group())))
        elif category == _labels.API:
            found.append(Finding(API_SECRET, *match.span(), short_mask(match.group())))
    if scan.has_any("key", "priv", "私钥", "私鑰", "키"):
        for match in _label_matches(_KEY_LABEL, scan):
            span = _value_after(text, match.end())
            if span is None:
                continue
            value = text[span[0] : span[1]]
            if _BASE58_TOKEN().fullmatch(value):  # Solana-style keys: 87-88 base58 characters
                found.append(Finding(PRIVATE_KEY, *span, short_mask(value)))
    found.extend(_solana_keypairs(scan))
    return found


_SOLANA_BASE58 = lazy_pattern(rf"(?<![{_B58}])[{_B58}]{{86,89}}(?![{_B58}])")
# id.json, the Solana CLI's keypair file: a JSON array of 64 numbers 0-255.
_BYTE_ARRAY = lazy_pattern(
    r"\[[ \t\r\n]*(?:[0-9]{1,3}[ \t\r\n]*,[ \t\r\n]*){63}[0-9]{1,3}[ \t\r\n]*\]"
)


def _solana_keypairs(scan: Scan) -> list[Finding]:
    """Solana keypairs, labelled or not: 64 bytes whose second half is the first half's public key.

    Transaction signatures are 64 base58-encoded bytes too; only a keypair
    has its own Ed25519 public key as its last 32 bytes, so the check is exact.
    """
    text = scan.text
    found: list[Finding] = []
    if len(text) >= 86:
        for match in _SOLANA_BASE58().finditer(text):
            raw = _checks.base58_decode(match.group())
            if raw is not None and len(raw) == 64 and _checks.ed25519_keypair(raw):
                found.append(Finding(PRIVATE_KEY, *match.span(), short_mask(match.group())))
    if "[" in text and text.count(",") >= 63:
        for match in _BYTE_ARRAY().finditer(text):
            numbers = [int(number) for number in re.findall(r"[0-9]+", match.group())]
            if max(numbers) <= 255 and _checks.ed25519_keypair(bytes(numbers)):
                found.append(Finding(PRIVATE_KEY, *match.span(), "64-byte keypair (id.json)"))
    return found


# ---------------------------------------------------------------- 2FA keys and backup codes

_OTPAUTH = lazy_pattern(r"otpauth://[^\s?]{0,300}\?[^\s]{0,600}")
_TWO_FA_LABEL = lazy_pattern(
    r"(?:(?:(?:2fa|mfa|totp|otp|ga|authenticator)[ \t]*"
    r"(?:secret(?:[ \t]*key)?|setup[ \t]*key|key|seed)|setup[ \t]*key|"
    r"(?:16|32)[- ]?(?:digit|character|char)[ \t]*key|"
    r"(?:the[ \t]+)?(?:key|code|secret)[ \t]+(?:shown|printed|written|displayed|listed)[ \t]+"
    r"(?:under|below|beneath|next[ \t]+to|beside)[ \t]+the[ \t]+qr[ \t]*(?:code)?)(?![a-z0-9_])"
    r"|谷歌(?:验证器?)?密钥|谷歌(?:驗證器?)?密鑰|验证器密钥|驗證器密鑰|(?:2fa|ga|otp)[ \t]*密[钥鑰]"
    r"|16位密[钥鑰]|身份验证器密钥|身份驗證器密鑰|二维码下方的密钥|二維碼下方的密鑰"
    r"|otp[ \t]*(?:시크릿[ \t]*)?키|otp[ \t]*비밀[ \t]*키|인증[ \t]*키)" + _SEP
)
_BASE32_RUN = lazy_pattern(r"[A-Za-z2-7]{4}(?:[ ]?[A-Za-z2-7]{4}){3,15}(?![A-Za-z0-9])")
_BACKUP_LABEL = lazy_pattern(
    r"(?:(?:backup|recovery|emergency|rescue)[ \t]*(?:codes?|keys?|pins?)(?![a-z0-9_])"
    r"|备用码|备份码|恢复码|备用验证码|紧急恢复码|恢复代码|备用代码"
    r"|백업[ \t]*(?:코드|키)|복구[ \t]*(?:코드|키))(?:[ \t]*\([^)\n]{0,20}\))?" + _SEP
)
_CODE_TOKEN = lazy_pattern(
    r"(?<![A-Za-z0-9])[A-Za-z0-9]{3,12}(?:-[A-Za-z0-9]{3,12}){0,3}(?![A-Za-z0-9])"
)


def _two_fa_keys(scan: Scan) -> list[Finding]:
    """Authenticator setup keys (base32) after their label, and otpauth:// links."""
    text = scan.text
    found: list[Finding] = []
    if "otpauth" in scan.lowered:
        for match in _OTPAUTH().finditer(scan.lowered):
            if "secret=" in match.group():
                found.append(Finding(TWO_FA_KEY, *match.span(), "otpauth:// link with its key"))
    if not scan.has_any("key", "seed", "密钥", "키"):
        return found
    for match in _label_matches(_TWO_FA_LABEL, scan):
        start = match.end()
        while start < len(text) and text[start] in _LEADING:
            start += 1
        run = _BASE32_RUN().match(text, start)
        if run is None:
            continue
        compact = run.group().replace(" ", "")
        if (compact.isupper() or compact.islower()) and not _looks_masked(compact):
            found.append(Finding(TWO_FA_KEY, *run.span(), f"{len(compact)} characters"))
    return found


def _count_codes(tokens: list[str]) -> int:
    """Google prints each backup code as two groups of four digits: count those as one."""
    if len(tokens) % 2 == 0 and all(len(token) == 4 and token.isdigit() for token in tokens):
        return len(tokens) // 2
    return len(tokens)


def _code_like(token: str) -> bool:
    return any(char.isdigit() for char in token) or (
        len(token) >= 8 and token.isupper() and token.isalnum()
    )


def _backup_codes(scan: Scan) -> list[Finding]:
    """Backup or recovery codes listed after their label."""
    if not scan.has_any("backup", "recovery", "emergency", "rescue", "备用", "备份", "恢复", "백업", "복구"):  # fmt: skip  # noqa: E501
        return []
    text = scan.text
    found: list[Finding] = []
    for match in _label_matches(_BACKUP_LABEL, scan):
        position = match.end()
        tokens: list[str] = []
        first = last = -1
        while (token := _CODE_TOKEN().match(text, position)) and _code_like(token.group()):
            first = token.start() if first < 0 else first
            last = token.end()
            tokens.append(token.group())
            position = last
            while position < len(text) and text[position] in " \t\n,;，、|/":
                position += 1
        if len("".join(tokens)) < 6 or (len(tokens) == 1 and _unit_follows(scan, last)):
            continue
        count = _count_codes(tokens)
        found.append(Finding(BACKUP_CODES, first, last, f"{count} code{'s' * (count != 1)}"))
    return found


# ---------------------------------------------------------------- numbers

_LONG_DIGITS = lazy_pattern(
    r"(?<![0-9A-Za-z.,\-_/])[0-9](?:[ -]?[0-9]){7,29}(?![0-9A-Za-z_]|[.,\-/][0-9A-Za-z])"
)
_CN_ID = lazy_pattern(
    r"(?<![0-9A-Za-z\-_/])[1-9][0-9]{5}[ ]?(?:18|19|20)[0-9]{2}[01][0-9][0-3][0-9][ ]?"
    r"[0-9]{3}[0-9Xx](?![0-9A-Za-z_]|[.\-/][0-9A-Za-z])"
)
_KR_RRN = lazy_pattern(
    r"(?<![0-9A-Za-z.,\-_/])(?P<birth>[0-9]{2}[01][0-9][0-3][0-9])"
    r"(?P<sep>[ ]?[-–][ ]?|)(?P<rest>[1-8][0-9]{6})(?![0-9A-Za-z_]|[.,\-/][0-9A-Za-z])"
)
_IBAN = lazy_pattern(r"(?<![A-Za-z0-9])[A-Za-z]{2}[0-9]{2}(?:[ ]?[A-Za-z0-9]){11,32}")
_FOUR_DIGITS = lazy_pattern(r"[0-9]{4}")
_CARD_GROUPS = lazy_pattern(r"[ -]")
# Labels after which a long number is something else than a card or an account.
_NOT_MONEY = (_labels.IDENTIFIER, _labels.OTP, _labels.IDENTITY, _labels.PASSWORD, _labels.API, _labels.KEY)  # fmt: skip  # noqa: E501


# Substrings of every card, bank and 2FA label: when none is near a number, the
# (costly) label lookup is skipped.
_MONEY_HINTS = ("card", "bank", "account", "acct", "iban", "routing", "sort", "visa", "master", "unionpay", "amex", "pan", "银行", "銀行", "账", "帳", "賬", "卡", "开户", "開戶", "계좌", "은행", "뱅크", "카드")  # fmt: skip  # noqa: E501
_CODE_HINTS = ("2fa", "mfa", "otp", "ga", "auth", "sms", "code", "pin", "number", "pass", "验证", "驗證", "校验", "校驗", "动态", "動態", "安全码", "安全碼", "短信", "簡訊", "인증", "코드", "문자")  # fmt: skip  # noqa: E501


def _hinted(scan: Scan, index: int, hints: tuple[str, ...]) -> bool:
    """Whether one of `hints` occurs in the stretch a label could occupy before `index`."""
    window = scan.lowered[_labels.window_start(scan.text, index) : index]
    return any(hint in window for hint in hints)


def _card_grouping_ok(raw: str) -> bool:
    """Whether digits are grouped as cards are written.

    ``4111111111111111``, ``4111 1111 1111 1111``, ``3782 822463 10005``.
    """
    groups = _CARD_GROUPS().split(raw)
    if len(groups) == 1:
        return True
    if len({char for char in raw if char in " -"}) > 1:
        return False
    lengths = [len(group) for group in groups]
    if lengths in ([4, 6, 5], [4, 6, 4]):
        return True
    return all(length == 4 for length in lengths[:-1]) and 1 <= lengths[-1] <= 4


_DATE_START = lazy_pattern(
    r"(?:19|20)[0-9]{2}([-/. ]?)(?:0[1-9]|1[0-2])\1(?:0[1-9]|[12][0-9]|3[01])"
)


def _timestamp(text: str, match: re.Match[str]) -> bool:
    """ "2024-11-26 14:30:05", "20241126143005": a bank statement's time, not an account."""
    raw = match.group()
    date = _DATE_START().match(raw)
    if date is None:
        return False
    rest = raw[date.end() :].strip(" -")
    return len(rest) <= 6 or text[match.end() : match.end() + 1] == ":"


def _cards_and_accounts(scan: Scan) -> list[Finding]:
    """Bank cards (Luhn and issuer range, or a card label) and accounts after a bank label."""
    text = scan.text
    found: list[Finding] = []
    for match in _LONG_DIGITS().finditer(text):
        raw = match.group()
        digits = raw.replace(" ", "").replace("-", "")
        card_length = 13 <= len(digits) <= 19
        luhn = card_length and _checks.luhn_valid(digits)
        if not (luhn or _hinted(scan, match.start(), _MONEY_HINTS)):
            continue  # neither a valid card number nor a card or bank word nearby
        if in_url(text, match.start()):
            continue
        category = _labels.category_before(scan, match.start())
        if category in _NOT_MONEY:
            continue
        card_after_bank = (
            category == _labels.BANK
            and luhn
            and _card_grouping_ok(raw)
            and _checks.card_brand_plausible(digits)
        )
        if card_length and (category == _labels.CARD or card_after_bank):
            # after a card label, a mistyped number (bad Luhn) is still a card number
            found.append(Finding(CARD, *match.span(), mask_digits(digits)))
        elif category == _labels.BANK and not _timestamp(text, match):
            found.append(Finding(BANK_ACCOUNT, *match.span(), f"****{digits[-4:]}"))
        elif (
            luhn
            and (len(digits) not in (17, 18) or raw != digits)  # bare 17-18 digits: order IDs
            and _card_grouping_ok(raw)
            and _checks.card_brand_plausible(digits)
        ):
            found.append(Finding(CARD, *match.span(), mask_digits(digits)))
    return found


def _identity_label(scan: Scan, index: int) -> str | None:
    """The label category before an ID number; a bare "ID" ("my ID is …") means identity."""
    label = _labels.label_before(scan, index)
    if label is None:
        return None
    return _labels.IDENTITY if label.words.strip() == "id" else label.category


def _identity_numbers(scan: Scan) -> list[Finding]:
    """Chinese resident IDs (GB 11643) and Korean resident registration numbers."""
    text = scan.text
    found: list[Finding] = []
    for match in _CN_ID().finditer(text):
        number = match.group().replace(" ", "")
        if in_url(text, match.start()) or not _checks.cn_id_shape(number):
            continue
        category = _identity_label(scan, match.start())
        if category == _labels.IDENTIFIER:
            continue
        if category == _labels.IDENTITY or _checks.cn_id_valid(number):
            found.append(Finding(CN_ID, *match.span(), f"{number[:4]}{'*' * 10}{number[-4:]}"))
    for match in _KR_RRN().finditer(text):
        digits = match.group("birth") + match.group("rest")
        if in_url(text, match.start()) or not _checks.kr_rrn_shape(digits):
            continue
        category = _identity_label(scan, match.start())
        if category == _labels.IDENTIFIER:
            continue
        hyphenated = bool(match.group("sep").strip())
        if hyphenated or category == _labels.IDENTITY or _checks.kr_rrn_checksum_valid(digits):
            found.append(Finding(KR_RRN, *match.span(), f"{digits[:2]}****-*******"))
    for match in _TW_ID().finditer(text):
        if not _checks.tw_id_valid(match.group()) or in_url(text, match.start()):
            continue
        if _identity_label(scan, match.start()) != _labels.IDENTIFIER:
            found.append(
                Finding(TW_ID, *match.span(), f"{match.group()[0]}*****{match.group()[-4:]}")
            )
    return found


_TW_ID = lazy_pattern(r"(?<![0-9A-Za-z\-_/])[A-Z][1289][0-9]{8}(?![0-9A-Za-z_]|[.\-/][0-9A-Za-z])")


def _ibans(scan: Scan) -> list[Finding]:
    """IBANs: a registered country, its exact length and mod-97 (or a bank label)."""
    text = scan.text
    found: list[Finding] = []
    for match in _IBAN().finditer(text):
        country = match.group()[:2]
        length = _checks.IBAN_LENGTHS.get(country.upper())
        if length is None:
            continue
        taken, end = 0, match.start()  # walk until `length` characters, spaces aside
        while end < match.end() and taken < length:
            taken += text[end] != " "
            end += 1
        if taken < length or (end < len(text) and text[end].isalnum()):
            continue
        compact = text[match.start() : end].replace(" ", "").upper()
        # in lower case ("de89 3704 …") only the checksum tells an IBAN from a word and a number
        if _checks.iban_valid(compact) or (
            country.isupper() and _labels.category_before(scan, match.start()) == _labels.BANK
        ):
            found.append(Finding(IBAN, match.start(), end, f"{compact[:4]} **** {compact[-4:]}"))
    return found


def _numbers(scan: Scan) -> list[Finding]:
    """Cards, accounts, ID numbers and IBANs: all hold four digits in a row, most notes none."""
    if _FOUR_DIGITS().search(scan.text) is None:
        return []
    ibans = _ibans(scan)
    others = _cards_and_accounts(scan) + _identity_numbers(scan)
    # "IBAN: AT61 1904 3002 …": the digits after the country code are no card of their own
    others = [
        found
        for found in others
        if not any(found.start < iban.end and iban.start < found.end for iban in ibans)
    ]
    return others + ibans


# ---------------------------------------------------------------- verification codes

_SHORT_DIGITS = lazy_pattern(
    r"(?<![0-9A-Za-z.,/#\-_$¥₩€£])(?<![0-9]:)(?:[0-9]{4,8}|[0-9]{3}[ -][0-9]{3})"
    r"(?![0-9A-Za-z_]|[.,:/\-][0-9])"
)
_CODE_AFTER = lazy_pattern(
    r"[ \t]*(?:(?:is|was)[ \t]+(?:your|the|my)[ \t]+(?:[a-z]+[ \t]+){0,3}?"
    r"(?:verification|security|login|confirmation|2fa|otp|one-time|authentication)"
    r"|[)\]】」]?[ \t]*(?:是|为|為)?(?:您的)?[^\s\d]{0,8}?[验驗][证證][码碼]"
    r"|[)\]】」]?[ \t]*(?:은|는|이|가|을|를)?[ \t]*(?:인증[ \t]*번호|인증[ \t]*코드))"
)
# Between a 2FA label and a code: no other number, no sentence end, no "in 2023".
_GAP_STOP = lazy_pattern(
    r"[0-9.!?。！？\n]|(?<![a-z])(?:in|on|at|since|after|before|until|by|from)(?![a-z])|年|月"
)
_CVV = lazy_pattern(
    r"(?:cvv2?|cvc2?)(?![a-z0-9])[ \t]*(?:code|码|번호)?[ \t]*(?:[:=：]|is)?[ \t]*"
    r"(?P<value>[0-9]{3,4})(?![0-9])"
)


# Labels that are codes only when six digits follow at once ("SMS: 502918", "code 123456");
# "SMS from 95588" and "code 50001" are a bank's number and an error.
_WEAK_CODE_LABELS = frozenset({"code", "sms", "短信", "문자"})


def _looks_like_date(digits: str) -> bool:
    """A year (1990-2039) or a YYYYMMDD date: what 4 and 8 digit numbers in notes often are."""
    if len(digits) not in (4, 8) or not digits.isdigit() or not 1990 <= int(digits[:4]) <= 2039:
        return False
    return len(digits) == 4 or (1 <= int(digits[4:6]) <= 12 and 1 <= int(digits[6:]) <= 31)


def _verification_codes(scan: Scan) -> list[Finding]:
    """4-8 digit codes right after a 2FA/OTP/验证码/인증번호 label, or before "is your … code"."""
    if not scan.has_any(*_CODE_HINTS, "verif", "confirm", "login", "security", "one-time"):
        return []
    text = scan.text
    found: list[Finding] = []
    for match in _SHORT_DIGITS().finditer(text):
        if _unit_follows(scan, match.end()):
            continue
        if not _hinted(scan, match.start(), _CODE_HINTS) and not _CODE_AFTER().match(
            scan.lowered, match.end()
        ):
            continue  # no 2FA word before it, no "is your code" after it
        digits = match.group().replace(" ", "").replace("-", "")
        label = _labels.label_before(scan, match.start())
        if label is None:
            if _CODE_AFTER().match(scan.lowered, match.end()):  # "604213 is your code"
                found.append(Finding(VERIFICATION_CODE, *match.span(), f"{len(digits)} digits"))
            continue
        if label.category != _labels.OTP:
            continue
        gap = scan.lowered[label.end : match.start()]
        tight = gap.strip() in ("", ":", "=", "is", "was")
        if label.words in _WEAK_CODE_LABELS and not (tight and len(digits) >= 6):
            continue  # plain "code" or "SMS" says "code" only right before six digits
        if _looks_like_date(digits) and gap.strip() not in (":", "=", "is"):
            continue  # "2FA disabled 20241126": a date, not a code
        if len(gap) <= 30 and not _GAP_STOP().search(gap):
            found.append(Finding(VERIFICATION_CODE, *match.span(), f"{len(digits)} digits"))
    return found


def _card_security_codes(scan: Scan) -> list[Finding]:
    """CVV/CVC: three or four digits that, with a card number, let anyone pay."""
    if not scan.has_any("cvv", "cvc"):
        return []
    return [
        Finding(CARD_CVV, *match.span("value"), "3 or 4 digits")
        for match in _CVV().finditer(scan.lowered)
        if at_word_start(scan.text, match.start())
    ]


# ---------------------------------------------------------------- seed phrases


def _seed_phrases(scan: Scan) -> list[Finding]:
    return [
        Finding(
            SEED_PHRASE,
            run.start,
            run.end,
            f"{len(run.words)} words: {run.words[0]} … {run.words[-1]}",
        )
        for run in _seed.find_seed_runs(scan.text)
    ]


DETECTORS: tuple[Callable[[Scan], list[Finding]], ...] = (
    _seed_phrases,
    _private_keys,
    _two_fa_keys,
    _backup_codes,
    _api_secrets,
    _passwords,
    _numbers,
    _verification_codes,
    _card_security_codes,
)
