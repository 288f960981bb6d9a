"""How the matcher treats the ways students really type (see knowledge/analyzer.py, matcher.py)."""

import functools
import itertools
import json
import operator
from pathlib import Path

import pytest
from rapidfuzz import fuzz

from knowledge.entries import Category, FaqEntry, load_lexicon
from knowledge.kb import KnowledgeBase


def top(kb, question: str) -> str | None:
    return kb.ask(question).faq_id


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("建习岗位有多少", "jianxi"),  # 建习 typed for 见习
        ("三支一服", "sanzhi-yifu"),
        ("校园大室是干嘛的", "campus-ambassador"),
        ("实习补帖能拿多久", "internship-subsidy"),
        ("技能领君人才怎么认定", "skill-leader"),
    ],
)
def test_homophone_typos_from_pinyin_input_still_find_the_topic(kb, question, expected):
    assert top(kb, question) == expected


def test_traditional_characters_match_like_simplified(kb):
    simplified, traditional = kb.ask("校园大使在哪些城市"), kb.ask("校園大使在哪些城市")
    assert simplified.faq_id == traditional.faq_id == "campus-ambassador"
    assert simplified.score == traditional.score


def test_filler_words_punctuation_and_emoji_do_not_change_the_match(kb):
    plain = kb.ask("三支一扶有什么待遇")
    chatty = kb.ask("你好！请问一下，三支一扶有什么待遇呀？😊")
    assert plain.faq_id == chatty.faq_id == "sanzhi-yifu"
    assert chatty.kind == "answer"


def test_synonyms_fold_onto_the_words_of_the_knowledge_base(kb):
    assert top(kb, "实习有补助吗") == top(kb, "实习有补贴吗") == "internship-subsidy"
    assert top(kb, "实习包吃住吗") == "internship-subsidy"  # 包吃住 -> 食宿


def test_english_questions_find_their_topic(kb):
    assert top(kb, "sanzhi yifu volunteers") == "sanzhi-yifu"
    assert top(kb, "campus ambassador cities") == "campus-ambassador"


def test_the_english_answer_lends_its_english_words_to_english_questions(kb):
    """"vocational" is in the campus services' English answer only (its Chinese words are 职业培训)."""
    vocational = kb.analyzer.analyze("vocational")
    [(_, _, explained)] = kb.index.explanation(vocational, "campus-employment-service")
    assert explained > 0
    assert kb.ask("does the campus service include vocational training?").faq_id == "campus-employment-service"
    # a word the lexicon folds onto a Chinese one (data → 个人信息) is the Chinese answer's to lend, not the English
    [(_, _, explained)] = kb.index.explanation(kb.analyzer.analyze("data"), "bot-help")
    assert explained == 0


@pytest.mark.parametrize("question", ["东莞天气怎么样", "帮我订一张去北京的机票", "护照过期了怎么办", "asdfgh"])
def test_out_of_scope_questions_get_no_policy_answer(kb, question):
    assert kb.ask(question).kind != "answer"


def small_kb(*entries: FaqEntry) -> KnowledgeBase:
    return KnowledgeBase([Category("c", "分类")], list(entries), load_lexicon(), 0.62, 0.35)


def test_words_every_entry_shares_do_not_decide_the_match():
    kb = small_kb(
        FaqEntry("a", "c", "东莞政策补贴有哪些", "A", alternates=("东莞政策补贴",)),
        FaqEntry("b", "c", "东莞政策补贴和见习", "B", alternates=("见习岗位",)),
        FaqEntry("d", "c", "东莞政策补贴和创业", "D", alternates=("创业贷款",)),
    )
    # 东莞/政策/补贴 appear in every entry; 见习 appears in one, so it decides.
    assert kb.ask("东莞政策补贴 见习").faq_id == "b"
    weights = {f: kb.index.idf(f) for f in kb.analyzer.analyze("东莞见习").features}
    assert weights["w:dongguan"] < weights["w:jianxi"]


def test_unknown_words_count_against_a_match():
    kb = small_kb(FaqEntry("a", "c", "见习补贴有多少", "A"))
    assert kb.ask("见习补贴有多少").kind == "answer"
    # one clause: a clause of its own beside the question would be a remark (knowledge/kb.py, _one_clause_answers)
    assert kb.ask("见习补贴有多少火星外星人月球基地").score < kb.ask("见习补贴有多少").score


def test_scores_are_between_zero_and_one_and_best_first(kb):
    outcome = kb.ask("百校千人实习补贴")
    scores = [s.score for s in outcome.scored]
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= s <= 1 for s in scores)


def test_replacing_entries_takes_effect_for_the_next_question():
    kb = small_kb(FaqEntry("a", "c", "见习补贴有多少", "A"))
    assert kb.ask("人才集团是什么").faq_id != "z"
    kb.replace_entries([*kb.entries, FaqEntry("z", "c", "人才集团是什么", "Z")])
    assert kb.ask("人才集团是什么").faq_id == "z"
    assert kb.get("z").answer == "Z"


def test_a_near_miss_about_another_city_is_not_answered(kb):
    assert kb.ask("深圳的实习补贴有多少").kind != "answer"
    assert kb.ask("东莞的实习补贴有多少").kind == "answer"


def test_a_long_question_telling_a_story_is_still_answered(kb):
    outcome = kb.ask("我在东莞一家电子厂上班，中专学历，想提升技术，听工友说有个技能大师工作室可以拜师，那是什么？")
    assert (outcome.kind, outcome.faq_id) == ("answer", "skill-master-studio")


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("刚毕业有什么补贴可以拿", "graduate-subsidies"),  # 刚毕业 is a graduate, 拿 is 领
        ("就业见习跟实习有什么不一样", "jianxi"),  # 不一样 asks for the difference (区别)
        ("你支持英文吗", "bot-help"),  # 支持 as the bot's 看得懂
        ("我的个人信息会泄露吗", "bot-privacy"),
        ("想联系负责补贴的部门", "contact"),  # 部门 is the bureau
    ],
)
def test_everyday_words_for_the_knowledge_bases_words(kb, question, expected):
    assert top(kb, question) == expected


def test_closeness_and_fuzz_are_those_of_the_best_of_all_phrasings(kb):
    """The matcher sums closeness only over the phrasings BM25 found sharing a word: the same as over them all."""
    index = kb.index
    path = Path(__file__).resolve().parent.parent / "data" / "faq_holdout.jsonl"
    questions = [json.loads(line)["q"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    checked = 0
    for question in questions[:150]:
        analysis = index.analyzer.analyze(question)
        if analysis.empty:
            continue
        weights = {f: index.idf(f) for f in analysis.features}
        total = sum(weights.values())
        for scored in index.score(analysis):
            e = next(i for i, entry in enumerate(index.entries) if entry.id == scored.entry_id)
            phrasings = [p for p in index._phrasings if p.entry == e]
            closeness = max(
                (2 * functools.reduce(operator.add, map(weights.get, p.features, itertools.repeat(0.0)), 0.0)
                 / (total + p.weight) for p in phrasings),
                default=0.0,
            )
            similarity = max((fuzz.ratio(analysis.pinyin, p.pinyin) for p in phrasings), default=0.0) / 100
            assert scored.closeness == round(closeness, 4)
            assert scored.fuzz == round(similarity if analysis.pinyin else 0.0, 4)
            checked += 1
    assert checked > 300


def test_the_closing_phone_line_is_the_contact_entrys_subject_not_every_entrys(kb):
    """Most answers end with "可致电{contact_phone}咨询"; that line lends 致电/咨询 to the contact entry only."""
    question = kb.analyzer.analyze("致电咨询")
    internship = dict((u.surface, x) for u, _, x in kb.index.explanation(question, "internship-subsidy"))
    contact = dict((u.surface, x) for u, _, x in kb.index.explanation(question, "contact"))
    assert max(internship.values()) < 1.0 and max(contact.values()) == 1.0
