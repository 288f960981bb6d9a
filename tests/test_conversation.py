"""The conversation rules, channel-agnostic: one request in, replies out."""

import copy
import dataclasses
import re

from bot import texts
from bot.conversation import Conversation, parse_command
from bot.fairs import texts as fair_texts
from bot.faq import texts as faq_texts
from bot.notices import texts as notice_texts
from bot.people import texts as people_texts
from bot.replies import Request
from knowledge.kb import Outcome, Suggestion
from knowledge.text import MAX_QUESTION_CHARS


def say(conversation: Conversation, text: str, user: str = "7"):
    return conversation.handle(Request("test", user, "text", text))


def press(conversation: Conversation, action: str, user: str = "7"):
    return conversation.handle(Request("test", user, "button", action))


def command(conversation: Conversation, name: str, user: str = "7"):
    return conversation.handle(Request("test", user, "command", name))


def test_start_welcomes_by_name_and_offers_the_category_menu(conversation):
    [reply] = command(conversation, "start")
    assert conversation.settings.bot_name in reply.text
    assert [b.action for b in reply.all_buttons][:2] == ["cat:internship", "cat:subsidy"]


def test_help_explains_the_commands_and_gives_the_phone(conversation):
    [reply] = command(conversation, "help")
    assert "/faq" in reply.text and "0769-12345678" in reply.text


def test_browsing_goes_from_categories_to_questions_to_an_answer(conversation):
    [menu] = command(conversation, "faq")
    assert menu.all_buttons[0].action == "nav:cat:internship"
    [category] = press(conversation, menu.all_buttons[0].action)
    assert category.replace and "实习与见习" in category.text
    assert category.all_buttons[-1].action == "nav:menu"
    first_question = category.all_buttons[0]
    [answer] = press(conversation, first_question.action)
    assert answer.title == first_question.label
    assert "来源：东人社函〔2023〕56号" in answer.text


def test_a_confident_question_gets_the_entry_answer_with_its_source(conversation):
    [reply] = say(conversation, "百校千人实习补贴能拿多少钱？")
    assert "9000元" in reply.text and "来源：" in reply.text
    [logged] = conversation.store.logged_questions()
    assert (logged.outcome, logged.faq_id) == ("answer", "internship-subsidy")


def test_answers_use_the_configured_contact_phone(conversation):
    [reply] = say(conversation, "人社局的咨询电话是多少")
    assert "0769-12345678" in reply.text


def test_an_unsure_question_offers_did_you_mean_buttons_and_a_tap_answers(conversation):
    # Raise the answer bar so that a real match lands in the "unsure" band.
    conversation.kb = copy.copy(conversation.kb)
    conversation.kb.answer_threshold = 1.01
    [reply] = say(conversation, "补贴")
    picks = [b for b in reply.all_buttons if b.action.startswith("pick:")]
    assert 1 <= len(picks) <= 3
    assert reply.text == (faq_texts.SUGGEST if len(picks) > 1 else faq_texts.SUGGEST_ONE)
    [logged] = conversation.store.logged_questions("suggest")
    assert logged.text == "补贴"
    assert reply.all_buttons[-1].action == f"none:{logged.id}"
    [answer] = press(conversation, picks[0].action)
    assert answer.title == picks[0].label
    assert conversation.store.logged_questions()[0].resolution == "picked"


def test_a_did_you_mean_button_only_works_for_the_student_who_asked(conversation):
    conversation.kb = copy.copy(conversation.kb)
    conversation.kb.answer_threshold = 1.01
    [reply] = say(conversation, "补贴", user="asker")
    pick = reply.all_buttons[0].action
    assert press(conversation, pick, user="someone-else")[0].text == texts.STALE_BUTTON
    assert press(conversation, "pick:999:jianxi", user="asker")[0].text == texts.STALE_BUTTON
    assert conversation.store.logged_questions()[0].resolution is None


def test_menu_buttons_outside_the_menu_open_a_new_message(conversation):
    [answer] = say(conversation, "三支一扶")
    assert answer.all_buttons[-1].action == "menu"
    [menu] = press(conversation, "menu")
    assert not menu.replace
    [category] = press(conversation, "cat:contact")
    assert not category.replace
    [back] = press(conversation, "nav:menu")
    assert back.replace


def test_an_out_of_scope_question_gets_no_policy_answer_but_the_menu_and_phone(conversation):
    [reply] = say(conversation, "东莞明天天气怎么样")
    assert "0769-12345678" in reply.text and reply.all_buttons[0].action.startswith("cat:")
    assert conversation.store.logged_questions("none")[0].text == "东莞明天天气怎么样"


def test_greetings_and_thanks_get_small_talk_not_a_policy_answer(conversation):
    assert say(conversation, "你好")[0].text == faq_texts.SMALLTALK["greeting"].format(bot_name="莞才助手")
    assert say(conversation, "在吗？")[0].text.startswith("你好呀")
    assert say(conversation, "谢谢！")[0].text == faq_texts.SMALLTALK["thanks"]
    assert say(conversation, "你叫什么名字")[0].text.startswith("我叫莞才助手")  # its name, not the FAQ's help entry
    assert conversation.store.logged_questions() == []


def test_empty_emoji_and_junk_messages_get_a_polite_hint(conversation):
    for text in ["", "   ", "😀😀😀", "？？？！！"]:
        [reply] = say(conversation, text)
        assert reply.text == texts.EMPTY


def test_a_ten_thousand_character_message_is_asked_to_be_shorter(conversation):
    [reply] = say(conversation, "我想问" * 3400)
    assert reply.text == texts.TOO_LONG.format(limit=MAX_QUESTION_CHARS)
    [reply] = say(conversation, "三" * (MAX_QUESTION_CHARS + 1))
    assert reply.text == texts.TOO_LONG.format(limit=MAX_QUESTION_CHARS)


def test_stickers_and_photos_get_a_polite_reply(conversation):
    [reply] = conversation.handle(Request("test", "7", "other"))
    assert reply.text == texts.NOT_TEXT


def test_forged_or_stale_buttons_change_nothing(conversation):
    for action in ["faq:does-not-exist", "cat:nope", "admin:delete:contact", "x" * 64, "nav:pick:1:jianxi", "none:abc"]:
        [reply] = press(conversation, action)
        assert reply.text == texts.STALE_BUTTON
    assert conversation.store.logged_questions() == []


def test_unknown_commands_point_to_help(conversation):
    assert command(conversation, "broadcast")[0].text == texts.UNKNOWN_COMMAND


def test_a_flooding_user_is_warned_once_then_ignored_while_others_are_served(conversation):
    limit = conversation.settings.flood_limit_per_minute
    replies = [say(conversation, "三支一扶", user="spam") for _ in range(limit + 3)]
    assert all(r and r[0].text != texts.FLOOD for r in replies[:limit])
    assert replies[limit][0].text == texts.FLOOD
    assert replies[limit + 1] == [] and replies[limit + 2] == []
    assert say(conversation, "三支一扶", user="calm")[0].title


def test_every_user_is_recorded_with_channel_and_name(conversation):
    conversation.handle(Request("telegram", "99", "command", "start", name="小红", username="xh"))
    user = conversation.store.user("telegram", "99")
    assert (user["name"], user["username"]) == ("小红", "xh")


def test_commands_follow_telegrams_rule_so_every_channel_agrees():
    assert parse_command("/start") == ("start", ())
    assert parse_command("/FAQ@GuancaiBot extra words") == ("faq", ("extra", "words"))
    assert parse_command("/实习补贴") is None  # Telegram sends this as text
    assert parse_command("见习 /start") is None


def test_a_user_who_is_dropped_for_flooding_costs_no_database_write(conversation):
    conversation.flood = type(conversation.flood)(1)
    say(conversation, "三支一扶", user="f")
    say(conversation, "三支一扶", user="f")  # warned
    before = conversation.store.user("test", "f")["last_seen"]
    conversation.store.db.execute("update users set last_seen = 'x' where external_id = 'f'")
    assert say(conversation, "三支一扶", user="f") == []
    assert conversation.store.user("test", "f")["last_seen"] == "x" != before


def test_names_with_broken_characters_are_stored_cleaned(conversation):
    conversation.handle(Request("test", "s", "text", "见习\udcff", name="小\ud800明"))
    assert conversation.store.user("test", "s")["name"] == "小明"
    assert conversation.store.logged_questions()[0].text == "见习"


def test_one_suggestion_is_offered_as_one_not_as_a_list(conversation, monkeypatch):
    entry = conversation.kb.entries[0]
    one = Outcome("suggest", score=0.5, suggestions=(Suggestion(entry.id, entry.question, 0.5),))
    monkeypatch.setattr(conversation.kb, "ask", lambda text: one)
    [reply] = say(conversation, "补贴")
    assert reply.text == faq_texts.SUGGEST_ONE and [b.label for b in reply.all_buttons][0] == entry.question


TEXTS = (texts, faq_texts, notice_texts, fair_texts, people_texts)


def test_user_facing_texts_speak_of_choices_not_buttons_or_taps():
    """The same texts reach WeChat, where buttons are numbered lines: no "点下面的按钮" there."""
    telegram_only = re.compile(r"按钮|点下面|点上面|点一下|点「|点“")
    found = []
    for name, value in [item for module in TEXTS for item in vars(module).items()]:
        if not name.isupper() or name.startswith(("CONSOLE_", "BUTTON_")) or name == "WECHAT_TEMPLATE_REMARK_LINK":
            continue  # the console's own lines; button labels; a template message's link, which is tapped
        for text in value.values() if isinstance(value, dict) else [value]:
            if isinstance(text, str) and telegram_only.search(text):
                found.append(name)
    assert found == []


def test_a_question_in_english_gets_the_english_answer(conversation):
    [reply] = say(conversation, "How much is the internship subsidy in Dongguan?")
    assert "9,000 yuan" in reply.text and "来源：" in reply.text
    [reply] = say(conversation, "百校千人实习补贴能拿多少钱？")
    assert "9000元" in reply.text and "yuan" not in reply.text


def test_an_english_question_about_an_entry_without_english_says_so_and_answers_in_chinese(conversation):
    conversation.kb = copy.copy(conversation.kb)  # the index is shared between tests: edit a copy
    entry = conversation.kb.get("internship-subsidy")
    conversation.store.save_entry(dataclasses.replace(entry, answer_en=""), "admin:1")
    conversation.reload_knowledge()
    [reply] = say(conversation, "How much is the internship subsidy in Dongguan?")
    assert reply.text.startswith(faq_texts.NO_ENGLISH_ANSWER) and "9000元" in reply.text
    assert conversation.store.faq_entry("internship-subsidy").answer_en == ""


def test_a_did_you_mean_choice_after_an_english_question_answers_in_english(conversation):
    conversation.kb = copy.copy(conversation.kb)
    conversation.kb.answer_threshold = 1.01  # every match lands in the "did you mean" band
    [reply] = say(conversation, "How much is the internship subsidy in Dongguan?")
    pick = next(b.action for b in reply.all_buttons if b.action.endswith(":internship-subsidy"))
    [answer] = press(conversation, pick)
    assert "9,000 yuan" in answer.text and "9000元" not in answer.text
    [reply] = say(conversation, "百校千人实习补贴能拿多少钱？", user="8")
    pick = next(b.action for b in reply.all_buttons if b.action.endswith(":internship-subsidy"))
    assert "9000元" in press(conversation, pick, user="8")[0].text
