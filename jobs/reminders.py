"""Job-fair reminders and the weekly digest, on the one scheduler.

The database is the source of truth: a reminder is a `pending` row with its due
time. The scheduler holds one date job per distinct due time (not one per
student: 10,000 students reminded of one fair share two jobs), added at start-up
from the database and whenever a student or an admin changes reminders. A job
hands every reminder due by then to the outbox in one transaction
(`Store.release_reminders`), so a reminder can never go out twice, and one whose
fair began while the bot was down is dropped rather than sent late. A sweep every
minute catches anything a job could not know about (a change made by another
process).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, time

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.clock import machine_now
from bot.fairs.desk import DIGEST_AT, DIGEST_WEEKDAY, digest_window
from bot.settings import Settings
from bot.store import Store, iso, parse_iso
from jobs.outbox import release_due

logger = logging.getLogger(__name__)

#: A digest missed while the bot was down still goes out until this hour on Monday.
DIGEST_LATEST = time(21, 0)
SWEEP_EVERY_SECONDS = 60

Released = Callable[[list[int]], None]


def release_reminders(store: Store, now: datetime) -> list[int]:
    """Hand every due reminder to the outbox; return the outbox batches (announcement ids)."""
    batches = store.release_reminders(iso(now))
    if batches:
        logger.info("Released reminder batches %s", batches)
    return batches


def week_key(now: datetime, settings: Settings) -> str:
    """The digest's idempotency key: the local ISO week, e.g. 'digest:2026-W49'."""
    year, week, _ = now.astimezone(settings.timezone).isocalendar()
    return f"digest:{year}-W{week:02d}"


def make_digest(store: Store, settings: Settings, now: datetime) -> list[int]:
    """Create this week's digest for followers of 招聘会 (once a week, only if fairs are coming) and release it.

    "This week" ends at the next digest's local time, so a digest caught up late lists no fair the next one will."""
    start, end = digest_window(now, settings.timezone)
    if not store.fairs_starting(iso(start), iso(end)):
        logger.info("No fairs in the coming week: no digest")
        return []
    if store.create_digest(week_key(now, settings), iso(now), city="*", topic="fairs") is None:
        return []  # already made this week (a restart, a second job run)
    return release_due(store, settings, now)


def digest_missed(now: datetime, settings: Settings) -> bool:
    """At start-up on a Monday between 09:00 and 21:00: the digest may have been missed while down."""
    local = now.astimezone(settings.timezone)
    return local.weekday() == DIGEST_WEEKDAY and DIGEST_AT <= local.time() < DIGEST_LATEST


class ReminderJobs:
    """Keeps the scheduler's reminder jobs in step with the database."""

    def __init__(self, scheduler: BaseScheduler, store: Store, settings: Settings, on_released: Released) -> None:
        self.scheduler, self.store, self.settings, self.on_released = scheduler, store, settings, on_released

    def now(self) -> datetime:
        return self.store.clock.now()

    def _machine(self, when: datetime) -> datetime:
        """`when` on the store's clock, as the scheduler (which reads the machine's) counts it."""
        return self.store.clock.machine_time(when)

    def start(self) -> int:
        """Schedule every pending reminder's time, the sweep and the digest; return how many times."""
        times = self.store.pending_reminder_times()
        for due_at in times:
            self.schedule(due_at)
        self.scheduler.add_job(self.release, IntervalTrigger(seconds=SWEEP_EVERY_SECONDS, timezone=UTC),
                               id="reminders:sweep", replace_existing=True, coalesce=True, max_instances=1,
                               next_run_time=machine_now())  # fmt: skip
        self._arm_digest(self.now())
        if digest_missed(self.now(), self.settings):  # no grace limit: a slow start must not skip it
            self.scheduler.add_job(self.digest, id="fairs:digest-catch-up", replace_existing=True,
                                   next_run_time=machine_now(), misfire_grace_time=None)  # fmt: skip
        logger.info("Scheduled %s reminder times", len(times))
        return len(times)

    def schedule(self, due_at: str) -> None:
        """One job for a due time (idempotent: the job id is the time); a past time runs at once."""
        when = max(parse_iso(due_at), self.now())
        self.scheduler.add_job(self.release, DateTrigger(self._machine(when), timezone=UTC), id=f"reminders:{due_at}",
                               replace_existing=True, misfire_grace_time=None, coalesce=True)  # fmt: skip

    def changed(self, due_times: Iterable[str] | None = None) -> None:
        """Reminders were set (at `due_times`) or moved (None: every pending time is looked at again):
        make sure each of those times has its job.

        A student's "remind me" names its few times, so a click costs no scan of every pending reminder."""
        for due_at in self.store.pending_reminder_times() if due_times is None else due_times:
            if self.scheduler.get_job(f"reminders:{due_at}") is None:
                self.schedule(due_at)

    # Coroutines on purpose: APScheduler runs plain functions in a thread pool, and the
    # store's SQLite connection belongs to the event loop's thread.
    async def release(self) -> None:
        batches = release_reminders(self.store, self.now())
        if batches:
            self.on_released(batches)

    async def digest(self) -> None:
        released = make_digest(self.store, self.settings, self.now())
        if released:
            self.on_released(released)

    def _arm_digest(self, after: datetime) -> None:
        """One job for the next digest (Monday 09:00 on the local wall clock after `after`).

        A date job computed on the store's clock rather than a cron trigger: APScheduler's
        cron reads the machine's calendar, which a moved clock would not agree with."""
        self.next_digest = digest_window(after, self.settings.timezone)[1]
        self.scheduler.add_job(self._weekly_digest, DateTrigger(self._machine(self.next_digest), timezone=UTC),
                               id="fairs:digest", replace_existing=True, misfire_grace_time=3600)  # fmt: skip

    async def _weekly_digest(self) -> None:
        await self.digest()
        self._arm_digest(max(self.now(), self.next_digest))
