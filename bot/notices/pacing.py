"""One bot's share of its platform's message rate, shared by everything that sends.

Telegram allows a bot about 30 messages in any sliding second, whoever sends them:
answers to students and broadcast notices draw on the same 30. So there is one
`SendBudget` per bot. Interactive messages `take` a slot without waiting (a student
must not queue behind a broadcast); the outbox sender asks `delay` before each
send and only goes when a slot is free. The broadcast therefore gets exactly what
the answers leave, up to `rate` (a little under the platform's limit, so that an
answer arriving when the second is full still fits).

Two rules together (why both):
- a token bucket (GCRA) spaces paced sends `1/rate` apart, with `burst` tokens so
  that a slot missed while the event loop was busy is caught up;
- a sliding window never lets more than `rate` messages (paced or not) into any
  second, which is how Telegram counts, so catching up never eats the headroom.

The `limits` library (which the students' flood guard used) cannot say *when* the
next slot frees up, nor record a message that goes out over the limit, which is
what interactive answers do; hence these few lines by hand.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable

#: Telegram's documented broadcast limit, per bot.
TELEGRAM_PER_SECOND = 30.0


class SendBudget:
    """Slots for sends: `delay` says how long a paced sender must wait, `take` records a send."""

    def __init__(self, rate: float = TELEGRAM_PER_SECOND - 1, burst: float = 2.0,
                 clock: Callable[[], float] = time.monotonic) -> None:  # fmt: skip
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate, self.clock = rate, clock
        self._interval = 1.0 / rate
        self._tolerance = (max(burst, 1.0) - 1.0) * self._interval
        self._recent: deque[float] = deque(maxlen=max(1, round(rate)))
        # 5 ms longer than the platform's second, so jitter between its clock and ours does not add one.
        self._window = self._recent.maxlen / rate + 0.005  # type: ignore[operator]
        self._paused_until = float("-inf")
        #: When the last `rate` messages really went (no settling, no pause): what answers wait for.
        self._sent: deque[float] = deque(maxlen=self._recent.maxlen)
        self._admission = asyncio.Lock()  # FIFO: one answer at a time sleeps for the next free place
        self._next_answer = float("-inf")
        self._answers_waiting = 0
        self._settle(clock())

    def _settle(self, at: float) -> None:
        """From `at` on, go at the paced rate as if the last second had been spent at it: no burst credit.

        At a start, the process before may have sent up to the moment it died, and the platform counts
        those; after a flood wait, a burst is what drew the 429. Either way the first second is paced."""
        self._next_slot = at
        self._recent.clear()
        self._recent.extend(at - self._window + i * self._interval for i in range(self._recent.maxlen or 1))

    def delay(self, now: float | None = None) -> float:
        """Seconds until a paced send may go (0 or less: now); never while an answer waits for a place."""
        now = self.clock() if now is None else now
        full = self._recent[0] + self._window if len(self._recent) == self._recent.maxlen else now
        wait = max(self._next_slot - self._tolerance, full, self._paused_until) - now
        return max(wait, self._interval) if self._answers_waiting else wait

    def pause(self, seconds: float, now: float | None = None) -> None:
        """The platform asked for a flood wait (a 429's retry_after): no paced send for exactly that long,
        then the paced rate again, not a catch-up burst. Answers still `take` (they cannot wait)."""
        now = self.clock() if now is None else now
        until = now + max(seconds, 0.0)
        if until > self._paused_until:
            self._paused_until = until
            self._settle(until)

    @property
    def paused_until(self) -> float:
        """When the current flood wait ends (in the past: none)."""
        return self._paused_until

    def take(self, now: float | None = None) -> None:
        """Record a send: a paced one right after `delay` said go, or an answer that could not wait."""
        now = self.clock() if now is None else now
        self._next_slot = max(self._next_slot, now) + self._interval
        self._recent.append(now)
        self._sent.append(now)

    def room(self, now: float | None = None) -> float:
        """Seconds until one more message fits in the bot's sliding second, counting only messages really
        sent (0 or less: now). Neither spacing nor a flood wait: that is for the paced outbox."""
        now = self.clock() if now is None else now
        return self._sent[0] + self._window - now if len(self._sent) == self._sent.maxlen else 0.0

    async def admit(self, sleep: Callable[[float], Awaitable[object]] = asyncio.sleep) -> None:
        """Wait until one more message fits in the bot's second, then take it: an answer to a student.

        Answers queue in arrival order and go as fast as the platform's limit allows, so beyond it they
        are late but none meets a 429 for the bot's limit; a flood wait one chat met (its own 1/s)
        holds only that message (bot/channels/telegram/retry.py), never the others. Answers coming faster than
        twice the rate are spaced that far apart: a full second's worth sent in one burst would reach
        the platform bunched or spread by the network, and the next second's first ones could then
        land inside the platform's count of the previous second."""
        self._answers_waiting += 1  # the broadcast lets them go first (`delay`)
        try:
            async with self._admission:
                while (wait := max(self.room(), self._next_answer - self.clock())) > 0:
                    await sleep(wait)
                now = self.clock()
                self._next_answer = now + self._interval / 2
                self.take(now)
        finally:
            self._answers_waiting -= 1

    async def acquire(self, sleep: Callable[[float], Awaitable[object]] = asyncio.sleep) -> None:
        """Wait for a slot and take it (deletions and other bulk work outside the sender)."""
        while (wait := self.delay()) > 0:
            await sleep(wait)
        self.take()
