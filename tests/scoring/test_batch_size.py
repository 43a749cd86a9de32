"""Row counts of an uploaded table without parsing its cells: a sheet over the limit is refused
in milliseconds, and a count never stands in for the rows actually read."""

from __future__ import annotations

import io
import re
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from scoring.batch import score_table
from scoring.batch_read import read_table
from scoring.batch_size import refuse_large, sheet_rows, table_rows
from scoring.errors import InputError

HEADER = ["企业名称", "营业收入", "研发费用", "职工总数", "研发人员数"]


def workbook(sheets: dict[str, list[list[object]]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def firms(n: int) -> list[list[object]]:
    return [HEADER] + [[f"企业{i}", 1200 + i, 80, 120, 30] for i in range(n)]


def rewrite_sheet(data: bytes, change: re.Pattern[bytes], to: bytes) -> bytes:
    """The workbook with the first sheet's XML edited (a writer that omits or misstates a tag)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = change.sub(to, body)
            dst.writestr(item, body)
    return out.getvalue()


def test_a_10000_row_workbook_is_refused_in_milliseconds() -> None:
    data = workbook({"企业": firms(10_000)})
    started = time.perf_counter()
    with pytest.raises(InputError, match="约有 10000 行数据，超过 5000 行"):
        refuse_large(data, ".xlsx", 5000)
    assert time.perf_counter() - started < 0.3


def test_without_a_dimension_tag_the_rows_are_counted() -> None:
    data = rewrite_sheet(workbook({"企业": firms(6000)}), re.compile(rb"<dimension [^>]*/>"), b"")
    assert sheet_rows(data, 5000) == {"企业": 6001}
    with pytest.raises(InputError):
        refuse_large(data, ".xlsx", 5000)


def test_a_dimension_that_says_too_many_is_checked_by_counting() -> None:
    """Formatting down to row 1,048,576 leaves the dimension large; the rows are what count."""
    data = rewrite_sheet(workbook({"企业": firms(20)}), re.compile(rb'ref="A1:E21"'), b'ref="A1:E1048576"')
    assert sheet_rows(data, 5000) == {"企业": 21}
    refuse_large(data, ".xlsx", 5000)


def test_namespaced_row_tags_are_counted_across_chunk_edges() -> None:
    rows = b"".join(b'<x:row r="%d"><x:c r="A%d"><x:v>1</x:v></x:c></x:row>' % (i, i) for i in range(1, 60_001))
    sheet = b'<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>'
    data = rewrite_sheet(workbook({"企业": firms(1)}), re.compile(rb"(?s)^.*$"), sheet + rows + b"</x:sheetData></x:worksheet>")
    assert sheet_rows(data) == {"企业": 60_000}


def test_a_notes_sheet_does_not_hide_a_large_table_and_a_small_table_is_not_refused() -> None:
    big = workbook({"说明": [["本表为园区企业名单"]], "企业": firms(8000)})
    with pytest.raises(InputError):
        refuse_large(big, ".xlsx", 5000)
    # a small table beside a large raw-data sheet: the full read decides which sheet is the table
    mixed = workbook({"汇总": firms(3), "原始数据": [[i] for i in range(8000)]})
    refuse_large(mixed, ".xlsx", 5000)


def test_the_full_read_refuses_the_chosen_sheet_before_parsing_it(tmp_path: Path) -> None:
    path = tmp_path / "园区.xlsx"
    path.write_bytes(workbook({"原始数据": [[i] for i in range(100)], "企业": firms(6000)}))
    with pytest.raises(InputError, match="超过 5000 行"):
        read_table(path, max_rows=5000)
    assert len(read_table(path, max_rows=6000)) == 6000


def test_a_dimension_that_says_too_few_never_cuts_rows_off(tmp_path: Path) -> None:
    """A writer that stamps A1:E2 on a 30-row sheet: every firm is still read and ranked."""
    data = rewrite_sheet(workbook({"企业": firms(30)}), re.compile(rb'ref="A1:E31"'), b'ref="A1:E2"')
    path = tmp_path / "名单.xlsx"
    path.write_bytes(data)
    assert len(read_table(path)) == 30
    assert score_table(path).scored == 30


def test_csv_records_are_counted_by_the_csv_reader_in_utf8_and_gbk() -> None:
    quoted = "企业名称,备注\n" + "".join(f'企业{i},"第一行\n第二行"\n' for i in range(4000))
    assert table_rows(quoted.encode("utf-8"), ".csv") == 4001
    refuse_large(quoted.encode("utf-8"), ".csv", 5000)  # 8,001 lines, but 4,000 firms
    gbk = ("企业名称,营业收入\n" + "".join(f"企业{i},1200\n" for i in range(6000))).encode("gbk")
    with pytest.raises(InputError, match="约有 6000 行数据"):
        refuse_large(gbk, ".csv", 5000)


def test_what_cannot_be_counted_is_left_to_the_full_read() -> None:
    assert table_rows(b"not a zip", ".xlsx") is None
    assert table_rows("企业".encode("utf-16"), ".csv") is None
    refuse_large(b"not a zip", ".xlsx", 5000)
