"""People's commands and buttons (bot/commands.py): one's own data for everyone; roles and the web console for admins."""

from __future__ import annotations

from bot.commands import Command, Family
from bot.people import texts as people_texts
from bot.people.permissions import Role

PRIVACY = Family(
    Role.STUDENT,
    help=people_texts.HELP_PRIVACY,
    commands=(
        Command("mydata", lambda core, actor, request: [core.privacy.show(actor)], menu=people_texts.MENU_MYDATA),
        Command("forgetme", lambda core, actor, request: [core.privacy.button(actor, "me:forget")]),
    ),
    buttons=((("me:",), lambda core, actor, request: [core.privacy.button(actor, request.text)]),),
)

ROLES = Family(
    Role.ADMIN,
    help=people_texts.HELP_ROLES,
    commands=(
        Command("grant", lambda core, actor, request: core.roles.grant(actor, request)),
        Command("revoke", lambda core, actor, request: core.roles.revoke(actor, request)),
        Command("roles", lambda core, actor, request: core.roles.roles(actor)),
    ),
)

CONSOLE = Family(
    Role.ADMIN,
    help=people_texts.HELP_CONSOLE,
    commands=(Command("console", lambda core, actor, request: core.roles.console_link(actor)),),
)
