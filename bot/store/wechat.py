"""WeChat's own state: retries already seen, numbered choices, and who unfollowed (for the purge).

Numbered choices: WeChat has no buttons, so a reply's buttons are "回复 n" lines and the digit the user sends
presses the choice shown with that number. A number means one thing while it is live: the latest turn's
choices replace the turn before's, a pushed message's stay live (PUSH_CHOICE_HOURS) and its numbers are
never given to another message meanwhile; numbers never wrap around onto a live one."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlite_utils

from bot.clock import Clock
from bot.store.schema import iso

#: How long a dedupe key is kept: WeChat retries within ~15 seconds; a day is plenty.
SEEN_HOURS = 24
#: How long the numbers of a turn's "回复 1" lines can be answered.
CHOICE_MINUTES = 30
#: How long a pushed message's numbers (a notice's 🔕, an approval request's 通过) can be answered: its
#: choices outlive the user's later turns, since the student may read it hours later.
PUSH_CHOICE_HOURS = 48
#: Pushed messages whose choices are kept at once; beyond that the oldest ones lapse (their numbers are not
#: reused while live: a lapsed number answers "no longer valid" until a later message takes it).
MAX_PUSHED = 20
#: Numbers are given out after the live ones up to this, then in the lowest free block: never a live one.
MAX_NUMBER = 99


@dataclass(frozen=True)
class Choice:
    """One live number: what it presses, its label, whether it needs the confirmation word, pushed or a turn's."""

    n: int
    action: str
    label: str = ""
    confirm: bool = False
    pushed: bool = False
    at: str = ""


#: What a channel asks to number: (action, label, needs the confirmation word).
Offer = tuple[str, str, bool]


class WeChatStore:
    db: sqlite_utils.Database
    clock: Clock
    writing: Callable[[], AbstractContextManager[None]]

    def _iso(self, when: datetime | None) -> str:
        """`iso`, with None meaning now (callers pass an event's time when they know it)."""
        return self.stamp() if when is None else iso(when)

    def seen_before(self, key: str) -> bool:
        """Remember `key` (a message id, an event's sender and time); True if it was already there.

        One atomic insert-or-ignore, so two processes racing on one retry agree on who handles it."""
        now = self.clock.now()
        with self.writing():  # one commit for the claim and the clean-up
            cursor = self.db.execute(
                "insert or ignore into wechat_seen (key, seen_at) values (?, ?)", [key, self._iso(now)]
            )
            seen = cursor.rowcount == 0
            self.db.execute("delete from wechat_seen where seen_at < ?", [self._iso(now - timedelta(hours=SEEN_HOURS))])
        return seen

    def forget_seen(self, key: str) -> None:
        """Undo `seen_before(key)`: the message was not handled after all, its retry should be."""
        self.db.execute("delete from wechat_seen where key = ?", [key])
        self.db.conn.commit()

    def number_turn(self, channel: str, external_id: str, offers: Sequence[Offer]) -> int:
        """Number the choices of the user's latest turn; returns the first number. They replace the last turn's;
        a pushed message's choices stay live and keep their numbers, so the turn numbers on after them."""
        return self._number(channel, external_id, offers, pushed=False)

    def number_push(self, channel: str, external_id: str, offers: Sequence[Offer]) -> int:
        """Number a pushed message's choices after every live number (a notice arriving between a "did you mean"
        and the student's "1" must not make that "1" its 🔕); returns the first number."""
        return self._number(channel, external_id, offers, pushed=True)

    def choice(self, channel: str, external_id: str, n: int) -> Choice | None:
        """The live choice shown with number `n`; None when no message the user can answer shows it."""
        return next((c for c in self._live_choices(channel, external_id) if c.n == n), None)

    def drop_choices(self, channel: str, external_id: str, numbers: Sequence[int]) -> None:
        """Forget `numbers` (a pushed message that could not be sent: nobody saw them)."""
        with self.db.atomic():
            gone = set(numbers)
            self._store_choices(channel, external_id, [c for c in self._live_choices(channel, external_id)
                                                       if c.n not in gone])  # fmt: skip

    def _number(self, channel: str, external_id: str, offers: Sequence[Offer], pushed: bool) -> int:
        with self.writing():  # all or nothing; within a turn's batch, part of it
            live = self._live_choices(channel, external_id)
            kept = live if pushed else [c for c in live if c.pushed]
            if pushed:  # the oldest pushed messages lapse beyond MAX_PUSHED
                stamps = sorted({c.at for c in kept if c.pushed})
                kept = [c for c in kept if not c.pushed or c.at in stamps[-(MAX_PUSHED - 1):]] if stamps else kept
            first = _free_block({c.n for c in kept}, max((c.n for c in kept), default=0) + 1, len(offers))
            now = self.stamp()
            added = [Choice(first + i, action, label, confirm, pushed, now) for i, (action, label, confirm) in
                     enumerate(offers)]  # fmt: skip
            self._store_choices(channel, external_id, [*kept, *added])
        return first

    def _store_choices(self, channel: str, external_id: str, choices: Sequence[Choice]) -> None:
        where = "where channel = ? and external_id = ?"
        if not choices:
            self.db.execute(f"delete from wechat_choices {where}", [channel, external_id])
            return
        rows = [[c.n, c.action, c.label, c.confirm, c.pushed, c.at] for c in sorted(choices, key=lambda c: c.n)]
        self.db.execute(  # plain SQL: sqlite-utils' upsert first looks the table up (8 queries)
            """
            insert into wechat_choices (channel, external_id, actions, updated_at) values (?, ?, ?, ?)
            on conflict (channel, external_id) do update set actions = excluded.actions, updated_at = excluded.updated_at
            """,
            [channel, external_id, json.dumps(rows, ensure_ascii=False), self.stamp()],
        )

    def _live_choices(self, channel: str, external_id: str) -> list[Choice]:
        row = self.db.execute(
            "select actions, updated_at from wechat_choices where channel = ? and external_id = ?",
            [channel, external_id],
        ).fetchone()
        if row is None:
            return []
        now = self.clock.now()
        turn_since = self._iso(now - timedelta(minutes=CHOICE_MINUTES))
        push_since = self._iso(now - timedelta(hours=PUSH_CHOICE_HOURS))
        choices = []
        for i, item in enumerate(json.loads(row[0]), 1):
            # Rows written before numbers were kept with each choice: a list of actions numbered from 1.
            choice = Choice(i, item, at=row[1]) if isinstance(item, str) else Choice(*item)
            if choice.at >= (push_since if choice.pushed else turn_since):
                choices.append(choice)
        return choices

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


def _free_block(taken: set[int], start: int, count: int) -> int:
    """The first of `count` consecutive numbers none of which is taken: `start` (after the live ones) while
    that stays within MAX_NUMBER, else the lowest free block (still never a live number: no wrapping onto one)."""
    if start + count - 1 <= MAX_NUMBER:
        return start
    first = 1
    while any(n in taken for n in range(first, first + count)):
        first += 1
    return first
