"""How the Telegram adapter retries a send made while handling an update (the outbox has its own rules).

- An answer to the person who asked (`answer_guard`): a flood wait (429: that chat's 1/s, or the
  bot's shared limit) is sat out, up to `MAX_ANSWER_WAIT`, twice at most; that user's next
  update waits meanwhile, nobody else's (bot/channels/telegram/updates.py).
- A reply addressed to someone else (`relay_guard`): the author told the verdict, the admins'
  approval requests. Its person is not there to ask again, so it is retried harder: flood
  waits as long as asked (each up to `MAX_RELAY_WAIT`) and network errors with back-off, a few
  times. What still fails is the sender's problem to log, never an apology to the acting admin.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram.error import BadRequest, Forbidden, NetworkError

from bot.channels.telegram.transport import FloodWait

logger = logging.getLogger(__name__)

#: Longest flood wait an interactive answer sits out before a retry, and its tries in all.
MAX_ANSWER_WAIT = 10.0
ANSWER_ATTEMPTS = 3
#: Tries for a reply addressed to someone else, and the longest wait between two.
RELAY_ATTEMPTS = 5
MAX_RELAY_WAIT = 30.0

Send = Callable[[], Awaitable[Any]]
Sleep = Callable[[float], Awaitable[object]]


async def answer_guard(send: Send, sleep: Sleep = asyncio.sleep, attempts: int = ANSWER_ATTEMPTS) -> Any:
    """Send; on a flood wait, wait (at most MAX_ANSWER_WAIT) and try again, `attempts` in all. Only this
    message waits: the others go on at the bot's pace (bot/notices/pacing.py `admit`)."""
    for attempt in range(1, attempts + 1):
        try:
            return await send()
        except FloodWait as exc:
            if attempt == attempts:
                raise
            logger.info("Flood wait of %.1f s on an answer; retrying", exc.retry_after)
            await sleep(min(exc.retry_after, MAX_ANSWER_WAIT))
    raise AssertionError("unreachable")


async def relay_guard(send: Send, sleep: Sleep = asyncio.sleep, attempts: int = RELAY_ATTEMPTS) -> Any:
    """Send, retrying flood waits and network errors; a refusal (blocked, bad chat) is not retried."""
    for attempt in range(1, attempts + 1):
        try:
            return await send()
        except (Forbidden, BadRequest):  # the same again fails again
            raise
        except FloodWait as exc:
            if attempt == attempts:
                raise
            wait = min(exc.retry_after, MAX_RELAY_WAIT)
        except NetworkError:  # TimedOut, 5xx, connection reset
            if attempt == attempts:
                raise
            wait = min(2.0 ** (attempt - 1), MAX_RELAY_WAIT)
        logger.info("Retrying a reply to another user in %.1f s (attempt %s)", wait, attempt)
        await sleep(wait)
    raise AssertionError("unreachable")
