"""Turn a normalised question into matching features.

Chinese questions are compared by *sound*, not only by characters, because a
pinyin keyboard's typical mistake is the right syllables with the wrong
characters (建习 for 见习, 三支一福 for 三支一扶). Every feature is therefore
keyed by toneless pinyin:

- ``w:<pinyin>``  a word (jieba, with the domain dictionary), after synonym folding;
- ``w:<pinyin>``  also a domain word spotted in the syllable stream, which is how
  a typo that the segmenter split into single characters still names its programme;
- ``b:<syl>_<syl>`` syllable bigrams inside a word, or inside a run of single
  characters (how jieba splits a word it does not know, typos included);
- ``w:<stem>`` English words (Snowball-stemmed; an English synonym folds onto
  its Chinese canonical word, so "subsidy" meets 补贴), ``n:<digits>`` numbers.

Filler words (请问, 吗, 怎么 …) break runs and produce no feature.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

import jieba
import snowballstemmer
from pypinyin import Style, lazy_pinyin

from knowledge.entries import Lexicon
from knowledge.text import is_cjk, normalize

_ASCII_WORD = re.compile(r"^[0-9a-z]+$")
_DIGITS = re.compile(r"^[0-9]+$")
# Domain words are spotted in the syllable stream only up to this length.
_MAX_DOMAIN_SYLLABLES = 12


@dataclass(frozen=True)
class Analysis:
    """What the matcher needs to know about one piece of text."""

    normalized: str
    features: tuple[str, ...]
    pinyin: str  # content syllables and English words, space-separated, for fuzzy scoring
    content: str  # normalised text without filler words

    @property
    def empty(self) -> bool:
        return not self.features


@functools.lru_cache(maxsize=65536)
def _syllables(word: str) -> tuple[str, ...]:
    """Toneless pinyin syllables of a Chinese word (cached: words repeat a lot)."""
    return tuple(s for s in lazy_pinyin(word, style=Style.NORMAL, errors="ignore") if s.isalpha())


class Analyzer:
    """Segmentation, synonym folding and pinyin keys, built once from a Lexicon."""

    def __init__(self, lexicon: Lexicon, extra_words: Iterable[str] = ()) -> None:
        self.lexicon = lexicon
        # A private tokenizer: adding our words must not change jieba's global one.
        self._jieba = jieba.Tokenizer()
        self._jieba.initialize()
        words = {normalize(w).replace(" ", "") for w in (*lexicon.domain_words, *extra_words)}
        for word in sorted(w for w in words if is_cjk(w)):
            self._jieba.add_word(word, freq=max(self._jieba.suggest_freq(word), 50000))
        self._stem = snowballstemmer.stemmer("english").stemWord
        self._stopwords = {normalize(w).replace(" ", "") for w in lexicon.stopwords}
        self._english_stop = {normalize(w) for w in lexicon.english_stopwords}
        # Synonyms fold by pinyin key, so a typo of a variant still folds.
        self._synonym: dict[str, str] = {}
        self._english_phrases: dict[str, str] = {}
        for canonical, variants in lexicon.synonyms.items():
            target = self._key(normalize(canonical))
            for variant in variants:
                variant = normalize(variant)
                if " " in variant:
                    self._english_phrases[variant] = canonical
                else:
                    self._synonym[self._key(variant)] = target
        self._domain: dict[tuple[str, ...], str] = {}
        for word in words:
            syllables = _syllables(word) if is_cjk(word) else ()
            if 2 <= len(syllables) <= _MAX_DOMAIN_SYLLABLES:
                self._domain[syllables] = self._synonym.get("".join(syllables), "".join(syllables))
        self._domain_lengths = sorted({len(k) for k in self._domain}, reverse=True)
        # Small talk is recognised by covering the whole message with these phrases.
        self._smalltalk_phrases: dict[str, str | None] = {w: None for w in self._stopwords | self._english_stop}
        for intent, phrases in lexicon.smalltalk.items():
            for phrase in phrases:
                self._smalltalk_phrases[normalize(phrase).replace(" ", "")] = intent
        self._smalltalk_longest = max(map(len, self._smalltalk_phrases), default=1)

    def _key(self, word: str) -> str:
        """Pinyin key of a Chinese word, stem of an English one, digits as they are."""
        if is_cjk(word):
            return "".join(_syllables(word))
        if _DIGITS.match(word):
            return word
        return self._stem(word)

    def _fold(self, key: str) -> str:
        return self._synonym.get(key, key)

    def analyze(self, text: str) -> Analysis:
        """Features of `text`; the same code serves questions and knowledge entries."""
        normalized = normalize(text)
        prepared = normalized
        for phrase, canonical in self._english_phrases.items():
            if phrase in prepared:
                prepared = re.sub(rf"\b{re.escape(phrase)}\b", f" {canonical} ", prepared)
        features: list[str] = []
        runs: list[list[str]] = [[]]  # syllables of adjacent content words, for domain-word spotting
        groups: list[list[str]] = [[]]  # syllables that form one word, for bigrams
        fuzzy_parts: list[str] = []
        content: list[str] = []
        previous_single = False
        for token in self._jieba.cut(prepared, HMM=False):
            token = token.strip()
            if not token:
                continue
            if not is_cjk(token):
                runs.append([])
                groups.append([])
                previous_single = False
                if not _ASCII_WORD.match(token) or token in self._english_stop:
                    continue
                content.append(token)
                key = self._fold(self._key(token))
                features.append(("n:" if _DIGITS.match(token) else "w:") + key)
                fuzzy_parts.append(key)
                continue
            if token in self._stopwords:
                runs.append([])
                groups.append([])
                previous_single = False
                continue
            content.append(token)
            key = self._fold(self._key(token))
            if not key:
                continue
            features.append("w:" + key)
            syllables = self._split_key(key, token)
            runs[-1].extend(syllables)
            fuzzy_parts.extend(syllables)
            # Single characters in a row are usually a word jieba did not know
            # (often a typo: 补|帖), so they form one group; a known word is its own.
            if len(token) == 1 and previous_single:
                groups[-1].extend(syllables)
            else:
                groups.append(list(syllables))
            previous_single = len(token) == 1
            for sub in self._subwords(token):
                features.append("w:" + self._fold(self._key(sub)))
        for group in groups:
            features.extend(f"b:{a}_{b}" for a, b in zip(group, group[1:]))
        for run in runs:
            features.extend(self._spot_domain_words(run))
        return Analysis(normalized, tuple(dict.fromkeys(features)), " ".join(fuzzy_parts), "".join(content))

    def _split_key(self, key: str, token: str) -> tuple[str, ...]:
        """Syllables of a (possibly synonym-folded) key: re-derive them from the token when unfolded."""
        syllables = _syllables(token)
        if "".join(syllables) == key:
            return syllables
        return self._canonical_syllables(key)

    @functools.lru_cache(maxsize=4096)
    def _canonical_syllables(self, key: str) -> tuple[str, ...]:
        for canonical in self.lexicon.synonyms:
            canonical_norm = normalize(canonical)
            if is_cjk(canonical_norm) and self._key(canonical_norm) == key:
                return _syllables(canonical_norm)
        return (key,)

    def _subwords(self, token: str) -> list[str]:
        """Dictionary words inside a long token (jieba's search-mode idea), so 就业见习补贴 also yields 见习."""
        if len(token) <= 2:
            return []
        found = []
        freq = self._jieba.FREQ
        for n in (2, 3):
            for i in range(len(token) - n + 1):
                gram = token[i : i + n]
                if gram != token and freq.get(gram) and gram not in self._stopwords:
                    found.append(gram)
        return found

    def _spot_domain_words(self, run: list[str]) -> list[str]:
        found = []
        for length in self._domain_lengths:
            for i in range(len(run) - length + 1):
                hit = self._domain.get(tuple(run[i : i + length]))
                if hit:
                    found.append("w:" + hit)
        return found

    def smalltalk_intent(self, text: str) -> str | None:
        """The intent ('greeting', 'thanks', …) if `text` is nothing but small talk."""
        compact = normalize(text).replace(" ", "")
        if not compact:
            return None
        phrases = self._smalltalk_phrases
        found: list[str] = []
        i = 0
        longest = self._smalltalk_longest
        while i < len(compact):
            for n in range(min(longest, len(compact) - i), 0, -1):
                piece = compact[i : i + n]
                if piece in phrases:
                    if phrases[piece]:
                        found.append(phrases[piece])  # type: ignore[arg-type]
                    i += n
                    break
            else:
                return None
        return found[0] if found else None
