"""Admins manage job fairs from the chat; students who asked for reminders are told of changes once.

Driven through `Conversation.handle`, the one entry point every channel uses, on a fixed clock.
"""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from bot import texts
from bot.fairs import texts as fair_texts
from bot.fairs.desk import fair_card, reminder_due
from bot.fairs.fields import parse_local
from bot.replies import Request
from bot.settings import Settings
from bot.store import iso

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)  # Friday 10:00 in Dongguan
START = datetime(2026, 12, 3, 6, 0, tzinfo=UTC)  # Thursday 14:00 in Dongguan
ADMIN, STUDENT, AMBASSADOR, OTHER = "1", "2", "3", "4"
HEADER = "编号,标题,主办方,形式,开始时间,结束时间,城市,地点,线上链接,面向对象,简介,报名链接"
#: Flow buttons carry the flow's token: `press` puts the current one after these kinds, as the latest message would.
TOKENED = {"k", "ct", "f", "save", "more", "imp", "cancel", "sk", "rest"}


@pytest.fixture
def bot(conversation):
    """User 1 an admin from settings, user 3 an ambassador; both fair desks on the fixed clock."""
    conversation.settings = replace(conversation.settings, admin_ids=frozenset({1}))
    conversation.admin.settings = conversation.roles.settings = conversation.settings
    conversation.store.grant_role("telegram", AMBASSADOR, "ambassador", "cli", city="武汉")
    conversation.store.clock.pin(NOW)
    return conversation


def send(bot, user, kind, text="", *args, **extra):
    return bot.handle(Request("telegram", user, kind, text, tuple(args), **extra))


def command(bot, user, name, *args, **extra):
    return send(bot, user, "command", name, *args, **extra)


def say(bot, user, text):
    return send(bot, user, "text", text)


def press(bot, user, action):
    parts = action.split(":")
    if parts[0] == "fe" and parts[1] in TOKENED:
        dialog = bot.store.dialog("telegram", user)
        parts.insert(2, (dialog[1].get("token") if dialog else None) or "none")
    return send(bot, user, "button", ":".join(parts))


def add_fair(bot, start=START, **values):
    return bot.store.add_fair("telegram:1", {"title": "东莞人才招聘会", "kind": "onsite", "city": "东莞",
                                             "venue": "东莞国际会展中心", "starts_at": iso(start),
                                             "ends_at": iso(start + timedelta(hours=3)), **values})  # fmt: skip


def change_notices(bot, student):
    """The fair-change notices queued for a student (one delivery row each)."""
    return bot.store.db.execute(
        "select a.dedupe_key from deliveries d join announcements a on a.id = d.announcement_id"
        " where a.kind = 'fair_change' and d.external_id = ? order by d.rowid",
        [student],
    ).fetchall()


def csv_file(*rows):
    return ("\n".join([HEADER, *rows]) + "\n").encode("utf-8")


def state(bot):
    """Everything an admin fair action could change."""
    db = bot.store.db
    reminders = [tuple(r.values()) for r in db["fair_reminders"].rows]
    return (bot.store.all_fairs(), reminders, db["audit_log"].count, db["dialogs"].count,
            db["announcements"].count, db["deliveries"].count, bot.store.fair_lead_defaults())  # fmt: skip


def test_an_admin_adds_a_fair_step_by_step_and_students_find_it_in_the_list(bot):
    assert fair_texts.FAIR_PROMPTS["title"] in command(bot, ADMIN, "addfair")[0].text
    say(bot, ADMIN, "2026 东莞冬季人才招聘会")
    [kinds] = say(bot, ADMIN, "随便")  # a kind must be one of the three: asked again, with the buttons
    assert kinds.text == fair_texts.FAIR_BAD_KIND and any(b.action.endswith(":onsite") for b in kinds.all_buttons)
    press(bot, ADMIN, "fe:k:onsite")
    say(bot, ADMIN, "12月1日 9:30")
    say(bot, ADMIN, "11：30")  # the same day; a full-width colon is fine
    [cities] = press(bot, ADMIN, "fe:ct:东莞")
    assert fair_texts.FAIR_PROMPTS["venue"] == cities.text
    say(bot, ADMIN, "东莞国际会展中心 3 号馆")
    say(bot, ADMIN, "东莞市人力资源和社会保障局")
    say(bot, ADMIN, "跳过")
    command(bot, ADMIN, "skip")
    preview, confirm = say(bot, ADMIN, "https://example.com/signup")
    assert bot.store.all_fairs() == []  # nothing written before confirmation
    assert confirm.text == texts.CONFIRM_SAVE
    assert [b.url for b in preview.all_buttons] == ["https://example.com/signup"]
    [saved] = press(bot, ADMIN, "fe:save")
    [fair] = bot.store.all_fairs()
    assert f"#{fair.id}" in saved.text
    assert (fair.starts_at, fair.ends_at) == ("2026-12-01T01:30:00+00:00", "2026-12-01T03:30:00+00:00")
    assert (fair.kind, fair.city, fair.audience, fair.description) == ("onsite", "东莞", "", "")
    assert preview.text == fair_card(fair, bot.settings.timezone)  # the preview is what students see
    [listing] = command(bot, STUDENT, "fairs")
    assert preview.text in listing.text and "12月1日（周二）09:30—11:30" in listing.text
    assert press(bot, ADMIN, "fe:save")[0].text == texts.ADMIN_STALE  # a second press adds nothing
    assert len(bot.store.all_fairs()) == 1
    assert bot.store.audit_entries()[0]["action"] == "fair.add"


def test_a_bad_time_or_link_is_asked_again_and_a_cancelled_flow_saves_nothing(bot):
    command(bot, ADMIN, "addfair")
    say(bot, ADMIN, "线上双选会")
    press(bot, ADMIN, "fe:k:online")
    assert say(bot, ADMIN, "下周一上午")[0].text == fair_texts.FAIR_BAD_TIME.format(**texts.examples(NOW, bot.settings.timezone))
    assert say(bot, ADMIN, "2026-02-30 09:00")[0].text == fair_texts.FAIR_BAD_TIME.format(**texts.examples(NOW, bot.settings.timezone))  # no such day
    assert say(bot, ADMIN, "2025-12-01 09:00")[0].text == fair_texts.FAIR_PAST_TIME
    say(bot, ADMIN, "2026-12-01 09:30")
    assert "晚于开始时间" in say(bot, ADMIN, "09:00")[0].text
    say(bot, ADMIN, "2026-12-02 12:00")  # an end on another day
    say(bot, ADMIN, "深圳")  # a city typed, not picked
    assert say(bot, ADMIN, "live.example.com")[0].text == fair_texts.FAIR_BAD_URL
    assert say(bot, ADMIN, "javascript:alert(1)")[0].text == fair_texts.FAIR_BAD_URL
    [asked] = say(bot, ADMIN, "https://live.example.com/fair")
    assert asked.text == fair_texts.FAIR_PROMPTS["organiser"]
    assert command(bot, ADMIN, "cancel")[0].text == texts.CANCELLED
    assert bot.store.all_fairs() == [] and bot.store.dialog("telegram", ADMIN) is None
    assert say(bot, ADMIN, "三支一扶")[0].title  # the admin is back to asking questions


def test_the_cancel_button_ends_the_flow_and_its_old_buttons_do_nothing(bot):
    command(bot, ADMIN, "addfair")
    say(bot, ADMIN, "东莞秋招")
    token = bot.store.dialog("telegram", ADMIN)[1]["token"]
    assert press(bot, ADMIN, "fe:cancel")[0].text == texts.CANCELLED
    assert send(bot, ADMIN, "button", f"fe:k:{token}:onsite")[0].text == texts.ADMIN_STALE
    assert bot.store.all_fairs() == [] and bot.store.dialog("telegram", ADMIN) is None


def test_local_times_are_read_in_the_forms_admins_type():
    tz = Settings().timezone
    local = NOW.astimezone(tz)
    assert parse_local("2026-12-01 09:30", tz, local) == datetime(2026, 12, 1, 9, 30, tzinfo=tz)
    assert parse_local("12-01 9:30", tz, local) == datetime(2026, 12, 1, 9, 30, tzinfo=tz)
    assert parse_local("2027年1月5日 14:00", tz, local) == datetime(2027, 1, 5, 14, 0, tzinfo=tz)
    assert parse_local("1月5日 14:00", tz, local) == datetime(2027, 1, 5, 14, 0, tzinfo=tz)  # January is next year
    assert parse_local("11:30", tz, local, local.date()) == datetime(2026, 11, 20, 11, 30, tzinfo=tz)
    assert parse_local("11:30", tz, local) is None  # a start needs its date
    assert parse_local("25:00", tz, local, local.date()) is None


def test_moving_a_fair_moves_the_reminders_and_tells_each_student_once(bot):
    fair_id = add_fair(bot)
    press(bot, STUDENT, f"fr:{fair_id}")  # the default lead times: a day and an hour before
    press(bot, OTHER, f"fr:{fair_id}")
    changed, released = [], []
    bot.fair_editor.on_changed, bot.fair_editor.on_notices = (lambda: changed.append(1)), (lambda: released.append(1))

    preview, fields = command(bot, ADMIN, "editfair", str(fair_id))
    assert "12月3日（周四）14:00—17:00" in preview.text and f"#{fair_id}" in fields.text
    press(bot, ADMIN, "fe:f:starts_at")
    [end] = say(bot, ADMIN, "12-04 15:00")
    assert fair_texts.FAIR_KEEP_DURATION.strip() in end.text
    preview, _ = say(bot, ADMIN, "跳过")  # the fair keeps its three hours
    assert "12月4日（周五）15:00—18:00" in preview.text
    assert bot.store.fair(fair_id).starts_at == iso(START)  # nothing written before confirmation
    [saved] = press(bot, ADMIN, "fe:save")
    assert "2 位" in saved.text

    new_start = START + timedelta(days=1, hours=1)
    fair = bot.store.fair(fair_id)
    assert (fair.starts_at, fair.ends_at) == (iso(new_start), iso(new_start + timedelta(hours=3)))
    due = {r.lead_minutes: r.due_at for r in bot.store.reminders_for("telegram", STUDENT, fair_id)}
    assert due == {lead: iso(reminder_due(new_start, lead, bot.settings)) for lead in (1440, 60)}
    assert change_notices(bot, STUDENT) == [(f"fair:{fair_id}:moved:1",)]
    assert len(change_notices(bot, OTHER)) == 1
    assert (len(changed), len(released)) == (1, 1)

    # Another edit that does not move the fair tells nobody anything.
    command(bot, ADMIN, "editfair", str(fair_id))
    press(bot, ADMIN, "fe:f:title")
    say(bot, ADMIN, "东莞人才招聘会（冬季场）")
    assert "位" not in press(bot, ADMIN, "fe:save")[0].text
    assert bot.store.fair(fair_id).title == "东莞人才招聘会（冬季场）"
    assert len(change_notices(bot, STUDENT)) == 1 and len(released) == 1


def test_a_student_whose_only_reminder_a_move_passes_is_still_told(bot):
    fair_id = add_fair(bot)
    press(bot, STUDENT, f"fr:{fair_id}")
    press(bot, STUDENT, f"frl:{fair_id}:1440")  # only the hour before
    command(bot, ADMIN, "editfair", str(fair_id))
    press(bot, ADMIN, "fe:f:starts_at")
    say(bot, ADMIN, "11-20 10:40")  # forty minutes from now: the hour-before reminder has passed
    say(bot, ADMIN, "跳过")
    [saved] = press(bot, ADMIN, "fe:save")
    assert "1 位" in saved.text
    assert [r["status"] for r in bot.store.db["fair_reminders"].rows if r["external_id"] == STUDENT] == [
        "cancelled",
        "dropped",
    ]
    assert change_notices(bot, STUDENT) == [(f"fair:{fair_id}:moved:1",)]


def test_a_time_that_summer_time_skips_is_refused_when_typed():
    new_york = ZoneInfo("America/New_York")  # 02:30 on 14 March 2027 does not exist there
    assert parse_local("2027-03-14 02:30", new_york, NOW) is None
    assert parse_local("2027-03-14 03:30", new_york, NOW) == datetime(2027, 3, 14, 3, 30, tzinfo=new_york)


def test_an_edit_applies_to_the_fair_as_it_is_at_save_time(bot):
    fair_id = add_fair(bot)
    command(bot, ADMIN, "editfair", str(fair_id))
    press(bot, ADMIN, "fe:f:place")  # an onsite fair: its venue
    say(bot, ADMIN, "松山湖会展中心")
    bot.store.update_fair("telegram:5", fair_id, {"title": "另一位管理员改的标题"})
    press(bot, ADMIN, "fe:save")
    fair = bot.store.fair(fair_id)
    assert (fair.title, fair.venue) == ("另一位管理员改的标题", "松山湖会展中心")


def test_changing_the_kind_asks_for_what_the_new_kind_needs(bot):
    fair_id = add_fair(bot)
    command(bot, ADMIN, "editfair", str(fair_id))
    press(bot, ADMIN, "fe:f:kind")
    [asked] = press(bot, ADMIN, "fe:k:livestream")
    assert asked.text == fair_texts.FAIR_PROMPTS["link"]
    say(bot, ADMIN, "https://live.example.com/1")
    press(bot, ADMIN, "fe:save")
    assert (bot.store.fair(fair_id).kind, bot.store.fair(fair_id).link) == ("livestream", "https://live.example.com/1")


def test_cancelling_a_fair_tells_its_students_once_and_stops_their_reminders(bot):
    fair_id = add_fair(bot)
    keep = add_fair(bot, title="另一场")
    press(bot, STUDENT, f"fr:{fair_id}")
    press(bot, STUDENT, f"fr:{keep}")
    preview, confirm = command(bot, ADMIN, "cancelfair", str(fair_id))
    assert "东莞人才招聘会" in preview.text and "1 位" in confirm.text
    assert bot.store.fair(fair_id).status == "active"  # nothing before confirmation
    [done] = press(bot, ADMIN, f"fe:cx:{fair_id}")
    assert "1 位" in done.text
    assert press(bot, ADMIN, f"fe:cx:{fair_id}")[0].text == fair_texts.FAIR_ALREADY_CANCELLED.format(id=fair_id)
    assert bot.store.fair(fair_id).status == "cancelled"
    assert change_notices(bot, STUDENT) == [(f"fair:{fair_id}:cancel",)]
    assert bot.store.reminders_for("telegram", STUDENT, fair_id) == []
    assert len(bot.store.reminders_for("telegram", STUDENT, keep)) == 2  # other fairs untouched
    [listing] = command(bot, STUDENT, "fairs")
    assert "另一场" in listing.text and "东莞人才招聘会" not in listing.text
    assert command(bot, ADMIN, "editfair", str(fair_id))[0].text == fair_texts.FAIR_NOT_ACTIVE.format(id=fair_id)


def test_admins_reach_edit_and_cancel_from_the_list_and_students_do_not(bot):
    fair_id = add_fair(bot)
    [admin_list] = command(bot, ADMIN, "fairs")
    assert f"fd:{fair_id}" in [b.action for b in admin_list.all_buttons]
    [card] = press(bot, ADMIN, f"fd:{fair_id}")
    assert {f"fe:e:{fair_id}", f"fe:c:{fair_id}"} <= {b.action for b in card.all_buttons}
    preview, fields = press(bot, ADMIN, f"fe:e:{fair_id}")
    assert bot.store.dialog("telegram", ADMIN)[0] == "fair_edit"
    [student_list] = command(bot, STUDENT, "fairs")
    [student_card] = press(bot, STUDENT, f"fd:{fair_id}")
    assert not any(b.action.startswith(("fd:", "fe:")) for b in (*student_list.all_buttons, *student_card.all_buttons))


def test_admins_set_the_default_reminder_times_from_the_allowed_ones(bot):
    assert "1 天、1 小时" in command(bot, ADMIN, "fairleads")[0].text
    [refused] = command(bot, ADMIN, "fairleads", "1d", "2h")
    assert "2h" in refused.text and "1d 3h 1h 15m" in refused.text
    assert bot.store.fair_lead_defaults() == ()
    assert "1 天、3 小时、15 分钟" in command(bot, ADMIN, "fairleads", "15", "3小时,1d")[0].text
    assert bot.store.fair_lead_defaults() == (1440, 180, 15)
    fair_id = add_fair(bot)
    press(bot, STUDENT, f"fr:{fair_id}")
    assert {r.lead_minutes for r in bot.store.reminders_for("telegram", STUDENT, fair_id)} == {1440, 180, 15}


def test_an_upload_with_a_bad_row_changes_nothing_and_names_the_row(bot):
    add_fair(bot)
    before = bot.store.all_fairs()
    assert command(bot, ADMIN, "importfairs")[0].text == fair_texts.FAIR_IMPORT_ASK
    data = csv_file(
        ",秋季双选会,东莞市人社局,现场,2026-12-05 09:00,2026-12-05 12:00,东莞,会展中心,,,,",
        ",线上宣讲,,线上,明天上午,2026-12-06 12:00,东莞,,https://live.example.com,,,",
    )
    [reply] = send(bot, ADMIN, "file", "fairs.csv", file=data)
    assert "第 3 行" in reply.text and "第 2 行" not in reply.text
    assert bot.store.all_fairs() == before
    assert bot.store.dialog("telegram", ADMIN)[1]["step"] == "file"  # a fixed file may follow


def test_a_valid_upload_shows_a_summary_and_applies_on_confirmation_and_moves_reminders(bot):
    fair_id = add_fair(bot)
    press(bot, STUDENT, f"fr:{fair_id}")
    released = []
    bot.fair_editor.on_notices = lambda: released.append(1)
    command(bot, ADMIN, "importfairs")
    data = csv_file(
        f"{fair_id},东莞人才招聘会,,现场,2026-12-03 15:00,2026-12-03 18:00,东莞,东莞国际会展中心,,,,",
        ",秋季双选会,东莞市人社局,现场,2026-12-05 09:00,2026-12-05 12:00,东莞,会展中心,,,,",
    )
    [summary] = send(bot, ADMIN, "file", "fairs.csv", file=data)
    assert "新增 1 场，修改 1 场" in summary.text and "开始时间有变" in summary.text
    assert len(bot.store.all_fairs()) == 1  # nothing before confirmation
    [done] = press(bot, ADMIN, "fe:imp")
    assert "导入完成" in done.text
    assert [f.title for f in bot.store.all_fairs()] == ["东莞人才招聘会", "秋季双选会"]
    moved = START + timedelta(hours=1)
    assert bot.store.fair(fair_id).starts_at == iso(moved)
    due = {r.lead_minutes: r.due_at for r in bot.store.reminders_for("telegram", STUDENT, fair_id)}
    assert due == {lead: iso(reminder_due(moved, lead, bot.settings)) for lead in (1440, 60)}
    assert change_notices(bot, STUDENT) == [(f"fair:{fair_id}:moved:1",)] and released == [1]
    assert press(bot, ADMIN, "fe:imp")[0].text == texts.ADMIN_STALE  # applied once only
    assert len(bot.store.all_fairs()) == 2


def test_an_import_confirmed_after_the_fairs_changed_is_shown_again_not_applied(bot):
    fair_id = add_fair(bot)
    command(bot, ADMIN, "importfairs")
    data = csv_file(f"{fair_id},改过的标题,,现场,2026-12-03 14:00,2026-12-03 17:00,东莞,东莞国际会展中心,,,,")
    send(bot, ADMIN, "file", "fairs.csv", file=data)
    old_token = bot.store.dialog("telegram", ADMIN)[1]["token"]
    bot.store.update_fair("telegram:5", fair_id, {"venue": "松山湖"})  # another admin, meanwhile
    [again] = press(bot, ADMIN, "fe:imp")
    assert again.text.startswith(fair_texts.FAIR_IMPORT_CHANGED) and "修改 1 场" in again.text
    assert bot.store.fair(fair_id).title == "东莞人才招聘会"
    assert send(bot, ADMIN, "button", f"fe:imp:{old_token}")[0].text == texts.ADMIN_STALE
    press(bot, ADMIN, "fe:imp")
    assert (bot.store.fair(fair_id).title, bot.store.fair(fair_id).venue) == ("改过的标题", "东莞国际会展中心")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_imports_back_unchanged(bot, fmt):
    add_fair(bot, register_url="https://example.com/r", description='含逗号, 和引号"的简介')
    add_fair(
        bot, START + timedelta(days=2), title="直播带岗", kind="livestream", venue="", link="https://live.example.com"
    )
    [exported] = command(bot, ADMIN, "exportfairs", fmt)
    name, content = exported.document
    assert name == f"fairs.{fmt}" and "2 场" in exported.text
    if fmt == "xlsx":
        titles = [row[1] for row in openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)]
        assert "直播带岗" in titles
    before = bot.store.all_fairs()
    command(bot, ADMIN, "importfairs")
    [back] = send(bot, ADMIN, "file", name, file=content)
    assert back.text == fair_texts.FAIR_IMPORT_NOTHING
    assert bot.store.all_fairs() == before and bot.store.dialog("telegram", ADMIN) is None
    assert command(bot, ADMIN, "exportfairs", "yaml")[0].text == fair_texts.FAIR_EXPORT_FORMATS


def test_an_upload_outside_the_fair_import_is_still_the_faqs(bot):
    [reply] = send(
        bot,
        ADMIN,
        "file",
        "fairs.csv",
        file=csv_file(",秋季双选会,,现场,2026-12-05 09:00,2026-12-05 12:00,东莞,会展中心,,,,"),
    )
    assert bot.store.all_fairs() == [] and "没有导入" in reply.text  # read as an FAQ file, which it is not


ADMIN_FAIR_COMMANDS = [
    ("addfair",),
    ("editfair", "1"),
    ("cancelfair", "1"),
    ("fairleads",),
    ("fairleads", "1d"),
    ("exportfairs", "csv"),
    ("importfairs",),
]
FORGED_BUTTONS = ["fe:e:1", "fe:c:1", "fe:cx:1", "fe:x", "fe:save", "fe:k:onsite", "fe:f:title", "fe:imp", "fe:cancel"]


@pytest.mark.parametrize("user", [STUDENT, AMBASSADOR])
@pytest.mark.parametrize("entry", ADMIN_FAIR_COMMANDS, ids=lambda e: " ".join(e))
def test_a_non_admin_sending_a_fair_command_is_refused_and_nothing_changes(bot, user, entry):
    fair_id = add_fair(bot)
    press(bot, STUDENT, f"fr:{fair_id}")
    before = state(bot)
    [reply] = command(bot, user, *entry)
    assert reply.text == texts.NOT_ALLOWED and reply.document is None
    assert state(bot) == before


@pytest.mark.parametrize("user", [STUDENT, AMBASSADOR])
@pytest.mark.parametrize("action", FORGED_BUTTONS)
def test_a_forged_fair_editor_button_is_refused_even_mid_flow(bot, user, action):
    fair_id = add_fair(bot)
    press(bot, STUDENT, f"fr:{fair_id}")
    data = {"token": "abcd", "step": "confirm", "id": fair_id, "changes": {"title": "伪造"}}
    bot.store.set_dialog("telegram", user, "fair_edit", data)
    before = state(bot)
    [reply] = press(bot, user, action)
    assert reply.text == texts.NOT_ALLOWED
    assert state(bot) == before


def test_a_student_uploading_into_a_forged_fair_import_is_refused(bot):
    bot.store.set_dialog("telegram", STUDENT, "fair_import", {"token": "abcd", "step": "file"})
    before = state(bot)
    data = csv_file(",秋季双选会,,现场,2026-12-05 09:00,2026-12-05 12:00,东莞,会展中心,,,,")
    assert send(bot, STUDENT, "file", "fairs.csv", file=data)[0].text == texts.NOT_ALLOWED
    assert state(bot) == before


def test_admin_help_lists_the_fair_commands(bot):
    assert "/addfair" in command(bot, ADMIN, "help")[0].text
    assert "/addfair" not in command(bot, STUDENT, "help")[0].text


def test_optional_steps_of_addfair_have_skip_and_skip_the_rest_buttons(bot):
    command(bot, ADMIN, "addfair")
    say(bot, ADMIN, "冬季招聘会")
    press(bot, ADMIN, "fe:k:onsite")
    say(bot, ADMIN, "12月1日 9:30")
    say(bot, ADMIN, "11:30")
    press(bot, ADMIN, "fe:ct:东莞")
    [organiser] = say(bot, ADMIN, "会展中心")
    assert organiser.text == fair_texts.FAIR_PROMPTS["organiser"]
    labels = [b.label for b in organiser.all_buttons]
    assert texts.BUTTON_SKIP in labels and texts.BUTTON_SKIP_REST in labels
    [audience] = press(bot, ADMIN, "fe:sk")  # skip this one: the next optional step
    assert audience.text == fair_texts.FAIR_PROMPTS["audience"]
    say(bot, ADMIN, "应届毕业生")
    preview, confirm = press(bot, ADMIN, "fe:rest")  # skip the rest: straight to the preview
    assert confirm.text == texts.CONFIRM_SAVE and "应届毕业生" in preview.text
    press(bot, ADMIN, "fe:save")
    [fair] = bot.store.all_fairs()
    assert (fair.organiser, fair.audience, fair.description, fair.register_url) == ("", "应届毕业生", "", "")


def test_skip_buttons_are_not_offered_on_required_steps(bot):
    [title] = command(bot, ADMIN, "addfair")
    assert texts.BUTTON_SKIP not in [b.label for b in title.all_buttons]
    assert press(bot, ADMIN, "fe:sk")[0].text == texts.ADMIN_STALE
    assert bot.store.dialog("telegram", ADMIN)[1]["step"] == "title"
