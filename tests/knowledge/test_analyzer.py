"""Features: words by pinyin, syllable bigrams, domain words spotted by sound; small talk."""

import pytest

from knowledge.analyzer import Analyzer
from knowledge.entries import load_lexicon


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer(load_lexicon())


def test_domain_words_stay_whole(analyzer):
    assert "w:sanzhiyifu" in analyzer.analyze("三支一扶").features
    assert "w:baixiaoqianren" in analyzer.analyze("百校千人计划").features


def test_a_homophone_typo_yields_the_same_domain_word(analyzer):
    assert "w:sanzhiyifu" in analyzer.analyze("三支一福").features
    assert "w:xiaoyuandashi" in analyzer.analyze("校园大室").features


def test_two_characters_typed_in_the_wrong_order_still_name_the_word(analyzer):
    assert "w:xiaoyuandashi" in analyzer.analyze("校园使大是什么").features
    assert "w:kuogangbuzhu" in analyzer.analyze("扩补岗助").features
    assert "w:zhaopinhui" in analyzer.analyze("应届生招会聘").features


def test_a_swap_in_a_two_character_word_is_not_guessed(analyzer):
    """见习 swapped is 习见, a word of its own: two syllables are too few to guess from."""
    assert "w:jianxi" not in analyzer.analyze("习见").features


def test_filler_words_produce_no_features(analyzer):
    assert analyzer.analyze("请问一下啊吗呢").empty
    assert analyzer.analyze("你好，请问三支一扶").features == analyzer.analyze("三支一扶").features


def test_synonyms_fold_to_the_canonical_word(analyzer):
    assert "w:butie" in analyzer.analyze("补助").features
    assert "w:butie" in analyzer.analyze("subsidy").features


@pytest.mark.parametrize(
    ("text", "intent"),
    [("你好", "greeting"), ("在吗？", "greeting"), ("早上好", "greeting"), ("谢谢你！", "thanks"),
     ("好的谢谢", "thanks"), ("Hello", "greeting"), ("拜拜", "bye"), ("你叫咩名", "name"), ("What's your name?", "name"),
     ("三支一扶", None), ("你好，三支一扶是什么", None), ("😀", None)],
)  # fmt: skip
def test_small_talk_is_recognised_only_when_the_message_is_nothing_else(analyzer, text, intent):
    assert analyzer.smalltalk_intent(text) == intent


def roles(analyzer, text):
    return {u.surface: u.role for u in analyzer.analyze(text).units}


def test_another_citys_name_is_a_place_but_where_the_student_studies_is_context(analyzer):
    assert roles(analyzer, "深圳的实习补贴有多少")["深圳"] == "place"
    assert roles(analyzer, "我在成都读书，想问实习补贴")["成都"] == "context"


@pytest.mark.parametrize("town", ["厚街", "塘厦", "石龙"])
def test_dongguans_towns_stay_whole_and_set_the_scene(analyzer, town):
    """jieba cut 厚街 into 厚|街 and 塘厦 into 塘|厦 (a lone 厦 a place): two characters no entry explains."""
    assert roles(analyzer, f"我家在{town} 实习单位在松山湖")[town] == "context"


def test_support_written_the_hong_kong_way_is_support_not_a_volunteer(analyzer):
    """支援 sounds like 志愿 (三支一扶's volunteers); as written it is 支持."""
    assert analyzer.analyze("创业有咩支援").features == analyzer.analyze("创业有咩支持").features


def test_a_verb_with_le_ge_is_not_one_word(analyzer):
    """jieba's dictionary has 开了个 as a word; cut whole it would hide 开 and count as a word no entry knows."""
    assert [u.surface for u in analyzer.analyze("我开了个工作室").units] == ["开", "工作室"]


def test_the_places_a_text_names_leave_out_dongguan_and_its_towns(analyzer):
    assert analyzer.place_names("2023年在西安、北京办过，东莞市和虎门也有") == {"西安", "北京"}


def test_chatty_context_words_are_marked_as_context(analyzer):
    units = roles(analyzer, "听说暑假有实习补贴")
    assert units["听说"] == "context" and units["暑假"] == "context"
    assert units["实习补贴"] == "topic"


def test_words_keep_how_they_are_written_so_homophones_are_told_apart(analyzer):
    [house_price] = analyzer.analyze("房价").units
    [holiday] = analyzer.analyze("放假").units
    assert house_price.key == holiday.key  # same sound: a typo can still match
    assert house_price.surface != holiday.surface  # but not as if it were the same word


def test_a_synonym_as_written_beats_a_homophone_in_another_list(analyzer):
    # 管住 (lodging words) and 关注 (subscription words) are both guanzhu: each folds onto its own list's word.
    assert "w:shisu" in analyzer.analyze("实习管住不").features
    assert "w:dingyue" in analyzer.analyze("怎么关注").features
    assert "w:dingyue" not in analyzer.analyze("实习管住不").features
    # 职员 (staff) and 志愿 (volunteers, 三支一扶's word) are both zhiyuan
    assert "w:zhenren" in analyzer.analyze("点样揾到你哋啲职员").features
    assert "w:zhiyuanzhe" not in analyzer.analyze("点样揾到你哋啲职员").features


@pytest.mark.parametrize("frame", ["是啥玩意", "咋回事", "是怎么回事", "那场", "有啲咩", "好多"])
def test_words_that_only_frame_a_question_are_filler(analyzer, frame):
    assert analyzer.analyze(f"人才工程{frame}").features == analyzer.analyze("人才工程").features


def test_a_yes_no_question_of_a_word_not_the_word_is_filler(analyzer):
    assert analyzer.analyze("招聘会规模大不大").features == analyzer.analyze("招聘会规模").features
    assert "w:da" in analyzer.analyze("招聘会规模大吗").features  # the word alone still counts


@pytest.mark.parametrize(
    ("question", "city"),
    [("我在成都读书，有实习补贴吗", "成都"), ("我喺广州读紧书，实习有冇补贴", "广州"), ("我来自武汉", "武汉"),
     ("我在上海上班，老家东莞，回去有补贴吗", "上海"), ("会来我们学校吗 我在湛江", "湛江")],
)
def test_where_the_student_is_sets_the_scene(analyzer, question, city):
    assert roles(analyzer, question)[city] == "context"


@pytest.mark.parametrize("question", ["在深圳创业有补贴吗", "喺深圳创业有冇补贴", "西安的人才政策"])
def test_a_place_where_the_question_happens_is_a_place(analyzer, question):
    assert "place" in roles(analyzer, question).values()


def test_an_english_city_name_is_read_as_the_chinese_place(analyzer):
    units = roles(analyzer, "Shenzhen internship subsidy?")
    assert units["深圳"] == "place"
    assert roles(analyzer, "can my friend from Hunan join")["湖南"] == "context"  # where the student comes from
    assert roles(analyzer, "Hong Kong internship")["香港"] == "place"


@pytest.mark.parametrize("word", ["城市", "上岗", "镇里"])
def test_words_jieba_tags_as_places_that_are_not_places_here(analyzer, word):
    assert roles(analyzer, f"毕业生{word}补贴")[word] != "place"


@pytest.mark.parametrize(("question", "home"), [("东莞的实习补贴", True), ("回莞实习", True), ("虎门有招聘会吗", True),
                                               ("Dongguan internship", True), ("深圳的实习补贴", False)])
def test_a_question_names_home_by_dongguan_its_towns_or_home_words(analyzer, question, home):
    assert analyzer.names_home(analyzer.analyze(question)) is home


def test_what_the_student_does_where_they_are_sets_the_scene(analyzer):
    assert roles(analyzer, "我在上海上班，想回东莞创业")["上班"] == "context"
    assert roles(analyzer, "在东莞上班有什么补贴")["上班"] == "topic"


@pytest.mark.parametrize(("word", "modifier"), [("复杂", True), ("一定", True), ("所有", True), ("只有", True),
                                                 ("天气", False), ("考研", False), ("困难", False), ("见习", False),
                                                 ("中午", True), ("手上", True)])
def test_words_that_only_describe_or_link_are_modifiers(analyzer, word, modifier):
    """jieba's adjectives, adverbs, conjunctions and pronouns name no subject; its nouns, verbs and 名形词 (困难) do."""
    assert analyzer.is_modifier(word) is modifier


@pytest.mark.parametrize(("word", "verb"), [("适应", True), ("冒充", True), ("请假", True),
                                             ("天气", False), ("培训", False), ("复杂", False), ("三支一扶", False)])
def test_verbs_say_what_someone_does(analyzer, word, verb):
    """jieba's verbs (not its 名动词 like 培训, which name a subject), never a domain word."""
    assert analyzer.is_verb(word) is verb


@pytest.mark.parametrize(
    ("text", "question"),
    [("菜单看了半天，算了，我想直接打电话问人", "我想直接打电话问人"), ("先不说这个 我想了解就业见习", "我想了解就业见习")],
)
def test_what_a_student_says_after_never_mind_is_the_question(analyzer, text, question):
    assert analyzer.analyze(text).features == analyzer.analyze(question).features


def test_not_understanding_is_not_a_language_the_bot_supports(analyzer):
    """看得懂 (can read it) folds onto 支持 for 你看得懂繁体吗; 没看懂 (did not understand) does not."""
    assert "支持" in [u.surface for u in analyzer.analyze("你看得懂繁体吗").units]
    assert "支持" not in [u.surface for u in analyzer.analyze("菜单我没看懂").units]


def test_a_scene_word_is_not_folded_onto_a_homophones_synonym(analyzer):
    """清楚 (clear) sounds like 清除 (erase, a synonym of 删除); as a scene word it stays itself."""
    assert "删除" not in [u.surface for u in analyzer.analyze("讲不清楚").units]
    assert "删除" in [u.surface for u in analyzer.analyze("清除我的数据").units]


def test_a_common_word_is_not_taken_for_a_homophones_typo(analyzer):
    """手机 (phone) sounds like 收集 (collect, a privacy word); it is too common a word to be a typo of it."""
    assert "保存" not in [u.surface for u in analyzer.analyze("手机打也行").units]


def test_an_everyday_subject_is_kept_whole_so_no_entry_explains_part_of_it(analyzer):
    """直播带货 (selling on a livestream) is not the recruitment livestream's 直播 and two loose characters."""
    assert "直播带货" in {u.surface for u in analyzer.analyze("想学直播带货").units}
    assert "高铁票" in {u.surface for u in analyzer.analyze("回东莞的高铁票贵不贵").units}
