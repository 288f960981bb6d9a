"""The web console's aiohttp application, and starting it inside the bot's process.

The runtime (bot/app.py) starts it with `start_web` on WEB_HOST:WEB_PORT beside the channels (same
loop, core, store, knowledge base and outbox), or beside the console chat. A port already taken is
logged and the bot runs on without its web console: students' answers never depend on it.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from aiohttp import web

from bot.conversation import Conversation
from bot.notices.delivery import OutgoingMessage
from bot.settings import Settings
from bot.web import (
    auth,
    pages_dashboard,
    pages_fairs,
    pages_faq,
    pages_files,
    pages_notices,
    pages_people,
    pages_review,
)
from bot.web.context import CONSOLE, HERE, Console, Notify

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 16 * 2**20  # a 5 MB spreadsheet, re-posted once for confirmation (base64)


def build_web_app(settings: Settings, conversation: Conversation, notify: Notify | None = None) -> web.Application:
    """Every route of the console behind its gate, in one readable block."""
    app = web.Application(middlewares=[auth.headers, auth.gate], client_max_size=MAX_UPLOAD_BYTES)
    app[CONSOLE] = Console(settings, conversation, notify)
    app.router.add_static("/static/", HERE / "static", append_version=False)
    app.router.add_get("/healthz", healthz)
    auth.add_routes(app.router)
    pages_dashboard.add_routes(app.router)
    pages_faq.add_routes(app.router)
    pages_files.add_routes(app.router)
    pages_review.add_routes(app.router)
    pages_notices.add_routes(app.router)
    pages_people.add_routes(app.router)
    pages_fairs.add_routes(app.router)
    return app


async def healthz(request: web.Request) -> web.Response:
    """GET /healthz: the console is up (for a proxy's health check; no login)."""
    return web.Response(text="ok")


class WebServer:
    """The console served on the settings' host and port; `url` is where it listens."""

    def __init__(self, app: web.Application, settings: Settings) -> None:
        self.app, self.settings = app, settings
        self._runner = web.AppRunner(app, access_log=None)
        self.url = settings.web_base_url

    async def start(self) -> None:
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.settings.web_host, self.settings.web_port)
        await site.start()
        if self.settings.web_port == 0:  # an ephemeral port: links must name the one the OS gave
            port = self._runner.addresses[0][1]
            self.settings = replace(self.settings, web_port=port)
            self.app[CONSOLE].settings = self.settings
            self.url = self.settings.web_base_url
        self.app[CONSOLE].conversation.roles.web_url = self.url  # the chat's /console links point here
        logger.info("Web console on %s", self.url)

    async def stop(self) -> None:
        await self._runner.cleanup()


def outbox_notify(outbox: Any) -> Notify:
    """Send through the running outbox's transports, within that channel's budget (like the chat's heads-ups)."""

    async def notify(channel: str, external_id: str, message: OutgoingMessage) -> None:
        outbox.sender.budget_for(channel).take()
        await outbox.transport.send(channel, external_id, message)

    return notify


async def start_web(conversation: Conversation, outbox: Any = None, settings: Settings | None = None) -> WebServer | None:
    """Serve the console in this loop; None when it is turned off or its port is taken (logged)."""
    settings = settings or conversation.settings
    if not settings.web_enabled:
        return None
    server = WebServer(build_web_app(settings, conversation, outbox_notify(outbox) if outbox else None), settings)
    try:
        await server.start()
    except OSError as exc:
        logger.warning("Web console not started: cannot listen on %s:%s (%s)", settings.web_host,
                       settings.web_port, exc.strerror or exc)  # fmt: skip
        await server.stop()
        return None
    return server


async def stop_web(server: WebServer | None) -> None:
    if server is not None:
        await server.stop()
