"""What a conversation is about: a follow-up question is understood against it.

Plain core logic over the store and the knowledge base (knowledge/ stays pure).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.store import Store
from knowledge.kb import KnowledgeBase, Outcome


@dataclass(frozen=True)
class Understood:
    """How the bot reads one question in its conversation."""

    outcome: Outcome


class Context:
    """Answers questions in the light of what each user's conversation is about."""

    def __init__(self, store: Store, kb: Callable[[], KnowledgeBase]) -> None:
        self.store = store
        self._kb = kb

    def ask(self, channel: str, user_id: str, text: str) -> Understood:
        """Understand `text` from this user."""
        return Understood(self._kb().ask(text))
