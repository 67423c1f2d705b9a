"""BIP39 seed phrases: twelve or more words of the English list, in a row.

About one word in five of ordinary English prose is on the BIP39 list ("you",
"that", "have", "account", "agent", "again" ...), so "12 list words in a row"
alone would refuse some honest sentences. A run is refused only when it does
not read like prose: numbered words, a "seed phrase" label just before it, a
valid BIP39 checksum, or few of the prose words in `PROSE_WORDS`. Mistyped
phrases (a wrong checksum, a typo after the fourth letter, the four-letter
abbreviations wallets accept) are refused all the same.
"""

from __future__ import annotations

import itertools
import re
from functools import cache

from issuenote.safety.guard._model import lazy_pattern

SEED_LENGTHS = (12, 15, 18, 21, 24)
MIN_WORDS = 12
# Longer runs are judged on their words alone: a checksum search would cost
# time, and a wall of list words is refused either way.
_CHECKSUM_RUN_LIMIT = 48
_WORDLIST_SHA256 = "2f5eed53a4727b4bf8880d8f3f199efc90e58503646d9ff8eff3a2ed3b24dbda"

# A word (3 to 8 letters, the BIP39 range) then separators: spaces, commas,
# line breaks, and numbering such as "2.", "2)", "#2", "(2)". Every
# alternative starts on a different character class and the digit one is
# fenced by look-arounds, so the engine never has two ways to match the same
# text: linear time even on megabytes of words or digits.
_SEPARATOR = r"(?:[\s,;:|/、，()#\-]|(?<![0-9])[0-9]{1,2}(?![0-9])[.)]?)"
_WORD = r"[A-Za-z]{3,8}(?![A-Za-z0-9])"
_CANDIDATE_RUN = lazy_pattern(
    rf"(?<![A-Za-z0-9]){_WORD}(?:{_SEPARATOR}{{1,16}}{_WORD}){{{MIN_WORDS - 1},}}"
)
_TOKEN = lazy_pattern(r"[A-Za-z]+")
_SHORTEST_RUN = MIN_WORDS * 4 - 1  # twelve 3-letter words and their separators


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Labels that say "what follows is a recovery phrase", in the three languages.
_SEED_LABEL = lazy_pattern(
    r"(?i:seed|mnemonic|recovery\s*(?:phrase|words?)|secret\s*(?:recovery\s*)?phrase|"
    r"backup\s*(?:phrase|words?)|wallet\s*(?:phrase|words?)|(?:12|15|18|21|24)\s*words?)"
    r"|助记词|助記詞|种子词|恢复短语|私钥短语|니모닉|시드|복구\s*(?:구문|문구|단어)|비밀\s*복구"
)
_LABEL_LOOKBACK = 60

# List words that ordinary English (and support chat) is full of. A real
# phrase draws its words uniformly from 2048, so it holds about one of these
# in twelve; a sentence holds many.
PROSE_WORDS = _word_set(
    """about above account across address again agent all almost alone already also always
    among amount another answer any around ask away balance because before behind below
    between can case chat check come day deposit early else enough error exchange fee few
    fine first give good great happy have hello help hour into issue just know later left
    like list little long make minute month more morning much must name near need network
    never next night now number off often okay once one only open order other over own people
    person phone please problem put rather ready real right same say second since someone
    soon sorry still such sure team that then there they thing this three ticket time today
    together tomorrow transfer two under until upon very wait want way what when where will
    word year you"""
)


class SeedRun:
    """A run of list words the guard refuses, with its span in the text."""

    __slots__ = ("end", "start", "words")

    def __init__(self, start: int, end: int, words: tuple[str, ...]) -> None:
        self.start = start
        self.end = end
        self.words = words


@cache
def wordlist() -> tuple[str, ...]:
    """The 2048 English BIP39 words, read and verified on first use only."""
    import hashlib  # lazily, like the list itself
    from importlib import resources

    data = resources.files("issuenote").joinpath("data/bip39_english.txt").read_bytes()
    if hashlib.sha256(data).hexdigest() != _WORDLIST_SHA256:
        raise RuntimeError("issuenote/data/bip39_english.txt is not the BIP39 English list")
    words = tuple(data.decode("ascii").split())
    if len(words) != 2048:
        raise RuntimeError("the BIP39 English list must hold 2048 words")
    return words


@cache
def _lookup() -> tuple[dict[str, int], dict[str, int]]:
    """Word -> index, and four-letter prefix -> index (BIP39 prefixes are unique)."""
    words = wordlist()
    return {word: index for index, word in enumerate(words)}, {
        word[:4]: index for index, word in enumerate(words)
    }


_EXACT, _TYPO, _OTHER = 0, 1, 2


def _classify(token: str) -> tuple[int, int]:
    """(class, list index): a list word or its abbreviation, a likely typo, or prose."""
    exact, by_prefix = _lookup()
    index = exact.get(token)
    if index is not None:
        return _EXACT, index
    index = by_prefix.get(token[:4]) if len(token) >= 4 else None
    if index is None:
        return _OTHER, -1
    if wordlist()[index].startswith(token):
        return _EXACT, index  # "aban" for "abandon": wallets accept the first four letters
    return _TYPO, -1


def checksum_valid(indexes: list[int]) -> bool:
    """BIP39: the last word carries the first bits of SHA-256 of the entropy."""
    import hashlib  # only phrases that reach this far pay for it

    if len(indexes) not in SEED_LENGTHS or min(indexes) < 0:
        return False
    bits = 0
    for index in indexes:
        bits = (bits << 11) | index
    total_bits = 11 * len(indexes)
    checksum_bits = total_bits // 33
    entropy_bits = total_bits - checksum_bits
    entropy = (bits >> checksum_bits).to_bytes(entropy_bits // 8, "big")
    expected = hashlib.sha256(entropy).digest()[0] >> (8 - checksum_bits)
    return bits & ((1 << checksum_bits) - 1) == expected


def _has_valid_window(indexes: list[int]) -> bool:
    """Whether some stretch of a seed length inside the run has a valid checksum."""
    for length in SEED_LENGTHS:
        for first in range(len(indexes) - length + 1):
            window = indexes[first : first + length]
            if min(window) >= 0 and checksum_valid(window):
                return True
    return False


def _reads_like_prose(
    tokens: list[str], originals: list[str], limit: float, *, repeats_ok: bool
) -> bool:
    """Too many everyday words, capitals inside the run, or words repeated."""
    count = len(tokens)
    common = sum(token in PROSE_WORDS for token in tokens)
    all_upper = all(word.isupper() for word in originals)
    capitals = 0 if all_upper else sum(word[0].isupper() for word in originals[1:])
    if all(word[0].isupper() for word in originals):
        capitals = 0  # Title Case Every Word is how some people copy phrases
    if common + capitals > count * limit:
        return True
    # A phrase rarely repeats a word; a wall of list words still holds many different ones.
    distinct = len(set(tokens))
    repeated = distinct < count * 0.75 if count <= _CHECKSUM_RUN_LIMIT else distinct < MIN_WORDS
    return repeated and not repeats_ok


def _is_phrase(text: str, matches: list[re.Match[str]], labelled: bool) -> bool:
    """Whether one run of list words is a phrase rather than a sentence.

    Numbering settles it. Otherwise the run must not read like prose; a label
    or a valid checksum earns it a looser limit, since prose rarely has
    either.
    """
    count = len(matches)
    gaps = [text[matches[i].end() : matches[i + 1].start()] for i in range(count - 1)]
    if sum(any(char.isdigit() for char in gap) for gap in gaps) >= count - 2:
        return True
    tokens = [match.group().lower() for match in matches]
    originals = [match.group() for match in matches]
    valid = count <= _CHECKSUM_RUN_LIMIT and _has_valid_window(
        [index for _, index in map(_classify, tokens)]
    )
    limit = 1 / 2 if labelled else 1 / 3 if valid else 1 / 4
    return not _reads_like_prose(tokens, originals, limit, repeats_ok=labelled or valid)


def _split_runs(matches: list[re.Match[str]]) -> list[list[re.Match[str]]]:
    """Maximal runs of list words, allowing one typo in twelve."""
    runs: list[list[re.Match[str]]] = []
    current: list[re.Match[str]] = []
    typos: list[int] = []

    def close() -> None:
        if len(current) >= MIN_WORDS and len(typos) <= max(1, len(current) // 12):
            runs.append(list(current))
        elif len(current) >= MIN_WORDS:  # too many typos: keep only the clean stretches
            edges = [-1, *typos, len(current)]
            for left, right in itertools.pairwise(edges):
                if right - left - 1 >= MIN_WORDS:
                    runs.append(current[left + 1 : right])
        current.clear()
        typos.clear()

    for match in matches:
        kind, _ = _classify(match.group().lower())
        if kind == _OTHER:
            close()
            continue
        if kind == _TYPO:
            typos.append(len(current))
        current.append(match)
    close()
    return runs


_LABEL_WORDS = frozenset({"seed", "seeds", "word", "words", "secret", "phrase", "key", "private"})


def _label_word(token: str) -> bool:
    return token.lower() in _LABEL_WORDS


def find_seed_runs(text: str) -> list[SeedRun]:
    """Every seed phrase in `text` (the word list loads only if a candidate run exists)."""
    found: list[SeedRun] = []
    if len(text) < _SHORTEST_RUN:
        return found
    for candidate in _CANDIDATE_RUN().finditer(text):
        matches = list(_TOKEN().finditer(text, candidate.start(), candidate.end()))
        for run in _split_runs(matches):
            while len(run) > MIN_WORDS and _label_word(run[0].group()):
                run = run[1:]  # "seed: 1. legal 2. winner ...": the label is no part of it
            before = text[max(0, run[0].start() - _LABEL_LOOKBACK) : run[0].start()]
            if _is_phrase(text, run, bool(_SEED_LABEL().search(before))):
                words = tuple(match.group().lower() for match in run)
                found.append(SeedRun(run[0].start(), run[-1].end(), words))
    return found
