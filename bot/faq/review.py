"""Group what students asked that the FAQ could not answer, so admins see each need once.

Near-identical questions (punctuation, Traditional characters, a typo apart) fall into
one group with a count; the most frequent groups come first.

Bounded for a big log (100,000 questions in a week, most of them junk):
1. exact first: every logged question carries its review key (normalised text, indexed,
   bot/store/questions.py), so SQLite counts the questions per key in one aggregate query;
2. fuzzy only among a bounded candidate set: the FUZZY_HEAD most asked keys are compared
   with each other (rapidfuzz `cdist` with a score cutoff) and a key joins the first more
   frequent one within SAME_QUESTION. Rarer keys (asked once or twice, mostly junk) stay
   their own groups: they count in the total but are far below what the list shows;
3. only the groups an admin sees (or presses a button of) are read row by row;
4. `ReviewIndex` keeps each period's listing until the question log changes (a counter that
   costs nothing to read), and a review button acts on the listing the admin saw, reading only
   its group's questions: a press never groups again, even when students asked more since.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from rapidfuzz import fuzz, process

from bot.store.questions import review_key

if TYPE_CHECKING:
    from bot.store import Store

#: rapidfuzz ratio (0-100) at which two normalised questions count as the same: a typo or
#: a particle apart. 百校千人实习补贴 and 百校千人见习补贴 (91.7) are different needs.
SAME_QUESTION = 93
#: The most asked distinct questions compared with each other (a FUZZY_HEAD² matrix of bytes).
FUZZY_HEAD = 1000
#: Periods whose listings are kept (this week, a date an admin typed, …).
PERIODS_KEPT = 8


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


@dataclass
class _Head:
    """A group as the aggregate query sees it: its keys and figures, not yet its rows."""

    keys: list[str]
    count: int
    first_id: int
    last_asked: str
    disliked: int


@dataclass
class Listing:
    heads: list[_Head]  # most asked first
    total: int  # groups in the period, the rarer unmerged keys included
    read: dict[int, tuple[tuple[int, int], QuestionGroup]] = field(default_factory=dict)  # by first id: as read


def merge_similar(keys: list[str]) -> list[list[int]]:
    """Indices of `keys` (most asked first) in groups: each joins the first earlier key within SAME_QUESTION."""
    if len(keys) < 2:
        return [[i] for i in range(len(keys))]
    scores = process.cdist(keys, keys, scorer=fuzz.ratio, score_cutoff=SAME_QUESTION, dtype=np.uint8)
    kept: list[int] = []
    members: dict[int, list[int]] = {}
    for j in range(len(keys)):
        hits = np.flatnonzero(scores[j, kept]) if kept else ()
        if len(hits):
            members[kept[hits[0]]].append(j)
        else:
            kept.append(j)
            members[j] = [j]
    return [members[i] for i in kept]


class ReviewIndex:
    """The review list's groups per period, kept until the question log changes."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._periods: dict[str, tuple[tuple[int, int], Listing]] = {}

    def listing(self, since: str) -> Listing:
        """The groups of what is to review from `since` (UTC ISO) on, as counts; regrouped only after a change."""
        version = self.store.question_log_version()
        cached = self._periods.get(since)
        if cached is not None and cached[0] == version:
            return cached[1]
        rows, keys = self.store.review_heads(since, FUZZY_HEAD)
        heads = []
        for members in merge_similar([r[0] for r in rows]):
            group = [rows[i] for i in members]
            heads.append(_Head([r[0] for r in group], sum(r[1] for r in group), min(r[2] for r in group),
                               max(r[3] for r in group), sum(r[4] for r in group)))  # fmt: skip
        heads.sort(key=lambda h: h.last_asked, reverse=True)
        heads.sort(key=lambda h: h.count, reverse=True)  # stable: ties stay most recent first
        listing = Listing(heads, keys - (len(rows) - len(heads)))
        self._periods.pop(since, None)
        self._periods[since] = (version, listing)
        while len(self._periods) > PERIODS_KEPT:
            del self._periods[next(iter(self._periods))]
        return listing

    def groups(self, since: str, limit: int) -> tuple[list[QuestionGroup], int]:
        """The `limit` most asked groups with their questions, and how many groups there are in all."""
        listing = self.listing(since)
        return [self._read(since, listing, head) for head in listing.heads[:limit]], listing.total

    def group_of(self, since: str, question_id: int) -> QuestionGroup | None:
        """The group a listed question leads (its button's handle), or holds; None once it was handled.

        A button acts on the list the admin saw: the period's listing as it was made, even when students
        have asked more since (in a busy week they always have), so a press never groups again; only
        after a restart is the listing made anew. The group's questions are read as they are now."""
        cached = self._periods.get(since)
        listing = cached[1] if cached else self.listing(since)
        head = self._head(listing, question_id)
        if head is None and cached is not None and cached[0] != self.store.question_log_version():
            listing = self.listing(since)  # a button of an older list: look in the current one
            head = self._head(listing, question_id)
        group = self._read(since, listing, head) if head else None
        return group if group and group.ids else None

    def _head(self, listing: Listing, question_id: int) -> _Head | None:
        head = next((h for h in listing.heads if h.first_id == question_id), None)
        if head is None:
            question = self.store.question(question_id)
            key = review_key(question.text) if question else None
            head = next((h for h in listing.heads if key in h.keys), None)
        return head

    def like(self, text: str, since: str = "0000") -> list[int]:
        """Ids of the questions to review that are `text` asked again (within SAME_QUESTION)."""
        key = review_key(text)
        shortest, longest = math.floor(len(key) * 0.86), math.ceil(len(key) * 1.16)  # outside: below 93
        candidates = self.store.review_keys_sized(since, shortest, longest)
        hits = process.extract(key, candidates, scorer=fuzz.ratio, score_cutoff=SAME_QUESTION, limit=None)
        return [row[0] for row in self.store.review_rows(since, [k for k, _, _ in hits])]

    def _read(self, since: str, listing: Listing, head: _Head) -> QuestionGroup:
        """The group's questions as they are now; kept until the question log changes."""
        version = self.store.question_log_version()
        if listing.read.get(head.first_id, (None,))[0] == version:
            return listing.read[head.first_id][1]
        rows = self.store.review_rows(since, head.keys)
        group = QuestionGroup(rows[0][1] if rows else "")
        for question_id, text, outcome, rating, created_at, _ in rows:
            group.ids.append(question_id)
            group.phrasings.append(text)
            group.outcomes[outcome] = group.outcomes.get(outcome, 0) + 1
            group.disliked += (rating or 0) < 0
            group.last_asked = max(group.last_asked, created_at)
        group.phrasings = list(dict.fromkeys(group.phrasings))
        listing.read[head.first_id] = (version, group)
        return group
