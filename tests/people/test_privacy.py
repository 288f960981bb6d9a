"""A student sees what the bot keeps about them and can delete all of it."""

from datetime import timedelta

from bot.people import texts as people_texts
from bot.replies import Request
from bot.store import iso

STUDENT, OTHER = "2", "9"


def send(bot, kind, text, user=STUDENT):
    return bot.handle(Request("telegram", user, kind, text, name="小明"))


def test_mydata_lists_what_is_kept(conversation):
    bot = conversation
    send(bot, "button", "sub:city:武汉")
    send(bot, "button", "sub:topic:fairs")
    send(bot, "text", "实习补贴多少钱")
    [reply] = send(bot, "command", "mydata")
    assert "小明" in reply.text and "武汉" in reply.text and "招聘会" in reply.text
    assert "提过的问题：1 条" in reply.text
    assert [b.action for b in reply.all_buttons] == ["me:forget"]


def test_forgetting_deletes_everything_personal_after_a_confirmation(conversation, clock):
    bot, store = conversation, conversation.store
    start = clock.now() + timedelta(days=3)
    fair = store.add_fair("telegram:1", {"title": "招聘会", "kind": "onsite", "city": "东莞", "venue": "会展中心",
                                         "starts_at": iso(start), "ends_at": iso(start + timedelta(hours=2))})  # fmt: skip
    for user in (STUDENT, OTHER):
        send(bot, "button", "sub:city:武汉", user=user)
        send(bot, "text", "实习补贴多少钱", user=user)
        send(bot, "button", f"fr:{fair}", user=user)
    store.grant_role("telegram", STUDENT, "ambassador", "cli", city="武汉", campus="武汉大学")
    store.invite_code(f"telegram:{STUDENT}")

    [confirm] = send(bot, "button", "me:forget")
    assert confirm.text == people_texts.FORGET_CONFIRM
    assert store.subscription("telegram", STUDENT) is not None  # nothing deleted before the confirmation
    [done] = send(bot, "button", "me:forget:yes")
    assert done.text == people_texts.FORGOTTEN
    assert store.personal_data("telegram", STUDENT) == {
        "user": None, "subscription": None, "questions": 0, "reminders": 0, "roles": []
    }  # fmt: skip
    assert store.db.execute("select count(*) from invites where owner = ?", [f"telegram:{STUDENT}"]).fetchone()[0] == 0
    other = store.personal_data("telegram", OTHER)  # only their own data: the other student keeps theirs
    assert other["subscription"] and other["questions"] == 1 and other["reminders"] == 2


def test_changing_ones_mind_keeps_the_data(conversation):
    send(conversation, "button", "sub:city:武汉")
    send(conversation, "command", "forgetme")
    assert send(conversation, "button", "me:keep")[0].text == people_texts.FORGET_KEPT
    assert conversation.store.subscription("telegram", STUDENT) is not None


def test_mydata_shows_the_channel_and_the_id_an_admin_grants_a_role_to(conversation):
    [reply] = conversation.handle(Request("wechat", "oABCdef1234567890xyz_-12345", "command", "mydata"))
    assert "微信" in reply.text and "oABCdef1234567890xyz_-12345" in reply.text
    [telegram] = send(conversation, "command", "mydata")
    assert "Telegram" in telegram.text and STUDENT in telegram.text
