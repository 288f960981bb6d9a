"""The outbox's Telegram side: `Bot.send_message` (`send_photo` for a notice with a photo), with PTB's
errors mapped to the sender's.

Thin on purpose (DESIGN: adapters are thin): pacing, retries and bookkeeping live
in bot/notices/sender.py; this module only speaks Telegram.

Flood waits need care in PTB 22: building `RetryAfter` reads its deprecated
int-or-timedelta property, which warns unless PTB_TIMEDELTA is set, and where
warnings are errors (our test suite) that warning replaces the 429 itself. A bot
made by `make_bot` uses `FloodAwareRequest`, which turns a 429 into `FloodWait`
before PTB gets there; a plain `RetryAfter` (from an Application's bot) is read
through its private timedelta so that reading it does not warn again.
"""

from __future__ import annotations

import html
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from http import HTTPStatus
from typing import Any

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError
from telegram.request import HTTPXRequest

from bot.channels.telegram import CHANNEL
from bot.channels.telegram.http import AiohttpRequest
from bot.channels.telegram.render import fits_a_caption, message_keyboard, telegram_photo
from bot.notices.delivery import (
    DeliveryError,
    OutgoingMessage,
    PermanentFailure,
    RateLimited,
    TemporaryFailure,
    Unreachable,
)

logger = logging.getLogger(__name__)



class FloodWait(TelegramError):
    """A 429 and its retry_after in seconds, raised by `FloodAwareRequest`."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"Flood control exceeded. Retry in {retry_after:g} seconds")
        self.retry_after = retry_after

    def __reduce__(self) -> tuple[type, tuple[float]]:  # type: ignore[override]
        return self.__class__, (self.retry_after,)


def sends_a_message(url: str) -> bool:
    """Whether a Bot API call puts a message in a chat, i.e. counts against the bot's messages/s."""
    method = url.rsplit("/", 1)[-1]
    return method.startswith(("send", "copyMessage", "forwardMessage")) and method != "sendChatAction"


class FloodAwareRequest(AiohttpRequest):
    """A request (over aiohttp: bot/channels/telegram/http.py) that reports a 429 as `FloodWait` instead of PTB's warning-prone `RetryAfter`.

    With `admit`, every call that puts a message in a chat first waits for a place in the bot's
    second and takes it (`SendBudget.admit`), so the outbox's budget knows what the answers to
    students have used and the answers never exceed the platform's rate; with `on_flood`, a
    flood wait met by an answer pauses the outbox's paced sends (the limit is the bot's).
    """

    def __init__(self, *args: Any, admit: Callable[[], Awaitable[None]] | None = None,
                 on_flood: Callable[[float], None] | None = None, **kwargs: Any) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        self._admit, self._on_flood = admit, on_flood

    async def do_request(self, url: str, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        if self._admit and sends_a_message(url):
            await self._admit()
        code, payload = await super().do_request(url, *args, **kwargs)
        if code == HTTPStatus.TOO_MANY_REQUESTS:
            try:
                seconds = float(json.loads(payload)["parameters"]["retry_after"])
            except (ValueError, KeyError, TypeError):
                return code, payload  # no retry_after: PTB makes it a NetworkError, i.e. a back-off
            if self._on_flood:
                self._on_flood(seconds)
            raise FloodWait(seconds)
        return code, payload


class PollRequest(HTTPXRequest):
    """The request that long-polls getUpdates, telling `on_poll` each time a poll came back fine."""

    def __init__(self, *args: Any, on_poll: Callable[[], None], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._on_poll = on_poll

    async def do_request(self, url: str, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        code, payload = await super().do_request(url, *args, **kwargs)
        if code == HTTPStatus.OK and url.endswith("/getUpdates"):
            self._on_poll()
        return code, payload


def make_bot(token: str, api_root: str | None = None, connections: int = 16) -> Bot:
    """A Bot for the sender: its own connection pool (PTB's default Bot has one connection) and flood-aware.

    `api_root` is the Bot API server without '/bot' (Settings.telegram_api_base_url).
    """
    urls = {"base_url": f"{api_root}/bot", "base_file_url": f"{api_root}/file/bot"} if api_root else {}
    return Bot(token, request=FloodAwareRequest(connection_pool_size=connections), **urls)


def retry_after_seconds(exc: RetryAfter) -> float:
    """The wait a RetryAfter asks for, without touching its deprecated public property."""
    raw = getattr(exc, "_retry_after", None)
    if isinstance(raw, timedelta):
        return raw.total_seconds()
    if isinstance(raw, int | float):
        return float(raw)
    return 1.0


def translate(exc: TelegramError) -> DeliveryError:
    """Telegram's error as the sender's: wait, unreachable, final, or worth a retry."""
    if isinstance(exc, FloodWait):
        return RateLimited(exc.retry_after)
    if isinstance(exc, RetryAfter):
        return RateLimited(retry_after_seconds(exc))
    if isinstance(exc, Forbidden):  # blocked, deactivated, never started the bot
        return Unreachable(exc.message)
    if isinstance(exc, BadRequest | ChatMigrated):  # chat not found, bad markup: the same again fails again
        return PermanentFailure(exc.message)
    return TemporaryFailure(exc.message)  # NetworkError, TimedOut, 5xx, anything unknown


class TelegramTransport:
    """`Transport` for the sender over a PTB Bot; the caller owns the bot's lifecycle."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send(self, channel: str, external_id: str, message: OutgoingMessage) -> str:
        """Send as HTML with the text escaped (a notice is plain text); return Telegram's message id.

        A notice with a Telegram photo goes as that photo with the text as its caption; a text too
        long for a caption (the core refuses those) goes alone, so that everyone still gets it.
        """
        chat_id = _chat_id(channel, external_id)
        photo = telegram_photo(message.photo)
        if photo and not fits_a_caption(message.text):
            logger.debug("A notice too long for a caption goes without its photo: %.40s", message.text)
            photo = None
        try:
            if photo:
                sent = await self.bot.send_photo(
                    chat_id, photo, caption=html.escape(message.text), parse_mode=ParseMode.HTML,
                    reply_markup=message_keyboard(message),
                )  # fmt: skip
            else:
                sent = await self.bot.send_message(
                    chat_id, html.escape(message.text), parse_mode=ParseMode.HTML, reply_markup=message_keyboard(message)
                )
        except TelegramError as exc:
            raise translate(exc) from exc
        return str(sent.message_id)

    async def edit(self, channel: str, external_id: str, message_id: str, text: str) -> None:
        """Replace a message's text (the live progress report); an unchanged text is no error."""
        try:
            await self.bot.edit_message_text(html.escape(text), _chat_id(channel, external_id), int(message_id),
                                             parse_mode=ParseMode.HTML)  # fmt: skip
        except BadRequest as exc:
            if "not modified" not in exc.message.lower():
                raise PermanentFailure(exc.message) from exc
        except TelegramError as exc:
            raise translate(exc) from exc

    async def delete(self, channel: str, external_id: str, message_id: str) -> bool:
        """Withdraw a sent notice; False when Telegram no longer allows it (too old, already gone, blocked)."""
        try:
            return await self.bot.delete_message(_chat_id(channel, external_id), int(message_id))
        except (BadRequest, Forbidden) as exc:
            logger.debug("Could not delete message %s in %s: %s", message_id, external_id, exc)
            return False
        except TelegramError as exc:
            raise translate(exc) from exc


def _chat_id(channel: str, external_id: str) -> int:
    if channel != CHANNEL or not external_id.lstrip("-").isdecimal():
        raise PermanentFailure(f"not a Telegram chat: {channel}:{external_id}")
    return int(external_id)
