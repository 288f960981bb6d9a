"""The conversation rules, channel-agnostic: one request in, replies out."""

import copy

from bot import texts
from bot.conversation import MAX_QUESTION_CHARS, Conversation
from bot.replies import Request


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
    [category] = press(conversation, menu.all_buttons[0].action)
    assert category.replace and "实习与见习" in category.text
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
    assert reply.text == texts.SUGGEST
    faq_buttons = [b for b in reply.all_buttons if b.action.startswith("faq:")]
    assert 1 <= len(faq_buttons) <= 3
    assert reply.all_buttons[-1].action == "none"
    [answer] = press(conversation, faq_buttons[0].action)
    assert answer.title == faq_buttons[0].label
    assert conversation.store.logged_questions("suggest")[0].text == "补贴"


def test_an_out_of_scope_question_gets_no_policy_answer_but_the_menu_and_phone(conversation):
    [reply] = say(conversation, "东莞明天天气怎么样")
    assert "0769-12345678" in reply.text and reply.all_buttons[0].action.startswith("cat:")
    assert conversation.store.logged_questions("none")[0].text == "东莞明天天气怎么样"


def test_greetings_and_thanks_get_small_talk_not_a_policy_answer(conversation):
    assert say(conversation, "你好")[0].text == texts.SMALLTALK["greeting"].format(bot_name="莞才助手")
    assert say(conversation, "在吗？")[0].text.startswith("你好呀")
    assert say(conversation, "谢谢！")[0].text == texts.SMALLTALK["thanks"]
    assert conversation.store.logged_questions() == []


def test_empty_emoji_and_junk_messages_get_a_polite_hint(conversation):
    for text in ["", "   ", "😀😀😀", "？？？！！"]:
        [reply] = say(conversation, text)
        assert reply.text == texts.EMPTY


def test_a_ten_thousand_character_message_is_asked_to_be_shorter(conversation):
    [reply] = say(conversation, "我想问" * 3400)
    assert reply.text == texts.TOO_LONG.format(limit=MAX_QUESTION_CHARS)


def test_stickers_and_photos_get_a_polite_reply(conversation):
    [reply] = conversation.handle(Request("test", "7", "other"))
    assert reply.text == texts.NOT_TEXT


def test_forged_or_stale_buttons_change_nothing(conversation):
    for action in ["faq:does-not-exist", "cat:nope", "admin:delete:contact", "x" * 64]:
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
