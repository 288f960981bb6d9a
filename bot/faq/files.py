"""Bulk FAQ import and export for the bureau's staff, who keep the FAQ in Excel.

Pure: bytes in, validated entries out, and back; no database, no Telegram. Sheets
(.xlsx and .csv) are read and written through bot.tables, which checks the whole
upload and reports every problem at once with the row the admin sees in Excel;
this module says what the FAQ's columns mean, and reads and writes YAML itself.

In .xlsx and .csv cells, line breaks and "|" both separate alternates, so an
alternate cannot itself contain "|" (it would come back as two).
"""

from __future__ import annotations

import re
import string
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import yaml

from bot import texts
from bot.tables import Problem, TableRow, check_upload, clip, fail, finish, read_table, table_rows, write_table
from knowledge.entries import (
    ID_PATTERN,
    MAX_ANSWER_CHARS,
    MAX_QUESTION_CHARS,
    PLACEHOLDERS,
    Category,
    FaqEntry,
    KnowledgeError,
    parse_entry,
)

SUPPORTED = (".xlsx", ".csv", ".yaml", ".yml")
MAX_ENTRIES = 2000  # far above any real FAQ; a bigger file is the wrong file
#: YAML nodes (mappings, lists, scalars) read at most: ~40 an entry, MAX_ENTRIES of them, and room.
MAX_YAML_NODES = 50 * MAX_ENTRIES

COLUMNS = ("id", "category", "question", "answer", "source", "alternates", "answer_en")
REQUIRED = ("id", "category", "question", "answer")
LABELS = dict(zip(COLUMNS, ("编号", "分类", "问题", "答案", "来源", "其他问法", "英文答案"), strict=True))
_WIDTHS = {"id": 24, "category": 18, "question": 40, "answer": 80, "source": 36, "alternates": 40, "answer_en": 80}
#: Columns a file may leave out; then the live entries keep what they have there.
_OPTIONAL = ("answer_en",)


class _Row(NamedTuple):
    number: int
    where: str  # "第 5 行" or, for YAML, "第 5 条"
    values: dict[str, str]
    alternates: list[str]
    unreadable: frozenset[str] = frozenset()  # columns already reported (formulas, non-text)


def parse_faq_file(
    filename: str,
    data: bytes,
    categories: Sequence[Category],
    current: Sequence[FaqEntry] = (),
    *,
    prepared: Any = None,
) -> list[FaqEntry]:
    """Read and validate a whole upload; raise ImportProblems naming every problem, or return all entries.

    A file without an optional column (an export made before English answers existed)
    leaves that field of the `current` entries as it is. `prepared`: the file already read in a
    worker thread (bot.channels.uploads.Preread).
    """
    suffix = check_upload(filename, data, SUPPORTED, ".xlsx、.csv 或 .yaml")
    problems: list[Problem] = []
    if suffix in (".xlsx", ".csv"):
        table = read_table(suffix, data, MAX_ENTRIES, problems, prepared)
        rows = _faq_rows(table_rows(table, LABELS, REQUIRED, problems))
    else:
        ours = getattr(prepared, "data", None) is data
        if ours and prepared.failure is not None:
            raise prepared.failure
        rows = _yaml_rows(data, problems, prepared.document if ours else None)
    if len(rows) > MAX_ENTRIES:
        fail(f"条目太多（超过 {MAX_ENTRIES} 条），请分批导入")
    live = {e.id: e for e in current}
    for row in rows:
        for key in _OPTIONAL:
            if key not in row.values and row.values.get("id") in live:
                row.values[key] = getattr(live[row.values["id"]], key)
    return finish(problems, _validate(rows, categories, problems), "文件里没有找到任何问答条目")


def _faq_rows(rows: list[TableRow]) -> list[_Row]:
    """Table rows as entry rows: a cell's line breaks and "|" separate alternates."""
    entries = []
    for row in rows:
        text = dict(row.values)
        alternates = [a.strip() for a in re.split(r"[\n|]", text.pop("alternates", "")) if a.strip()]
        entries.append(_Row(row.number, row.where, text, alternates, row.unreadable))
    return entries


class _BoundedLoader(yaml.SafeLoader):
    """SafeLoader that refuses anchors and aliases (a few KB of them expand to gigabytes: "billion laughs")
    and stops after MAX_YAML_NODES nodes, so the work is bounded before anything is built."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._nodes = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise _Refused(texts.YAML_NO_ALIASES, event.start_mark)
        self._nodes += 1
        if self._nodes > MAX_YAML_NODES:
            raise _Refused(texts.YAML_TOO_BIG, event.start_mark)
        return super().compose_node(parent, index)

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        """A key written twice in one mapping (two `answer:` in an entry) would silently keep the last: refuse it."""
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key in seen:
                reason = texts.YAML_DUPLICATE_KEY.replace("{key}", str(key).replace("{", "{{").replace("}", "}}"))
                raise _Refused(reason, key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep)


class _Refused(yaml.YAMLError):
    def __init__(self, reason: str, mark: Any) -> None:
        super().__init__(reason)
        self.reason, self.problem_mark = reason, mark


def load_yaml(data: bytes) -> Any:
    """The YAML document, bounded (`_BoundedLoader`); an unreadable one is an ImportProblems for the admin."""
    try:
        return yaml.load(data.decode("utf-8-sig"), Loader=_BoundedLoader)  # noqa: S506 (a SafeLoader)
    except UnicodeDecodeError:
        fail("YAML 文件必须是 UTF-8 编码")
    except (yaml.YAMLError, RecursionError) as exc:  # PyYAML recurses once per nesting level
        mark = getattr(exc, "problem_mark", None)
        where = f"（第 {mark.line + 1} 行附近）" if mark else ""
        fail(exc.reason.format(where=where, limit=MAX_ENTRIES) if isinstance(exc, _Refused) else f"YAML 格式有误{where}，请检查缩进和冒号")


def _yaml_rows(data: bytes, problems: list[Problem], document: Any = None) -> list[_Row]:
    """Entries from a file shaped like knowledge/faq.yaml (`document`: already loaded); its categories are ignored."""
    document = load_yaml(data) if document is None else document
    entries = document.get("entries") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        fail("YAML 文件里要有 entries 列表（格式同 knowledge/faq.yaml）")
    rows = []
    for position, raw in enumerate(entries, 1):
        where = f"第 {position} 条"
        if not isinstance(raw, dict):
            problems.append(Problem(position, None, f"{where}：应写成包含 id、category、question、answer 的键值对"))
            continue
        values = {
            key: _yaml_text(raw.get(key))
            for key in COLUMNS
            if key != "alternates" and (key in raw or key not in _OPTIONAL)
        }
        listed = raw.get("alternates") or []
        alternates = [_yaml_text(a) for a in listed] if isinstance(listed, list) else [None]
        unreadable = frozenset(key for key, value in values.items() if value is None)
        unreadable |= {"alternates"} if None in alternates else set()
        for key in sorted(unreadable, key=COLUMNS.index):
            wanted = "文字列表，每行一个“- 问法”" if key == "alternates" else "文字（是/否、日期之类的写法请加上引号）"
            problems.append(Problem(position, key, f"{where}：{key} 应该是{wanted}"))
        text = {key: value or "" for key, value in values.items()}
        rows.append(_Row(position, where, text, [a for a in alternates if a], unreadable))
    return rows


def _yaml_text(value: Any) -> str | None:
    """The value as text, or None if it is not text (never repr() it: aliases can nest exponentially)."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value.strip() if isinstance(value, str) else None


def _category_lookup(categories: Sequence[Category]) -> dict[str, str]:
    """Category id, or a title no other category shares, to the category id."""
    titles = Counter(c.title.strip() for c in categories)
    lookup = {c.title.strip(): c.id for c in categories if titles[c.title.strip()] == 1}
    lookup.update({c.id: c.id for c in categories})
    return lookup


def _validate(rows: list[_Row], categories: Sequence[Category], problems: list[Problem]) -> list[FaqEntry]:
    """Check every row, in Chinese, then let knowledge.entries.parse_entry build it, so its rules stay the rule."""
    lookup = _category_lookup(categories)
    allowed = "、".join(f"{c.id}（{c.title}）" for c in categories) or "（还没有分类）"
    seen: dict[str, _Row] = {}
    entries = []
    for row in rows:
        before = len(problems)

        def problem(column: str | None, reason: str, row: _Row = row) -> None:
            if column not in row.unreadable:  # "empty" only because it was unreadable: said already
                problems.append(Problem(row.number, column, f"{row.where}：{reason}"))

        entry_id, category = row.values["id"], row.values["category"]
        if not entry_id:
            problem("id", "编号不能为空")
        elif not ID_PATTERN.match(entry_id):
            problem("id", f"编号“{clip(entry_id)}”只能用小写英文字母、数字和“-”，不超过 40 个字符，且不能以“-”开头")
        elif entry_id in seen:
            problem("id", f"编号 {entry_id} 和{seen[entry_id].where}重复了")
        else:
            seen[entry_id] = row
        if not category:
            problem("category", "分类不能为空")
        elif category not in lookup:
            problem("category", f"没有“{clip(category)}”这个分类，可选：{allowed}")
        for key, limit in (("question", MAX_QUESTION_CHARS), ("answer", MAX_ANSWER_CHARS)):
            if not row.values[key]:
                problem(key, f"{LABELS[key]}不能为空")
            elif len(row.values[key]) > limit:
                problem(key, f"{LABELS[key]}有 {len(row.values[key])} 个字，超过了 {limit} 字的上限")
        if len(row.values.get("answer_en") or "") > MAX_ANSWER_CHARS:
            problem("answer_en", f"英文答案有 {len(row.values['answer_en'])} 个字符，超过了 {MAX_ANSWER_CHARS} 的上限")
        for key in ("answer", "answer_en"):
            wrong_placeholder = placeholder_problem(row.values[key]) if row.values.get(key) else None
            if wrong_placeholder:
                problem(key, wrong_placeholder)
        for alternate in row.alternates:
            if len(alternate) > MAX_QUESTION_CHARS:
                problem("alternates", f"其他问法“{clip(alternate)}”超过了 {MAX_QUESTION_CHARS} 字的上限")
        if len(problems) > before or row.unreadable:
            continue
        raw = {**row.values, "category": lookup[category], "alternates": row.alternates}
        try:
            entries.append(parse_entry(raw, row.where, lookup.values()))
        except KnowledgeError as exc:  # a rule added to parse_entry that this module does not know yet
            problem(None, str(exc))
    return entries


def placeholder_problem(answer: str) -> str | None:
    """Why the placeholders of an answer are wrong, in Chinese for the admin; None if they are fine."""
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(answer) if name is not None}
    except ValueError:
        return "答案里的花括号 { } 不成对；要显示花括号本身请写成 {{ 和 }}"
    allowed = "、".join(f"{{{name}}}" for name in sorted(PLACEHOLDERS))
    unknown = "、".join(f"{{{name}}}" for name in sorted(names - PLACEHOLDERS))
    return f"答案里的 {unknown} 不认识，只能用 {allowed}" if unknown else None


def export_faq(entries: Sequence[FaqEntry], categories: Sequence[Category], fmt: str) -> bytes:
    """The entries as an .xlsx, .csv or .yaml file that parse_faq_file reads back unchanged."""
    fmt = fmt.lower().lstrip(".")
    if fmt in ("yaml", "yml"):
        return _export_yaml(entries, categories)
    lookup = _category_lookup(categories)
    # Staff read titles, not ids; a title goes out only where it reads back as the same category.
    names = {c.id: c.title.strip() if lookup.get(c.title.strip()) == c.id else c.id for c in categories}
    rows = [
        [e.id, names.get(e.category, e.category), e.question, e.answer, e.source, "\n".join(e.alternates), e.answer_en]
        for e in entries
    ]
    return write_table(fmt, LABELS, rows, _WIDTHS, "FAQ")


class _Dumper(yaml.SafeDumper):
    """Indented lists and multi-line text as literal blocks, the way faq.yaml is written by hand."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.Node:
    # PyYAML falls back to a quoted style by itself when a block cannot hold the text exactly.
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style="|" if "\n" in text else None)


_Dumper.add_representer(str, _represent_text)


def _export_yaml(entries: Sequence[FaqEntry], categories: Sequence[Category]) -> bytes:
    listed = []
    for e in entries:
        fields = {"id": e.id, "category": e.category, "question": e.question, "answer": e.answer}
        fields |= {"answer_en": e.answer_en, "source": e.source, "alternates": list(e.alternates)}
        listed.append({key: value for key, value in fields.items() if value})  # as in the seed: no empty fields
    document = {"version": 1, "categories": [{"id": c.id, "title": c.title} for c in categories], "entries": listed}
    text = yaml.dump(document, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000)
    return ("# 莞才助手 FAQ 导出文件，格式同 knowledge/faq.yaml。\n" + text).encode("utf-8")


@dataclass
class ImportSummary:
    """What an import would do to the live FAQ, in ids, for the admin to confirm."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # missing from the file but kept (delete_missing=False)

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.changed or self.deleted)

    def text(self) -> str:
        """E.g. "新增 3 条，修改 5 条，删除 0 条，未变 12 条。" and then which ids."""
        counts = f"新增 {len(self.added)} 条，修改 {len(self.changed)} 条，删除 {len(self.deleted)} 条，未变 {len(self.unchanged)} 条。"
        lines = [counts]
        for label, ids in (("新增", self.added), ("修改", self.changed), ("删除", self.deleted)):
            if ids:
                shown = "、".join(ids[:10]) + (f" 等 {len(ids)} 条" if len(ids) > 10 else "")
                lines.append(f"{label}：{shown}")
        if self.kept:
            lines.append(f"另有 {len(self.kept)} 条不在文件里，保持不变。")
        return "\n".join(lines)


def summarize(current: Sequence[FaqEntry], incoming: Sequence[FaqEntry], delete_missing: bool = False) -> ImportSummary:
    """Compare by id: new ids are added, differing entries changed, absent ids deleted only if asked."""
    before = {e.id: e for e in current}
    summary = ImportSummary()
    for entry in incoming:
        old = before.get(entry.id)
        (summary.added if old is None else summary.unchanged if old == entry else summary.changed).append(entry.id)
    incoming_ids = {e.id for e in incoming}
    missing = [e.id for e in current if e.id not in incoming_ids]
    (summary.deleted if delete_missing else summary.kept).extend(missing)
    return summary
