"""Workbooks administrators actually send: an Excel 97–2003 .xls, a password-protected .xlsx,
a web page or tab-separated text saved as .xls, two tables in one workbook, and percentages
formatted in Excel (0.05 stored, 5% shown) — each read right or named back in one sentence."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import scoring
from scoring.batch import score_table
from scoring.errors import InputError

SHEETS = Path(__file__).parent / "sheets"


def test_an_excel_2003_workbook_is_read_with_its_percentages_and_its_other_sheet_named() -> None:
    result = score_table(SHEETS / "excel2003.xls")  # title row, 0.0% cells, a 合计 row, a 2024年 sheet
    table = result.table.set_index("企业名称")
    assert list(table.index) == ["甲科技", "乙制造"]
    assert table.loc["甲科技", "total"] == scoring.score({"revenue": 3000, "rd_expense": 150, "employees": 80}).total
    assert table.loc["乙制造", "total"] == scoring.score({"revenue": 12000, "rd_expense": 500, "rd_intensity": 4.2,
                                                        "employees": 300}).total
    lines = "\n".join(result.report.lines())
    assert "只读取了第一张“企业数据”" in lines and "“2024年”" in lines
    assert [reason for _, reason in result.report.skipped] == ["合计/平均等汇总行"]


def test_a_password_protected_workbook_is_named_back() -> None:
    with pytest.raises(InputError, match="设有打开密码"):
        score_table(SHEETS / "locked.xlsx")


def test_web_pages_and_text_saved_as_xls(tmp_path: Path) -> None:
    page = tmp_path / "系统导出.xls"
    page.write_text("<html><body><table><tr><td>企业名称</td></tr></table></body></html>", encoding="utf-8")
    with pytest.raises(InputError, match="网页格式"):
        score_table(page)
    text = tmp_path / "导出.xls"
    text.write_bytes("企业名称\t营业收入（万元）\n甲\t3000\n".encode("gbk"))
    assert score_table(text).table["total"][0] == scoring.score({"revenue": 3000}).total
    renamed = tmp_path / "改名.xls"  # an .xlsx saved under an .xls name
    book = openpyxl.Workbook()
    book.active.append(["企业名称", "营业收入（万元）"])
    book.active.append(["甲", 3000])
    book.save(renamed)
    assert len(score_table(renamed).table) == 1


def test_percent_formatted_cells_are_percentages(tmp_path: Path) -> None:
    source = tmp_path / "百分比.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["企业名称", "营业收入（万元）", "研发投入强度", "研发人员占比"])
    sheet.append(["甲", 3000, 0.05, 0.2])
    for cell in (sheet["C2"], sheet["D2"]):
        cell.number_format = "0.0%"
    book.save(source)
    result = score_table(source)
    expected = scoring.score({"revenue": 3000, "rd_intensity": 5, "rd_staff_ratio": 20}).total
    assert result.table["total"][0] == expected
    out = tmp_path / "结果.xlsx"
    result.write(out)
    assert "需核对" not in pd.read_excel(out, sheet_name=None) or not len(pd.read_excel(out, sheet_name="需核对"))


def test_two_header_rows_and_the_unit_written_above_the_table(tmp_path: Path) -> None:
    """营业收入 merged over 2025年 | 2024年, '（金额单位：元）' under the title: read as the sheet says."""
    source = tmp_path / "汇总.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["2025年度园区企业数据汇总"])
    sheet.append(["（金额单位：元）"])
    sheet.append(["企业名称", "营业收入", None, "研发费用", None, "职工总数"])
    sheet.append([None, "2025年", "2024年", "2025年", "2024年", None])
    sheet.append(["甲科技", 33_000_000, 30_000_000, 1_500_000, 1_200_000, 80])
    sheet.append(["乙制造", "1.2亿", 100_000_000, "600万", 5_000_000, 300])  # a cell's own unit wins
    for cells in ("A1:F1", "A3:A4", "B3:C3", "D3:E3", "F3:F4"):
        sheet.merge_cells(cells)
    book.save(source)
    result = score_table(source)
    table = result.table.set_index("企业名称")
    assert table.loc["甲科技", "total"] == scoring.score({"revenue": 3300, "revenue_prev": 3000, "rd_expense": 150,
                                                        "rd_expense_prev": 120, "employees": 80}).total
    assert table.loc["乙制造", "total"] == scoring.score({"revenue": 12000, "revenue_prev": 10000, "rd_expense": 600,
                                                        "rd_expense_prev": 500, "employees": 300}).total
    assert list(table["sheet_row"]) == [5, 6]
    assert "“营业收入·2024年”（按表上方“单位：元”，元→万元，2024年） → 前一年营业收入" in result.report.lines()


def test_a_money_column_without_a_unit_says_it_was_read_in_wan_yuan() -> None:
    df = pd.DataFrame({"企业名称": ["甲"], "营业总收入": [3000], "研发费用合计": [150], "资产总计": [5000],
                       "利润总额": [300]})
    result = score_table(df)
    lines = result.report.lines()
    assert "“营业总收入”（未注明单位，按万元计） → 上年度营业收入" in lines
    assert any(line.startswith("“研发费用合计”（未注明单位") for line in lines)
    assert "未使用的列：“利润总额”" in lines  # 利润总额 is not 净利润: named back, not guessed


def test_a_row_of_units_under_the_header_is_the_columns_units() -> None:
    from scoring.batch_read import table_from_rows

    df = table_from_rows([["企业名称", "营业收入", "研发费用", "职工总数"], [None, "（元）", "万元", "人"],
                          ["甲", 30_000_000, 150, 80]])
    result = score_table(df)
    assert result.table["total"][0] == scoring.score({"revenue": 3000, "rd_expense": 150, "employees": 80}).total
    assert "“营业收入（元）”（元→万元） → 上年度营业收入" in result.report.lines()
    assert list(result.table["sheet_row"]) == [3]
