"""The WeChat callback server against a stand-in for WeChat (tests/wechat_client.py) and the real core."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import copy
import time
import urllib.parse
import urllib.request
from dataclasses import replace
from datetime import timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot import texts
from bot.channels.wechat.inbound import INBOUND, build_wechat_app, purge_unfollowed
from bot.channels.wechat.menu_keys import MENU_KEYS
from bot.channels.wechat.messages import text_reply
from bot.fairs import texts as fair_texts
from bot.fairs.desk import fair_when
from bot.faq import texts as faq_texts
from bot.notices import texts as notice_texts
from bot.notices.delivery import OutgoingMessage
from bot.people import texts as people_texts
from bot.replies import Button, Reply, Request
from bot.store import iso
from tests.wechat_client import WeChatClient, new_aes_key, sign

TOKEN, APP_ID = "test-token", "wx0123456789abcdef"
STUDENT, OTHER = "oStudent-1", "oStudent-2"
QUESTION = "百校千人实习补贴能拿多少钱？"


class Pushes(list):
    """The push callback: records (channel, external_id, message)."""

    async def __call__(self, channel: str, external_id: str, message: OutgoingMessage) -> None:
        self.append((channel, external_id, message))


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
            yield WeChatClient(http, TOKEN, clock=conversation.store.clock, app_id=APP_ID, aes_key=client_key)
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
        stale = str(wechat.time() - 3600)
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


@pytest.mark.parametrize("safe", [False, True])
async def test_an_unknown_encoding_declared_in_a_signed_body_is_a_quiet_refusal(serve, conversation, caplog, safe):
    key = new_aes_key() if safe else ""
    async with serve(client_key=key, wechat_aes_key=key) as wechat:
        body = '<?xml version="1.0" encoding="x-evil"?>' + wechat.text(STUDENT, QUESTION)
        response = await wechat.post(body)
    assert response.status == 400
    assert not [r for r in caplog.records if r.levelname in ("ERROR", "CRITICAL")]
    assert logged(conversation) == [] and conversation.store.count_users() == 0


@pytest.mark.parametrize("encoding", ["x-evil", "rot13", "base64", "utf-7", "UTF-16"])
def test_parse_xml_refuses_any_declared_encoding_but_utf8(encoding):
    from bot.channels.wechat.xml_safety import BadXml, parse_xml

    body = f'<?xml version="1.0" encoding="{encoding}"?><xml><A>1</A></xml>'
    with pytest.raises(BadXml):
        parse_xml(body)
    assert parse_xml('<?xml version="1.0" encoding="UTF-8"?><xml><A>1</A></xml>') == {"A": "1"}


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
        assert (faq_texts.SUGGEST in suggest.content or faq_texts.SUGGEST_ONE in suggest.content) and "回复 1：" in suggest.content
        first = suggest.content.split("回复 1：")[1].split("\n")[0]
        picked = await wechat.post(wechat.text(STUDENT, "１"))  # full-width, as Chinese keyboards type it
    assert picked.content.startswith(f"【{first}】")
    [question] = logged(conversation)
    assert question.resolution == "picked"


async def test_a_number_no_live_choice_has_is_answered_as_such_and_not_logged(serve, conversation):
    async with serve() as wechat:
        nothing = await wechat.post(wechat.text(OTHER, "1"))  # nothing to choose from yet
        await wechat.post(wechat.text(OTHER, QUESTION))  # choices now (👍 👎 …), but no 99th
        gone = await wechat.post(wechat.text(OTHER, "99"))
        still = await wechat.post(wechat.text(OTHER, "1"))  # the answer's choices were left alone
    assert nothing.content == texts.WECHAT_CHOICE_GONE.format(n=1) and gone.content == texts.WECHAT_CHOICE_GONE.format(n=99)
    assert [q.text for q in logged(conversation)] == [QUESTION]  # the numbers are not questions
    assert still.content == faq_texts.RATED and conversation.store.last_seen("wechat", OTHER)


async def test_a_pushed_messages_choice_stays_live_after_the_student_writes_something_else(serve, conversation):
    store = conversation.store
    store.set_subscription("wechat", STUDENT, city="武汉")
    first = store.number_push("wechat", STUDENT, [("unsub:city", "🔕 不再接收武汉的通知", False)])  # a notice
    async with serve() as wechat:
        answer = await wechat.post(wechat.text(STUDENT, QUESTION))
        assert "回复 1：" not in answer.content and f"回复 {first + 1}：👍 有帮助" in answer.content  # around it
        stopped = await wechat.post(wechat.text(STUDENT, str(first)))
    assert notice_texts.BUTTON_CHANGE_SUBS in stopped.content or "不再" in stopped.content
    assert store.subscription("wechat", STUDENT).city in ("", None)


async def test_an_irreversible_choice_needs_the_confirmation_word_not_one_digit(serve, conversation):
    store = conversation.store
    async with serve() as wechat:
        await wechat.post(wechat.text(STUDENT, QUESTION))
        asked = await wechat.post(wechat.text(STUDENT, "/forgetme"))
        [n] = [c.n for k in range(1, 10) if (c := store.choice("wechat", STUDENT, k)) and c.action == "me:forget:yes"]
        word = texts.WECHAT_CONFIRM_WORD
        assert f"回复 {word}{n}：{people_texts.BUTTON_FORGET_YES}" in asked.content
        bare = await wechat.post(wechat.text(STUDENT, str(n)))
        assert bare.content == texts.WECHAT_NEEDS_CONFIRM.format(label=people_texts.BUTTON_FORGET_YES, word=word, n=n)
        assert logged(conversation)  # nothing was deleted
        done = await wechat.post(wechat.text(STUDENT, f"{word} {n}"))
    assert done.content == people_texts.FORGOTTEN and logged(conversation) == []


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
    assert "\n".join([response.content, *(p[2].text for p in pushes)]) == long


@pytest.fixture
def slow_core(conversation, monkeypatch):
    """The core takes 0.3 s a turn (blocking the event loop, as a slow turn does); returns the requests it got."""
    handle, calls = conversation.handle, []

    def slow(request):
        calls.append(request)
        time.sleep(0.3)
        return handle(request)

    monkeypatch.setattr(conversation, "handle", slow)
    return calls


async def test_a_slow_answer_is_pushed_after_an_immediate_success(serve, conversation, pushes, slow_core):
    async with serve(deadline=0.1) as wechat:
        message = wechat.text(STUDENT, QUESTION)
        response = await wechat.post(message)
        retry = await wechat.post(message)
    assert (response.body, retry.body) == ("success", "success")
    [(channel, user, message)] = pushes
    assert (channel, user) == ("wechat", STUDENT) and "9000元" in message.text
    assert len(logged(conversation)) == 1


async def test_replies_for_someone_else_are_pushed_to_them(serve, conversation, pushes, monkeypatch):
    monkeypatch.setattr(
        conversation, "handle", lambda request: [Reply("已提交审核"), Reply("请审核", to=("wechat", "oAdmin"))]
    )
    async with serve() as wechat:
        response = await wechat.post(wechat.text(STUDENT, "通知"))
    assert response.content == "已提交审核"
    assert list(pushes) == [("wechat", "oAdmin", OutgoingMessage("请审核"))]


async def test_a_reply_for_a_telegram_admin_keeps_its_buttons(serve, conversation, pushes, monkeypatch):
    """A WeChat ambassador's approval request reaches a Telegram admin with real buttons, not "回复 1" lines."""
    review = Reply("请审核", title="通知 #1", buttons=((Button("✅ 通过", "an:ok:1"), Button("❌ 驳回", "an:no:1")),
                                                       (Button("报名", url="https://e.org"),)), to=("telegram", "500"))  # fmt: skip
    monkeypatch.setattr(conversation, "handle", lambda request: [Reply("已提交审核"), review])
    async with serve() as wechat:
        await wechat.post(wechat.text(STUDENT, "通知"))
    [(channel, user, message)] = pushes
    assert (channel, user) == ("telegram", "500") and message == OutgoingMessage.from_reply(review)
    assert message.buttons == (("✅ 通过", "an:ok:1"), ("❌ 驳回", "an:no:1")) and "回复" not in message.text


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
        plain = WeChatClient(wechat.http, TOKEN, clock=wechat.clock, app_id=APP_ID)  # WeChat's compatibility format without Encrypt
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
    now = store.clock.now()
    assert purge_unfollowed(store, now, 30) == 0  # within the retention period
    assert purge_unfollowed(store, now + timedelta(days=31), 30) == 1
    assert store.subscription("wechat", STUDENT) is None and store.logged_questions() == []
    assert store.user_name("wechat", STUDENT) == "" and store.count_users() == 1
    assert store.subscription("wechat", OTHER).city == "武汉"


# -- review fixes ---------------------------------------------------------------------------


async def test_a_non_ascii_signature_is_refused_not_an_error(serve, conversation):
    """hmac.compare_digest raises TypeError on non-ASCII str: that must be a 403, not a 500."""
    async with serve() as wechat:
        assert (await wechat.verify(signature="签名" * 20)).status == 403
        assert (
            await wechat.post(wechat.text(STUDENT, QUESTION), query={**wechat.query(), "signature": "é"})
        ).status == 403
    key = new_aes_key()
    async with serve(wechat_aes_key=key) as wechat:
        query = {**wechat.query(), "encrypt_type": "aes", "msg_signature": "签名"}
        assert (await wechat.post("<xml><Encrypt><![CDATA[abc]]></Encrypt></xml>", query=query)).status == 403
    assert logged(conversation) == [] and conversation.store.count_users() == 0


async def test_a_signed_query_cannot_carry_another_body(serve, conversation):
    """In plaintext mode the signature does not cover the body: a captured query must not carry a forged one."""
    async with serve() as wechat:
        query = wechat.query()
        message = wechat.text(STUDENT, QUESTION, msg_id="501")
        assert (await wechat.post(message, query=query)).status == 200
        assert (await wechat.post(message, query=query)).status == 200  # WeChat's retry: same body
        forged = await wechat.post(wechat.text(OTHER, "/subscribe", msg_id="502"), query=query)
        assert forged.status == 403
    assert [q.external_id for q in logged(conversation)] == [STUDENT]
    assert conversation.store.last_seen("wechat", OTHER) is None


def test_safe_mode_replies_use_a_fresh_unpredictable_prefix(wechat_settings):
    """wechatpy pads with random.sample (Mersenne Twister); with a fixed IV that prefix is the real IV."""
    import base64
    import random

    from bot.channels.wechat.envelope import Envelope
    from tests.wechat_client import fields

    key = new_aes_key()
    envelope = Envelope(replace(wechat_settings, wechat_aes_key=key), wechat_settings.clock())
    crypto = envelope.cryptos[0]
    first_blocks = []
    for _ in range(2):
        random.seed(1234)
        sealed = fields(envelope.seal("<xml><Content>同一句话</Content></xml>", crypto))
        first_blocks.append(base64.b64decode(sealed["Encrypt"])[:16])
    assert first_blocks[0] != first_blocks[1]


async def test_two_different_events_in_the_same_second_are_both_handled(serve):
    async with serve() as wechat:
        second = wechat.time()
        helped = await wechat.post(wechat.event(STUDENT, "CLICK", "CMD_HELP", create_time=second))
        faq = await wechat.post(wechat.event(STUDENT, "CLICK", "CMD_FAQ", create_time=second))
        retry = await wechat.post(wechat.event(STUDENT, "CLICK", "CMD_FAQ", create_time=second))
    assert faq.content and faq.content != helped.content
    assert retry.content == faq.content


async def test_reply_text_cannot_break_out_of_its_cdata_or_the_xml(serve, conversation, monkeypatch):
    monkeypatch.setattr(conversation, "handle", lambda request: [Reply("a]]><MsgType>news</MsgType>b\x0bc\x00d")])
    async with serve() as wechat:
        response = await wechat.post(wechat.text(STUDENT, "x"))
    assert response.status == 200 and response.fields["MsgType"] == "text"
    assert response.content == "a]]&gt;&lt;MsgType&gt;news&lt;/MsgType&gt;bcd"  # the text is escaped, then CDATA
    from tests.wechat_client import fields

    raw = text_reply({"FromUserName": STUDENT}, "a]]><MsgType>news</MsgType>b\x0bc", conversation.store.clock.now())
    assert fields(raw)["Content"] == "a]]><MsgType>news</MsgType>bc" and fields(raw)["MsgType"] == "text"


@pytest.fixture
def fair_id(conversation):
    start = conversation.store.clock.now() + timedelta(days=3)
    return conversation.store.add_fair("telegram:1", {
        "title": "松山湖人才招聘会", "kind": "onsite", "city": "东莞", "venue": "会展中心", "starts_at": iso(start),
        "ends_at": iso(start + timedelta(hours=3)), "register_url": "https://example.org/r"})  # fmt: skip


async def test_add_to_calendar_on_wechat_gives_the_fair_to_copy_and_a_reminder(serve, conversation, fair_id):
    """WeChat cannot carry the .ics file: the student gets what to put in the calendar, and 提醒我 as a number."""
    store = conversation.store
    store.number_turn("wechat", STUDENT, [(f"fc:{fair_id}", "📅 加入日历", False)])  # "回复 1：📅 加入日历" under a fair
    async with serve() as wechat:
        calendar = await wechat.post(wechat.text(STUDENT, "1"))
        assert fair_texts.FAIR_CALENDAR.format(title="松山湖人才招聘会") not in calendar.content  # no file promised
        assert "松山湖人才招聘会" in calendar.content and "会展中心" in calendar.content
        assert fair_when(store.fair(fair_id), conversation.settings.timezone) in calendar.content
        assert 'href="https://example.org/r"' in calendar.content
        assert f"回复 1：{fair_texts.BUTTON_FAIR_REMIND.format(n='').strip()}" in calendar.content
        reminded = await wechat.post(wechat.text(STUDENT, "1"))
    assert "⏰" in reminded.content and store.reminders_for("wechat", STUDENT, fair_id)


async def test_a_file_the_core_attaches_is_explained_on_wechat(serve, conversation):
    conversation.store.grant_role("wechat", STUDENT, "admin", "cli")
    async with serve() as wechat:
        exported = await wechat.post(wechat.text(STUDENT, "/export"))
    assert texts.WECHAT_NO_FILE.format(name="faq.xlsx") in exported.content
    assert "文件在这里" not in exported.content


async def test_each_mode_refuses_the_other_modes_messages(serve, conversation, caplog):
    key = new_aes_key()
    async with serve() as plaintext:  # WeChat switched to safe mode, the bot was not told
        encrypted = WeChatClient(plaintext.http, TOKEN, clock=plaintext.clock, app_id=APP_ID, aes_key=key)
        assert (await encrypted.post(encrypted.text(STUDENT, QUESTION))).status == 400
    assert "WECHAT_ENCODING_AES_KEY is not set" in caplog.text
    async with serve(wechat_aes_key=key) as safe:
        assert (await safe.post(safe.text(STUDENT, QUESTION))).status == 403  # no Encrypt, no msg_signature
    assert logged(conversation) == [] and conversation.store.count_users() == 0


async def test_a_message_encrypted_for_another_app_is_refused(serve, conversation):
    key = new_aes_key()
    async with serve(wechat_aes_key=key) as wechat:
        other_app = WeChatClient(wechat.http, TOKEN, clock=wechat.clock, app_id="wx_someone_else", aes_key=key)
        assert (await other_app.post(other_app.text(STUDENT, QUESTION))).status == 400
    assert logged(conversation) == [] and conversation.store.count_users() == 0


async def test_retries_arriving_while_a_slow_answer_runs_do_not_run_the_core_again(serve, conversation, slow_core):
    async with serve(deadline=0.1) as wechat:
        message = wechat.text(STUDENT, QUESTION)
        responses = await asyncio.gather(*(wechat.post(message) for _ in range(3)))
    assert [r.body for r in responses] == ["success"] * 3
    assert len(slow_core) == 1 and len(logged(conversation)) == 1


async def test_a_message_that_failed_before_the_core_is_handled_on_wechats_retry(serve, conversation, monkeypatch):
    """The dedupe key is stored first; if recording the unfollow then fails, the retry must not be dropped."""
    store, real = conversation.store, conversation.store.mark_unfollowed
    failures = [RuntimeError("database is locked")]

    def flaky(*args, **kwargs):
        if failures:
            raise failures.pop()
        return real(*args, **kwargs)

    monkeypatch.setattr(store, "mark_unfollowed", flaky)
    store.set_subscription("wechat", STUDENT, city="武汉")
    async with serve() as wechat:
        unfollow = wechat.event(STUDENT, "unsubscribe")
        assert (await wechat.post(unfollow)).status == 500
        assert (await wechat.post(unfollow)).body == "success"
    assert store.audience("武汉", "") == []


async def test_a_students_markup_is_plain_text_in_a_wechat_admins_unanswered_list(serve, conversation):
    """A question written as an <a href> reaches the admin as characters, never as a live link."""
    conversation.store.grant_role("wechat", "oAdmin", "admin", "cli")
    async with serve() as wechat:
        await wechat.post(wechat.text(STUDENT, '<a href="http://evil.example">火星移民补贴怎么领</a>'))
        response = await wechat.post(wechat.text("oAdmin", "/unanswered"))
    content = response.content
    assert "火星移民补贴怎么领" in content
    assert "<a " not in content and '&lt;a href="http://evil.example"&gt;' in content.replace("&quot;", '"')


async def test_invite_on_wechat_points_to_the_qr_code_not_a_telegram_start_link(serve, conversation):
    conversation.store.grant_role("wechat", "oAmb", "ambassador", "cli", city="武汉", campus="武汉大学")
    code = conversation.store.invite_code("wechat:oAmb")
    async with serve() as wechat:
        reply = await wechat.post(wechat.text("oAmb", "/invite"))
    assert code in reply.content and "wechat qrcodes" in reply.content and "二维码" in reply.content
    assert "/start" not in reply.content and "t.me" not in reply.content


def press(store, openid: str, prefix: str) -> str:
    """What a WeChat user types to press the live choice whose action starts with `prefix`."""
    found = next(c for n in range(1, 100) if (c := store.choice("wechat", openid, n)) and c.action.startswith(prefix))
    return f"{texts.WECHAT_CONFIRM_WORD}{found.n}" if found.confirm else str(found.n)


async def test_the_announce_preview_on_wechat_has_no_live_stop_choice_and_publishing_needs_the_word(
    serve, conversation
):
    store = conversation.store
    store.grant_role("wechat", "oAmb", "ambassador", "cli", city="武汉", campus="武汉大学")
    async with serve() as wechat:
        for text in ("/announce", "武汉站招聘会周六举行", "跳过"):
            await wechat.post(wechat.text("oAmb", text))
        await wechat.post(wechat.text("oAmb", press(store, "oAmb", "an:topic:")))
        preview = await wechat.post(wechat.text("oAmb", press(store, "oAmb", "an:time:")))
        word = texts.WECHAT_CONFIRM_WORD
        assert f"回复 {word}1：{notice_texts.ANNOUNCE_CONFIRM}" in preview.content and "回复 1：🔕" not in preview.content
        assert not any(store.choice("wechat", "oAmb", n).action.startswith("unsub:") for n in (1, 2))
        asked = await wechat.post(wechat.text("oAmb", "1"))
        assert word in asked.content and store.announcements() == []  # one digit publishes nothing
        submitted = await wechat.post(wechat.text("oAmb", f"{word}1"))
    assert "已提交" in submitted.content and [a.status for a in store.announcements()] == ["pending"]


async def test_under_a_backlog_every_reply_comes_within_the_deadline_of_its_arrival(serve, conversation, pushes,
                                                                                     monkeypatch):  # fmt: skip
    """Ten questions at once and four more while they queue, each turn 0.15 s of the loop: every request is
    answered within the deadline of its arrival (+ one turn), passively or "success" then pushed, none twice.
    WeChat's side runs in threads of its own, so its requests arrive while the bot's loop is busy."""
    handle = conversation.handle

    def slow(request):
        time.sleep(0.15)
        return handle(request)

    monkeypatch.setattr(conversation, "handle", slow)
    async with serve(deadline=0.6) as wechat:
        url = str(wechat.http.make_url("/wechat"))
        requests = [(f"oStudent-{i}", 0.0 if i < 10 else 0.05, wechat.query(), wechat.text(f"oStudent-{i}", QUESTION))
                    for i in range(14)]  # fmt: skip

        def ask(student: str, after: float, query: dict[str, str], xml: str) -> tuple[str, str, float]:
            time.sleep(after)
            sent = time.monotonic()
            with urllib.request.urlopen(f"{url}?{urllib.parse.urlencode(query)}", xml.encode(), timeout=10) as r:
                body = r.read().decode()
            return student, body, time.monotonic() - sent

        def everyone() -> list[tuple[str, str, float]]:
            with concurrent.futures.ThreadPoolExecutor(len(requests)) as pool:
                return list(pool.map(lambda args: ask(*args), requests))

        answers = await asyncio.to_thread(everyone)
    assert max(seconds for _, _, seconds in answers) < 0.6 + 0.15 + 0.25, answers
    passive = {student for student, body, _ in answers if body != "success"}
    pushed = [user for _, user, _ in pushes]
    assert passive and pushed and sorted([*passive, *pushed]) == sorted(s for s, _, _ in answers)
