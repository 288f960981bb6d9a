"""What a conversation is about: a follow-up question is understood against it.

The topic is the FAQ entry the bot last answered or offered first to this user,
kept in the store for `TOPIC_MINUTES` (so a restart, or the other channel's
process, keeps it) and read on the store's clock. A question that names nothing
of its own (那要满足啥条件, 去哪里报, how much?) is answered from the topic; one that
names another programme switches to it; one about something the knowledge base
does not hold (天气, another city's policy) is never answered because of the
topic. How a question reads is decided in knowledge/followup.py (pure).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta

from bot.faq import texts as faq_texts
from bot.store import Store
from knowledge import followup
from knowledge.analyzer import Analysis
from knowledge.kb import KnowledgeBase, Outcome
from knowledge.text import is_english, normalize

logger = logging.getLogger(__name__)

#: How long a conversation stays about its topic after the bot last spoke of it.
TOPIC_MINUTES = 10
#: A standalone answer this sure (the decision's probability), scoring this far above the topic, is its own question.
CLEARLY_SURE = 0.98
CLEARLY_AHEAD = 0.06


@dataclass(frozen=True)
class Understood:
    """How the bot reads one question in its conversation."""

    outcome: Outcome
    followup: bool = False  # answered from the conversation's topic
    missing: tuple[str, ...] = ()  # details asked for (procedure, materials, time) that the answer does not give
    vague: bool = False  # only common words (总共几个): unclear, rather than about something the bot does not cover

    def note(self, placeholders: dict[str, str]) -> str:
        """What to say before the answer: that the letter has no such detail, and whom to call."""
        if not self.missing:
            return ""
        aspects = "、".join(faq_texts.DETAIL_ASPECTS[a] for a in self.missing)
        return faq_texts.FOLLOWUP_NO_DETAIL.format(aspects=aspects, **placeholders)


#: How sure the best match of a message that says it moves on (另外, 对了) must be to be answered, though unsure.
SWITCH_CONFIDENCE = 0.5
#: A "did you mean" this unsure (the decision's probability) is no lead away from the topic.
NO_LEAD = 0.3


def _clearly_other(outcome: Outcome, topic: str) -> bool:
    """A sure answer that the topic comes nowhere near (电话多少 after the privacy answer that mentions a phone):
    with a word of its own (not only cues: 最多能拿多少 stays a follow-up), the question is the other entry's,
    though the topic explains its words too."""
    if outcome.kind != "answer" or outcome.confidence < CLEARLY_SURE:
        return False
    topic_score = next((s.score for s in outcome.scored if s.entry_id == topic), 0.0)
    return outcome.score - topic_score >= CLEARLY_AHEAD


def _moves_to(kb: KnowledgeBase, analysis: Analysis | None, outcome: Outcome, topic: str) -> bool:
    """A "did you mean" whose entry explains a word of the question's own that the topic does not (听说家乡有实习还给
    补贴 after the campus ambassadors): the student has moved on, though the bot is unsure where to. `analysis`: the
    question as read against the topic."""
    return (
        outcome.kind == "suggest"
        and analysis is not None
        and followup.explains_more(kb.index, analysis, outcome.faq_id, topic)
    )


def has_words(text: str) -> bool:
    """Letters or characters a person wrote (总共几个, 为什么), as opposed to emoji or punctuation only."""
    return any(c.isalpha() for c in normalize(text))


class Context:
    """Answers questions in the light of what each user's conversation is about."""

    def __init__(self, store: Store, kb: Callable[[], KnowledgeBase], minutes: int = TOPIC_MINUTES) -> None:
        self.store = store
        self._kb = kb
        self.within = timedelta(minutes=minutes)

    def ask(self, channel: str, user_id: str, text: str) -> Understood:
        """Understand `text` from this user, and remember what the conversation is now about."""
        kb = self._kb()
        outcome = kb.ask(text)
        vague = outcome.empty and has_words(text)
        if vague:  # only common words (为什么, 总共几个): a question, not nothing
            outcome = Outcome("none")
        if outcome.kind == "smalltalk" and followup.asks_something(normalize(text)):
            outcome = Outcome("none")  # 我可以去吗 is all small-talk words, but asks whether the student may
        understood = Understood(outcome, vague=vague)
        topic = None  # the conversation's entry, if it still exists
        analysis = None  # the question as the analyzer reads it, once it is weighed against the topic
        if outcome.kind != "smalltalk" and not outcome.empty and not outcome.favour:
            topic = self.store.topic(channel, user_id, self.within)
            topic = topic if topic and kb.get(topic) else None
            if topic and not (outcome.kind == "answer" and outcome.faq_id == topic):
                analysis = kb.analyzer.analyze(text)
                understood = self._against(kb, text, analysis, outcome, topic)
        answered = understood.outcome
        # An answer moves the conversation; a "did you mean" only starts one: the student has not taken it up
        # (是真的吗 offered the internship entry, and the next follow-up was still about the topic before).
        if answered.faq_id and (answered.kind == "answer" or not topic or _moves_to(kb, analysis, answered, topic)):
            self.store.set_topic(channel, user_id, answered.faq_id)
        elif answered.kind == "none" and outcome.scored and not understood.followup:
            best = outcome.scored[0].entry_id
            if followup.names_programme_of(kb.index, analysis or kb.analyzer.analyze(text), best):
                self.store.set_topic(channel, user_id, best)  # 就业见习听起来像打白工: unanswered, yet about it now
        if answered.kind == "answer" and answered.entry and not understood.missing:  # asked straight out
            understood = replace(understood, missing=followup.missing_detail(normalize(text), answered.entry.answer))
        return understood

    def remember(self, channel: str, user_id: str, faq_id: str) -> None:
        """The user was shown entry `faq_id` (a menu or a "did you mean" button): the conversation is about it."""
        self.store.set_topic(channel, user_id, faq_id)

    def _against(self, kb: KnowledgeBase, text: str, analysis: Analysis, outcome: Outcome, topic: str) -> Understood:
        """`outcome` as it was, or the topic's entry when `text` (read as `analysis`) follows up on it."""
        # 会影响上课吗: 影响 and 上课 are other entries' words, but alone the question leads to none of them (or only to a
        # wild guess); not with a place (东莞落户要啥条件: a policy of its own)
        leads_nowhere = (
            outcome.kind == "none" or (outcome.kind == "suggest" and outcome.confidence < NO_LEAD)
        ) and not any(u.role == "place" for u in analysis.units)
        reading = followup.read(kb.index, analysis, topic, lenient=leads_nowhere)
        if (
            outcome.kind == "suggest"
            and outcome.faq_id != topic
            and (
                (
                    outcome.confidence >= SWITCH_CONFIDENCE
                    and followup.moves_on(analysis.normalized)
                    and not followup.names_unknown_word(kb.index, analysis, outcome.faq_id)
                )
                or (
                    reading.kind == "own"
                    and reading.names_programme
                    and followup.explains_more(kb.index, analysis, outcome.faq_id, topic)
                    and not reading.off_topic
                )
            )
        ):  # The student moves on, and the unsure best match is another entry: they say so (另外想问下创业有啥补贴), or
            # they name another programme (校园大使要满足啥呢 after 三支一扶, whatever chatter is around it). Not
            # 顺便问下考研英语有什么区别: 考研 is what the student now asks about, a subject the letter does not cover.
            entry = kb.get(outcome.faq_id)
            assert entry is not None
            return Understood(replace(outcome, kind="answer", entry=entry, suggestions=()))
        # Unsure, with the topic as the best guess and a word of its own in the question (人才集团现在运作了没 after
        # the returnees' services): still the topic. A homophone (房价 for 放假) or one character (你多大了) is not enough,
        # nor a question with a word no entry knows beside the shared one (三支一扶恐龙, 直播带货要交税吗): that word
        # is what it asks about, and the letter does not cover it. A long message (保险 after the internships, in a
        # story) may have such a word too, as long as alone it leads nowhere else.
        guesses_topic = outcome.kind == "suggest" and outcome.faq_id == topic
        still_topic = reading.shares_word and (
            (guesses_topic and not reading.unknown) or (reading.long and (guesses_topic or outcome.kind == "none"))
        )
        if outcome.elsewhere and reading.kind != "followup":  # another city's policy, unless the topic covers it
            return Understood(outcome)
        if (
            (reading.kind == "own" and not still_topic)
            or (
                outcome.kind == "answer"
                and reading.names_programme
                and not reading.asks_aspect
                and not ("yesno" in reading.aspects and followup.explains_programmes(kb.index, analysis, topic))
            )
            or (outcome.kind == "answer" and followup.explains_more(kb.index, analysis, outcome.faq_id, topic))
            or (_clearly_other(outcome, topic) and followup.names_own_word(kb.index, analysis, outcome.faq_id))
        ):  # its own question, or a confident answer about the programme it names (那就业见习呢: not 有见习岗位吗 after the
            # director's visits, whose answer counts the traineeship posts they opened) or describes
            return Understood(outcome)
        if reading.kind == "elsewhere":  # the topic somewhere else: a policy the letter does not cover
            places = followup.places_elsewhere(kb.index, analysis, topic)
            return Understood(Outcome("none", score=outcome.score, english=is_english(text), elsewhere=places))
        entry = kb.get(topic)
        assert entry is not None
        logger.debug("Follow-up %r read against %s", text, topic)
        answered = Outcome("answer", entry=entry, score=outcome.score, english=is_english(text))
        return Understood(answered, followup=True, missing=followup.missing_detail(analysis.normalized, entry.answer))
