"""The analysed phrasings kept on disk between starts (knowledge/index_cache.py)."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

import pytest

from bot.app import build_knowledge
from bot.settings import Settings
from knowledge import index_cache, matcher
from knowledge.entries import load_lexicon
from knowledge.evaluation import load_cases
from knowledge.kb import KnowledgeBase

QUESTIONS = [c["q"] for c in load_cases([Path(__file__).resolve().parents[1] / "data" / "faq_holdout.jsonl"])][:80] + [
    "实习补贴",
    "三支一福",
    "深圳的实习补贴",
    "东莞天气怎么样",
]


@pytest.fixture
def analysed(monkeypatch) -> list[str]:
    """Ids of the entries the matcher analyses (not read from a cache)."""
    calls: list[str] = []
    real = matcher._analyse

    def counting(entry, analyzer):
        calls.append(entry.id)
        return real(entry, analyzer)

    monkeypatch.setattr(matcher, "_analyse", counting)
    return calls


def _build(seed, path: Path, entries=None, lexicon=None) -> KnowledgeBase:
    categories, bundled = seed
    defaults = Settings()
    return KnowledgeBase(
        categories,
        entries if entries is not None else bundled,
        lexicon or load_lexicon(),
        defaults.answer_threshold,
        defaults.suggest_threshold,
        cache_path=path,
    )


def _answers(kb: KnowledgeBase) -> list[tuple]:
    return [(o.kind, o.faq_id, o.score, o.suggestions, o.scored) for o in map(kb.ask, QUESTIONS)]


def test_second_build_reads_the_cache_and_answers_the_same(seed, kb, analysed, tmp_path):
    path = tmp_path / index_cache.FILE_NAME
    first = _build(seed, path)
    assert len(analysed) == len(seed[1]) and path.exists()
    analysed.clear()
    second = _build(seed, path)
    assert analysed == []  # no phrasing analysed again
    assert second.index.fresh == 0
    assert _answers(second) == _answers(first) == _answers(kb)  # kb: the session's, built without a cache


def test_a_changed_entry_is_analysed_again_and_the_cache_updated(seed, analysed, tmp_path):
    path = tmp_path / index_cache.FILE_NAME
    _build(seed, path)
    entries = list(seed[1])
    entries[0] = replace(entries[0], alternates=(*entries[0].alternates, "新加的一种问法"))
    analysed.clear()
    edited = _build(seed, path, entries)
    assert analysed == [entries[0].id]
    assert edited.ask("新加的一种问法").faq_id == entries[0].id
    analysed.clear()
    _build(seed, path, entries)
    assert analysed == []


def test_other_vocabulary_makes_the_cache_stale(seed, analysed, tmp_path):
    path = tmp_path / index_cache.FILE_NAME
    _build(seed, path)
    lexicon = load_lexicon()
    lexicon = replace(lexicon, synonyms={**lexicon.synonyms, "实习": (*lexicon.synonyms.get("实习", ()), "打暑假工")})
    analysed.clear()
    _build(seed, path, lexicon=lexicon)
    assert len(analysed) == len(seed[1])


@pytest.mark.parametrize("damage", [b"", b"not a cache at all", "truncated"])
def test_an_unreadable_cache_is_rebuilt(seed, kb, analysed, tmp_path, damage, caplog):
    path = tmp_path / index_cache.FILE_NAME
    _build(seed, path)
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2] if damage == "truncated" else damage)
    analysed.clear()
    with caplog.at_level(logging.WARNING, logger="knowledge.index_cache"):
        rebuilt = _build(seed, path)
    assert len(analysed) == len(seed[1])
    assert "unreadable" in caplog.text
    assert _answers(rebuilt) == _answers(kb)
    analysed.clear()
    _build(seed, path)  # rewritten whole
    assert analysed == []


def test_an_unwritable_cache_folder_only_logs(seed, tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="knowledge.index_cache"):
        built = _build(seed, tmp_path / "missing" / index_cache.FILE_NAME)
    assert built.ask("实习补贴").faq_id == "internship-subsidy"
    assert "Could not write" in caplog.text
    assert not list(tmp_path.iterdir())  # no temporary file left behind


def test_build_knowledge_keeps_the_cache_beside_the_database(settings, store, analysed):
    build_knowledge(settings, store)
    assert (settings.database_path.parent / index_cache.FILE_NAME).exists()
    analysed.clear()
    build_knowledge(settings, store)
    assert analysed == []


def test_new_vocabulary_from_an_admin_is_cached_for_the_next_start(seed, analysed, tmp_path):
    path = tmp_path / index_cache.FILE_NAME
    kb = _build(seed, path)
    lexicon = replace(
        kb.lexicon, synonyms={**kb.lexicon.synonyms, "见习": (*kb.lexicon.synonyms.get("见习", ()), "试岗")}
    )
    kb.replace_lexicon(lexicon)
    analysed.clear()
    restarted = _build(seed, path, lexicon=lexicon)
    assert analysed == []
    assert _answers(restarted) == _answers(kb)


def test_every_module_that_shapes_an_analysis_is_in_the_fingerprint():
    """A change to any module the analyzer or matcher imports (places.py, closeness.py…) must invalidate the cache;
    entries.py only defines the Lexicon, whose content is in the fingerprint already."""
    import re
    from pathlib import Path

    from knowledge import index_cache

    folder = Path(index_cache.__file__).parent
    imported = set()
    for name in ("analyzer.py", "matcher.py"):
        source = (folder / name).read_text(encoding="utf-8")
        imported |= set(re.findall(r"^from knowledge\.(\w+) import", source, re.MULTILINE))
        for group in re.findall(r"^from knowledge import ([\w, ]+)$", source, re.MULTILINE):
            imported |= {m.strip() for m in group.split(",")}
    assert {f"{m}.py" for m in imported} - {"entries.py"} <= set(index_cache._SOURCES)
