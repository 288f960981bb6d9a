"""Sending the core's replies on Telegram: to the user who acted (editing the pressed message when a reply
replaces it), to another Telegram user in the background, or to a user of another channel through the
runtime's outbox."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from telegram import InputFile, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.channels.telegram import CHANNEL
from bot.channels.telegram.relay import Relays
from bot.channels.telegram.render import keyboard, render_caption, render_chunks, telegram_photo
from bot.channels.telegram.retry import answer_guard, relay_guard
from bot.notices.delivery import OutgoingMessage
from bot.replies import Reply

logger = logging.getLogger(__name__)

#: Sends a message to a user of another channel: elsewhere(channel, external_id, message).
Elsewhere = Callable[[str, str, OutgoingMessage], Awaitable[None]]


async def send_replies(
    update: Update, replies: list[Reply], editable: Message | None = None, elsewhere: Elsewhere | None = None,
    relays: Relays | None = None,
) -> None:
    """Send each reply; a `replace` reply edits `editable` (the pressed message) when it can; one addressed to
    a user of another channel goes through `elsewhere` (an approval result to a WeChat ambassador)."""
    chat = update.effective_chat
    if chat is None:
        return
    for reply in replies:
        if reply.to is not None and reply.to[0] != CHANNEL and elsewhere is not None:
            await elsewhere(*reply.to, OutgoingMessage.from_reply(reply))
            continue
        if reply.to is not None:  # meant for someone else: an admin's approval request, an author's result
            if relays is None:
                await _send_to(chat.get_bot(), reply)
            else:  # in the background: its flood waits are not the acting user's to sit out
                relays.send(":".join(reply.to), partial(_send_to, chat.get_bot(), reply))
            continue
        if reply.replace and editable is not None and not telegram_photo(reply.photo):
            chunks = render_chunks(reply)
            if len(chunks) == 1:
                try:
                    await editable.edit_text(chunks[0], parse_mode=ParseMode.HTML, reply_markup=keyboard(reply))
                    continue
                except BadRequest as exc:
                    if "not modified" in exc.message.lower():  # a double tap: it already shows this
                        continue
                    logger.debug("Could not edit message, sending a new one: %s", exc)  # e.g. too old to edit
        await _send_reply(chat.get_bot(), chat.id, reply, answer_guard)
        if reply.document:
            name, content = reply.document
            await chat.send_document(InputFile(content, filename=name))


async def _send_reply(bot: Any, chat_id: int, reply: Reply, guard: Callable[[Any], Awaitable[Any]]) -> None:
    """A reply as new messages: its photo with the text as caption when it fits (else the text follows),
    the text in chunks with the buttons under the last; each send through `guard` (bot/channels/telegram/retry.py)."""
    photo = telegram_photo(reply.photo)
    caption = render_caption(reply) if photo else None
    if photo:
        markup = keyboard(reply) if caption is not None else None
        await guard(partial(bot.send_photo, chat_id, photo, caption=caption, parse_mode=ParseMode.HTML,
                            reply_markup=markup))  # fmt: skip
    chunks = render_chunks(reply) if caption is None else []
    for i, chunk in enumerate(chunks):
        markup = keyboard(reply) if i == len(chunks) - 1 else None
        await guard(partial(bot.send_message, chat_id, chunk, parse_mode=ParseMode.HTML, reply_markup=markup))


async def _send_to(bot: Any, reply: Reply) -> None:
    """Deliver a reply addressed to another Telegram user, retried through flood waits and network errors;
    one who never started the bot cannot get it. A failure is logged: the acting user gets no apology for it."""
    channel, user_id = reply.to or ("", "")
    if channel != CHANNEL or not user_id.isdecimal():
        logger.warning("Cannot deliver a reply to %s:%s on Telegram", channel, user_id)
        return
    try:  # an approval request shows the notice's photo as students will see it
        await _send_reply(bot, int(user_id), reply, relay_guard)
    except (Forbidden, BadRequest) as exc:
        logger.warning("Could not notify %s: %s", user_id, exc)
    except TelegramError as exc:
        logger.warning("Could not notify %s after retries: %s", user_id, exc)
