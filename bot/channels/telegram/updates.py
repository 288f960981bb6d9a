"""Telegram updates handled concurrently across users, one at a time per user.

PTB handles updates one after another by default: a student whose answer sits out a
flood wait (a 429 while a broadcast runs) or whose upload is being read would hold up
everyone else. With this processor each user's updates still run in the order they came
(an answer never overtakes the one before it, a flow's steps stay in order), while
different users' run side by side. The core stays on the event loop's thread (the
SQLite connection belongs to it): handlers interleave only at their awaits.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

#: Updates in progress at once (PTB's semaphore); a user's queued updates count, so keep it roomy.
MAX_CONCURRENT_UPDATES = 256


class PerUserUpdates(BaseUpdateProcessor):
    """Sequential per user (or chat), concurrent across users."""

    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, tuple[asyncio.Lock, int]] = {}

    @staticmethod
    def key(update: object) -> int | None:
        if not isinstance(update, Update):
            return None
        who = update.effective_user or update.effective_chat
        return who.id if who else None

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = self.key(update)
        if key is None:
            await coroutine
            return
        lock, users = self._locks.get(key) or (asyncio.Lock(), 0)
        self._locks[key] = (lock, users + 1)  # taken before any await: arrival order is the lock's order
        try:
            async with lock:
                await coroutine
        finally:
            lock, users = self._locks[key]
            if users <= 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to free."""
