"""待处理问题: what the FAQ did not answer well, near-identical questions grouped (bot/faq/review.py), with
attach-as-phrasing, new entry and dismiss, one group or many at once.

Each action goes through the chat's own review actions (AdminDesk.review_button), so the rules, the
audit entries and the re-indexing are the chat's: a group is named by its period and one question id,
and regrouped on the server before acting, as a chat button is.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlencode

from aiohttp import web

from bot.store import iso
from bot.web.auth import redirect
from bot.web.context import ACTOR, CONSOLE, Console, render
from bot.web.pages_faq import fresh

DAYS = 7
SHOWN = 50


def _since(console: Console, raw: str) -> date:
    """The day the list starts: the one asked for, else a week ago (as the chat's /unanswered)."""
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return console.store.clock.now().astimezone(console.settings.timezone).date() - timedelta(days=DAYS - 1)


async def unanswered(request: web.Request) -> web.Response:
    """GET /unanswered?since=YYYY-MM-DD: the groups, most frequent first, with the matcher's best guesses."""
    console = request.app[CONSOLE]
    fresh(console)
    kb = console.conversation.kb
    since_day = _since(console, request.query.get("since", ""))
    since = datetime.combine(since_day, datetime.min.time(), console.settings.timezone).astimezone(UTC)
    groups, total = console.conversation.admin.review.groups(iso(since), SHOWN)  # the chat's review list
    rows = []
    for group in groups:
        guesses = [e for e in (kb.get(s.entry_id) for s in kb.ask(group.text).scored[:3]) if e]
        rows.append((group, guesses))
    return render(request, "unanswered.html", rows=rows, total=total, since=since_day.isoformat(),
                  handle_day=since_day.strftime("%Y%m%d"), entries=kb.entries)  # fmt: skip


async def act(request: web.Request) -> web.Response:
    """POST /unanswered: attach the chosen groups to an entry, dismiss them, or start a new entry from one."""
    console = request.app[CONSOLE]
    fresh(console)
    form = await request.post()
    actor = request[ACTOR]
    action, since = str(form.get("action", "")), str(form.get("since", ""))
    handles = [str(h) for h in form.getall("group", []) if str(h).count(":") == 1][:SHOWN]
    back = f"/unanswered?{urlencode({'since': since})}"
    if not handles:
        raise redirect(back, "请先勾选要处理的问题。")
    if action == "new":
        result = console.conversation.admin.review_button(actor, f"n:{handles[0]}")  # ('new', text) as in the chat
        if not isinstance(result, tuple):
            raise redirect(back, "这组问题已经处理过了。")
        raise redirect(f"/faq/new?{urlencode({'question': result[1]})}")
    entry = str(form.get("entry", ""))
    if action == "attach" and not console.conversation.kb.get(entry):
        raise redirect(back, "请选择要加到哪个条目。")
    if action not in ("attach", "dismiss"):
        raise web.HTTPBadRequest(text="未知操作")
    done = []
    for handle in handles:
        button = f"t:{handle}:{entry}" if action == "attach" else f"d:{handle}"
        replies = console.conversation.admin.review_button(actor, button)
        done += [r.text for r in replies] if isinstance(replies, list) else []
    raise redirect(back, "\n".join(done))


def add_routes(router: web.UrlDispatcher) -> None:
    router.add_get("/unanswered", unanswered)
    router.add_post("/unanswered", act)
