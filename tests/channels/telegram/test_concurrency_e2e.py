"""One student's flood wait does not hold up another's answer; one student's answers stay in order."""

from __future__ import annotations

from bot.faq import texts as faq_texts

A, B = 601, 602


def delivered(api, chat_id: int) -> list[int]:
    """Indices (in the server's call order) of the messages that reached `chat_id`."""
    return [i for i, c in enumerate(api.calls) if c.method == "sendMessage" and c.status == 200
            and c.params.get("chat_id") == chat_id]  # fmt: skip


async def test_a_flood_wait_on_one_students_answer_does_not_hold_up_another_student(start_bot, api) -> None:
    async with start_bot():
        api.fail_next("sendMessage", 429, retry_after=3)  # A's answer meets the broadcast's flood wait
        api.send_text(A, "生活补贴怎么申请")
        flooded = await api.wait_for_call("sendMessage", lambda c: c.status == 429)
        assert flooded.params["chat_id"] == A
        api.send_text(B, "落户需要什么材料")
        await api.wait_for_message(B)
        assert not api.sent(A)  # B was answered while A's retry was still waiting
        await api.wait_for_message(A, timeout=10)  # and A still gets the answer after the wait
    assert delivered(api, B)[0] < delivered(api, A)[0]


async def test_one_students_answers_stay_in_order_through_a_flood_wait(start_bot, api) -> None:
    async with start_bot():
        api.fail_next("sendMessage", 429, retry_after=1)
        api.send_text(A, "/help")
        await api.wait_for_call("sendMessage", lambda c: c.status == 429)
        api.send_text(A, "/faq")
        first = await api.wait_for_message(A, timeout=10)
        second = await api.wait_for_message(A, timeout=10)
    assert first["message_id"] < second["message_id"]
    assert second["text"] == faq_texts.MENU_TITLE != first["text"]  # the answer to /help came first
