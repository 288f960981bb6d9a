"""What one answered WeChat question costs the store: the retry claim, then the turn in one transaction."""

from __future__ import annotations

from dataclasses import replace

from aiohttp.test_utils import TestClient, TestServer

from bot.channels.wechat.inbound import INBOUND, build_wechat_app
from tests.store.test_per_question import commits, traced
from tests.wechat_client import WeChatClient

TOKEN, APP_ID = "test-token", "wx0123456789abcdef"


async def test_an_answered_wechat_question_is_two_commits(settings, conversation, store):
    app = build_wechat_app(replace(settings, wechat_token=TOKEN, wechat_app_id=APP_ID, wechat_app_secret="s"),
                           conversation)  # fmt: skip
    async with TestClient(TestServer(app)) as http:
        wechat = WeChatClient(http, TOKEN, clock=store.clock, app_id=APP_ID)
        await wechat.post(wechat.text("oStudent-1", "就业见习补贴怎么申请"))  # registers the student
        with traced(store) as statements:
            response = await wechat.post(wechat.text("oStudent-1", "就业见习补贴怎么申请"))
        await app[INBOUND].idle()
    assert "见习" in response.content
    print(f"\n{len(statements)} statements, {commits(statements)} commits:", *statements, sep="\n  ")
    # The claim on the message id commits first (another process may race for a retry); the rest is one.
    # Before issue 17: 51 statements, 7 commits (claim, its clean-up, seen, reachable, topic, log, choices).
    assert commits(statements) == 2
    assert len(statements) <= 16
