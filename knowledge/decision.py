"""Whether the best match is right: a calibrated probability, from a small logistic regression kept as data.

The matcher ranks; this decides. A single score threshold treated a 0.52 that is surely right (a short
Cantonese question whose every word the entry explains) like a 0.52 that is surely wrong (a question about
something else that shares two words with an entry). The features below say what the score alone hides:
how clearly the best entry beats the next, how much of the question it leaves unexplained, whether the
question has words no entry knows (天气, 护照: a strong out-of-scope sign), a place the entry does not
cover, whether the question says one of the entry's phrasings word for word.

The weights, the feature list and the thresholds are data (`knowledge/decision.yaml`), fitted offline by
`bench/fit_decision.py` on every labelled set seen so far and checked by leaving one set out at a time.
At run time the probability is one dot product: no numpy, scipy or scikit-learn.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from knowledge.analyzer import Analysis, Unit
from knowledge.matcher import MatchIndex, Scored

DECISION_PATH = Path(__file__).with_name("decision.yaml")
#: A question of about this many words is short: its unknown words are what it asks about.
SHORT_WORDS = 4.0
#: The topic explains a word when it explains at least this share of it.
EXPLAINED = 0.6

#: The features, in the order the weights file lists them. Each is cheap and comes from the matcher's output.
FEATURES = (
    "score",  # the best entry's score (0..1)
    "second",  # the next entry's score
    "margin",  # score - second
    "ratio",  # second / score
    "coverage",  # the best entry's parts of the score
    "evidence",
    "closeness",
    "fuzz",
    "unexplained",  # share of the question's information the best entry does not explain
    "top_gap",  # the largest unexplained word, in words of the highest IDF
    "unknown",  # share of the question's information in words (2+ syllables, or English) no entry knows
    "unknown_top",  # share of the question's information in its largest word no entry knows (住房 in 回莞住房补贴)
    "unknown_short",  # unknown, in a short question (a long one tells a story; a short one asks about that word)
    "place_out",  # places the best entry does not explain
    "distinct",  # share of the explained information carried by words only few entries use
    "exact",  # the question says one phrasing of the best entry word for word (and no other's)
    "words",  # log(1 + number of words)
    "english",  # asked in English
)


@dataclass(frozen=True)
class Decision:
    """Weights over standardised features, and the probability thresholds to answer and to suggest."""

    version: int
    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    answer_p: float  # answer when the probability the best entry is right is at least this
    suggest_p: float  # offer "did you mean" when it is at least this (or the raw score reaches SUGGEST_THRESHOLD)

    @classmethod
    def load(cls, path: Path = DECISION_PATH) -> Decision:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        features = tuple(data["features"])
        unknown = set(features) - set(FEATURES)
        if unknown:
            raise ValueError(f"{path}: unknown features {sorted(unknown)}")
        model = data["model"]
        columns = [model["mean"], model["scale"], model["weights"]]
        if any(len(c) != len(features) for c in columns):
            raise ValueError(f"{path}: mean, scale and weights must have one value per feature")
        return cls(
            int(data["version"]),
            features,
            *(tuple(float(x) for x in c) for c in columns),
            float(model["bias"]),
            float(data["thresholds"]["answer"]),
            float(data["thresholds"]["suggest"]),
        )

    def probability(self, values: dict[str, float]) -> float:
        """P(the best entry is right) for a question's feature values."""
        z = self.bias + sum(
            w * (values[f] - m) / s
            for f, m, s, w in zip(self.features, self.mean, self.scale, self.weights, strict=True)
        )
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


def unknown_word(index: MatchIndex, unit: Unit, explained: float) -> bool:
    """A word (2+ syllables, or English) that no entry knows, not explained by known parts (报名条件 is) and not
    scene-setting: 恐龙, 护照, 股票."""
    return (
        unit.role != "context"
        and (unit.syllables > 1 or unit.surface.isascii())
        and not index.is_known(unit.key)
        and explained < EXPLAINED
    )


def features(
    index: MatchIndex,
    analysis: Analysis,
    scored: Sequence[Scored],
    exact: bool,
    english: bool,
    explanation: Sequence[tuple[Unit, float, float]] | None = None,
) -> dict[str, float]:
    """The decision's feature values for a question and its candidates (best first); `explanation`: the best
    entry's `index.explanation`, when the caller has it already."""
    best = scored[0]
    second = scored[1].score if len(scored) > 1 else 0.0
    unit_idf = index.unknown_idf or 1.0  # a word no entry uses weighs the most
    if explanation is None:
        explanation = index.explanation(analysis, best.entry_id)
    total = sum(i for _, i, _ in explanation) or 1.0
    covered = sum(i * x for _, i, x in explanation)
    gaps = [i * (1 - x) for _, i, x in explanation]
    distinct = sum(i * x for u, i, x in explanation if index.idf(u.key) >= 0.5 * unit_idf)
    unknowns = [i for u, i, x in explanation if unknown_word(index, u, x)]
    unknown = sum(unknowns)
    return {
        "score": best.score,
        "second": second,
        "margin": best.score - second,
        "ratio": second / best.score if best.score else 0.0,
        "coverage": best.coverage,
        "evidence": best.evidence,
        "closeness": best.closeness,
        "fuzz": best.fuzz,
        "unexplained": 1.0 - covered / total,
        "top_gap": max(gaps, default=0.0) / unit_idf,
        "unknown": unknown / total,
        "unknown_top": max(unknowns, default=0.0) / total,
        "unknown_short": unknown / total * math.exp(-len(analysis.units) / SHORT_WORDS),
        "place_out": float(sum(1 for u, _, x in explanation if u.role == "place" and x < EXPLAINED)),
        "distinct": distinct / covered if covered else 0.0,
        "exact": float(exact),
        "words": math.log1p(len(analysis.units)),
        "english": float(english),
    }
