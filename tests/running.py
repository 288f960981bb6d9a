"""The bot run as `python -m bot run` runs it (bot/app.py's runtime), inside a test's event loop."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from bot.app import Runtime, build_runtime
from bot.conversation import Conversation


@contextlib.asynccontextmanager
async def running_bot(conversation: Conversation, outbox: bool = True) -> AsyncIterator[Runtime]:
    """Every configured channel, long polls of 1 s so the bot stops quickly; with `outbox`, the whole runtime
    (outbox, scheduler, web console), else only the channels."""
    runtime = build_runtime(conversation)
    for channel in runtime.channels:
        if hasattr(channel, "poll_timeout"):
            channel.poll_timeout = 1
    if outbox:
        await runtime.start()
    else:
        for channel in runtime.channels:
            await channel.open()
            await channel.start()
    try:
        yield runtime
    finally:
        if outbox:
            await runtime.stop()
        else:
            for channel in runtime.channels:
                await channel.stop()
            for channel in reversed(runtime.channels):
                await channel.close()
