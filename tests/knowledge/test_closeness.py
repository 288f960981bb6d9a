"""Features.best gives, bit for bit, what the plain Python closeness gave (knowledge/closeness.py)."""

import functools
import itertools
import operator
import random

import numpy as np

from knowledge.closeness import Features


def plain(features, weight, weights, total):
    """The matcher's closeness before numpy: the phrasing's weights added one at a time, left to right (what sum()
    did on CPython 3.11; written out so that 3.12's compensated sum() does not change the reference)."""
    return 2 * functools.reduce(operator.add, map(weights.get, features, itertools.repeat(0.0)), 0.0) / (total + weight)


def test_random_phrasings_and_weights_give_the_same_doubles():
    rng = random.Random(17)
    words = [f"w{i}" for i in range(300)]
    phrasings = []
    for _ in range(400):  # long ones too: numpy adding in pairs would show from 9 features on
        features = tuple(rng.choice(words) for _ in range(rng.randint(1, 60)))
        phrasings.append((features, rng.uniform(0.1, 40.0)))
    index = Features(phrasings, {w: i for i, w in enumerate(words)})
    for _ in range(200):
        weights = {w: rng.uniform(0.01, 9.0) for w in rng.sample(words, rng.randint(1, 40))}
        weights["never-used"] = 7.5  # counts in the total only
        total = sum(weights.values())
        count = rng.randint(1, 8)
        rows = sorted(rng.sample(range(len(phrasings)), rng.randint(0, 60)))
        groups = sorted(rng.randrange(count) for _ in rows)
        got = index.best(np.array(rows, dtype=np.int64), np.array(groups, dtype=np.int64), count, weights, total)
        expected = [max((plain(*phrasings[r], weights, total) for r, g in zip(rows, groups, strict=True) if g == k), default=0.0)
                    for k in range(count)]  # fmt: skip
        assert got == expected  # exact: not approx
        assert all(type(x) is float for x in got)
