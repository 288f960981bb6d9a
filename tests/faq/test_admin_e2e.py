"""Admins over Telegram's wire protocol: edits in the chat, spreadsheets in and out, review.

The real Application long-polls the local fake Bot API; a test acts as an admin
and as a student and reads what the bot sent, files included.
"""

from __future__ import annotations

import io

import openpyxl
import pytest

from bot import texts
from bot.faq import texts as faq_texts
from tests.fakebotapi import FakeBotApi, inline_buttons

ADMIN, STUDENT = 500, 600


@pytest.fixture
async def bot(start_bot):
    async with start_bot(ADMIN_IDS=str(ADMIN)) as conversation:
        yield conversation


buttons = inline_buttons


def workbook(rows: list[list[str]]) -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["编号", "分类", "问题", "答案", "其他问法"])
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def ask(api: FakeBotApi, user: int, text: str) -> dict:
    api.send_text(user, text)
    return await api.wait_for_message(user)


async def test_admin_adds_an_entry_in_the_chat_and_the_next_student_gets_it(api, bot):
    await ask(api, ADMIN, "/add")
    category_prompt = await ask(api, ADMIN, "housing-subsidy")
    talent = next(b["callback_data"] for b in buttons(category_prompt) if b["callback_data"].endswith(":talent"))
    api.press_button(ADMIN, category_prompt, talent)
    await api.wait_for_message(ADMIN)
    await ask(api, ADMIN, "东莞有没有人才住房补贴？")
    await ask(api, ADMIN, "来函没有提到人才住房补贴，详情请致电{contact_phone}。")
    await ask(api, ADMIN, "跳过")  # the source
    api.send_text(ADMIN, "人才公寓")
    preview = await api.wait_for_message(ADMIN)
    confirm = await api.wait_for_message(ADMIN)
    assert preview["text"].startswith("东莞有没有人才住房补贴？")
    api.press_button(ADMIN, confirm, buttons(confirm)[0]["callback_data"])  # ✅ 保存
    assert "已保存" in (await api.wait_for_message(ADMIN))["text"]
    answer = await ask(api, STUDENT, "人才公寓")
    assert answer["text"].startswith("东莞有没有人才住房补贴？")


async def test_an_xlsx_with_one_bad_row_changes_nothing(api, bot):
    version = bot.store.faq_version()
    api.send_document(
        ADMIN,
        "faq.xlsx",
        workbook(
            [["contact", "联系我们", "联系？", "电话 {contact_phone}", ""], ["jianxi", "实习与见习", "见习？", "", ""]]
        ),
    )
    reply = await api.wait_for_message(ADMIN)
    assert "第 3 行" in reply["text"] and "一条都没有改动" in reply["text"]
    assert bot.store.faq_version() == version


async def test_a_valid_xlsx_applies_after_confirmation(api, bot):
    api.send_document(
        ADMIN, "faq.xlsx", workbook([["contact", "联系我们", "怎么联系人社局？", "电话 {contact_phone}", "热线\n座机"]])
    )
    summary = await api.wait_for_message(ADMIN)
    assert "修改 1 条" in summary["text"]
    assert bot.kb.get("contact").question != "怎么联系人社局？"
    api.press_button(ADMIN, summary, buttons(summary)[0]["callback_data"])  # ✅ 确认导入
    assert "导入完成" in (await api.wait_for_message(ADMIN))["text"]
    assert (await ask(api, STUDENT, "热线"))["text"].startswith("怎么联系人社局？")


async def test_export_arrives_as_a_document_the_admin_can_download(api, bot):
    api.send_text(ADMIN, "/export xlsx")
    await api.wait_for_message(ADMIN)
    document = await api.wait_for_message(ADMIN, lambda m: "document" in m)
    assert document["document"]["file_name"] == "faq.xlsx"
    content = api.files[document["document"]["file_id"]].content
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet.max_row == len(bot.kb.entries) + 1


async def test_a_student_upload_is_refused_and_changes_nothing(api, bot):
    version = bot.store.faq_version()
    api.send_document(STUDENT, "faq.xlsx", workbook([["contact", "联系我们", "被改了", "被改了", ""]]))
    assert (await api.wait_for_message(STUDENT))["text"] == texts.NOT_ALLOWED
    assert bot.store.faq_version() == version
    assert not [c for c in api.calls if c.method == "getFile"]  # refused before anything was downloaded


async def test_a_student_pressing_a_forged_admin_button_is_refused(api, bot):
    message = await ask(api, STUDENT, "三支一扶")
    # A modified client can send any callback data for a message; the fake lets us do the same.
    api.sent(STUDENT)[-1]["reply_markup"] = {
        "inline_keyboard": [[{"text": "x", "callback_data": "ed:del:sanzhi-yifu"}]]
    }
    api.press_button(STUDENT, message, "ed:del:sanzhi-yifu")
    assert (await api.wait_for_message(STUDENT))["text"] == texts.NOT_ALLOWED
    assert bot.kb.get("sanzhi-yifu")


async def test_an_unanswered_question_attached_as_alternate_is_then_answered(api, bot):
    question = "回东莞工作能不能申请人才公寓"
    first = await ask(api, STUDENT, question)
    assert first["text"] in (faq_texts.SUGGEST, faq_texts.SUGGEST_ONE, faq_texts.NO_ANSWER.format(contact_phone=bot.settings.contact_phone))
    api.send_text(ADMIN, "/unanswered")
    await api.wait_for_message(ADMIN)
    group = await api.wait_for_message(ADMIN, lambda m: question in m["text"])
    attach = next(b for b in buttons(group) if b["text"] == faq_texts.BUTTON_ATTACH)
    api.press_button(ADMIN, group, attach["callback_data"])
    choose = await api.wait_for_message(ADMIN)
    target = buttons(choose)[0]
    api.press_button(ADMIN, choose, target["callback_data"])
    assert "已把" in (await api.wait_for_message(ADMIN))["text"]
    again = await ask(api, STUDENT, question)
    assert again["text"].startswith(target["text"])


async def test_grant_by_replying_to_a_forwarded_message(api, bot):
    forwarded = api.user_message(ADMIN, text="我想当校园大使")
    forwarded["forward_origin"] = {
        "type": "user",
        "date": forwarded["date"],
        "sender_user": {"id": 777, "is_bot": False, "first_name": "小陈"},
    }
    api.send_raw_update({"message": forwarded})
    await api.wait_for_message(ADMIN)  # the bot answers the forwarded text as a question
    command = api.user_message(ADMIN, text="/grant ambassador 长沙 中南大学")
    command["entities"] = [{"type": "bot_command", "offset": 0, "length": 6}]
    command["reply_to_message"] = forwarded
    api.send_raw_update({"message": command})
    reply = await api.wait_for_message(ADMIN)
    assert "长沙 中南大学" in reply["text"]
    [grant] = bot.store.roles_of("telegram", "777")
    assert (grant.role, grant.city) == ("ambassador", "长沙")
