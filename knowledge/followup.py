"""Read a short question as a follow-up of the entry a conversation is about.

Pure: an index, an analysed question and the topic's entry id in, a `Reading`
out. Where the topic is kept (and for how long) is the caller's business.

A question is a follow-up (那要满足啥条件, 去哪里报, 长沙有没有, how much?) when it
names nothing of its own: each of its words is a follow-up cue (conditions,
amounts, places, procedure, materials, time, "other", "is there / can I"), a
word the topic's entry explains, a pointer (a dialect's particle, an English
pronoun) or a single character that says less than the evidence for the topic. A word another entry is
about (三支一扶, 人社局), a word no entry knows (天气, 护照) or a place the topic
does not cover (深圳 after the internship subsidy) makes it a question of its
own. A follow-up that only moves the topic to another place (上海的呢) is about
a policy elsewhere, which the knowledge base does not hold, unless the topic's answer
names that place or is about places itself (the campus ambassadors' cities). A year
(那2021年的呢) or a word that only sets the scene (类似, 具体) never ends a follow-up, nor does a verb (适应, 考证:
what the student would do on the programme) or any word of a question that points back (这个会影响上课吗, is it
only for…). An everyday subject the letter never covers (lexicon off_topic: 天气, 考研) always does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from knowledge.analyzer import Analysis, Unit
from knowledge.cues import ASPECT_CUES, CUES, ENGLISH_PHRASES, MEASURE, MOVING_ON, is_cue, says
from knowledge.decision import unknown_word
from knowledge.matcher import MatchIndex

#: Questions that ask for a detail the letter usually does not give (narrower than the cues above, so
#: that 参加见习有补贴吗 is not taken for a question about how to sign up).
_DETAIL_QUESTIONS = {
    "procedure": re.compile(
        r"(怎么|怎样|如何|点样|哪里|哪儿|去哪|在哪|边度)(去)?(报|申请|申领|加入|参加|办理|领)|流程|手续|方式|入口|渠道"
        r"|\b(how (do|can|to) (i |we )?(apply|join|register|sign up))\b|\bsign up\b"
    ),
    "materials": re.compile(r"材料|资料|证件|证明|\bdocuments?\b|\bpaperwork\b"),
    "time": re.compile(r"什么时候|几时|截止|期限|何时|下一场|下次|\bwhen\b|\bdeadline\b"),
    "pay": re.compile(r"有(没有|冇)?(补贴|工资|人工|钱拿|报酬)|义务|\b(is it paid|any pay|get paid)\b"),
}
#: Signs in an answer that it does give that detail (a site, a list of papers, a date).
_DETAIL_SIGNS = {
    "procedure": re.compile(r"登录|网址|网站|平台|小程序|公众号|扫码|流程|步骤|https?://|前往.{0,12}办理"),
    "materials": re.compile(r"身份证|复印件|证明材料|材料清单|需提供|须提供|携带"),
    "time": re.compile(r"\d{1,2}月\d{1,2}日|截止|报名时间为|每年\d{1,2}月"),
    "pay": re.compile(r"补贴|补助|资助|奖励|元"),
}
#: A word of two syllables or more that the topic does not explain ends a follow-up if it says this much
#: (三支一扶, 人社局) or if no entry knows it (天气, 护照): it names a topic of its own.
VAGUE_INFORMATION = 1.0
#: The topic explains a word when it explains at least this share of it (a word only its answer uses, heard
#: as a homophone, is not enough: 房价 is not 放假).
EXPLAINED = 0.6
#: Evidence a follow-up needs: a cue, or more than one vague character the topic explains (大 in 你多大了).
MIN_EVIDENCE = 1.0
#: What a follow-up cue (条件, 多少, 去哪里) says for the topic, in the units of a word's information.
CUE_EVIDENCE = 1.5
#: A follow-up is short; a long message tells its own story.
MAX_FOLLOWUP_CHARS = 30
#: A question this short that ends as a question (多吗, 人多不, 难考吗) and names nothing asks about the topic (not 要带伞吗:
#: 伞 is a thing no entry knows).
SHORT_QUESTION_CHARS = 6
_ASKS = re.compile(r"(吗|嘛|么|不|没|未|呢|冇|咩|[?？])$")
#: …asked of the bot itself (你有女朋友吗, 你食咗饭未): small talk, not the topic.
_TO_THE_BOT = re.compile(r"你|您|\byou\b")

#: Words that point back or only colour a sentence (Cantonese particles, English pronouns, as stems): a
#: follow-up is made of them; they never name a topic.
POINTERS = frozenset(
    {*"冇㗎嘅咗仲系咩嚟咁啲喺乜噉嘛喇", "they", "them", "their", "one", "actual", "realli", "just", "also", "exact"}
)
#: Words that point back at what was just said (这个, 它, 呢啲, they): a question holding one asks about the topic,
#: whatever else it names (这个会不会影响上课, 他们平时发传单吗). Not a person's he/she (佢, 他): 带佢去行下 points at a child.
_POINTS_BACK = re.compile(
    r"(这|那|呢|嗰)(两|几|三)?(个|种|些|啲|俩|类)|它|他们|她们|佢哋|\b(this(?! (weekend|week|year|month|summer|winter|semester|term|time|morning|evening))|it|they|them)\b"
)
#: A year, as a feature (n:2022) and in a text (2022, 22年): a follow-up naming only a year asks about that year of the
#: topic.
_YEAR = re.compile(r"n:(19|20)\d\d")
#: Asking the date or time of day (今天几号, 现在几点): about now, not about when the topic happens.
_NOW = re.compile(r"(今天|今日|明天|昨天|现在|而家|宜家)(是)?(几号|几月几号|几点|星期几|礼拜几)|^几点了")
#: Whether it has something, asked as 有…吗 (有见习岗位吗, 咁有冇位㗎); not 还有…吗, which asks for others.
_HAS = re.compile(r"^(那|咁|那么)?有.{1,12}(吗|么|嘛|冇|没|不|㗎)$")
_YEAR_IN_TEXT = re.compile(r"(?<![0-9])(19|20)[0-9]{2}(?![0-9])|(?<![0-9])(1[5-9]|2[0-9])(?=年)")
#: A topic whose answer names this many places is about where (the campus ambassadors' cities): a place is a
#: follow-up on it (成都有没有), not the topic elsewhere.
PLACES_OF_A_PLACE_TOPIC = 2


@dataclass(frozen=True)
class Reading:
    """How a question reads against a topic: a follow-up of it, a question of its own, or the topic elsewhere."""

    kind: Literal["followup", "own", "elsewhere"]
    aspects: frozenset[str] = frozenset()
    names_programme: bool = False  # it names a domain word (就业见习), even one the topic mentions
    shares_word: bool = False  # a telling word (2+ syllables) as the topic writes it (人才集团); not 房价 for 放假
    unknown: bool = False  # a word no entry knows that the topic does not explain (恐龙, 交税): no follow-up of it
    off_topic: bool = False  # an everyday subject the letter never covers (天气, 考研: lexicon off_topic)
    long: bool = False  # a long message: its own question, unless it leads nowhere alone and shares a telling word

    @property
    def asks_aspect(self) -> bool:
        return _asks_aspect(self.aspects)


def _places_of(index: MatchIndex, topic_id: str) -> frozenset[str]:
    """The places (other than Dongguan's own towns) the topic's answer names: 北京, 上海… for the campus ambassadors."""
    entry = index.entry(topic_id)
    # jieba tags a few common words as places too (城市, 福利): a cue is not a place.
    return frozenset(p for p in index.analyzer.place_names(entry.answer) if not is_cue(p)) if entry else frozenset()


def places_elsewhere(
    index: MatchIndex,
    question: Analysis,
    entry_id: str,
    explanation: Sequence[tuple[Unit, float, float]] | None = None,
) -> tuple[str, ...]:
    """The places `question` asks about that entry `entry_id` does not cover (深圳 in 深圳的实习补贴).

    The letter holds Dongguan's policies only, so such a question is another city's policy, not this entry.
    None when the question names Dongguan or home (深圳和东莞的实习补贴哪个高) or when the entry is about places
    (the campus ambassadors' cities: 成都有没有). `explanation`: the entry's `index.explanation`, if at hand."""
    if index.analyzer.names_home(question):
        return ()
    found = tuple(
        dict.fromkeys(
            u.surface
            for u, _, x in (explanation if explanation is not None else index.explanation(question, entry_id))
            if u.role == "place" and x < EXPLAINED and len(u.surface) > 1 and not is_cue(u.surface)
        )
    )
    if found and len(_places_of(index, entry_id)) >= PLACES_OF_A_PLACE_TOPIC:
        return ()
    return found


#: Whether someone may take part, a yes/no question at the end of a clause (…能报吗, …还来得及参加吗, …算毕业生吗, 可不可以
#: 报): what comes before describes who (我儿子在读大二, 外省学校的学生), what comes after is what they would do. Not
#: 能贷多少 or 怎么算 (no yes/no question).
_MAY = re.compile(
    r"(?:(?:可以|能够|能|还算|算|来得及|有资格|符合)(?P<after>[^吗么嘛]{0,8})(?:吗|么|嘛)"
    r"|(?:可不可以|能不能|算不算|符不符合|够不够|行不行)(?P<after_ab>[^吗么嘛]{0,8})(?:吗|么|嘛)?)$"
)
#: The student's own case, said as a statement (我是外省户口, 她今年刚毕业, 我在读研一).
_SELF = re.compile(
    r"^(我|我们|本人|他|她|我儿子|我女儿|我孩子|我家孩子|我小孩)(是|在读|读|学(?![校院期生])|已经|刚|今年|还在)"
)
_SELF_STATEMENT_CHARS = 16
#: …能帮我写吗, 可以替我交吗: what follows 能/可以 is a favour asked of the bot.
_ASKS_THE_BOT = ("帮", "替", "给我")


def _own_case(
    index: MatchIndex, mandarin: str, topic_id: str, cue: Callable[[str], bool], programmes: frozenset[str]
) -> bool:
    """Whether the question asks if someone it describes may take part in the topic, or tells the student's own case.

    The description (户口, 专升本, 我儿子) is who asks, not what about: its words need not be the topic's. What they
    would do must be: a cue (报, 参加, 申请) or a word the topic explains; 见习期间能请假吗 asks about leave (请假),
    which the topic does not explain. A programme the topic does not explain (三支一扶能报吗) is a question of its own.
    """
    text = mandarin.strip()
    clauses = text.split()  # punctuation became spaces: 那我儿子能报吗 他在读大二
    for n, clause in enumerate(clauses):
        may = _MAY.search(clause)
        if may:
            who = " ".join([*clauses[:n], clause[: may.start()], *clauses[n + 1 :]])
            does = may.group("after") if may.group("after") is not None else may.group("after_ab")
            if does.startswith(_ASKS_THE_BOT):  # 论文能帮我写一下吗: a favour asked of the bot, not who may take part
                return False
            break
    else:
        if not (_SELF.match(text) and len(text.replace(" ", "")) <= _SELF_STATEMENT_CHARS):
            return False
        who, does = text, ""
    described = index.explanation(index.analyzer.analyze(who), topic_id) if who.strip() else []
    if any(u.surface in programmes and x < EXPLAINED for u, _, x in described):
        return False
    # What they would do: nothing more (算吗, 能去吗), or the topic's words or cues (能报吗, 算毕业生吗) and nothing
    # else; 能跟你做朋友吗 names nothing of the topic.
    asked = index.explanation(index.analyzer.analyze(does), topic_id) if does.strip() else []
    return not asked or (
        any(x >= EXPLAINED or cue(u.surface) for u, _, x in asked)
        and all(
            x >= EXPLAINED or cue(u.surface) or u.role == "context" or u.surface in POINTERS or u.syllables == 1
            for u, _, x in asked
        )
    )


def _length(normalized: str) -> int:
    """How long a message is, in Chinese characters and English words (an English word says about what a character
    does: "is there a website with the full document" is a short question)."""
    return len(re.findall(r"[a-z0-9]+|[^\sa-z0-9]", normalized))


def _lone_characters(units: Sequence[Unit]) -> set[int]:
    """Positions of single Chinese characters whose neighbours are not single characters."""

    def single(i: int) -> bool:
        return (
            0 <= i < len(units)
            and units[i].syllables == 1
            and units[i].role != "context"
            and not units[i].surface.isascii()
        )

    return {i for i in range(len(units)) if single(i) and not single(i - 1) and not single(i + 1)}


def _writes_character(index: MatchIndex, topic_id: str, character: str) -> bool:
    """Whether the topic's entry writes `character` inside its question, phrasings or answer."""
    entry = index.entry(topic_id)
    return entry is not None and any(character in t for t in (entry.question, entry.answer, *entry.alternates))


def _asks_aspect(aspects: frozenset[str]) -> bool:
    """It asks something about its subject (条件, 多少…), beyond "is there / can I" (有没有, 还能) or "and X?" (企业呢)."""
    return bool(aspects - {"yesno", "and", "wh"})


def aspects_of(normalized: str) -> frozenset[str]:
    """The aspects a question asks about, from its cue words; a year (那2021年的呢) asks about a period."""
    padded = f" {normalized} "
    found = {
        aspect
        for aspect, cues in ASPECT_CUES.items()
        if any((f" {cue}" in padded) if cue.isascii() else (cue in normalized) for cue in cues)
    }
    if _YEAR_IN_TEXT.search(normalized):
        found.add("period")
    if _HAS.search(normalized):  # 有见习岗位吗: whether it has one
        found.add("yesno")
    if _NOW.search(normalized):  # 今天几号: today's date, not the topic's
        found.discard("time")
    return frozenset(found)


def moves_on(normalized: str) -> bool:
    """Whether the student says they move on to something else (另外, 对了, by the way)."""
    return any(says(w, normalized) for w in MOVING_ON)


def asks_something(normalized: str) -> bool:
    """Whether a question asks about its subject (conditions, amounts, time…): not small talk, though its words are."""
    return _asks_aspect(aspects_of(normalized))


def _programmes(index: MatchIndex) -> frozenset[str]:
    """The domain words (programme names: 三支一扶, 百校千人), as the analyzer writes a unit."""
    return frozenset(w.lower() for w in index.analyzer.lexicon.domain_words)


def names_off_topic(index: MatchIndex, texts: Sequence[str]) -> bool:
    """Whether the question (as written and in Mandarin) names an everyday subject the letter never covers (lexicon
    off_topic: 天气, 考研)."""
    return any(says(w, t) for w in index.analyzer.lexicon.off_topic for t in texts)


def read(index: MatchIndex, question: Analysis, topic_id: str, lenient: bool = False) -> Reading:
    """Whether `question` follows up on entry `topic_id`, asks something of its own, or moves the topic elsewhere.

    Single characters the topic does not explain (块 in 贷款那块呢, a dialect's particle) are vague: they end a
    follow-up only when they say more than the evidence for the topic (its words and the cues) does. `lenient`: a word
    some entry knows does not end it either (the caller knows the question alone leads to no entry); lenient or not,
    a question that ends no other way reads the same.
    """
    # Cues as written and as the Cantonese means them (要带咩 is 要带什么).
    texts = (question.normalized, index.analyzer.cantonese.to_mandarin(question.normalized))
    aspects = aspects_of(texts[0]) | aspects_of(texts[1])
    said = {cue for cue in CUES if not cue.isascii() and any(cue in t for t in texts)}
    # An English cue phrase the question says, as the analyzer reads its words (is it paid: paid is 补贴)
    # and a cue's words as the analyzer reads them (有钱拿吗: 钱 is 补贴)
    phrases = [cue for cue in ENGLISH_PHRASES if says(cue, texts[0])] + [cue for cue in said if len(cue) > 1]
    said_words = {u.surface for cue in phrases for u in index.analyzer.analyze(cue).units}

    def cue(surface: str) -> bool:
        """A cue word, a word inside a cue the question says (几点 in 几点到几点) or made of such cues (填表格)."""
        if is_cue(surface) or surface in said_words or any(surface in c for c in said):
            return True
        covered = [False] * len(surface)
        for c in said:
            start = surface.find(c)
            while start >= 0:
                covered[start : start + len(c)] = [True] * len(c)
                start = surface.find(c, start + 1)
        return all(covered)

    programmes = _programmes(index)
    names_programme = any(u.surface in programmes for u in question.units)
    explanation = index.explanation(question, topic_id)
    shares_word = any(
        u.syllables > 1 and u.role == "topic" and i >= VAGUE_INFORMATION and x >= 1.0 and not cue(u.surface)
        for u, i, x in explanation
    )
    unknown = any(unknown_word(index, u, x) and not cue(u.surface) for u, _, x in explanation)
    own = Reading("own", aspects, names_programme, shares_word, unknown, names_off_topic(index, texts))
    if own.off_topic:  # 天气, 考研 are subjects of their own
        return own
    if _length(question.normalized) > MAX_FOLLOWUP_CHARS:  # a long message tells its own story
        return replace(own, long=True)
    # 我是专升本的，算毕业生吗 / 我儿子在读大二，能报吗 / 我是外省户口
    if _own_case(index, texts[1], topic_id, cue, programmes):
        return Reading("followup", aspects | {"conditions"}, names_programme, shares_word, False)
    evidence = 0.0
    singles, elsewhere = 0.0, False
    strange = False  # a single character no entry knows (伞 in 要带伞吗): a thing of its own
    places: frozenset[str] | None = None
    # A lone character of the topic's own words (设 of 设立 in 去年设了几家) in a question that asks something: a
    # fragment of what the topic says, neither evidence nor a subject of its own. Characters in a row (主|播: a word
    # the segmenter did not know) or in a question that asks nothing (见习完了…) still count.
    lone = _lone_characters(question.units) if _asks_aspect(aspects) else set()
    points_back = any(_POINTS_BACK.search(t) for t in texts)
    for position, (unit, information, explained) in enumerate(explanation):
        # Explained enough, or a word or figure the topic's entry writes as the question does (行程 in its answer; 576,
        # 8: the student repeating the answer's figures)
        if explained >= EXPLAINED or (
            explained and (unit.syllables > 1 or unit.key.startswith("n:")) and index.writes(topic_id, unit)
        ):
            # a context word (听说, 真的) sets the scene: it is no evidence of the subject
            evidence += information * explained if unit.role != "context" else 0.0
        elif unit.role == "place":
            places = _places_of(index, topic_id) if places is None else places
            if unit.surface in places or len(places) >= PLACES_OF_A_PLACE_TOPIC:
                # the topic's own place (还会去北京吗), or any place when the topic is about where (校园大使: 成都有没有)
                aspects |= {"place"}
            else:
                elsewhere = True
        elif (
            cue(unit.surface)
            or unit.surface in POINTERS
            or _YEAR.fullmatch(unit.key)
            or (unit.key.startswith("n:") and f"{unit.key[2:]}年" in question.normalized and "period" in aspects)
            or unit.role == "context"
            or MEASURE.fullmatch(unit.surface)  # a measure word of its own (几多间 → 多少 间)
        ):
            continue  # a cue, a pointer, a year (那2021年的呢) or a word that only sets the scene (类似, 具体)
        elif position in lone and _writes_character(index, topic_id, unit.surface):
            continue
        elif unit.syllables > 1 and (index.analyzer.is_modifier(unit.surface) or index.analyzer.is_verb(unit.surface)):
            continue  # it only describes or links (复杂, 一定, 所有), or says what one does (适应, 冒充): no subject
        elif unit.key.startswith("n:") and _asks_aspect(aspects):
            continue  # the student's own figure (我25了, 我们只有200人) beside what they ask
        elif unit.syllables == 1:
            singles += information
            strange = strange or not index.writes_character(unit.surface)
        elif points_back or (lenient and index.is_known(unit.key)):
            continue  # what the student asks of the topic they point at (这个会影响上课吗), or a known word that leads nowhere
        elif information >= VAGUE_INFORMATION or not index.is_known(unit.key):
            return own
    if elsewhere:  # the topic in a place it does not cover (上海的呢), whatever else was said
        return Reading("elsewhere", aspects, names_programme, shares_word, unknown)
    # A cue is evidence; "is there / can I" (有没有, 还能) or a bare question word (什么, how) only about something the
    # topic explains (not 是不是真的), or when the question names nothing at all (具体是怎么帮的).
    names_nothing = (
        "wh" in aspects
        and bool(question.units)  # not 为什么 or 怎么了 alone: a reaction, not a question about the topic
        and not any(u.role == "topic" and u.syllables > 1 for u, _, _ in explanation)
    )
    if _asks_aspect(aspects) or (aspects & {"yesno", "and", "wh"} and (evidence or names_nothing)):
        evidence += CUE_EVIDENCE
    if points_back:  # 这个呢, 它主要管啥: the student points at what was just said
        evidence += CUE_EVIDENCE
    if singles > evidence or evidence < MIN_EVIDENCE:
        if not (
            _length(question.normalized) <= SHORT_QUESTION_CHARS
            and _ASKS.search(texts[0].strip())
            and not _TO_THE_BOT.search(texts[0])
            and not strange
        ):
            return own
        aspects |= {"yesno"}
    return Reading("followup", aspects, names_programme, shares_word, unknown)


def _own_word(unit: Unit) -> bool:
    """A word that says what the question is about: 2+ syllables, not scene-setting, not a cue."""
    return unit.syllables > 1 and unit.role == "topic" and not is_cue(unit.surface)


def names_unknown_word(index: MatchIndex, question: Analysis, entry_id: str) -> bool:
    """Whether the question has a word no entry knows that entry `entry_id` does not explain (考研, 护照)."""
    return any(unknown_word(index, u, x) and not is_cue(u.surface) for u, _, x in index.explanation(question, entry_id))


def explains_programmes(index: MatchIndex, question: Analysis, entry_id: str) -> bool:
    """Whether the question names programmes (domain words) and entry `entry_id` writes every one of them as the question
    does (见习岗位 after the director's visits, whose answer counts the traineeship posts they opened; not 一次性创业资助
    after the internships, whose answer only has its parts)."""
    named = [u for u in question.units if u.surface in _programmes(index)]
    return bool(named) and all(index.writes(entry_id, u) for u in named)


def names_programme_of(index: MatchIndex, question: Analysis, entry_id: str) -> bool:
    """Whether the question names a programme (a domain word: 百校千人, 三支一扶) that entry `entry_id` explains fully."""
    programmes = _programmes(index)
    return any(u.surface in programmes and x >= 1.0 for u, _, x in index.explanation(question, entry_id))


def names_own_word(index: MatchIndex, question: Analysis, entry_id: str) -> bool:
    """Whether the question has a word of its own (2+ syllables, not a cue) that entry `entry_id` explains fully."""
    return any(_own_word(u) and x >= 1.0 for u, _, x in index.explanation(question, entry_id))


def explains_more(index: MatchIndex, question: Analysis, other: str, topic: str) -> bool:
    """Whether the question has a word of its own (2+ syllables, not a cue) that entry `other` explains fully and the
    topic only in part: 暑期实习有补贴吗 after 见习 asks about the internship subsidy (实习), not the traineeship
    that mentions internships once. A word both explain (有见习岗位吗 after 千企行) leaves it a follow-up."""
    pairs = zip(index.explanation(question, other), index.explanation(question, topic), strict=True)
    return any(_own_word(u) and x >= 1.0 > y for (u, _, x), (_, _, y) in pairs)


def missing_detail(normalized: str, answer: str) -> tuple[str, ...]:
    """The details (procedure, materials, time) a question asks for that `answer` gives no sign of."""
    return tuple(
        aspect
        for aspect, asks in _DETAIL_QUESTIONS.items()
        if asks.search(normalized) and not _DETAIL_SIGNS[aspect].search(answer)
    )
