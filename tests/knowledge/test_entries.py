"""The knowledge base files are validated on load; errors name file, entry and field."""

import re
from pathlib import Path

import pytest

from knowledge.entries import KnowledgeError, load_faq, load_lexicon

REQUIRED_IDS = [
    "internship-subsidy", "jianxi", "graduate-subsidies", "startup-support", "expansion-subsidy",
    "talent-project", "talent-events", "livestream-recruitment", "campus-ambassador",
    "school-enterprise-fair", "job-fairs", "campus-employment-service", "dongguan-student-forum",
    "sanzhi-yifu", "skill-leader", "skill-master-studio", "returnee-talent", "director-visits", "contact",
]  # fmt: skip


def test_every_required_topic_is_in_the_seed_knowledge_base(seed):
    _, entries = seed
    assert set(REQUIRED_IDS) <= {e.id for e in entries}


def test_every_entry_is_complete_short_and_asked_in_many_ways(seed):
    categories, entries = seed
    category_ids = {c.id for c in categories}
    for entry in entries:
        assert entry.category in category_ids
        if entry.id in REQUIRED_IDS:
            assert entry.source.startswith("东人社函〔2023〕56号"), entry.id
        assert len(entry.render_answer({"contact_phone": "0769-22423955", "bot_name": "x"})) < 320, entry.id
        assert len(entry.alternates) >= 30, entry.id
        assert any(re.search(r"[a-zA-Z]{4}", alt) for alt in entry.alternates), f"{entry.id} has no English phrasing"


def test_the_contact_phone_is_a_setting_not_a_literal(seed):
    _, entries = seed
    assert all("22423955" not in e.answer for e in entries)
    contact = next(e for e in entries if e.id == "contact")
    assert "0769-1" in contact.render_answer({"contact_phone": "0769-1", "bot_name": "x"})


@pytest.mark.parametrize(
    ("entry_id", "facts"),
    [
        ("internship-subsidy", ["3个月", "9000元", "食宿", "保险", "6000"]),
        ("jianxi", ["49", "2597", "576", "全省第一"]),
        ("campus-ambassador", ["2022年8月", "北京", "上海", "广州", "武汉", "长沙", "44"]),
        ("school-enterprise-fair", ["1+N", "50", "800", "1456", "80", "98", "11862"]),
        ("sanzhi-yifu", ["88", "成长导师"]),
        ("skill-leader", ["东人社发〔2022〕20号", "世界技能大赛", "100"]),
        ("skill-master-studio", ["40"]),
        ("director-visits", ["8", "155", "20"]),
        ("job-fairs", ["名企名校行", "百校千企万岗", "就业服务日"]),
    ],
)
def test_answers_carry_the_letters_figures_exactly(seed, entry_id, facts):
    _, entries = seed
    answer = next(e for e in entries if e.id == entry_id).answer
    for fact in facts:
        assert fact in answer, f"{entry_id} answer lacks {fact}"


def write(tmp_path, body: str) -> Path:
    path = tmp_path / "faq.yaml"
    path.write_text(body, encoding="utf-8")
    return path


GOOD_HEAD = "categories:\n  - {id: c1, title: 分类}\nentries:\n"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("entries: [\n", "not valid YAML"),
        ("[1, 2]", "expected a mapping"),
        (GOOD_HEAD + "  - {id: Bad Id, category: c1, question: q, answer: a}\n", r"entries\[1\].*'id'"),
        (GOOD_HEAD + "  - {id: e1, category: nope, question: q, answer: a}\n", r"id e1.*'category'"),
        (GOOD_HEAD + "  - {id: e1, category: c1, question: q, answer: ''}\n", r"id e1.*'answer'"),
        (
            GOOD_HEAD + "  - {id: e1, category: c1, question: q, answer: '电话 {phone}'}\n",
            r"unknown placeholder.*phone",
        ),
        (GOOD_HEAD + "  - {id: e1, category: c1, question: q, answer: a, alternates: [x, '']}\n", r"alternates\[2\]"),
        (
            GOOD_HEAD
            + "  - {id: e1, category: c1, question: q, answer: a}\n  - {id: e1, category: c1, question: q, answer: b}\n",
            "duplicate id 'e1'",
        ),
    ],
)
def test_invalid_faq_files_are_rejected_with_file_entry_and_field(tmp_path, body, message):
    path = write(tmp_path, body)
    with pytest.raises(KnowledgeError, match=message) as info:
        load_faq(path)
    assert str(path) in str(info.value)


def test_a_missing_file_is_reported_by_name(tmp_path):
    with pytest.raises(KnowledgeError, match="cannot read"):
        load_faq(tmp_path / "missing.yaml")


def test_the_bundled_lexicon_loads(tmp_path):
    lexicon = load_lexicon()
    assert "三支一扶" in lexicon.domain_words
    assert "补助" in lexicon.synonyms["补贴"]
    assert "请问" in lexicon.stopwords
    with pytest.raises(KnowledgeError, match="synonyms"):
        load_lexicon(write(tmp_path, "synonyms: [a, b]\n"))


def test_every_entry_has_an_english_answer_with_the_same_figures(seed):
    _, entries = seed
    for entry in entries:
        assert entry.answer_en and not re.search(r"[\u4e00-\u9fff]{12}", entry.answer_en), entry.id
        figures = re.sub(r"(\d+)万", lambda m: str(int(m[1]) * 10000), re.sub(r"\d+月", "", entry.answer))
        chinese = set(re.findall(r"\d+", figures))  # months are written as words in English, 5万 as 50,000
        english = set(re.findall(r"\d+", entry.answer_en.replace(",", "")))
        assert chinese <= english, f"{entry.id}: {chinese - english} missing in English"
        assert "{contact_phone}" in entry.answer_en or "{contact_phone}" not in entry.answer, entry.id
