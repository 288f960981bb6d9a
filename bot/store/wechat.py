"""WeChat's own state: retries already seen, numbered choices, and who unfollowed (for the purge)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta

import sqlite_utils

from bot.clock import Clock
from bot.store.schema import iso

#: How long a dedupe key is kept: WeChat retries within ~15 seconds; a day is plenty.
SEEN_HOURS = 24
#: How long the numbers of a turn's "回复 1" lines can be answered.
CHOICE_MINUTES = 30
#: Numbers a user may hold at once: pushed messages number on after the live ones up to this, then start again.
MAX_CHOICES = 20


class WeChatStore:
    db: sqlite_utils.Database
    clock: Clock

    def _iso(self, when: datetime | None) -> str:
        """`iso`, with None meaning now (callers pass an event's time when they know it)."""
        return self.stamp() if when is None else iso(when)

    def seen_before(self, key: str) -> bool:
        """Remember `key` (a message id, an event's sender and time); True if it was already there.

        One atomic insert-or-ignore, so two processes racing on one retry agree on who handles it."""
        now = self.clock.now()
        cursor = self.db.execute("insert or ignore into wechat_seen (key, seen_at) values (?, ?)", [key, self._iso(now)])
        seen = cursor.rowcount == 0
        self.db.execute("delete from wechat_seen where seen_at < ?", [self._iso(now - timedelta(hours=SEEN_HOURS))])
        self.db.conn.commit()
        return seen

    def forget_seen(self, key: str) -> None:
        """Undo `seen_before(key)`: the message was not handled after all, its retry should be."""
        self.db.execute("delete from wechat_seen where key = ?", [key])
        self.db.conn.commit()

    def set_choices(self, channel: str, external_id: str, actions: Sequence[str]) -> None:
        """The actions the digits 1..n stand for in what the user was just sent; none clears them."""
        if not actions:
            self.db.execute("delete from wechat_choices where channel = ? and external_id = ?", [channel, external_id])
            self.db.conn.commit()
            return
        row = {"channel": channel, "external_id": external_id, "updated_at": self.stamp()}
        self.db["wechat_choices"].upsert(
            {**row, "actions": json.dumps(list(actions), ensure_ascii=False)}, pk=("channel", "external_id")
        )

    def add_choices(self, channel: str, external_id: str, actions: Sequence[str]) -> int:
        """Number `actions` after the user's live choices, which stay valid (a pushed notice must not turn
        the "1" the student is about to send for their last answer into its own button); returns how many
        numbers come before them. Stale choices, or too many, are replaced: numbering starts at 1 again."""
        if not actions:
            return 0
        with self.db.atomic():
            live = self._live_choices(channel, external_id)
            if len(live) + len(actions) > MAX_CHOICES:
                live = []
            self.set_choices(channel, external_id, [*live, *actions])
        return len(live)

    def choice(self, channel: str, external_id: str, n: int) -> str | None:
        """The action behind number `n` (from 1), while the choices are fresh; else None."""
        actions = self._live_choices(channel, external_id)
        return actions[n - 1] if 1 <= n <= len(actions) else None

    def _live_choices(self, channel: str, external_id: str) -> list[str]:
        row = self.db.execute(
            "select actions, updated_at from wechat_choices where channel = ? and external_id = ?",
            [channel, external_id],
        ).fetchone()
        if row is None or row[1] < self._iso(self.clock.now() - timedelta(minutes=CHOICE_MINUTES)):
            return []
        return list(json.loads(row[0]))

    def mark_followed(self, channel: str, external_id: str, at: datetime | None = None) -> None:
        """A (re-)follow: cancels the pending purge of an earlier unfollow."""
        self.db.execute(
            """
            insert into wechat_follows (channel, external_id, followed_at, unfollowed_at) values (?, ?, ?, null)
            on conflict (channel, external_id) do update set followed_at = excluded.followed_at, unfollowed_at = null
            """,
            [channel, external_id, self._iso(at)],
        )
        self.db.conn.commit()

    def mark_unfollowed(self, channel: str, external_id: str, at: datetime | None = None) -> None:
        """An unfollow: out of every audience and reminder now; personal data purged after retention."""
        with self.db.atomic():
            self.db.execute(
                """
                insert into wechat_follows (channel, external_id, followed_at, unfollowed_at) values (?, ?, null, ?)
                on conflict (channel, external_id) do update set unfollowed_at = excluded.unfollowed_at
                """,
                [channel, external_id, self._iso(at)],
            )
            where = "where channel = ? and external_id = ?"
            self.db.execute(f"update subscriptions set reachable = 0 {where}", [channel, external_id])
            self.cancel_reminders(None, channel, external_id)  # type: ignore[attr-defined]  # no change notices either
            self.db.execute(f"delete from wechat_choices {where}", [channel, external_id])

    def purge_unfollowed(self, before: datetime) -> int:
        """Delete the personal data of users who unfollowed before `before` and did not come back."""
        with self.db.atomic():
            gone = self.db.execute(
                "select channel, external_id from wechat_follows where unfollowed_at is not null and unfollowed_at < ?",
                [self._iso(before)],
            ).fetchall()
            for channel, external_id in gone:
                self.forget_user(channel, external_id)  # type: ignore[attr-defined]
        return len(gone)
