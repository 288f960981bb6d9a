"""One bot process, two channels: Telegram (fake Bot API) and a WeChat Official Account (fake WeChat API).

The real bot runs as `python -m bot run` would with both configured: the Telegram
application, WeChat's callback server on a real port, one core, one outbox.
WeChat's side is played by tests/wechat_client.py (signed, encrypted callbacks)
and tests/fakewechat (the API the bot pushes through).
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import os
import signal
import socket
import sys
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest

from bot import texts
from bot.app import build_conversation
from bot.settings import Settings
from bot.store import Store
from tests.fakebotapi import inline_buttons
from tests.fakewechat import FakeWeChat
from tests.running import running_bot
from tests.wechat_client import WeChatClient, new_aes_key

TOKEN, AMBASSADOR, ADMIN, TELEGRAM_STUDENT = "wx-callback-token", 3, 1, 7001
ROOT = Path(__file__).resolve().parents[3]
NEAR, FAR = "o_near_student", "o_far_student"  # wrote today / last wrote a week ago


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
async def wechat(clock):
    async with FakeWeChat(now=clock.now) as server:
        yield server


@pytest.fixture
def wechat_env(wechat):
    return {
        "WECHAT_TOKEN": TOKEN, "WECHAT_APP_ID": wechat.app_id, "WECHAT_APP_SECRET": wechat.app_secret,
        "WECHAT_ENCODING_AES_KEY": new_aes_key(), "WECHAT_API_BASE_URL": wechat.base_url,
        "WECHAT_HOST": "127.0.0.1", "WECHAT_PORT": str(free_port()), "WECHAT_TEMPLATE_ID": "TPL_NOTICE",
        "ADMIN_IDS": str(ADMIN), "QUIET_HOURS": "00:00-00:00",
    }  # fmt: skip


async def until(predicate, timeout: float = 10.0) -> None:
    for _ in range(int(timeout / 0.05)):
        if predicate():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("timed out")


@contextlib.asynccontextmanager
async def both_channels(start_bot, wechat, wechat_env):
    """The bot on Telegram and WeChat; yields the core and a WeChat client posting to its real port."""
    base = f"http://127.0.0.1:{wechat_env['WECHAT_PORT']}"
    async with start_bot(outbox=True, **wechat_env) as conversation, aiohttp.ClientSession(base_url=base) as http:
        yield conversation, WeChatClient(http, TOKEN, clock=conversation.store.clock, app_id=wechat.app_id,
                                         aes_key=wechat_env["WECHAT_ENCODING_AES_KEY"])  # fmt: skip


async def test_students_on_wechat_and_telegram_get_the_same_notice(api, wechat, wechat_env, start_bot, clock):
    async with both_channels(start_bot, wechat, wechat_env) as (conversation, client):
        store = conversation.store
        store.grant_role("telegram", str(AMBASSADOR), "ambassador", "cli", city="武汉", campus="武汉大学")
        code = store.invite_code(f"telegram:{AMBASSADOR}")

        # Two WeChat students follow the 武汉 ambassador by scanning the QR code; one asks a question.
        for openid in (NEAR, FAR):
            followed = await client.post(client.event(openid, "subscribe", f"qrscene_{code}"))
            assert followed.status == 200 and "武汉" in followed.content
        answer = await client.post(client.text(NEAR, "百校千人实习补贴有多少"))
        assert "实习" in answer.content
        wechat.interact(NEAR)
        wechat.interact(FAR, at=clock.now() - timedelta(days=7))
        store.db.execute("update users set last_seen = ? where external_id = ?",
                         [(clock.now() - timedelta(days=7)).isoformat(timespec="seconds"), FAR])  # fmt: skip
        store.db.conn.commit()
        # A Telegram student follows 武汉 too.
        store.set_subscription("telegram", str(TELEGRAM_STUDENT), city="武汉")

        now = clock.now().isoformat(timespec="seconds")
        notice = store.create_announcement(f"telegram:{ADMIN}", "武汉校友见面会 12 月 5 日举行", "武汉", "", now,
                                           False, "scheduled", link_text="报名", link_url="https://example.org/r")  # fmt: skip

        on_telegram = await api.wait_for_message(TELEGRAM_STUDENT, timeout=10)
        assert "武汉校友见面会" in on_telegram["text"]
        await until(lambda: wechat.sent_texts(NEAR) and wechat.templates(FAR))
        [pushed] = wechat.sent_texts(NEAR)  # inside the 48-hour window: a customer-service message
        stop = number(store, NEAR, "unsub:")  # numbered after the answer's own choices, which stay valid
        assert "武汉校友见面会" in pushed and 'href="https://example.org/r"' in pushed and f"回复 {stop}：" in pushed
        assert number(store, NEAR, "rate:") == "1"
        [template] = wechat.templates(FAR)  # outside it: the configured template message
        assert template["template_id"] == "TPL_NOTICE" and template.get("url") == "https://example.org/r"
        await until(lambda: store.announcement(notice).status == "sent")
        assert store.delivery_counts(notice) == {"sent": 3}

        # The digit under the pushed notice presses its button: stop notices from 武汉.
        stopped = await client.post(client.text(NEAR, stop))
        assert "不再" in stopped.content or "已" in stopped.content
        assert ("wechat", NEAR) not in store.audience("武汉", "")
        assert ("wechat", FAR) in store.audience("武汉", "")

        report = await api.wait_for_message(ADMIN, lambda m: "发送完成" in m.get("text", ""), timeout=10)
        assert "送达 3" in report["text"]


async def test_an_unfollowed_wechat_student_is_not_pushed_to(api, wechat, wechat_env, start_bot, clock):
    async with both_channels(start_bot, wechat, wechat_env) as (conversation, client):
        store = conversation.store
        store.set_subscription("wechat", NEAR, city="武汉")
        await client.post(client.text(NEAR, "你好"))
        await client.post(client.event(NEAR, "unsubscribe"))
        wechat.unfollow(NEAR)
        assert store.audience("武汉", "") == []
        now = clock.now().isoformat(timespec="seconds")
        notice = store.create_announcement(f"telegram:{ADMIN}", "通知", "武汉", "", now, False, "scheduled")
        await until(lambda: store.announcement(notice).status == "sent")
        assert wechat.sent_texts(NEAR) == [] and store.delivery_counts(notice) == {}


async def test_the_run_command_with_only_wechat_settings_serves_wechat(wechat, wechat_env, tmp_path, clock):
    """`python -m bot run` with WECHAT_* and no Telegram token: URL verification, a question, a notice pushed
    through the fake WeChat API, a clean SIGTERM; neither the app secret nor the access_token in the log."""
    store = Store.open(tmp_path / "bot.db", clock)
    store.touch_user("wechat", NEAR)
    store.set_subscription("wechat", NEAR, city="武汉")
    now = clock.now().isoformat(timespec="seconds")
    store.create_announcement("telegram:1", "武汉校友见面会", "武汉", "", now, False, "scheduled")
    store.close()
    wechat.interact(NEAR)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WECHAT_"))}
    env.update({**wechat_env, "DATABASE_PATH": str(tmp_path / "bot.db"), "CONTACT_PHONE": "0769-12345678",
                "PYTHONPATH": str(ROOT), "LOG_LEVEL": "DEBUG"})  # fmt: skip
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    base = f"http://127.0.0.1:{wechat_env['WECHAT_PORT']}"
    try:
        async with aiohttp.ClientSession(base_url=base) as http:
            client = WeChatClient(http, TOKEN, clock=clock, app_id=wechat.app_id, aes_key=wechat_env["WECHAT_ENCODING_AES_KEY"])
            for _ in range(600):  # the knowledge base takes a few seconds to index
                with contextlib.suppress(aiohttp.ClientConnectionError):
                    verified = await client.verify("hello-wechat")
                    break
                assert process.returncode is None, (await process.stderr.read()).decode()
                await asyncio.sleep(0.1)
            assert (verified.status, verified.body) == (200, "hello-wechat")
            answer = await client.post(client.text(NEAR, "百校千人实习补贴有多少"))
            assert answer.status == 200 and "9000元" in answer.content
            await until(lambda: wechat.sent_texts(NEAR))
            assert "武汉校友见面会" in wechat.sent_texts(NEAR)[0]
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    log = stderr.decode()
    assert process.returncode == 0, log
    assert wechat.app_secret not in log and "TOKEN-" not in log  # neither the secret nor the token is logged


def number(store, openid: str, prefix: str) -> str:
    """What to type to press the WeChat choice whose action starts with `prefix`: its number, after the
    confirmation word for a choice that cannot be undone."""
    choices = [c for n in range(1, 100) if (c := store.choice("wechat", openid, n))]
    found = next(c for c in choices if c.action.startswith(prefix))
    return f"{texts.WECHAT_CONFIRM_WORD}{found.n}" if found.confirm else str(found.n)


async def test_a_wechat_ambassadors_notice_is_reviewed_by_a_telegram_admin(api, wechat, wechat_env, start_bot):
    """Across channels: the approval request reaches the Telegram admin with its buttons, the result the author."""
    ambassador = "o_ambassador"
    async with both_channels(start_bot, wechat, wechat_env) as (conversation, client):
        store = conversation.store
        store.grant_role("wechat", ambassador, "ambassador", "cli", city="武汉", campus="武汉大学")
        wechat.interact(ambassador)
        await client.post(client.text(ambassador, "/announce"))
        await client.post(client.text(ambassador, "武汉站校园招聘会本周六举行"))
        await client.post(client.text(ambassador, "跳过"))
        await client.post(client.text(ambassador, number(store, ambassador, "an:topic:")))
        await client.post(client.text(ambassador, number(store, ambassador, "an:time:")))
        submitted = await client.post(client.text(ambassador, number(store, ambassador, "an:go:")))
        assert "已提交" in submitted.content

        who = await api.wait_for_message(ADMIN, timeout=10)
        assert "微信用户" in who["text"] and f"wechat:{ambassador}" not in who["text"]  # readable, no internal id
        review = await api.wait_for_message(ADMIN, timeout=10)
        assert review["text"].startswith("📢 武汉站校园招聘会") and "回复" not in review["text"]
        approve = next(
            b["callback_data"] for b in inline_buttons(review) if b.get("callback_data", "").startswith("an:ok:")
        )
        api.press_button(ADMIN, review, approve)
        assert "已通过" in (await api.wait_for_message(ADMIN, timeout=10))["text"]
        await until(lambda: any("已审核通过" in t for t in wechat.sent_texts(ambassador)))


async def test_stopping_the_bot_lets_a_wechat_notice_on_the_wire_arrive_once(
    api, wechat, wechat_env, telegram_env, kb, seed, clock):
    """Shutdown stops the outbox before closing WeChat's client: a send in flight completes and is not repeated."""
    settings = Settings.from_env({**telegram_env, **wechat_env})
    store = Store.open(settings.database_path, clock)
    store.seed_faq(*seed)
    store.touch_user("wechat", NEAR)
    store.set_subscription("wechat", NEAR, city="武汉")
    wechat.interact(NEAR)
    wechat.send_delay = 1.0
    try:
        async with running_bot(build_conversation(settings, store, copy.copy(kb))) as runtime:
            now = clock.now().isoformat(timespec="seconds")
            notice = store.create_announcement(f"telegram:{ADMIN}", "通知", "武汉", "", now, False, "scheduled")
            runtime.outbox.release_now()
            await until(lambda: wechat.calls_to("message/custom/send"))  # on the wire, answered in 1 s
        [delivery] = store.db["deliveries"].rows_where("announcement_id = ?", [notice])
        assert (delivery["status"], delivery["attempts"]) == ("sent", 1)
        assert len(wechat.sent_texts(NEAR)) == 1
    finally:
        store.close()
