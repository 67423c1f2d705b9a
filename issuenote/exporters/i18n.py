"""Every word an export prints, in English, Simplified Chinese and Korean.

Support agents read these, so the Chinese and Korean are written as a person
would write to a support desk (您好 … 此致 敬礼; 안녕하세요 … 감사합니다, formal
합니다체), not glossed word for word. User text is never translated.

Templates use ``str.format`` fields; user text only ever goes in as a field
value, never into the template itself.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

LANGS = ("en", "zh", "ko")

# Chain keys the store may use, shown by their usual names. Unknown keys are
# shown as written.
CHAIN_NAMES = {
    "arbitrum": "Arbitrum One",
    "avalanche": "Avalanche C-Chain",
    "base": "Base",
    "bitcoin": "Bitcoin",
    "bsc": "BNB Smart Chain",
    "btc": "Bitcoin",
    "eth": "Ethereum",
    "ethereum": "Ethereum",
    "litecoin": "Litecoin",
    "optimism": "Optimism",
    "polygon": "Polygon",
    "solana": "Solana",
    "ton": "TON",
    "tron": "TRON",
    "xrp": "XRP Ledger",
}

_EN: dict[str, str] = {
    # punctuation that differs between languages
    "colon": ": ",
    "sep": ", ",
    "list_sep": ", ",
    "paren": " ({})",
    "aside": " ({})",
    "semi": "; ",
    "time_sep": " ",
    "end": ".",
    # field labels
    "platform": "Platform",
    "category": "Problem type",
    "status": "Status",
    "account": "Account",
    "occurred": "Started",
    "created": "Recorded",
    "updated": "Last updated",
    "tags": "Tags",
    "tickets": "Ticket numbers",
    "tickets_one": "Ticket number",
    "ticket": "Ticket",
    "agents": "Support agents",
    "agent": "Agent",
    "agent_id": "Agent ID",
    "channel": "Channel",
    "via": "Via",
    "time": "Time",
    "event": "Event",
    "details": "Details",
    "number": "No.",
    "txid": "TxID",
    "order_id": "Order ID",
    "txid_or_order": "TxID / order ID",
    "chain": "Network",
    "asset": "Asset",
    "amount": "Amount",
    "tx_kind": "Type",
    "explorer": "Explorer",
    "address": "Address",
    "memo": "Memo / tag",
    "memo_missing": "No memo/tag was given; this network needs one to credit a deposit",
    "explorer_link": "View on explorer",
    "suggested": "Suggested",
    "escalated_to": "Escalated to",
    "new_status": "New status",
    "due": "Due",
    "done": "Done",
    "flags": "Flags",
    "private": "private",
    "field": "Field",
    "value": "Value",
    # agent references
    "agent_with_id": "{name} (agent ID {agent_id})",
    "agent_short": "{name} (ID {agent_id})",
    "agent_id_only": "agent ID {agent_id}",
    "agent_unknown": "an agent",
    "promise_support": "Support",
    "promise_overdue": "{agent} promised me a reply by {time}, and I have not heard back yet. "
    "Could you please check on it?",
    # section headings
    "sec_summary": "Summary",
    "sec_description": "What happened",
    "sec_transactions": "Transactions",
    "sec_timeline": "Timeline",
    "sec_suggestions": "Suggestions and what I have tried",
    "sec_open_steps": "Still to do",
    "sec_warnings": "Warnings",
    "sec_request": "My request",
    # report
    "report_title": "Case {id}: {title}",
    "no_entries": "No entries recorded yet.",
    "no_transactions": "No transactions recorded.",
    "no_open_steps": "No open steps.",
    "none": "none",
    "report_footer": "Prepared with issuenote. Every time shows its UTC offset.",
    "chain_line": "Record check: chain head {head} (`issuenote verify` confirms it)",
    "exhibit": "Exhibit",
    "sec_exhibits": "Exhibits",
    "exhibit_file": "File",
    "exhibit_type": "Type",
    "exhibit_bytes": "Bytes",
    # chat
    "chat_greeting": "Hello, here is a summary of my case.",
    "left_out_one": "(1 earlier entry left out)",
    "left_out_many": "({n} earlier entries left out)",
    "left_out_all_one": "(1 timeline entry left out)",
    "left_out_all": "({n} timeline entries left out)",
    "more_items": "(+{n} more)",
    # email
    "heading": "{}",
    "ticket_word": "ticket",
    "greeting_platform": "Dear {platform} Support team,",
    "greeting": "Dear Support team,",
    "intro": "I am writing about {problem} with my {platform}account{account}.",
    "intro_platform": "{platform} ",
    "status_ticket": "Current status: {status}. Latest ticket number: {ticket}.",
    "status_only": "Current status: {status}.",
    "suggested_by": "{time}, {agent}: {suggests}",
    "done_at": "Done on {time}: {text}",
    "due_suffix": " — due {time}",
    "closing": "Thank you for your help.",
    "signoff": "Kind regards",
    # requests: what is asked now, by category, then by status
    "req_withdrawal": (
        "Please check this withdrawal and tell me when the funds will arrive, "
        "or return them to my account."
    ),
    "req_deposit": (
        "Please check this deposit and credit it to my account, or tell me what else "
        "you need from me."
    ),
    "req_account": (
        "Please help me restore normal access to my account and tell me what you need from me."
    ),
    "req_security": (
        "Please secure my account, check it for unauthorized activity and tell me what happened."
    ),
    "req_trading": (
        "Please review the trades listed here and correct the result, or explain how it came about."
    ),
    "req_kyc": "Please review my identity verification and tell me what is still missing.",
    "req_other": "Please look into this case and tell me the next step.",
    "req_escalated_to": "It was escalated to {to}; please tell me when to expect an answer.",
    "req_escalated": "It was escalated; please tell me when to expect an answer.",
    "req_resolved": (
        "The case is marked as resolved; please confirm that nothing else is needed from me."
    ),
    "req_closed": "The case is closed; please keep this summary on file for reference.",
}

_ZH: dict[str, str] = {
    "colon": "：",
    "sep": "，",
    "list_sep": "、",
    "paren": "（{}）",
    "aside": "（{}）",
    "semi": "；",
    "time_sep": "",
    "end": "。",
    "platform": "平台",
    "category": "问题类型",
    "status": "当前状态",
    "account": "账户",
    "occurred": "发生时间",
    "created": "记录时间",
    "updated": "最后更新",
    "tags": "标签",
    "tickets": "工单号",
    "tickets_one": "工单号",
    "ticket": "工单号",
    "agents": "客服人员",
    "agent": "客服",
    "agent_id": "工号",
    "channel": "渠道",
    "via": "联系途径",
    "time": "时间",
    "event": "事项",
    "details": "详情",
    "number": "序号",
    "txid": "交易哈希（TxID）",
    "order_id": "订单号",
    "txid_or_order": "交易哈希 / 订单号",
    "chain": "网络",
    "asset": "币种",
    "amount": "数量",
    "tx_kind": "类型",
    "explorer": "区块浏览器",
    "address": "地址",
    "memo": "备注（Memo / Tag）",
    "memo_missing": "未填写备注（Memo / Tag）；该网络的充值需要备注才能入账",
    "explorer_link": "在区块浏览器中查看",
    "suggested": "客服建议",
    "escalated_to": "升级至",
    "new_status": "新状态",
    "due": "截止时间",
    "done": "完成时间",
    "flags": "风险标记",
    "private": "私密",
    "field": "项目",
    "value": "内容",
    "agent_with_id": "{name}（工号 {agent_id}）",
    "agent_short": "{name}（工号 {agent_id}）",
    "agent_id_only": "客服（工号 {agent_id}）",
    "agent_unknown": "客服",
    "promise_support": "客服",
    "promise_overdue": "{agent}曾承诺在 {time} 之前回复我，"
    "但我至今还没有收到回复，麻烦您帮忙跟进一下，谢谢。",
    "sec_summary": "概要",
    "sec_description": "问题经过",
    "sec_transactions": "相关交易",
    "sec_timeline": "处理经过",
    "sec_suggestions": "客服建议及已采取的措施",
    "sec_open_steps": "待办事项",
    "sec_warnings": "风险提示",
    "sec_request": "我的诉求",
    "report_title": "问题记录 {id}：{title}",
    "no_entries": "暂无处理记录。",
    "no_transactions": "暂无交易记录。",
    "no_open_steps": "暂无待办事项。",
    "none": "无",
    "report_footer": "本报告由 issuenote 生成，所有时间均注明与 UTC 的时差。",
    "chain_line": "记录校验：链头 {head}（可用 `issuenote verify` 核对）",
    "exhibit": "证据",
    "sec_exhibits": "证据清单",
    "exhibit_file": "文件",
    "exhibit_type": "类型",
    "exhibit_bytes": "字节",
    "chat_greeting": "您好，以下是我的问题摘要：",
    "left_out_one": "（已省略较早的 1 条记录）",
    "left_out_many": "（已省略较早的 {n} 条记录）",
    "left_out_all_one": "（已省略 1 条记录）",
    "left_out_all": "（已省略全部 {n} 条记录）",
    "more_items": "（另有 {n} 项）",
    "heading": "【{}】",
    "ticket_word": "工单",
    "greeting_platform": "尊敬的 {platform} 客服团队：",
    "greeting": "尊敬的客服团队：",
    "intro": "您好！我的{platform}账户{account}遇到了{problem}，特此来信，烦请协助处理。",
    "intro_platform": " {platform} ",
    "status_ticket": "当前状态：{status}；最新工单号：{ticket}。",
    "status_only": "当前状态：{status}。",
    "suggested_by": "{time}，{agent}：{suggests}",
    "done_at": "{time} 已完成：{text}",
    "due_suffix": "；截止时间：{time}",
    "closing": "感谢您的帮助，期待您的回复！",
    "signoff": "此致\n敬礼！",
    "req_withdrawal": ("请核查这笔提币并告知资金预计到账时间；如无法完成，请将资金退回我的账户。"),
    "req_deposit": "请帮我核查这笔充币并尽快入账；如需我补充其他材料，请告知。",
    "req_account": "请协助我恢复账户的正常使用，并告知需要我提供哪些信息。",
    "req_security": "请协助保障我的账户安全，检查是否存在未经授权的操作，并告知具体情况。",
    "req_trading": "请核查上述交易，更正有误的结果或说明原因。",
    "req_kyc": "请审核我的身份认证，并告知还需要补充哪些材料。",
    "req_other": "请协助处理此问题，并告知下一步应如何操作。",
    "req_escalated_to": "此事已升级至 {to}，请告知预计何时能得到答复。",
    "req_escalated": "此事已升级处理，请告知预计何时能得到答复。",
    "req_resolved": "此问题已标记为已解决，请确认是否还需要我进行其他操作。",
    "req_closed": "此问题已关闭，请将本摘要存档备查。",
}

_KO: dict[str, str] = {
    "colon": ": ",
    "sep": ", ",
    "list_sep": ", ",
    "paren": "({})",
    "aside": " ({})",
    "semi": ", ",
    "time_sep": " ",
    "end": ".",
    "platform": "플랫폼",
    "category": "문의 유형",
    "status": "현재 상태",
    "account": "계정",
    "occurred": "발생 일시",
    "created": "기록 일시",
    "updated": "최종 업데이트",
    "tags": "태그",
    "tickets": "티켓 번호",
    "tickets_one": "티켓 번호",
    "ticket": "티켓 번호",
    "agents": "상담원",
    "agent": "상담원",
    "agent_id": "상담원 ID",
    "channel": "채널",
    "via": "연락 경로",
    "time": "일시",
    "event": "구분",
    "details": "내용",
    "number": "번호",
    "txid": "트랜잭션 해시(TxID)",
    "order_id": "주문 번호",
    "txid_or_order": "TxID / 주문 번호",
    "chain": "네트워크",
    "asset": "자산",
    "amount": "수량",
    "tx_kind": "유형",
    "explorer": "블록 탐색기",
    "address": "주소",
    "memo": "메모(태그)",
    "memo_missing": (
        "메모(태그)가 입력되지 않았습니다. 이 네트워크의 입금은 메모가 있어야 반영됩니다"
    ),
    "explorer_link": "블록 탐색기에서 보기",
    "suggested": "상담원 제안",
    "escalated_to": "이관 대상",
    "new_status": "변경된 상태",
    "due": "기한",
    "done": "완료 일시",
    "flags": "경고 표시",
    "private": "비공개",
    "field": "항목",
    "value": "내용",
    "agent_with_id": "{name}(상담원 ID: {agent_id})",
    "agent_short": "{name}(ID: {agent_id})",
    "agent_id_only": "상담원(ID: {agent_id})",
    "agent_unknown": "상담원",
    "promise_support": "고객센터",
    "promise_overdue": "{agent}께서 {time}까지 답변을 주시기로 하셨는데 "
    "아직 답변을 받지 못했습니다. 확인 부탁드립니다.",
    "sec_summary": "요약",
    "sec_description": "문제 경위",
    "sec_transactions": "관련 거래",
    "sec_timeline": "진행 경과",
    "sec_suggestions": "상담원 제안 및 조치 내역",
    "sec_open_steps": "남은 조치",
    "sec_warnings": "주의 사항",
    "sec_request": "요청 사항",
    "report_title": "문의 기록 {id}: {title}",
    "no_entries": "아직 기록된 내용이 없습니다.",
    "no_transactions": "등록된 거래가 없습니다.",
    "no_open_steps": "남은 조치가 없습니다.",
    "none": "없음",
    "report_footer": "issuenote로 작성한 문서입니다. 모든 일시에 UTC와의 시차를 함께 표기했습니다.",
    "chain_line": "기록 확인: 체인 헤드 {head} (`issuenote verify`로 확인 가능)",
    "exhibit": "증거 자료",
    "sec_exhibits": "증거 자료 목록",
    "exhibit_file": "파일",
    "exhibit_type": "형식",
    "exhibit_bytes": "바이트",
    "chat_greeting": "안녕하세요. 제 문의 내용을 정리해 드립니다.",
    "left_out_one": "(이전 기록 1건 생략)",
    "left_out_many": "(이전 기록 {n}건 생략)",
    "left_out_all_one": "(기록 1건 생략)",
    "left_out_all": "(기록 {n}건 모두 생략)",
    "more_items": "(외 {n}건)",
    "heading": "■ {}",
    "ticket_word": "티켓",
    "greeting_platform": "{platform} 고객지원팀 담당자님께",
    "greeting": "고객지원팀 담당자님께",
    "intro": "안녕하세요. 제 {platform}계정{account}과 관련된 {problem}로 연락드립니다.",
    "intro_platform": "{platform} ",
    "status_ticket": "현재 상태는 '{status}'이며, 최근 티켓 번호는 {ticket}입니다.",
    "status_only": "현재 상태는 '{status}'입니다.",
    "suggested_by": "{time}, {agent}: {suggests}",
    "done_at": "{time} 완료: {text}",
    "due_suffix": ", 기한: {time}",
    "closing": "바쁘시겠지만 확인 부탁드립니다.",
    "signoff": "감사합니다.",
    "req_withdrawal": (
        "해당 출금 건을 확인하여 자금이 언제 도착하는지 안내해 주시고, 처리가 어려우면 "
        "제 계정으로 반환해 주시기 바랍니다."
    ),
    "req_deposit": (
        "해당 입금 건을 확인하여 제 계정에 반영해 주시고, 추가로 필요한 자료가 있으면 "
        "알려 주시기 바랍니다."
    ),
    "req_account": (
        "계정을 정상적으로 이용할 수 있도록 도와주시고, 필요한 정보가 있으면 알려 주시기 바랍니다."
    ),
    "req_security": (
        "제 계정에 보안 조치를 취해 주시고, 승인되지 않은 활동이 있었는지 확인하여 알려 "
        "주시기 바랍니다."
    ),
    "req_trading": (
        "위 거래 내역을 검토하여 잘못된 결과를 바로잡아 주시거나, 그 경위를 설명해 주시기 바랍니다."
    ),
    "req_kyc": "제 신원 인증을 검토해 주시고, 추가로 필요한 서류가 있으면 알려 주시기 바랍니다.",
    "req_other": "이 건을 확인해 주시고 다음 절차를 안내해 주시기 바랍니다.",
    "req_escalated_to": "상위 부서({to})로 이관된 건이니, 답변 예정 시점을 알려 주시기 바랍니다.",
    "req_escalated": "상위 부서로 이관된 건이니, 답변 예정 시점을 알려 주시기 바랍니다.",
    "req_resolved": (
        "이 건은 해결된 것으로 표시되어 있습니다. 제가 추가로 조치할 사항이 없는지 확인해 "
        "주시기 바랍니다."
    ),
    "req_closed": "이 건은 종료되었습니다. 참고를 위해 이 요약을 보관해 주시기 바랍니다.",
}

_STRINGS = {"en": _EN, "zh": _ZH, "ko": _KO}

# Names of the document's enumerations. A value not listed is shown as written.
_NAMES: dict[str, dict[str, dict[str, str]]] = {
    "category": {
        "en": {
            "account": "Account",
            "security": "Security",
            "trading": "Trading",
            "deposit": "Deposit",
            "withdrawal": "Withdrawal",
            "kyc": "Identity verification (KYC)",
            "other": "Other",
        },
        "zh": {
            "account": "账户问题",
            "security": "账户安全",
            "trading": "交易问题",
            "deposit": "充币问题",
            "withdrawal": "提币问题",
            "kyc": "身份认证（KYC）",
            "other": "其他问题",
        },
        "ko": {
            "account": "계정",
            "security": "보안",
            "trading": "거래",
            "deposit": "입금",
            "withdrawal": "출금",
            "kyc": "신원 인증(KYC)",
            "other": "기타",
        },
    },
    # the problem as it reads inside the e-mail's opening sentence
    "problem": {
        "en": {
            "account": "a problem",
            "security": "a security problem",
            "trading": "a trading problem",
            "deposit": "a deposit problem",
            "withdrawal": "a withdrawal problem",
            "kyc": "an identity verification (KYC) problem",
            "other": "a problem",
        },
        "zh": {
            "account": "账户问题",
            "security": "账户安全问题",
            "trading": "交易问题",
            "deposit": "充币问题",
            "withdrawal": "提币问题",
            "kyc": "身份认证（KYC）问题",
            "other": "一些问题",
        },
        "ko": {
            # every value ends in 문제, so the particle 로 in the template fits
            "account": "계정 이용 문제",
            "security": "보안 문제",
            "trading": "거래 문제",
            "deposit": "입금 문제",
            "withdrawal": "출금 문제",
            "kyc": "신원 인증(KYC) 문제",
            "other": "문제",
        },
    },
    # the problem type as the e-mail subject names it
    "subject_type": {
        "en": {
            "account": "Account issue",
            "security": "Security issue",
            "trading": "Trading issue",
            "deposit": "Deposit issue",
            "withdrawal": "Withdrawal issue",
            "kyc": "Identity verification (KYC) issue",
            "other": "Support request",
        },
        "zh": {
            "account": "【账户问题】",
            "security": "【账户安全】",
            "trading": "【交易问题】",
            "deposit": "【充币问题】",
            "withdrawal": "【提币问题】",
            "kyc": "【身份认证（KYC）】",
            "other": "【咨询】",
        },
        "ko": {
            "account": "[계정 문의] ",
            "security": "[보안 문의] ",
            "trading": "[거래 문의] ",
            "deposit": "[입금 문의] ",
            "withdrawal": "[출금 문의] ",
            "kyc": "[신원 인증(KYC) 문의] ",
            "other": "[일반 문의] ",
        },
    },
    "status": {
        "en": {
            "open": "Open",
            "waiting": "Waiting for a reply",
            "escalated": "Escalated",
            "resolved": "Resolved",
            "closed": "Closed",
        },
        "zh": {
            "open": "待处理",
            "waiting": "等待回复",
            "escalated": "已升级处理",
            "resolved": "已解决",
            "closed": "已关闭",
        },
        "ko": {
            # each ends in a consonant, so 이며 / 입니다 in the templates fit
            "open": "미해결",
            "waiting": "답변 대기 중",
            "escalated": "상위 부서 이관",
            "resolved": "해결됨",
            "closed": "종료됨",
        },
    },
    "channel": {
        "en": {
            "chat": "Live chat",
            "email": "Email",
            "social": "Social media",
            "phone": "Phone",
            "forum": "Community forum",
            "form": "Web form",
            "other": "Other channel",
        },
        "zh": {
            "chat": "在线客服",
            "email": "电子邮件",
            "social": "社交媒体",
            "phone": "电话",
            "forum": "社区论坛",
            "form": "在线表单",
            "other": "其他渠道",
        },
        "ko": {
            "chat": "실시간 채팅",
            "email": "이메일",
            "social": "소셜 미디어",
            "phone": "전화",
            "forum": "커뮤니티 포럼",
            "form": "웹 문의 양식",
            "other": "기타 채널",
        },
    },
    "kind": {
        "en": {
            "note": "Note",
            "contact": "Contact",
            "reply": "Reply",
            "step": "Next step",
            "escalation": "Escalation",
            "status": "Status change",
        },
        "zh": {
            "note": "备注",
            "contact": "联系客服",
            "reply": "客服回复",
            "step": "后续步骤",
            "escalation": "升级处理",
            "status": "状态变更",
        },
        "ko": {
            "note": "메모",
            "contact": "문의",
            "reply": "상담원 답변",
            "step": "다음 조치",
            "escalation": "상위 이관",
            "status": "상태 변경",
        },
    },
    "tx_kind": {
        "en": {
            "deposit": "Deposit",
            "withdrawal": "Withdrawal",
            "trade": "Trade",
            "transfer": "Transfer",
            "other": "Other",
        },
        "zh": {
            "deposit": "充币",
            "withdrawal": "提币",
            "trade": "交易",
            "transfer": "转账",
            "other": "其他",
        },
        "ko": {
            "deposit": "입금",
            "withdrawal": "출금",
            "trade": "거래",
            "transfer": "이체",
            "other": "기타",
        },
    },
    "flag": {
        "en": {
            "scam-risk": "Scam risk",
            "unverified-channel": "Unofficial channel",
            "secret-request": "Asked for secrets",
            "phishing": "Possible phishing",
        },
        "zh": {
            "scam-risk": "疑似诈骗",
            "unverified-channel": "非官方渠道",
            "secret-request": "索要敏感信息",
            "phishing": "疑似钓鱼",
        },
        "ko": {
            "scam-risk": "사기 의심",
            "unverified-channel": "비공식 채널",
            "secret-request": "민감 정보 요구",
            "phishing": "피싱 의심",
        },
    },
}


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _offset_text(moment: datetime) -> str:
    """``+08:00`` style offset; empty for UTC itself."""
    offset = moment.utcoffset() or timedelta(0)
    if offset == timedelta(0):
        return ""
    total_minutes = int(offset.total_seconds() // 60)
    sign = "+" if total_minutes >= 0 else "-"
    hours, minutes = divmod(abs(total_minutes), 60)
    return f"{sign}{hours:02d}:{minutes:02d}"


def _clock(moment: datetime) -> str:
    """Hours and minutes; seconds only when they carry information."""
    if moment.second:
        return f"{moment:%H:%M:%S}"
    return f"{moment:%H:%M}"


class Translator:
    """The words, punctuation and date formats of one language."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self._strings = _STRINGS[lang]

    def __call__(self, key: str, **fields: object) -> str:
        template = self._strings[key]
        return template.format(**fields) if fields else template

    def name(self, table: str, value: str | None) -> str:
        """The translated name of an enumeration value, or the value itself."""
        if value is None:
            return ""
        return _NAMES[table][self.lang].get(value, value)

    def paren(self, inner: str) -> str:
        return self._strings["paren"].format(inner)

    def label(self, key: str, value: str) -> str:
        """``Label: value`` with the language's colon."""
        return f"{self._strings[key]}{self._strings['colon']}{value}"

    def join(self, items: list[str]) -> str:
        return self._strings["list_sep"].join(items)

    # -- dates -------------------------------------------------------------

    def _date(self, moment: datetime, *, with_year: bool = True) -> str:
        if self.lang == "en" and not with_year:
            return f"{_MONTHS[moment.month - 1]} {moment.day}"
        if self.lang == "zh":
            day = f"{moment.month}月{moment.day}日"
            return f"{moment.year}年{day}" if with_year else day
        if self.lang == "ko":
            day = f"{moment.month}월 {moment.day}일"
            return f"{moment.year}년 {day}" if with_year else day
        return f"{moment:%Y-%m-%d}"

    def time(self, moment: datetime, *, with_year: bool = True) -> str:
        """Local time with its explicit UTC offset: ``2026-11-20 14:03 UTC+08:00``.

        Without the year (for the chat export's timeline) English writes the
        month as a word, ``Nov 21 09:12 UTC+08:00``, which no reader can take
        for a day-month order.
        """
        stamp = f"{self._date(moment, with_year=with_year)} {_clock(moment)}"
        zone = f"UTC{_offset_text(moment)}"
        if self.lang == "en":
            return f"{stamp} {zone}"
        if self.lang == "ko":
            return f"{stamp} ({zone})"
        return stamp + self.paren(zone)

    def time_with_utc(self, moment: datetime) -> str:
        """As :meth:`time`, followed by the same moment in UTC for agents elsewhere."""
        offset = _offset_text(moment)
        if not offset:
            return self.time(moment)
        utc = moment.astimezone(UTC)
        if utc.date() == moment.date():
            utc_text = _clock(utc)
        else:  # the UTC date differs: name it (Chinese and Korean omit a repeated year)
            with_year = utc.year != moment.year or self.lang == "en"
            utc_text = f"{self._date(utc, with_year=with_year)} {_clock(utc)}"
        stamp = f"{self._date(moment)} {_clock(moment)}"
        if self.lang == "zh":
            return f"{stamp}（UTC{offset}，即 UTC {utc_text}）"
        if self.lang == "ko":
            return f"{stamp} (UTC{offset}, UTC 기준 {utc_text})"
        return f"{stamp} UTC{offset} ({utc_text} UTC)"
