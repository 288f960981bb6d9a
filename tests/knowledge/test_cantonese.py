"""Written Cantonese is read as the Mandarin it means, word by word (knowledge/cantonese.py)."""

import jieba
import pytest

from knowledge.analyzer import Analyzer
from knowledge.cantonese import Cantonese
from knowledge.entries import KnowledgeError, load_lexicon
from knowledge.text import normalize


@pytest.fixture(scope="module")
def analyzer():
    return Analyzer(load_lexicon())


def mandarin(analyzer, text):
    return analyzer.cantonese.to_mandarin(normalize(text))


@pytest.mark.parametrize(
    ("cantonese", "expected"),
    [
        ("有冇补贴", "有没有补贴"),
        ("系咪真的", "是不是真的"),
        ("點樣報名", "怎么报名"),  # Traditional first goes through OpenCC
        ("点解要交社保", "为什么要交社保"),
        ("乜嘢系见习", "什么系见习"),  # a lone 系 stays: it may be a typo of 习
        ("边度有招聘会", "哪里有招聘会"),
        ("有几多个岗位", "有多少个岗位"),  # 几多 whole, although 多个 is a Mandarin word
        ("我想揾工", "我想找工作"),
        ("我老豆想请人", "我爸爸想招人"),
        ("屋企喺长安", "家在长安"),
        ("而家仲有冇位", "现在还有没有位"),
        ("开发咗六千个㗎", "开发了六千个"),  # the particle is dropped
        ("嗰啲招聘会", "那些招聘会"),  # 嗰 becomes 𠮶 in OpenCC's Simplified; still read
        ("你係真人定機械人", "你是真人还是机器人"),
        ("我谂住返东莞", "我打算回东莞"),
        ("见习同实习有乜唔同", "见习和实习有什么不同"),  # 唔同 whole: not 不 + 和
        ("我老细话", "我老板话"),
        ("公司请咗两个大学生", "公司招了两个大学生"),  # 请 + people is hiring; 请 alone stays "please"
    ],
)
def test_cantonese_words_become_mandarin(analyzer, cantonese, expected):
    assert mandarin(analyzer, cantonese) == expected


@pytest.mark.parametrize(
    "text",
    ["政策重点解读", "申请人要找一份工作", "同学们听讲座", "联系方式", "没有得到补贴", "首先可以看看", "确定一下时间"],
)
def test_mandarin_words_that_contain_table_words_stay(analyzer, text):
    assert mandarin(analyzer, text) == text


def test_a_cantonese_question_matches_like_its_mandarin(analyzer):
    assert analyzer.analyze("有冇实习补贴").features == analyzer.analyze("有没有实习补贴").features
    assert analyzer.smalltalk_intent("唔该晒") == "thanks"


def test_the_table_is_data(tmp_path):
    tokenizer = jieba.Tokenizer()
    table = Cantonese({"乜水": "谁", "啩": ""}, tokenizer)
    assert len(table) == 2
    assert table.to_mandarin("佢系乜水啩") == "佢系谁"
    path = tmp_path / "lexicon.yaml"
    path.write_text("cantonese:\n  有冇: [有没有]\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match="cantonese"):
        load_lexicon(path)
    path.write_text("cantonese:\n  有冇: 有没有\n  㗎:\n", encoding="utf-8")
    assert load_lexicon(path).cantonese == {"有冇": "有没有", "㗎": ""}
