"""An uploaded CSV/XLSX is batch-scored and the ranked workbook comes back as a document."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from bot.core.assistant import CoreAssistant
from bot.core.estimate.library import LibraryScoring
from bot.core.estimate.port import FigureError
from bot.core.types import Incoming
from bot.storage import Database
from bot.storage.sessions import SessionStore
from bot.storage.users import UserStore
from tests.core.conftest import Rig, text_of
from tests.fakes.core import FakeAnswerer

CSV = "name,revenue,rd_expense,employees,rd_staff\n甲公司,3000,150,100,20\n乙公司,800,-5,30,5\n丙公司,12000,900,300,60\n"


def upload(data: bytes, name: str, caption: str = "") -> Incoming:
    return Incoming(channel="telegram", user_id="admin", kind="file", text=caption,
                    file_name=name, file_bytes=data)


async def test_real_batch_scores_rows_reports_errors_and_returns_a_workbook(database: Database) -> None:
    assistant = CoreAssistant(users=UserStore(database), sessions=SessionStore(database),
                              scoring=LibraryScoring(), answerer=FakeAnswerer())
    replies = await assistant.handle(upload(CSV.encode("utf-8"), "企业名单.csv"))
    reply = replies[0]
    assert "已评分 2 家企业，其中 1 家数据有误（第 3 行" in reply.text
    assert "没有跳过任何行" in reply.text and "所有列都已使用" in reply.text
    assert reply.document_name == "评分结果_企业名单.xlsx" and reply.document is not None
    table = pd.read_excel(io.BytesIO(reply.document), sheet_name="评分结果")
    assert list(table["name"]) == ["甲公司", "乙公司", "丙公司"]
    assert {"总分", "阶段内名次", "榜单", "错误/提示"} <= set(table.columns)
    assistant.close()


async def test_caption_picks_the_rule_set_and_bad_files_are_explained(rig: Rig) -> None:
    replies = await rig.assistant.handle(upload(CSV.encode(), "a.csv", caption="/sme 科小名单"))
    assert "科技型中小企业评价" in replies[0].text and "1 家数据有误" in replies[0].text
    replies = await rig.assistant.handle(upload(CSV.encode(), "a.csv", caption="高企"))
    assert "高新技术企业门槛" in replies[0].text
    assert "只支持 CSV、XLSX 或 XLS" in text_of(await rig.assistant.handle(upload(b"x", "a.pdf")))
    assert "无法测算" in text_of(await rig.assistant.handle(upload(b"PK\x03\x04junk", "a.xlsx")))


async def test_corrupt_xlsx_through_the_real_library_is_a_friendly_message(database: Database) -> None:
    assistant = CoreAssistant(users=UserStore(database), sessions=SessionStore(database),
                              scoring=LibraryScoring(), answerer=FakeAnswerer())
    replies = await assistant.handle(upload(b"PK\x03\x04 not really a zip", "名单.xlsx"))
    assert "无法测算" in replies[0].text and replies[0].document is None
    assistant.close()


def test_tables_scored_in_a_worker_process_equal_in_thread_ones_and_bad_files_stay_friendly() -> None:
    """The worker process (one upload off the bot's GIL) gives the same outcome and messages."""
    corrupt = b"PK\x03\x04 not really a zip"
    with pytest.raises(FigureError) as here:
        LibraryScoring().score_table(corrupt, "名单.xlsx", "cn-ref-2024")
    pooled = LibraryScoring(table_workers=1)
    try:
        outcome = pooled.score_table(CSV.encode("utf-8"), "名单.csv", "cn-ref-2024")
        with pytest.raises(FigureError) as there:
            pooled.score_table(corrupt, "名单.xlsx", "cn-ref-2024")
    finally:
        pooled.close()
    assert str(there.value) == str(here.value) and "重试" in str(there.value)
    in_thread = LibraryScoring().score_table(CSV.encode("utf-8"), "名单.csv", "cn-ref-2024")
    assert (outcome.rows, outcome.errors) == (in_thread.rows, in_thread.errors) == (3, outcome.errors)
    assert outcome.document_name == "评分结果_名单.xlsx" and outcome.document.startswith(b"PK")


async def test_upload_summary_names_skipped_rows_and_ignored_columns(database: Database) -> None:
    assistant = CoreAssistant(users=UserStore(database), sessions=SessionStore(database),
                              scoring=LibraryScoring(), answerer=FakeAnswerer())
    sheet = ("企业名称,营业收入（元）,职工总数,实用新型,软著,备注\n甲公司,\"30,000,000\",80,2,3,x\n"
             ",,,,,\n合计,30000000,80,2,3,\n")
    replies = await assistant.handle(upload(sheet.encode("gbk"), "园区.csv"))
    lines = replies[0].text.splitlines()
    assert "已评分 1 家企业，其中 0 家数据有误" in lines[0]
    assert "跳过 2 行非企业行：空行 1 行、合计/平均等汇总行 1 行" in lines[1]
    assert "未使用的列：“备注”" in lines[2]
    about = pd.read_excel(io.BytesIO(replies[0].document), sheet_name="说明")
    assert about.to_string().count("“实用新型” + “软著”") == 1
    assistant.close()


async def test_an_excel_2003_upload_is_ranked_and_a_locked_one_named(database: Database) -> None:
    """A real .xls comes back ranked, naming the sheet it did not read and what to check; a
    password-protected workbook gets one sentence saying so."""
    from pathlib import Path

    sheets = Path(__file__).parents[1] / "scoring" / "sheets"
    assistant = CoreAssistant(users=UserStore(database), sessions=SessionStore(database),
                              scoring=LibraryScoring(), answerer=FakeAnswerer())
    reply = (await assistant.handle(upload((sheets / "excel2003.xls").read_bytes(), "园区名单.xls")))[0]
    assert "已评分 2 家企业" in reply.text and "未读取：“2024年”" in reply.text
    assert reply.document is not None and reply.document_name == "评分结果_园区名单.xlsx"
    replies = await assistant.handle(upload((sheets / "locked.xlsx").read_bytes(), "名单.xlsx"))
    assert "设有打开密码" in replies[0].text and replies[0].document is None
    messy = "企业名称,营业收入（万元）,研发费用（万元）\n甲,约3000万,—\n乙,3000,100\n".encode("gbk")
    reply = (await assistant.handle(upload(messy, "名单.csv")))[0]
    assert "有 2 处需要核对" in reply.text and "“需核对”页" in reply.text
    assistant.close()
