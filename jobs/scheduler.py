"""The one scheduler: APScheduler 3, in the bot's event loop, with an explicit time zone."""

from __future__ import annotations

from collections.abc import Callable

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.clock import machine_now
from bot.settings import Settings
from bot.store import Store
from jobs.backups import schedule_backups
from jobs.outbox import release_due

RELEASE_EVERY_SECONDS = 5


def build_scheduler(settings: Settings, store: Store, on_released: Callable[[list[int]], None]) -> AsyncIOScheduler:
    """A scheduler whose jobs are defined here, by name, idempotently (replace_existing)."""
    scheduler = AsyncIOScheduler(timezone=settings.timezone)

    async def release() -> None:  # a coroutine: it runs on the event loop, where the store's connection lives
        released = release_due(store, settings, store.clock.now())
        if released:
            on_released(released)

    scheduler.add_job(
        release,
        IntervalTrigger(seconds=RELEASE_EVERY_SECONDS, timezone=settings.timezone),
        id="outbox:release",
        replace_existing=True,
        coalesce=True,
        max_instances=1,
        next_run_time=machine_now(),  # at start-up too: what was due while down goes out
    )
    if str(settings.database_path) != ":memory:":
        schedule_backups(scheduler, store, settings)
    return scheduler
