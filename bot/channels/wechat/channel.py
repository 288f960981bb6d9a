"""WeChat as one of the runtime's channels: the callback server, the push transport, the data purge.

The runtime (bot/app.py) opens it, attaches it to the outbox, starts it, and stops it, beside
Telegram (one event loop, one core, one outbox) or alone. Pushes that are not passive replies
(the rest of a long answer, an approval request to an admin) go through the outbox's
transports, so they reach a WeChat or a Telegram user alike.
"""

from __future__ import annotations

import logging

from aiohttp import web
from apscheduler.triggers.cron import CronTrigger

from bot.channels.wechat.api import WeChatApi
from bot.channels.wechat.inbound import build_wechat_app, purge_unfollowed
from bot.channels.wechat.messages import CHANNEL
from bot.channels.wechat.transport import WeChatTransport
from bot.conversation import Conversation
from bot.notices.delivery import DeliveryError, OutgoingMessage
from bot.notices.pacing import SendBudget
from bot.ops.monitor import Monitor
from bot.ops.server import add_routes, record_callbacks
from bot.outbox_runner import Channels, OutboxRunner
from bot.settings import Settings

logger = logging.getLogger(__name__)


class WeChatChannel:
    """The WeChat side of one bot process: `open`, `attach` to the outbox, `start`, `stop`, `close`."""

    name = CHANNEL

    def __init__(self, settings: Settings, conversation: Conversation, monitor: Monitor | None = None) -> None:
        self.settings, self.conversation, self.monitor = settings, conversation, monitor
        self.api = WeChatApi.from_settings(settings)
        self.transport = WeChatTransport(self.api, conversation.store, settings)
        self.budget = SendBudget(settings.send_rate_per_second)  # WeChat counts its own messages
        self.channels = Channels({CHANNEL: self.transport})  # the outbox's, once attached
        self._outbox: OutboxRunner | None = None
        self._runner: web.AppRunner | None = None

    @classmethod
    def from_settings(cls, conversation: Conversation, monitor: Monitor) -> WeChatChannel:
        return cls(conversation.settings, conversation, monitor)

    async def open(self) -> None:
        """Nothing to connect before the outbox: the access_token is fetched on the first push."""

    async def start(self) -> None:
        """Listen for WeChat's callbacks on WECHAT_HOST:WECHAT_PORT + WECHAT_PATH."""
        app = build_wechat_app(self.settings, self.conversation, push=self.push)
        if self.monitor is not None:  # the operator's /healthz and /metrics on this server too
            app.middlewares.append(record_callbacks(self.monitor, CHANNEL, self.settings.wechat_path))
            add_routes(app, self.monitor)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.settings.wechat_host, self.settings.wechat_port).start()
        logger.info("WeChat callbacks on %s:%s%s", self.settings.wechat_host, self.settings.wechat_port,
                    self.settings.wechat_path)  # fmt: skip

    def attach(self, outbox: OutboxRunner) -> None:
        """Share the outbox's transports for pushes; purge unfollowed students' data daily on its scheduler."""
        if isinstance(outbox.transport, Channels):
            self.channels = outbox.transport
        self._outbox = outbox
        outbox.scheduler.add_job(self.purge, CronTrigger(hour=3, minute=30, timezone=self.settings.timezone),
                                 id="wechat:purge", replace_existing=True, coalesce=True)  # fmt: skip

    async def purge(self) -> int:
        return purge_unfollowed(self.conversation.store, self.conversation.store.clock.now(), self.settings.wechat_retention_days)

    async def push(self, channel: str, external_id: str, message: OutgoingMessage) -> None:
        """A message outside the passive reply, to a user on any channel the process serves."""
        if self._outbox is not None:  # within that platform's rate, like the outbox's own sends
            await self._outbox.push(channel, external_id, message)
            return
        try:
            await self.channels.send(channel, external_id, message)
        except DeliveryError as exc:
            logger.warning("Could not push a message to %s:%s: %s", channel, external_id, exc.reason)

    async def stop(self) -> None:
        """Stop listening (the port is given back)."""
        if self._runner:
            await self._runner.cleanup()
            self._runner = None

    async def close(self) -> None:
        """After the outbox: its sends on the wire have finished with the client still open."""
        await self.api.aclose()
