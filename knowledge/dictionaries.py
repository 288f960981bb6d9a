"""jieba's and pypinyin's dictionaries, read a bucket at a time as texts bring the words.

Loaded whole, jieba's dictionary (349,000 words and their prefixes) costs 0.6 s and ~65 MB at
every start and pypinyin's phrase dictionary (+ its prefix set) 0.15 s and ~50 MB, although a
knowledge base and its questions reach a small part of either. Both are only ever looked up
by substrings of the text being read (jieba's DAG from each position forward, pypinyin's
maximum matching likewise), and every such substring starts with a character or a bigram of
the text. So the words are kept in buckets by their first two characters (a one-character
word by that character), and a text first loads the buckets of its characters and bigrams:
the lookups see exactly what the full dictionaries hold, so segmentation and pinyin are the same.

The buckets are written once to a file (`dictionaries.bin`, beside the database, a hard link
to the one in the temporary folder) keyed by the versions of jieba and pypinyin; a stale or
damaged file is rebuilt (1.4 s, on a first start only). The file holds `marshal`led strings,
numbers and tuples: damage raises on load, it cannot run code.
"""

from __future__ import annotations

import array
import itertools
import json
import logging
import marshal
import operator
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable
from importlib import metadata
from pathlib import Path


def _import_jieba():  # noqa: ANN202 - the module
    """jieba, reading its files with open() rather than pkg_resources (70 ms and 10 MB to import)."""
    if "jieba" not in sys.modules:
        blocked = sys.modules.get("pkg_resources", _ABSENT)
        if blocked is _ABSENT:
            sys.modules["pkg_resources"] = None  # type: ignore[assignment] - makes its import fail
        try:
            import jieba  # noqa: F401
        finally:
            if blocked is _ABSENT:
                del sys.modules["pkg_resources"]
    import jieba

    return jieba


_ABSENT = object()
jieba = _import_jieba()

logger = logging.getLogger(__name__)

FORMAT = 5
FILE_NAME = "dictionaries.bin"
_PLACE_TAG = "ns"
#: jieba's tags of words that only describe or link (adjectives but not 名形词 like 困难, adverbs, distinguishing
#: words, conjunctions, pronouns, words of time and position): 复杂, 一定, 所有, 只有, 本身, 中午, 手上. They name no
#: subject of their own.
_MODIFIER_TAGS = frozenset({"a", "ad", "ag", "b", "c", "d", "dg", "r", "rg", "rr", "rz", "t", "tg", "s"})
#: jieba's tag of verbs (影响, 适应, 冒充): what someone does, not a subject (名动词 like 培训, 'vn', are subjects).
_VERB_TAG = "v"


def _import_pypinyin():  # noqa: ANN202 - the module
    """pypinyin without its phrase dictionary: this module gives it the phrases a text needs."""
    if "pypinyin" not in sys.modules:
        saved = {k: os.environ.get(k) for k in ("PYPINYIN_NO_PHRASES", "PYPINYIN_NO_DICT_COPY")}
        os.environ.update(PYPINYIN_NO_PHRASES="1", PYPINYIN_NO_DICT_COPY="1")
        try:
            import pypinyin  # noqa: F401
            import pypinyin.seg.mmseg  # noqa: F401
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
    import pypinyin.constants
    import pypinyin.seg.mmseg

    return pypinyin


_pypinyin = _import_pypinyin()
Style = _pypinyin.Style
_PHRASES = _pypinyin.constants.PHRASES_DICT  # the one dict pypinyin's converter and segmenter read
_PHRASE_PREFIXES = _pypinyin.seg.mmseg.p_set


def _jieba_dictionary() -> bytes:
    with jieba.get_module_res(jieba.DEFAULT_DICT_NAME) as f:
        return f.read()


def _phrases_file() -> Path:
    return Path(_pypinyin.__file__).with_name("phrases_dict.json")


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "?"


def _key() -> str:
    phrases = _phrases_file().stat()
    return repr((FORMAT, sys.version_info[:2], _version("jieba"), _version("pypinyin"), phrases.st_size))


_BUCKETS = 1 << 17


def _bucket_of(key: str) -> int:
    """Stable across runs (unlike hash()): a word's first character and the one after it, if any."""
    return (ord(key[0]) * 40503 + (ord(key[1]) if len(key) > 1 else 0)) % _BUCKETS


def grams(text: str) -> set[str]:
    """Every dictionary lookup made while reading `text` starts with one of these: its characters and bigrams.

    (map(add) pairs each character with the next in C: this runs for every text read.)
    """
    found = set(text)
    found.update(map(operator.add, text, text[1:]))
    return found


def keys(text: str) -> set[int]:
    """The buckets those lookups can reach."""
    return set(map(_bucket_of, grams(text)))


def _grouped(table: dict, extra: Callable[[list[str]], tuple] = lambda words: ()) -> list[bytes]:
    """One marshalled (items, *extra) per bucket, every bucket, in order."""
    blobs = [marshal.dumps(((), *extra([])))] * _BUCKETS
    for number, group in itertools.groupby(sorted(table, key=_bucket_of), key=_bucket_of):
        words = list(group)
        blobs[number] = marshal.dumps((tuple((w, table[w]) for w in words), *extra(words)))
    return blobs


def _build(path: Path) -> None:
    """Group both dictionaries by their words' first two characters and write them to `path` (atomically).

    One dictionary at a time, so that building holds one in memory (~130 MB at the peak, 1.4 s).
    """
    # What jieba.Tokenizer.gen_pfdict builds: every word with its count, every prefix with 0.
    # A one-character entry goes with that character, a longer one with its first two, so the
    # buckets of a text's characters and bigrams hold every entry a lookup in the text can meet.
    counts: dict[str, int] = {}
    places: set[str] = set()
    modifiers: set[str] = set()
    verbs: set[str] = set()
    total = 0
    for line in _jieba_dictionary().decode("utf-8").splitlines():
        fields = line.strip().split(" ")
        if len(fields) < 2:
            continue
        word, freq = fields[0], int(fields[1])
        counts[word] = freq
        total += freq
        for end in range(1, len(word)):
            counts.setdefault(word[:end], 0)
        if len(fields) > 2 and fields[2] == _PLACE_TAG:
            places.add(word)
        elif len(fields) > 2 and fields[2] in _MODIFIER_TAGS:
            modifiers.add(word)
        elif len(fields) > 2 and fields[2] == _VERB_TAG:
            verbs.add(word)
    words = _grouped(counts, lambda group: tuple(tuple(w for w in group if w in kind) for kind in (places, modifiers, verbs)))
    del counts
    phrases = _grouped(json.loads(_phrases_file().read_text(encoding="utf-8")))
    blobs = [blob for pair in zip(words, phrases, strict=True) for blob in pair]
    offsets = array.array("I", itertools.accumulate(map(len, blobs), initial=0))
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "wb") as f:
            marshal.dump((_key(), total, offsets.tobytes()), f)
            f.writelines(blobs)
        os.replace(temporary, path)
    except OSError:
        temporary.unlink(missing_ok=True)
        raise


class Dictionaries:
    """The bucket file, open: only the buckets read take room."""

    def __init__(self, path: Path) -> None:
        """Open the file at `path`; raises if it is missing, stale (_Stale) or damaged."""
        self.path = path
        self._open()

    def _open(self) -> None:
        with open(self.path, "rb") as f:
            key, self.total, offsets = marshal.load(f)
            if key != _key():
                raise _Stale
            self._start = f.tell()
            size = os.fstat(f.fileno()).st_size
        self._offsets = array.array("I")
        self._offsets.frombytes(offsets)
        if len(self._offsets) != 2 * _BUCKETS + 1 or self._start + self._offsets[-1] != size:
            raise ValueError("truncated")
        # Read with pread, not mmap: a file changed under a running bot gives an error, never SIGBUS.
        self._fd = os.open(self.path, os.O_RDONLY)

    def __del__(self) -> None:
        if hasattr(self, "_fd"):
            os.close(self._fd)

    def bucket(self, number: int) -> tuple[tuple[tuple[str, int], ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
        """jieba's words and prefixes with their counts, the place names, the modifiers and the verbs of one bucket."""
        return self._read(2 * number)

    def phrases(self, number: int) -> tuple[tuple[str, list[list[str]]], ...]:
        """pypinyin's phrases of one bucket, with their readings."""
        return self._read(2 * number + 1)[0]

    def _read(self, blob: int):  # noqa: ANN202 - what marshal gives
        start, end = self._offsets[blob], self._offsets[blob + 1]
        return marshal.loads(os.pread(self._fd, end - start, self._start + start))

    def tokenizer(self) -> Tokenizer:
        return Tokenizer(self)


class _Stale(Exception):
    pass


class Tokenizer(jieba.Tokenizer):
    """A jieba tokenizer whose dictionary holds the words of the buckets of the texts it has read.

    Everything that reads `FREQ` through the tokenizer (cut, suggest_freq, add_word) loads the
    buckets of its text first; read `FREQ` directly only for words of a text passed to `load`
    or `cut` before.
    """

    def __init__(self, dictionaries: Dictionaries) -> None:
        super().__init__()
        self._source = dictionaries
        self.FREQ = {}
        self.total = dictionaries.total
        self.initialized = True
        self.places: set[str] = set()
        self.modifiers: set[str] = set()
        self.verbs: set[str] = set()
        self._loaded: set[int] = set()
        self._seen: set[str] = set()  # grams whose bucket is loaded: most texts bring none new

    def load(self, texts: Iterable[str]) -> None:
        """Read the buckets of every text not read yet."""
        new = set().union(*map(grams, texts)) - self._seen
        if not new:
            return
        for number in set(map(_bucket_of, new)) - self._loaded:
            words, places, modifiers, verbs = self._source.bucket(number)
            for word, freq in words:
                # A word added (add_word) after its text was loaded keeps its count.
                self.FREQ.setdefault(word, freq)
            self.places.update(places)
            self.modifiers.update(modifiers)
            self.verbs.update(verbs)
            self._loaded.add(number)
        self._seen |= new  # only now: another thread reading the same text loads them too, never skips them

    def cut(self, sentence, cut_all=False, HMM=True, use_paddle=False):  # noqa: ANN001, ANN201, N803
        self.load((sentence,))
        return super().cut(sentence, cut_all=cut_all, HMM=HMM, use_paddle=use_paddle)

    def add_word(self, word, freq=None, tag=None):  # noqa: ANN001, ANN201
        self.load((word,))
        return super().add_word(word, freq, tag)

    def suggest_freq(self, segment, tune=False):  # noqa: ANN001, ANN201
        self.load((segment,) if isinstance(segment, str) else segment)
        return super().suggest_freq(segment, tune)


_opened: dict[tuple[int, int, int], Dictionaries] = {}


def _try_open(path: Path) -> Dictionaries | None:
    try:
        stat = path.stat()
        identity = (stat.st_dev, stat.st_ino, stat.st_mtime_ns)
        if identity not in _opened:  # hard links of one file share one open file
            _opened[identity] = Dictionaries(path)
        return _opened[identity]
    except FileNotFoundError:
        return None
    except _Stale:
        logger.info("Dictionary file %s was made by other versions of jieba/pypinyin: rebuilding it", path)
    except Exception as exc:  # noqa: BLE001 - any damage means: build it again
        logger.warning("Dictionary file %s is unreadable (%s): rebuilding it", path, exc)
    return None


def open_dictionaries(path: Path | None = None) -> Dictionaries:
    """The bucket file at `path` (by default in the temporary folder), built there if needed.

    A data folder without one gets a hard link to (or a copy of) the temporary folder's, built
    first if need be: the file depends only on the packages' versions, so a test suite or a
    second bot on the machine builds it once.
    """
    shared = Path(tempfile.gettempdir()) / f"faq-{FILE_NAME}"
    wanted = path or shared
    opened = _try_open(wanted)
    if opened is None:
        try:
            if not _try_open(shared):
                _build(shared)
            if wanted != shared:
                _link(shared, wanted)
        except OSError as exc:  # a read-only data folder reads the shared file
            logger.warning("Could not write a dictionary file (%s)", exc)
        opened = _try_open(wanted) or _try_open(shared)
    if opened is None:  # nor the temporary folder: the data folder, or raise
        _build(wanted)
        opened = _try_open(wanted)
    _last[:] = [opened]
    return opened


def _link(source: Path, target: Path) -> None:
    """`target` becomes `source` atomically: a hard link, or a copy across file systems."""
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    temporary.unlink(missing_ok=True)
    try:
        os.link(source, temporary)
    except OSError:
        shutil.copyfile(source, temporary)
    os.replace(temporary, target)


# pypinyin's phrase dictionary is one per process, so what it has been given is too; the
# phrases come from the file opened last (all hold the same ones).
_last: list[Dictionaries] = []
_phrases_loaded: set[int] = set()
_phrase_grams: set[str] = set()


def lazy_pinyin(word: str) -> list[str]:
    """pypinyin's toneless syllables of `word`, the phrases starting with its characters read first."""
    new = grams(word) - _phrase_grams
    if new:
        source = _last[0] if _last else open_dictionaries()
        for number in set(map(_bucket_of, new)) - _phrases_loaded:
            phrases = source.phrases(number)
            _PHRASES.update(phrases)
            _PHRASE_PREFIXES.train(p for p, _ in phrases)
            _phrases_loaded.add(number)
        _phrase_grams.update(new)
    return _pypinyin.lazy_pinyin(word, style=Style.NORMAL, errors="ignore")
