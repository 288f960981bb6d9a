"""The knowledge base: entries plus their index, and the answer/suggest/none decision.

`KnowledgeBase.ask` is the one question-answering function every channel and
the CLI share. It knows nothing of chats: text in, an `Outcome` out.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from knowledge import dictionaries, index_cache
from knowledge.analyzer import Analyzer
from knowledge.decision import Decision, features
from knowledge.entries import Category, FaqEntry, Lexicon
from knowledge.followup import names_off_topic, places_elsewhere
from knowledge.matcher import MatchIndex, Scored
from knowledge.text import is_english

OutcomeKind = Literal["answer", "suggest", "none", "smalltalk"]
MAX_SUGGESTIONS = 3
#: A suggestion is only offered if it scores at least this share of the best one.
SUGGESTION_RELATIVE_FLOOR = 0.75
#: Closeness and pinyin similarity (0..1) at which a question is one of an entry's phrasings; such a
#: question is answered up to EXACT_MARGIN below the answer threshold (a few common words score low).
EXACT = 0.999
EXACT_MARGIN = 0.1
#: The matcher orders candidates by how close they are to a phrasing and scores them by how much of the question they
#: explain. When another candidate's score beats the first's by this much, the two disagree about the entry: the bot
#: offers both rather than answer (traineeship subsidy for new grads: the graduates' subsidies first, the traineeship's
#: score far ahead).
ORDERS_DISAGREE = 0.1
#: A question this short that names an everyday subject the letter never covers (lexicon off_topic) asks about it; a
#: longer one may only mention it on the way (本来打算考研, 但家里说…).
OFF_TOPIC_CHARS = 30
#: Where a Chinese message's clauses meet (its punctuation became spaces).
_CLAUSE = re.compile(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])")
#: A favour asked of the bot (帮我写一篇论文, 帮我拿个主意, 帮我翻译, 帮我看看我的简历, translate my essay): work it does
#: not do, whatever the topic's words around it (技能人才培养 in the thesis title). Not 帮我查一下 or 帮我转人工: those
#: ask the FAQ.
_FAVOUR = re.compile(
    r"帮我(写|改|翻译|润色|拿个?主意|出个?主意|做(作业|题|ppt)|(看看|看下|看一下)?(我的)?(简历|论文|作业|报告))"
    r"|帮我(想|起|取|改)一?个?.{0,6}(名字|名称|店名|口号)"
    r"|(?<![a-z])(translate|proofread|do my homework|write (me |my )?(an? )?(essay|paper|thesis|cover letter))(?![a-z])"
)


@dataclass(frozen=True)
class Suggestion:
    faq_id: str
    question: str
    score: float


@dataclass(frozen=True)
class Outcome:
    """What the knowledge base says to one question."""

    kind: OutcomeKind
    entry: FaqEntry | None = None
    score: float = 0.0
    suggestions: tuple[Suggestion, ...] = ()
    intent: str | None = None  # small-talk intent, e.g. 'greeting'
    empty: bool = False  # nothing matchable at all (emoji, junk, blank)
    favour: bool = False  # work asked of the bot (帮我写论文): never the FAQ's, nor the conversation topic's
    english: bool = False  # asked in English: answer in English where the entry has it
    elsewhere: tuple[str, ...] = ()  # `none`: the question asks about these places' policies (深圳的实习补贴)
    confidence: float = 0.0  # the decision layer's probability that the best entry is right (knowledge/decision.py)
    scored: tuple[Scored, ...] = field(default=(), repr=False)

    @property
    def faq_id(self) -> str | None:
        """The answered entry, or for `suggest` the first suggestion."""
        if self.entry:
            return self.entry.id
        return self.suggestions[0].faq_id if self.suggestions else None

    def to_json(self, placeholders: dict[str, str]) -> dict[str, Any]:
        """The `python -m bot ask --json` schema."""
        return {
            "outcome": self.kind,
            "faq_id": self.faq_id,
            "answer": self.entry.render_answer(placeholders, self.english) if self.entry else None,
            "score": round(self.score, 4),
            "suggestions": [
                {"faq_id": s.faq_id, "question": s.question, "score": round(s.score, 4)} for s in self.suggestions
            ],
        }


def says_a_phrasing(scored: Sequence[Scored]) -> bool:
    """The question says what one phrasing of the best entry says, word for word and sound for sound (你是谁), and
    no other entry has such a phrasing: a short question of a few common words scores a little low, yet it is
    that entry."""
    exact = [s for s in scored if s.closeness >= EXACT and s.fuzz >= EXACT]
    return len(exact) == 1 and exact[0] is scored[0]


@dataclass(frozen=True)
class _Snapshot:
    """Index (with its analyzer), entries by id and categories that belong together."""

    index: MatchIndex
    by_id: dict[str, FaqEntry]
    categories: list[Category]


class KnowledgeBase:
    """FAQ entries, their categories and a match index, swapped atomically on change."""

    def __init__(
        self,
        categories: Sequence[Category],
        entries: Sequence[FaqEntry],
        lexicon: Lexicon,
        answer_threshold: float,
        suggest_threshold: float,
        cache_path: Path | None = None,
        decision: Decision | None = None,
    ) -> None:
        """`cache_path`: where the analysed phrasings are kept between starts (knowledge/index_cache.py);
        jieba's and pypinyin's dictionaries, by leading characters, go beside it (knowledge/dictionaries.py).

        `answer_threshold` is a floor on the raw score (never answer below it) and `suggest_threshold` the raw
        score that earns a "did you mean"; above the floor, `decision` (knowledge/decision.yaml by default)
        answers when it is confident enough that the best entry is right."""
        self.decision = decision or default_decision()
        self.answer_threshold = answer_threshold
        self.suggest_threshold = suggest_threshold
        self.cache_path = cache_path
        self._words = dictionaries.open_dictionaries(cache_path.parent / dictionaries.FILE_NAME if cache_path else None)
        analyzer = Analyzer(lexicon, words=self._words)
        cached = index_cache.load(cache_path, lexicon) if cache_path else None
        index = MatchIndex(entries, analyzer, cached=cached)
        self._snapshot = _Snapshot(index, {e.id: e for e in entries}, list(categories))
        self._save_cache(stale=cached is None or index.fresh > 0 or len(cached) != len(index.analysed()))

    def _save_cache(self, stale: bool = True) -> None:
        if self.cache_path and stale:
            index_cache.save(self.cache_path, self.lexicon, self.index.analysed())

    def replace_entries(self, entries: Sequence[FaqEntry], categories: Sequence[Category] | None = None) -> None:
        """Build an index for new entries, then swap it in with one assignment.

        A question being answered meanwhile keeps the snapshot it started with,
        so it never sees a new index with old entries or the reverse. Entries
        that did not change keep their analysis, so this takes milliseconds.
        """
        previous = self._snapshot
        self._snapshot = _Snapshot(
            MatchIndex(entries, previous.index.analyzer, previous.index),
            {e.id: e for e in entries},
            list(categories if categories is not None else previous.categories),
        )

    def replace_lexicon(self, lexicon: Lexicon) -> None:
        """New vocabulary (an admin edited the synonyms): a new analyzer and a full re-index (a second or two)."""
        previous = self._snapshot
        index = MatchIndex(previous.index.entries, Analyzer(lexicon, words=self._words))
        self._snapshot = _Snapshot(index, previous.by_id, previous.categories)
        self._save_cache()

    @property
    def analyzer(self) -> Analyzer:
        return self._snapshot.index.analyzer

    @property
    def lexicon(self) -> Lexicon:
        return self._snapshot.index.analyzer.lexicon

    @property
    def index(self) -> MatchIndex:
        return self._snapshot.index

    @property
    def entries(self) -> list[FaqEntry]:
        return self._snapshot.index.entries

    @property
    def categories(self) -> list[Category]:
        return self._snapshot.categories

    def get(self, entry_id: str) -> FaqEntry | None:
        return self._snapshot.by_id.get(entry_id)

    def in_category(self, category_id: str) -> list[FaqEntry]:
        return [e for e in self.entries if e.category == category_id]

    def ask(self, text: str, whole: bool = True) -> Outcome:
        """Decide how to respond to `text`: answer, suggest, none or small talk. `whole`: the message as sent (not
        one clause of it)."""
        snapshot = self._snapshot
        analyzer = snapshot.index.analyzer
        intent = analyzer.smalltalk_intent(text)
        if intent:
            return Outcome("smalltalk", intent=intent)
        analysis = analyzer.analyze(text)
        english = is_english(text)  # replies, answered or not, in the student's language
        mandarin = analyzer.cantonese.to_mandarin(analysis.normalized)  # 帮我写嘢, 你叫咩名 as Mandarin says them
        if _FAVOUR.search(mandarin):
            return Outcome("none", english=english, favour=True)
        if len(analysis.normalized) <= OFF_TOPIC_CHARS and names_off_topic(snapshot.index, (analysis.normalized, mandarin)):
            # 东莞人社局局长叫什么名字, 直播带货怎么做: an everyday subject, whatever programme word it shares
            return Outcome("none", english=english)
        if all(u.role == "context" for u in analysis.units):  # filler, or words that only set the scene
            said = snapshot.index.says_only(mandarin)
            if said is not None:  # What can you do?: all filler, yet one entry's phrasing word for word
                return Outcome("answer", entry=snapshot.by_id[said], score=1.0, english=english, confidence=1.0)
        if analysis.empty:
            return Outcome("none", empty=True, english=english)
        by_id = snapshot.by_id
        scored = snapshot.index.score(analysis)
        if not scored:
            return Outcome("none", english=english)
        best = scored[0]
        exact = says_a_phrasing(scored)
        explanation = snapshot.index.explanation(analysis, best.entry_id)  # the decision's and the places' both
        confidence = self.decision.probability(
            features(snapshot.index, analysis, scored, exact, english, explanation)
        )
        floor = self.answer_threshold - (EXACT_MARGIN if exact else 0.0)
        elsewhere = places_elsewhere(snapshot.index, analysis, best.entry_id, explanation)
        if elsewhere:  # another city's policy: the letter has Dongguan's only
            return Outcome(
                "none", score=best.score, scored=tuple(scored), english=english, confidence=confidence, elsewhere=elsewhere
            )
        disagree = any(s.score - best.score >= ORDERS_DISAGREE for s in scored[1:])
        if best.score >= floor and confidence >= self.decision.answer_p and not disagree:
            entry = by_id[best.entry_id]
            return Outcome(
                "answer", entry=entry, score=best.score, scored=tuple(scored), english=english, confidence=confidence
            )
        clause = self._one_clause_answers(analysis.normalized, best.entry_id) if whole else None
        if clause is not None:  # 校园大使是干嘛的 看着挺好玩: the question, and a remark beside it
            return replace(clause, scored=tuple(scored), english=english)  # its own score: what answers it
        if best.score < self.suggest_threshold and confidence < self.decision.suggest_p:
            return Outcome("none", score=best.score, scored=tuple(scored), english=english, confidence=confidence)
        floor = max(min(self.suggest_threshold, best.score), best.score * SUGGESTION_RELATIVE_FLOOR)
        suggestions = tuple(
            Suggestion(s.entry_id, by_id[s.entry_id].question, s.score)
            for s in scored[:MAX_SUGGESTIONS]
            if s.score >= floor
        )
        return Outcome(
            "suggest",
            score=best.score,
            suggestions=suggestions,
            scored=tuple(scored),
            english=english,
            confidence=confidence,
        )

    def _one_clause_answers(self, normalized: str, best: str) -> Outcome | None:
        """The answer one clause of a chatty message gets on its own, when it is the whole message's best entry and
        the other clauses are remarks: no answer, suggestion or other city of their own (看着挺好玩, 不会是白干吧)."""
        clauses = _CLAUSE.split(normalized)
        if len(clauses) < 2:
            return None
        outcomes = [self.ask(c, whole=False) for c in clauses]
        answered = [o for o in outcomes if o.kind == "answer"]
        if len(answered) != 1 or answered[0].faq_id != best:
            return None
        rest = [o for o in outcomes if o is not answered[0]]
        return answered[0] if all(o.kind in ("none", "smalltalk") and not o.elsewhere for o in rest) else None


@functools.cache
def default_decision() -> Decision:
    """The bundled decision (knowledge/decision.yaml), read once."""
    return Decision.load()
