"""Render time of the web console's pages: the seed data, and 100,000 logged questions with 1,000 entries.

Usage: python bench/web.py [--questions 100000] [--entries 1000] [--repeat 30]

Builds each database in a temporary folder (the seed FAQ, or the seed plus synthetic entries made
as bench/match_speed.py makes them, and questions logged over the last 14 days on the store's clock:
answered, "did you mean" and unanswered ones from a pool of phrasings, some rated), serves the real
aiohttp application, logs in through a login link, and times whole HTTP requests (render included)
to the dashboard and the FAQ pages. Prints p50/p95 in milliseconds; the target is p95 < 300 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
from aiohttp.test_utils import TestServer  # noqa: E402

from bench.match_speed import synthetic_entries  # noqa: E402
from bot.app import build_conversation  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.store import Store  # noqa: E402
from bot.web.app import build_web_app  # noqa: E402
from bot.web.links import issue_link  # noqa: E402
from knowledge.entries import load_faq  # noqa: E402

TARGET_MS = 300
OUT_OF_SCOPE = ["东莞天气怎么样", "护照怎么办", "考研分数线", "宿舍几点关门", "食堂好吃吗", "哪里买火车票",
                "驾照考试", "四六级报名", "奖学金评定", "校园网坏了"]  # fmt: skip


def build(folder: Path, questions: int, entries: int, rng: random.Random) -> tuple[Settings, Store]:
    settings = Settings.from_env({"DATABASE_PATH": str(folder / "bot.db"), "ADMIN_IDS": "1", "WEB_PORT": "0"})
    store = Store.open(settings.database_path, settings.clock())
    categories, seed = load_faq()
    extra = synthetic_entries(seed, max(0, entries - len(seed)), rng) if entries > len(seed) else []
    extra = [e.__class__(e.id, categories[i % len(categories)].id, e.question, e.answer, "", e.alternates)
             for i, e in enumerate(extra)]  # fmt: skip
    store.seed_faq(categories, [*seed, *extra])
    pool = [p for e in seed for p in e.phrasings[:6]]
    ids = [e.id for e in seed]
    now = store.clock.now()
    clock = store.clock
    store.db.execute("PRAGMA synchronous = OFF")  # building the fixture only; pages are timed with the default
    if True:
        for n in range(questions):
            clock.pin(now - timedelta(seconds=rng.randrange(14 * 86400)))
            user = str(rng.randrange(max(1, questions // 10)))
            roll = rng.random()
            if roll < 0.75:
                qid = store.log_question("telegram", user, rng.choice(pool), "answer", rng.choice(ids), 0.8)
                if rng.random() < 0.1:
                    store.rate_question(qid, "telegram", user, rng.choice((1, 1, 1, -1)))
            elif roll < 0.9:
                store.log_question("telegram", user, rng.choice(pool), "suggest", rng.choice(ids), 0.45, ids[:3])
            else:
                store.log_question("telegram", user, rng.choice(OUT_OF_SCOPE) + rng.choice("吗呢啊"), "none", None, 0.1)
            if n % 10 == 0:
                store.touch_user("telegram", user, f"同学{user}")
    entry = store.faq_entry("sanzhi-yifu")  # a few revisions for the history page
    for n in range(5):
        store.save_entry(replace(entry, answer=f"{entry.answer}（第 {n} 次修订）"), "telegram:1")
    store.db.execute("PRAGMA synchronous = FULL")
    store.clock = settings.clock()  # running again
    return settings, store


async def measure(settings: Settings, store: Store, repeat: int, pages: list[str]) -> dict[str, list[float]]:
    conversation = build_conversation(settings, store)
    server = TestServer(build_web_app(settings, conversation))
    await server.start_server()
    timings: dict[str, list[float]] = {page: [] for page in pages}
    try:
        jar = aiohttp.CookieJar(unsafe=True)
        async with aiohttp.ClientSession(cookie_jar=jar) as http:
            token = issue_link(settings, store, "telegram", "1").split("token=", 1)[1]
            async with http.post(server.make_url("/login"), data={"token": token}) as response:
                assert response.status == 200, response.status
            for page in pages:
                for i in range(repeat + 2):
                    started = time.perf_counter()
                    async with http.get(server.make_url(page)) as response:
                        await response.read()
                        assert response.status == 200, (page, response.status)
                    if i >= 2:  # the first two warm caches (templates, the index's first questions)
                        timings[page].append((time.perf_counter() - started) * 1000)
    finally:
        await server.close()
    return timings


def p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] if len(values) > 1 else values[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=100_000)
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    rng = random.Random(14)
    pages = ["/", "/faq", "/faq?q=补贴", "/faq/sanzhi-yifu", "/faq/sanzhi-yifu/history", "/try?q=三支一福有啥待遇",
             "/unanswered"]  # fmt: skip
    results = {}
    for label, questions, entries in (("seed", 200, 0), (f"{args.questions:,} questions, {args.entries:,} entries",
                                                           args.questions, args.entries)):  # fmt: skip
        with tempfile.TemporaryDirectory() as folder:
            started = time.perf_counter()
            settings, store = build(Path(folder), questions, entries, rng)
            print(f"[{label}] built in {time.perf_counter() - started:.1f} s", file=sys.stderr)
            try:
                results[label] = asyncio.run(measure(settings, store, args.repeat, pages))
            finally:
                store.close()
    labels = list(results)
    print(f"{'page':34} " + "  ".join(f"{lab[:30]:>30}" for lab in labels))
    print(f"{'':34} " + "  ".join(f"{'p50 / p95 ms':>30}" for _ in labels))
    for page in pages:
        cells = [f"{p(results[lab][page], 50):7.1f} / {p(results[lab][page], 95):7.1f}" for lab in labels]
        print(f"{page:34} " + "  ".join(f"{c:>30}" for c in cells))
    worst = max(p(results[labels[-1]][page], 95) for page in pages if page != "/unanswered")
    print(f"\nworst p95 of the dashboard and FAQ pages at scale: {worst:.1f} ms (target < {TARGET_MS} ms)")


if __name__ == "__main__":
    main()
