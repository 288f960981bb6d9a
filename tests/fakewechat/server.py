"""A local fake of the WeChat Official Account API (api.weixin.qq.com) for tests of the pushing side.

A real HTTP server, like tests/fakebotapi, so the bot's httpx client, its JSON encoding
and its error handling run as in production. It enforces the rules the bot must respect:
the access_token (missing 41001, unknown or invalidated 40001, expired 42001), the
48-hour window of customer-service messages from each follower's last interaction
(45015) and, when `cs_quota` is set, the messages allowed per interaction (45047; WeChat
allows 5 after a message since June 2023), unfollowed followers (43004), unknown openids (40003), the 2048-byte text
limit (45002), known template ids (40037), the menu's limits (40016…40027) and the
monthly mass-send quota (45028). Like WeChat, it does not decode \\uXXXX escapes in
message content: a client that sends them shows them literally (`sent_texts`).
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web

JSON = dict[str, Any]
WINDOW = timedelta(hours=48)
ERRMSG = {
    -1: "system error", 40001: "invalid credential, access_token is invalid or not latest",
    40003: "invalid openid", 40008: "invalid message type", 40013: "invalid appid", 40125: "invalid appsecret",
    40016: "invalid button size", 40017: "invalid button type", 40018: "invalid button name size",
    40019: "invalid button key size", 40020: "invalid button url size", 40023: "invalid sub button size",
    40024: "invalid sub button type", 40025: "invalid sub button name size", 40026: "invalid sub button key size",
    40027: "invalid sub button url size", 40037: "invalid template_id", 41001: "access_token missing",
    42001: "access_token expired", 43004: "require subscribe", 43019: "require remove blacklist",
    44002: "empty post data", 45002: "content size out of limit", 45009: "reach max api daily quota limit",
    45015: "response out of time limit or subscription is canceled", 45028: "has no masssend quota",
    45047: "out of response count limit", 47001: "data format error",
}  # fmt: skip
#: (type, name, key, url) errcodes for a top-level button; a sub-button's are each 7 higher.
_BUTTON_CODES = (40017, 40018, 40019, 40020)
_NAME_BYTES = (16, 60)  # top-level, sub-button


class Refusal(Exception):
    def __init__(self, errcode: int) -> None:
        super().__init__(errcode)
        self.errcode = errcode


@dataclass
class WeChatCall:
    """One request: its path, query, JSON body as WeChat reads it (None for a GET) and the answer's errcode."""

    path: str
    query: dict[str, str]
    body: Any
    raw: bytes = b""
    errcode: int = 0
    answer: JSON = field(default_factory=dict)


class FakeWeChat:
    """``async with FakeWeChat() as wechat``; point WECHAT_API_BASE_URL at ``wechat.base_url``."""

    def __init__(
        self,
        app_id: str = "wx0123456789abcdef",
        app_secret: str = "fake-app-secret",
        *,
        template_ids: tuple[str, ...] = ("TPL_NOTICE",),
        expires_in: int = 7200,
        mass_quota: int = 4,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.app_id, self.app_secret, self.expires_in = app_id, app_secret, expires_in
        self.template_ids = set(template_ids)
        self.mass_quota = mass_quota
        self.now = now  # the clock of the 48-hour rule: the bot's, in tests (it is WeChat's in production)
        self.cs_quota: int | None = None  # customer-service messages per interaction (None: no limit)
        self.token_delay = 0.0  # seconds a token fetch takes: lets concurrent callers overlap
        self.send_delay = 0.0  # seconds a message send takes: lets a test act while one is on the wire
        self.calls: list[WeChatCall] = []
        self.token_fetches = 0
        self.menu: JSON | None = None
        self.port = 0
        self._tokens: dict[str, int] = {}  # token → 0 valid, else the errcode it now gets
        self._interactions: dict[str, datetime] = {}  # follower → last interaction
        self._unfollowed: set[str] = set()
        self._cs_sent: defaultdict[str, int] = defaultdict(int)  # since the last interaction
        self._failures: defaultdict[str, list[tuple[int, int, str]]] = defaultdict(list)
        self._ids = itertools.count(1000)
        self._runner: web.AppRunner | None = None
        self._handlers = {
            "/cgi-bin/message/custom/send": self._custom_send,
            "/cgi-bin/message/template/send": self._template_send,
            "/cgi-bin/menu/create": self._menu_create,
            "/cgi-bin/message/mass/sendall": self._mass_send,
            "/cgi-bin/qrcode/create": self._qrcode_create,
        }
        self.qrcodes: dict[str, str] = {}  # ticket → scene string

    # -- lifecycle ---------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def __aenter__(self) -> FakeWeChat:
        app = web.Application()
        app.router.add_route("*", "/cgi-bin/{tail:.+}", self._handle)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.port = self._runner.addresses[0][1]
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # -- acting as WeChat and its users --------------------------------------------------------
    def interact(self, openid: str, at: datetime | None = None) -> None:
        """`openid` follows and interacted at `at` (default now): the 48-hour window opens from then."""
        self._interactions[openid] = at or self.now()
        self._cs_sent[openid] = 0
        self._unfollowed.discard(openid)

    def unfollow(self, openid: str) -> None:
        self._unfollowed.add(openid)

    def expire_tokens(self) -> None:
        """Every token issued so far answers 42001 from now on."""
        self._tokens = dict.fromkeys(self._tokens, 42001)

    def invalidate_tokens(self) -> None:
        """Every token issued so far answers 40001 (as after a fetch by another process)."""
        self._tokens = dict.fromkeys(self._tokens, 40001)

    def fail_next(self, path: str, errcode: int = -1, *, status: int = 200, times: int = 1) -> None:
        """Answer the next `times` calls of `path` ('/cgi-bin/…' or 'message/custom/send') with `errcode`,
        or with HTTP `status` and no JSON when it is not 200."""
        self._failures[_path(path)] += [(status, errcode, ERRMSG.get(errcode, "error"))] * times

    # -- reading what the bot did --------------------------------------------------------------
    def calls_to(self, path: str, ok: bool | None = None) -> list[WeChatCall]:
        return [c for c in self.calls if c.path == _path(path) and (ok is None or (c.errcode == 0) == ok)]

    def sent_texts(self, openid: str | None = None) -> list[str]:
        """Customer-service texts delivered, as the student sees them."""
        return [c.body["text"]["content"] for c in self.calls_to("message/custom/send", ok=True)
                if openid in (None, c.body["touser"])]  # fmt: skip

    def templates(self, openid: str | None = None) -> list[JSON]:
        """Template messages delivered (their JSON bodies)."""
        return [c.body for c in self.calls_to("message/template/send", ok=True) if openid in (None, c.body["touser"])]

    def mass_sends(self) -> list[JSON]:
        return [c.body for c in self.calls_to("message/mass/sendall", ok=True)]

    # -- the API ---------------------------------------------------------------------------------
    async def _handle(self, request: web.Request) -> web.StreamResponse:
        raw = await request.read()
        call = WeChatCall(request.path, dict(request.query), None, raw)
        self.calls.append(call)
        if self._failures[call.path]:
            status, errcode, errmsg = self._failures[call.path].pop(0)
            if status != 200:
                return web.Response(status=status, text="<html>Bad Gateway</html>")
            return self._answer(call, {"errcode": errcode, "errmsg": errmsg})
        try:
            if call.path == "/cgi-bin/token":
                return self._answer(call, await self._token(call.query))
            self._check_token(call.query)
            handler = self._handlers.get(call.path)
            if handler is None:
                return web.Response(status=404, text="not found")
            if not raw:
                raise Refusal(44002)
            if self.send_delay and call.path.startswith("/cgi-bin/message/"):
                await asyncio.sleep(self.send_delay)
            try:  # WeChat does not decode \u escapes: keep them as the literal text it would show
                call.body = json.loads(raw.replace(b"\\u", b"\\\\u"))
            except ValueError:
                raise Refusal(47001) from None
            return self._answer(call, handler(call.body))
        except Refusal as refusal:
            return self._answer(call, {"errcode": refusal.errcode, "errmsg": ERRMSG.get(refusal.errcode, "error")})

    def _answer(self, call: WeChatCall, answer: JSON) -> web.Response:
        call.errcode, call.answer = answer.get("errcode", 0), answer
        return web.json_response(answer, dumps=lambda o: json.dumps(o, ensure_ascii=False))

    async def _token(self, query: dict[str, str]) -> JSON:
        if query.get("grant_type") != "client_credential" or query.get("appid") != self.app_id:
            raise Refusal(40013)
        if query.get("secret") != self.app_secret:
            raise Refusal(40125)
        if self.token_delay:
            await asyncio.sleep(self.token_delay)
        self.token_fetches += 1
        token = f"TOKEN-{self.token_fetches}-{next(self._ids)}"
        self._tokens[token] = 0
        return {"access_token": token, "expires_in": self.expires_in}

    def _check_token(self, query: dict[str, str]) -> None:
        token = query.get("access_token")
        if not token:
            raise Refusal(41001)
        if errcode := self._tokens.get(token, 40001):
            raise Refusal(errcode)

    def _follower(self, openid: Any) -> None:
        if openid in self._unfollowed:
            raise Refusal(43004)
        if openid not in self._interactions:
            raise Refusal(40003)

    def _custom_send(self, body: JSON) -> JSON:
        self._follower(body.get("touser"))
        if self.now() - self._interactions[body["touser"]] > WINDOW:
            raise Refusal(45015)
        if self.cs_quota is not None and self._cs_sent[body["touser"]] >= self.cs_quota:
            raise Refusal(45047)
        if body.get("msgtype") != "text" or not isinstance(body.get("text"), dict):
            raise Refusal(40008)
        if len(str(body["text"].get("content", "")).encode()) > 2048:
            raise Refusal(45002)
        self._cs_sent[body["touser"]] += 1
        return {"errcode": 0, "errmsg": "ok"}

    def _template_send(self, body: JSON) -> JSON:
        if body.get("template_id") not in self.template_ids:
            raise Refusal(40037)
        self._follower(body.get("touser"))
        data = body.get("data")
        if not isinstance(data, dict) or not all(isinstance(v, dict) and "value" in v for v in data.values()):
            raise Refusal(47001)
        return {"errcode": 0, "errmsg": "ok", "msgid": next(self._ids)}

    def _menu_create(self, body: JSON) -> JSON:
        buttons = body.get("button")
        if not isinstance(buttons, list) or not 1 <= len(buttons) <= 3:
            raise Refusal(40016)
        for button in buttons:
            subs = button.get("sub_button")
            if subs:
                _check_name(button, top=True)
                if len(subs) > 5:
                    raise Refusal(40023)
                for sub in subs:
                    _check_button(sub, top=False)
            else:
                _check_button(button, top=True)
        self.menu = body
        return {"errcode": 0, "errmsg": "ok"}

    def _qrcode_create(self, body: JSON) -> JSON:
        """Permanent string-scene codes: the same scene gets the same ticket, as on WeChat."""
        scene = ((body.get("action_info") or {}).get("scene") or {}).get("scene_str", "")
        if body.get("action_name") != "QR_LIMIT_STR_SCENE" or not 1 <= len(scene) <= 64:
            raise Refusal(47001)
        ticket = next((t for t, s in self.qrcodes.items() if s == scene), f"gQ+{len(self.qrcodes) + 1}/==")
        self.qrcodes[ticket] = scene
        return {"ticket": ticket, "url": f"http://weixin.qq.com/q/{ticket}"}

    def _mass_send(self, body: JSON) -> JSON:
        if not isinstance(body.get("filter"), dict) or body.get("msgtype") != "text":
            raise Refusal(47001)
        if self.mass_quota <= 0:
            raise Refusal(45028)
        self.mass_quota -= 1
        return {"errcode": 0, "errmsg": "send job submission success", "msg_id": next(self._ids),
                "msg_data_id": next(self._ids)}  # fmt: skip


def _check_name(button: JSON, top: bool) -> None:
    name = str(button.get("name", ""))
    if not name or len(name.encode()) > _NAME_BYTES[not top]:
        raise Refusal(_BUTTON_CODES[1] + (0 if top else 7))


def _check_button(button: JSON, top: bool) -> None:
    """Like WeChat: a name within its bytes, a known type, a key (click) ≤ 128 bytes, a url (view) ≤ 1024."""
    type_code, _, key_code, url_code = (code + (0 if top else 7) for code in _BUTTON_CODES)
    _check_name(button, top)
    if button.get("type") == "click":
        if not 1 <= len(str(button.get("key", "")).encode()) <= 128:
            raise Refusal(key_code)
    elif button.get("type") == "view":
        if not 1 <= len(str(button.get("url", "")).encode()) <= 1024:
            raise Refusal(url_code)
    else:
        raise Refusal(type_code)


def _path(path: str) -> str:
    return path if path.startswith("/cgi-bin/") else "/cgi-bin/" + path.lstrip("/")
