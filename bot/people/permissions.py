"""Who may do what. Every admin or ambassador action asks here first, in the core.

Adapters never decide: a student who sends /grant, presses a forged admin
button or uploads a file reaches the same check and gets a polite refusal.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from bot.settings import Settings
from bot.store import Store


class Role(IntEnum):
    """Ordered: each role may do everything the ones below it may."""

    STUDENT = 0
    AMBASSADOR = 1
    ADMIN = 2


class NotAllowed(PermissionError):
    """The user's role is below what the action needs (`needed`)."""

    def __init__(self, message: str, needed: Role) -> None:
        super().__init__(message)
        self.needed = needed


@dataclass(frozen=True)
class Actor:
    """The user behind a request, with their highest role."""

    channel: str
    user_id: str
    role: Role
    city: str = ""
    campus: str = ""

    @property
    def key(self) -> str:
        """How the audit log names them: 'telegram:123'."""
        return f"{self.channel}:{self.user_id}"

    def require(self, role: Role) -> None:
        if self.role < role:
            raise NotAllowed(f"{self.key} is {self.role.name}, needs {role.name}", role)


def actor_for(settings: Settings, store: Store, channel: str, user_id: str) -> Actor:
    """Look up a user's role: admins from settings, then roles granted in the database."""
    if settings.is_configured_admin(channel, user_id):
        return Actor(channel, user_id, Role.ADMIN)
    grants = {g.role: g for g in store.roles_of(channel, user_id)}
    if "admin" in grants:
        return Actor(channel, user_id, Role.ADMIN)
    if "ambassador" in grants:
        grant = grants["ambassador"]
        return Actor(channel, user_id, Role.AMBASSADOR, grant.city, grant.campus)
    return Actor(channel, user_id, Role.STUDENT)


#: Where the campus ambassadors are (东人社函〔2023〕56号 三（一）四是), and 其他 for the rest.
CITIES = ("北京", "上海", "广州", "武汉", "长沙", "其他")
