"""Uploads are bounded before they are expanded, and read off the event loop.

A few KB of YAML anchors expand to gigabytes ("billion laughs"); one styled cell at column
XFD pads every row of a workbook to 16,384 cells; a big file must not freeze the chat."""

from __future__ import annotations

import asyncio
import io
import threading

import openpyxl
import pytest
from openpyxl.styles import Font

from bot import texts, xlsx
from bot.faq import files as faq_io
from bot.faq.files import parse_faq_file
from bot.tables import ImportProblems
from knowledge.entries import Category

CATEGORIES = [Category("contact", "联系我们")]
HEADER = "id,category,question,answer,source,alternates\n"
GOOD_ROW = "contact,contact,怎么联系？,电话 {contact_phone},,\n"


def laughs(levels: int = 9) -> bytes:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels):
        name, previous = chr(97 + i), chr(96 + i)
        lines.append(f"{name}: &{name} [{', '.join(['*' + previous] * 9)}]")
    lines.append(f"entries: [*{chr(96 + levels)}]")
    return "\n".join(lines).encode()


def refusal(filename: str, data: bytes) -> str:
    with pytest.raises(ImportProblems) as caught:
        parse_faq_file(filename, data, CATEGORIES)
    return caught.value.problems[0].reason


def test_yaml_anchors_and_aliases_are_refused_before_anything_expands() -> None:
    assert refusal("faq.yaml", laughs()) == texts.YAML_NO_ALIASES.format(where="（第 1 行附近）")
    anchored = b"entries:\n  - &x {id: contact, category: contact, question: q, answer: a}\n"
    assert "锚点" in refusal("faq.yaml", anchored)


def test_yaml_stops_after_a_bounded_number_of_nodes(monkeypatch) -> None:
    monkeypatch.setattr(faq_io, "MAX_YAML_NODES", 100)
    big = ("entries:\n" + "  - {id: x, category: contact, question: q, answer: a}\n" * 30).encode()
    assert refusal("faq.yaml", big).startswith("YAML 文件的内容太多")


def styled_to_xfd(rows: int, blank_rows: int) -> bytes:
    """A header and `rows` entries, then `blank_rows` rows whose only cell is a styled empty one at XFD."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER.strip().split(","))
    for n in range(rows):
        sheet.append([f"e{n}", "contact", f"问题{n}？", "答案", "", ""])
    for r in range(1, rows + blank_rows + 2):
        sheet.cell(r, 16384).font = Font(bold=True)  # written as <c r="XFD…" s="1"/>: no value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_an_xlsx_styled_out_to_column_xfd_reads_only_its_real_cells(monkeypatch) -> None:
    calls = 0
    cell_text = xlsx._cell_text

    def counting(cell):
        nonlocal calls
        calls += 1
        return cell_text(cell)

    monkeypatch.setattr(xlsx, "_cell_text", counting)
    entries = parse_faq_file("faq.xlsx", styled_to_xfd(rows=3, blank_rows=1500), CATEGORIES)
    assert [e.id for e in entries] == ["e0", "e1", "e2"]
    assert calls <= (4 + xlsx.MAX_BLANK_RUN) * xlsx.MAX_COLUMNS  # not 16,384 cells for each of 1,504 rows


def test_a_csv_stops_reading_after_a_long_run_of_empty_lines(monkeypatch) -> None:
    from bot import tables

    records = 0
    reader = tables.csv.reader

    def counting(*args, **kwargs):
        nonlocal records
        for record in reader(*args, **kwargs):
            records += 1
            yield record

    monkeypatch.setattr(tables.csv, "reader", counting)
    data = (HEADER + GOOD_ROW + ",,,,,\n" * 100_000).encode()  # 600 KB of empty rows
    assert [e.id for e in parse_faq_file("faq.csv", data, CATEGORIES)] == ["contact"]
    assert records <= 2 + xlsx.MAX_BLANK_RUN


def test_an_xlsx_with_too_many_scattered_blank_rows_is_refused(monkeypatch) -> None:
    monkeypatch.setattr(xlsx, "MAX_BLANK_ROWS", 5)
    workbook = openpyxl.Workbook()
    for n in range(60):  # one entry every other row: never a long blank run, yet past limit + MAX_BLANK_ROWS
        workbook.active.cell(2 * n + 1, 1, f"x{n}")
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(xlsx.SheetError, match="空行"):
        xlsx.read_rows(buffer.getvalue(), limit=100)


@pytest.mark.parametrize(("name", "data"), [("faq.csv", (HEADER + GOOD_ROW).encode()),
                                            ("faq.yaml", b"entries:\n  - {id: contact, category: contact, "
                                                         b"question: q, answer: a}\n")])  # fmt: skip
def test_a_file_read_ahead_gives_what_reading_it_in_place_gives(name, data) -> None:
    from bot.channels.uploads import Preread, preread

    prepared = preread(name, data)
    assert isinstance(prepared, Preread)
    assert parse_faq_file(name, data, CATEGORIES, prepared=prepared) == parse_faq_file(name, data, CATEGORIES)


ADMIN, STUDENT = 500, 600


async def test_a_slow_upload_does_not_keep_other_users_waiting(start_bot, api, monkeypatch) -> None:
    """The admin's file is read in a worker thread: a student asking meanwhile is answered first."""
    from bot import tables

    started, release = threading.Event(), threading.Event()
    read_csv = tables._read_csv

    def slow(*args, **kwargs):  # a big file, as far as the event loop can tell
        started.set()
        release.wait(5)
        return read_csv(*args, **kwargs)

    monkeypatch.setattr(tables, "_read_csv", slow)
    async with start_bot(ADMIN_IDS=str(ADMIN)):
        try:
            api.send_document(ADMIN, "faq.csv", (HEADER + GOOD_ROW).encode())
            for _ in range(500):
                if started.is_set():
                    break
                await asyncio.sleep(0.01)
            api.send_text(STUDENT, "生活补贴怎么申请")
            await api.wait_for_message(STUDENT, timeout=4)
            assert not api.sent(ADMIN)  # the student was answered while the file was still being read
        finally:
            release.set()
        await api.wait_for_message(ADMIN, timeout=10)
    order = [c.params.get("chat_id") for c in api.calls if c.method == "sendMessage" and c.status == 200]
    assert order.index(STUDENT) < order.index(ADMIN)
