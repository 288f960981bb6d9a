"""Release announcements whose time has come into the outbox, for the sender to drain."""

from __future__ import annotations

import logging
from datetime import datetime

from bot.quiet_hours import quiet_adjusted
from bot.settings import Settings
from bot.store import Store, iso

logger = logging.getLogger(__name__)


def local_day_start(now: datetime, settings: Settings) -> str:
    """UTC ISO time of the start of `now`'s local day: the daily notice cap counts from there."""
    local = now.astimezone(settings.timezone)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return iso(midnight)


def release_due(store: Store, settings: Settings, now: datetime) -> list[int]:
    """Write the deliveries of every scheduled announcement that is due; return their ids.

    Idempotent: a delivery row per recipient is unique, so a release repeated
    after a crash adds nobody twice.
    """
    released = []
    morning = quiet_adjusted(now, settings.quiet_hours, settings.timezone)
    for announcement in store.due_announcements(iso(now)):
        if not announcement.urgent and morning > now:  # due while the bot was down, but it is night now
            store.set_announcement(announcement.id, "system", ("scheduled",), send_at=iso(morning))
            continue
        counts = store.enqueue(announcement.id, settings.daily_notice_cap, local_day_start(now, settings))
        logger.info("Announcement %s released: %s", announcement.id, counts)
        released.append(announcement.id)
    return released
