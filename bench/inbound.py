"""Inbound capacity: the real app (WeChat callbacks in safe mode; Telegram through the fake Bot API) under
rising open-loop rates of students' questions, with many students already known to the bot.

Usage: [BENCH_PROFILE=file] python bench/inbound.py [--channels wechat,telegram] [--students 1000,100000] [--seconds 4]
       [--wechat-rates 120,240,...] [--telegram-rates 60,120,...] [--flood-seconds 20] [--previous ba11b23]

For each channel and each number of students, a child process runs the bot (a fresh SQLite database
seeded with the FAQ and the students registered in one bulk insert, as if they had written before):
- wechat: the real callback app (bot.channels.wechat.inbound.build_wechat_app over the real core) on a loopback
  port; this process posts text-message callbacks signed and AES-encrypted as WeChat's servers do in
  safe mode. A question counts as answered when its own request got the encrypted passive reply
  ("success" then a push counts as lost: WeChat's user waited for a push).
- telegram: the real application (bot.channels.telegram.adapter.build_application, long polling) against the
  fake Bot API server of tests/ running in this process; a question counts as answered when the bot's
  first sendMessage to that student's chat succeeded.
Open loop: question i is posted at i / rate whatever happened to the earlier ones, each from a student
not used before in the run (distinct students: the registered ones, then ones the bot has never seen), `--seconds` per rate. Latency is from the scheduled
post to the answer. A rate passes when p95 ≤ 1 s and nothing is lost. The child reports its CPU time
per question and the part spent in matching (the matcher's own CPU time): the rest is the channel, the store
and the bookkeeping, which is what must not grow with the students.

The telegram-flood run (with the most students only): the fake Bot API enforces Telegram's flood control
(30 messages/s per bot, 1 per chat: 429 with retry_after beyond) and the bot its own rate (29/s, the
default), while students ask 40 questions/s for `--flood-seconds`: the answers must flow at the
platform's rate (≥ 28/s) with none lost. In the other Telegram runs the emulator has no flood control,
standing for a bot allowed more (SEND_RATE_PER_SECOND=1000).

`--previous REV` measures that commit too, in the same run: `git archive` into a temporary folder, this
file copied in, the same steps in turn. Only 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from itertools import count
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TOKEN, APP_ID, ACCOUNT = "bench-token", "wx0123456789abcdef", "gh_bench"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"  # WeChat's 43 characters
BOT_TOKEN = "123456:BENCH"
HOST = "127.0.0.1"
QUESTIONS = ROOT / "tests" / "data" / "faq_holdout.jsonl"
FIRST_TELEGRAM_ID = 10_000_000


def sign(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


# -- the child: the bot ---------------------------------------------------------------------------------


def _either(module: str, before: str, name: str):  # noqa: ANN202 - what the module holds
    """`name` from `module`, or from where it was before issue 13's layout (a --previous checkout).

    Chosen by the checkout's own files: an editable install elsewhere could still find the new path."""
    import importlib

    new_layout = (ROOT / "bot" / "channels").is_dir()
    return getattr(importlib.import_module(module if new_layout else before), name)


def serve(channel: str, folder: str, students: int, api_root: str) -> None:
    """Run the bot's `channel` with `students` registered; print "PORT n" (the stats server) when ready."""
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from aiohttp import web

    from bot.app import build_conversation
    from bot.settings import Settings

    env = {"DATABASE_PATH": f"{folder}/bot.db", "CONTACT_PHONE": "0769-12345678", "WEB_ENABLED": "0"}
    if channel == "wechat":
        env.update({"WECHAT_TOKEN": TOKEN, "WECHAT_APP_ID": APP_ID, "WECHAT_APP_SECRET": "secret",
                    "WECHAT_ENCODING_AES_KEY": AES_KEY})  # fmt: skip
    else:  # without flood control the emulator stands for a bot allowed more (paid broadcasts: 1,000/s)
        env.update({"TELEGRAM_BOT_TOKEN": BOT_TOKEN, "TELEGRAM_API_BASE_URL": api_root,
                    **({} if channel == "telegram-flood" else {"SEND_RATE_PER_SECOND": "1000"})})  # fmt: skip
        channel = "telegram"
    settings = Settings.from_env(env)
    conversation = build_conversation(settings)
    store = conversation.store
    now = store.stamp()  # registered as the bot would have (plain SQL: runs against older checkouts too)
    ids = ([f"oBench-{i:06d}" for i in range(students)] if channel == "wechat"
           else [str(FIRST_TELEGRAM_ID + i) for i in range(students)])  # fmt: skip
    with store.db.conn:
        store.db.conn.executemany(
            "insert into users (channel, external_id, name, username, first_seen, last_seen) values (?, ?, ?, '', ?, ?)",
            [(channel, external_id, f"学生{i}", now, now) for i, external_id in enumerate(ids)],
        )
    matching = {"seconds": 0.0, "questions": 0}
    kb, ask = conversation.kb, conversation.kb.ask

    def timed_ask(*args, **kwargs):  # matching's CPU (the core's own timer is wall time: inflated on a busy machine)
        started = time.thread_time()
        try:
            return ask(*args, **kwargs)
        finally:
            matching["seconds"] += time.thread_time() - started

    kb.ask = timed_ask

    async def stats(_: web.Request) -> web.Response:
        return web.json_response({**matching, "cpu": time.process_time()})

    def counted(then):  # the core's timer, passed on to whoever listened before
        def on_question(channel: str, outcome: str, seconds: float) -> None:
            matching["questions"] += 1
            if then is not None:
                then(channel, outcome, seconds)

        return on_question

    async def listen(app: web.Application) -> None:
        app.router.add_get("/bench-stats", stats)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, HOST, 0)
        await site.start()
        print(f"PORT {runner.addresses[0][1]}", flush=True)

    async def wechat() -> None:
        build_wechat_app = _either("bot.channels.wechat.inbound", "bot.wechat.inbound", "build_wechat_app")

        async def pushed(channel: str, external_id: str, message: object) -> None:
            matching["pushed"] = matching.get("pushed", 0) + 1

        conversation.on_question = counted(conversation.on_question)
        await listen(build_wechat_app(settings, conversation, push=pushed))
        await asyncio.Event().wait()

    async def telegram() -> None:
        build_application = _either("bot.channels.telegram.adapter", "bot.telegram_adapter", "build_application")

        application = build_application(settings, conversation)
        conversation.on_question = counted(conversation.on_question)
        async with application:
            await application.start()
            await application.updater.start_polling(poll_interval=0, timeout=1)
            await listen(web.Application())
            await asyncio.Event().wait()

    if os.environ.get("BENCH_PROFILE"):  # the child's cProfile, written there when it is stopped
        import cProfile
        import signal

        profiler = cProfile.Profile()

        def dump(*_: object) -> None:
            profiler.disable()
            profiler.dump_stats(os.environ["BENCH_PROFILE"])
            os._exit(0)

        signal.signal(signal.SIGTERM, dump)
        profiler.enable()
    asyncio.run(wechat() if channel == "wechat" else telegram())


# -- this process: students, WeChat's servers, Telegram's Bot API ---------------------------------------


def questions() -> list[str]:
    return [json.loads(line)["q"] for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]


def summary(latencies: list[float], sent: int, lost: int) -> dict:
    latencies = sorted(latencies)
    p95 = latencies[int(0.95 * (len(latencies) - 1))] if latencies else float("inf")
    return {"sent": sent, "lost": lost, "p50": statistics.median(latencies) if latencies else float("inf"),
            "p95": p95}  # fmt: skip


class WeChatLoad:
    """Posts signed, encrypted callbacks like WeChat's servers."""

    def __init__(self, session, port: int) -> None:
        from tests.wechat_client import encrypt

        self.session, self.url, self.encrypt = session, f"http://{HOST}:{port}/wechat", encrypt
        self.ids = count(int(time.time() * 1000))

    async def step(self, rate: float, seconds: float, students: list[str], texts: list[str]) -> dict:
        rng = random.Random(int(rate))
        total = int(rate * seconds)
        latencies: list[float] = []
        lost = 0
        loop = asyncio.get_running_loop()
        start = loop.time() + 0.05

        async def one(i: int) -> None:
            nonlocal lost
            due = start + i / rate
            await asyncio.sleep(max(0.0, due - loop.time()))
            timestamp, nonce = str(int(time.time())), str(next(self.ids))
            xml = (f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName><FromUserName><![CDATA[{students[i]}]]>"
                   f"</FromUserName><CreateTime>{timestamp}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
                   f"<Content><![CDATA[{rng.choice(texts)}]]></Content><MsgId>{next(self.ids)}</MsgId></xml>")  # fmt: skip
            encrypted = self.encrypt(AES_KEY, APP_ID, xml)
            params = {"signature": sign(TOKEN, timestamp, nonce), "timestamp": timestamp, "nonce": nonce,
                      "encrypt_type": "aes", "msg_signature": sign(TOKEN, timestamp, nonce, encrypted)}  # fmt: skip
            body = f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
            try:
                async with self.session.post(self.url, params=params, data=body.encode(), timeout=10) as response:
                    text = await response.text()
                    ok = response.status == 200 and "<Encrypt>" in text
            except Exception:  # a timeout, a refused connection: lost
                ok = False
            if ok:
                latencies.append(loop.time() - due)
            else:
                lost += 1

        await asyncio.gather(*(one(i) for i in range(total)))
        return summary(latencies, total, lost)


class TelegramLoad:
    """Students writing to the bot through the fake Bot API; the answer is the bot's first sendMessage."""

    def __init__(self, api) -> None:
        self.api = api
        self._seen_calls = 0

    def answered(self) -> dict[int, float]:
        """Chat id → when its first successful sendMessage came, among the calls since the last look."""
        first: dict[int, float] = {}
        calls = self.api.calls
        for call in calls[self._seen_calls:]:
            if call.method == "sendMessage" and call.status == 200:
                first.setdefault(int(call.params["chat_id"]), call.time)
        self._seen_calls = len(calls)
        return first

    async def step(self, rate: float, seconds: float, students: list[str], texts: list[str],
                   grace: float = 5.0) -> dict:  # fmt: skip
        rng = random.Random(int(rate))
        total = int(rate * seconds)
        chats = [int(s) for s in students[:total]]
        due: dict[int, float] = {}
        start = time.monotonic() + 0.05
        for i, chat in enumerate(chats):
            when = start + i / rate
            await asyncio.sleep(max(0.0, when - time.monotonic()))
            due[chat] = when
            self.api.send_text(chat, rng.choice(texts), first_name=f"学生{chat - FIRST_TELEGRAM_ID}")
        answers: dict[int, float] = {}
        until = time.monotonic() + grace
        while len(answers) < total and time.monotonic() < until:
            await asyncio.sleep(0.1)
            answers.update({c: t for c, t in self.answered().items() if c in due and c not in answers})
        result = summary([answers[c] - due[c] for c in answers], total, total - len(answers))
        if answers:
            result["flow"] = len(answers) / (max(answers.values()) - start)
        return result


async def drive(channel: str, port: int, args, students: int, api) -> dict:
    """The rising rates (and the flood-control run) against one child; prints a row a rate."""
    import aiohttp

    texts = questions()
    used = 0
    ids = ([f"oBench-{i:06d}" for i in range(students)] if channel == "wechat"
           else [str(FIRST_TELEGRAM_ID + i) for i in range(students)])  # fmt: skip
    random.Random(students).shuffle(ids)
    rates = [float(r) for r in (args.wechat_rates if channel == "wechat" else args.telegram_rates).split(",")]
    if channel == "telegram-flood":
        rates = []
    result: dict = {"best": None, "cpu": {}, "rest": {}, "p95": {}, "flood": None}
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:

        async def stats() -> dict:
            async with session.get(f"http://{HOST}:{port}/bench-stats") as response:
                return await response.json()

        load = WeChatLoad(session, port) if channel == "wechat" else TelegramLoad(api)

        def take(n: int) -> list[str]:  # students not used yet in this run: the registered ones, then newcomers
            nonlocal used
            used += n
            return [ids[k] if k < len(ids) else fresh(k) for k in range(used - n, used)]

        def fresh(k: int) -> str:  # a student the bot has not seen (registered ones are numbered below `students`)
            return f"oBench-{k:06d}" if channel == "wechat" else str(FIRST_TELEGRAM_ID + k)

        await load.step(10, 1, take(10), texts)  # warm-up
        if rates:
            print(f"  {'rate/s':>7} {'sent':>6} {'lost':>5} {'p50 ms':>8} {'p95 ms':>8} {'CPU ms/q':>9} "
                  f"{'matching':>9} {'rest':>7}", flush=True)  # fmt: skip
        for rate in rates:
            before = await stats()
            step = await load.step(rate, args.seconds, take(int(rate * args.seconds)), texts)
            await asyncio.sleep(0.3)
            after = await stats()
            asked = max(1, after["questions"] - before["questions"])
            cpu = (after["cpu"] - before["cpu"]) / asked * 1000
            match = (after["seconds"] - before["seconds"]) / asked * 1000
            passed = step["lost"] == 0 and step["p95"] <= 1.0
            print(f"  {rate:>7g} {step['sent']:>6} {step['lost']:>5} {step['p50'] * 1000:>8.1f} "
                  f"{step['p95'] * 1000:>8.1f} {cpu:>9.2f} {match:>9.2f} {cpu - match:>7.2f}"
                  f"{'' if passed else '  ✗'}", flush=True)  # fmt: skip
            result["cpu"][rate], result["rest"][rate], result["p95"][rate] = cpu, cpu - match, step["p95"]
            if not passed:
                break
            result["best"] = rate
        if channel == "telegram-flood":
            await asyncio.sleep(2)  # let the warm-up's stragglers through
            load.answered()
            api.enforce_limits(global_per_second=30, per_chat_per_second=1)
            step = await load.step(40, args.flood_seconds, take(int(40 * args.flood_seconds)), texts, grace=30)
            api.enforce_limits(None, None)
            print(f"  flood control on, 40 q/s for {args.flood_seconds:g} s: answers {step.get('flow', 0):.1f}/s, "
                  f"lost {step['lost']} of {step['sent']}, p95 {step['p95']:.1f} s, 429s {api.stats.errors_429}",
                  flush=True)  # fmt: skip
            result["flood"] = step
    return result


def child(checkout: Path, channel: str, students: int, folder: str, api_root: str) -> tuple[subprocess.Popen, int]:
    process = subprocess.Popen(
        [sys.executable, str(checkout / "bench" / "inbound.py"), "--serve", channel, "--folder", folder,
         "--students", str(students), "--api-root", api_root],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=checkout,
    )  # fmt: skip  (the older release logs every lost answer's traceback)
    deadline = time.monotonic() + 300
    for line in process.stdout:  # type: ignore[union-attr]
        if line.startswith("PORT "):
            return process, int(line.split()[1])
        if time.monotonic() > deadline:
            break
    process.kill()
    raise SystemExit(f"the bot ({channel}, {checkout}) did not start")


async def measure(checkout: Path, channel: str, students: int, args) -> dict:
    from tests.fakebotapi import FakeBotApi

    api = FakeBotApi(BOT_TOKEN) if channel.startswith("telegram") else None
    if api is not None:
        await api.start()
    with tempfile.TemporaryDirectory() as folder:
        api_root = f"http://{HOST}:{api.port}" if api else ""
        process, port = await asyncio.to_thread(child, checkout, channel, students, folder, api_root)
        try:
            print(f"{channel}, {students:,} students registered, {args.seconds:g} s a rate ({checkout.name}):")
            return await drive(channel, port, args, students, api)
        finally:
            process.terminate()
            process.wait(10)
            if api is not None:
                await api.stop()


def previous_checkout(rev: str, folder: str) -> Path:
    """`rev` exported into `folder`, with this bench copied in."""
    target = Path(folder) / f"previous-{rev}"
    target.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    shutil.copy(Path(__file__), target / "bench" / "inbound.py")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--channels", default="wechat,telegram,telegram-flood")
    parser.add_argument("--students", default="1000,100000")
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--wechat-rates", default="120,240,360,480,600,720")
    parser.add_argument("--telegram-rates", default="60,120,180,240,300,360")
    parser.add_argument("--flood-seconds", type=float, default=20.0)
    parser.add_argument("--cpu-at", type=float, default=120.0, help="the rate whose CPU per question the table shows")
    parser.add_argument("--previous", default="", help="a commit to measure in the same run (e.g. ba11b23)")
    parser.add_argument("--serve", default="", help=argparse.SUPPRESS)
    parser.add_argument("--folder", default="", help=argparse.SUPPRESS)
    parser.add_argument("--api-root", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.folder, int(args.students), args.api_root)
        return
    with tempfile.TemporaryDirectory() as folder:
        checkouts = [("now", ROOT)] + ([(args.previous, previous_checkout(args.previous, folder))]
                                       if args.previous else [])  # fmt: skip
        rows = []
        sizes = [int(s) for s in args.students.split(",")]
        for channel in args.channels.split(","):
            for students in sizes if channel != "telegram-flood" else sizes[-1:]:
                for name, checkout in checkouts:
                    rows.append((name, channel, students, asyncio.run(measure(checkout, channel, students, args))))
    print(f"\n| code | channel | students | highest rate, p95 ≤ 1 s, none lost | CPU ms/q at {args.cpu_at:g}/s "
          "(beyond matching) | flood control: answers/s, lost |")
    print("|---|---|---|---|---|---|")
    for name, channel, students, r in rows:
        at = args.cpu_at if args.cpu_at in r["cpu"] else None
        best = f"{r['best']:g}/s (p95 {r['p95'][r['best']] * 1000:.0f} ms)" if r["best"] else "none"
        cpu = f"{r['cpu'][at]:.2f} ({r['rest'][at]:.2f})" if at else "-"
        flood = (f"{r['flood'].get('flow', 0):.1f}/s, {r['flood']['lost']} of {r['flood']['sent']}"
                 if r["flood"] else "")  # fmt: skip
        print(f"| {name} | {channel} | {students:,} | {best} | {cpu} | {flood} |")


if __name__ == "__main__":
    main()
