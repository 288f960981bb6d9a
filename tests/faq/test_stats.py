"""The usage figures counted in SQL agree with counting every logged question by hand, in any time zone."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.faq.stats import compute_stats


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "America/New_York", "Asia/Kolkata"])
def test_sql_figures_match_a_count_by_hand(store, clock, zone):
    tz, rng = ZoneInfo(zone), random.Random(zone)
    now = datetime(2026, 3, 10, 3, 30, tzinfo=UTC)  # New York changed to summer time two days before
    for n in range(400):
        clock.pin(now - timedelta(minutes=rng.randrange(9 * 24 * 60)))
        user = str(rng.randrange(40))
        outcome = rng.choice(["answer", "answer", "suggest", "none"])
        qid = store.log_question("telegram", user, f"问题{n}", outcome, rng.choice(["a", "b", "c"]) if outcome != "none" else None, 0.5)
        if outcome == "suggest" and rng.random() < 0.5:
            store.resolve_question(qid, "telegram", user, rng.choice(["b", "d"]))
        if outcome == "answer" and rng.random() < 0.3:
            store.rate_question(qid, "telegram", user, rng.choice([1, -1]))
    clock.pin(now)
    stats = compute_stats(store, tz, now, days=7)

    first = now.astimezone(tz).date() - timedelta(days=6)
    mine = [q for q in store.logged_questions() if datetime.fromisoformat(q.created_at).astimezone(tz).date() >= first]
    days = Counter(datetime.fromisoformat(q.created_at).astimezone(tz).date().isoformat() for q in mine)
    assert stats.per_day == [((first + timedelta(days=i)).isoformat(), days[(first + timedelta(days=i)).isoformat()]) for i in range(7)]
    assert stats.outcomes == dict(Counter(q.outcome for q in mine))
    topics = Counter(q.picked_faq_id or q.faq_id for q in mine if q.outcome == "answer" or q.picked_faq_id)
    expected = [(t, n) for t, n in topics.most_common(5) if t]  # (ties may come in another order)
    assert dict(stats.top_topics) == dict(expected) and [n for _, n in stats.top_topics] == [n for _, n in expected]
    assert stats.active_users == len({q.external_id for q in mine})
    assert (stats.rated, stats.disliked) == (sum(1 for q in mine if q.rating), sum(1 for q in mine if (q.rating or 0) < 0))
