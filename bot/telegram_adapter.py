"""Telegram adapter: updates in, the core's replies out. No business rules here.

Each handler parses the update into a `Request`, calls `Conversation.handle`,
and sends what it returns. `build_application` wires everything in one place.
"""

from __future__ import annotations

import asyncio
import html
import logging
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import replace
from functools import partial
from typing import Any

from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    Message,
    Update,
)
from telegram.constants import MessageLimit, ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError
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

from bot import texts
from bot.app import run_outbox
from bot.conversation import Conversation, parse_command
from bot.delivery import OutgoingMessage
from bot.ops.monitor import Monitor
from bot.ops.server import start_server
from bot.outbox_runner import OutboxRunner
from bot.pacing import SendBudget
from bot.replies import Reply
from bot.settings import Settings
from bot.telegram_relay import Relays
from bot.telegram_requests import request_from
from bot.telegram_retry import answer_guard, relay_guard
from bot.telegram_transport import (
    FloodAwareRequest,
    PollRequest,
    TelegramTransport,
    fits_a_caption,
    make_bot,
    telegram_photo,
)
from bot.telegram_updates import PerUserUpdates
from bot.uploads import preread
from bot.web.app import start_web, stop_web

logger = logging.getLogger(__name__)

CHANNEL = "telegram"
#: Sends a message to a user of another channel: elsewhere(channel, external_id, message).
Elsewhere = Callable[[str, str, OutgoingMessage], Awaitable[None]]
COMMANDS = tuple(texts.COMMANDS)
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


# -- rendering -----------------------------------------------------------------


def _escaped_lines(text: str, limit: int) -> Iterator[str]:
    """HTML-escaped lines of `text`, any line longer than `limit` cut into pieces.

    Escaping happens per character so a cut never falls inside an entity (&amp;).
    """
    for line in text.split("\n"):
        whole = html.escape(line)
        if len(whole) <= limit:  # nearly always: no cut to place
            yield whole
            continue
        piece: list[str] = []
        size = 0
        for char in line:
            escaped = html.escape(char)
            if size + len(escaped) > limit:
                yield "".join(piece)
                piece, size = [], 0
            piece.append(escaped)
            size += len(escaped)
        yield "".join(piece)


def render_chunks(reply: Reply, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """The reply as Telegram HTML, split at line breaks so no part exceeds `limit`."""
    lines = [f"<b>{html.escape(reply.title[:200])}</b>"] if reply.title else []
    lines += _escaped_lines(reply.text, limit)
    chunks: list[str] = []
    current = ""
    for line in lines:
        if current and len(current) + 1 + len(line) > limit:
            chunks.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    if current.strip():
        chunks.append(current)
    return [c for c in chunks if c.strip()] or [html.escape(texts.EMPTY)]


def render_caption(reply: Reply) -> str | None:
    """The reply as one HTML caption for its photo, or None when it is over Telegram's caption limit."""
    title = reply.title[:200]
    if not fits_a_caption(f"{title}\n{reply.text}" if title else reply.text):
        return None
    return (f"<b>{html.escape(title)}</b>\n" if title else "") + html.escape(reply.text)


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(b.label, url=b.url)
                if b.url
                else InlineKeyboardButton(b.label, callback_data=b.action)
                for b in row
            ]
            for row in reply.buttons
        ]
    )


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
    the text in chunks with the buttons under the last; each send through `guard` (bot/telegram_retry.py)."""
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
    """Treat free text as a question."""
    text = update.effective_message.text if update.effective_message else ""
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


async def on_caption(update: Update, context: BotContext) -> None:
    """Treat a caption (of a video, say) as the question it usually is ("这个补贴怎么申请")."""
    caption = update.effective_message.caption if update.effective_message else ""
    await send_replies(
        update, context.conversation.handle(request_from(update, "text", caption or "")), **context.outlets
    )


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


async def post_init(application: Application) -> None:
    """Publish the command menu; tell the core what an invite link looks like here; start the outbox."""
    await application.bot.set_my_commands([BotCommand(name, texts.COMMANDS[name]) for name in COMMANDS])
    conversation: Conversation = application.bot_data["conversation"]
    conversation.invite_link_formats["telegram"] = f"https://t.me/{application.bot.username}?start={{code}}"
    await start_outbox(application)


async def start_outbox(application: Application, **sender_options: Any) -> OutboxRunner:
    """The outbox, and WeChat's server when configured (one process, loop, core and outbox for both).

    The sender gets a Bot of its own (own connection pool, flood-aware) and the answers' `SendBudget`."""
    conversation: Conversation = application.bot_data["conversation"]
    settings = conversation.settings
    wechat = None
    if settings.wechat_enabled:
        from bot.wechat.runtime import WeChatChannel

        wechat = WeChatChannel(settings, conversation, application.bot_data["monitor"])
        await wechat.start()
        application.bot_data["wechat"] = wechat
        application.bot_data["transports"] = {"wechat": wechat.transport}
        application.bot_data["elsewhere"] = wechat.push
    bot = make_bot(settings.telegram_token or "", settings.telegram_api_base_url)
    await bot.initialize()
    sender_options.setdefault("budget", application.bot_data["budget"])
    if wechat:  # WeChat counts its own messages: a budget of its own, not Telegram's
        sender_options.setdefault("channel_budgets", {"wechat": SendBudget(settings.send_rate_per_second)})
    # Other channels running in this process (WeChat) put their transports in bot_data["transports"].
    transports = {CHANNEL: TelegramTransport(bot), **application.bot_data.get("transports", {})}
    runner = await run_outbox(conversation, transports, **sender_options)
    application.bot_data["outbox"] = (runner, bot)
    monitor: Monitor = application.bot_data["monitor"]
    monitor.outbox = runner
    application.bot_data["ops"] = await start_server(monitor)
    if wechat:
        wechat.attach(runner)
    application.bot_data["web"] = await start_web(conversation, runner)  # the admins' web console (bot/web/)
    return runner


async def stop_outbox(application: Application) -> None:
    """Stop sending cleanly (what was in flight is resumed at the next start); stop WeChat's server.

    The outbox stops first: its sends on the wire finish while WeChat's client is still open (closed
    under them, a notice that arrived would count as failed and go again). WeChat's last pushes
    may still use the sender's Telegram bot, so that shuts down last."""
    relays: Relays | None = application.bot_data.get("relays")
    if relays:
        await relays.drain()
    await stop_web(application.bot_data.pop("web", None))
    runner, bot = application.bot_data.pop("outbox", None) or (None, None)
    ops = application.bot_data.pop("ops", None)
    if ops:
        await ops.cleanup()
    if runner:
        await runner.stop()
    wechat = application.bot_data.pop("wechat", None)
    application.bot_data.pop("elsewhere", None)
    if wechat:
        await wechat.stop()
    if bot:
        await bot.shutdown()


def build_application(settings: Settings, conversation: Conversation) -> Application:
    """The Telegram application with every handler registered, ready to poll."""
    if not settings.telegram_token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    # One budget for the bot's messages/s: answers take from it first, the outbox gets the rest.
    budget = SendBudget(settings.send_rate_per_second)
    channels = (CHANNEL, "wechat") if settings.wechat_enabled else (CHANNEL,)
    monitor = Monitor(settings, conversation.store, channels=channels)
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
        .post_init(post_init)
        .post_stop(stop_outbox)
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
    application.add_handler(MessageHandler(private & filters.CAPTION, on_caption))
    # Anything else a person sent (sticker, voice, location…); service messages (pins) get no reply.
    application.add_handler(MessageHandler(private & ~filters.StatusUpdate.ALL, on_other))
    application.add_error_handler(on_error)
    return application
