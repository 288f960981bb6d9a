"""Announcements over Telegram's wire protocol, with the outbox running.

An ambassador composes, an admin approves, followers in that city get the
notice (others do not), blocked students are marked unreachable, and the
author sees the report.
"""

from __future__ import annotations

import pytest

from bot import texts
from tests.fakebotapi import FakeBotApi, inline_buttons

ADMIN, AMBASSADOR = 500, 700
WUHAN, GUANGZHOU, BLOCKED = (801, 802), 803, 804


@pytest.fixture
async def bot(start_bot):
    # No quiet hours: the test must not depend on the hour it runs at (quiet hours have their own tests).
    async with start_bot(outbox=True, ADMIN_IDS=str(ADMIN), QUIET_HOURS="00:00-00:00") as conversation:
        conversation.store.grant_role("telegram", str(AMBASSADOR), "ambassador", "cli", city="武汉")
        yield conversation


async def ask(api: FakeBotApi, user: int, text: str) -> dict:
    api.send_text(user, text)
    return await api.wait_for_message(user)


async def press(api: FakeBotApi, user: int, message: dict, startswith: str) -> dict:
    actions = [b["callback_data"] for b in inline_buttons(message) if "callback_data" in b]  # not link buttons
    action = next(a for a in actions if a.startswith(startswith))
    api.press_button(user, message, action)
    return await api.wait_for_message(user)


async def follow(api: FakeBotApi, user: int, city: str) -> None:
    menu = await ask(api, user, "/subscribe")
    api.press_button(user, menu, f"sub:city:{city}")
    await api.wait_for_call("editMessageText", lambda c: c.params.get("chat_id") == user)


async def test_an_approved_notice_reaches_the_citys_followers_and_nobody_else(api, bot):
    for user in WUHAN:
        await follow(api, user, "武汉")
    await follow(api, GUANGZHOU, "广州")
    await follow(api, BLOCKED, "武汉")
    api.block_user(BLOCKED)

    await ask(api, AMBASSADOR, "/announce")
    await ask(api, AMBASSADOR, "武汉站校园招聘会本周六在武汉大学举行")
    topic = await ask(api, AMBASSADOR, "跳过")
    when = await press(api, AMBASSADOR, topic, "an:topic:")
    preview = await press(api, AMBASSADOR, when, "an:time:")
    assert preview["text"].startswith("📢 武汉站校园招聘会")
    summary = await api.wait_for_message(AMBASSADOR)
    assert "目前 3 人" in summary["text"]
    submitted = await press(api, AMBASSADOR, summary, "an:go:")
    assert "已提交" in submitted["text"]

    await api.wait_for_message(ADMIN)  # who asks, and for whom
    request = await api.wait_for_message(ADMIN)
    approved = await press(api, ADMIN, request, "an:ok:")
    assert "已通过" in approved["text"]

    for user in WUHAN:
        notice = await api.wait_for_message(user, lambda m: m["text"].startswith("📢"), timeout=10)
        assert inline_buttons(notice)[-1]["callback_data"] == "unsub:city"
    report = await api.wait_for_message(AMBASSADOR, lambda m: "发送完成" in m["text"], timeout=15)
    assert "送达 2" in report["text"] and "无法送达 1" in report["text"] and "失败" not in report["text"]
    assert not [m for m in api.sent(GUANGZHOU) if m["text"].startswith("📢")]
    assert [d.status for d in bot.store.sent_deliveries(1)] == ["sent", "sent"]
    assert bot.store.subscription("telegram", str(BLOCKED)).reachable is False


async def test_a_notice_with_a_photo_reaches_followers_as_that_photo_with_its_caption(api, bot):
    await follow(api, WUHAN[0], "武汉")
    await ask(api, AMBASSADOR, "/announce")
    poster = api.send_photo(AMBASSADOR, caption="武汉站招聘会海报，周六见")["message"]["photo"][-1]["file_id"]
    link = await api.wait_for_message(AMBASSADOR)
    topic = await ask(api, AMBASSADOR, "报名入口 https://example.com/signup")
    when = await press(api, AMBASSADOR, topic, "an:topic:")
    preview = await press(api, AMBASSADOR, when, "an:time:")
    assert "第 2 步" in link["text"]
    assert preview["photo"][-1]["file_id"] == poster and preview["caption"] == "📢 武汉站招聘会海报，周六见"
    summary = await api.wait_for_message(AMBASSADOR)
    await press(api, AMBASSADOR, summary, "an:go:")

    await api.wait_for_message(ADMIN)  # who asks, and for whom
    request = await api.wait_for_message(ADMIN)
    assert request["photo"][-1]["file_id"] == poster and "https://example.com/signup" in request["caption"]
    await press(api, ADMIN, request, "an:ok:")

    notice = await api.wait_for_message(WUHAN[0], lambda m: "photo" in m, timeout=10)
    assert notice["photo"][-1]["file_id"] == poster and notice["caption"] == "📢 武汉站招聘会海报，周六见"
    assert [b.get("url") or b["callback_data"] for b in inline_buttons(notice)] == [
        "https://example.com/signup",
        "unsub:city",
    ]
    assert bot.store.announcement(1).photo == f"telegram:{poster}"


async def test_a_review_too_long_for_one_caption_comes_as_the_photo_then_the_text(api, bot):
    await ask(api, AMBASSADOR, "/announce")
    api.send_photo(AMBASSADOR, caption="招" * 1000)  # fits a caption; with the link's address spelled out it does not
    await api.wait_for_message(AMBASSADOR)
    topic = await ask(api, AMBASSADOR, "报名入口 https://example.com/" + "x" * 40)
    preview = await press(api, AMBASSADOR, await press(api, AMBASSADOR, topic, "an:topic:"), "an:time:")
    assert preview["caption"] == "📢 " + "招" * 1000
    await press(api, AMBASSADOR, await api.wait_for_message(AMBASSADOR), "an:go:")

    await api.wait_for_message(ADMIN)  # who asks, and for whom
    photo, text = await api.wait_for_message(ADMIN), await api.wait_for_message(ADMIN)
    assert "photo" in photo and "caption" not in photo and not inline_buttons(photo)
    assert text["text"].startswith("📢 招招") and "https://example.com/xxx" in text["text"]
    assert "已通过" in (await press(api, ADMIN, text, "an:ok:"))["text"]


async def test_a_student_pressing_a_forged_approve_button_sends_nothing(api, bot):
    bot.store.create_announcement("telegram:700", "通知", "武汉", "", "2026-01-01T00:00:00+00:00", False, "pending")
    message = await ask(api, WUHAN[0], "你好")
    api.sent(WUHAN[0])[-1]["reply_markup"] = {"inline_keyboard": [[{"text": "x", "callback_data": "an:ok:1"}]]}
    api.press_button(WUHAN[0], message, "an:ok:1")
    assert (await api.wait_for_message(WUHAN[0]))["text"] == texts.NOT_ALLOWED
    assert bot.store.announcement(1).status == "pending"
    assert bot.store.delivery_counts(1) == {}


async def compose(api: FakeBotApi) -> dict:
    """An ambassador's notice submitted; the admin's approval request."""
    await ask(api, AMBASSADOR, "/announce")
    await ask(api, AMBASSADOR, "武汉站校园招聘会本周六在武汉大学举行")
    topic = await ask(api, AMBASSADOR, "跳过")
    when = await press(api, AMBASSADOR, topic, "an:topic:")
    await press(api, AMBASSADOR, when, "an:time:")
    summary = await api.wait_for_message(AMBASSADOR)
    await press(api, AMBASSADOR, summary, "an:go:")
    await api.wait_for_message(ADMIN)  # who asks, and for whom
    return await api.wait_for_message(ADMIN)


async def test_the_authors_verdict_survives_flood_waits_and_the_admin_gets_no_apology(api, bot):
    request = await compose(api)
    api.fail_next("sendMessage", 429, retry_after=1, count=2, chat_id=AMBASSADOR)  # a broadcast is running
    approved = await press(api, ADMIN, request, "an:ok:")
    assert "已通过" in approved["text"]
    verdict = await api.wait_for_message(AMBASSADOR, lambda m: "通过" in m["text"], timeout=10)
    assert str(1) in verdict["text"]
    await ask(api, ADMIN, "/help")  # the admin's next update runs after the approval was fully handled
    assert not [m for m in api.sent(ADMIN) if "出了点问题" in m["text"]]


async def test_the_admin_is_not_kept_waiting_while_the_authors_verdict_sits_out_a_flood_wait(api, bot):
    request = await compose(api)
    api.fail_next("sendMessage", 429, retry_after=2, chat_id=AMBASSADOR, count=3)  # the outbox's report meets one too
    await press(api, ADMIN, request, "an:ok:")
    await ask(api, ADMIN, "/help")  # answered at once: the verdict is retried in the background
    assert not [m for m in api.sent(AMBASSADOR) if "已审核通过" in m["text"]]
    await api.wait_for_message(AMBASSADOR, lambda m: "已审核通过" in m["text"], timeout=10)
