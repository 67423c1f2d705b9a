"""A fake-support set and its genuine counterpart, in English, zh-Hans, zh-Hant and Korean.

Every fake message must be flagged and no genuine reply may be: real
support writes about the same withdrawals, codes and passwords, so the
genuine set is the scam set's hard negatives. The phrasings live in
issuenote/data/scam_phrases.toml; a new phrasing there comes with a line here.
"""

from __future__ import annotations

import pytest

from issuenote.safety import scam
from issuenote.safety.scam import scam_signals

FAKE_SUPPORT = [
    # the first scam scan's misses
    "請提供您的助記詞進行驗證",
    "需先繳納保證金 500 USDT 才能解凍提現",
    "請把手機收到的驗證碼告訴我",
    "카카오톡 오픈채팅으로 들어오시면 상담해 드리겠습니다",
    "Our senior agent will assist you on Telegram: @okx_support_desk",
    "We just need your login password to check the backend logs",
    "tell me the code we just sent to your phone",
    "send 100 USDT to the verification address",
    "pay a 0.15 BTC compliance deposit, which will be refunded",
    "Send 50 USDT to unlock your withdrawal",
    # Traditional Chinese
    "請下載 AnyDesk 讓我們遠程協助您",
    "請將資金轉入以下安全錢包地址",
    "請加我們的專員微信：okx_help88",
    "您的帳戶已凍結，需繳納稅費 300 USDT 才能提現",
    "請在以下網站同步您的錢包以完成驗證",
    "請提供您的 API 密鑰以便我們核查",
    "請告訴我您的資金密碼",
    # Simplified Chinese
    "请提供您的助记词，我们帮您验证钱包",
    "提现需要先缴纳 10% 的解冻费",
    "请下载向日葵，我远程帮您操作",
    # Korean
    "텔레그램으로 연락 주세요 @okx_kr_help",
    "출금을 위해 보증금 100 USDT를 먼저 입금하셔야 합니다",
    "휴대폰으로 받은 인증번호를 알려주세요",
    "지갑 연동을 위해 아래 사이트에 접속해 주세요",
    "시드 문구를 보내주시면 확인해 드리겠습니다",
    "출금하시려면 먼저 인증 수수료 50 USDT를 송금하셔야 합니다",
    "자금을 안전 계좌로 이체해 주세요",
    "카톡 아이디: okx_kr_help 로 추가해 주세요",
    # English
    "Please send your 12-word recovery phrase so we can restore access",
    "Install AnyDesk and share the code so I can fix the withdrawal",
]

GENUINE = [
    "請勿向任何人提供您的助記詞或密碼",
    "您的提現正在審核中，請耐心等待 24 小時",
    "我們已收到您的工單，會盡快處理",
    "請在 App 內的安全中心重置您的密碼",
    "OKX 客服不會要求您提供驗證碼",
    "提現手續費為 1 USDT，已從金額中扣除",
    "您的提现正在审核中，请耐心等待",
    "官方客服不会向您索要助记词、私钥或验证码",
    "请在 App 内提交工单，我们会通过邮件回复",
    "출금은 현재 검토 중입니다. 24시간 이내에 처리됩니다",
    "고객센터는 절대 비밀번호나 인증번호를 묻지 않습니다",
    "앱의 보안 센터에서 비밀번호를 재설정해 주세요",
    "출금 수수료는 1 USDT입니다",
    "문의하신 티켓은 상위 부서로 전달되었습니다",
    "Your withdrawal is under review; please allow 24 hours",
    "Please never share your password or 2FA codes with anyone",
    "We have escalated your ticket to the senior team",
    "The network fee for TRC20 withdrawals is 1 USDT",
    "Please reset your password in the app's security settings",
    "Your failed deposit will be refunded within 24 hours",
    "We will never ask you to send funds to unlock your account",
    "Our team will contact you by e-mail from the official domain",
    "Please enter the code we sent to your phone in the app, not here",
    "You can verify our official channels on the verification page",
]


@pytest.mark.parametrize("text", FAKE_SUPPORT)
def test_fake_support_is_flagged(text: str) -> None:
    assert scam_signals(text), text


@pytest.mark.parametrize("text", GENUINE)
def test_genuine_reply_is_not_flagged(text: str) -> None:
    assert scam_signals(text) == [], [signal.reason for signal in scam_signals(text)]


def test_sets_cover_every_language() -> None:
    def script(text: str) -> str:
        if any("\uac00" <= char <= "\ud7a3" for char in text):
            return "ko"
        if any("\u4e00" <= char <= "\u9fff" for char in text):
            return "zh-Hant" if not scam._TRADITIONAL_CUES.isdisjoint(text) else "zh-Hans"
        return "en"

    for corpus in (FAKE_SUPPORT, GENUINE):
        assert {script(text) for text in corpus} == {"en", "zh-Hans", "zh-Hant", "ko"}


@pytest.mark.parametrize("code", scam.reason_codes())
def test_every_reason_speaks_three_languages_to_both_readers(code: str) -> None:
    for lang in ("en", "zh", "ko"):
        for audience in ("user", "agent"):
            text = scam.explanation(code, lang, audience=audience, names="Telegram")
            assert text.strip() and "{" not in text
    zh = scam.explanation(code, "zh", audience="agent")
    ko = scam.explanation(code, "ko", audience="agent")
    assert any("\u4e00" <= char <= "\u9fff" for char in zh)
    assert any("\uac00" <= char <= "\ud7a3" for char in ko)


def test_unknown_reason_is_refused() -> None:
    with pytest.raises(KeyError):
        scam.explanation("no-such-reason")


def test_plain_note_loads_no_phrase_file_or_converter() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from issuenote.safety.guard import find_secrets\n"
        "find_secrets('提現 1250 USDT 三天沒到帳')\n"
        "print(sorted(m for m in ('tomllib', 'opencc', 'tldextract') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


# ---------------------------------------------------------------- channels


@pytest.mark.parametrize(
    ("platform", "via", "official"),
    [
        ("Binance", "币安.com", "binance.com"),
        (None, "币安.com", "binance.com"),
        ("Upbit", "업비트.com", "upbit.com"),
        (None, "欧易.com", "okx.com"),
        (None, "okx-verify.cfd", "okx.com"),
        ("OKX", "okx-help.sbs", "okx.com"),
        (None, "okx.lat", "okx.com"),
        (None, "okxx.com", "okx.com"),
        (None, "ok-x.com", "okx.com"),
        (None, "bithumb-support.com", "bithumb.com"),
        (None, "mexc-help.com", "mexc.com"),
    ],
)
def test_look_alikes_in_any_script_and_on_any_public_suffix(platform, via, official) -> None:
    [signal] = scam.channel_signals(platform, via)
    assert signal.code == "look-alike-domain" and official in signal.reason


@pytest.mark.parametrize(
    ("platform", "via"),
    [
        (None, "okx.com"),
        ("OKX", "www.okx.com/help"),
        ("Bithumb", "bithumb.com"),
        ("Korbit", "www.korbit.co.kr"),
        ("Crypto.com", "help.crypto.com"),
        (None, "main.py"),
        (None, "box.com"),
        (None, "ok.ru"),
    ],
)
def test_official_and_unrelated_domains_pass(platform, via) -> None:
    assert scam.channel_signals(platform, via) == []


def test_public_suffix_comes_from_the_bundled_list() -> None:
    assert scam.public_suffix("okx-verify.cfd") == "cfd"
    assert scam.public_suffix("okx.co.uk") == "co.uk"
    assert scam.public_suffix("word.notasuffix") == ""


def test_a_chinese_name_in_a_reply_is_called_out() -> None:
    reasons = [signal.reason for signal in scam_signals("请访问币安.com验证您的钱包")]
    assert any("币安.com" in reason and "binance.com" in reason for reason in reasons)


def test_unlisted_platform_is_said_once_without_a_flag() -> None:
    notice = scam.unchecked_channel_notice("Bitvavo", "cs@bitvavo-help.com, https://x.y.com")
    assert notice is not None and "Bitvavo" in notice and "cannot be checked" in notice
    assert scam.unchecked_channel_notice("OKX", "support@okx.com") is None
    assert scam.unchecked_channel_notice("Bitvavo", "live chat") is None
    assert scam.unchecked_channel_notice(None, "x.com") is None


def test_unlisted_platform_note_is_stored_once(cli, cli_json) -> None:
    cli("new", "stuck", "--platform", "Bitvavo")
    entry = cli_json("contact", "1", "--channel", "email", "--via", "a@bitvavo.com, b.com")
    assert entry["flags"] == []
    assert len([w for w in entry["warnings"] if "cannot be checked" in w]) == 1
