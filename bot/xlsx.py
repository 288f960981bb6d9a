"""The .xlsx side of bot.tables: a guarded sheet reader and a plain writer.

Knows workbooks, not tables' columns, FAQ entries or fairs: bot.tables reads rows of text
through here, and bot.faq.files and bot.fairs.files decide what the columns mean. An
uploaded workbook is untrusted, so macro-enabled packages, zip bombs and formulas
are refused before anything in it is believed. XML bombs are openpyxl's job: it
parses through defusedxml whenever that is installed (openpyxl.DEFUSEDXML).
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import zipfile
from collections.abc import Sequence

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font

from bot import texts

logger = logging.getLogger(__name__)

MAX_UNZIPPED_BYTES = 50 * 1024 * 1024
#: Columns read from a row; our tables have about a dozen, and a header further right is not ours.
MAX_COLUMNS = 64
#: Reading stops after this many empty rows in a row (cells styled down to row 1,048,576) …
MAX_BLANK_RUN = 1000
#: … and an upload scattering more empty rows than this among its rows is refused.
MAX_BLANK_ROWS = 10_000
# Text Excel would evaluate if typed as is; such cells are written with Excel's own
# "this is text" marker (quotePrefix), the same one a leading ' sets when typing.
FORMULA_START = ("=", "+", "-", "@")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls, and also what password-protected .xlsx files are


class SheetError(ValueError):
    """The workbook cannot be used at all; the message is for the admin, in Chinese."""


class Formula(str):
    """Cell content a spreadsheet would compute rather than show; never imported."""


Cell = str | None


def read_rows(data: bytes, limit: int) -> list[tuple[int, list[Cell]]]:
    """The first sheet's non-empty rows as (Excel row number, cell texts), at most `limit` of them."""
    if not openpyxl.DEFUSEDXML:  # OPENPYXL_DEFUSEDXML=False or defusedxml missing: fail closed, loudly
        raise RuntimeError("openpyxl is not using defusedxml; refusing to parse an uploaded workbook")
    _check_package(data)
    try:
        # read_only streams the sheet instead of building every cell object at once.
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    except Exception as exc:  # openpyxl fails in many ways on damaged or hostile files; all mean "unreadable"
        logger.info("Rejected an unreadable .xlsx upload: %r, caused by %r", exc, exc.__cause__)
        raise SheetError(
            "无法读取这个 .xlsx 文件（文件可能已损坏），请用 Excel 打开后重新“另存为” .xlsx 再上传"
        ) from None
    try:
        if not workbook.worksheets:
            raise SheetError("这个 .xlsx 文件里没有工作表")
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # some writers record a wrong used range; read what is really there
        rows: list[tuple[int, list[Cell]]] = []
        blank_run = 0
        # iter_rows yields the gaps as empty rows, so counting from 1 gives Excel's row numbers. Every row is
        # cut to MAX_COLUMNS: one styled cell at column XFD would otherwise pad each row to 16,384 cells.
        for number, row in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS), 1):
            cells = [_cell_text(cell) for cell in row]
            while cells and cells[-1] is None:  # trailing empty cells
                cells.pop()
            if any(cell and cell.strip() for cell in cells):
                rows.append((number, cells))
                blank_run = 0
                if len(rows) >= limit:
                    break
            else:
                blank_run += 1
                if blank_run >= MAX_BLANK_RUN:  # formatting to the end of the sheet, not more content
                    break
            if number >= limit + MAX_BLANK_ROWS:
                raise SheetError(texts.SHEET_TOO_MANY_BLANK_ROWS.format(row=number))
        return rows
    except SheetError:
        raise
    except Exception as exc:  # the sheet XML is parsed lazily, so damage can surface only here
        logger.info("Rejected an unreadable .xlsx sheet: %r, caused by %r", exc, exc.__cause__)
        raise SheetError(
            "无法读取这个 .xlsx 文件的内容（文件可能已损坏），请用 Excel 重新“另存为” .xlsx 再上传"
        ) from None
    finally:
        workbook.close()


def _check_package(data: bytes) -> None:
    if data.startswith(_OLE_MAGIC):
        raise SheetError("这个文件设置了打开密码，或是旧版 .xls 格式；请去掉密码并在 Excel 中“另存为” .xlsx 后再上传")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            parts = package.infolist()
    except (zipfile.BadZipFile, ValueError):
        raise SheetError(
            "这个文件不是真正的 .xlsx 文件（可能只是改了扩展名），请用 Excel “另存为” .xlsx 后再上传"
        ) from None
    if any(part.filename.lower().endswith("vbaproject.bin") for part in parts):
        raise SheetError("文件里带有宏，出于安全考虑不能导入；请在 Excel 中“另存为”普通的 .xlsx 工作簿后再上传")
    # zipfile never inflates a member past its declared size, so the declared sizes bound the work.
    if sum(part.file_size for part in parts) > MAX_UNZIPPED_BYTES:
        raise SheetError("文件解压后过大，不像是一份普通的表格，已拒绝导入")


def _cell_text(cell: object) -> Cell:
    value = getattr(cell, "value", None)
    data_type = getattr(cell, "data_type", "n")
    if value is None:
        return None
    if data_type in ("f", "e") or not isinstance(value, (str, int, float, dt.date, dt.time, dt.timedelta)):
        return Formula(value if isinstance(value, str) else "=")  # array/table formulas are objects
    if isinstance(value, str):
        value = value.replace("\r\n", "\n").replace("\r", "\n")
        if value.startswith("=") and not _marked_as_text(cell):
            return Formula(value)
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel stores every number as a float: an id typed 2023 comes back as 2023.0
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    return value.isoformat() if isinstance(value, (dt.date, dt.time)) else str(value)


def _marked_as_text(cell: object) -> bool:
    """Whether the admin (or our export) deliberately stored formula-like text as text."""
    style = getattr(cell, "style_array", None)
    return bool(style is not None and style.quotePrefix) or getattr(cell, "number_format", "") == "@"


def write_rows(header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[int], title: str) -> bytes:
    """A one-sheet workbook: bold frozen header, filter buttons, wrapped text, every cell a plain string."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for column, (label, width) in enumerate(zip(header, widths, strict=True), 1):
        cell = sheet.cell(1, column, label)
        cell.font = bold
        sheet.column_dimensions[cell.column_letter].width = width
    for row_number, row in enumerate(rows, 2):
        for column, text in enumerate(row, 1):
            if not text:
                continue
            cell = sheet.cell(row_number, column)
            # Assigning text that starts with "=" makes openpyxl write a formula; force a string.
            cell.value = ILLEGAL_CHARACTERS_RE.sub("", text)
            cell.data_type = "s"
            cell.alignment = wrap
            if text.startswith(FORMULA_START):
                cell.quotePrefix = True
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
