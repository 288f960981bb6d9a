"""/healthz and /metrics over HTTP: on WeChat's server when it runs, and on METRICS_PORT when set."""

from __future__ import annotations

import logging

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

from bot.ops.monitor import Monitor

logger = logging.getLogger(__name__)


def add_routes(app: web.Application, monitor: Monitor) -> None:
    """GET /healthz (JSON, 503 when a check fails) and GET /metrics (Prometheus' text format)."""

    async def healthz(request: web.Request) -> web.Response:
        checks = monitor.checks()
        healthy = all(c.ok for c in checks)
        body = {"status": "ok" if healthy else "unhealthy",
                "checks": {c.name: {"ok": c.ok, "value": c.detail} for c in checks}}  # fmt: skip
        return web.json_response(body, status=200 if healthy else 503)

    async def metrics(request: web.Request) -> web.Response:
        return web.Response(body=monitor.metrics(), headers={"Content-Type": CONTENT_TYPE_LATEST})

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)


def record_callbacks(monitor: Monitor, channel: str, path: str) -> web.middleware:
    """A middleware that counts an answered callback on `path` as the channel working."""

    @web.middleware
    async def middleware(request: web.Request, handler):  # type: ignore[no-untyped-def]
        response = await handler(request)
        if request.path == path and response.status == 200:
            monitor.seen(channel)
        return response

    return middleware


async def start_server(monitor: Monitor) -> web.AppRunner | None:
    """The operator's own port (METRICS_HOST:METRICS_PORT), when configured."""
    settings = monitor.settings
    if not settings.metrics_port:
        return None
    app = web.Application()
    add_routes(app, monitor)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, settings.metrics_host, settings.metrics_port).start()
    logger.info("Health and metrics on http://%s:%s/healthz and /metrics", settings.metrics_host, settings.metrics_port)
    return runner
