"""The gate every request passes: session cookie, admin role (checked each time), CSRF on every form.

Sessions live in the database (only the cookie's hash); an idle session ends after IDLE; a user
who is no longer an admin is logged out on their next request; every POST must carry the session's
CSRF token. The login link (bot/web/links.py) is redeemed by a POST from a confirmation page, so a
link preview fetched by a chat app cannot use it up.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from collections.abc import Awaitable, Callable
from datetime import timedelta
from urllib.parse import quote, unquote

from aiohttp import web

from bot.people.permissions import Role, actor_for
from bot.web import links
from bot.web.context import ACTOR, CONSOLE, CSRF, FLASH, render

logger = logging.getLogger(__name__)

COOKIE = "gc_session"
FLASH_COOKIE = "gc_flash"
IDLE = timedelta(minutes=30)
LONGEST = timedelta(hours=12)  # then a new link, however busy the session
PUBLIC = ("/login", "/static/", "/healthz")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def secure(request: web.Request) -> bool:
    """Cookies are Secure when the console is behind TLS (directly, via a proxy, or by setting)."""
    console = request.app[CONSOLE]
    return console.settings.web_secure_cookies or request.secure or request.headers.get("X-Forwarded-Proto") == "https"


@web.middleware
async def headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    """No framing, no inline script, no referrer (a login link must not leak), no sniffing."""
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        response = exc
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if not request.path.startswith("/static/"):
        response.headers.setdefault("Cache-Control", "no-store")
    if isinstance(response, web.HTTPException):
        raise response
    return response


@web.middleware
async def gate(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Let through only a live session of a current admin; check the CSRF token of every change."""
    if request.path.startswith(PUBLIC):
        return await handler(request)
    console = request.app[CONSOLE]
    store = console.conversation.store
    raw = request.cookies.get(COOKIE, "")
    session = store.web_session(links.token_hash(raw), IDLE, LONGEST) if raw else None
    if session is None:
        if request.method in ("GET", "HEAD"):
            raise web.HTTPSeeOther("/login")
        raise web.HTTPForbidden(text="登录已过期，请重新登录。")
    actor = actor_for(console.settings, store, session["channel"], session["external_id"])
    if actor.role is not Role.ADMIN:  # revoked since they logged in: out at once
        store.end_web_session(session["session_hash"])
        logger.warning("Ended the web session of %s: no longer an admin", actor.key)
        response = render(request, "login.html", status=403, problem="no_longer_admin")
        response.del_cookie(COOKIE, path="/")
        return response
    if request.method not in ("GET", "HEAD"):
        form = await request.post()
        sent = str(form.get("csrf", ""))
        if not sent or not hmac.compare_digest(sent, session["csrf"]):
            logger.warning("Refused a %s to %s without a valid CSRF token from %s", request.method, request.path, actor.key)
            raise web.HTTPForbidden(text="表单已失效（CSRF 校验失败），请刷新页面后重试。")
    request[ACTOR] = actor
    request[CSRF] = session["csrf"]
    request[FLASH] = unquote(request.cookies.get(FLASH_COOKIE, ""))[:500]
    response = await handler(request)
    if request[FLASH] and FLASH_COOKIE not in response.cookies:
        response.del_cookie(FLASH_COOKIE, path="/")
    return response


def redirect(location: str, flash: str = "") -> web.HTTPSeeOther:
    """303 to a page, with a one-time message shown there."""
    response = web.HTTPSeeOther(location)
    if flash:
        response.set_cookie(FLASH_COOKIE, quote(flash[:400]), path="/", httponly=True, samesite="Lax")
    return response


async def login_page(request: web.Request) -> web.StreamResponse:
    """GET /login: with a token, a button that logs in (POST); without, how to get a link."""
    token = request.query.get("token", "")
    return render(request, "login.html", token=token[:200])


async def login(request: web.Request) -> web.StreamResponse:
    """POST /login: redeem the link once, open a session, set its cookie."""
    console = request.app[CONSOLE]
    if (request.content_length or 0) > 4096:  # anyone may post here: no big bodies
        raise web.HTTPRequestEntityTooLarge(max_size=4096, actual_size=request.content_length or 0)
    form = await request.post()
    owner = links.redeem(console.settings, console.conversation.store, str(form.get("token", "")))
    if owner is None:
        return render(request, "login.html", status=403, problem="bad_link")
    raw = secrets.token_urlsafe(32)
    console.conversation.store.open_web_session(links.token_hash(raw), *owner)
    response = web.HTTPSeeOther("/")
    response.set_cookie(COOKIE, raw, path="/", httponly=True, samesite="Lax", secure=secure(request),
                        max_age=int(LONGEST.total_seconds()))  # fmt: skip
    raise response


async def logout(request: web.Request) -> web.StreamResponse:
    """POST /logout (with the CSRF token, like every change)."""
    request.app[CONSOLE].conversation.store.end_web_session(links.token_hash(request.cookies.get(COOKIE, "")))
    response = web.HTTPSeeOther("/login")
    response.del_cookie(COOKIE, path="/")
    raise response


def add_routes(router: web.UrlDispatcher) -> None:
    router.add_get("/login", login_page)
    router.add_post("/login", login)
    router.add_post("/logout", logout)
