"""Spreadsheets read right (issue 13): column report, non-firm rows, ranks, bad files, output."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

import scoring
from bot.cli import app
from scoring.batch import score_table
from scoring.batch_read import read_table

runner = CliRunner()


def _xlsx(path: Path, rows: list[list[object]], merges: tuple[str, ...] = ()) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for cells in merges:
        sheet.merge_cells(cells)
    book.save(path)
    return path


def test_part_columns_are_summed_into_class2_and_reported() -> None:
    df = pd.DataFrame({"企业名称": ["甲"], "营业收入": ["3000万"], "实用新型": [2], "软著": ["3"],
                       "外观设计": [None], "集成电路布图设计": [1], "发明专利": [1], "备注": ["x"]})
    result = score_table(df)
    same = score_table(pd.DataFrame({"企业名称": ["甲"], "revenue": [3000], "class2_ip": [5], "invention_patents": [2]}))
    assert result.table["total"][0] == same.table["total"][0]
    lines = "\n".join(result.report.lines())
    assert "“实用新型” + “软著” + “外观设计” → Ⅱ类知识产权数" in lines
    assert "“集成电路布图设计” + “发明专利” → 有效发明专利等Ⅰ类" in lines or "“发明专利” + “集成电路布图设计”" in lines
    assert "未使用的列：“备注”" in lines


def test_header_units_and_english_headers_are_converted() -> None:
    df = pd.DataFrame({"Revenue (千元)": [30000], "R&D expense/元": ["1,500,000"], "Employees": [80],
                       "R&D staff": [12], "高新收入万元": [100]})
    result = score_table(df)
    single = scoring.score({"revenue": 3000, "rd_expense": 150, "employees": 80, "rd_staff": 12,
                            "high_tech_revenue": 100})
    assert result.table["total"][0] == single.total
    assert any("千元→万元" in line for line in result.report.lines())


def test_rows_that_are_not_firms_are_not_ranked() -> None:
    df = pd.DataFrame({
        "企业名称": ["甲", "乙", None, "合 计", "平均", "丙", "丁"],
        "营业收入": [3000, 3000, None, 6000, 3000, None, None],
        "研发人员": [12, 12, None, 24, 12, 5, None],
        "职工总数": [80, 80, None, 160, 80, 50, None],
    })
    result = score_table(df)
    assert list(result.table["企业名称"]) == ["甲", "乙", "丙"]
    assert [r for r, _ in result.report.skipped] == [4, 5, 6, 8]
    ranks = list(result.table["rank_in_stage"])
    assert ranks[:2] == [1, 1]  # a tie shares the rank (competition ranking)
    assert ranks[2] is pd.NA and "未参与排名" in result.table["note"][2]
    assert list(result.table["percentile_in_stage"][:2]) == [50.0, 50.0]


def test_a_stage_column_ranks_a_firm_without_revenue() -> None:
    df = pd.DataFrame({"企业名称": ["甲", "乙"], "营业收入": [3000, None], "阶段": ["", "成长期"],
                       "研发人员": [12, 30], "职工总数": [80, 90]})
    table = score_table(df).table
    assert list(table["rank_in_stage"]) == [2, 1] and table["note"][1] == ""


def test_ties_share_ranks_and_list_labels() -> None:
    n = 40
    df = pd.DataFrame({"revenue": [3000.0] * n, "rd_staff": [12] * 20 + [1] * 20, "employees": [80] * n})
    table = score_table(df).table
    assert set(table["rank_in_stage"][:20]) == {1} and set(table["rank_in_stage"][20:]) == {21}
    assert len(set(table["list_label"][:20])) == 1


def test_two_header_rows_merged_cells_and_a_title_line(tmp_path: Path) -> None:
    rows = [["2025 年度企业数据"], ["企业名称", "财务（万元）", None, "人员", None],
            [None, "营业收入", "研发费用", "研发人员", "职工总数"], ["甲", 3000, 150, 12, 80]]
    path = _xlsx(tmp_path / "in.xlsx", rows, merges=("A2:A3", "B2:C2", "D2:E2"))
    df = read_table(path)
    assert df.attrs["first_row"] == 4 and list(df.columns) == ["企业名称", "营业收入", "研发费用", "研发人员", "职工总数"]
    result = score_table(path)
    assert result.errors == [] and result.table["total"][0] == scoring.score(
        {"revenue": 3000, "rd_expense": 150, "rd_staff": 12, "employees": 80}).total


def test_formulas_without_results_and_empty_sheets_fail_clearly(tmp_path: Path) -> None:
    formulas = _xlsx(tmp_path / "f.xlsx", [["营业收入", "研发费用"], [3000, "=A2*0.05"]])
    with pytest.raises(scoring.InputError, match="公式但没有计算结果"):
        score_table(formulas)
    empty = _xlsx(tmp_path / "e.xlsx", [])
    with pytest.raises(scoring.InputError, match="表格是空的"):
        score_table(empty)


def test_junk_gbk_and_oversized_files(tmp_path: Path) -> None:
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes("企业名称,上年度营业收入,职工总数\n甲,3000,80\n".encode("gbk"))
    assert score_table(gbk).table["total"].notna().all()
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(os.urandom(4096))
    with pytest.raises(scoring.InputError, match="无法读取文件"):
        score_table(junk)
    big = tmp_path / "big.csv"
    with big.open("wb") as f:
        f.truncate(100 * 2**20)  # 100 MB of zeros, sparse on disk
    with pytest.raises(scoring.InputError, match="太大"):
        score_table(big)


def test_cli_exit_codes_report_and_nothing_half_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INNOBOT_DATA_DIR", str(tmp_path / "data"))
    src = tmp_path / "in.csv"
    src.write_text("企业名称,营业收入（元）,职工总数,实用新型,备注\n甲,\"30,000,000\",80,2,x\n合计,,,,\n", encoding="utf-8")
    out = tmp_path / "out.xlsx"
    ok = runner.invoke(app, ["score-batch", str(src), "-o", str(out)])
    assert ok.exit_code == 0, ok.output
    assert "未使用的列：“备注”" in ok.stderr and "合计" in ok.stderr and "Traceback" not in ok.output
    assert pd.read_excel(out, sheet_name=None).keys() >= {"说明", "评分结果"}
    ids = runner.invoke(app, ["score-batch", str(src), "-o", str(out), "--field-names"])
    assert ids.exit_code == 0 and "total" in pd.read_excel(out, sheet_name="评分结果").columns
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"PK\x03\x04" + os.urandom(2000))
    bad_out = tmp_path / "bad.xlsx"
    bad = runner.invoke(app, ["score-batch", str(junk), "-o", str(bad_out)])
    assert bad.exit_code == 2 and "无法读取文件" in bad.stderr and "Traceback" not in bad.output
    assert not bad_out.exists() and not list(tmp_path.glob(".bad*"))
    huge = runner.invoke(app, ["score", "--set", "revenue=" + "9" * 400])
    assert huge.exit_code == 2 and "数值过大" in huge.stderr
    text = runner.invoke(app, ["score", "--text", "营收" + "9" * 400 + "万"])
    assert text.exit_code == 2 and "数值过大" in text.stderr


def test_failed_write_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = score_table(pd.DataFrame({"revenue": [3000.0], "employees": [80]}))
    target = tmp_path / "out.xlsx"

    def boom(*_args: object, **_kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("scoring.batch_output.os.replace", boom)
    with pytest.raises(OSError):
        result.write(target)
    assert list(tmp_path.iterdir()) == []


def test_output_is_formatted_for_people(tmp_path: Path) -> None:
    df = pd.DataFrame({"企业名称": ["甲", "乙"], "营业收入": [12345.678, 3000], "职工总数": [80, 20]})
    path = tmp_path / "out.xlsx"
    score_table(df).write(path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[0] == "说明"
    sheet = book["评分结果"]
    assert sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    revenue = sheet.cell(row=2, column=header.index("营业收入") + 1)
    total = sheet.cell(row=2, column=header.index("总分") + 1)
    assert revenue.number_format == "#,##0.00" and total.number_format == "#,##0.00"
    assert sheet.column_dimensions["A"].width >= 8
    assert np.isclose(revenue.value, 12345.678)


def test_user_text_is_never_written_as_a_formula(tmp_path: Path) -> None:
    df = pd.DataFrame({"企业名称": ["=HYPERLINK(\"http://x\")", "甲"], "营业收入": [3000, 2000], "职工总数": [80, 20]})
    path = tmp_path / "out.xlsx"
    score_table(df).write(path)
    sheet = openpyxl.load_workbook(path)["评分结果"]
    assert sheet["A2"].data_type == "s" and sheet["A2"].value.startswith("=HYPERLINK")


def test_formulas_with_saved_results_are_read(tmp_path: Path) -> None:
    import xlsxwriter

    path = tmp_path / "saved.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["企业名称", "营业收入", "研发费用", "职工总数"])
    sheet.write_row(1, 0, ["甲", 3000])
    sheet.write_formula(1, 2, "=B2*0.05", None, 150)  # as Excel saves it: formula and its result
    sheet.write(1, 3, 80)
    book.close()
    result = score_table(path)
    assert result.errors == [] and result.table["total"][0] == scoring.score(
        {"revenue": 3000, "rd_expense": 150, "employees": 80}).total
