"""招聘会: the fairs list, export, and cancel through the chat's fair desk (bot/fairs/editor.py), so the
students who set reminders are told once and their reminders are cancelled, as from the chat."""

from __future__ import annotations

from aiohttp import web

from bot.fairs.editor import FLOWS
from bot.tables import MAX_FILE_BYTES
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
    leads = console.conversation.fair_editor.leads(request[ACTOR], ())[0].text  # the chat's /fairleads answer
    return render(request, "fairs.html", fairs=listed, reminded=reminded, now=now, kinds=KINDS, leads=leads)


async def set_leads(request: web.Request) -> web.Response:
    """POST /fairs/leads: the default reminder lead times, as the chat's /fairleads 1d 1h."""
    console = request.app[CONSOLE]
    form = await request.post()
    words = tuple(str(form.get("leads", "")).split()[:8])
    if not words:
        raise redirect("/fairs", "请填写提醒时间，例如 1d 1h。")
    replies = console.conversation.fair_editor.leads(request[ACTOR], words)
    raise redirect("/fairs", "\n".join(r.text for r in replies))


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


async def desk(request: web.Request) -> web.Response:
    """GET/POST /fairs/desk: the chat's guided fair flows (add, edit, import) step by step in the page.

    The fair desk checks each field as it arrives and shows the fair as students will see it before
    saving, exactly as in the chat (the flow's state is the admin's own dialog, so it may be finished
    in either place); its buttons become the page's buttons, its questions a text box."""
    console = request.app[CONSOLE]
    actor, fairs = request[ACTOR], console.conversation.fair_editor
    if request.method == "GET":
        start = request.query.get("start", "")
        fair_id = request.query.get("id", "")
        if start == "add":
            replies = fairs.start_add(actor)
        elif start == "edit" and fair_id.isdecimal():
            replies = fairs.start_edit(actor, (fair_id,))
        elif start == "import":
            replies = fairs.start_import(actor)
        else:
            raise redirect("/fairs")
    else:
        form = await request.post()
        action, upload = str(form.get("button", "")), form.get("file")
        flow = console.store.dialog(actor.channel, actor.user_id)
        if action.startswith("fe:"):
            replies = fairs.on_button(actor, action.removeprefix("fe:"))
        elif isinstance(upload, web.FileField) and upload.filename and fairs.importing(actor):
            replies = fairs.receive_file(actor, upload.filename, upload.file.read(MAX_FILE_BYTES + 1))
        elif flow and flow[0] in FLOWS and str(form.get("text", "")).strip():
            replies = fairs.on_text(actor, str(form["text"]))
        else:
            raise redirect("/fairs", "这一步已经结束了，请重新开始。")
    mine = await console.deliver(replies)
    flow = console.store.dialog(actor.channel, actor.user_id)
    active = flow is not None and flow[0] in FLOWS
    return render(request, "desk.html", replies=mine, active=active, importing=active and fairs.importing(actor),
                  heading="招聘会", back="/fairs", endpoint="/fairs/desk", prefix="fe:")  # fmt: skip


def add_routes(router: web.UrlDispatcher) -> None:
    router.add_get("/fairs/desk", desk)
    router.add_post("/fairs/desk", desk)
    router.add_get("/fairs", fairs)
    router.add_post("/fairs/leads", set_leads)
    router.add_get("/export/fairs", export)
    router.add_post(r"/fairs/{id:\d+}/cancel", cancel)
