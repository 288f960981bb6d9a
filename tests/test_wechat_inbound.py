"""The WeChat callback server against a stand-in for WeChat (tests/wechat_client.py) and the real core."""

from __future__ import annotations

import contextlib
import copy
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot import texts
from bot.replies import Reply, Request
from bot.wechat.inbound import INBOUND, build_wechat_app, purge_unfollowed
from bot.wechat.menu_keys import MENU_KEYS
from tests.wechat_client import WeChatClient, new_aes_key, sign

TOKEN, APP_ID = "test-token", "wx0123456789abcdef"
STUDENT, OTHER = "oStudent-1", "oStudent-2"
QUESTION = "百校千人实习补贴能拿多少钱？"


class Pushes(list):
    """The push callback: records (channel, external_id, text)."""

    async def __call__(self, channel: str, external_id: str, text: str) -> None:
        self.append((channel, external_id, text))


@pytest.fixture
def wechat_settings(settings):
    return replace(settings, wechat_token=TOKEN, wechat_app_id=APP_ID, wechat_app_secret="secret")


@pytest.fixture
def pushes():
    return Pushes()


@pytest.fixture
def serve(wechat_settings, conversation, pushes):
    """`async with serve(aes_key=…) as wechat:` runs the app; `wechat` posts like WeChat's servers."""

    @contextlib.asynccontextmanager
    async def start(client_key: str = "", deadline: float = 4.5, **settings_changes):
        app = build_wechat_app(
            replace(wechat_settings, **settings_changes), conversation, push=pushes, deadline=deadline
        )
        async with TestClient(TestServer(app)) as http:
            yield WeChatClient(http, TOKEN, app_id=APP_ID, aes_key=client_key)
            await app[INBOUND].idle()

    return start


def logged(conversation):
    return conversation.store.logged_questions()


# -- verification and refusals -------------------------------------------------------


async def test_url_verification_echoes_only_for_a_good_signature(serve):
    async with serve() as wechat:
        good = await wechat.verify("abc123")
        assert (good.status, good.body) == (200, "abc123")
        assert (await wechat.verify(signature="0" * 40)).status == 403
        assert (await wechat.http.get("/wechat", params={"echostr": "x"})).status == 403
        stale = str(int(time.time()) - 3600)
        assert (await wechat.verify(**wechat.query(timestamp=stale))).status == 403


async def test_a_bad_signature_on_a_post_is_refused_without_side_effects(serve, conversation):
    async with serve() as wechat:
        forged = {**wechat.query(), "signature": sign("wrong-token", "1", "2")}
        response = await wechat.post(wechat.text(STUDENT, QUESTION), query=forged)
        assert response.status == 403
        assert (await wechat.post(wechat.text(STUDENT, QUESTION), query={})).status == 403
    assert logged(conversation) == [] and conversation.store.count_users() == 0


BOMB = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<xml><ToUserName>gh</ToUserName><FromUserName>oStudent-1</FromUserName><MsgType>text</MsgType>
<Content>&lol3;</Content><MsgId>1</MsgId></xml>"""
XXE = """<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<xml><ToUserName>gh</ToUserName><FromUserName>oStudent-1</FromUserName><MsgType>text</MsgType>
<Content>&xxe;</Content><MsgId>2</MsgId></xml>"""


@pytest.mark.parametrize("body", [BOMB, XXE, "<xml><Content>", "not xml at all", "<html><body/></html>"])
async def test_hostile_or_broken_xml_is_refused_without_side_effects(serve, conversation, body):
    async with serve() as wechat:
        assert (await wechat.post(body)).status == 400
    assert logged(conversation) == [] and conversation.store.count_users() == 0


async def test_an_oversized_body_is_refused_before_parsing(serve, conversation):
    async with serve() as wechat:
        response = await wechat.post(wechat.text(STUDENT, "补贴" * 20_000))
        assert response.status == 413
    assert logged(conversation) == []


# -- answering ---------------------------------------------------------------------------


async def test_a_question_gets_the_faq_answer_as_the_passive_reply(serve, conversation):
    async with serve() as wechat:
        response = await wechat.post(wechat.text(STUDENT, QUESTION))
    assert response.status == 200
    assert response.fields["ToUserName"] == STUDENT and response.fields["MsgType"] == "text"
    assert "9000元" in response.content and "回复 1：👍 有帮助" in response.content
    [question] = logged(conversation)
    assert (question.channel, question.external_id, question.faq_id) == ("wechat", STUDENT, "internship-subsidy")
    assert conversation.store.user("wechat", STUDENT)["last_seen"]


async def test_did_you_mean_is_answered_with_a_digit(serve, conversation):
    conversation.kb = copy.copy(conversation.kb)
    conversation.kb.answer_threshold = 1.01  # a real match lands in the "unsure" band
    async with serve() as wechat:
        suggest = await wechat.post(wechat.text(STUDENT, "补贴"))
        assert texts.SUGGEST in suggest.content and "回复 1：" in suggest.content
        first = suggest.content.split("回复 1：")[1].split("\n")[0]
        picked = await wechat.post(wechat.text(STUDENT, "１"))  # full-width, as Chinese keyboards type it
    assert picked.content.startswith(f"【{first}】")
    [question] = logged(conversation)
    assert question.resolution == "picked"


async def test_a_digit_without_live_choices_is_an_ordinary_question(serve, conversation):
    async with serve() as wechat:
        await wechat.post(wechat.text(OTHER, "1"))  # nothing to choose from yet
        await wechat.post(wechat.text(OTHER, "99"))  # choices now, but no 99th
    assert [q.text for q in logged(conversation)] == ["1", "99"]


async def test_wechat_retries_are_answered_but_handled_once_even_after_a_restart(serve, conversation):
    async with serve() as wechat:
        message = wechat.text(STUDENT, QUESTION, msg_id="777")
        replies = [await wechat.post(message) for _ in range(3)]
    assert all(r.status == 200 for r in replies)
    assert {r.content for r in replies} == {replies[0].content} and "9000元" in replies[0].content
    async with serve() as restarted:  # a retry that reaches a new process
        again = await restarted.post(message)
    assert (again.status, again.body) == (200, "success")
    assert len(logged(conversation)) == 1


async def test_an_answer_longer_than_one_message_is_continued_by_push(serve, conversation, pushes, monkeypatch):
    long = "\n".join(f"第{i}行：" + "政策" * 40 for i in range(30))
    monkeypatch.setattr(conversation, "handle", lambda request: [Reply(long)])
    async with serve() as wechat:
        response = await wechat.post(wechat.text(STUDENT, "长"))
    assert response.content.startswith("第0行")
    assert pushes and all(p[:2] == ("wechat", STUDENT) for p in pushes)
    assert "\n".join([response.content, *(p[2] for p in pushes)]) == long


async def test_a_slow_answer_is_pushed_after_an_immediate_success(serve, conversation, pushes, monkeypatch):
    handle = conversation.handle

    def slow(request):
        time.sleep(0.3)
        return handle(request)

    monkeypatch.setattr(conversation, "handle", slow)
    async with serve(deadline=0.1) as wechat:
        message = wechat.text(STUDENT, QUESTION)
        response = await wechat.post(message)
        retry = await wechat.post(message)
    assert (response.body, retry.body) == ("success", "success")
    [(channel, user, text)] = pushes
    assert (channel, user) == ("wechat", STUDENT) and "9000元" in text
    assert len(logged(conversation)) == 1


async def test_replies_for_someone_else_are_pushed_to_them(serve, conversation, pushes, monkeypatch):
    monkeypatch.setattr(
        conversation, "handle", lambda request: [Reply("已提交审核"), Reply("请审核", to=("wechat", "oAdmin"))]
    )
    async with serve() as wechat:
        response = await wechat.post(wechat.text(STUDENT, "通知"))
    assert response.content == "已提交审核"
    assert list(pushes) == [("wechat", "oAdmin", "请审核")]


async def test_an_image_gets_the_please_type_text(serve):
    async with serve() as wechat:
        assert (await wechat.post(wechat.image(STUDENT))).content == texts.NOT_TEXT


@pytest.mark.parametrize("key", ["CMD_HELP", "CMD_FAIRS", "CMD_SUBSCRIBE"])
async def test_a_menu_click_runs_the_mapped_command(serve, conversation, key):
    kind, name = MENU_KEYS[key]
    [expected] = conversation.handle(Request("wechat", OTHER, kind, name))
    async with serve() as wechat:
        response = await wechat.post(wechat.event(STUDENT, "CLICK", key))
    assert expected.text.split("\n")[0] in response.content


async def test_a_view_event_is_acknowledged_and_changes_nothing(serve, conversation):
    async with serve() as wechat:
        response = await wechat.post(wechat.event(STUDENT, "VIEW", "https://example.com"))
    assert (response.status, response.body) == (200, "success")
    assert conversation.store.count_users() == 0


# -- safe mode ----------------------------------------------------------------------------


async def test_safe_mode_round_trip(serve, conversation):
    key = new_aes_key()
    async with serve(client_key=key, wechat_aes_key=key) as wechat:
        response = await wechat.post(wechat.text(STUDENT, QUESTION))
        assert "9000元" in response.content and response.fields["ToUserName"] == STUDENT
        plain = WeChatClient(wechat.http, TOKEN, app_id=APP_ID)  # WeChat's compatibility format without Encrypt
        assert (await plain.post(plain.text(STUDENT, QUESTION))).status == 403
    assert len(logged(conversation)) == 1


async def test_the_previous_key_still_works_during_a_key_change(serve, conversation):
    old, new = new_aes_key(), new_aes_key()
    async with serve(client_key=old, wechat_aes_key=new, wechat_previous_aes_key=old) as wechat:
        response = await wechat.post(wechat.text(STUDENT, QUESTION))  # the reply is decrypted with the old key
        assert "9000元" in response.content
        newer = await wechat.post(wechat.text(STUDENT, "你好"), encrypt_with=new)
        assert newer.status == 200
        unknown = await wechat.post(wechat.text(STUDENT, "你好"), encrypt_with=new_aes_key())
        assert unknown.status == 400


# -- following -----------------------------------------------------------------------------


@pytest.fixture
def invite_code(conversation):
    conversation.store.grant_role("telegram", "3", "ambassador", "cli", city="武汉", campus="武汉大学")
    return conversation.store.invite_code("telegram:3")


async def test_following_through_an_ambassadors_qr_code_follows_their_city(serve, conversation, invite_code):
    store = conversation.store
    async with serve() as wechat:
        followed = await wechat.post(wechat.event(STUDENT, "subscribe", f"qrscene_{invite_code}"))
        scanned = await wechat.post(wechat.event(OTHER, "SCAN", invite_code))
    assert "武汉" in followed.content and "武汉" in scanned.content
    assert store.subscription("wechat", STUDENT).referred_by == "telegram:3"
    assert set(store.audience("武汉", "")) == {("wechat", STUDENT), ("wechat", OTHER)}


async def test_unfollowing_stops_pushes_and_the_data_is_purged_after_retention(serve, conversation, invite_code):
    store = conversation.store
    async with serve() as wechat:
        await wechat.post(wechat.event(STUDENT, "subscribe", f"qrscene_{invite_code}"))
        await wechat.post(wechat.text(STUDENT, QUESTION))
        await wechat.post(wechat.event(OTHER, "subscribe", f"qrscene_{invite_code}"))
        for user in (STUDENT, OTHER):
            gone = await wechat.post(wechat.event(user, "unsubscribe"))
            assert gone.body == "success"
        assert store.audience("武汉", "") == []
        await wechat.post(wechat.event(OTHER, "subscribe"))  # came back: no purge, pushes again
    assert store.audience("武汉", "") == [("wechat", OTHER)]
    now = datetime.now(UTC)
    assert purge_unfollowed(store, now, 30) == 0  # within the retention period
    assert purge_unfollowed(store, now + timedelta(days=31), 30) == 1
    assert store.subscription("wechat", STUDENT) is None and store.logged_questions() == []
    assert store.user_name("wechat", STUDENT) == "" and store.count_users() == 1
    assert store.subscription("wechat", OTHER).city == "武汉"
