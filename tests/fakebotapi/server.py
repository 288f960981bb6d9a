"""A local fake Telegram Bot API server for end-to-end tests of the bot.

Why a real HTTP server instead of mocking ``telegram.Bot``: the bot is exercised exactly as in
production (PTB's HTTPXRequest, form/multipart encoding, de_json of the replies, long polling,
error mapping to ``BadRequest``/``RetryAfter``/``Forbidden``), so wire-level mistakes such as
broken HTML, 65-byte ``callback_data`` or unhandled flood control fail the tests instead of
failing in front of users. Tests act as users (``send_text``, ``press_button``), read what the
bot did (``calls``, ``sent``, ``wait_for_message``) and inject faults (``fail_next``, ...).
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import itertools
import json
import math
import mimetypes
import re
import time
from collections import Counter, defaultdict, deque
from collections.abc import AsyncIterator, Callable
from pathlib import PurePosixPath
from typing import Any

from aiohttp import web

from tests.fakebotapi.wire import (
    _CHAT_ACTIONS,
    _COMMAND_RE,
    _PLAUSIBLE,
    JSON,
    ApiCall,
    ApiError,
    Stats,
    StoredFile,
    Upload,
    _AppT,
    _read_params,
    _utf16_len,
    check_markup,
    render_text,
)

Handler = Callable[[JSON, dict[str, Upload]], Any]


class FakeBotApi:
    """In-process Bot API server; ``async with FakeBotApi(token=...) as api`` starts/stops it."""

    def __init__(self, token: str = "123:ABC", *, username: str = "FakeGuancaiBot") -> None:
        self.token = token
        bot_id = int(token.split(":")[0]) if token.split(":")[0].isdigit() else 1
        self.bot_user: JSON = {"id": bot_id, "is_bot": True, "first_name": "FakeBot",
                               "username": username, "can_join_groups": True,
                               "can_read_all_group_messages": False,
                               "supports_inline_queries": False}  # fmt: skip
        self.calls: list[ApiCall] = []
        self.files: dict[str, StoredFile] = {}
        self.commands: dict[tuple[str, str], list[JSON]] = {}  # (scope JSON, language) -> list
        self.menu_buttons: dict[int | None, JSON] = {}
        self.stats = Stats()
        self.port = 0
        self._updates: list[JSON] = []
        self._update_ids = itertools.count(10_000)
        self._ids = itertools.count(1)
        self._allowed: set[str] | None = None
        self._poll_generation = 0
        self._users: dict[int, JSON] = {}
        self._messages: dict[tuple[int, int], JSON] = {}
        self._msg_ids: Counter[int] = Counter()
        self._sent: list[JSON] = []
        self._seen_msgs: set[int] = set()
        self._seen_calls: set[int] = set()
        self._queries: dict[str, bool] = {}  # callback_query id -> answered
        self._failures: defaultdict[str, list[tuple[int, str, int | None, int | None]]] = defaultdict(list)
        self._blocked: set[int] = set()
        self._missing: set[int] = set()
        self._delays: dict[str, float] = {}
        self._limits: tuple[int | None, int | None] = (None, None)
        self._window: deque[float] = deque()
        self._chat_windows: defaultdict[int, deque[float]] = defaultdict(deque)
        self._changed = asyncio.Event()
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._handlers: dict[str, Handler] = {k.lower(): v for k, v in {
            "getMe": lambda p, f: self.bot_user, "getUpdates": self._get_updates,
            "deleteWebhook": self._delete_webhook, "getWebhookInfo": self._webhook_info,
            "setMyCommands": self._set_my_commands, "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "setChatMenuButton": self._set_menu_button, "getChatMenuButton": self._menu_button,
            "sendMessage": self._send_message, "editMessageText": self._edit_text,
            "editMessageReplyMarkup": self._edit_markup, "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback, "sendChatAction": self._chat_action,
            "sendDocument": lambda p, f: self._send_media("document", p, f),
            "sendPhoto": lambda p, f: self._send_media("photo", p, f), "getFile": self._get_file,
        }.items()}  # fmt: skip

    # -- lifecycle -------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    async def start(self) -> None:
        app = web.Application(client_max_size=50 * 1024 * 1024)  # Telegram's upload limit
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        # handler_cancellation: a long poll whose client went away must not linger.
        self._runner = web.AppRunner(
            app, handle_signals=False, access_log=None, shutdown_timeout=1.0, handler_cancellation=True
        )
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        """Release pending long polls (they answer ``[]``), then close the server."""
        self._closing = True
        self._notify()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeBotApi:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # -- acting as users --------------------------------------------------------------------
    def send_text(self, user_id: int, text: str, first_name: str = "小明", username: str | None = None) -> JSON:
        """Push a private text message; /commands get bot_command entities like Telegram's."""
        user = self._user(user_id, first_name, username)
        ents = [
            {"type": "bot_command", "offset": _utf16_len(text[: m.start()]), "length": _utf16_len(m.group())}
            for m in _COMMAND_RE.finditer(text)
        ]
        msg = self._new_message(user_id, user, text=text, **({"entities": ents} if ents else {}))
        return self._push({"message": msg})

    def press_button(self, user_id: int, message: JSON | int, data: str) -> JSON:
        """Push a callback_query for an existing inline button (AssertionError otherwise)."""
        mid = message if isinstance(message, int) else message["message_id"]
        msg = self._messages.get((user_id, mid))
        if msg is None:
            raise AssertionError(f"chat {user_id} has no message {mid} (deleted or never sent)")
        rows = (msg.get("reply_markup") or {}).get("inline_keyboard", [])
        datas = [button.get("callback_data") for row in rows for button in row]
        if data not in datas:
            raise AssertionError(f"message {mid} has no button {data!r}; its buttons: {datas}")
        query_id = str(next(self._ids))
        self._queries[query_id] = False
        return self._push({"callback_query": {
            "id": query_id, "from": self._user(user_id), "message": self._wire(msg),
            "chat_instance": str(-user_id), "data": data}})  # fmt: skip

    def send_sticker(self, user_id: int, emoji: str = "👍") -> JSON:
        """Push a sticker message (a non-text update many handlers must ignore gracefully)."""
        f = self._store_file("sticker", b"RIFF-fake-webp", "sticker.webp", "image/webp")
        sticker = {"file_id": f.file_id, "file_unique_id": f.file_unique_id, "type": "regular",
                   "width": 512, "height": 512, "is_animated": False, "is_video": False,
                   "emoji": emoji}  # fmt: skip
        return self._push({"message": self.user_message(user_id, sticker=sticker)})

    def send_photo(self, user_id: int, content: bytes = b"\xff\xd8\xff fake jpeg", caption: str | None = None) -> JSON:
        """Push a photo message; the bytes are downloadable through getFile."""
        size = self._photo_size(self._store_file("photo", content, None, "image/jpeg"))
        extra = {"caption": caption} if caption else {}
        return self._push({"message": self.user_message(user_id, photo=[size], **extra)})

    def photo_file_id(self, content: bytes = b"\xff\xd8\xff fake jpeg") -> str:
        """A photo the server holds, as if a user had sent it earlier: its file_id, for the bot to send by id."""
        return self._store_file("photo", content, None, "image/jpeg").file_id

    def send_document(self, user_id: int, filename: str, content: bytes, mime: str | None = None) -> JSON:
        """Push a file a user sends (a spreadsheet, say); the bot downloads it through getFile."""
        f = self._store_file("document", content, filename, mime)
        document = {"file_id": f.file_id, "file_unique_id": f.file_unique_id, "file_name": filename,
                    "mime_type": f.mime_type or "application/octet-stream", "file_size": len(content)}  # fmt: skip
        return self._push({"message": self.user_message(user_id, document=document)})

    def send_raw_update(self, update: JSON) -> JSON:
        """Push any update kind (edited_message, location, ...); update_id is assigned here."""
        return self._push({k: v for k, v in update.items() if k != "update_id"})

    def user_message(self, user_id: int, **content: Any) -> JSON:
        """Build (not push) a message from ``user_id`` in its private chat, for raw updates."""
        return self._new_message(user_id, self._user(user_id), **content)

    # -- reading what the bot did ------------------------------------------------------------
    def sent(self, chat_id: int | None = None, *, include_deleted: bool = False) -> list[JSON]:
        """Messages sent via sendMessage/sendDocument/sendPhoto, live (reflecting edits).
        reply_markup holds any markup sent, though only inline keyboards go back to the bot."""
        return [
            m
            for m in self._sent
            if chat_id in (None, m["chat"]["id"])
            and (include_deleted or (m["chat"]["id"], m["message_id"]) in self._messages)
        ]

    async def wait_for_message(
        self, chat_id: int, predicate: Callable[[JSON], bool] | None = None, timeout: float = 5.0
    ) -> JSON:
        """Next message to ``chat_id`` not returned before that satisfies ``predicate``."""

        def find() -> JSON | None:
            for msg in self._sent:
                if (
                    msg["chat"]["id"] == chat_id
                    and id(msg) not in self._seen_msgs
                    and (predicate is None or predicate(msg))
                ):
                    self._seen_msgs.add(id(msg))
                    return msg
            return None

        return await self._wait(find, timeout, f"No new message to chat {chat_id}")

    async def wait_for_call(
        self, method: str, predicate: Callable[[ApiCall], bool] | None = None, timeout: float = 5.0
    ) -> ApiCall:
        """Next recorded call of ``method`` (any outcome) not returned before."""

        def find() -> ApiCall | None:
            for index, call in enumerate(self.calls):
                if (
                    call.method.lower() == method.lower()
                    and index not in self._seen_calls
                    and (predicate is None or predicate(call))
                ):
                    self._seen_calls.add(index)
                    return call
            return None

        return await self._wait(find, timeout, f"No new {method} call")

    # -- fault switches ----------------------------------------------------------------------
    def fail_next(
        self,
        method: str,
        error_code: int,
        description: str | None = None,
        retry_after: int | None = None,
        count: int = 1,
        chat_id: int | None = None,
    ) -> None:
        """Answer the next ``count`` calls of ``method`` (to ``chat_id`` if given) with an error (429 defaults to 1 s)."""
        if error_code == 429 and retry_after is None:
            retry_after = 1
        description = description or {
            400: "Bad Request", 403: "Forbidden: bot was blocked by the user",
            429: f"Too Many Requests: retry after {retry_after}", 500: "Internal Server Error",
            502: "Bad Gateway"}.get(error_code, "Error")  # fmt: skip
        self._failures[method.lower()] += [(error_code, description, retry_after, chat_id)] * count

    def block_user(self, chat_id: int) -> None:
        self._blocked.add(chat_id)

    def unblock_user(self, chat_id: int) -> None:
        self._blocked.discard(chat_id)

    def mark_chat_missing(self, chat_id: int) -> None:
        self._missing.add(chat_id)

    def delay(self, method: str, seconds: float) -> None:
        """Answer ``method`` late; the call takes effect at once, as with a slow Telegram."""
        self._delays[method.lower()] = seconds

    def enforce_limits(self, global_per_second: int | None = 30, per_chat_per_second: int | None = 1) -> None:
        """Answer 429 when message sends exceed these counts in a sliding 1 s window."""
        self._limits = (global_per_second, per_chat_per_second)

    # -- internals: state -------------------------------------------------------------------
    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def _wait(self, find: Callable[[], Any], timeout: float, headline: str) -> Any:
        deadline = time.monotonic() + timeout
        while (found := find()) is None:
            remaining, changed = deadline - time.monotonic(), self._changed
            if remaining <= 0:
                raise AssertionError(self._describe(f"{headline} within {timeout}s."))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), remaining)
        return found

    def _describe(self, headline: str) -> str:
        def short(value: Any) -> str:
            text = repr(value)
            return text if len(text) <= 160 else text[:157] + "..."

        msgs = [
            f"  chat {m['chat']['id']} #{m['message_id']}: {short(m.get('text', m.get('caption', '<media>')))}"
            for m in self._sent
        ]
        calls = [
            f"  {c.method} {short(c.params)} -> {c.error or 'ok'}"
            for c in self.calls
            if c.method.lower() != "getupdates"
        ]
        return "\n".join(
            [
                headline,
                "Messages sent by the bot:",
                *(msgs or ["  (none)"]),
                "API calls (last 20, without getUpdates):",
                *(calls[-20:] or ["  (none)"]),
            ]
        )

    def _push(self, body: JSON) -> JSON:
        update = {"update_id": next(self._update_ids), **body}
        self._updates.append(update)
        self._notify()
        return update

    def _user(self, user_id: int, first_name: str | None = None, username: str | None = None) -> JSON:
        user = self._users.setdefault(
            user_id, {"id": user_id, "is_bot": False, "first_name": "小明", "language_code": "zh-hans"}
        )
        user.update({k: v for k, v in (("first_name", first_name), ("username", username)) if v})
        return dict(user)

    def _chat(self, chat_id: int) -> JSON:
        if chat_id < 0:
            kind = "supergroup" if str(chat_id).startswith("-100") else "group"
            return {"id": chat_id, "type": kind, "title": f"Group {chat_id}"}
        user = self._user(chat_id)
        return {
            "id": chat_id,
            "type": "private",
            "first_name": user["first_name"],
            **({"username": user["username"]} if "username" in user else {}),
        }

    def _new_message(self, chat_id: int, sender: JSON, **content: Any) -> JSON:
        """Message ids are per chat and shared by both sides, as in Telegram private chats."""
        self._msg_ids[chat_id] += 1
        msg = {
            "message_id": self._msg_ids[chat_id],
            "from": sender,
            "chat": self._chat(chat_id),
            "date": int(time.time()),
            **content,
        }
        self._messages[(chat_id, msg["message_id"])] = msg
        return msg

    def _emit(self, chat_id: int, content: JSON, listed: bool = True) -> JSON:
        sender = {k: self.bot_user[k] for k in ("id", "is_bot", "first_name", "username")}
        msg = self._new_message(chat_id, sender, **{k: v for k, v in content.items() if v})
        if listed:
            self._sent.append(msg)
        self.stats.sent += 1
        self.stats.per_chat[chat_id] += 1
        now = time.monotonic()
        self._window.append(now)
        self._chat_windows[chat_id].append(now)
        return msg

    @staticmethod
    def _wire(msg: JSON) -> JSON:
        """Telegram only echoes inline keyboards in Message.reply_markup (PTB de_json needs it)."""
        wire = dict(msg)
        if "inline_keyboard" not in (wire.get("reply_markup") or {}):
            wire.pop("reply_markup", None)
        return wire

    def _store_file(self, kind: str, content: bytes, filename: str | None, mime: str | None) -> StoredFile:
        n = next(self._ids)
        suffix = PurePosixPath(filename or "").suffix or mimetypes.guess_extension(mime or "")
        path = f"{kind}s/file_{n}{suffix or ''}"  # Telegram-like, e.g. documents/file_3.pdf
        stored = StoredFile(
            f"fake-{kind}-{n}", f"u{n}", path, filename, content, mime or mimetypes.guess_type(filename or "")[0]
        )
        self.files[stored.file_id] = stored
        return stored

    @staticmethod
    def _photo_size(f: StoredFile) -> JSON:
        return {
            "file_id": f.file_id,
            "file_unique_id": f.file_unique_id,
            "width": 640,
            "height": 480,
            "file_size": len(f.content),
        }

    def _chat_id(self, p: JSON) -> int:
        raw = p.get("chat_id")
        if raw in (None, ""):
            raise ApiError(400, "Bad Request: chat_id is empty")
        try:
            chat_id = int(raw)
        except (TypeError, ValueError):
            raise ApiError(400, "Bad Request: chat not found") from None
        if chat_id in self._missing:
            raise ApiError(400, "Bad Request: chat not found")
        return chat_id

    def _check_faults(self, method: str, p: JSON) -> None:
        lower = method.lower()
        failures = self._failures.get(lower, [])
        target = p.get("chat_id")
        for i, (code, description, retry_after, chat_id) in enumerate(failures):
            if chat_id is None or str(chat_id) == str(target):
                del failures[i]
                raise ApiError(code, description, retry_after)
        if "chat_id" not in p:
            return
        chat_id = self._chat_id(p)
        if chat_id in self._blocked and lower.startswith(("send", "edit", "copy", "forward")):
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if lower.startswith(("send", "copy", "forward")) and lower != "sendchataction":
            now, waits = time.monotonic(), [0.0]
            for window, limit in zip((self._window, self._chat_windows[chat_id]), self._limits, strict=True):
                while window and window[0] <= now - 1:
                    window.popleft()
                if limit is not None and len(window) >= limit:
                    waits.append(window[-limit] + 1 - now)
            if max(waits) > 0:
                seconds = max(1, math.ceil(max(waits)))
                raise ApiError(429, f"Too Many Requests: retry after {seconds}", seconds)

    # -- internals: HTTP --------------------------------------------------------------------
    async def _handle_api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(ApiError(401, "Unauthorized").body(), status=401)
        method = request.match_info["method"]
        try:
            params, files = await _read_params(request)
        except ValueError:
            error = ApiError(400, "Bad Request: can't parse JSON object")
            return web.json_response(error.body(), status=400)
        call = ApiCall(method, params, time.monotonic(), files)
        try:
            self._check_faults(method, params)
            handler = self._handlers.get(method.lower()) or self._fallback(method)
            result = handler(params, files)
            call.result = await result if inspect.isawaitable(result) else result
            body: JSON = {"ok": True, "result": call.result}
        except ApiError as exc:
            call.status, call.error, body = exc.code, exc.description, exc.body()
            self.stats.errors_429 += int(exc.code == 429)
        self.calls.append(call)
        self._notify()
        if self._delays.get(method.lower()):
            await asyncio.sleep(self._delays[method.lower()])
        return web.json_response(body, status=call.status)

    async def _handle_file(self, request: web.Request) -> web.Response:
        stored = next((f for f in self.files.values() if f.file_path == request.match_info["path"]), None)
        if request.match_info["token"] != self.token or stored is None:
            return web.json_response(ApiError(404, "Not Found").body(), status=404)
        return web.Response(body=stored.content, content_type=stored.mime_type or "application/octet-stream")

    # -- internals: Bot API methods ---------------------------------------------------------
    async def _get_updates(self, p: JSON, files: dict[str, Upload]) -> list[JSON]:
        """Long polling: updates stay until confirmed by a higher offset; a newer poll ends an
        older one with 409 like Telegram; allowed_updates persists across calls."""
        if "allowed_updates" in p:
            self._allowed = set(p["allowed_updates"] or []) or None
        offset = p.get("offset")
        if offset is not None:
            self._updates = (
                self._updates[int(offset) :]
                if int(offset) < 0
                else [u for u in self._updates if u["update_id"] >= int(offset)]
            )
        limit = min(max(int(p.get("limit") or 100), 1), 100)
        self._poll_generation += 1
        self._notify()  # wakes an older poll so that it ends with 409
        generation = self._poll_generation
        deadline = time.monotonic() + float(p.get("timeout") or 0)
        while True:
            ready = [
                u
                for u in self._updates
                if self._allowed is None or next(k for k in u if k != "update_id") in self._allowed
            ][:limit]
            if ready or self._closing or time.monotonic() >= deadline:
                return ready
            if generation != self._poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
                )
            changed = self._changed
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), deadline - time.monotonic())

    def _delete_webhook(self, p: JSON, files: dict[str, Upload]) -> bool:
        if p.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _webhook_info(self, p: JSON, files: dict[str, Upload]) -> JSON:
        return {"url": "", "has_custom_certificate": False, "pending_update_count": len(self._updates)}

    @staticmethod
    def _commands_key(p: JSON) -> tuple[str, str]:
        scope = p.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), p.get("language_code") or ""

    def _set_my_commands(self, p: JSON, files: dict[str, Upload]) -> bool:
        commands = p.get("commands") or []
        if len(commands) > 100:
            raise ApiError(400, "Bad Request: BOT_COMMANDS_TOO_MUCH")
        for command in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", str(command.get("command", ""))):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
        self.commands[self._commands_key(p)] = commands
        return True

    def _get_my_commands(self, p: JSON, files: dict[str, Upload]) -> list[JSON]:
        return self.commands.get(self._commands_key(p), [])

    def _delete_my_commands(self, p: JSON, files: dict[str, Upload]) -> bool:
        self.commands.pop(self._commands_key(p), None)
        return True

    def _set_menu_button(self, p: JSON, files: dict[str, Upload]) -> bool:
        self.menu_buttons[p.get("chat_id")] = p.get("menu_button") or {"type": "default"}
        return True

    def _menu_button(self, p: JSON, files: dict[str, Upload]) -> JSON:
        default = self.menu_buttons.get(None, {"type": "default"})
        return self.menu_buttons.get(p.get("chat_id"), default)

    def _send_message(self, p: JSON, files: dict[str, Upload]) -> JSON:
        chat_id = self._chat_id(p)
        text, ents = render_text(p.get("text"), p.get("parse_mode"), 4096, entities=p.get("entities"))
        markup = check_markup(p.get("reply_markup"))
        content = {
            "text": text,
            "entities": ents,
            "reply_markup": markup,
            "link_preview_options": p.get("link_preview_options"),
        }
        reply = p.get("reply_parameters") or (
            {"message_id": p["reply_to_message_id"]} if "reply_to_message_id" in p else None
        )
        if reply:
            replied = self._messages.get((chat_id, reply.get("message_id")))
            if replied is None and not reply.get("allow_sending_without_reply"):
                raise ApiError(400, "Bad Request: message to be replied not found")
            content["reply_to_message"] = replied and self._wire(replied)
        return self._wire(self._emit(chat_id, content))

    def _send_media(self, kind: str, p: JSON, files: dict[str, Upload]) -> JSON:
        chat_id = self._chat_id(p)
        caption, ents = render_text(
            p.get("caption"), p.get("parse_mode"), 1024, caption=True, entities=p.get("caption_entities")
        )
        markup, value, upload = check_markup(p.get("reply_markup")), p.get(kind), files.get(kind)
        if isinstance(value, str) and value.startswith("attach://"):
            upload = files.get(value.removeprefix("attach://"))
        if upload is not None:
            if not upload.content:
                raise ApiError(400, "Bad Request: file must be non-empty")
            stored = self._store_file(kind, upload.content, upload.filename, upload.content_type)
        elif isinstance(value, str) and value in self.files:
            stored = self.files[value]
        elif isinstance(value, str) and value.startswith(("http://", "https://")):
            stored = self._store_file(kind, b"", value.rsplit("/", 1)[-1], None)
        elif not value:
            raise ApiError(400, f"Bad Request: there is no {kind} in the request")
        else:
            raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        media: Any = (
            [self._photo_size(stored)]
            if kind == "photo"
            else {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "file_name": stored.filename,
                "mime_type": stored.mime_type,
                "file_size": len(stored.content),
            }
        )
        return self._wire(
            self._emit(chat_id, {kind: media, "caption": caption, "caption_entities": ents, "reply_markup": markup})
        )

    def _editable(self, p: JSON) -> JSON:
        msg = self._messages.get((self._chat_id(p), p.get("message_id")))
        if msg is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        if msg["from"]["id"] != self.bot_user["id"]:
            raise ApiError(400, "Bad Request: message can't be edited")
        return msg

    def _apply_edit(self, msg: JSON, changes: JSON) -> JSON:
        if all(msg.get(k) == (v or None) for k, v in changes.items()):
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message "
                "content and reply markup are exactly the same as a current "
                "content and reply markup of the message",
            )
        for key, value in changes.items():
            if value:
                msg[key] = value
            else:
                msg.pop(key, None)
        msg["edit_date"] = int(time.time())
        self._notify()
        return self._wire(msg)

    def _edit_text(self, p: JSON, files: dict[str, Upload]) -> JSON | bool:
        """Like Telegram, omitting reply_markup in an edit removes the inline keyboard."""
        if "inline_message_id" in p:
            return True
        msg = self._editable(p)
        if "text" not in msg:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        text, ents = render_text(p.get("text"), p.get("parse_mode"), 4096, entities=p.get("entities"))
        markup = check_markup(p.get("reply_markup"))
        return self._apply_edit(msg, {"text": text, "entities": ents, "reply_markup": markup})

    def _edit_markup(self, p: JSON, files: dict[str, Upload]) -> JSON | bool:
        if "inline_message_id" in p:
            return True
        msg = self._editable(p)
        return self._apply_edit(msg, {"reply_markup": check_markup(p.get("reply_markup"))})

    def _delete_message(self, p: JSON, files: dict[str, Upload]) -> bool:
        if self._messages.pop((self._chat_id(p), p.get("message_id")), None) is None:
            raise ApiError(400, "Bad Request: message to delete not found")
        return True

    def _answer_callback(self, p: JSON, files: dict[str, Upload]) -> bool:
        query_id = str(p.get("callback_query_id"))
        if self._queries.get(query_id, True):
            raise ApiError(400, "Bad Request: query is too old and response timeout expired or query ID is invalid")
        self._queries[query_id] = True
        return True

    def _chat_action(self, p: JSON, files: dict[str, Upload]) -> bool:
        self._chat_id(p)
        if p.get("action") not in _CHAT_ACTIONS:
            raise ApiError(400, "Bad Request: wrong parameter action in request")
        return True

    def _get_file(self, p: JSON, files: dict[str, Upload]) -> JSON:
        stored = self.files.get(str(p.get("file_id")))
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.content),
            "file_path": stored.file_path,
        }

    def _fallback(self, method: str) -> Handler:
        """Unmodelled but plausible methods: sends produce a bare message, the rest ``True``."""
        verb = _PLAUSIBLE.fullmatch(method)
        if verb is None:
            raise ApiError(404, "Not Found")
        if verb.group(1) not in ("send", "forward", "copy"):
            return lambda p, f: True

        def send(p: JSON, files: dict[str, Upload]) -> Any:
            caption = p.get("caption") if isinstance(p.get("caption"), str) else None
            msg = self._emit(self._chat_id(p), {"caption": caption}, listed=False)
            ref, lower = {"message_id": msg["message_id"]}, method.lower()
            if lower.endswith("messages"):  # copyMessages/forwardMessages -> MessageId[]
                return [ref]
            if lower == "copymessage":
                return ref
            return [self._wire(msg)] if lower == "sendmediagroup" else self._wire(msg)

        return send


@contextlib.asynccontextmanager
async def running_application(app: _AppT, *, raise_errors: bool = True) -> AsyncIterator[_AppT]:
    """Run ``app`` with polling (poll_interval=0, timeout=1) and stop it cleanly afterwards.

    If the app has no error handler of its own, handler exceptions are collected and re-raised
    as AssertionError on exit, because PTB would otherwise only log them and the test pass.
    """
    errors: list[BaseException] = []

    async def collect(update: object, context: Any) -> None:
        errors.append(context.error)

    collecting = raise_errors and not app.error_handlers
    if collecting:
        app.add_error_handler(collect)
    try:
        async with app:
            await app.start()
            assert app.updater is not None, "running_application needs an Updater"
            await app.updater.start_polling(poll_interval=0, timeout=1)
            try:
                yield app
            finally:
                if app.updater.running:
                    await app.updater.stop()
                if app.running:
                    await app.stop()
    finally:
        if collecting:
            app.remove_error_handler(collect)
    if errors:
        raise AssertionError(f"bot handlers raised: {errors!r}") from errors[0]
