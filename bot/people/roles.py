"""Admins' roles desk: granting and revoking roles, the list of who has which, the web console's login link.

Plain functions of the core (no chat library). Each one starts with `actor.require(...)`, so
whatever arrives (a typed command, a forged button), a student is refused and nothing changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot import texts
from bot.people import texts as people_texts
from bot.people.permissions import CITIES, Actor, Role
from bot.replies import Reply, Request
from bot.settings import Settings
from bot.store import Store
from bot.web.links import LINK_VALID, issue_link


@dataclass
class RoleDesk:
    settings: Settings
    store: Store
    #: Where the web console is served, once it is (its port may be chosen at start): /console links point there.
    web_url: str = ""

    def grant(self, actor: Actor, request: Request) -> list[Reply]:
        actor.require(Role.ADMIN)
        target, args = _target(request)
        if not target or not args or args[0] not in ("admin", "ambassador"):
            return [Reply(people_texts.GRANT_USAGE)]
        role, city, campus = args[0], "", ""
        if role == "ambassador":
            if len(args) < 2 or args[1] not in CITIES:
                return [Reply(people_texts.UNKNOWN_CITY.format(cities="、".join(CITIES)))]
            city, campus = args[1], " ".join(args[2:])
        self.store.grant_role(request.channel, target, role, actor.key, city=city, campus=campus)
        where = f"（{city}{' ' + campus if campus else ''}）" if city else ""
        return [
            Reply(
                people_texts.GRANTED.format(who=self._who(request.channel, target), role=people_texts.ROLE_NAMES[role], where=where)
            )
        ]

    def revoke(self, actor: Actor, request: Request) -> list[Reply]:
        actor.require(Role.ADMIN)
        target, args = _target(request)
        if not target or (args and args[0] not in ("admin", "ambassador")):
            return [Reply(people_texts.REVOKE_USAGE)]
        who = self._who(request.channel, target)
        roles = [args[0]] if args else ["admin", "ambassador"]
        if "admin" in roles and self.settings.is_configured_admin(request.channel, target):
            return [Reply(people_texts.CANNOT_REVOKE_CONFIGURED.format(who=who))]
        done = [r for r in roles if self.store.revoke_role(request.channel, target, r, actor.key)]
        if not done:
            return [Reply(people_texts.NOT_REVOKED.format(who=who, role="、".join(people_texts.ROLE_NAMES[r] for r in roles)))]
        return [Reply(people_texts.REVOKED.format(who=who, role="、".join(people_texts.ROLE_NAMES[r] for r in done)))]

    def roles(self, actor: Actor) -> list[Reply]:
        actor.require(Role.ADMIN)
        grants = self.store.role_grants()
        configured = texts.ROLES_CONFIGURED.format(ids="、".join(map(str, sorted(self.settings.admin_ids))) or "无")
        if not grants:
            return [Reply(people_texts.ROLES_EMPTY + "\n" + configured)]
        lines = [
            people_texts.ROLES_LINE.format(
                name=g.name or "未见过",
                who=f"{g.channel}:{g.external_id}",
                role=people_texts.ROLE_NAMES.get(g.role, g.role),
                where=f"·{g.city}{' ' + g.campus if g.campus else ''}" if g.city else "",
                when=self._local_date(g.granted_at),
                by=g.granted_by,
            )
            for g in grants
        ]
        return [Reply("\n".join([*lines, configured]))]

    def _who(self, channel: str, user_id: str) -> str:
        name = self.store.user_name(channel, user_id)
        return f"{name}（{user_id}）" if name else user_id

    def _local_date(self, iso: str) -> str:
        return datetime.fromisoformat(iso).astimezone(self.settings.timezone).date().isoformat()

    def console_link(self, actor: Actor) -> list[Reply]:
        """/console: a single-use link that logs this admin into the web console."""
        actor.require(Role.ADMIN)
        if not self.settings.web_enabled:
            return [Reply(people_texts.WEB_CONSOLE_OFF)]
        url = issue_link(self.settings, self.store, actor.channel, actor.user_id, self.web_url)
        return [Reply(people_texts.WEB_CONSOLE_LINK.format(url=url, minutes=int(LINK_VALID.total_seconds() // 60)))]


def _target(request: Request) -> tuple[str | None, tuple[str, ...]]:
    """Who a role command is about: the replied-to user, else a numeric first argument."""
    if request.target_user_id:
        return request.target_user_id, request.args
    if request.args and request.args[0].isascii() and request.args[0].isdecimal():
        return request.args[0], request.args[1:]
    return None, request.args
