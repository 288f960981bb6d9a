"""Job fairs end to end: the real bot over HTTP against the fake Bot API, the real scheduler and sender."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import icalendar

from bot.store import iso
from tests.fakebotapi import inline_buttons

STUDENT = 4242


def add_fair(store, start: datetime, title: str = "东莞人才招聘会") -> int:
    return store.add_fair("telegram:1", {"title": title, "kind": "onsite", "city": "东莞", "venue": "会展中心",
                                         "starts_at": iso(start), "ends_at": iso(start + timedelta(hours=3)),
                                         "register_url": "https://example.org/r"})  # fmt: skip


def button(message: dict, prefix: str) -> str:
    return next(b["callback_data"] for b in inline_buttons(message) if b.get("callback_data", "").startswith(prefix))


async def test_a_student_finds_a_fair_asks_for_a_reminder_and_gets_it_on_time(api, start_bot, clock):
    # Starts in an hour and three seconds: of the default reminders (a day, an hour) only the hour is ahead.
    start = clock.now().replace(microsecond=0) + timedelta(hours=1, seconds=3)
    async with start_bot(outbox=True) as conversation:
        fair = add_fair(conversation.store, start)
        api.send_text(STUDENT, "/fairs")
        listing = await api.wait_for_message(STUDENT)
        assert "东莞人才招聘会" in listing["text"]

        api.press_button(STUDENT, listing, button(listing, "fr:"))
        confirmed = await api.wait_for_message(STUDENT)
        assert "1 小时" in confirmed["text"]
        [reminder] = conversation.store.reminders_for("telegram", str(STUDENT), fair)
        assert reminder.due_at == iso(start - timedelta(hours=1))

        api.press_button(STUDENT, listing, button(listing, "fc:"))
        document = await api.wait_for_message(STUDENT, lambda m: "document" in m)
        assert document["document"]["file_name"].endswith(".ics")
        calendar = icalendar.Calendar.from_ical(api.files[document["document"]["file_id"]].content)
        [event] = calendar.walk("VEVENT")
        assert event.decoded("DTSTART").astimezone(UTC) == start

        # The scheduler's job for that due time fires; the sender delivers through the outbox.
        arrived = await api.wait_for_message(STUDENT, lambda m: "招聘会提醒" in m.get("text", ""), timeout=10)
        assert "还有 1 小时" in arrived["text"] and "东莞人才招聘会" in arrived["text"]
        assert {b.get("url") for b in inline_buttons(arrived)} >= {"https://example.org/r"}
        batch = conversation.store.announcements(1)[0].id
        for _ in range(100):  # the sender marks it sent right after Telegram answered
            if conversation.store.delivery_counts(batch) == {"sent": 1}:
                break
            await asyncio.sleep(0.02)
        assert conversation.store.delivery_counts(batch) == {"sent": 1}
    reminders = [m for m in api.sent(STUDENT) if "招聘会提醒" in m.get("text", "")]
    assert len(reminders) == 1  # exactly once


async def test_a_reminder_due_while_the_bot_was_down_goes_out_at_start(api, start_bot, tmp_path, clock):
    start = clock.now().replace(microsecond=0) + timedelta(minutes=30)
    async with start_bot() as conversation:  # no outbox: the bot "was down" when the reminder fell due
        fair = add_fair(conversation.store, start)
        conversation.store.set_reminders(fair, "telegram", str(STUDENT), {60: iso(start - timedelta(hours=1))})
    async with start_bot(outbox=True):
        arrived = await api.wait_for_message(STUDENT, lambda m: "招聘会提醒" in m.get("text", ""), timeout=10)
        assert "东莞人才招聘会" in arrived["text"]
