"""角色, 同义词, 粤语词, 操作日志: roles granted and revoked with each user's channel, the matcher's
synonym and written-Cantonese vocabulary, and the audit log. Changes go through the chat's own desks
(bot/people/roles.py, bot/faq/admin.py): the same checks (cities, admins from ADMIN_IDS cannot be
revoked here), the same audit entries, the same re-indexing.
"""

from __future__ import annotations

import json

from aiohttp import web

from bot.people import texts as people_texts
from bot.people.permissions import CITIES
from bot.replies import Request
from bot.web.auth import redirect
from bot.web.context import ACTOR, CONSOLE, render

CHANNELS = ("telegram", "wechat", "console")
AUDIT_SHOWN = 300


async def roles(request: web.Request) -> web.Response:
    """GET /roles: who has which role, on which channel; forms to grant and revoke."""
    console = request.app[CONSOLE]
    return render(request, "roles.html", grants=console.store.role_grants(), configured=sorted(console.settings.admin_ids),
                  role_names=people_texts.ROLE_NAMES, cities=CITIES, channels=CHANNELS)  # fmt: skip


async def change_role(request: web.Request) -> web.Response:
    """POST /roles/grant|revoke: the chat's /grant and /revoke, for a user of any channel."""
    console = request.app[CONSOLE]
    form = await request.post()
    channel, target = str(form.get("channel", "")), str(form.get("user_id", "")).strip()
    role = str(form.get("role", ""))
    if channel not in CHANNELS or not target or len(target) > 64:
        raise redirect("/roles", "请填写渠道和用户 ID。")
    actor, desk = request[ACTOR], console.conversation.roles
    if request.match_info["verb"] == "grant":
        args = (role, str(form.get("city", "")), *str(form.get("campus", "")).split())
        replies = desk.grant(actor, Request(channel, actor.user_id, "command", "grant", args, target_user_id=target))
    else:
        args = (role,) if role else ()
        replies = desk.revoke(actor, Request(channel, actor.user_id, "command", "revoke", args, target_user_id=target))
    raise redirect("/roles", "\n".join(r.text for r in replies))


async def synonyms(request: web.Request) -> web.Response:
    """GET /synonyms: the vocabulary the matcher folds (补助 → 补贴…)."""
    console = request.app[CONSOLE]
    return render(request, "synonyms.html", table=console.store.synonyms())


async def change_synonym(request: web.Request) -> web.Response:
    """POST /synonyms: add or remove one synonym (re-indexes at once)."""
    console = request.app[CONSOLE]
    form = await request.post()
    args = (str(form.get("action", "")), str(form.get("canonical", "")).strip(), str(form.get("variant", "")).strip())
    replies = console.conversation.admin.synonyms(request[ACTOR], args)
    raise redirect("/synonyms", "\n".join(r.text for r in replies))


async def cantonese(request: web.Request) -> web.Response:
    """GET /cantonese: the written Cantonese the matcher reads as Mandarin (揾 → 找…)."""
    return render(request, "cantonese.html", table=request.app[CONSOLE].store.cantonese())


async def change_cantonese(request: web.Request) -> web.Response:
    """POST /cantonese: add, change or remove one word (re-indexes at once); no Mandarin: a particle to drop."""
    console = request.app[CONSOLE]
    form = await request.post()
    action, word = str(form.get("action", "")), str(form.get("word", "")).strip()
    mandarin = str(form.get("mandarin", "")).strip()
    args = (action, word, mandarin) if action == "add" and mandarin else (action, word)
    replies = console.conversation.admin.cantonese(request[ACTOR], args)
    raise redirect("/cantonese", "\n".join(r.text for r in replies))


async def audit(request: web.Request) -> web.Response:
    """GET /audit?who=…&what=…: the latest audit entries, newest first."""
    console = request.app[CONSOLE]
    who, what = request.query.get("who", "").strip(), request.query.get("what", "").strip()
    rows = [
        {**r, "before": _short(r["before"]), "after": _short(r["after"])}
        for r in console.store.audit_entries(limit=AUDIT_SHOWN * (1 if not (who or what) else 10))
        if who in r["actor"] and what in r["action"]
    ][:AUDIT_SHOWN]
    return render(request, "audit.html", rows=rows, who=who, what=what)


def _short(raw: str | None) -> str:
    if raw is None:
        return ""
    try:
        value = json.loads(raw)
    except ValueError:
        return raw[:200]
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 200 else text[:200] + "…"


def add_routes(router: web.UrlDispatcher) -> None:
    router.add_get("/roles", roles)
    router.add_post(r"/roles/{verb:grant|revoke}", change_role)
    router.add_get("/synonyms", synonyms)
    router.add_post("/synonyms", change_synonym)
    router.add_get("/cantonese", cantonese)
    router.add_post("/cantonese", change_cantonese)
    router.add_get("/audit", audit)
