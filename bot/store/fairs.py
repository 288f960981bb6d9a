"""Job fairs and the reminders students asked for.

Times are UTC ISO strings (`iso`), so they sort and compare as text; the core
converts to and from the local time zone. A reminder row is the promise to one
student: `pending` until its due time, then, in the same transaction that writes
its outbox delivery, `queued` (so it can never be handed over twice), or
`dropped` when the fair had already begun or moved past it. `cancelled` (by the
student or with the fair) and `dropped` were never sent, so asking again revives
them; `stopped` is a queued reminder whose student then stopped following the
fair, and is never revived. A change notice is written in the same transaction
as the change, so a crash cannot lose it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

import sqlite_utils

from bot.store.outbox import _row
from bot.store.schema import NotFoundError, parse_iso

#: Fair fields an admin edits (the rest is bookkeeping).
FAIR_FIELDS = ("title", "organiser", "kind", "starts_at", "ends_at", "city", "venue", "link", "audience",
               "description", "register_url")  # fmt: skip
#: Reminder states of a student who still follows the fair: told of changes, listed in /myfairs.
ASKED = ("pending", "queued", "dropped")
_ASKED_SQL = "(" + ", ".join(f"'{status}'" for status in ASKED) + ")"


@dataclass(frozen=True)
class Fair:
    id: int
    title: str
    organiser: str
    kind: str  # onsite, online, livestream
    starts_at: str
    ends_at: str
    city: str
    venue: str
    link: str
    audience: str
    description: str
    register_url: str
    status: str  # active, cancelled
    created_at: str
    updated_at: str

    @property
    def start(self) -> datetime:
        return parse_iso(self.starts_at)

    @property
    def end(self) -> datetime:
        return parse_iso(self.ends_at)

    def editable(self) -> dict[str, str]:
        """The fields an admin edits, as plain data (flows, revisions, exports)."""
        return {name: getattr(self, name) for name in FAIR_FIELDS}


@dataclass(frozen=True)
class Reminder:
    id: int
    fair_id: int
    channel: str
    external_id: str
    lead_minutes: int
    due_at: str
    status: str


def _fair(row: Mapping[str, Any]) -> Fair:
    return _row(Fair, row)


def _reminder(row: Mapping[str, Any]) -> Reminder:
    return Reminder(**{f.name: row[f.name] for f in fields(Reminder)})


class FairStore:
    db: sqlite_utils.Database
    audit: Callable[..., None]

    # -- fairs ------------------------------------------------------------------------

    def add_fair(self, actor: str, values: Mapping[str, str]) -> int:
        now = self.stamp()
        with self.db.atomic():
            row = {name: values.get(name, "") for name in FAIR_FIELDS}
            table = self.db["fairs"].insert({**row, "status": "active", "created_at": now, "updated_at": now})
            fair_id = int(table.last_pk)
            self.audit(actor, "fair.add", str(fair_id), None, row)
        return fair_id

    def fair(self, fair_id: int) -> Fair:
        rows = list(self.db["fairs"].rows_where("id = ?", [fair_id]))
        if not rows:
            raise NotFoundError(f"no fair {fair_id}")
        return _fair(rows[0])

    def update_fair(self, actor: str, fair_id: int, changes: Mapping[str, str],
                    due: Callable[[Fair, int], str] | None = None, now: str | None = None) -> Fair:  # fmt: skip
        """Change an active fair's fields. When its start moves, pending reminders move with it (`due`),
        those whose time is past by `now` are dropped, and everyone who asked is told, in one transaction."""
        changes = {k: v for k, v in changes.items() if k in FAIR_FIELDS}
        with self.db.atomic():
            before = self.fair(fair_id)
            if before.status != "active":
                raise NotFoundError(f"fair {fair_id} is {before.status}")
            self.db["fairs"].update(fair_id, {**changes, "updated_at": self.stamp()})
            after = self.fair(fair_id)
            if after.starts_at != before.starts_at:
                if due:
                    self._move_reminders(after, due, now or self.stamp())
                self._tell_moved(fair_id)
            old = before.editable()
            self.audit(actor, "fair.edit", str(fair_id), {k: old[k] for k in changes}, changes)
        return after

    def _move_reminders(self, fair: Fair, due: Callable[[Fair, int], str], now: str) -> None:
        """Pending reminders follow the new start; `now` is the caller's clock (a test's, a benchmark's)."""
        leads = self.db.execute(
            "select distinct lead_minutes from fair_reminders where fair_id = ? and status = 'pending'", [fair.id]
        ).fetchall()
        for (lead,) in leads:  # one statement per lead time, however many students
            self.db.execute(
                "update fair_reminders set due_at = ?, updated_at = ? where fair_id = ? and lead_minutes = ? and status = 'pending'",
                [due(fair, lead), self.stamp(), fair.id, lead],
            )
        # Moved so early that a reminder's time has passed: the change notice tells them instead.
        self.db.execute(
            "update fair_reminders set status = 'dropped', updated_at = ? where fair_id = ? and status = 'pending' and due_at <= ?",
            [self.stamp(), fair.id, now],
        )

    def _tell_moved(self, fair_id: int) -> None:
        """A notice per move (an earlier one not yet delivered is withdrawn: it would show the same new time)."""
        self._withdraw_undelivered(fair_id, "fair_change")
        recipients = self.fair_reminder_recipients(fair_id)
        if recipients:
            moves = self.db.execute(
                "select count(*) from announcements where fair_id = ? and kind = 'fair_change'", [fair_id]
            ).fetchone()[0]
            self.notify_fair_change(fair_id, recipients, f"fair:{fair_id}:moved:{moves + 1}")

    def _withdraw_undelivered(self, fair_id: int, *kinds: str) -> None:
        """Deliveries about a fair still waiting in the outbox that must not go out any more."""
        marks = ",".join("?" * len(kinds))
        self.db.execute(
            "update deliveries set status = 'withdrawn', updated_at = ? where status = 'pending' and announcement_id in"
            f" (select id from announcements where fair_id = ? and kind in ({marks}))",
            [self.stamp(), fair_id, *kinds],
        )

    def cancel_fair(self, actor: str, fair_id: int) -> list[tuple[str, str]]:
        """Cancel a fair, in one transaction: its pending reminders stop, what about it still waits in the
        outbox is withdrawn, and everyone who asked is told once; return who is told."""
        with self.db.atomic():
            fair = self.fair(fair_id)
            if fair.status != "active":
                return []
            asked = self.fair_reminder_recipients(fair_id)
            self.db.execute(
                "update fair_reminders set status = 'cancelled', updated_at = ? where fair_id = ? and status = 'pending'",
                [self.stamp(), fair_id],
            )
            self.db["fairs"].update(fair_id, {"status": "cancelled", "updated_at": self.stamp()})
            self._withdraw_undelivered(fair_id, "reminder", "fair_change")
            if asked:
                self.notify_fair_change(fair_id, asked, f"fair:{fair_id}:cancel")
            self.audit(actor, "fair.cancel", str(fair_id), "active", "cancelled")
        return asked

    def coming_fairs(self, now: str, city: str = "", kind: str = "", limit: int = 5,
                     offset: int = 0) -> tuple[list[Fair], int]:  # fmt: skip
        """Active fairs not yet over, soonest first, one page of them, and how many there are in all."""
        where, args = "status = 'active' and ends_at > ?", [now]
        if city:
            where, args = where + " and city = ?", [*args, city]
        if kind:
            where, args = where + " and kind = ?", [*args, kind]
        total = self.db.execute(f"select count(*) from fairs where {where}", args).fetchone()[0]
        rows = self.db["fairs"].rows_where(where, args, order_by="starts_at, id", limit=limit, offset=offset)
        return [_fair(r) for r in rows], total

    def fairs_starting(self, start: str, end: str) -> list[Fair]:
        """Active fairs starting in [start, end): the weekly digest."""
        rows = self.db["fairs"].rows_where("status = 'active' and starts_at >= ? and starts_at < ?", [start, end],
                                           order_by="starts_at, id")  # fmt: skip
        return [_fair(r) for r in rows]

    def all_fairs(self) -> list[Fair]:
        return [_fair(r) for r in self.db["fairs"].rows_where(order_by="starts_at, id")]

    def fair_cities(self, now: str) -> list[str]:
        """Cities with coming fairs, for the list's filter buttons."""
        rows = self.db.execute(
            "select city, count(*) from fairs where status = 'active' and ends_at > ? and city != '' group by city order by count(*) desc, city",
            [now],
        ).fetchall()
        return [city for city, _ in rows]

    def fair_lead_defaults(self) -> tuple[int, ...]:
        """The lead times (minutes) new reminders get, as an admin set them; () for the built-in ones."""
        row = self.db.execute("select value from meta where key = 'fair_leads'").fetchone()
        return tuple(int(m) for m in row[0].split(",") if m) if row else ()

    def set_fair_lead_defaults(self, actor: str, leads: Sequence[int]) -> None:
        with self.db.atomic():
            before = self.fair_lead_defaults()
            self.db["meta"].upsert({"key": "fair_leads", "value": ",".join(str(m) for m in leads)}, pk="key")
            self.audit(actor, "fair.leads", "", list(before), list(leads))

    # -- reminders: the student's side -----------------------------------------------------

    def set_reminders(self, fair_id: int, channel: str, external_id: str, due: Mapping[int, str]) -> None:
        """The student wants exactly these lead times (minutes → due time); the others stop.

        A reminder already handed to the outbox stays as it is: it is never sent twice."""
        now = self.stamp()
        with self.db.atomic():
            existing = {
                r["lead_minutes"]: r
                for r in self.db["fair_reminders"].rows_where(
                    "fair_id = ? and channel = ? and external_id = ?", [fair_id, channel, external_id]
                )
            }
            for lead, row in existing.items():
                if lead not in due and row["status"] in ("pending", "dropped"):
                    self.db["fair_reminders"].update(row["id"], {"status": "cancelled", "updated_at": now})
            for lead, due_at in due.items():
                row = existing.get(lead)
                if row is None:
                    self.db["fair_reminders"].insert({
                        "fair_id": fair_id, "channel": channel, "external_id": external_id, "lead_minutes": lead,
                        "due_at": due_at, "status": "pending", "created_at": now, "updated_at": now,
                    })  # fmt: skip
                elif row["status"] in ("cancelled", "pending", "dropped"):  # never sent: may be asked for again
                    self.db["fair_reminders"].update(row["id"], {"status": "pending", "due_at": due_at,
                                                                 "updated_at": now})  # fmt: skip

    def reminders_for(self, channel: str, external_id: str, fair_id: int | None = None,
                      statuses: Sequence[str] = ("pending", "queued")) -> list[Reminder]:  # fmt: skip
        """A student's live reminders (pending or already sent; or those in `statuses`), optionally for one fair."""
        where = f"channel = ? and external_id = ? and status in ({', '.join('?' * len(statuses))})"
        args: list[Any] = [channel, external_id, *statuses]
        if fair_id is not None:
            where, args = where + " and fair_id = ?", [*args, fair_id]
        rows = self.db["fair_reminders"].rows_where(where, args, order_by="due_at")
        return [_reminder(r) for r in rows]

    def my_fairs(self, channel: str, external_id: str, now: str) -> list[Fair]:
        """Fairs not yet over that the student asked to be reminded of (and did not stop), soonest first."""
        rows = self.db.execute(
            "select f.* from fairs f where f.status = 'active' and f.ends_at > ? and exists ("
            " select 1 from fair_reminders r where r.fair_id = f.id and r.channel = ? and r.external_id = ?"
            f" and r.status in {_ASKED_SQL}) order by f.starts_at, f.id",
            [now, channel, external_id],
        )
        names = [d[0] for d in rows.description]
        return [_fair(dict(zip(names, row, strict=True))) for row in rows.fetchall()]

    def cancel_reminders(self, fair_id: int | None, channel: str, external_id: str) -> int:
        """The student stops following this fair (None: every fair, e.g. on an unfollow): no more reminders,
        no change notices; return how many rows stopped.

        One already handed to the outbox becomes `stopped`, not `cancelled`: asking again never revives it."""
        which, args = ("", []) if fair_id is None else (" and fair_id = ?", [fair_id])
        with self.db.atomic():
            return self.db.execute(
                "update fair_reminders set status = case status when 'queued' then 'stopped' else 'cancelled' end,"
                f" updated_at = ? where channel = ? and external_id = ?{which} and status in {_ASKED_SQL}",
                [self.stamp(), channel, external_id, *args],
            ).rowcount

    # -- reminders: the scheduler's side ---------------------------------------------------

    def pending_reminder_times(self) -> list[str]:
        """The distinct due times of pending reminders: one scheduler job each, at start-up."""
        rows = self.db.execute(
            "select distinct due_at from fair_reminders where status = 'pending' order by due_at"
        ).fetchall()
        return [due_at for (due_at,) in rows]

    def release_reminders(self, now: str) -> list[int]:
        """Hand every reminder due by `now` to the outbox, in one transaction; return the new batches.

        One announcement (kind 'reminder') per fair and lead time, with one delivery per
        student; reminders of fairs that began or were cancelled are dropped, not sent late."""
        batches: list[int] = []
        with self.db.atomic():
            rows = self.db.execute(
                "select r.id, r.fair_id, r.channel, r.external_id, r.lead_minutes, f.starts_at, f.status"
                " from fair_reminders r join fairs f on f.id = r.fair_id"
                " where r.status = 'pending' and r.due_at <= ? order by r.fair_id, r.lead_minutes, r.id",
                [now],
            ).fetchall()
            groups: dict[tuple[int, int], list[tuple[int, str, str]]] = {}
            dropped: list[int] = []
            for rid, fair_id, channel, external_id, lead, starts_at, status in rows:
                if status != "active" or starts_at <= now:
                    dropped.append(rid)
                else:
                    groups.setdefault((fair_id, lead), []).append((rid, channel, external_id))
            stamp = self.stamp()
            self._set_reminders_status(dropped, "dropped", stamp)
            for (fair_id, lead), members in groups.items():
                announcement_id = self._system_announcement(
                    "reminder", fair_id, f"reminder:{fair_id}:{lead}:{members[0][0]}", now, topic=str(lead)
                )
                self._deliver_to(announcement_id, ((c, e) for _, c, e in members), stamp)
                ids = [rid for rid, _, _ in members]
                self._set_reminders_status(ids, "queued", stamp, announcement_id)
                batches.append(announcement_id)
        return batches

    def notify_fair_change(self, fair_id: int, recipients: Iterable[tuple[str, str]], key: str) -> int | None:
        """Tell students who asked about a fair that it changed or was cancelled, once per `key`."""
        with self.db.atomic():
            if self.db.execute("select 1 from announcements where dedupe_key = ?", [key]).fetchone():
                return None
            announcement_id = self._system_announcement("fair_change", fair_id, key, self.stamp())
            self._deliver_to(announcement_id, recipients, self.stamp())
        return announcement_id

    def create_digest(self, key: str, send_at: str, city: str = "*", topic: str = "") -> int | None:
        """Schedule a digest for the followers of `topic`, once per `key` (e.g. the ISO week)."""
        with self.db.atomic():
            if self.db.execute("select 1 from announcements where dedupe_key = ?", [key]).fetchone():
                return None
            announcement_id = self._system_announcement("digest", None, key, send_at, topic=topic, city=city,
                                                        status="scheduled", urgent=0)  # fmt: skip
        return announcement_id

    def _system_announcement(self, kind: str, fair_id: int | None, key: str, now: str, topic: str = "",
                             city: str = "", status: str = "sending", urgent: int = 1) -> int:  # fmt: skip
        table = self.db["announcements"].insert({
            "author": "system", "text": "", "link_text": "", "link_url": "", "photo": "", "city": city,
            "topic": topic, "send_at": now, "urgent": urgent, "status": status, "reason": "", "reviewed_by": "",
            "progress_chat": "", "progress_message": "", "created_at": self.stamp(), "kind": kind, "fair_id": fair_id,
            "dedupe_key": key,
        })  # fmt: skip
        return int(table.last_pk)

    def _deliver_to(self, announcement_id: int, recipients: Iterable[tuple[str, str]], now: str) -> None:
        self._insert_deliveries(announcement_id, recipients, "pending", "", now)  # type: ignore[attr-defined]

    def _set_reminders_status(self, ids: list[int], status: str, now: str, announcement_id: int | None = None) -> None:
        for start in range(0, len(ids), 500):  # SQLite's bound-parameter limit
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            self.db.execute(
                f"update fair_reminders set status = ?, updated_at = ?, announcement_id = coalesce(?, announcement_id) where id in ({marks})",
                [status, now, announcement_id, *chunk],
            )

    def fair_reminder_recipients(self, fair_id: int) -> list[tuple[str, str]]:
        """The students who asked about a fair and did not stop (even if a move dropped their reminders), once each."""
        rows = self.db.execute(
            f"select distinct channel, external_id from fair_reminders where fair_id = ? and status in {_ASKED_SQL} order by channel, external_id",
            [fair_id],
        ).fetchall()
        return [(c, e) for c, e in rows]
