"""Admins keep the FAQ right from the chat; students can never do what admins do.

Driven through `Conversation.handle`, the one entry point every channel uses.
"""

import io
from dataclasses import replace

import openpyxl
import pytest

from bot import texts
from bot.app import build_conversation
from bot.faq import texts as faq_texts
from bot.people import texts as people_texts
from bot.replies import Request
from bot.store import Store

ADMIN, STUDENT, AMBASSADOR = "1", "2", "3"


@pytest.fixture
def bot(conversation):
    """The seeded conversation, with user 1 an admin from settings and user 3 an ambassador."""
    conversation.settings = replace(conversation.settings, admin_ids=frozenset({1}))
    conversation.admin.settings = conversation.roles.settings = conversation.settings
    conversation.store.grant_role("telegram", AMBASSADOR, "ambassador", "cli", city="武汉")
    return conversation


def send(bot, user, kind, text="", *args, **extra):
    return bot.handle(Request("telegram", user, kind, text, tuple(args), **extra))


def command(bot, user, name, *args, **extra):
    return send(bot, user, "command", name, *args, **extra)


#: Flow buttons carry the flow's token; tests name them without it ("ed:cat:talent") and
#: `press` adds the current one, as pressing the button on the latest message would.
TOKEN_AFTER = {"cat": 3, "save": 2, "f": 3, "imp": 3, "cancel": 2, "rm": 3, "alt": 3}


def press(bot, user, action):
    parts = action.split(":")
    if parts[0] == "ed" and len(parts) == TOKEN_AFTER.get(parts[1]):
        dialog = bot.store.dialog("telegram", user)
        token = (dialog[1].get("token") if dialog else None) or "none"
        action = ":".join([*parts[:2], token, *parts[2:]])
    return send(bot, user, "button", action)


def say(bot, user, text):
    return send(bot, user, "text", text)


def xlsx(rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["id", "category", "question", "answer", "alternates"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def state(bot):
    """Everything an admin action could change."""
    db = bot.store.db
    return (
        bot.store.faq_version(),
        [tuple(r.values()) for r in db["roles"].rows],
        db["audit_log"].count,
        db["dialogs"].count,
        db["faq_revisions"].count,
    )


ADMIN_COMMANDS = [
    ("grant", "5", "admin"),
    ("revoke", "3"),
    ("roles",),
    ("unanswered",),
    ("stats",),
    ("add",),
    ("edit", "contact"),
    ("delete", "contact"),
    ("history", "contact"),
    ("export", "xlsx"),
]
ADMIN_BUTTONS = [
    "ed:save",
    "ed:del:contact",
    "ed:rb:contact:1",
    "ed:rbok:contact:1",
    "ed:rbo:contact:1",
    "ed:rbook:contact:1",
    "ed:imp:keep",
    "ed:imp:delete",
    "ed:f:answer",
    "ed:cat:contact",
    "ed:rm:0",
    "rv:a:1",
    "rv:t:1:contact",
    "rv:d:1",
    "rv:n:1",
]


@pytest.mark.parametrize("user", [STUDENT, AMBASSADOR])
@pytest.mark.parametrize("entry", ADMIN_COMMANDS, ids=lambda e: e[0])
def test_a_non_admin_sending_an_admin_command_is_refused_and_nothing_changes(bot, user, entry):
    say(bot, STUDENT, "东莞天气怎么样")  # something an admin could act on
    before = state(bot)
    [reply] = command(bot, user, *entry)
    assert reply.text == texts.NOT_ALLOWED and reply.document is None
    assert state(bot) == before


@pytest.mark.parametrize("action", ADMIN_BUTTONS)
def test_a_forged_or_stale_admin_button_from_a_student_is_refused(bot, action):
    say(bot, STUDENT, "东莞天气怎么样")
    bot.store.set_dialog("telegram", STUDENT, "edit", {"step": "confirm", "entry": {"id": "contact"}})  # even mid-flow
    before = state(bot)
    [reply] = press(bot, STUDENT, action)
    assert reply.text == texts.NOT_ALLOWED
    assert state(bot) == before


def test_a_student_uploading_a_file_is_refused_and_nothing_changes(bot):
    before = state(bot)
    good = xlsx([["contact", "contact", "新问题", "新答案", ""]])
    [reply] = send(bot, STUDENT, "file", "faq.xlsx", file=good)
    assert reply.text == texts.NOT_ALLOWED
    assert state(bot) == before


def test_admin_grants_an_ambassador_by_id_and_revokes_by_reply(bot):
    bot.store.touch_user("telegram", "42", "小王")
    [reply] = command(bot, ADMIN, "grant", "42", "ambassador", "上海", "复旦大学")
    assert "小王" in reply.text and "校园大使" in reply.text and "上海 复旦大学" in reply.text
    [grant] = bot.store.roles_of("telegram", "42")
    assert (grant.role, grant.city, grant.campus, grant.granted_by) == ("ambassador", "上海", "复旦大学", "telegram:1")
    [reply] = command(bot, ADMIN, "revoke", target_user_id="42")  # replying to their forwarded message
    assert "撤销" in reply.text and bot.store.roles_of("telegram", "42") == []
    assert [a["action"] for a in bot.store.audit_entries()][:2] == ["role.revoke", "role.grant"]


def test_grant_needs_a_known_city_and_a_target(bot):
    assert command(bot, ADMIN, "grant", "42", "ambassador", "火星")[0].text.startswith("城市请从")
    assert command(bot, ADMIN, "grant", "ambassador", "武汉")[0].text == people_texts.GRANT_USAGE
    assert bot.store.roles_of("telegram", "42") == []


def test_an_admin_from_settings_cannot_be_revoked_in_the_chat(bot):
    [reply] = command(bot, ADMIN, "revoke", ADMIN, "admin")
    assert "ADMIN_IDS" in reply.text


def test_a_granted_admin_may_act_and_roles_lists_everyone(bot):
    command(bot, ADMIN, "grant", "7", "admin")
    [listing] = command(bot, "7", "roles")
    assert "telegram:3" in listing.text and "telegram:7" in listing.text


def test_admin_adds_an_entry_step_by_step_and_the_next_student_question_gets_it(bot):
    assert "编号" in command(bot, ADMIN, "add")[0].text
    say(bot, ADMIN, "housing-subsidy")
    [choose] = say(bot, ADMIN, "不选分类直接打字")  # a typed answer where a button is needed: asked again
    assert any(b.action.startswith("ed:cat:") and b.action.endswith(":talent") for b in choose.all_buttons)
    press(bot, ADMIN, "ed:cat:talent")
    say(bot, ADMIN, "东莞有没有人才住房补贴？")
    [ask_source] = say(bot, ADMIN, "来函没有提到人才住房补贴，详情请致电{contact_phone}。")
    assert ask_source.text == faq_texts.PROMPTS["source"]  # the source is asked for, and may be skipped
    say(bot, ADMIN, "东人社函〔2023〕56号")
    preview, confirm = say(bot, ADMIN, "人才公寓\n人才房补贴")
    assert preview.title == "东莞有没有人才住房补贴？" and "0769-12345678" in preview.text
    assert not bot.kb.get("housing-subsidy")  # nothing written before confirmation
    [saved] = press(bot, ADMIN, "ed:save")
    assert "housing-subsidy" in saved.text
    [answer] = say(bot, STUDENT, "人才公寓")
    assert answer.title == "东莞有没有人才住房补贴？"
    assert bot.kb.get("housing-subsidy").source == "东人社函〔2023〕56号"
    [revision] = bot.store.entry_history("housing-subsidy")
    assert (revision.action, revision.actor) == ("create", "telegram:1")


def test_every_step_can_be_cancelled_and_nothing_is_written(bot):
    version = bot.store.faq_version()
    command(bot, ADMIN, "edit", "contact")
    press(bot, ADMIN, "ed:f:answer")
    say(bot, ADMIN, "改坏了的答案")
    [cancelled] = press(bot, ADMIN, "ed:cancel")
    assert cancelled.text == texts.CANCELLED
    assert bot.store.faq_version() == version and "改坏了" not in bot.kb.get("contact").answer
    assert say(bot, ADMIN, "三支一扶")[0].title  # the admin is back to asking questions


def edit_answer(bot, entry_id, text, user=ADMIN):
    command(bot, user, "edit", entry_id)
    press(bot, user, "ed:f:answer")
    say(bot, user, text)
    press(bot, user, "ed:save")


def test_an_edit_is_previewed_then_live_and_can_be_rolled_back(bot):
    original = bot.kb.get("contact").answer
    command(bot, ADMIN, "edit", "contact")
    press(bot, ADMIN, "ed:f:answer")
    preview, _ = say(bot, ADMIN, "第一版：{contact_phone}，工作日 9:00-17:00。")
    assert "工作日" in preview.text and bot.kb.get("contact").answer == original  # previewed, not yet live
    press(bot, ADMIN, "ed:save")
    assert "工作日" in say(bot, STUDENT, "人社局电话是多少")[0].text
    edit_answer(bot, "contact", "第二版：{contact_phone}。")
    [history] = command(bot, ADMIN, "history", "contact")
    # The first edit's state and the original are offered (not the current state), and 取消.
    assert len(history.all_buttons) == 3
    first_edit = history.all_buttons[0].action
    press(bot, ADMIN, first_edit)
    press(bot, ADMIN, first_edit.replace("ed:rb:", "ed:rbok:"))
    assert bot.kb.get("contact").answer.startswith("第一版")  # the second edit is gone
    assert bot.store.entry_history("contact")[0].action == "rollback"
    assert bot.store.entry_history("contact")[-1].before.answer == original


def test_two_admins_editing_one_entry_do_not_undo_each_other(bot):
    bot.store.grant_role("telegram", "7", "admin", "cli")
    command(bot, ADMIN, "edit", "contact")
    press(bot, ADMIN, "ed:f:answer")
    say(bot, ADMIN, "管理员一的答案 {contact_phone}")
    command(bot, "7", "edit", "contact")  # meanwhile, admin 7 adds a phrasing and saves
    press(bot, "7", "ed:f:alt_add")
    say(bot, "7", "人社局座机号码")
    press(bot, "7", "ed:save")
    press(bot, ADMIN, "ed:save")  # admin 1 saves later
    entry = bot.kb.get("contact")
    assert entry.answer.startswith("管理员一的答案") and "人社局座机号码" in entry.alternates


def test_saving_an_edit_of_an_entry_deleted_meanwhile_does_not_bring_it_back(bot):
    bot.store.grant_role("telegram", "7", "admin", "cli")
    command(bot, ADMIN, "edit", "sanzhi-yifu")
    press(bot, ADMIN, "ed:f:answer")
    say(bot, ADMIN, "新答案")
    command(bot, "7", "delete", "sanzhi-yifu")
    press(bot, "7", "ed:del:sanzhi-yifu")
    [reply] = press(bot, ADMIN, "ed:save")
    assert "已经被删除" in reply.text and bot.kb.get("sanzhi-yifu") is None


def test_a_button_from_an_older_flow_cannot_act_on_a_newer_one(bot):
    [_, fields] = command(bot, ADMIN, "edit", "director-visits")
    old_question_button = next(b.action for b in fields.all_buttons if b.action.endswith(":question"))
    command(bot, ADMIN, "edit", "graduate-subsidies")
    assert press(bot, ADMIN, old_question_button)[0].text == texts.ADMIN_STALE
    assert bot.store.dialog("telegram", ADMIN)[1]["step"] == "field"  # the newer flow is untouched


def test_removing_a_phrasing_removes_that_text_even_from_an_old_list(bot):
    first = bot.kb.get("sanzhi-yifu").alternates[:3]
    command(bot, ADMIN, "edit", "sanzhi-yifu")
    [old_list] = press(bot, ADMIN, "ed:f:alt_del")
    by_label = {b.label: b.action for b in old_list.all_buttons}
    press(bot, ADMIN, by_label[first[0][:60]])  # remove the first one
    press(bot, ADMIN, "ed:f:alt_del")  # (a fresh list is shown; the admin presses the old one)
    press(bot, ADMIN, by_label[first[1][:60]])
    press(bot, ADMIN, "ed:save")
    alternates = bot.kb.get("sanzhi-yifu").alternates
    assert first[0] not in alternates and first[1] not in alternates and first[2] in alternates


def test_invalid_fields_are_refused_in_chinese_at_their_own_step(bot):
    command(bot, ADMIN, "add")
    say(bot, ADMIN, "long-one")
    press(bot, ADMIN, "ed:cat:contact")
    [too_long] = say(bot, ADMIN, "问" * 201)
    assert "超过了 200 字" in too_long.text
    say(bot, ADMIN, "一个正常的问题？")
    [bad] = say(bot, ADMIN, "请拨打 {phone}")
    assert "{phone}" in bad.text and "不认识" in bad.text
    say(bot, ADMIN, "请拨打 {contact_phone}")
    [too_long_source] = say(bot, ADMIN, "来" * 201)
    assert "超过了 200 字" in too_long_source.text
    [ask_alternates] = say(bot, ADMIN, "跳过")
    assert "其他问法" in ask_alternates.text


def test_an_upload_confirmed_after_the_faq_changed_is_shown_again_not_applied(bot):
    data = xlsx([["contact", "contact", "怎么联系人社局？", "打电话 {contact_phone}", ""]])
    send(bot, ADMIN, "file", "faq.xlsx", file=data)
    bot.store.grant_role("telegram", "7", "admin", "cli")
    edit_answer(bot, "sanzhi-yifu", "别人刚改的答案", user="7")  # another admin changes the FAQ meanwhile
    replies = press(bot, ADMIN, "ed:imp:keep")
    assert replies[0].text == faq_texts.IMPORT_CHANGED_MEANWHILE
    assert bot.kb.get("contact").question != "怎么联系人社局？"
    press(bot, ADMIN, "ed:imp:keep")
    assert bot.kb.get("contact").question == "怎么联系人社局？"
    assert bot.kb.get("sanzhi-yifu").answer == "别人刚改的答案"  # the other change survived


def test_delete_missing_is_only_possible_when_it_was_offered(bot):
    full = bot.editor.export(bot_actor(bot), ("xlsx",))[0].document[1]
    send(bot, ADMIN, "file", "faq.xlsx", file=full)  # nothing to change: no flow at all
    partial = xlsx([["contact", "contact", "怎么联系人社局？", "打电话 {contact_phone}", ""]])
    [summary] = send(bot, ADMIN, "file", "faq.xlsx", file=partial)
    assert any(b.action.endswith(":delete") for b in summary.all_buttons)
    press(bot, ADMIN, "ed:imp:keep")
    assert bot.kb.get("sanzhi-yifu")


def bot_actor(bot):
    from bot.people.permissions import actor_for

    return actor_for(bot.settings, bot.store, "telegram", ADMIN)


def test_alternates_are_added_and_removed(bot):
    command(bot, ADMIN, "edit", "sanzhi-yifu")
    press(bot, ADMIN, "ed:f:alt_add")
    say(bot, ADMIN, "支教支农支医那个项目")
    press(bot, ADMIN, "ed:save")
    assert "支教支农支医那个项目" in bot.kb.get("sanzhi-yifu").alternates
    command(bot, ADMIN, "edit", "sanzhi-yifu")
    [choose] = press(bot, ADMIN, "ed:f:alt_del")
    target = next(b for b in choose.all_buttons if b.label == "支教支农支医那个项目")
    press(bot, ADMIN, target.action)
    press(bot, ADMIN, "ed:save")
    assert "支教支农支医那个项目" not in bot.kb.get("sanzhi-yifu").alternates


def test_delete_asks_for_confirmation_first(bot):
    command(bot, ADMIN, "delete", "contact")
    assert bot.kb.get("contact")
    press(bot, ADMIN, "ed:del:contact")
    assert bot.kb.get("contact") is None
    assert say(bot, STUDENT, "/faq")  # the bot keeps working


def test_a_flow_survives_a_restart(bot, settings):
    command(bot, ADMIN, "edit", "contact")
    press(bot, ADMIN, "ed:f:question")
    restarted = build_conversation(bot.settings, bot.store, bot.kb)
    preview, _ = say(restarted, ADMIN, "怎么联系人社局？")
    assert preview.title == "怎么联系人社局？"


def test_an_upload_with_one_bad_row_changes_nothing_and_names_the_row(bot):
    before = state(bot)
    data = xlsx(
        [
            ["contact", "contact", "怎么联系？", "打电话 {contact_phone}", ""],
            ["jianxi", "internship", "见习？", "", ""],  # row 3: empty answer
        ]
    )
    [reply] = send(bot, ADMIN, "file", "faq.xlsx", file=data)
    assert "第 3 行" in reply.text and "一条都没有改动" in reply.text
    assert state(bot) == before


def test_a_valid_upload_shows_a_summary_and_applies_only_on_confirmation(bot):
    data = xlsx([["contact", "contact", "怎么联系人社局？", "打电话 {contact_phone}", "电话|热线"]])
    [summary] = send(bot, ADMIN, "file", "faq.xlsx", file=data)
    assert "修改 1 条" in summary.text and "contact" in summary.text
    assert bot.kb.get("contact").question != "怎么联系人社局？"
    press(bot, ADMIN, "ed:imp:keep")
    assert bot.kb.get("contact").alternates == ("电话", "热线")
    assert bot.kb.get("sanzhi-yifu")  # entries missing from the file are kept by default
    assert bot.store.entry_history("contact")[0].action == "import"


def test_export_sends_a_spreadsheet_that_imports_back_unchanged(bot):
    [reply] = command(bot, ADMIN, "export", "xlsx")
    name, content = reply.document
    assert name == "faq.xlsx"
    [back] = send(bot, ADMIN, "file", name, file=content)
    assert back.text == faq_texts.IMPORT_NOTHING


def test_an_unanswered_question_attached_as_alternate_is_answered_next_time(bot):
    question = "毕业后回莞住房有啥补贴政策"
    for user in ("21", "22"):
        assert not say(bot, user, question)[0].title  # not answered: a suggestion or no answer
    say(bot, "23", question + "？")  # near-identical: the same group
    listing = command(bot, ADMIN, "unanswered")
    group = next(r for r in listing if question in r.text)
    assert "×3" in group.text
    attach = next(b for b in group.all_buttons if b.label == faq_texts.BUTTON_ATTACH)
    [choose] = press(bot, ADMIN, attach.action)
    target = choose.all_buttons[0]
    [done] = press(bot, ADMIN, target.action)
    assert "3 个问题已处理" in done.text
    [answer] = say(bot, STUDENT, question)
    assert answer.title == target.label
    assert all(question not in r.text for r in command(bot, ADMIN, "unanswered"))


def test_a_thumbs_down_puts_the_answer_on_the_review_list(bot):
    [answer] = say(bot, STUDENT, "三支一扶")
    down = next(b for b in answer.all_buttons if b.label == faq_texts.RATE_DOWN)
    assert press(bot, STUDENT, down.action)[0].text == faq_texts.RATED_DOWN
    assert any("三支一扶" in r.text and "👎" in r.text for r in command(bot, ADMIN, "unanswered"))


def test_dismissing_a_group_takes_it_off_the_list(bot):
    say(bot, STUDENT, "东莞天气怎么样")
    [_, group] = command(bot, ADMIN, "unanswered")
    dismiss = next(b for b in group.all_buttons if b.label == faq_texts.BUTTON_DISMISS)
    assert "已忽略" in press(bot, ADMIN, dismiss.action)[0].text
    [empty] = command(bot, ADMIN, "unanswered")
    assert "没有待处理的问题" in empty.text


def test_stats_show_days_outcomes_topics_and_users(bot):
    say(bot, STUDENT, "三支一扶")
    say(bot, STUDENT, "东莞天气怎么样")
    [stats] = command(bot, ADMIN, "stats")
    assert "共 2 个问题" in stats.text and "直接回答 50%" in stats.text and "未回答 50%" in stats.text
    assert f"{bot.kb.get('sanzhi-yifu').question}×1" in stats.text and "提问的用户 1 人" in stats.text
    assert "sanzhi-yifu" not in stats.text  # topics by title, not by id


def test_an_out_of_scope_question_does_not_promise_that_staff_will_complete_the_faq(bot):
    [weather] = say(bot, STUDENT, "东莞天气怎么样")
    assert weather.text == faq_texts.OUT_OF_SCOPE.format(contact_phone="0769-12345678")
    assert "工作人员完善" not in weather.text and "0769-12345678" in weather.text
    [unknown] = say(bot, STUDENT, "东莞有没有人才住房补贴")  # on topic, just not in the FAQ: recorded
    assert unknown.text == faq_texts.NO_ANSWER.format(contact_phone="0769-12345678")


def test_a_question_in_english_is_told_in_english_when_it_gets_no_answer(bot):
    [weather] = say(bot, STUDENT, "what's the weather like in Dongguan tomorrow?")
    assert weather.text == faq_texts.OUT_OF_SCOPE_EN.format(contact_phone="0769-12345678")
    [favour] = say(bot, STUDENT, "can you translate my essay into Chinese?")
    assert favour.text == faq_texts.OUT_OF_SCOPE_EN.format(contact_phone="0769-12345678")
    [chinese] = say(bot, STUDENT, "东莞天气怎么样")  # and a Chinese question still in Chinese
    assert chinese.text == faq_texts.OUT_OF_SCOPE.format(contact_phone="0769-12345678")


def test_help_shows_admin_commands_only_to_admins(bot):
    assert "/grant" in command(bot, ADMIN, "help")[0].text
    assert "/grant" not in command(bot, STUDENT, "help")[0].text


def test_an_admin_added_synonym_takes_effect_for_the_next_question(bot):
    question = "村官项目有人带吗"
    assert say(bot, STUDENT, question)[0].title != bot.kb.get("sanzhi-yifu").question
    [done] = command(bot, ADMIN, "synonym", "add", "三支一扶", "村官项目")
    assert "村官项目" in done.text
    assert say(bot, STUDENT, question)[0].title == bot.kb.get("sanzhi-yifu").question
    assert "村官项目" in command(bot, ADMIN, "synonyms")[0].text
    command(bot, ADMIN, "synonym", "remove", "三支一扶", "村官项目")
    # asked by a student with no conversation yet: the last one's (三支一扶) would explain 有人带
    assert say(bot, "4", question)[0].title != bot.kb.get("sanzhi-yifu").question
    assert [a["action"] for a in bot.store.audit_entries()][:2] == ["synonym.remove", "synonym.add"]


def test_a_student_cannot_edit_synonyms(bot):
    before = state(bot)
    assert command(bot, STUDENT, "synonym", "add", "补贴", "钞票")[0].text == texts.NOT_ALLOWED
    assert state(bot) == before and "钞票" not in bot.store.synonyms()["补贴"]


def test_a_new_entry_started_from_the_review_list_takes_the_group_off_it(bot):
    question = "东莞有没有给毕业生的租房补贴"
    say(bot, STUDENT, question)
    group = next(r for r in command(bot, ADMIN, "unanswered") if question in r.text)
    start = next(b for b in group.all_buttons if b.label == faq_texts.BUTTON_NEW_ENTRY)
    assert "编号" in press(bot, ADMIN, start.action)[0].text
    say(bot, ADMIN, "rent-subsidy")
    press(bot, ADMIN, "ed:cat:subsidy")  # the question is already filled in from the review
    say(bot, ADMIN, "来函没有提到毕业生租房补贴，可致电{contact_phone}咨询。")
    [ask_alternates] = say(bot, ADMIN, "跳过")  # no source
    assert "其他问法" in ask_alternates.text
    preview, _ = say(bot, ADMIN, "跳过")
    assert preview.title == question
    press(bot, ADMIN, "ed:save")
    assert say(bot, STUDENT, question)[0].title == question
    assert all(question not in r.text for r in command(bot, ADMIN, "unanswered"))


def test_exports_are_audited(bot):
    command(bot, ADMIN, "export", "csv")
    assert bot.store.audit_entries()[0]["action"] == "faq.export"


def test_a_forgotten_flow_expires_and_a_revoked_admins_flow_is_cleared(bot):
    command(bot, ADMIN, "edit", "contact")
    bot.store.db.execute("update dialogs set updated_at = '2020-01-01T00:00:00+00:00'")
    assert say(bot, ADMIN, "三支一扶")[0].title  # a question again, not the answer to an old prompt
    bot.store.grant_role("telegram", "7", "admin", "cli")
    command(bot, "7", "edit", "contact")
    command(bot, ADMIN, "revoke", "7", "admin")
    assert bot.store.dialog("telegram", "7") is None


def test_full_width_digits_are_not_taken_for_a_user_id(bot):
    [reply] = command(bot, ADMIN, "grant", "４２", "admin")
    assert reply.text == people_texts.GRANT_USAGE and bot.store.role_grants()[0].external_id == AMBASSADOR


def test_review_buttons_act_only_on_the_period_that_was_listed(bot):
    old = bot.store.log_question("telegram", "9", "东莞天气怎么样", "none", None, 0.1)
    bot.store.db.execute("update question_log set created_at = '2020-01-01T00:00:00+00:00' where id = ?", [old])
    say(bot, STUDENT, "东莞天气怎么样")
    [_, group] = command(bot, ADMIN, "unanswered")
    assert "×1" in group.text
    dismiss = next(b for b in group.all_buttons if b.label == faq_texts.BUTTON_DISMISS)
    assert "1 个问题" in press(bot, ADMIN, dismiss.action)[0].text
    assert bot.store.question(old).reviewed_at is None


def test_attach_can_reach_any_entry_through_its_category(bot):
    say(bot, STUDENT, "asdfgh qwerty")
    [_, group] = command(bot, ADMIN, "unanswered")
    [choose] = press(bot, ADMIN, next(b.action for b in group.all_buttons if b.label == faq_texts.BUTTON_ATTACH))
    by_category = next(
        b.action for b in choose.all_buttons if b.action.startswith("rv:c:") and b.action.endswith(":contact")
    )
    [entries] = press(bot, ADMIN, by_category)
    assert any(b.action.endswith(":contact") for b in entries.all_buttons)


def test_admins_are_not_slowed_by_the_flood_guard(bot):
    bot.flood = type(bot.flood)(2)
    replies = [command(bot, ADMIN, "stats") for _ in range(5)]
    assert all(r and r[0].text != texts.FLOOD for r in replies)


def test_stats_count_days_in_the_bots_time_zone(bot):
    from datetime import UTC, datetime

    from bot.faq.stats import compute_stats

    late = bot.store.log_question("telegram", "9", "三支一扶", "answer", "sanzhi-yifu", 0.8)
    bot.store.db.execute("update question_log set created_at = '2026-11-24T16:30:00+00:00' where id = ?", [late])
    figures = compute_stats(bot.store, bot.settings.timezone, datetime(2026, 11, 25, 12, tzinfo=UTC))
    assert dict(figures.per_day)["2026-11-25"] == 1  # 00:30 in Shanghai on the 25th, not the 24th


def test_an_admin_edits_and_removes_the_english_answer_in_the_chat(bot):
    command(bot, ADMIN, "edit", "contact")
    press(bot, ADMIN, "ed:f:answer_en")
    say(bot, ADMIN, "Call {nobody}")  # a wrong placeholder is refused at once
    preview, _ = say(bot, ADMIN, "Call us on {contact_phone}, weekdays 9:00-17:00.")
    assert "weekdays" in preview.text and "weekdays" not in bot.kb.get("contact").answer_en
    press(bot, ADMIN, "ed:save")
    assert "weekdays" in say(bot, STUDENT, "What is the phone number of the HR bureau?")[0].text
    command(bot, ADMIN, "edit", "contact")
    press(bot, ADMIN, "ed:f:answer_en")
    say(bot, ADMIN, "跳过")
    press(bot, ADMIN, "ed:save")
    [reply] = say(bot, STUDENT, "What is the phone number of the HR bureau?")
    assert reply.text.startswith(faq_texts.NO_ENGLISH_ANSWER) and bot.kb.get("contact").answer_en == ""


def test_history_can_undo_the_first_edit_of_a_bundled_entry(bot):
    original = bot.kb.get("contact").answer
    edit_answer(bot, "contact", "改过的答案：{contact_phone}。")
    [history] = command(bot, ADMIN, "history", "contact")
    assert "答案：「" in history.text and "→「改过的答案" in history.text  # what the revision changed
    [back] = [b.action for b in history.all_buttons if b.label == faq_texts.BUTTON_ROLLBACK_ORIGINAL]
    preview, confirm = press(bot, ADMIN, back)
    assert preview.text == bot.editor._preview(bot.store.entry_history("contact")[-1].before).text
    press(bot, ADMIN, confirm.all_buttons[0].action)
    assert bot.kb.get("contact").answer == original


def test_history_never_offers_the_current_state_and_after_a_delete_does_not_offer_to_delete_again(bot):
    edit_answer(bot, "contact", "改过的答案：{contact_phone}。")
    command(bot, ADMIN, "delete", "contact")
    press(bot, ADMIN, "ed:del:contact")
    [history] = command(bot, ADMIN, "history", "contact")
    assert faq_texts.CHANGE_DELETED in history.text
    offered = [b.action for b in history.all_buttons if b.action.startswith("ed:rb")]
    revisions = bot.store.entry_history("contact")  # newest first: the delete, then the edit
    assert offered == [f"ed:rb:contact:{revisions[1].id}", f"ed:rbo:contact:{revisions[1].id}"]
    assert press(bot, ADMIN, f"ed:rb:contact:{revisions[0].id}")[0].text == texts.ADMIN_STALE  # "deleted" again
    preview, confirm = press(bot, ADMIN, offered[0])
    press(bot, ADMIN, confirm.all_buttons[0].action)
    assert bot.kb.get("contact").answer.startswith("改过的答案")
    [again] = command(bot, ADMIN, "history", "contact")
    assert f"ed:rb:contact:{revisions[1].id}" not in [b.action for b in again.all_buttons]  # it is the current state


def test_edit_and_history_accept_a_title_or_keywords_and_offer_choices(bot):
    [choices] = command(bot, ADMIN, "edit", "三支一扶")
    picks = [b.action for b in choices.all_buttons if b.action.startswith("ed:pick:")]
    assert "ed:pick:edit:sanzhi-yifu" in picks and len(picks) <= 5
    replies = press(bot, ADMIN, "ed:pick:edit:sanzhi-yifu")
    assert bot.store.dialog("telegram", ADMIN)[1]["id"] == "sanzhi-yifu" and len(replies) == 2
    command(bot, ADMIN, "cancel")
    title = bot.kb.get("contact").question
    replies = command(bot, ADMIN, "edit", title)  # the exact title: straight to that entry
    assert bot.store.dialog("telegram", ADMIN)[1]["id"] == "contact" and len(replies) == 2
    command(bot, ADMIN, "cancel")
    [history] = command(bot, ADMIN, "history", "三支一扶")
    assert "ed:pick:history:sanzhi-yifu" in [b.action for b in history.all_buttons]
    [nothing] = command(bot, ADMIN, "delete", "qqqqxyz")
    assert nothing.text == faq_texts.ENTRY_NOT_FOUND.format(query="qqqqxyz", command="/delete")


def test_adding_a_phrasing_another_entry_has_warns_and_asks(bot):
    taken = bot.kb.get("contact").alternates[0]
    command(bot, ADMIN, "edit", "sanzhi-yifu")
    press(bot, ADMIN, "ed:f:alt_add")
    [warning] = say(bot, ADMIN, f"{taken}\n三支一扶新问法")
    assert "contact" in warning.text and taken in warning.text
    press(bot, ADMIN, "ed:alt:drop")
    press(bot, ADMIN, "ed:save")
    entry = bot.kb.get("sanzhi-yifu")
    assert "三支一扶新问法" in entry.alternates and taken not in entry.alternates
    command(bot, ADMIN, "edit", "sanzhi-yifu")
    press(bot, ADMIN, "ed:f:alt_add")
    say(bot, ADMIN, taken)
    press(bot, ADMIN, "ed:alt:keep")  # the admin insists: added
    press(bot, ADMIN, "ed:save")
    assert taken in bot.kb.get("sanzhi-yifu").alternates


def test_an_admin_extends_the_cantonese_table_and_it_is_read_at_once_and_after_a_restart(bot):
    mandarin = lambda text: bot.kb.analyzer.cantonese.to_mandarin(text)  # noqa: E731
    assert bot.store.cantonese()["有冇"] == "有没有"  # seeded from the bundled lexicon
    assert mandarin("我系学生哥") == "我是学生哥"
    [done] = command(bot, ADMIN, "cantonese", "add", "学生哥", "学生")
    assert "学生哥" in done.text and mandarin("我系学生哥") == "我是学生"
    assert "学生哥 → 学生" in command(bot, ADMIN, "cantonese")[0].text
    restarted = build_conversation(bot.settings, Store.open(bot.settings.database_path, bot.store.clock))
    assert restarted.kb.analyzer.cantonese.to_mandarin("我系学生哥") == "我是学生"
    restarted.store.close()
    command(bot, ADMIN, "cantonese", "remove", "学生哥")
    assert mandarin("我系学生哥") == "我是学生哥"
    assert [a["action"] for a in bot.store.audit_entries()][:2] == ["cantonese.remove", "cantonese.set"]


def test_an_admin_adds_a_cantonese_particle_to_drop_and_a_student_cannot_edit_the_table(bot):
    assert command(bot, STUDENT, "cantonese", "add", "补贴", "钞票")[0].text == texts.NOT_ALLOWED
    assert "补贴" not in bot.store.cantonese()
    assert command(bot, ADMIN, "cantonese", "add")[0].text == faq_texts.CANTONESE_USAGE
    [done] = command(bot, ADMIN, "cantonese", "add", "啵")
    assert faq_texts.CANTONESE_DROPPED in done.text and bot.store.cantonese()["啵"] == ""
    assert bot.kb.analyzer.cantonese.to_mandarin("三支一扶啵") == "三支一扶"
