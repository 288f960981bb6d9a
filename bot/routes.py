"""Every command and button family in one table, in the order Telegram's command menu and /help show them.

The features declare their families beside their handlers; this is the one place that includes them
(as aiogram's entry point includes each feature's router). The router (bot/conversation.py), the
Telegram command menu, WeChat's menu keys, /help and the permission check all read `TABLE`.
"""

from __future__ import annotations

from bot import texts
from bot.commands import Command, Family, Table
from bot.fairs import commands as fairs
from bot.faq import commands as faq
from bot.notices import commands as notices
from bot.people import commands as people
from bot.people.permissions import Role
from bot.replies import Button, Reply, Request


def _start(core, actor, request: Request) -> list[Reply]:
    """The welcome with the topic menu; an invite code (/start CODE) follows that ambassador's city."""
    welcome = Reply(core.answers.fill(texts.WELCOME), buttons=core.answers.menu_buttons())
    followed = core.following.follow_invite(actor, request.args[0]) if request.args else None
    return [welcome, followed] if followed else [welcome]


def _help(core, actor, request: Request) -> list[Reply]:
    """How to use the bot, and what this user's role adds: the lines of the families they may use."""
    blocks = [texts.HELP_BLOCKS[role].format(lines=TABLE.help_lines(role), **core.settings.placeholders)
              for role in Role if role <= actor.role]  # fmt: skip
    return [Reply("\n\n".join(blocks), buttons=((Button(texts.BUTTON_MENU, "menu"),),))]


START = Family(Role.STUDENT, commands=(Command("start", _start, menu=texts.MENU_START),))
HELP = Family(
    Role.STUDENT,
    help=texts.HELP_HELP,
    commands=(Command("help", _help, menu=texts.MENU_HELP, wechat_key="CMD_HELP"),),
)

TABLE = Table(
    START,
    faq.BROWSING,
    notices.FOLLOWING,
    fairs.LISTING,
    people.PRIVACY,
    HELP,
    notices.ANNOUNCING,
    people.ROLES,
    faq.EDITING,
    fairs.EDITING,
    faq.REVIEW,
    people.CONSOLE,
)
