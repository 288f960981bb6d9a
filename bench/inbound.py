"""Inbound capacity: the real WeChat callback app under rising open-loop rates of students' questions.

Usage: python bench/inbound.py [--students 10000] [--seconds 5] [--rates 10,20,40,80,160,320]

A child process runs the bot's WeChat app (bot.channels.wechat.inbound.build_wechat_app over the real
conversation core, a fresh SQLite database seeded with the FAQ and `--students` students already
registered) on a loopback port. This process posts signed text-message callbacks, as WeChat's
servers do, from students picked at random, open loop: request i is sent at i / rate whatever
happened to the earlier ones, for `--seconds` per rate. Latency is from the scheduled send to the
passive reply. A rate passes when p95 ≤ 1 s and nothing is lost (every callback got a 200 with the
answer, not a push later, an error or a timeout). The child reports its CPU time per question,
and the part of it spent in matching (the core's own timer), so the rest is the cost of the
channel, the store and the bookkeeping. Only 127.0.0.1; at most rate × seconds requests a step.

The code measured is the checkout this file sits in: copy it into an older checkout (git archive)
to measure that one in the same run conditions.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import multiprocessing
import os
import random
import statistics
import sys
import tempfile
import time
from itertools import count
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TOKEN, APP_ID, ACCOUNT = "bench-token", "wx0123456789abcdef", "gh_bench"
HOST = "127.0.0.1"
QUESTIONS = ROOT / "tests" / "data" / "faq_holdout.jsonl"


def sign(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def serve(folder: str, students: int, ready) -> None:  # the child process
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from aiohttp import web

    from bot.app import build_conversation
    from bot.channels.wechat.inbound import build_wechat_app
    from bot.settings import Settings

    settings = Settings.from_env({
        "DATABASE_PATH": f"{folder}/bot.db", "CONTACT_PHONE": "0769-12345678",
        "WECHAT_TOKEN": TOKEN, "WECHAT_APP_ID": APP_ID, "WECHAT_APP_SECRET": "secret",
    })  # fmt: skip
    conversation = build_conversation(settings)
    store = conversation.store
    now = store.stamp()  # registered as the bot would have (plain SQL: runs against older checkouts too)
    with store.db.conn:
        store.db.conn.executemany(
            "insert into users (channel, external_id, name, username, first_seen, last_seen) values (?, ?, ?, '', ?, ?)",
            [("wechat", f"oBench-{i:06d}", f"学生{i}", now, now) for i in range(students)],
        )
    matching = {"seconds": 0.0, "questions": 0}

    def on_question(channel: str, outcome: str, seconds: float) -> None:
        matching["seconds"] += seconds
        matching["questions"] += 1

    conversation.on_question = on_question

    async def pushed(channel: str, external_id: str, message: object) -> None:
        matching["pushed"] = matching.get("pushed", 0) + 1

    async def stats(_: web.Request) -> web.Response:
        return web.json_response({**matching, "cpu": time.process_time()})

    async def main() -> None:
        app = build_wechat_app(settings, conversation, push=pushed)
        app.router.add_get("/bench-stats", stats)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, HOST, 0)
        await site.start()
        ready.send(runner.addresses[0][1])
        await asyncio.Event().wait()

    asyncio.run(main())


def message(openid: str, text: str, msg_id: int) -> str:
    return (
        f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content><![CDATA[{text}]]></Content><MsgId>{msg_id}</MsgId></xml>"
    )


async def step(session, url: str, rate: float, seconds: float, students: int, questions: list[str], ids) -> dict:
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
        timestamp, nonce = str(int(time.time())), str(next(ids))
        params = {"signature": sign(TOKEN, timestamp, nonce), "timestamp": timestamp, "nonce": nonce}
        body = message(f"oBench-{rng.randrange(students):06d}", rng.choice(questions), next(ids))
        try:
            async with session.post(url, params=params, data=body.encode(), timeout=10) as response:
                text = await response.text()
                ok = response.status == 200 and "<Content>" in text
        except Exception:  # a timeout, a refused connection: lost
            ok = False
        if ok:
            latencies.append(loop.time() - due)
        else:
            lost += 1

    await asyncio.gather(*(one(i) for i in range(total)))
    latencies.sort()
    p95 = latencies[int(0.95 * (len(latencies) - 1))] if latencies else float("inf")
    return {"sent": total, "lost": lost, "p50": statistics.median(latencies) if latencies else float("inf"),
            "p95": p95}  # fmt: skip


async def drive(port: int, args) -> None:
    import aiohttp

    questions = [json.loads(line)["q"] for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    url = f"http://{HOST}:{port}/wechat"
    ids = count(int(time.time() * 1000))
    best = None
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def stats() -> dict:
            async with session.get(f"http://{HOST}:{port}/bench-stats") as response:
                return await response.json()

        print(f"{args.students:,} students registered; {args.seconds:g} s a rate; open loop; 127.0.0.1")
        print(f"{'rate/s':>7} {'sent':>6} {'lost':>5} {'p50 ms':>8} {'p95 ms':>8} {'CPU ms/q':>9} {'matching':>9} "
              f"{'rest':>7}")  # fmt: skip
        for rate in [float(r) for r in args.rates.split(",")]:
            before = await stats()
            result = await step(session, url, rate, args.seconds, args.students, questions, ids)
            await asyncio.sleep(0.2)
            after = await stats()
            asked = max(1, after["questions"] - before["questions"])
            cpu = (after["cpu"] - before["cpu"]) / asked * 1000
            match = (after["seconds"] - before["seconds"]) / asked * 1000
            passed = result["lost"] == 0 and result["p95"] <= 1.0
            print(f"{rate:>7g} {result['sent']:>6} {result['lost']:>5} {result['p50'] * 1000:>8.1f} "
                  f"{result['p95'] * 1000:>8.1f} {cpu:>9.2f} {match:>9.2f} {cpu - match:>7.2f}"
                  f"{'' if passed else '  ✗'}")  # fmt: skip
            if not passed:
                break
            best = rate
    print(f"highest rate with p95 ≤ 1 s and nothing lost: {best if best is not None else 'none'} questions/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rates", default="10,20,40,80,160,320")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        reader, writer = multiprocessing.Pipe(duplex=False)
        child = multiprocessing.get_context("spawn").Process(target=serve, args=(folder, args.students, writer))
        child.start()
        try:
            if not reader.poll(180):
                raise SystemExit("the bot did not start in 180 s")
            asyncio.run(drive(reader.recv(), args))
        finally:
            child.terminate()
            child.join(10)


if __name__ == "__main__":
    main()
