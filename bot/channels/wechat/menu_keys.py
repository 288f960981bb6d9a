"""The custom menu's CLICK keys and what each asks the core: one table for both sides.

The push side publishes the menu with these keys; the inbound side turns a
CLICK event's EventKey into the core request named here: (kind, text), kind
'command' (text is the command name) or 'button' (text is the action). The keys
are declared with the commands they run (bot/routes.py).
"""

from __future__ import annotations

from typing import Literal

from bot.routes import TABLE

MenuAction = tuple[Literal["command", "button"], str]

MENU_KEYS: dict[str, MenuAction] = {key: ("command", name) for key, name in TABLE.wechat_keys().items()}
