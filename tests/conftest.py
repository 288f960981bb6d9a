"""Shared fixtures: real cheap parts (SQLite, the bundled knowledge base), settings from dicts.

Time: every test gets the bot's one `clock` (bot/clock.py), running, moved by
CLOCK_OFFSET_DAYS when that is set in the environment (`CLOCK_OFFSET_DAYS=365
make test` proves nothing depends on today's date; .ci/run does it). A test about
a particular moment pins the clock: `clock.pin(datetime(2026, 12, 3, 6, tzinfo=UTC))`.
"""

from __future__ import annotations

import contextlib
import copy
import os

import pytest

from bot.app import build_conversation
from bot.clock import Clock
from bot.conversation import Conversation
from bot.settings import Settings
from bot.store import Store
from knowledge.entries import load_faq, load_lexicon
from knowledge.kb import KnowledgeBase
from tests.fakebotapi import FakeBotApi
from tests.running import running_bot


@pytest.fixture(scope="session")
def seed():
    """The bundled categories and entries, loaded once."""
    return load_faq()


@pytest.fixture(scope="session")
def kb(seed) -> KnowledgeBase:
    """The bundled knowledge base with the default thresholds (built once: jieba takes a second)."""
    categories, entries = seed
    defaults = Settings()
    return KnowledgeBase(categories, entries, load_lexicon(), defaults.answer_threshold, defaults.suggest_threshold)


#: The suite's clock offset (days), from the environment: subprocesses inherit it as it is.
CLOCK_ENV = {"CLOCK_OFFSET_DAYS": os.environ.get("CLOCK_OFFSET_DAYS", "0")}


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings.from_env({"DATABASE_PATH": str(tmp_path / "bot.db"), "CONTACT_PHONE": "0769-12345678", **CLOCK_ENV})


@pytest.fixture
def clock(settings) -> Clock:
    """The clock the test's store, conversation and jobs read "now" from."""
    return settings.clock()


@pytest.fixture
def store(settings, clock) -> Store:
    store = Store.open(settings.database_path, clock)
    yield store
    store.close()


@pytest.fixture
def conversation(settings, store, kb, seed) -> Conversation:
    """A conversation on a fresh, seeded database, reusing the session's index (copied: edits stay local)."""
    store.seed_faq(*seed)
    return build_conversation(settings, store, copy.copy(kb))


@pytest.fixture
async def api():
    """A local fake Telegram Bot API server (tests/fakebotapi) for end-to-end tests."""
    async with FakeBotApi(token="123456:TEST-token") as server:
        yield server


@pytest.fixture
def telegram_env(api, tmp_path) -> dict[str, str]:
    """Environment for a bot that talks to the fake server and keeps its database in tmp_path."""
    return {
        "TELEGRAM_BOT_TOKEN": api.token,
        "TELEGRAM_API_BASE_URL": api.base_url.removesuffix("/bot"),
        "DATABASE_PATH": str(tmp_path / "bot.db"),
        "CONTACT_PHONE": "0769-12345678",
        "WEB_PORT": "0",  # the web console on a free port: parallel runs never fight over 8000
        **CLOCK_ENV,
    }


@pytest.fixture
def start_bot(telegram_env, kb, seed, clock):
    """`async with start_bot(ADMIN_IDS="1") as conversation:` runs the real bot on a seeded database."""

    @contextlib.asynccontextmanager
    async def start(knowledge=None, outbox=False, **env):
        settings = Settings.from_env({**telegram_env, **env})
        store = Store.open(settings.database_path, clock)
        store.seed_faq(*seed)
        conversation = build_conversation(settings, store, knowledge or copy.copy(kb))
        try:
            async with running_bot(conversation, outbox=outbox):
                yield conversation
        finally:
            store.close()

    return start
