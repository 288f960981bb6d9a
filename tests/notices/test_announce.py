"""Ambassadors compose notices; admins approve; nobody else can; quiet hours are respected."""

from dataclasses import replace
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot import texts
from bot.notices import texts as notice_texts
from bot.notices.announce import MAX_PHOTO_TEXT_CHARS
from bot.quiet_hours import quiet_adjusted
from bot.replies import Request

ADMIN, AMBASSADOR, STUDENT = "1", "3", "2"
PHOTO = "telegram:AgACAgIAAxkBAAIBfair-poster"  # a photo as a channel hands it to the core
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def bot(conversation):
    conversation.settings = replace(conversation.settings, admin_ids=frozenset({1}))
    conversation.announcer.settings = conversation.settings
    conversation.store.grant_role("telegram", AMBASSADOR, "ambassador", "cli", city="武汉")
    for user, city in (("21", "武汉"), ("22", "武汉"), ("23", "广州")):
        conversation.store.set_subscription("telegram", user, city=city, topics=["fairs"])
    return conversation


def send(bot, user, kind, text="", photo=None):
    return bot.handle(Request("telegram", user, kind, text, photo=photo))


def press(bot, user, prefix, replies):
    """Press the button whose action starts with `prefix` among `replies` (as a client would)."""
    action = next(b.action for r in replies for b in r.all_buttons if b.action.startswith(prefix))
    return send(bot, user, "button", action)


def compose(bot, user, text="武汉站招聘会周六举行", link="报名入口 https://example.com/signup", photo=None):
    """The whole flow up to the preview; with `photo`, the text is sent as that photo's caption."""
    replies = send(bot, user, "command", "announce")
    send(bot, user, "photo", text, photo) if photo else send(bot, user, "text", text)
    replies = send(bot, user, "text", link)
    if user == ADMIN:
        replies = press(bot, user, "an:city:", replies)  # the first city button: 全部城市
    replies = press(bot, user, "an:topic:", replies)  # 不限类别
    return press(bot, user, "an:time:", replies)  # 立即发送


def test_an_ambassador_composes_and_the_preview_is_what_students_see(bot):
    preview, summary = compose(bot, AMBASSADOR)
    assert preview.text == notice_texts.NOTICE_PREFIX + "武汉站招聘会周六举行"
    assert preview.all_buttons[0].url == "https://example.com/signup"
    assert [b.action for b in preview.all_buttons] == [""]  # no live 🔕: pressing it would unsubscribe the author
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
    [again] = send(bot, ADMIN, "button", approve)  # a double press changes nothing
    assert again.text.startswith(f"通知 #{announcement.id} 已由") and "待发送" in again.text


def test_a_rejected_notice_carries_the_reason_to_its_author(bot):
    press(bot, AMBASSADOR, "an:go:", compose(bot, AMBASSADOR))
    [announcement] = bot.store.announcements()
    send(bot, ADMIN, "button", f"an:no:{announcement.id}")
    for_admin, for_author = send(bot, ADMIN, "text", "时间写错了，请改成周日")
    assert for_author.to == ("telegram", AMBASSADOR) and "时间写错了" in for_author.text
    assert bot.store.announcement(announcement.id).status == "rejected"


def test_an_admins_own_notice_needs_no_approval_and_may_go_to_everyone(bot):
    bot.store.clock.pin(datetime(2026, 11, 25, 2, 0, tzinfo=UTC))  # 10:00 in Shanghai: outside the quiet hours
    [scheduled] = press(bot, ADMIN, "an:go:", compose(bot, ADMIN))
    [announcement] = bot.store.announcements()
    assert announcement.status == "scheduled" and announcement.city == "*"
    assert scheduled.text == notice_texts.ANNOUNCE_SENDING_NOW.format(id=announcement.id)  # 立即发送: no timestamp


@pytest.mark.parametrize(
    ("action", "refusal"),
    [("an:ok:1", texts.NOT_ALLOWED), ("an:no:1", texts.NOT_ALLOWED), ("an:stop:1", notice_texts.NOT_AMBASSADOR)],
)
def test_a_student_can_neither_announce_nor_approve_nor_stop(bot, action, refusal):
    press(bot, AMBASSADOR, "an:go:", compose(bot, AMBASSADOR))
    assert send(bot, STUDENT, "command", "announce")[0].text == notice_texts.NOT_AMBASSADOR
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
    assert send(bot, ADMIN, "button", "an:no:1")[0].text == notice_texts.FINISH_FLOW_FIRST
    assert bot.store.dialog("telegram", ADMIN)[0] == "add"
    send(bot, ADMIN, "command", "cancel")
    send(bot, ADMIN, "button", "an:no:1")
    assert "驳回" in send(bot, ADMIN, "text", "\u3000")[0].text  # asked again, still waiting
    send(bot, ADMIN, "text", "内容有误")
    assert bot.store.announcement(1).status == "rejected"


def test_a_notice_confirmed_in_quiet_hours_waits_for_the_morning(bot):
    night = datetime(2026, 11, 25, 14, 40, tzinfo=UTC)  # 22:40 in Shanghai
    bot.store.clock.pin(night)
    press(bot, ADMIN, "an:go:", compose(bot, ADMIN))
    assert bot.store.announcements()[0].send_at == "2026-11-26T00:00:00+00:00"  # 08:00 in Shanghai


# -- a photo with the notice ------------------------------------------------------------------


def test_a_photo_with_a_caption_is_the_notice_and_everyone_sees_it_as_students_will(bot):
    preview, summary = compose(bot, AMBASSADOR, photo=PHOTO)
    assert preview.photo == PHOTO and preview.text == notice_texts.NOTICE_PREFIX + "武汉站招聘会周六举行"
    assert preview.all_buttons[0].url == "https://example.com/signup"  # the same buttons, under the photo
    [_, who_asks, for_review] = press(bot, AMBASSADOR, "an:go:", [preview, summary])
    assert who_asks.photo is None and for_review.photo == PHOTO and for_review.to == ("telegram", ADMIN)
    assert [b.action for b in for_review.all_buttons if b.action] == ["an:ok:1", "an:no:1"]
    [announcement] = bot.store.announcements()
    assert announcement.photo == PHOTO and announcement.text == "武汉站招聘会周六举行"


def test_a_photo_without_a_caption_is_kept_and_the_text_asked_for_next(bot):
    send(bot, AMBASSADOR, "command", "announce")
    [asked] = send(bot, AMBASSADOR, "photo", photo=PHOTO)
    assert asked.text == notice_texts.ANNOUNCE_PHOTO_ASK_TEXT.format(limit=MAX_PHOTO_TEXT_CHARS)
    assert send(bot, AMBASSADOR, "text", "周六招聘会，欢迎参加")[0].text == notice_texts.ANNOUNCE_ASK_LINK
    replies = press(bot, AMBASSADOR, "an:topic:", send(bot, AMBASSADOR, "text", "跳过"))
    preview, summary = press(bot, AMBASSADOR, "an:time:", replies)
    assert preview.photo == PHOTO and preview.text == notice_texts.NOTICE_PREFIX + "周六招聘会，欢迎参加"
    press(bot, AMBASSADOR, "an:go:", [summary])
    assert bot.store.announcements()[0].photo == PHOTO


def test_a_text_too_long_for_a_photos_caption_is_refused_and_nothing_changes(bot):
    assert MAX_PHOTO_TEXT_CHARS == 1024 - 3  # Telegram's caption limit, less "📢 " (the emoji counts two)
    send(bot, AMBASSADOR, "command", "announce")
    started = bot.store.dialog("telegram", AMBASSADOR)
    [refusal] = send(bot, AMBASSADOR, "photo", "招" * 1100, photo=PHOTO)
    assert "1021" in refusal.text and "1100" in refusal.text and "再发一次" in refusal.text
    assert bot.store.dialog("telegram", AMBASSADOR) == started  # neither the photo nor the text was taken

    send(bot, AMBASSADOR, "photo", photo=PHOTO)
    with_photo = bot.store.dialog("telegram", AMBASSADOR)
    [refusal] = send(bot, AMBASSADOR, "text", "招" * 1020 + "👍")  # 1022 as Telegram counts
    assert refusal.text == notice_texts.ANNOUNCE_CAPTION_LIMIT.format(limit=1021, count=1022)
    assert bot.store.dialog("telegram", AMBASSADOR) == with_photo
    assert send(bot, AMBASSADOR, "text", "招" * 1021)[0].text == notice_texts.ANNOUNCE_ASK_LINK  # just fits


def test_without_a_photo_a_notice_may_still_be_longer_than_a_caption(bot):
    send(bot, AMBASSADOR, "command", "announce")
    assert send(bot, AMBASSADOR, "text", "招" * 1500)[0].text == notice_texts.ANNOUNCE_ASK_LINK


def test_a_photo_elsewhere_is_read_as_before_and_starts_no_notice(bot):
    assert send(bot, STUDENT, "photo", photo=PHOTO)[0].text == texts.NOT_TEXT
    assert send(bot, AMBASSADOR, "photo", photo=PHOTO)[0].text == texts.NOT_TEXT  # no flow going on
    assert "88名" in send(bot, STUDENT, "photo", "这个三支一扶怎么报名？", photo=PHOTO)[0].text  # a question
    send(bot, AMBASSADOR, "command", "announce")
    send(bot, AMBASSADOR, "text", "周六招聘会")
    at_the_link_step = bot.store.dialog("telegram", AMBASSADOR)
    assert send(bot, AMBASSADOR, "photo", "新海报", photo=PHOTO)[0].text == notice_texts.ANNOUNCE_PHOTO_NOT_NOW
    assert bot.store.dialog("telegram", AMBASSADOR) == at_the_link_step
    assert bot.store.announcements() == []


def test_an_ambassador_whose_role_was_revoked_mid_flow_cannot_finish_with_a_photo(bot):
    send(bot, AMBASSADOR, "command", "announce")
    bot.store.revoke_role("telegram", AMBASSADOR, "ambassador", "cli")
    [reply] = send(bot, AMBASSADOR, "photo", "这个三支一扶怎么报名？", photo=PHOTO)
    assert "88名" in reply.text  # a student now: the caption is a question, not a notice
    assert bot.store.announcements() == []


def test_render_notice_carries_the_photo_for_the_channel_to_show(bot):
    for photo in (PHOTO, ""):
        bot.store.create_announcement(
            "telegram:3", "周六招聘会", "武汉", "fairs", "2026-01-01T00:00:00+00:00", False, "scheduled", photo=photo
        )
    with_photo, without = (bot.render_notice(bot.store.announcement(i)) for i in (1, 2))
    assert with_photo.photo == PHOTO and with_photo.text == notice_texts.NOTICE_PREFIX + "周六招聘会"
    assert with_photo.all_buttons[-1].action == "unsub:topic:fairs"
    assert without.photo is None and without.buttons == with_photo.buttons


def test_once_one_admin_decided_the_others_buttons_say_who_and_change_nothing(bot):
    bot.store.grant_role("wechat", "oAdmin2", "admin", "cli")
    bot.store.touch_user("telegram", ADMIN, "王老师")
    [_, *to_admins] = press(bot, AMBASSADOR, "an:go:", compose(bot, AMBASSADOR))
    assert {r.to for r in to_admins} == {("telegram", ADMIN), ("wechat", "oAdmin2")}
    [announcement] = bot.store.announcements()
    send(bot, ADMIN, "button", f"an:ok:{announcement.id}")
    for action in (f"an:ok:{announcement.id}", f"an:no:{announcement.id}"):
        [late] = bot.handle(Request("wechat", "oAdmin2", "button", action))
        assert "王老师" in late.text and "telegram:" not in late.text
    after = bot.store.announcement(announcement.id)
    assert (after.status, after.reviewed_by) == ("scheduled", f"telegram:{ADMIN}")
    assert bot.store.dialog("wechat", "oAdmin2") is None  # no reason asked for a notice already handled


def test_a_rejection_typed_after_another_admin_approved_says_who(bot):
    bot.store.grant_role("wechat", "oAdmin2", "admin", "cli")
    press(bot, AMBASSADOR, "an:go:", compose(bot, AMBASSADOR))
    [announcement] = bot.store.announcements()
    bot.handle(Request("wechat", "oAdmin2", "button", f"an:no:{announcement.id}"))  # asks for the reason
    send(bot, ADMIN, "button", f"an:ok:{announcement.id}")  # meanwhile approved; this admin has no name
    [late] = bot.handle(Request("wechat", "oAdmin2", "text", "不合适"))
    assert notice_texts.CHANNEL_NAMES["telegram"] in late.text and f"telegram:{ADMIN}" not in late.text
    assert bot.store.announcement(announcement.id).status == "scheduled"


def test_the_approval_request_names_the_author_readably_without_internal_ids(bot):
    [_, request, _] = press(bot, AMBASSADOR, "an:go:", compose(bot, AMBASSADOR))  # the ambassador has no name yet
    assert f"telegram:{AMBASSADOR}" not in request.text and notice_texts.CHANNEL_NAMES["telegram"] in request.text
    assert "武汉校园大使" in request.text


def test_admins_find_every_notice_waiting_for_approval_in_announcements_and_can_decide_there(bot):
    """An admin who could not press the pushed request (a WeChat template message carries no choices)."""
    bot.store.grant_role("wechat", "oAdmin2", "admin", "cli")
    bot.store.touch_user("telegram", AMBASSADOR, "小李")
    press(bot, AMBASSADOR, "an:go:", compose(bot, AMBASSADOR))
    [announcement] = bot.store.announcements()
    listed = bot.handle(Request("wechat", "oAdmin2", "command", "announcements"))
    [pending] = [r for r in listed if any(b.action == f"an:ok:{announcement.id}" for b in r.all_buttons)]
    assert "小李" in pending.text and "武汉站招聘会周六举行" in pending.text and pending.to is None
    assert {b.action for b in pending.all_buttons} >= {f"an:ok:{announcement.id}", f"an:no:{announcement.id}"}
    assert len([r for r in listed if f"#{announcement.id}" in r.text]) == 1  # listed once, as waiting
    bot.handle(Request("wechat", "oAdmin2", "button", f"an:ok:{announcement.id}"))
    assert bot.store.announcement(announcement.id).status == "scheduled"
    assert not any(b.action.startswith("an:ok:") for r in send(bot, ADMIN, "command", "announcements")
                   for b in r.all_buttons)  # fmt: skip
    [mine] = send(bot, AMBASSADOR, "command", "announcements")  # an ambassador never gets review buttons
    assert not any(b.action.startswith(("an:ok:", "an:no:")) for b in mine.all_buttons)
