"""Score a question against the FAQ entries: the index, and nothing else.

Two stages, so that the cost stays flat as the knowledge base grows:

1. **Retrieve** with BM25 (the `bm25s` library, sparse matrices) over every
   phrasing of every entry; the best few entries are the candidates.
2. **Score** each candidate on a calibrated 0..1 scale that a threshold can
   be set on (raw BM25 is not comparable between questions). Information is
   counted per question word (`Unit`): its IDF over the entries' phrasings
   (东莞/政策 weigh little, a word no entry uses weighs most), times its length
   (one character is vague), times its role (a context word such as 听说 or
   暑假 weighs little). An entry *explains* a word fully, partly (a homophone,
   a word found only in its answer or in one alternate, a known part of a
   longer word) or not at all. From that:

   - *coverage*: explained information over all of it, where an unexplained
     place name (深圳 in 深圳的实习补贴) counts several times: it moves the
     question elsewhere. Words the knowledge base has never seen (天气, 护照)
     stay in the denominator: that is what keeps out-of-scope questions out.
     Only the largest gap counts fully; the rest of what is unexplained is
     discounted as the student's story, so long questions are not punished
     for telling it.
   - *evidence*: how much was explained at all, saturating; a long chatty
     question explains only part of itself but says a lot about its topic,
     while a near miss matches one or two words.
   - *closeness*: the weighted Dice overlap of features with the best phrasing.
   - *fuzz*: rapidfuzz similarity of the pinyin strings, which forgives the
     typos that change a syllable.
"""

from __future__ import annotations

import functools
import math
import re
import sys
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace

import bm25s
import numpy as np
from rapidfuzz import fuzz, process

from knowledge.analyzer import Analysis, Analyzer, Unit
from knowledge.closeness import Features
from knowledge.entries import FaqEntry

#: Weights of the four signals in the final score (they sum to 1). The score is a scale: the answer floor,
#: the suggest threshold and the decision layer are calibrated on it.
W_COVERAGE, W_EVIDENCE, W_CLOSENESS, W_FUZZ = 0.40, 0.40, 0.10, 0.10
#: Weights of the same signals for ORDERING the candidates, fitted by bench/fit_ranking.py on the seen sets (the
#: right entry first, held out one set at a time: 98.3% -> 99.2%; on blind8, never read, 95.3% -> 96.8%). Ranking
#: by closeness to a phrasing and pinyin similarity tells neighbouring entries apart better; the score's scale
#: (where a junk question's pinyin similarity alone gives 0.7) stays what the thresholds were set on.
R_COVERAGE, R_EVIDENCE, R_CLOSENESS, R_FUZZ = 0.00, 0.40, 0.35, 0.25
#: Explained information, in words of the highest IDF, at which evidence reaches 63%.
#: In those units it does not drift as entries are added and IDFs grow.
EVIDENCE_WORDS = 1.6
#: Weight of a word by its number of syllables (1, 2, 3+): one character (读, 平) is
#: vague, a long word (公积金, 高层次人才) specific. English words count as two.
LENGTH_FACTOR = (0.5, 1.0, 1.2)
#: Weight of a word by its role (see analyzer.Role); an unexplained place counts PLACE_FACTOR times.
ROLE_FACTOR = {"topic": 1.0, "context": 0.2, "place": 1.0}
PLACE_FACTOR = 2.5
#: A question of filler words as close as this (rapidfuzz ratio) to a phrasing made only of filler says that phrasing.
SAYS_NEARLY = 85
#: Credit for a question word found only in an entry's answer, not in how students ask it.
ANSWER_ONLY_CREDIT = 0.5
#: Credit for a word only one alternate uses (and neither question nor answer): the
#: entry is not really about it (考试 in 东莞三支一扶考试).
ONE_ALTERNATE_CREDIT = 0.8
#: How much a mention in an answer counts towards a word's document frequency. Every
#: answer ends with the same boilerplate (可致电…咨询), which must not make 电话 a word
#: every entry is about.
ANSWER_DF = 0.25
#: Credit for a word matched by sound only (房价 for 放假, 建习 for 见习), by syllables (1, 2+).
HOMOPHONE_CREDIT = (0.3, 0.7)
#: Credit for known parts of a longer word that leave some of it unexplained, times the
#: share they cover (多少 in 多少度); parts that cover all of it count fully.
PART_CREDIT = 0.5
#: Unexplained words that count fully (the largest gaps); the rest count STORY_FACTOR times.
FULL_GAPS = 1
STORY_FACTOR = 0.2
CANDIDATE_PHRASINGS = 60
CANDIDATE_ENTRIES = 8


@dataclass(frozen=True)
class Scored:
    """One entry's score for one question, with the parts it is made of."""

    entry_id: str
    score: float
    coverage: float
    closeness: float
    fuzz: float
    evidence: float


@dataclass(frozen=True)
class _Phrasing:
    entry: int
    features: tuple[str, ...]  # the analysis's own tuple, shared: a frozenset per phrasing was 100 MB at 10,000 entries
    weight: float
    pinyin: str


@dataclass(frozen=True)
class _Analysed:
    """One entry as the index needs it; kept so an unchanged entry is not analysed again."""

    phrasings: tuple[tuple[tuple[str, ...], str], ...]  # (features, pinyin) per phrasing
    vocabulary: _Vocabulary
    filler_only: tuple[str, ...] = ()  # phrasings made only of filler words (What can you do?), normalised


#: What an entry's analysis depends on (the texts `_analyse` reads): the key of the on-disk cache.
EntryText = tuple[str, tuple[str, ...], str, str]
#: Where an English answer is cut into sentences (an analysis reads at most MAX_QUESTION_CHARS).
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+")


def entry_text(entry: FaqEntry) -> EntryText:
    return (entry.question, tuple(entry.alternates), entry.answer, entry.answer_en)


def _english(entry: FaqEntry) -> list[str]:
    """The English answer's sentences (an analysis reads at most MAX_QUESTION_CHARS)."""
    return _SENTENCE_END.split(entry.answer_en) if entry.answer_en else []


def _english_words(analysis: Analysis) -> Analysis:
    """Only the English words that stay English (vocat, teach), not those folded onto a Chinese word."""
    units = tuple(u for u in analysis.units if u.surface.isascii() and u.key == "w:" + u.surface)
    return replace(analysis, features=tuple(u.key for u in units), units=units)


#: The sentence of an answer that gives the bureau's phone closes most answers alike: it is the contact entry's subject
#: (its question asks for the phone), not the others' (有电话吗 after the internship answer asks for the contact).
_PHONE = "{contact_phone}"
_ASKS_FOR_PHONE = ("电话", "联系")
_SENTENCE = re.compile(r"(?<=[。！？；])")


def _own_answer(entry: FaqEntry) -> str:
    """The answer without the closing line that gives the phone, unless the entry is about reaching a person."""
    if _PHONE not in entry.answer or any(word in entry.question for word in _ASKS_FOR_PHONE):
        return entry.answer
    return "".join(s for s in _SENTENCE.split(entry.answer) if _PHONE not in s)


def _analyse(entry: FaqEntry, analyzer: Analyzer) -> _Analysed:
    every = list(map(analyzer.analyze, entry.phrasings))
    analyses = [a for a in every if not a.empty]
    # The English answer says in English what the Chinese one says: its English words are the entry's words for
    # an English question (vocational training, teaching), as the Chinese answer's are for a Chinese one. Only
    # words the lexicon does not fold onto a Chinese word: those (data → 个人信息) the Chinese answer speaks for.
    answers = [analyzer.analyze(_own_answer(entry)), *map(_english_words, map(analyzer.analyze, _english(entry)))]
    return _Analysed(
        tuple((tuple(map(sys.intern, a.features)), a.pinyin) for a in analyses),
        _vocabulary(analyses, analyzer.analyze(entry.question), answers),
        tuple(a.normalized for a in every if a.empty and a.normalized),
    )


@dataclass(frozen=True)
class _Vocabulary:
    """What one entry says: features of its phrasings and of its answer, and how it writes them.

    Only tested for membership: frozensets when analysed, sorted tuples when read from the
    on-disk cache (a fifth of the memory: 70 → 14 MB at 10,000 entries).
    """

    phrasings: Collection[str]
    answer_only: Collection[str]
    one_alternate: Collection[str]  # used by a single alternate, not by the question or answer
    surfaces: Collection[str]


class MatchIndex:
    """An immutable index over a list of entries; build a new one when entries change."""

    def __init__(
        self,
        entries: Sequence[FaqEntry],
        analyzer: Analyzer,
        previous: MatchIndex | None = None,
        cached: Mapping[EntryText, _Analysed] | None = None,
    ) -> None:
        """Index `entries`; entries unchanged since `previous` reuse its analysis, so an edit re-indexes fast.

        `cached`: analyses read from disk (knowledge/index_cache.py), made with this analyzer's
        code and lexicon, by entry text; `fresh` counts the entries that had to be analysed.
        """
        self.analyzer = analyzer
        self.entries = list(entries)
        # Per entry, only compact data (interned feature strings, pinyin), not whole
        # analyses: at 100,000 phrasings that halves the memory an index needs.
        self._analysed: dict[FaqEntry, _Analysed] = {}
        reuse = previous._analysed if previous is not None and previous.analyzer is analyzer else {}
        raw: list[tuple[int, tuple[str, ...], str]] = []
        self._vocabularies: list[_Vocabulary] = []
        self._filler_only: dict[str, str] = {}
        self.fresh = 0
        for i, entry in enumerate(self.entries):
            analysed = reuse.get(entry) or (cached.get(entry_text(entry)) if cached else None)
            if analysed is None:
                analysed = _analyse(entry, analyzer)
                self.fresh += 1
            self._analysed[entry] = analysed
            raw.extend((i, features, pinyin) for features, pinyin in analysed.phrasings)
            self._vocabularies.append(analysed.vocabulary)
            for text in analysed.filler_only:
                self._filler_only.setdefault(text, entry.id)
        n = max(len(self.entries), 1)
        df: dict[str, float] = {}
        for v in self._vocabularies:
            for feature in v.phrasings:
                df[feature] = df.get(feature, 0) + 1
            for feature in v.answer_only:
                df[feature] = df.get(feature, 0) + ANSWER_DF
        self._idf = {f: _idf(n, d) for f, d in df.items()}
        self._unknown_idf = _idf(n, 0)
        self._phrasings = [
            _Phrasing(i, features, sum(self._idf[f] for f in features), pinyin) for i, features, pinyin in raw
        ]
        del raw
        # Each entry's phrasings are one run of self._phrasings (raw was built entry by entry): its span.
        self._spans: dict[int, tuple[int, int]] = {}
        for position, p in enumerate(self._phrasings):
            start, _ = self._spans.get(p.entry, (position, position))
            self._spans[p.entry] = (start, position + 1)
        self._pinyins = [p.pinyin for p in self._phrasings]  # sliced per candidate for rapidfuzz
        self._rows = np.arange(len(self._phrasings))  # sliced per candidate: its phrasings' positions
        # Lucene's IDF is positive for every word, so a phrasing's BM25 score is > 0 exactly when it shares a
        # word with the question: what `_closeness` relies on to skip the others (and `_retrieve` to stop).
        self._bm25 = bm25s.BM25(method="lucene")
        self._features: Features | None = None
        if self._phrasings:
            self._bm25.index([list(p.features) for p in self._phrasings], show_progress=False)
            self._features = Features([(p.features, p.weight) for p in self._phrasings], self._bm25.vocab_dict)

    def __len__(self) -> int:
        return len(self.entries)

    def says_only(self, normalized: str) -> str | None:
        """The entry one of whose phrasings the question says (nearly) word for word, when those words are all filler
        (What can you do?, 你能做什么, 你能帮我做些什么 for 你能帮我什么): nothing to score, but no doubt what it asks."""
        exact = self._filler_only.get(normalized)
        if exact is not None or not self._filler_only:
            return exact
        found = process.extractOne(normalized, self._filler_only.keys(), scorer=fuzz.ratio, score_cutoff=SAYS_NEARLY)
        return self._filler_only[found[0]] if found else None

    def analysed(self) -> dict[EntryText, _Analysed]:
        """Every entry's analysis by its text: what the on-disk cache holds."""
        return {entry_text(e): a for e, a in self._analysed.items()}

    def idf(self, feature: str) -> float:
        """Weight of a question feature; one no entry uses weighs the most.

        That is what the knowledge base cannot explain: 天气 in 东莞天气怎么样.
        """
        return self._idf.get(feature, self._unknown_idf)

    def score(self, question: str | Analysis, limit: int = CANDIDATE_ENTRIES) -> list[Scored]:
        """Candidates for `question`, best first, each with a 0..1 score."""
        analysis = self.analyzer.analyze(question) if isinstance(question, str) else question
        if analysis.empty or not self._phrasings:
            return []
        relevance = self._bm25.get_scores(list(analysis.features))
        candidates = self._retrieve(relevance)
        information = [self._information(u) for u in analysis.units]
        weights = {f: self.idf(f) for f in analysis.features}  # the question's, the same for every candidate
        closeness = self._closeness(candidates, weights, relevance)
        scored = [self._score_entry(i, analysis, information, c) for i, c in zip(candidates, closeness, strict=True)]
        scored.sort(key=_rank, reverse=True)
        return scored[:limit]

    def explanation(self, question: Analysis, entry_id: str) -> list[tuple[Unit, float, float]]:
        """Each word of `question` with its information and the share of it entry `entry_id` explains (0..1).

        What a follow-up needs to know: which of its words the entry the conversation is about explains."""
        position = self._positions.get(entry_id)
        vocabulary = self._vocabularies[position] if position is not None else None
        return [
            (u, self._information(u), self._explained(u, vocabulary) if vocabulary else 0.0) for u in question.units
        ]

    @property
    def unknown_idf(self) -> float:
        """The weight of a word no entry uses: the most any word weighs."""
        return self._unknown_idf

    def writes(self, entry_id: str, unit: Unit) -> bool:
        """Whether entry `entry_id` uses the word as the question writes it (in a phrasing or its answer; a
        homophone, 房价 for 放假, is not the word)."""
        position = self._positions.get(entry_id)
        if position is None:
            return False
        v = self._vocabularies[position]
        return unit.surface in v.surfaces and (unit.key in v.phrasings or unit.key in v.answer_only)

    def entry(self, entry_id: str) -> FaqEntry | None:
        """The indexed entry with this id (a dict lookup: the base may hold 10,000)."""
        position = self._positions.get(entry_id)
        return self.entries[position] if position is not None else None

    def is_known(self, feature: str) -> bool:
        """Whether any entry uses `feature` (天气 and 护照 are not known)."""
        return feature in self._idf

    def writes_character(self, character: str) -> bool:
        """Whether any entry writes `character` (in its question, phrasings or answer): 考 is the letter's, 伞 is not."""
        return character in self._characters

    @functools.cached_property
    def _characters(self) -> frozenset[str]:
        return frozenset(c for e in self.entries for t in (e.question, e.answer, *e.alternates) for c in t)

    @functools.cached_property
    def _positions(self) -> dict[str, int]:
        return {e.id: i for i, e in enumerate(self.entries)}

    def _retrieve(self, scores: np.ndarray) -> list[int]:
        """Entry indexes whose phrasings BM25 ranks highest (`scores`: BM25's, one a phrasing), best first."""
        k = min(CANDIDATE_PHRASINGS, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        entries: list[int] = []
        for p in top:
            if scores[p] <= 0:
                break
            e = self._phrasings[p].entry
            if e not in entries:
                entries.append(e)
                if len(entries) == CANDIDATE_ENTRIES:
                    break
        return entries

    def _information(self, unit: Unit) -> float:
        """How much a question word says: its IDF (highest for a word no entry uses), by length and role."""
        length = LENGTH_FACTOR[min(unit.syllables, len(LENGTH_FACTOR)) - 1]
        return self.idf(unit.key) * length * ROLE_FACTOR[unit.role]

    def _score_entry(self, e: int, q: Analysis, information: list[float], closeness: float) -> Scored:
        explained = [self._explained(u, self._vocabularies[e]) for u in q.units]
        covered = sum(w * x for w, x in zip(information, explained, strict=True))
        gaps = sorted(
            (
                w * (1 - x) * (PLACE_FACTOR if u.role == "place" else 1.0)
                for u, w, x in zip(q.units, information, explained, strict=True)
            ),
            reverse=True,
        )
        # A question is about one thing: the largest gap says whether the entry misses
        # its point (天气, 深圳); further unexplained words are mostly the student's story
        # (电子厂, 中专, 工友 in a long question about 技能大师工作室).
        missing = sum(gaps[:FULL_GAPS]) + STORY_FACTOR * sum(gaps[FULL_GAPS:])
        coverage = covered / (covered + missing) if covered + missing else 0.0
        evidence = 1.0 - math.exp(-covered / (EVIDENCE_WORDS * self._unknown_idf))
        fuzz_score = self._fuzz(e, q)
        score = W_COVERAGE * coverage + W_EVIDENCE * evidence + W_CLOSENESS * closeness + W_FUZZ * fuzz_score
        return Scored(self.entries[e].id, *(round(x, 4) for x in (score, coverage, closeness, fuzz_score, evidence)))

    def _closeness(self, candidates: list[int], weights: dict[str, float], relevance: np.ndarray) -> list[float]:
        """Each candidate's closeness: the weighted Dice of the question's IDF-`weights`ed features with its best
        phrasing (knowledge/closeness.py).

        A phrasing sharing no feature with the question has closeness 0.0, the least there is: only those BM25
        scored (`relevance` > 0: they share one) are compared, the same best as over them all (two thirds of a
        candidate's phrasings share nothing)."""
        if not candidates:
            return []
        spans = [self._spans.get(e, (0, 0)) for e in candidates]
        positions = np.concatenate([self._rows[start:end] for start, end in spans])
        shared = relevance[positions] > 0
        groups = np.repeat(np.arange(len(spans)), [end - start for start, end in spans])[shared]
        assert self._features is not None  # there are phrasings: `score` returned early otherwise
        return self._features.best(positions[shared], groups, len(spans), weights, sum(weights.values()))

    def _fuzz(self, e: int, q: Analysis) -> float:
        """Pinyin string similarity with the most similar phrasing (every one: a typo may share no feature)."""
        start, end = self._spans.get(e, (0, 0))
        best = (
            process.extractOne(q.pinyin, self._pinyins[start:end], scorer=fuzz.ratio)
            if q.pinyin and end > start
            else None
        )
        return best[1] / 100 if best else 0.0

    @staticmethod
    def _explained(unit: Unit, v: _Vocabulary) -> float:
        """Share of a question word that an entry explains, 0..1.

        The word itself counts fully; a homophone (same pinyin, other characters),
        a word only the answer or one alternate uses, partly. Parts that together
        cover the word (灵活就业 + 社保补贴, or a domain word heard across 三|支|一|福)
        count fully, parts that leave some of it unexplained only a little.
        """
        credit = 1.0 if unit.key in v.phrasings else ANSWER_ONLY_CREDIT if unit.key in v.answer_only else 0.0
        if unit.key in v.one_alternate:
            credit = ONE_ALTERNATE_CREDIT
        if credit and unit.surface not in v.surfaces:
            # a place is its name, not a typo of a word that sounds like it (西安 is not 先, xian)
            credit *= 0.0 if unit.role == "place" else HOMOPHONE_CREDIT[min(unit.syllables, 2) - 1]
        if credit == 1.0 or not unit.parts:
            return credit
        covered = [False] * unit.syllables
        for feature, start, end in unit.parts:
            if feature in v.phrasings:
                covered[start:end] = [True] * (end - start)
        share = sum(covered) / unit.syllables
        return max(credit, 1.0 if share == 1.0 else PART_CREDIT * share)


def _vocabulary(phrasings: list[Analysis], question: Analysis, answers: list[Analysis]) -> _Vocabulary:
    bag = {f for a in phrasings for f in a.features}
    uses: dict[str, int] = {}
    for a in phrasings:
        for f in a.features:
            uses[f] = uses.get(f, 0) + 1
    answered = {f for a in answers for f in a.features}
    core = set(question.features) | answered
    surfaces = {u.surface for a in (*phrasings, *answers) for u in a.units}
    return _Vocabulary(
        frozenset(map(sys.intern, bag)),
        frozenset(map(sys.intern, answered - bag)),
        frozenset(sys.intern(f) for f, n in uses.items() if n == 1 and f not in core),
        frozenset(map(sys.intern, surfaces)),
    )


def _idf(n: int, df: float) -> float:
    """BM25's idf: rare features weigh more; a feature in every entry weighs almost nothing."""
    return math.log((n - df + 0.5) / (df + 0.5) + 1.0)


def _rank(s: Scored) -> float:
    """How a candidate is ordered among the others (R_* weights, fitted for ordering; its score is W_*'s)."""
    return R_COVERAGE * s.coverage + R_EVIDENCE * s.evidence + R_CLOSENESS * s.closeness + R_FUZZ * s.fuzz
