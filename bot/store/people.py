"""Users, their roles, and the audit log of everything admins and ambassadors do."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlite_utils

from bot.notices import texts as notice_texts
from bot.store.schema import NotFoundError

#: Minutes after which an untouched admin flow is over.
DIALOG_MINUTES = 30


@dataclass(frozen=True)
class RoleGrant:
    channel: str
    external_id: str
    role: str  # 'admin' | 'ambassador'
    city: str
    campus: str
    granted_by: str
    granted_at: str
    name: str = ""


#: Where a user's personal data lives: all of it goes when they ask (/forgetme) or, on WeChat, after an
#: unfollow (an ambassador's role, with their campus, and their invite code too; notices they wrote and
#: the audit log stay, as the service's own records).
PERSONAL_TABLES = (
    "users",
    "roles",
    "subscriptions",
    "dialogs",
    "question_log",
    "fair_reminders",
    "deliveries",
    "wechat_choices",
    "wechat_follows",
    "conversation_topics",
    "web_login_tokens",
    "web_sessions",
)


class PeopleStore:
    db: sqlite_utils.Database

    # -- users --------------------------------------------------------------

    def touch_user(self, channel: str, external_id: str, name: str = "", username: str = "") -> None:
        """Record that a user was seen now (first_seen is kept from the first time)."""
        now = self.stamp()
        with self.writing():
            self.db.execute(
                """
                insert into users (channel, external_id, name, username, first_seen, last_seen)
                values (?, ?, ?, ?, ?, ?)
                on conflict (channel, external_id) do update set
                    name = coalesce(nullif(excluded.name, ''), users.name),
                    username = coalesce(nullif(excluded.username, ''), users.username),
                    last_seen = excluded.last_seen
                """,
                [channel, external_id, name, username, now, now],
            )
            # Writing to the bot again makes a student who had blocked it reachable again.
            self.db.execute(
                "update subscriptions set reachable = 1 where channel = ? and external_id = ? and reachable = 0",
                [channel, external_id],
            )

    def user(self, channel: str, external_id: str) -> dict[str, Any]:
        try:
            return dict(self.db["users"].get((channel, external_id)))
        except sqlite_utils.db.NotFoundError:
            raise NotFoundError(f"no user {channel}:{external_id}") from None

    def users_with_username(self, channel: str, username: str) -> list[str]:
        """The ids of the users on `channel` the bot saw with this @username (case-insensitive)."""
        rows = self.db.execute(
            "select external_id from users where channel = ? and lower(username) = lower(?) order by external_id",
            [channel, username],
        ).fetchall()
        return [external_id for (external_id,) in rows]

    def user_name(self, channel: str, external_id: str) -> str:
        """The display name the bot last saw, or '' for someone it has never seen."""
        row = self.db.execute(
            "select name from users where channel = ? and external_id = ?", [channel, external_id]
        ).fetchone()
        return (row[0] or "") if row else ""

    def display_name(self, channel: str, external_id: str) -> str:
        """The name to show people: the user's name, else their channel and the end of their id (never a raw key)."""
        name = self.user_name(channel, external_id)
        if name:
            return name
        return notice_texts.NAMELESS.format(channel=notice_texts.CHANNEL_NAMES.get(channel, channel), tail=external_id[-4:])

    def last_seen(self, channel: str, external_id: str) -> str | None:
        """When the user last wrote or did anything (UTC ISO), or None for someone never seen."""
        row = self.db.execute(
            "select last_seen from users where channel = ? and external_id = ?", [channel, external_id]
        ).fetchone()
        return row[0] if row else None

    def personal_data(self, channel: str, external_id: str) -> dict[str, Any]:
        """What the bot keeps about one person, for them to see (/mydata)."""
        where, args = "channel = ? and external_id = ?", [channel, external_id]
        users = list(self.db["users"].rows_where(where, args))
        subscriptions = list(self.db["subscriptions"].rows_where(where, args))
        count = lambda sql: self.db.execute(sql, args).fetchone()[0]  # noqa: E731
        return {
            "user": users[0] if users else None,
            "subscription": subscriptions[0] if subscriptions else None,
            "questions": count(f"select count(*) from question_log where {where}"),
            "reminders": count(f"select count(*) from fair_reminders where {where} and status = 'pending'"),
            "roles": [r.role for r in self.roles_of(channel, external_id)],
        }

    def forget_user(self, channel: str, external_id: str) -> None:
        """Delete everything personal about one person, in one transaction."""
        with self.db.atomic():
            for table in PERSONAL_TABLES:
                self.db.execute(f"delete from {table} where channel = ? and external_id = ?", [channel, external_id])
            self.db.execute("delete from invites where owner = ?", [f"{channel}:{external_id}"])

    def count_users(self, since: str | None = None) -> int:
        """All users, or those first seen at or after `since` (UTC ISO)."""
        if since is None:
            return self.db["users"].count
        return self.db.execute("select count(*) from users where first_seen >= ?", [since]).fetchone()[0]

    # -- roles --------------------------------------------------------------

    def roles_of(self, channel: str, external_id: str) -> list[RoleGrant]:
        # Plain SQL: asked for every message, where sqlite-utils' rows_where first looks the table up (3 queries).
        rows = self.db.execute(
            "select * from roles where channel = ? and external_id = ? order by role", [channel, external_id]
        )
        columns = [c[0] for c in rows.description]
        return [RoleGrant(**dict(zip(columns, row, strict=True))) for row in rows.fetchall()]

    def role_grants(self) -> list[RoleGrant]:
        """Everyone with a role, with their display name when the bot has seen them."""
        rows = self.db.execute(
            """
            select r.*, coalesce(u.name, '') as name from roles r
            left join users u on u.channel = r.channel and u.external_id = r.external_id
            order by r.role, r.city, r.granted_at
            """
        )
        columns = [c[0] for c in rows.description]
        return [RoleGrant(**dict(zip(columns, row, strict=True))) for row in rows.fetchall()]

    def grant_role(
        self, channel: str, external_id: str, role: str, actor: str, city: str = "", campus: str = ""
    ) -> RoleGrant:
        """Give (or update) a role; the change goes to the audit log."""
        row = {
            "channel": channel,
            "external_id": external_id,
            "role": role,
            "city": city,
            "campus": campus,
            "granted_by": actor,
            "granted_at": self.stamp(),
        }
        with self.db.atomic():
            before = [r.__dict__ for r in self.roles_of(channel, external_id) if r.role == role]
            self.db["roles"].upsert(row, pk=("channel", "external_id", "role"))
            self.audit(actor, "role.grant", f"{channel}:{external_id}", before[0] if before else None, row)
        return RoleGrant(**row)

    def revoke_role(self, channel: str, external_id: str, role: str, actor: str) -> bool:
        """Take a role away; False if the user did not have it."""
        with self.db.atomic():
            before = [r for r in self.roles_of(channel, external_id) if r.role == role]
            if not before:
                return False
            self.db["roles"].delete((channel, external_id, role))
            self.db.execute("delete from dialogs where channel = ? and external_id = ?", [channel, external_id])
            if role == "admin":  # their web console sessions end at once (each request checks the role too)
                self.db.execute("delete from web_sessions where channel = ? and external_id = ?", [channel, external_id])
            self.audit(actor, "role.revoke", f"{channel}:{external_id}", before[0].__dict__, None)
        return True

    # -- audit ----------------------------------------------------------------

    def audit(self, actor: str, action: str, target: str, before: Any = None, after: Any = None) -> None:
        """Append to the audit log (inside the caller's transaction when there is one)."""
        self.db["audit_log"].insert(
            {
                "actor": actor,
                "action": action,
                "target": target,
                "before": None if before is None else json.dumps(before, ensure_ascii=False, default=str),
                "after": None if after is None else json.dumps(after, ensure_ascii=False, default=str),
                "created_at": self.stamp(),
            }
        )

    def audit_entries(self, limit: int = 100) -> list[dict[str, Any]]:
        """The most recent audit entries, newest first."""
        return list(self.db["audit_log"].rows_where(order_by="id desc", limit=limit))

    # -- admin dialogs ----------------------------------------------------------

    def dialog(self, channel: str, external_id: str) -> tuple[str, dict[str, Any]] | None:
        """The guided flow a user is in (name and collected data), kept across restarts.

        A flow left alone for DIALOG_MINUTES is over: days later the admin's next
        message must be a question again, not the answer to a forgotten prompt.
        """
        rows = list(self.db["dialogs"].rows_where("channel = ? and external_id = ?", [channel, external_id]))
        if not rows:
            return None
        if datetime.fromisoformat(rows[0]["updated_at"]) < self.clock.now() - timedelta(minutes=DIALOG_MINUTES):
            self.clear_dialog(channel, external_id)
            return None
        return rows[0]["flow"], json.loads(rows[0]["data"])

    def set_dialog(self, channel: str, external_id: str, flow: str, data: dict[str, Any]) -> None:
        row = {"channel": channel, "external_id": external_id, "flow": flow, "updated_at": self.stamp()}
        self.db["dialogs"].upsert({**row, "data": json.dumps(data, ensure_ascii=False)}, pk=("channel", "external_id"))

    def clear_dialog(self, channel: str, external_id: str) -> None:
        self.db.execute("delete from dialogs where channel = ? and external_id = ?", [channel, external_id])
        self.db.conn.commit()
