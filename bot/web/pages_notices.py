"""通知审批: the approval queue (通过/驳回), every notice's delivery report, cancel and withdraw.

The decisions are the announcer's own (bot/notices/announce.py): the same status guards against a double
or stale press, the same audit entries, the same message to the author (sent through the running
outbox's transports), and an approved notice is released to the outbox at once.
"""

from __future__ import annotations

from aiohttp import web

from bot.ids import parse_id
from bot.notices import texts as notice_texts
from bot.store import NotFoundError
from bot.web.auth import redirect
from bot.web.context import ACTOR, CONSOLE, render

LISTED = 50


async def notices(request: web.Request) -> web.Response:
    """GET /notices: notices waiting for approval first, then the latest ones with their figures."""
    console = request.app[CONSOLE]
    store = console.store
    latest = store.announcements(limit=LISTED, kind="notice")
    pending = [a for a in store.announcements(limit=500, kind="notice") if a.status == "pending"]
    rows = [(a, store.delivery_counts(a.id)) for a in latest]
    previews = {a.id: console.conversation.render_notice(a) for a in pending}
    return render(request, "notices.html", pending=pending, rows=rows, previews=previews,
                  status_names=notice_texts.ANNOUNCE_STATUS)  # fmt: skip


async def notice(request: web.Request) -> web.Response:
    """GET /notices/{id}: one notice as students see it, and its delivery report."""
    console = request.app[CONSOLE]
    store = console.store
    try:
        announcement = store.announcement(_id(request))
    except NotFoundError:
        raise web.HTTPNotFound(text="没有这条通知。") from None
    return render(
        request, "notice.html", a=announcement, preview=console.conversation.render_notice(announcement),
        counts=store.delivery_counts(announcement.id), errors=store.delivery_errors(announcement.id),
        withdrawal=store.withdrawal_counts(announcement.id), status_names=notice_texts.ANNOUNCE_STATUS,
    )  # fmt: skip


async def decide(request: web.Request) -> web.Response:
    """POST /notices/{id}/approve|reject|stop: the announcer decides; the author is told."""
    console = request.app[CONSOLE]
    form = await request.post()
    actor, announcer = request[ACTOR], console.conversation.announcer
    announcement_id, verb = _id(request), request.match_info["verb"]
    if verb == "approve":
        replies = announcer.approve(actor, announcement_id)
    elif verb == "reject":
        reason = str(form.get("reason", "")).strip()
        if not reason:
            raise redirect("/notices", "驳回需要写明理由。")
        replies = announcer.reject(actor, announcement_id, reason)
    else:
        replies = announcer.on_button(actor, f"stop:{announcement_id}")
    mine = await console.deliver(replies)
    back = "/notices" if verb != "stop" else f"/notices/{announcement_id}"
    raise redirect(back, "\n".join(r.text for r in mine))


async def compose(request: web.Request) -> web.Response:
    """GET/POST /notices/compose: the chat's /announce flow step by step in the page (text, link, audience,
    time, the preview as students will see it, confirm); a photo can only be added in the chat."""
    console = request.app[CONSOLE]
    actor, announcer = request[ACTOR], console.conversation.announcer
    if request.method == "GET":
        replies = announcer.start(actor)
    else:
        form = await request.post()
        action, text = str(form.get("button", "")), str(form.get("text", "")).strip()
        flow = console.store.dialog(actor.channel, actor.user_id)
        if action.startswith("an:"):
            replies = announcer.on_button(actor, action.removeprefix("an:"))
        elif flow and flow[0] == "announce" and text:
            replies = announcer.on_text(actor, text)
        else:
            raise redirect("/notices", "这一步已经结束了，请重新开始。")
    mine = await console.deliver(replies)
    flow = console.store.dialog(actor.channel, actor.user_id)
    return render(request, "desk.html", replies=mine, active=flow is not None and flow[0] == "announce",
                  importing=False, heading="发通知", back="/notices", endpoint="/notices/compose", prefix="an:")  # fmt: skip


def _id(request: web.Request) -> int:
    """The notice's id from the path; a number no notice can have (40 digits) is a 404, not an OverflowError."""
    announcement_id = parse_id(request.match_info["id"])
    if announcement_id is None:
        raise web.HTTPNotFound(text="没有这条通知。")
    return announcement_id


def add_routes(router: web.UrlDispatcher) -> None:
    router.add_get("/notices/compose", compose)
    router.add_post("/notices/compose", compose)
    router.add_get("/notices", notices)
    router.add_get(r"/notices/{id:\d+}", notice)
    router.add_post(r"/notices/{id:\d+}/{verb:approve|reject|stop}", decide)
