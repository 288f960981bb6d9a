"""The web console served beside the running Telegram bot (the runtime, bot/app.py), end to end over Telegram's wire
protocol: an admin asks for a link in the chat, logs in, approves a notice in the browser's place, and the
followers get it over Telegram through the bot's outbox while the author is told in their chat."""

from __future__ import annotations

import copy
import re

import aiohttp

from bot.app import build_conversation
from bot.settings import Settings
from bot.store import Store
from tests.running import running_bot

ADMIN, AMBASSADOR, FOLLOWER = 500, 700, 801


async def test_the_telegram_bot_serves_the_console_and_an_approval_there_reaches_students(api, telegram_env, kb, seed, clock):
    settings = Settings.from_env({**telegram_env, "ADMIN_IDS": str(ADMIN), "QUIET_HOURS": "00:00-00:00"})
    store = Store.open(settings.database_path, clock)
    store.seed_faq(*seed)
    conversation = build_conversation(settings, store, copy.copy(kb))
    store.set_subscription("telegram", str(FOLLOWER), city="武汉")
    store.grant_role("telegram", str(AMBASSADOR), "ambassador", "cli", city="武汉")
    notice = store.create_announcement(f"telegram:{AMBASSADOR}", "武大专场招聘会周六见", "武汉", "", store.stamp(), False, "pending")
    try:
        async with running_bot(conversation) as runtime:
            web = runtime.web
            api.send_text(ADMIN, "/console")
            link = re.search(r"http\S+", (await api.wait_for_message(ADMIN))["text"]).group()
            assert link.startswith(f"{web.url}/login?token=")
            async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
                async with http.post(f"{web.url}/login", data={"token": link.split("token=")[1]}) as response:
                    assert response.status == 200
                async with http.get(f"{web.url}/notices") as response:
                    page = await response.text()
                    assert "武大专场招聘会周六见" in page
                csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
                async with http.post(f"{web.url}/notices/{notice}/approve", data={"csrf": csrf}) as response:
                    assert response.status == 200
            delivered = await api.wait_for_message(FOLLOWER, timeout=10)
            assert "武大专场招聘会周六见" in delivered["text"]
            told = await api.wait_for_message(AMBASSADOR, timeout=10)
            assert f"#{notice}" in told["text"]
        assert runtime.web is None  # stopped with the outbox: the port is given back
        assert store.announcement(notice).reviewed_by == f"telegram:{ADMIN}"
    finally:
        store.close()
