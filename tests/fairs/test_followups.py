"""Issue 12 (job fairs): what a new admin and students tripped over."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from bot.fairs import texts as fair_texts
from bot.replies import Request
from bot.store import iso

NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)  # Thursday 10:00 in Dongguan
STUDENT = "2"


@pytest.fixture
def bot(conversation):
    conversation.store.clock.pin(NOW)
    return conversation


def add_fair(store, start, title="东莞人才招聘会", hours=3, **values):
    return store.add_fair("telegram:1", {"title": title, "kind": "onsite", "city": "东莞", "venue": "会展中心",
                                         "starts_at": iso(start), "ends_at": iso(start + timedelta(hours=hours)),
                                         **values})  # fmt: skip


def send(bot, kind, text, *args, user=STUDENT):
    return bot.handle(Request("telegram", user, kind, text, tuple(args)))


def actions(reply):
    return [b.action for b in reply.all_buttons]


def test_myfairs_says_a_reminder_dropped_after_a_restart_was_not_sent(bot):
    fair = add_fair(bot.store, NOW + timedelta(hours=2))
    send(bot, "button", f"fr:{fair}")  # only the hour-before one is still ahead
    later = NOW + timedelta(hours=2, minutes=30)  # the bot was down until the fair had begun
    bot.store.clock.pin(later)
    assert bot.store.release_reminders(iso(later)) == []  # dropped, not sent late
    [mine] = send(bot, "command", "myfairs")
    assert fair_texts.FAIR_REMINDERS_SENT not in mine.text
    assert fair_texts.FAIR_REMINDERS_DROPPED in mine.text


def test_myfairs_says_sent_only_for_a_reminder_that_went_out(bot):
    fair = add_fair(bot.store, NOW + timedelta(hours=2))
    send(bot, "button", f"fr:{fair}")
    later = NOW + timedelta(hours=1, minutes=1)
    bot.store.clock.pin(later)
    assert bot.store.release_reminders(iso(later))
    [mine] = send(bot, "command", "myfairs")
    assert fair_texts.FAIR_REMINDERS_SENT in mine.text and fair_texts.FAIR_REMINDERS_DROPPED not in mine.text


def test_remind_me_on_a_fair_under_an_hour_away_falls_back_to_the_nearest_lead_ahead(bot):
    fair = add_fair(bot.store, NOW + timedelta(minutes=40))
    [reply] = send(bot, "button", f"fr:{fair}")
    assert [r.lead_minutes for r in bot.store.reminders_for("telegram", STUDENT, fair)] == [15]
    assert "15 分钟" in reply.text and "点下面的按钮选择提醒时间" not in reply.text
    assert f"fx:{fair}" in actions(reply)


def test_remind_me_on_a_fair_about_to_start_says_so_clearly(bot):
    fair = add_fair(bot.store, NOW + timedelta(minutes=10))
    [reply] = send(bot, "button", f"fr:{fair}")
    assert bot.store.reminders_for("telegram", STUDENT, fair) == []
    assert reply.text == fair_texts.FAIR_ABOUT_TO_START.format(title="东莞人才招聘会")
    assert "按钮" not in reply.text


def test_the_calendar_file_carries_no_alarm_that_has_already_passed(bot):
    fair = add_fair(bot.store, NOW + timedelta(hours=5))
    [reply] = send(bot, "button", f"fc:{fair}")  # the defaults are a day and an hour before
    _, content = reply.document
    [event] = Calendar.from_ical(content).walk("VEVENT")
    triggers = [alarm.decoded("trigger") for alarm in event.walk("VALARM")]
    assert triggers == [timedelta(hours=-1)]


def test_fairs_list_shows_the_registration_link(bot):
    fair = add_fair(bot.store, NOW + timedelta(days=2), register_url="https://example.org/r")
    add_fair(bot.store, NOW + timedelta(days=3), title="没有报名链接")
    [listing] = send(bot, "command", "fairs")
    assert [b.url for b in listing.all_buttons if b.url] == ["https://example.org/r"]
    assert fair


def test_the_reminder_carries_the_registration_link_in_its_text_too(bot):
    fair = add_fair(bot.store, NOW + timedelta(days=2), register_url="https://example.org/r")
    send(bot, "button", f"fr:{fair}")
    [batch] = bot.store.release_reminders(iso(NOW + timedelta(days=1, minutes=1)))
    reply = bot.render_notice(bot.store.announcement(batch))
    assert "https://example.org/r" in {b.url for b in reply.all_buttons}
    assert "https://example.org/r" in reply.text  # WeChat templates carry no buttons
