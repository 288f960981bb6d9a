"""The store owns SQL: migrations, the FAQ's live copy, users and the question log."""

import sqlite3

import pytest

from bot.store import MIGRATIONS, NotFoundError, Store


def test_a_new_database_is_migrated_to_the_latest_version_in_wal_mode(tmp_path):
    store = Store.open(tmp_path / "sub" / "bot.db")
    assert store.schema_version == len(MIGRATIONS)
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert {"users", "faq_entries", "faq_categories", "question_log"} <= set(store.db.table_names())


def test_migrating_twice_changes_nothing(tmp_path):
    path = tmp_path / "bot.db"
    Store.open(path).close()
    store = Store.open(path)
    assert store.migrate() == len(MIGRATIONS)
    assert store.db["schema_migrations"].count == len(MIGRATIONS)


def test_seeding_fills_an_empty_faq_once_and_never_overwrites_edits(store, seed):
    categories, entries = seed
    assert store.seed_faq(categories, entries) == len(entries)
    assert [e.id for e in store.faq_entries()] == [e.id for e in entries]
    assert store.faq_entry("sanzhi-yifu").alternates == next(e for e in entries if e.id == "sanzhi-yifu").alternates
    store.db["faq_entries"].update("contact", {"answer": "edited by an admin"})
    assert store.seed_faq(categories, entries) == 0
    assert store.faq_entry("contact").answer == "edited by an admin"


def test_a_missing_entry_raises_a_named_error(store):
    with pytest.raises(NotFoundError):
        store.faq_entry("nope")


def test_users_keep_their_first_seen_time_and_update_last_seen(store):
    store.touch_user("telegram", "42", "小明", "xm")
    first = store.user("telegram", "42")
    store.db.execute(
        "update users set first_seen = '2020-01-01T00:00:00+00:00', last_seen = '2020-01-01T00:00:00+00:00'"
    )
    store.touch_user("telegram", "42", "小明2", "")
    again = store.user("telegram", "42")
    assert again["first_seen"] == "2020-01-01T00:00:00+00:00"
    assert again["last_seen"] >= first["last_seen"]
    assert again["name"] == "小明2"
    assert store.count_users() == 1


def test_the_question_log_keeps_text_outcome_entry_score_and_time(store):
    store.log_question("telegram", "42", "东莞天气怎么样", "none", None, 0.12)
    store.log_question("telegram", "42", "三支一福", "answer", "sanzhi-yifu", 0.8)
    unanswered = store.logged_questions("none")
    assert [(q.text, q.faq_id) for q in unanswered] == [("东莞天气怎么样", None)]
    assert [q.outcome for q in store.logged_questions()] == ["none", "answer"]
    assert store.logged_questions()[1].created_at.endswith("+00:00")


def test_a_failed_seed_writes_nothing(store, seed):
    categories, entries = seed
    broken = [*entries, entries[0]]  # duplicate primary key halfway through
    with pytest.raises(sqlite3.IntegrityError):
        store.seed_faq(categories, broken)
    assert store.faq_is_empty()
