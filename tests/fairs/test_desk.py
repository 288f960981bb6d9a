"""Students find the coming job fairs, ask to be reminded, and get a calendar file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from bot.fairs import texts as fair_texts
from bot.fairs.desk import PAGE_SIZE, fair_when, reminder_due
from bot.notices import texts as notice_texts
from bot.replies import Request
from bot.settings import Settings
from bot.store import iso

NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)  # Thursday 10:00 in Dongguan
STUDENT = "2"


def add_fair(store, title="东莞人才招聘会", days=3, kind="onsite", city="东莞", hours=3, **values):
    start = NOW + timedelta(days=days)
    return store.add_fair("telegram:1", {"title": title, "kind": kind, "city": city, "venue": "会展中心",
                                         "starts_at": iso(start), "ends_at": iso(start + timedelta(hours=hours)),
                                         **values})  # fmt: skip


@pytest.fixture
def bot(conversation):
    conversation.store.clock.pin(NOW)
    return conversation


def send(bot, kind, text, *args, user=STUDENT):
    return bot.handle(Request("telegram", user, kind, text, tuple(args)))


def actions(reply):
    return [b.action for b in reply.all_buttons]


def test_the_list_shows_coming_fairs_soonest_first_with_remind_and_calendar_buttons(bot):
    later = add_fair(bot.store, "百校千企万岗", days=9)
    soon = add_fair(bot.store, "名企名校行", days=2, register_url="https://example.org/r")
    add_fair(bot.store, "上周的招聘会", days=-7)  # over: not listed
    [reply] = send(bot, "command", "fairs")
    assert reply.text.index("名企名校行") < reply.text.index("百校千企万岗")
    assert "上周的招聘会" not in reply.text
    assert "11月28日（周六）10:00—13:00" in reply.text  # local time, not UTC
    assert [f"fr:{soon}", f"fc:{soon}", f"fr:{later}", f"fc:{later}"] == [
        a for a in actions(reply) if a.startswith(("fr:", "fc:"))
    ]


def test_the_list_pages_and_filters_by_city_and_kind(bot):
    for n in range(PAGE_SIZE + 2):
        add_fair(bot.store, f"东莞场{n}", days=1 + n)
    add_fair(bot.store, "广州宣讲", days=2, city="广州")
    add_fair(bot.store, "直播带岗", days=2, kind="livestream", city="东莞", link="https://live.example.org")
    [first] = send(bot, "command", "fairs")
    assert "共 9 场" in first.text and "第 1/2 页" in first.text
    assert "fl:1::" in actions(first)
    [second] = send(bot, "button", "fl:1::")
    assert second.replace and "第 2/2 页" in second.text and "fl:0::" in actions(second)
    [guangzhou] = send(bot, "button", "fl:0:广州:")
    assert "广州宣讲" in guangzhou.text and "东莞场0" not in guangzhou.text
    assert any(b.label == "✅ 广州" for b in guangzhou.all_buttons)
    [live] = send(bot, "button", "fl:0::livestream")
    assert "直播带岗" in live.text and "共 1 场" in live.text
    [nothing] = send(bot, "button", "fl:0:广州:online")
    assert nothing.text == fair_texts.FAIRS_NONE_FILTERED


def test_no_fairs_says_so_politely(bot):
    [reply] = send(bot, "command", "fairs")
    assert reply.text == fair_texts.FAIRS_NONE
    assert reply.buttons == ()  # nothing to filter or page


def test_remind_me_sets_the_default_reminders_and_lets_the_student_pick(bot):
    fair = add_fair(bot.store)
    [reply] = send(bot, "button", f"fr:{fair}")
    assert "1 天、1 小时" in reply.text
    leads = {r.lead_minutes: r.due_at for r in bot.store.reminders_for("telegram", STUDENT, fair)}
    start = NOW + timedelta(days=3)
    assert leads == {1440: iso(start - timedelta(days=1)), 60: iso(start - timedelta(hours=1))}
    [toggled] = send(bot, "button", f"frl:{fair}:1440")  # the day-before one off
    assert toggled.replace and "1 小时" in toggled.text and "1 天" not in toggled.text.split("提醒你")[0]
    assert [r.lead_minutes for r in bot.store.reminders_for("telegram", STUDENT, fair)] == [60]
    send(bot, "button", f"frl:{fair}:15")
    assert sorted(r.lead_minutes for r in bot.store.reminders_for("telegram", STUDENT, fair)) == [15, 60]


def test_a_fair_starting_soon_gets_only_the_reminders_still_ahead(bot):
    fair = add_fair(bot.store, days=0, hours=2)  # starts now+0 days → already begun
    assert send(bot, "button", f"fr:{fair}")[0].text == fair_texts.FAIR_STARTED.format(title="东莞人才招聘会")
    soon = bot.store.add_fair("telegram:1", {"title": "午后场", "kind": "online", "city": "东莞",
                                             "link": "https://example.org", "starts_at": iso(NOW + timedelta(hours=5)),
                                             "ends_at": iso(NOW + timedelta(hours=7))})  # fmt: skip
    [reply] = send(bot, "button", f"fr:{soon}")
    assert [r.lead_minutes for r in bot.store.reminders_for("telegram", STUDENT, soon)] == [60]
    assert f"frl:{soon}:1440" not in actions(reply)  # a day before has passed: not offered


def test_myfairs_lists_what_the_student_asked_for_and_cancels_a_reminder(bot):
    fair = add_fair(bot.store)
    other = add_fair(bot.store, "另一场", days=5)
    assert send(bot, "command", "myfairs")[0].text == fair_texts.MYFAIRS_NONE
    send(bot, "button", f"fr:{fair}")
    [mine] = send(bot, "command", "myfairs")
    assert "东莞人才招聘会" in mine.text and "另一场" not in mine.text
    assert f"fx:{fair}" in actions(mine)
    send(bot, "button", f"fx:{fair}")
    assert bot.store.reminders_for("telegram", STUDENT, fair) == []
    assert send(bot, "command", "myfairs")[0].text == fair_texts.MYFAIRS_NONE
    assert other


def test_a_cancelled_or_unknown_fair_cannot_be_reminded(bot):
    fair = add_fair(bot.store)
    bot.store.cancel_fair("telegram:1", fair)
    assert send(bot, "button", f"fr:{fair}")[0].text == fair_texts.FAIR_GONE
    assert send(bot, "button", "fr:999")[0].text == fair_texts.FAIR_GONE
    assert send(bot, "button", "fr:abc")[0].text == fair_texts.FAIR_STALE_BUTTON  # points to /fairs, not /faq
    assert send(bot, "button", "fl:x::")[0].text == fair_texts.FAIR_STALE_BUTTON
    assert bot.store.reminders_for("telegram", STUDENT) == []


def test_the_faq_answer_about_job_fairs_leads_to_the_list(bot):
    [answer] = send(bot, "text", "最近有什么招聘会")
    assert "fl:0::" in actions(answer)
    [other] = send(bot, "text", "生活补贴怎么申请")
    assert "fl:0::" not in actions(other)


def test_reminders_read_well_when_they_arrive(bot):
    fair = add_fair(bot.store, register_url="https://example.org/r")
    send(bot, "button", f"fr:{fair}")
    [batch] = bot.store.release_reminders(iso(NOW + timedelta(days=2)))
    bot.store.clock.pin(NOW + timedelta(days=2))
    reply = bot.render_notice(bot.store.announcement(batch))
    assert reply.text.startswith("⏰") and "还有 1 天" in reply.text and "东莞人才招聘会" in reply.text
    assert {"https://example.org/r"} <= {b.url for b in reply.all_buttons}
    assert f"fx:{fair}" in actions(reply)


def test_quiet_hours_move_an_early_reminder_to_the_morning_when_it_still_helps():
    settings = Settings()  # quiet 22:30-08:00 Asia/Shanghai
    seven_am = datetime(2026, 12, 3, 23, 0, tzinfo=UTC)  # Friday 07:00 in Dongguan
    day_before = reminder_due(seven_am, 1440, settings)
    assert day_before.astimezone(settings.timezone).strftime("%d %H:%M") == "03 08:00"
    hour_before = reminder_due(seven_am, 60, settings)  # 06:00: the morning would be too late
    assert hour_before == seven_am - timedelta(hours=1)
    afternoon = datetime(2026, 12, 4, 6, 0, tzinfo=UTC)
    assert reminder_due(afternoon, 1440, settings) == afternoon - timedelta(days=1)


def test_times_are_shown_in_the_configured_zone(bot):
    fair = bot.store.fair(add_fair(bot.store))
    assert fair_when(fair, bot.settings.timezone) == "11月29日（周日）10:00—13:00"


def test_reminder_batches_stay_out_of_the_admins_announcement_list(bot):
    bot.store.grant_role("telegram", "1", "admin", "cli")
    fair = add_fair(bot.store)
    send(bot, "button", f"fr:{fair}")
    assert bot.store.release_reminders(iso(NOW + timedelta(days=2)))
    assert send(bot, "command", "announcements", user="1")[0].text == notice_texts.ANNOUNCE_NONE
    [batch] = [a.id for a in bot.store.announcements(5)]
    send(bot, "button", f"an:stop:{batch}", user="1")  # a forged button cannot stop a reminder batch
    assert bot.store.announcement(batch).status == "sending"


def test_a_reminder_that_goes_out_late_says_how_long_is_really_left(bot):
    fair = add_fair(bot.store)
    send(bot, "button", f"fr:{fair}")
    start = NOW + timedelta(days=3)
    # The bot was down through both due times; back 20 minutes before the start, the hour one goes late.
    bot.store.set_reminders(fair, "telegram", STUDENT, {60: iso(start - timedelta(hours=1))})
    [batch] = bot.store.release_reminders(iso(start - timedelta(minutes=20)))
    bot.store.clock.pin(start - timedelta(minutes=20))
    assert "还有 20 分钟" in bot.render_notice(bot.store.announcement(batch)).text


def test_long_or_odd_city_names_keep_every_button_within_telegrams_64_bytes(bot):
    long_city = "松山湖高新技术产业开发区东城街道办事处"  # 19 characters, 57 bytes
    for n in range(PAGE_SIZE + 1):
        add_fair(bot.store, f"长名场{n}", days=1 + n, city=long_city)
    add_fair(bot.store, "冒号场", days=2, city="东莞:南城")
    add_fair(bot.store, "广州场", days=3, city="广州")
    [listing] = send(bot, "command", "fairs")
    assert all(len(b.action.encode()) <= 64 for b in listing.all_buttons if b.action)
    [chip] = [b.action for b in listing.all_buttons if b.label == long_city]
    [filtered] = send(bot, "button", chip)
    assert "共 6 场" in filtered.text and "广州场" not in filtered.text
    [page_two] = send(bot, "button", next(a for a in actions(filtered) if a.startswith("fl:1:")))
    assert "第 2/2 页" in page_two.text and "广州场" not in page_two.text
    for reply in (filtered, page_two):
        assert all(len(b.action.encode()) <= 64 for b in reply.all_buttons if b.action)
    [colon] = send(bot, "button", next(b.action for b in listing.all_buttons if b.label == "东莞:南城"))
    assert "冒号场" in colon.text and "共 1 场" in colon.text
    [unknown] = send(bot, "button", "fl:0:#0123456789ab:")  # a digest of no city with coming fairs: no filter
    assert "共 8 场" in unknown.text
    assert send(bot, "button", "fl:0::fair")[0].text == fair_texts.FAIR_STALE_BUTTON  # a forged kind


def test_pressing_remind_me_again_keeps_the_students_own_choice(bot):
    fair = add_fair(bot.store)
    send(bot, "button", f"fr:{fair}")
    send(bot, "button", f"frl:{fair}:1440")  # only the hour before, then 15 minutes too
    send(bot, "button", f"frl:{fair}:15")
    [again] = send(bot, "button", f"fr:{fair}")  # from the list, a second time
    assert sorted(r.lead_minutes for r in bot.store.reminders_for("telegram", STUDENT, fair)) == [15, 60]
    assert "1 小时、15 分钟" in again.text


def test_stopping_after_a_reminder_went_out_stops_everything(bot):
    fair = add_fair(bot.store)
    send(bot, "button", f"fr:{fair}")
    assert bot.store.release_reminders(iso(NOW + timedelta(days=2)))  # the day-before one went out
    bot.store.clock.pin(NOW + timedelta(days=2))
    [mine] = send(bot, "command", "myfairs")
    send(bot, "button", next(a for a in actions(mine) if a.startswith("fx:")))
    assert send(bot, "command", "myfairs")[0].text == fair_texts.MYFAIRS_NONE
    assert bot.store.cancel_fair("telegram:1", fair) == []  # nobody left to tell


def test_asking_again_never_repeats_a_reminder_that_went_out(bot):
    fair = add_fair(bot.store)
    send(bot, "button", f"fr:{fair}")
    bot.store.release_reminders(iso(NOW + timedelta(days=2)))
    send(bot, "button", f"fx:{fair}")
    later = NOW + timedelta(days=9)  # the fair moves a week on: a day before is ahead again
    bot.store.update_fair("telegram:1", fair, {"starts_at": iso(later), "ends_at": iso(later + timedelta(hours=3))},
                          due=lambda f, lead: iso(f.start - timedelta(minutes=lead)), now=iso(NOW))  # fmt: skip
    send(bot, "button", f"fr:{fair}")
    statuses = {r["lead_minutes"]: r["status"] for r in bot.store.db["fair_reminders"].rows}
    assert statuses == {1440: "stopped", 60: "pending"}


def test_the_calendar_alarms_are_the_lead_times_the_student_picked(bot):
    fair = add_fair(bot.store)
    [default] = send(bot, "button", f"fc:{fair}")
    triggers = [a.decoded("TRIGGER") for a in Calendar.from_ical(default.document[1]).walk("VALARM")]
    assert triggers == [timedelta(days=-1), timedelta(hours=-1)]  # nothing picked: the defaults
    send(bot, "button", f"fr:{fair}")
    send(bot, "button", f"frl:{fair}:1440")
    send(bot, "button", f"frl:{fair}:60")
    send(bot, "button", f"frl:{fair}:180")
    [picked] = send(bot, "button", f"fc:{fair}")
    triggers = [a.decoded("TRIGGER") for a in Calendar.from_ical(picked.document[1]).walk("VALARM")]
    assert triggers == [timedelta(hours=-3)]


def test_remind_me_tells_the_scheduler_exactly_the_times_it_set(bot):
    fair = add_fair(bot.store)
    told = []
    bot.fairs.on_changed = told.append
    send(bot, "button", f"fr:{fair}")
    start = NOW + timedelta(days=3)
    assert told == [[iso(start - timedelta(days=1)), iso(start - timedelta(hours=1))]]
