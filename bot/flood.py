"""Per-user flood guard: slow down a student who sends too much, politely, once.

Uses the `limits` library's moving window, so a burst is judged over the last
60 seconds rather than per calendar minute.
"""

from __future__ import annotations

from enum import Enum

from limits import RateLimitItemPerMinute
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter


class Verdict(Enum):
    OK = "ok"
    WARN = "warn"  # over the limit: tell the user once
    DROP = "drop"  # still over the limit: stay silent, do no work


class FloodGuard:
    """Allow `per_minute` messages per user in any 60-second window."""

    def __init__(self, per_minute: int) -> None:
        self._limit = RateLimitItemPerMinute(per_minute)
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._warned: set[str] = set()

    def check(self, user_key: str) -> Verdict:
        """Count one message from `user_key` and say whether to handle it."""
        if self._limiter.hit(self._limit, user_key):
            self._warned.discard(user_key)
            return Verdict.OK
        if user_key in self._warned:
            return Verdict.DROP
        self._warned.add(user_key)
        return Verdict.WARN
