"""Telegram as one of the runtime's channels: open, attach, start, stop, close (see bot/app.py).

The application (bot/channels/telegram/adapter.py) receives and answers; this module runs its
life: the command menu and invite links at open, long polling at start, a Bot of the outbox's
own (own connection pool, flood-aware) as the transport for pushes.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram import BotCommand, Update
from telegram.error import TelegramError
from telegram.ext import Application

from bot.channels.telegram import CHANNEL
from bot.channels.telegram.adapter import build_application
from bot.channels.telegram.relay import Relays
from bot.channels.telegram.transport import TelegramTransport, make_bot
from bot.conversation import Conversation
from bot.notices.pacing import SendBudget
from bot.ops.monitor import Monitor
from bot.outbox_runner import OutboxRunner
from bot.routes import TABLE

logger = logging.getLogger(__name__)

#: What the bot asks Telegram for: messages and button presses (nothing from groups' admins, polls…).
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]


class TelegramChannel:
    """The Telegram side of one bot process."""

    name = CHANNEL

    def __init__(self, application: Application, poll_timeout: float = 10.0) -> None:
        self.application = application
        self.poll_timeout = poll_timeout  # a long poll's wait (PTB's run_polling default); tests use 1 s
        self.conversation: Conversation = application.bot_data["conversation"]
        self.budget: SendBudget = application.bot_data["budget"]  # shared by the answers and the outbox
        self.transport: TelegramTransport | None = None

    @classmethod
    def from_settings(cls, conversation: Conversation, monitor: Monitor) -> TelegramChannel:
        return cls(build_application(conversation.settings, conversation, monitor))

    async def open(self) -> None:
        """Connect, publish the command menu, tell the core what an invite link looks like here; the outbox's Bot."""
        application = self.application
        await application.initialize()
        await application.bot.set_my_commands([BotCommand(name, text) for name, text in TABLE.menu()])
        self.conversation.invite_link_formats[CHANNEL] = f"https://t.me/{application.bot.username}?start={{code}}"
        settings = self.conversation.settings
        bot = make_bot(settings.telegram_token or "", settings.telegram_api_base_url)
        await bot.initialize()
        self.transport = TelegramTransport(bot)

    def attach(self, outbox: OutboxRunner) -> None:
        """Replies addressed to a user of another channel this process serves (WeChat) go out through the outbox."""
        if set(outbox.transport.transports) - {CHANNEL}:  # type: ignore[attr-defined]
            self.application.bot_data["elsewhere"] = outbox.push

    async def start(self) -> None:
        """Long-poll for updates (as PTB's run_polling does: polling first, then the handlers)."""
        application = self.application
        assert application.updater is not None

        def failed_poll(exc: TelegramError) -> None:  # to the one error handler, as run_polling does
            application.create_task(application.process_error(error=exc, update=None))

        await application.updater.start_polling(
            timeout=timedelta(seconds=self.poll_timeout), allowed_updates=ALLOWED_UPDATES, error_callback=failed_poll
        )
        await application.start()

    async def stop(self) -> None:
        """Stop polling; let the updates being handled finish; send the replies still going to others."""
        application = self.application
        if application.updater is not None and application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()
        relays: Relays | None = application.bot_data.get("relays")
        if relays:
            await relays.drain()

    async def close(self) -> None:
        """After the outbox: its Bot, then the application's."""
        self.application.bot_data.pop("elsewhere", None)
        if self.transport is not None:
            await self.transport.bot.shutdown()
        await self.application.shutdown()
