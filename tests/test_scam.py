"""Fake-support warnings: requests real support never makes, and unofficial channels."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from importlib.resources import files

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from issuenote.errors import IssuenoteError
from issuenote.safety.scam import (
    MAX_SCAN_CHARS,
    SCAM_RISK,
    UNVERIFIED_CHANNEL,
    Registry,
    Signal,
    channel_signals,
    load_registry,
    scam_signals,
    unchecked_channel_notice,
)

# ---------------------------------------------------------------------------
# The labelled table: agent replies that must warn, and ones that must not
# ---------------------------------------------------------------------------

SCAM_REPLIES: list[tuple[str, str]] = [
    # English
    ("Please send me your account password so I can check the withdrawal.", "password"),
    ("To speed up your case, tell me the 6-digit code from your Google Authenticator.", "2fa-code"),
    ("We need your 12-word recovery phrase to re-sync your wallet with us.", "seed-phrase"),
    ("Please download AnyDesk and share the 9-digit ID with me so I can fix it.", "remote-access"),
    ("Your withdrawal is frozen. Pay a 10% tax to release your funds.", "release-fee"),
    ("For security reasons, move all your USDT to this safe wallet: TXa1b2c3d4.", "safe-wallet"),
    ("Please contact our senior agent on Telegram @okx_help_desk.", "off-platform"),
    ("Verify your wallet at https://okx-verify-wallet.com to unlock it.", "wallet-link"),
    ("Make an activation deposit of 100 USDT to verify your account.", "verification-transfer"),
    ("Kindly provide your private key so our technicians can recover the funds.", "private-key"),
    ("Reply with the SMS verification code you just received.", "2fa-code"),
    ("What is your login password? I need it to unlock the account.", "password"),
    ("Add me on WhatsApp +1 555 0100, we will continue there.", "off-platform"),
    ("Please send us a photo of your seed phrase written on paper.", "seed-phrase"),
    ("Enter your password and 2FA code on this page: https://okx-support.net/x", "password"),
    ("We need your API secret key to check the trading bot.", "api-secret"),
    ("To unfreeze your account you have to pay the anti-money laundering fee.", "release-fee"),
    ("Go to dapp-sync.io and connect your wallet to validate it.", "wallet-link"),
    ("Please DM me your email and password so I can escalate this.", "password"),
    ("Install TeamViewer QuickSupport and give me the code.", "remote-access"),
    ("Please provide your bank card number and CVV for the refund.", "bank-details"),
    ("Please tell me your ID card number to verify your identity.", "id-number"),
    ("Transfer your assets to a secure wallet we created for you until it is over.", "safe-wallet"),
    ("Let's continue this conversation on WhatsApp, it's faster.", "off-platform"),
    ("Send 50 USDT to this address to verify that the account is yours.", "verification-transfer"),
    ("Your case was escalated. Log in at www.binance-help.net to claim it.", "look-alike-link"),
    ("Don't worry, just give me your password and I'll fix it.", "password"),
    ("We will send you a code now, please read it back to me.", "2fa-code"),
    ("Please email our refund specialist at okx.refunds@gmail.com today.", "off-platform"),
    # Simplified Chinese
    ("请提供您的登录密码，我们帮您核实提现。", "password"),
    ("请把谷歌验证码发给我，马上为您处理。", "2fa-code"),
    ("请告诉我您的助记词，我们帮您恢复资产。", "seed-phrase"),
    ("您的账户已被冻结，需要缴纳20%的保证金才能解冻。", "release-fee"),
    ("为了您的资金安全，请将资产转到我们指定的安全钱包。", "safe-wallet"),
    ("请加我微信 okx_kefu888，私聊为您处理。", "off-platform"),
    ("请下载向日葵远程软件，我远程帮您操作。", "remote-access"),
    ("请联系我们的电报客服 @okx_cs_team 继续处理。", "off-platform"),
    ("激活账户需要先转账100 USDT进行验证。", "verification-transfer"),
    ("请点击链接 https://okx-verify.cc 同步钱包以解冻提现。", "wallet-link"),
    ("请提供您的身份证号码和银行卡号。", "id-number"),
    ("请把私钥发过来，技术部门帮您找回。", "private-key"),
    ("不要担心，把短信验证码告诉我就可以了。", "2fa-code"),
    ("您的密码是多少？", "password"),
    # Korean
    ("본인 확인을 위해 비밀번호를 알려주세요.", "password"),
    ("문자로 받으신 인증번호를 보내주세요.", "2fa-code"),
    ("지갑 복구를 위해 시드 구문을 입력해 주세요.", "seed-phrase"),
    ("출금하시려면 수수료를 입금해 주셔야 동결이 해제됩니다.", "release-fee"),
    ("자산 보호를 위해 안전 지갑으로 옮겨 주세요.", "safe-wallet"),
    ("텔레그램으로 연락 주시면 빠르게 처리해 드리겠습니다.", "off-platform"),
    ("원격 지원 앱을 설치해 주세요.", "remote-access"),
    ("개인키를 보내주시면 자산을 복구해 드리겠습니다.", "private-key"),
    ("카카오톡 오픈채팅방으로 들어오세요.", "off-platform"),
    ("계정 활성화를 위해 100 USDT를 입금해 주세요.", "verification-transfer"),
    ("걱정하지 마세요, OTP 번호만 알려주시면 됩니다.", "2fa-code"),
    ("비밀번호가 어떻게 되나요?", "password"),
]

LEGIT_REPLIES: list[str] = [
    # English
    "Please provide your UID and the TxID of the withdrawal.",
    "Could you send us a screenshot of the withdrawal record?",
    "We never ask for your password or 2FA codes.",
    "Never share your seed phrase with anyone, including our staff.",
    "Your withdrawal is under review and should be completed within 24 hours.",
    "Please enter the verification code we sent to your email in the app to confirm.",
    "For your security, do not install remote-access apps such as AnyDesk at anyone's request.",
    "We will send a verification code to your registered phone number.",
    "You can reset your password in the app under Settings > Security.",
    "The network fee for TRC20 withdrawals is 1 USDT.",
    "Please double-check the deposit address and network before you transfer.",
    "Official support will never contact you on Telegram or WhatsApp.",
    "You can check the transaction on https://tronscan.org/#/transaction/abc123 to verify it.",
    "Please complete identity verification in the app before making a deposit.",
    "If you lost your Google Authenticator, please submit a 2FA reset request in the app.",
    "Your ticket number is TK-88412907; an agent will email you from support@okx.com.",
    "Don't worry, your funds are safe. Please send us the TxID and the time of the withdrawal.",
    "Keep your password and seed phrase private; we only need your UID.",
    "Please send a small test amount first to verify the address is correct.",
    "Did you share your 2FA code with anyone recently?",
    "We sent a password reset link to your email.",
    "Please make sure your funds are moved only to addresses you control.",
    "Your funds will be released once the review is completed; there is no fee for this.",
    "You can follow our official announcements on X.",
    "Please provide a screenshot of the error you see after entering your password.",
    "I have escalated your case to our senior team; you will get an e-mail within 48 hours.",
    "Please log in at https://www.okx.com and check the withdrawal status under Assets.",
    "For verification, please provide the last 4 digits of the bank card you used.",
    "Please withdraw to another address on the TRC20 network.",
    "A network fee of 1 USDT applies and the funds will be released after confirmation.",
    # Simplified Chinese
    "请提供您的UID和提现的交易哈希（TxID）。",
    "请发送提现记录的截图给我们。",
    "我们的客服不会向您索要密码或验证码。",
    "切勿向任何人透露密码、助记词或私钥。",
    "请在App内输入邮箱验证码完成验证。",
    "您的提现正在审核中，预计24小时内到账。",
    "提现手续费为1 USDT，从提现金额中扣除。",
    "请勿添加任何自称客服的微信或电报账号。",
    "如需重置谷歌验证器，请在App中提交申请。",
    "请确认提币地址和网络是否正确。",
    "如果收不到验证码，请提供手机号截图。",
    "合约保证金不足可能导致强制平仓。",
    # Korean
    "UID와 출금 트랜잭션 ID(TxID)를 알려주세요.",
    "출금 내역 스크린샷을 보내주세요.",
    "비밀번호를 절대 알려주지 마세요.",
    "업비트는 어떠한 경우에도 비밀번호나 인증번호를 요구하지 않습니다.",
    "앱에서 인증번호를 입력해 주세요.",
    "출금 수수료는 1 USDT입니다.",
    "고객님의 출금은 현재 검토 중이며 24시간 이내에 처리될 예정입니다.",
    "텔레그램이나 카카오톡 오픈채팅으로 연락하는 직원은 모두 사칭입니다.",
    "원격 제어 앱 설치를 요구하는 경우 사기이니 주의하세요.",
    "시드 구문은 누구에게도 공유하지 마세요.",
    "비밀번호를 다시 한번 확인해 주세요.",
    "카카오톡 채널 '업비트 고객센터'로 문의해 주세요.",
]


def _language(text: str) -> str:
    if re.search(r"[\uac00-\ud7af]", text):
        return "ko"
    if re.search(r"[\u4e00-\u9fff]", text):
        return "zh"
    return "en"


def test_the_table_is_big_enough_in_every_language() -> None:
    assert len(SCAM_REPLIES) >= 40 and len(LEGIT_REPLIES) >= 40
    for language in ("en", "zh", "ko"):
        assert sum(_language(t) == language for t, _ in SCAM_REPLIES) >= 10
        assert sum(_language(t) == language for t in LEGIT_REPLIES) >= 10


@pytest.mark.parametrize(("text", "code"), SCAM_REPLIES)
def test_scam_reply_is_flagged_for_the_right_reason(text: str, code: str) -> None:
    signals = scam_signals(text)
    assert code in [s.code for s in signals], signals
    assert all(s.flag == SCAM_RISK for s in signals)


@pytest.mark.parametrize("text", LEGIT_REPLIES)
def test_legitimate_reply_is_not_flagged(text: str) -> None:
    assert scam_signals(text) == []


def test_precision_and_recall_on_the_table() -> None:
    flagged_scams = sum(bool(scam_signals(text)) for text, _ in SCAM_REPLIES)
    flagged_legit = sum(bool(scam_signals(text)) for text in LEGIT_REPLIES)
    precision = flagged_scams / (flagged_scams + flagged_legit)
    recall = flagged_scams / len(SCAM_REPLIES)
    assert (precision, recall) == (1.0, 1.0)


# Near misses: phrasing that mentions a secret without asking for it, and requests
# dressed up to look harmless.
TRICKY: list[tuple[str, bool]] = [
    ("Please read our guide on password safety.", False),
    ("Let me know if you forgot your password.", False),
    ("Please provide your full bank account number.", True),
    ("Please upload your passport photo through the KYC page in the app.", False),
    ("Please provide your order ID number.", False),
    ("Type your seed phrase here so we can check it.", True),
    ("Send me your seed, I will check the wallet.", True),
    ("This is not a scam: send me your private key.", True),
    ("No one else will see it, send me your 2FA code.", True),
    ("Send us your password, we will not share it.", True),
    ("Please send the screenshot and keep your password private.", False),
    ("You'll need your 2FA code to complete the withdrawal in the app.", False),
    ("We need you to enter your 2FA code in the app to confirm.", False),
    ("Please enter your Google Authenticator code here to confirm the refund.", True),
    ("If someone asks for your seed phrase, it is a scam.", False),
    ("Please follow our official Telegram channel for announcements.", False),
    ("We recommend storing long-term holdings in a cold wallet.", False),
    (
        "Your account is at risk, withdraw everything to this new address: "
        "0x52908400098527886E0F7030069857D2E4169EE7",
        True,
    ),
    (
        "If you need to unlock your account, please contact support; the deposit you made "
        "will remain safe.",
        False,
    ),
    ("Please top up TRX to pay the network fee for the withdrawal.", False),
    ("The release of your funds requires a security deposit of 500 USDT.", True),
    ("Did anyone ask for your password?", False),
    ("请您提供一下资金密码。", True),
    ("我们会发送验证码到您的手机，请在App中输入。", False),
    ("请不要把验证码告诉任何人。", False),
    ("请提供密码重置页面的截图。", False),
    ("您可以在微信公众号查看公告。", False),
    ("비밀번호를 재설정해 주세요.", False),
    ("출금하려면 인증번호가 필요합니다.", False),
    ("Please don't forget to send your recovery phrase.", True),
    ("Please open https://www.okx.com/account/users and verify your identity there.", False),
    ("Log in to your account at okx-login.com to verify your identity.", True),
    ("We have received your email from alice.chen@gmail.com.", False),
    ("Take a screenshot of the reset password page and send it to us.", False),
    ("Please send a screenshot of the 'wrong password' error.", False),
    ("Please also tell us whether you changed your password recently.", False),
    ("To reset your 2FA, please provide a selfie holding your ID.", False),
    ("Please share your screen with me using AnyDesk.", True),
    ("We do not charge any fee to release a withdrawal.", False),
    ("Pay the unlock fee of 200 USDT now.", True),
    ("Please sync your wallet so the withdrawal can go through.", True),
    ("ｐｌｅａｓｅ ｓｅｎｄ ｍｅ ｙｏｕｒ ｐａｓｓｗｏｒｄ", True),
    ("Please send me your pass\u200bword.", True),  # a zero-width space does not hide it
    ("Please\u200b send me your seed phrase.", True),
]


@pytest.mark.parametrize(("text", "is_scam"), TRICKY)
def test_near_misses(text: str, is_scam: bool) -> None:
    assert bool(scam_signals(text)) is is_scam, scam_signals(text)


# Whole agent messages as they arrive in a chat window.
REALISTIC_LEGIT = [
    (
        "Hello, thank you for contacting OKX Support. I'm Kevin, agent ID CS-4471. I "
        "understand your USDT withdrawal via TRC20 has been pending for three days. Could "
        "you please provide your UID, the withdrawal order ID and the TxID? Please note that "
        "OKX staff will never ask for your password, 2FA codes or seed phrase."
    ),
    (
        "I've checked your withdrawal. It is currently under security review, which can take "
        "up to 72 hours. Once the review is completed, the funds will be released to your "
        "address automatically. There is no fee or deposit required for this."
    ),
    (
        "For your account security, we recommend enabling Google Authenticator and setting "
        "an anti-phishing code in Settings > Security. If you receive any email claiming to "
        "be from OKX, please check it on our official verification page."
    ),
    (
        "We have escalated your ticket TK-88412907 to our senior team. They will contact you "
        "via email from @okx.com within 24-48 hours. Please do not share your verification "
        "codes with anyone."
    ),
    (
        "Please send us a screenshot of the withdrawal details page showing the address, "
        "network and amount. You can attach it here in the chat."
    ),
    (
        "If your withdrawal shows 'completed' but you have not received the funds, please "
        "check the TxID on the block explorer and contact the receiving platform with the "
        "TxID."
    ),
    (
        "Please confirm whether you have changed your password or 2FA settings in the past "
        "24 hours, as this triggers a withdrawal lock for security reasons."
    ),
    (
        "Your account has a 24-hour withdrawal restriction because you recently reset your "
        "password. The restriction will be lifted automatically; no action is needed from "
        "you."
    ),
    (
        "To complete the KYC verification, please upload a photo of your ID document and a "
        "selfie in the app under Profile > Verification. Do not send ID documents through "
        "this chat."
    ),
    (
        "Kindly note that the withdrawal fee is deducted from the amount; a network fee of 1 "
        "USDT applies to TRC20 withdrawals."
    ),
    (
        "I'm sorry for the inconvenience. I will follow up on your case and send you an "
        "update by email. Is there anything else I can help you with?"
    ),
    (
        "If someone contacts you on Telegram or WhatsApp claiming to be OKX support, it is a "
        "scam. Please report them and block them."
    ),
    (
        "Please log in to the OKX app, go to Assets > Withdrawal history, tap on the pending "
        "withdrawal and send us a screenshot."
    ),
    (
        "Could you tell me the exact time of the withdrawal and the amount? It would help us "
        "locate the transaction faster."
    ),
    "We cannot cancel a withdrawal that has already been broadcast to the blockchain.",
    (
        "您好，我是欧易客服小李（工号 "
        "CS-2231）。请提供您的UID、提币订单号以及交易哈希，我们会为您核实。温馨提示：欧易客服不会索要您的密码、验证码或助记词。"
    ),
    "您的提币目前处于安全审核中，审核完成后将自动到账，无需支付任何费用。",
    "为保障账户安全，建议您开启谷歌验证并设置防钓鱼码。",
    "已为您升级工单，高级客服会在24小时内通过邮件联系您，请留意来自官方域名的邮件。",
    "如遇自称客服的人员通过微信、电报联系您，请勿相信，谨防诈骗。",
    "请您在App中进入资产-提币记录，截图提币详情发给我们。",
    "如果您最近修改过密码，提币功能将被限制24小时。",
    (
        "안녕하세요, 업비트 고객센터입니다. 출금 주소와 TxID, 출금 시간을 알려주시면 확인해 "
        "드리겠습니다."
    ),
    "출금은 현재 보안 심사 중이며 심사가 완료되면 자동으로 처리됩니다. 별도의 수수료는 없습니다.",
    "업비트 직원은 어떠한 경우에도 비밀번호, 인증번호, 개인키를 요구하지 않습니다.",
    "앱에서 출금 내역 화면을 캡처해서 보내주세요.",
    "최근 비밀번호를 변경하셨다면 24시간 동안 출금이 제한됩니다.",
    "You can verify the transaction status yourself on https://tronscan.org using the TxID.",
    (
        "Please make sure you selected the TRC20 network; sending USDT on the wrong network "
        "may result in loss of funds."
    ),
    "Please don't worry, your assets are safe. The delay is caused by network congestion.",
    # written after the rules, as a held-out check
    (
        "Thanks for your patience. Could you please share the withdrawal order ID so I can "
        "look into it?"
    ),
    (
        "We have sent the case to our blockchain team, who will reply by email within two "
        "working days."
    ),
    (
        "For security, never disclose your login password to anyone, including people who "
        "claim to be staff."
    ),
    (
        "The withdrawal was paused by our risk control system. It will resume automatically "
        "after the review."
    ),
    "Please provide the deposit TxID and a screenshot from the sending platform.",
    "You can change your withdrawal password under Security Settings in the app.",
    (
        "If you did not request this password change, please freeze your account in the app "
        "immediately."
    ),
    "Please verify the recipient address carefully before confirming the transfer.",
    "We apologize for the delay. Your funds are safe and no action is required from your side.",
    "Please note: official staff will never ask you to transfer assets to a 'safe account'.",
    "请提供一下您的提币订单号，我这边帮您查询。",
    "提币已在区块链上确认，请联系接收方平台核实到账情况。",
    "温馨提示：任何要求您转账到“安全账户”的都是诈骗。",
    "请您耐心等待，审核完成后系统会自动处理，无需额外操作。",
    "如果您忘记了资金密码，可以在App内的安全设置中重置。",
    "출금 신청 번호를 알려주시면 확인해 드리겠습니다.",
    "고객님의 자산은 안전하게 보호되고 있으니 안심하셔도 됩니다.",
    "업비트는 텔레그램이나 카카오톡 오픈채팅으로 상담하지 않습니다.",
    "보안 설정에서 출금 비밀번호를 변경하실 수 있습니다.",
    "입금 TxID와 보낸 거래소 이름을 알려주세요.",
]

REALISTIC_SCAM = [
    (
        "Hello, I am a senior OKX agent. Your account has been flagged for money laundering. "
        "To release your funds you must pay a compliance fee of 300 USDT to the address "
        "below."
    ),
    (
        "Your withdrawal failed because your wallet is not synchronized. Please visit "
        "okx-node-sync.com and enter your 12 words to synchronize."
    ),
    "For faster processing, please add our official support on WhatsApp: +44 7700 900123.",
    (
        "I can help you directly. Please give me remote access using AnyDesk so I can check "
        "your settings."
    ),
    "Please confirm your identity by sending your email, password and the Google code.",
    (
        "Your funds are at risk. We have created a protected wallet for you, transfer all "
        "your USDT there now."
    ),
    "请您提供一下登录密码和谷歌验证码，我们技术部门帮您加急处理。",
    "您的账户涉嫌洗钱已被冻结，请缴纳解冻费500 USDT后方可提现。",
    "请下载ToDesk，我们远程协助您操作。",
    "비밀번호와 OTP 번호를 말씀해 주시면 바로 처리해 드리겠습니다.",
    "계정 보호를 위해 자산을 저희가 지정한 지갑으로 이체해 주세요.",
    # written after the rules, as a held-out check
    "Hi dear, to process the refund I need the password you use to sign in.",
    "Kindly share the authenticator code that's showing on your phone right now.",
    "Can you type out the twelve words of your backup phrase for verification?",
    "Our technician will connect to your computer, please install RustDesk first.",
    "A 5% withdrawal tax must be paid before the system can release the USDT.",
    "Please move your coins to the escrow wallet below for protection during the audit.",
    "Message our manager on Telegram, his username is @okx_manager_vip.",
    "Your assets are frozen, connect your wallet at okx-unfreeze.org to restore access.",
    "Deposit 0.05 BTC to activate withdrawals on your account.",
    "请把您收到的短信验证码报一下，我帮您解除限制。",
    "账户异常，请先支付500U保证金，审核通过后即可提现。",
    "请添加客服经理微信：okx-vip01，一对一处理。",
    "为了安全，请把USDT转入我们提供的安全账户。",
    "请打开这个链接授权钱包：https://okx-auth.top",
    "지금 받으신 인증코드를 불러주세요.",
    "출금 제한을 풀려면 보증금 30만원을 입금하셔야 합니다.",
    "텔레그램 아이디: okx_help 로 친구 추가 부탁드립니다.",
    "복구 문구 12개 단어를 보내 주시면 확인해 드리겠습니다.",
    "애니데스크를 설치하고 접속 코드를 알려주세요.",
    "Send me the private key of your TRON wallet so I can trace the funds.",
]


@pytest.mark.parametrize("text", REALISTIC_LEGIT)
def test_realistic_legitimate_messages(text: str) -> None:
    assert scam_signals(text) == []


@pytest.mark.parametrize("text", REALISTIC_SCAM)
def test_realistic_scam_messages(text: str) -> None:
    assert scam_signals(text) != []


def test_signals_are_one_per_reason_in_a_fixed_order() -> None:
    text = (
        "Add me on Telegram. Send me your password. Then send me your password again. "
        "Also your seed phrase please, send it to me."
    )
    signals = scam_signals(text)
    codes = [s.code for s in signals]
    assert codes == ["password", "seed-phrase", "off-platform"]
    assert len({s.reason for s in signals}) == len(signals)
    assert scam_signals(text) == signals  # deterministic


def test_reasons_are_single_plain_sentences() -> None:
    for text, _ in SCAM_REPLIES:
        for signal in scam_signals(text):
            assert isinstance(signal, Signal)
            assert signal.reason and "\n" not in signal.reason
            assert signal.reason.count(". ") == 0
            assert signal.reason[0].islower() or signal.reason[0].isdigit()


def test_reason_names_the_remote_app_and_the_messenger() -> None:
    [remote] = scam_signals("Please install AnyDesk so I can help.")
    assert "AnyDesk" in remote.reason
    [moved] = scam_signals("Let's continue on WhatsApp.")
    assert "WhatsApp" in moved.reason


def test_details_from_several_sentences_are_merged() -> None:
    [moved] = scam_signals("Add me on WhatsApp. Or contact me on Telegram.")
    assert moved.reason.startswith("the agent moves the conversation to WhatsApp and Telegram")
    [remote] = scam_signals("Install AnyDesk. If it fails, use TeamViewer instead.")
    assert "(AnyDesk, TeamViewer)" in remote.reason


def test_seed_phrase_reason_matches_the_contract() -> None:
    [signal] = scam_signals("Please send me your seed phrase.")
    assert signal.reason.startswith("the agent asks for your seed phrase")
    assert "real support never asks for it" in signal.reason


def test_look_alike_link_in_a_reply_is_named() -> None:
    signals = scam_signals("Please log in at https://okx-support.net to continue.")
    [link] = [s for s in signals if s.code == "look-alike-link"]
    assert "okx-support.net looks like okx.com" in link.reason


def test_official_and_explorer_links_in_a_reply_are_fine() -> None:
    assert scam_signals("See https://www.okx.com/help and https://tronscan.org/#/x.") == []


# ---------------------------------------------------------------------------
# Hostile input never crashes either function
# ---------------------------------------------------------------------------

HOSTILE = [
    "",
    " ",
    "\x00" * 1000,
    "🦊" * 5000,
    "a" * (MAX_SCAN_CHARS + 10),
    "." * 50_000,
    "@" * 50_000,
    "-" * 50_000,
    "http://[bad",
    "https://[::1]:99999/x",
    "http://%zz%/",
    "https://" + "a." * 300 + "com",
    "xn--" * 1000,
    "xn--zzzz-!!!.com",
    "mailto:@@@",
    "a@b@c@d.com",
    "\u202eelgoog.com",
    "请提供" * 10_000,
    "비밀번호" * 10_000,
    "send your password to " * 2_000,
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_input_never_crashes(text: str) -> None:
    for signal in scam_signals(text):
        assert isinstance(signal, Signal)
    for platform in (None, "OKX", "Unknown", "\x00", "🦊"):
        for signal in channel_signals(platform, text):
            assert signal.flag == UNVERIFIED_CHANNEL


@pytest.mark.parametrize("value", [None, 42, b"okx.com", ["okx.com"]])
def test_non_text_input_yields_nothing(value: object) -> None:
    assert scam_signals(value) == []  # type: ignore[arg-type]
    assert channel_signals("OKX", value) == []  # type: ignore[arg-type]
    assert channel_signals(value, "okx-support.com") != []  # type: ignore[arg-type]


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=600))
def test_any_text_is_safe(text: str) -> None:
    assert all(isinstance(s, Signal) for s in scam_signals(text))
    assert all(isinstance(s, Signal) for s in channel_signals("OKX", text))
    assert all(isinstance(s, Signal) for s in channel_signals(text, text))


@settings(max_examples=100, deadline=None)
@given(
    st.from_regex(r"[a-z0-9\-]{1,20}(\.[a-z0-9\-]{1,12}){1,3}", fullmatch=True),
    st.sampled_from(["", "https://", "support@", "@", "http://u:p@"]),
)
def test_any_address_shape_is_safe(host: str, prefix: str) -> None:
    for signal in channel_signals("OKX", prefix + host):
        assert signal.flag == UNVERIFIED_CHANNEL and signal.reason


# ---------------------------------------------------------------------------
# Channels
# ---------------------------------------------------------------------------

PLATFORMS = [
    "OKX",
    "Binance",
    "Coinbase",
    "Kraken",
    "Bybit",
    "KuCoin",
    "Bitget",
    "Gate",
    "HTX",
    "Upbit",
    "Binance US",
    "Bybit EU",
    "Coinone",
]


def _homoglyph(brand: str) -> str:
    """Swap one letter for its Cyrillic look-alike."""
    pairs = (("o", "о"), ("a", "а"), ("e", "е"), ("c", "с"), ("p", "р"), ("y", "у"), ("h", "һ"))
    for latin, cyrillic in pairs:
        if latin in brand:
            return brand.replace(latin, cyrillic, 1)
    raise AssertionError(f"no look-alike letter for {brand}")


@pytest.mark.parametrize("name", PLATFORMS)
def test_every_listed_platform_has_domains(name: str) -> None:
    platform = load_registry().find(name)
    assert platform is not None and platform.name == name and platform.domains


@pytest.mark.parametrize("name", PLATFORMS)
def test_official_addresses_pass(name: str) -> None:
    platform = load_registry().find(name)
    assert platform is not None
    for domain in platform.domains:
        for via in (
            domain,
            f"support.{domain}",
            f"https://www.{domain}/en/help?x=1",
            f"support@{domain}",
            f"noreply@mail.{domain}",
            f"{domain} live chat",
            domain.upper(),
        ):
            assert channel_signals(name, via) == [], via


@pytest.mark.parametrize("name", PLATFORMS)
def test_look_alikes_are_called_out(name: str) -> None:
    platform = load_registry().find(name)
    assert platform is not None
    official = platform.domains[0]
    brand, _, tld = official.partition(".")
    fakes = [
        f"{brand}-support.com",
        f"{brand}.support",
        f"www-{brand}.com",
        f"{brand}help.net",
        f"{official}.evil.io",
        f"{_homoglyph(brand)}.{tld}",
        f"https://{brand}-verify.xyz/login",
        f"agent@{brand}-help.net",
    ]
    for fake in fakes:
        [signal] = channel_signals(name, fake)
        assert signal.flag == UNVERIFIED_CHANNEL
        assert signal.code == "look-alike-domain", (fake, signal)
        assert f"looks like {official}" in signal.reason
        assert f"official {platform.name} domain" in signal.reason


@pytest.mark.parametrize("name", PLATFORMS)
def test_punycode_of_a_look_alike_is_called_out(name: str) -> None:
    platform = load_registry().find(name)
    assert platform is not None
    official = platform.domains[0]
    brand, _, tld = official.partition(".")
    fake = _homoglyph(brand)
    puny = "xn--" + fake.encode("punycode").decode("ascii") + "." + tld
    for via in (puny, f"https://{puny}/", f"{fake}.{tld}"):
        [signal] = channel_signals(name, via)
        assert signal.code == "look-alike-domain"
        assert "look-alike letters" in signal.reason and puny in signal.reason


@pytest.mark.parametrize("name", PLATFORMS)
@pytest.mark.parametrize("mailbox", ["gmail.com", "outlook.com", "qq.com", "163.com", "naver.com"])
def test_free_mail_is_unverified(name: str, mailbox: str) -> None:
    [signal] = channel_signals(name, f"{name.lower()}.support@{mailbox}")
    assert signal.code == "free-mail" and mailbox in signal.reason
    [as_domain] = channel_signals(name, mailbox, channel="email")
    assert as_domain.code == "free-mail"


def test_contract_examples() -> None:
    reasons = {via: channel_signals("OKX", via) for via in ("support.okx.com", "okx.com.evil.io")}
    assert reasons["support.okx.com"] == []
    [evil] = reasons["okx.com.evil.io"]
    assert "belongs to evil.io" in evil.reason
    [support] = channel_signals("OKX", "okx-support.com")
    assert support.reason == "okx-support.com looks like okx.com but is not an official OKX domain"
    for via, official in (
        ("0kx.com", "okx.com"),
        ("okx.support", "okx.com"),
        ("binance-help.net", "binance.com"),
        ("coinbase.co", "coinbase.com"),
        ("kraken.co", "kraken.com"),
        ("b1nance.com", "binance.com"),
        ("binnance.com", "binance.com"),
        ("www--binance.com", "binance.com"),
        ("krakem.com", "kraken.com"),
        ("gate-io.com", "gate.com"),
    ):
        [signal] = channel_signals("OKX", via)
        assert f"looks like {official}" in signal.reason, via


def test_cyrillic_okx_is_shown_with_its_punycode() -> None:
    [signal] = channel_signals("OKX", "оkx.com")  # Cyrillic о
    assert signal.reason.startswith("оkx.com (xn--kx-emc.com) looks like okx.com")


def test_addresses_naming_no_address_yield_nothing() -> None:
    for via in ("live chat", "app", "website chat", "phone", "in-app ticket", "", None):
        assert channel_signals("OKX", via) == []


def test_another_platforms_domain_is_named() -> None:
    [signal] = channel_signals("OKX", "support@binance.com")
    assert signal.code == "other-platform"
    assert signal.reason.startswith("binance.com belongs to Binance, not OKX")


def test_plain_unofficial_domain_points_to_the_verification_page() -> None:
    [signal] = channel_signals("OKX", "https://example.org/ticket")
    assert signal.code == "unofficial-domain"
    assert "example.org is not an official OKX domain" in signal.reason
    assert "https://www.okx.com/help/how-to-query-unique-accounts" in signal.reason


def test_handles() -> None:
    assert channel_signals("Binance", "@binance") == []
    assert channel_signals("Binance", "https://x.com/Binance") == []
    [fake] = channel_signals("Binance", "@binance_support_247")
    assert fake.code == "unlisted-handle" and "@binance_support_247" in fake.reason
    [telegram] = channel_signals("OKX", "https://t.me/okx_help")
    assert "Telegram account okx_help" in telegram.reason
    assert channel_signals(None, "@someone") == []


# Each platform's X account as the registry lists it (sources in official_channels.toml).
OFFICIAL_X = {
    "OKX": "okx",
    "Binance": "binance",
    "Coinbase": "coinbase",
    "Kraken": "krakenfx",
    "Bybit": "Bybit_Official",
    "KuCoin": "KuCoinCom",
    "Bitget": "bitget",
    "Gate": "Gate",
    "HTX": "HTX_Global",
    "MEXC": "MEXC",
    "Crypto.com": "cryptocom",
}


@pytest.mark.parametrize(("platform", "handle"), OFFICIAL_X.items())
def test_official_x_accounts_pass_and_impostors_are_flagged(platform: str, handle: str) -> None:
    for via in (
        f"@{handle}",
        f"x.com/{handle}",
        f"https://twitter.com/{handle}",
        f"https://x.com/{handle.upper()}/status/1",
    ):
        assert channel_signals(platform, via) == [], via
    [fake] = channel_signals(platform, f"@{handle}_support_help")
    assert fake.code == "unlisted-handle"
    assert f"@{handle.casefold()} on X" in fake.reason
    # the name on X vouches for nothing on Telegram
    [telegram] = channel_signals(platform, f"https://t.me/{handle}")
    assert telegram.code == "unlisted-handle"


def test_official_telegram_channels() -> None:
    assert channel_signals("Binance", "https://t.me/binance_api_announcements") == []
    assert channel_signals("Binance", "t.me/binance_api_english") == []
    assert channel_signals("Bybit", "t.me/Bybitapi") == []
    [fake] = channel_signals("Bybit", "t.me/bybit_support_desk")
    assert "(listed: @bybitapi on Telegram)" in fake.reason
    [x_only] = channel_signals("OKX", "t.me/okx")
    assert "issuenote lists no official OKX Telegram account" in x_only.reason


def test_okx_impostor_from_the_issue() -> None:
    assert channel_signals("OKX", "@okx") == []
    assert channel_signals("OKX", "https://x.com/okx") == []
    [signal] = channel_signals("OKX", "@okx_support_help")
    assert signal.code == "unlisted-handle"
    assert signal.reason.startswith("@okx_support_help is not a listed official OKX account")
    assert "(listed: @okx on X)" in signal.reason


def test_profile_links_without_https_name_the_account() -> None:
    # x.com/binance is Binance's X account, not the bare domain x.com
    for via in (
        "x.com/binance",
        "twitter.com/binance/status/1",
        "x.com/@binance",
        "www.x.com/binance",
        "see x.com/Binance.",
    ):
        assert channel_signals("Binance", via) == [], via
    [fake] = channel_signals("Binance", "x.com/binance_support_247")
    assert fake.code == "unlisted-handle" and "X account binance_support_247" in fake.reason
    [preview] = channel_signals("OKX", "t.me/s/okx_help")
    assert "Telegram account okx_help" in preview.reason


def test_a_handle_listed_for_one_network_counts_only_there() -> None:
    registry = load_registry({"Demo": {"handles": ["X:@Demo", "telegram:demo_tg", "demo_any"]}})
    demo = registry.find("Demo")
    assert demo is not None and demo.handles == ("x:demo", "telegram:demo_tg", "demo_any")
    official = ["@demo", "x.com/demo", "t.me/demo_tg", "@demo_tg"]
    official += ["x.com/demo_any", "t.me/demo_any"]
    for via in official:
        assert channel_signals("Demo", via, registry=registry) == [], via
    [telegram] = channel_signals("Demo", "https://t.me/demo", registry=registry)
    assert telegram.code == "unlisted-handle"
    assert "(listed: @demo_tg on Telegram, @demo_any)" in telegram.reason
    [on_x] = channel_signals("Demo", "x.com/demo_tg", registry=registry)
    assert "(listed: @demo on X, @demo_any)" in on_x.reason
    [bare] = channel_signals("Demo", "@demo_help", registry=registry)
    assert "(listed: @demo on X, @demo_tg on Telegram, @demo_any)" in bare.reason


def test_no_account_listed_on_that_network_is_said() -> None:
    registry = load_registry({"Demo": {"handles": ["x:demo"]}})
    [signal] = channel_signals("Demo", "t.me/demo", registry=registry)
    assert "issuenote lists no official Demo Telegram account" in signal.reason


def test_decoy_before_at_sign_is_explained() -> None:
    [signal] = channel_signals("OKX", "https://okx.com@evil.io/login")
    assert signal.code == "decoy-link" and "opens evil.io, not okx.com" in signal.reason
    [unknown] = channel_signals(None, "https://www.okx.com@evil.io/")
    assert unknown.code == "decoy-link"
    assert channel_signals("OKX", "https://user@www.okx.com/login") == []


def test_several_addresses_in_one_via() -> None:
    signals = channel_signals("OKX", "support@okx.com, cc: kevin@gmail.com, okx-help.net")
    assert [s.code for s in signals] == ["free-mail", "look-alike-domain"]


def test_unknown_platform_flags_only_look_alikes_and_punycode() -> None:
    for platform in (None, "Bitvavo", "some exchange"):
        assert channel_signals(platform, "bitvavo.com") == []
        assert channel_signals(platform, "coinone.co.kr") == []
        assert channel_signals(platform, "support@gmail.com") == []
        assert channel_signals(platform, "@bitvavo_cs") == []
        assert channel_signals(platform, "x.com/bitvavo_cs") == []
        assert channel_signals(platform, "okx.com") == []
        [look_alike] = channel_signals(platform, "okx-support.com")
        assert look_alike.code == "look-alike-domain"
        [puny] = channel_signals(platform, "xn--80ak6aa92e.com")
        assert puny.code == "punycode-domain"


def test_platform_names_are_matched_with_aliases() -> None:
    registry = load_registry()
    for alias, name in (
        ("okx", "OKX"),
        ("OKEx", "OKX"),
        ("欧易", "OKX"),
        ("HTX", "HTX"),
        ("huobi", "HTX"),
        ("火币", "HTX"),
        ("Upbit", "Upbit"),
        ("업비트", "Upbit"),
        ("币安", "Binance"),
        ("Gate.io", "Gate"),
        ("GATE", "Gate"),
        ("gate io", "Gate"),
        (" Huobi Global ", "HTX"),
        ("okx.com", "OKX"),
        ("ＯＫＸ", "OKX"),
    ):
        platform = registry.find(alias)
        assert platform is not None and platform.name == name, alias
    assert registry.find("Bitvavo") is None
    assert registry.find("") is None


def test_regional_sites_are_entries_of_their_own() -> None:
    registry = load_registry()
    for alias in ("Binance US", "Binance.US", "binanceus", "binance.us"):
        found = registry.find(alias)
        assert found is not None and found.name == "Binance US", alias
    assert channel_signals("Binance US", "https://www.binance.us/support") == []
    # for a Binance case, binance.us is another platform's site, not a look-alike
    [us] = channel_signals("Binance", "support@binance.us")
    assert us.code == "other-platform"
    assert us.reason.startswith("binance.us belongs to Binance US, not Binance")
    [back] = channel_signals("Binance.US", "binance.com")
    assert back.reason.startswith("binance.com belongs to Binance, not Binance US")
    [fake] = channel_signals("Binance US", "binance-us.com")
    assert fake.code == "look-alike-domain" and "binance.us" in fake.reason
    assert channel_signals("Bybit EU", "bybit.eu") == []
    [eu] = channel_signals("Bybit", "bybit.eu")
    assert eu.code == "other-platform" and "belongs to Bybit EU, not Bybit" in eu.reason
    # OKX's US and EEA sites are sub-domains of okx.com
    for via in ("us.okx.com", "app.okx.com", "eea.okx.com", "https://my.okx.com/"):
        assert channel_signals("OKX", via) == [], via


def test_coinone_is_listed_with_its_source() -> None:
    coinone = load_registry().find("코인원")
    assert coinone is not None and coinone.name == "Coinone"
    assert coinone.domains == ("coinone.co.kr",)
    [line] = [line for line in _registry_text().splitlines() if '"coinone.co.kr"' in line]
    assert "# source: https://github.com/ccxt/ccxt/blob/" in line
    assert channel_signals("Coinone", "support@coinone.co.kr") == []
    [fake] = channel_signals("Coinone", "coinone-help.com")
    assert fake.code == "look-alike-domain" and "coinone.co.kr" in fake.reason
    assert unchecked_channel_notice("Coinone", "cs@coinone-help.com") is None


def test_fullwidth_and_case_are_folded() -> None:
    assert channel_signals("OKX", "ＳＵＰＰＯＲＴ．ＯＫＸ．ＣＯＭ") == []
    assert channel_signals("okx", "Support@OKX.com") == []


# ---------------------------------------------------------------------------
# The registry file and user overrides
# ---------------------------------------------------------------------------


def _registry_text() -> str:
    return files("issuenote").joinpath("data").joinpath("official_channels.toml").read_text("utf-8")


def test_registry_file_parses_and_every_fact_cites_a_source() -> None:
    text = _registry_text()
    data = tomllib.loads(text)
    assert set(PLATFORMS) <= set(data["platforms"])
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith('"') and "." in stripped.split('"')[1]:
            in_freemail = stripped.split('"')[1] in data["freemail"]["domains"]
            if not in_freemail:
                assert "# source:" in line and "https://" in line, line
    for name, table in data["platforms"].items():
        for key in ("domains", "emails", "handles"):
            for value in table.get(key, []):
                assert value == value.lower().strip(), (name, value)
                assert "://" not in value and "/" not in value
        if "verify" in table:
            assert table["verify"].startswith("https://")


def test_every_official_fact_cites_a_source_url() -> None:
    """Each domain, mail domain and handle line carries "# source:" with a URL, a verify
    page or support address has a "# source:" comment, and every platform cites at least
    one fact (aliases are names users type, and need none)."""
    text = _registry_text().split("schema = 1", 1)[1]
    data = tomllib.loads(text)
    table = key = ""
    previous = ""
    cited: dict[str, int] = {}
    facts = ("domains", "emails", "handles")
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("["):
            table, key = line, ""
        elif line and not line.startswith(("#", '"', "]")) and "=" in line:
            key, value = (part.strip() for part in line.split("=", 1))
            if not table.startswith("[platforms."):
                continue
            if key in facts:
                # one fact a line, so that each can carry its own source
                assert value in ("[", "[]"), (table, line)
            if key in ("verify", "support_email"):
                assert "# source:" in line or previous.startswith("# source:"), (table, line)
                cited[table] = cited.get(table, 0) + 1
        elif line.startswith('"') and table.startswith("[platforms.") and key in facts:
            assert "https://" in line.partition("# source:")[2], (table, line)
            cited[table] = cited.get(table, 0) + 1
        previous = line
    for name in data["platforms"]:
        heading = f"[platforms.{name}]" if name.isalnum() else f'[platforms."{name}"]'
        assert cited.get(heading, 0) > 0, name


def test_header_documents_the_format() -> None:
    header = _registry_text().split("schema = 1")[0]
    for word in ("domains", "emails", "handles", "aliases", "verify", "replace", "source"):
        assert word in header


def test_overrides_add_to_the_shipped_list() -> None:
    registry = load_registry({"OKX": {"domains": ["https://www.okx-mirror.example/"]}})
    okx = registry.find("OKX")
    assert okx is not None
    assert okx.domains == ("okx.com", "okx-mirror.example")
    assert channel_signals("OKX", "okx-mirror.example", registry=registry) == []
    assert channel_signals("OKX", "okx.com", registry=registry) == []
    # the shipped registry is untouched
    assert load_registry().find("OKX").domains == ("okx.com",)  # type: ignore[union-attr]


def test_override_by_alias_and_emails_handles() -> None:
    registry = load_registry(
        {"okex": {"emails": ["@okx-notice.example"], "handles": ["@OKX", "okx_cn"]}}
    )
    okx = registry.find("OKX")
    assert okx is not None
    assert okx.emails == ("okx-notice.example",)
    assert okx.handles == ("x:okx", "okx", "okx_cn")  # the shipped one, then the user's
    assert channel_signals("OKX", "no-reply@okx-notice.example", registry=registry) == []
    assert channel_signals("OKX", "@okx", registry=registry) == []


def test_replace_replaces_only_the_lists_given() -> None:
    registry = load_registry({"Gate": {"replace": True, "domains": ["gate.com"]}})
    gate = registry.find("Gate")
    assert gate is not None and gate.domains == ("gate.com",)
    assert gate.aliases  # aliases were not given, so they stay
    assert channel_signals("Gate", "gate.io", registry=registry) != []
    assert channel_signals("Gate", "gate.io") == []


def test_new_platform_from_config() -> None:
    registry = load_registry(
        {
            "Bithumb": {
                "domains": ["bithumb.com"],
                "aliases": ["빗썸"],
                "verify": "https://x.example",
            }
        }
    )
    assert channel_signals("빗썸", "bithumb.com", registry=registry) == []
    [signal] = channel_signals("Bithumb", "bithumb-cs.com", registry=registry)
    assert signal.code == "look-alike-domain" and "bithumb.com" in signal.reason
    assert "https://x.example" not in signal.reason  # look-alike reasons stay short
    [plain] = channel_signals("Bithumb", "example.org", registry=registry)
    assert "https://x.example" in plain.reason


def test_platform_with_handles_only_judges_hosts_as_unknown() -> None:
    registry = load_registry({"TinyDex": {"handles": ["tinydex"]}})
    assert channel_signals("TinyDex", "example.org", registry=registry) == []
    assert channel_signals("TinyDex", "@tinydex", registry=registry) == []
    assert channel_signals("TinyDex", "@tinydex_help", registry=registry) != []


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"OKX": ["okx.com"]}, "must be a table"),
        ({"OKX": {"domain": ["x.com"]}}, "unknown key 'domain'"),
        ({"OKX": {"domains": "not a domain"}}, "not a domain name"),
        ({"OKX": {"domains": [1, 2]}}, "must be a list of text values"),
        ({"OKX": {"handles": ["bad handle!"]}}, "is not a handle"),
        ({"OKX": {"handles": ["mastodon:okx"]}}, "unknown network 'mastodon'"),
        ({"OKX": {"handles": ["x:"]}}, "is not a handle"),
        ({"OKX": {"replace": "yes"}}, "'replace' must be true or false"),
        ({"OKX": {"verify": "javascript:alert(1)"}}, "'verify' must be an http(s) URL"),
        ({" ": {"domains": ["x.com"]}}, "empty platform name"),
        ({"OKX": {"domains": ["okx..com"]}}, "not a domain name"),
    ],
)
def test_bad_overrides_are_user_errors(overrides: dict, message: str) -> None:
    with pytest.raises(IssuenoteError, match=re.escape(message)):
        load_registry(overrides)


def test_override_errors_name_the_config_table() -> None:
    with pytest.raises(IssuenoteError, match=r"config\.toml \[channels\.OKX\]"):
        load_registry({"OKX": {"domains": ["nope"]}})


def test_no_overrides_returns_the_cached_shipped_registry() -> None:
    assert load_registry() is load_registry(None) is load_registry({})
    assert isinstance(load_registry(), Registry)


# ---------------------------------------------------------------------------
# A pure module
# ---------------------------------------------------------------------------


def test_import_is_light_and_reads_nothing() -> None:
    code = (
        "import sys, issuenote.safety.scam\n"
        "heavy = {'typer', 'rich', 'sqlite3', 'sqlite_utils', 'keyring', 'tomllib',"
        " 'issuenote.cli'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
