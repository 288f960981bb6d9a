"""knowledge/followup.py: how a short question reads against the entry a conversation is about (pure)."""

import pytest

from knowledge.followup import aspects_of, missing_detail, moves_on, read


def reading(kb, question: str, topic: str):
    return read(kb.index, kb.analyzer.analyze(question), topic)


@pytest.mark.parametrize(
    ("question", "aspects"),
    [
        ("要满足啥条件", {"conditions", "wh"}),
        ("去哪里报", {"place", "procedure"}),
        ("要交什么材料", {"materials", "wh"}),
        ("how much?", {"amount", "wh"}),
        ("还有其他的吗", {"other"}),
        ("那2021年的呢", {"period", "and"}),  # "and in 2021?"
        ("企业呢", {"and"}),
        ("一般哪个月开始", {"time"}),
        ("需要预约吗", {"procedure"}),
        ("what are the conditions", {"conditions", "wh"}),
        ("那个人才集团建好了没", {"status"}),
        ("现在运作了吗", {"status"}),
        ("依据的是哪个文件", {"source"}),
        ("会上讲了什么内容", {"what", "wh"}),
        ("要做几耐", {"period"}),
        ("一般提供什么服务", {"wh"}),  # a bare question word
        ("三支一扶", set()),
    ],
)
def test_cue_words_say_what_a_follow_up_asks_about(question, aspects):
    assert aspects_of(question) == aspects


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("那要满足啥条件", "sanzhi-yifu"),
        ("长沙有没有", "campus-ambassador"),
        ("总共几个", "campus-ambassador"),
        ("还能报吗", "sanzhi-yifu"),
        ("有没有补贴", "jianxi"),
        ("那2021年的呢", "school-enterprise-fair"),  # a year of the topic, not whatever entry names that year
        ("一般哪个月开始", "livestream-recruitment"),
        ("需要预约吗", "campus-employment-service"),
        ("具体怎么对接", "returnee-talent"),
        ("还有其他类似的吗", "campus-ambassador"),  # 类似 only sets the scene
        ("what are the conditions", "startup-support"),
        ("依据的是哪个文件", "skill-leader"),  # a question about the topic's source
        ("who can set one up?", "skill-master-studio"),  # "one" points back
        ("how many schools came?", "school-enterprise-fair"),
        ("学历有限制吗", "sanzhi-yifu"),  # eligibility words ask about conditions
        ("在哪个网站能报", "jianxi"),
        ("今年开了几多间", "skill-master-studio"),  # a measure word on its own (几多间) is part of the count
        ("入场要收费吗", "job-fairs"),  # what it costs
        ("线上还是现场", "talent-events"),  # how it is held
        ("is it still running", "livestream-recruitment"),
        ("要带咩去", "job-fairs"),  # a cue as the Cantonese means it (带咩 is 带什么)
        ("办公时间几点到几点", "contact"),  # a word inside a cue phrase (几点) is part of the cue
        ("补贴点领", "expansion-subsidy"),  # how to claim it
        ("使唔使填表", "expansion-subsidy"),  # 使唔使 = 需不需要 asks nothing of its own; a form is paperwork
        ("明年还会再办吗", "livestream-recruitment"),
        ("when did it begin", "campus-ambassador"),  # an English phrase of time, not "begin" alone
        ("主要有哪些方面", "campus-employment-service"),
        ("毕业后会派到哪", "sanzhi-yifu"),
        ("依托哪些单位", "skill-master-studio"),
        ("能帮忙对接行程吗", "returnee-talent"),  # a word its answer writes (行程) is the topic's
        ("除此之外呢", "graduate-subsidies"),  # "besides" asks for the others
        ("what's the maximum?", "internship-subsidy"),
        ("2021年设了多少家", "skill-master-studio"),
        ("企业呢", "school-enterprise-fair"),  # "and the companies?": a word the topic explains, and 呢
        ("研究生也可以吗", "internship-subsidy"),  # who else may take part
        ("do postgraduates qualify?", "graduate-subsidies"),  # cues as the analyzer stems them (qualifi)
        ("喺线上定线下", "job-fairs"),  # 线上 is a word (jieba's dictionary lacks it: 在线|上)
        ("我大三可以吗", "internship-subsidy"),  # the student's own case
        ("具体点", "talent-project"),  # more of the same
        ("can I join if I'm a freshman?", "campus-ambassador"),
        ("谁组织的", "director-visits"),
        ("截至哪年", "skill-leader"),
        ("我表弟在读大专，还来得及参加吗", "jianxi"),  # someone described (who), and whether they may take part
        ("我是外省户口", "sanzhi-yifu"),  # the student's own case, told
        ("要面试吗", "campus-ambassador"),  # how people are chosen
        ("能拿证书吗", "skill-master-studio"),  # what taking part brings
        ("哦哦 明白了，那要交什么材料", "jianxi"),  # a reaction before the question is filler
        ("ok, is there a website with the full text?", "skill-leader"),  # English is long in characters, not words
        ("576人这么少啊，名额多吗", "jianxi"),  # a figure the topic's answer gives, repeated
        ("补贴是打到公司账户吗", "expansion-subsidy"),  # how the money arrives
        ("期满以后有什么出路", "sanzhi-yifu"),  # what comes after
        ("路费是自己出还是政府出", "returnee-talent"),  # which of two, what it costs
        ("我们公司是做物流的，符不符合", "expansion-subsidy"),  # whether someone described qualifies (A-not-A)
        ("做完能留下来吗", "jianxi"),  # what comes after
        ("平时任务多吗", "campus-ambassador"),  # what it involves day to day
        ("来的是国企还是民企", "job-fairs"),  # which kinds of companies
        ("年龄有要求吗 我25了", "jianxi"),  # the student's own figure beside the question
        ("我学护理的", "sanzhi-yifu"),  # the student's own case, told
        ("会讲啲咩嘢", "dongguan-student-forum"),  # what it is about, in Cantonese
        ("还有别的办法吗", "contact"),  # another way to reach them
        ("都包括什么", "returnee-talent"),  # what it includes
        ("见习期一般多长", "jianxi"),
        ("专科生收不收", "jianxi"),  # who they take
        ("会不会很占时间", "campus-ambassador"),
        ("N是什么意思", "school-enterprise-fair"),  # the N of 1+N is no English filler
        ("有补贴吗还是义务的", "campus-ambassador"),  # whether taking part is paid
        ("is it paid?", "sanzhi-yifu"),  # an English cue phrase, whose word (paid) folds onto 补贴
        ("手续复杂吗", "expansion-subsidy"),  # 复杂 only describes: no subject of its own
        ("是不是所有企业都有份", "expansion-subsidy"),  # nor does 所有
        ("was it online or face to face?", "dongguan-student-forum"),
        ("我这种普通二本毕业的有份吗", "talent-project"),  # 二本 (a kind of university) is no place
        ("会来我们学校吗 我在华工", "campus-employment-service"),  # a university's short name sets the scene
        ("见习完了企业一般会留人吗", "jianxi"),  # what comes after
        ("都搞过些什么活动", "talent-events"),
        ("几个补贴能叠加吗", "graduate-subsidies"),  # whether they combine
        ("是按月打到卡里吗", "internship-subsidy"),  # how the money arrives
        ("点解叫咁嘅名㗎", "talent-project"),  # why it is called so
        ("会来我们学校吗 我在郑大", "campus-employment-service"),  # a university's short name (郑大 was 郑|大, 郑 a place)
        ("在哪个平台播的 抖音还是视频号啊", "livestream-recruitment"),
        ("is it only for top universities?", "campus-ambassador"),  # who may take part
        ("同另外那个名字差不多的 区别在哪", "graduate-subsidies"),  # how two of the topic's subsidies differ
        ("我学护理的 有对口的岗位吗", "internship-subsidy"),  # a major sets the scene; 对口 asks who fits  # 设: a lone character of the topic's 设立, in a question that asks
    ],
)
def test_a_question_that_names_nothing_of_its_own_follows_up(kb, question, topic):
    assert reading(kb, question, topic).kind == "followup"


@pytest.mark.parametrize(
    "question",
    ["我还会再来的", "你叫什么名称", "what's your name", "let's start", "again", "free", "户籍怎么迁", "东莞户口怎么迁", "能去玩吗",
     "表格怎么做", "排名前十的大学"],
)
def test_words_that_only_look_like_cues_do_not_make_a_follow_up(kb, question):
    """Everyday sentences that share a word with a cue (还会, name, start, free, 表格, 排名) ask something else."""
    assert reading(kb, question, "internship-subsidy").kind != "followup"


@pytest.mark.parametrize(
    "question",
    [
        "现在几点了",
        "三支一扶是什么",
        "东莞明天天气怎么样",
        "护照怎么办",
        "你是男的女的",
        "房价多少",
        "好的",
        "是不是真的",
        "实习完了帮我找个对象",  # a character the topic writes (完), in a question that asks nothing of it
        "主播多大了",  # characters in a row (主|播): a word of its own, though the topic writes them
        "你叫什么呢",  # 呢 alone, with nothing the topic explains
        "今天几号",  # today's date, not the topic's
        "见习期间能请假吗",  # may they… take leave: what they would do is not the topic's
        "我能跟你做朋友吗",
        "个人所得税怎么算",  # 怎么算 asks how, not whether someone counts
        "三支一扶能报吗",  # another programme
        "我们学校食堂几点开门",  # 我们学校… is no statement of the student's own case
        "期末论文能帮我写一下吗",  # a favour asked of the bot, not whether someone may take part
    ],
)
def test_another_topic_or_an_unknown_word_makes_it_a_question_of_its_own(kb, question):
    assert reading(kb, question, "internship-subsidy").kind == "own"


@pytest.mark.parametrize("question", ["深圳有没有", "上海的呢", "广州的实习补贴呢"])
def test_a_place_the_topic_does_not_cover_moves_it_elsewhere(kb, question):
    assert reading(kb, question, "internship-subsidy").kind == "elsewhere"


def test_a_place_is_a_follow_up_of_a_topic_that_names_it_or_is_about_where(kb):
    assert reading(kb, "西安还办吗", "dongguan-student-forum").kind == "followup"  # its answer names 西安
    assert reading(kb, "成都有没有", "campus-ambassador").kind == "followup"  # its answer lists five cities
    assert reading(kb, "成都有没有", "internship-subsidy").kind == "elsewhere"
    # the talent events' stops (北京站、广州站): jieba's railway stations are the cities, so Shanghai is a place of
    # a topic about where
    assert reading(kb, "有没有来过上海", "talent-events").kind == "followup"


def test_a_follow_up_shares_a_word_with_its_topic_only_as_the_topic_writes_it(kb):
    assert reading(kb, "人才集团现在运作了没", "returnee-talent").shares_word
    assert not reading(kb, "东莞房价多少", "internship-subsidy").shares_word  # 房价 only sounds like 放假


def test_a_word_no_entry_knows_that_the_topic_does_not_explain_is_noticed(kb):
    assert reading(kb, "三支一扶恐龙", "sanzhi-yifu").unknown
    assert not reading(kb, "人才集团现在运作了没", "returnee-talent").unknown  # 运作 asks how it is doing
    assert not reading(kb, "那要满足啥条件", "sanzhi-yifu").unknown


def test_a_long_message_is_never_a_follow_up(kb):
    assert reading(kb, "那要满足啥条件" * 5, "sanzhi-yifu").kind == "own"


def test_naming_a_programme_is_noticed_even_when_the_topic_mentions_it(kb):
    assert reading(kb, "那就业见习呢", "director-visits").names_programme


@pytest.mark.parametrize(
    ("question", "missing"),
    [
        ("去哪里报", ("procedure",)),
        ("点样报名", ("procedure",)),
        ("how do i apply", ("procedure",)),
        ("要交什么材料", ("materials",)),
        ("下一场什么时候", ("time",)),
        ("参加见习有补贴吗", ()),
        ("前年呢", ()),
        ("能拿多少", ()),
    ],
)
def test_missing_detail_is_what_the_question_asks_for_and_the_answer_lacks(question, missing):
    assert missing_detail(question, "最高9000元。") == missing


def test_an_answer_that_gives_the_detail_is_not_said_to_lack_it():
    assert missing_detail("怎么报名 要什么材料", "登录网站报名，携带身份证。") == ()


@pytest.mark.parametrize(("question", "moves"), [("另外想问下创业", True), ("对了 还有一个", True), ("换个问题", True), ("话说 东莞有没有招聘会", True),
                                                 ("by the way, what about startups", True), ("那要满足啥条件", False)])
def test_words_that_say_the_student_moves_on(question, moves):
    assert moves_on(question) is moves
