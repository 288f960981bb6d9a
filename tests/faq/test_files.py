"""Bulk FAQ import/export (bot/faq/files.py): what staff can upload from Excel, what is refused, and why.

Test workbooks are built with openpyxl right here, so each test shows the sheet it is about.
"""

from __future__ import annotations

import csv
import io
import string
import zipfile
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.faq.files import (
    SUPPORTED,
    export_faq,
    load_yaml,
    parse_faq_file,
    summarize,
)
from bot.tables import MAX_FILE_BYTES, ImportProblems, Problem
from knowledge.entries import DEFAULT_FAQ_PATH, Category, FaqEntry, load_faq

HEADER = ["id", "category", "question", "answer", "source", "alternates"]
CATEGORIES = [Category("internship", "实习与见习"), Category("contact", "联系我们")]
GOOD = [
    "jianxi",
    "internship",
    "什么是就业见习？",
    "见习是积累工作经验的项目，详询{contact_phone}。",
    "东人社函〔2023〕56号",
    "见习补贴\n见习岗位",
]


def xlsx(*rows: list[object], header: list[str] = HEADER) -> bytes:
    """A one-sheet workbook: the header row, then the given rows (None leaves a cell empty)."""
    workbook = openpyxl.Workbook()
    workbook.active.append(header)
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_file(*rows: list[str], header: list[str] = HEADER, encoding: str = "utf-8-sig") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, *rows])
    return buffer.getvalue().encode(encoding)


def row(n: int, **changes: str) -> list[str]:
    """A valid row with its own id, changed where a test needs it."""
    values = dict(zip(HEADER, GOOD, strict=True), id=f"entry-{n}")
    values.update(changes)
    return [values[key] for key in HEADER]


def problems(filename: str, data: bytes, categories=CATEGORIES) -> list[Problem]:
    with pytest.raises(ImportProblems) as caught:
        parse_faq_file(filename, data, categories)
    return caught.value.problems


def only_problem(filename: str, data: bytes, categories=CATEGORIES) -> Problem:
    found = problems(filename, data, categories)
    assert len(found) == 1, found
    return found[0]


TRICKY = [
    FaqEntry(
        "tricky-1",
        "internship",
        '带"引号"、逗号, 和 | 竖线的问题',
        "第一行\n第二行，有逗号, \"引号\" 和 'single'\n\n空一行后：拨打{contact_phone}，我是{bot_name} 🎓",
        "",
        ("=SUM(A1:A2)", "+86 电话", "-cmd", "@mention", "'已经有引号", "臺灣學生可以申請嗎", "emoji 问法 🙂"),
    ),
    FaqEntry("2023", "contact", "=1+1 是公式吗", '=HYPERLINK("http://x") 只是文字，{{不是占位符}}', "-来源", ()),
    FaqEntry("tricky-3", "contact", "@所有人", "+ 加号开头\n- 减号开头", "'引号开头", ("问法",)),
]


# --- Round trips -----------------------------------------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "yaml"])
def test_exported_seed_imports_back_unchanged(seed, fmt):
    categories, entries = seed
    data = export_faq(entries, categories, fmt)
    assert parse_faq_file(f"faq.{fmt}", data, categories) == entries


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "yaml"])
def test_round_trip_keeps_newlines_quotes_formula_lookalikes_emoji_and_placeholders(fmt):
    data = export_faq(TRICKY, CATEGORIES, fmt)
    assert parse_faq_file(f"faq.{fmt}", data, CATEGORIES) == TRICKY


def _text(max_size: int, *, line_breaks: bool = True) -> st.SearchStrategy[str]:
    # Control characters cannot live in an xlsx cell and are dropped there; "\r" becomes "\n" in sheets.
    characters = st.characters(
        exclude_categories=("Cs", "Cc"),
        include_characters="\n\t" if line_breaks else "\t",
        exclude_characters="" if line_breaks else "|",  # a line break or "|" separates alternates in a cell
    )
    return st.text(characters, min_size=1, max_size=max_size).map(str.strip).filter(bool)


def _no_placeholder(text: str) -> bool:
    try:
        return all(name is None for _, name, _, _ in string.Formatter().parse(text))
    except ValueError:
        return False


any_entry = st.builds(
    FaqEntry,
    id=st.from_regex(r"\A[a-z0-9][a-z0-9-]{0,39}\Z"),
    category=st.sampled_from(["internship", "contact"]),
    question=_text(200),
    answer=_text(300).filter(_no_placeholder),
    source=st.one_of(st.just(""), _text(50)),
    alternates=st.lists(_text(30, line_breaks=False), max_size=4, unique=True).map(tuple),
)


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "yaml"])
@settings(max_examples=40, deadline=None)
@given(entry=any_entry)
def test_any_valid_entry_survives_a_round_trip(fmt, entry):
    assert parse_faq_file(f"faq.{fmt}", export_faq([entry], CATEGORIES, fmt), CATEGORIES) == [entry]


def test_yaml_export_is_a_seed_file_the_bot_can_start_from(seed, tmp_path):
    categories, entries = seed
    path = tmp_path / "faq.yaml"
    path.write_bytes(export_faq(entries, categories, "yaml"))
    assert load_faq(path) == (categories, entries)


def test_yaml_export_writes_multiline_answers_as_blocks():
    text = export_faq(TRICKY, CATEGORIES, "yaml").decode("utf-8")
    assert "    answer: |-\n      第一行\n      第二行" in text
    assert "🎓" in text and "\\U" not in text  # allow_unicode: readable, not escaped


def test_xlsx_export_is_readable_for_staff_and_never_holds_a_formula():
    sheet = openpyxl.load_workbook(io.BytesIO(export_faq(TRICKY, CATEGORIES, "xlsx"))).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    assert header == [
        "编号 (id)",
        "分类 (category)",
        "问题 (question)",
        "答案 (answer)",
        "来源 (source)",
        "其他问法 (alternates)",
        "英文答案 (answer_en)",
    ]
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.column_dimensions["D"].width > sheet.column_dimensions["A"].width
    assert sheet.freeze_panes == "A2"
    assert sheet["B2"].value == "实习与见习"  # the category title, which staff can read
    assert sheet["F2"].value.split("\n")[0] == "=SUM(A1:A2)"
    assert sheet["D2"].alignment.wrap_text
    formula_like = sheet["C3"]
    assert (formula_like.value, formula_like.data_type, formula_like.quotePrefix) == ("=1+1 是公式吗", "s", True)
    assert not any(cell.data_type == "f" for line in sheet.iter_rows() for cell in line)


def test_csv_export_opens_in_excel_as_utf8_and_defuses_formulas():
    data = export_faq(TRICKY, CATEGORIES, "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    records = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert records[2][2] == "'=1+1 是公式吗"
    assert records[2][3].startswith("'=HYPERLINK")
    assert records[1][5].split("\n")[:2] == ["'=SUM(A1:A2)", "+86 电话"]  # only a cell's start can trigger Excel


def test_export_rejects_an_unknown_format():
    with pytest.raises(ValueError, match="pdf"):
        export_faq(TRICKY, CATEGORIES, "pdf")


# --- What is accepted ------------------------------------------------------


def test_the_bundled_seed_yaml_imports_as_is(seed):
    categories, entries = seed
    assert parse_faq_file("faq.yml", DEFAULT_FAQ_PATH.read_bytes(), categories) == entries


def test_chinese_headers_any_order_extra_columns_and_blank_rows_are_fine():
    header = ["备注", "答案", "问题", "分类", "编号", "其他问法", "来源"]
    data = xlsx(
        ["随便写", "答案一", "问题一", "internship", "a-1", "问法甲\n问法乙|问法丙", None],
        [None] * 7,
        ["只有备注的行"],
        [None, "答案二", "问题二", "联系我们", "a-2", None, None],
        header=header,
    )
    assert parse_faq_file("常见问题.XLSX", data, CATEGORIES) == [
        FaqEntry("a-1", "internship", "问题一", "答案一", "", ("问法甲", "问法乙", "问法丙")),
        FaqEntry("a-2", "contact", "问题二", "答案二", "", ()),  # category given by its title
    ]


def test_a_category_title_shared_by_two_categories_is_never_guessed():
    twins = [Category("internship", "实习"), Category("jianxi", "实习")]
    entry = FaqEntry("a-1", "jianxi", "问题", "答案")
    assert parse_faq_file("faq.csv", export_faq([entry], twins, "csv"), twins) == [entry]  # exported by id
    found = only_problem("faq.csv", csv_file(row(1, category="实习")), twins)
    assert found.column == "category"


def test_numbers_excel_typed_as_numbers_are_read_as_text():
    data = xlsx([2023, "internship", "问题", "答案", None, 12345])
    entry = parse_faq_file("faq.xlsx", data, CATEGORIES)[0]
    assert (entry.id, entry.alternates) == ("2023", ("12345",))


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gbk", "gb18030"])
def test_csv_from_excel_in_any_of_its_encodings(encoding):
    data = csv_file(
        ["a-1", "实习与见习", "见习补贴怎么领？", "致电{contact_phone}。", "", "补贴|见习"], encoding=encoding
    )
    assert parse_faq_file("faq.csv", data, CATEGORIES) == [
        FaqEntry("a-1", "internship", "见习补贴怎么领？", "致电{contact_phone}。", "", ("补贴", "见习"))
    ]


def test_csv_cells_starting_with_minus_or_plus_and_a_digit_or_space_are_ordinary_text():
    data = csv_file(row(1, question="-5 度也要上班吗", answer="+86 769 12345 就能打通", alternates="- 列表项"))
    entry = parse_faq_file("faq.csv", data, CATEGORIES)[0]
    assert (entry.question, entry.answer, entry.alternates) == (
        "-5 度也要上班吗",
        "+86 769 12345 就能打通",
        ("- 列表项",),
    )


def test_openpyxl_parses_uploads_through_defusedxml():
    assert openpyxl.DEFUSEDXML is True


def test_supported_extensions():
    assert SUPPORTED == (".xlsx", ".csv", ".yaml", ".yml")


# --- What is refused, and where --------------------------------------------


def test_one_bad_row_among_good_ones_rejects_the_whole_file_naming_that_row():
    data = xlsx(row(1), row(2), row(3), row(4, answer=""), row(5))
    assert only_problem("faq.xlsx", data) == Problem(5, "answer", "第 5 行：答案不能为空")


def test_every_problem_is_reported_at_once_with_its_row():
    data = xlsx(row(1, question=""), row(2), row(3, id="Bad_ID", category="nope"))
    assert [(p.row, p.column) for p in problems("faq.xlsx", data)] == [(2, "question"), (4, "id"), (4, "category")]


def test_at_most_fifty_problems_are_listed_but_all_are_counted():
    data = xlsx(*[row(n, answer="") for n in range(60)])
    with pytest.raises(ImportProblems) as caught:
        parse_faq_file("faq.xlsx", data, CATEGORIES)
    assert len(caught.value.problems) == 50 and caught.value.total == 60
    assert "发现 60 处问题" in str(caught.value) and "只列出前 50 处" in str(caught.value)


def test_missing_required_columns_are_named():
    data = xlsx(["a-1", "问题"], header=["编号", "问题", "备注"])
    found = only_problem("faq.xlsx", data)
    assert found.row == 1 and "分类 (category)" in found.reason and "答案 (answer)" in found.reason
    assert "编号" not in found.reason


def test_a_column_given_twice_is_refused():
    found = only_problem("faq.xlsx", xlsx(GOOD + ["重复"], header=HEADER + ["答案"]))
    assert (found.row, found.column) == (1, "answer")


@pytest.mark.parametrize(
    ("changes", "column", "words"),
    [
        ({"question": "   "}, "question", "问题不能为空"),
        ({"answer": ""}, "answer", "答案不能为空"),
        ({"id": ""}, "id", "编号不能为空"),
        ({"id": "Jianxi 2"}, "id", "只能用小写英文字母"),
        ({"id": "x" * 41}, "id", "不超过 40 个字符"),
        ({"category": ""}, "category", "分类不能为空"),
        ({"category": "就业"}, "category", "可选：internship（实习与见习）、contact（联系我们）"),
        ({"question": "问" * 201}, "question", "问题有 201 个字，超过了 200 字的上限"),
        ({"answer": "答" * 1501}, "answer", "超过了 1500 字的上限"),
        ({"alternates": "短\n" + "长" * 201}, "alternates", "超过了 200 字的上限"),
        ({"answer": "请致电{phone}"}, "answer", "{phone} 不认识，只能用 {bot_name}、{contact_phone}"),
        ({"answer": "花括号 { 没关上"}, "answer", "花括号 { } 不成对"),
    ],
)
def test_a_bad_cell_is_named_with_its_row_and_a_chinese_reason(changes, column, words):
    for filename, data in (
        ("faq.xlsx", xlsx(row(1), row(2, **changes))),
        ("faq.csv", csv_file(row(1), row(2, **changes))),
    ):
        found = only_problem(filename, data)
        assert (found.row, found.column) == (3, column)
        assert found.reason.startswith("第 3 行：") and words in found.reason


def test_duplicate_ids_name_both_rows():
    found = only_problem("faq.xlsx", xlsx(row(1), row(2), row(1)))
    assert found == Problem(4, "id", "第 4 行：编号 entry-1 和第 2 行重复了")


def test_a_formula_cell_is_refused():
    data = xlsx(row(1), row(2, answer='=CONCAT("见习","补贴")'))
    assert only_problem("faq.xlsx", data) == Problem(3, "answer", "第 3 行：“答案”是公式，请改成纯文字")


def test_formula_text_stored_as_a_string_is_refused_unless_excel_marked_it_as_text():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(row(1))
    sheet.append(row(2))
    for cell, marked in ((sheet["D2"], False), (sheet["D3"], True)):
        cell.value = "=A1"
        cell.data_type = "s"  # a string, as some tools write it
        cell.quotePrefix = marked  # what typing '=A1 in Excel sets
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert only_problem("faq.xlsx", buffer.getvalue()) == Problem(2, "answer", "第 2 行：“答案”是公式，请改成纯文字")


def test_a_formula_in_an_ignored_column_does_no_harm():
    data = xlsx(GOOD + ["=LEN(D2)"], header=HEADER + ["字数"])
    assert [e.id for e in parse_faq_file("faq.xlsx", data, CATEGORIES)] == ["jianxi"]


@pytest.mark.parametrize("cell", ["=1+1", "@SUM(A1)", "+cmd|' /C calc'!A0", '-HYPERLINK("x")', "-(1)"])
def test_csv_cells_that_excel_would_run_are_refused(cell):
    assert only_problem("faq.csv", csv_file(row(1, question=cell))) == Problem(
        2, "question", "第 2 行：“问题”是公式，请改成纯文字"
    )


@pytest.mark.parametrize("filename", ["faq.xlsm", "faq.xls", "FAQ.XLSB"])
def test_macro_enabled_and_legacy_excel_files_are_refused(filename):
    found = only_problem(filename, xlsx(GOOD))
    assert "另存为” .xlsx" in found.reason


def _repack(data: bytes, extra: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            target.writestr(name, extra.pop(name, source.read(name)))
        for name, content in extra.items():
            target.writestr(name, content)
    return buffer.getvalue()


def test_an_xlsm_renamed_to_xlsx_is_refused_by_its_macro_part():
    data = _repack(xlsx(GOOD), {"xl/vbaProject.bin": b"Attribute VB_Name"})
    assert "带有宏" in only_problem("faq.xlsx", data).reason


def test_bytes_that_are_not_a_workbook_are_refused():
    assert "不是真正的 .xlsx" in only_problem("faq.xlsx", "编号,问题\n".encode()).reason
    assert "设置了打开密码" in only_problem("faq.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500).reason
    assert "文件可能已损坏" in only_problem("faq.xlsx", _repack(xlsx(GOOD), {"xl/workbook.xml": b"<oops"})).reason


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    data = _repack(xlsx(GOOD), {"xl/media/padding.bin": b"\0" * (50 * 1024 * 1024 + 1)})
    assert len(data) < MAX_FILE_BYTES
    assert "解压后过大" in only_problem("faq.xlsx", data).reason


def test_xml_entities_are_refused_so_an_entity_bomb_cannot_go_off():
    workbook = xlsx(GOOD)
    with zipfile.ZipFile(io.BytesIO(workbook)) as source:
        sheet = source.read("xl/worksheets/sheet1.xml")
    # Harmless on its own (it expands to the valid id "aaaaaaaa"): only defusedxml makes this a refusal.
    doctype = b'<!DOCTYPE worksheet [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]>'
    bomb = doctype + sheet.replace(b"<t>jianxi</t>", b"<t>&b;</t>")
    assert "文件可能已损坏" in only_problem("faq.xlsx", _repack(workbook, {"xl/worksheets/sheet1.xml": bomb})).reason


def test_a_file_over_the_size_limit_is_refused():
    assert "文件太大" in only_problem("faq.csv", b"a" * (MAX_FILE_BYTES + 1)).reason


@pytest.mark.parametrize(
    ("filename", "words"), [("faq.txt", "不支持 .txt 文件"), ("faq", "没有扩展名"), ("faq.docx", ".docx")]
)
def test_other_file_types_are_refused(filename, words):
    assert words in only_problem(filename, b"whatever").reason


@pytest.mark.parametrize(
    ("filename", "data"),
    [("faq.xlsx", xlsx()), ("faq.csv", csv_file()), ("faq.csv", "\ufeff".encode()), ("faq.yaml", b"entries: []\n")],
)
def test_a_file_without_entries_is_refused(filename, data):
    assert only_problem(filename, data).reason == "文件里没有找到任何问答条目"


def test_an_empty_file_is_refused():
    assert only_problem("faq.xlsx", b"") == Problem(None, None, "文件是空的")


def test_a_csv_in_an_unknown_encoding_is_refused():
    assert "编码" in only_problem("faq.csv", "编号".encode("utf-16")).reason


def test_yaml_rows_are_numbered_by_entry_position_and_its_categories_are_ignored():
    document = {
        "categories": [{"id": "made-up", "title": "文件里的分类"}],
        "entries": [
            {"id": "x-1", "category": "internship", "question": "问", "answer": "答"},
            {"id": "x-2", "category": "made-up", "question": "问", "answer": "答"},
        ],
    }
    found = only_problem("faq.yaml", yaml.safe_dump(document, allow_unicode=True).encode())
    assert (found.row, found.column) == (2, "category") and found.reason.startswith("第 2 条：")


def test_broken_or_misshapen_yaml_is_refused():
    assert "第 3 行附近" in only_problem("faq.yaml", b"entries:\n  - id: [unclosed\n").reason
    assert "entries 列表" in only_problem("faq.yml", b"- just a list\n").reason
    found = problems("faq.yaml", b"entries:\n  - just text\n  - {id: a, category: contact, question: yes, answer: x}\n")
    assert [(p.row, p.column) for p in found] == [(1, None), (2, "question")]


def test_the_seed_files_write_no_key_twice():
    """A key written twice in lexicon.yaml or faq.yaml (a second `基层:` synonym list) silently replaces the first."""
    root = Path(__file__).resolve().parents[2] / "knowledge"
    for name in ("lexicon.yaml", "faq.yaml", "decision.yaml"):
        assert load_yaml((root / name).read_bytes()), name


def test_a_key_written_twice_in_one_entry_is_refused_with_its_line():
    """YAML keeps the last of two `answer:` silently; the admin would lose the first without knowing."""
    data = "entries:\n  - id: a\n    category: contact\n    question: 问\n    answer: 第一个\n    answer: 第二个\n".encode()
    reason = only_problem("faq.yaml", data).reason
    assert "“answer”" in reason and "第 6 行附近" in reason


# --- Summaries -------------------------------------------------------------


def test_summary_counts_added_changed_unchanged_and_keeps_missing_by_default(seed):
    _, current = seed
    incoming = [replace(current[0], answer="新答案"), *current[1:4], FaqEntry("new-one", "contact", "新问题", "新答案")]
    summary = summarize(current, incoming)
    assert (summary.added, summary.changed, summary.deleted) == (["new-one"], [current[0].id], [])
    assert summary.unchanged == [e.id for e in current[1:4]]
    assert summary.kept == [e.id for e in current[4:]] and summary.has_changes
    assert summary.text().splitlines() == [
        "新增 1 条，修改 1 条，删除 0 条，未变 3 条。",
        "新增：new-one",
        f"修改：{current[0].id}",
        f"另有 {len(current) - 4} 条不在文件里，保持不变。",
    ]


def test_summary_deletes_missing_ids_only_when_asked(seed):
    _, current = seed
    summary = summarize(current, current[:2], delete_missing=True)
    assert summary.deleted == [e.id for e in current[2:]] and summary.kept == []
    assert summary.text().startswith(f"新增 0 条，修改 0 条，删除 {len(current) - 2} 条，未变 2 条。")


def test_summary_shortens_long_id_lists():
    incoming = [FaqEntry(f"q-{n}", "contact", "问", "答") for n in range(25)]
    text = summarize([], incoming).text()
    assert "新增：q-0、q-1" in text and "q-9 等 25 条" in text and "q-10" not in text


def test_identical_upload_changes_nothing(seed):
    _, current = seed
    summary = summarize(current, current)
    assert not summary.has_changes and summary.text().startswith("新增 0 条，修改 0 条，删除 0 条")


def test_english_answers_travel_through_every_format_and_survive_an_old_file(seed):
    categories, entries = seed
    with_english = [replace(e, answer_en=f"In English: {e.id}, call {{contact_phone}}.") for e in entries]
    for fmt in ("xlsx", "csv", "yaml"):
        back = parse_faq_file(f"faq.{fmt}", export_faq(with_english, categories, fmt), categories)
        assert [e.answer_en for e in back] == [e.answer_en for e in with_english], fmt
    # A sheet from before English answers (no such column) keeps the live ones.
    old_sheet = "编号,分类,问题,答案\ncontact,contact,电话多少,打 {contact_phone}\n".encode()
    [entry] = parse_faq_file("old.csv", old_sheet, categories, with_english)
    assert entry.answer_en == "In English: contact, call {contact_phone}."
    assert parse_faq_file("old.csv", old_sheet, categories)[0].answer_en == ""
    bad = "编号,分类,问题,答案,英文答案\ncontact,contact,电话多少,打电话,Call {phone}\n".encode()
    with pytest.raises(ImportProblems, match="phone"):
        parse_faq_file("bad.csv", bad, categories)
