"""The runtime: builds the channel-agnostic core from settings, and runs the bot's process, in one place.

`build_conversation` makes the core (store, knowledge base, flood guard, conversation). `run_bot`
starts every configured channel (`CHANNELS`) around one outbox (scheduler + sender), the
operator's health port and the web console, and stops them in order; `run_chat` is the console
chat, with the web console beside it. No channel starts another: adding one is a folder under
bot/channels/ with a class of the `Channel` shape, and a line in `CHANNELS`.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import json
import logging
import signal
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from bot import logredact
from bot.settings import Settings
from bot.store import Store
from knowledge import index_cache
from knowledge.entries import DEFAULT_FAQ_PATH, DEFAULT_LEXICON_PATH, Lexicon, load_faq, load_lexicon
from knowledge.kb import KnowledgeBase

if TYPE_CHECKING:  # imported where used: `python -m bot ask` needs none of the chat (nor openpyxl under it)
    from bot.conversation import Conversation
    from bot.notices.pacing import SendBudget
    from bot.ops.monitor import Monitor
    from bot.outbox_runner import OutboxRunner
    from bot.web.app import WebServer

logger = logging.getLogger(__name__)


class JsonFormatter(logging.Formatter):
    """One JSON object a line (LOG_FORMAT=json), for journald or a log shipper to parse."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(level: str, secrets: Iterable[str] = (), *, log_format: str = "text") -> None:
    """Timestamped logs on stderr (plain, or JSON lines); jieba's start-up chatter only at DEBUG; `secrets`
    (the bot token) and anything shaped like a Telegram token redacted from every record (PTB and httpx log
    URLs at DEBUG)."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if log_format == "json"
                         else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))  # fmt: skip
    logging.basicConfig(level=level, handlers=[handler])
    logging.getLogger().setLevel(level)  # also when handlers were already there (basicConfig then does nothing)
    logredact.install(secrets)
    logging.getLogger("jieba").setLevel(logging.WARNING if level != "DEBUG" else logging.DEBUG)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("bm25s").setLevel(logging.WARNING)


def build_knowledge(settings: Settings, store: Store, faq_path: Path = DEFAULT_FAQ_PATH) -> KnowledgeBase:
    """Seed an empty database from the bundled FAQ, then index the live copy."""
    categories, entries = load_faq(faq_path)
    written = store.seed_faq(categories, entries)
    if written:
        logger.info("Seeded the FAQ with %s entries from %s", written, faq_path)
    else:
        added = store.add_bundled(entries)
        if added:
            logger.info("Brought %s new or English-answered entries from %s: %s", len(added), faq_path, added)
    lexicon = load_lexicon(DEFAULT_LEXICON_PATH)
    store.seed_synonyms(dict(lexicon.synonyms))
    store.seed_cantonese(lexicon.cantonese)
    return KnowledgeBase(
        store.faq_categories(),
        store.faq_entries(),
        live_lexicon(lexicon, store),
        settings.answer_threshold,
        settings.suggest_threshold,
        cache_path=settings.database_path.parent / index_cache.FILE_NAME,
    )


def live_lexicon(bundled: Lexicon, store: Store) -> Lexicon:
    """The bundled lexicon with the synonym and Cantonese tables from the database (admins edit those)."""
    return replace(bundled, synonyms=store.synonyms(), cantonese=store.cantonese())


def build_conversation(settings: Settings, store: Store | None = None, kb: KnowledgeBase | None = None) -> Conversation:
    """The whole core: store, knowledge base, flood guard and conversation rules.

    Tests pass a ready `kb` to share one index between many fresh databases.
    """
    from bot.conversation import Conversation
    from bot.flood import FloodGuard

    store = store or Store.open(settings.database_path, settings.clock())
    if kb is None:
        kb = build_knowledge(settings, store)  # seeds the FAQ and the synonym table
    else:
        store.seed_synonyms(dict(kb.lexicon.synonyms))
        store.seed_cantonese(kb.lexicon.cantonese)
    return Conversation(settings, store, kb, FloodGuard(settings.flood_limit_per_minute))


async def run_outbox(
    conversation: Conversation, transports: dict[str, object], **sender_options: object
) -> OutboxRunner:
    """Start the outbox (scheduler + sender) over every channel's transport, and connect the core's hooks."""
    from bot.notices.delivery import OutgoingMessage
    from bot.outbox_runner import Channels, OutboxRunner

    render = lambda a: OutgoingMessage.from_reply(conversation.render_notice(a))  # noqa: E731
    runner = OutboxRunner(conversation.settings, conversation.store, Channels(transports), render, **sender_options)
    await runner.start()
    conversation.announcer.on_scheduled = runner.release_now
    conversation.fairs.on_changed = runner.reminders.changed
    conversation.fair_editor.on_changed = runner.reminders.changed
    conversation.fair_editor.on_notices = runner.sender.wake  # the notices are written: just send them
    return runner


# -- the process -----------------------------------------------------------------------------

#: The channels a bot process can serve, in the order they open and start: name, whether the settings
#: configure it, and its class ("module:Class", imported only when configured).
CHANNELS: tuple[tuple[str, Callable[[Settings], bool], str], ...] = (
    ("telegram", lambda settings: bool(settings.telegram_token), "bot.channels.telegram.channel:TelegramChannel"),
    ("wechat", lambda settings: settings.wechat_enabled, "bot.channels.wechat.channel:WeChatChannel"),
)


class Channel(Protocol):
    """What the runtime asks of a channel (bot/channels/*/channel.py)."""

    name: str
    transport: Any  # the outbox's way to this channel's users: send, edit, delete (bot/notices/delivery.py)
    budget: SendBudget | None  # this platform's messages/s, shared with its answers

    async def open(self) -> None:
        """Connect (before the outbox): clients, the command menu."""

    def attach(self, outbox: OutboxRunner) -> None:
        """Use the running outbox: pushes outside it, jobs on its scheduler."""

    async def start(self) -> None:
        """Receive: poll or listen."""

    async def stop(self) -> None:
        """Stop receiving; let what is being handled finish."""

    async def close(self) -> None:
        """After the outbox has stopped: close clients."""


def configured_channels(settings: Settings) -> list[str]:
    return [name for name, configured, _ in CHANNELS if configured(settings)]


def _channel_class(name: str) -> Any:
    module, _, attribute = next(where for channel, _, where in CHANNELS if channel == name).partition(":")
    return getattr(importlib.import_module(module), attribute)


class Runtime:
    """One bot process: its channels, the outbox (scheduler + sender), the operator's port, the web console.

    Start: channels open, the outbox starts over their transports, channels attach to it, the ops
    server and the web console come up, then channels start receiving. Stop, the other way round:
    channels stop receiving, the web console and the ops server stop, the outbox stops (its sends
    on the wire finish while every client is still open), then channels close their clients."""

    def __init__(self, conversation: Conversation, channels: Sequence[Channel], monitor: Monitor,
                 **sender_options: Any) -> None:  # fmt: skip
        self.conversation, self.channels, self.monitor = conversation, list(channels), monitor
        self.sender_options = sender_options
        self.outbox: OutboxRunner | None = None
        self.web: WebServer | None = None
        self._ops: Any = None

    def _budgets(self) -> dict[str, Any]:
        """Telegram's budget is the sender's default (shared with its answers); beside it, every other channel
        counts its own messages. A channel alone uses the default."""
        from bot.notices.sender import DEFAULT_BUDGET_CHANNEL

        own = {c.name: c.budget for c in self.channels if c.budget is not None}
        default = own.pop(DEFAULT_BUDGET_CHANNEL, None)
        return {"budget": default, "channel_budgets": own} if default is not None else {}

    async def start(self) -> None:
        from bot.ops.server import start_server
        from bot.web.app import start_web

        try:
            for channel in self.channels:
                await channel.open()
            transports = {channel.name: channel.transport for channel in self.channels}
            self.outbox = await run_outbox(self.conversation, transports, **{**self._budgets(), **self.sender_options})
            self.monitor.outbox = self.outbox
            self._ops = await start_server(self.monitor)
            for channel in self.channels:
                channel.attach(self.outbox)
            self.web = await start_web(self.conversation, self.outbox)  # the admins' web console (bot/web/)
            for channel in self.channels:
                await channel.start()
        except BaseException:
            await self.stop()  # what did start is stopped: ports given back, clients closed
            raise

    async def stop(self) -> None:
        from bot.web.app import stop_web

        for channel in self.channels:
            await channel.stop()
        await stop_web(self.web)
        self.web = None
        if self._ops:
            await self._ops.cleanup()
            self._ops = None
        if self.outbox:
            await self.outbox.stop()
            self.outbox = None
        for channel in reversed(self.channels):
            await channel.close()


def build_runtime(conversation: Conversation, **sender_options: Any) -> Runtime:
    """Every configured channel around one monitor, which counts the core's questions too."""
    from bot.ops.monitor import Monitor

    names = configured_channels(conversation.settings)
    monitor = Monitor(conversation.settings, conversation.store, channels=tuple(names))
    conversation.on_question = monitor.question
    channels = [_channel_class(name).from_settings(conversation, monitor) for name in names]
    return Runtime(conversation, channels, monitor, **sender_options)


def run_bot(settings: Settings) -> None:
    """Serve every configured channel until SIGINT, SIGTERM or SIGABRT."""
    conversation = build_conversation(settings)
    logger.info("Starting %s on %s", settings.bot_name, ", ".join(configured_channels(settings)))
    try:
        asyncio.run(_serve(build_runtime(conversation)))
    finally:
        conversation.store.close()


async def _serve(runtime: Runtime) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGABRT):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    await runtime.start()
    try:
        await stop.wait()
    finally:
        await runtime.stop()


def run_chat(settings: Settings, user_id: str) -> None:
    """The console chat in this terminal, with the web console beside it when that is on (no outbox: the
    console delivers no notices, and says so)."""
    from bot.channels.console.chat import run_console

    # Undecodable input (a terminal in another encoding) becomes U+FFFD, not a crash.
    if hasattr(sys.stdin, "reconfigure"):
        sys.stdin.reconfigure(errors="replace")
    conversation = build_conversation(settings)
    try:
        if settings.web_enabled:
            _chat_with_web(conversation, user_id=user_id)
        else:
            run_console(conversation, user_id=user_id)
    finally:
        conversation.store.close()


def _chat_with_web(conversation: Conversation, user_id: str) -> None:
    """`make run` without a token: the console chat, and the web console beside it in the same loop.

    The operator at this terminal is the local admin of the web console: a login link for them
    ('console:local') is printed. The chat itself keeps the settings it was started with."""
    from bot.channels.console.chat import run_console_async
    from bot.settings import CONSOLE_ADMIN_ID
    from bot.web.app import start_web, stop_web
    from bot.web.links import issue_link

    async def main() -> None:
        operator = replace(conversation.settings, console_admin=True)
        server = await start_web(conversation, settings=operator)
        if server is not None:
            link = issue_link(server.settings, conversation.store, "console", CONSOLE_ADMIN_ID)
            print(f"网页管理后台：{server.url}\n本机管理员登录链接（10 分钟内有效，只能用一次）：{link}\n", flush=True)
        try:
            await run_console_async(conversation, user_id=user_id)
        finally:
            await stop_web(server)

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main())
    print("", file=sys.stdout)
