"""The database schema, as migrations in code: each runs once, in order, in a transaction."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime

import sqlite_utils


class NotFoundError(LookupError):
    """A row that was asked for by key does not exist."""


def iso(when: datetime) -> str:
    """A moment as the store keeps it: UTC, ISO 8601, to the second (so stored times compare as text)."""
    if when.tzinfo is None:
        raise ValueError("a naive datetime has no time zone: refusing to guess")
    return when.astimezone(UTC).isoformat(timespec="seconds")


def parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def _migration_1(db: sqlite_utils.Database) -> None:
    """Users, FAQ entries with categories, and the question log."""
    db["users"].create(
        {
            "channel": str,
            "external_id": str,
            "name": str,
            "username": str,
            "first_seen": str,
            "last_seen": str,
        },
        pk=("channel", "external_id"),
        not_null={"channel", "external_id", "first_seen", "last_seen"},
    )
    db["faq_categories"].create({"id": str, "title": str, "position": int}, pk="id", not_null={"title"})
    db["faq_entries"].create(
        {
            "id": str,
            "category": str,
            "question": str,
            "answer": str,
            "source": str,
            "alternates": str,  # JSON list
            "position": int,
            "updated_at": str,
        },
        pk="id",
        not_null={"category", "question", "answer"},
        foreign_keys=[("category", "faq_categories", "id")],
    )
    db["question_log"].create(
        {
            "id": int,
            "channel": str,
            "external_id": str,
            "text": str,
            "outcome": str,
            "faq_id": str,
            "score": float,
            "suggestions": str,  # JSON list of ids
            "created_at": str,
        },
        pk="id",
        not_null={"channel", "external_id", "text", "outcome", "created_at"},
    )
    db["question_log"].create_index(["created_at"])
    db["question_log"].create_index(["outcome", "created_at"])


def _migration_2(db: sqlite_utils.Database) -> None:
    """What the student did with "did you mean": picked an entry, or said none fits."""
    db["question_log"].add_column("resolution", str)  # null | 'picked' | 'rejected'
    db["question_log"].add_column("picked_faq_id", str)


def _migration_3(db: sqlite_utils.Database) -> None:
    """Roles, the audit log, FAQ revisions, ratings and review marks, admin dialogs, the FAQ's version."""
    db["roles"].create(
        {
            "channel": str,
            "external_id": str,
            "role": str,  # 'admin' | 'ambassador'
            "city": str,
            "campus": str,
            "granted_by": str,
            "granted_at": str,
        },
        pk=("channel", "external_id", "role"),
        not_null={"channel", "external_id", "role", "granted_at"},
    )
    db["audit_log"].create(
        {
            "id": int,
            "actor": str,  # 'telegram:123', 'console:local', 'cli'
            "action": str,
            "target": str,
            "before": str,  # JSON
            "after": str,  # JSON
            "created_at": str,
        },
        pk="id",
        not_null={"actor", "action", "created_at"},
    )
    db["faq_revisions"].create(
        {
            "id": int,
            "faq_id": str,
            "action": str,  # 'create' | 'update' | 'delete' | 'rollback' | 'import'
            "actor": str,
            "before": str,  # JSON of the entry, null when created
            "after": str,  # JSON of the entry, null when deleted
            "created_at": str,
        },
        pk="id",
        not_null={"faq_id", "action", "actor", "created_at"},
    )
    db["faq_revisions"].create_index(["faq_id", "id"])
    db["question_log"].add_column("rating", int)  # +1 helpful, -1 not helpful
    db["question_log"].add_column("reviewed_at", str)  # an admin attached or dismissed it
    db["question_log"].add_column("reviewed_by", str)
    db["dialogs"].create(
        {"channel": str, "external_id": str, "flow": str, "data": str, "updated_at": str},
        pk=("channel", "external_id"),
    )
    db["meta"].create({"key": str, "value": str}, pk="key")
    db["meta"].insert({"key": "faq_version", "value": "0"})


def _migration_4(db: sqlite_utils.Database) -> None:
    """The matcher's synonym table, editable by admins (seeded from knowledge/lexicon.yaml)."""
    db["synonyms"].create({"canonical": str, "variant": str}, pk=("canonical", "variant"))


def _migration_5(db: sqlite_utils.Database) -> None:
    """What students follow, ambassadors' invites, announcements and the outbox of deliveries."""
    db["subscriptions"].create(
        {
            "channel": str,
            "external_id": str,
            "city": str,  # 北京 / 上海 / 广州 / 武汉 / 长沙 / 其他, '' until chosen
            "topics": str,  # JSON list of topic ids
            "reachable": int,  # 0 after the platform said they blocked the bot (403)
            "referred_by": str,  # 'telegram:123' of the ambassador whose invite they opened
            "updated_at": str,
        },
        pk=("channel", "external_id"),
        defaults={"reachable": 1, "topics": "[]", "city": ""},
    )
    db["subscriptions"].create_index(["city"])
    db["subscriptions"].create_index(["referred_by"])
    db["invites"].create({"code": str, "owner": str, "created_at": str}, pk="code")
    db["invites"].create_index(["owner"], unique=True)
    db["announcements"].create(
        {
            "id": int,
            "author": str,
            "text": str,
            "link_text": str,
            "link_url": str,
            "city": str,  # a city, or '*' for everyone
            "topic": str,  # a topic id, or '' for any
            "send_at": str,  # UTC ISO; when it may start (quiet hours already applied)
            "urgent": int,
            "status": str,  # draft, pending, scheduled, sending, sent, rejected, cancelled, withdrawn
            "reason": str,  # why it was rejected
            "reviewed_by": str,
            "progress_chat": str,  # where the live progress message is
            "progress_message": str,
            "created_at": str,
        },
        pk="id",
        not_null={"author", "text", "status", "created_at"},
    )
    db["announcements"].create_index(["status", "send_at"])
    db["deliveries"].create(
        {
            "id": int,
            "announcement_id": int,
            "channel": str,
            "external_id": str,
            "status": str,  # pending, sending, sent, failed, unreachable, skipped, withdrawn
            "attempts": int,
            "error": str,
            "message_id": str,
            "next_attempt_at": str,
            "updated_at": str,
        },
        pk="id",
        not_null={"announcement_id", "channel", "external_id", "status"},
        foreign_keys=[("announcement_id", "announcements", "id")],
        defaults={"attempts": 0},
    )
    # The idempotency key: one delivery per recipient per notice, whatever happens.
    db["deliveries"].create_index(["announcement_id", "channel", "external_id"], unique=True)
    db["deliveries"].create_index(["status", "next_attempt_at"])
    db["deliveries"].create_index(["channel", "external_id", "updated_at"])


def _migration_6(db: sqlite_utils.Database) -> None:
    """Photo notices; job fairs and the reminders students asked for; notices of other kinds."""
    announcements = db["announcements"]
    announcements.add_column("photo", str)  # the channel's file id ('telegram:AgAC…'), '' for none
    announcements.add_column("kind", str)  # notice (by a person), reminder, digest, fair_change
    announcements.add_column("fair_id", int)
    announcements.add_column("dedupe_key", str)  # one reminder batch / digest per key, whatever restarts
    db.execute("update announcements set kind = 'notice', photo = ''")
    announcements.create_index(["dedupe_key"], unique=True)
    db["fairs"].create(
        {
            "id": int,
            "title": str,
            "organiser": str,
            "kind": str,  # onsite, online, livestream
            "starts_at": str,  # UTC ISO
            "ends_at": str,
            "city": str,
            "venue": str,
            "link": str,  # online / livestream address
            "audience": str,
            "description": str,
            "register_url": str,
            "status": str,  # active, cancelled
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        not_null={"title", "kind", "starts_at", "ends_at", "status"},
    )
    db["fairs"].create_index(["status", "starts_at"])
    db["fair_reminders"].create(
        {
            "id": int,
            "fair_id": int,
            "channel": str,
            "external_id": str,
            "lead_minutes": int,
            "due_at": str,  # UTC ISO: starts_at - lead (moved out of quiet hours when that still helps)
            "status": str,  # pending, queued (handed to the outbox), dropped (fair began first), cancelled
            "announcement_id": int,  # the outbox batch that carried it
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        not_null={"fair_id", "channel", "external_id", "lead_minutes", "due_at", "status"},
        foreign_keys=[("fair_id", "fairs", "id")],
    )
    db["fair_reminders"].create_index(["fair_id", "channel", "external_id", "lead_minutes"], unique=True)
    db["fair_reminders"].create_index(["status", "due_at"])
    db["fair_reminders"].create_index(["channel", "external_id"])


def _migration_7(db: sqlite_utils.Database) -> None:
    """WeChat: retries already seen, the numbered choices of a turn, who unfollowed and when."""
    db["wechat_seen"].create({"key": str, "seen_at": str}, pk="key", not_null={"seen_at"})
    db["wechat_seen"].create_index(["seen_at"])
    db["wechat_choices"].create(
        {"channel": str, "external_id": str, "actions": str, "updated_at": str},  # actions: JSON list
        pk=("channel", "external_id"),
        not_null={"actions", "updated_at"},
    )
    db["wechat_follows"].create(
        {"channel": str, "external_id": str, "followed_at": str, "unfollowed_at": str},  # unfollowed: null if following
        pk=("channel", "external_id"),
    )
    db["wechat_follows"].create_index(["unfollowed_at"])


def _migration_8(db: sqlite_utils.Database) -> None:
    """What each user's conversation is about, so a follow-up is understood (across restarts and channels)."""
    db["conversation_topics"].create(
        {"channel": str, "external_id": str, "faq_id": str, "updated_at": str},
        pk=("channel", "external_id"),
        not_null={"faq_id", "updated_at"},
    )


def _migration_9(db: sqlite_utils.Database) -> None:
    """An English answer beside each FAQ answer (empty until an admin writes one or imports it)."""
    db["faq_entries"].add_column("answer_en", str, not_null_default="")


def _migration_10(db: sqlite_utils.Database) -> None:
    """The web console: its signing key, single-use login links and sessions (only hashes of the secrets)."""
    db["web_keys"].create({"name": str, "value": str, "created_at": str}, pk="name", not_null={"value"})
    db["web_login_tokens"].create(
        {"token_hash": str, "channel": str, "external_id": str, "created_at": str, "expires_at": str, "used_at": str},
        pk="token_hash",
        not_null={"channel", "external_id", "expires_at"},
    )
    db["web_sessions"].create(
        {
            "session_hash": str,
            "channel": str,
            "external_id": str,
            "csrf": str,  # the token every form of this session carries
            "created_at": str,
            "last_seen_at": str,  # idle sessions expire from here
        },
        pk="session_hash",
        not_null={"channel", "external_id", "csrf", "last_seen_at"},
    )
    db["web_sessions"].create_index(["channel", "external_id"])
    # The dashboard's figures read only this index (a day's slice at a time), never the table's rows.
    db["question_log"].create_index(
        ["created_at", "outcome", "channel", "external_id", "faq_id", "picked_faq_id", "rating"],
        index_name="idx_question_log_figures",
    )


def _migration_11(db: sqlite_utils.Database) -> None:
    """Each logged question's review key (its normalised text), indexed: the review list groups in SQL."""
    from bot.store.questions import review_key

    db["question_log"].add_column("review_key", str)
    rows = db.execute("select id, text from question_log").fetchall()
    db.conn.executemany("update question_log set review_key = ? where id = ?", [(review_key(t), i) for i, t in rows])
    # Covering: the review list's aggregate reads the index alone, never the table.
    db["question_log"].create_index(["review_key", "created_at", "reviewed_at", "outcome", "rating"])


def _migration_12(db: sqlite_utils.Database) -> None:
    """The matcher's written-Cantonese table (word -> Mandarin), editable by admins (seeded from knowledge/lexicon.yaml)."""
    db["cantonese"].create({"word": str, "mandarin": str}, pk="word")


MIGRATIONS: Sequence[Callable[[sqlite_utils.Database], None]] = (
    _migration_1,
    _migration_2,
    _migration_3,
    _migration_4,
    _migration_5,
    _migration_6,
    _migration_7,
    _migration_8,
    _migration_9,
    _migration_10,
    _migration_11,
    _migration_12,
)
