"""One notice to thousands of students: throughput, loss, duplicates, and students' wait meanwhile.

Usage: python bench/broadcast.py [--recipients 5000] [--kill-at 0.4] [--no-kill]
                                 [--latency 0.1] [--rate 29] [--ask-every 0.5]

Everything talks HTTP to the fake Bot API (tests/fakebotapi) with Telegram's limits
enforced: 30 messages/s per bot, 1/s per chat; a send over either gets a 429.

Run 1, steady: the Sender with the Telegram transport drains one notice to every
recipient (a few of them blocked the bot or deleted their chat), while the real bot
Application (bot.app + bot.channels.telegram.adapter, same database, same event loop, as in
production) answers a student's question every --ask-every seconds. The two share
one SendBudget as in production: answers take their slot at once, the broadcast
gets the rest of --rate. Prints messages/s against the 30/s limit (the broadcast
alone, and everything the bot sent), 429s, the busiest second, lost and duplicated
messages, and question→answer latency. Each send takes --latency seconds to answer,
as over a real network.

Run 2, crash: the sender runs in a subprocess that is SIGKILLed once ~40% of the
notice is out; a new sender process resumes on the same database. Prints what the
resumed broadcast lost and duplicated (only sends in flight at the kill may repeat).

Prints figures, asserts nothing. `--recipients 1000` for a quicker look.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.app import build_conversation  # noqa: E402
from bot.channels.telegram.adapter import build_application  # noqa: E402
from bot.channels.telegram.transport import TelegramTransport, make_bot  # noqa: E402
from bot.notices.pacing import SendBudget  # noqa: E402
from bot.notices.sender import Sender  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.store import Store  # noqa: E402
from tests.fakebotapi import FakeBotApi, running_application  # noqa: E402

TOKEN = "123456:BENCH-token"
LIMIT = 30.0  # Telegram's messages/s per bot: the baseline every ratio is against
FIRST_CHAT = 100_000
STUDENTS = range(9_000, 9_020)  # askers take turns, so none of them hits the 1/s per-chat limit
QUESTIONS = ("落户需要什么材料", "生活补贴怎么申请", "招聘会在哪里", "莞香花卡有什么用", "实习补贴多少钱")


def prepare(db: Path, recipients: int) -> int:
    """A store with `recipients` followers of one city and one notice enqueued for them."""
    store = Store.open(db)
    for i in range(recipients):
        store.set_subscription("telegram", str(FIRST_CHAT + i), city="东莞")
    announcement_id = store.create_announcement(
        "telegram:1", "【通知】5 月 20 日东莞人才招聘会 & 返莞实习双选会", "东莞", "", store.stamp(), False, "scheduled",
        link_text="报名", link_url="https://example.org/fair",
    )  # fmt: skip
    store.enqueue(announcement_id, daily_cap=10, day_start=store.stamp()[:10])
    store.close()
    return announcement_id


def faults(api: FakeBotApi, recipients: int) -> tuple[set[int], set[int]]:
    """Some students blocked the bot (403), some chats are gone (400): they must end unreachable/failed."""
    blocked = {FIRST_CHAT + i for i in range(7, recipients, 500)}
    missing = {FIRST_CHAT + i for i in range(11, recipients, 1000)}
    for chat in blocked:
        api.block_user(chat)
    for chat in missing:
        api.mark_chat_missing(chat)
    return blocked, missing


def outcome(api: FakeBotApi, db: Path, announcement_id: int, recipients: int, final: set[int]) -> dict[str, int]:
    """Lost: neither received nor ended unreachable/failed (`final`). Duplicated: received twice (server's count)."""
    store = Store.open(db)
    counts = store.delivery_counts(announcement_id)
    marked_sent = {int(d.external_id) for d in store.sent_deliveries(announcement_id)}
    store.close()
    chats = [FIRST_CHAT + i for i in range(recipients)]
    return {
        "lost": sum(1 for c in chats if api.stats.per_chat[c] == 0 and c not in final),
        "unnoted": sum(1 for c in chats if api.stats.per_chat[c] and c not in marked_sent),  # got it, db disagrees
        "duplicated": sum(1 for c in chats if api.stats.per_chat[c] > 1),
        **{f"db_{k}": v for k, v in sorted(counts.items())},
    }


def busiest_second(times: list[float]) -> int:
    """The most sends in any 1 s window, as the server counts them."""
    times, first, most = sorted(times), 0, 0
    for last, t in enumerate(times):
        while times[first] <= t - 1:
            first += 1
        most = max(most, last - first + 1)
    return most


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")


async def ask_questions(
    api: FakeBotApi, every: float, done: asyncio.Event, latencies: list[float], unanswered: list[str]
) -> None:
    """Every `every` seconds a student asks; the round trip is the question update → the bot's first reply."""

    async def one(student: int, text: str) -> None:
        update = api.send_text(student, text)
        asked, question_id = time.monotonic(), update["message"]["message_id"]
        try:
            await api.wait_for_message(student, lambda m: m["message_id"] > question_id, timeout=15)
            latencies.append(time.monotonic() - asked)
        except AssertionError:
            unanswered.append(text)

    pending, turn = [], 0
    while not done.is_set():
        pending.append(asyncio.create_task(one(STUDENTS[turn % len(STUDENTS)], QUESTIONS[turn % len(QUESTIONS)])))
        turn += 1
        await asyncio.sleep(every)
    await asyncio.gather(*pending)


async def steady(args: argparse.Namespace, tmp: Path) -> None:
    db = tmp / "steady.db"
    announcement_id = prepare(db, args.recipients)
    async with FakeBotApi(token=TOKEN) as api:
        api.enforce_limits(global_per_second=int(LIMIT), per_chat_per_second=1)
        api.delay("sendMessage", args.latency)
        blocked, missing = faults(api, args.recipients)
        root = api.base_url.removesuffix("/bot")
        settings = Settings.from_env({"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": root,
                                      "DATABASE_PATH": str(db), "FLOOD_LIMIT_PER_MINUTE": "60",
                                      "SEND_RATE_PER_SECOND": str(args.rate)})  # fmt: skip
        store = Store.open(db)
        conversation = build_conversation(settings, store)
        done, latencies, unanswered, progress = asyncio.Event(), [], [], []

        async def on_progress(announcement_id: int, counts: dict[str, int]) -> None:
            progress.append(counts.get("sent", 0))

        async def on_finished(announcement_id: int, counts: dict[str, int], errors: dict[str, int]) -> None:
            done.set()

        async with make_bot(TOKEN, root) as bot:
            application = build_application(settings, conversation)
            sender = Sender(store, TelegramTransport(bot), budget=application.bot_data["budget"],
                            concurrency=args.concurrency, on_progress=on_progress, on_finished=on_finished)  # fmt: skip
            async with running_application(application, raise_errors=False):
                stop = asyncio.Event()
                started = time.monotonic()
                running = asyncio.create_task(sender.run(stop))
                asking = asyncio.create_task(ask_questions(api, args.ask_every, done, latencies, unanswered))
                await done.wait()
                elapsed = time.monotonic() - started
                stop.set()
                await asyncio.gather(running, asking)
        store.close()
        sends = [c for c in api.calls if c.method == "sendMessage" and c.params.get("chat_id", 0) >= FIRST_CHAT]
        delivered = [c for c in sends if c.status == 200]
        span = delivered[-1].time - delivered[0].time if len(delivered) > 1 else float("nan")
        everything = [c for c in api.calls if c.status == 200 and c.method in ("sendMessage", "sendDocument", "sendPhoto")
                      and delivered[0].time <= c.time <= delivered[-1].time]  # fmt: skip
        window = (busiest_second([c.time for c in delivered]),
                  busiest_second([c.time for c in api.calls if c.method == "sendMessage" and c.status == 200]))  # fmt: skip
        student_429 = sum(1 for c in api.calls if c.status == 429 and c.params.get("chat_id") in STUDENTS)
        result = outcome(api, db, announcement_id, args.recipients, blocked | missing)
    rate = (len(delivered) - 1) / span
    attempts = (len(sends) - 1) / (sends[-1].time - sends[0].time)
    total = (len(everything) - 1) / span
    print(f"== steady broadcast: {args.recipients} recipients ({len(blocked)} blocked, {len(missing)} chats gone), "
          f"budget {args.rate:g}/s shared with the answers, {args.concurrency} concurrent sends, "
          f"{args.latency * 1000:.0f} ms per send, a question every {args.ask_every:g} s")  # fmt: skip
    print(f"  delivered               {len(delivered)} in {span:.1f} s (notice enqueued → finished: {elapsed:.1f} s)")
    print(
        f"  throughput              {rate:.2f} msg/s = {rate / LIMIT:.1%} of the {LIMIT:g}/s limit "
        f"(end to end {len(delivered) / elapsed:.2f} msg/s = {len(delivered) / elapsed / LIMIT:.1%})"
    )
    print(f"  everything the bot sent {total:.2f} msg/s = {total / LIMIT:.1%} of the limit (notice, answers, reports)")  # fmt: skip
    print(f"  broadcast attempts      {attempts:.2f}/s = {attempts / LIMIT:.1%} of the limit, failed attempts included")
    print(f"  429s from the server    {api.stats.errors_429} (to the broadcast: {api.stats.errors_429 - student_429}, "
          f"to students' answers: {student_429}); the sender saw {sender.stats.rate_limited}")  # fmt: skip
    print(f"  busiest second          {window[0]} broadcast messages, {window[1]} with the answers (limit {LIMIT:g})")
    print(f"  lost / duplicated       {result['lost']} / {result['duplicated']}, received but not marked sent {result['unnoted']} "
          f"(database: {', '.join(f'{k[3:]} {v}' for k, v in result.items() if k.startswith('db_'))})")  # fmt: skip
    print(f"  progress reports        {len(progress)} (every ≥3 s)")
    print(f"  students' questions     {len(latencies)} answered, {len(unanswered)} unanswered within 15 s; "
          f"question→answer p50 {percentile(latencies, 0.5) * 1000:.0f} ms, p99 {percentile(latencies, 0.99) * 1000:.0f} ms, "
          f"max {max(latencies, default=float('nan')) * 1000:.0f} ms")  # fmt: skip
    if latencies:
        print(f"                          mean {statistics.mean(latencies) * 1000:.0f} ms")


async def crash(args: argparse.Namespace, tmp: Path) -> None:
    db = tmp / "crash.db"
    announcement_id = prepare(db, args.recipients)
    async with FakeBotApi(token=TOKEN) as api:
        api.enforce_limits(global_per_second=int(LIMIT), per_chat_per_second=1)
        api.delay("sendMessage", args.latency)  # a send takes effect at once, its answer comes late: kills catch some
        blocked, missing = faults(api, args.recipients)
        command = [sys.executable, __file__, "--child", str(db), api.base_url.removesuffix("/bot"),
                   "--rate", str(args.rate), "--concurrency", str(args.concurrency)]  # fmt: skip
        first = await asyncio.create_subprocess_exec(*command, stdout=asyncio.subprocess.PIPE)
        kill_at = int(args.recipients * args.kill_at)
        while api.stats.sent < kill_at and first.returncode is None:
            await asyncio.sleep(0.01)
        os.kill(first.pid, signal.SIGKILL)
        await first.wait()
        sent_at_kill = api.stats.sent
        await asyncio.sleep(0.2)  # requests the dead process had on the wire still land
        store = Store.open(db)
        claimed = store.delivery_counts(announcement_id).get("sending", 0)
        store.close()
        started = time.monotonic()
        second = await asyncio.create_subprocess_exec(*command, stdout=asyncio.subprocess.PIPE)
        out, _ = await second.communicate()
        stats = json.loads(out.decode().strip().splitlines()[-1])
        result = outcome(api, db, announcement_id, args.recipients, blocked | missing)
        print(f"== crash and resume: {args.recipients} recipients, SIGKILL after {sent_at_kill} sends "
              f"({sent_at_kill / args.recipients:.0%}); {claimed} deliveries claimed ('sending') at the kill, "
              f"at most {args.concurrency} of them on the wire")  # fmt: skip
        print(f"  resumed process         sent {stats['sent']} in {time.monotonic() - started:.1f} s, "
              f"{stats['rate_limited']} flood waits; 429s from the server overall {api.stats.errors_429}, "
              f"at {[round(c.time - started, 1) for c in api.calls if c.status == 429]} s after the restart")  # fmt: skip
        print(f"  lost / duplicated       {result['lost']} / {result['duplicated']} (allowed: 0 / ≤ {args.concurrency}), "
              f"received but not marked sent {result['unnoted']}; "
              f"database: {', '.join(f'{k[3:]} {v}' for k, v in result.items() if k.startswith('db_'))}")  # fmt: skip


async def child(db: str, root: str, args: argparse.Namespace) -> None:
    """A sender process: resumes, drains the notice, prints its stats as JSON."""
    store = Store.open(db)
    stop = asyncio.Event()

    async def on_finished(*report: object) -> None:
        stop.set()

    async with make_bot(TOKEN, root) as bot:
        sender = Sender(store, TelegramTransport(bot), budget=SendBudget(args.rate), concurrency=args.concurrency,
                        on_finished=on_finished)  # fmt: skip
        await sender.run(stop)
    store.close()
    print(json.dumps(sender.stats.__dict__), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=5000)
    parser.add_argument("--kill-at", type=float, default=0.4, help="share of the notice sent before the SIGKILL")
    parser.add_argument("--no-kill", action="store_true", help="skip the crash-and-resume run")
    parser.add_argument("--rate", type=float, default=29.0, help="the bot's messages/s (SEND_RATE_PER_SECOND)")
    parser.add_argument("--ask-every", type=float, default=0.5, help="seconds between students' questions")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--latency", type=float, default=0.1, help="seconds the fake server takes to answer a send")
    parser.add_argument("--child", nargs=2, metavar=("DB", "API_ROOT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        asyncio.run(child(*args.child, args))
        return
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(steady(args, Path(tmp)))
        if not args.no_kill:
            asyncio.run(crash(args, Path(tmp)))


if __name__ == "__main__":
    main()
