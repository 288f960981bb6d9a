"""The outbox in the running bot: a withdrawn notice is deleted from students' chats and its author told how it went."""

from __future__ import annotations

import asyncio

AUTHOR, STUDENTS = 1, (5001, 5002, 5003)


async def test_withdrawing_a_sent_notice_deletes_it_and_reports_to_the_author(api, start_bot, clock):
    async with start_bot(outbox=True, QUIET_HOURS="00:00-00:00", ADMIN_IDS=str(AUTHOR)) as conversation:
        store = conversation.store
        for student in STUDENTS:
            store.set_subscription("telegram", str(student), city="武汉")
        now = clock.now().isoformat(timespec="seconds")
        notice = store.create_announcement(f"telegram:{AUTHOR}", "讲座改期", "武汉", "", now, False, "scheduled")
        for student in STUDENTS:
            await api.wait_for_message(student, timeout=10)
        for _ in range(200):
            if store.announcement(notice).status == "sent":
                break
            await asyncio.sleep(0.05)
        api.fail_next("deleteMessage", 400, "Bad Request: message can't be deleted for everyone")  # one is too old

        store.set_announcement(notice, f"telegram:{AUTHOR}", ("sent",), status="withdrawn")
        report = await api.wait_for_message(AUTHOR, lambda m: "已撤回" in m.get("text", ""), timeout=10)
        assert "从 2 位同学的聊天中删除" in report["text"] and "1 条已超过" in report["text"]
        assert sum(len(api.sent(s)) for s in STUDENTS) == 1  # the one Telegram would not delete
        assert store.withdrawal_counts(notice) == {"deleted": 2, "kept": 1}


def test_failure_reasons_read_as_chinese_the_author_understands():
    from bot.notices import texts as notice_texts
    from bot.outbox_runner import _label

    assert _label("Forbidden: bot was blocked by the user") == notice_texts.DELIVERY_ERRORS["unreachable"]
    assert _label("Bad Request: chat not found") == notice_texts.DELIVERY_ERRORS["chat not found"]
    assert _label("the student unfollowed the account (43004)") == notice_texts.DELIVERY_ERRORS["unfollowed"]
    assert _label("outside the 48-hour window and no template configured") == notice_texts.DELIVERY_ERRORS["window"]
    assert _label("Internal Server Error") == notice_texts.DELIVERY_ERRORS["other"]


class _Channel:
    """A transport that records what it was asked; WeChat's kind cannot delete."""

    def __init__(self, deletes: bool) -> None:
        self.deletes, self.sent, self.deleted = deletes, [], []

    async def send(self, channel, external_id, message):
        self.sent.append((external_id, message.text))
        return "m1"

    async def edit(self, channel, external_id, message_id, text):
        self.sent.append((external_id, text))

    async def delete(self, channel, external_id, message_id):
        self.deleted.append(external_id)
        return self.deletes


async def test_withdrawing_a_wechat_notice_uses_wechats_budget_not_telegrams(settings, store, clock):
    from bot.notices.delivery import OutgoingMessage
    from bot.notices.pacing import SendBudget
    from bot.outbox_runner import Channels, OutboxRunner

    openids = [f"o_{n}" for n in range(40)]
    for openid in openids:
        store.set_subscription("wechat", openid, city="武汉")
    now = clock.now().isoformat(timespec="seconds")
    notice = store.create_announcement("wechat:o_author", "讲座改期", "武汉", "", now, False, "sending")
    store.enqueue(notice, 3, "2000-01-01")
    for delivery in store.claim(100, "9999"):
        store.delivered(delivery.id, "cs")
    store.set_announcement(notice, "wechat:o_author", status="withdrawn")
    telegram, wechat = SendBudget(29), SendBudget(29)
    transports = {"telegram": _Channel(True), "wechat": _Channel(False)}
    runner = OutboxRunner(settings, store, Channels(transports), OutgoingMessage.from_announcement,
                          budget=telegram, channel_budgets={"wechat": wechat})  # fmt: skip

    await runner._withdraw()

    assert store.withdrawal_counts(notice) == {"kept": 40}
    assert [who for who, _ in transports["wechat"].sent] == ["o_author"]  # the report, on the author's channel
    assert telegram.delay() <= 0  # Telegram's students lose no slot to WeChat's withdrawal


async def test_a_wechat_push_to_a_telegram_admin_counts_against_telegrams_budget(tmp_path, store, conversation, clock):
    """An approval request pushed from WeChat goes out through the outbox's Telegram bot: it takes a slot."""
    from bot.channels.wechat.channel import WeChatChannel
    from bot.notices.delivery import OutgoingMessage
    from bot.notices.pacing import SendBudget
    from bot.outbox_runner import Channels, OutboxRunner
    from bot.settings import Settings

    settings = Settings.from_env({"DATABASE_PATH": str(tmp_path / "bot.db"), "WECHAT_TOKEN": "t",
                                  "WECHAT_APP_ID": "wx0123456789abcdef", "WECHAT_APP_SECRET": "s"})  # fmt: skip
    wechat = WeChatChannel(settings, conversation)
    telegram_budget = SendBudget(1, burst=1)
    transports = {"telegram": _Channel(True), "wechat": wechat.transport}
    runner = OutboxRunner(settings, store, Channels(transports), OutgoingMessage.from_announcement,
                          budget=telegram_budget, channel_budgets={"wechat": SendBudget(29)})  # fmt: skip
    wechat.attach(runner)
    try:
        await wechat.push("telegram", "1", OutgoingMessage("请审核"))
    finally:
        await wechat.close()
    assert transports["telegram"].sent == [("1", "请审核")]
    assert telegram_budget.delay() > 0  # the slot is taken: the broadcast waits for the next one


class _Flaky(_Channel):
    """Deletes, but the platform fails the first `failures` deletions with a passing error."""

    def __init__(self, failures: int) -> None:
        super().__init__(True)
        self.failures = failures

    async def delete(self, channel, external_id, message_id):
        from bot.notices.delivery import TemporaryFailure

        if self.failures:
            self.failures -= 1
            raise TemporaryFailure("Internal Server Error")
        return await super().delete(channel, external_id, message_id)


def _withdrawn_notice(store, students, city: str = "武汉") -> int:
    for student in students:
        store.set_subscription("telegram", student, city=city)
    now = store.stamp()
    notice = store.create_announcement("telegram:1", "讲座改期", city, "", now, False, "sending")
    store.enqueue(notice, 3, "2000-01-01")
    for delivery in store.claim(100, "9999"):
        store.delivered(delivery.id, "77")
    store.set_announcement(notice, "telegram:1", status="withdrawn")
    return notice


async def test_a_deletion_that_failed_for_a_passing_reason_is_tried_again(settings, store):
    from bot.notices.delivery import OutgoingMessage
    from bot.outbox_runner import DELETE_TRIES, Channels, OutboxRunner

    notice = _withdrawn_notice(store, ["11", "12"])
    flaky = _Flaky(failures=1)
    runner = OutboxRunner(settings, store, Channels({"telegram": flaky}), OutgoingMessage.from_announcement)
    await runner._withdraw()
    assert store.withdrawal_counts(notice) == {"deleted": 1}  # the other waits for the next run
    assert flaky.sent == []  # no report while one is left
    await runner._withdraw()
    assert store.withdrawal_counts(notice) == {"deleted": 2}
    assert [who for who, _ in flaky.sent] == ["1"]  # now the author hears how it went

    stubborn = _withdrawn_notice(store, ["21"], city="长沙")
    runner = OutboxRunner(settings, store, Channels({"telegram": _Flaky(failures=99)}),
                          OutgoingMessage.from_announcement)  # fmt: skip
    for _ in range(DELETE_TRIES):
        await runner._withdraw()
    assert store.withdrawal_counts(stubborn) == {"kept": 1}  # given up after the tries, and said so


class _Recording:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    async def send(self, channel, external_id, message):
        self.calls.append(("send", message.text))
        return "m1"

    async def edit(self, channel, external_id, message_id, text):
        self.calls.append(("edit", text))


async def test_the_final_report_is_a_new_message_with_only_the_lines_that_count(settings, store, clock):
    from bot.notices.delivery import OutgoingMessage
    from bot.outbox_runner import Channels, OutboxRunner

    now = clock.now().isoformat(timespec="seconds")
    notice = store.create_announcement("telegram:1", "讲座改期", "武汉", "", now, False, "sending")
    transport = _Recording()
    runner = OutboxRunner(settings, store, Channels({"telegram": transport}), OutgoingMessage.from_announcement)
    await runner._progress(notice, {"sent": 1, "pending": 2})
    await runner._finished(notice, {"sent": 2, "unreachable": 1}, {"Forbidden: bot was blocked by the user": 1})
    (first, _), (kind, report) = transport.calls
    assert (first, kind) == ("send", "send")  # the report notifies: a new message, not an edit of the progress
    assert "送达 2" in report and "无法送达 1" in report
    assert report.count("屏蔽") == 1  # "blocked" is said once
    assert "失败" not in report and "每日" not in report  # nothing failed, nobody held back by the cap
    await runner._finished(notice, {"sent": 1, "failed": 1, "skipped": 2}, {"Bad Request: chat not found": 1})
    _, last = transport.calls[-1]
    assert "失败 1" in last and "找不到该用户" in last and "因每日通知上限未发 2" in last and "无法送达" not in last
