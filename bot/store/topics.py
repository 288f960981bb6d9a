"""What each user's conversation is about: the FAQ entry last answered or offered, and when."""

from __future__ import annotations

from datetime import timedelta

import sqlite_utils

from bot.clock import Clock
from bot.store.schema import iso


class TopicStore:
    db: sqlite_utils.Database
    clock: Clock

    def set_topic(self, channel: str, external_id: str, faq_id: str) -> None:
        """The conversation with this user is now about entry `faq_id` (as of now)."""
        self.db["conversation_topics"].upsert(
            {"channel": channel, "external_id": external_id, "faq_id": faq_id, "updated_at": self.stamp()},
            pk=("channel", "external_id"),
        )

    def topic(self, channel: str, external_id: str, within: timedelta) -> str | None:
        """The entry the conversation is about, if it was set less than `within` ago."""
        since = iso(self.clock.now() - within)
        row = self.db.execute(
            "select faq_id from conversation_topics where channel = ? and external_id = ? and updated_at > ?",
            [channel, external_id, since],
        ).fetchone()
        return row[0] if row else None
