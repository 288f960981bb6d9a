"""Usage figures for admins: questions per day, how they were answered, top topics, users."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.store import Store, iso

DAYS = 7


@dataclass(frozen=True)
class Stats:
    per_day: list[tuple[str, int]]  # (local date, questions), oldest first
    outcomes: dict[str, int]  # answer / suggest / none over the period
    top_topics: list[tuple[str, int]]  # answered or picked entry ids
    users: int
    new_users: int
    active_users: int  # asked at least one question in the period
    rated: int = 0  # answers rated 👍 or 👎
    disliked: int = 0  # rated 👎

    @property
    def dislike_rate(self) -> float:
        return self.disliked / self.rated if self.rated else 0.0

    @property
    def total(self) -> int:
        return sum(n for _, n in self.per_day)

    def share(self, outcome: str) -> float:
        return self.outcomes.get(outcome, 0) / self.total if self.total else 0.0


def compute_stats(store: Store, timezone: ZoneInfo, now: datetime, days: int = DAYS) -> Stats:
    """Figures for the last `days` local calendar days, today included (counted in SQL: fast at any size)."""
    today = now.astimezone(timezone).date()
    first = today - timedelta(days=days - 1)
    midnights = [
        iso(datetime.combine(first + timedelta(days=i), datetime.min.time(), timezone)) for i in range(days + 1)
    ]
    tallies = store.question_tallies(midnights)
    topics = [(t, n) for t, n in list(tallies["topics"].items())[:5] if t]
    return Stats(
        per_day=[((first + timedelta(days=i)).isoformat(), n) for i, n in enumerate(tallies["per_day"])],
        outcomes=tallies["outcomes"],
        top_topics=topics,
        users=store.count_users(),
        active_users=tallies["askers"],
        new_users=store.count_users(since=midnights[0]),
        rated=tallies["rated"],
        disliked=tallies["disliked"],
    )
