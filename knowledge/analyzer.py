"""Turn a normalised question into matching features.

Chinese questions are compared by *sound*, because a pinyin keyboard's typical
mistake is the right syllables with the wrong characters (建习 for 见习, 三支一福
for 三支一扶). Features are keyed by toneless pinyin: ``w:<pinyin>`` a word (jieba
with the domain dictionary, synonyms folded) or a domain word heard in the
syllable stream (as a pinyin keyboard's fuzzy mode hears it), ``b:<syl>_<syl>``
syllable bigrams (how a typo jieba splits into single characters still meets
its word), ``w:<stem>`` English words (an English synonym folds onto its Chinese
word: subsidy meets 补贴) and ``n:<digits>`` numbers. Filler words (请问, 吗 …)
produce none. Features are also grouped by the content word they explain
(`Unit`): the matcher weighs information per word, so an unknown word counts
once, not once per bigram.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Literal

import snowballstemmer

from knowledge import dictionaries, places
from knowledge.cantonese import Cantonese
from knowledge.entries import Lexicon
from knowledge.places import Places
from knowledge.text import arabic_numerals, is_cjk, normalize

_ASCII_WORD = re.compile(r"^[0-9a-z]+$")
_DIGITS = re.compile(r"^[0-9]+$")
#: A yes-no question made of a word, 不 or 没, and the word again (大不大, 远不远, 去没去): it asks, it names nothing.
_A_NOT_A = re.compile(r"^(.)[不没]\1$")
# A quantity in words (两三个, 十几年, 一家, 场, 一个月) sets the scene, like a context word.
_QUANTITY = re.compile(r"^(?=.)[一二三四五六七八九十百千万两几半多]*(个[月人]|[个家位名年月天次场份种件条所])?$")
# 虎门镇 is the town 虎门 (a context word when it is one of Dongguan's).
_TOWN = re.compile(r"(?<=.)(镇|区|街道|市)$")
# jieba's dictionary holds a few verb + 了 + measure phrases as words; cut whole, 开了个 hides the verb
# of 开了个工作室 behind one word no entry knows. Likewise 还给/补给 (补给我还是补给公司 is 补|给), and a city's
# railway station (北京站): an event's 北京站 is a stop in 北京, the place.
_NOT_WORDS = ("北京站", "广州站", "上海站", "深圳站", "西安站", "武汉站", "长沙站", "还给", "补给", "开了个", "搞了个", "打了个", "想了个", "捡了个", "大了些")
#: Everyday words jieba's dictionary lacks (线上 has no count: 喺线上 became 在线|上; 人才房 was 人才|房, a question
#: about talent housing read as one about talent), with a count that keeps them whole.
_WORDS = {"线上": 5000, "公众号": 5000, "视频号": 5000, "抖音": 5000, "郑大": 5000, "川大": 5000, "华科": 5000, "湖大": 5000, "北航": 5000, "北理工": 5000, "港中文": 5000, "港科大": 5000, "成电": 5000, "湘大": 5000, "华科大": 5000, "人才房": 5000, "人才公寓": 5000, "人才住房": 5000, "区号": 5000, "大一": 5000, "大二": 5000, "大三": 5000, "大四": 5000, "上学期": 5000, "下学期": 5000}
#: A student who drops what they were saying (…菜单没看懂，算了，我就想打电话问人; 先不说这个 我想了解见习): what
#: follows is the question. Not 计算了, 打算了解.
_NEVER_MIND = re.compile(
    r"^.*?(?:(?<![计打清就还盘估推运结])算了|不管了|先不说这个|不说这个|先不问这个|never ?mind|forget it)[\s,.!?]*(?=\S\S)"
)


def _after_never_mind(text: str) -> str:
    return _NEVER_MIND.sub("", text, count=1)


#: A word this frequent in jieba's dictionary is a word of its own, never a typo of a homophone.
COMMON_WORD = 3000
# Domain words are spotted in the syllable stream only up to this length.
_MAX_DOMAIN_SYLLABLES = 12

#: What a word does in a question: names its topic, sets the scene (听说, 暑假,
#: 我在成都读书), or names a place, which can move a question out of scope (深圳的实习补贴).
Role = Literal["topic", "context", "place"]
# A syllable in a run: (syllable, index of its unit or -1 for a filler word, position in the unit).
_Slot = tuple[str, int, int]


@dataclass(frozen=True)
class Unit:
    """One content word of a text, and the smaller features that can explain it.

    `parts` are (feature, start, end), the syllables of this word a feature
    covers: a sub-word (见习 in 就业见习补贴), a bigram of a run of single
    characters, or a domain word heard across several words (三|支|一|福).
    """

    surface: str  # as written; a synonym as its canonical word, an English word as its stem
    key: str  # the word's own feature, e.g. 'w:jianxi'
    syllables: int
    role: Role = "topic"
    parts: tuple[tuple[str, int, int], ...] = ()


@dataclass(frozen=True)
class Analysis:
    """What the matcher needs to know about one piece of text."""

    normalized: str
    features: tuple[str, ...]
    pinyin: str  # content syllables and English words, space-separated, for fuzzy scoring
    content: str  # normalised text without filler words
    units: tuple[Unit, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.features


@dataclass
class _Builder:
    """The state of one `analyze` call: units, and the syllable runs and groups around them."""

    units: list[Unit] = field(default_factory=list)
    parts: list[list[tuple[str, int, int]]] = field(default_factory=list)  # of each unit
    runs: list[list[_Slot]] = field(default_factory=lambda: [[]])  # for domain-word spotting
    groups: list[list[_Slot]] = field(default_factory=lambda: [[]])  # syllables of one word, for bigrams
    pinyin: list[str] = field(default_factory=list)
    content: list[str] = field(default_factory=list)
    previous_single: bool = False

    def filler(self, syllables: Iterable[str]) -> None:
        """A filler word ends a word group but not a run: 是人才进莞来 holds 是 and 来."""
        self.runs[-1].extend((s, -1, 0) for s in syllables)
        self.groups.append([])
        self.previous_single = False

    def separator(self) -> None:
        """Anything not Chinese ends both."""
        self.runs.append([])
        self.filler(())

    def word(self, token: str, unit: Unit, parts: list[tuple[str, int, int]], syllables: tuple[str, ...]) -> None:
        """A content word; one with no syllables (English, numbers) separates runs and groups."""
        if not syllables:
            self.separator()
        slots = [(s, len(self.units), i) for i, s in enumerate(syllables)]
        self.content.append(token)
        self.units.append(unit)
        self.parts.append(parts)
        self.pinyin.extend(syllables or (unit.key[2:],))
        self.runs[-1].extend(slots)
        # Single characters in a row are usually a word jieba did not know
        # (often a typo: 补|帖), so they form one group; a known word is its own.
        if len(token) == 1 and self.previous_single:
            self.groups[-1].extend(slots)
        else:
            self.groups.append(slots)
        self.previous_single = len(token) == 1

    def bigrams(self) -> list[str]:
        """Syllable bigrams of every group, each credited to the syllables it covers.

        The one bigram of a two-syllable word is that word again by sound: it is
        a feature, but no part, so a homophone (房价/放假) cannot pass as the word.
        """
        features = []
        for group in self.groups:
            for (a, i, p), (b, j, q) in zip(group, group[1:], strict=False):
                feature = f"b:{a}_{b}"
                features.append(feature)
                if i != j:
                    self.parts[i].append((feature, p, p + 1))
                    self.parts[j].append((feature, q, q + 1))
                elif self.units[i].syllables > 2:
                    self.parts[i].append((feature, p, q + 1))
        return features

    def finish(self) -> tuple[Unit, ...]:
        """The units with their parts; a part that is the word's own key says nothing new."""
        return tuple(
            replace(u, parts=tuple(p for p in dict.fromkeys(parts) if p[0] != u.key))
            for u, parts in zip(self.units, self.parts, strict=True)
        )


@functools.lru_cache(maxsize=65536)
def _syllables(word: str) -> tuple[str, ...]:
    """Toneless pinyin syllables of a Chinese word (cached: words repeat a lot)."""
    return tuple(s for s in dictionaries.lazy_pinyin(word) if s.isalpha())


@functools.lru_cache(maxsize=4096)
def _fuzzy(syllable: str) -> str:
    """A syllable as a pinyin keyboard's fuzzy mode hears it: zh=z, ch=c, sh=s, n=l, hu=fu, ing=in, eng=en.

    These are the sounds southern (and Cantonese) speakers mix up when they
    type: 资播 for 直播, 三支一护 for 三支一扶.
    """
    if syllable[:2] in ("zh", "ch", "sh"):
        syllable = syllable[0] + syllable[2:]
    elif syllable.startswith("n"):
        syllable = "l" + syllable[1:]
    elif syllable.startswith("hu"):
        syllable = "f" + syllable[1:]
    return re.sub(r"([ie])ng$", r"\1n", syllable)


def _compact(words: Iterable[str]) -> set[str]:
    return {normalize(w).replace(" ", "") for w in words}


class Analyzer:
    """Segmentation, synonym folding and pinyin keys, built once from a Lexicon."""

    def __init__(
        self, lexicon: Lexicon, extra_words: Iterable[str] = (), words: dictionaries.Dictionaries | None = None
    ) -> None:
        """`words`: jieba's and pypinyin's dictionaries (knowledge/dictionaries.py), by default in the temp folder."""
        self.lexicon = lexicon
        # A private tokenizer: adding our words must not change jieba's global one. It reads the
        # dictionary one leading character at a time; Cantonese words and synonyms are read up
        # front because those two look at FREQ before cutting.
        self._jieba = (words or dictionaries.open_dictionaries()).tokenizer()
        self._jieba.load(_compact((*lexicon.cantonese, *(v for group in lexicon.synonyms.values() for v in group))))
        for word in _NOT_WORDS:
            self._jieba.del_word(word)
        for word, count in _WORDS.items():
            self._jieba.add_word(word, freq=count)
        self._places = self._jieba.places  # filled as the dictionary's buckets are read: keep the live set
        self._not_places = _compact(lexicon.not_places)
        self._domain_words = _compact((*lexicon.domain_words, *extra_words))
        for word in sorted(w for w in self._domain_words if is_cjk(w)):
            self._jieba.add_word(word, freq=max(self._jieba.suggest_freq(word), 50000))
        # A synonym can only fold if the segmenter keeps it whole (an admin's 三扶项目).
        variants = _compact(v for group in lexicon.synonyms.values() for v in group)
        for word in sorted(w for w in variants if is_cjk(w) and len(w) > 1 and w not in self._jieba.FREQ):
            self._jieba.add_word(word, freq=self._jieba.suggest_freq(word))
        self.cantonese = Cantonese(lexicon.cantonese, self._jieba)
        self._stem = snowballstemmer.stemmer("english").stemWord
        self._stopwords = _compact(lexicon.stopwords)
        # A filler word can only be dropped if the segmenter keeps it whole (这么少 was 这么|少).
        fillers = sorted(w for w in self._stopwords if is_cjk(w) and len(w) > 1)
        self._jieba.load(fillers)
        for word in (w for w in fillers if w not in self._jieba.FREQ):
            self._jieba.add_word(word, freq=self._jieba.suggest_freq(word))
        # An everyday subject is one word, so that no entry explains part of it (直播带货 is not 直播 | 带 | 货).
        for word in sorted(w for w in _compact(lexicon.off_topic) if is_cjk(w) and len(w) > 1):
            if word not in self._jieba.FREQ and word not in self._stopwords:
                self._jieba.add_word(word, freq=self._jieba.suggest_freq(word))
        self._english_stop = {normalize(w) for w in lexicon.english_stopwords}
        # Dongguan's towns are places of home; the segmenter must keep them whole (厚街 was 厚|街).
        for town in sorted(w for w in _compact(lexicon.towns) if is_cjk(w)):
            whole = self._jieba.suggest_freq(town)  # loads the town's buckets first
            if self._jieba.FREQ.get(town, 0) < whole:
                self._jieba.add_word(town, freq=whole)
        self._context = _compact((*lexicon.context_words, *lexicon.towns)) - self._domain_words
        self._where = Places(lexicon, _compact((*lexicon.home_words, *lexicon.towns)))
        self._read_synonyms(lexicon)
        self._domain: dict[tuple[str, ...], str] = {}
        for word in self._domain_words:
            syllables = _syllables(word) if is_cjk(word) else ()
            if 2 <= len(syllables) <= _MAX_DOMAIN_SYLLABLES:
                self._domain[tuple(map(_fuzzy, syllables))] = self._fold("".join(syllables))
        # Two neighbouring characters typed in the wrong order (招会聘, 扩补岗助) still name the word;
        # only for 3+ syllables, where a swap is not another word by accident, and never over a real one.
        swapped: dict[tuple[str, ...], str] = {}
        for key, folded in self._domain.items():
            for i in range(len(key) - 1) if len(key) >= 3 else ():
                variant = (*key[:i], key[i + 1], key[i], *key[i + 2 :])
                if variant != key:
                    swapped.setdefault(variant, folded)
        self._domain.update({k: v for k, v in swapped.items() if k not in self._domain})
        self._domain_lengths = sorted({len(k) for k in self._domain}, reverse=True)
        # Small talk is recognised by covering the whole message with these phrases.
        self._smalltalk_phrases: dict[str, str | None] = {w: None for w in self._stopwords | self._english_stop}
        for intent, phrases in lexicon.smalltalk.items():
            self._smalltalk_phrases.update({p: intent for p in _compact(phrases)})
        self._smalltalk_longest = max(map(len, self._smalltalk_phrases), default=1)

    def _read_synonyms(self, lexicon: Lexicon) -> None:
        """Fold synonyms by pinyin key, so that a typo of a variant still folds.

        A one-character variant folds only as written (by sound, 莞 would take
        管, 关 and 官 with it), and an English word as written before by its stem
        (employment and employer share the stem 'employ').
        """
        self._synonym: dict[str, str] = {}
        self._as_written: dict[str, str] = {}
        self._written_words: dict[str, str] = {}  # a Chinese variant of 2+ characters, as written -> its target
        self._canonical: dict[str, str] = {}  # folded key -> the canonical word as written
        self._english_phrases: dict[str, str] = {}
        for canonical, variants in lexicon.synonyms.items():
            target = self._key(normalize(canonical))
            self._canonical[target] = normalize(canonical)
            for variant in map(normalize, variants):
                if " " in variant:
                    self._english_phrases[variant] = canonical
                elif len(variant) == 1 or not is_cjk(variant):
                    self._as_written[variant] = target
                    if not is_cjk(variant):
                        self._synonym.setdefault(self._key(variant), target)
                else:  # by sound (a typo still folds), and as written, which wins when two lists' words sound
                    # alike (管住 among the lodging words, 关注 among the subscription words: both guanzhu)
                    self._synonym[self._key(variant)] = target
                    self._written_words[variant] = target

    def _key(self, word: str) -> str:
        """Pinyin key of a Chinese word, stem of an English one, digits as they are."""
        if is_cjk(word):
            return "".join(_syllables(word))
        return word if _DIGITS.match(word) else self._stem(word)

    def _fold(self, key: str) -> str:
        return self._synonym.get(key, key)

    def _surface(self, token: str, key: str) -> str:
        """How a word is written, so that a homophone (房价 for 放假) is not taken for the word."""
        return self._canonical.get(key) or (token if is_cjk(token) else key)

    def analyze(self, text: str) -> Analysis:
        """Features of `text`; the same code serves questions and knowledge entries."""
        normalized = normalize(text)
        prepared = _after_never_mind(arabic_numerals(self.cantonese.to_mandarin(normalized)))
        for phrase, canonical in self._english_phrases.items():
            if phrase in prepared:
                # Not \b: a Chinese character is a word character too ("campus ambassador有多少人").
                prepared = re.sub(rf"(?<![0-9a-z]){re.escape(phrase)}(?![0-9a-z])", f" {canonical} ", prepared)
        prepared = self._where.in_chinese(prepared)  # Shenzhen is 深圳: a place, as the Chinese name is
        home = self._where.names_home(prepared)  # then 在 + a place is where the student is (我在上海上班，老家东莞)
        build = _Builder()
        settled = -2  # where the last place the student is (我在上海…) was
        tokens = [t for t in (t.strip() for t in self._jieba.cut(prepared, HMM=False)) if t]
        for position, token in enumerate(tokens):
            after = tokens[position - 1] if position else ""
            if not is_cjk(token):
                if _ASCII_WORD.match(token) and token not in self._english_stop:
                    build.word(token, self._ascii_unit(token), [], ())
                else:
                    build.separator()
            elif token in self._stopwords or _A_NOT_A.match(token):
                build.filler(_syllables(token))
            elif not _syllables(token):  # a rare character pypinyin cannot read
                build.separator()
            else:
                whereabouts = places.whereabouts(after, tokens[position + 1 :], home)
                unit, parts, syllables = self._chinese_unit(token, whereabouts)
                if settled == position - 1 and token in places.SITUATION:  # 我在上海上班: the student's life there
                    unit = replace(unit, role="context")
                build.word(token, unit, parts, syllables)
                if whereabouts and unit.role == "context" and token in self._places and not self._where.names_home(token):
                    settled = position  # somewhere else (在东莞上班 asks about working in Dongguan)
        features = [u.key for u in build.units] + build.bigrams()
        for run in build.runs:
            self._spot_domain_words(run, build.parts)
        units = build.finish()
        features.extend(p[0] for u in units for p in u.parts)
        return Analysis(
            normalized, tuple(dict.fromkeys(features)), " ".join(build.pinyin), "".join(build.content), units
        )

    def _ascii_unit(self, token: str) -> Unit:
        """An English word or a number; it weighs like a two-syllable word, a number by its digits. A number the
        lexicon names ('0769', the bureau's phone) is that word."""
        key = self._as_written.get(token) or self._fold(self._key(token))
        number = _DIGITS.match(token) is not None and token not in self._as_written
        role: Role = "context" if token in self._context else "topic"
        return Unit(
            self._surface(token, key), ("n:" if number else "w:") + key, min(len(token), 3) if number else 2, role
        )

    def _chinese_unit(self, token: str, whereabouts: bool) -> tuple[Unit, list[tuple[str, int, int]], tuple[str, ...]]:
        """A Chinese word as a unit, its known sub-words as parts, and its syllables."""
        own = "".join(_syllables(token))
        if len(token) == 1:
            key = self._as_written.get(token, own)
        elif token in self._context or self._jieba.FREQ.get(token, 0) >= COMMON_WORD:
            # a scene word, or a common word of its own, is itself, not a homophone's synonym (清楚 is not 清除: 删除;
            # 手机 is not 收集: 保存); a typo (见席, 三支一福) is no common word and still folds
            key = self._written_words.get(token) or own
        else:
            key = self._written_words.get(token) or self._fold(own)
        syllables = _syllables(token) if key == own else _syllables(self._canonical.get(key, token)) or (key,)
        unit = Unit(self._surface(token, key), "w:" + key, len(syllables), self._role(token, whereabouts))
        # A folded synonym's sub-words are not parts of its canonical word.
        subwords = self._subwords(token) if key == own else []
        return unit, [("w:" + self._fold(self._key(sub)), i, i + len(sub)) for sub, i in subwords], syllables

    def _role(self, token: str, whereabouts: bool) -> Role:
        """Topic, context, or a place name (jieba's 'ns' tag) that is not where the student is."""
        if token in self._domain_words:
            return "topic"
        if token in self._context or _QUANTITY.match(token) or _TOWN.sub("", token) in self._context:
            return "context"
        if token in self._places and token not in self._not_places:
            return "context" if whereabouts else "place"
        return "topic"

    def _subwords(self, token: str) -> list[tuple[str, int]]:
        """Dictionary words inside a long token (jieba's search-mode idea), so 就业见习补贴 also yields 见习."""
        found = []
        for n in (2, 3):
            for i in range(len(token) - n + 1):
                gram = token[i : i + n]
                if gram != token and self._jieba.FREQ.get(gram) and gram not in self._stopwords:
                    found.append((gram, i))
        return found

    def _spot_domain_words(self, run: list[_Slot], parts: list[list[tuple[str, int, int]]]) -> None:
        """Credit a domain word heard in a run (三支一福 → 三支一扶) to the syllables of the words it spans.

        Across a filler word only when it is long enough (3+ syllables) not to be heard by accident.
        """
        syllables = [_fuzzy(s) for s, _, _ in run]
        for length in self._domain_lengths:
            for i in range(len(run) - length + 1):
                hit = self._domain.get(tuple(syllables[i : i + length]))
                window = run[i : i + length]
                if not hit or (length < 3 and any(unit < 0 for _, unit, _ in window)):
                    continue
                for unit in {u for _, u, _ in window if u >= 0}:
                    positions = [p for _, u, p in window if u == unit]
                    parts[unit].append(("w:" + hit, positions[0], positions[-1] + 1))

    def place_names(self, text: str) -> frozenset[str]:
        """The place names in `text` (jieba's 'ns' words) that a question would read as a place: not Dongguan
        (a synonym's word: 东莞市 is 东莞), its towns (context words), a domain word or a single character."""
        tokens = self._jieba.cut(self.cantonese.to_mandarin(normalize(text)), HMM=False)
        return frozenset(
            t
            for t in tokens
            if len(t) > 1 and self._role(t, False) == "place" and self._fold(self._key(t)) not in self._canonical
        )

    def is_modifier(self, word: str) -> bool:
        """Whether jieba's dictionary has `word` as one that only describes or links (复杂, 一定, 所有, 只有):
        it names no subject of its own."""
        return self._tagged(word, self._jieba.modifiers)

    def is_verb(self, word: str) -> bool:
        """Whether jieba's dictionary has `word` as a verb (适应, 冒充): what someone does, not a subject."""
        return self._tagged(word, self._jieba.verbs)

    def _tagged(self, word: str, kind: set[str]) -> bool:
        """Whether jieba's dictionary puts `word` in `kind` (its modifiers or verbs; read with the word's bucket), a
        domain word never."""
        self._jieba.load((word,))
        return word in kind and word not in self._domain_words

    def english_place_name(self, place: str) -> str:
        """How an English question names `place` (深圳 → Shenzhen)."""
        return self._where.english_name(place)

    def names_home(self, analysis: Analysis) -> bool:
        """Whether the question names Dongguan, home or a Dongguan town (东莞, 莞籍, 回莞, 家乡, 虎门): then another
        place it names is where the student is or what it compares with, not whose policy it asks about."""
        return self._where.names_home(analysis.normalized)

    def smalltalk_intent(self, text: str) -> str | None:
        """The intent ('greeting', 'thanks', …) if `text` is nothing but small talk."""
        compact = self.cantonese.to_mandarin(normalize(text)).replace(" ", "")
        found: list[str | None] = []
        i = 0
        while i < len(compact):
            for n in range(min(self._smalltalk_longest, len(compact) - i), 0, -1):
                if compact[i : i + n] in self._smalltalk_phrases:
                    found.append(self._smalltalk_phrases[compact[i : i + n]])
                    i += n
                    break
            else:
                return None
        return next(filter(None, found), None)
