"""Due announcements are released into the outbox once, with the daily cap counted per local day."""

from datetime import UTC, datetime, timedelta

from bot.settings import Settings
from jobs.outbox import local_day_start, release_due


def test_due_announcements_are_released_once_and_future_ones_wait(store):
    settings = Settings.from_env({})
    store.set_subscription("telegram", "21", city="武汉")
    due = store.create_announcement("cli", "现在", "武汉", "", "2026-11-25T01:00:00+00:00", False, "scheduled")
    later = store.create_announcement("cli", "明天", "武汉", "", "2026-11-26T01:00:00+00:00", False, "scheduled")
    now = datetime(2026, 11, 25, 2, tzinfo=UTC)
    assert release_due(store, settings, now) == [due]
    assert release_due(store, settings, now) == []  # already sending
    assert store.delivery_counts(due) == {"pending": 1}
    assert store.announcement(later).status == "scheduled"


def test_the_daily_cap_counts_from_local_midnight():
    settings = Settings.from_env({"TIMEZONE": "Asia/Shanghai"})
    assert local_day_start(datetime(2026, 11, 25, 17, tzinfo=UTC), settings) == "2026-11-25T16:00:00+00:00"
    assert local_day_start(datetime(2026, 11, 25, 15, tzinfo=UTC), settings) == "2026-11-24T16:00:00+00:00"


async def test_the_running_bots_scheduler_releases_a_notice_when_its_time_comes(api, start_bot, clock):
    """The periodic job runs on the event loop (the store's connection is not shared with threads)."""
    async with start_bot(outbox=True, QUIET_HOURS="00:00-00:00") as conversation:
        store = conversation.store
        store.set_subscription("telegram", "4343", city="武汉")
        when = (clock.now() + timedelta(seconds=1)).isoformat(timespec="seconds")
        store.create_announcement("telegram:1", "定时通知", "武汉", "", when, False, "scheduled")
        arrived = await api.wait_for_message(4343, timeout=10)  # nobody called release_now: the job did it
        assert "定时通知" in arrived["text"]
