"""Job-fair reminders at scale: start-up rescheduling, memory, and lateness under a burst.

Usage: python bench/reminders.py [--students 10000] [--burst 1000] [--latency 0.1]
                                 [--lead 5] [--repeat 3] [--quick]

Run 1, start-up: 10,000 students each reminded of 2 of 50 fairs over the next 30 days
at the default leads (1 day, 1 hour): 40,000 pending rows (one executemany, not
counted). Ours: `ReminderJobs.start()` on a fresh, started AsyncIOScheduler in the
running loop (one date job per distinct due time): time until it returns and until the
loop has run the wake-ups it queued, jobs, tracemalloc peak and what stays allocated,
peak RSS. Baseline: the naive design, one date job per row. Each side runs in its own
subprocess (its RSS is its own); times are the best of --repeat.

Run 2, burst: --burst reminders due at the same second, --lead s after start-up (a fair
in 1 h, lead 60 min), sent by the real OutboxRunner (scheduler + sender, Telegram
transport, production's SendBudget) to the fake Bot API with Telegram's limits enforced
(30/s per bot, 1/s per chat, else 429), each send answered after --latency s. Lateness
= server's acceptance minus due time, against the ideal: 30/s from the due time on.

Prints figures, asserts nothing. `--quick`: 2,000 students, 300 in the burst.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from apscheduler.schedulers.asyncio import AsyncIOScheduler  # noqa: E402
from apscheduler.triggers.date import DateTrigger  # noqa: E402

from bot.app import build_conversation  # noqa: E402
from bot.channels.telegram.transport import TelegramTransport, make_bot  # noqa: E402
from bot.fairs.desk import DEFAULT_LEADS, reminder_due  # noqa: E402
from bot.notices.delivery import OutgoingMessage  # noqa: E402
from bot.notices.pacing import SendBudget  # noqa: E402
from bot.outbox_runner import OutboxRunner  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.store import Store, iso, parse_iso  # noqa: E402
from jobs.reminders import ReminderJobs  # noqa: E402
from tests.fakebotapi import FakeBotApi  # noqa: E402

TOKEN = "123456:BENCH-token"
LIMIT = 30.0  # Telegram's messages/s per bot: the burst's ideal
FIRST_CHAT = 100_000
FAIRS, FAIRS_EACH = 50, 2
INSERT = ("insert into fair_reminders (fair_id, channel, external_id, lead_minutes, due_at, status, created_at,"
          " updated_at) values (?, 'telegram', ?, ?, ?, 'pending', ?, ?)")  # fmt: skip


def settings_for(db: Path | str, api_root: str = "") -> Settings:
    env = {"DATABASE_PATH": str(db), "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": api_root}
    return Settings.from_env(env)


def add_fair(store: Store, n: int, start: datetime) -> int:
    return store.add_fair("bench", {"title": f"第{n}场招聘会", "organiser": "东莞市人社局", "kind": "onsite",
                                    "starts_at": iso(start), "ends_at": iso(start + timedelta(hours=3)),
                                    "city": "东莞", "venue": "东莞人才市场"})  # fmt: skip


def insert_reminders(store: Store, rows: list[tuple[int, str, int, str]]) -> None:
    """(fair, student, lead, due) rows as `Store.set_reminders` would write them, in one transaction."""
    now = store.stamp()
    with store.db.atomic():
        store.db.conn.executemany(INSERT, [(*row, now, now) for row in rows])


def build_db(db: Path, students: int) -> tuple[float, int, int]:
    """50 fairs over the next 30 days, each student reminded of 2 of them; return seconds, rows, due times."""
    started = time.perf_counter()
    store, settings = Store.open(db), settings_for(db)
    first = store.clock.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=2)
    starts = [first + timedelta(hours=14 * k) for k in range(FAIRS)]  # every 14 h: a day's hours all get fairs
    fairs = [add_fair(store, k, start) for k, start in enumerate(starts)]
    rows = []
    for i in range(students):
        for k in {i % FAIRS, (i * 7 + 3) % FAIRS}:  # two different fairs (7i+3 ≡ i mod 50 never holds)
            rows += [(fairs[k], str(FIRST_CHAT + i), lead, iso(reminder_due(starts[k], lead, settings)))
                     for lead in DEFAULT_LEADS]  # fmt: skip
    insert_reminders(store, rows)
    times = len(store.pending_reminder_times())
    store.close()
    return time.perf_counter() - started, len(rows), times


def max_rss_mb() -> float:  # ru_maxrss is in KiB on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def loop_free() -> None:
    """Return once the loop has run every callback queued so far (the scheduler's wake-ups)."""
    done = asyncio.get_running_loop().create_future()
    asyncio.get_running_loop().call_soon(done.set_result, None)
    await done


async def startup_child(kind: str, db: str, repeat: int) -> dict[str, float]:
    """One side of run 1, in its own process: best time of `repeat`, then a traced run for memory."""
    store, settings = Store.open(db), settings_for(db)

    async def release_one(reminder_id: int) -> None:  # the naive job's work; never runs here
        store.release_reminders(store.stamp())

    def ours(scheduler: AsyncIOScheduler) -> int:
        return ReminderJobs(scheduler, store, settings, lambda released: None).start()

    def naive(scheduler: AsyncIOScheduler) -> int:
        rows = store.db.execute("select id, due_at from fair_reminders where status = 'pending'").fetchall()
        for reminder_id, due_at in rows:
            scheduler.add_job(release_one, DateTrigger(parse_iso(due_at), timezone=UTC), args=[reminder_id],
                              id=f"reminder:{reminder_id}", replace_existing=True, misfire_grace_time=None,
                              coalesce=True)  # fmt: skip
        return len(rows)

    step = ours if kind == "ours" else naive
    result: dict[str, float] = {"rss_before": max_rss_mb(), "add": float("inf"), "settled": float("inf")}
    for run in range(repeat + 1):  # the last run is traced: memory only
        if run == repeat:
            tracemalloc.start()
        scheduler = AsyncIOScheduler(timezone=settings.timezone)
        scheduler.start()
        await loop_free()
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        started = time.perf_counter()
        scheduled = step(scheduler)
        added = time.perf_counter() - started
        await loop_free()
        settled = time.perf_counter() - started
        if run < repeat:
            result.update(add=min(result["add"], added), settled=min(result["settled"], settled), scheduled=scheduled,
                          jobs=len(scheduler.get_jobs()), rss_peak=max_rss_mb(),
                          rss_growth=max_rss_mb() - result["rss_before"])  # fmt: skip
        else:
            current, peak = tracemalloc.get_traced_memory()
            result.update(traced_peak=(peak - before) / 2**20, retained=(current - before) / 2**20)
        scheduler.shutdown(wait=False)
        await loop_free()
    store.close()
    return result


def startup(args: argparse.Namespace, tmp: Path) -> None:
    db = tmp / "startup.db"
    seconds, rows, times = build_db(db, args.students)
    sides = {}
    for kind in ("ours", "naive"):
        command = [sys.executable, __file__, "--child", kind, str(db), "--repeat", str(args.repeat)]
        out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        sides[kind] = json.loads(out.strip().splitlines()[-1])
    ours, naive = sides["ours"], sides["naive"]
    print(f"== start-up: {args.students} students × {FAIRS_EACH} of {FAIRS} fairs × leads {DEFAULT_LEADS} min = "
          f"{rows} pending reminders at {times} distinct times (database built in {seconds:.2f} s, not counted)")  # fmt: skip
    print(f"  {'':26}{'ours (job per time)':>22}{'naive (job per row)':>22}{'ours / naive':>14}")

    def line(label: str, key: str, unit: str, scale: float = 1.0, digits: int = 1) -> None:
        a, b = ours[key] * scale, naive[key] * scale
        ratio = a / b if b else float("nan")
        print(f"  {label:26}{f'{a:.{digits}f} {unit}':>22}{f'{b:.{digits}f} {unit}':>22}{ratio:>14.4f}")

    line("jobs in the scheduler", "jobs", "", digits=0)
    line("add_job calls return", "add", "ms", 1000)
    line("…and the loop is free", "settled", "ms", 1000)
    line("tracemalloc peak", "traced_peak", "MiB", digits=2)
    line("still allocated (jobs)", "retained", "MiB", digits=2)
    line("peak RSS of the process", "rss_peak", "MiB")
    line("…its growth in the step", "rss_growth", "MiB")
    print(f"  ours = {ours['scheduled']:.0f} reminder jobs + sweep + digest; times: best of {args.repeat}; "
          f"RSS before the step {ours['rss_before']:.0f} MiB (the bot's imports)")  # fmt: skip


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")


async def burst(args: argparse.Namespace, tmp: Path) -> None:
    db = tmp / "burst.db"
    logging.getLogger("jieba").setLevel(logging.WARNING)  # its dictionary-loading chatter
    async with FakeBotApi(token=TOKEN) as api:
        api.enforce_limits(global_per_second=int(LIMIT), per_chat_per_second=1)
        api.delay("sendMessage", args.latency)
        root = api.base_url.removesuffix("/bot")
        settings = settings_for(db, root)
        store = Store.open(db)
        conversation = build_conversation(settings, store)
        render = lambda a: OutgoingMessage.from_reply(conversation.render_notice(a))  # noqa: E731
        # Written just before start-up, so that every reminder falls due --lead seconds after it.
        start = store.clock.now().replace(microsecond=0) + timedelta(minutes=60, seconds=args.lead + 1)
        fair = add_fair(store, 0, start)
        due = reminder_due(start, 60, settings)
        chats = range(FIRST_CHAT, FIRST_CHAT + args.burst)
        insert_reminders(store, [(fair, str(chat), 60, iso(due)) for chat in chats])
        async with make_bot(TOKEN, root) as bot:
            runner = OutboxRunner(settings, store, TelegramTransport(bot), render,
                                  budget=SendBudget(settings.send_rate_per_second))  # fmt: skip
            started = time.perf_counter()
            await runner.start()
            startup = time.perf_counter() - started
            due_at = time.monotonic() + (due - store.clock.now()).total_seconds()  # on the server's clock
            deadline = due_at + args.burst / 20 + 30
            while sum(1 for c in chats if api.stats.per_chat[c]) < args.burst and time.monotonic() < deadline:
                await asyncio.sleep(0.2)
            await asyncio.sleep(2)  # a second copy of anything would be on its way by now
            await runner.stop()
        store.close()
    accepted: dict[int, float] = {}
    for call in api.calls:
        if call.method == "sendMessage" and call.status == 200:
            accepted.setdefault(int(call.params["chat_id"]), call.time)
    late = [accepted[c] - due_at for c in chats if c in accepted]
    ideal = [i / LIMIT for i in range(args.burst)]
    p50, p99, i50, i99 = percentile(late, 0.5), percentile(late, 0.99), percentile(ideal, 0.5), percentile(ideal, 0.99)
    print(f"== burst: {args.burst} reminders due at the same second, {args.lead:g} s after start-up; "
          f"the real OutboxRunner, budget {settings.send_rate_per_second:g}/s, {args.latency * 1000:.0f} ms per send, "
          f"server limits {LIMIT:g}/s per bot, 1/s per chat")  # fmt: skip
    print(f"  runner start-up         {startup * 1000:.1f} ms")
    print(f"  job's firing delay      {min(late, default=float('nan')) * 1000:.0f} ms (first reminder accepted − due)")
    print(f"  lateness                p50 {p50:.2f} s, p99 {p99:.2f} s, max {max(late, default=float('nan')):.2f} s")
    print(f"  ideal at {LIMIT:g}/s           p50 {i50:.2f} s, p99 {i99:.2f} s, max {ideal[-1]:.2f} s")
    print(f"  ours / ideal            p50 {p50 / i50:.3f}, p99 {p99 / i99:.3f}")
    rate = (len(late) - 1) / (max(late) - min(late)) if len(late) > 1 else float("nan")
    print(f"  throughput              {rate:.2f} msg/s = {rate / LIMIT:.1%} of the {LIMIT:g}/s limit")
    print(f"  429s from the server    {api.stats.errors_429}")
    print(f"  lost / duplicated       {sum(1 for c in chats if api.stats.per_chat[c] == 0)} / "
          f"{sum(1 for c in chats if api.stats.per_chat[c] > 1)} (students with no reminder / with two)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=10_000)
    parser.add_argument("--burst", type=int, default=1000, help="reminders due at the same second")
    parser.add_argument("--latency", type=float, default=0.1, help="seconds the fake server takes to answer a send")
    parser.add_argument("--lead", type=int, default=5, help="seconds from start-up to the burst's due time")
    parser.add_argument("--repeat", type=int, default=3, help="timed start-ups per side (the best counts)")
    parser.add_argument("--quick", action="store_true", help="2,000 students, 300 in the burst")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(asyncio.run(startup_child(*args.child, args.repeat))), flush=True)
        return
    if args.quick:
        args.students, args.burst, args.repeat = min(args.students, 2000), min(args.burst, 300), 1
    with tempfile.TemporaryDirectory() as tmp:
        startup(args, Path(tmp))
        asyncio.run(burst(args, Path(tmp)))


if __name__ == "__main__":
    main()
