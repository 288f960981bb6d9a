"""Notices' commands and buttons (bot/commands.py): following for everyone; announcing for ambassadors."""

from __future__ import annotations

from bot.commands import Command, Family
from bot.notices import texts as notice_texts
from bot.people.permissions import Role

FOLLOWING = Family(
    Role.STUDENT,
    help=notice_texts.HELP_FOLLOWING,
    commands=(
        Command("subscribe", lambda core, actor, request: [core.following.subscribe_menu(actor)],
                menu=notice_texts.MENU_SUBSCRIBE, wechat_key="CMD_SUBSCRIBE"),  # fmt: skip
        Command("mysubs", lambda core, actor, request: core.following.my_subscriptions(actor), menu=notice_texts.MENU_MYSUBS,
                wechat_key="CMD_MYSUBS"),  # fmt: skip
    ),
    buttons=((("sub:", "unsub:"), lambda core, actor, request: core.following.button(actor, request.text)),),
)

ANNOUNCING = Family(
    Role.AMBASSADOR,
    help=notice_texts.HELP_ANNOUNCING,
    commands=(
        Command("announce", lambda core, actor, request: core.announcer.start(actor)),
        Command("announcements", lambda core, actor, request: core.announcer.list(actor)),
        Command("invite", lambda core, actor, request: core.following.invite(actor)),
    ),
    buttons=((("an:",), lambda core, actor, request: core.announcer.on_button(actor, request.text.removeprefix("an:"))),),
)
