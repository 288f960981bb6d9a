"""Ambassadors compose notices; admins approve; nobody else can; quiet hours are respected."""

from dataclasses import replace
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot import texts
from bot.announce import quiet_adjusted
from bot.replies import Request

ADMIN, AMBASSADOR, STUDENT = "1", "3", "2"
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def bot(conversation):
    conversation.settings = replace(conversation.settings, admin_ids=frozenset({1}))
    conversation.announcer.settings = conversation.settings
    conversation.store.grant_role("telegram", AMBASSADOR, "ambassador", "cli", city="武汉")
    for user, city in (("21", "武汉"), ("22", "武汉"), ("23", "广州")):
        conversation.store.set_subscription("telegram", user, city=city, topics=["fairs"])
    return conversation


def send(bot, user, kind, text=""):
    return bot.handle(Request("telegram", user, kind, text))


def press(bot, user, prefix, replies):
    """Press the button whose action starts with `prefix` among `replies` (as a client would)."""
    action = next(b.action for r in replies for b in r.all_buttons if b.action.startswith(prefix))
    return send(bot, user, "button", action)


def compose(bot, user, text="武汉站招聘会周六举行", link="报名入口 https://example.com/signup"):
    replies = send(bot, user, "command", "announce")
    send(bot, user, "text", text)
    replies = send(bot, user, "text", link)
    if user == ADMIN:
        replies = press(bot, user, "an:city:", replies)  # the first city button: 全部城市
    replies = press(bot, user, "an:topic:", replies)  # 不限类别
    return press(bot, user, "an:time:", replies)  # 立即发送


def test_an_ambassador_composes_and_the_preview_is_what_students_see(bot):
    preview, summary = compose(bot, AMBASSADOR)
    assert preview.text == texts.NOTICE_PREFIX + "武汉站招聘会周六举行"
    assert preview.all_buttons[0].url == "https://example.com/signup"
    assert "武汉 · 不限类别" in summary.text and "目前 2 人" in summary.text
    assert bot.store.announcements() == []  # nothing is created before confirmation


def test_an_ambassadors_notice_waits_for_an_admin_and_the_author_hears_the_result(bot):
    [submitted, *to_admin] = press(bot, AMBASSADOR, "an:go:", compose(bot, AMBASSADOR))
    [announcement] = bot.store.announcements()
    assert announcement.status == "pending" and str(announcement.id) in submitted.text
    assert {r.to for r in to_admin} == {("telegram", ADMIN)}
    approve = next(b.action for r in to_admin for b in r.all_buttons if b.action.startswith("an:ok:"))
    for_admin, for_author = send(bot, ADMIN, "button", approve)
    assert for_author.to == ("telegram", AMBASSADOR) and "审核通过" in for_author.text
    assert bot.store.announcement(announcement.id).status == "scheduled"
    assert send(bot, ADMIN, "button", approve)[0].text == texts.ANNOUNCE_ALREADY_HANDLED  # a double press


def test_a_rejected_notice_carries_the_reason_to_its_author(bot):
    press(bot, AMBASSADOR, "an:go:", compose(bot, AMBASSADOR))
    [announcement] = bot.store.announcements()
    send(bot, ADMIN, "button", f"an:no:{announcement.id}")
    for_admin, for_author = send(bot, ADMIN, "text", "时间写错了，请改成周日")
    assert for_author.to == ("telegram", AMBASSADOR) and "时间写错了" in for_author.text
    assert bot.store.announcement(announcement.id).status == "rejected"


def test_an_admins_own_notice_needs_no_approval_and_may_go_to_everyone(bot):
    [scheduled] = press(bot, ADMIN, "an:go:", compose(bot, ADMIN))
    [announcement] = bot.store.announcements()
    assert announcement.status == "scheduled" and announcement.city == "*"
    assert "已安排" in scheduled.text


@pytest.mark.parametrize(
    ("action", "refusal"),
    [("an:ok:1", texts.NOT_ALLOWED), ("an:no:1", texts.NOT_ALLOWED), ("an:stop:1", texts.NOT_AMBASSADOR)],
)
def test_a_student_can_neither_announce_nor_approve_nor_stop(bot, action, refusal):
    press(bot, AMBASSADOR, "an:go:", compose(bot, AMBASSADOR))
    assert send(bot, STUDENT, "command", "announce")[0].text == texts.NOT_AMBASSADOR
    assert send(bot, STUDENT, "button", action)[0].text == refusal
    assert bot.store.announcement(1).status == "pending"


def test_an_ambassador_cannot_approve_their_own_notice(bot):
    press(bot, AMBASSADOR, "an:go:", compose(bot, AMBASSADOR))
    assert send(bot, AMBASSADOR, "button", "an:ok:1")[0].text == texts.NOT_ALLOWED
    assert bot.store.announcement(1).status == "pending"


def test_a_notice_can_be_cancelled_before_it_starts_and_withdrawn_after(bot):
    press(bot, AMBASSADOR, "an:go:", compose(bot, AMBASSADOR))
    [listed] = send(bot, AMBASSADOR, "command", "announcements")
    assert "待审核" in listed.text
    send(bot, AMBASSADOR, "button", "an:stop:1")
    assert bot.store.announcement(1).status == "cancelled"
    press(bot, ADMIN, "an:go:", compose(bot, ADMIN))
    bot.store.enqueue(2, daily_cap=3, day_start="2000-01-01")
    send(bot, ADMIN, "button", "an:stop:2")
    assert bot.store.announcement(2).status == "withdrawn"
    assert bot.store.delivery_counts(2) == {"withdrawn": 3}


def test_enqueue_writes_one_delivery_per_follower_and_respects_the_daily_cap(bot):
    for i in range(4):
        bot.store.create_announcement(
            "telegram:1", f"通知{i}", "武汉", "", "2000-01-01T00:00:00+00:00", False, "scheduled"
        )
    counts = [bot.store.enqueue(i, daily_cap=3, day_start="2000-01-01") for i in range(1, 5)]
    assert counts[:3] == [{"pending": 2, "skipped": 0}] * 3
    assert counts[3] == {"pending": 0, "skipped": 2}  # the 4th notice of the day is not sent
    assert bot.store.enqueue(1, daily_cap=3, day_start="2000-01-01") == {"pending": 0, "skipped": 0}  # idempotent


def at(hour: int, minute: int = 0, day: int = 25) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        (at(21, 0), at(21, 0)),
        (at(23, 0), at(8, 0, day=26)),
        (at(3, 0), at(8, 0)),
        (at(8, 0), at(8, 0)),
        (at(22, 30), at(8, 0, day=26)),
    ],
)
def test_quiet_hours_move_a_notice_to_the_morning(when, expected):
    assert quiet_adjusted(when.astimezone(UTC), (time(22, 30), time(8, 0)), SHANGHAI) == expected.astimezone(UTC)


def test_admins_see_the_links_address_and_who_wrote_the_notice(bot):
    bot.store.touch_user("telegram", AMBASSADOR, "小李")
    [_, *to_admin] = press(bot, AMBASSADOR, "an:go:", compose(bot, AMBASSADOR, link="官方报名 https://evil.example/x"))
    assert "小李" in to_admin[0].text
    assert "https://evil.example/x" in to_admin[1].text and to_admin[1].all_buttons[0].url == "https://evil.example/x"


def test_rejecting_does_not_throw_away_an_unfinished_edit_and_a_blank_reason_is_asked_again(bot):
    press(bot, AMBASSADOR, "an:go:", compose(bot, AMBASSADOR))
    send(bot, ADMIN, "command", "add")
    assert send(bot, ADMIN, "button", "an:no:1")[0].text == texts.FINISH_FLOW_FIRST
    assert bot.store.dialog("telegram", ADMIN)[0] == "add"
    send(bot, ADMIN, "command", "cancel")
    send(bot, ADMIN, "button", "an:no:1")
    assert "驳回" in send(bot, ADMIN, "text", "\u3000")[0].text  # asked again, still waiting
    send(bot, ADMIN, "text", "内容有误")
    assert bot.store.announcement(1).status == "rejected"


def test_a_notice_confirmed_in_quiet_hours_waits_for_the_morning(bot):
    night = datetime(2026, 11, 25, 14, 40, tzinfo=UTC)  # 22:40 in Shanghai
    bot.announcer.now = lambda: night
    press(bot, ADMIN, "an:go:", compose(bot, ADMIN))
    assert bot.store.announcements()[0].send_at == "2026-11-26T00:00:00+00:00"  # 08:00 in Shanghai
