"""Job-fair reminders on a controllable clock: the database is the truth, the scheduler follows it.

Each test moves a fake "now" and runs exactly what the scheduler's jobs run, so
timing is checked without sleeping. The scheduler is real (APScheduler, not
started): the tests read which jobs it holds and when they would fire.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.clock import machine_now
from bot.fairs.desk import digest_window
from bot.settings import Settings
from bot.store import Store, iso
from jobs.reminders import ReminderJobs, make_digest, release_reminders, week_key

START = datetime(2026, 12, 3, 6, 0, tzinfo=UTC)  # Thursday 14:00 in Dongguan


@pytest.fixture(autouse=True)
def two_days_before(clock) -> None:
    """Unless a test says otherwise, it is two days before the fair."""
    clock.pin(START - timedelta(days=2))


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
def jobs(store, settings, clock):
    released: list[list[int]] = []
    scheduler = AsyncIOScheduler(timezone=settings.timezone)
    return ReminderJobs(scheduler, store, settings, released.append), clock, released


def on_the_clock(jobs: ReminderJobs, machine: datetime) -> datetime:
    """A trigger's time (the machine's, as APScheduler counts) read on the store's clock, to the nearest second."""
    when = machine + (jobs.store.clock.now() - machine_now()) + timedelta(milliseconds=500)
    return when.replace(microsecond=0)


def job_times(jobs: ReminderJobs) -> list[datetime]:
    """When each reminder job fires, on the store's clock."""
    jobs_ = [j for j in jobs.scheduler.get_jobs() if j.id.startswith("reminders:2")]
    return sorted(on_the_clock(jobs, j.trigger.run_date).astimezone(UTC) for j in jobs_)


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


def test_a_restart_before_the_due_time_schedules_the_reminder_again(settings, clock) -> None:
    first = Store.open(settings.database_path, clock)
    fair = add_fair(first)
    remind(first, fair, "100", 60)
    first.close()  # the bot stops; its scheduler (memory only) is gone

    store = Store.open(settings.database_path, clock)
    clock.pin(START - timedelta(hours=5))
    restarted = ReminderJobs(AsyncIOScheduler(timezone=settings.timezone), store, settings, lambda b: None)
    restarted.start()
    assert job_times(restarted) == [START - timedelta(hours=1)]
    assert recipients(store, release_reminders(store, START - timedelta(hours=1))) == [("100", 60)]
    store.close()


async def test_a_reminder_missed_while_down_is_sent_at_start_if_the_fair_has_not_begun(store, settings, clock) -> None:
    fair = add_fair(store)
    remind(store, fair, "100", 60)
    clock.pin(START - timedelta(minutes=20))  # back up 40 minutes late
    released: list[list[int]] = []
    restarted = ReminderJobs(AsyncIOScheduler(timezone=settings.timezone), store, settings, released.append)
    restarted.start()
    assert job_times(restarted) == [clock.now()]  # runs at once
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


def notices(store: Store, fair: int) -> list[tuple[str, dict[str, int]]]:
    """The fair's change notices (dedupe key, delivery counts), oldest first."""
    rows = store.db.execute("select id, dedupe_key from announcements where fair_id = ? and kind = 'fair_change'"
                            " order by id", [fair]).fetchall()  # fmt: skip
    return [(key, store.delivery_counts(announcement_id)) for announcement_id, key in rows]


def test_cancelling_a_fair_stops_its_reminders_and_tells_each_student_once(store) -> None:
    fair = add_fair(store)
    remind(store, fair, "100", 1440, 60)
    remind(store, fair, "200", 60)
    told = store.cancel_fair("telegram:1", fair)
    assert told == [("telegram", "100"), ("telegram", "200")]
    # The notice is written in the cancellation's own transaction: no crash in between can lose it.
    assert notices(store, fair) == [(f"fair:{fair}:cancel", {"pending": 2})]
    assert store.notify_fair_change(fair, told, f"fair:{fair}:cancel") is None  # a repeat tells nobody twice
    assert release_reminders(store, START - timedelta(hours=1)) == []
    assert store.cancel_fair("telegram:1", fair) == []
    assert len(notices(store, fair)) == 1


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


def test_times_do_not_depend_on_the_machines_time_zone(new_york_machine, store, settings, clock) -> None:
    assert time.localtime().tm_zone in ("EST", "EDT")
    clock.pin(datetime(2026, 11, 26, 12, 0, tzinfo=UTC))
    jobs = ReminderJobs(AsyncIOScheduler(timezone=settings.timezone), store, settings, lambda b: None)
    fair = add_fair(store)
    remind(store, fair, "100", 60)
    jobs.start()
    assert job_times(jobs) == [START - timedelta(hours=1)]
    fires = jobs.next_digest
    assert fires == datetime(2026, 11, 30, 1, 0, tzinfo=UTC)  # Monday 09:00 in Dongguan, whatever the machine says
    assert on_the_clock(jobs, jobs.scheduler.get_job("fairs:digest").trigger.run_date) == fires
    assert fires.astimezone(settings.timezone).strftime("%a %H:%M") == "Mon 09:00"


def test_a_digest_missed_on_monday_morning_is_caught_up_at_start(store, settings, clock) -> None:
    clock.pin(datetime(2026, 11, 30, 3, 0, tzinfo=UTC))  # Monday 11:00 in Dongguan: the bot was down at 09:00
    jobs = ReminderJobs(AsyncIOScheduler(timezone=settings.timezone), store, settings, lambda b: None)
    jobs.start()
    assert jobs.scheduler.get_job("fairs:digest-catch-up") is not None
    clock.advance(timedelta(days=1))
    tuesday = ReminderJobs(AsyncIOScheduler(timezone=settings.timezone), store, settings, lambda b: None)
    tuesday.start()
    assert tuesday.scheduler.get_job("fairs:digest-catch-up") is None


async def test_after_each_digest_the_next_monday_is_scheduled(store, settings, clock) -> None:
    monday_9 = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)  # Monday 09:00 in Dongguan
    clock.pin(monday_9 - timedelta(days=1))
    jobs = ReminderJobs(AsyncIOScheduler(timezone=settings.timezone), store, settings, lambda b: None)
    jobs.scheduler.start(paused=True)  # started, so that a job replaces its namesake as in the bot
    jobs.start()
    assert jobs.next_digest == monday_9
    clock.pin(monday_9)  # the job fires
    await jobs._weekly_digest()
    assert jobs.next_digest == monday_9 + timedelta(days=7)
    assert on_the_clock(jobs, jobs.scheduler.get_job("fairs:digest").trigger.run_date) == jobs.next_digest
    jobs.scheduler.shutdown(wait=False)


def test_settings_fixture_is_dongguan_time(settings: Settings) -> None:
    assert str(settings.timezone) == "Asia/Shanghai"


def test_moving_a_fair_so_early_that_a_reminder_time_has_passed_drops_it(store, clock) -> None:
    fair = add_fair(store, clock.now() + timedelta(days=5))
    remind(store, fair, "100", 1440, 60, start=clock.now() + timedelta(days=5))
    soon = clock.now() + timedelta(hours=3)
    store.update_fair("telegram:1", fair, {"starts_at": iso(soon), "ends_at": iso(soon + timedelta(hours=2))},
                      due=lambda f, lead: iso(f.start - timedelta(minutes=lead)))  # fmt: skip
    statuses = {r["lead_minutes"]: r["status"] for r in store.db["fair_reminders"].rows}
    assert statuses == {1440: "dropped", 60: "pending"}


def move(store: Store, fair: int, start: datetime, now: datetime) -> None:
    store.update_fair("telegram:1", fair, {"starts_at": iso(start), "ends_at": iso(start + timedelta(hours=3))},
                      due=lambda f, lead: iso(f.start - timedelta(minutes=lead)), now=iso(now))  # fmt: skip


def test_a_move_drops_passed_reminders_by_the_callers_clock_not_the_machines() -> None:
    store = Store.open(":memory:")
    now = datetime(2031, 3, 3, 2, 0, tzinfo=UTC)  # years ahead of the machine's clock
    fair = add_fair(store, now + timedelta(days=5))
    remind(store, fair, "100", 1440, 60, start=now + timedelta(days=5))
    move(store, fair, now + timedelta(hours=3), now)
    statuses = {r["lead_minutes"]: r["status"] for r in store.db["fair_reminders"].rows}
    assert statuses == {1440: "dropped", 60: "pending"}


def test_a_student_whose_reminders_a_move_dropped_is_still_told_and_can_ask_again(store) -> None:
    now = START - timedelta(days=3)
    fair = add_fair(store)
    remind(store, fair, "100", 60)
    move(store, fair, now + timedelta(minutes=30), now)  # the hour-before reminder is already past
    assert [r["status"] for r in store.db["fair_reminders"].rows] == ["dropped"]
    assert notices(store, fair) == [(f"fair:{fair}:moved:1", {"pending": 1})]  # told instead
    assert store.fair_reminder_recipients(fair) == [("telegram", "100")]
    move(store, fair, START, now)  # moved back: the student may ask for the hour-before reminder again
    remind(store, fair, "100", 60)
    assert [r["status"] for r in store.db["fair_reminders"].rows] == ["pending"]
    assert store.cancel_fair("telegram:1", fair) == [("telegram", "100")]


def test_each_move_is_told_even_back_to_an_earlier_time_and_an_undelivered_notice_gives_way(store) -> None:
    now = START - timedelta(days=5)
    fair = add_fair(store)
    remind(store, fair, "100", 60)
    for start in (START + timedelta(days=1), START, START + timedelta(days=1)):
        move(store, fair, start, now)
    keys = [(key, counts) for key, counts in notices(store, fair)]
    assert [key for key, _ in keys] == [f"fair:{fair}:moved:{n}" for n in (1, 2, 3)]
    assert [counts for _, counts in keys] == [{"withdrawn": 1}, {"withdrawn": 1}, {"pending": 1}]


def test_cancelling_withdraws_what_about_the_fair_still_waits_in_the_outbox(store) -> None:
    fair = add_fair(store)
    remind(store, fair, "100", 60)
    remind(store, fair, "200", 60)
    [batch] = release_reminders(store, START - timedelta(hours=1))
    store.delivered(store.claim(1, iso(START))[0].id, "m1")  # one went out before the cancellation
    store.cancel_fair("telegram:1", fair)
    assert store.delivery_counts(batch) == {"sent": 1, "withdrawn": 1}  # no "starts in 1 hour" after the cancel
    assert notices(store, fair) == [(f"fair:{fair}:cancel", {"pending": 2})]


def test_a_digest_caught_up_late_on_monday_leaves_next_week_to_next_mondays_digest(store, settings) -> None:
    monday_20 = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)  # Monday 20:00 in Dongguan: caught up late
    next_monday_9 = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)
    assert digest_window(monday_20, settings.timezone) == (monday_20, next_monday_9)
    store.set_subscription("telegram", "100", topics=["fairs"])
    add_fair(store, next_monday_9 + timedelta(hours=3))  # next Monday noon: next week's digest lists it
    assert make_digest(store, settings, monday_20) == []
    add_fair(store, START)  # this Thursday
    assert len(make_digest(store, settings, monday_20)) == 1


def test_the_digest_week_is_counted_on_the_local_clock_across_summer_time() -> None:
    berlin = ZoneInfo("Europe/Berlin")  # clocks go forward on Sunday 2027-03-28
    monday_9 = datetime(2027, 3, 22, 9, 0, tzinfo=berlin)
    _, end = digest_window(monday_9, berlin)
    assert end.astimezone(berlin) == datetime(2027, 3, 29, 9, 0, tzinfo=berlin)
    assert end - monday_9 == timedelta(days=7, hours=-1)


def test_the_catch_up_digest_is_not_skipped_when_the_start_is_slow(store, settings, clock) -> None:
    clock.pin(datetime(2026, 11, 30, 3, 0, tzinfo=UTC))  # Monday 11:00 in Dongguan
    jobs = ReminderJobs(AsyncIOScheduler(timezone=settings.timezone), store, settings, lambda b: None)
    jobs.start()
    assert jobs.scheduler.get_job("fairs:digest-catch-up").misfire_grace_time is None  # not APScheduler's 1 s


def test_a_student_who_unfollowed_on_wechat_is_not_told_of_changes(store) -> None:
    fair = add_fair(store)
    store.set_reminders(fair, "wechat", "o_gone", {1440: iso(START - timedelta(days=1))})
    store.set_reminders(fair, "wechat", "o_here", {1440: iso(START - timedelta(days=1))})
    release_reminders(store, START - timedelta(days=1))  # both got the day-before reminder
    store.mark_unfollowed("wechat", "o_gone")
    assert store.cancel_fair("telegram:1", fair) == [("wechat", "o_here")]


def test_a_students_new_times_are_scheduled_without_reading_every_pending_reminder(store, jobs) -> None:
    reminder_jobs, _, _ = jobs
    due = iso(START - timedelta(hours=1))
    store.pending_reminder_times = lambda: pytest.fail("a click must not scan every pending reminder")
    reminder_jobs.changed([due])
    assert job_times(reminder_jobs) == [START - timedelta(hours=1)]
