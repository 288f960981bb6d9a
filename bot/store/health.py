"""What an operator watches, read from the database: outbox backlog, deliveries, reminder lateness."""

from __future__ import annotations

import sqlite3

import sqlite_utils

from bot.clock import Clock
from bot.store.schema import iso, parse_iso


class HealthStore:
    db: sqlite_utils.Database
    clock: Clock

    def writable(self) -> str:
        """'' if the database takes a write lock right now, else why not (read-only file, disk, lock held)."""
        try:
            self.db.execute("begin immediate")
            self.db.execute("rollback")
        except sqlite3.Error as exc:
            return str(exc)
        return ""

    def created_at(self) -> str:
        """When this database was made (its first migration)."""
        row = self.db.execute("select applied_at from schema_migrations order by version limit 1").fetchone()
        return row[0] if row else ""

    def oldest_due_delivery_age(self) -> float:
        """Seconds the oldest pending delivery has been due (0 when nothing is waiting)."""
        now = self.clock.now()
        row = self.db.execute(
            "select min(d.next_attempt_at) from deliveries d join announcements a on a.id = d.announcement_id"
            " where d.status = 'pending' and a.status = 'sending' and d.next_attempt_at <= ?",
            [iso(now)],
        ).fetchone()
        return max(0.0, (now - parse_iso(row[0])).total_seconds()) if row and row[0] else 0.0

    def delivery_totals(self) -> list[tuple[str, str, int]]:
        """(channel, status, count) over every delivery the outbox holds."""
        return [tuple(r) for r in self.db.execute(
            "select channel, status, count(*) from deliveries group by channel, status order by 1, 2")]  # fmt: skip

    def reminder_lateness(self, since: str) -> list[float]:
        """Seconds between each reminder's due time and its delivery, for reminders sent since `since`."""
        rows = self.db.execute(
            "select (julianday(d.updated_at) - julianday(r.due_at)) * 86400 from fair_reminders r"
            " join deliveries d on d.announcement_id = r.announcement_id and d.channel = r.channel"
            " and d.external_id = r.external_id where d.status = 'sent' and d.updated_at >= ?",
            [since],
        )
        return sorted(max(0.0, r[0]) for r in rows)
