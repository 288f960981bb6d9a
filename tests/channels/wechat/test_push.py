"""The WeChat pushing side against a fake WeChat API (tests/fakewechat): the token, customer-service
messages in the 48-hour window, template messages outside it, error mapping, the sender, the menu."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import settings as settings_profile
from hypothesis import strategies as st

from bot import texts
from bot.channels.wechat.api import WeChatApi, WeChatError
from bot.channels.wechat.menu import MenuError, build_menu, load_menu
from bot.channels.wechat.transport import CS_MESSAGE_ID, KEYWORD_LIMIT, WeChatTransport
from bot.cli import main
from bot.notices.delivery import OutgoingMessage, PermanentFailure, RateLimited, TemporaryFailure, Unreachable
from bot.notices.pacing import SendBudget
from bot.notices.sender import Sender
from bot.settings import Settings, SettingsError
from bot.store import Store
from tests.fakewechat import FakeWeChat

STUDENT = "oStudent-1"
OUTSIDE = timedelta(days=3)  # this long ago: outside the 48-hour window


class Ticks:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
async def wechat(clock):
    async with FakeWeChat(now=clock.now) as server:
        yield server


@pytest.fixture
def ticks() -> Ticks:
    """Monotonic seconds, for the access_token's lifetime."""
    return Ticks()


@pytest.fixture
async def wx(wechat, ticks):
    async with WeChatApi(wechat.base_url, wechat.app_id, wechat.app_secret, clock=ticks) as client:
        yield client


@pytest.fixture
def transport(wx, store, settings) -> WeChatTransport:
    return WeChatTransport(wx, store, replace(settings, wechat_template_id="TPL_NOTICE"))


def seen(store: Store, openid: str, when: datetime | None = None) -> None:
    """The student wrote to the bot (at `when`): what the receiving side records."""
    store.touch_user("wechat", openid)
    if when is not None:
        store.db.execute("update users set last_seen = ? where external_id = ?", [when.isoformat(), openid])
        store.db.conn.commit()


# -- the access_token --------------------------------------------------------------------------


async def test_the_token_is_fetched_once_and_cached_across_sends(wechat, wx) -> None:
    wechat.interact(STUDENT)
    for n in range(3):
        await wx.send_text(STUDENT, f"第 {n} 条")
    assert wechat.token_fetches == 1
    assert wechat.sent_texts(STUDENT) == ["第 0 条", "第 1 条", "第 2 条"]  # Chinese as is, no \u escapes
    token = wechat.calls_to("token")[0]
    assert token.query == {"grant_type": "client_credential", "appid": wechat.app_id, "secret": wechat.app_secret}


async def test_the_token_is_refreshed_before_it_expires(wechat, wx, ticks) -> None:
    wechat.interact(STUDENT)
    await wx.send_text(STUDENT, "一")
    ticks.t += 7200 - 301  # still more than the margin left
    await wx.send_text(STUDENT, "二")
    assert wechat.token_fetches == 1
    ticks.t += 2  # within five minutes of the expiry
    await wx.send_text(STUDENT, "三")
    assert wechat.token_fetches == 2
    assert [c.errcode for c in wechat.calls_to("message/custom/send")] == [0, 0, 0]


@pytest.mark.parametrize("how", ["invalidate", "expire"])
async def test_a_refused_token_is_fetched_again_once_and_the_call_retried(wechat, wx, how) -> None:
    wechat.interact(STUDENT)
    await wx.send_text(STUDENT, "一")
    wechat.invalidate_tokens() if how == "invalidate" else wechat.expire_tokens()
    await wx.send_text(STUDENT, "二")
    assert wechat.token_fetches == 2
    assert [c.errcode for c in wechat.calls_to("message/custom/send")] == [
        0,
        40001 if how == "invalidate" else 42001,
        0,
    ]
    assert wechat.sent_texts() == ["一", "二"]


async def test_a_second_refusal_surfaces_instead_of_looping(wechat, wx) -> None:
    wechat.interact(STUDENT)
    wechat.fail_next("message/custom/send", 40001, times=2)
    with pytest.raises(WeChatError) as caught:
        await wx.send_text(STUDENT, "一")
    assert caught.value.errcode == 40001
    assert wechat.token_fetches == 2 and len(wechat.calls_to("message/custom/send")) == 2


async def test_concurrent_calls_share_one_token_fetch(wechat, wx) -> None:
    wechat.token_delay = 0.05
    wechat.interact(STUDENT)
    await asyncio.gather(*(wx.send_text(STUDENT, str(n)) for n in range(20)))
    assert wechat.token_fetches == 1
    wechat.invalidate_tokens()  # all twenty are refused together: still one new token
    await asyncio.gather(*(wx.send_text(STUDENT, str(n)) for n in range(20)))
    assert wechat.token_fetches == 2
    assert len(wechat.sent_texts()) == 40


async def test_a_failed_token_fetch_pauses_the_sends_instead_of_one_fetch_per_message(
    wechat, transport, store, ticks
) -> None:
    """A refused fetch (IP not whitelisted, wrong secret) is remembered for a minute: no herd of fetches
    eating the daily quota of 2000, and the outbox pauses WeChat (RateLimited) rather than failing every notice."""
    wechat.interact(STUDENT)
    seen(store, STUDENT)
    wechat.fail_next("token", 40164)
    results = await asyncio.gather(
        *(transport.send("wechat", STUDENT, OutgoingMessage(f"通知 {n}")) for n in range(20)), return_exceptions=True
    )
    assert all(isinstance(r, RateLimited) for r in results), results
    assert len(wechat.calls_to("token")) == 1
    ticks.t += 61
    await transport.send("wechat", STUDENT, OutgoingMessage("恢复了"))
    assert len(wechat.calls_to("token")) == 2 and wechat.sent_texts(STUDENT) == ["恢复了"]


async def test_a_failed_refresh_is_not_retried_by_every_caller(wechat, wx) -> None:
    wechat.interact(STUDENT)
    await wx.send_text(STUDENT, "一")
    wechat.invalidate_tokens()
    wechat.fail_next("token", -1)
    results = await asyncio.gather(*(wx.send_text(STUDENT, str(n)) for n in range(10)), return_exceptions=True)
    assert all(isinstance(r, Exception) for r in results)
    assert len(wechat.calls_to("token")) == 2  # the first fetch, then one failed refresh


async def test_mass_send_by_tag_and_its_monthly_quota(wechat, wx) -> None:
    wechat.mass_quota = 1
    assert await wx.mass_send_by_tag(7, "全体通知")
    assert wechat.mass_sends() == [{"filter": {"is_to_all": False, "tag_id": 7}, "msgtype": "text",
                                    "text": {"content": "全体通知"}}]  # fmt: skip
    with pytest.raises(WeChatError, match="45028"):
        await wx.mass_send_by_tag(7, "再来一次")


# -- the transport ---------------------------------------------------------------------------


async def test_inside_the_window_a_notice_goes_as_customer_service_text(wechat, transport, store) -> None:
    wechat.interact(STUDENT)
    seen(store, STUDENT)
    message = OutgoingMessage("明天招聘会\n松山湖", (("🔕 不再接收此类通知", "unsub:city"),), ("报名", "https://e.org/f"),
                              photo="telegram:AgAC")  # fmt: skip
    assert await transport.send("wechat", STUDENT, message) == CS_MESSAGE_ID
    assert wechat.sent_texts(STUDENT) == [
        '明天招聘会\n松山湖\n<a href="https://e.org/f">报名</a>\n回复 1：🔕 不再接收此类通知'
    ]
    assert not wechat.templates()


async def test_markup_in_a_notice_reaches_wechat_as_text_and_only_the_bots_own_link_is_live(
    wechat, transport, store
) -> None:
    """An ambassador's notice with its own <a href> must not become a live link (the link rule is the button)."""
    wechat.interact(STUDENT)
    seen(store, STUDENT)
    text = '<a href="http://evil.example/x">点我领补贴</a> & <b>大奖</b>'
    message = OutgoingMessage(text, (("<a href='y'>🔕</a>", "unsub:city"),), ("报名", "https://e.org/f?a=1&b=2"))
    await transport.send("wechat", STUDENT, message)
    (sent,) = wechat.sent_texts(STUDENT)
    assert sent.count("<a ") == 1 and '<a href="https://e.org/f?a=1&b=2">报名</a>' in sent
    assert "&lt;a href=&quot;http://evil.example/x&quot;&gt;点我领补贴&lt;/a&gt; &amp; &lt;b&gt;大奖&lt;/b&gt;" in sent
    assert "回复 1：&lt;a href=&#x27;y&#x27;&gt;🔕&lt;/a&gt;" in sent


async def test_the_numbered_actions_are_remembered_for_the_digit_answer(wechat, wx, store, settings, clock) -> None:
    class Recording:
        def __init__(self) -> None:
            self.choices: dict[tuple[str, str], list[str]] = {}
            self.clock = store.clock

        def last_seen(self, channel: str, external_id: str) -> str | None:
            return store.last_seen(channel, external_id)

        def number_push(self, channel: str, external_id: str, offers) -> int:
            self.choices[channel, external_id] = [action for action, _, _ in offers]
            return 1

    wechat.interact(STUDENT)
    seen(store, STUDENT)
    recording = Recording()
    message = OutgoingMessage("招聘会提醒", (("查看详情", "fair:12"), ("不再提醒", "unsub:topic:fairs")))
    await WeChatTransport(wx, recording, settings).send("wechat", STUDENT, message)
    assert recording.choices == {("wechat", STUDENT): ["fair:12", "unsub:topic:fairs"]}
    assert wechat.sent_texts()[0].endswith("回复 1：查看详情\n回复 2：不再提醒")


async def test_a_pushed_notice_numbers_on_after_the_students_live_choices(wechat, transport, store) -> None:
    """A "did you mean" is on the student's screen when a notice arrives: their "1" still picks its first topic."""
    wechat.interact(STUDENT)
    seen(store, STUDENT)
    store.number_turn("wechat", STUDENT, [(a, a, False) for a in ("pick:7:a", "pick:7:b", "none:7")])
    await transport.send("wechat", STUDENT, OutgoingMessage("明天招聘会", (("🔕 不再接收此类通知", "unsub:city"),)))
    assert wechat.sent_texts(STUDENT) == ["明天招聘会\n回复 4：🔕 不再接收此类通知"]
    assert [store.choice("wechat", STUDENT, n).action for n in (1, 4)] == ["pick:7:a", "unsub:city"]


async def test_an_approval_request_to_a_busy_wechat_admin_numbers_after_their_page_and_asks_the_word(
    wechat, transport, store
) -> None:
    """The admin's /fairs page holds 23 choices: the request takes 24 and 25, and 通过 is never a bare digit."""
    wechat.interact("oAdmin")
    seen(store, "oAdmin")
    store.number_turn("wechat", "oAdmin", [(f"fr:{n}", f"⏰ {n}", False) for n in range(23)])
    message = OutgoingMessage("📢 武汉站招聘会", (("✅ 通过", "an:ok:5"), ("❌ 驳回", "an:no:5")))
    await transport.send("wechat", "oAdmin", message)
    word = texts.WECHAT_CONFIRM_WORD
    assert wechat.sent_texts("oAdmin") == [f"📢 武汉站招聘会\n回复 {word}24：✅ 通过\n回复 {word}25：❌ 驳回"]
    assert store.choice("wechat", "oAdmin", 1).action == "fr:0"  # the page's "1" is still the page's
    assert store.choice("wechat", "oAdmin", 24).confirm


async def test_a_pushed_message_that_could_not_be_sent_leaves_no_live_numbers(wechat, transport, store) -> None:
    wechat.interact(STUDENT)
    seen(store, STUDENT)
    wechat.fail_next("message/custom/send", -1)
    with pytest.raises(TemporaryFailure):
        await transport.send("wechat", STUDENT, OutgoingMessage("通知", (("🔕 不再接收", "unsub:city"),)))
    assert store.choice("wechat", STUDENT, 1) is None  # a "1" must not press a button the student never saw


async def test_the_rest_of_a_rendered_answer_goes_as_it_is_not_escaped_twice(wechat, transport, store, clock) -> None:
    wechat.interact(STUDENT)
    seen(store, STUDENT)
    rendered = '&lt;b&gt; 甲 &amp; 乙\n<a href="https://e.org/?a=1&b=2">报名</a>\n回复 2：👎'
    await transport.send("wechat", STUDENT, OutgoingMessage(rendered, markup=True))
    assert wechat.sent_texts(STUDENT) == [rendered] and store.choice("wechat", STUDENT, 2) is None
    wechat.interact("oFar", clock.now() - OUTSIDE)
    seen(store, "oFar", clock.now() - OUTSIDE)
    await transport.send("wechat", "oFar", OutgoingMessage(rendered, markup=True))
    [template] = wechat.templates("oFar")
    assert template["data"]["keyword1"]["value"] == "<b> 甲 & 乙\n报名\n回复 2：👎"


async def test_outside_the_window_a_template_message_goes(wechat, transport, store, clock) -> None:
    wechat.interact(STUDENT, clock.now() - OUTSIDE)
    seen(store, STUDENT, clock.now() - OUTSIDE)
    body = "详情" * 150
    msgid = await transport.send(
        "wechat", STUDENT, OutgoingMessage(f"东莞招聘会\n{body}", link=("报名", "https://e.org"))
    )
    [template] = wechat.templates(STUDENT)
    assert msgid and msgid != CS_MESSAGE_ID
    assert template["template_id"] == "TPL_NOTICE" and template["url"] == "https://e.org"
    data = {name: field["value"] for name, field in template["data"].items()}
    assert data["first"] == "东莞招聘会" and data["remark"] == texts.WECHAT_TEMPLATE_REMARK_LINK
    assert len(data["keyword1"]) == KEYWORD_LIMIT and data["keyword1"].endswith("…")
    assert not wechat.calls_to("message/custom/send")  # the store knew: no customer-service attempt


async def test_a_template_message_carries_the_whole_notice_in_the_fields_configured(
    wechat, wx, store, settings, clock) -> None:
    """WeChat no longer shows `first`: the headline must be in the keyword too; new templates name fields by type."""
    wechat.interact(STUDENT, clock.now() - OUTSIDE)
    seen(store, STUDENT, clock.now() - OUTSIDE)
    configured = replace(settings, wechat_template_id="TPL_NOTICE", wechat_template_fields=("", "thing2", ""))
    await WeChatTransport(wx, store, configured).send("wechat", STUDENT, OutgoingMessage("📢 武汉校友会\n12 月 5 日"))
    [template] = wechat.templates(STUDENT)
    assert template["data"] == {"thing2": {"value": "📢 武汉校友会\n12 月 5 日"}}


@pytest.mark.parametrize(
    ("raw", "fields"),
    [("first,keyword1,remark", ("first", "keyword1", "remark")), ("thing2", ("", "thing2", "")),
     (",thing1,", ("", "thing1", "")), ("thing1,thing2", ("thing1", "thing2", ""))],
)  # fmt: skip
def test_the_template_fields_setting(raw, fields) -> None:
    assert Settings.from_env({"WECHAT_TEMPLATE_FIELDS": raw}).wechat_template_fields == fields


@pytest.mark.parametrize("raw", ["a,,", "a,b,c,d", "thing 1", "first,{{keyword1.DATA}}"])
def test_a_bad_template_fields_setting_is_refused(raw) -> None:
    with pytest.raises(SettingsError, match="WECHAT_TEMPLATE_FIELDS"):
        Settings.from_env({"WECHAT_TEMPLATE_FIELDS": raw})


async def test_outside_the_window_without_a_template_the_notice_fails(wechat, wx, store, settings, clock) -> None:
    seen(store, STUDENT, clock.now() - OUTSIDE)
    with pytest.raises(PermanentFailure, match="no template configured"):
        await WeChatTransport(wx, store, settings).send("wechat", STUDENT, OutgoingMessage("通知"))


async def test_a_stale_last_seen_falls_back_to_the_template_once(wechat, transport, store, clock) -> None:
    wechat.interact(STUDENT, clock.now() - OUTSIDE)  # WeChat knows better than our last_seen
    seen(store, STUDENT)
    await transport.send("wechat", STUDENT, OutgoingMessage("通知"))
    assert [c.errcode for c in wechat.calls_to("message/custom/send")] == [45015]
    assert len(wechat.templates(STUDENT)) == 1


async def test_a_used_up_customer_service_quota_falls_back_to_the_template(wechat, transport, store) -> None:
    """45047 is per student (5 messages per message they sent): waiting would not help, a template does."""
    wechat.cs_quota = 5
    wechat.interact(STUDENT)
    seen(store, STUDENT)
    for n in range(6):
        await transport.send("wechat", STUDENT, OutgoingMessage(f"通知 {n}"))
    assert len(wechat.sent_texts(STUDENT)) == 5
    assert [t["data"]["first"]["value"] for t in wechat.templates(STUDENT)] == ["通知 5"]
    assert wechat.calls_to("message/custom/send")[-1].errcode == 45047


@pytest.mark.parametrize(
    ("errcode", "status", "expected"),
    [(43004, 200, Unreachable), (43019, 200, Unreachable), (45011, 200, RateLimited), (45009, 200, RateLimited),
     (-1, 200, TemporaryFailure), (0, 502, TemporaryFailure), (40003, 200, PermanentFailure)],
)  # fmt: skip
async def test_wechat_errors_map_to_the_senders(wechat, transport, store, errcode, status, expected) -> None:
    wechat.interact(STUDENT)
    seen(store, STUDENT)
    wechat.fail_next("message/custom/send", errcode, status=status)
    with pytest.raises(expected) as caught:
        await transport.send("wechat", STUDENT, OutgoingMessage("通知"))
    if expected is RateLimited:
        assert caught.value.retry_after == 60
    assert "access_token" not in caught.value.reason and "TOKEN" not in caught.value.reason


async def test_an_unfollowed_student_is_unreachable(wechat, transport, store) -> None:
    wechat.interact(STUDENT)
    wechat.unfollow(STUDENT)
    seen(store, STUDENT)
    with pytest.raises(Unreachable, match="43004"):
        await transport.send("wechat", STUDENT, OutgoingMessage("通知"))


async def test_a_long_notice_is_split_into_several_messages(wechat, transport, store) -> None:
    wechat.interact(STUDENT)
    seen(store, STUDENT)
    lines = [f"第{n}行：" + "东莞人才政策" * 10 for n in range(40)]
    await transport.send("wechat", STUDENT, OutgoingMessage("\n".join(lines)))
    parts = wechat.sent_texts(STUDENT)
    assert len(parts) > 1 and all(len(p.encode()) <= 2048 for p in parts)
    assert "\n".join(parts) == "\n".join(lines)


async def test_edit_skips_progress_and_sends_the_final_report_and_delete_keeps(wechat, transport, store) -> None:
    wechat.interact(STUDENT)
    seen(store, STUDENT)
    await transport.edit("wechat", STUDENT, CS_MESSAGE_ID, "通知 #3 发送中：已发送 10/50")
    assert not wechat.sent_texts()
    await transport.edit("wechat", STUDENT, CS_MESSAGE_ID, "通知 #3 发送完成：送达 50")
    assert wechat.sent_texts() == ["通知 #3 发送完成：送达 50"]
    assert await transport.delete("wechat", STUDENT, CS_MESSAGE_ID) is False


async def test_the_sender_delivers_a_notice_to_wechat_students(wechat, transport, store, clock) -> None:
    students = {"oInWindow": clock.now(), "oOutside": clock.now() - OUTSIDE, "oGone": clock.now()}
    for openid, when in students.items():
        wechat.interact(openid, when)
        seen(store, openid, when)
        store.set_subscription("wechat", openid, city="北京")
    wechat.unfollow("oGone")
    aid = store.create_announcement("telegram:1", "明天招聘会", "北京", "", store.stamp(), False, "scheduled")
    store.enqueue(aid, daily_cap=10, day_start=store.stamp()[:10])
    sender = Sender(store, transport, budget=SendBudget(100), per_chat_interval=0)
    assert await sender.drain_once() == 3
    assert store.delivery_counts(aid) == {"sent": 2, "unreachable": 1}
    assert wechat.sent_texts("oInWindow") == ["明天招聘会\n回复 1：🔕 不再接收此类通知"]
    assert wechat.templates("oOutside")[0]["data"]["first"] == {"value": "明天招聘会"}
    assert not store.subscription("wechat", "oGone").reachable


# -- the menu ----------------------------------------------------------------------------------


def test_the_bundled_menu_is_valid() -> None:
    menu = load_menu()
    assert 1 <= len(menu["button"]) <= 3
    assert all(len(b.get("sub_button", [])) <= 5 for b in menu["button"])


@pytest.mark.parametrize(
    ("menu", "problem"),
    [
        ({"button": [{"name": f"菜单{n}", "key": "CMD_HELP"} for n in range(4)]}, "at most 3"),
        ({"button": [{"name": "招聘会信息", "key": "CMD_FAIRS"}]}, "longer than 4 Chinese characters"),
        ({"button": [{"name": "更多", "sub_button": [{"name": "一二三四五六七八九", "key": "CMD_FAQ"}]}]},
         "longer than 8 Chinese characters"),
        ({"button": [{"name": "帮助", "key": "CMD_NOPE"}]}, "unknown key 'CMD_NOPE'"),
        ({"button": [{"name": "更多", "sub_button": [{"name": str(n), "key": "CMD_FAQ"} for n in range(6)]}]},
         "at most 5"),
        ({"button": [{"name": "官网", "url": "ftp://e.org"}]}, "http(s)"),
        ({"button": [{"name": "帮助", "key": "CMD_HELP", "url": "https://e.org"}]}, "exactly one of"),
    ],
)  # fmt: skip
def test_menu_rules_are_checked_before_publishing(menu, problem) -> None:
    with pytest.raises(MenuError, match=problem.replace("(", r"\(").replace(")", r"\)")):
        build_menu(menu)


@settings_profile(max_examples=300, deadline=None)
@given(top=st.text(min_size=1, max_size=12), sub=st.text(min_size=1, max_size=24))
def test_a_name_the_check_accepts_fits_wechats_byte_limits(top, sub) -> None:
    """WeChat counts a name's UTF-8 bytes (16 top-level, 60 below): a 汉字 is 3, an emoji 4; the check is by
    half-widths (4 汉字 shown top-level, 8 below), which must never let through more bytes than WeChat takes."""
    try:
        menu = build_menu({"button": [{"name": top, "sub_button": [{"name": sub, "key": "CMD_FAQ"}]}]})
    except MenuError:
        return
    assert len(menu["button"][0]["name"].encode()) <= 16
    assert len(menu["button"][0]["sub_button"][0]["name"].encode()) <= 60


def cli_env(wechat, tmp_path, monkeypatch) -> None:
    """The environment `python -m bot wechat …` reads: the fake WeChat API, a database in tmp_path."""
    monkeypatch.chdir(tmp_path)
    for name, value in {"WECHAT_APP_ID": wechat.app_id, "WECHAT_APP_SECRET": wechat.app_secret,
                        "WECHAT_API_BASE_URL": wechat.base_url, "DATABASE_PATH": str(tmp_path / "bot.db")}.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)


async def test_the_cli_publishes_the_menu(wechat, tmp_path, monkeypatch, capsys) -> None:
    cli_env(wechat, tmp_path, monkeypatch)
    assert await asyncio.to_thread(main, ["wechat", "menu"]) == 0  # its own event loop, ours serves the fake
    assert wechat.menu == load_menu()
    assert "发布到公众号" in capsys.readouterr().out
    (tmp_path / "bad.yaml").write_text("button:\n  - name: 帮助\n    key: CMD_NOPE\n", encoding="utf-8")
    assert await asyncio.to_thread(main, ["wechat", "menu", "--file", str(tmp_path / "bad.yaml")]) == 1
    assert "unknown key" in capsys.readouterr().err


def test_the_cli_needs_the_app_id_and_secret(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("WECHAT_APP_ID", "WECHAT_APP_SECRET", "TELEGRAM_BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "bot.db"))
    assert main(["wechat", "menu"]) == 2
    assert "WECHAT_APP_ID" in capsys.readouterr().err
    assert main(["wechat", "menu", "--dry-run"]) == 0


async def test_the_cli_prints_each_ambassadors_invite_qr_code(wechat, tmp_path, monkeypatch, capsys, clock) -> None:
    """The WeChat form of an invite link: scanning it sends a follow with the ambassador's invite code."""
    cli_env(wechat, tmp_path, monkeypatch)
    store = Store.open(tmp_path / "bot.db", clock)
    store.grant_role("telegram", "3", "ambassador", "cli", city="武汉", campus="武汉大学")
    store.grant_role("wechat", "o_amb", "ambassador", "cli", city="长沙", campus="中南大学")
    codes = {store.invite_code("telegram:3"), store.invite_code("wechat:o_amb")}
    store.close()
    assert await asyncio.to_thread(main, ["wechat", "qrcodes"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2 and {line.split("\t")[3] for line in lines} == codes
    assert set(wechat.qrcodes.values()) == codes  # one permanent code per invite, scene = the invite code
    assert all(line.split("\t")[4].startswith("https://mp.weixin.qq.com/cgi-bin/showqrcode?ticket=") for line in lines)
    assert await asyncio.to_thread(main, ["wechat", "qrcodes"]) == 0  # asking again: the same codes
    assert len(wechat.qrcodes) == 2
