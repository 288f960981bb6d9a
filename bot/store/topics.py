"""What each user's conversation is about: the FAQ entry last answered or offered, and when."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import timedelta

import sqlite_utils

from bot.clock import Clock
from bot.store.schema import iso


class TopicStore:
    db: sqlite_utils.Database
    clock: Clock
    writing: Callable[[], AbstractContextManager[None]]

    def set_topic(self, channel: str, external_id: str, faq_id: str) -> None:
        """The conversation with this user is now about entry `faq_id` (as of now)."""
        # Plain SQL, committed with the message's other writes (sqlite-utils' upsert commits on its own).
        with self.writing():
            self.db.execute(
                """
                insert into conversation_topics (channel, external_id, faq_id, updated_at) values (?, ?, ?, ?)
                on conflict (channel, external_id) do update set faq_id = excluded.faq_id, updated_at = excluded.updated_at
                """,
                [channel, external_id, faq_id, self.stamp()],
            )

    def topic(self, channel: str, external_id: str, within: timedelta) -> str | None:
        """The entry the conversation is about, if it was set less than `within` ago."""
        since = iso(self.clock.now() - within)
        row = self.db.execute(
            "select faq_id from conversation_topics where channel = ? and external_id = ? and updated_at > ?",
            [channel, external_id, since],
        ).fetchone()
        return row[0] if row else None
