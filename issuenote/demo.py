"""The running example: a 1,250 USDT withdrawal over TRON stuck for three days at OKX.

Expressed as the very commands a user would type, so `issuenote demo` both
fills a throwaway notebook and teaches the commands. Times are relative to
now, so the case is always "three days stuck".
"""

from __future__ import annotations

from datetime import datetime, timedelta

TRON_TXID = "7c2d4e1f9a8b3c6d5e4f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d"
TICKET = "TK-88412907"


def demo_commands(now: datetime) -> list[list[str]]:
    """The story as argument lists for `issuenote`, all in the past of `now`."""
    start = (now - timedelta(days=3)).replace(second=0, microsecond=0)

    def at(hours: float) -> str:
        return (start + timedelta(hours=hours)).astimezone().strftime("%Y-%m-%d %H:%M")

    order_id = f"W{start.astimezone():%Y%m%d%H%M}0012345"
    return [
        [
            "new",
            "USDT withdrawal stuck for three days",
            "--platform",
            "OKX",
            "--category",
            "withdrawal",
            "--account",
            "alice.chen@gmail.com",
            "--occurred",
            at(0),
            "--tag",
            "usdt",
            "--tag",
            "tron",
            "--lang",
            "en",
            "--description",
            "Withdrew 1,250 USDT over TRON (TRC20) to my own wallet. The withdrawal page "
            'has said "Processing" ever since and nothing has arrived in the wallet.',
        ],
        [
            "tx",
            "1",
            TRON_TXID,
            "--order-id",
            order_id,
            "--chain",
            "tron",
            "--network",
            "TRC20",
            "--asset",
            "USDT",
            "--amount",
            "1250.00",
            "--kind",
            "withdrawal",
            "--at",
            at(0),
        ],
        [
            "note",
            "1",
            "Checked the FAQ on delayed withdrawals: TRC20 usually takes minutes. "
            "Tronscan does not show the transfer reaching my address.",
            "--at",
            at(0.5),
        ],
        [
            "contact",
            "1",
            "--channel",
            "chat",
            "--via",
            "okx.com live chat",
            "--at",
            at(19.15),
            "Asked live chat why the withdrawal is stuck; gave UID, TxID and order ID.",
        ],
        [
            "reply",
            "1",
            "The transfer is waiting for confirmations on the TRON network. "
            f"I have opened ticket {TICKET} for you.",
            "--agent",
            "Kevin",
            "--agent-id",
            "CS-4471",
            "--ticket",
            TICKET,
            "--channel",
            "chat",
            "--suggests",
            "Wait 24 hours; if the funds have not arrived, email support with the TxID.",
            "--at",
            at(19.3),
        ],
        [
            "step",
            "1",
            "Email support with the TxID if the funds have not arrived",
            "--due",
            at(43.5),
            "--at",
            at(19.35),
        ],
        [
            "contact",
            "1",
            "--channel",
            "email",
            "--via",
            "support@okx.com",
            "--ticket",
            TICKET,
            "--at",
            at(44.0),
            "Emailed support from my registered address with the TxID, the order ID and "
            "screenshots of the withdrawal record.",
        ],
        ["done", "1", "4", "--at", at(44.0)],  # entry 4 is the step above
        [
            "reply",
            "1",
            "Your withdrawal is under review by our wallet team. We will update you by email.",
            "--agent",
            "Mina Park",
            "--agent-id",
            "CS-2093",
            "--ticket",
            TICKET,
            "--channel",
            "email",
            "--via",
            "support@okx.com",
            "--suggests",
            "No action needed; wait for the wallet team's review.",
            "--at",
            at(50.6),
        ],
        [
            "escalate",
            "1",
            "Asked for escalation: three days without the funds and no time frame.",
            "--to",
            "Tier 2 wallet team",
            "--at",
            at(50.9),
        ],
        [
            "contact",
            "1",
            "--channel",
            "social",
            "--at",
            at(52.0),
            "Posted on X to the official support account asking for an update.",
        ],
        [
            "step",
            "1",
            f"Follow up on ticket {TICKET} if there is no answer",
            "--due",
            at(68.0),
            "--at",
            at(52.1),
        ],
    ]
