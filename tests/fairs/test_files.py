"""Bulk job-fair import/export (bot/fairs/files.py): what staff can upload from Excel, what is refused, and why.

Test files are built right here (with the FAQ tests' helpers), so each test shows the sheet it is about. The
hostile-file defences are the FAQ import's (tests/faq/test_files.py); here they are checked once more
through the fair importer, to show it really goes through them.
"""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from bot.fairs.files import (
    MAX_FAIRS,
    FairRow,
    export_fairs,
    parse_fairs_file,
    summarize_fairs,
)
from bot.store.fairs import FAIR_FIELDS, Fair
from bot.tables import ImportProblems, Problem
from tests.faq.test_files import _repack
from tests.faq.test_files import csv_file as faq_csv
from tests.faq.test_files import xlsx as faq_xlsx

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 1, 4, 0, tzinfo=UTC)  # 12:00 on 1 November in Dongguan
HEADER = ["id", "title", "organiser", "kind", "start", "end", "city", "venue", "link", "audience", "description",
          "register_url"]  # fmt: skip
GOOD = {
    "id": "",
    "title": "2026 东莞市秋季大学生双选会",
    "organiser": "东莞市人力资源和社会保障局",
    "kind": "现场",
    "start": "2026-12-01 09:30",
    "end": "2026-12-01 12:00",
    "city": "东莞",
    "venue": "松山湖国际会展中心",
    "link": "",
    "audience": "2026 届高校毕业生",
    "description": "200 余家企业，请携带简历。",
    "register_url": "https://jobs.example.cn/fair?id=1&from=bot",
}
GOOD_VALUES = {
    **{key: GOOD[key] for key in FAIR_FIELDS if key in GOOD},
    "kind": "onsite",
    "starts_at": "2026-12-01T01:30:00+00:00",
    "ends_at": "2026-12-01T04:00:00+00:00",
}


def fair(fair_id: int, status: str = "active", **changes: str) -> Fair:
    values = {**GOOD_VALUES, "title": f"招聘会 {fair_id}", **changes}
    stamps = {"created_at": "2026-10-01T00:00:00+00:00", "updated_at": "2026-10-01T00:00:00+00:00"}
    return Fair(id=fair_id, status=status, **values, **stamps)


def row(**changes: str) -> list[str]:
    """A valid row (a new onsite fair), changed where a test needs it."""
    return [{**GOOD, **changes}[key] for key in HEADER]


def xlsx(*rows: list[object], header: list[str] = HEADER) -> bytes:
    return faq_xlsx(*rows, header=header)


def csv_file(*rows: list[str], header: list[str] = HEADER, encoding: str = "utf-8-sig") -> bytes:
    return faq_csv(*rows, header=header, encoding=encoding)


def parse(filename: str, data: bytes, existing=(1, 2, 3, 7), tz: ZoneInfo = SHANGHAI) -> list[FairRow]:
    return parse_fairs_file(filename, data, tz, NOW, existing)


def problems(filename: str, data: bytes, existing=(1, 2, 3, 7), tz: ZoneInfo = SHANGHAI) -> list[Problem]:
    with pytest.raises(ImportProblems) as caught:
        parse(filename, data, existing, tz)
    return caught.value.problems


def only_problem(filename: str, data: bytes, existing=(1, 2, 3, 7), tz: ZoneInfo = SHANGHAI) -> Problem:
    found = problems(filename, data, existing, tz)
    assert len(found) == 1, found
    return found[0]


FAIRS = [
    fair(1),
    fair(2, kind="online", venue="", link="https://live.example.cn/room/8", register_url=""),
    fair(3, kind="livestream", venue="", link="http://v.example.cn/x", description='=1+1 不是公式\n第二行, "引号"'),
    fair(4, status="cancelled"),
    fair(5, starts_at="2026-06-01T01:00:00+00:00", ends_at="2026-06-01T08:00:00+00:00", organiser="-主办", audience="@所有人"),
]  # fmt: skip
ACTIVE = [f for f in FAIRS if f.status == "active"]


# --- Round trips -----------------------------------------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_exported_active_fairs_import_back_unchanged(fmt):
    data = export_fairs(FAIRS, SHANGHAI, fmt)
    rows = parse(f"fairs.{fmt}", data, existing=[f.id for f in FAIRS])
    assert rows == [FairRow(f.id, f.editable()) for f in ACTIVE]  # fair 5 is over, but keeps its id: fine
    assert summarize_fairs(FAIRS, rows).text() == "新增 0 场，修改 0 场，未变 4 场。"


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_round_trip_in_another_zone_keeps_the_instants(fmt):
    berlin = ZoneInfo("Europe/Berlin")
    data = export_fairs(ACTIVE, berlin, fmt)
    assert "2026-12-01 02:30" in _cells(data, fmt)[1]  # 01:30 UTC is 02:30 in Berlin in winter
    assert parse(f"fairs.{fmt}", data, existing=[5, 1, 2, 3], tz=berlin) == [
        FairRow(f.id, f.editable()) for f in ACTIVE
    ]


def _cells(data: bytes, fmt: str) -> list[list[str]]:
    if fmt == "csv":
        return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    return [[cell.value or "" for cell in line] for line in sheet.iter_rows()]


def test_export_is_readable_for_staff_and_leaves_cancelled_fairs_out():
    cells = _cells(export_fairs(FAIRS, SHANGHAI, "xlsx"), "xlsx")
    assert cells[0][:6] == ["编号 (id)", "标题 (title)", "主办方 (organiser)", "形式 (kind)", "开始时间 (start)",
                            "结束时间 (end)"]  # fmt: skip
    assert [line[0] for line in cells[1:]] == ["1", "2", "3", "5"]
    assert cells[1][3:7] == ["现场", "2026-12-01 09:30", "2026-12-01 12:00", "东莞"]
    assert [line[3] for line in cells[2:4]] == ["线上", "直播"]


def test_csv_export_opens_in_excel_as_utf8_and_defuses_formulas():
    data = export_fairs(FAIRS, SHANGHAI, ".CSV")
    assert data.startswith(b"\xef\xbb\xbf")
    cells = _cells(data, "csv")
    assert cells[3][10].startswith("'=1+1") and cells[4][2] == "'-主办" and cells[4][9] == "'@所有人"


def test_export_rejects_an_unknown_format():
    with pytest.raises(ValueError, match="pdf"):
        export_fairs(FAIRS, SHANGHAI, "pdf")


# --- What is accepted ------------------------------------------------------


def test_local_time_is_stored_as_utc():
    (new,) = parse("fairs.xlsx", xlsx(row()))
    assert new == FairRow(None, GOOD_VALUES)
    assert (new.values["starts_at"], new.values["ends_at"]) == (
        "2026-12-01T01:30:00+00:00",
        "2026-12-01T04:00:00+00:00",
    )


def test_the_same_wall_time_in_another_zone_is_another_instant():
    (new,) = parse("fairs.csv", csv_file(row()), tz=ZoneInfo("Europe/Berlin"))
    assert new.values["starts_at"] == "2026-12-01T08:30:00+00:00"


@pytest.mark.parametrize(
    "written", ["2026/12/1 9:30", "2026-12-01 09:30", "2026.12.01  9:30", "2026-12-01T09:30:00", "2026/12/01 9：30"]
)
def test_time_formats_staff_write(written):
    (new,) = parse("fairs.csv", csv_file(row(start=written)))
    assert new.values["starts_at"] == "2026-12-01T01:30:00+00:00"


def test_a_real_excel_date_time_cell_and_a_number_id():
    data = xlsx([7, "招聘会", "", "online", datetime(2026, 12, 1, 9, 30), datetime(2026, 12, 1, 11, 0), "深圳", "",
                 "https://live.example.cn", "", "", ""])  # fmt: skip
    (updated,) = parse("fairs.xlsx", data)
    assert updated.id == 7
    assert (updated.values["kind"], updated.values["starts_at"]) == ("online", "2026-12-01T01:30:00+00:00")


def test_chinese_or_english_headers_in_any_order_and_case_extra_columns_and_blank_rows():
    header = ["备注", "开始时间", "结束时间", "TITLE", "形式", "City", "地点 (venue)"]
    data = xlsx(
        ["随便写", "2026-12-01 09:30", "2026-12-01 12:00", "双选会", "Onsite", "东莞", "会展中心"],
        [None] * 7,
        ["只有备注的行"],
        [None, "2026-12-02 14:00", "2026-12-02 16:00", "宣讲会", "现场", "东莞", "学术报告厅"],
        header=header,
    )
    first, second = parse("fairs.xlsx", data)
    assert first == FairRow(None, {**dict.fromkeys(FAIR_FIELDS, ""), "title": "双选会", "kind": "onsite",
                                   "starts_at": "2026-12-01T01:30:00+00:00", "ends_at": "2026-12-01T04:00:00+00:00",
                                   "city": "东莞", "venue": "会展中心"})  # fmt: skip
    assert (second.values["title"], second.values["starts_at"]) == ("宣讲会", "2026-12-02T06:00:00+00:00")


def test_without_a_link_column_an_online_fair_is_named_by_its_row():
    header = ["标题", "形式", "开始时间", "结束时间", "城市"]
    data = xlsx(["直播宣讲", "直播", "2026-12-02 14:00", "2026-12-02 16:00", "东莞"], header=header)
    assert only_problem("fairs.xlsx", data) == Problem(2, "link", "第 2 行：直播招聘会要填写线上链接")


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_csv_from_excel_in_any_of_its_encodings(encoding):
    (new,) = parse("fairs.csv", csv_file(row(), encoding=encoding))
    assert new.values["title"] == GOOD["title"] and new.values["venue"] == "松山湖国际会展中心"


def test_an_old_fair_in_a_re_imported_export_is_fine_but_a_new_one_must_lie_ahead():
    past = {"start": "2026-10-01 09:30", "end": "2026-10-01 12:00"}
    (kept,) = parse("fairs.csv", csv_file(row(id="3", **past)))
    assert kept.id == 3 and kept.values["starts_at"] == "2026-10-01T01:30:00+00:00"
    found = only_problem("fairs.csv", csv_file(row(**past)))
    assert found == Problem(2, "start", "第 2 行：开始时间 2026-10-01 09:30 已经过去了；新增的招聘会要在以后举行")


def test_an_import_cannot_move_a_fair_into_the_past_as_the_chat_editor_cannot():
    past = {"start": "2026-10-01 09:30", "end": "2026-10-01 12:00"}
    current = {3: "2026-10-01T01:30:00+00:00", 7: "2026-12-01T01:30:00+00:00"}
    (kept,) = parse("fairs.csv", csv_file(row(id="3", **past)), existing=current)  # unchanged: a re-import
    assert kept.id == 3
    found = only_problem("fairs.csv", csv_file(row(id="7", **past)), existing=current)  # a typo in the month
    assert found == Problem(2, "start", "第 2 行：开始时间 2026-10-01 09:30 已经过去了；改期后的招聘会要在以后举行")


# --- What is refused, and where --------------------------------------------


def test_one_bad_row_among_good_ones_rejects_the_whole_file_naming_that_row():
    data = xlsx(row(), row(id="1"), row(city=""), row())
    assert only_problem("fairs.xlsx", data) == Problem(4, "city", "第 4 行：城市不能为空")


def test_every_problem_is_reported_at_once_with_its_row_and_column():
    data = csv_file(row(title=""), row(), row(kind="线下", end="2026-12-01 08:00", register_url="www.x.cn"))
    assert [(p.row, p.column) for p in problems("fairs.csv", data)] == [
        (2, "title"),
        (4, "kind"),
        (4, "end"),
        (4, "register_url"),
    ]


@pytest.mark.parametrize(
    ("changes", "column", "words"),
    [
        ({"title": "  "}, "title", "标题不能为空"),
        ({"title": "标" * 101}, "title", "标题有 101 个字，超过了 100 字的上限"),
        ({"description": "简" * 1001}, "description", "简介有 1001 个字，超过了 1000 字的上限"),
        ({"organiser": "主" * 201}, "organiser", "主办方有 201 个字，超过了 200 字的上限"),
        ({"kind": ""}, "kind", "形式不能为空"),
        ({"kind": "线下"}, "kind", "形式“线下”不认识，只能填 现场、线上 或 直播"),
        ({"start": ""}, "start", "开始时间不能为空"),
        ({"end": ""}, "end", "结束时间不能为空"),
        ({"start": "下周一上午"}, "start", "开始时间“下周一上午”看不懂，请写成 2026-12-01 09:30 这样的格式"),
        ({"start": "2026-12-01"}, "start", "开始时间“2026-12-01”缺少几点几分"),
        ({"end": "2026-02-30 12:00"}, "end", "结束时间“2026-02-30 12:00”不是有效的日期或时间"),
        ({"end": "2026-12-01 25:00"}, "end", "不是有效的日期或时间"),
        ({"end": "2026-12-01 09:00"}, "end", "结束时间要晚于开始时间"),
        ({"end": "2026-12-01 09:30"}, "end", "结束时间要晚于开始时间"),
        ({"start": "2028-12-01 09:30", "end": "2028-12-01 12:00"}, "start", "开始时间 2028-12-01 09:30 在两年以后，请检查年份"),
        ({"start": "2026-11-01 12:00"}, "start", "已经过去了"),  # exactly now: already started
        ({"city": ""}, "city", "城市不能为空"),
        ({"venue": ""}, "venue", "现场招聘会要填写地点"),
        ({"kind": "线上", "venue": ""}, "link", "线上招聘会要填写线上链接"),
        ({"kind": "livestream", "venue": ""}, "link", "直播招聘会要填写线上链接"),
        ({"kind": "线上", "link": "www.example.cn/live"}, "link", "线上链接“www.example.cn/live”不是网址，应以 http:// 或 https:// 开头"),
        ({"register_url": "javascript:alert(1)"}, "register_url", "不是网址"),
        ({"register_url": "https://"}, "register_url", "不是网址"),
        ({"register_url": "https://jobs.example.cn/a b"}, "register_url", "不是网址"),
        ({"register_url": "https://x.cn/" + "a" * 200}, "register_url", "报名链接有 213 个字，超过了 200 字的上限"),
        ({"id": "abc"}, "id", "编号“abc”应该是数字；新的招聘会请把编号留空"),
        ({"id": "-1"}, "id", "应该是数字"),
        ({"id": "99"}, "id", "没有编号为 99 的招聘会；新的招聘会请把编号留空"),
    ],
)  # fmt: skip
def test_a_bad_cell_is_named_with_its_row_and_a_chinese_reason(changes, column, words):
    for filename, data in (
        ("fairs.xlsx", xlsx(row(), row(**changes))),
        ("fairs.csv", csv_file(row(), row(**changes))),
    ):
        found = only_problem(filename, data)
        assert (found.row, found.column) == (3, column), found
        assert found.reason.startswith("第 3 行：") and words in found.reason


def test_a_time_that_summer_time_skips_is_refused():
    berlin = ZoneInfo("Europe/Berlin")
    data = csv_file(row(start="2027-03-28 02:30", end="2027-03-28 05:00"))
    assert "在夏令时调整中并不存在" in only_problem("fairs.csv", data, tz=berlin).reason


def test_duplicate_ids_name_both_rows():
    found = only_problem("fairs.xlsx", xlsx(row(id="7"), row(), row(id="7")))
    assert found == Problem(4, "id", "第 4 行：编号 7 和第 2 行重复了")


def test_a_formula_cell_is_refused():
    data = xlsx(row(), row(title='=CONCAT("秋季","双选会")'))
    assert only_problem("fairs.xlsx", data) == Problem(3, "title", "第 3 行：“标题”是公式，请改成纯文字")


def test_a_formula_start_is_reported_once_not_also_as_empty():
    data = xlsx(row(start="=TODAY()+30"))
    assert only_problem("fairs.xlsx", data) == Problem(2, "start", "第 2 行：“开始时间”是公式，请改成纯文字")


def test_csv_cells_that_excel_would_run_are_refused():
    data = csv_file(row(description='=HYPERLINK("http://evil")'))
    assert only_problem("fairs.csv", data) == Problem(2, "description", "第 2 行：“简介”是公式，请改成纯文字")


def test_missing_required_columns_are_named():
    found = only_problem("fairs.xlsx", xlsx(["双选会", "东莞"], header=["标题", "城市"]))
    assert found.row == 1
    for name in ("形式 (kind)", "开始时间 (start)", "结束时间 (end)"):
        assert name in found.reason
    assert "标题" not in found.reason


def test_bytes_that_are_not_a_workbook_are_refused():
    assert "不是真正的 .xlsx" in only_problem("fairs.xlsx", "编号,标题\n".encode()).reason


@pytest.mark.parametrize("filename", ["fairs.xlsm", "fairs.xls", "FAIRS.XLSB"])
def test_macro_enabled_and_legacy_excel_files_are_refused(filename):
    assert "另存为” .xlsx" in only_problem(filename, xlsx(row())).reason


def test_an_xlsm_renamed_to_xlsx_and_a_zip_bomb_are_refused():
    macro = _repack(xlsx(row()), {"xl/vbaProject.bin": b"Attribute VB_Name"})
    assert "带有宏" in only_problem("fairs.xlsx", macro).reason
    bomb = _repack(xlsx(row()), {"xl/media/padding.bin": b"\0" * (50 * 1024 * 1024 + 1)})
    assert "解压后过大" in only_problem("fairs.xlsx", bomb).reason


@pytest.mark.parametrize(
    ("filename", "words"),
    [("fairs.yaml", "不支持 .yaml 文件，请上传 .xlsx 或 .csv 文件"), ("fairs", "没有扩展名"), ("fairs.docx", ".docx")],
)
def test_other_file_types_are_refused(filename, words):
    assert words in only_problem(filename, b"whatever").reason


@pytest.mark.parametrize("data", [xlsx(), csv_file(), "\ufeff".encode()])
def test_a_file_without_fairs_is_refused(data):
    filename = "fairs.xlsx" if data.startswith(b"PK") else "fairs.csv"
    assert only_problem(filename, data).reason == "文件里没有找到任何招聘会"


def test_too_many_fairs_are_refused():
    data = csv_file(*[row() for _ in range(MAX_FAIRS + 1)])
    assert only_problem("fairs.csv", data).reason == f"招聘会太多（超过 {MAX_FAIRS} 场），请分批导入"


# --- Summaries -------------------------------------------------------------


def test_summary_counts_added_changed_unchanged_and_names_fairs_whose_time_moves():
    incoming = [
        FairRow(None, GOOD_VALUES),
        FairRow(1, {**FAIRS[0].editable(), "venue": "新会场"}),
        FairRow(2, {**FAIRS[1].editable(), "starts_at": "2026-12-01T02:00:00+00:00"}),
        FairRow(3, FAIRS[2].editable()),
    ]
    summary = summarize_fairs(FAIRS, incoming)
    assert (summary.added, summary.changed, summary.unchanged, summary.moved) == (1, [1, 2], [3], [2])
    assert summary.kept == [5] and summary.has_changes  # 4 is cancelled: not "kept"
    assert summary.text().splitlines() == [
        "新增 1 场，修改 2 场，未变 1 场。",
        "修改：1「招聘会 1」、2「招聘会 2」",
        "其中开始时间有变（已设的提醒会跟着调整）：2「招聘会 2」",
        "另有 1 场不在文件里，保持不变。",
    ]


def test_summary_shortens_long_lists():
    current = [fair(n) for n in range(1, 26)]
    incoming = [FairRow(f.id, {**f.editable(), "city": "深圳"}) for f in current]
    text = summarize_fairs(current, incoming).text()
    assert "10「招聘会 10」 等 25 场" in text and "11「" not in text


def test_identical_upload_changes_nothing():
    summary = summarize_fairs(ACTIVE, [FairRow(f.id, f.editable()) for f in ACTIVE])
    assert not summary.has_changes and summary.moved == [] and summary.unchanged == [1, 2, 3, 5]


def test_fair_row_values_hold_exactly_the_store_fields():
    (new,) = parse("fairs.csv", csv_file(row()))
    assert set(new.values) == set(FAIR_FIELDS)
    assert replace(new, id=1) != new
