"""Replies addressed to other Telegram users (the author told the verdict, the admins asked to approve),
sent in the background.

Such a reply is retried through flood waits (bot/channels/telegram/retry.py `relay_guard`), which can
take a while during a broadcast; the user whose action caused it should not wait for that, nor
their next update. Each recipient's replies still go in the order they were made, and `drain`
lets the ones in flight finish when the bot stops.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

logger = logging.getLogger(__name__)


class Relays:
    """Background sends, one after another per recipient."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] = set()
        self._last: dict[str, asyncio.Task[None]] = {}

    def send(self, recipient: str, make: Callable[[], Awaitable[None]]) -> None:
        """Start `make()` once the recipient's earlier relays are done; never raises."""
        previous = self._last.get(recipient)

        async def run() -> None:
            if previous is not None:
                await asyncio.wait([previous])
            try:
                await make()
            except Exception:
                logger.exception("Could not relay a reply to %s", recipient)

        task = asyncio.get_running_loop().create_task(run())
        self._tasks.add(task)
        self._last[recipient] = task
        task.add_done_callback(lambda done: self._forget(recipient, done))

    def _forget(self, recipient: str, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if self._last.get(recipient) is task:
            del self._last[recipient]

    @property
    def pending(self) -> int:
        return len(self._tasks)

    async def drain(self, timeout: float = 30.0) -> None:
        """Let the relays in flight finish (at most `timeout` seconds), then cancel what is left."""
        if not self._tasks:
            return
        _, late = await asyncio.wait(set(self._tasks), timeout=timeout)
        for task in late:
            logger.warning("A reply to another user was still being retried at the stop; dropped")
            task.cancel()
        if late:
            await asyncio.wait(late)
