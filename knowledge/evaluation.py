"""Measure a knowledge base against labelled questions.

Shared by the accuracy benchmark, the accuracy test and (later) the admins'
`faq test` regression check, so "correct" means the same thing everywhere.

A case is {"q": question, "expect": [ids], "kind": K}. `expect: []` means the
bot must not answer from the FAQ. Kinds: P plain, C colloquial, F Traditional,
K keywords, L long, T typos, Y written Cantonese, D a programme described by
what it does, B about the bot itself, E English (or code-mixed), O out of
scope, H near-miss out of scope.

A conversation case is {"turns": [question, ...], "expect": [ids], "kind": K}:
`expect` is about the last turn. Kinds: U follow-up, S topic switch, X last turn
out of scope.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

KIND_NAMES = {
    "P": "plain",
    "C": "colloquial",
    "F": "traditional",
    "K": "keywords",
    "L": "long",
    "T": "typos",
    "Y": "Cantonese",
    "D": "description",
    "B": "about the bot",
    "E": "English",
    "O": "out of scope",
    "H": "near-miss out of scope",
}
CONVERSATION_KIND_NAMES = {"U": "follow-up", "S": "topic switch", "X": "last turn out of scope"}
#: The targets of the product, by group of kinds.
GROUPS = {
    "in-scope Chinese": ("PCFKLTYDB", 0.95),
    "out of scope not answered": ("OH", 0.95),
    "English": ("E", 0.80),
    "Cantonese": ("Y", 0.90),
}


def load_cases(paths: Iterable[Path]) -> list[dict[str, Any]]:
    """Read JSON-lines eval files; each case remembers which file it came from."""
    cases = []
    for path in paths:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                case = json.loads(line)
                case["set"], case["line"] = path.stem, number
                cases.append(case)
    return cases


def is_correct(case: dict[str, Any], answered_id: str | None) -> bool:
    """In scope: answered with an expected entry. Out of scope: not answered at all."""
    return answered_id in case["expect"] if case["expect"] else answered_id is None


@dataclass
class Tally:
    """Correct answers per kind of question."""

    total: dict[str, int] = field(default_factory=dict)
    right: dict[str, int] = field(default_factory=dict)
    misses: list[tuple[dict[str, Any], Any]] = field(default_factory=list)
    #: Questions answered with an entry that is not expected (out of scope: any entry): the worst outcome.
    wrong: list[tuple[dict[str, Any], str]] = field(default_factory=list)
    questions: int = 0

    def add(self, case: dict[str, Any], ok: bool, detail: Any = None, answered: str | None = None) -> None:
        kind = case.get("kind", "?")
        self.questions += 1
        self.total[kind] = self.total.get(kind, 0) + 1
        self.right[kind] = self.right.get(kind, 0) + ok
        if not ok:
            self.misses.append((case, detail))
        if answered is not None and answered not in case["expect"]:
            self.wrong.append((case, answered))

    def rate(self, kinds: str) -> float | None:
        """Share correct over the given kinds, None if there were no such questions."""
        n = sum(self.total.get(k, 0) for k in kinds)
        return sum(self.right.get(k, 0) for k in kinds) / n if n else None

    def count(self, kinds: str) -> int:
        return sum(self.total.get(k, 0) for k in kinds)


def evaluate(answer: Callable[[str], tuple[str | None, Any]], cases: Iterable[dict[str, Any]]) -> Tally:
    """Run every case through `answer` (question -> (answered id or None, detail))."""
    tally = Tally()
    for case in cases:
        answered, detail = answer(case["q"])
        tally.add(case, is_correct(case, answered), detail, answered)
    return tally


def evaluate_conversations(
    answer: Callable[[list[str]], tuple[str | None, Any]], cases: Iterable[dict[str, Any]]
) -> Tally:
    """Run every conversation through `answer` (turns -> (id answered to the last turn or None, detail))."""
    tally = Tally()
    for case in cases:
        answered, detail = answer(case["turns"])
        tally.add(case, is_correct(case, answered), detail)
    return tally
