"""Job fairs' commands and buttons (bot/commands.py): the list and reminders for everyone; fairs for admins."""

from __future__ import annotations

from bot.commands import Command, Family
from bot.people.permissions import Role

LISTING = Family(
    Role.STUDENT,
    help="· /fairs 近期招聘会（可设提醒、加入日历），/myfairs 我的提醒；",
    commands=(
        Command("fairs", lambda core, actor, request: [core.fairs.list(admin=actor.role is Role.ADMIN)],
                menu="近期招聘会", wechat_key="CMD_FAIRS"),  # fmt: skip
        Command("myfairs", lambda core, actor, request: [core.fairs.mine(actor)], menu="我的招聘会提醒",
                wechat_key="CMD_MYFAIRS"),  # fmt: skip
    ),
    buttons=((("fl:", "fd:", "fr:", "frl:", "fx:", "fc:"),
              lambda core, actor, request: core.fairs.button(actor, request.text)),),  # fmt: skip
)

EDITING = Family(
    Role.ADMIN,
    help=(
        "· /addfair 新增招聘会；/editfair 编号 修改；/cancelfair 编号 取消（会通知设了提醒的同学）\n"
        "· /fairleads [1d 1h …] 默认提醒时间；/exportfairs [xlsx｜csv] 导出招聘会；/importfairs 导入"
    ),
    commands=(
        Command("addfair", lambda core, actor, request: core.fair_editor.start_add(actor)),
        Command("editfair", lambda core, actor, request: core.fair_editor.start_edit(actor, request.args)),
        Command("cancelfair", lambda core, actor, request: core.fair_editor.ask_cancel(actor, request.args)),
        Command("fairleads", lambda core, actor, request: core.fair_editor.leads(actor, request.args)),
        Command("exportfairs", lambda core, actor, request: core.fair_editor.export(actor, request.args)),
        Command("importfairs", lambda core, actor, request: core.fair_editor.start_import(actor)),
    ),
    buttons=((("fe:",), lambda core, actor, request: core.fair_editor.on_button(actor, request.text.removeprefix("fe:"))),),
)
