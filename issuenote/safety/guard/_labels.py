"""The words just before (or after) a value, which say what the value is.

"ticket 88412907", "UID 123456789", "txid 4c08…": the same digits or hex
that make a secret also make harmless identifiers, and only the label tells
them apart. `label_before` finds the nearest label on the value's line (or
on the line above, when the value starts its own line); its category decides.
"""

from __future__ import annotations

import re

from issuenote.safety.guard._model import Scan, lazy_pattern

IDENTITY = "identity"
IDENTIFIER = "identifier"  # tickets, orders, UIDs, txids, phones: these veto a match
CARD = "card"
BANK = "bank"
API = "api"
KEY = "key"
OTP = "otp"
PASSWORD = "password"

# English words must stand alone: no letter right before or after them.
_WORD = r"(?<![a-z])(?:{})(?![a-z])"

# Nearest label wins. Inside the pattern, at one position the first
# alternative that matches is taken, so "id card" comes before "id",
# "public key" before "key", "api key" before "key", "error code" before "code".
_CATEGORIES: tuple[tuple[str, str], ...] = (
    (
        IDENTITY,
        _WORD.format(
            r"id\s*card|id\s*(?:number|no\.?)|identity(?:\s*card)?|national\s*id|passport|"
            r"resident\s*(?:registration|id)(?:\s*(?:number|no\.?))?|rrn"
        )
        + r"|身份证|身分證|身份證|居民身份|证件号|證件號|身分證字號|國民身分證|"
        r"주민\s*(?:등록)?\s*번호|주민등록|외국인\s*등록",
    ),
    (
        IDENTIFIER,
        _WORD.format(
            r"public\s*key|pub\s*key|pubkey|(?:deposit\s*|wallet\s*|receiving\s*)?address|"
            r"ticket(?:\s*(?:number|no\.?|id))?|case(?:\s*(?:number|no\.?|id))?|"
            r"order(?:\s*(?:number|no\.?|id))?|uid|user\s*id|agent(?:\s*id)?|employee\s*id|"
            r"staff\s*id|id|tx\s*id|txid|txn|tx|tx\s*hash|hash|transaction(?:\s*(?:id|hash))?|"
            r"block|ref(?:erence)?(?:\s*(?:number|no\.?))?|invoice|tracking|phone|tel|mobile|"
            r"hotline|call|fax|error\s*code|invite\s*code|invitation\s*code|referral\s*code|"
            r"promo\s*code|zip\s*code|postal\s*code|swift\s*code|bic|memo|tag|no\.|number|"
            r"amount|height|version"
        )
        + r"|#|工单|工單|订单|訂單|单号|單號|编号|編號|工号|工號|客服|用户\s*id|用戶\s*id|"
        r"账[号户]\s*id|帳[號户]\s*id|交易\s*(?:哈希|id|号|號)|哈希|区块|區塊|电话|電話|手机|手機|"
        r"邀请码|推荐码|错误码|地址|备注|金额|金額|流水号?|流水號|凭证号?|憑證號?|参考号|參考號|"
        r"回单号?|回單號?|提现单|提現單|提币单|提幣單|充值单|充值單|充币单|充幣單|序列号|序號|"
        r"티켓|주문|접수|문의|상담사?|사번|직원|전화|휴대폰|거래\s*(?:id|해시|번호)?|해시|주소|"
        r"확인\s*번호|승인\s*번호|참조\s*번호|법인\s*(?:등록)?\s*번호|사업자\s*(?:등록)?\s*번호|"
        r"오류\s*코드|추천\s*코드|금액",
    ),
    (
        CARD,
        _WORD.format(
            r"(?:credit|debit|bank|visa|master\s*card|mastercard|unionpay|amex)?\s*"
            r"card(?:\s*(?:number|no\.?|#))?|visa|mastercard|unionpay|amex|pan"
        )
        + r"|银行卡号?|卡号|信用卡|储蓄卡|借记卡|银联卡?|카드\s*번호|카드|신용\s*카드|체크\s*카드",
    ),
    (
        BANK,
        _WORD.format(
            r"bank\s*account(?:\s*(?:number|no\.?|#))?|account\s*(?:number|no\.?|#)|"
            r"acct\s*(?:number|no\.?|#)|iban|routing\s*(?:number|no\.?)|sort\s*code"
        )
        + r"|银行账[号户]|銀行帳[號戶]|收款账[号户]|收款帳[號戶]|账户号码|帳戶號碼|开户行|開戶行|"
        r"银行|銀行|账号|帳號|賬號|계좌\s*번호|계좌|은행|[가-힣]{0,4}뱅크",
    ),
    (
        API,
        _WORD.format(
            r"api\s*[-_]?\s*(?:secret(?:\s*[-_]?\s*key)?|key|passphrase|password)|"
            r"secret\s*[-_]?\s*key|secretkey|apikey|api_key|access\s*[-_]?\s*key|"
            r"client\s*[-_]?\s*secret|passphrase|pass\s*phrase|secret"
        )
        + r"|api\s*密钥|api\s*私钥|密钥|秘钥|密码短语|시크릿\s*키|api\s*키|패스프레이즈",
    ),
    (
        KEY,
        _WORD.format(
            r"private\s*[-_]?\s*key|priv\s*[-_]?\s*key|privkey|priv|wallet\s*key|"
            r"secret\s*exponent|key|pk"
        )
        + r"|私钥|私鑰|개인\s*키|프라이빗\s*키|비밀\s*키",
    ),
    (
        OTP,
        _WORD.format(
            r"(?:verification|verify|security|confirmation|login|sms|email|e-mail|text|"
            r"one[-\s]?time|auth(?:entication)?|2fa|mfa|ga|otp|totp|google\s*auth(?:enticator)?|"
            r"authenticator|withdrawal)\s*(?:code|pin|number)|one[-\s]?time\s*pass(?:word|code)|"
            r"2fa|mfa|otp|totp|ga|google\s*auth(?:enticator)?|authenticator|sms|code"
        )
        + r"|验证码|驗證碼|校验码|校驗碼|动态码|動態碼|动态口令|動態口令|谷歌验证器?|谷歌驗證器?|"
        r"身份验证器|身份驗證器|安全码|安全碼|短信|簡訊|"
        r"인증\s*번호|인증\s*코드|보안\s*코드|확인\s*코드|문자",
    ),
    (
        PASSWORD,
        _WORD.format(r"password|passwd|passcode|pwd|pw|pin") + r"|密码|密碼|비밀번호|비번|패스워드",
    ),
)

_LABELS = lazy_pattern("|".join(f"(?P<{name}>{body})" for name, body in _CATEGORIES))
LOOKBACK = 40  # characters before a value that may hold its label


class Label:
    """A label found near a value: its category and where it sits."""

    __slots__ = ("category", "end", "start", "words")

    def __init__(self, category: str, match: re.Match[str]) -> None:
        self.category = category
        self.start = match.start()
        self.end = match.end()
        self.words = match.group()  # lower-cased


def window_start(text: str, index: int) -> int:
    """Where a label for the value at `index` may begin: on its line, or the line above."""
    line_start = text.rfind("\n", 0, index) + 1
    if line_start > 0 and not text[line_start:index].strip():
        previous = text.rfind("\n", 0, line_start - 1) + 1
        return max(previous, line_start - 1 - LOOKBACK)
    return max(line_start, index - LOOKBACK)


def label_before(scan: Scan, index: int) -> Label | None:
    """The nearest label before `index` on its line (or the line above, if none)."""
    last = None
    for last in _LABELS().finditer(scan.lowered, window_start(scan.text, index), index):  # noqa: B007
        pass
    if last is None or last.lastgroup is None:
        return None
    return Label(last.lastgroup, last)


def category_before(scan: Scan, index: int) -> str | None:
    label = label_before(scan, index)
    return label.category if label else None


def label_after(scan: Scan, index: int, reach: int = 30) -> Label | None:
    """The first label after `index` on the same line, within `reach` characters."""
    line_end = scan.text.find("\n", index)
    stop = min(index + reach, len(scan.text) if line_end < 0 else line_end)
    match = _LABELS().search(scan.lowered, index, stop)
    if match is None or match.lastgroup is None:
        return None
    return Label(match.lastgroup, match)
