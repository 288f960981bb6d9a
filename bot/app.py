"""Wiring: build the channel-agnostic core from settings, in one place."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from bot import logredact
from bot.settings import Settings
from bot.store import Store
from knowledge import index_cache
from knowledge.entries import DEFAULT_FAQ_PATH, DEFAULT_LEXICON_PATH, Lexicon, load_faq, load_lexicon
from knowledge.kb import KnowledgeBase

if TYPE_CHECKING:  # imported where used: `python -m bot ask` needs none of the chat (nor openpyxl under it)
    from bot.conversation import Conversation
    from bot.outbox_runner import OutboxRunner

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
    from bot.delivery import OutgoingMessage
    from bot.outbox_runner import Channels, OutboxRunner

    render = lambda a: OutgoingMessage.from_reply(conversation.render_notice(a))  # noqa: E731
    runner = OutboxRunner(conversation.settings, conversation.store, Channels(transports), render, **sender_options)
    await runner.start()
    conversation.announcer.on_scheduled = runner.release_now
    conversation.fairs.on_changed = runner.reminders.changed
    conversation.fair_editor.on_changed = runner.reminders.changed
    conversation.fair_editor.on_notices = runner.sender.wake  # the notices are written: just send them
    return runner
