"""Warn the user when an "agent" behaves like a fake one.

Support channels around crypto exchanges are full of impostors. Real support
never asks for a password, a seed phrase, a 2FA code or a transfer, and never
moves the talk to a private messenger; it writes from the platform's own
domains. When the user logs an agent's reply or a contact, the CLI asks this
module two questions and stores the answers as entry flags:

* `scam_signals(text)`: does the reply *ask* for something real support never
  asks for? Warnings ("we will never ask for your password") are not requests
  and are not flagged.
* `channel_signals(platform, via)`: is the address, link or handle the reply
  came from one of the platform's official ones (`official_channels.toml`,
  plus the user's own additions)? Look-alike and punycode domains are called
  out as such.

Every signal carries one plain sentence saying why, for the warning the CLI
prints. Pure module: standard library only, the registry is read on first use
and every pattern table is compiled once, on first use.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from typing import Any, NamedTuple

from issuenote.errors import IssuenoteError

__all__ = [
    "MAX_SCAN_CHARS",
    "MAX_VIA_CHARS",
    "SCAM_RISK",
    "UNVERIFIED_CHANNEL",
    "PlatformChannels",
    "Registry",
    "Signal",
    "channel_signals",
    "load_registry",
    "scam_signals",
]

SCAM_RISK = "scam-risk"
UNVERIFIED_CHANNEL = "unverified-channel"

# A reply longer than this is scanned up to here: a real agent's message is a
# few hundred characters, and the scan must stay instant on a pasted log.
MAX_SCAN_CHARS = 200_000
# An address or handle is short; anything past this is not looked at.
MAX_VIA_CHARS = 2_000


class Signal(NamedTuple):
    """One reason to distrust a reply or a channel.

    `flag` is what the entry stores (`scam-risk` or `unverified-channel`),
    `reason` the sentence shown to the user, `code` a stable name for the
    rule that fired (``password``, ``look-alike-domain``, ...).
    """

    flag: str
    reason: str
    code: str = ""


# ---------------------------------------------------------------------------
# The registry of official channels
# ---------------------------------------------------------------------------

_OVERRIDE_KEYS = frozenset({"domains", "emails", "handles", "aliases", "verify", "replace"})
# Keys of the same tables that the exporters read (issuenote.exporters.presets).
_EXPORT_KEYS = frozenset({"support_email", "chat_max_chars", "chat_max_bytes"})


@cache
def _simple_patterns() -> dict[str, re.Pattern[str]]:
    """Small patterns used everywhere, compiled on first use (not at import)."""
    return {
        "handle": re.compile(r"[a-z0-9_.]{1,64}"),
        "label": re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"),
        # Scripts that never belong in a host we compare; text glued to a URL in
        # Chinese or Korean ("okx-verify.com验证钱包") is cut off there.
        "cjk": re.compile(
            r"[\u1100-\u11ff\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\u3000-\u303f\uff00-\uffef]"
        ),
        # C0/C1 controls: become spaces.
        "control": re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"),
        # Zero-width and bidi-control characters: dropped, so "pass\u200bword" cannot
        # slip past as two words.
        "invisible": re.compile(r"[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]"),
    }


class PlatformChannels(NamedTuple):
    """What one platform officially uses: domains (sub-domains included),
    mail domains, social handles, and the page where a user can check a channel."""

    name: str
    aliases: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    handles: tuple[str, ...] = ()
    verify: str | None = None

    def owns_host(self, host: str) -> bool:
        """True for an official web domain or any sub-domain of one (ASCII form)."""
        return _under_any(host, self.domains)

    def owns_mail_domain(self, host: str) -> bool:
        """Mail domains and web domains both count: the platform controls both."""
        return _under_any(host, self.emails) or _under_any(host, self.domains)

    def owns_handle(self, handle: str, network: str | None = None) -> bool:
        """Is `handle` one of the platform's accounts on `network` ("X", "Telegram", ...)?

        A handle listed without a network counts on every network; a bare
        ``@handle`` (no network known) matches a listed handle on any network.
        """
        name = handle.lstrip("@").casefold()
        return any(
            listed == name and (not prefix or network is None or _network_name(prefix) == network)
            for prefix, listed in _split_handles(self.handles)
        )

    def listed_handles(self, network: str | None = None) -> list[str]:
        """The listed accounts that count on `network`, as shown to the user."""
        return [
            f"@{listed} on {_network_name(prefix)}" if prefix else f"@{listed}"
            for prefix, listed in _split_handles(self.handles)
            if not prefix or network is None or _network_name(prefix) == network
        ]


class Registry:
    """The official channels of every known platform, looked up by any of its names."""

    def __init__(self, platforms: Iterable[PlatformChannels], freemail: Iterable[str] = ()) -> None:
        self._platforms = tuple(platforms)
        self._freemail = frozenset(freemail)
        self._by_name: dict[str, PlatformChannels] = {}
        # Names first, then aliases: an alias never hides another platform's own name.
        for platform in self._platforms:
            self._by_name.setdefault(_name_key(platform.name), platform)
        for platform in self._platforms:
            for alias in platform.aliases:
                self._by_name.setdefault(_name_key(alias), platform)

    @property
    def platforms(self) -> tuple[PlatformChannels, ...]:
        return self._platforms

    @property
    def freemail(self) -> frozenset[str]:
        return self._freemail

    def find(self, name: str | None) -> PlatformChannels | None:
        """The platform a user means by `name` (any case, alias or official domain)."""
        if not name or not isinstance(name, str):
            return None
        found = self._by_name.get(_name_key(name[:200]))
        if found is not None:
            return found
        host = _parse_host(name[:200])
        return self.owner(host.ascii) if host else None

    def owner(self, host: str) -> PlatformChannels | None:
        """The platform whose official domain `host` is under, if any."""
        for platform in self._platforms:
            if platform.owns_host(host):
                return platform
        return None

    def is_freemail(self, host: str) -> bool:
        return _under_any(host, self._freemail)

    def __repr__(self) -> str:
        return f"Registry({', '.join(p.name for p in self._platforms)})"


def load_registry(overrides: Mapping[str, Any] | None = None) -> Registry:
    """The shipped registry, with the user's additions merged in.

    `overrides` is the ``[channels]`` table of the notebook's config.toml: a
    mapping of platform name to a table with any of ``domains``, ``emails``,
    ``handles``, ``aliases`` (lists of text), ``verify`` (a URL) and
    ``replace`` (bool). Lists add to the shipped ones; with ``replace = true``
    the lists given replace the shipped ones (lists not given stay). A name
    that matches no shipped platform adds a new one. Bad values raise
    `IssuenoteError`.
    """
    if not overrides:
        return _shipped_registry()
    if not isinstance(overrides, Mapping):
        raise IssuenoteError("config.toml: [channels] must be a table of platforms")
    shipped = _shipped_registry()
    merged: dict[str, dict[str, Any]] = {
        p.name: {
            "aliases": list(p.aliases),
            "domains": list(p.domains),
            "emails": list(p.emails),
            "handles": list(p.handles),
            "verify": p.verify,
        }
        for p in shipped.platforms
    }
    for raw_name, table in overrides.items():
        name = str(raw_name).strip()
        where = f"config.toml [channels.{name}]"
        if not name:
            raise IssuenoteError("config.toml: a [channels] table has an empty platform name")
        if not isinstance(table, Mapping):
            raise IssuenoteError(f"{where} must be a table (domains, emails, handles)")
        unknown = sorted(str(key) for key in table if key not in _OVERRIDE_KEYS | _EXPORT_KEYS)
        if unknown:
            raise IssuenoteError(
                f"{where}: unknown key {unknown[0]!r}; expected one of "
                "domains, emails, handles, aliases, verify, replace, "
                "support_email, chat_max_chars, chat_max_bytes"
            )
        replace = table.get("replace", False)
        if not isinstance(replace, bool):
            raise IssuenoteError(f"{where}: 'replace' must be true or false")
        target = _override_target(name, merged, shipped)
        entry = merged.setdefault(
            target,
            {"aliases": [], "domains": [], "emails": [], "handles": [], "verify": None},
        )
        if target != name and _name_key(name) != _name_key(target):
            entry["aliases"].append(name)
        for key, normalize in (
            ("domains", _normalize_domain),
            ("emails", _normalize_mail_domain),
            ("handles", _normalize_handle),
            ("aliases", _normalize_alias),
        ):
            if key not in table:
                continue
            values = _string_list(table[key], f"{where}: '{key}'")
            cleaned: list[str] = []
            for value in values:
                try:
                    cleaned.append(normalize(value))
                except ValueError as error:
                    raise IssuenoteError(f"{where}: {error}") from None
            entry[key] = cleaned if replace else entry[key] + cleaned
        if "verify" in table:
            entry["verify"] = _normalize_verify(table["verify"], where)
    platforms = [
        PlatformChannels(
            name=name,
            aliases=_dedupe(entry["aliases"]),
            domains=_dedupe(entry["domains"]),
            emails=_dedupe(entry["emails"]),
            handles=_dedupe(entry["handles"]),
            verify=entry["verify"],
        )
        for name, entry in merged.items()
    ]
    return Registry(platforms, shipped.freemail)


def _override_target(name: str, merged: Mapping[str, Any], shipped: Registry) -> str:
    """The platform an override table is about: a shipped one by any of its names,
    an earlier user-added one, or a new one."""
    platform = shipped.find(name)
    if platform is not None:
        return platform.name
    key = _name_key(name)
    for existing, entry in merged.items():
        if key in {_name_key(existing), *(_name_key(a) for a in entry["aliases"])}:
            return existing
    return name


@cache
def shipped_channels() -> dict[str, Any]:
    """official_channels.toml, parsed once for the registry and the export presets."""
    import tomllib  # lazily: tomllib stays off the import path

    from issuenote.paths import shipped_text

    return tomllib.loads(shipped_text("official_channels.toml"))


@cache
def _shipped_registry() -> Registry:
    """Read official_channels.toml once, on first use (tomllib stays off the import path)."""
    data = shipped_channels()
    platforms = []
    for name, table in data.get("platforms", {}).items():
        platforms.append(
            PlatformChannels(
                name=name,
                aliases=_dedupe(_normalize_alias(a) for a in table.get("aliases", [])),
                domains=_dedupe(_normalize_domain(d) for d in table.get("domains", [])),
                emails=_dedupe(_normalize_mail_domain(d) for d in table.get("emails", [])),
                handles=_dedupe(_normalize_handle(h) for h in table.get("handles", [])),
                verify=table.get("verify"),
            )
        )
    freemail = [_normalize_domain(d) for d in data.get("freemail", {}).get("domains", [])]
    return Registry(platforms, freemail)


def _string_list(value: Any, what: str) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise IssuenoteError(f"{what} must be a list of text values")
    return value


def _dedupe(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def _name_key(name: str) -> str:
    """How platform names are compared: case, width, spaces and punctuation ignored."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    return re.sub(r"[\s\-_.·・]+", "", folded)


def _normalize_alias(alias: str) -> str:
    alias = " ".join(alias.split())
    if not alias or len(alias) > 100:
        raise ValueError(f"alias {alias[:40]!r} must be 1 to 100 characters")
    return alias


def _normalize_domain(value: str) -> str:
    """``https://www.OKX.com/help`` -> ``okx.com``; raises ValueError if it is no domain."""
    text = value.strip()
    text = re.sub(r"^[a-z][a-z0-9+.-]*://", "", text, flags=re.IGNORECASE)
    text = re.split(r"[/?#]", text, maxsplit=1)[0]
    text = text.rsplit("@", 1)[-1].lstrip("*.")
    host = _parse_host(text)
    if host is None or "." not in host.ascii:
        raise ValueError(f"{value[:60]!r} is not a domain name like example.com")
    ascii_host = host.ascii
    if ascii_host.startswith("www.") and ascii_host.count(".") >= 2:
        ascii_host = ascii_host[4:]
    return ascii_host


def _normalize_mail_domain(value: str) -> str:
    return _normalize_domain(value.strip().rsplit("@", 1)[-1])


# Networks a listed handle may name ("x:okx", "telegram:bybitapi"), and the name
# the user sees for each (the same names as in _SOCIAL_HOSTS).
_HANDLE_NETWORKS: dict[str, str] = {
    "x": "X",
    "telegram": "Telegram",
    "instagram": "Instagram",
    "facebook": "Facebook",
    "tiktok": "TikTok",
    "youtube": "YouTube",
    "weibo": "Weibo",
    "discord": "Discord",
    "whatsapp": "WhatsApp",
    "line": "LINE",
    "kakao": "KakaoTalk open chat",
    "reddit": "Reddit",
    "linkedin": "LinkedIn",
    "medium": "Medium",
}
_NETWORK_ALIASES = {"twitter": "x"}


def _network_name(prefix: str) -> str:
    return _HANDLE_NETWORKS.get(prefix, prefix)


def _split_handles(handles: Iterable[str]) -> Iterator[tuple[str, str]]:
    """("x", "okx") for "x:okx", ("", "okx") for a handle listed without a network."""
    for handle in handles:
        prefix, _, name = handle.rpartition(":")
        yield prefix, name


def _normalize_handle(value: str) -> str:
    """``@OKX`` -> ``okx``; ``X:@OKX`` -> ``x:okx`` (an account on that network only)."""
    text = value.strip()
    prefix = ""
    if ":" in text:
        raw_prefix, _, text = text.partition(":")
        prefix = raw_prefix.strip().casefold()
        prefix = _NETWORK_ALIASES.get(prefix, prefix)
        if prefix not in _HANDLE_NETWORKS:
            raise ValueError(
                f"{value[:60]!r} names an unknown network {raw_prefix.strip()[:20]!r}; "
                f"use one of {', '.join(_HANDLE_NETWORKS)} (or no network)"
            )
    handle = text.strip().lstrip("@").casefold()
    if not _simple_patterns()["handle"].fullmatch(handle):
        raise ValueError(f"{value[:60]!r} is not a handle (letters, digits, _ and .)")
    return f"{prefix}:{handle}" if prefix else handle


def _normalize_verify(value: Any, where: str) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"https?://\S{3,500}", value.strip()):
        raise IssuenoteError(f"{where}: 'verify' must be an http(s) URL")
    return value.strip()


def _under_any(host: str, domains: Iterable[str]) -> bool:
    return any(host == domain or host.endswith("." + domain) for domain in domains)


# ---------------------------------------------------------------------------
# Host names: parsing, punycode, look-alikes
# ---------------------------------------------------------------------------

_DOTS = str.maketrans({"。": ".", "．": ".", "｡": ".", "︒": "."})


def _words(text: str) -> frozenset[str]:
    """A word list written as one block of text, for readability."""
    return frozenset(text.split())


# Letters that look like Latin ones (Cyrillic, Greek, Armenian, Latin variants) and
# the digit swaps typosquatters use. Both sides of a comparison go through it.
_CONFUSABLES = str.maketrans(
    {
        # Cyrillic
        "а": "a",
        "в": "b",
        "е": "e",
        "ё": "e",
        "к": "k",
        "м": "m",
        "н": "h",
        "о": "o",
        "р": "p",
        "с": "c",
        "т": "t",
        "у": "y",
        "х": "x",
        "і": "l",
        "ї": "l",
        "ј": "j",
        "ѕ": "s",
        "ԁ": "d",
        "ԛ": "q",
        "ԝ": "w",
        "һ": "h",
        "ӏ": "l",
        "ɡ": "g",
        "ь": "b",
        "п": "n",
        "г": "r",
        "л": "n",
        "ц": "u",
        "и": "u",
        # Greek
        "α": "a",
        "β": "b",
        "ε": "e",
        "η": "n",
        "ι": "l",
        "κ": "k",
        "ν": "v",
        "ο": "o",
        "ρ": "p",
        "τ": "t",
        "υ": "u",
        "χ": "x",
        "γ": "y",
        "ω": "w",
        "μ": "u",
        # Armenian
        "օ": "o",
        "ս": "u",
        "ց": "g",
        "հ": "h",
        "ո": "n",
        "ք": "p",
        # Latin look-alikes
        "ı": "l",
        "ł": "l",
        "ø": "o",
        "đ": "d",
        "ħ": "h",
        "ŀ": "l",
        "ƅ": "b",
        "ɑ": "a",
        "ɩ": "l",
        "ʟ": "l",
        "ɪ": "l",
        # digits and the letters they stand in for
        "0": "o",
        "1": "l",
        "3": "e",
        "4": "a",
        "5": "s",
        "7": "t",
        "8": "b",
        "9": "g",
        "i": "l",
        "|": "l",
        "!": "l",
    }
)

# Words that fraudsters glue to a brand ("okx-support", "binancehelp", "gate-io").
_BAIT_WORDS = _words(
    """
    support help helpdesk service services care desk team verify verification
    security secure safe wallet wallets login signin signup official app apps pro
    global web online live chat kefu cs customer customers recovery recover restore
    claim airdrop bonus reward rewards auth account accounts center centre admin mail
    www my id hk cn kr us uk eu sg jp vip exchange trade trading token tokens node
    dapp dapps sync connect validate validation unlock update info news asia int
    io com net org co cc xyz top site shop store link pay payment finance fund funds
    portal hub assist assistance ticket tickets refund compensation kyc
    """
)

_TWO_LEVEL_SUFFIXES = _words(
    """
    co.uk org.uk ac.uk gov.uk me.uk com.cn net.cn org.cn gov.cn com.hk net.hk org.hk
    com.tw net.tw org.tw com.sg net.sg org.sg com.my com.au net.au org.au co.jp ne.jp
    or.jp co.kr or.kr ne.kr go.kr co.id co.in co.th com.br com.tr com.mx com.ar
    co.za com.ua com.vn com.ph co.nz com.pk com.ng com.eg com.sa com.co com.pe
    com.ru co.il com.es co.ke com.bd
    """
)

# Bare words with a dot are only taken for a domain when they end in one of these
# (with "https://" or "www." in front any ending counts).
_COMMON_TLDS = _words(
    """
    com net org io co cc me info biz app dev xyz top site online store shop live pro
    vip club support help services service link click ink tech cloud today world
    finance financial exchange trade money cash capital fund network one plus zone
    center ltd group ai gg tv ws to ly im is it de fr uk us ca au nz jp kr cn hk tw sg
    my th vn id ph in pk ru ua tr br mx ar cl pe es pt nl be ch at se no dk fi pl cz
    hu ro gr ie za ng ke eg sa ae il ir eu asia cx su la sc bz vc ag gd li lu mt cy
    ee lv lt bg hr si sk rs ge am az kz uz bd lk np mn mo ma tn pa cr do ve ec bo py
    uy gt hn sv ni win bid loan work wang ren kim mobi name pw icu cyou buzz fun space
    website host tk ml ga cf gq rest bar cam email digital global business company
    solutions agency ventures investments markets trading crypto bank wallet social
    page run limited team tools systems security safe care chat
    """
)

# Links to block explorers are how agents show a transfer; never treat them as bait.
_EXPLORER_DOMAINS = (
    "tronscan.org",
    "tronscan.io",
    "etherscan.io",
    "bscscan.com",
    "polygonscan.com",
    "arbiscan.io",
    "basescan.org",
    "solscan.io",
    "blockchair.com",
    "blockchain.com",
    "mempool.space",
    "blockstream.info",
    "snowtrace.io",
    "ftmscan.com",
    "tonviewer.com",
    "tonscan.org",
    "xrpscan.com",
    "subscan.io",
    "oklink.com",
    "explorer.solana.com",
)

_SOCIAL_HOSTS: dict[str, str] = {
    "t.me": "Telegram",
    "telegram.me": "Telegram",
    "telegram.dog": "Telegram",
    "x.com": "X",
    "twitter.com": "X",
    "mobile.twitter.com": "X",
    "instagram.com": "Instagram",
    "facebook.com": "Facebook",
    "fb.com": "Facebook",
    "m.facebook.com": "Facebook",
    "tiktok.com": "TikTok",
    "youtube.com": "YouTube",
    "weibo.com": "Weibo",
    "discord.gg": "Discord",
    "discord.com": "Discord",
    "wa.me": "WhatsApp",
    "api.whatsapp.com": "WhatsApp",
    "chat.whatsapp.com": "WhatsApp",
    "line.me": "LINE",
    "open.kakao.com": "KakaoTalk open chat",
    "reddit.com": "Reddit",
    "linkedin.com": "LinkedIn",
    "medium.com": "Medium",
}


class _Host(NamedTuple):
    ascii: str  # punycode form, lower case: what comparisons use
    unicode: str  # what a browser shows
    is_idn: bool  # has punycode or non-ASCII labels


def _parse_host(raw: str, *, cjk_labels: bool = False) -> _Host | None:
    """Normalize a host the way a browser would (width, case, IDNA), or None if it is none.

    Chinese, Japanese or Korean text glued to a host ends it, unless
    `cjk_labels` says the labels themselves are written in those scripts
    (币安.com, 업비트.com: internationalized domains).
    """
    text = raw.translate(_DOTS)
    text = unicodedata.normalize("NFKC", text).casefold().strip().strip(".")
    cut = None if cjk_labels else _simple_patterns()["cjk"].search(text)
    if cut:
        text = text[: cut.start()].rstrip(".")
    if not text or len(text) > 253:
        return None
    ascii_labels: list[str] = []
    unicode_labels: list[str] = []
    is_idn = False
    for label in text.split("."):
        if not label or len(label) > 63:
            return None
        if label.isascii():
            if not _simple_patterns()["label"].fullmatch(label):
                return None
            ascii_labels.append(label)
            if label.startswith("xn--"):
                is_idn = True
                try:
                    unicode_labels.append(label[4:].encode("ascii").decode("punycode"))
                except (UnicodeError, ValueError):
                    unicode_labels.append(label)
            else:
                unicode_labels.append(label)
            continue
        if any(_bad_host_char(char) for char in label):
            return None
        is_idn = True
        try:
            ascii_labels.append("xn--" + label.encode("punycode").decode("ascii"))
        except (UnicodeError, ValueError):
            return None
        unicode_labels.append(label)
    return _Host(".".join(ascii_labels), ".".join(unicode_labels), is_idn)


def _bad_host_char(char: str) -> bool:
    if char == "-":
        return False
    category = unicodedata.category(char)
    return category[0] in "ZCP"


def _skeleton(label: str) -> str:
    """What a label looks like at a glance: accents dropped, homoglyphs and digit swaps folded."""
    decomposed = unicodedata.normalize("NFKD", label)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    folded = plain.casefold().translate(_CONFUSABLES)
    return folded.replace("rn", "m").replace("vv", "w")


def _edit_distance_at_most_one(a: str, b: str) -> bool:
    """Damerau-Levenshtein distance <= 1 (one typo or one swapped pair)."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diffs = [i for i in range(la) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        return (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and a[diffs[0]] == b[diffs[1]]
            and a[diffs[1]] == b[diffs[0]]
        )
    shorter, longer = (a, b) if la < lb else (b, a)
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


@cache
def _suffix_list() -> Any:
    """The Public Suffix List, from tldextract's bundled snapshot: never fetched, never cached.

    Loaded only when a reply or via holds a domain that needs it.
    """
    import tldextract

    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def public_suffix(host: str) -> str:
    """``co.uk`` for ``okx.co.uk``, ``cfd`` for ``okx-verify.cfd``; empty when there is none."""
    return str(_suffix_list()(host).suffix)


def _registrable(labels: list[str]) -> list[str]:
    """The labels of the domain someone actually registered (Public Suffix List)."""
    suffix = public_suffix(".".join(labels))
    size = len(suffix.split(".")) if suffix else 1
    if len(labels) > size:
        return labels[-(size + 1) :]
    if len(labels) >= 3 and ".".join(labels[-2:]) in _TWO_LEVEL_SUFFIXES:
        return labels[-3:]
    return labels[-2:]


def _label_imitates(label: str, brand: str) -> bool:
    """Does one domain label pass for `brand` at a glance?"""
    if label == brand:
        return True
    label_sk, brand_sk = _skeleton(label), _skeleton(brand)
    if label_sk == brand_sk:
        return True
    long_brand = len(brand) >= 5
    tokens = [token for token in label.split("-") if token]
    if len(tokens) > 1:
        brand_tokens = [
            token
            for token in tokens
            if _skeleton(token) == brand_sk
            or (long_brand and _edit_distance_at_most_one(_skeleton(token), brand_sk))
        ]
        if brand_tokens:
            others = [token for token in tokens if token not in brand_tokens]
            if long_brand or all(t in _BAIT_WORDS or t.isdigit() for t in others):
                return True
    bait_skeletons = _bait_skeletons()
    if label_sk.startswith(brand_sk) and label_sk[len(brand_sk) :] in bait_skeletons:
        return True
    if label_sk.endswith(brand_sk) and label_sk[: -len(brand_sk)] in bait_skeletons:
        return True
    if len(brand) >= 6 and brand_sk in label_sk:
        return True
    if not long_brand and _short_brand_variant(label_sk, brand_sk):
        return True
    return long_brand and _edit_distance_at_most_one(label_sk, brand_sk)


def _short_brand_variant(label: str, brand: str) -> bool:
    """``okxx``, ``ookx``, ``ok-x``, ``o-kx``: a short brand with a letter doubled or a hyphen.

    Short names are close to many honest words at one edit, so only the
    edits typosquatters use on them count.
    """
    if label.replace("-", "") == brand and label != brand:
        return True
    if len(label) != len(brand) + 1:
        return False
    return any(label == brand[: i + 1] + brand[i] + brand[i + 1 :] for i in range(len(brand)))


@cache
def _bait_skeletons() -> frozenset[str]:
    return frozenset(_skeleton(word) for word in _BAIT_WORDS)


class _LookAlike(NamedTuple):
    platform: PlatformChannels
    official: str  # the official domain being imitated
    belongs_to: str | None  # set when the brand sits in a sub-domain of someone else's domain


def _look_alike(
    host: _Host, registry: Registry, prefer: PlatformChannels | None = None
) -> _LookAlike | None:
    """The official domain `host` imitates, if any (the named platform is tried first)."""
    if registry.owner(host.ascii) is not None:
        return None
    labels = host.unicode.split(".")
    if len(labels) < 2:
        return None
    registrable = _registrable(labels)
    main_label = registrable[0]
    sub_labels = labels[: len(labels) - len(registrable)]
    order = [prefer] if prefer else []
    order += [p for p in registry.platforms if p is not prefer]
    for platform in order:
        for official in platform.domains:
            if _label_imitates(main_label, official.split(".")[0]):
                return _LookAlike(platform, official, None)
    if not main_label.isascii():  # 币安.com, 업비트.com: the platform's name in its own script
        for platform in order:
            names = [_name_key(alias) for alias in platform.aliases if not alias.isascii()]
            if platform.domains and _name_key(main_label) in names:
                return _LookAlike(platform, platform.domains[0], None)
    for platform in order:
        for official in platform.domains:
            brand = official.split(".")[0]
            if any(_label_imitates(label, brand) for label in sub_labels):
                return _LookAlike(platform, official, ".".join(registrable))
    return None


def _look_alike_reason(host: _Host, found: _LookAlike) -> str:
    shown = _show_host(host)
    domain = f"an official {found.platform.name} domain"
    if found.belongs_to:
        return (
            f"{shown} looks like {found.official} but belongs to {found.belongs_to}, "
            f"which is not {domain}"
        )
    if host.is_idn and _simple_patterns()["cjk"].search(host.unicode):
        return f"{shown} uses {found.platform.name}'s name but is not {domain} ({found.official})"
    if host.is_idn:
        return (
            f"{shown} looks like {found.official} but uses look-alike letters and is not {domain}"
        )
    return f"{shown} looks like {found.official} but is not {domain}"


def _show_host(host: _Host) -> str:
    if host.is_idn and host.unicode != host.ascii:
        return f"{host.unicode} ({host.ascii})"
    return host.ascii


# ---------------------------------------------------------------------------
# Pulling addresses, links and handles out of text
# ---------------------------------------------------------------------------

_LABEL_CHARS = r"a-z0-9\u00c0-\u024f\u0370-\u03ff\u0400-\u052f\u0531-\u058f"


class _Address(NamedTuple):
    kind: str  # "email", "url", "domain", "handle", "social"
    text: str  # as written (trimmed)
    host: _Host | None = None
    handle: str = ""
    network: str = ""
    # "okx.com" in https://okx.com@evil.io: shown to the eye, ignored by the browser
    decoy: str = ""


@cache
def _address_patterns() -> tuple[re.Pattern[str], ...]:
    email = re.compile(r"[A-Za-z0-9._%+\-]{1,64}@([^\s@<>()\[\]{}\"'`,;:/?#]{1,253})")
    url = re.compile(r"\b[a-z][a-z0-9+.-]{1,15}://[^\s<>\"'`，。、；：！？）（【】「」《》]+", re.I)
    www = re.compile(r"(?<![\w.@-])www\.[^\s<>\"'`，。、；：！？）（【】「」《》]+", re.I)
    handle = re.compile(r"(?<![\w@.])@([a-z0-9_](?:[a-z0-9_.]{0,62}[a-z0-9_])?)", re.I)
    domain = re.compile(
        rf"(?<![{_LABEL_CHARS}\-@.])((?:[{_LABEL_CHARS}](?:[{_LABEL_CHARS}\-]{{0,61}}[{_LABEL_CHARS}])?\.)+"
        rf"(?:[a-z]{{2,24}}|xn--[a-z0-9\-]{{2,59}}|[\u0400-\u04ff]{{2,24}}))(?![{_LABEL_CHARS}\-])",
        re.I,
    )
    return email, url, www, handle, domain


@cache
def _profile_pattern() -> re.Pattern[str]:
    """A social profile written without "https://": x.com/okx, t.me/okx_help."""
    hosts = "|".join(re.escape(host) for host in sorted(_SOCIAL_HOSTS, key=len, reverse=True))
    return re.compile(
        rf"(?<![\w.@/-])(?:{hosts})/[^\s<>\"'`，。、；：！？）（【】「」《》]+", re.IGNORECASE
    )


def _addresses(text: str, *, profiles: bool = False) -> list[_Address]:
    """Every e-mail address, URL, @handle and bare domain in `text`, in that order of trust.

    With `profiles`, a social profile written without "https://" (x.com/okx)
    is read as the account it names rather than as the bare domain x.com.
    """
    email_re, url_re, www_re, handle_re, domain_re = _address_patterns()
    found: list[_Address] = []
    remaining = text

    def blank(match: re.Match[str]) -> str:
        return " " * (match.end() - match.start())

    for match in url_re.finditer(remaining):
        address = _url_address(match.group(0).rstrip(".,);]>'\"!?"))
        if address:
            found.append(address)
    remaining = url_re.sub(blank, remaining)
    for match in email_re.finditer(remaining):
        host = _parse_host(match.group(1).rstrip(".>)]"))
        if host and "." in host.ascii:
            found.append(_Address("email", match.group(0), host))
    remaining = email_re.sub(blank, remaining)
    for match in www_re.finditer(remaining):
        address = _url_address(match.group(0).rstrip(".,);]>'\"!?"))
        if address:
            found.append(address)
    remaining = www_re.sub(blank, remaining)
    if profiles:
        for match in _profile_pattern().finditer(remaining):
            address = _url_address(match.group(0).rstrip(".,);]>'\"!?"))
            if address:
                found.append(address)
        remaining = _profile_pattern().sub(blank, remaining)
    for match in handle_re.finditer(remaining):
        found.append(_Address("handle", match.group(0), handle=match.group(1).casefold()))
    remaining = handle_re.sub(blank, remaining)
    for match in domain_re.finditer(remaining):
        candidate = match.group(1)
        tld = candidate.rsplit(".", 1)[-1].casefold()
        if tld.isascii() and not tld.startswith("xn--") and not _bare_domain_suffix(candidate):
            continue
        host = _parse_host(candidate)
        if host:
            found.append(_Address("domain", candidate, host))
    if not remaining.isascii():
        found.extend(_cjk_domains(remaining))
    return found


# Endings that are country domains but far more often a file's type in a chat
# ("main.py", "notes.md"): a bare word with them is not taken for a domain.
_FILE_ENDINGS = _words("py sh md js rs pl rb ts cs ps so sql")


def _bare_domain_suffix(candidate: str) -> bool:
    """Whether a bare dotted word ends in a public suffix (okx-verify.cfd, okx.lat)."""
    tld = candidate.rsplit(".", 1)[-1].casefold()
    if tld in _COMMON_TLDS:
        return True
    if tld in _FILE_ENDINGS:
        return False
    return bool(public_suffix(candidate.casefold()))


_CJK_DOMAIN = (
    r"([\u3040-\u30ff\u3400-\u9fff\uac00-\ud7a3]{1,24})[.。．｡]"
    r"([a-z]{2,24}(?![a-z0-9])|中国|中國|公司|网络|網絡|한국)"
)


def _cjk_domains(text: str) -> list[_Address]:
    """Domains whose name is written in Chinese, Japanese or Korean: 币安.com, 업비트.com.

    In running text the name has no visible start ("请访问币安.com"), so it is
    cut to a registered platform's name when one ends it, and otherwise taken
    whole only when a space or punctuation stands before it.
    """
    aliases = sorted(
        (alias for platform in load_registry().platforms for alias in platform.aliases),
        key=len,
        reverse=True,
    )
    found: list[_Address] = []
    for match in re.finditer(_CJK_DOMAIN, text, re.I):
        name, suffix = match.group(1), match.group(2)
        start = match.start(1)
        alias = next((a for a in aliases if not a.isascii() and name.endswith(a)), None)
        if alias is not None:
            name = alias
        elif start > 0 and not (text[start - 1].isspace() or text[start - 1] in "：:，,（(「\"'"):
            continue
        host = _parse_host(f"{name}.{suffix}", cjk_labels=True)
        if host:
            found.append(_Address("domain", f"{name}.{suffix}", host))
    return found


def _url_address(url: str) -> _Address | None:
    from urllib.parse import urlsplit  # lazily: only replies and vias holding a link need it

    if "://" not in url:
        url = "http://" + url
    try:
        parts = urlsplit(url)
        netloc = parts.netloc
        path = parts.path
    except ValueError:
        return None
    decoy, _, hostport = netloc.rpartition("@")
    if hostport.startswith("["):
        return None  # an IPv6 literal is nobody's official domain; nothing to compare
    host = _parse_host(hostport.split(":", 1)[0])
    if host is None:
        return None
    bare = host.ascii[4:] if host.ascii.startswith("www.") else host.ascii
    network = _SOCIAL_HOSTS.get(bare)
    if network:
        segments = [s for s in path.split("/") if s]
        handle = segments[0].lstrip("@").casefold() if segments else ""
        if network == "YouTube" and len(segments) > 1 and segments[0] in {"c", "user", "channel"}:
            handle = segments[1].casefold()
        if network == "Telegram" and len(segments) > 1 and segments[0] == "s":
            handle = segments[1].casefold()  # t.me/s/name: the channel's web preview
        return _Address("social", url, host, handle=handle[:64], network=network)
    return _Address("url", url, host, decoy=decoy.split(":", 1)[0])


# ---------------------------------------------------------------------------
# Channel checks
# ---------------------------------------------------------------------------


def channel_signals(
    platform: str | None,
    via: str | None,
    *,
    channel: str | None = None,
    registry: Registry | None = None,
) -> list[Signal]:
    """Why the address a contact or reply went through may not be the platform's own.

    `via` may be an e-mail address, a URL, a bare domain or an @handle (or a
    phrase holding some, like "support@okx.com via web form"); a via that
    names no address ("live chat", "app") yields nothing. For a platform in
    the registry anything not official is flagged ``unverified-channel``; for
    an unknown platform only look-alikes of a registered domain and punycode
    domains are. `channel` is the entry's channel: with ``email`` a bare domain
    is judged as a mail domain (so a free-mail service is named as such).
    `registry` is the one to judge by (pass `load_registry(overrides)` to
    honour the user's config). Never raises on odd input.
    """
    if not via or not isinstance(via, str):
        return []
    registry = registry or load_registry()
    text = _clean(via[:MAX_VIA_CHARS])
    known = registry.find(platform) if isinstance(platform, str) else None
    signals: list[Signal] = []
    for address in _addresses(text, profiles=True):
        if address.kind == "domain" and channel == "email":
            address = _Address("email", address.text, address.host)
        signal = _channel_signal(address, known, registry)
        if signal and all(signal.reason != s.reason for s in signals):
            signals.append(signal)
    return signals


def unchecked_channel_notice(
    platform: str | None, via: str | None, *, registry: Registry | None = None
) -> str | None:
    """One sentence when `via` names an address of a platform the registry does not list.

    Not a flag (nothing is known to be wrong): a note, said once for the via
    rather than for each address in it. None when the platform is listed, not
    set, or the via names no address.
    """
    if not platform or not isinstance(platform, str) or not platform.strip():
        return None
    if not via or not isinstance(via, str):
        return None
    registry = registry or load_registry()
    if registry.find(platform) is not None or not _addresses(_clean(via[:MAX_VIA_CHARS])):
        return None
    name = platform.strip()[:60]
    return (
        f"issuenote has no list of {name}'s official channels, so this address cannot be "
        f"checked; compare it with the ones on {name}'s own website or app"
    )


def _channel_signal(
    address: _Address, platform: PlatformChannels | None, registry: Registry
) -> Signal | None:
    if address.kind == "handle":
        return _handle_signal(f"@{address.handle}", address.handle, platform)
    host = address.host
    if host is None:
        return None
    if address.kind == "social":
        if not address.handle:
            return None
        shown = f"{address.network} account {address.handle}"
        return _handle_signal(shown, address.handle, platform, address.network)
    is_mail = address.kind == "email"
    decoy = _parse_host(address.decoy) if address.decoy else None
    if decoy is not None and "." in decoy.ascii and decoy.ascii != host.ascii:
        return _decoy_signal(address, host, decoy, platform, registry)
    if platform is not None and not (platform.domains or platform.emails):
        platform = None  # nothing to compare hosts with: judge as for an unknown platform
    if platform is not None:
        owned = platform.owns_mail_domain(host.ascii) if is_mail else platform.owns_host(host.ascii)
        if owned:
            return None
    elif registry.owner(host.ascii) is not None:
        return None
    found = _look_alike(host, registry, prefer=platform)
    if found is not None:
        return _unverified(_look_alike_reason(host, found), "look-alike-domain")
    if platform is None:
        if host.is_idn:
            return _unverified(
                f"{_show_host(host)} is an internationalized (punycode) domain whose "
                "letters can imitate a familiar name; check it carefully",
                "punycode-domain",
            )
        return None
    hint = _verify_hint(platform)
    owner = registry.owner(host.ascii)
    if owner is not None:
        return _unverified(
            f"{host.ascii} belongs to {owner.name}, not {platform.name}{hint}", "other-platform"
        )
    if is_mail and registry.is_freemail(host.ascii):
        what = (
            f"{host.ascii} is a free-mail service"
            if address.text.casefold() == host.ascii
            else f"{address.text} is a free-mail address ({host.ascii})"
        )
        return _unverified(
            f"{what}, not an official {platform.name} support address; real support "
            "writes from the platform's own domain",
            "free-mail",
        )
    if host.is_idn:
        return _unverified(
            f"{_show_host(host)} is an internationalized (punycode) domain and not an "
            f"official {platform.name} domain{hint}",
            "punycode-domain",
        )
    return _unverified(
        f"{host.ascii} is not an official {platform.name} domain{hint}", "unofficial-domain"
    )


def _decoy_signal(
    address: _Address,
    host: _Host,
    decoy: _Host,
    platform: PlatformChannels | None,
    registry: Registry,
) -> Signal | None:
    """https://okx.com@evil.io/ opens evil.io: everything before the "@" is decoration."""
    if platform is not None and (platform.domains or platform.emails):
        if platform.owns_host(host.ascii):
            return None
        named = f"an official {platform.name} domain"
    else:
        imitated = registry.owner(decoy.ascii) or _look_alike(decoy, registry)
        if imitated is None or registry.owner(host.ascii) is not None:
            return None
        named = "the site it pretends to be"
    return _unverified(
        f"the link {address.text[:120]} opens {_show_host(host)}, not {decoy.unicode} "
        f"(the part before the @ is a decoy), and {host.ascii} is not {named}",
        "decoy-link",
    )


def _handle_signal(
    shown: str, handle: str, platform: PlatformChannels | None, network: str | None = None
) -> Signal | None:
    if platform is None or not handle or platform.owns_handle(handle, network):
        return None
    listed = platform.listed_handles(network)
    if listed:
        more = f", and {len(listed) - 4} more" if len(listed) > 4 else ""
        known = f" (listed: {', '.join(listed[:4])}{more})"
    elif network and platform.handles:
        known = f" (issuenote lists no official {platform.name} {network} account)"
    else:
        known = ""
    return _unverified(
        f"{shown} is not a listed official {platform.name} account{known}{_verify_hint(platform)}",
        "unlisted-handle",
    )


def _verify_hint(platform: PlatformChannels) -> str:
    if platform.verify:
        return f"; check it on {platform.name}'s verification page {platform.verify}"
    return f"; check it through {platform.name}'s own website or app"


def _unverified(reason: str, code: str) -> Signal:
    return Signal(UNVERIFIED_CHANNEL, reason, code)


# ---------------------------------------------------------------------------
# Reply text: what real support never asks for
# ---------------------------------------------------------------------------

_BEFORE_WINDOW = 60
_AFTER_WINDOW = 40


class _Secret(NamedTuple):
    code: str
    reason: str
    pattern: re.Pattern[str]
    exclude_before: re.Pattern[str] | None = None
    exclude_after: re.Pattern[str] | None = None
    strong: bool = False  # typing it anywhere is already the theft (seed phrase, keys)


class _Patterns:
    """Every compiled pattern the reply scan uses (a plain class: cheap to define)."""

    secrets: tuple[_Secret, ...]
    give_before: re.Pattern[str]
    give_after: re.Pattern[str]
    enter: re.Pattern[str]
    agent_subject: re.Pattern[str]
    here: re.Pattern[str]
    in_app: re.Pattern[str]
    negation: re.Pattern[str]
    benign: re.Pattern[str]
    clause: re.Pattern[str]
    sentence: re.Pattern[str]
    remote_app: re.Pattern[str]
    remote_generic: re.Pattern[str]
    remote_cue: re.Pattern[str]
    verify_transfer: re.Pattern[str]
    release_unlock: re.Pattern[str]
    release_fee: re.Pattern[str]
    release_pay: re.Pattern[str]
    release_inherent: re.Pattern[str]
    wallet_strong: re.Pattern[str]
    wallet_weak: re.Pattern[str]
    wallet_move: re.Pattern[str]
    wallet_context: re.Pattern[str]
    messenger: re.Pattern[str]
    mail_contact: re.Pattern[str]
    link_cue: re.Pattern[str]
    link_inherent: re.Pattern[str]
    code_sent: re.Pattern[str]
    code_echo: re.Pattern[str]

    def __init__(self, **patterns: Any) -> None:
        self.__dict__.update(patterns)


_I = re.IGNORECASE
_LANGUAGES = ("en", "zh", "ko")
_PATTERN_LANGUAGES = (*_LANGUAGES, "any")


@cache
def _phrases() -> dict[str, Any]:
    """issuenote/data/scam_phrases.toml, read once on first use."""
    import tomllib  # lazily: only texts that reach the scam scan pay for it

    from issuenote.paths import shipped_text

    return tomllib.loads(shipped_text("scam_phrases.toml"))


def reason_codes() -> tuple[str, ...]:
    """Every scam reason's stable code, in the order signals are reported."""
    return _ORDER


def explanation(code: str, lang: str = "en", *, audience: str = "user", names: str = "") -> str:
    """One sentence about a scam reason, in `lang` (en, zh or ko).

    `audience` "user" speaks to the person keeping the notebook ("the agent
    asks for your password …"); "agent" is written into an export addressed
    to support ("I was asked for my password …"). `names` fills the
    remote-access app, the messenger or the look-alike site where the
    sentence has a place for one.
    """
    reason = _phrases()["reason"].get(code)
    if reason is None:
        raise KeyError(f"unknown scam reason {code!r}")
    table = reason["agent"] if audience == "agent" else reason
    text = table.get(lang) or table["en"]
    return text.format(names=names)


def _compiled(lists: dict[str, list[str]]) -> re.Pattern[str]:
    """One case-insensitive pattern from a rule's per-language lists."""
    parts = [part for language in _PATTERN_LANGUAGES for part in lists.get(language, ())]
    return re.compile("|".join(parts), _I)


_ORDER = (
    "password",
    "seed-phrase",
    "private-key",
    "api-secret",
    "2fa-code",
    "id-number",
    "bank-details",
    "remote-access",
    "verification-transfer",
    "release-fee",
    "safe-wallet",
    "off-platform",
    "wallet-link",
    "look-alike-link",
)


@cache
def _patterns() -> _Patterns:
    """Compile the phrasings of issuenote/data/scam_phrases.toml once, on first use."""
    phrases = _phrases()
    secrets = tuple(
        _Secret(
            rule["id"],
            explanation(rule["id"]),
            _compiled(rule["patterns"]),
            _compiled(rule["exclude_before"]) if "exclude_before" in rule else None,
            _compiled(rule["exclude_after"]) if "exclude_after" in rule else None,
            bool(rule.get("strong", False)),
        )
        for rule in phrases["secret"]
    )
    cues = {name: _compiled(lists) for name, lists in phrases["cue"].items()}
    return _Patterns(secrets=secrets, **cues)


def _clean(text: str) -> str:
    """Width-fold, straighten quotes, drop invisible characters, blank out controls."""
    text = _simple_patterns()["invisible"].sub("", text)
    text = _simple_patterns()["control"].sub(" ", text)
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u00a0", " ")
    # NFKC folds full-width letters (ｐａｓｓｗｏｒｄ) but would also fold 。！？ into
    # ASCII; keep those as sentence marks first.
    text = text.replace("！", "。").replace("？", "。")
    return _to_simplified(unicodedata.normalize("NFKC", text))


# Characters that only Traditional Chinese writes (the simplified forms differ):
# one of them in a text is the cue to fold it, so Simplified and other text
# never load the converter.
_TRADITIONAL_CUES = frozenset(
    "們個這來說對時會為國學還過裡後經發點麼現開問當動應進關實種與記詞證碼繳納凍請資帳號錢銀戶"
    "幣轉寶單帳提領驗認機訊聯絡給讓費稅務處理網頁連結錄輸須買賣協幫專員聽簡"
)


def _to_simplified(text: str) -> str:
    """Traditional Chinese folded to Simplified (OpenCC t2s): the phrasings are written once."""
    if text.isascii() or _TRADITIONAL_CUES.isdisjoint(text):
        return text
    return _t2s_converter().convert(text)


@cache
def _t2s_converter() -> Any:
    import opencc  # the maintained converter; loaded only for Traditional Chinese text

    return opencc.OpenCC("t2s")


class _Sentence:
    """One sentence with its clause boundaries and a copy where harmless negations
    ("don't worry") are blanked, so they do not hide a request."""

    def __init__(self, text: str, patterns: _Patterns) -> None:
        self.text = text
        self.neg_view = patterns.benign.sub(lambda m: " " * len(m.group()), text)
        self._starts: list[int] = []
        self._ends: list[int] = []
        for match in patterns.clause.finditer(text):
            self._starts.append(match.start())
            self._ends.append(match.end())
        self._negation = patterns.negation
        self._addresses: list[_Address] | None = None

    def negated(self, start: int, end: int) -> bool:
        """Is there a warning word in the clauses spanning [start, end)?"""
        i = bisect_right(self._ends, start) - 1
        lo = self._ends[i] if i >= 0 else 0
        j = bisect_left(self._starts, end)
        hi = self._starts[j] if j < len(self._starts) else len(self.text)
        return self._negation.search(self.neg_view, lo, max(hi, end)) is not None

    @property
    def addresses(self) -> list[_Address]:
        if self._addresses is None:
            self._addresses = _addresses(self.text)
        return self._addresses


def scam_signals(text: str, *, registry: Registry | None = None) -> list[Signal]:
    """What in an agent's reply real support never asks for, one signal per reason.

    Flags requests ("please send your seed phrase", "请提供您的密码",
    "비밀번호를 알려주세요"), not warnings ("we will never ask for your
    password"). Order is fixed (secrets first, then money, then channels), so
    the same text always gives the same list. `registry` is used to tell
    official links from look-alikes (the shipped one by default).
    """
    if not text or not isinstance(text, str):
        return []
    patterns = _patterns()
    cleaned = _clean(text[:MAX_SCAN_CHARS])
    # rule code -> details gathered over all sentences (app names, the look-alike host)
    found: dict[str, list[str]] = {}
    for piece in patterns.sentence.split(cleaned):
        if not piece or piece.isspace():
            continue
        sentence = _Sentence(piece, patterns)
        for code, details in _sentence_signals(sentence, patterns, registry):
            known = found.setdefault(code, [])
            known.extend(d for d in details if d not in known)
    return [Signal(SCAM_RISK, _reason(code, found[code]), code) for code in _ORDER if code in found]


def _reason(code: str, details: list[str]) -> str:
    if code == "remote-access":
        return explanation(code, names=f" ({', '.join(details)})" if details else "")
    if code in ("off-platform", "look-alike-link"):
        return explanation(code, names=" and ".join(details))
    return explanation(code)


def _sentence_signals(
    sentence: _Sentence, patterns: _Patterns, registry: Registry | None
) -> Iterator[tuple[str, list[str]]]:
    """(rule code, details) for every rule this sentence trips."""
    for secret in patterns.secrets:
        if _secret_requested(sentence, secret, patterns, registry):
            yield secret.code, []
    if _code_echo(sentence, patterns):
        yield "2fa-code", []
    names = _remote_access(sentence, patterns)
    if names is not None:
        yield "remote-access", names
    if _first_unnegated(sentence, patterns.verify_transfer):
        yield "verification-transfer", []
    if _release_fee(sentence, patterns):
        yield "release-fee", []
    if _safe_wallet(sentence, patterns):
        yield "safe-wallet", []
    apps = _off_platform(sentence, patterns, registry)
    if apps:
        yield "off-platform", apps
    if _wallet_link(sentence, patterns, registry):
        yield "wallet-link", []
    look_alike = _look_alike_link(sentence, registry)
    if look_alike:
        yield "look-alike-link", [look_alike]


def _secret_requested(
    sentence: _Sentence, secret: _Secret, patterns: _Patterns, registry: Registry | None
) -> bool:
    text = sentence.text
    for match in secret.pattern.finditer(text):
        start, end = match.span()
        if secret.exclude_before and secret.exclude_before.search(text[max(0, start - 40) : start]):
            continue
        if secret.exclude_after and secret.exclude_after.search(text[end : end + 20]):
            continue
        if _asked_for(sentence, start, end, secret.strong, patterns, registry):
            return True
    return False


def _asked_for(
    sentence: _Sentence,
    start: int,
    end: int,
    strong: bool,
    patterns: _Patterns,
    registry: Registry | None,
) -> bool:
    """Is the secret at [start, end) the object of a request that no warning word undoes?"""
    text = sentence.text
    lo = max(0, start - _BEFORE_WINDOW)
    hi = min(len(text), end + _AFTER_WINDOW)
    for cue in patterns.give_before.finditer(text, lo, start):
        if patterns.enter.search(text, cue.end(), start):
            continue  # "we need you to enter the code ...": an entry, judged below
        if cue.lastgroup == "give" and patterns.agent_subject.search(
            text, max(0, cue.start() - 30), cue.start()
        ):
            continue  # "we will send a code to your phone": the agent gives, not asks
        if not sentence.negated(cue.start(), end):
            return True
    for cue in patterns.give_after.finditer(text, end, hi):
        if patterns.enter.search(text, end, cue.end()):
            continue  # "인증번호를 입력해 주세요": an entry, judged below
        if not sentence.negated(start, cue.end()):
            return True
    for cue in patterns.enter.finditer(text, lo, hi):
        if cue.start() < end and cue.end() > start:
            continue
        if not _entry_is_unsafe(sentence, strong, patterns, registry):
            continue
        if not sentence.negated(min(start, cue.start()), max(end, cue.end())):
            return True
    return False


def _entry_is_unsafe(
    sentence: _Sentence, strong: bool, patterns: _Patterns, registry: Registry | None
) -> bool:
    """Typing a secret is fine in the official app; not on a page an "agent" points to."""
    if _has_outside_link(sentence, registry):
        return True
    if patterns.in_app.search(sentence.text):
        return False
    return strong or patterns.here.search(sentence.text) is not None


def _has_outside_link(sentence: _Sentence, registry: Registry | None) -> bool:
    addresses = [a for a in sentence.addresses if a.kind in {"url", "domain"} and a.host]
    if not addresses:
        return False
    registry = registry or load_registry()
    for address in addresses:
        assert address.host is not None
        host = address.host.ascii
        if registry.owner(host) is None and not _under_any(host, _EXPLORER_DOMAINS):
            return True
    return False


def _code_echo(sentence: _Sentence, patterns: _Patterns) -> bool:
    """ "We will send you a code, read it back to me": the agent triggers a login or
    withdrawal code and asks for it."""
    sent = patterns.code_sent.search(sentence.text)
    if sent is None:
        return False
    for ask in patterns.code_echo.finditer(sentence.text, sent.end()):
        if not sentence.negated(sent.start(), ask.end()):
            return True
    return False


def _first_unnegated(sentence: _Sentence, pattern: re.Pattern[str]) -> re.Match[str] | None:
    for match in pattern.finditer(sentence.text):
        if not sentence.negated(match.start(), match.end()):
            return match
    return None


def _remote_access(sentence: _Sentence, patterns: _Patterns) -> list[str] | None:
    """The remote-access apps the agent wants used ([] for a generic request), or None."""
    names: list[str] = []
    for match in patterns.remote_app.finditer(sentence.text):
        if not sentence.negated(match.start(), match.end()):
            name = _REMOTE_NAMES.get(re.sub(r"\s+", "", match.group().casefold()), "")
            if name and name not in names:
                names.append(name)
            elif not name and "" not in names:
                names.append("")
    if names:
        return [name for name in names if name]
    text = sentence.text
    for match in patterns.remote_generic.finditer(text):
        lo = max(0, match.start() - _BEFORE_WINDOW)
        hi = min(len(text), match.end() + _AFTER_WINDOW)
        for cue in patterns.remote_cue.finditer(text, lo, hi):
            span = (min(cue.start(), match.start()), max(cue.end(), match.end()))
            if not sentence.negated(*span):
                return []
    return None


_REMOTE_NAMES = {
    "anydesk": "AnyDesk",
    "teamviewer": "TeamViewer",
    "rustdesk": "RustDesk",
    "quicksupport": "TeamViewer QuickSupport",
    "ultraviewer": "UltraViewer",
    "supremo": "Supremo",
    "splashtop": "Splashtop",
    "chromeremotedesktop": "Chrome Remote Desktop",
    "ammyy": "Ammyy Admin",
    "ammyyadmin": "Ammyy Admin",
    "zohoassist": "Zoho Assist",
    "screenconnect": "ScreenConnect",
    "connectwise": "ConnectWise",
    "remoteutilities": "Remote Utilities",
    "aweray": "AweRay",
    "airdroid": "AirDroid",
    "向日葵": "Sunlogin (向日葵)",
    "todesk": "ToDesk",
    "팀뷰어": "TeamViewer",
    "애니데스크": "AnyDesk",
    "러스트데스크": "RustDesk",
}


def _release_fee(sentence: _Sentence, patterns: _Patterns) -> bool:
    if _first_unnegated(sentence, patterns.release_inherent):
        return True
    text = sentence.text
    unlocks = [m.start() for m in patterns.release_unlock.finditer(text)]
    if not unlocks:
        return False
    pays = list(patterns.release_pay.finditer(text))
    for fee in patterns.release_fee.finditer(text):
        if min(abs(u - fee.start()) for u in unlocks) > _RELEASE_WINDOW:
            continue
        for pay in pays:
            span = (min(fee.start(), pay.start()), max(fee.end(), pay.end()))
            if span[1] - span[0] <= _PAY_WINDOW and not sentence.negated(*span):
                return True
    return False


_RELEASE_WINDOW = 80  # the fee must be about the release, not another topic in the sentence
_PAY_WINDOW = 60


def _safe_wallet(sentence: _Sentence, patterns: _Patterns) -> bool:
    text = sentence.text
    moves = list(patterns.wallet_move.finditer(text))
    if not moves:
        return False
    targets = [(m, True) for m in patterns.wallet_strong.finditer(text)]
    if patterns.wallet_context.search(text):
        targets += [(m, False) for m in patterns.wallet_weak.finditer(text)]
    for target, strong in targets:
        for move in moves:
            verb_after = move.start() >= target.end()
            if verb_after and not strong and not _is_cjk(target.group()[:1]):
                continue  # English: "move ... to this new address", the verb comes first
            if verb_after and patterns.agent_subject.search(
                text, max(0, move.start() - 30), move.start()
            ):
                continue  # "... the safe wallet we have moved": a report, not a request
            span = (min(move.start(), target.start()), max(move.end(), target.end()))
            if not sentence.negated(*span):
                return True
    return False


def _is_cjk(char: str) -> bool:
    return bool(char) and _simple_patterns()["cjk"].match(char) is not None


_MESSENGER_NAMES = (
    ("whatsapp", "WhatsApp"),
    ("wa.me", "WhatsApp"),
    ("왓츠앱", "WhatsApp"),
    ("wechat", "WeChat"),
    ("we chat", "WeChat"),
    ("微信", "WeChat"),
    ("威信", "WeChat"),
    ("vx", "WeChat"),
    ("v信", "WeChat"),
    ("wx", "WeChat"),
    ("weixin", "WeChat"),
    ("위챗", "WeChat"),
    ("加v", "WeChat"),
    ("加 v", "WeChat"),
    ("telegram", "Telegram"),
    ("t.me", "Telegram"),
    ("电报", "Telegram"),
    ("飞机", "Telegram"),
    ("tg", "Telegram"),
    ("텔레그램", "Telegram"),
    ("signal", "Signal"),
    ("시그널", "Signal"),
    ("line", "LINE"),
    ("line.me", "LINE"),
    ("kakao", "KakaoTalk open chat"),
    ("오픈", "KakaoTalk open chat"),
    ("카톡", "KakaoTalk"),
    ("qq", "QQ"),
    ("discord", "Discord"),
    ("skype", "Skype"),
    ("viber", "Viber"),
    ("snapchat", "Snapchat"),
    ("instagram", "Instagram DM"),
    ("messenger", "Messenger"),
)


def _off_platform(sentence: _Sentence, patterns: _Patterns, registry: Registry | None) -> list[str]:
    """The messengers or private channels the agent moves the talk to."""
    apps: list[str] = []
    for match in patterns.messenger.finditer(sentence.text):
        if sentence.negated(match.start(), match.end()):
            continue
        if match.lastgroup == "dm":
            name = "a private message"
        else:
            lowered = match.group().casefold()
            name = next((n for key, n in _MESSENGER_NAMES if key in lowered), "a private messenger")
        if name not in apps:
            apps.append(name)
    text = sentence.text
    for address in sentence.addresses:
        if address.kind != "email" or address.host is None:
            continue
        where = text.find(address.text)
        if where < 0:
            continue
        registry = registry or load_registry()
        if not registry.is_freemail(address.host.ascii):
            continue
        lo = max(0, where - 40)
        if patterns.mail_contact.search(text[lo:where]) and not sentence.negated(
            lo, where + len(address.text)
        ):
            name = f"a personal e-mail address ({address.host.ascii})"
            if name not in apps:
                apps.append(name)
    return apps


def _wallet_link(sentence: _Sentence, patterns: _Patterns, registry: Registry | None) -> bool:
    if _first_unnegated(sentence, patterns.link_inherent):
        return True
    if not _first_unnegated(sentence, patterns.link_cue):
        return False
    return _has_outside_link(sentence, registry)


def _look_alike_link(sentence: _Sentence, registry: Registry | None) -> str | None:
    hosts = [a.host for a in sentence.addresses if a.kind in {"url", "domain", "email"} and a.host]
    if not hosts:
        return None
    registry = registry or load_registry()
    for host in hosts:
        found = _look_alike(host, registry)
        if found is not None:
            return _look_alike_reason(host, found)
    return None
