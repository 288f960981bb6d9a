"""jieba's and pypinyin's dictionaries read by bucket (knowledge/dictionaries.py): same words, less memory."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import jieba
import pytest

from knowledge import dictionaries
from knowledge.analyzer import Analyzer
from knowledge.entries import load_faq, load_lexicon
from knowledge.evaluation import load_cases

DATA = Path(__file__).parent / "data"
QUESTIONS = [c["q"] for c in load_cases([DATA / "faq_holdout.jsonl", DATA / "faq_blind.jsonl"])]


def _texts() -> list[str]:
    _, entries = load_faq()
    return [t for e in entries for t in (e.question, *e.alternates, e.answer)] + QUESTIONS


@pytest.fixture(scope="module")
def full() -> jieba.Tokenizer:
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


def test_bucketed_tokenizer_cuts_like_the_full_dictionary(full):
    bucketed = dictionaries.open_dictionaries().tokenizer()
    for text in _texts():
        assert list(bucketed.cut(text, HMM=False)) == list(full.cut(text, HMM=False)), text
    assert len(bucketed.FREQ) < len(full.FREQ) / 3  # what it saves


def test_added_words_weigh_as_in_the_full_dictionary(full):
    """suggest_freq and add_word (the analyzer's domain words) see the counts jieba would."""
    bucketed = dictionaries.open_dictionaries().tokenizer()
    for tokenizer in (full, bucketed):
        for word in ("实习补贴", "三支一扶", "人才进莞", "几多"):
            tokenizer.add_word(word, freq=max(tokenizer.suggest_freq(word), 50000))
    for text in _texts():
        assert list(bucketed.cut(text, HMM=False)) == list(full.cut(text, HMM=False)), text
    assert bucketed.total == full.total


def test_place_names_are_what_jieba_posseg_tags_ns(full):
    """Read from the buckets rather than by loading jieba.posseg (0.6 s, 100 MB)."""
    import jieba.posseg

    tags = jieba.posseg.POSTokenizer(full).word_tag_tab
    places = {w for w, tag in tags.items() if tag == "ns"}
    bucketed = dictionaries.open_dictionaries().tokenizer()
    bucketed.load(places)
    assert bucketed.places == places
    assert {"深圳", "成都", "虎门"} <= places


def test_pinyin_of_knowledge_words_is_what_pypinyin_gives_with_every_phrase():
    """pypinyin with its whole phrase dictionary, in a fresh process, reads every word the same."""
    words = sorted({w for t in _texts() for w in jieba.lcut(t, HMM=False) if len(w) > 1})
    words += ["银行", "重庆", "长大", "行长", "重新", "东莞银行行长"]  # polyphonic characters
    full = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json,sys; from pypinyin import lazy_pinyin, Style; "
            "print(json.dumps([lazy_pinyin(w, style=Style.NORMAL, errors='ignore') for w in json.load(sys.stdin)]))",
        ],
        input=json.dumps(words),
        capture_output=True,
        text=True,
        check=True,
        env={k: v for k, v in os.environ.items() if not k.startswith("PYPINYIN")},
    )
    assert [dictionaries.lazy_pinyin(w) for w in words] == json.loads(full.stdout)


def test_a_data_folder_gets_the_shared_file_without_building_it(tmp_path, monkeypatch):
    shared = dictionaries.open_dictionaries()
    monkeypatch.setattr(dictionaries, "_build", lambda path: pytest.fail("built again"))
    opened = dictionaries.open_dictionaries(tmp_path / dictionaries.FILE_NAME)
    assert opened.path == shared.path or (tmp_path / dictionaries.FILE_NAME).exists()
    assert opened.total == shared.total


@pytest.mark.parametrize("damage", ["stale", "truncated", "garbage"])
def test_a_stale_or_damaged_file_is_rebuilt(tmp_path, monkeypatch, caplog, damage):
    path = tmp_path / dictionaries.FILE_NAME
    monkeypatch.setattr(dictionaries.tempfile, "gettempdir", lambda: str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    good = dictionaries.open_dictionaries(path)
    total, cut = good.total, list(good.tokenizer().cut("就业见习补贴怎么申请", HMM=False))
    size = path.stat().st_size
    path.unlink()  # the shared file stays good: it is linked again, not rebuilt
    shared = tmp_path / "tmp" / f"faq-{dictionaries.FILE_NAME}"
    monkeypatch.setattr(dictionaries, "_opened", {})  # as a new process would
    if damage == "stale":
        monkeypatch.setattr(dictionaries, "_key", lambda: "jieba 9.9")
    elif damage == "truncated":
        shared.write_bytes(shared.read_bytes()[: size // 2])
    else:
        shared.write_bytes(b"\x00not marshal")
    with caplog.at_level(logging.INFO, logger="knowledge.dictionaries"):
        rebuilt = dictionaries.open_dictionaries(path)
    assert "rebuilding" in caplog.text
    assert rebuilt.total == total
    assert list(rebuilt.tokenizer().cut("就业见习补贴怎么申请", HMM=False)) == cut


def test_analyzer_reads_the_dictionary_beside_the_database(seed, tmp_path):
    from bot.settings import Settings
    from knowledge.kb import KnowledgeBase

    categories, entries = seed
    defaults = Settings()
    kb = KnowledgeBase(
        categories,
        entries,
        load_lexicon(),
        defaults.answer_threshold,
        defaults.suggest_threshold,
        cache_path=tmp_path / "index-cache.bin",
    )
    assert (tmp_path / dictionaries.FILE_NAME).exists()
    assert kb.ask("实习补贴").faq_id
    assert isinstance(Analyzer(load_lexicon())._jieba, dictionaries.Tokenizer)
