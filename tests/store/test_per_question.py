"""What one answered question costs the store: its SQL statements and its commits (traced by sqlite3)."""

from __future__ import annotations

import contextlib
import sqlite3

from bot.replies import Request


@contextlib.contextmanager
def traced(store):
    statements: list[str] = []
    store.db.conn.set_trace_callback(statements.append)
    try:
        yield statements
    finally:
        store.db.conn.set_trace_callback(None)


def commits(statements: list[str]) -> int:
    return sum(1 for s in statements if s.strip().upper().startswith("COMMIT"))


def test_one_answered_question_is_one_commit(conversation, store):
    ask = Request("telegram", "42", "text", "就业见习补贴怎么申请", name="小王")
    conversation.handle(ask)  # the first message registers the student
    with traced(store) as statements:
        replies = conversation.handle(ask)
    assert replies and replies[0].title  # answered
    print(f"\n{len(statements)} statements, {commits(statements)} commits:", *statements, sep="\n  ")
    # Before issue 17: 31 statements and 4 commits (touch, its reachable flag, the topic, the log).
    assert commits(statements) == 1
    assert len(statements) <= 10
    with sqlite3.connect(store.db.conn.execute("pragma database_list").fetchone()[2]) as other:
        logged = other.execute("select count(*) from question_log where external_id = '42'").fetchone()[0]
    assert logged == 2  # committed, seen by another connection


def test_the_database_is_in_wal_mode_with_synchronous_normal(store):
    assert store.db.execute("pragma journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("pragma synchronous").fetchone()[0] == 1  # NORMAL, on purpose (Store.open)


def test_a_batch_commits_what_was_written_also_when_the_message_failed(store, settings):
    try:
        with store.batch():
            store.touch_user("telegram", "7", "小李")
            store.log_question("telegram", "7", "你好", "none", None, 0.0)
            raise RuntimeError("a bug further on")
    except RuntimeError:
        pass
    assert not store.db.conn.in_transaction
    with sqlite3.connect(settings.database_path) as other:
        assert other.execute("select count(*) from question_log where external_id = '7'").fetchone()[0] == 1
        assert other.execute("select name from users where external_id = '7'").fetchone()[0] == "小李"


def test_outside_a_batch_each_write_commits_at_once(store, settings):
    store.log_question("telegram", "8", "你好", "none", None, 0.0)
    store.set_topic("telegram", "8", "jianxi")
    assert not store.db.conn.in_transaction
    with sqlite3.connect(settings.database_path) as other:
        assert other.execute("select faq_id from conversation_topics where external_id = '8'").fetchone()[0] == "jianxi"
