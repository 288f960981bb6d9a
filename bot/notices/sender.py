"""The outbox sender: drains delivery rows within a channel's limits, retries, reports.

Channel-agnostic on purpose: it talks to a `Transport` that raises the small
exceptions of bot/notices/delivery.py, so the same loop serves Telegram and WeChat.

Why it is shaped like this:

- Every notice is in the database as delivery rows before anything goes out
  (`store.enqueue`); a row is marked in flight ('sending') before its message is
  sent and final right after. A crash loses nothing: `run` first puts rows that
  were in flight back to pending, so only those few may arrive twice.
- Pacing: a `SendBudget` (bot/notices/pacing.py) shared with the bot's answers, so the
  broadcast gets what the answers leave of the platform's rate; per channel, as a
  platform's limits and flood waits concern its own messages only. At most one
  message per chat per `per_chat_interval`; several sends at once so network
  latency does not cap throughput (8 cover ~0.3 s per send at 29/s).
- 429 pauses the channel's sends (Telegram's flood wait is per bot) for exactly its retry_after,
  through the channel's `SendBudget`, which then goes on at the paced rate (no catch-up burst),
  and resends the same message without counting an attempt; during a long wait the deliveries in hand
  go back and none of that channel's is claimed, so other channels keep going and the
  event loop stays free; 403 is final and marks the student
  unreachable; other permanent errors are final; temporary ones back off
  exponentially with jitter and give up after `max_attempts`.
- Everything runs on the event loop's thread: the store's sqlite connection is
  not shared with threads.
- One sender per database: `run` and a stopped batch reset *all* in-flight rows.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.notices.delivery import (
    OutgoingMessage,
    PermanentFailure,
    RateLimited,
    TemporaryFailure,
    Transport,
    Unreachable,
)
from bot.notices.pacing import SendBudget
from bot.store import Announcement, Delivery, NotFoundError, Store

logger = logging.getLogger(__name__)

#: The channel whose budget is the default one (shared with its answers); others bring their own.
DEFAULT_BUDGET_CHANNEL = "telegram"
#: A flood wait longer than this gives deliveries back instead of holding the workers (seconds).
LONG_FLOOD_WAIT = 5.0


class _Stopped(Exception):
    """The sender is stopping: leave the delivery in flight, it goes back to pending."""


class _Withdrawn(Exception):
    """The notice was withdrawn or cancelled after this delivery was claimed."""


class _Deferred(Exception):
    """The channel is in a long flood wait: give the delivery back until then and free the worker."""

    def __init__(self, until: float) -> None:
        self.until = until


ProgressHook = Callable[[int, dict[str, int]], Awaitable[None]]
FinishedHook = Callable[[int, dict[str, int], dict[str, int]], Awaitable[None]]


@dataclass
class SenderStats:
    """What happened since start, for logs and the benchmark."""

    sent: int = 0
    unreachable: int = 0
    failed: int = 0
    retried: int = 0
    rate_limited: int = 0
    withdrawn: int = 0


def _iso(when: datetime) -> str:
    """A delivery's next_attempt_at: to the millisecond (back-off is short), one shape so the strings compare in order."""
    return when.astimezone(UTC).isoformat(timespec="milliseconds")


class Sender:
    """Drains the outbox; `run` in the background, `drain_once` in tests."""

    def __init__(
        self,
        store: Store,
        transport: Transport,
        *,
        budget: SendBudget | None = None,
        channel_budgets: Mapping[str, SendBudget] | None = None,
        per_chat_interval: float = 1.0,
        batch: int = 50,
        concurrency: int = 8,
        max_attempts: int = 5,
        backoff: tuple[float, float] = (2.0, 300.0),  # first delay, ceiling (seconds)
        progress_every: float = 3.0,
        idle: float = 1.0,
        render: Callable[[Announcement], OutgoingMessage] = OutgoingMessage.from_announcement,
        on_progress: ProgressHook | None = None,
        on_finished: FinishedHook | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        now: Callable[[], datetime] | None = None,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self._store, self._transport, self._render = store, transport, render
        # Each platform counts its own messages: `budget` is the default (Telegram's, shared with its
        # answers); a channel with other limits (WeChat) brings its own.
        self.budget = budget or SendBudget(clock=clock)
        self._budgets = dict(channel_budgets or {})
        self._per_chat = per_chat_interval
        self._batch, self._concurrency, self._max_attempts = batch, concurrency, max_attempts
        self._backoff, self._progress_every, self._idle = backoff, progress_every, idle
        self._on_progress, self._on_finished = on_progress, on_finished
        self._clock, self._sleep, self._jitter = clock, sleep, jitter
        self._now = now or store.clock.now  # calendar time for retry_at; `clock` is monotonic, for pacing
        self._flood_until: dict[str, float] = {}  # per channel: Telegram's flood wait is per bot
        self._chat_next: dict[tuple[str, str], float] = {}
        self._last_progress: dict[int, float] = {}
        self._messages: dict[int, OutgoingMessage] = {}
        self._stop = asyncio.Event()
        self._wake = asyncio.Event()
        self.stats = SenderStats()

    # -- the loop ---------------------------------------------------------------------

    async def run(self, stop_event: asyncio.Event) -> None:
        """Resume what a dead process left in flight, then drain until `stop_event` is set."""
        self._stop = stop_event
        # What was in flight may have arrived just before the stop: those chats wait their interval again.
        now = self._clock()
        for chat in self._store.in_flight_chats():
            self._chat_next[chat] = now + self._per_chat
        resumed = self._store.reset_in_flight()
        if resumed:
            logger.warning("Resuming: %s deliveries were in flight at the last stop; they may arrive twice", resumed)
        while not stop_event.is_set():
            try:
                claimed = await self.drain_once()
                if not claimed:
                    await self._sweep()
            except Exception:
                logger.exception("Sender batch failed; its unfinished deliveries go back to pending")
                claimed = 0
                try:
                    self._store.reset_in_flight()  # every worker has ended: nothing is really in flight
                except Exception:
                    logger.exception("Could not reset in-flight deliveries; the next start will")
            if not claimed:
                await self._rest(self._idle, self._wake)
                self._wake.clear()

    def wake(self) -> None:
        """Start at once on a notice just enqueued, instead of at the next poll."""
        self._wake.set()

    def _deferring(self) -> list[str]:
        """Channels in a long flood wait: their deliveries stay unclaimed (giving each back would be a
        write on the event loop, with no await between them, for the whole queue)."""
        now = self._clock()
        return sorted(c for c, until in self._flood_until.items() if until - now > LONG_FLOOD_WAIT)

    def budget_for(self, channel: str) -> SendBudget:
        """The budget of `channel`'s platform: what sends to its users outside the sender take from."""
        return self._budgets.get(channel, self.budget)

    def _own_budget(self, channel: str) -> SendBudget | None:
        """`channel`'s budget when it is that platform's alone (a flood wait may pause it), else None."""
        if channel in self._budgets:
            return self._budgets[channel]
        return self.budget if channel == DEFAULT_BUDGET_CHANNEL else None

    async def drain_once(self) -> int:
        """Send every delivery that is due, claiming `batch` at a time; return how many were claimed.

        A worker that finds the queue empty claims the next batch while the others' last sends
        are still on the wire, so a batch boundary costs no slot even at real-network latency.
        """
        queue: deque[Delivery] = deque()
        touched: set[int] = set()
        claimed = running = 0

        def refill() -> bool:
            nonlocal claimed
            batch = self._store.claim(self._batch, _iso(self._now()), self._deferring())
            queue.extend(batch)
            touched.update(d.announcement_id for d in batch)
            claimed += len(batch)
            return bool(batch)

        def spawn() -> None:  # back to full strength: workers that found nothing due have left
            nonlocal running
            while running < self._concurrency:
                running += 1
                group.create_task(work())

        async def report() -> None:
            for announcement_id in sorted(touched):
                if await self._report(announcement_id):
                    touched.discard(announcement_id)

        async def work() -> None:
            nonlocal running
            try:
                while not self._stop.is_set():
                    if queue:
                        await self._deliver(queue.popleft())
                    elif refill():
                        spawn()
                        await report()
                    else:
                        return
            finally:
                running -= 1

        if not refill():
            return 0
        async with asyncio.TaskGroup() as group:
            spawn()
        if self._stop.is_set():  # stopped half-way: what was claimed but not sent goes back
            self._store.reset_in_flight()
        await report()
        return claimed

    # -- one delivery -----------------------------------------------------------------

    async def _deliver(self, d: Delivery) -> None:
        attempt = d.attempts + 1  # claim() counted this attempt already
        try:
            message_id = await self._send(d)
        except _Stopped:
            return
        except _Deferred as exc:  # other channels keep going meanwhile
            at = self._now() + timedelta(seconds=exc.until - self._clock())
            self._store.retry_later(d.id, _iso(at), "rate limited", counted=False)
        except _Withdrawn:
            self._store.mark_withdrawn(d.id)
            self.stats.withdrawn += 1
        except Unreachable as exc:
            self._store.set_reachable(d.channel, d.external_id, False)
            self._store.undeliverable(d.id, "unreachable", exc.reason)
            self.stats.unreachable += 1
        except PermanentFailure as exc:
            self._store.undeliverable(d.id, "failed", exc.reason)
            self.stats.failed += 1
        except Exception as exc:  # TemporaryFailure, or a surprise from a transport: bounded retries
            if isinstance(exc, TemporaryFailure):
                reason = exc.reason
            else:
                reason = f"{type(exc).__name__}: {exc}"
                logger.exception("Unexpected error delivering %s to %s:%s", d.id, d.channel, d.external_id)
            if attempt >= self._max_attempts:
                self._store.undeliverable(d.id, "failed", reason)
                self.stats.failed += 1
            else:
                at = self._now() + timedelta(seconds=self._backoff_delay(attempt))
                self._store.retry_later(d.id, _iso(at), reason)
                self.stats.retried += 1
        else:
            self._store.delivered(d.id, message_id)
            self.stats.sent += 1

    def _message(self, announcement_id: int) -> OutgoingMessage | None:
        """The rendered notice, or None once it is no longer being sent (read per send: cheap, and fresh)."""
        try:
            announcement = self._store.announcement(announcement_id)
        except NotFoundError:
            return None
        if announcement.status != "sending":
            return None
        if announcement_id not in self._messages:
            self._messages[announcement_id] = self._render(announcement)
        return self._messages[announcement_id]

    async def _send(self, d: Delivery) -> str:
        """Send when pacing allows; a flood wait pauses every worker, then the same message goes again."""
        chat = (d.channel, d.external_id)
        while True:
            await self._turn(chat)
            message = self._message(d.announcement_id)  # after the wait: a withdrawal may have come
            if message is None:
                raise _Withdrawn
            try:
                return await self._transport.send(d.channel, d.external_id, message)
            except RateLimited as exc:
                self.stats.rate_limited += 1
                if own := self._own_budget(d.channel):  # that platform's sends, its answers' too; never another's
                    own.pause(exc.retry_after)
                until = self._clock() + max(exc.retry_after, 0.0)
                if until > self._flood_until.get(d.channel, float("-inf")):
                    logger.warning("Flood wait: pausing %s sends for %.1f s", d.channel, exc.retry_after)
                    self._flood_until[d.channel] = until

    async def _turn(self, chat: tuple[str, str]) -> None:
        """Wait until no flood wait is on, the chat's interval has passed and the rate allows a send.

        Nothing is reserved before sleeping: after a stall (a busy event loop, a slow disk) the
        sleepers wake together and, re-checking, still go out one interval apart.
        """
        while True:
            if self._stop.is_set():
                raise _Stopped
            now = self._clock()
            budget, own = self.budget_for(chat[0]), self._own_budget(chat[0])  # own: paused by answers' 429s too
            flood_until = max(self._flood_until.get(chat[0], float("-inf")), own.paused_until if own else float("-inf"))
            if flood_until - now > LONG_FLOOD_WAIT:
                raise _Deferred(flood_until)
            if flood_until > now:
                await self._rest(flood_until - now)
                continue
            wait = max(self._chat_next.get(chat, now) - now, budget.delay(now))
            if wait > 0:
                await self._sleep(wait)
                continue
            # No await from here to the send: another worker cannot slip in between.
            budget.take(now)
            self._chat_next[chat] = now + self._per_chat
            if len(self._chat_next) > 4096:  # forget chats whose interval has passed
                self._chat_next = {c: t for c, t in self._chat_next.items() if t > now}
            return

    def _backoff_delay(self, attempt: int) -> float:
        """Exponential with "equal jitter": spread retries out, but never retry at once."""
        first, ceiling = self._backoff
        delay = min(ceiling, first * 2 ** (attempt - 1))
        return delay / 2 + self._jitter() * delay / 2

    # -- waiting and reporting ----------------------------------------------------------

    async def _rest(self, seconds: float, *wake: asyncio.Event) -> None:
        """Sleep, but return early when the sender stops (or on `wake`)."""
        tasks = [asyncio.ensure_future(e.wait()) for e in (self._stop, *wake)]
        tasks.append(asyncio.ensure_future(self._sleep(seconds)))
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in tasks:
                task.cancel()

    async def _sweep(self) -> None:
        """Finish notices that have nothing left to send (no recipients, or a crash after the last one)."""
        for announcement_id in self._store.sending_announcements():
            await self._report(announcement_id, progress=False)

    async def _report(self, announcement_id: int, progress: bool = True) -> bool:
        """Finish and give the final report if nothing is left, else progress if it is time; True if finished."""
        if self._store.finish_if_done(announcement_id):
            self._messages.pop(announcement_id, None)
            self._last_progress.pop(announcement_id, None)
            counts = self._store.delivery_counts(announcement_id)
            errors = self._store.delivery_errors(announcement_id)
            logger.info("Announcement %s sent: %s %s", announcement_id, counts, errors)
            await self._call(self._on_finished, announcement_id, counts, errors)
            return True
        now = self._clock()
        if progress and now - self._last_progress.get(announcement_id, -1e18) >= self._progress_every:
            self._last_progress[announcement_id] = now
            await self._call(self._on_progress, announcement_id, self._store.delivery_counts(announcement_id))
        return False

    async def _call(self, hook: Callable[..., Awaitable[None]] | None, *args: object) -> None:
        """Run a report hook; its failure (an edit that Telegram refused) must not stop the sending."""
        if hook is None:
            return
        try:
            await hook(*args)
        except Exception:
            logger.exception("Sender report hook %s failed", getattr(hook, "__name__", hook))
