"""The command table (bot/routes.py): the router, the menus, /help and the permission check all read it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot import texts
from bot.channels.telegram.adapter import COMMANDS
from bot.channels.wechat.menu_keys import MENU_KEYS
from bot.commands import Command, Family, Table
from bot.notices import texts as notice_texts
from bot.people.permissions import Role
from bot.replies import Request
from bot.routes import TABLE

ROOT = Path(__file__).resolve().parent.parent
ADMIN, AMBASSADOR, STUDENT = "1", "2", "3"


@pytest.fixture
def bot(conversation):
    """telegram:1 an admin and telegram:2 an ambassador, granted in the database."""
    conversation.store.grant_role("telegram", ADMIN, "admin", "cli")
    conversation.store.grant_role("telegram", AMBASSADOR, "ambassador", "cli", city="武汉")
    return conversation


def command(bot, user: str, name: str) -> list:
    return bot.handle(Request("telegram", user, "command", name))


def test_telegrams_menu_is_the_students_commands_in_the_tables_order():
    assert COMMANDS == ("start", "faq", "subscribe", "mysubs", "fairs", "myfairs", "mydata", "help")
    assert all(TABLE.command(name)[1] is Role.STUDENT for name in COMMANDS)


def test_every_key_of_the_published_wechat_menu_runs_a_declared_command():
    menu = yaml.safe_load((ROOT / "bot/channels/wechat/menu.yaml").read_text(encoding="utf-8"))
    keys = {b["key"] for top in menu["button"] for b in top.get("sub_button", [top]) if "key" in b}
    assert keys <= set(MENU_KEYS)
    assert all(TABLE.command(name) is not None for _, name in MENU_KEYS.values())


@pytest.mark.parametrize("name", [n for n, (_, role) in TABLE.commands.items() if role is Role.ADMIN])
def test_a_student_and_an_ambassador_are_refused_every_admin_command(bot, name):
    for user in (STUDENT, AMBASSADOR):
        assert [r.text for r in command(bot, user, name)] == [texts.NOT_ALLOWED]


@pytest.mark.parametrize("name", [n for n, (_, role) in TABLE.commands.items() if role is Role.AMBASSADOR])
def test_a_student_is_refused_every_ambassador_command(bot, name):
    assert [r.text for r in command(bot, STUDENT, name)] == [notice_texts.NOT_AMBASSADOR]
    assert notice_texts.NOT_AMBASSADOR not in [r.text for r in command(bot, AMBASSADOR, name)]


def test_help_shows_each_family_line_to_its_role_and_the_roles_above(bot):
    helps = {user: command(bot, user, "help")[0].text for user in (STUDENT, AMBASSADOR, ADMIN)}
    for family in TABLE.families:
        if not family.help:
            continue
        shown = {user for user, text in helps.items() if family.help in text}
        assert shown == {u for u, role in ((STUDENT, Role.STUDENT), (AMBASSADOR, Role.AMBASSADOR),
                                           (ADMIN, Role.ADMIN)) if role >= family.role}  # fmt: skip


def test_an_undeclared_command_is_unknown_and_an_undeclared_button_stale(bot):
    assert [r.text for r in command(bot, ADMIN, "nosuch")] == [texts.UNKNOWN_COMMAND]
    assert [r.text for r in bot.handle(Request("telegram", ADMIN, "button", "zz:1"))] == [texts.STALE_BUTTON]


def test_a_command_declared_twice_is_refused_when_the_table_is_built():
    twice = Family(Role.STUDENT, commands=(Command("x", lambda core, actor, request: []),))
    with pytest.raises(AssertionError, match="/x declared twice"):
        Table(twice, twice)
