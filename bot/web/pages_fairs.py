"""招聘会: the fairs list, export, and cancel through the chat's fair desk (bot/fair_editor.py), so the
students who set reminders are told once and their reminders are cancelled, as from the chat."""

from __future__ import annotations

from aiohttp import web

from bot.web.auth import redirect
from bot.web.context import ACTOR, CONSOLE, render
from bot.web.pages_files import CONTENT_TYPES

KINDS = {"onsite": "现场", "online": "线上", "livestream": "直播"}


async def fairs(request: web.Request) -> web.Response:
    """GET /fairs: every fair, coming ones first, with how many students asked to be reminded."""
    console = request.app[CONSOLE]
    store = console.store
    now = store.stamp()
    listed = sorted(store.all_fairs(), key=lambda f: (f.status != "active", f.starts_at < now, f.starts_at))
    reminded = {f.id: len(store.fair_reminder_recipients(f.id)) for f in listed if f.status == "active" and f.starts_at >= now}
    return render(request, "fairs.html", fairs=listed, reminded=reminded, now=now, kinds=KINDS)


async def export(request: web.Request) -> web.Response:
    """GET /export/fairs?fmt=xlsx|csv: the active fairs, as the chat's /exportfairs."""
    console = request.app[CONSOLE]
    fmt = request.query.get("fmt", "xlsx")
    replies = console.conversation.fair_editor.export(request[ACTOR], (fmt,))
    if not replies or replies[0].document is None:
        raise web.HTTPBadRequest(text="格式只能是 xlsx 或 csv。")
    name, content = replies[0].document
    return web.Response(body=content, headers={"Content-Type": CONTENT_TYPES[fmt],
                        "Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip


async def cancel(request: web.Request) -> web.Response:
    """POST /fairs/{id}/cancel: cancel a fair; its reminders go, the students who set them are told once."""
    console = request.app[CONSOLE]
    replies = console.conversation.fair_editor.on_button(request[ACTOR], f"cx:{request.match_info['id']}")
    mine = await console.deliver(replies)
    raise redirect("/fairs", "\n".join(r.text for r in mine))


def add_routes(router: web.UrlDispatcher) -> None:
    router.add_get("/fairs", fairs)
    router.add_get("/export/fairs", export)
    router.add_post(r"/fairs/{id:\d+}/cancel", cancel)
