"""End to end: the real telegram.ext.Application over HTTP against a local fake Bot API.

Each test acts as a student by posting updates to the fake server and reads
what the bot sent back, exactly as Telegram would deliver it.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import os
import signal
import sys
from pathlib import Path

import pytest

from bot import texts
from bot.faq import texts as faq_texts
from knowledge.entries import Category, FaqEntry, load_lexicon
from knowledge.kb import KnowledgeBase
from tests.fakebotapi import inline_buttons

ROOT = Path(__file__).resolve().parents[3]
STUDENT = 1001


@pytest.fixture
async def bot(start_bot):
    """The bot running against the fake server; yields its conversation core."""
    async with start_bot() as conversation:
        yield conversation


buttons = inline_buttons


async def test_start_replies_with_welcome_and_category_menu(api, bot):
    api.send_text(STUDENT, "/start")
    message = await api.wait_for_message(STUDENT)
    assert "莞才助手" in message["text"]
    assert [b["callback_data"] for b in buttons(message)][0] == "cat:internship"


async def test_a_question_with_a_typo_is_answered_with_title_and_source(api, bot):
    api.send_text(STUDENT, "三支一福是什么？")
    message = await api.wait_for_message(STUDENT)
    assert "88名" in message["text"] and "来源：东人社函〔2023〕56号" in message["text"]
    assert message["entities"][0]["type"] == "bold"  # the question title, sent as HTML
    [logged] = bot.store.logged_questions()
    assert (logged.outcome, logged.faq_id, logged.channel, logged.external_id) == (
        "answer",
        "sanzhi-yifu",
        "telegram",
        str(STUDENT),
    )


async def test_did_you_mean_button_pressed_gets_the_answer(api, bot):
    bot.kb = copy.copy(bot.kb)
    bot.kb.answer_threshold = 1.01  # every match is "unsure" now
    api.send_text(STUDENT, "实习补贴")
    suggestion = await api.wait_for_message(STUDENT)
    assert suggestion["text"] in (faq_texts.SUGGEST, faq_texts.SUGGEST_ONE)
    first = buttons(suggestion)[0]
    assert first["callback_data"].startswith("pick:")
    api.press_button(STUDENT, suggestion, first["callback_data"])
    await api.wait_for_call("answerCallbackQuery")
    answer = await api.wait_for_message(STUDENT)
    assert answer["text"].startswith(first["text"])
    [logged] = bot.store.logged_questions()
    assert (logged.outcome, logged.resolution) == ("suggest", "picked")


async def test_none_of_these_is_recorded_for_the_admins(api, bot):
    bot.kb = copy.copy(bot.kb)
    bot.kb.answer_threshold = 1.01
    api.send_text(STUDENT, "实习补贴")
    suggestion = await api.wait_for_message(STUDENT)
    api.press_button(STUDENT, suggestion, buttons(suggestion)[-1]["callback_data"])
    reply = await api.wait_for_message(STUDENT)
    assert reply["text"] == faq_texts.NONE_OF_THESE.format(contact_phone="0769-12345678")
    assert bot.store.logged_questions()[0].resolution == "rejected"


async def test_the_menu_button_under_an_answer_keeps_the_answer(api, bot):
    api.send_text(STUDENT, "三支一扶")
    answer = await api.wait_for_message(STUDENT)
    api.press_button(STUDENT, answer, "menu")
    menu = await api.wait_for_message(STUDENT)
    assert menu["text"] == faq_texts.MENU_TITLE
    assert "88名" in api.sent(STUDENT)[0]["text"]  # the answer was not edited away
    assert not [c for c in api.calls if c.method == "editMessageText"]


async def test_a_press_too_old_to_acknowledge_is_still_answered(api, bot):
    api.send_text(STUDENT, "/faq")
    menu = await api.wait_for_message(STUDENT)
    api.fail_next("answerCallbackQuery", 400, "Bad Request: query is too old and response timeout expired")
    api.press_button(STUDENT, menu, "nav:cat:contact")
    await api.wait_for_call("editMessageText")
    assert "联系我们" in api.sent(STUDENT)[0]["text"]


async def test_a_photo_caption_is_taken_as_the_question(api, bot):
    api.send_photo(STUDENT, caption="这个三支一扶怎么报名？")
    reply = await api.wait_for_message(STUDENT)
    assert "88名" in reply["text"]


async def test_browsing_a_category_edits_the_menu_in_place(api, bot):
    api.send_text(STUDENT, "/faq")
    menu = await api.wait_for_message(STUDENT)
    api.press_button(STUDENT, menu, "nav:cat:grassroots-skills")
    await api.wait_for_call("editMessageText")
    [edited] = [m for m in api.sent(STUDENT) if m["message_id"] == menu["message_id"]]
    assert "基层项目与技能人才" in edited["text"]
    assert any(b["callback_data"] == "faq:sanzhi-yifu" for b in buttons(edited))


async def test_an_out_of_scope_question_gets_the_polite_no_answer_with_phone(api, bot):
    api.send_text(STUDENT, "护照在哪里办理")
    message = await api.wait_for_message(STUDENT)
    assert message["text"] == faq_texts.OUT_OF_SCOPE.format(contact_phone="0769-12345678")
    assert bot.store.logged_questions("none")[0].text == "护照在哪里办理"


@pytest.mark.parametrize("send", ["send_sticker", "send_photo"])
async def test_stickers_and_photos_get_a_polite_reply(api, bot, send):
    getattr(api, send)(STUDENT)
    message = await api.wait_for_message(STUDENT)
    assert message["text"] == texts.NOT_TEXT


async def test_unexpected_errors_are_logged_and_the_user_gets_an_apology(api, bot, monkeypatch, caplog):
    def broken(text):
        raise RuntimeError("index exploded")

    monkeypatch.setattr(bot.kb, "ask", broken)
    with caplog.at_level(logging.ERROR, logger="bot.channels.telegram.adapter"):
        api.send_text(STUDENT, "三支一扶")
        message = await api.wait_for_message(STUDENT)
    assert message["text"] == texts.ERROR.format(contact_phone="0769-12345678", bot_name="莞才助手")
    assert "index exploded" in caplog.text


async def test_long_answers_with_html_characters_are_escaped_and_split(api, start_bot):
    """An admin-written answer full of <, > and & and over 4096 characters still arrives whole."""
    entry = FaqEntry("long", "c", "长答案<测试>", "A&B <tag> 一二三四五六七八九十\n" * 300, "来源 & 说明")
    kb = KnowledgeBase([Category("c", "分类")], [entry], load_lexicon(), 0.5, 0.3)
    async with start_bot(knowledge=kb):
        api.send_text(STUDENT, "/faq")
        menu = await api.wait_for_message(STUDENT)
        api.press_button(STUDENT, menu, "nav:cat:c")
        await api.wait_for_call("editMessageText")
        api.press_button(STUDENT, menu, "faq:long")
        parts = [await api.wait_for_message(STUDENT, lambda m: m["text"].startswith("长答案"))]
        while not buttons(parts[-1]):  # the keyboard rides on the last part
            parts.append(await api.wait_for_message(STUDENT))
    assert len(parts) >= 2 and all(len(p["text"]) <= 4096 for p in parts)
    assert "A&B <tag>" in parts[0]["text"]
    assert parts[-1]["text"].endswith("来源：来源 & 说明")
    assert sum(p["text"].count("A&B <tag>") for p in parts) == 300


async def test_messages_in_group_chats_are_ignored(api, bot):
    group_message = api.user_message(STUDENT, text="三支一扶")
    group_message["chat"] = {"id": -100, "type": "group", "title": "同学群"}
    api.send_raw_update({"message": group_message})
    api.send_text(STUDENT, "三支一扶")  # then a private question, to know the group one was processed
    reply = await api.wait_for_message(STUDENT)
    assert "88名" in reply["text"]
    assert api.sent(-100) == []


async def test_the_run_command_with_a_token_serves_telegram(api, telegram_env, tmp_path):
    """`python -m bot` as a newcomer runs it: a token means Telegram, and the command menu is published."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
    env.update({**telegram_env, "PYTHONPATH": str(ROOT)})
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await api.wait_for_call("setMyCommands", timeout=30)
        api.send_text(STUDENT, "校园大使有多少人")
        reply = await api.wait_for_message(STUDENT, timeout=10)
        assert "44名" in reply["text"]
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0, stderr.decode()


async def test_an_answer_hit_by_a_flood_wait_is_sent_after_the_wait(api, bot):
    api.fail_next("sendMessage", 429, retry_after=1)
    api.send_text(STUDENT, "三支一扶")
    reply = await api.wait_for_message(STUDENT, timeout=10)
    assert "88名" in reply["text"]
