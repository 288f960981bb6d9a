"""Score a question against the FAQ entries: the index, and nothing else.

Two stages, so that the cost stays flat as the knowledge base grows:

1. **Retrieve** with BM25 (the `bm25s` library, sparse matrices) over every
   phrasing of every entry; the best few entries are the candidates.
2. **Score** each candidate on a calibrated 0..1 scale that a threshold can
   be set on (raw BM25 is not comparable between questions):

   - *coverage*: the share of the question's information (IDF-weighted
     features, where IDF counts entries, so 东莞/政策 weigh little and words no
     entry uses weigh most) that the entry's phrasings explain. Words the
     knowledge base has never seen (天气, 落户, 护照) stay in the denominator:
     that is what keeps out-of-scope questions out.
   - *closeness*: the weighted Dice overlap with the single best phrasing.
   - *fuzz*: rapidfuzz similarity of the pinyin strings, which forgives the
     typos that change a syllable (f/h, n/l as Cantonese speakers type them).
   - *evidence*: how much specific information matched at all, saturating; a
     long chatty question explains only part of itself but says a lot about
     its topic, while a near miss (深圳的实习补贴) matches little.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import bm25s
import numpy as np
from rapidfuzz import fuzz, process

from knowledge.analyzer import Analysis, Analyzer
from knowledge.entries import FaqEntry

#: Credit for a question word found only in an entry's answer, not in how students ask it.
ANSWER_ONLY_CREDIT = 0.6
#: Weights of the three signals in the final score (they sum to 1).
W_COVERAGE, W_CLOSENESS, W_FUZZ, W_EVIDENCE = 0.45, 0.20, 0.15, 0.20
#: Matched information (sum of IDF) at which the evidence signal reaches 63%.
EVIDENCE_SCALE = 20.0
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
    features: frozenset[str]
    weight: float
    pinyin: str


class MatchIndex:
    """An immutable index over a list of entries; build a new one when entries change."""

    def __init__(self, entries: Sequence[FaqEntry], analyzer: Analyzer) -> None:
        self.analyzer = analyzer
        self.entries = list(entries)
        phrasing_analyses: list[tuple[int, Analysis]] = []
        self._bags: list[set[str]] = []
        self._answer_bags: list[set[str]] = []
        for i, entry in enumerate(self.entries):
            bag: set[str] = set()
            for text in entry.phrasings:
                analysis = analyzer.analyze(text)
                if not analysis.empty:
                    phrasing_analyses.append((i, analysis))
                    bag.update(analysis.features)
            self._bags.append(bag)
            self._answer_bags.append(set(analyzer.analyze(entry.answer).features) - bag)
        n = max(len(self.entries), 1)
        df: dict[str, int] = {}
        for bag, answer_bag in zip(self._bags, self._answer_bags):
            for feature in bag | answer_bag:
                df[feature] = df.get(feature, 0) + 1
        self._idf = {f: _idf(n, d) for f, d in df.items()}
        self._unknown_idf = _idf(n, 0)
        self._phrasings = [
            _Phrasing(i, frozenset(a.features), sum(self._idf[f] for f in a.features), a.pinyin)
            for i, a in phrasing_analyses
        ]
        self._bm25 = bm25s.BM25()
        if self._phrasings:
            self._bm25.index([list(p.features) for p in self._phrasings], show_progress=False)

    def __len__(self) -> int:
        return len(self.entries)

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
        candidates = self._retrieve(analysis.features)
        scored = [self._score_entry(i, analysis) for i in candidates]
        scored.sort(key=lambda s: s.score, reverse=True)
        return scored[:limit]

    def _retrieve(self, features: Iterable[str]) -> list[int]:
        """Entry indexes whose phrasings BM25 ranks highest, best first."""
        scores = self._bm25.get_scores(list(features))
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

    def _score_entry(self, e: int, q: Analysis) -> Scored:
        weights = {f: self.idf(f) for f in q.features}
        total = sum(weights.values())
        bag, answer_bag = self._bags[e], self._answer_bags[e]
        covered = sum(w if f in bag else w * ANSWER_ONLY_CREDIT if f in answer_bag else 0.0 for f, w in weights.items())
        coverage = covered / total
        closeness = 0.0
        pinyins: list[str] = []
        for p in self._phrasings_of(e):
            shared = sum(weights[f] for f in p.features.intersection(weights))
            closeness = max(closeness, 2 * shared / (total + p.weight))
            pinyins.append(p.pinyin)
        best = process.extractOne(q.pinyin, pinyins, scorer=fuzz.ratio) if q.pinyin and pinyins else None
        fuzz_score = best[1] / 100 if best else 0.0
        evidence = 1.0 - math.exp(-covered / EVIDENCE_SCALE)
        score = W_COVERAGE * coverage + W_CLOSENESS * closeness + W_FUZZ * fuzz_score + W_EVIDENCE * evidence
        return Scored(self.entries[e].id, *(round(x, 4) for x in (score, coverage, closeness, fuzz_score, evidence)))

    def _phrasings_of(self, e: int) -> list[_Phrasing]:
        if not hasattr(self, "_by_entry"):
            self._by_entry: dict[int, list[_Phrasing]] = {}
            for p in self._phrasings:
                self._by_entry.setdefault(p.entry, []).append(p)
        return self._by_entry.get(e, [])


def _idf(n: int, df: int) -> float:
    """BM25's idf: rare features weigh more; a feature in every entry weighs almost nothing."""
    return math.log((n - df + 0.5) / (df + 0.5) + 1.0)
