"""What the running bot tells an operator: `/healthz` checks and Prometheus metrics.

`Monitor` lives as long as the process. Channels report into it (a Telegram poll
that came back, a WeChat callback that was answered, an answer that had to wait
out a flood), the core reports each question, and a scrape reads the rest from
the database and the outbox at that moment. Its metrics have a registry of their
own: nothing process-wide, so two bots in one test process do not mix.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from bot.ops.backup import backups
from bot.settings import Settings
from bot.store import Store, iso, parse_iso

logger = logging.getLogger(__name__)

#: A Telegram poll returns at least every ~10 s (long-polling timeout); two minutes without one is an outage.
POLL_STALE_SECONDS = 120.0
#: A due delivery still waiting after this long means the sender is stuck (a 5,000 broadcast takes ~3 min).
OUTBOX_STALE_SECONDS = 900.0
#: Without a backup for this long, /healthz says so (the nightly one is missing).
BACKUP_STALE_SECONDS = 2 * 86400.0


@dataclass
class Check:
    name: str
    ok: bool
    detail: Any = None


@dataclass
class Monitor:
    """Health checks and metrics of one bot process."""

    settings: Settings
    store: Store
    outbox: Any = None  # the OutboxRunner, once started
    channels: tuple[str, ...] = ()  # those this process serves: telegram, wechat
    registry: CollectorRegistry = field(default_factory=CollectorRegistry)
    _last_seen: dict[str, float] = field(default_factory=dict)  # channel → monotonic time of the last success

    def __post_init__(self) -> None:
        self.questions = Counter("guancai_questions", "Questions asked, by channel and outcome",
                                 ["channel", "outcome"], registry=self.registry)  # fmt: skip
        self.match_seconds = Histogram(
            "guancai_match_seconds", "Time to match a question against the FAQ",
            buckets=(0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0), registry=self.registry,
        )  # fmt: skip
        self.answer_flood_waits = Counter("guancai_answer_flood_waits", "Answers that waited out a 429 (flood wait)",
                                          ["channel"], registry=self.registry)  # fmt: skip
        self.registry.register(_Scraped(self))

    # -- what the channels and the core report ---------------------------------------------

    def seen(self, channel: str) -> None:
        """A poll came back or a callback was answered: the channel works."""
        self._last_seen[channel] = time.monotonic()

    def question(self, channel: str, outcome: str, seconds: float) -> None:
        self.questions.labels(channel, outcome).inc()
        self.match_seconds.observe(seconds)

    def flood_wait(self, channel: str) -> None:
        self.answer_flood_waits.labels(channel).inc()

    # -- what an operator reads ------------------------------------------------------------

    def last_seen_age(self, channel: str) -> float | None:
        at = self._last_seen.get(channel)
        return None if at is None else time.monotonic() - at

    def backup_age(self) -> float | None:
        taken = backups(self.settings.backup_dir)
        return None if not taken else (self.store.clock.now() - taken[-1][0]).total_seconds()

    def checks(self) -> list[Check]:
        """Every check /healthz reports; the bot is healthy when all are ok."""
        problem = self.store.writable()
        found = [Check("database_writable", not problem, problem or "ok")]
        scheduler = getattr(self.outbox, "scheduler", None)
        found.append(Check("scheduler_running", bool(scheduler and scheduler.running)))
        for channel in self.channels:
            age = self.last_seen_age(channel)
            # WeChat calls only when someone writes: a quiet night is no outage, so its age is for information.
            ok = channel != "telegram" or (age is not None and age < POLL_STALE_SECONDS)
            found.append(Check(f"{channel}_last_success_seconds", ok, None if age is None else round(age, 1)))
        waiting = self.store.oldest_due_delivery_age()
        found.append(Check("outbox_oldest_due_seconds", waiting < OUTBOX_STALE_SECONDS, round(waiting, 1)))
        backup = self.backup_age()
        if backup is None:  # none yet: wrong only once the first night's backup should have been taken
            made = self.store.created_at()
            age = (self.store.clock.now() - parse_iso(made)).total_seconds() if made else 0.0
            found.append(Check("backup_age_seconds", age < BACKUP_STALE_SECONDS, None))
        else:
            found.append(Check("backup_age_seconds", backup < BACKUP_STALE_SECONDS, round(backup)))
        return found

    def metrics(self) -> bytes:
        return generate_latest(self.registry)


class _Scraped(Collector):
    """Figures read at scrape time from the store and the outbox."""

    def __init__(self, monitor: Monitor) -> None:
        self.monitor = monitor

    def collect(self):  # type: ignore[no-untyped-def]
        store = self.monitor.store
        deliveries = GaugeMetricFamily("guancai_deliveries", "Deliveries in the outbox, by channel and state",
                                       labels=["channel", "state"])  # fmt: skip
        for channel, status, count in store.delivery_totals():
            deliveries.add_metric([channel, status], count)
        yield deliveries
        yield GaugeMetricFamily("guancai_outbox_oldest_due_seconds", "How long the oldest due delivery has waited",
                                value=store.oldest_due_delivery_age())  # fmt: skip
        stats = getattr(getattr(self.monitor.outbox, "sender", None), "stats", None)
        sender = CounterMetricFamily("guancai_sender_events", "The outbox sender's events since start",
                                     labels=["event"])  # fmt: skip
        for event in ("sent", "unreachable", "failed", "retried", "rate_limited", "withdrawn"):
            sender.add_metric([event], getattr(stats, event, 0))
        yield sender
        since = iso(store.clock.now() - timedelta(days=1))
        lateness = store.reminder_lateness(since)
        late = GaugeMetricFamily("guancai_reminder_lateness_seconds",
                                 "Reminders sent in the last 24 h: seconds after their due time", labels=["quantile"])  # fmt: skip
        for name, q in (("0.5", 0.5), ("0.99", 0.99), ("1", 1.0)):
            late.add_metric([name], lateness[min(len(lateness) - 1, int(q * len(lateness)))] if lateness else 0.0)
        yield late
        age = self.monitor.backup_age()
        yield GaugeMetricFamily("guancai_backup_age_seconds", "Seconds since the newest backup (+Inf: none)",
                                value=math.inf if age is None else age)  # fmt: skip
