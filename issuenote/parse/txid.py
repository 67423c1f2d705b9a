"""Recognise what a transaction ID is: an on-chain hash (which chain?) or an exchange order ID.

The point is a working explorer link in the export, so an agent can check the
transfer in one click, and a clear refusal when the chain the user named cannot
hold the hash they pasted (a common copy-paste slip that sends agents looking
on the wrong network).

How a bare 64-hex-digit hash is attributed, since Bitcoin, TRON, XRP Ledger,
TON, Litecoin and Dogecoin all use that shape:

1. a chain the user named wins (``--chain``);
2. else the asset: a network suffix in it (``USDT-TRC20``, ``USDT (ERC20)``)
   names the chain; else BTC -> bitcoin, TRX, USDT, USDC -> tron (the
   dominant stablecoin network for hashes without ``0x``), XRP -> xrp,
   TON -> ton, LTC -> litecoin, DOGE -> dogecoin, ETH/BNB/POL/MATIC/AVAX ->
   their EVM chain (the ``0x`` was dropped);
3. else no guess: the chain is left empty and the caller asks for ``--chain``
   (a Cosmos hash is upper-case hex too, a Bitcoin one lower-case: the shape
   alone cannot tell them apart).

``0x`` + 64 hex digits is an EVM hash: BNB -> bsc, POL/MATIC -> polygon,
AVAX -> avalanche, a network suffix in the asset -> that EVM chain, else
ethereum. Anything else that is not a recognised hash, with no chain named, is
kept as an exchange order ID, unless it is a hash with one character missing,
extra or off the alphabet: that is refused, since keeping it as an order ID
would hide the slip. An explorer link is taken apart into the site's chain and
the hash.
"""

from __future__ import annotations

import re
from functools import cache
from typing import NamedTuple

from issuenote.errors import IssuenoteError

__all__ = [
    "CHAIN_NAMES",
    "EVM_CHAINS",
    "MAX_TXID_CHARS",
    "MEMO_CHAINS",
    "TxidInfo",
    "chain_display_name",
    "explorer_url",
    "memo_missing",
    "normalize_chain",
    "order_id",
    "parse_explorer_link",
    "recognize",
]

MAX_TXID_CHARS = 200
MAX_CHAIN_CHARS = 60

CHAIN_NAMES: dict[str, str] = {
    "bitcoin": "Bitcoin",
    "ethereum": "Ethereum",
    "bsc": "BNB Smart Chain",
    "polygon": "Polygon",
    "arbitrum": "Arbitrum One",
    "optimism": "Optimism",
    "base": "Base",
    "avalanche": "Avalanche C-Chain",
    "tron": "TRON",
    "solana": "Solana",
    "xrp": "XRP Ledger",
    "ton": "TON",
    "litecoin": "Litecoin",
    "dogecoin": "Dogecoin",
    "lightning": "Bitcoin Lightning",
    "stellar": "Stellar",
    "eos": "EOS",
    "cosmos": "Cosmos Hub",
}
"""Display names of the chain keys we know, for exports and ``show``."""

EVM_CHAINS = frozenset({"ethereum", "bsc", "polygon", "arbitrum", "optimism", "base", "avalanche"})

_EXPLORERS: dict[str, str] = {
    "bitcoin": "https://mempool.space/tx/",
    "ethereum": "https://etherscan.io/tx/",
    "bsc": "https://bscscan.com/tx/",
    "polygon": "https://polygonscan.com/tx/",
    "arbitrum": "https://arbiscan.io/tx/",
    "optimism": "https://optimistic.etherscan.io/tx/",
    "base": "https://basescan.org/tx/",
    "avalanche": "https://snowtrace.io/tx/",
    "tron": "https://tronscan.org/#/transaction/",
    "solana": "https://solscan.io/tx/",
    "xrp": "https://livenet.xrpl.org/transactions/",
    "ton": "https://tonviewer.com/transaction/",
    "litecoin": "https://blockchair.com/litecoin/transaction/",
    "dogecoin": "https://blockchair.com/dogecoin/transaction/",
    "stellar": "https://stellar.expert/explorer/public/tx/",
    "eos": "https://bloks.io/transaction/",
    "cosmos": "https://www.mintscan.io/cosmos/tx/",
}

# Chains whose deposits to an exchange need a memo / tag / comment besides the
# address; without it the deposit cannot be credited (the most common lost deposit).
MEMO_CHAINS = frozenset({"xrp", "ton", "stellar", "eos", "cosmos"})
_MEMO_ASSETS = frozenset({"XRP", "TON", "XLM", "EOS", "ATOM"})

# Block explorer sites: host -> chain; None means the chain is the path's first part.
_EXPLORER_SITES: dict[str, str | None] = {
    "etherscan.io": "ethereum",
    "bscscan.com": "bsc",
    "polygonscan.com": "polygon",
    "arbiscan.io": "arbitrum",
    "optimistic.etherscan.io": "optimism",
    "basescan.org": "base",
    "snowtrace.io": "avalanche",
    "tronscan.org": "tron",
    "tronscan.io": "tron",
    "solscan.io": "solana",
    "explorer.solana.com": "solana",
    "mempool.space": "bitcoin",
    "blockstream.info": "bitcoin",
    "litecoinspace.org": "litecoin",
    "tonviewer.com": "ton",
    "tonscan.org": "ton",
    "xrpscan.com": "xrp",
    "livenet.xrpl.org": "xrp",
    "bithomp.com": "xrp",
    "stellar.expert": "stellar",
    "bloks.io": "eos",
    "mintscan.io": None,
    "blockchair.com": None,
    "blockchain.com": None,
}

# Keys are folded by _fold(): lower case, no spaces, hyphens, underscores or dots.
_CHAIN_ALIASES: dict[str, str] = {
    **dict.fromkeys(["bitcoin", "btc", "xbt", "bitcoinmainnet", "btcsegwit", "segwit"], "bitcoin"),
    **dict.fromkeys(
        ["ethereum", "eth", "erc20", "ether", "ethereummainnet", "ethmainnet"],
        "ethereum",
    ),
    **dict.fromkeys(
        [
            "bsc",
            "bep20",
            "bnb",
            "bnbchain",
            "bnbsmartchain",
            "binancesmartchain",
            "bscmainnet",
        ],
        "bsc",
    ),
    **dict.fromkeys(["polygon", "matic", "pol", "polygonpos", "maticnetwork"], "polygon"),
    **dict.fromkeys(["arbitrum", "arbitrumone", "arb", "arbone"], "arbitrum"),
    **dict.fromkeys(["optimism", "op", "opmainnet", "optimismmainnet"], "optimism"),
    **dict.fromkeys(["base", "basemainnet"], "base"),
    **dict.fromkeys(
        ["avalanche", "avax", "avaxc", "avaxcchain", "avalanchec", "avalanchecchain", "cchain"],
        "avalanche",
    ),
    **dict.fromkeys(["tron", "trx", "trc20", "trc10", "tronmainnet"], "tron"),
    **dict.fromkeys(["solana", "sol", "spl", "solanamainnet"], "solana"),
    **dict.fromkeys(["xrp", "ripple", "xrpl", "xrpledger"], "xrp"),
    **dict.fromkeys(["ton", "toncoin", "theopennetwork", "tonmainnet"], "ton"),
    **dict.fromkeys(["litecoin", "ltc"], "litecoin"),
    **dict.fromkeys(["dogecoin", "doge"], "dogecoin"),
    **dict.fromkeys(["lightning", "lightningnetwork", "ln", "btclightning"], "lightning"),
    **dict.fromkeys(["stellar", "xlm", "stellarlumens"], "stellar"),
    **dict.fromkeys(["eos", "eosio"], "eos"),
    **dict.fromkeys(["cosmos", "atom", "cosmoshub", "cosmoshub4"], "cosmos"),
}

# Words an exchange's network label may carry besides the chain's name.
_LABEL_FILLERS = frozenset(
    {"chain", "network", "mainnet", "smart", "one", "c", "pos", "usdt", "usdc", "dai", "fdusd"}
)

# What a bare asset symbol says about the chain of a hash (rule 2 of the module docstring).
_ASSET_CHAIN_HEX: dict[str, str] = {
    "BTC": "bitcoin",
    "TRX": "tron",
    "USDT": "tron",
    "USDC": "tron",
    "XRP": "xrp",
    "TON": "ton",
    "LTC": "litecoin",
    "DOGE": "dogecoin",
    "ATOM": "cosmos",
    "XLM": "stellar",
    "EOS": "eos",
    "ETH": "ethereum",
    "BNB": "bsc",
    "POL": "polygon",
    "MATIC": "polygon",
    "AVAX": "avalanche",
}
_ASSET_CHAIN_EVM: dict[str, str] = {
    "BNB": "bsc",
    "POL": "polygon",
    "MATIC": "polygon",
    "AVAX": "avalanche",
}

# Which shapes of hash each chain's transactions take.
_HEX64, _EVM, _SOLANA, _TON_B64 = "hex64", "evm", "solana", "ton-base64"
_CHAIN_SHAPES: dict[str, frozenset[str]] = {
    "bitcoin": frozenset({_HEX64}),
    "litecoin": frozenset({_HEX64}),
    "dogecoin": frozenset({_HEX64}),
    "xrp": frozenset({_HEX64}),
    # TRON explorers show hashes without 0x, but some wallets add it.
    "tron": frozenset({_HEX64, _EVM}),
    "ton": frozenset({_HEX64, _TON_B64}),
    "solana": frozenset({_SOLANA}),
    "stellar": frozenset({_HEX64}),
    "eos": frozenset({_HEX64}),
    "cosmos": frozenset({_HEX64}),
    **{chain: frozenset({_EVM, _HEX64}) for chain in EVM_CHAINS},
}
_SHAPE_WORDS = {
    _HEX64: "a 64-hex-digit hash",
    _EVM: "an EVM transaction hash (0x + 64 hex digits)",
    _SOLANA: "a Solana signature",
    _TON_B64: "a TON base64 hash",
}
_CHAIN_FORMATS = {
    **dict.fromkeys(
        ["bitcoin", "litecoin", "dogecoin", "tron", "stellar", "eos", "cosmos"], "64 hex digits"
    ),
    "xrp": "64 hex digits (usually upper case)",
    "ton": "64 hex digits or a 44-character base64 hash",
    "solana": "base58 signatures of 86 to 88 characters",
    **dict.fromkeys(EVM_CHAINS, "0x followed by 64 hex digits"),
}

_BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


class TxidInfo(NamedTuple):
    """What we know about one transaction ID the user gave.

    A NamedTuple, not a dataclass: `show` and `export` read stored links through
    this module, and dataclasses costs them inspect's import (~10 ms).
    """

    txid: str
    chain: str | None
    explorer_url: str | None
    is_onchain: bool

    @property
    def chain_name(self) -> str | None:
        """The chain for people ('TRON'); an unknown chain shows as the user wrote it."""
        return None if self.chain is None else chain_display_name(self.chain)


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    """Compile on first use, once."""
    return {
        _EVM: re.compile(r"0[xX][0-9a-fA-F]{64}"),
        _HEX64: re.compile(r"[0-9a-fA-F]{64}"),
        _SOLANA: re.compile(r"[1-9A-HJ-NP-Za-km-z]{86,88}"),
        _TON_B64: re.compile(r"[A-Za-z0-9+/_-]{43}="),
        "ton-base64-unpadded": re.compile(r"[A-Za-z0-9_-]{43}"),
        "hexish": re.compile(r"(?:0[xX])?[0-9a-fA-F]+"),
        "hashlike": re.compile(r"[A-Za-z0-9+/=_-]{40,}"),
        "fold": re.compile(r"[\s_.\-]+"),
        "label_split": re.compile(r"[\s()\[\]/_\-.,:]+"),
    }


def normalize_chain(name: str) -> str:
    """The chain key for a name users or exchanges write ('TRC20', 'BNB Chain', 'Tron (TRC20)').

    A name we do not know is kept, lower-cased and trimmed: users know chains we don't.
    """
    if not isinstance(name, str):
        raise TypeError(f"chain must be a str, not {type(name).__name__}")
    if len(name) > MAX_CHAIN_CHARS * 4:
        raise IssuenoteError(f"bad chain {_quote(name)}: too long ({len(name)} characters)")
    cleaned = " ".join(name.split()).lower()
    if not cleaned:
        raise IssuenoteError("bad chain '': empty")
    if len(cleaned) > MAX_CHAIN_CHARS:
        raise IssuenoteError(f"bad chain {_quote(name)}: too long ({len(cleaned)} characters)")
    if not cleaned.isprintable():
        raise IssuenoteError(f"bad chain {_quote(name)}: contains control or invisible characters")
    key = _CHAIN_ALIASES.get(_fold(cleaned))
    if key is None:
        key = _chain_from_label(cleaned)
    return key if key is not None else cleaned


def _chain_from_label(cleaned: str) -> str | None:
    """The chain in an exchange's network label: 'TRX Tron (TRC20)', 'USDT-TRC20', 'BTC-Lightning'.

    Every word must be a chain alias or a filler word ('chain', 'USDT'), so
    'Polygon zkEVM' or 'Arbitrum Nova' stay unknown chains instead of being
    mistaken for Polygon or Arbitrum One.
    """
    words = [w for w in _patterns()["label_split"].split(cleaned) if w]
    keys: set[str] = set()
    for word in words:
        key = _CHAIN_ALIASES.get(word)
        if key is not None:
            keys.add(key)
        elif word not in _LABEL_FILLERS:
            return None
    if keys == {"lightning", "bitcoin"}:
        return "lightning"
    return keys.pop() if len(keys) == 1 else None


def _fold(text: str) -> str:
    return _patterns()["fold"].sub("", text)


def chain_display_name(chain: str) -> str:
    """'tron' -> 'TRON'; a chain we don't know is shown as stored."""
    return CHAIN_NAMES.get(chain, chain)


def explorer_url(chain: str | None, txid: str) -> str | None:
    """A block explorer link for a transaction on a chain we know, else None.

    None too when the text cannot be a hash on that chain (an exchange order ID
    kept with its network), so a stored record never links to a wrong page.
    Hex hashes are written in the case and prefix the explorer expects; the
    user's own text is kept separately by the caller.
    """
    if chain is None or not isinstance(txid, str):
        return None
    try:
        key = normalize_chain(chain)
    except IssuenoteError:
        return None
    base = _EXPLORERS.get(key)
    text = txid.strip()
    if base is None or not _fits_chain(text, key):
        return None
    from urllib.parse import quote  # lazy: only needed when a link is built

    return base + quote(_explorer_form(key, text), safe="")


def _fits_chain(text: str, chain: str) -> bool:
    shape = _shape(text)
    if chain == "ton" and shape is None and _is_unpadded_ton_hash(text):
        shape = _TON_B64
    return shape in _CHAIN_SHAPES.get(chain, frozenset())


def _explorer_form(chain: str, txid: str) -> str:
    patterns = _patterns()
    if patterns[_EVM].fullmatch(txid):
        bare = txid[2:]
    elif patterns[_HEX64].fullmatch(txid):
        bare = txid
    elif chain == "ton" and (raw := _ton_base64_bytes(_padded(txid))) is not None:
        return raw.hex()  # tonviewer links by the hex form of the hash
    else:
        return txid
    if chain in EVM_CHAINS:
        return "0x" + bare.lower()
    if chain in ("xrp", "cosmos"):
        return bare.upper()
    return bare.lower()


def recognize(txid: str, *, chain: str | None = None, asset: str | None = None) -> TxidInfo:
    """Classify a transaction ID and build its explorer link (see the module docstring)."""
    text = _validated(txid)
    named = None
    if chain is not None and (not isinstance(chain, str) or chain.strip()):
        named = normalize_chain(chain)  # a blank --chain counts as not given
    link = parse_explorer_link(text)
    if link is not None:
        site_chain, text = link
        if named is not None and named != site_chain:
            raise IssuenoteError(
                f"the link is to a {chain_display_name(site_chain)} explorer, but --chain says "
                f"{chain_display_name(named)}; leave --chain out or check the link"
            )
        named = site_chain
    shape = _shape(text)
    if named is not None:
        return _with_named_chain(text, named, shape)
    if shape is None:
        _refuse_near_miss(text)
        return TxidInfo(text, None, None, is_onchain=False)
    guessed = _guess_chain(text, shape, asset)
    link_url = explorer_url(guessed, text) if guessed else None
    return TxidInfo(text, guessed, link_url, is_onchain=True)


def order_id(text: str) -> str:
    """An exchange order ID the user insists on (`--order`): checked as text, never as a hash."""
    return _validated(text)


def memo_missing(chain: str | None, asset: str | None, memo: str | None) -> bool:
    """True when the transfer's chain (or asset) needs a memo/tag and none is recorded."""
    if memo:
        return False
    symbol, network = _asset_hints(asset)
    return (chain in MEMO_CHAINS) or (network in MEMO_CHAINS) or (symbol in _MEMO_ASSETS)


def parse_explorer_link(text: str) -> tuple[str, str] | None:
    """(chain, hash) from a block explorer link; None if the text is not a link.

    A link to a site we do not know is refused: its chain cannot be told.
    """
    lowered = text.lower()
    if not lowered.startswith(("http://", "https://")):
        host = lowered.split("/", 1)[0]
        if "/" not in lowered or host.removeprefix("www.") not in _EXPLORER_SITES:
            return None
        text = "https://" + text
    from urllib.parse import unquote, urlsplit  # lazy: only for pasted links

    parts = urlsplit(text)
    host = (parts.hostname or "").removeprefix("www.")
    segments = [unquote(p) for p in f"{parts.path}/{parts.fragment}".split("/") if p]
    if host not in _EXPLORER_SITES:
        raise IssuenoteError(
            f"{_quote(text)} is a link to {host or 'a web page'}, not a block explorer "
            "issuenote knows; paste the transaction hash itself (and --chain)"
        )
    chain = _EXPLORER_SITES[host]
    if chain is None:
        chain = _chain_from_path(host, segments)
    pieces = [seg.split("?")[0] for seg in segments]
    candidates = [p for p in pieces if _shape(p) or _patterns()["hashlike"].fullmatch(p)]
    if not candidates:
        raise IssuenoteError(
            f"{_quote(text)} is a {host} link without a transaction hash in it; "
            "open it and copy the hash"
        )
    return chain, candidates[-1]


def _chain_from_path(host: str, segments: list[str]) -> str:
    """The chain named in the path: blockchair.com/litecoin/..., mintscan.io/cosmos/..."""
    words = [s for s in segments if s.lower() not in ("explorer", "transactions", "transaction")]
    if not words:
        raise IssuenoteError(f"cannot tell the chain from this {host} link; paste the hash")
    return normalize_chain(words[0])


def _refuse_near_miss(text: str) -> None:
    """A hash with one character missing, extra or mistyped is a slip, not an order ID."""
    prefixed = text[:2] in ("0x", "0X")
    body = text[2:] if prefixed else text
    hexdigits = "0123456789abcdefABCDEF"
    off = [(i, ch) for i, ch in enumerate(body) if ch not in hexdigits]
    problem = None
    if not off and len(body) in (63, 65):
        problem = "missing" if len(body) == 63 else "extra"
        detail = f"{len(body)} hex digits where a hash has 64"
    elif len(body) == 64 and len(off) == 1 and (prefixed or len(text) == 64):
        position, char = off[0]
        problem = "off the alphabet"
        detail = f"{char!r} at position {position + 1 + (2 if prefixed else 0)} is not a hex digit"
    if problem is not None:
        raise IssuenoteError(
            f"bad txid {_quote(text)}: looks like a transaction hash with a character "
            f"{problem} ({detail}); check it, or add --order if it really is an order ID"
        )


def _validated(txid: str) -> str:
    if not isinstance(txid, str):
        raise TypeError(f"txid must be a str, not {type(txid).__name__}")
    if len(txid) > MAX_TXID_CHARS * 4:
        raise IssuenoteError(f"bad txid {_quote(txid)}: too long ({len(txid)} characters)")
    text = txid.strip()
    if not text:
        raise IssuenoteError("bad txid '': empty")
    if len(text) > MAX_TXID_CHARS:
        raise IssuenoteError(
            f"bad txid {_quote(text)}: too long ({len(text)} characters, at most {MAX_TXID_CHARS})"
        )
    for char in text:
        if char.isspace():
            raise IssuenoteError(
                f"bad txid {_quote(text)}: contains whitespace; paste the ID as one word"
            )
        if not char.isprintable():
            raise IssuenoteError(
                f"bad txid {_quote(text)}: contains an invisible or control character "
                f"(U+{ord(char):04X}); paste it again or type it"
            )
    return text


def _shape(text: str) -> str | None:
    """Which hash shape the text has, or None for anything else (an order ID)."""
    patterns = _patterns()
    for shape in (_EVM, _HEX64):
        if patterns[shape].fullmatch(text):
            return shape
    if patterns[_SOLANA].fullmatch(text) and _is_base58_of_length(text, 64):
        return _SOLANA
    if patterns[_TON_B64].fullmatch(text) and _ton_base64_bytes(text) is not None:
        return _TON_B64
    return None


def _with_named_chain(text: str, chain: str, shape: str | None) -> TxidInfo:
    """The user named the chain: trust it, unless the hash clearly cannot belong to it."""
    if chain == "lightning":  # off-chain payment hashes: nothing to look up
        return TxidInfo(text, chain, None, is_onchain=False)
    allowed = _CHAIN_SHAPES.get(chain)
    if allowed is None:  # a chain we don't know: keep it, link nothing
        return TxidInfo(text, chain, None, is_onchain=_looks_like_hash(text))
    if _fits_chain(text, chain):
        return TxidInfo(text, chain, explorer_url(chain, text), is_onchain=True)
    display = chain_display_name(chain)
    expected = f"{display} transaction hashes are {_CHAIN_FORMATS[chain]}"
    if shape is not None:
        raise IssuenoteError(
            f"bad txid {_quote(text)}: this is {_SHAPE_WORDS[shape]}, not a transaction on "
            f"{display} ({expected}); check the chain"
        )
    if _looks_like_hash(text):
        digits = _hex_digit_count(text)
        found = f"{digits} hex digits" if digits is not None else f"{len(text)} characters"
        raise IssuenoteError(
            f"bad txid {_quote(text)}: looks like a transaction hash with a character "
            f"missing/extra ({found}); {expected}"
        )
    # Short, order-ID-like text with a chain: an exchange's withdrawal ID on that network.
    return TxidInfo(text, chain, None, is_onchain=False)


def _guess_chain(text: str, shape: str, asset: str | None) -> str | None:
    symbol, network = _asset_hints(asset)
    if shape == _SOLANA:
        return "solana"
    if shape == _TON_B64:
        return "ton"
    if shape == _EVM:
        if network in EVM_CHAINS:
            return network
        return _ASSET_CHAIN_EVM.get(symbol, "ethereum")
    if network is not None and _HEX64 in _CHAIN_SHAPES.get(network, frozenset()):
        return network
    return _ASSET_CHAIN_HEX.get(symbol)


def _asset_hints(asset: str | None) -> tuple[str, str | None]:
    """('USDT', 'tron') from 'USDT-TRC20', 'usdt (trc20)', 'USDT_TRON'; ('BTC', None) from 'btc'."""
    if not asset or not asset.strip():
        return "", None
    label = asset.strip()[:MAX_CHAIN_CHARS].lower()
    words = [w for w in _patterns()["label_split"].split(label) if w]
    if not words:
        return "", None
    symbol = words[0].upper()
    network = None
    for word in words[1:]:
        network = _CHAIN_ALIASES.get(word)
        if network is not None:
            break
    return symbol, network


def _looks_like_hash(text: str) -> bool:
    """Long and made of hash characters: a mangled hash rather than an exchange order ID."""
    if _patterns()["hashlike"].fullmatch(text):
        return True
    return text[:2] in ("0x", "0X") and _hex_digit_count(text) is not None


def _hex_digit_count(text: str) -> int | None:
    if not _patterns()["hexish"].fullmatch(text):
        return None
    return len(text) - 2 if text[:2] in ("0x", "0X") else len(text)


def _is_base58_of_length(text: str, size: int) -> bool:
    """Decode base58 far enough to know the byte length (Solana signatures are 64 bytes)."""
    value = 0
    for char in text:
        value = value * 58 + _BASE58_ALPHABET.index(char)
    leading_zero_bytes = len(text) - len(text.lstrip("1"))
    return leading_zero_bytes + (value.bit_length() + 7) // 8 == size


def _ton_base64_bytes(text: str) -> bytes | None:
    """The 32-byte hash of a TON base64 / base64url hash, or None if it is not one."""
    import base64  # lazy: rare input
    import binascii

    standard = text.replace("-", "+").replace("_", "/")
    try:
        raw = base64.b64decode(standard, validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if len(raw) == 32 else None


def _is_unpadded_ton_hash(text: str) -> bool:
    return bool(_patterns()["ton-base64-unpadded"].fullmatch(text)) and (
        _ton_base64_bytes(_padded(text)) is not None
    )


def _padded(text: str) -> str:
    """Base64url hashes are often shown without their '=' padding."""
    return text + "=" * (-len(text) % 4)


def _quote(text: str, limit: int = 70) -> str:
    """Quote user input for a message: short, with control characters made visible."""
    shown = text if len(text) <= limit else text[:limit] + "…"
    visible = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in shown)
    return f"'{visible}'"
