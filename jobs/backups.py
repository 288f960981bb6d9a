"""The nightly backup, on the one scheduler.

Not a cron trigger: an hourly check takes the day's backup once it is past
BACKUP_AT on the local wall clock and none was taken that day, so a bot that was
down at night catches up when it starts, and the bot's clock (not the machine's)
decides what "today" is.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, time, timedelta

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.clock import machine_now
from bot.ops.backup import BackupError, backups, prune, take_backup
from bot.settings import Settings
from bot.store import Store

logger = logging.getLogger(__name__)

BACKUP_AT = time(3, 0)
CHECK_EVERY_SECONDS = 3600
#: Not at once after a start: a restart loop must not copy the database each time.
FIRST_CHECK = timedelta(minutes=1)


def backup_due(now: datetime, settings: Settings) -> bool:
    """Past BACKUP_AT today (local) and no backup taken since then."""
    local = now.astimezone(settings.timezone)
    if local.time() < BACKUP_AT:
        return False
    since = datetime.combine(local.date(), BACKUP_AT, settings.timezone)
    taken = backups(settings.backup_dir)
    return not taken or taken[-1][0] < since


async def nightly_backup(store: Store, settings: Settings) -> bool:
    """Take and prune the day's backup if it is due; True if one was taken."""
    now = store.clock.now()
    if not backup_due(now, settings):
        return False
    try:  # a thread: the copy of a big database must not stall the answers
        checked = await asyncio.to_thread(take_backup, settings.database_path, settings.backup_dir, now)
    except BackupError:
        logger.exception("The nightly backup failed")
        return False
    removed = prune(settings.backup_dir, settings.timezone)
    logger.info("Backup %s (%s bytes, schema %s); pruned %s", checked.path, checked.size,
                checked.schema_version, len(removed))  # fmt: skip
    return True


def schedule_backups(scheduler: BaseScheduler, store: Store, settings: Settings) -> None:
    async def check() -> None:  # a coroutine: it runs on the event loop, where the store lives
        await nightly_backup(store, settings)

    scheduler.add_job(check, IntervalTrigger(seconds=CHECK_EVERY_SECONDS), id="backup:nightly",
                      replace_existing=True, coalesce=True, max_instances=1,
                      next_run_time=machine_now() + FIRST_CHECK)  # fmt: skip
