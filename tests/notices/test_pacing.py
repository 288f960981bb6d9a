"""The bot's messages/s budget: answers take a slot at once, the broadcast gets what is left."""

from __future__ import annotations

import asyncio
import bisect
import collections

import pytest

from bot.app import build_conversation
from bot.channels.telegram.adapter import build_application
from bot.channels.telegram.transport import sends_a_message
from bot.notices.pacing import SendBudget
from bot.settings import Settings
from bot.store import Store
from tests.fakebotapi import running_application


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def paced_sends(budget: SendBudget, clock: Clock, until: float, answers: list[float] = ()) -> list[float]:
    """Simulate a sender that goes whenever `delay` allows, while answers take slots at given times."""
    sent, answers = [], sorted(answers)
    while clock.t < until:
        if answers and answers[0] <= clock.t:
            budget.take(answers.pop(0))
            continue
        wait = budget.delay()
        if wait > 0:
            clock.t += min(wait, (answers[0] - clock.t) if answers else wait)
            continue
        budget.take()
        sent.append(clock.t)
    return sent


def most_in_a_second(times: list[float]) -> int:
    times = sorted(times)
    return max(bisect.bisect_left(times, t + 1.0) - i for i, t in enumerate(times))


def test_a_paced_sender_alone_gets_the_whole_rate_and_never_more_in_any_second(clock) -> None:
    clock = Clock()
    budget = SendBudget(29, clock=clock)
    sent = paced_sends(budget, clock, until=1010.0)
    assert 285 <= len(sent) <= 291
    assert most_in_a_second(sent) <= 29


def test_answers_go_first_and_the_broadcast_gets_what_they_leave(clock) -> None:
    clock = Clock()
    budget = SendBudget(29, clock=clock)
    answers = [1000.0 + i * 0.5 for i in range(20)]  # two answers a second for ten seconds
    sent = paced_sends(budget, clock, until=1010.0, answers=answers)
    assert 265 <= len(sent) <= 272  # 29/s less the 2/s of answers
    assert most_in_a_second(sent + answers) <= 30  # an answer may fill the last slot, never more


async def test_acquire_waits_for_a_slot(clock) -> None:
    clock = Clock()
    budget = SendBudget(2, burst=1, clock=clock)
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock.t += seconds

    for _ in range(3):
        await budget.acquire(sleep)
    assert slept and clock.t >= 1001.0


def test_a_rate_must_be_positive() -> None:
    with pytest.raises(ValueError):
        SendBudget(0)


@pytest.mark.parametrize(
    ("url", "counts"),
    [
        ("https://api.telegram.org/bot1:x/sendMessage", True),
        ("https://api.telegram.org/bot1:x/sendDocument", True),
        ("https://api.telegram.org/bot1:x/copyMessage", True),
        ("https://api.telegram.org/bot1:x/sendChatAction", False),
        ("https://api.telegram.org/bot1:x/getUpdates", False),
        ("https://api.telegram.org/bot1:x/answerCallbackQuery", False),
    ],
)
def test_which_calls_count_against_the_messages_per_second(url: str, counts: bool) -> None:
    assert sends_a_message(url) is counts


async def test_the_bots_answers_are_counted_in_the_budget_the_outbox_uses(api, telegram_env, kb, seed, clock) -> None:
    settings = Settings.from_env({**telegram_env, "SEND_RATE_PER_SECOND": "2"})
    store = Store.open(settings.database_path, clock)
    store.seed_faq(*seed)
    application = build_application(settings, build_conversation(settings, store, kb))
    budget: SendBudget = application.bot_data["budget"]
    assert budget.rate == 2 and budget.delay() <= 0
    try:
        async with running_application(application):
            for student in (501, 502):
                api.send_text(student, "生活补贴怎么申请")
                await api.wait_for_message(student)
            assert budget.delay() > 0  # two answers used this second's two slots: the outbox waits
    finally:
        store.close()


def test_a_restarted_sender_does_not_burst_on_top_of_the_last_second_before_the_stop() -> None:
    """The process before sent at the full rate until it died; the platform still counts those sends."""
    clock = Clock()
    before = paced_sends(SendBudget(29, clock=clock), clock, until=1005.0)
    after = paced_sends(SendBudget(29, clock=clock), clock, until=1010.0)  # a new process, at once
    assert most_in_a_second(before + after) <= 30
    assert min(b - a for a, b in zip(after, after[1:], strict=False)) >= 1 / 29 - 1e-9  # paced from the first send
    assert 140 <= len(after) <= 146  # and it still gets the whole rate


def test_a_flood_wait_pauses_exactly_as_long_as_asked_then_goes_on_at_the_paced_rate() -> None:
    clock = Clock()
    budget = SendBudget(29, clock=clock)
    before = paced_sends(budget, clock, until=1002.0)
    budget.pause(1.0)  # the 429 came at 1002.0
    after = paced_sends(budget, clock, until=1006.0)
    assert before[-1] < 1002.0 and 1003.0 <= after[0] < 1003.0 + 2 / 29  # no longer than asked
    assert most_in_a_second(after) <= 29  # and no catch-up burst after it
    assert 85 <= len(after) <= 88


async def test_a_flood_wait_met_by_an_answer_pauses_the_outbox_too(api, telegram_env, kb, seed, clock) -> None:
    """Telegram's limit is the bot's: the broadcast must not keep sending into a flood wait an answer met."""
    settings = Settings.from_env(telegram_env)
    store = Store.open(settings.database_path, clock)
    store.seed_faq(*seed)
    application = build_application(settings, build_conversation(settings, store, kb))
    budget: SendBudget = application.bot_data["budget"]
    try:
        async with running_application(application):
            api.fail_next("sendMessage", 429, retry_after=3)
            api.send_text(501, "生活补贴怎么申请")
            await api.wait_for_call("sendMessage", lambda c: c.status == 429)
            for _ in range(300):  # until the bot has read the 429 (the server logs it before answering)
                if budget.delay() > 1.0:
                    break
                await asyncio.sleep(0.01)
            assert budget.delay() > 1.0  # the outbox waits out the same flood wait
            await api.wait_for_message(501, timeout=10)
    finally:
        store.close()


async def test_answers_beyond_the_rate_wait_in_order_and_never_exceed_it_in_any_second() -> None:
    clock = Clock()
    budget = SendBudget(29, clock=clock)

    async def sleep(seconds: float) -> None:
        clock.t += seconds

    went: list[tuple[int, float]] = []

    async def answer(i: int) -> None:
        await budget.admit(sleep)
        went.append((i, clock.t))

    await asyncio.gather(*(answer(i) for i in range(100)))  # 100 answers at once
    assert [i for i, _ in went] == list(range(100))  # in the order they came
    assert most_in_a_second([t for _, t in went]) <= 29
    assert went[-1][1] - 1000.0 < 100 / 29  # and at the whole rate: 29 a second, no pause between


async def test_a_flood_wait_holds_the_paced_outbox_but_not_the_answers() -> None:
    """A 429 met by one chat's answer (its own 1 message/s) is that message's to sit out, not everyone's."""
    clock = Clock()
    budget = SendBudget(29, clock=clock)
    budget.pause(3.0)
    assert budget.delay() >= 3.0  # the broadcast waits
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock.t += seconds

    await budget.admit(sleep)
    assert slept == [] and budget.room() <= 0 < budget.rate  # the next answer went at once


async def test_answers_flow_at_the_platforms_rate_under_flood_control_with_none_lost(start_bot, api) -> None:
    """Students asking 40 a second for three seconds against Telegram's 30 messages/s (and 1 per chat):
    every one is answered, never more than 30 messages in a second, and only a message that met a 429 is
    tried again (before, answers went out at once: past the limit each met a 429, sat out a second and was
    lost when its one retry met the next second's)."""
    students = list(range(7000, 7120))
    async with start_bot():
        api.enforce_limits(global_per_second=30, per_chat_per_second=1)
        for i in range(0, len(students), 4):
            for student in students[i : i + 4]:
                api.send_text(student, "生活补贴怎么申请")
            await asyncio.sleep(0.1)
        for student in students:
            await api.wait_for_message(student, timeout=20)
    sends = [c for c in api.calls if c.method == "sendMessage"]
    assert most_in_a_second([c.time for c in sends if c.status == 200]) <= 30
    tries = collections.Counter(c.params["chat_id"] for c in sends)
    refused = {c.params["chat_id"] for c in sends if c.status == 429}
    assert all(n == 1 for chat, n in tries.items() if chat not in refused)
    assert len(refused) <= 12  # at the pace the bot keeps, a 429 is an exception (a burst of jitter)


async def test_an_answer_waiting_for_a_place_goes_before_the_broadcast() -> None:
    """During a broadcast at the full rate every place that frees up would be the broadcast's as much as the
    answer's: the answer queued for it gets it, the broadcast waits."""
    clock = Clock()
    budget = SendBudget(29, clock=clock)
    clock.t = paced_sends(budget, clock, until=1002.0)[-1]  # the broadcast has just filled the last second
    gate = asyncio.Event()

    async def sleep(seconds: float) -> None:
        await gate.wait()
        clock.t += seconds

    answer = asyncio.create_task(budget.admit(sleep))
    await asyncio.sleep(0)
    assert not answer.done()  # waiting for a place
    clock.t += 1.0  # places have freed up meanwhile
    assert budget.delay() > 0  # but not for the broadcast while the answer waits
    gate.set()
    await answer
    assert budget.delay() <= 1 / 29  # then the broadcast goes on at its pace
