"""Written Cantonese to Mandarin, word by word, before a question is matched.

Students from Dongguan often type as they speak: 有冇补贴㗎 (有没有补贴), 点样报名
(怎么报名), 揾工 (找工作). OpenCC converts Traditional characters (係 → 系) but
not Cantonese words into Mandarin ones, so the lexicon's `cantonese:` table
(data, curated by hand) says what each word means.

A word is replaced only where the segmenter reads it as a word: its entries
are added to the tokenizer's dictionary, the text is segmented, and tokens that
are table words are swapped. So 系 in 联系, 同 in 同学, 点解 in 重点解读 and 份工
in 一份工作 stay as they are, while 系咪, 有冇 and a lone 系 are rewritten.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import jieba

from knowledge.text import normalize

#: A table word's dictionary weight, in multiples of what it needs to be cut whole on its own.
_WEIGHT = 10


class Cantonese:
    """The rewriting table of one lexicon, bound to the analyzer's tokenizer."""

    def __init__(self, table: Mapping[str, str], tokenizer: jieba.Tokenizer) -> None:
        self._table: dict[str, str] = {}
        for word, mandarin in table.items():
            key = normalize(word).replace(" ", "")
            if key:
                self._table[key] = normalize(mandarin).replace(" ", "")
        self._tokenizer = tokenizer
        # Enough weight to be cut whole beside a Mandarin word (有|几多|个, not 有|几|多个), not
        # so much as to split two Mandarin words (重点|解读, never 重|点解|读): measured, not derived.
        for word in sorted(w for w in self._table if len(w) > 1):
            weight = max(tokenizer.FREQ.get(word, 0), tokenizer.suggest_freq(word) * _WEIGHT)
            tokenizer.add_word(word, freq=weight)
        # A cheap test first: most questions contain no table word at all.
        words = sorted(self._table, key=len, reverse=True)
        self._present = re.compile("|".join(map(re.escape, words))) if words else None

    def __len__(self) -> int:
        return len(self._table)

    def to_mandarin(self, normalized: str) -> str:
        """`normalized` (see knowledge.text.normalize) with its Cantonese words in Mandarin."""
        if self._present is None or not self._present.search(normalized):
            return normalized
        # Again until nothing changes (at most three times): a rewrite can leave a new table
        # word behind (系 + 做咩 → 系 + 做什么, then 系做).
        text = normalized
        for _ in range(3):
            rewritten = "".join(self._table.get(token, token) for token in self._tokenizer.cut(text, HMM=False))
            if rewritten == text:
                break
            text = rewritten
        return text
