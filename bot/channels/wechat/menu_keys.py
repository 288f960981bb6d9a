"""The custom menu's CLICK keys and what each asks the core: one table for both sides.

The push side publishes the menu with these keys; the inbound side turns a
CLICK event's EventKey into the core request named here: (kind, text), kind
'command' (text is the command name) or 'button' (text is the action).
"""

from __future__ import annotations

from typing import Literal

MenuAction = tuple[Literal["command", "button"], str]

MENU_KEYS: dict[str, MenuAction] = {
    "CMD_FAQ": ("command", "faq"),
    "CMD_FAIRS": ("command", "fairs"),
    "CMD_MYFAIRS": ("command", "myfairs"),
    "CMD_SUBSCRIBE": ("command", "subscribe"),
    "CMD_MYSUBS": ("command", "mysubs"),
    "CMD_HELP": ("command", "help"),
}
