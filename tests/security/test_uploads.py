"""Issue 9, item 6: table uploads in chat have a byte and a row limit and a plain Chinese reason."""

from __future__ import annotations

import io
import time
import zipfile

import pytest

from bot.core.assistant import CoreAssistant
from bot.core.estimate.batch import MAX_UPLOAD_BYTES, MAX_UPLOAD_ROWS
from bot.core.estimate.library import LibraryScoring
from bot.core.types import Incoming
from bot.storage import Database
from bot.storage.sessions import SessionStore
from bot.storage.users import UserStore
from tests.fakes.core import FakeAnswerer

HEADER = "企业名称,营业收入,研发费用,职工总数,研发人员数\n"


@pytest.fixture
def assistant(sqlite_database: Database) -> CoreAssistant:
    return CoreAssistant(
        users=UserStore(sqlite_database),
        sessions=SessionStore(sqlite_database),
        scoring=LibraryScoring(),
        answerer=FakeAnswerer(),
    )


async def _upload(assistant: CoreAssistant, data: bytes, name: str) -> str:
    incoming = Incoming("telegram", "77", kind="file", file_bytes=data, file_name=name)
    replies = await assistant.handle(incoming)
    return "\n".join(r.text for r in replies)


async def test_the_probes_4mb_csv_is_refused_at_once(assistant: CoreAssistant) -> None:
    rows = "".join(f"企业{i},1200,80,120,30\n" for i in range(180_000))
    data = (HEADER + rows).encode("utf-8")
    assert len(data) > MAX_UPLOAD_BYTES
    started = time.perf_counter()
    text = await _upload(assistant, data, "园区企业.csv")
    assert time.perf_counter() - started < 1.0
    assert "表格太大" in text and "2MB" in text


async def test_too_many_rows_within_the_byte_limit_is_refused_by_name(
    assistant: CoreAssistant,
) -> None:
    rows = "".join(f"企{i},1,1,1,1\n" for i in range(MAX_UPLOAD_ROWS + 1))
    data = (HEADER + rows).encode("utf-8")
    assert len(data) < MAX_UPLOAD_BYTES
    text = await _upload(assistant, data, "园区企业.csv")
    assert f"超过 {MAX_UPLOAD_ROWS} 行" in text


async def test_a_table_at_the_row_limit_is_scored(assistant: CoreAssistant) -> None:
    rows = "".join(f"企业{i},1200,80,120,30\n" for i in range(50))
    text = await _upload(assistant, (HEADER + rows).encode("utf-8"), "园区企业.csv")
    assert "批量测算完成" in text and "50 家" in text


@pytest.mark.parametrize(
    "data",
    [b"\xff\xfe\xfa\x00\x81\x30" * 50, b"\x81" * 300, b'\x00\x00"a,b\n\xff\xff'],
)
async def test_an_undecodable_csv_names_no_python_error(
    assistant: CoreAssistant, data: bytes
) -> None:
    text = await _upload(assistant, data, "坏表.csv")
    assert "Error" not in text and "input.csv" not in text
    assert "表格" in text


async def test_an_xlsx_zip_bomb_is_refused_before_opening(assistant: CoreAssistant) -> None:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z,
        z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part,
    ):
        for _ in range(70):
            part.write(b" " * (1024 * 1024))
    assert len(out.getvalue()) < MAX_UPLOAD_BYTES
    text = await _upload(assistant, out.getvalue(), "bomb.xlsx")
    assert "解压后过大" in text


def _workbook(rows: list[list[object]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def test_a_10000_row_workbook_is_refused_well_under_a_second(assistant: CoreAssistant) -> None:
    """Issue 16/20: the sheet used to be parsed whole (≈8 s) before its rows were counted."""
    header = HEADER.strip().split(",")
    data = _workbook([header] + [[f"企业{i}", 1200, 80, 120, 30] for i in range(10_000)])
    assert len(data) < MAX_UPLOAD_BYTES
    started = time.perf_counter()
    text = await _upload(assistant, data, "园区企业.xlsx")
    assert time.perf_counter() - started < 0.5
    assert f"约有 10000 行数据，超过 {MAX_UPLOAD_ROWS} 行的上限" in text and "拆分" in text


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (_workbook([]), "空表.xlsx", "表格是空的"),
        (_workbook([HEADER.strip().split(",")]), "只有表头.xlsx", "只有表头，没有企业数据"),
        (_workbook([["a"]])[:2000], "截断.xlsx", "文件已损坏"),
        (b"PK\x03\x04" + b"\x00" * 100, "坏包.xlsx", "文件已损坏"),
        ("企业名称,营业收入\n甲,1\n".encode("utf-16"), "宽字符.csv", "UTF-8 或 GBK"),
    ],
)
async def test_bad_tables_get_one_chinese_sentence(
    assistant: CoreAssistant, data: bytes, name: str, expected: str
) -> None:
    text = await _upload(assistant, data, name)
    assert text.startswith("这个表格无法测算") and expected in text
    assert "Error" not in text and "Traceback" not in text


async def test_a_gbk_csv_saved_by_excel_is_scored(assistant: CoreAssistant) -> None:
    rows = "".join(f"企业{i},1200,80,120,30\n" for i in range(3))
    text = await _upload(assistant, (HEADER + rows).encode("gbk"), "园区企业.csv")
    assert "批量测算完成" in text and "已评分 3 家" in text
