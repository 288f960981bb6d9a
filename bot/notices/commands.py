"""Notices' commands and buttons (bot/commands.py): following for everyone; announcing for ambassadors."""

from __future__ import annotations

from bot.commands import Command, Family
from bot.people.permissions import Role

FOLLOWING = Family(
    Role.STUDENT,
    help="· /subscribe 选择读书城市和想收到的通知，/mysubs 查看；",
    commands=(
        Command("subscribe", lambda core, actor, request: [core.following.subscribe_menu(actor)],
                menu="选择关注的城市和通知", wechat_key="CMD_SUBSCRIBE"),  # fmt: skip
        Command("mysubs", lambda core, actor, request: core.following.my_subscriptions(actor), menu="查看我的关注",
                wechat_key="CMD_MYSUBS"),  # fmt: skip
    ),
    buttons=((("sub:", "unsub:"), lambda core, actor, request: core.following.button(actor, request.text)),),
)

ANNOUNCING = Family(
    Role.AMBASSADOR,
    help="/announce 发布通知，/announcements 查看发布记录，/invite 我的邀请方式",
    commands=(
        Command("announce", lambda core, actor, request: core.announcer.start(actor)),
        Command("announcements", lambda core, actor, request: core.announcer.list(actor)),
        Command("invite", lambda core, actor, request: core.following.invite(actor)),
    ),
    buttons=((("an:",), lambda core, actor, request: core.announcer.on_button(actor, request.text.removeprefix("an:"))),),
)
