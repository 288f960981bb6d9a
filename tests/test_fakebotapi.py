"""Self-test of the fake Bot API: a real PTB Application talks to it over HTTP.

These tests pin the behaviour later end-to-end tests rely on: round trips, Telegram's 400 checks
surfacing as PTB exceptions, fault injection, long polling and readable failures.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from telegram import (
    Bot,
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    MenuButtonCommands,
    ReplyKeyboardMarkup,
    Update,
)
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tests.fakebotapi import FakeBotApi, parse_html, running_application

TOKEN = "123:ABC"
USER = 4242
App = Application[Any, Any, Any, Any, Any, Any]


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None and update.message.text is not None
    await update.message.reply_text(update.message.text, do_quote=True)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton("👍", callback_data="vote:up"), InlineKeyboardButton("👎", callback_data="vote:down")]]
    )
    await update.message.reply_html("<b>投票</b> &amp; go", reply_markup=keyboard)


async def on_vote(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    await query.answer("收到")
    await query.edit_message_text(f"你选了 {query.data.split(':')[1]}")


async def on_photo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Downloads the user's photo and sends it back as a document (getFile + multipart)."""
    assert update.message is not None
    data = await (await update.message.photo[-1].get_file()).download_as_bytearray()
    await update.message.reply_document(
        bytes(data), filename="回声.jpg", caption="<i>back</i>", parse_mode=ParseMode.HTML
    )


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi(token=TOKEN) as server:
        yield server


@pytest.fixture
async def app(api: FakeBotApi) -> AsyncIterator[App]:
    application = ApplicationBuilder().token(TOKEN).base_url(api.base_url).base_file_url(api.base_file_url).build()
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CallbackQueryHandler(on_vote, pattern=r"^vote:"))
    application.add_handler(MessageHandler(filters.PHOTO, on_photo))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    async with running_application(application):
        yield application


@pytest.fixture
async def bot(api: FakeBotApi) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=api.base_url, base_file_url=api.base_file_url) as the_bot:
        yield the_bot


async def test_echo_round_trip(api: FakeBotApi, app: App) -> None:
    update = api.send_text(USER, "你好 123", username="xiaoming")
    reply = await api.wait_for_message(USER)
    assert reply["text"] == "你好 123"
    assert reply["from"]["is_bot"] and reply["chat"] == {
        "id": USER,
        "type": "private",
        "first_name": "小明",
        "username": "xiaoming",
    }
    assert reply["reply_to_message"]["message_id"] == update["message"]["message_id"]
    assert reply["message_id"] == update["message"]["message_id"] + 1
    call = await api.wait_for_call("sendMessage")
    assert call.params["chat_id"] == USER and call.params["text"] == "你好 123"
    assert call.params["reply_parameters"]["message_id"] == update["message"]["message_id"]
    assert [c.method for c in api.calls][:2] == ["getMe", "deleteWebhook"]


async def test_command_keyboard_and_callback(api: FakeBotApi, app: App) -> None:
    api.send_text(USER, "/start")
    menu = await api.wait_for_message(USER)
    assert menu["text"] == "投票 & go"
    assert menu["entities"] == [{"type": "bold", "offset": 0, "length": 2}]
    assert [b["callback_data"] for b in menu["reply_markup"]["inline_keyboard"][0]] == ["vote:up", "vote:down"]
    press = api.press_button(USER, menu, "vote:down")
    answer = await api.wait_for_call("answerCallbackQuery")
    assert answer.params == {"callback_query_id": press["callback_query"]["id"], "text": "收到"}
    await api.wait_for_call("editMessageText", lambda c: c.error is None)
    assert api.sent(USER)[-1]["text"] == "你选了 down"
    assert "reply_markup" not in api.sent(USER)[-1]  # edit without markup drops the keyboard
    with pytest.raises(AssertionError, match="no button"):
        api.press_button(USER, menu, "vote:sideways")


async def test_photo_download_and_document_upload(api: FakeBotApi, app: App) -> None:
    api.send_photo(USER, content=b"\xff\xd8 pixels")
    doc = await api.wait_for_message(USER)
    assert doc["document"]["file_name"] == "回声.jpg" and doc["caption"] == "back"
    assert api.files[doc["document"]["file_id"]].content == b"\xff\xd8 pixels"
    call = await api.wait_for_call("sendDocument")
    assert call.files["document"].filename == "回声.jpg" and call.params["parse_mode"] == "HTML"


async def test_other_update_kinds_reach_the_bot(api: FakeBotApi, bot: Bot) -> None:
    api.send_sticker(USER)
    edited = api.user_message(USER, text="fixed", edit_date=int(time.time()))
    api.send_raw_update({"edited_message": edited})
    api.send_raw_update({"message": api.user_message(USER, location={"latitude": 23.0, "longitude": 113.7})})
    updates = await bot.get_updates(timeout=0)
    assert updates[0].message and updates[0].message.sticker
    assert updates[1].edited_message and updates[1].edited_message.text == "fixed"
    assert updates[2].message and updates[2].message.location
    assert [u.update_id for u in updates] == sorted({u.update_id for u in updates})
    messages = await bot.get_updates(offset=updates[1].update_id, allowed_updates=["message"])
    assert [u.update_id for u in messages] == [updates[2].update_id]  # the edit is filtered


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"text": "x" * 4097}, "Message is too long"),
        ({"text": "  "}, "Message text is empty"),
        ({"text": "<b>bold", "parse_mode": "HTML"}, "Can't parse entities"),
        ({"text": "1 < 2", "parse_mode": "HTML"}, "Can't parse entities"),
        ({"text": "<div>x</div>", "parse_mode": "HTML"}, "Can't parse entities"),
        (
            {
                "text": "x",
                "reply_markup": InlineKeyboardMarkup([[InlineKeyboardButton("b", callback_data="é" * 32 + "x")]]),
            },
            "Button_data_invalid",
        ),
        (
            {
                "text": "x",
                "reply_markup": InlineKeyboardMarkup(
                    [[InlineKeyboardButton(str(i), callback_data=str(i))] for i in range(101)]
                ),
            },
            "Reply markup is too long",
        ),
    ],
)
async def test_telegram_limits_surface_as_bad_request(
    api: FakeBotApi, bot: Bot, kwargs: dict[str, object], fragment: str
) -> None:
    with pytest.raises(BadRequest, match=fragment):
        await bot.send_message(USER, **kwargs)  # type: ignore[arg-type]
    assert api.sent() == [] and api.calls[-1].status == 400


async def test_limits_accept_exact_maximum(api: FakeBotApi, bot: Bot) -> None:
    button = InlineKeyboardButton("b", callback_data="é" * 32)  # exactly 64 bytes
    await bot.send_message(
        USER, "<b>" + "好" * 4096 + "</b>", parse_mode="HTML", reply_markup=InlineKeyboardMarkup([[button]])
    )
    message = await bot.send_message(USER, "plain")
    with pytest.raises(BadRequest, match="Message is not modified"):
        await message.edit_text("plain")
    api.mark_chat_missing(999)
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(999, "hi")


async def test_housekeeping_methods_parse_in_ptb(api: FakeBotApi, bot: Bot) -> None:
    await bot.set_my_commands([BotCommand("start", "开始"), BotCommand("help", "帮助")])
    assert [c.command for c in await bot.get_my_commands()] == ["start", "help"]
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Start!", "x")])
    assert await bot.delete_my_commands() and await bot.get_my_commands() == ()
    assert await bot.set_chat_menu_button(USER, MenuButtonCommands())
    assert await bot.send_chat_action(USER, ChatAction.TYPING)
    keyboard = ReplyKeyboardMarkup([["是", "否"]], one_time_keyboard=True)
    asked = await bot.send_message(
        USER, "https://example.org", reply_markup=keyboard, link_preview_options=LinkPreviewOptions(is_disabled=True)
    )
    assert asked.reply_markup is None  # Telegram never echoes reply keyboards
    assert asked.link_preview_options and asked.link_preview_options.is_disabled
    assert api.sent(USER)[0]["reply_markup"]["keyboard"] == [[{"text": "是"}, {"text": "否"}]]
    assert await asked.delete() and api.sent(USER) == []
    assert len(api.sent(USER, include_deleted=True)) == 1
    assert (await bot.get_webhook_info()).pending_update_count == 0


@pytest.mark.parametrize(
    "text",
    [
        "a &lt;b&gt; &amp; &#128512; &quot;",
        '<a href="https://x.org/?a=1&amp;b=2">x</a>',
        '<span class="tg-spoiler">s</span><tg-spoiler>t</tg-spoiler>',
        "<B>up</B><i><u>n</u></i>",
        '<pre><code class="language-python">x = 1</code></pre><blockquote>q</blockquote>',
    ],
)
def test_html_subset_accepts(text: str) -> None:
    parse_html(text)


@pytest.mark.parametrize("text", ["a & b", "a > b", "<b><i>x</b></i>", "</b>", "<span>x</span>", "<br>", "<b"])
def test_html_subset_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_html(text)


async def test_faults_surface_as_ptb_exceptions(api: FakeBotApi, bot: Bot, monkeypatch: pytest.MonkeyPatch) -> None:
    # Without PTB_TIMEDELTA, building RetryAfter emits a PTBDeprecationWarning, which this
    # project's warnings-as-errors setting turns into an exception instead of RetryAfter.
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    api.fail_next("sendMessage", 429, retry_after=7)
    with pytest.raises(RetryAfter) as excinfo:
        await bot.send_message(USER, "hi")
    assert excinfo.value.retry_after.total_seconds() == 7  # type: ignore[union-attr]
    api.fail_next("sendMessage", 502, count=2)
    for _ in range(2):
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await bot.send_message(USER, "hi")
    api.block_user(USER)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(USER, "hi")
    api.unblock_user(USER)
    assert (await bot.send_message(USER, "hi")).text == "hi"
    assert api.stats.errors_429 == 1 and api.stats.sent == 1


async def test_enforced_rate_limits_and_delay(api: FakeBotApi, bot: Bot, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    api.enforce_limits(global_per_second=2, per_chat_per_second=1)
    await bot.send_message(1, "a")
    with pytest.raises(RetryAfter):
        await bot.send_message(1, "b")
    await bot.send_message(2, "c")
    with pytest.raises(RetryAfter):  # global window is full now
        await bot.send_message(3, "d")
    assert api.stats.per_chat == {1: 1, 2: 1} and api.stats.errors_429 == 2
    api.enforce_limits(None, None)
    api.delay("sendMessage", 0.3)
    started = time.monotonic()
    await bot.send_message(1, "slow")
    assert time.monotonic() - started >= 0.3


async def test_wire_protocol(api: FakeBotApi) -> None:
    async with aiohttp.ClientSession() as http:
        url = f"{api.base_url}{TOKEN}"
        async with http.post(f"{api.base_url}999:nope/getMe") as resp:
            assert resp.status == 401
            assert await resp.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
        async with http.post(f"{url}/frobnicate") as resp:
            assert resp.status == 404 and (await resp.json())["description"] == "Not Found"
        async with http.post(f"{url}/sendMessage", json={"chat_id": 7, "text": "json"}) as resp:
            assert (await resp.json())["result"]["text"] == "json"
        async with http.post(f"{url}/sendMessage", data={"chat_id": "7", "text": "123"}) as resp:
            assert (await resp.json())["result"]["text"] == "123"
        assert api.calls[-1].params == {"chat_id": 7, "text": "123"}  # String params stay str
        async with http.post(f"{url}/sendVoice", data={"chat_id": "7", "voice": "x"}) as resp:
            assert (await resp.json())["result"]["chat"]["id"] == 7  # generic fallback
        api.fail_next("getMe", 429, retry_after=3)
        async with http.get(f"{url}/getMe") as resp:
            assert resp.status == 429 and (await resp.json())["parameters"] == {"retry_after": 3}


async def test_long_polling(api: FakeBotApi) -> None:
    async with aiohttp.ClientSession() as http:
        url = f"{api.base_url}{TOKEN}/getUpdates"

        async def poll(**params: str) -> tuple[float, list[dict[str, object]]]:
            started = time.monotonic()
            async with http.post(url, data=params) as resp:
                return time.monotonic() - started, (await resp.json())["result"]

        waiting = asyncio.create_task(poll(timeout="5"))
        await asyncio.sleep(0.2)
        first = api.send_text(USER, "wake up")
        elapsed, updates = await waiting
        assert elapsed < 2 and updates == [first]
        second = api.send_text(USER, "again")
        assert (await poll(offset=str(first["update_id"])))[1] == [first, second]
        assert (await poll(offset=str(second["update_id"] + 1)))[1] == []
        assert (await poll(offset=str(first["update_id"])))[1] == []  # confirmed, gone
        elapsed, updates = await poll(timeout="0.3")
        assert updates == [] and elapsed >= 0.3
        pending = asyncio.create_task(poll(timeout="30"))
        await asyncio.sleep(0.1)
        await api.stop()
        elapsed, updates = await asyncio.wait_for(pending, 3)
        assert updates == []


async def test_wait_for_message_failure_is_readable(api: FakeBotApi, bot: Bot) -> None:
    await bot.send_message(1, "to someone else")
    with pytest.raises(AssertionError) as excinfo:
        await api.wait_for_message(2, timeout=0.2)
    report = str(excinfo.value)
    assert "No new message to chat 2 within 0.2s" in report
    assert "chat 1 #1: 'to someone else'" in report and "sendMessage" in report
