"""The FAQ's commands and buttons (bot/commands.py): browsing for everyone; editing, review, stats for admins."""

from __future__ import annotations

from bot import texts
from bot.commands import Command, Family
from bot.faq import texts as faq_texts
from bot.people.permissions import Role
from bot.replies import Reply, Request

BROWSING = Family(
    Role.STUDENT,
    help=faq_texts.HELP_BROWSING,
    commands=(Command("faq", lambda core, actor, request: [core.answers.menu()], menu=faq_texts.MENU_FAQ,
                      wechat_key="CMD_FAQ"),),  # fmt: skip
    buttons=((("menu", "nav:", "cat:", "faq:", "pick:", "none:", "rate:"),
              lambda core, actor, request: core.answers.button(request)),),  # fmt: skip
)


def _skip(core, actor, request: Request) -> list[Reply]:
    """/skip inside an admin's or ambassador's flow is the flow's 跳过; anywhere else an unknown command."""
    if actor.role is not Role.STUDENT and core.editor.active(actor):
        return core.route(actor, Request(actor.channel, actor.user_id, "text", "/skip"))
    return [Reply(texts.UNKNOWN_COMMAND)]


EDITING = Family(
    Role.ADMIN,
    help=faq_texts.HELP_EDITING,
    commands=(
        Command("add", lambda core, actor, request: core.editor.start_add(actor)),
        Command("edit", lambda core, actor, request: core.editor.start_edit(actor, request.args)),
        Command("delete", lambda core, actor, request: core.editor.ask_delete(actor, request.args)),
        Command("history", lambda core, actor, request: core.editor.history(actor, request.args)),
        Command("export", lambda core, actor, request: core.editor.export(actor, request.args)),
        Command("synonyms", lambda core, actor, request: core.admin.synonyms(actor, request.args)),
        Command("synonym", lambda core, actor, request: core.admin.synonyms(actor, request.args)),
        Command("cantonese", lambda core, actor, request: core.admin.cantonese(actor, request.args)),
        Command("skip", _skip, role=Role.STUDENT),
    ),
    buttons=((("ed:",), lambda core, actor, request: core.editor.on_button(actor, request.text.removeprefix("ed:"))),),
)


def _review_button(core, actor, request: Request) -> list[Reply]:
    """🆕 under a reviewed question starts a new entry from it; the other choices answer for themselves."""
    result = core.admin.review_button(actor, request.text.removeprefix("rv:"))
    return core.editor.start_add(actor, question=result[1]) if isinstance(result, tuple) else result


REVIEW = Family(
    Role.ADMIN,
    help=faq_texts.HELP_REVIEW,
    commands=(
        Command("unanswered", lambda core, actor, request: core.admin.unanswered(actor, request.args)),
        Command("stats", lambda core, actor, request: core.admin.stats(actor)),
        # Anyone may cancel; only admins and ambassadors ever have something to cancel.
        Command("cancel", lambda core, actor, request: core.editor.cancel(actor), role=Role.STUDENT),
    ),
    buttons=((("rv:",), _review_button),),
)
