"""Runs the outbox in the bot's event loop: the scheduler releases, the sender drains, authors see progress.

Channel-agnostic: it is given a transport (one per channel, joined by `Channels`) and the core's
rendering of a notice. Part of the runtime (bot/app.py), which starts it after the channels have
opened and stops it after they have stopped receiving.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from bot.clock import machine_now
from bot.notices import texts as notice_texts
from bot.notices.delivery import DeliveryError, OutgoingMessage, PermanentFailure, RateLimited, TemporaryFailure
from bot.notices.sender import Sender
from bot.settings import Settings
from bot.store import Announcement, Store
from bot.store.outbox import DONE
from jobs.outbox import release_due
from jobs.reminders import ReminderJobs
from jobs.scheduler import build_scheduler

logger = logging.getLogger(__name__)

#: Tries to delete one withdrawn message when the platform fails for a passing reason.
DELETE_TRIES = 5


class Channels:
    """One transport per channel behind the one the sender sees: each delivery goes out where its student is."""

    def __init__(self, transports: dict[str, object]) -> None:
        self.transports = transports

    def _for(self, channel: str) -> Any:
        transport = self.transports.get(channel)
        if transport is None:
            raise PermanentFailure(f"no transport for channel {channel!r}")
        return transport

    async def send(self, channel: str, external_id: str, message: OutgoingMessage) -> str:
        return await self._for(channel).send(channel, external_id, message)

    async def edit(self, channel: str, external_id: str, message_id: str, text: str) -> None:
        await self._for(channel).edit(channel, external_id, message_id, text)

    async def delete(self, channel: str, external_id: str, message_id: str) -> bool:
        return await self._for(channel).delete(channel, external_id, message_id)


class OutboxRunner:
    def __init__(
        self,
        settings: Settings,
        store: Store,
        transport: object,
        render: Callable[[Announcement], OutgoingMessage],
        **sender_options: object,
    ) -> None:
        self.settings, self.store, self.transport = settings, store, transport
        self.sender = Sender(
            store, transport, render=render, on_progress=self._progress, on_finished=self._finished, **sender_options
        )  # type: ignore[arg-type]
        self.scheduler = build_scheduler(settings, store, lambda released: self.sender.wake())
        self.reminders = ReminderJobs(self.scheduler, store, settings, lambda released: self.sender.wake())
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._withdrawing: asyncio.Task[None] | None = None
        self._delete_tries: dict[int, int] = {}  # delivery id → failed deletion attempts so far

    async def start(self) -> None:
        """Resume whatever was in flight, then release and drain in the background."""
        self._task = asyncio.create_task(self.sender.run(self._stop), name="outbox-sender")
        self.scheduler.add_job(self._withdraw, "interval", seconds=5, id="outbox:withdraw", replace_existing=True,
                               max_instances=1, coalesce=True, next_run_time=machine_now())  # fmt: skip
        self.reminders.start()
        self.scheduler.start()

    def release_now(self) -> None:
        """Release what is due right away (an approved "send now" should not wait for the next tick)."""
        if release_due(self.store, self.settings, self.store.clock.now()):
            self.sender.wake()

    async def push(self, channel: str, external_id: str, message: OutgoingMessage) -> None:
        """A message outside the outbox (the rest of a long answer, an approval request to an admin) to a user on
        any channel the process serves, at once; it counts against that platform's rate, like the outbox's sends."""
        self.sender.budget_for(channel).take()
        try:
            await self.transport.send(channel, external_id, message)  # type: ignore[attr-defined]
        except DeliveryError as exc:
            logger.warning("Could not push a message to %s:%s: %s", channel, external_id, exc.reason)

    async def stop(self) -> None:
        self.scheduler.shutdown(wait=False)
        self._stop.set()
        if self._task:
            await self._task

    async def _progress(self, announcement_id: int, counts: dict[str, int]) -> None:
        """One message to the author, edited as it goes: 已发送 1200/5000."""
        done, total = sum(counts.get(s, 0) for s in DONE), sum(counts.values())
        await self._show(announcement_id, notice_texts.ANNOUNCE_PROGRESS.format(id=announcement_id, done=done, total=total))

    async def _finished(self, announcement_id: int, counts: dict[str, int], errors: dict[str, int]) -> None:
        """The final report, as a new message (it notifies; an edit would not): delivered, and only the
        other lines that count: unreachable, failed with its reasons, held back by the daily cap."""
        logger.info("Announcement %s failures: %s", announcement_id, errors)
        labels: dict[str, int] = {}
        for error, n in errors.items():
            label = _label(error)
            if label not in UNREACHABLE_LABELS:  # those are the unreachable line's: not said twice
                labels[label] = labels.get(label, 0) + n
        lines = [notice_texts.ANNOUNCE_REPORT.format(id=announcement_id, sent=counts.get("sent", 0))]
        for status, line in notice_texts.ANNOUNCE_REPORT_LINES.items():
            if counts.get(status, 0):
                lines.append(line.format(n=counts[status]))
        if counts.get("failed", 0) and labels:
            reasons = "；".join(f"{label} ×{n}" for label, n in labels.items())
            lines.append(notice_texts.ANNOUNCE_FAILURE_REASONS.format(reasons=reasons))
        await self._show(announcement_id, "\n".join(lines), new_message=True)

    async def _show(self, announcement_id: int, text: str, new_message: bool = False) -> None:
        announcement = self.store.announcement(announcement_id)
        if announcement.author == "system":  # reminders, digests: nobody to report to (figures in the log)
            return
        channel, _, author = announcement.author.partition(":")
        try:
            if announcement.progress_message and not new_message:
                await self.transport.edit(channel, author, announcement.progress_message, text)  # type: ignore[attr-defined]
            else:
                self.sender.budget_for(channel).take()  # a message outside the outbox's pacing
                message_id = await self.transport.send(channel, author, OutgoingMessage(text))  # type: ignore[attr-defined]
                self.store.set_announcement(
                    announcement_id, "system", progress_chat=announcement.author, progress_message=message_id
                )
        except (
            DeliveryError
        ) as exc:  # the author blocked the bot, or is on another channel: the figures stay in /announcements
            logger.info("Could not report announcement %s to %s: %s", announcement_id, announcement.author, exc)

    async def _withdraw(self) -> None:
        """Delete withdrawn notices from students' chats, where the platform still allows it.

        A deletion that failed for a passing reason (network, 5xx, flood wait) stays to be tried
        again at the next run, up to DELETE_TRIES times; the author's report comes when none is left."""
        for announcement_id in self.store.withdrawn_with_sent():
            for delivery in self.store.sent_deliveries(announcement_id):
                await self.sender.budget_for(delivery.channel).acquire()  # deletions are paced like sends
                try:
                    deleted = await self.transport.delete(delivery.channel, delivery.external_id, delivery.message_id)  # type: ignore[attr-defined]
                except (TemporaryFailure, RateLimited) as exc:
                    tries = self._delete_tries[delivery.id] = self._delete_tries.get(delivery.id, 0) + 1
                    logger.info("Withdrawing a message of %s failed (try %s): %s", announcement_id, tries, exc)
                    if tries < DELETE_TRIES:
                        if isinstance(exc, RateLimited):
                            return  # the platform asked to wait: the next run carries on
                        continue
                    deleted = False
                except DeliveryError as exc:
                    logger.info("Could not withdraw a message of %s: %s", announcement_id, exc)
                    deleted = False
                self._delete_tries.pop(delivery.id, None)
                self.store.mark_withdrawn(delivery.id, bool(deleted))
            if self.store.sent_deliveries(announcement_id):
                continue  # some wait for another try
            counts = self.store.withdrawal_counts(announcement_id)
            await self._show(announcement_id, notice_texts.ANNOUNCE_WITHDRAW_REPORT.format(
                id=announcement_id, deleted=counts.get("deleted", 0), kept=counts.get("kept", 0),
                unsent=counts.get("unsent", 0)))  # fmt: skip


#: Reasons that make a delivery `unreachable` (its own line in the report), not `failed`.
UNREACHABLE_LABELS = (notice_texts.DELIVERY_ERRORS["unreachable"], notice_texts.DELIVERY_ERRORS["unfollowed"])


def _label(error: str) -> str:
    """A platform's error text as the Chinese reason an author can understand (raw text goes to the log)."""
    lowered = error.lower()
    if "blocked" in lowered or "forbidden" in lowered or "deactivated" in lowered:
        return notice_texts.DELIVERY_ERRORS["unreachable"]
    if "unfollowed" in lowered or "blacklisted" in lowered:  # WeChat 43004 / 43019
        return notice_texts.DELIVERY_ERRORS["unfollowed"]
    if "48-hour window" in lowered:
        return notice_texts.DELIVERY_ERRORS["window"]
    if "chat not found" in lowered or "user not found" in lowered:
        return notice_texts.DELIVERY_ERRORS["chat not found"]
    return notice_texts.DELIVERY_ERRORS["other"]
