"""Conversation context (bot/faq/context.py): follow-ups understood against the entry last answered or offered."""

import copy
from datetime import UTC, datetime, timedelta

import pytest

from bot import texts
from bot.app import build_conversation
from bot.faq import texts as faq_texts
from bot.faq.context import TOPIC_MINUTES
from bot.replies import Request
from bot.store import Store


def say(conversation, text, user="7", channel="test"):
    [reply] = conversation.handle(Request(channel, user, "text", text))
    return reply


def not_answered(reply) -> bool:
    """No entry's answer (a "did you mean" or "sorry, I don't know" instead)."""
    return not reply.title


def follows_up(conversation, question, then, user="7") -> bool:
    """Whether `then`, asked right after `question`, gets `question`'s answer: it was read against that topic."""
    topic = say(conversation, question, user).title
    return say(conversation, then, user).title == topic


@pytest.fixture
def pinned(clock):
    return clock.pin(datetime(2026, 12, 3, 6, tzinfo=UTC))


def test_a_follow_up_is_answered_from_the_entry_the_conversation_is_about(conversation):
    first = say(conversation, "三支一扶是什么")
    assert first.title.startswith("什么是“三支一扶”")
    follow_up = say(conversation, "那要满足啥条件")
    assert follow_up.title == first.title
    logged = conversation.store.logged_questions()
    assert {(q.text, q.outcome, q.faq_id) for q in logged} >= {("那要满足啥条件", "answer", "sanzhi-yifu")}


def test_without_a_conversation_the_same_follow_up_is_not_answered(conversation):
    assert say(conversation, "那要满足啥条件").title == ""


def test_a_follow_up_asking_a_detail_the_letter_lacks_says_so_and_gives_the_phone(conversation):
    say(conversation, "三支一扶是什么")
    reply = say(conversation, "去哪里报名")
    assert reply.title.startswith("什么是“三支一扶”")
    assert reply.text.startswith("公函里没有写报名或申请方式的细节") and "0769-12345678" in reply.text.split("\n")[0]
    plain = say(conversation, "那要满足啥条件")  # conditions: the answer itself sends students to the phone
    assert not plain.text.startswith("公函里")


def test_a_question_naming_another_programme_switches_the_topic(conversation):
    say(conversation, "实习补贴有多少")
    assert say(conversation, "三支一扶是什么").title.startswith("什么是“三支一扶”")
    assert say(conversation, "要满足啥条件").title.startswith("什么是“三支一扶”")


def test_a_follow_up_asked_in_english_gets_the_english_answer(conversation):
    say(conversation, "百校千人实习补贴有多少")
    assert "9,000 yuan" in say(conversation, "what are the conditions?").text


def test_an_unsure_match_whose_best_guess_is_the_topic_is_the_topic(conversation):
    assert not_answered(say(conversation, "人才集团现在运作了没", user="alone"))  # "did you mean" without context
    first = say(conversation, "海外人才回莞有什么服务")
    assert say(conversation, "人才集团现在运作了没").title == first.title


@pytest.mark.parametrize(
    ("first", "question"),
    [
        ("三支一扶是什么", "三支一扶恐龙"),
        ("直播招聘是什么", "直播带货要交税吗"),
        ("三支一扶是什么", "三支一扶股票涨了吗"),
    ],
)
def test_a_programme_named_beside_a_word_no_entry_knows_is_not_answered_from_the_topic(conversation, first, question):
    say(conversation, first)
    assert not_answered(say(conversation, question))


@pytest.mark.parametrize(
    ("first", "question"),
    [("海外人才回莞有什么服务", "那个人才集团建好了没"), ("实习补贴有多少", "and food and lodging?")],
)
def test_a_follow_up_about_how_the_topic_is_doing_or_in_other_words_is_still_answered(conversation, first, question):
    title = say(conversation, first).title
    assert say(conversation, question).title == title


@pytest.mark.parametrize(
    "question", ["东莞明天天气怎么样", "深圳有没有", "上海的呢", "推荐一部电影", "房价多少", "东莞房价多少"]
)
def test_an_out_of_scope_follow_up_stays_out(conversation, question):
    say(conversation, "实习补贴有多少")
    assert not_answered(say(conversation, question))


def test_small_talk_after_an_answer_stays_small_talk(conversation):
    say(conversation, "实习补贴有多少")
    assert say(conversation, "好的谢谢").text == faq_texts.SMALLTALK["thanks"]


def test_the_topic_belongs_to_one_user(conversation):
    say(conversation, "三支一扶是什么", user="7")
    assert say(conversation, "那要满足啥条件", user="8").title == ""


def test_a_restart_keeps_the_conversation(settings, store, kb, seed, clock):
    store.seed_faq(*seed)
    say(build_conversation(settings, store, copy.copy(kb)), "三支一扶是什么")
    store.close()
    reopened = Store.open(settings.database_path, clock)
    try:
        after = build_conversation(settings, reopened, copy.copy(kb))
        assert say(after, "那要满足啥条件").title.startswith("什么是“三支一扶”")
    finally:
        reopened.close()


def test_the_topic_expires_after_a_quiet_while(conversation, pinned):
    say(conversation, "三支一扶是什么")
    pinned.advance(timedelta(minutes=TOPIC_MINUTES - 1))
    assert say(conversation, "要满足啥条件").title  # answered, and the topic is fresh again
    pinned.advance(timedelta(minutes=TOPIC_MINUTES + 1))
    assert say(conversation, "要满足啥条件").title == ""


def test_an_entry_opened_from_the_menu_is_the_topic(conversation):
    conversation.handle(Request("test", "7", "button", "faq:campus-ambassador"))
    assert say(conversation, "长沙有没有").title.startswith("东莞市“校园大使”")


def test_a_question_of_common_words_only_is_not_taken_for_an_empty_message(conversation):
    alone = say(conversation, "总共几个")
    assert alone.text == conversation.answers.fill(faq_texts.NO_ANSWER)
    say(conversation, "校园大使在哪些城市")
    assert say(conversation, "总共几个").title.startswith("东莞市“校园大使”")
    assert say(conversation, "🙂🙂").text == texts.EMPTY


def test_forget_me_forgets_the_topic(conversation, store):
    say(conversation, "三支一扶是什么")
    store.forget_user("test", "7")
    assert store.topic("test", "7", timedelta(minutes=TOPIC_MINUTES)) is None


def test_a_question_asking_straight_out_for_a_missing_detail_is_told_so_too(conversation):
    reply = say(conversation, "三支一扶报名需要什么材料")
    assert reply.title.startswith("什么是“三支一扶”")
    assert reply.text.startswith("公函里没有写所需材料的细节")


def test_another_citys_policy_is_told_the_bot_knows_dongguans_only(conversation):
    reply = say(conversation, "深圳的实习补贴有多少")
    assert not_answered(reply) and "深圳" in reply.text and "东莞" in reply.text
    say(conversation, "实习补贴有多少")
    moved = say(conversation, "上海的呢")  # the topic moved to another city: the same honest reply
    assert not_answered(moved) and "上海" in moved.text


def test_another_citys_policy_asked_in_english_is_told_so_in_english(conversation):
    reply = say(conversation, "Shenzhen internship subsidy for students?")
    assert not_answered(reply) and "Dongguan" in reply.text and "Shenzhen" in reply.text


def test_a_confident_answer_about_a_word_the_topic_only_mentions_switches_the_topic(conversation):
    say(conversation, "见习")
    # 实习 is the internship subsidy's word; the traineeship only mentions it
    reply = say(conversation, "暑假实习能领补贴吗")
    assert reply.title == conversation.kb.get("internship-subsidy").question


@pytest.mark.parametrize("question", ["我是广西人，能参加见习吗", "湖南籍学生可以申请见习补贴吗"])
def test_where_a_student_comes_from_is_not_another_citys_policy(conversation, question):
    reply = say(conversation, question)
    assert "当地人社部门" not in reply.text


def test_a_topic_about_places_takes_a_city_as_its_follow_up(conversation):
    say(conversation, "名企名校行座谈会是什么")
    reply = say(conversation, "成都办过吗")
    assert reply.title == conversation.kb.get("dongguan-student-forum").question


def test_a_sure_answer_far_ahead_of_the_topic_is_its_own_question(conversation):
    """The privacy answer mentions a phone, but 电话多少 is surely asking for the bureau's number."""
    assert say(conversation, "你们会保存我的哪些信息").title.startswith("机器人会保存")
    assert say(conversation, "电话多少").title.startswith("怎么联系东莞市人社局")
    say(conversation, "我想在东莞创业，有什么扶持")
    # only cues (最多, 多少): still a follow-up, though the internship entry has the phrasing 实习补贴最多能拿多少
    assert say(conversation, "最多能拿多少").title == say(conversation, "创业有什么扶持").title


def test_small_talk_words_asking_whether_the_student_may_follow_up(conversation):
    first = say(conversation, "莞籍学生座谈会是什么")
    assert say(conversation, "我可以去吗").title == first.title  # all small-talk words, yet a question of the topic
    assert not say(conversation, "好的").title  # small talk stays small talk


def test_a_did_you_mean_does_not_take_the_conversation_from_its_topic(conversation):
    first = say(conversation, "扩岗补助是什么")
    offered = conversation.kb.ask("是真的吗")
    assert offered.kind == "suggest" and offered.faq_id != "expansion-subsidy"  # an unrelated entry is offered
    say(conversation, "是真的吗")
    assert say(conversation, "要做什么").title == first.title  # still about the expansion subsidy


def test_a_did_you_mean_about_what_the_student_names_moves_the_conversation(conversation):
    """A statement (我在武汉读书) offers the campus ambassadors; the student then names internships, which that entry
    does not explain: the conversation is about what was offered for them, not the first guess."""
    say(conversation, "我在武汉读书 东莞人")
    assert not_answered(say(conversation, "想找个实习"))  # a "did you mean" of the internship entry
    internship = say(conversation, "百校千人实习补贴有多少", user="8").title
    assert say(conversation, "能补几个月").title == internship


def test_a_message_that_says_it_moves_on_takes_its_best_match_though_unsure(conversation):
    """另外 / 对了 / by the way: the student leaves the topic; an unsure best match of another entry is what they ask."""
    say(conversation, "三支一扶是什么")
    assert say(conversation, "另外 创业那块有啥补贴").title == say(conversation, "创业扶持政策有哪些", user="8").title
    say(conversation, "三支一扶是什么", user="9")
    assert not_answered(say(conversation, "另外 东莞明天天气怎么样", user="9"))


def test_moving_on_to_something_no_entry_knows_is_not_answered(conversation):
    say(conversation, "三支一扶是什么")
    assert not_answered(say(conversation, "顺便问下 考研能用粤语答题吗"))  # a "did you mean" of bot-help (languages)


def test_asking_whether_taking_part_is_paid_says_the_letter_does_not_tell(conversation):
    say(conversation, "校园大使是做什么的")
    reply = say(conversation, "有补贴吗")
    assert reply.title.startswith(say(conversation, "校园大使是做什么的", user="8").title[:6])
    assert faq_texts.FOLLOWUP_NO_DETAIL.split("{")[0] in reply.text and faq_texts.DETAIL_ASPECTS["pay"] in reply.text


def test_a_question_that_points_back_asks_about_the_topic_whatever_else_it_names(conversation):
    """这个 / 那些 / they point at what was just said: 考证 and 进厂 are no entry's words, yet the question is about the
    topic. Without the pointer the same nouns are a question of their own."""
    assert follows_up(conversation, "校园大使是做什么的", "这个会影响我考证吗")
    assert follows_up(conversation, "百校千人实习补贴有多少", "那些企业会不会让人进厂打螺丝", user="8")
    say(conversation, "百校千人实习补贴有多少", user="9")
    assert not_answered(say(conversation, "企业会不会让人进厂打螺丝", user="9"))


def test_a_favour_asked_of_the_bot_is_never_read_as_a_follow_up(conversation):
    """帮我写…关于它的演讲稿 points at the topic, but asks the bot for work it does not do."""
    say(conversation, "三支一扶是什么")
    assert not_answered(say(conversation, "帮我写一份关于它的演讲稿"))


def test_naming_another_programme_while_on_one_answers_that_programme_though_unsure(conversation):
    """Alone, 校园大使要满足啥呢 is a "did you mean"; in a conversation about programmes, naming another one is a switch."""
    say(conversation, "三支一扶是什么")
    assert say(conversation, "校园大使要满足啥呢").title == say(conversation, "校园大使是做什么的", user="8").title


def test_a_pay_cue_is_read_with_the_words_the_analyzer_makes_of_it(conversation):
    """有钱拿吗 is a cue whole; its 钱 reads as 补贴, which the ambassadors' entry does not explain: still the cue's."""
    assert follows_up(conversation, "校园大使是做什么的", "有钱拿吗")


def test_a_known_word_that_leads_nowhere_else_leaves_a_follow_up(conversation):
    """影响 and 上课 are words other entries use, but alone the question matches nothing: it asks about the topic. A
    place (东莞落户, 上海落户) still makes the question one of its own."""
    assert follows_up(conversation, "校园大使是做什么的", "任务重不重 会影响上课吗")
    say(conversation, "三支一扶是什么", user="8")
    assert not_answered(say(conversation, "东莞落户要啥条件", user="8"))


def test_asking_the_bot_to_look_over_a_cv_is_a_favour(conversation):
    say(conversation, "校园大使是做什么的")
    assert not_answered(say(conversation, "帮我看看我的简历"))


def test_a_pointer_is_evidence_that_the_question_is_about_the_topic(conversation):
    """它主要管啥 has no cue and one lone character (管); 它 points at the entry just answered."""
    assert follows_up(conversation, "技能大师工作室是什么", "它主要管啥")


def test_a_year_written_with_two_digits_asks_about_that_year_of_the_topic(conversation):
    assert follows_up(conversation, "三支一扶是什么", "那22年的呢")


def test_an_everyday_subject_is_never_a_follow_up_whatever_it_points_at(conversation):
    """这个 points back, but 考研 and 天气 are subjects of their own the letter never covers (lexicon off_topic)."""
    say(conversation, "三支一扶是什么")
    assert not_answered(say(conversation, "这个跟考研冲突吗"))
    say(conversation, "校园大使是做什么的", user="8")
    assert not_answered(say(conversation, "那边天气怎么样 它们冷不冷", user="8"))


def test_a_verb_the_topic_does_not_explain_is_what_the_student_would_do_on_it(conversation):
    """考证 (take certificate exams) is no entry's word, but a verb: a question about doing it while an ambassador."""
    assert follows_up(conversation, "校园大使是做什么的", "会影响我考证吗")


def test_it_points_back_in_english_but_the_weather_and_the_time_are_their_own(conversation):
    assert follows_up(conversation, "百校千人实习补贴有多少", "is it only for top students or normal uni kids too")
    assert not_answered(say(conversation, "cool. what's the weather like there in july"))
    assert not_answered(say(conversation, "what time is it"))


def test_naming_another_programme_switches_whatever_chatter_is_around_it(conversation):
    say(conversation, "三支一扶是什么")
    switched = say(conversation, "那技能领军人才又是咋样评出来的呢")
    assert switched.title == say(conversation, "技能领军人才怎么认定", user="8").title


def test_a_programme_named_in_an_unanswered_remark_becomes_the_topic(conversation):
    """就业见习听起来像打白工 is no question the bot can answer, but the student named the traineeship: what comes next
    is about it."""
    assert not_answered(say(conversation, "就业见习听起来像打白工"))
    traineeship = say(conversation, "就业见习是什么", user="8").title
    assert say(conversation, "那要满足啥条件").title == traineeship


def test_a_bare_question_word_about_the_topics_own_words_is_a_follow_up(conversation):
    """一般提供什么服务: 什么 asks, 服务 is the topic's word (too common alone to be evidence)."""
    assert follows_up(conversation, "公共就业服务进校园是什么", "一般提供什么服务")
    say(conversation, "三支一扶具体是做啥的", user="8")
    assert not_answered(say(conversation, "失恋了好难受 怎么办", user="8"))


def test_a_question_word_with_nothing_named_asks_about_the_topic_but_a_bare_why_does_not(conversation):
    assert follows_up(conversation, "公共就业服务进校园是什么", "具体是怎么弄的")
    say(conversation, "三支一扶是什么", user="8")
    assert not_answered(say(conversation, "怎么了", user="8"))


def test_a_wild_guess_elsewhere_does_not_take_a_follow_up_from_the_topic(conversation):
    """安全 alone hints at the privacy entry, barely: asked right after 三支一扶, the question is about it."""
    assert follows_up(conversation, "三支一扶是什么", "女孩子去村里安全吗 住哪")


@pytest.mark.parametrize(
    ("question", "then"),
    [
        ("应届生专场招聘", "有线上的吗 我人在哈尔滨回不去"),  # where the student is stuck, not Harbin's job fairs
        ("三支一扶是什么", "报名一般几月啊 我大四下学期了"),  # 大四 | 下学期, not 大 | 四下 | 学期
        ("any job fairs for fresh grads in Dongguan?", "do I need to register beforehand?"),
        # a worry about being fleeced asks about the fair
        ("我想去东莞的大学生招聘会看看机会", "是免费的吗 别是割韭菜的"),
    ],
)
def test_where_the_student_is_and_their_worries_follow_up(conversation, question, then):
    assert follows_up(conversation, question, then)


def test_an_english_favour_is_not_a_follow_up(conversation):
    """Translating the student's essay is work the bot does not do, whatever the topic before it."""
    say(conversation, "what graduate subsidies does dongguan have")
    assert not_answered(say(conversation, "can you translate this paragraph into english for my essay pls"))


@pytest.mark.parametrize(("question", "then"), [("三支一扶是什么", "好考吗"), ("校园大使是做什么的", "难当不")])
def test_a_very_short_question_naming_nothing_asks_about_the_topic(conversation, question, then):
    """好考吗 / 难当不: a few characters, a question, nothing named of its own: how hard the topic is."""
    assert follows_up(conversation, question, then)


def test_a_very_short_question_about_the_bot_itself_is_small_talk_not_the_topic(conversation):
    say(conversation, "三支一扶是什么")
    assert not_answered(say(conversation, "你累不累"))


def test_a_place_is_never_a_homophone_of_the_topics_words(conversation):
    """西安 sounds like 先 or 现 (xian); named after the traineeship, it is another city's traineeship."""
    say(conversation, "就业见习有补贴吗")
    reply = say(conversation, "那西安的见习补贴多少")
    assert not_answered(reply) and "西安" in reply.text


def test_asking_whether_the_topic_has_a_programme_its_answer_names_stays_on_the_topic(conversation):
    """The director's visits opened traineeship posts: 有没有见习岗位 asks about those, not the traineeship scheme; a
    programme the topic does not write (三支一扶 has no traineeships) is a question of its own."""
    assert follows_up(conversation, "局长千企行是什么活动", "有没有见习岗位")
    say(conversation, "三支一扶是什么")
    assert say(conversation, "有就业见习吗").title != say(conversation, "三支一扶是什么").title


def test_selling_on_a_livestream_is_not_the_recruitment_livestream(conversation):
    say(conversation, "我在家乡挺好的直播招聘是什么")
    assert not_answered(say(conversation, "那我想自己直播带货 怎么起步"))


@pytest.mark.parametrize("question", ["推荐几个好用的求职app", "一个月能赚多少啊"])
def test_asking_for_the_bots_pick_or_a_jobs_earnings_is_not_the_topic(conversation, question):
    say(conversation, "就业见习有补贴吗")
    assert not_answered(say(conversation, question))


def test_a_long_follow_up_about_a_telling_word_of_the_topic_stays_on_it(conversation):
    """A long message is usually a question of its own; one that leads nowhere alone but asks about a word the topic's
    answer is about (保险 for the internships) follows up on it."""
    assert follows_up(
        conversation,
        "百校千人实习计划是什么",
        "我下个月就要去实习了 我妈一直唠叨路上不安全 想确认一下到底会不会给我们买保险",
    )


def test_a_sure_answer_well_ahead_of_the_topic_switches_though_the_topic_shares_its_words(conversation):
    """企业, 毕业生 and 补贴 are the traineeship's words too, but a company hiring graduates is the one-off expansion
    subsidy: sure and clearly ahead, it is the question's own entry."""
    expansion = say(conversation, "一次性扩岗补助是什么").title
    say(conversation, "就业见习有补贴吗")
    assert say(conversation, "我们厂今年招了几个应届毕业生 政府会补钱给厂里吗").title == expansion


@pytest.mark.parametrize("question", ["吃了吗", "食咗饭未", "几点了"])
def test_a_greeting_or_the_time_is_not_read_as_a_short_follow_up(conversation, question):
    """难考吗 asks about the topic; 吃了吗 is how people say hello, 几点了 asks the time now."""
    say(conversation, "三支一扶是什么")
    assert not_answered(say(conversation, question))
