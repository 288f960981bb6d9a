"""Reading and writing admins' spreadsheets: whole-file validation with row numbers.

Knows tables, not what their columns mean: bot.faq.files (the FAQ) and bot.fairs.files (job
fairs) decide that, and both read and write through here. An upload is checked whole
before anything is returned and every problem is reported at once, numbered by the
row the admin sees in Excel, so a sheet is fixed in one round instead of one upload
per mistake. The .xlsx side (guarded against hostile workbooks) is bot.xlsx.

CSV cells that start with = + - @ or ' are exported behind a leading ' (the OWASP
advice against CSV injection); import strips one leading ' back off, so round trips
are exact.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple, NoReturn, TypeVar

from bot.xlsx import FORMULA_START, MAX_BLANK_RUN, Cell, Formula, SheetError, read_rows, write_rows

MACRO_OR_LEGACY = (".xlsm", ".xls", ".xlsb")
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_PROBLEMS = 50
_T = TypeVar("_T")
# Excel would evaluate these; a leading "-"/"+" before a digit or a space is an ordinary list or number.
_CSV_FORMULA = re.compile(r"^(?:[=@]|[+\-][A-Za-z(])")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an upload. `reason` is the whole line shown to the admin, place included."""

    row: int | None  # Excel row (header = 1); for YAML the entry's 1-based position; None for the whole file
    column: str | None  # the canonical column key ("answer"), or None
    reason: str

    def __str__(self) -> str:
        return self.reason


class ImportProblems(ValueError):
    """The upload was rejected whole; `problems` lists (up to MAX_PROBLEMS of) the reasons."""

    def __init__(self, problems: list[Problem]) -> None:
        self.total = len(problems)
        self.problems = problems[:MAX_PROBLEMS]
        super().__init__(self.text())

    def text(self) -> str:
        """The admin-facing message: every reason on its own line."""
        lines = [f"文件没有导入，发现 {self.total} 处问题，请修改后重新上传：", *(p.reason for p in self.problems)]
        if self.total > len(self.problems):
            lines.append(f"……问题较多，只列出前 {len(self.problems)} 处。")
        return "\n".join(lines)


def fail(reason: str) -> NoReturn:
    """Reject the whole upload for one reason that is not about a row."""
    raise ImportProblems([Problem(None, None, reason)])


def finish(problems: list[Problem], items: list[_T], empty: str) -> list[_T]:
    """The validated items, unless anything was wrong (all of it raised at once) or there are none (`empty`)."""
    if problems:
        raise ImportProblems(problems)
    if not items:
        fail(empty)
    return items


def check_upload(filename: str, data: bytes, supported: Sequence[str], wanted: str) -> str:
    """The upload's lower-case extension (".xlsx") once its type and size pass; `wanted` names the good ones."""
    filename = filename.strip()
    suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix in MACRO_OR_LEGACY:
        fail(f"不能导入 {suffix} 文件（可能带宏或是旧版格式），请在 Excel 中“另存为” .xlsx 工作簿后再上传")
    if suffix not in supported:
        fail(f"不支持 {suffix or '没有扩展名的'} 文件，请上传 {wanted} 文件")
    if not data:
        fail("文件是空的")
    if len(data) > MAX_FILE_BYTES:
        fail(f"文件太大（{len(data) / 1024 / 1024:.1f} MB），最大 {MAX_FILE_BYTES // 1024 // 1024} MB")
    return suffix


def read_table(
    suffix: str, data: bytes, limit: int, problems: list[Problem], prepared: object = None
) -> list[tuple[int, list[Cell]]]:
    """The non-empty rows of an .xlsx or .csv upload: the header and up to `limit` + 1 more (to see "too many").

    `prepared`: the upload already read in a worker thread (bot.channels.uploads.Preread), used when it is this one."""
    rows = prepared.rows(data, limit, problems) if hasattr(prepared, "rows") else None
    if rows is not None:
        return rows
    if suffix == ".xlsx":
        try:
            return read_rows(data, limit + 2)
        except SheetError as exc:
            fail(str(exc))
    return _read_csv(data, problems, limit)


class TableRow(NamedTuple):
    number: int  # the Excel row
    values: dict[str, str]  # column key → stripped text ("" when empty or unreadable)
    unreadable: frozenset[str]  # columns already reported (formulas)

    @property
    def where(self) -> str:
        return f"第 {self.number} 行"


def _column_key(header: Cell, aliases: dict[str, str]) -> str | None:
    """Which column a header cell names: "答案", "answer" and our own "答案 (answer)" all work."""
    tokens = [t for t in re.split(r"[\s()（）\[\]【】:：]+", (header or "").casefold()) if t]
    keys = {aliases[t] for t in tokens if t in aliases}
    return keys.pop() if len(keys) == 1 else None


def table_rows(
    table: list[tuple[int, list[Cell]]], labels: dict[str, str], required: Sequence[str], problems: list[Problem]
) -> list[TableRow]:
    """Sheet rows (xlsx or CSV) as text by column key; the first non-empty row is the header.

    `labels` maps each column key to its Chinese header; a header may give either, in any case."""
    if not table:
        return []
    aliases = {**{key: key for key in labels}, **{label.casefold(): key for key, label in labels.items()}}
    header_number, header = table[0]
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        key = _column_key(cell, aliases)
        if key in columns:
            problems.append(Problem(header_number, key, f"第 {header_number} 行：表头里“{labels[key]}”列出现了两次"))
        elif key:
            columns[key] = index
    missing = [f"{labels[key]} ({key})" for key in required if key not in columns]
    if missing:
        problems.append(
            Problem(header_number, None, f"第 {header_number} 行（表头）缺少必填的列：{'、'.join(missing)}")
        )
        return []
    rows = []
    for number, cells in table[1:]:
        values = {key: cells[index] if index < len(cells) else None for key, index in columns.items()}
        formulas = frozenset(key for key, cell in values.items() if isinstance(cell, Formula))
        for key in formulas:
            problems.append(Problem(number, key, f"第 {number} 行：“{labels[key]}”是公式，请改成纯文字"))
        text = {key: "" if key in formulas else (cell or "").strip() for key, cell in values.items()}
        if any(text.values()) or formulas:
            rows.append(TableRow(number, text, formulas))
    return rows


def _read_csv(data: bytes, problems: list[Problem], limit: int) -> list[tuple[int, list[Cell]]]:
    # Excel writes UTF-8 (with a BOM) when asked, and GB18030/GBK by default on Chinese Windows.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        fail("无法识别文件编码，请在 Excel 中“另存为”“CSV UTF-8（逗号分隔）”后再上传")
    table: list[tuple[int, list[Cell]]] = []
    number = blank_run = 0
    try:
        # A record is one Excel row even when a quoted cell spans several lines.
        for number, record in enumerate(csv.reader(io.StringIO(text, newline="")), 1):
            cells = [_csv_cell(value) for value in record]
            if any(cell and cell.strip() for cell in cells):
                table.append((number, cells))
                blank_run = 0
                if len(table) > limit + 1:
                    break
            else:
                blank_run += 1
                if blank_run >= MAX_BLANK_RUN:  # empty lines (or commas) to the end: not more content
                    break
    except csv.Error as exc:
        problems.append(
            Problem(number + 1, None, f"第 {number + 1} 行：CSV 格式有误（{exc}），请用 Excel 重新另存为 CSV")
        )
    return table


def _csv_cell(value: str) -> Cell:
    value = value.replace("\r\n", "\n")
    if value.startswith("'"):
        return value[1:]  # our export's escape, and the admin's way of saying "this is text"
    return Formula(value) if _CSV_FORMULA.match(value) else value


def write_table(
    fmt: str, labels: dict[str, str], rows: Sequence[Sequence[str]], widths: dict[str, int], title: str
) -> bytes:
    """Rows of text under a "编号 (id)"-style header (one per `labels` key, in order), as .xlsx or .csv.

    The CSV is UTF-8 with a BOM, so Excel opens it right, and formula look-alikes are escaped."""
    header = [f"{label} ({key})" for key, label in labels.items()]
    if fmt == "xlsx":
        return write_rows(header, rows, [widths[key] for key in labels], title)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)  # QUOTE_MINIMAL quotes the cells holding commas, quotes and newlines
        writer.writerow(header)
        writer.writerows([[_csv_escape(text) for text in row] for row in rows])
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # the BOM is how Excel knows it is UTF-8
    raise ValueError(f"unknown export format {fmt!r}")


def _csv_escape(text: str) -> str:
    return "'" + text if text.startswith((*FORMULA_START, "'", "\t", "\r")) else text


def clip(text: str, limit: int = 20) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
