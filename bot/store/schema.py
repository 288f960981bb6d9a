"""The database schema, as migrations in code: each runs once, in order, in a transaction."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime

import sqlite_utils


class NotFoundError(LookupError):
    """A row that was asked for by key does not exist."""


def utcnow() -> str:
    """The current time as an ISO 8601 UTC string: sortable, unambiguous."""
    return datetime.now(UTC).isoformat(timespec="seconds")


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


MIGRATIONS: Sequence[Callable[[sqlite_utils.Database], None]] = (
    _migration_1,
    _migration_2,
    _migration_3,
    _migration_4,
)
