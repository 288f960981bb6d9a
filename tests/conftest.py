"""Shared fixtures: real cheap parts (SQLite, the bundled knowledge base), settings from dicts."""

from __future__ import annotations

import copy

import pytest

from bot.app import build_conversation
from bot.conversation import Conversation
from bot.settings import Settings
from bot.store import Store
from knowledge.entries import load_faq, load_lexicon
from knowledge.kb import KnowledgeBase


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


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings.from_env({"DATABASE_PATH": str(tmp_path / "bot.db"), "CONTACT_PHONE": "0769-12345678"})


@pytest.fixture
def store(settings) -> Store:
    store = Store.open(settings.database_path)
    yield store
    store.close()


@pytest.fixture
def conversation(settings, store, kb, seed) -> Conversation:
    """A conversation on a fresh, seeded database, reusing the session's index (copied: edits stay local)."""
    store.seed_faq(*seed)
    return build_conversation(settings, store, copy.copy(kb))
