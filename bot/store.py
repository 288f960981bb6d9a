"""The store: the one owner of SQL. Everything persistent goes through here.

SQLite through sqlite-utils, in WAL mode so that readers never wait for the
writer, with schema migrations in code: each migration runs once, in order,
inside a transaction, and the applied version is recorded in the database.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from knowledge.entries import Category, FaqEntry

logger = logging.getLogger(__name__)


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


MIGRATIONS: Sequence[Callable[[sqlite_utils.Database], None]] = (_migration_1, _migration_2)


@dataclass(frozen=True)
class LoggedQuestion:
    id: int
    channel: str
    external_id: str
    text: str
    outcome: str
    faq_id: str | None
    score: float
    created_at: str
    resolution: str | None = None
    picked_faq_id: str | None = None


class Store:
    """All persistent state of the bot, behind small intention-revealing methods."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    @classmethod
    def open(cls, path: Path | str) -> Store:
        """Open (creating if needed) the database at `path`, in WAL mode, migrated."""
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            db = sqlite_utils.Database(path)
            db.enable_wal()
        else:
            db = sqlite_utils.Database(memory=True)
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA busy_timeout = 5000")
        store = cls(db)
        store.migrate()
        return store

    def close(self) -> None:
        self.db.close()

    # -- schema -------------------------------------------------------------

    @property
    def schema_version(self) -> int:
        if not self.db["schema_migrations"].exists():
            return 0
        row = self.db.execute("select max(version) from schema_migrations").fetchone()
        return row[0] or 0

    def migrate(self) -> int:
        """Apply pending migrations; return the schema version reached."""
        if not self.db["schema_migrations"].exists():
            self.db["schema_migrations"].create({"version": int, "applied_at": str}, pk="version")
        current = self.schema_version
        for version, migration in enumerate(MIGRATIONS, 1):
            if version <= current:
                continue
            with self.db.atomic():  # DDL included: a failed migration leaves no trace
                migration(self.db)
                self.db["schema_migrations"].insert({"version": version, "applied_at": utcnow()})
            logger.info("Applied schema migration %s", version)
        return self.schema_version

    # -- FAQ ----------------------------------------------------------------

    def faq_is_empty(self) -> bool:
        return self.db["faq_entries"].count == 0

    def seed_faq(self, categories: Iterable[Category], entries: Iterable[FaqEntry]) -> int:
        """Fill an empty FAQ from the bundled knowledge base; return how many entries were written.

        Does nothing when the FAQ already has entries: after the first start the
        database, not the YAML file, is the live copy that admins edit.
        """
        if not self.faq_is_empty():
            return 0
        now = utcnow()
        with self.db.atomic():  # all or nothing: a half-seeded FAQ would never be re-seeded
            self.db["faq_categories"].upsert_all(
                ({"id": c.id, "title": c.title, "position": i} for i, c in enumerate(categories)), pk="id"
            )
            rows = [_entry_row(entry, i, now) for i, entry in enumerate(entries)]
            self.db["faq_entries"].insert_all(rows, pk="id")
        return len(rows)

    def faq_categories(self) -> list[Category]:
        return [Category(r["id"], r["title"]) for r in self.db["faq_categories"].rows_where(order_by="position")]

    def faq_entries(self) -> list[FaqEntry]:
        return [_row_entry(r) for r in self.db["faq_entries"].rows_where(order_by="position")]

    def faq_entry(self, entry_id: str) -> FaqEntry:
        try:
            return _row_entry(self.db["faq_entries"].get(entry_id))
        except sqlite_utils.db.NotFoundError:
            raise NotFoundError(f"no FAQ entry {entry_id!r}") from None

    # -- users --------------------------------------------------------------

    def touch_user(self, channel: str, external_id: str, name: str = "", username: str = "") -> None:
        """Record that a user was seen now (first_seen is kept from the first time)."""
        now = utcnow()
        self.db.execute(
            """
            insert into users (channel, external_id, name, username, first_seen, last_seen)
            values (?, ?, ?, ?, ?, ?)
            on conflict (channel, external_id) do update set
                name = excluded.name, username = excluded.username, last_seen = excluded.last_seen
            """,
            [channel, external_id, name, username, now, now],
        )
        self.db.conn.commit()

    def user(self, channel: str, external_id: str) -> dict[str, Any]:
        try:
            return dict(self.db["users"].get((channel, external_id)))
        except sqlite_utils.db.NotFoundError:
            raise NotFoundError(f"no user {channel}:{external_id}") from None

    def count_users(self) -> int:
        return self.db["users"].count

    # -- question log ----------------------------------------------------------

    def log_question(
        self,
        channel: str,
        external_id: str,
        text: str,
        outcome: str,
        faq_id: str | None,
        score: float,
        suggestions: Sequence[str] = (),
    ) -> int:
        """Keep what a student asked and what the bot did, for the admins' review."""
        with self.db.atomic():
            table = self.db["question_log"].insert(
                {
                    "channel": channel,
                    "external_id": external_id,
                    "text": text,
                    "outcome": outcome,
                    "faq_id": faq_id,
                    "score": score,
                    "suggestions": json.dumps(list(suggestions)),
                    "created_at": utcnow(),
                }
            )
        return int(table.last_pk)

    def resolve_question(self, question_id: int, channel: str, external_id: str, picked_faq_id: str | None) -> bool:
        """Record the student's choice after "did you mean": an entry, or None for "none fits".

        Only the student who asked may resolve their question; returns False
        (and changes nothing) for anyone else or an unknown id.
        """
        with self.db.atomic():
            cursor = self.db.execute(
                """
                update question_log set resolution = ?, picked_faq_id = ?
                where id = ? and channel = ? and external_id = ?
                """,
                ["picked" if picked_faq_id else "rejected", picked_faq_id, question_id, channel, external_id],
            )
        return cursor.rowcount == 1

    def logged_questions(self, outcome: str | None = None) -> list[LoggedQuestion]:
        where, args = ("outcome = ?", [outcome]) if outcome else (None, None)
        return [
            LoggedQuestion(**{k: v for k, v in r.items() if k != "suggestions"})
            for r in self.db["question_log"].rows_where(where, args, order_by="id")
        ]


def _entry_row(entry: FaqEntry, position: int, now: str) -> dict[str, Any]:
    return {
        "id": entry.id,
        "category": entry.category,
        "question": entry.question,
        "answer": entry.answer,
        "source": entry.source,
        "alternates": json.dumps(list(entry.alternates), ensure_ascii=False),
        "position": position,
        "updated_at": now,
    }


def _row_entry(row: dict[str, Any]) -> FaqEntry:
    return FaqEntry(
        id=row["id"],
        category=row["category"],
        question=row["question"],
        answer=row["answer"],
        source=row["source"] or "",
        alternates=tuple(json.loads(row["alternates"] or "[]")),
    )
