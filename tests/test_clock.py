"""The one clock: pinned, moved, and translated for the scheduler that reads the machine's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import Clock, machine_now
from bot.settings import Settings, SettingsError


def test_a_new_clock_reads_the_machines_time() -> None:
    before = machine_now()
    assert before <= Clock().now() <= machine_now()
    assert Clock().now().tzinfo is UTC


def test_an_offset_moves_every_reading_by_that_much() -> None:
    ahead = Clock(timedelta(days=365))
    assert abs(ahead.now() - machine_now() - timedelta(days=365)) < timedelta(seconds=1)


def test_a_pinned_clock_stands_still_until_advanced() -> None:
    moment = datetime(2030, 2, 1, 8, 0, tzinfo=UTC)
    clock = Clock().pin(moment)
    assert clock.now() == clock() == moment
    clock.advance(timedelta(minutes=5))
    assert clock.now() == moment + timedelta(minutes=5)


def test_a_naive_moment_is_refused() -> None:
    with pytest.raises(ValueError):
        Clock().pin(datetime(2030, 2, 1, 8, 0))


@pytest.mark.parametrize("offset", [timedelta(0), timedelta(days=-365), timedelta(days=365)])
def test_machine_time_is_when_the_machine_reaches_a_moment_on_the_clock(offset) -> None:
    clock = Clock(offset)
    in_an_hour = clock.now() + timedelta(hours=1)
    assert abs(clock.machine_time(in_an_hour) - (machine_now() + timedelta(hours=1))) < timedelta(seconds=1)


def test_settings_build_the_clock_from_clock_offset_days() -> None:
    assert Settings.from_env({"CLOCK_OFFSET_DAYS": "-30"}).clock().offset == timedelta(days=-30)
    assert Settings.from_env({}).clock().offset == timedelta(0)
    with pytest.raises(SettingsError, match="CLOCK_OFFSET_DAYS"):
        Settings.from_env({"CLOCK_OFFSET_DAYS": "next year"})


@pytest.mark.parametrize("offset_days", [-400, 0, 400])
def test_example_times_in_prompts_are_always_ahead_of_the_clock(offset_days) -> None:
    """Prompts say "例如 …": the example must be a valid future time whatever today is (and never go stale)."""
    from zoneinfo import ZoneInfo

    from bot import texts
    from bot.fairs import texts as fair_texts

    tz = ZoneInfo("Asia/Shanghai")
    now = Clock(timedelta(days=offset_days)).now()
    found = texts.examples(now, tz)
    for key in ("when", "next_day", "soon"):
        assert datetime.strptime(found[key], "%Y-%m-%d %H:%M").replace(tzinfo=tz) > now
    assert datetime.strptime(found["day"], "%Y-%m-%d").date() < now.astimezone(tz).date()
    assert "{" not in fair_texts.FAIR_BAD_TIME.format(**found) and found["when"] in fair_texts.FAIR_BAD_TIME.format(**found)
