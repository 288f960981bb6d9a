"""The outbox's WeChat side: customer-service text within the 48-hour window, a template message outside.

WeChat's rules (公众号 "客服消息", "模板消息"):

- A customer-service (客服) message may go to a student only within 48 hours of their
  last interaction (a message, a menu click, following). Ours is users.last_seen, which
  the receiving side updates on every message and event. Inside the window a notice
  goes as text: the notice, its link as <a href>, its buttons as "回复 n：…" lines
  (bot/channels/wechat/render.py, the same rendering as the answers); the actions are kept
  (`store.number_push`) so that the number the student sends next presses the button.
  They are numbered after every live number, which stays valid: a notice arriving
  between a "did you mean" and the student's "1" must not make that "1" press its
  🔕 button, and the notice's own numbers stay live after the student writes again.
- Outside the window only a template message may go, and only if one is configured
  (WECHAT_TEMPLATE_ID): the first line → `first`, the whole text → `keyword1`
  (truncated), a hint → `remark`, the link → `url`. Since May 2023 WeChat no longer
  shows `first` and `remark`, cuts each keyword at about 20 characters, and the
  templates one can add name their fields by type (`thing1`, `time2`…): so the
  whole text goes into the keyword, and WECHAT_TEMPLATE_FIELDS names the fields
  of the template chosen ("title,text,remark"; an empty name skips that part).
- If WeChat refuses the customer-service message for this student after all, the
  notice goes once more as a template message: 45015, the window is closed (a
  last_seen that is stale; a menu click or a follow opens only one minute), or 45047,
  the student's quota is used up (since June 2023: 5 messages per message they sent,
  3 per click or follow). 45047 is per student: waiting cannot help until they write.
- Photos are Telegram file ids: they are dropped here (text only).

Errors as the sender's: 43004 unfollowed / 43019 blacklisted → Unreachable; 45009,
45011 (the account's daily quota, its per-minute frequency) → RateLimited(60); no
access_token (the fetch failed: api.TokenUnavailable) → RateLimited until it is tried again; -1
(busy), 5xx, network → TemporaryFailure; 40003 (invalid openid) and the rest →
PermanentFailure.

WeChat cannot edit or recall a customer-service message: `edit` skips the progress
reports the outbox edits every few seconds and sends the other texts (the final
report, the withdrawal report) as a new message; `delete` always answers False
(the author's withdrawal report counts those notices as kept).
"""

from __future__ import annotations

import html
import logging
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from bot import texts
from bot.channels.wechat.api import TokenUnavailable, WeChatApi, WeChatError, WeChatUnavailable
from bot.channels.wechat.render import render, split
from bot.notices import texts as notice_texts
from bot.notices.delivery import (
    DeliveryError,
    OutgoingMessage,
    PermanentFailure,
    RateLimited,
    TemporaryFailure,
    Unreachable,
)
from bot.replies import Button, Reply
from bot.settings import Settings

logger = logging.getLogger(__name__)

CHANNEL = "wechat"
#: How long after the student's last interaction customer-service messages are allowed.
WINDOW = timedelta(hours=48)
#: WeChat returns no id for a customer-service message. This placeholder is not empty so that the
#: outbox runner, which sends the author's progress report once and edits it afterwards
#: (`if progress_message`), does not send a new one on every tick.
CS_MESSAGE_ID = "cs"
#: Characters of the notice a template's keyword carries (WeChat's limit for a template's content).
KEYWORD_LIMIT = 200

#: Customer-service messages refused for this student (window closed, quota used up): template instead.
TEMPLATE_INSTEAD = frozenset({45015, 45047})
UNREACHABLE = {43004: "the student unfollowed the account", 43019: "the student is blacklisted"}
RATE_LIMITED = frozenset({45009, 45011})
RATE_LIMIT_WAIT = 60.0
SYSTEM_BUSY = -1

_PROGRESS = re.compile("^" + re.sub(r"\\\{\w+\\\}", ".*", re.escape(notice_texts.ANNOUNCE_PROGRESS)) + "$", re.DOTALL)


def translate(exc: WeChatError | WeChatUnavailable) -> DeliveryError:
    """WeChat's error as the sender's: wait, unreachable, final, or worth a retry."""
    if isinstance(exc, TokenUnavailable):  # the account cannot send at all for now: pause, count no attempt
        return RateLimited(exc.retry_after)
    if isinstance(exc, WeChatUnavailable):
        return TemporaryFailure(str(exc))
    if exc.errcode in UNREACHABLE:
        return Unreachable(f"{UNREACHABLE[exc.errcode]} ({exc.errcode})")
    if exc.errcode in RATE_LIMITED:
        return RateLimited(RATE_LIMIT_WAIT)
    if exc.errcode == SYSTEM_BUSY:
        return TemporaryFailure(str(exc))
    return PermanentFailure(str(exc))  # 40003 invalid openid, 40037 invalid template, 45002 too long…


def as_reply(message: OutgoingMessage) -> Reply:
    """The notice as the core's `Reply`, so that it renders like an answer: its link, then its buttons."""
    rows: list[tuple[Button, ...]] = [(Button(message.link[0], url=message.link[1]),)] if message.link else []
    rows += [(Button(label, action),) for label, action in message.buttons]
    return Reply(message.text, buttons=tuple(rows))


def template_data(
    message: OutgoingMessage, fields: tuple[str, str, str] = ("first", "keyword1", "remark")
) -> dict[str, str]:
    """The template's fields (names: WECHAT_TEMPLATE_FIELDS): the first line, the whole text (truncated), a hint.

    The whole text, its first line included, goes into the keyword: WeChat no longer shows `first`."""
    title_field, text_field, remark_field = fields
    whole = _plain(message.text) if message.markup else message.text.strip()
    text = whole[: KEYWORD_LIMIT - 1] + "…" if len(whole) > KEYWORD_LIMIT else whole
    data = {text_field: text}
    if title_field:
        data[title_field] = whole.partition("\n")[0][:KEYWORD_LIMIT]
    if remark_field:
        data[remark_field] = texts.WECHAT_TEMPLATE_REMARK_LINK if message.link else texts.WECHAT_TEMPLATE_REMARK
    return data


class WeChatTransport:
    """`Transport` for the sender over `WeChatApi`; the caller owns the api's lifecycle."""

    def __init__(
        self,
        api: WeChatApi,
        store: Any,
        settings: Settings,
    ) -> None:
        self.api, self.store, self.settings = api, store, settings

    async def send(self, channel: str, external_id: str, message: OutgoingMessage) -> str:
        """Customer-service text inside the 48-hour window, else a template message; returns a message id."""
        openid = _openid(channel, external_id)
        if message.photo:
            logger.debug("A photo is not sent on WeChat (it is a %s file id)", message.photo.partition(":")[0])
        if self.in_window(openid):
            try:
                return await self._customer_service(openid, message)
            except _WindowClosed as closed:
                logger.info("WeChat refused a customer-service message to %s (%s); sending a template message",
                            openid, closed.__cause__)  # fmt: skip
        return await self._template(openid, message)

    def in_window(self, openid: str) -> bool:
        """Whether the student interacted within the last 48 hours, as far as the store knows."""
        seen = self.store.last_seen(CHANNEL, openid)
        if not seen:
            return False
        when = datetime.fromisoformat(seen)
        when = when if when.tzinfo else when.replace(tzinfo=UTC)
        return self.store.clock.now() - when < WINDOW

    async def _customer_service(self, openid: str, message: OutgoingMessage) -> str:
        numbered: tuple[int, int] = (0, 0)  # (first, count) of the numbers this message holds
        if message.markup:  # already rendered and numbered (the rest of a turn's answer)
            parts = tuple(split(message.text))
        else:
            reply = as_reply(message)
            rendered = render([reply])
            number_push = getattr(self.store, "number_push", None)
            if rendered.offers and number_push is not None:  # numbered after every live number, never over one
                numbered = (number_push(CHANNEL, openid, rendered.offers), len(rendered.offers))
                rendered = render([reply], first=numbered[0]) if numbered[0] != 1 else rendered
            parts = rendered.messages
        for i, text in enumerate(parts):
            try:
                await self.api.send_text(openid, text)
            except (WeChatError, WeChatUnavailable) as exc:
                if i == 0 and numbered[1]:  # never shown: its numbers must not press anything
                    self.store.drop_choices(CHANNEL, openid, range(numbered[0], sum(numbered)))
                if i == 0 and isinstance(exc, WeChatError) and exc.errcode in TEMPLATE_INSTEAD:
                    raise _WindowClosed from exc
                error = translate(exc)
                if i == 0:
                    raise error from exc
                # Sending again would repeat the parts the student has: this one is final.
                raise PermanentFailure(f"sent {i} of {len(parts)} parts, then: {error.reason}") from exc
        return CS_MESSAGE_ID

    async def _template(self, openid: str, message: OutgoingMessage) -> str:
        template_id = self.settings.wechat_template_id
        if not template_id:
            raise PermanentFailure("outside the 48-hour window and no template configured")
        url = message.link[1] if message.link else None
        try:
            data = template_data(message, self.settings.wechat_template_fields)
            return await self.api.send_template(openid, template_id, data, url)
        except (WeChatError, WeChatUnavailable) as exc:
            raise translate(exc) from exc

    async def edit(self, channel: str, external_id: str, message_id: str, text: str) -> None:
        """WeChat cannot edit: progress reports are skipped, any other text goes as a new message."""
        if _PROGRESS.match(text):
            return
        await self.send(channel, external_id, OutgoingMessage(text))

    async def delete(self, channel: str, external_id: str, message_id: str) -> bool:
        """WeChat cannot recall a customer-service or template message: always False (kept)."""
        return False


class _WindowClosed(Exception):
    """WeChat refused a customer-service message to this student (45015, 45047): the template goes instead."""


def _plain(rendered: str) -> str:
    """WeChat text as the template's plain keyword: the bot's own <a> tags dropped, entities as characters."""
    return html.unescape(re.sub(r"</?a\b[^>]*>", "", rendered)).strip()


def _openid(channel: str, external_id: str) -> str:
    if channel != CHANNEL or not external_id:
        raise PermanentFailure(f"not a WeChat user: {channel}:{external_id}")
    return external_id
