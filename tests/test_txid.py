"""Transaction-ID recognition: chains, explorer links, hints, contradictions, hostile input."""

from __future__ import annotations

import base64
import hashlib
import subprocess
import sys
from urllib.parse import urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from issuenote.errors import IssuenoteError
from issuenote.parse.txid import (
    CHAIN_NAMES,
    EVM_CHAINS,
    TxidInfo,
    chain_display_name,
    explorer_url,
    normalize_chain,
    recognize,
)

BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def b58encode(raw: bytes) -> str:
    value = int.from_bytes(raw, "big")
    out = ""
    while value:
        value, digit = divmod(value, 58)
        out = BASE58[digit] + out
    return "1" * (len(raw) - len(raw.lstrip(b"\0"))) + out


# The Bitcoin genesis block's coinbase transaction.
BTC = "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b"
ETH = "0x88df016429689c079f3b2f6ad39fa052532c56795b733da78a91ebe6a713944b"
TRON = hashlib.sha256(b"issuenote: a TRON transaction").hexdigest()
XRP = "E3FE6EA3D48F0C2B639448020EA4F03D4F4F8FFDB243A852A0F59177921B4879"
SOLANA = b58encode(bytes(range(1, 65)))
TON_BYTES = bytes.fromhex(TRON)
TON_B64URL = base64.urlsafe_b64encode(TON_BYTES).decode()
TON_B64 = base64.b64encode(bytes.fromhex("fb" * 32)).decode()  # has '+' and '/'


def test_samples_have_the_shapes_we_think() -> None:
    assert len(SOLANA) in range(86, 89)
    assert len(TON_B64URL) == 44 and TON_B64URL.endswith("=")
    assert "+" in TON_B64 or "/" in TON_B64


# -- recognition without a chain -------------------------------------------------


@pytest.mark.parametrize(
    ("txid", "asset", "chain", "url"),
    [
        (BTC, None, None, None),  # 64 hex and no asset: the chain cannot be told
        (BTC, "BTC", "bitcoin", f"https://mempool.space/tx/{BTC}"),
        (TRON, "USDT", "tron", f"https://tronscan.org/#/transaction/{TRON}"),
        (TRON, "usdt", "tron", f"https://tronscan.org/#/transaction/{TRON}"),
        (TRON, "USDC", "tron", f"https://tronscan.org/#/transaction/{TRON}"),
        (TRON, "TRX", "tron", f"https://tronscan.org/#/transaction/{TRON}"),
        (TRON, "XRP", "xrp", f"https://livenet.xrpl.org/transactions/{TRON.upper()}"),
        (TRON, "TON", "ton", f"https://tonviewer.com/transaction/{TRON}"),
        (TRON, "LTC", "litecoin", f"https://blockchair.com/litecoin/transaction/{TRON}"),
        (TRON, "DOGE", "dogecoin", f"https://blockchair.com/dogecoin/transaction/{TRON}"),
        (TRON, "ETH", "ethereum", f"https://etherscan.io/tx/0x{TRON}"),
        (TRON, "USDT-TRC20", "tron", f"https://tronscan.org/#/transaction/{TRON}"),
        (TRON, "USDT (TRC20)", "tron", f"https://tronscan.org/#/transaction/{TRON}"),
        (TRON, "USDT-ERC20", "ethereum", f"https://etherscan.io/tx/0x{TRON}"),
        (TRON, "USDT_TON", "ton", f"https://tonviewer.com/transaction/{TRON}"),
        (TRON, "SHIB", None, None),  # unknown asset: no guess
        (XRP, None, None, None),  # upper case: XRP or Cosmos? no guess
        (XRP, "BTC", "bitcoin", f"https://mempool.space/tx/{XRP.lower()}"),
        (XRP, "ATOM", "cosmos", f"https://www.mintscan.io/cosmos/tx/{XRP}"),  # not Bitcoin
        (TRON, "XLM", "stellar", f"https://stellar.expert/explorer/public/tx/{TRON}"),
        (TRON, "EOS", "eos", f"https://bloks.io/transaction/{TRON}"),
        ("1" * 64, None, None, None),
        (ETH, None, "ethereum", f"https://etherscan.io/tx/{ETH}"),
        (ETH, "USDT", "ethereum", f"https://etherscan.io/tx/{ETH}"),  # 0x: not tron
        (ETH, "BNB", "bsc", f"https://bscscan.com/tx/{ETH}"),
        (ETH, "POL", "polygon", f"https://polygonscan.com/tx/{ETH}"),
        (ETH, "MATIC", "polygon", f"https://polygonscan.com/tx/{ETH}"),
        (ETH, "AVAX", "avalanche", f"https://snowtrace.io/tx/{ETH}"),
        (ETH, "USDT-BEP20", "bsc", f"https://bscscan.com/tx/{ETH}"),
        (ETH, "USDC (Arbitrum One)", "arbitrum", f"https://arbiscan.io/tx/{ETH}"),
        (ETH, "USDT-TRC20", "ethereum", f"https://etherscan.io/tx/{ETH}"),  # asset hints are soft
        (ETH.upper().replace("0X", "0x"), None, "ethereum", f"https://etherscan.io/tx/{ETH}"),
        (SOLANA, None, "solana", f"https://solscan.io/tx/{SOLANA}"),
        (SOLANA, "USDT", "solana", f"https://solscan.io/tx/{SOLANA}"),
        (TON_B64URL, None, "ton", f"https://tonviewer.com/transaction/{TRON}"),
        (TON_B64, None, "ton", "https://tonviewer.com/transaction/" + "fb" * 32),
    ],
)
def test_recognises_hashes(
    txid: str, asset: str | None, chain: str | None, url: str | None
) -> None:
    info = recognize(txid, asset=asset)
    assert info == TxidInfo(txid, chain, url, is_onchain=True)


@pytest.mark.parametrize(
    "txid",
    [
        "W2026112014030012345",
        "1234567890123",
        "b6ae22b3aa844210a7041aee7589627c",  # 32 hex: an exchange withdrawal ID
        "OKX-88412907",
        "TK-88412907",
        "订单20261120",
        "0x1234",  # short hex with 0x: not a hash, keep it
        "5" * 85,  # base58 but too short for a Solana signature
        "z" * 89,
        TON_B64URL.rstrip("="),  # unpadded base64url: only with --chain ton
        "ÄÖÜ-123",
    ],
)
def test_everything_else_is_an_exchange_order_id(txid: str) -> None:
    assert recognize(txid) == TxidInfo(txid, None, None, is_onchain=False)


def test_whitespace_is_trimmed_and_case_kept() -> None:
    info = recognize(f"  \t{XRP}\n")
    assert info.txid == XRP
    mixed = BTC[:10].upper() + BTC[10:]
    assert recognize(mixed).txid == mixed
    assert recognize(mixed, asset="BTC").explorer_url == f"https://mempool.space/tx/{BTC}"
    assert recognize(" W2026 ").txid == "W2026"


def test_solana_check_decodes_length() -> None:
    too_big = "z" * 88  # base58 alphabet and length, but more than 64 bytes
    assert recognize(too_big).chain is None
    with_leading_zeros = b58encode(b"\0" + bytes(range(2, 65)))
    if 86 <= len(with_leading_zeros) <= 88:
        assert recognize(with_leading_zeros).chain == "solana"


@given(st.binary(min_size=64, max_size=64))
def test_any_solana_signature_is_recognised(raw: bytes) -> None:
    text = b58encode(raw)
    if 86 <= len(text) <= 88:
        info = recognize(text)
        assert info.chain == "solana"
        assert info.explorer_url == f"https://solscan.io/tx/{text}"


@given(st.binary(min_size=32, max_size=32), st.booleans())
def test_any_64_hex_hash_is_on_chain(raw: bytes, prefixed: bool) -> None:
    text = ("0x" if prefixed else "") + raw.hex()
    info = recognize(text)
    assert info.is_onchain
    assert info.chain == ("ethereum" if prefixed else None)
    if prefixed:
        assert info.explorer_url is not None and info.explorer_url.endswith(raw.hex())
    else:  # no chain, no link: a link to the wrong explorer would mislead the agent
        assert info.explorer_url is None


# -- a chain given --------------------------------------------------------------


@pytest.mark.parametrize(
    ("chain", "base"),
    [
        ("ethereum", "https://etherscan.io/tx/"),
        ("bsc", "https://bscscan.com/tx/"),
        ("polygon", "https://polygonscan.com/tx/"),
        ("arbitrum", "https://arbiscan.io/tx/"),
        ("optimism", "https://optimistic.etherscan.io/tx/"),
        ("base", "https://basescan.org/tx/"),
        ("avalanche", "https://snowtrace.io/tx/"),
    ],
)
def test_evm_chains(chain: str, base: str) -> None:
    assert recognize(ETH, chain=chain) == TxidInfo(ETH, chain, base + ETH, is_onchain=True)
    # the 0x dropped: still that chain, and the link gets it back
    bare = recognize(ETH[2:], chain=chain)
    assert bare == TxidInfo(ETH[2:], chain, base + ETH, is_onchain=True)


@pytest.mark.parametrize(
    ("txid", "chain", "expected_chain", "url"),
    [
        (TRON, "TRC20", "tron", f"https://tronscan.org/#/transaction/{TRON}"),
        (TRON, "Tron", "tron", f"https://tronscan.org/#/transaction/{TRON}"),
        (TRON, "TRX Tron (TRC20)", "tron", f"https://tronscan.org/#/transaction/{TRON}"),
        ("0x" + TRON, "tron", "tron", f"https://tronscan.org/#/transaction/{TRON}"),
        (TRON, "bitcoin", "bitcoin", f"https://mempool.space/tx/{TRON}"),
        (TRON, "xrp", "xrp", f"https://livenet.xrpl.org/transactions/{TRON.upper()}"),
        (TRON, "ltc", "litecoin", f"https://blockchair.com/litecoin/transaction/{TRON}"),
        (TRON, "Dogecoin", "dogecoin", f"https://blockchair.com/dogecoin/transaction/{TRON}"),
        (TRON, "ton", "ton", f"https://tonviewer.com/transaction/{TRON}"),
        (TON_B64URL, "ton", "ton", f"https://tonviewer.com/transaction/{TRON}"),
        (TON_B64URL.rstrip("="), "TON", "ton", f"https://tonviewer.com/transaction/{TRON}"),
        (SOLANA, "SOL", "solana", f"https://solscan.io/tx/{SOLANA}"),
        (ETH, "BEP20", "bsc", f"https://bscscan.com/tx/{ETH}"),
        (ETH, "BNB Chain", "bsc", f"https://bscscan.com/tx/{ETH}"),
        (ETH, "OP", "optimism", f"https://optimistic.etherscan.io/tx/{ETH}"),
        (ETH, "Arbitrum One", "arbitrum", f"https://arbiscan.io/tx/{ETH}"),
        (ETH, "AVAXC AVAX C-Chain", "avalanche", f"https://snowtrace.io/tx/{ETH}"),
    ],
)
def test_named_chain_wins(txid: str, chain: str, expected_chain: str, url: str) -> None:
    assert recognize(txid, chain=chain, asset="BTC") == TxidInfo(
        txid, expected_chain, url, is_onchain=True
    )


def test_blank_chain_counts_as_not_given() -> None:
    assert recognize(BTC, chain="", asset="BTC").chain == "bitcoin"
    assert recognize(BTC, chain="   ").chain is None


def test_unknown_chain_is_kept_without_a_link() -> None:
    assert recognize(BTC, chain="  Sui ") == TxidInfo(BTC, "sui", None, is_onchain=True)
    long_base58 = "9" * 44
    assert recognize(long_base58, chain="NEAR") == TxidInfo(
        long_base58, "near", None, is_onchain=True
    )
    assert recognize("W123", chain="Polygon zkEVM") == TxidInfo(
        "W123", "polygon zkevm", None, is_onchain=False
    )


def test_order_id_with_a_known_chain_keeps_the_network() -> None:
    assert recognize("1234567890123", chain="TRC20") == TxidInfo(
        "1234567890123", "tron", None, is_onchain=False
    )
    assert recognize("W2026112014030012345", chain="ethereum") == TxidInfo(
        "W2026112014030012345", "ethereum", None, is_onchain=False
    )


def test_lightning_is_off_chain() -> None:
    assert recognize(BTC, chain="BTC-Lightning") == TxidInfo(BTC, "lightning", None, False)
    assert recognize(BTC, chain="Lightning Network").chain == "lightning"


@pytest.mark.parametrize(
    ("txid", "chain", "words"),
    [
        (SOLANA, "ethereum", "this is a Solana signature, not a transaction on Ethereum"),
        (SOLANA, "tron", "not a transaction on TRON (TRON transaction hashes are 64 hex"),
        (ETH, "bitcoin", "this is an EVM transaction hash (0x + 64 hex digits), not a"),
        (ETH, "solana", "not a transaction on Solana"),
        (ETH, "xrp", "not a transaction on XRP Ledger"),
        (BTC, "solana", "this is a 64-hex-digit hash, not a transaction on Solana"),
        (TON_B64URL, "ethereum", "this is a TON base64 hash, not a transaction on Ethereum"),
        (TON_B64URL, "bitcoin", "not a transaction on Bitcoin"),
        (BTC[:-1], "bitcoin", "character missing/extra (63 hex digits)"),
        (BTC + "a", "tron", "character missing/extra (65 hex digits)"),
        (ETH[:-1], "ethereum", "character missing/extra (63 hex digits)"),
        ("0x1234", "bsc", "character missing/extra (4 hex digits)"),
        (SOLANA[:-5], "solana", f"character missing/extra ({len(SOLANA) - 5} characters)"),
        ("g" * 64, "bitcoin", "character missing/extra (64 characters)"),
    ],
)
def test_contradictions_are_refused(txid: str, chain: str, words: str) -> None:
    with pytest.raises(IssuenoteError) as caught:
        recognize(txid, chain=chain)
    message = str(caught.value)
    assert message.startswith("bad txid '")
    assert words in message


# -- hostile input ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("txid", "reason"),
    [
        ("", "empty"),
        ("   \n\t", "empty"),
        ("abc def", "contains whitespace"),
        ("abc\tdef", "contains whitespace"),
        ("abc\ndef", "contains whitespace"),
        ("abc\u3000def", "contains whitespace"),  # ideographic space
        ("abc\x00def", "(U+0000)"),
        ("abc\x1bdef", "(U+001B)"),
        (BTC + "\u200b", "(U+200B)"),  # zero-width space from a web page
        ("\ufeff" + BTC, "(U+FEFF)"),
        ("abc\u202edef", "(U+202E)"),  # right-to-left override
        ("x" * 201, "too long (201 characters, at most 200)"),
        ("x" * 100_000, "too long (100000 characters)"),
    ],
)
def test_hostile_input_is_refused(txid: str, reason: str) -> None:
    with pytest.raises(IssuenoteError) as caught:
        recognize(txid)
    message = str(caught.value)
    assert message.startswith("bad txid '")
    assert reason in message
    assert len(message) < 300
    assert "\x00" not in message and "\n" not in message


def test_longest_accepted_order_id() -> None:
    assert recognize("x" * 200).txid == "x" * 200


def test_odd_unicode_order_ids_are_kept() -> None:
    for text in ("🧾12345", "Ｗ２０２６", "주문-12345", "e\u0301t\u00e9"):
        assert recognize(text) == TxidInfo(text, None, None, is_onchain=False)


def test_wrong_types() -> None:
    with pytest.raises(TypeError):
        recognize(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        normalize_chain(12)  # type: ignore[arg-type]


@given(st.text(max_size=250), st.one_of(st.none(), st.text(max_size=30)), st.text(max_size=20))
@settings(max_examples=400)
def test_any_text_gives_info_or_a_clean_error(txid: str, chain: str | None, asset: str) -> None:
    try:
        info = recognize(txid, chain=chain, asset=asset)
    except IssuenoteError as error:
        assert str(error).startswith(("bad txid '", "bad chain '"))
    else:
        assert info.txid == txid.strip()
        if info.explorer_url is not None:
            assert info.is_onchain
            parts = urlsplit(info.explorer_url)
            assert parts.scheme == "https" and " " not in info.explorer_url


# -- chains and links -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("TRC20", "tron"),
        ("TRC-20", "tron"),
        ("TRX", "tron"),
        ("Tron", "tron"),
        ("ERC20", "ethereum"),
        ("ETH", "ethereum"),
        ("Ethereum Mainnet", "ethereum"),
        ("BEP20", "bsc"),
        ("BEP-20", "bsc"),
        ("BSC", "bsc"),
        ("BNB Chain", "bsc"),
        ("bnb_chain", "bsc"),
        ("BNB Smart Chain", "bsc"),
        ("BSC BNB Smart Chain (BEP20)", "bsc"),
        ("BTC", "bitcoin"),
        ("Bitcoin", "bitcoin"),
        ("SOL", "solana"),
        ("Solana", "solana"),
        ("XRP", "xrp"),
        ("Ripple", "xrp"),
        ("XRP Ledger", "xrp"),
        ("TON", "ton"),
        ("Toncoin", "ton"),
        ("Arbitrum One", "arbitrum"),
        ("ARBITRUM", "arbitrum"),
        ("OP", "optimism"),
        ("OP Mainnet", "optimism"),
        ("Optimism", "optimism"),
        ("Matic", "polygon"),
        ("POL", "polygon"),
        ("Polygon PoS", "polygon"),
        ("Base", "base"),
        ("AVAX C-Chain", "avalanche"),
        ("Avalanche C-Chain", "avalanche"),
        ("LTC", "litecoin"),
        ("DOGE", "dogecoin"),
        ("USDT-TRC20", "tron"),
        ("USDT TRC20", "tron"),
        ("TRX Tron (TRC20)", "tron"),
        ("ETH Ethereum (ERC20)", "ethereum"),
        ("BTC-Lightning", "lightning"),
        ("  tron  ", "tron"),
        # unknown: kept, lower-cased, trimmed, spaces collapsed
        ("Sui", "sui"),
        ("  My   Chain ", "my chain"),
        ("Polygon zkEVM", "polygon zkevm"),
        ("Arbitrum Nova", "arbitrum nova"),
        ("BNB Beacon Chain", "bnb beacon chain"),
        ("TRON-ETH", "tron-eth"),  # two chains: ambiguous, keep as written
        ("比特币", "比特币"),
    ],
)
def test_normalize_chain(name: str, key: str) -> None:
    assert normalize_chain(name) == key
    assert normalize_chain(key) == key  # idempotent: stored keys stay put


@given(st.text(min_size=1, max_size=60))
def test_normalize_chain_is_idempotent(name: str) -> None:
    try:
        key = normalize_chain(name)
    except IssuenoteError:
        return
    assert normalize_chain(key) == key
    assert key == key.strip() and key == key.lower()


@pytest.mark.parametrize(
    ("name", "reason"),
    [("", "empty"), ("  ", "empty"), ("a\x00b", "control"), ("x" * 61, "too long")],
)
def test_normalize_chain_refusals(name: str, reason: str) -> None:
    with pytest.raises(IssuenoteError, match=reason):
        normalize_chain(name)


def test_explorer_url_for_every_chain_we_know() -> None:
    for chain in CHAIN_NAMES:
        txid = {
            "solana": SOLANA,
            **dict.fromkeys(EVM_CHAINS, ETH),
        }.get(chain, BTC)
        url = explorer_url(chain, txid)
        if chain == "lightning":
            assert url is None
        else:
            shown = txid if chain == "solana" else txid.lower()  # base58 is case-sensitive
            assert url is not None and url.startswith("https://")
            upper = chain in ("xrp", "cosmos") and url.endswith(txid.upper())
            assert url.endswith(shown) or upper


def test_explorer_url_edge_cases() -> None:
    assert explorer_url(None, BTC) is None
    assert explorer_url("sui", BTC) is None
    assert explorer_url("TRC20", TRON) == f"https://tronscan.org/#/transaction/{TRON}"
    assert explorer_url("tron", "1234567890123") is None  # an order ID never gets a link
    assert explorer_url("bitcoin", ETH) is None
    assert explorer_url("x" * 500, BTC) is None  # never raises on odd stored data
    assert explorer_url("a\x00", BTC) is None
    assert explorer_url("ethereum", f" {ETH} ") == f"https://etherscan.io/tx/{ETH}"
    ton = explorer_url("ton", TON_B64)
    assert ton == "https://tonviewer.com/transaction/" + "fb" * 32  # base64 becomes hex
    assert "+" not in ton and "/" not in ton.removeprefix("https://tonviewer.com/transaction/")


def test_chain_names() -> None:
    assert CHAIN_NAMES["tron"] == "TRON"
    assert CHAIN_NAMES["bsc"] == "BNB Smart Chain"
    assert CHAIN_NAMES["xrp"] == "XRP Ledger"
    assert chain_display_name("sui") == "sui"
    assert recognize(TRON, asset="USDT").chain_name == "TRON"
    assert recognize("W1").chain_name is None
    for chain in ("bitcoin", "ethereum", "tron", "solana", "xrp", "ton", "litecoin", "dogecoin"):
        assert chain in CHAIN_NAMES
    assert CHAIN_NAMES.keys() >= EVM_CHAINS


def test_txid_info_is_frozen() -> None:
    info = recognize(BTC, asset="BTC")
    with pytest.raises(AttributeError):
        info.chain = "tron"  # type: ignore[misc]
    assert tuple(info) == (BTC, "bitcoin", f"https://mempool.space/tx/{BTC}", True)


def test_import_stays_light() -> None:
    code = (
        "import sys, issuenote.parse.txid;"
        "heavy = {'typer', 'rich', 'sqlite3', 'sqlite_utils', 'keyring', 'click', 'cryptography'};"
        "print(sorted(heavy & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("txid", "words"),
    [
        (BTC[:-1], "with a character missing (63 hex digits"),
        (BTC + "0", "with a character extra (65 hex digits"),
        (ETH[:-1], "with a character missing (63 hex digits"),
        (ETH + "a", "with a character extra (65 hex digits"),
        (BTC[:20] + "g" + BTC[21:], "off the alphabet ('g' at position 21"),
        (ETH[:30] + "O" + ETH[31:], "off the alphabet ('O' at position 31"),
    ],
)
def test_a_hash_with_a_slip_is_refused_not_kept_as_an_order_id(txid: str, words: str) -> None:
    with pytest.raises(IssuenoteError, match="looks like a transaction hash") as caught:
        recognize(txid)
    assert words in str(caught.value)
    assert "--order" in str(caught.value)


@pytest.mark.parametrize(
    ("link", "chain", "txid"),
    [
        (f"https://etherscan.io/tx/{ETH}", "ethereum", ETH),
        (f"https://tronscan.org/#/transaction/{TRON}", "tron", TRON),
        (f"https://solscan.io/tx/{SOLANA}?cluster=mainnet", "solana", SOLANA),
        (f"https://mempool.space/tx/{BTC}", "bitcoin", BTC),
        (f"https://blockchair.com/litecoin/transaction/{BTC}", "litecoin", BTC),
        (f"https://tonviewer.com/transaction/{TRON}", "ton", TRON),
        (f"https://xrpscan.com/tx/{XRP}", "xrp", XRP),
        (f"https://bscscan.com/tx/{ETH}", "bsc", ETH),
        (f"https://arbiscan.io/tx/{ETH}", "arbitrum", ETH),
        (f"https://polygonscan.com/tx/{ETH}", "polygon", ETH),
        (f"www.etherscan.io/tx/{ETH}", "ethereum", ETH),
        (f"https://www.mintscan.io/cosmos/tx/{XRP}", "cosmos", XRP),
    ],
)
def test_explorer_links_are_taken_apart(link: str, chain: str, txid: str) -> None:
    info = recognize(link)
    assert (info.txid, info.chain, info.is_onchain) == (txid, chain, True)
    assert info.explorer_url is not None


def test_explorer_link_problems_are_refused() -> None:
    with pytest.raises(IssuenoteError, match="not a block explorer issuenote knows"):
        recognize(f"https://example.com/tx/{BTC}")
    with pytest.raises(IssuenoteError, match="without a transaction hash"):
        recognize("https://etherscan.io/address/0x12")
    with pytest.raises(IssuenoteError, match="--chain says"):
        recognize(f"https://etherscan.io/tx/{ETH}", chain="tron")


def test_memo_missing() -> None:
    from issuenote.parse.txid import memo_missing

    assert memo_missing("xrp", None, None)
    assert memo_missing(None, "ATOM", None)
    assert memo_missing("ton", "USDT", "")
    assert not memo_missing("xrp", "XRP", "123456")
    assert not memo_missing("tron", "USDT", None)
