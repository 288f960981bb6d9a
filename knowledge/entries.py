"""FAQ entries and the matching vocabulary as data: loading and validation.

The seed knowledge base ships as YAML. A mistake in it must stop the bot at
start-up with a message naming the file, the entry and the field, not surface
later as a wrong answer.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

PACKAGE_DIR = Path(__file__).parent
DEFAULT_FAQ_PATH = PACKAGE_DIR / "faq.yaml"
DEFAULT_LEXICON_PATH = PACKAGE_DIR / "lexicon.yaml"

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
PLACEHOLDERS = frozenset({"contact_phone", "bot_name"})
MAX_QUESTION_CHARS = 200
MAX_ANSWER_CHARS = 1500


class KnowledgeError(ValueError):
    """The knowledge data is invalid; the message says where and why."""


@dataclass(frozen=True)
class Category:
    id: str
    title: str


@dataclass(frozen=True)
class FaqEntry:
    """One topic: a canonical question, its answer and the ways students ask it."""

    id: str
    category: str
    question: str
    answer: str
    source: str = ""
    alternates: tuple[str, ...] = ()
    answer_en: str = ""  # the same facts in English, for questions asked in English ("" = none yet)

    @property
    def phrasings(self) -> tuple[str, ...]:
        """The canonical question followed by every alternate."""
        return (self.question, *self.alternates)

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-able data (alternates as a list), for revisions and saved flows."""
        return {**asdict(self), "alternates": list(self.alternates)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FaqEntry:
        """The inverse of `as_dict`."""
        return cls(**{**data, "alternates": tuple(data.get("alternates") or ())})

    def render_answer(self, placeholders: Mapping[str, str], english: bool = False) -> str:
        """The answer with {contact_phone}/{bot_name} filled in from settings; the English one if asked and written."""
        return (self.answer_en if english and self.answer_en else self.answer).format_map(dict(placeholders))


@dataclass(frozen=True)
class Lexicon:
    """Vocabulary that steers matching; see lexicon.yaml for what each part does."""

    domain_words: tuple[str, ...] = ()
    synonyms: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    stopwords: frozenset[str] = frozenset()
    english_stopwords: frozenset[str] = frozenset()
    smalltalk: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    context_words: tuple[str, ...] = ()
    cantonese: Mapping[str, str] = field(default_factory=dict)  # written Cantonese -> Mandarin ('' drops it)
    towns: tuple[str, ...] = ()  # Dongguan's towns: context words that keep a question about Dongguan
    home_words: tuple[str, ...] = ()  # a question naming one of these is about Dongguan, whatever city it names
    english_places: Mapping[str, str] = field(default_factory=dict)  # shenzhen -> 深圳
    not_places: tuple[str, ...] = ()  # words jieba tags as places that are not (城市, 上岗)
    off_topic: tuple[str, ...] = ()  # everyday subjects the letter never covers (天气, 考研): never a follow-up


def _read_yaml(path: Path) -> Any:
    try:
        # libyaml's loader when PyYAML has it: the same safe constructors, ten times faster (0.3 s at start).
        return yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506
    except OSError as exc:
        raise KnowledgeError(f"{path}: cannot read file ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        raise KnowledgeError(f"{path}: not valid YAML: {exc}") from None


def _text(where: str, name: str, value: Any, limit: int) -> str:
    if not isinstance(value, str) or not value.strip():
        raise KnowledgeError(f"{where}: field '{name}' must be non-empty text")
    value = value.strip()
    if len(value) > limit:
        raise KnowledgeError(f"{where}: field '{name}' is {len(value)} characters, over the limit of {limit}")
    return value


def _check_placeholders(where: str, name: str, text: str) -> None:
    try:
        names = {fname for _, fname, _, _ in string.Formatter().parse(text) if fname is not None}
    except ValueError as exc:
        raise KnowledgeError(
            f"{where}: field '{name}' has a broken placeholder ({exc}); write {{{{ }}}} for braces"
        ) from None
    unknown = names - PLACEHOLDERS
    if unknown:
        raise KnowledgeError(
            f"{where}: field '{name}' uses unknown placeholder(s) {sorted(unknown)}; allowed: {sorted(PLACEHOLDERS)}"
        )


def parse_entry(raw: Any, where: str, category_ids: Iterable[str]) -> FaqEntry:
    """Validate one entry mapping and return it as a FaqEntry."""
    if not isinstance(raw, dict):
        raise KnowledgeError(f"{where}: an entry must be a mapping with id, category, question, answer")
    entry_id = raw.get("id")
    if not isinstance(entry_id, str) or not ID_PATTERN.match(entry_id):
        raise KnowledgeError(f"{where}: field 'id' must be lowercase letters, digits and '-', got {entry_id!r}")
    where = f"{where} (id {entry_id})"
    category = raw.get("category")
    allowed = sorted(category_ids)
    if category not in allowed:
        raise KnowledgeError(f"{where}: field 'category' must be one of {allowed}, got {category!r}")
    question = _text(where, "question", raw.get("question"), MAX_QUESTION_CHARS)
    answer = _text(where, "answer", raw.get("answer"), MAX_ANSWER_CHARS)
    _check_placeholders(where, "answer", answer)
    answer_en = raw.get("answer_en") or ""
    if not isinstance(answer_en, str) or answer_en.strip():
        answer_en = _text(where, "answer_en", answer_en, MAX_ANSWER_CHARS)
        _check_placeholders(where, "answer_en", answer_en)
    source = raw.get("source") or ""
    if not isinstance(source, str):
        raise KnowledgeError(f"{where}: field 'source' must be text")
    alternates_raw = raw.get("alternates") or []
    if not isinstance(alternates_raw, list):
        raise KnowledgeError(f"{where}: field 'alternates' must be a list of phrasings")
    alternates: list[str] = []
    for i, alt in enumerate(alternates_raw, 1):
        text = _text(where, f"alternates[{i}]", str(alt) if isinstance(alt, (int, float)) else alt, MAX_QUESTION_CHARS)
        if text not in alternates:
            alternates.append(text)
    return FaqEntry(entry_id, category, question, answer, source.strip(), tuple(alternates), answer_en)


def load_faq(path: Path = DEFAULT_FAQ_PATH) -> tuple[list[Category], list[FaqEntry]]:
    """Load and validate the seed FAQ file: categories first, then entries."""
    data = _read_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise KnowledgeError(f"{path}: expected a mapping with a list under 'entries'")
    categories: list[Category] = []
    for i, raw in enumerate(data.get("categories") or [], 1):
        where = f"{path}: categories[{i}]"
        if not isinstance(raw, dict) or not isinstance(raw.get("id"), str) or not ID_PATTERN.match(raw["id"]):
            raise KnowledgeError(f"{where}: field 'id' must be lowercase letters, digits and '-'")
        categories.append(Category(raw["id"], _text(where, "title", raw.get("title"), 30)))
    category_ids = [c.id for c in categories]
    if len(set(category_ids)) != len(category_ids):
        raise KnowledgeError(f"{path}: category ids must be unique")
    entries: list[FaqEntry] = []
    seen: set[str] = set()
    for i, raw in enumerate(data["entries"], 1):
        entry = parse_entry(raw, f"{path}: entries[{i}]", category_ids)
        if entry.id in seen:
            raise KnowledgeError(f"{path}: entries[{i}]: duplicate id {entry.id!r}")
        seen.add(entry.id)
        entries.append(entry)
    return categories, entries


def _words(path: Path, data: dict[str, Any], key: str) -> list[str]:
    value = data.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
        raise KnowledgeError(f"{path}: '{key}' must be a list of words")
    return [str(v).strip() for v in value if str(v).strip()]


def _word_lists(path: Path, data: dict[str, Any], key: str) -> dict[str, tuple[str, ...]]:
    value = data.get(key) or {}
    if not isinstance(value, dict):
        raise KnowledgeError(f"{path}: '{key}' must map a word to a list of words")
    return {str(k): tuple(_words(path, {k: v}, k)) for k, v in value.items()}


def _rewrites(path: Path, data: dict[str, Any], key: str) -> dict[str, str]:
    value = data.get(key) or {}
    if not isinstance(value, dict):
        raise KnowledgeError(f"{path}: '{key}' must map a word to the word it means (or to nothing)")
    table = {}
    for k, v in value.items():
        if v is not None and not isinstance(v, (str, int)):
            raise KnowledgeError(f"{path}: '{key}': {k!r} must map to one word or to nothing, got {v!r}")
        if str(k).strip():
            table[str(k).strip()] = "" if v is None else str(v).strip()
    return table


def load_lexicon(path: Path = DEFAULT_LEXICON_PATH) -> Lexicon:
    """Load and validate the matching vocabulary."""
    data = _read_yaml(path)
    if not isinstance(data, dict):
        raise KnowledgeError(f"{path}: expected a mapping")
    return Lexicon(
        domain_words=tuple(_words(path, data, "domain_words")),
        synonyms=_word_lists(path, data, "synonyms"),
        stopwords=frozenset(_words(path, data, "stopwords")),
        english_stopwords=frozenset(w.casefold() for w in _words(path, data, "english_stopwords")),
        smalltalk=_word_lists(path, data, "smalltalk"),
        context_words=tuple(_words(path, data, "context_words")),
        cantonese=_rewrites(path, data, "cantonese"),
        towns=tuple(_words(path, data, "towns")),
        home_words=tuple(_words(path, data, "home_words")),
        english_places={k.casefold(): v for k, v in _rewrites(path, data, "english_places").items() if v},
        not_places=tuple(_words(path, data, "not_places")),
        off_topic=tuple(_words(path, data, "off_topic")),
    )
