"""Closeness of a question to phrasings, computed in numpy to the same last bit as the plain Python was.

Closeness is a weighted Dice overlap: 2 · (the question's weights of the phrasing's features, added in the
phrasing's order) / (all the question's weights + the phrasing's own weight). The matcher keeps the best of an
entry's phrasings. Written as a generator per phrasing it was a fifth of the matcher's time (a candidate shares
words with ~17 phrasings, a question has ~7 candidates); here it is a few numpy calls per question.

Same values, not merely close ones, so that no score moves: Python's sum() of floats adds one at a time, left
to right, in a double (CPython 3.11; 3.12's sum compensates and would differ). Here a phrasing is a column of
its features' weights in order, 0.0 for a feature the question lacks and below its last feature (adding 0.0
changes nothing), and np.add.reduce over axis 0 adds the rows one after another into the running column sums:
the same additions in the same order. (Along a contiguous axis numpy would add in pairs, which differs.) The
division and the maximum are the same IEEE operations. tests/knowledge/test_closeness.py checks the sums bit
for bit against sum(), on random weights too, so a numpy that added otherwise would fail it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np


class Features:
    """Every phrasing's features as vocabulary ids, one phrasing's run after another (4 bytes a feature)."""

    def __init__(self, phrasings: Sequence[tuple[Sequence[str], float]], vocabulary: Mapping[str, int]) -> None:
        """`phrasings`: (features, weight) in the index's order; `vocabulary`: an id for every feature they use."""
        self.vocabulary = vocabulary
        self.pad = max(vocabulary.values(), default=-1) + 1  # the id after the last: a weight of 0.0
        lengths = np.fromiter((len(features) for features, _ in phrasings), dtype=np.int64, count=len(phrasings))
        self.starts = np.zeros(len(phrasings) + 1, dtype=np.int64)
        np.cumsum(lengths, out=self.starts[1:])
        self.ids = np.fromiter((vocabulary[f] for features, _ in phrasings for f in features), dtype=np.int32,
                               count=int(self.starts[-1]))  # fmt: skip
        self.weights = np.fromiter((weight for _, weight in phrasings), dtype=np.float64, count=len(phrasings))

    def best(self, rows: np.ndarray, groups: np.ndarray, count: int, weights: Mapping[str, float],
             total: float) -> list[float]:  # fmt: skip
        """The highest closeness in each of `count` groups of phrasings (0.0 for a group with none) to a question
        whose features weigh `weights` (`total`: their sum, as the caller added it): `rows` are the phrasings'
        positions, `groups` the group of each."""
        best = np.zeros(count)
        if not rows.size:
            return best.tolist()
        question = np.zeros(self.pad + 1)
        for feature, weight in weights.items():
            i = self.vocabulary.get(feature)
            if i is not None:  # a feature no phrasing uses adds to `total` only
                question[i] = weight
        starts = self.starts[rows]
        lengths = self.starts[rows + 1] - starts
        places = np.arange(int(lengths.max()))[:, None]  # a phrasing a column, its features down it
        table = question.take(self.ids.take(starts + places, mode="clip"))
        table[places >= lengths] = 0.0  # below a phrasing's last feature (the next one's): adds nothing
        sums = np.add.reduce(table, axis=0)  # one row after another, as sum() (see the module's docstring)
        np.maximum.at(best, groups, 2 * sums / (total + self.weights[rows]))  # closeness is never below 0.0
        return best.tolist()
