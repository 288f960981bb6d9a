"""Group what students asked that the FAQ could not answer, so admins see each need once.

Near-identical questions (punctuation, Traditional characters, a typo apart)
fall into one group with a count; the most frequent groups come first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from bot.store import LoggedQuestion
from knowledge.text import normalize

#: rapidfuzz ratio (0-100) at which two normalised questions count as the same: a typo or
#: a particle apart. 百校千人实习补贴 and 百校千人见习补贴 (91.7) are different needs.
SAME_QUESTION = 93


@dataclass
class QuestionGroup:
    text: str  # the first way it was asked
    ids: list[int] = field(default_factory=list)
    phrasings: list[str] = field(default_factory=list)  # every distinct way it was asked
    outcomes: dict[str, int] = field(default_factory=dict)
    disliked: int = 0  # answers rated 👎
    last_asked: str = ""

    @property
    def count(self) -> int:
        return len(self.ids)


def group_questions(questions: Sequence[LoggedQuestion]) -> list[QuestionGroup]:
    """Groups of near-identical questions, most frequent (then most recent) first."""
    groups: list[QuestionGroup] = []
    keys: list[str] = []
    group_of: dict[str, int] = {}  # a text asked again (most are) joins its group without normalising or matching
    for q in questions:
        index = group_of.get(q.text)
        if index is None:
            key = normalize(q.text).replace(" ", "") or q.text
            hit = process.extractOne(key, keys, scorer=fuzz.ratio, score_cutoff=SAME_QUESTION) if keys else None
            if hit:
                index = hit[2]
            else:
                groups.append(QuestionGroup(q.text))
                keys.append(key)
                index = len(groups) - 1
            group_of[q.text] = index
        group = groups[index]
        group.ids.append(q.id)
        if q.text not in group.phrasings:
            group.phrasings.append(q.text)
        group.outcomes[q.outcome] = group.outcomes.get(q.outcome, 0) + 1
        group.disliked += (q.rating or 0) < 0
        group.last_asked = max(group.last_asked, q.created_at)
    groups.sort(key=lambda g: g.last_asked, reverse=True)
    groups.sort(key=lambda g: g.count, reverse=True)  # stable: ties stay most recent first
    return groups
