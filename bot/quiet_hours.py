"""Quiet hours (QUIET_HOURS, local time): a push due inside them waits for their end.

Shared by notices (bot/notices/announce.py, jobs/outbox.py) and fair reminders (bot/fairs/desk.py).
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any


def quiet_adjusted(when: datetime, quiet: tuple[time, time], tz: Any) -> datetime:
    """`when`, or the end of the quiet hours if it falls inside them (local time)."""
    start, end = quiet
    if start == end:
        return when
    local = when.astimezone(tz)
    clock = local.time()
    inside = (start <= clock or clock < end) if start > end else (start <= clock < end)
    if not inside:
        return when
    day = local.date() + timedelta(days=1) if start > end and clock >= start else local.date()
    return datetime.combine(day, end, tz).astimezone(UTC)
