"""Job fairs' commands and buttons (bot/commands.py): the list and reminders for everyone; fairs for admins."""

from __future__ import annotations

from bot.commands import Command, Family
from bot.fairs import texts as fair_texts
from bot.people.permissions import Role

LISTING = Family(
    Role.STUDENT,
    help=fair_texts.HELP_LISTING,
    commands=(
        Command("fairs", lambda core, actor, request: [core.fairs.list(admin=actor.role is Role.ADMIN)],
                menu=fair_texts.MENU_FAIRS, wechat_key="CMD_FAIRS"),  # fmt: skip
        Command("myfairs", lambda core, actor, request: [core.fairs.mine(actor)], menu=fair_texts.MENU_MYFAIRS,
                wechat_key="CMD_MYFAIRS"),  # fmt: skip
    ),
    buttons=((("fl:", "fd:", "fr:", "frl:", "fx:", "fc:"),
              lambda core, actor, request: core.fairs.button(actor, request.text)),),  # fmt: skip
)

EDITING = Family(
    Role.ADMIN,
    help=fair_texts.HELP_EDITING,
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
