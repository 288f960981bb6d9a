"""The analysed phrasings on disk, so a restart does not segment and transcribe every phrasing again.

One file beside the database (`index-cache.bin`): a header that names the code and the
vocabulary it was made with (a hash of the analyser's and matcher's source, the versions of
jieba, pypinyin, OpenCC and the stemmer, and the lexicon with the admins' synonyms), then per
entry text (question, alternates, answer) what `MatchIndex` keeps of it. An entry whose text
changed is simply not found and is analysed again; a different header, or a file that cannot
be read, is ignored as a whole and rewritten. Written to a temporary file and renamed, so a
crash leaves the old file or the new one. `marshal` holds only plain strings and tuples: a
damaged file raises on load, it cannot run code.
"""

from __future__ import annotations

import hashlib
import logging
import marshal
import os
import sys
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path

from knowledge.entries import Lexicon
from knowledge.matcher import EntryText, _Analysed, _Vocabulary

logger = logging.getLogger(__name__)

FORMAT = 3  # 2: the entry text holds the English answer; 3: phrasings made only of filler
FILE_NAME = "index-cache.bin"
_SOURCES = ("analyzer.py", "cantonese.py", "places.py", "dictionaries.py", "text.py", "matcher.py", "closeness.py", "index_cache.py")
_PACKAGES = ("jieba", "pypinyin", "OpenCC", "snowballstemmer")


def _canonical(value: object) -> object:
    """A repr-stable form: sets sorted (their order changes from run to run), mappings in their order."""
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    if isinstance(value, Mapping):
        return [(k, _canonical(v)) for k, v in value.items()]
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    return value


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "?"


def fingerprint(lexicon: Lexicon) -> str:
    """Code and vocabulary an analysis depends on; a cache made under another fingerprint is stale."""
    digest = hashlib.sha256(f"{FORMAT} {sys.version_info[:2]}".encode())
    here = Path(__file__).resolve().parent
    for name in _SOURCES:
        digest.update((here / name).read_bytes())
    digest.update(repr([_version(p) for p in _PACKAGES]).encode())
    digest.update(repr([(f, _canonical(getattr(lexicon, f))) for f in lexicon.__dataclass_fields__]).encode())
    return digest.hexdigest()


def load(path: Path, lexicon: Lexicon) -> dict[EntryText, _Analysed]:
    """The cached analyses, or {} when there is no file, it is stale or it cannot be read."""
    try:
        with open(path, "rb") as f:
            header, rows = marshal.load(f)
        if header != fingerprint(lexicon):
            logger.info("Index cache %s is stale (code or vocabulary changed): rebuilding it", path)
            return {}
        return {
            (q, tuple(alts), a, en): _Analysed(
                tuple((tuple(map(sys.intern, features)), pinyin) for features, pinyin in phrasings),
                _Vocabulary(*(tuple(map(sys.intern, s)) for s in vocabulary)),
                tuple(filler_only),
            )
            for (q, alts, a, en), phrasings, vocabulary, filler_only in rows
        }
    except FileNotFoundError:
        return {}
    except Exception as exc:  # noqa: BLE001 - any damage means: analyse again
        logger.warning("Index cache %s is unreadable (%s): rebuilding it", path, exc)
        return {}


def save(path: Path, lexicon: Lexicon, analysed: Mapping[EntryText, _Analysed]) -> None:
    """Write the cache atomically; a failure (read-only folder, full disk) is logged, never raised."""
    rows = [
        (
            text,
            tuple(a.phrasings),
            tuple(
                tuple(sorted(s))
                for s in (
                    a.vocabulary.phrasings,
                    a.vocabulary.answer_only,
                    a.vocabulary.one_alternate,
                    a.vocabulary.surfaces,
                )
            ),
            tuple(a.filler_only),
        )
        for text, a in analysed.items()
    ]
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "wb") as f:
            marshal.dump((fingerprint(lexicon), rows), f)
        os.replace(temporary, path)
    except OSError as exc:
        logger.warning("Could not write the index cache %s: %s", path, exc)
        temporary.unlink(missing_ok=True)
