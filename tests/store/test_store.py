"""The store owns SQL: migrations, the FAQ's live copy, users and the question log."""

import sqlite3
from dataclasses import replace

import pytest

from bot.store import MIGRATIONS, NotFoundError, Store


def test_a_new_database_is_migrated_to_the_latest_version_in_wal_mode(tmp_path, clock):
    store = Store.open(tmp_path / "sub" / "bot.db", clock)
    assert store.schema_version == len(MIGRATIONS)
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert {"users", "faq_entries", "faq_categories", "question_log"} <= set(store.db.table_names())


def test_migrating_twice_changes_nothing(tmp_path, clock):
    path = tmp_path / "bot.db"
    Store.open(path, clock).close()
    store = Store.open(path, clock)
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


def test_a_failed_seed_writes_nothing_not_even_in_earlier_batches(store, seed):
    categories, entries = seed
    many = [replace(entries[0], id=f"e{i}") for i in range(250)]  # sqlite-utils inserts in batches of 100
    with pytest.raises(sqlite3.IntegrityError):
        store.seed_faq(categories, [*many, many[0]])  # duplicate primary key at the very end
    assert store.faq_is_empty()
    assert store.faq_categories() == []
    assert store.seed_faq(categories, entries) == len(entries)  # and a later start can still seed


def test_a_failing_migration_leaves_no_trace_and_can_run_again(tmp_path, monkeypatch, clock):
    def half_done(db):
        db["first_table"].create({"id": int}, pk="id")
        raise RuntimeError("disk full")

    monkeypatch.setattr("bot.store.schema.MIGRATIONS", (*MIGRATIONS, half_done))
    with pytest.raises(RuntimeError):
        Store.open(tmp_path / "bot.db", clock)
    monkeypatch.setattr("bot.store.schema.MIGRATIONS", (*MIGRATIONS, lambda db: db["first_table"].create({"id": int})))
    store = Store.open(tmp_path / "bot.db", clock)
    assert store.schema_version == len(MIGRATIONS) + 1
    assert "first_table" in store.db.table_names()


def test_only_the_asker_can_resolve_their_did_you_mean(store):
    question = store.log_question("telegram", "42", "补贴", "suggest", "jianxi", 0.5, ["jianxi", "startup-support"])
    assert not store.resolve_question(question, "telegram", "43", "jianxi")  # someone else
    assert not store.resolve_question(question + 1, "telegram", "42", "jianxi")  # no such question
    assert store.resolve_question(question, "telegram", "42", "startup-support")
    [logged] = store.logged_questions()
    assert (logged.resolution, logged.picked_faq_id) == ("picked", "startup-support")
    assert store.resolve_question(question, "telegram", "42", None)
    assert store.logged_questions()[0].resolution == "rejected"


def test_a_database_seeded_before_a_release_gets_its_new_entries_and_english_answers(tmp_path, seed):
    categories, entries = seed
    store = Store.open(tmp_path / "old.db")
    old = [replace(e, answer_en="") for e in entries if e.id != "bot-privacy"]
    store.seed_faq(categories, old)
    store.save_entry(replace(store.faq_entry("contact"), answer="管理员改过的答案 {contact_phone}"), "admin:1")
    store.delete_entry("jianxi", "admin:1")
    changed = store.add_bundled(entries)
    assert "bot-privacy" in changed and store.faq_entry("bot-privacy") == next(
        e for e in entries if e.id == "bot-privacy"
    )
    assert store.faq_entry("sanzhi-yifu").answer_en  # untouched by admins: English added
    assert store.faq_entry("contact").answer_en == ""  # an admin's Chinese answer: not paired with ours
    assert "jianxi" not in changed and not any(e.id == "jianxi" for e in store.faq_entries())  # deleted stays deleted
    assert store.add_bundled(entries) == []  # once
