"""Telegram adapter: updates in, the core's replies out. No business rules here.

Each handler parses the update into a `Request` (requests.py), calls `Conversation.handle`,
and sends what it returns (send.py, rendered by render.py). `build_application` wires
everything in one place; the runtime (bot/app.py, through channel.py) runs it.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from typing import Any

from telegram import (
    Message,
    Update,
)
from telegram.error import BadRequest
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackContext,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ExtBot,
    MessageHandler,
    filters,
)

from bot.channels.telegram import CHANNEL
from bot.channels.telegram.relay import Relays
from bot.channels.telegram.requests import request_from
from bot.channels.telegram.send import send_replies
from bot.channels.telegram.transport import (
    FloodAwareRequest,
    PollRequest,
)
from bot.channels.telegram.updates import PerUserUpdates
from bot.channels.uploads import preread
from bot.conversation import Conversation, parse_command
from bot.notices.pacing import SendBudget
from bot.ops.monitor import Monitor
from bot.routes import TABLE
from bot.settings import Settings

logger = logging.getLogger(__name__)

#: The commands in Telegram's menu (bot/routes.py); any other command reaches the core too, as unknown or not.
COMMANDS = tuple(name for name, _ in TABLE.menu())
#: Connections the answers to students may use at once (PTB's default Bot has one; 8 queued at ~100 q/s).
ANSWER_CONNECTIONS = 128


class BotContext(CallbackContext[ExtBot, dict, dict, dict]):
    """Handler context that hands out the core, injected at start-up (no globals)."""

    @property
    def conversation(self) -> Conversation:
        return self.application.bot_data["conversation"]

    @property
    def outlets(self) -> dict[str, Any]:
        """Where replies addressed to others go: `elsewhere` delivers to a user of another channel this process
        serves (WeChat), if any; `relays` sends to another Telegram user in the background."""
        data = self.application.bot_data
        return {"elsewhere": data.get("elsewhere"), "relays": data.get("relays")}


# -- handlers ------------------------------------------------------------------


async def on_command(update: Update, context: BotContext) -> None:
    """Run a command; which ones a user may run is decided in the core."""
    message = update.effective_message
    name, args = parse_command(message.text or "") or ("", ()) if message else ("", ())
    await send_replies(
        update, context.conversation.handle(request_from(update, "command", name, args)), **context.outlets
    )


async def on_document(update: Update, context: BotContext) -> None:
    """Hand an uploaded file to the core (which refuses it unless the sender is an admin)."""
    document = update.effective_message.document
    request = replace(request_from(update, "file", document.file_name or "upload"), file_size=document.file_size or 0)
    refusal = context.conversation.file_gate(request)
    if refusal is not None:
        await send_replies(update, refusal, **context.outlets)
        return
    content = bytes(await (await document.get_file()).download_as_bytearray())
    prepared = await asyncio.to_thread(preread, request.text, content)  # the slow part, off the event loop
    request = replace(request, file=content, prepared=prepared)
    await send_replies(update, context.conversation.handle(request), **context.outlets)


async def on_text(update: Update, context: BotContext) -> None:
    """Treat free text, or a caption (of a video, say: "这个补贴怎么申请"), as the question it usually is."""
    message = update.effective_message
    text = (message.text or message.caption) if message else ""
    await send_replies(
        update, context.conversation.handle(request_from(update, "text", text or "")), **context.outlets
    )


async def on_button(update: Update, context: BotContext) -> None:
    """Answer an inline-button press; navigation edits the menu in place."""
    query = update.callback_query
    try:
        await query.answer()  # stops the button's spinner
    except BadRequest as exc:  # "query is too old" after downtime: still answer the press
        logger.debug("Could not answer callback query: %s", exc)
    replies = context.conversation.handle(request_from(update, "button", query.data or ""))
    editable = query.message if isinstance(query.message, Message) else None
    await send_replies(update, replies, editable=editable, **context.outlets)


async def on_photo(update: Update, context: BotContext) -> None:
    """A photo (its largest size) with its caption: a notice's picture, or a question in the caption."""
    message = update.effective_message
    photo = f"{CHANNEL}:{message.photo[-1].file_id}"
    request = replace(request_from(update, "photo", message.caption or ""), photo=photo)
    await send_replies(update, context.conversation.handle(request), **context.outlets)


async def on_other(update: Update, context: BotContext) -> None:
    """Reply politely to stickers, voice and anything else that is not text."""
    await send_replies(update, context.conversation.handle(request_from(update, "other")), **context.outlets)


async def on_error(update: object, context: BotContext) -> None:
    """Log an unexpected error with its update, and apologise to the user."""
    logger.error("Unhandled error while handling update %s", update, exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat:
        try:
            await send_replies(update, [context.conversation.apology()])
        except Exception:  # the apology itself failed (network down, user blocked us): already logged
            logger.warning("Could not send the error apology", exc_info=True)


def build_application(settings: Settings, conversation: Conversation, monitor: Monitor | None = None) -> Application:
    """The Telegram application with every handler registered, ready to poll; the runtime (bot/app.py) runs it."""
    if not settings.telegram_token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    # One budget for the bot's messages/s: answers take from it first, the outbox gets the rest.
    budget = SendBudget(settings.send_rate_per_second)
    if monitor is None:
        monitor = Monitor(settings, conversation.store, channels=(CHANNEL,))
        conversation.on_question = monitor.question

    def flooded(seconds: float) -> None:  # an answer met a 429: the bot's whole budget waits, and it is counted
        budget.pause(seconds)
        monitor.flood_wait(CHANNEL)

    builder = (
        ApplicationBuilder()
        .token(settings.telegram_token)
        # 429s arrive as FloodWait (with the wait) instead of PTB's warning-prone RetryAfter.
        # Answers wait for a place in the bot's 30/s (FIFO), never for each other's round trips: a pool
        # roomy enough for every answer on the wire at hundreds a second (httpcore re-scans its queue
        # on every release, so a queue of waiting sends costs quadratic CPU, and a 1 s pool timeout loses them).
        .request(FloodAwareRequest(connection_pool_size=ANSWER_CONNECTIONS, pool_timeout=30.0, admit=budget.admit,
                                   on_flood=flooded))  # fmt: skip
        .get_updates_request(PollRequest(on_poll=lambda: monitor.seen(CHANNEL)))
        .context_types(ContextTypes(context=BotContext))
        # One user's updates in order, different users' side by side: a flood wait stalls only its own.
        .concurrent_updates(PerUserUpdates())
    )
    if settings.telegram_api_base_url:
        base = settings.telegram_api_base_url
        builder = builder.base_url(f"{base}/bot").base_file_url(f"{base}/file/bot")
    application = builder.build()
    application.bot_data["conversation"] = conversation
    application.bot_data["budget"] = budget
    application.bot_data["monitor"] = monitor
    application.bot_data["relays"] = Relays()

    # Private chats only: in a group the bot would answer every remark as a question.
    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    application.add_handler(CommandHandler(list(COMMANDS), on_command, filters=private))
    application.add_handler(MessageHandler(private & filters.COMMAND, on_command))  # unknown commands
    application.add_handler(MessageHandler(private & filters.TEXT, on_text))
    application.add_handler(CallbackQueryHandler(on_button))
    application.add_handler(MessageHandler(private & filters.Document.ALL, on_document))
    application.add_handler(MessageHandler(private & filters.PHOTO, on_photo))
    application.add_handler(MessageHandler(private & filters.CAPTION, on_text))
    # Anything else a person sent (sticker, voice, location…); service messages (pins) get no reply.
    application.add_handler(MessageHandler(private & ~filters.StatusUpdate.ALL, on_other))
    application.add_error_handler(on_error)
    return application
