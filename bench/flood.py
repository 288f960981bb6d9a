"""CPU per message of the students' flood guard as the students seen grow: the old guard on
`limits`' MovingWindowRateLimiter + MemoryStorage (the baseline, kept here) against bot/flood.py.

Usage: python bench/flood.py [--messages 200] [--sizes 1000,10000,100000]

For each size N a fresh guard of each kind first sees N distinct students (one message each),
then `--messages` more messages from students picked at random among them are timed in CPU
(process time, all threads: MemoryStorage expires entries in a timer thread 10 ms after a hit,
walking every key it ever held; the bench waits for that pass after each message so that each
message is charged its own pass, as when messages are spread out in real traffic).
Prints µs of CPU per message and the ratio old / new, measured in the same run.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

from limits import RateLimitItemPerMinute
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.flood import FloodGuard, Verdict  # noqa: E402


class LimitsFloodGuard:
    """The guard as it was (bot/flood.py before issue 17): limits' moving window in memory."""

    def __init__(self, per_minute: int) -> None:
        self._limit = RateLimitItemPerMinute(per_minute)
        self.storage = MemoryStorage()
        self._limiter = MovingWindowRateLimiter(self.storage)
        self._warned: set[str] = set()

    def check(self, user_key: str) -> Verdict:
        if self._limiter.hit(self._limit, user_key):
            self._warned.discard(user_key)
            return Verdict.OK
        if user_key in self._warned:
            return Verdict.DROP
        self._warned.add(user_key)
        return Verdict.WARN

    def settle(self) -> None:
        """Wait for the expiry pass the last hit scheduled."""
        self.storage.timer.join()


def measure(guard, students: list[str], messages: int, rng: random.Random) -> float:
    """µs of process CPU per message from students already seen."""
    settle = getattr(guard, "settle", lambda: None)
    for key in students:
        guard.check(key)
    settle()
    picks = [rng.choice(students) for _ in range(messages)]
    start = time.process_time()
    for key in picks:
        guard.check(key)
        settle()
    return (time.process_time() - start) / messages * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--sizes", default="1000,10000,100000")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"{'students seen':>14} {'limits µs/msg':>14} {'new µs/msg':>11} {'old / new':>10} {'new held':>9}")
    for n in sizes:
        students = [f"wechat:student{i:06d}" for i in range(n)]
        old = measure(LimitsFloodGuard(20), students, args.messages, random.Random(n))
        new_guard = FloodGuard(20)
        new = measure(new_guard, students, args.messages, random.Random(n))
        print(f"{n:>14,} {old:>14.1f} {new:>11.2f} {old / new:>9.0f}× {len(new_guard):>9,}")


if __name__ == "__main__":
    main()
