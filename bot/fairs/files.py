"""Bulk import and export of job fairs, for staff who plan them in Excel.

Pure: bytes in, validated rows out, and back; no database, no Telegram. The rules
are the FAQ import's, through the table reader both share (bot.tables): the whole file is
checked before anything is returned, every problem is reported at once with the
row (and column) the admin sees in Excel, and hostile workbooks are refused.

Times are written in the bot's time zone ("2026-12-01 09:30", "2026/12/1 9:30" or
a real Excel date-time cell) and come out as UTC ISO strings, as the store keeps
them. A blank 编号 (id) is a new fair; an exported file keeps each fair's id, so
editing and re-importing it updates those fairs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from bot import texts as t
from bot.fairs.desk import KINDS
from bot.store.fairs import FAIR_FIELDS, Fair
from bot.store.schema import iso
from bot.tables import (
    Problem,
    TableRow,
    check_upload,
    clip,
    fail,
    finish,
    read_table,
    table_rows,
    write_table,
)

SUPPORTED = (".xlsx", ".csv")
MAX_FAIRS = 1000  # far above a year of fairs; a bigger file is the wrong file
MAX_AHEAD = timedelta(days=2 * 365)  # a start further away is a typo in the year

COLUMNS = ("id", "title", "organiser", "kind", "start", "end", "city", "venue", "link", "audience", "description",
           "register_url")  # fmt: skip
LABELS = dict(zip(COLUMNS, ("编号", "标题", "主办方", "形式", "开始时间", "结束时间", "城市", "地点", "线上链接",
                            "面向对象", "简介", "报名链接"), strict=True))  # fmt: skip
REQUIRED = ("title", "kind", "start", "end", "city")
MAX_CHARS = {"title": 100, "description": 1000}  # every other text column: DEFAULT_MAX_CHARS
DEFAULT_MAX_CHARS = 200
_FIELDS = {"start": "starts_at", "end": "ends_at"}  # column key → store field, where they differ
_WIDTHS = {"id": 8, "title": 36, "organiser": 24, "kind": 8, "start": 18, "end": 18, "city": 10, "venue": 30,
           "link": 30, "audience": 24, "description": 60, "register_url": 30}  # fmt: skip
_KIND_WORDS = {**{kind: kind for kind in KINDS}, **{label: kind for kind, label in KINDS.items()}}
_SHOWN_TIME = "%Y-%m-%d %H:%M"
# 2026-12-01 09:30, 2026/12/1 9:30, 2026.12.1 9:30, and Excel's date-time cell as read: 2026-12-01T09:30:00.
_TIME = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T\s]+(\d{1,2})[:：](\d{2})(?:[:：]\d{2}(?:\.\d+)?)?)?")


@dataclass(frozen=True)
class FairRow:
    """One valid fair from an upload: `id` None for a new fair; `values` has every FAIR_FIELDS key."""

    id: int | None
    values: dict[str, str]


def parse_fairs_file(
    filename: str, data: bytes, tz: ZoneInfo, now: datetime, existing_ids: Collection[int], prepared: object = None
) -> list[FairRow]:
    """Read and validate a whole upload; raise ImportProblems naming every problem, or return all fairs.

    `existing_ids` are the fairs an upload may update (an id not among them is an error);
    `now` decides which new fairs are already too late to add. When `existing_ids` maps
    each id to its current start, a start the upload moves must lie ahead too (as in the
    chat editor); an unchanged past start (a re-imported export) is fine."""
    suffix = check_upload(filename, data, SUPPORTED, ".xlsx 或 .csv")
    problems: list[Problem] = []
    rows = table_rows(read_table(suffix, data, MAX_FAIRS, problems, prepared), LABELS, REQUIRED, problems)
    if len(rows) > MAX_FAIRS:
        fail(f"招聘会太多（超过 {MAX_FAIRS} 场），请分批导入")
    starts = existing_ids if isinstance(existing_ids, Mapping) else {}
    return finish(problems, _validate(rows, tz, now, starts, set(existing_ids), problems), "文件里没有找到任何招聘会")


def _validate(
    rows: list[TableRow],
    tz: ZoneInfo,
    now: datetime,
    starts: Mapping[int, str],
    existing: set[int],
    problems: list[Problem],
) -> list[FairRow]:
    seen: dict[int, TableRow] = {}
    fairs = []
    for row in rows:
        before = len(problems)

        def problem(column: str, reason: str, row: TableRow = row) -> None:
            if column not in row.unreadable:  # "empty" only because it was a formula: said already
                problems.append(Problem(row.number, column, f"{row.where}：{reason}"))

        text = {key: row.values.get(key, "") for key in COLUMNS}
        fair_id = _fair_id(text["id"], existing, seen, problem)
        if fair_id is not None:
            seen.setdefault(fair_id, row)
        for key in COLUMNS[1:]:
            limit = MAX_CHARS.get(key, DEFAULT_MAX_CHARS)
            if not text[key] and key in REQUIRED:
                problem(key, f"{LABELS[key]}不能为空")
            elif len(text[key]) > limit:
                problem(key, f"{LABELS[key]}有 {len(text[key])} 个字，超过了 {limit} 字的上限")
        kind = _KIND_WORDS.get(text["kind"].casefold())
        if text["kind"] and kind is None:
            problem("kind", f"形式“{clip(text['kind'])}”不认识，只能填 现场、线上 或 直播")
        example = "请写成 {when} 这样的格式".format(**t.examples(now, tz))
        start, end = (_local_time(text[key], LABELS[key], tz, example, lambda reason, key=key: problem(key, reason))
                      for key in ("start", "end"))  # fmt: skip
        if start and end and end <= start:
            problem("end", "结束时间要晚于开始时间")
        if start and start > now + MAX_AHEAD:
            problem("start", f"开始时间 {text['start']} 在两年以后，请检查年份")
        elif start and fair_id is None and start <= now:
            problem("start", f"开始时间 {text['start']} 已经过去了；新增的招聘会要在以后举行")
        elif start and fair_id in starts and start <= now and iso(start) != starts[fair_id]:
            problem("start", f"开始时间 {text['start']} 已经过去了；改期后的招聘会要在以后举行")
        if kind == "onsite" and not text["venue"]:
            problem("venue", "现场招聘会要填写地点")
        if kind in ("online", "livestream") and not text["link"]:
            problem("link", f"{KINDS[kind]}招聘会要填写线上链接")
        for key in ("link", "register_url"):
            if text[key] and not _is_web_link(text[key]):
                problem(key, f"{LABELS[key]}“{clip(text[key], 40)}”不是网址，应以 http:// 或 https:// 开头")
        if len(problems) > before or row.unreadable or start is None or end is None:
            continue
        values = {_FIELDS.get(key, key): value for key, value in text.items() if key != "id"}
        fairs.append(FairRow(fair_id, {**values, "kind": str(kind), "starts_at": iso(start), "ends_at": iso(end)}))
    return fairs


def _fair_id(
    text: str, existing: set[int], seen: dict[int, TableRow], problem: Callable[[str, str], None]
) -> int | None:
    """The fair a row updates: None for a new one (blank id) or when the id is wrong (reported)."""
    if not text:
        return None
    if not (text.isascii() and text.isdigit()):
        problem("id", f"编号“{clip(text)}”应该是数字；新的招聘会请把编号留空")
        return None
    fair_id = int(text)
    if fair_id not in existing:
        problem("id", f"没有编号为 {fair_id} 的招聘会；新的招聘会请把编号留空")
    elif fair_id in seen:
        problem("id", f"编号 {fair_id} 和{seen[fair_id].where}重复了")
    return fair_id


def _local_time(
    text: str, label: str, tz: ZoneInfo, example: str, problem: Callable[[str], None]
) -> datetime | None:
    """A time the admin wrote in the bot's zone, as an aware datetime; None (reported) if it is not one."""
    if not text:
        return None  # reported as empty
    match = _TIME.fullmatch(text)
    if not match:
        problem(f"{label}“{clip(text)}”看不懂，{example}")
        return None
    if match[4] is None:
        problem(f"{label}“{clip(text)}”缺少几点几分，{example}")
        return None
    try:
        naive = datetime(*map(int, match.groups()))
    except ValueError:
        problem(f"{label}“{clip(text)}”不是有效的日期或时间，{example}")
        return None
    local = naive.replace(tzinfo=tz)
    if not wall_time_exists(local):
        problem(f"{label}“{clip(text)}”在夏令时调整中并不存在，请换一个时间")
        return None
    return local


def wall_time_exists(local: datetime) -> bool:
    """False for a clock time its zone skips (the hour summer time jumps over): it names no instant."""
    return local.astimezone(UTC).astimezone(local.tzinfo).replace(tzinfo=None) == local.replace(tzinfo=None)


def _is_web_link(text: str) -> bool:
    try:
        parts = urlsplit(text)
    except ValueError:  # e.g. a broken [IPv6] host
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc) and not re.search(r"\s", text)


def export_fairs(fairs: Sequence[Fair], tz: ZoneInfo, fmt: str) -> bytes:
    """The active fairs as an .xlsx or .csv file that parse_fairs_file reads back unchanged.

    Cancelled fairs are left out: a fair cannot be un-cancelled by import, so they would
    only be rows to skip. Times are local ("2026-12-01 09:30"), the form in Chinese (现场)."""
    rows = []
    for fair in fairs:
        if fair.status != "active":
            continue
        values = fair.editable()
        times = {"start": fair.start, "end": fair.end}
        rows.append([
            str(fair.id) if key == "id"
            else times[key].astimezone(tz).strftime(_SHOWN_TIME) if key in times
            else KINDS.get(values["kind"], values["kind"]) if key == "kind"
            else values[key]
            for key in COLUMNS
        ])  # fmt: skip
    return write_table(fmt.lower().lstrip("."), LABELS, rows, _WIDTHS, "招聘会")


@dataclass
class FairImportSummary:
    """What an import would do to the live fairs, for the admin to confirm."""

    added: int = 0
    changed: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    moved: list[int] = field(default_factory=list)  # changed fairs whose start moves: their reminders move too
    kept: list[int] = field(default_factory=list)  # active fairs not in the file: left as they are
    titles: dict[int, str] = field(default_factory=dict, repr=False)

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.changed)

    def text(self) -> str:
        """E.g. "新增 2 场，修改 1 场，未变 5 场。" and then which fairs."""
        lines = [f"新增 {self.added} 场，修改 {len(self.changed)} 场，未变 {len(self.unchanged)} 场。"]
        if self.changed:
            lines.append(f"修改：{self._names(self.changed)}")
        if self.moved:
            lines.append(f"其中开始时间有变（已设的提醒会跟着调整）：{self._names(self.moved)}")
        if self.kept:
            lines.append(f"另有 {len(self.kept)} 场不在文件里，保持不变。")
        return "\n".join(lines)

    def _names(self, ids: list[int]) -> str:
        shown = "、".join(f"{fair_id}「{clip(self.titles.get(fair_id, ''))}」" for fair_id in ids[:10])
        return shown + (f" 等 {len(ids)} 场" if len(ids) > 10 else "")


def summarize_fairs(current: Sequence[Fair], incoming: Sequence[FairRow]) -> FairImportSummary:
    """Compare by id: rows without one are added, differing fairs changed; fairs not in the file stay."""
    before = {fair.id: fair for fair in current}
    summary = FairImportSummary(titles={fair.id: fair.title for fair in current})
    for row in incoming:
        old = before.get(row.id) if row.id is not None else None
        if old is None:
            summary.added += 1
        elif old.editable() == {name: row.values[name] for name in FAIR_FIELDS}:
            summary.unchanged.append(old.id)
        else:
            summary.changed.append(old.id)
            if row.values["starts_at"] != old.starts_at:
                summary.moved.append(old.id)
    listed = {row.id for row in incoming}
    summary.kept = [fair.id for fair in current if fair.status == "active" and fair.id not in listed]
    return summary
