"""People's commands and buttons (bot/commands.py): one's own data for everyone; roles and the web console for admins."""

from __future__ import annotations

from bot.commands import Command, Family
from bot.people.permissions import Role

PRIVACY = Family(
    Role.STUDENT,
    help="· /mydata 查看机器人保存的关于你的信息，也可以一键删除；",
    commands=(
        Command("mydata", lambda core, actor, request: [core.privacy.show(actor)], menu="查看/删除我的数据"),
        Command("forgetme", lambda core, actor, request: [core.privacy.button(actor, "me:forget")]),
    ),
    buttons=((("me:",), lambda core, actor, request: [core.privacy.button(actor, request.text)]),),
)

ROLES = Family(
    Role.ADMIN,
    help=(
        "· /grant 用户ID admin｜ambassador 城市 [学校] 授予角色（也可回复对方转发来的消息）\n"
        "· /revoke 用户ID [admin｜ambassador] 撤销角色；/roles 查看名单"
    ),
    commands=(
        Command("grant", lambda core, actor, request: core.roles.grant(actor, request)),
        Command("revoke", lambda core, actor, request: core.roles.revoke(actor, request)),
        Command("roles", lambda core, actor, request: core.roles.roles(actor)),
    ),
)

CONSOLE = Family(
    Role.ADMIN,
    help="· /console 网页管理后台的登录链接（一次性，10 分钟内有效）",
    commands=(Command("console", lambda core, actor, request: core.roles.console_link(actor)),),
)
