"""Forged button data with numbers no id can be (40 digits, non-ASCII digits): a quiet refusal, nothing changed."""

from __future__ import annotations

import logging

import pytest

from bot import texts
from bot.fairs import texts as fair_texts
from bot.ids import MAX_ID, parse_id
from bot.replies import Request

HUGE = "9" * 40

STUDENT_ACTIONS = [
    f"fl:{HUGE}::", f"fd:{HUGE}", f"fr:{HUGE}", f"fx:{HUGE}", f"fc:{HUGE}", f"frl:{HUGE}:60", f"frl:1:{HUGE}",
    f"pick:{HUGE}:subsidy-living", f"none:{HUGE}", f"rate:{HUGE}:up", f"rate:{HUGE}:down",
    "rate:١٢:up", "pick:１２:x", f"fr:{2**63}", f"rate:{2**64}:up",
]  # fmt: skip
ADMIN_ACTIONS = [f"fe:e:{HUGE}", f"fe:c:{HUGE}", f"fe:cx:{HUGE}", f"ed:rbok:subsidy-living:{HUGE}",
                 f"an:ok:{HUGE}", f"an:no:{HUGE}", f"an:stop:{HUGE}", f"rv:d:20260101:{HUGE}"]  # fmt: skip


def test_parse_id_bounds_numbers() -> None:
    assert parse_id("42") == 42 and parse_id(str(MAX_ID)) == MAX_ID
    for raw in ("", None, "-1", "1.5", " 1", "١٢", "１２", str(MAX_ID + 1), HUGE):
        assert parse_id(raw) is None


def _counts(store) -> tuple:
    db = store.db
    tables = ("question_log", "reminders", "announcements", "fairs", "faq_entries")
    rows = tuple(db[t].count if t in db.table_names() else 0 for t in tables)
    rated = db.execute("select count(*) from question_log where rating is not null or resolution is not null")
    return rows, rated.fetchone()[0]


@pytest.mark.parametrize("action", STUDENT_ACTIONS)
def test_a_forged_student_button_is_refused_quietly(conversation, action, caplog) -> None:
    [asked] = conversation.ask(Request("telegram", "7", "text", "生活补贴怎么申请"))  # something to rate
    before = _counts(conversation.store)
    with caplog.at_level(logging.INFO):
        replies = conversation.handle(Request("telegram", "7", "button", action))
    assert [r.text for r in replies] in ([texts.STALE_BUTTON], [fair_texts.FAIR_STALE_BUTTON])
    assert _counts(conversation.store) == before
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize("action", ADMIN_ACTIONS)
def test_a_forged_admin_button_is_refused_quietly(settings, conversation, action, caplog) -> None:
    conversation.store.grant_role("telegram", "8", "admin", "test")
    before = _counts(conversation.store)
    replies = conversation.handle(Request("telegram", "8", "button", action))
    assert replies and all("出了点问题" not in r.text for r in replies)
    assert _counts(conversation.store) == before
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_forged_buttons_over_telegram_get_a_polite_refusal_and_no_error(start_bot, api, caplog) -> None:
    async with start_bot():
        api.send_text(501, "/faq")
        menu = await api.wait_for_message(501)
        for n, data in enumerate([f"fl:{HUGE}::", f"pick:{HUGE}:x", f"rate:{HUGE}:up", f"fr:{HUGE}"]):
            api.send_raw_update({"callback_query": {"id": f"q{n}", "from": {"id": 501, "is_bot": False,
                                 "first_name": "小明"}, "message": menu, "chat_instance": "-501", "data": data}})  # fmt: skip
            reply = await api.wait_for_message(501, lambda m, n=n: m["message_id"] > menu["message_id"] + n)
            assert reply["text"] in (texts.STALE_BUTTON, fair_texts.FAIR_STALE_BUTTON)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
