"""A small async client for the WeChat Official Account (公众号) API: token, pushes, menu.

Why not wechatpy's `WeChatClient`: it is synchronous (`requests`), so every call
would block the bot's event loop, and with it the answers to every other student,
for a whole network round trip. This client speaks the same few endpoints over
httpx's `AsyncClient`; wechatpy stays for what is CPU-only (signatures, the
message crypto on the receiving side).

The access_token (WeChat's rules, "获取 Access token"):

- fetched with the app id and secret, valid `expires_in` seconds (7200 today);
  every fetch counts against a daily quota (2000) and makes the previous token
  stale after a short grace, so it is cached and shared, and only one fetch runs
  at a time (an `asyncio.Lock`): a hundred sends starting together cause one.
  One process per app id: two bots would keep invalidating each other's token.
- refreshed `REFRESH_MARGIN` before it expires, so no call races the expiry;
- when WeChat still calls it invalid (40001, 40014, 42001: another process
  fetched one, or a clock jump), it is fetched again once and the call retried
  once; a second refusal surfaces as `WeChatError` (no loop);
- a fetch that fails (the server's IP not on the whitelist, a wrong secret,
  WeChat busy) is remembered for `TOKEN_RETRY_AFTER`: the calls meanwhile fail at
  once with `TokenUnavailable` instead of each fetching again (5000 queued notices
  would otherwise spend the day's quota in a minute); the outbox pauses WeChat.

JSON goes out with `ensure_ascii=False`: WeChat shows `\\u4f60` escapes literally.
Errors: `WeChatError(errcode, errmsg)` for an answer with a non-zero errcode,
`WeChatUnavailable` for no usable answer (network error, timeout, HTTP 5xx, not
JSON). Neither carries the request URL: it holds the token or the secret.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote

import httpx

from bot.settings import Settings

logger = logging.getLogger(__name__)

#: errcodes meaning "this access_token is not (or no longer) valid".
INVALID_TOKEN = frozenset({40001, 40014, 42001})
#: Seconds before its announced expiry that a token is replaced.
REFRESH_MARGIN = 300.0
#: Seconds a failed token fetch is remembered: calls meanwhile fail at once instead of fetching again.
TOKEN_RETRY_AFTER = 30.0


#: Where WeChat serves a QR code's image, by its ticket.
QR_IMAGE_URL = "https://mp.weixin.qq.com/cgi-bin/showqrcode?ticket="


class WeChatError(Exception):
    """WeChat answered with a non-zero errcode."""

    def __init__(self, errcode: int, errmsg: str) -> None:
        super().__init__(f"WeChat error {errcode}: {errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg


class WeChatUnavailable(Exception):
    """No usable answer: a network error, a timeout, an HTTP error status or a body that is not JSON."""


class TokenUnavailable(WeChatUnavailable):
    """No access_token: the last fetch failed, the next is tried in `retry_after` seconds; nothing is sent till then."""

    def __init__(self, reason: str, retry_after: float) -> None:
        super().__init__(f"no access_token: {reason}")
        self.retry_after = retry_after


class WeChatApi:
    """The endpoints the bot pushes through; `aclose()` (or `async with`) closes a client it made itself."""

    def __init__(
        self,
        base_url: str,
        app_id: str,
        app_secret: str,
        *,
        client: httpx.AsyncClient | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._app_id, self._app_secret = app_id, app_secret
        self._own_client = client is None
        self._client = client or httpx.AsyncClient(timeout=httpx.Timeout(10.0))
        self._clock = clock
        self._token: str | None = None
        self._expires_at = float("-inf")
        self._lock = asyncio.Lock()
        self._failed: tuple[float, str] | None = None  # (until when, why) after a failed fetch

    @classmethod
    def from_settings(cls, settings: Settings) -> WeChatApi:
        """The account in WECHAT_APP_ID / WECHAT_APP_SECRET, at WECHAT_API_BASE_URL."""
        return cls(settings.wechat_api_base_url, settings.wechat_app_id or "", settings.wechat_app_secret or "")

    async def aclose(self) -> None:
        if self._own_client:
            await self._client.aclose()

    async def __aenter__(self) -> WeChatApi:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    # -- the access_token ------------------------------------------------------------------

    async def access_token(self) -> str:
        """The cached token, fetched first if there is none or it is about to expire."""
        if self._fresh():
            return self._token  # type: ignore[return-value]
        async with self._lock:
            if not self._fresh():  # the caller that held the lock may have fetched it already
                await self._fetch_token()
            return self._token  # type: ignore[return-value]

    def _fresh(self) -> bool:
        return self._token is not None and self._clock() < self._expires_at

    async def _fetch_token(self) -> None:
        """Fetch a token (under the lock), or raise TokenUnavailable, at once while a failure is fresh."""
        if self._failed is not None and self._clock() < self._failed[0]:
            raise TokenUnavailable(self._failed[1], self._failed[0] - self._clock())
        params = {"grant_type": "client_credential", "appid": self._app_id, "secret": self._app_secret}
        try:
            answer = await self._exchange("GET", "/cgi-bin/token", params)
            token, expires_in = str(answer["access_token"]), float(answer["expires_in"])
        except (WeChatError, WeChatUnavailable, KeyError, TypeError, ValueError) as exc:
            reason = str(exc) if isinstance(exc, WeChatError | WeChatUnavailable) else "no access_token/expires_in"
            self._failed = (self._clock() + TOKEN_RETRY_AFTER, reason)
            logger.error("Could not fetch a WeChat access_token (%s); trying again in %.0f s", reason,
                         TOKEN_RETRY_AFTER)  # fmt: skip
            raise TokenUnavailable(reason, TOKEN_RETRY_AFTER) from None
        self._failed = None
        self._token = token
        self._expires_at = self._clock() + expires_in - min(REFRESH_MARGIN, expires_in / 2)
        logger.info("Fetched a WeChat access_token, valid %.0f s", expires_in)

    async def _refresh(self, stale: str) -> None:
        """Replace `stale` after WeChat refused it, unless a concurrent call already did."""
        async with self._lock:
            if self._token == stale:
                self._token = None
                await self._fetch_token()

    # -- calls -------------------------------------------------------------------------------

    async def call(self, path: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """POST `body` as JSON to `path` with the token; one refresh and retry on an invalid token."""
        token = await self.access_token()
        try:
            return await self._exchange("POST", path, {"access_token": token}, body)
        except WeChatError as exc:
            if exc.errcode not in INVALID_TOKEN:
                raise
            logger.warning("WeChat refused the access_token (%s); fetching a new one", exc.errcode)
        await self._refresh(token)
        return await self._exchange("POST", path, {"access_token": await self.access_token()}, body)

    async def send_text(self, openid: str, text: str) -> None:
        """A customer-service (客服) text message: only within 48 hours of the student's last interaction."""
        await self.call(
            "/cgi-bin/message/custom/send", {"touser": openid, "msgtype": "text", "text": {"content": text}}
        )

    async def send_template(
        self, openid: str, template_id: str, data: Mapping[str, str], url: str | None = None
    ) -> str:
        """A template message (模板消息), allowed at any time; returns its msgid.

        `data` maps the template's field names to their values."""
        body: dict[str, Any] = {
            "touser": openid,
            "template_id": template_id,
            "data": {name: {"value": value} for name, value in data.items()},
        }
        if url:
            body["url"] = url
        answer = await self.call("/cgi-bin/message/template/send", body)
        return str(answer.get("msgid", ""))

    async def create_menu(self, menu: Mapping[str, Any]) -> None:
        """Replace the custom menu (自定义菜单); `menu` is {"button": [...]} as bot/channels/wechat/menu.py builds it."""
        await self.call("/cgi-bin/menu/create", menu)

    async def create_qrcode(self, scene: str) -> str:
        """A permanent parametric QR code (永久二维码) for `scene` (≤ 64 characters); returns the image's URL.

        A follower who scans it sends a follow (EventKey "qrscene_<scene>") or SCAN event:
        the WeChat form of an ambassador's invite link. Permanent codes are limited to
        100,000 per account, and asking again for the same scene returns the same code."""
        body = {"action_name": "QR_LIMIT_STR_SCENE", "action_info": {"scene": {"scene_str": scene}}}
        answer = await self.call("/cgi-bin/qrcode/create", body)
        return QR_IMAGE_URL + quote(str(answer["ticket"]), safe="")

    async def mass_send_by_tag(self, tag_id: int, text: str) -> str:
        """A text to every follower with a user tag (群发); returns the msg_id.

        A service account (服务号) has 4 mass sends a month, and each follower receives
        at most 4 a month from it: for broadcasts that really go to a whole tag, not
        for the outbox's per-student notices."""
        body = {"filter": {"is_to_all": False, "tag_id": tag_id}, "msgtype": "text", "text": {"content": text}}
        answer = await self.call("/cgi-bin/message/mass/sendall", body)
        return str(answer.get("msg_id", ""))

    # -- the wire ------------------------------------------------------------------------------

    async def _exchange(
        self, method: str, path: str, params: Mapping[str, str], body: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        content = None if body is None else json.dumps(body, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json; charset=utf-8"} if content is not None else None
        try:
            response = await self._client.request(
                method, self.base_url + path, params=params, content=content, headers=headers
            )
        except httpx.HTTPError as exc:  # its text may hold the URL: only the kind is kept
            raise WeChatUnavailable(f"{path}: {type(exc).__name__}") from None
        if response.status_code != httpx.codes.OK:
            raise WeChatUnavailable(f"{path}: HTTP {response.status_code}")
        try:
            answer = json.loads(response.content)
        except ValueError:
            raise WeChatUnavailable(f"{path}: the answer is not JSON") from None
        if not isinstance(answer, dict):
            raise WeChatUnavailable(f"{path}: the answer is not a JSON object")
        errcode = answer.get("errcode", 0)
        if errcode:
            raise WeChatError(int(errcode), str(answer.get("errmsg", "")))
        return answer
