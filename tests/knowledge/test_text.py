"""Normalisation makes different ways of typing the same question look alike."""

import pytest

from knowledge.text import MAX_QUESTION_CHARS, arabic_numerals, clean, normalize


def test_traditional_characters_become_simplified():
    assert normalize("實習計劃管食宿嗎") == "实习计划管食宿吗"


def test_full_width_letters_and_digits_fold_to_half_width_lower_case():
    assert normalize("ＡＢＣ１２３") == "abc123"


def test_punctuation_and_emoji_become_single_spaces():
    assert normalize("三支一扶？！😀😀  是什么…") == "三支一扶 是什么"


def test_junk_and_control_characters_vanish():
    assert normalize("\x00\x1b[31m\ufffd\u200b") == "31m"
    assert normalize("🎉🎉🎉") == ""


def test_very_long_text_is_capped():
    assert len(normalize("见习" * 10_000)) == MAX_QUESTION_CHARS


def test_lone_surrogates_and_control_characters_are_cleaned_away():
    assert clean("见\udcff习\x00\x07\n好") == "见习\n好"
    assert normalize("見\ud800習") == "见习"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("请了五十所院校", "请了50所院校"),  # figures as the letter writes them
        ("三个月最多九千元", "3个月最多9000元"),  # one numeral before a measure word
        ("服务超过五万人次", "服务超过5万人次"),  # the letter writes 5万
        ("第十四届", "第14届"),
    ],
)
def test_chinese_numerals_become_digits(text, expected):
    assert arabic_numerals(text) == expected


@pytest.mark.parametrize("text", ["三支一扶", "百校千人", "十百千万人才工程", "人社局长千企行", "一个人", "一次性扩岗", "两三个"])
def test_names_and_words_made_with_numerals_stay_as_written(text):
    assert arabic_numerals(text) == text
