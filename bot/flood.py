"""Per-user flood guard: slow down a student who sends too much, politely, once.

A moving window: a burst is judged over the last 60 seconds rather than per
calendar minute. Each user holds the times of their last `per_minute` accepted
messages (a bounded deque); a message is accepted if the oldest of those left
the window. Users sit in an OrderedDict in order of their last message, so the
ones idle for a whole window are dropped from its front: O(1) per message and
memory bounded by the users active in the last minute.

Written by hand rather than with `limits`' MemoryStorage, which this guard used
before: its expiry pass walks every key it ever held after each hit and never
drops a key, so the cost per message grew with the students ever seen (see
bench/flood.py).
"""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from collections.abc import Callable
from enum import Enum

WINDOW_SECONDS = 60.0


class Verdict(Enum):
    OK = "ok"
    WARN = "warn"  # over the limit: tell the user once
    DROP = "drop"  # still over the limit: stay silent, do no work


class _Entry:
    __slots__ = ("hits", "last_seen", "warned")

    def __init__(self, per_minute: int) -> None:
        self.hits: deque[float] = deque(maxlen=per_minute)  # accepted messages' times, oldest first
        self.last_seen = 0.0  # the last message, accepted or not
        self.warned = False


class FloodGuard:
    """Allow `per_minute` messages per user in any 60-second window.

    `clock` is a monotonic clock in seconds (tests inject their own)."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        if per_minute < 1:
            raise ValueError("per_minute must be at least 1")
        self._per_minute = per_minute
        self._clock = clock
        self._users: OrderedDict[str, _Entry] = OrderedDict()  # least recently seen first

    def __len__(self) -> int:
        """Users currently remembered (those seen in the last window, at most)."""
        return len(self._users)

    def check(self, user_key: str) -> Verdict:
        """Count one message from `user_key` and say whether to handle it."""
        now = self._clock()
        self._expire(now)
        entry = self._users.get(user_key)
        if entry is None:
            entry = self._users[user_key] = _Entry(self._per_minute)
        else:
            self._users.move_to_end(user_key)
        entry.last_seen = now
        hits = entry.hits
        if len(hits) < self._per_minute or hits[0] <= now - WINDOW_SECONDS:
            hits.append(now)  # a full deque drops its oldest time, the one that left the window
            entry.warned = False
            return Verdict.OK
        if entry.warned:
            return Verdict.DROP
        entry.warned = True
        return Verdict.WARN

    def _expire(self, now: float) -> None:
        """Forget the users idle for a whole window: every accepted time of theirs is older than it,
        so their next message is accepted whatever they had (and a warning is owed afresh)."""
        users = self._users
        horizon = now - WINDOW_SECONDS
        while users:
            entry = next(iter(users.values()))
            if entry.last_seen > horizon:
                return
            users.popitem(last=False)
