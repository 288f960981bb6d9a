"""Usage figures for admins: questions per day, how they were answered, top topics, users."""

from __future__ import annotations

from collections import Counter
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
    """Figures for the last `days` local calendar days, today included."""
    today = now.astimezone(timezone).date()
    first = today - timedelta(days=days - 1)
    since = datetime.combine(first, datetime.min.time(), timezone).astimezone(ZoneInfo("UTC"))
    questions = store.logged_questions(since=iso(since))
    per_day = Counter(datetime.fromisoformat(q.created_at).astimezone(timezone).date() for q in questions)
    topics = Counter(q.picked_faq_id or q.faq_id for q in questions if q.outcome == "answer" or q.picked_faq_id)
    return Stats(
        per_day=[
            ((first + timedelta(days=i)).isoformat(), per_day.get(first + timedelta(days=i), 0)) for i in range(days)
        ],
        outcomes=dict(Counter(q.outcome for q in questions)),
        top_topics=[(t, n) for t, n in topics.most_common(5) if t],
        users=store.count_users(),
        active_users=len({(q.channel, q.external_id) for q in questions}),
        new_users=store.count_users(since=iso(since)),
        rated=sum(1 for q in questions if q.rating),
        disliked=sum(1 for q in questions if (q.rating or 0) < 0),
    )
