"""Where a question is: where the student is (我在成都读书) or the city whose policy it asks about (深圳的实习补贴).

The letter holds Dongguan's policies only. A student who studies in Chengdu still asks about Dongguan; a
question about Shenzhen's internship subsidy does not, and must not get Dongguan's answer as if it were
Shenzhen's. The analyzer reads each place name as a place or as the scene with these rules; the lexicon
holds the words (home_words, towns, english_places, not_places).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from knowledge.entries import Lexicon
from knowledge.text import normalize

# A place after these is where the student is (我从成都回来), not what the question is about; after 在 only
# when studying or living follows (我在成都读书, not 在深圳创业有补贴吗: that asks about Shenzhen), or being unable to
# leave (我人在哈尔滨回不去).
_AT = frozenset({"在"})
_STAYING = ("读", "念", "学", "上学", "上大学", "大学", "高校", "学校", "住", "生活", "长大", "大一", "大二", "大三", "大四", "研",
            "回不")  # fmt: skip
_STAYING_LOOKAHEAD = 3
# A place right before these is where the student comes from (广西籍, 湖南人): a question about taking part. Not
# 学生 or 大学生: 广州的大学生实习补贴 and 苏州大学生创业补贴 ask about those cities' policies.
_ORIGIN = frozenset({"籍", "人", "老乡", "生源"})
_FROM = frozenset({"从", "来自"})
#: What the student does where they are (我在上海上班): the scene, not the question's topic.
SITUATION = frozenset({"上班", "工作", "打工", "读书", "上学", "念书", "生活", "返工", "做嘢", "住"})


def whereabouts(before: str, following: list[str], home: bool) -> bool:
    """A place between the tokens `before` and `following` is where the student is or comes from (来自成都,
    在成都读书, 湖南籍, a closing 我在湛江); after 在 also in a question that names home (我在上海上班，老家东莞)."""
    if before in _FROM or (following[:1] and following[0] in _ORIGIN):  # not 深圳人才政策: 人才 is one word
        return True
    # 在 + a place that ends the message (…会来我们学校吗 我在湛江) says where the student is, too
    return before in _AT and (
        home or not following or any(t.startswith(_STAYING) for t in following[:_STAYING_LOOKAHEAD])
    )


class Places:
    """Home words and English city names, from the lexicon."""

    def __init__(self, lexicon: Lexicon, compact: Iterable[str]) -> None:
        """`compact`: the lexicon's home words and towns, normalised as the analyzer normalises words."""
        self._home = frozenset(compact)
        self._english = {normalize(k): v for k, v in lexicon.english_places.items()}
        self._names_in_english: dict[str, str] = {}
        for english, chinese in lexicon.english_places.items():
            self._names_in_english.setdefault(chinese, english.title())
        names = sorted(self._english, key=len, reverse=True)
        self._pattern = (
            re.compile(r"(?<![0-9a-z])(from )?(" + "|".join(map(re.escape, names)) + r")(?![0-9a-z])") if names else None
        )

    def in_chinese(self, prepared: str) -> str:
        """`prepared` (normalised) with English city names as the Chinese place: Shenzhen is 深圳; "from Hunan" is
        来自湖南, where the student comes from."""
        if not self._pattern:
            return prepared
        return self._pattern.sub(lambda m: f" {'来自' if m.group(1) else ''}{self._english[m.group(2)]} ", prepared)

    def english_name(self, place: str) -> str:
        """How an English question names `place` (深圳 → Shenzhen), or the place as it is."""
        return self._names_in_english.get(place, place)

    def names_home(self, text: str) -> bool:
        """Whether `text` names Dongguan, home or a Dongguan town (东莞, 莞籍, 回莞, 家乡, 虎门)."""
        compact = text.replace(" ", "")
        return any(word in compact for word in self._home)
