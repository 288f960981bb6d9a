"""The review list with a big question log: bounded fuzzy work, and no regrouping on a button press.

Speed itself is measured by bench/review.py (no timings here): these tests count the question
pairs rapidfuzz is asked to score, which is what made 12,000 junk questions take 10.5 s."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
import sqlite_utils

from bot.faq import review
from bot.faq import texts as faq_texts
from bot.replies import Request
from bot.store import Store
from bot.store import schema as store_schema

ADMIN = "1"
JUNK = 3000
HANZI = "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天"


class CountingProcess:
    """rapidfuzz.process as bot.faq.review uses it, counting the pairs of strings it scores."""

    def __init__(self, real) -> None:
        self.real, self.pairs = real, 0

    def extractOne(self, query, choices, **kwargs):  # noqa: N802 (rapidfuzz's name)
        self.pairs += len(choices)
        return self.real.extractOne(query, choices, **kwargs)

    def extract(self, query, choices, **kwargs):
        self.pairs += len(choices)
        return self.real.extract(query, choices, **kwargs)

    def cdist(self, queries, choices, **kwargs):
        self.pairs += len(queries) * len(choices)
        return self.real.cdist(queries, choices, **kwargs)


@pytest.fixture
def bot(conversation):
    conversation.settings = replace(conversation.settings, admin_ids=frozenset({1}))
    conversation.admin.settings = conversation.roles.settings = conversation.settings
    return conversation


def command(bot, name, *args):
    return bot.handle(Request("telegram", ADMIN, "command", name, tuple(args)))


def press(bot, action):
    return bot.handle(Request("telegram", ADMIN, "button", action))


def test_junk_questions_do_not_make_the_review_quadratic_nor_a_button_regroup(bot, monkeypatch) -> None:
    rng = random.Random(12)
    store = bot.store
    with store.db.atomic():  # one transaction: the test's own speed
        for n in range(JUNK):
            junk = "".join(rng.choice(HANZI) for _ in range(rng.randint(6, 20)))
            store.log_question("telegram", str(100 + n % 50), junk, "none", None, 0.1)
    for user in range(5):
        store.log_question("telegram", str(user + 10), "毕业后回莞住房有啥补贴政策" + "？" * (user % 2), "none", None, 0.1)
    counting = CountingProcess(review.process)
    monkeypatch.setattr(review, "process", counting)

    title, top, *_ = command(bot, "unanswered")
    assert "毕业后回莞住房有啥补贴政策" in top.text and "×5" in top.text
    assert f"{JUNK + 1}" in title.text  # every distinct junk question is still counted as a group
    assert counting.pairs <= 1000**2  # the old way: every question against every group so far (~4.5 million)
    listed = counting.pairs

    attach = next(b.action for b in top.all_buttons if b.label == faq_texts.BUTTON_ATTACH)
    press(bot, attach)
    store.log_question("telegram", "77", "又一个新问题", "none", None, 0.1)  # students keep asking meanwhile
    heads = store.review_heads
    store.review_heads = lambda *a: pytest.fail("a button press grouped the questions again")  # type: ignore
    press(bot, attach)
    assert counting.pairs == listed  # a button press looks the group up; it does not group again
    store.review_heads = heads  # type: ignore

    dismiss = next(b.action for b in top.all_buttons if b.label == faq_texts.BUTTON_DISMISS)
    assert "5 个问题" in press(bot, dismiss)[0].text
    assert press(bot, dismiss)[0].text == faq_texts.REVIEW_GONE


def test_existing_questions_get_their_review_key_when_the_database_is_upgraded(tmp_path, clock) -> None:
    path = tmp_path / "old.db"
    db = sqlite_utils.Database(path)
    db["schema_migrations"].create({"version": int, "applied_at": str}, pk="version")
    for version, migration in enumerate(store_schema.MIGRATIONS[:7], 1):
        migration(db)
        db["schema_migrations"].insert({"version": version, "applied_at": "2026-01-01T00:00:00+00:00"})
    db["question_log"].insert({"channel": "telegram", "external_id": "9", "text": "東莞 落戶，要什麼材料？",
                               "outcome": "none", "score": 0.1, "created_at": "2026-01-01T00:00:00+00:00"})  # fmt: skip
    db.close()
    store = Store.open(path, clock)
    try:
        assert store.review_heads("0000", 10)[0][0][0] == "东莞落户要什么材料"
    finally:
        store.close()
