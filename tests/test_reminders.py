"""Job-fair reminders on a controllable clock: the database is the truth, the scheduler follows it.

Each test moves a fake "now" and runs exactly what the scheduler's jobs run, so
timing is checked without sleeping. The scheduler is real (APScheduler, not
started): the tests read which jobs it holds and when they would fire.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta

import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.settings import Settings
from bot.store import Store, iso
from jobs.reminders import ReminderJobs, make_digest, release_reminders, week_key

START = datetime(2026, 12, 3, 6, 0, tzinfo=UTC)  # Thursday 14:00 in Dongguan


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def add_fair(store: Store, start: datetime = START, **values: str) -> int:
    return store.add_fair("telegram:1", {"title": "东莞人才招聘会", "kind": "onsite", "city": "东莞",
                                         "venue": "东莞国际会展中心", "starts_at": iso(start),
                                         "ends_at": iso(start + timedelta(hours=3)), **values})  # fmt: skip


def remind(store: Store, fair_id: int, student: str, *leads: int, start: datetime = START) -> None:
    store.set_reminders(fair_id, "telegram", student, {m: iso(start - timedelta(minutes=m)) for m in leads})


def recipients(store: Store, batches: list[int]) -> list[tuple[str, int]]:
    """(student, lead minutes) of every delivery in these outbox batches."""
    out = []
    for batch in batches:
        announcement = store.announcement(batch)
        rows = store.db["deliveries"].rows_where("announcement_id = ?", [batch])
        out += [(r["external_id"], int(announcement.topic)) for r in rows]
    return sorted(out)


@pytest.fixture
def jobs(store, settings):
    clock = Clock(START - timedelta(days=2))
    released: list[list[int]] = []
    scheduler = AsyncIOScheduler(timezone=settings.timezone)
    return ReminderJobs(scheduler, store, settings, released.append, now=clock), clock, released


def job_times(jobs: ReminderJobs) -> list[datetime]:
    return sorted(j.trigger.run_date for j in jobs.scheduler.get_jobs() if j.id.startswith("reminders:2"))


def test_each_reminder_goes_out_at_its_time_and_only_once(store, jobs) -> None:
    reminder_jobs, clock, _ = jobs
    fair = add_fair(store)
    remind(store, fair, "100", 1440, 60)
    remind(store, fair, "200", 60)
    reminder_jobs.start()
    assert job_times(reminder_jobs) == [START - timedelta(days=1), START - timedelta(hours=1)]

    assert release_reminders(store, START - timedelta(days=1, seconds=1)) == []  # a second early: nothing
    day_before = release_reminders(store, START - timedelta(days=1))
    assert recipients(store, day_before) == [("100", 1440)]
    assert release_reminders(store, START - timedelta(days=1)) == []  # the job running twice sends nothing more
    hour_before = release_reminders(store, START - timedelta(hours=1))
    assert recipients(store, hour_before) == [("100", 60), ("200", 60)]
    assert release_reminders(store, START) == []
    assert store.announcement(hour_before[0]).kind == "reminder"


def test_ten_thousand_students_share_one_job_per_due_time(store, jobs) -> None:
    reminder_jobs, _, _ = jobs
    fair = add_fair(store)
    for student in range(300):
        remind(store, fair, str(student), 1440, 60)
    assert reminder_jobs.start() == 2
    assert len(job_times(reminder_jobs)) == 2


def test_a_restart_before_the_due_time_schedules_the_reminder_again(settings, jobs) -> None:
    first = Store.open(settings.database_path)
    fair = add_fair(first)
    remind(first, fair, "100", 60)
    first.close()  # the bot stops; its scheduler (memory only) is gone

    store = Store.open(settings.database_path)
    clock = Clock(START - timedelta(hours=5))
    restarted = ReminderJobs(AsyncIOScheduler(timezone=settings.timezone), store, settings, lambda b: None, now=clock)
    restarted.start()
    assert job_times(restarted) == [START - timedelta(hours=1)]
    assert recipients(store, release_reminders(store, START - timedelta(hours=1))) == [("100", 60)]
    store.close()


async def test_a_reminder_missed_while_down_is_sent_at_start_if_the_fair_has_not_begun(store, settings) -> None:
    fair = add_fair(store)
    remind(store, fair, "100", 60)
    clock = Clock(START - timedelta(minutes=20))  # back up 40 minutes late
    released: list[list[int]] = []
    restarted = ReminderJobs(AsyncIOScheduler(timezone=settings.timezone), store, settings, released.append,
                             now=clock)  # fmt: skip
    restarted.start()
    assert job_times(restarted) == [clock.now]  # runs at once
    await restarted.release()
    assert recipients(store, released[0]) == [("100", 60)]


def test_a_reminder_missed_until_the_fair_began_is_dropped_not_sent_late(store) -> None:
    fair = add_fair(store)
    remind(store, fair, "100", 1440, 60)
    assert release_reminders(store, START + timedelta(minutes=5)) == []
    assert {r["status"] for r in store.db["fair_reminders"].rows} == {"dropped"}
    assert store.db["deliveries"].count == 0


def test_moving_a_fair_moves_pending_reminders_and_never_repeats_a_sent_one(store, jobs) -> None:
    reminder_jobs, _, _ = jobs
    fair = add_fair(store)
    remind(store, fair, "100", 1440, 60)
    assert recipients(store, release_reminders(store, START - timedelta(days=1))) == [("100", 1440)]

    later = START + timedelta(days=2)
    store.update_fair("telegram:1", fair, {"starts_at": iso(later), "ends_at": iso(later + timedelta(hours=3))},
                      due=lambda f, lead: iso(f.start - timedelta(minutes=lead)))  # fmt: skip
    reminder_jobs.changed()
    assert START + timedelta(days=2) - timedelta(hours=1) in job_times(reminder_jobs)
    assert release_reminders(store, START - timedelta(hours=1)) == []  # the old time: nothing due any more
    moved = release_reminders(store, later - timedelta(hours=1))
    assert recipients(store, moved) == [("100", 60)]
    assert release_reminders(store, later - timedelta(days=1)) == []  # the day-before one went already


def test_cancelling_a_fair_stops_its_reminders_and_tells_each_student_once(store) -> None:
    fair = add_fair(store)
    remind(store, fair, "100", 1440, 60)
    remind(store, fair, "200", 60)
    told = store.cancel_fair("telegram:1", fair)
    assert told == [("telegram", "100"), ("telegram", "200")]
    first = store.notify_fair_change(fair, told, f"fair:{fair}:cancel")
    assert store.notify_fair_change(fair, told, f"fair:{fair}:cancel") is None  # a double press tells nobody twice
    assert store.delivery_counts(first) == {"pending": 2}
    assert store.announcement(first).kind == "fair_change"
    assert release_reminders(store, START - timedelta(hours=1)) == []
    assert store.cancel_fair("telegram:1", fair) == []


def test_the_weekly_digest_goes_to_fair_followers_once_a_week(store, settings) -> None:
    monday_9 = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)  # Monday 09:00 in Dongguan
    add_fair(store)  # Thursday that week
    add_fair(store, START + timedelta(days=10), title="下下周的招聘会")
    store.set_subscription("telegram", "100", topics=["fairs"])
    store.set_subscription("telegram", "200", topics=["policy"])
    released = make_digest(store, settings, monday_9)
    assert len(released) == 1
    digest = store.announcement(released[0])
    assert (digest.kind, digest.topic, store.delivery_counts(digest.id)) == ("digest", "fairs", {"pending": 1})
    assert make_digest(store, settings, monday_9 + timedelta(minutes=3)) == []  # a restart on Monday: not again
    assert week_key(monday_9, settings) == "digest:2026-W49"


def test_no_digest_in_a_week_without_fairs(store, settings) -> None:
    store.set_subscription("telegram", "100", topics=["fairs"])
    assert make_digest(store, settings, datetime(2026, 11, 30, 1, 0, tzinfo=UTC)) == []
    assert store.db["announcements"].count == 0


@pytest.fixture
def new_york_machine():
    """The process's local time zone is New York's, as on a server abroad."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "America/New_York"
    time.tzset()
    yield
    if before is None:
        os.environ.pop("TZ")
    else:
        os.environ["TZ"] = before
    time.tzset()


def test_times_do_not_depend_on_the_machines_time_zone(new_york_machine, store, settings) -> None:
    assert time.localtime().tm_zone in ("EST", "EDT")
    clock = Clock(datetime(2026, 11, 26, 12, 0, tzinfo=UTC))
    jobs = ReminderJobs(AsyncIOScheduler(timezone=settings.timezone), store, settings, lambda b: None, now=clock)
    fair = add_fair(store)
    remind(store, fair, "100", 60)
    jobs.start()
    assert job_times(jobs) == [START - timedelta(hours=1)]
    digest = jobs.scheduler.get_job("fairs:digest").trigger
    fires = digest.get_next_fire_time(None, clock.now)
    assert fires == datetime(2026, 11, 30, 1, 0, tzinfo=UTC)  # Monday 09:00 in Dongguan, whatever the machine says
    assert fires.astimezone(settings.timezone).strftime("%a %H:%M") == "Mon 09:00"


def test_a_digest_missed_on_monday_morning_is_caught_up_at_start(store, settings) -> None:
    clock = Clock(datetime(2026, 11, 30, 3, 0, tzinfo=UTC))  # Monday 11:00 in Dongguan: the bot was down at 09:00
    jobs = ReminderJobs(AsyncIOScheduler(timezone=settings.timezone), store, settings, lambda b: None, now=clock)
    jobs.start()
    assert jobs.scheduler.get_job("fairs:digest-catch-up") is not None
    tuesday = ReminderJobs(AsyncIOScheduler(timezone=settings.timezone), store, settings, lambda b: None,
                           now=Clock(clock.now + timedelta(days=1)))  # fmt: skip
    tuesday.start()
    assert tuesday.scheduler.get_job("fairs:digest-catch-up") is None


def test_settings_fixture_is_dongguan_time(settings: Settings) -> None:
    assert str(settings.timezone) == "Asia/Shanghai"


def test_moving_a_fair_so_early_that_a_reminder_time_has_passed_drops_it(store) -> None:
    fair = add_fair(store, datetime.now(UTC) + timedelta(days=5))
    remind(store, fair, "100", 1440, 60, start=datetime.now(UTC) + timedelta(days=5))
    soon = datetime.now(UTC) + timedelta(hours=3)
    store.update_fair("telegram:1", fair, {"starts_at": iso(soon), "ends_at": iso(soon + timedelta(hours=2))},
                      due=lambda f, lead: iso(f.start - timedelta(minutes=lead)))  # fmt: skip
    statuses = {r["lead_minutes"]: r["status"] for r in store.db["fair_reminders"].rows}
    assert statuses == {1440: "dropped", 60: "pending"}
