"""WeChat in the running bot: the callback server, the push transport, the data purge.

`python -m bot run` starts it beside Telegram (in the Telegram application's
start-up hook, so both share one event loop, one core and one outbox) or alone
when no Telegram token is set. Pushes that are not passive replies (the rest of
a long answer, an approval request to an admin) go through the outbox's
transports, so they reach a WeChat or a Telegram user alike.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from aiohttp import web
from apscheduler.triggers.cron import CronTrigger

from bot.channels.wechat.api import WeChatApi
from bot.channels.wechat.inbound import build_wechat_app, purge_unfollowed
from bot.channels.wechat.messages import CHANNEL
from bot.channels.wechat.transport import WeChatTransport
from bot.conversation import Conversation
from bot.notices.delivery import DeliveryError, OutgoingMessage
from bot.ops.monitor import Monitor
from bot.ops.server import add_routes, record_callbacks, start_server
from bot.outbox_runner import Channels, OutboxRunner
from bot.settings import Settings

logger = logging.getLogger(__name__)


class WeChatChannel:
    """The WeChat side of one bot process: `start`, `attach` to the outbox, `stop`."""

    def __init__(self, settings: Settings, conversation: Conversation, monitor: Monitor | None = None) -> None:
        self.settings, self.conversation, self.monitor = settings, conversation, monitor
        self.api = WeChatApi.from_settings(settings)
        self.transport = WeChatTransport(self.api, conversation.store, settings)
        self.channels = Channels({CHANNEL: self.transport})  # the Telegram adapter adds its own
        self._outbox: OutboxRunner | None = None
        self._runner: web.AppRunner | None = None

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
        if self._outbox is not None:  # it counts against that platform's rate, like the outbox's own sends
            self._outbox.sender.budget_for(channel).take()
        try:
            await self.channels.send(channel, external_id, message)
        except DeliveryError as exc:
            logger.warning("Could not push a message to %s:%s: %s", channel, external_id, exc.reason)

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()
        await self.api.aclose()


def run_wechat_only(settings: Settings, conversation: Conversation) -> None:
    """No Telegram token: serve WeChat alone until SIGINT/SIGTERM."""
    asyncio.run(_serve(settings, conversation))


async def _serve(settings: Settings, conversation: Conversation) -> None:
    from bot.app import run_outbox  # bot.app imports the core; kept out of import time here
    from bot.web.app import start_web, stop_web

    monitor = Monitor(settings, conversation.store, channels=(CHANNEL,))
    conversation.on_question = monitor.question
    channel = WeChatChannel(settings, conversation, monitor)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    await channel.start()
    try:
        outbox = await run_outbox(conversation, {CHANNEL: channel.transport})
        monitor.outbox = outbox
        ops = await start_server(monitor)
        web = await start_web(conversation, outbox)  # the admins' web console (bot/web/)
        try:
            channel.attach(outbox)
            await stop.wait()
        finally:
            await stop_web(web)
            await outbox.stop()
            if ops:
                await ops.cleanup()
    finally:
        await channel.stop()  # also when the outbox could not start: the port is given back
