"""The web console's state: its signing key, single-use login links, sessions.

Only hashes of the secrets are kept (a copy of the database opens no session);
times are the store's clock, so tests pin them like everything else.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

import sqlite_utils

from bot.clock import Clock
from bot.store.schema import iso


class WebStore:
    db: sqlite_utils.Database
    clock: Clock
    stamp: Callable[[], str]
    audit: Callable[..., None]

    def web_key(self, name: str = "signing") -> str:
        """A random key generated once and kept in the database (used when WEB_SECRET is not set)."""
        rows = list(self.db["web_keys"].rows_where("name = ?", [name]))
        if rows:
            return rows[0]["value"]
        with self.db.atomic():
            self.db["web_keys"].insert(
                {"name": name, "value": secrets.token_urlsafe(32), "created_at": self.stamp()}, ignore=True
            )
        return next(self.db["web_keys"].rows_where("name = ?", [name]))["value"]

    def add_login_token(self, token_hash: str, channel: str, external_id: str, valid: timedelta) -> None:
        now = self.clock.now()
        with self.db.atomic():
            self.db["web_login_tokens"].insert(
                {"token_hash": token_hash, "channel": channel, "external_id": external_id,
                 "created_at": iso(now), "expires_at": iso(now + valid), "used_at": None}  # fmt: skip
            )
            self.db.execute("delete from web_login_tokens where expires_at < ?", [iso(now - timedelta(days=1))])

    def take_login_token(self, token_hash: str) -> tuple[str, str] | None:
        """Use a login token once: (channel, user id) if it exists, is unused and unexpired; else None."""
        now = self.stamp()
        with self.db.atomic():
            cursor = self.db.execute(
                "update web_login_tokens set used_at = ? where token_hash = ? and used_at is null and expires_at > ?",
                [now, token_hash, now],
            )
            if cursor.rowcount != 1:
                return None
            row = next(self.db["web_login_tokens"].rows_where("token_hash = ?", [token_hash]))
        return row["channel"], row["external_id"]

    def open_web_session(self, session_hash: str, channel: str, external_id: str) -> str:
        """A new session for a user; returns its CSRF token. Audited like the admin's other actions."""
        csrf = secrets.token_urlsafe(24)
        now = self.stamp()
        with self.db.atomic():
            self.db["web_sessions"].insert(
                {"session_hash": session_hash, "channel": channel, "external_id": external_id,
                 "csrf": csrf, "created_at": now, "last_seen_at": now}  # fmt: skip
            )
            self.audit(f"{channel}:{external_id}", "web.login", f"{channel}:{external_id}")
        return csrf

    def web_session(self, session_hash: str, idle: timedelta, longest: timedelta) -> dict | None:
        """The live session with this hash, touched; None (and deleted) once idle for longer than `idle`
        or older than `longest`."""
        rows = list(self.db["web_sessions"].rows_where("session_hash = ?", [session_hash]))
        if not rows:
            return None
        now = self.clock.now()
        row = rows[0]
        if datetime.fromisoformat(row["last_seen_at"]) < now - idle or datetime.fromisoformat(row["created_at"]) < now - longest:
            self.end_web_session(session_hash)
            return None
        with self.db.atomic():
            self.db["web_sessions"].update(session_hash, {"last_seen_at": iso(now)})
        return rows[0]

    def end_web_session(self, session_hash: str) -> None:
        with self.db.atomic():
            self.db["web_sessions"].delete_where("session_hash = ?", [session_hash])

    def end_web_sessions_of(self, channel: str, external_id: str) -> int:
        with self.db.atomic():
            cursor = self.db.execute(
                "delete from web_sessions where channel = ? and external_id = ?", [channel, external_id]
            )
        return cursor.rowcount

    def console_figures(self, since: str, now: str) -> dict[str, dict[str, int]]:
        """The dashboard's notice, delivery and fair figures since `since` (UTC ISO)."""

        def tally(sql: str, args: list[str]) -> dict[str, int]:
            return {key or "": count for key, count in self.db.execute(sql, args).fetchall()}

        return {
            "notices": tally(
                "select status, count(*) from announcements where kind = 'notice' and created_at >= ? group by status",
                [since],
            ),
            "deliveries": tally(
                "select status, count(*) from deliveries where updated_at >= ? group by status", [since]
            ),
            "fairs": tally(
                "select case when starts_at >= ? then 'coming' else 'past' end, count(*) from fairs "
                "where status = 'active' group by 1",
                [now],
            ),
            "reminders": tally("select status, count(*) from fair_reminders group by status", []),
        }
