"""Seed phrases: BIP39 mnemonics in all ten languages, Electrum v1 and Monero seeds.

A wallet's recovery phrase is the one secret that hands over everything, so
this detector looks for it in every form people paste it: English, Spanish,
French, Italian, Czech and Portuguese words; Japanese kana and Korean words,
spaced or not; Chinese (Simplified and Traditional) characters, spaced or
unspaced; numbered, quoted, in JSON arrays or CSV, joined by ``→ _ .`` or
Title Cased; and the older Electrum v1 (12 words) and Monero (25 words) seeds.

About one word in five of ordinary English prose is on the BIP39 list, and
the Chinese list is the 2048 most frequent characters, so "twelve list words
in a row" alone would refuse honest sentences. A run is refused only when it
does not read like prose: numbered words, a seed label just before it, a
valid BIP39 checksum, few everyday words (English), few of the most frequent
characters (Chinese), or words that prose never strings together (the other
languages, where short function words like "de", "la", "的" break a run).

Every word list comes from a maintained source and loads only when a text
holds a candidate run: the ten BIP39 lists from ``mnemonic`` (python-mnemonic,
Trezor's reference implementation), the Electrum v1 and Monero English lists
from the files in ``issuenote/data/`` (see ``issuenote/data/WORDLISTS.md``).
Every step is linear in the text: candidates come from regular expressions
that cannot backtrack more than a bounded amount, and each candidate is
walked once, with checksums tried only on runs of bounded length.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from functools import cache

from issuenote.safety.guard._model import lazy_pattern

SEED_LENGTHS = (12, 15, 18, 21, 24)
MIN_WORDS = 12
# Longer runs are judged on their words alone: a checksum search would cost
# time, and a wall of list words is refused either way.
_CHECKSUM_RUN_LIMIT = 48
_ENGLISH_SHA256 = "2f5eed53a4727b4bf8880d8f3f199efc90e58503646d9ff8eff3a2ed3b24dbda"

# The BIP39 languages of python-mnemonic that the guard reads (file stems).
LATIN_LANGUAGES = ("english", "spanish", "french", "italian", "czech", "portuguese")
BIP39_LANGUAGES = (*LATIN_LANGUAGES, "japanese", "korean", "chinese")
ELECTRUM = "electrum-v1"
MONERO = "monero"

# ---------------------------------------------------------------- candidate runs

# Latin letters, with the accents Spanish, French, Czech and Portuguese use,
# precomposed or as combining marks (a phrase copied in NFKD form).
_L = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u0300-\u036f"
# What may stand between two words of a phrase: spaces, punctuation, quotes,
# brackets, arrows, and numbering such as "2.", "2)", "#2", "(2)". Every
# alternative starts on a character class the words never use, and the digit
# one is fenced by look-arounds, so the engine has one way to match any text.
# A full stop joins words only when no space follows ("abandon.ability"):
# "… about. Please help" ends the phrase at the sentence.
_PUNCT = r"\s,;:|/、，()#\-_\"'`\[\]{}<>=+*•·…~→⇒➔➜»«“”‘’「」"
_SEPARATOR = rf"(?:[{_PUNCT}]|\.(?!\s)|(?<![0-9])[0-9]{{1,2}}(?![0-9])[.)]?)"
_LATIN_CANDIDATE = lazy_pattern(
    rf"(?<![{_L}0-9])[{_L}]{{3,16}}(?![{_L}0-9])"
    rf"(?:{_SEPARATOR}{{1,16}}[{_L}]{{3,16}}(?![{_L}0-9])){{{MIN_WORDS - 1},}}"
)
_LATIN_TOKEN = lazy_pattern(rf"[{_L}]+")
# Hangul syllables (and conjoining jamo, for NFKD text).
_H = "\uac00-\ud7a3\u1100-\u11ff"
_HANGUL_CANDIDATE = lazy_pattern(
    rf"[{_H}]{{2,12}}(?:{_SEPARATOR}{{1,16}}[{_H}]{{2,12}}){{{MIN_WORDS - 1},}}|[{_H}]{{24,}}"
)
_HANGUL_TOKEN = lazy_pattern(rf"[{_H}]+")
# Kana (with the combining voicing marks), spaced by ideographic or plain spaces.
_K = "\u3041-\u309f\u30a0-\u30ffー"
_KANA_CANDIDATE = lazy_pattern(
    rf"[{_K}]{{2,16}}(?:{_SEPARATOR}{{1,16}}[{_K}]{{2,16}}){{{MIN_WORDS - 1},}}|[{_K}]{{24,}}"
)
_KANA_TOKEN = lazy_pattern(rf"[{_K}]+")
# Han characters: one character is one word of the Chinese lists.
_HAN = "\u4e00-\u9fff"
# Spaced: one character at a time, apart ("紫 虎 申", "1. 紫 2. 虎", '["紫", "虎"]').
_HAN_ALONE = rf"[{_HAN}](?![{_HAN}])"
_HAN_SPACED = lazy_pattern(
    rf"(?<![{_HAN}]){_HAN_ALONE}(?:{_SEPARATOR}{{1,16}}{_HAN_ALONE}){{{MIN_WORDS - 1},}}"
)
_HAN_RUN = lazy_pattern(rf"[{_HAN}]{{{MIN_WORDS},}}")
_SHORTEST_RUN = MIN_WORDS  # twelve Chinese characters, unspaced

# Labels that say "what follows is a recovery phrase", in the languages people use.
_SEED_LABEL = lazy_pattern(
    r"(?i:seed|mnemonic|recovery\s*(?:phrase|words?)|secret\s*(?:recovery\s*)?phrase|"
    r"backup\s*(?:phrase|words?)|wallet\s*(?:phrase|words?)|(?:12|13|15|18|21|24|25)\s*words?|"
    r"electrum|monero|frase\s*(?:semilla|de\s*recuperaci)|semilla|phrase\s*de\s*r|"
    r"mots?\s*de\s*r|parole\s*(?:di|del)|frase\s*(?:di|de)\s*(?:recupero|backup|seguran)|"
    r"obnovovac|palavras)"
    r"|助记词|助記詞|种子词|種子詞|恢复短语|恢復短語|私钥短语|备份短语|備份短語|记忆词|記憶詞"
    r"|니모닉|시드|복구\s*(?:구문|문구|단어)|비밀\s*복구|백업\s*(?:구문|문구)"
    r"|ニーモニック|シード|リカバリー|復元|秘密のフレーズ"
)
_LABEL_LOOKBACK = 60
# A twelve-word phrase holds at least this many different words (see _too_repetitive).
_FEWEST_DISTINCT = 9
_LABEL_WORDS = frozenset(
    {"seed", "seeds", "word", "words", "secret", "phrase", "key", "private", "mnemonic"}
)


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


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

    __slots__ = ("end", "language", "start", "words")

    def __init__(self, start: int, end: int, words: tuple[str, ...], language: str) -> None:
        self.start = start
        self.end = end
        self.words = words
        self.language = language


# ---------------------------------------------------------------- word lists


def _strip_accents(word: str) -> str:
    """``ábaco`` -> ``abaco``: people type phrases with and without accents."""
    import unicodedata  # only tokens with accents get here

    return "".join(
        char for char in unicodedata.normalize("NFKD", word) if not unicodedata.combining(char)
    )


def _read_mnemonic_list(stem: str) -> list[str]:
    from importlib import resources  # lazily, like the lists themselves

    data = resources.files("mnemonic").joinpath(f"wordlist/{stem}.txt").read_bytes()
    words = data.decode("utf-8").split()
    if len(words) != 2048:
        raise RuntimeError(f"the BIP39 {stem} list must hold 2048 words")
    return words


@cache
def wordlist() -> tuple[str, ...]:
    """The 2048 English BIP39 words, read from python-mnemonic and verified on first use."""
    import hashlib
    from importlib import resources

    data = resources.files("mnemonic").joinpath("wordlist/english.txt").read_bytes()
    if hashlib.sha256(data).hexdigest() != _ENGLISH_SHA256:
        raise RuntimeError("mnemonic's english.txt is not the BIP39 English list")
    return tuple(data.decode("ascii").split())


@cache
def _lookup(language: str) -> tuple[dict[str, int], dict[str, int]]:
    """Word -> index, and four-letter prefix -> index, in the form the text is read in.

    Latin words are matched without accents and in lower case; kana and
    Hangul in NFC, the form keyboards produce. Chinese merges the Simplified
    and Traditional lists: they share their order, so an index is the same
    in both.
    """
    import unicodedata

    if language == "english":
        words = list(wordlist())
    elif language == "chinese":
        simplified = _read_mnemonic_list("chinese_simplified")
        traditional = _read_mnemonic_list("chinese_traditional")
        exact = {char: index for index, char in enumerate(traditional)}
        exact.update({char: index for index, char in enumerate(simplified)})
        return exact, {}
    elif language in (ELECTRUM, MONERO):
        words = _data_list(language)
    else:
        words = _read_mnemonic_list(language)
    if language in LATIN_LANGUAGES:
        words = [_strip_accents(word).lower() for word in words]
    else:
        words = [unicodedata.normalize("NFC", word) for word in words]
    exact = {word: index for index, word in enumerate(words)}
    prefixes: dict[str, int] = {}
    if language in LATIN_LANGUAGES:  # BIP39 Latin lists: the first four letters are unique
        prefixes = {word[:4]: index for index, word in enumerate(words)}
    elif language == MONERO:  # Monero's English list: the first three letters are unique
        prefixes = {word[:3]: index for index, word in enumerate(words)}
    return exact, prefixes


def _data_list(name: str) -> list[str]:
    from issuenote.paths import shipped_text

    stem = {ELECTRUM: "electrum_v1_english", MONERO: "monero_english"}[name]
    data = shipped_text(f"{stem}.txt")
    words = data.split()
    if len(words) != 1626:
        raise RuntimeError(f"issuenote/data/{stem}.txt must hold 1626 words")
    return words


@cache
def _chinese_class() -> re.Pattern[str]:
    """Runs of characters of the Chinese lists: the regular expression does the walking."""
    exact, _ = _lookup("chinese")
    return re.compile("[" + "".join(sorted(exact)) + f"]{{{MIN_WORDS},}}")


# ---------------------------------------------------------------- checksums


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
    if len(indexes) > _CHECKSUM_RUN_LIMIT:
        return False
    for length in SEED_LENGTHS:
        for first in range(len(indexes) - length + 1):
            window = indexes[first : first + length]
            if min(window) >= 0 and checksum_valid(window):
                return True
    return False


def monero_checksum_valid(words: list[str]) -> bool:
    """Monero's 25th word repeats the word the CRC-32 of the first 24 prefixes points at."""
    import zlib

    if len(words) != 25:
        return False
    prefixes = "".join(word[:3] for word in words[:24])
    return words[zlib.crc32(prefixes.encode()) % 24][:3] == words[24][:3]


# ---------------------------------------------------------------- tokens and runs


class _Tokens:
    """The words of a candidate, as parallel lists: where each is, as written, as read.

    Lists rather than one object per word: a megabyte of words costs a few
    passes in C instead of a Python object each.
    """

    __slots__ = ("ends", "originals", "starts", "words")

    def __init__(self, matches: list[re.Match[str]], words: list[str]) -> None:
        self.starts = [match.start() for match in matches]
        self.ends = [match.end() for match in matches]
        self.originals = [match.group() for match in matches]
        self.words = words


class _Run:
    """Tokens `first` to `last - 1` of a `_Tokens`, with their list indexes (-1: a typo)."""

    __slots__ = ("first", "indexes", "last", "tokens")

    def __init__(self, tokens: _Tokens, first: int, last: int, indexes: list[int]) -> None:
        self.tokens = tokens
        self.first = first
        self.last = last
        self.indexes = indexes

    def __len__(self) -> int:
        return self.last - self.first

    @property
    def start(self) -> int:
        return self.tokens.starts[self.first]

    @property
    def end(self) -> int:
        return self.tokens.ends[self.last - 1]

    @property
    def words(self) -> list[str]:
        return self.tokens.words[self.first : self.last]

    @property
    def originals(self) -> list[str]:
        return self.tokens.originals[self.first : self.last]

    def part(self, first: int, last: int) -> _Run:
        """Tokens `first` to `last - 1` of this run (offsets within the run)."""
        return _Run(self.tokens, self.first + first, self.first + last, self.indexes[first:last])

    def seed_run(self, language: str) -> SeedRun:
        return SeedRun(self.start, self.end, tuple(self.words), language)


_OTHER = -2  # in a run's indexes: not a word of the list; -1 is a likely typo


def _indexes(language: str, words: list[str]) -> list[int]:
    """Each word's list index, -1 for a likely typo, `_OTHER` for a word off the list.

    The four-letter abbreviations wallets accept count as the word ("aban"
    for "abandon"); another word sharing those four letters is a typo.
    Monero accepts any word by its first three letters.
    """
    exact, prefixes = _lookup(language)
    indexes = [exact.get(word, _OTHER) for word in words]
    if not prefixes:
        return indexes
    size = 3 if language == MONERO else 4
    for position in [position for position, index in enumerate(indexes) if index == _OTHER]:
        word = words[position]
        index = prefixes.get(word[:size], _OTHER) if len(word) >= size else _OTHER
        if index >= 0 and language != MONERO and not _words_of(language)[index].startswith(word):
            index = -1
        indexes[position] = index
    return indexes


@cache
def _words_of(language: str) -> list[str]:
    exact, _ = _lookup(language)
    return sorted(exact, key=exact.__getitem__)


@cache
def _language_masks() -> tuple[dict[str, int], tuple[str, ...]]:
    """Word (or four-letter prefix) -> a bit per Latin-script list that holds it.

    One look-up per word tells which lists could hold a run at all, so a wall
    of English words is not walked again for Czech, Italian and Monero.
    """
    languages = (*LATIN_LANGUAGES, ELECTRUM, MONERO)
    masks: dict[str, int] = {}
    for bit, language in enumerate(languages):
        exact, prefixes = _lookup(language)
        if language == MONERO:
            prefixes = {}  # three-letter prefixes would match most English words
        for word in itertools.chain(exact, prefixes):
            masks[word] = masks.get(word, 0) | (1 << bit)
    return masks, languages


def _possible_languages(words: list[str]) -> list[str]:
    """The Latin-script lists that hold twelve of `words` in a row (or with one typo)."""
    masks, languages = _language_masks()
    per_word = [masks.get(word, 0) | masks.get(word[:4], 0) for word in words]
    possible = []
    for bit, language in enumerate(languages):
        flag = 1 << bit
        hits = "".join(["1" if mask & flag else "0" for mask in per_word])
        if "1" * MIN_WORDS in hits:
            possible.append(language)
    return possible


def _split_runs(language: str, tokens: _Tokens) -> Iterator[_Run]:
    """Maximal runs of one language's list words (one typo in twelve allowed)."""
    indexes = _indexes(language, tokens.words)
    breaks = [position for position, index in enumerate(indexes) if index == _OTHER]
    for left, right in itertools.pairwise([-1, *breaks, len(indexes)]):
        if right - left - 1 < MIN_WORDS:
            continue
        run = _Run(tokens, left + 1, right, indexes[left + 1 : right])
        typos = [position for position, index in enumerate(run.indexes) if index == -1]
        if len(typos) <= max(1, len(run) // 12):
            yield run
            continue
        for first, last in itertools.pairwise([-1, *typos, len(run)]):  # the clean stretches
            if last - first - 1 >= MIN_WORDS:
                yield run.part(first + 1, last)


def _labelled(text: str, start: int) -> bool:
    before = text[max(0, start - _LABEL_LOOKBACK) : start]
    return bool(_SEED_LABEL().search(before))


def _numbered(text: str, run: _Run) -> bool:
    """ "1. legal 2. winner …": numbering settles that a run is a phrase."""
    starts, ends = run.tokens.starts, run.tokens.ends
    numbered = 0
    for position in range(run.first, run.last - 1):
        gap = text[ends[position] : starts[position + 1]]
        numbered += any(char.isdigit() for char in gap)
        if numbered == 0 and position - run.first > 2:
            return False  # not numbered from the start: no need to read a megabyte of gaps
    return numbered >= len(run) - 2


def _too_repetitive(words: list[str]) -> bool:
    """A phrase rarely repeats a word; a wall of list words still holds many different ones."""
    distinct = len(set(words))
    if len(words) <= _CHECKSUM_RUN_LIMIT:
        return distinct < len(words) * 0.75
    return distinct < MIN_WORDS


def _english_reads_like_prose(run: _Run, limit: float) -> bool:
    """Too many everyday words, or capitals inside the run (unless every word is capitalised)."""
    originals = run.originals
    common = sum(word in PROSE_WORDS for word in run.words)
    capitals = 0
    if not all(word.isupper() for word in originals) and not all(
        word[0].isupper() for word in originals
    ):
        capitals = sum(word[0].isupper() for word in originals[1:])
    return common + capitals > len(run) * limit


def _title_case_stretches(run: _Run) -> list[_Run]:
    """The stretches of twelve or more capitalised words inside a mixed-case run.

    "so I sent Abandon Ability … About and then" puts lower-case list words
    around a Title Case phrase; judged whole, its capitals read like prose.
    """
    stretches: list[_Run] = []
    position = 0
    for capital, group in itertools.groupby(run.originals, key=lambda word: word[0].isupper()):
        size = len(list(group))
        if capital and MIN_WORDS <= size < len(run):
            stretches.append(run.part(position, position + size))
        position += size
    return stretches


def _judge_latin(text: str, language: str, run: _Run) -> _Run | None:
    """The part of a run of list words that is a phrase, or None when it reads like prose."""
    if _numbered(text, run):
        return run
    labelled = _labelled(text, run.start)
    words = run.words
    valid = _has_valid_window(run.indexes) if language in LATIN_LANGUAGES else False
    if language == "english":
        limit = 1 / 2 if labelled else 1 / 3 if valid else 1 / 4
        if not _english_reads_like_prose(run, limit) and (
            labelled or valid or not _too_repetitive(words)
        ):
            return run
        for stretch in _title_case_stretches(run):
            if not _english_reads_like_prose(stretch, limit) and not _too_repetitive(stretch.words):
                return stretch
        return None
    if language in (ELECTRUM, MONERO):
        if language == MONERO and len(run) < 24:
            return None
        if sum(word in PROSE_WORDS for word in words) > len(run) / (2 if labelled else 4):
            return None
        return run if labelled or not _too_repetitive(words) else None
    # Spanish, French, Italian, Czech, Portuguese: prose needs the short
    # function words no list holds, so twelve list words in a row are a phrase
    # unless they are one word repeated.
    return run if not _too_repetitive(words) and (labelled or valid or _distinct(words)) else None


def _distinct(words: list[str]) -> bool:
    """No word twice: a run with repeats needs a label or a checksum to count."""
    return len(set(words)) == len(words)


def _strip_label_words(run: _Run) -> _Run:
    """ "seed: 1. legal 2. winner …": the label is no part of the phrase."""
    first = 0
    words = run.tokens.words
    while len(run) - first > MIN_WORDS and words[run.first + first] in _LABEL_WORDS:
        first += 1
    return run.part(first, len(run)) if first else run


def _latin_runs(text: str) -> Iterator[SeedRun]:
    for candidate in _LATIN_CANDIDATE().finditer(text):
        matches = list(_LATIN_TOKEN().finditer(text, *candidate.span()))
        words = [match.group().lower() for match in matches]
        if len(words) > _CHECKSUM_RUN_LIMIT and len(set(words)) < _FEWEST_DISTINCT:
            continue  # "seed seed seed …": a wall of one word repeated is no phrase
        words = [word if word.isascii() else _strip_accents(word) for word in words]
        tokens = _Tokens(matches, words)
        seen: list[tuple[int, int]] = []
        for language in _possible_languages(words):
            for whole in _split_runs(language, tokens):
                run = _strip_label_words(whole)
                if any(start <= run.start and run.end <= end for start, end in seen):
                    continue  # already refused as another language's phrase
                phrase = _judge_latin(text, language, run)
                if phrase is not None:
                    seen.append((phrase.start, phrase.end))
                    yield phrase.seed_run(language)


# ---------------------------------------------------------------- Korean and Japanese


def _segment(chunk: str, exact: dict[str, int], longest: int) -> list[str] | None:
    """Split an unspaced run of kana or Hangul into list words (linear: words are short)."""
    size = len(chunk)
    previous: list[int] = [-1] * (size + 1)
    reachable = [False] * (size + 1)
    reachable[0] = True
    for end in range(1, size + 1):
        for length in range(1, min(longest, end) + 1):
            if reachable[end - length] and chunk[end - length : end] in exact:
                reachable[end] = True
                previous[end] = end - length
                break
    if not reachable[size]:
        return None
    words: list[str] = []
    position = size
    while position > 0:
        words.append(chunk[previous[position] : position])
        position = previous[position]
    return words[::-1]


def _nfc(word: str) -> str:
    import unicodedata  # only Korean and Japanese candidates get here

    return word if unicodedata.is_normalized("NFC", word) else unicodedata.normalize("NFC", word)


def _spaced_or_unspaced_runs(
    text: str, language: str, candidate: re.Pattern[str], token_pattern: re.Pattern[str]
) -> Iterator[SeedRun]:
    """Korean or Japanese phrases: twelve or more list words spaced apart, or one unspaced run."""
    longest = 4 if language == "korean" else 7
    for match in candidate.finditer(text):
        matches = list(token_pattern.finditer(text, *match.span()))
        words = [_nfc(token.group()) for token in matches]
        if len(set(words)) < _FEWEST_DISTINCT and len(match.group()) > _UNSPACED_MAX:
            continue
        if len(words) >= MIN_WORDS:
            for run in _split_runs(language, _Tokens(matches, words)):
                labelled = _labelled(text, run.start)
                if labelled or _has_valid_window(run.indexes) or not _too_repetitive(run.words):
                    yield run.seed_run(language)
            continue
        exact, _ = _lookup(language)
        for token, word in zip(matches, words, strict=True):
            # unspaced: it must split into list words, and carry a label or a checksum
            if not _UNSPACED_MIN <= len(word) <= _UNSPACED_MAX:
                continue
            parts = _segment(word, exact, longest)
            if parts is None or len(parts) not in SEED_LENGTHS:
                continue
            if _labelled(text, token.start()) or checksum_valid([exact[part] for part in parts]):
                yield SeedRun(token.start(), token.end(), tuple(parts), language)


_UNSPACED_MIN = 24  # twelve words of at least two syllables or kana
_UNSPACED_MAX = 24 * 7  # the longest phrase of the longest words


# ---------------------------------------------------------------- Chinese

# In Chinese prose most characters are among the 512 most frequent, which the
# list puts first; a phrase draws from all 2048, so about a quarter are.
_FREQUENT_RANK = 512


def _chinese_reads_like_prose(indexes: list[int]) -> bool:
    frequent = sum(index < _FREQUENT_RANK for index in indexes)
    return frequent * 2 > len(indexes) or len(set(indexes)) < len(indexes) - 1


def _chinese_runs(text: str) -> Iterator[SeedRun]:
    spaced = _HAN_SPACED().search(text)
    unspaced = _HAN_RUN().search(text)
    if spaced is None and unspaced is None:
        return  # no candidate: the lists stay unread
    exact, _ = _lookup("chinese")
    for match in _HAN_SPACED().finditer(text):
        chars = [char for char in match.group() if "\u4e00" <= char <= "\u9fff"]
        if all(char in exact for char in chars) and len(set(chars)) >= len(chars) * 0.75:
            yield SeedRun(match.start(), match.end(), tuple(chars), "chinese")
    for han in _HAN_RUN().finditer(text):
        for run in _chinese_class().finditer(text, *han.span()):
            found = _chinese_window(text, run.start(), run.end(), exact)
            if found is not None:
                yield found


def _chinese_window(text: str, start: int, end: int, exact: dict[str, int]) -> SeedRun | None:
    """An unspaced phrase: the characters after a label (before the run or inside it),
    or, unlabelled, a whole run of a seed length with a valid checksum that does
    not read like prose."""
    chars = text[start:end]
    label = None
    for label in _SEED_LABEL().finditer(chars):  # noqa: B007 - "助记词是…": the last label
        pass
    offset = -1
    if label is not None:
        offset = label.end()
        while offset < len(chars) and chars[offset] in "是为為":
            offset += 1
    elif _labelled(text, start):
        offset = 0
    if offset >= 0:
        body = chars[offset:]
        if len(body) < MIN_WORDS:
            return None
        length = max(size for size in SEED_LENGTHS if size <= min(len(body), 24))
        valid = False
        for size in sorted(SEED_LENGTHS, reverse=True):  # the longest with a valid checksum
            if len(body) >= size and checksum_valid([exact[char] for char in body[:size]]):
                length, valid = size, True
                break
        glued = label is not None  # "我把助记词告诉过任何人…": the label runs on into prose
        if glued and not valid and _chinese_reads_like_prose([exact[c] for c in body[:length]]):
            return None
        begin = start + offset
        return SeedRun(begin, begin + length, tuple(body[:length]), "chinese")
    if len(chars) not in SEED_LENGTHS:
        return None
    indexes = [exact[char] for char in chars]
    if checksum_valid(indexes) and not _chinese_reads_like_prose(indexes):
        return SeedRun(start, end, tuple(chars), "chinese")
    return None


# ---------------------------------------------------------------- entry point


def find_seed_runs(text: str) -> list[SeedRun]:
    """Every seed phrase in `text` (word lists load only when a candidate run exists)."""
    if len(text) < _SHORTEST_RUN:
        return []
    found = list(_latin_runs(text))
    if not text.isascii():
        found.extend(_chinese_runs(text))
        for language, candidate, token in (
            ("korean", _HANGUL_CANDIDATE, _HANGUL_TOKEN),
            ("japanese", _KANA_CANDIDATE, _KANA_TOKEN),
        ):
            found.extend(_spaced_or_unspaced_runs(text, language, candidate(), token()))
    return found
