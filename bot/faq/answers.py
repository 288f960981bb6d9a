"""Students' questions and the FAQ menu: an answer, "did you mean", or a polite "no answer"; 👍/👎.

Button actions (all under Telegram's 64-byte limit):

    menu, cat:<id>          open the menu / a category as a new message
    nav:menu, nav:cat:<id>  move inside the menu: the menu message changes in place
    faq:<id>                show an entry
    pick:<log>:<id>         a "did you mean" choice for logged question <log>
    none:<log>              "none of these" for logged question <log>
    rate:<log>:up|down      👍/👎 under an answer
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from bot import texts
from bot.faq import texts as faq_texts
from bot.faq.context import Context
from bot.ids import parse_id
from bot.replies import Button, Reply, Request
from bot.settings import Settings
from bot.store import Store
from knowledge.entries import FaqEntry
from knowledge.kb import KnowledgeBase, Outcome
from knowledge.text import MAX_QUESTION_CHARS, clean, is_english

logger = logging.getLogger(__name__)

#: An unanswered question scoring below this shares nothing with the FAQ: outside what the bot covers.
OUT_OF_SCOPE_BELOW = 0.15

#: The FAQ entry about job fairs (knowledge-topics.md id); its answer links to /fairs.
JOB_FAIRS_ENTRY = "job-fairs"


@dataclass
class Answers:
    """The FAQ as students use it: questions answered and logged, the menu, choices and ratings."""

    settings: Settings
    store: Store
    knowledge: Callable[[], KnowledgeBase]
    context: Context
    #: Told of each question matched: (channel, outcome, seconds); the runtime's monitor counts them.
    on_question: Callable[[str, str, float], None]

    @property
    def kb(self) -> KnowledgeBase:
        return self.knowledge()

    def button(self, request: Request) -> list[Reply]:
        """A press in the menu, under "did you mean" or under an answer."""
        action = request.text
        if action.startswith("rate:"):
            return self._rate(request, action.removeprefix("rate:"))
        navigating = action.startswith("nav:")
        action = action.removeprefix("nav:")
        kind, _, rest = action.partition(":")
        if kind == "menu" and not rest:
            return [replace(self.menu(), replace=navigating)]
        if kind == "cat":
            return [replace(self.category(rest), replace=navigating)]
        if kind == "faq":
            entry = self.kb.get(rest)
            if entry:
                self.context.remember(request.channel, request.user_id, entry.id)
            return [self.answer(entry)] if entry else [Reply(texts.STALE_BUTTON)]
        if kind in ("pick", "none") and not navigating:
            return self._resolve(request, kind, rest)
        # A forged or outdated button: say so, change nothing.
        logger.info("Ignored unknown button action %r from %s:%s", request.text, request.channel, request.user_id)
        return [Reply(texts.STALE_BUTTON)]

    def _resolve(self, request: Request, kind: str, rest: str) -> list[Reply]:
        """A choice under "did you mean": record it for the admins, then answer or apologise."""
        raw_id, _, entry_id = rest.partition(":")
        log_id, entry = parse_id(raw_id), self.kb.get(entry_id) if kind == "pick" else None
        if log_id is None or (kind == "pick" and entry is None):
            return [Reply(texts.STALE_BUTTON)]
        if not self.store.resolve_question(log_id, request.channel, request.user_id, entry_id or None):
            return [Reply(texts.STALE_BUTTON)]
        if entry:
            self.context.remember(request.channel, request.user_id, entry.id)
            asked = self.store.question(log_id)  # the answer is in the language the question was asked in
            return [self.answer(entry, english=bool(asked and is_english(asked.text)))]
        return [Reply(self.fill(faq_texts.NONE_OF_THESE), buttons=self.menu_buttons())]

    def _rate(self, request: Request, rest: str) -> list[Reply]:
        """👍/👎 under an answer: kept with the question; 👎 puts it on the admins' review list."""
        raw_id, _, value = rest.partition(":")
        log_id = parse_id(raw_id)
        if log_id is None or value not in ("up", "down"):
            return [Reply(texts.STALE_BUTTON)]
        if not self.store.rate_question(log_id, request.channel, request.user_id, 1 if value == "up" else -1):
            return [Reply(texts.STALE_BUTTON)]
        return [Reply(faq_texts.RATED if value == "up" else faq_texts.RATED_DOWN)]

    def menu(self) -> Reply:
        """The category list; moving inside it changes the same message."""
        return Reply(faq_texts.MENU_TITLE, buttons=self.menu_buttons(nav=True))

    def category(self, category_id: str) -> Reply:
        """The questions of one category, one button each, and a way back."""
        titles = {c.id: c.title for c in self.kb.categories}
        entries = self.kb.in_category(category_id)
        if category_id not in titles or not entries:
            return Reply(texts.STALE_BUTTON, buttons=self.menu_buttons())
        rows = tuple((Button(e.question, f"faq:{e.id}"),) for e in entries)
        return Reply(
            faq_texts.CATEGORY_TITLE.format(title=titles[category_id]),
            buttons=(*rows, (Button(texts.BUTTON_BACK, "nav:menu"),)),
        )

    # -- questions ------------------------------------------------------------

    def ask(self, request: Request) -> list[Reply]:
        """Answer a free-text question, and log it for the admins."""
        text = clean(request.text).strip()
        if not text:
            return [Reply(texts.EMPTY, buttons=self.menu_buttons())]
        if len(text) > MAX_QUESTION_CHARS:
            return [Reply(texts.TOO_LONG.format(limit=MAX_QUESTION_CHARS))]
        started = time.perf_counter()
        understood = self.context.ask(request.channel, request.user_id, text)
        outcome = understood.outcome
        self.on_question(request.channel, outcome.kind, time.perf_counter() - started)
        if outcome.kind == "smalltalk":
            # an intent an admin added to the lexicon without a text of its own gets the plain "ok"
            return [Reply(self.fill(faq_texts.SMALLTALK.get(outcome.intent or "ok", faq_texts.SMALLTALK["ok"])))]
        if outcome.empty:
            return [Reply(texts.EMPTY, buttons=self.menu_buttons())]
        log_id = self._log(request, text, outcome)
        if outcome.kind == "answer" and outcome.entry:
            return [self.answer(outcome.entry, log_id, note=understood.note(self.settings.placeholders),
                                english=outcome.english)]
        if outcome.kind == "suggest":
            rows = tuple((Button(s.question, f"pick:{log_id}:{s.faq_id}"),) for s in outcome.suggestions)
            if outcome.english:
                ask = faq_texts.SUGGEST_EN if len(rows) > 1 else faq_texts.SUGGEST_ONE_EN
                none_of_these = faq_texts.SUGGEST_NONE_OF_THESE_EN
            else:
                ask = faq_texts.SUGGEST if len(rows) > 1 else faq_texts.SUGGEST_ONE  # one suggestion is not "these"
                none_of_these = faq_texts.SUGGEST_NONE_OF_THESE
            return [Reply(ask, buttons=(*rows, (Button(none_of_these, f"none:{log_id}"),)))]
        if outcome.elsewhere:  # another city's policy, the cities named as the student's language names them
            if outcome.english:
                places = ", ".join(map(self.kb.analyzer.english_place_name, outcome.elsewhere))
                text = faq_texts.ELSEWHERE_EN.format(places=places, **self.settings.placeholders)
            else:
                text = faq_texts.ELSEWHERE.format(places="、".join(outcome.elsewhere), **self.settings.placeholders)
            return [Reply(text, buttons=self.menu_buttons())]
        # Sharing nothing with the FAQ (the weather) is out of scope; unclear (总共几个) or close is "not answered".
        in_scope = understood.vague or outcome.score >= OUT_OF_SCOPE_BELOW
        if outcome.english:
            no_answer = faq_texts.NO_ANSWER_EN if in_scope else faq_texts.OUT_OF_SCOPE_EN
        else:
            no_answer = faq_texts.NO_ANSWER if in_scope else faq_texts.OUT_OF_SCOPE
        return [Reply(self.fill(no_answer), buttons=self.menu_buttons())]

    def answer(self, entry: FaqEntry, log_id: int | None = None, note: str = "", english: bool = False) -> Reply:
        """An entry as the student sees it: question as title, (a note,) answer, source; 👍/👎 when it answered.

        Asked in English: the English answer, or the Chinese one under a line saying there is none yet.
        """
        body = entry.render_answer(self.settings.placeholders, english)
        if english and not entry.answer_en:
            body = faq_texts.NO_ENGLISH_ANSWER + "\n\n" + body
        body = (note + "\n\n" if note else "") + body
        if entry.source:
            body += "\n\n" + faq_texts.ANSWER_SOURCE.format(source=entry.source)
        rows: tuple[tuple[Button, ...], ...] = ((Button(texts.BUTTON_MENU, "menu"),),)
        if entry.id == JOB_FAIRS_ENTRY:  # the answer about job fairs leads to the coming ones
            rows = ((Button(texts.BUTTON_FAIRS, "fl:0::"),), *rows)
        if log_id is not None:
            rating = (Button(faq_texts.RATE_UP, f"rate:{log_id}:up"), Button(faq_texts.RATE_DOWN, f"rate:{log_id}:down"))
            rows = (rating, *rows)
        return Reply(body, title=entry.question, buttons=rows)

    def _log(self, request: Request, text: str, outcome: Outcome) -> int:
        return self.store.log_question(
            request.channel,
            request.user_id,
            text,
            outcome.kind,
            outcome.faq_id,
            outcome.score,
            [s.faq_id for s in outcome.suggestions],
        )

    def menu_buttons(self, nav: bool = False) -> tuple[tuple[Button, ...], ...]:
        prefix = "nav:cat:" if nav else "cat:"
        buttons = [Button(c.title, prefix + c.id) for c in self.kb.categories]
        return tuple(tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2))

    def fill(self, template: str) -> str:
        return template.format(**self.settings.placeholders)
