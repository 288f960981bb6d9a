"""Students follow a city and topics; ambassadors' invite links bring students in."""

from dataclasses import replace

import pytest

from bot import texts
from bot.notices import texts as notice_texts
from bot.replies import Request

AMBASSADOR, STUDENT = "3", "2"


@pytest.fixture
def bot(conversation):
    conversation.store.grant_role("telegram", AMBASSADOR, "ambassador", "cli", city="武汉", campus="武汉大学")
    return conversation


def send(bot, user, kind, text="", *args):
    return bot.handle(Request("telegram", user, kind, text, tuple(args)))


def test_subscribe_shows_toggles_that_change_in_place(bot):
    [menu] = send(bot, STUDENT, "command", "subscribe")
    assert any(b.action == "sub:city:广州" for b in menu.all_buttons)
    [after] = send(bot, STUDENT, "button", "sub:city:广州")
    assert after.replace and any(b.label == "✅ 广州" for b in after.all_buttons)
    send(bot, STUDENT, "button", "sub:topic:fairs")
    send(bot, STUDENT, "button", "sub:topic:events")
    send(bot, STUDENT, "button", "sub:topic:events")  # toggled off again
    [mine] = send(bot, STUDENT, "command", "mysubs")
    assert "广州" in mine.text and "招聘会" in mine.text and "活动" not in mine.text
    assert bot.store.audience("广州", "fairs") == [("telegram", STUDENT)]
    assert bot.store.audience("武汉", "") == []


def test_unknown_subscription_buttons_change_nothing(bot):
    assert send(bot, STUDENT, "button", "sub:city:纽约")[0].text == texts.STALE_BUTTON
    assert bot.store.subscription("telegram", STUDENT) is None


def test_an_invite_link_makes_the_student_follow_the_ambassadors_city(bot):
    [invite] = send(bot, AMBASSADOR, "command", "invite")
    code = invite.text.split("/start ")[1].split()[0]
    assert len(code) <= 64 and code.replace("_", "").replace("-", "").isalnum()
    welcome, followed = send(bot, STUDENT, "command", "start", code)
    assert "武汉" in followed.text
    assert bot.store.subscription("telegram", STUDENT).referred_by == f"telegram:{AMBASSADOR}"
    assert "已通过你的链接加入：1 人" in send(bot, AMBASSADOR, "command", "invite")[0].text


def test_an_unknown_or_own_invite_code_is_just_a_start(bot):
    assert len(send(bot, STUDENT, "command", "start", "nonsense")) == 1
    [invite] = send(bot, AMBASSADOR, "command", "invite")
    code = invite.text.split("/start ")[1].split()[0]
    assert len(send(bot, AMBASSADOR, "command", "start", code)) == 1


def test_students_cannot_get_an_invite_link(bot):
    assert send(bot, STUDENT, "command", "invite")[0].text == notice_texts.NOT_AMBASSADOR


def test_the_stop_button_under_a_notice_unsubscribes_that_kind(bot):
    send(bot, STUDENT, "button", "sub:city:武汉")
    send(bot, STUDENT, "button", "sub:topic:fairs")
    send(bot, STUDENT, "button", "unsub:topic:fairs")
    assert bot.store.subscription("telegram", STUDENT).topics == ()
    send(bot, STUDENT, "button", "unsub:city")
    assert bot.store.audience("*", "") == []


def test_a_student_who_blocked_the_bot_is_reachable_again_after_writing(bot):
    send(bot, STUDENT, "button", "sub:city:武汉")
    bot.store.set_reachable("telegram", STUDENT, False)
    assert bot.store.audience("武汉", "") == []
    send(bot, STUDENT, "text", "你好")
    assert bot.store.audience("武汉", "") == [("telegram", STUDENT)]


def test_notices_carry_a_stop_button_for_their_kind(bot):
    from bot.store import Announcement

    notice = Announcement(
        1, "x", "招聘会通知", "报名", "https://example.com/a", "武汉", "fairs", "", 0, "", "", "", "", "", ""
    )
    reply = bot.render_notice(notice)
    assert reply.text.endswith("招聘会通知")
    assert reply.all_buttons[0].url == "https://example.com/a"
    assert reply.all_buttons[-1].action == "unsub:topic:fairs"
    assert bot.render_notice(replace(notice, topic="")).all_buttons[-1].action == "unsub:city"
