"""The outbox in the running bot: a withdrawn notice is deleted from students' chats and its author told how it went."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

AUTHOR, STUDENTS = 1, (5001, 5002, 5003)


async def test_withdrawing_a_sent_notice_deletes_it_and_reports_to_the_author(api, start_bot):
    async with start_bot(outbox=True, QUIET_HOURS="00:00-00:00", ADMIN_IDS=str(AUTHOR)) as conversation:
        store = conversation.store
        for student in STUDENTS:
            store.set_subscription("telegram", str(student), city="武汉")
        now = datetime.now(UTC).isoformat(timespec="seconds")
        notice = store.create_announcement(f"telegram:{AUTHOR}", "讲座改期", "武汉", "", now, False, "scheduled")
        for student in STUDENTS:
            await api.wait_for_message(student, timeout=10)
        for _ in range(200):
            if store.announcement(notice).status == "sent":
                break
            await asyncio.sleep(0.05)
        api.fail_next("deleteMessage", 400, "Bad Request: message can't be deleted for everyone")  # one is too old

        store.set_announcement(notice, f"telegram:{AUTHOR}", ("sent",), status="withdrawn")
        report = await api.wait_for_message(AUTHOR, lambda m: "已撤回" in m.get("text", ""), timeout=10)
        assert "从 2 位同学的聊天中删除" in report["text"] and "1 条已超过" in report["text"]
        assert sum(len(api.sent(s)) for s in STUDENTS) == 1  # the one Telegram would not delete
        assert store.withdrawal_counts(notice) == {"deleted": 2, "kept": 1}


def test_failure_reasons_read_as_chinese_the_author_understands():
    from bot import texts
    from bot.outbox_runner import _label

    assert _label("Forbidden: bot was blocked by the user") == texts.DELIVERY_ERRORS["unreachable"]
    assert _label("Bad Request: chat not found") == texts.DELIVERY_ERRORS["chat not found"]
    assert _label("the student unfollowed the account (43004)") == texts.DELIVERY_ERRORS["unfollowed"]
    assert _label("outside the 48-hour window and no template configured") == texts.DELIVERY_ERRORS["window"]
    assert _label("Internal Server Error") == texts.DELIVERY_ERRORS["other"]
