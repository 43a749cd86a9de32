"""An administrator's real sheet (需核对): a 合计 row under 序号 is not a firm; '—', 'N/A', '约300万'
and a bare 0.05 in a percentage column are named by firm and column, never guessed; blank ratio
columns computed from their parts are not called blank; names given twice are named."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd

import scoring
from scoring.batch import score_table


def _sheet(tmp_path: Path, rows: list[list[object]]) -> dict[str, pd.DataFrame]:
    source = tmp_path / "园区.xlsx"
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(source)
    out = tmp_path / "排名.xlsx"
    score_table(source).write(out)
    return pd.read_excel(out, sheet_name=None, keep_default_na=False)


HEADER = ["序号", "企业名称", "营业收入（万元）", "研发费用（万元）", "研发人员数", "职工总数"]


def test_a_total_row_labelled_in_the_number_column_is_not_ranked(tmp_path: Path) -> None:
    rows = [HEADER, [1, "甲", 12000, 600, 30, 200], [2, "乙", 15000, 300, 20, 200], [None, None, None, None, None, None],
            ["合计", None, 27000, 900, 50, 400], ["合计（2家）", "", 27000, 900, 50, 400]]
    result = score_table(pd.DataFrame(rows[1:], columns=HEADER))
    assert list(result.table["企业名称"]) == ["甲", "乙"]
    assert list(result.table["percentile_in_stage"]) == [50.0, 100.0]  # two firms in the stage, not three
    assert [reason for _, reason in result.report.skipped].count("合计/平均等汇总行") == 2
    firm = score_table(pd.DataFrame([["合计科技有限公司", 3000]], columns=["企业名称", "营业收入"]))
    assert len(firm.table) == 1  # a firm whose name starts with 合计 is still a firm


def test_no_figure_cells_are_blank_and_named_with_their_column(tmp_path: Path) -> None:
    rows = [HEADER, [1, "甲", 3000, "—", 12, 80], [2, "乙", 3000, "N/A", 12, 80], [3, "丙", 3000, "不详", 12, 80]]
    sheets = _sheet(tmp_path, rows)
    table = sheets["评分结果"].set_index("企业名称")
    expected = scoring.score({"revenue": 3000, "rd_staff": 12, "employees": 80}).total
    assert list(table["总分"]) == [expected] * 3  # scored without the figure, not dropped from the ranking
    check = sheets["需核对"]
    for name, cell in (("甲", "—"), ("乙", "N/A"), ("丙", "不详")):
        line = check[(check["企业名称"] == name) & (check["列名"] == "研发费用（万元）")].iloc[0]
        assert line["原值"] == cell and "按未填计" in line["问题"] and line["是否评分"] == "是"


def test_an_approximate_cell_is_read_as_said_and_named(tmp_path: Path) -> None:
    sheets = _sheet(tmp_path, [HEADER, [1, "甲", "约300万", 20, 5, 30]])
    assert sheets["评分结果"]["总分"][0] == scoring.score({"revenue": 300, "rd_expense": 20, "rd_staff": 5,
                                                          "employees": 30}).total
    line = sheets["需核对"].iloc[0]
    assert (line["列名"], line["原值"]) == ("营业收入（万元）", "约300万") and "约数" in line["问题"]


def test_a_bare_fraction_in_a_percentage_column_is_not_guessed(tmp_path: Path) -> None:
    head = ["企业名称", "营业收入（万元）", "研发费用（万元）", "研发投入强度"]
    sheets = _sheet(tmp_path, [head, ["甲", 3000, 150, 0.05], ["乙", 3000, 150, "5%"], ["丙", 3000, 150, None]])
    table = sheets["评分结果"].set_index("企业名称")
    assert table.loc["甲", "总分"] == table.loc["乙", "总分"] == table.loc["丙", "总分"]  # 150/3000 = 5 %
    check = sheets["需核对"]
    line = check[check["企业名称"] == "甲"].iloc[0]
    assert line["列名"] == "研发投入强度" and "5% 还是 0.05%" in line["问题"]
    assert "丙" not in set(check["企业名称"])  # computed from its parts: not a blank
    assert table.loc["丙", "未填项（按0分计）"] == ""


def test_a_cell_that_cannot_be_read_is_named_by_column_and_the_row_by_scored_state(tmp_path: Path) -> None:
    rows = [HEADER, [1, "甲", 3000, "abc", 12, 80], [2, "乙", None, 100, 12, 80]]
    check = _sheet(tmp_path, rows)["需核对"].set_index("企业名称")
    assert check.loc["甲", "列名"] == "研发费用（万元）" and check.loc["甲", "原值"] == "abc"
    assert check.loc["甲", "是否评分"].startswith("否")
    unranked = check.loc[["乙"]]
    assert set(unranked["是否评分"]) <= {"是", "是（未参与排名）"}  # scored, not ranked: never "未评分"
    assert any("未参与排名" in p for p in unranked["问题"])


def test_names_given_twice_or_not_at_all_are_named(tmp_path: Path) -> None:
    rows = [HEADER, [1, "甲", 3000, 100, 12, 80], [2, "甲 ", 3100, 100, 12, 80], [3, None, 3200, 100, 12, 80]]
    check = _sheet(tmp_path, rows)["需核对"]
    dup = check[check["问题"].str.contains("重复")]
    assert sorted(dup["原表行号"]) == [2, 3] and "第 3 行" in dup.iloc[0]["问题"]
    assert any(check[check["原表行号"] == 4]["问题"].str.contains("没有企业名称"))


def test_headers_with_years_are_the_year_and_the_year_before() -> None:
    df = pd.DataFrame({"企业名称": ["甲"], "2025年营收": ["3300"], "营业收入（2024年）": [3000], "2023年营收": [2500],
                       "2025年度研发费用(元)": [1_500_000], "前年研发费用": [120], "研发人员数": [12], "职工总数": [80]})
    result = score_table(df)
    expected = scoring.score({"revenue": 3300, "revenue_prev": 3000, "rd_expense": 150, "rd_expense_prev": 120,
                              "rd_staff": 12, "employees": 80}).total
    assert result.table["total"][0] == expected
    lines = "\n".join(result.report.lines())
    assert "“2025年营收”（未注明单位，按万元计，2025年） → 上年度营业收入" in lines
    assert "“营业收入（2024年）”（未注明单位，按万元计，2024年） → 前一年营业收入" in lines
    assert "“2023年营收”是 2023 年的数据" in lines and "2023年营收" in result.report.ignored
    assert result.data_year == 2025  # the sheet says which year it is
    other = score_table(df, data_year=2026)
    assert any("2025 年" in note and "2026 年" in note for note in other.report.notes)


def test_a_header_of_dated_columns_is_found_under_a_title(tmp_path: Path) -> None:
    source = tmp_path / "年报.csv"
    source.write_text("2025年度园区企业汇总表,,\n说明：金额单位万元,,\n企业名称,2025年营收,2024年营收\n甲,3300,3000\n",
                      encoding="gbk")
    result = score_table(source)
    assert result.table["total"][0] == scoring.score({"revenue": 3300, "revenue_prev": 3000}).total


def test_sme_and_high_tech_workbooks_read_in_chinese(tmp_path: Path) -> None:
    """科小 sub-scores, routes and 高企 checks are headed and filled in Chinese, never ids."""
    df = pd.DataFrame({"企业名称": ["甲"], "营业收入": ["3000万"], "研发费用": ["300万"], "研发人员": [30], "职工总数": [100],
                       "发明专利": [1], "资产总额": ["5000万"]})
    out = tmp_path / "科小.xlsx"
    score_table(df, "tech-sme-2022").write(out)
    sme = pd.read_excel(out, sheet_name="评分结果")
    assert {"科技人员得分", "研发投入得分", "科技成果得分"} <= set(sme.columns)
    assert sme["符合路径"][0] == "综合评分达到 60 分且科技人员指标得分不为 0"
    score_table(df, "high-tech-2016").write(out)
    high = pd.read_excel(out, sheet_name="评分结果")
    checks = [c for c in high.columns if str(c).endswith("（核查）")]
    assert "科技人员占比（核查）" in checks and not any(c.isascii() for c in checks)
    values = {str(high[c][0]) for c in checks}
    assert values <= {"符合", "不符合", "待判断（缺数据或需专家评审）"} and "符合" in values


def test_a_top_ten_lists_only_firms_with_points_in_its_category() -> None:
    df = pd.DataFrame({"企业名称": ["甲", "乙", "丙"], "营业收入": [3000, 3000, 3000], "研发人员": [12, 0, 9],
                       "职工总数": [80, 80, 80]})
    top = score_table(df).top
    assert "成长期·辅助" not in top  # nobody has a 辅助 point: no list of zeros handed on
    assert list(top["成长期·技术创新"]["企业名称"]) == ["甲", "丙"]


def test_figures_out_of_range_are_named_by_their_column(tmp_path: Path) -> None:
    rows = [HEADER, [1, "甲", -5, 100, 12, 80], [2, "乙", 3000, 100, 90, 80]]
    check = _sheet(tmp_path, rows)["需核对"].set_index("企业名称")
    assert (check.loc["甲", "列名"], check.loc["甲", "原值"]) == ("营业收入（万元）", -5)
    assert "不能为负数" in check.loc["甲", "问题"] and check.loc["甲", "是否评分"].startswith("否")
    assert check.loc["乙", "列名"] == "研发人员数"  # more R&D staff than employees: named at the staff column
