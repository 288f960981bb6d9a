"""The outbox sender: its state machine with an in-memory transport on virtual time, then the
real Telegram transport over HTTP against the fake Bot API with Telegram's limits enforced."""

from __future__ import annotations

import asyncio
import bisect
import heapq
import itertools
import time
from collections import Counter
from datetime import datetime, timedelta

import pytest
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.clock import Clock
from bot.delivery import OutgoingMessage, PermanentFailure, RateLimited, TemporaryFailure, Unreachable
from bot.pacing import SendBudget
from bot.replies import Button, Reply
from bot.sender import Sender
from bot.store import Store
from bot.telegram_transport import TelegramTransport, make_bot, translate
from tests.fakebotapi import FakeBotApi, inline_buttons

CHANNEL = "telegram"


class FakeTime:
    """Virtual time: a sleeper wakes when every task is blocked and its moment is the earliest.

    Minutes of flood waits and back-off take no real time, and concurrent workers see the
    same clock, so spacing between sends can be asserted exactly."""

    def __init__(self, calendar: Clock) -> None:
        self.calendar = calendar.pin(calendar.now())  # the store's clock moves with virtual time
        self.start = calendar.now()
        self.t = 0.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    @property
    def t(self) -> float:
        return self._t

    @t.setter
    def t(self, value: float) -> None:
        self._t = value
        self.calendar.pin(self.start + timedelta(seconds=value))

    def clock(self) -> float:
        return self.t

    def now(self) -> datetime:
        return self.calendar.now()

    async def sleep(self, seconds: float) -> None:
        woken = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.t + max(seconds, 0.0), next(self._order), woken))
        await woken

    async def run(self, coroutine):
        """Run `coroutine`, moving time on to the next sleeper whenever everything else is blocked."""
        task = asyncio.ensure_future(coroutine)
        while not task.done():
            for _ in range(20):  # let every ready task run until it blocks
                await asyncio.sleep(0)
            while self._sleepers and not task.done():
                at, _, woken = heapq.heappop(self._sleepers)
                if not woken.done():  # a cancelled sleep (a rest cut short) is skipped
                    self.t = max(self.t, at)
                    woken.set_result(None)
                    break
        return task.result()


class FakeTransport:
    """Records every send with its (virtual) time; `faults[id]` are raised for that recipient first."""

    def __init__(self, clock=time.monotonic) -> None:
        self.clock = clock
        self.calls: list[tuple[str, float]] = []
        self.received: Counter[str] = Counter()
        self.messages: list[OutgoingMessage] = []
        self.faults: dict[str, list[Exception]] = {}
        self.before_send = None  # an async hook, to act in the middle of a batch
        self.on_the_wire = self.most_on_the_wire = 0

    async def send(self, channel: str, external_id: str, message: OutgoingMessage) -> str:
        self.calls.append((external_id, self.clock()))
        self.on_the_wire += 1
        self.most_on_the_wire = max(self.most_on_the_wire, self.on_the_wire)
        try:
            if self.before_send:
                await self.before_send(external_id)
        finally:
            self.on_the_wire -= 1
        if self.faults.get(external_id):
            raise self.faults[external_id].pop(0)
        self.received[external_id] += 1
        self.messages.append(message)
        return str(len(self.calls))


def follow(store: Store, ids, city: str = "北京") -> None:
    for external_id in ids:
        store.set_subscription(CHANNEL, str(external_id), city=city)


def announce(store: Store, text: str = "明天招聘会", city: str = "北京", **extra) -> int:
    announcement_id = store.create_announcement(
        "telegram:1", text, city, extra.pop("topic", ""), store.stamp(), False, "scheduled", **extra
    )
    store.enqueue(announcement_id, daily_cap=10, day_start=store.stamp()[:10])
    return announcement_id


def deliveries(store: Store, announcement_id: int) -> dict[str, dict]:
    """Each recipient's delivery row; the store has no per-recipient listing, so read the table (tests only)."""
    rows = store.db["deliveries"].rows_where("announcement_id = ?", [announcement_id])
    return {r["external_id"]: r for r in rows}


def pending(store: Store) -> int:
    return sum(store.delivery_counts(a.id).get("pending", 0) for a in store.announcements(limit=100))


async def drain_all(sender: Sender, ft: FakeTime, store: Store, limit: float = 3600) -> None:
    """drain_once until nothing is pending; when nothing is due yet, let virtual time pass."""
    while pending(store):
        if not await ft.run(sender.drain_once()):
            ft.t += 0.5
        assert ft.t < limit, "the outbox never drained"


@pytest.fixture
def ft(clock) -> FakeTime:
    return FakeTime(clock)


@pytest.fixture
def transport(ft) -> FakeTransport:
    return FakeTransport(ft.clock)


def make_sender(store, transport, ft, rate_per_second: float = 29, **kwargs) -> Sender:
    budget = SendBudget(rate_per_second, clock=ft.clock)
    return Sender(store, transport, budget=budget, clock=ft.clock, sleep=ft.sleep, jitter=lambda: 0.5,
                  **kwargs)  # fmt: skip


# -- the state machine, on virtual time ---------------------------------------------------


async def test_every_recipient_gets_the_notice_exactly_once_within_the_rate(store, transport, ft) -> None:
    follow(store, range(120))
    aid = announce(store, link_text="报名", link_url="https://example.org/fair")
    finished = []

    async def on_finished(announcement_id, counts, errors):
        finished.append((announcement_id, counts, errors))

    sender = make_sender(store, transport, ft, rate_per_second=27, on_finished=on_finished)
    await drain_all(sender, ft, store)
    assert transport.received == Counter({str(i): 1 for i in range(120)})
    assert finished == [(aid, {"sent": 120}, {})]
    assert store.announcement(aid).status == "sent"
    times = [t for _, t in transport.calls]
    assert max(bisect.bisect_left(times, t + 1.0 - 1e-9) - i for i, t in enumerate(times)) <= 27  # as Telegram counts
    assert (len(times) - 1) / (times[-1] - times[0]) <= 27.3
    assert transport.messages[0] == OutgoingMessage(
        "明天招聘会", (("🔕 不再接收此类通知", "unsub:city"),), ("报名", "https://example.org/fair")
    )


async def test_blocked_student_is_marked_unreachable(store, transport, ft) -> None:
    follow(store, range(5))
    aid = announce(store)
    transport.faults["3"] = [Unreachable("Forbidden: bot was blocked by the user")]
    finished = []
    sender = make_sender(store, transport, ft, on_finished=lambda *a: asyncio.sleep(0, finished.append(a)))
    await drain_all(sender, ft, store)
    assert deliveries(store, aid)["3"]["status"] == "unreachable"
    assert not store.subscription(CHANNEL, "3").reachable
    assert store.audience("北京", "") == [(CHANNEL, i) for i in ("0", "1", "2", "4")]
    assert finished == [(aid, {"sent": 4, "unreachable": 1}, {"Forbidden: bot was blocked by the user": 1})]


async def test_missing_chat_fails_without_retry(store, transport, ft) -> None:
    follow(store, range(3))
    aid = announce(store)
    transport.faults["1"] = [PermanentFailure("Chat not found")]
    await drain_all(make_sender(store, transport, ft), ft, store)
    assert [who for who, _ in transport.calls].count("1") == 1
    assert deliveries(store, aid)["1"]["status"] == "failed"
    assert store.delivery_errors(aid) == {"Chat not found": 1}
    assert store.subscription(CHANNEL, "1").reachable  # not a block: the student stays in the audience


async def test_flood_wait_pauses_every_send_then_resends_the_same_message(store, transport, ft) -> None:
    follow(store, range(10))
    aid = announce(store)
    transport.faults["4"] = [RateLimited(30)]
    sender = make_sender(store, transport, ft)
    await drain_all(sender, ft, store)
    flooded = next(i for i, (who, _) in enumerate(transport.calls) if who == "4")
    hit = transport.calls[flooded][1]
    assert all(t >= hit + 30 for _, t in transport.calls[flooded + 1 :])  # nobody was sent to meanwhile
    assert transport.received == Counter({str(i): 1 for i in range(10)})
    assert deliveries(store, aid)["4"]["attempts"] == 1  # a flood wait is not the message's fault
    assert sender.stats.rate_limited == 1


async def test_temporary_failures_back_off_then_give_up(store, transport, ft) -> None:
    follow(store, ["flaky", "down", "fine"])
    aid = announce(store)
    transport.faults["flaky"] = [TemporaryFailure("Bad Gateway"), TimedOut("Timed out")]  # a surprise type too
    transport.faults["down"] = [TemporaryFailure("Internal Server Error")] * 5
    sender = make_sender(store, transport, ft, max_attempts=5, backoff=(2.0, 300.0))
    await drain_all(sender, ft, store)
    rows = deliveries(store, aid)
    assert (rows["flaky"]["status"], rows["flaky"]["attempts"]) == ("sent", 3)
    assert (rows["down"]["status"], rows["down"]["attempts"], rows["down"]["error"]) == (
        "failed",
        5,
        "Internal Server Error",
    )
    assert transport.received == Counter({"flaky": 1, "fine": 1})
    tries = [t for who, t in transport.calls if who == "down"]
    gaps = [b - a for a, b in zip(tries, tries[1:], strict=False)]
    # jitter 0.5 → 3/4 of 2, 4, 8, 16 s; claims are polled, so each gap may be a little longer
    assert all(want - 1e-9 <= gap <= want + 1.5 for gap, want in zip(gaps, (1.5, 3, 6, 12), strict=True)), gaps


async def test_one_chat_gets_at_most_one_message_per_interval(store, transport, ft) -> None:
    follow(store, ["a", "b"])
    announce(store, "第一条")
    announce(store, "第二条")
    await drain_all(make_sender(store, transport, ft, per_chat_interval=1.0), ft, store)
    for chat in ("a", "b"):
        first, second = [t for who, t in transport.calls if who == chat]
        assert second - first >= 1.0 - 1e-9
    assert transport.received == Counter({"a": 2, "b": 2})


async def test_sends_overlap_so_latency_does_not_cap_throughput(store, transport, ft) -> None:
    """Workers that found nothing due come back when more is claimed (a notice enqueued meanwhile)."""
    follow(store, ["first"], city="上海")
    announce(store, "第一条", city="上海")
    follow(store, range(40))

    async def slow_network(external_id: str) -> None:
        if external_id == "first":
            announce(store, "第二条")  # arrives while the only worker left is on the wire
        await ft.sleep(0.3)

    transport.before_send = slow_network
    sender = make_sender(store, transport, ft, concurrency=4, rate_per_second=100, per_chat_interval=0)
    await drain_all(sender, ft, store)
    assert transport.most_on_the_wire == 4
    assert sum(transport.received.values()) == 41
    assert ft.t < 41 * 0.3 / 3  # about a quarter of one-at-a-time


async def test_progress_is_reported_every_few_seconds_and_once_at_the_end(store, transport, ft) -> None:
    follow(store, range(200))
    aid = announce(store)
    progress, finished = [], []

    async def on_progress(announcement_id, counts):
        progress.append((ft.t, counts.get("sent", 0)))

    async def on_finished(announcement_id, counts, errors):
        finished.append(counts)

    sender = make_sender(store, transport, ft, progress_every=3.0, on_progress=on_progress, on_finished=on_finished)
    await drain_all(sender, ft, store)
    times = [t for t, _ in progress]
    assert len(progress) >= 2 and all(b - a >= 3.0 for a, b in zip(times, times[1:], strict=False))
    assert [n for _, n in progress] == sorted(n for _, n in progress)
    assert finished == [{"sent": 200}]
    assert store.announcement(aid).status == "sent"


async def test_a_withdrawn_notice_stops_mid_batch(store, transport, ft) -> None:
    follow(store, range(20))
    aid = announce(store)

    async def withdraw_at_the_fifth(external_id: str) -> None:
        if len(transport.calls) == 5:
            store.set_announcement(aid, "telegram:1", ("sending",), status="withdrawn")
            store.cancel_pending(aid)

    transport.before_send = withdraw_at_the_fifth
    await drain_all(make_sender(store, transport, ft, batch=50), ft, store)
    assert sum(transport.received.values()) == 5
    assert store.delivery_counts(aid) == {"sent": 5, "withdrawn": 15}


async def test_a_hook_that_fails_does_not_stop_the_sending(store, transport, ft) -> None:
    follow(store, range(3))
    aid = announce(store)

    async def broken(*args):
        raise RuntimeError("message to edit not found")

    await drain_all(make_sender(store, transport, ft, on_progress=broken, on_finished=broken), ft, store)
    assert store.delivery_counts(aid) == {"sent": 3}


async def test_killed_mid_broadcast_resumes_and_loses_nobody(settings, transport, clock) -> None:
    """A first sender dies with sends in flight (kill -9); a new one on the same file finishes the job."""
    first_store = Store.open(settings.database_path, clock)
    follow(first_store, range(60))
    aid = announce(first_store)
    hang = asyncio.Event()

    async def hang_after_twenty(external_id: str) -> None:
        if len(transport.calls) > 20:
            transport.received[external_id] += 1  # Telegram got it; the process dies before noting it
            await hang.wait()

    transport.before_send = hang_after_twenty
    dying = Sender(first_store, transport, budget=SendBudget(1000), per_chat_interval=0, batch=30, concurrency=4)
    task = asyncio.create_task(dying.drain_once())
    while len(transport.calls) < 24:
        await asyncio.sleep(0.01)
    task.cancel()  # no finally of ours runs anything that marks rows: like a kill
    with pytest.raises(asyncio.CancelledError):
        await task
    in_flight = {who for who, _ in transport.calls[20:]}
    first_store.close()

    store = Store.open(settings.database_path, clock)
    transport.before_send = None
    stop = asyncio.Event()
    sender = Sender(store, transport, budget=SendBudget(1000), per_chat_interval=0, idle=0.05,
                    on_finished=lambda *a: asyncio.sleep(0, stop.set()))  # fmt: skip
    await asyncio.wait_for(sender.run(stop), 10)
    assert set(transport.received) == {str(i) for i in range(60)}  # nobody lost
    assert {who for who, n in transport.received.items() if n > 1} == in_flight  # only those twice
    assert len(in_flight) == 4
    assert store.delivery_counts(aid) == {"sent": 60}
    store.close()


async def test_stopping_returns_unsent_deliveries_to_pending(store, transport) -> None:
    follow(store, range(30))
    aid = announce(store)
    stop = asyncio.Event()

    async def stop_at_the_tenth(external_id: str) -> None:
        if len(transport.calls) == 10:
            stop.set()

    transport.before_send = stop_at_the_tenth
    sender = Sender(store, transport, budget=SendBudget(1000), per_chat_interval=0, concurrency=1)
    await asyncio.wait_for(sender.run(stop), 5)
    assert store.delivery_counts(aid) == {"sent": 10, "pending": 20}


async def test_a_notice_without_recipients_is_finished_by_the_sweep(store, transport) -> None:
    aid = announce(store, city="上海")  # nobody follows 上海
    stop, finished = asyncio.Event(), []

    async def on_finished(*args):
        finished.append(args)
        stop.set()

    await asyncio.wait_for(Sender(store, transport, on_finished=on_finished, idle=0.05).run(stop), 5)
    assert finished == [(aid, {}, {})] and store.announcement(aid).status == "sent"


def test_outgoing_message_from_the_cores_rendering() -> None:
    reply = Reply(
        "【通知】明天招聘会",
        buttons=(
            (Button("报名", url="https://example.org"),),
            (Button("🔕 不再接收「招聘会」通知", "unsub:topic:fairs"),),
        ),
    )
    assert OutgoingMessage.from_reply(reply) == OutgoingMessage(
        "【通知】明天招聘会", (("🔕 不再接收「招聘会」通知", "unsub:topic:fairs"),), ("报名", "https://example.org")
    )


def test_outgoing_message_keeps_the_notices_photo() -> None:
    assert OutgoingMessage.from_reply(Reply("📢 招聘会", photo="telegram:AgAC")).photo == "telegram:AgAC"
    assert OutgoingMessage.from_reply(Reply("📢 招聘会")).photo is None


def test_telegram_errors_map_to_the_senders(monkeypatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # RetryAfter's own constructor warns without it
    assert translate(RetryAfter(timedelta(seconds=3))).retry_after == 3.0
    assert isinstance(translate(Forbidden("Forbidden: user is deactivated")), Unreachable)
    assert isinstance(translate(BadRequest("Chat not found")), PermanentFailure)
    assert isinstance(translate(TimedOut()), TemporaryFailure)
    assert isinstance(translate(NetworkError("Bad Gateway")), TemporaryFailure)


# -- the Telegram transport over HTTP, Telegram's limits enforced ----------------------------


async def broadcast(store: Store, api: FakeBotApi, **kwargs) -> Sender:
    """Run a sender with the real transport until the notice is finished."""
    stop = asyncio.Event()
    async with make_bot(api.token, api.base_url.removesuffix("/bot")) as bot:
        sender = Sender(store, TelegramTransport(bot), idle=0.05,
                        on_finished=lambda *a: asyncio.sleep(0, stop.set()), **kwargs)  # fmt: skip
        await asyncio.wait_for(sender.run(stop), 30)
    return sender


async def test_broadcast_over_http_within_telegrams_limits(store, api) -> None:
    api.enforce_limits(global_per_second=30, per_chat_per_second=1)
    chats = range(1000, 1200)
    follow(store, chats)
    aid = announce(store, "<b>不是标签</b> & 招聘会", link_text="报名", link_url="https://example.org/fair")
    api.block_user(1005)
    api.mark_chat_missing(1006)
    for chat in (1000, 1001):  # one Bad Gateway each (not to the blocked or missing chat: those end anyway)
        api.fail_next("sendMessage", 502, chat_id=chat)
    sender = await broadcast(store, api, backoff=(0.05, 0.2))
    # Pacing keeps under the limit (tests/test_pacing.py checks that on a fake clock); over real HTTP on a
    # loaded machine, sends can land bunched and meet a 429: each one is then waited out and sent once.
    assert api.stats.errors_429 == sender.stats.rate_limited
    assert api.stats.per_chat == Counter({c: 1 for c in chats if c not in (1005, 1006)})
    assert store.delivery_counts(aid) == {"sent": 198, "unreachable": 1, "failed": 1}
    assert store.delivery_errors(aid) == {"Forbidden: bot was blocked by the user": 1, "Chat not found": 1}
    assert not store.subscription(CHANNEL, "1005").reachable
    assert sender.stats.retried == 2 and sum(d.attempts == 2 for d in store.sent_deliveries(aid)) == 2
    message = api.sent(1000)[0]
    assert message["text"] == "<b>不是标签</b> & 招聘会"  # escaped, so shown as written
    assert [(b["text"], b.get("url") or b.get("callback_data")) for b in inline_buttons(message)] == [
        ("报名", "https://example.org/fair"),
        ("🔕 不再接收此类通知", "unsub:city"),
    ]
    assert str(message["message_id"]) == deliveries(store, aid)["1000"]["message_id"]


async def test_a_notice_with_a_photo_goes_out_as_that_photo_with_the_text_as_caption(store, api) -> None:
    follow(store, [1000])
    file_id = api.photo_file_id()
    announce(store, "<b>不是标签</b> & 招聘会", link_text="报名", link_url="https://example.org/fair",
             photo=f"telegram:{file_id}")  # fmt: skip
    await broadcast(store, api)
    assert [c.method for c in api.calls if c.method.startswith("send")] == ["sendPhoto"]
    [message] = api.sent(1000)
    assert message["photo"][-1]["file_id"] == file_id
    assert message["caption"] == "<b>不是标签</b> & 招聘会" and "text" not in message
    assert [(b["text"], b.get("url") or b.get("callback_data")) for b in inline_buttons(message)] == [
        ("报名", "https://example.org/fair"),
        ("🔕 不再接收此类通知", "unsub:city"),
    ]


@pytest.mark.parametrize(
    ("photo", "text"),
    [
        ("wechat:media-7", "明天招聘会"),  # another platform's file id means nothing to Telegram
        ("telegram:{file_id}", "招" * 1025),  # over the caption limit (the core refuses these)
    ],
)
async def test_a_photo_that_cannot_go_is_left_out_and_the_text_still_reaches_everyone(store, api, photo, text) -> None:
    follow(store, [1000])
    aid = announce(store, text, photo=photo.format(file_id=api.photo_file_id()))
    await broadcast(store, api)
    [message] = api.sent(1000)
    assert message["text"] == text and "photo" not in message
    assert inline_buttons(message)[-1]["callback_data"] == "unsub:city"
    assert store.delivery_counts(aid) == {"sent": 1}


async def test_flood_wait_over_http_pauses_then_resends(store, api) -> None:
    follow(store, range(1, 6))
    aid = announce(store)
    api.fail_next("sendMessage", 429, retry_after=1)
    sender = await broadcast(store, api)
    sends = [c for c in api.calls if c.method == "sendMessage"]
    flooded = sends[0]
    assert flooded.status == 429
    # a send already on the wire may land just after the 429; after that, silence for retry_after
    assert not [c for c in sends if flooded.time + 0.05 < c.time < flooded.time + 1.0]
    resent = next(c for c in sends[1:] if c.params["chat_id"] == flooded.params["chat_id"])
    assert resent.time - flooded.time >= 1.0
    assert api.stats.per_chat == Counter({i: 1 for i in range(1, 6)})
    assert sender.stats.rate_limited == 1 and store.delivery_counts(aid) == {"sent": 5}


async def test_withdraw_deletes_and_progress_edits(api) -> None:
    async with make_bot(api.token, api.base_url.removesuffix("/bot")) as bot:
        transport = TelegramTransport(bot)
        message_id = await transport.send(CHANNEL, "42", OutgoingMessage("已发送 0/5"))
        await transport.edit(CHANNEL, "42", message_id, "已发送 5/5")
        await transport.edit(CHANNEL, "42", message_id, "已发送 5/5")  # unchanged: not an error
        assert api.sent(42)[0]["text"] == "已发送 5/5"
        assert await transport.delete(CHANNEL, "42", message_id)
        assert not await transport.delete(CHANNEL, "42", message_id)  # already gone / too old
        assert api.sent(42) == []
        with pytest.raises(PermanentFailure):
            await transport.send("console", "local", OutgoingMessage("x"))


async def test_a_long_flood_wait_on_one_channel_does_not_hold_up_another(store, transport, ft) -> None:
    """WeChat's daily quota (45009) asks for a minute's wait: Telegram students are not kept waiting for it."""
    for i in range(10):  # the WeChat students come first in the batch
        store.set_subscription("wechat", f"o{i}", city="北京")
    follow(store, range(10))
    aid = announce(store)
    transport.faults["o0"] = [RateLimited(60)]
    sender = make_sender(store, transport, ft, concurrency=2, per_chat_interval=0)
    await drain_all(sender, ft, store)
    times = dict(transport.calls)
    telegram_done = max(t for who, t in transport.calls if not who.startswith("o"))
    assert telegram_done < 5  # the Telegram deliveries went out at once
    assert times["o1"] >= 60  # the WeChat ones after the wait
    assert store.delivery_counts(aid) == {"sent": 20}
    assert deliveries(store, aid)["o0"]["attempts"] == 1  # waiting is not a failed attempt


async def test_a_long_flood_wait_leaves_the_rest_of_the_channels_queue_unclaimed(store, transport, ft) -> None:
    """Giving a delivery back is a write on the event loop, with no await: doing it for the whole queue
    (tens of thousands) would freeze the answers for seconds. Only what was already claimed goes back."""
    follow(store, range(300))
    aid = announce(store)
    transport.faults["0"] = [RateLimited(60)]
    claims: list[int] = []
    claim = store.claim
    store.claim = lambda *args: claims.append(len(batch := claim(*args))) or batch  # type: ignore[method-assign]
    sender = make_sender(store, transport, ft, batch=50)
    await drain_all(sender, ft, store)
    assert store.delivery_counts(aid) == {"sent": 300}
    assert sum(claims) <= 300 + 50  # each claimed once, but for the one batch in hand at the 429


async def test_after_a_restart_the_chats_that_were_in_flight_wait_their_interval(store, transport, ft) -> None:
    """A send in flight at a kill may have arrived just before it: resending at once would break 1/s per chat."""
    follow(store, range(20))
    aid = announce(store)
    store.claim(3, "9999", [])  # the dead process had these three on the wire
    in_flight = {external_id for _, external_id in store.in_flight_chats()}
    assert len(in_flight) == 3
    stop = asyncio.Event()
    sender = make_sender(store, transport, ft, per_chat_interval=1.0, idle=0.05,
                         on_finished=lambda *a: asyncio.sleep(0, stop.set()))  # fmt: skip
    await ft.run(sender.run(stop))
    resent = [t for who, t in transport.calls if who in in_flight]
    assert len(resent) == 3 and min(resent) >= 1.0
    assert store.delivery_counts(aid) == {"sent": 20}
