"""Opening, migrating and closing the database; the parts of the store are mixins."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path

import sqlite_utils

from bot.clock import Clock
from bot.store import schema
from bot.store.fairs import FairStore
from bot.store.faq import FaqStore
from bot.store.health import HealthStore
from bot.store.outbox import OutboxStore
from bot.store.people import PeopleStore
from bot.store.questions import QuestionStore
from bot.store.topics import TopicStore
from bot.store.web import WebStore
from bot.store.wechat import WeChatStore

logger = logging.getLogger(__name__)


class Store(
    FaqStore, PeopleStore, QuestionStore, OutboxStore, FairStore, WeChatStore, HealthStore, TopicStore, WebStore
):
    """All persistent state of the bot, behind small intention-revealing methods.

    SQLite through sqlite-utils, in WAL mode so that readers never wait for
    the writer. Every multi-row change runs in `db.atomic()`: all or nothing.
    """

    def __init__(self, db: sqlite_utils.Database, clock: Clock | None = None) -> None:
        self.db = db
        self.clock = clock or Clock()

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """Statements that belong together: in a transaction of their own, or in the one already open
        (a `batch()`, a caller's `db.atomic()`), which commits them with the rest."""
        if self.db.conn.in_transaction:
            yield
            return
        with self.db.atomic():
            yield

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """One commit for all the writes of one incoming message (seen, topic, question logged...)
        instead of one each. Blocks that must be all or nothing still run in `db.atomic()`, a savepoint
        here. After an error the writes done are committed as well, as if each had committed alone.
        Everything runs on the event loop's thread, synchronously: a batch never spans an `await` (other
        tasks' writes would join it) and holds the write lock only for the message's own work (a few
        ms). Nothing is sent before the batch ends, so the outbox still marks a delivery sent only
        after its send."""
        if self.db.conn.in_transaction:  # nested: the open transaction commits it
            yield
            return
        self.db.conn.execute("BEGIN")  # else sqlite-utils' execute() commits each statement; deferred: no lock yet
        try:
            yield
        finally:
            if self.db.conn.in_transaction:  # a sqlite-utils table operation may have committed it already
                self.db.conn.commit()

    def stamp(self) -> str:
        """Now, on the store's clock, as the store keeps times."""
        return schema.iso(self.clock.now())

    @classmethod
    def open(cls, path: Path | str, clock: Clock | None = None) -> Store:
        """Open (creating if needed) the database at `path`, in WAL mode, migrated.

        `synchronous = NORMAL`, on purpose: in WAL mode a commit then writes the log without waiting
        for the disk (fsync at checkpoints only). That is durable against the bot crashing or being
        killed (the log is in the OS's hands); a power loss or OS crash can lose the last commits
        but never corrupts the database. FULL would fsync on every commit, i.e. every question. The
        outbox's guarantees hold either way: a delivery is marked sent only after its send, so a
        commit lost to a power cut means at most a message sent twice, never one lost.

        `clock` is the one every part of the bot reads "now" from (tests pin or move it)."""
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            db = sqlite_utils.Database(path)
            db.enable_wal()
            db.execute("PRAGMA synchronous = NORMAL")
        else:
            db = sqlite_utils.Database(memory=True)
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA busy_timeout = 5000")
        store = cls(db, clock)
        store.migrate()
        return store

    def waiting_to_send(self) -> int:
        """Notices scheduled or awaiting approval, and reminders still to go out: what only a running
        Telegram or WeChat bot delivers (the console says so when this grows)."""
        notices = self.db.execute("select count(*) from announcements where status in ('scheduled', 'pending')")
        reminders = self.db.execute("select count(*) from fair_reminders where status = 'pending'")
        return int(notices.fetchone()[0]) + int(reminders.fetchone()[0])

    def close(self) -> None:
        self.db.close()

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
        for version, migration in enumerate(schema.MIGRATIONS, 1):
            if version <= current:
                continue
            with self.db.atomic():  # DDL included: a failed migration leaves no trace
                migration(self.db)
                self.db["schema_migrations"].insert({"version": version, "applied_at": self.stamp()})
            logger.info("Applied schema migration %s", version)
        return self.schema_version
