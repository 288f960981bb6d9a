"""Text normalisation: make two ways of typing the same question look alike.

Students type on phones with pinyin keyboards, in Simplified or Traditional
characters, full-width or half-width, with emoji and punctuation. Everything
downstream (segmentation, pinyin, scoring) sees the output of `normalize`.
"""

from __future__ import annotations

import functools
import re
import unicodedata

import cn2an
import opencc

# Keep CJK ideographs, Latin letters and digits; everything else (punctuation,
# emoji, symbols, control characters) becomes a space. The supplementary planes
# hold ideographs too: OpenCC writes Cantonese 嗰 as 𠮶 (U+20BB6).
_IDEOGRAPHS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_KEEP = re.compile(rf"[^0-9a-z{_IDEOGRAPHS}]+")
_CJK = re.compile(rf"[{_IDEOGRAPHS}]")

#: Longest question, in characters, that is matched. A real question is far
#: shorter; the cap keeps one pasted essay from costing the other users time.
MAX_QUESTION_CHARS = 300
# Lone surrogates (from broken input encodings) and control characters other
# than line breaks and tabs: nothing downstream (OpenCC, SQLite) accepts them.
_UNSAFE = re.compile(r"[\ud800-\udfff\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@functools.cache
def _t2s() -> opencc.OpenCC:
    """OpenCC's Traditional→Simplified converter, built on first use."""
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Convert Traditional characters (Taiwan, Hong Kong variants) to Simplified."""
    return _t2s().convert(text)


def clean(text: str) -> str:
    """`text` without characters no component can store or convert (see _UNSAFE)."""
    return _UNSAFE.sub("", text)


@functools.lru_cache(maxsize=8)
def normalize(text: str) -> str:
    """Return `text` as lower-case Simplified Chinese/ASCII words separated by single spaces.

    NFKC folds full-width letters, digits and punctuation to half-width;
    OpenCC converts Traditional characters; punctuation and emoji become spaces.

    A pure function, and one question is normalised five times on its way (small talk, analysis, its
    language, the follow-up's detail, the log's review key): the last few results are kept, so the repeats
    cost a lookup. Eight, not more: the question in hand, not a memory of earlier ones.
    """
    text = unicodedata.normalize("NFKC", clean(text[: MAX_QUESTION_CHARS * 2])).casefold()
    text = to_simplified(text)
    return " ".join(_KEEP.sub(" ", text).split())[:MAX_QUESTION_CHARS].strip()


_NUMERALS = "零〇一二两三四五六七八九十百千万亿"
#: Chinese numerals a student may write for a figure the letter gives in digits (五十所院校 for 约50家院校): a run of
#: two or more, or one (not 一, which is mostly "a") before a measure word (三个月). 三支一扶, 百校千人 and 千企行
#: hold single numerals before no measure word; 十百千万 is no number: they stay as written.
_NUMERAL_RUN = re.compile(
    rf"[{_NUMERALS}]{{2,}}|(?<![{_NUMERALS}])[二两三四五六七八九十](?=[个家所位名年月天次场份种件期届批类项间座人元岁周])"
)


@functools.lru_cache(maxsize=1024)
def _arabic(run: str) -> str:
    """One run of Chinese numerals in digits (八百 → 800, 五万 → 5万 as the letter writes it), or as it was."""
    head, unit = (run[:-1], run[-1]) if len(run) > 1 and run[-1] in "万亿" else (run, "")
    try:
        value = cn2an.cn2an(head, "strict")
    except ValueError:  # not a number (十百千万, 两三)
        return run
    return f"{int(value)}{unit}" if value == int(value) else run


def arabic_numerals(text: str) -> str:
    """`text` with figures written in Chinese numerals in digits, as the letter writes them: 八百家 → 800家."""
    return _NUMERAL_RUN.sub(lambda m: _arabic(m.group()), text) if any(c in _NUMERALS for c in text) else text


_LATIN_WORD = re.compile(r"[a-z]{2,}")


def is_english(text: str) -> bool:
    """True if `text` is a question asked in English, perhaps naming a programme in Chinese.

    What to answer in, not how to match: "What is 就业见习?" is English, while
    "我想申请summer internship" is a Chinese sentence with English words in it.
    A Chinese character counts about as much as an English word.
    """
    normalized = normalize(text)
    words, characters = len(_LATIN_WORD.findall(normalized)), len(_CJK.findall(normalized))
    return words > 0 and (characters == 0 or (words >= 2 and characters < words))


def is_cjk(text: str) -> bool:
    """True if `text` contains at least one Chinese character."""
    return _CJK.search(text) is not None
