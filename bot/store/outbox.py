"""Who follows what, announcements, and the outbox: one delivery row per recipient.

Every push is written as delivery rows before the first message goes out, so
a crash loses nothing: on start, deliveries that were in flight go back to
pending (those few may be sent twice), everything else resumes where it was.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields
from typing import Any

import sqlite_utils

from bot.store.schema import NotFoundError

#: Delivery states that are final.
DONE = ("sent", "failed", "unreachable", "skipped", "withdrawn")


@dataclass(frozen=True)
class Subscription:
    channel: str
    external_id: str
    city: str
    topics: tuple[str, ...]
    reachable: bool
    referred_by: str


@dataclass(frozen=True)
class Announcement:
    id: int
    author: str
    text: str
    link_text: str
    link_url: str
    city: str
    topic: str
    send_at: str
    urgent: int
    status: str
    reason: str
    reviewed_by: str
    progress_chat: str
    progress_message: str
    created_at: str
    photo: str = ""  # the channel's file id with its channel: 'telegram:AgAC…'
    kind: str = "notice"  # notice (by a person), reminder, digest, fair_change
    fair_id: int | str = ""
    dedupe_key: str = ""


@dataclass(frozen=True)
class Delivery:
    id: int
    announcement_id: int
    channel: str
    external_id: str
    status: str
    attempts: int
    error: str
    message_id: str
    next_attempt_at: str
    updated_at: str


def _row(cls: type, row: dict[str, Any]) -> Any:
    return cls(**{f.name: row[f.name] if row[f.name] is not None else "" for f in fields(cls)})


class OutboxStore:
    db: sqlite_utils.Database
    audit: Callable[..., None]

    # -- following ----------------------------------------------------------------

    def subscription(self, channel: str, external_id: str) -> Subscription | None:
        rows = list(self.db["subscriptions"].rows_where("channel = ? and external_id = ?", [channel, external_id]))
        if not rows:
            return None
        r = rows[0]
        return Subscription(r["channel"], r["external_id"], r["city"] or "", tuple(json.loads(r["topics"] or "[]")),
                            bool(r["reachable"]), r["referred_by"] or "")  # fmt: skip

    def set_subscription(
        self,
        channel: str,
        external_id: str,
        city: str | None = None,
        topics: Sequence[str] | None = None,
        referred_by: str | None = None,
    ) -> Subscription:
        """Change what a student follows (only the given parts); a referral is kept from the first invite."""
        current = self.subscription(channel, external_id)
        row = {
            "channel": channel,
            "external_id": external_id,
            "city": city if city is not None else (current.city if current else ""),
            "topics": json.dumps(
                list(topics if topics is not None else (current.topics if current else ())), ensure_ascii=False
            ),
            "reachable": 1,
            "referred_by": (current.referred_by if current and current.referred_by else referred_by) or "",
            "updated_at": self.stamp(),
        }
        self.db["subscriptions"].upsert(row, pk=("channel", "external_id"))
        return self.subscription(channel, external_id)  # type: ignore[return-value]

    def set_reachable(self, channel: str, external_id: str, reachable: bool) -> None:
        """A 403 makes a student unreachable; writing to the bot again makes them reachable."""
        self.db.execute(
            "update subscriptions set reachable = ? where channel = ? and external_id = ?",
            [int(reachable), channel, external_id],
        )
        self.db.conn.commit()

    def audience(self, city: str, topic: str) -> list[tuple[str, str]]:
        """Reachable followers of `city` ('*' for every city) and, if given, of `topic`.

        With '*' and a topic, following the topic is enough (no study city needed)."""
        clauses, args = ["reachable = 1"], []
        if city != "*" or not topic:
            clauses.append("city != ''")
        if city != "*":
            clauses.append("city = ?")
            args.append(city)
        if topic:
            clauses.append("exists (select 1 from json_each(topics) where value = ?)")
            args.append(topic)
        sql = f"select channel, external_id from subscriptions where {' and '.join(clauses)} order by rowid"
        return [(r[0], r[1]) for r in self.db.execute(sql, args).fetchall()]

    def invite_code(self, owner: str) -> str:
        """The ambassador's personal invite code (created once): fits Telegram's /start payload rules."""
        rows = list(self.db["invites"].rows_where("owner = ?", [owner]))
        if rows:
            return rows[0]["code"]
        code = "amb_" + secrets.token_urlsafe(9)  # 16 characters of A-Z a-z 0-9 _ -
        self.db["invites"].insert({"code": code, "owner": owner, "created_at": self.stamp()})
        return code

    def invite_owner(self, code: str) -> str | None:
        rows = list(self.db["invites"].rows_where("code = ?", [code]))
        return rows[0]["owner"] if rows else None

    def referral_count(self, owner: str) -> int:
        return self.db.execute("select count(*) from subscriptions where referred_by = ?", [owner]).fetchone()[0]

    # -- announcements ------------------------------------------------------------------

    def create_announcement(self, author: str, text: str, city: str, topic: str, send_at: str, urgent: bool,
                            status: str, link_text: str = "", link_url: str = "", photo: str = "") -> int:  # fmt: skip
        with self.db.atomic():
            table = self.db["announcements"].insert(
                {
                    "kind": "notice",
                    "photo": photo,
                    "author": author,
                    "text": text,
                    "link_text": link_text,
                    "link_url": link_url,
                    "city": city,
                    "topic": topic,
                    "send_at": send_at,
                    "urgent": int(urgent),
                    "status": status,
                    "reason": "",
                    "reviewed_by": "",
                    "progress_chat": "",
                    "progress_message": "",
                    "created_at": self.stamp(),
                }  # fmt: skip
            )
            self.audit(
                author,
                "announcement.create",
                str(table.last_pk),
                None,
                {"city": city, "topic": topic, "status": status},
            )
        return int(table.last_pk)

    def announcement(self, announcement_id: int) -> Announcement:
        rows = list(self.db["announcements"].rows_where("id = ?", [announcement_id]))
        if not rows:
            raise NotFoundError(f"no announcement {announcement_id}")
        return _row(Announcement, rows[0])

    def announcements(
        self, limit: int = 10, author: str | None = None, kind: str | None = None, status: str | None = None
    ) -> list[Announcement]:
        """The latest announcements, optionally by one author, of one kind ('notice': people's), in one status."""
        clauses, args = [], []
        for column, value in (("author", author), ("kind", kind), ("status", status)):
            if value:
                clauses.append(f"{column} = ?")
                args.append(value)
        where = " and ".join(clauses) or None
        rows = self.db["announcements"].rows_where(where, args, order_by="id desc", limit=limit)
        return [_row(Announcement, r) for r in rows]

    def set_announcement(self, announcement_id: int, actor: str, expect: Sequence[str] = (), **values: Any) -> bool:
        """Change an announcement's fields, only if its status is one of `expect` (guards double presses)."""
        with self.db.atomic():
            current = self.announcement(announcement_id)
            if expect and current.status not in expect:
                return False
            self.db["announcements"].update(announcement_id, values)
            if "status" in values:
                self.audit(actor, f"announcement.{values['status']}", str(announcement_id), current.status, values)
        return True

    def due_announcements(self, now: str) -> list[Announcement]:
        rows = self.db["announcements"].rows_where("status = 'scheduled' and send_at <= ?", [now], order_by="send_at")
        return [_row(Announcement, r) for r in rows]

    def enqueue(self, announcement_id: int, daily_cap: int, day_start: str) -> dict[str, int]:
        """Write one delivery per recipient (idempotent), skipping students at their daily cap; status → sending."""
        a = self.announcement(announcement_id)
        now = self.stamp()
        # What each student already received today (people's notices and digests: reminders were asked for).
        received = {
            (channel, external_id): n
            for channel, external_id, n in self.db.execute(
                "select d.channel, d.external_id, count(*) from deliveries d join announcements a on a.id = d.announcement_id"
                " where d.status in ('sent', 'sending', 'pending') and d.updated_at >= ? and d.announcement_id != ?"
                " and a.kind in ('notice', 'digest') group by d.channel, d.external_id",
                [day_start, announcement_id],
            )
        }
        audience = self.audience(a.city, a.topic)
        with self.db.atomic():
            counts = {
                "pending": self._insert_deliveries(
                    announcement_id, [r for r in audience if received.get(r, 0) < daily_cap], "pending", "", now
                ),
                "skipped": self._insert_deliveries(
                    announcement_id,
                    [r for r in audience if received.get(r, 0) >= daily_cap],
                    "skipped",
                    "daily cap",
                    now,
                ),
            }
            self.db["announcements"].update(announcement_id, {"status": "sending"})
        return counts

    def _insert_deliveries(self, announcement_id: int, recipients: Iterable[tuple[str, str]], status: str,
                           error: str, now: str) -> int:  # fmt: skip
        """One delivery row per recipient, unless it is there already (the idempotency key); how many were new."""
        return self.db.conn.executemany(
            "insert or ignore into deliveries (announcement_id, channel, external_id, status, attempts, error,"
            " next_attempt_at, updated_at) values (?, ?, ?, ?, 0, ?, ?, ?)",
            [(announcement_id, channel, external_id, status, error, now, now) for channel, external_id in recipients],
        ).rowcount

    # -- deliveries: the sender's side ---------------------------------------------------

    def in_flight_chats(self) -> list[tuple[str, str]]:
        """(channel, external_id) of the deliveries marked in flight ('sending')."""
        return self.db.execute("select distinct channel, external_id from deliveries where status = 'sending'").fetchall()

    def reset_in_flight(self) -> int:
        """At start-up: deliveries that were being sent when the process died go back to pending."""
        with self.db.atomic():
            return self.db.execute("update deliveries set status = 'pending' where status = 'sending'").rowcount

    def claim(self, limit: int, now: str, skip_channels: Sequence[str] = ()) -> list[Delivery]:
        """Take up to `limit` due deliveries of announcements being sent, oldest first, marking them in flight;
        none of `skip_channels` (a channel in a long flood wait)."""
        skip = f" and d.channel not in ({','.join('?' * len(skip_channels))})" if skip_channels else ""
        with self.db.atomic():
            rows = self.db.execute(
                f"""
                select d.* from deliveries d join announcements a on a.id = d.announcement_id
                where d.status = 'pending' and d.next_attempt_at <= ? and a.status = 'sending'{skip}
                order by d.announcement_id, d.id limit ?
                """,
                [now, *skip_channels, limit],
            )
            columns = [c[0] for c in rows.description]
            claimed = [_row(Delivery, dict(zip(columns, r, strict=True))) for r in rows.fetchall()]
            if claimed:
                marks = ",".join("?" * len(claimed))
                self.db.execute(
                    f"update deliveries set status = 'sending', attempts = attempts + 1, updated_at = ? where id in ({marks})",
                    [now, *(d.id for d in claimed)],
                )
        return claimed

    def delivered(self, delivery_id: int, message_id: str) -> None:
        self._finish(delivery_id, "sent", "", message_id=message_id)

    def undeliverable(self, delivery_id: int, status: str, error: str) -> None:
        """A final failure: 'unreachable' (blocked) or 'failed' (e.g. chat not found)."""
        self._finish(delivery_id, status, error[:200])

    def retry_later(self, delivery_id: int, at: str, error: str, counted: bool = True) -> None:
        """Back to pending until `at`; `counted=False` gives back the attempt its claim took (a wait, not a failure)."""
        with self.db.atomic():
            self.db.execute(
                "update deliveries set status = 'pending', next_attempt_at = ?, error = ?, updated_at = ?,"
                " attempts = attempts - ? where id = ?",
                [at, error[:200], self.stamp(), 0 if counted else 1, delivery_id],
            )

    def _finish(self, delivery_id: int, status: str, error: str, message_id: str = "") -> None:
        with self.db.atomic():
            self.db.execute(
                "update deliveries set status = ?, error = ?, message_id = ?, updated_at = ? where id = ?",
                [status, error, message_id, self.stamp(), delivery_id],
            )

    def delivery_counts(self, announcement_id: int) -> dict[str, int]:
        rows = self.db.execute(
            "select status, count(*) from deliveries where announcement_id = ? group by status", [announcement_id]
        ).fetchall()
        return {status: n for status, n in rows}

    def delivery_errors(self, announcement_id: int) -> dict[str, int]:
        rows = self.db.execute(
            "select error, count(*) from deliveries where announcement_id = ? and status in ('failed', 'unreachable') group by error",
            [announcement_id],
        ).fetchall()
        return {error: n for error, n in rows}

    def finish_if_done(self, announcement_id: int) -> bool:
        """Mark a sending announcement sent once no delivery is pending or in flight."""
        with self.db.atomic():
            open_ = self.db.execute(
                "select count(*) from deliveries where announcement_id = ? and status in ('pending', 'sending')",
                [announcement_id],
            ).fetchone()[0]
            if open_:
                return False
            return bool(self.db.execute(
                "update announcements set status = 'sent' where id = ? and status = 'sending'", [announcement_id]
            ).rowcount)  # fmt: skip

    def sent_deliveries(self, announcement_id: int) -> list[Delivery]:
        """What withdrawing has to delete."""
        rows = self.db["deliveries"].rows_where("announcement_id = ? and status = 'sent'", [announcement_id])
        return [_row(Delivery, r) for r in rows]

    def withdrawn_with_sent(self) -> list[int]:
        """Withdrawn notices whose messages are still in students' chats (however old)."""
        rows = self.db.execute(
            "select distinct a.id from announcements a join deliveries d on d.announcement_id = a.id "
            "where a.status = 'withdrawn' and d.status = 'sent'"
        ).fetchall()
        return [r[0] for r in rows]

    def mark_withdrawn(self, delivery_id: int, deleted: bool | None = None) -> None:
        """Withdrawn: never sent (None), or sent and then deleted from the chat (True) or not (False)."""
        self._finish(delivery_id, "withdrawn", {None: "", True: "deleted", False: "kept"}[deleted])

    def withdrawal_counts(self, announcement_id: int) -> dict[str, int]:
        """For the author's report on a withdrawn notice: deleted, kept (too old to delete), unsent."""
        rows = self.db.execute(
            "select error, count(*) from deliveries where announcement_id = ? and status = 'withdrawn' group by error",
            [announcement_id],
        ).fetchall()
        names = {"deleted": "deleted", "kept": "kept", "": "unsent"}
        return {names.get(error, "unsent"): n for error, n in rows}

    def sending_announcements(self) -> list[int]:
        """Notices still being sent (the sender's sweep finishes those with nothing left)."""
        return [r[0] for r in self.db.execute("select id from announcements where status = 'sending' order by id")]

    def cancel_pending(self, announcement_id: int) -> int:
        with self.db.atomic():
            return self.db.execute(
                "update deliveries set status = 'withdrawn', updated_at = ? where announcement_id = ? and status = 'pending'",
                [self.stamp(), announcement_id],
            ).rowcount
