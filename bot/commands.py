"""Commands and buttons, declared once: what the router, the menus, /help and the permission check read.

Each feature declares its families beside its handlers (bot/faq/commands.py, bot/notices/commands.py,
bot/fairs/commands.py, bot/people/commands.py); bot/routes.py puts them in one `Table`, in the order
the command menu and /help show them. A family is one line of /help and the commands it presents:
each command with the role it needs, its entry in Telegram's command menu and its key in WeChat's
custom menu (students' commands), and the button prefixes the family's handlers answer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.people.permissions import Role
from bot.replies import Reply, Request

if TYPE_CHECKING:
    from bot.conversation import Conversation
    from bot.people.permissions import Actor

#: A handler: the core, who acts, what they sent (a command's args, a button's action) → the replies.
Handler = Callable[["Conversation", "Actor", Request], list[Reply]]


@dataclass(frozen=True)
class Command:
    """One command: `/name`, the role it needs (None: its family's), where the menus show it."""

    name: str
    handler: Handler
    role: Role | None = None
    menu: str = ""  # its entry in Telegram's command menu; "" keeps it out
    wechat_key: str = ""  # the CLICK key of WeChat's custom menu that runs it (bot/channels/wechat/menu.yaml)


@dataclass(frozen=True)
class Family:
    """A feature's group of commands and buttons: who it is for, and its line in that role's /help."""

    role: Role
    help: str = ""
    commands: tuple[Command, ...] = ()
    buttons: tuple[tuple[tuple[str, ...], Handler], ...] = ()  # (action prefixes, handler)


class Table:
    """Every family, in the order the command menu and /help show them."""

    def __init__(self, *families: Family) -> None:
        self.families = families
        self.commands: dict[str, tuple[Command, Role]] = {}
        for family in families:
            for command in family.commands:
                assert command.name not in self.commands, f"/{command.name} declared twice"
                self.commands[command.name] = (command, command.role if command.role is not None else family.role)
        self.buttons = tuple((prefix, handler) for f in families for prefixes, handler in f.buttons for prefix in prefixes)

    def command(self, name: str) -> tuple[Command, Role] | None:
        """The command called `name` and the role it needs, or None for a command nobody declared."""
        return self.commands.get(name)

    def button(self, action: str) -> Handler | None:
        """The handler of the first family whose prefix `action` starts with."""
        return next((handler for prefix, handler in self.buttons if action.startswith(prefix)), None)

    def _all(self) -> Iterator[Command]:
        return (command for family in self.families for command in family.commands)

    def menu(self) -> list[tuple[str, str]]:
        """Telegram's command menu: (name, text) of every command that has an entry."""
        return [(command.name, command.menu) for command in self._all() if command.menu]

    def wechat_keys(self) -> dict[str, str]:
        """WeChat's custom menu: CLICK key → the command it runs."""
        return {command.wechat_key: command.name for command in self._all() if command.wechat_key}

    def help_lines(self, role: Role) -> str:
        """The /help lines of the families for exactly `role`, one a line."""
        return "\n".join(family.help for family in self.families if family.role is role and family.help)
