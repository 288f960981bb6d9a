"""The conversation: what the bot does with one user action, on any channel.

Plain Python: a `Request` in, a list of `Reply` out. It never imports a chat
library, so Telegram, the console and (later) WeChat share every rule here.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from bot import texts
from bot.flood import FloodGuard, Verdict
from bot.replies import Button, Reply, Request
from bot.settings import Settings
from bot.store import Store
from knowledge.entries import FaqEntry
from knowledge.kb import KnowledgeBase, Outcome

logger = logging.getLogger(__name__)

#: Longest message treated as a question; longer ones get a polite request to shorten it.
MAX_QUESTION_CHARS = 500
#: Longest text kept in the question log.
MAX_LOGGED_CHARS = 1000

ACTION_FAQ = "faq:"
ACTION_CATEGORY = "cat:"
ACTION_MENU = "menu"
ACTION_NONE_OF_THESE = "none"


@dataclass
class Conversation:
    """Routes a request to the right plain function and returns the replies."""

    settings: Settings
    store: Store
    kb: KnowledgeBase
    flood: FloodGuard

    def handle(self, request: Request) -> list[Reply]:
        """Respond to one user action; every channel calls this and nothing else."""
        self.store.touch_user(request.channel, request.user_id, request.name, request.username)
        verdict = self.flood.check(f"{request.channel}:{request.user_id}")
        if verdict is Verdict.DROP:
            return []
        if verdict is Verdict.WARN:
            return [Reply(texts.FLOOD)]
        if request.kind == "command":
            return self._command(request.text)
        if request.kind == "button":
            return self._button(request)
        if request.kind == "other":
            return [Reply(texts.NOT_TEXT)]
        return self.ask(request)

    # -- commands and buttons ---------------------------------------------

    def _command(self, name: str) -> list[Reply]:
        if name == "start":
            return [Reply(self._fill(texts.WELCOME), buttons=self._menu_buttons())]
        if name == "help":
            return [Reply(self._fill(texts.HELP), buttons=((Button(texts.BUTTON_MENU, ACTION_MENU),),))]
        if name == "faq":
            return [self.menu()]
        return [Reply(texts.UNKNOWN_COMMAND)]

    def _button(self, request: Request) -> list[Reply]:
        action = request.text
        if action == ACTION_MENU:
            return [replace(self.menu(), replace=True)]
        if action.startswith(ACTION_CATEGORY):
            return [replace(self.category(action.removeprefix(ACTION_CATEGORY)), replace=True)]
        if action.startswith(ACTION_FAQ):
            entry = self.kb.get(action.removeprefix(ACTION_FAQ))
            return [self.answer(entry)] if entry else [Reply(texts.STALE_BUTTON)]
        if action == ACTION_NONE_OF_THESE:
            return [Reply(self._fill(texts.NONE_OF_THESE), buttons=self._menu_buttons())]
        # A forged or outdated button: say so, do nothing.
        logger.info("Ignored unknown button action %r from %s:%s", action, request.channel, request.user_id)
        return [Reply(texts.STALE_BUTTON)]

    def menu(self) -> Reply:
        """The category list, one button per category."""
        return Reply(texts.MENU_TITLE, buttons=self._menu_buttons())

    def category(self, category_id: str) -> Reply:
        """The questions of one category, one button each."""
        titles = {c.id: c.title for c in self.kb.categories}
        entries = self.kb.in_category(category_id)
        if category_id not in titles or not entries:
            return Reply(texts.STALE_BUTTON, buttons=self._menu_buttons())
        rows = tuple((Button(e.question, ACTION_FAQ + e.id),) for e in entries)
        return Reply(
            texts.CATEGORY_TITLE.format(title=titles[category_id]),
            buttons=(*rows, (Button(texts.BUTTON_BACK, ACTION_MENU),)),
        )

    # -- questions ------------------------------------------------------------

    def ask(self, request: Request) -> list[Reply]:
        """Answer a free-text question, and log it for the admins."""
        text = request.text.strip()
        if not text:
            return [Reply(texts.EMPTY, buttons=self._menu_buttons())]
        if len(text) > MAX_QUESTION_CHARS:
            return [Reply(texts.TOO_LONG.format(limit=MAX_QUESTION_CHARS))]
        outcome = self.kb.ask(text)
        if outcome.kind == "smalltalk":
            return [Reply(self._fill(texts.SMALLTALK[outcome.intent or "ok"]))]
        if outcome.empty:
            return [Reply(texts.EMPTY, buttons=self._menu_buttons())]
        self._log(request, text, outcome)
        if outcome.kind == "answer" and outcome.entry:
            return [self.answer(outcome.entry)]
        if outcome.kind == "suggest":
            rows = tuple((Button(s.question, ACTION_FAQ + s.faq_id),) for s in outcome.suggestions)
            return [Reply(texts.SUGGEST, buttons=(*rows, (Button(texts.SUGGEST_NONE_OF_THESE, ACTION_NONE_OF_THESE),)))]
        return [Reply(self._fill(texts.NO_ANSWER), buttons=self._menu_buttons())]

    def answer(self, entry: FaqEntry) -> Reply:
        """An entry as the student sees it: question as title, answer, source."""
        body = entry.render_answer(self.settings.placeholders)
        if entry.source:
            body += "\n\n" + texts.ANSWER_SOURCE.format(source=entry.source)
        return Reply(body, title=entry.question, buttons=((Button(texts.BUTTON_MENU, ACTION_MENU),),))

    def _log(self, request: Request, text: str, outcome: Outcome) -> None:
        self.store.log_question(
            request.channel,
            request.user_id,
            text[:MAX_LOGGED_CHARS],
            outcome.kind,
            outcome.faq_id,
            outcome.score,
            [s.faq_id for s in outcome.suggestions],
        )

    def _menu_buttons(self) -> tuple[tuple[Button, ...], ...]:
        buttons = [Button(c.title, ACTION_CATEGORY + c.id) for c in self.kb.categories]
        return tuple(tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2))

    def _fill(self, template: str) -> str:
        return template.format(**self.settings.placeholders)
