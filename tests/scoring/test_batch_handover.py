"""The ranking workbook an administrator hands on: Chinese headers; rank, score, band; how far
the next band is and where the points are; every cell that could not be read, or was left
blank, named — never a silent wrong number."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

import scoring
from scoring.batch import score_table

SHEET = """企业名称,营业收入（万元）,研发费用（万元）,职工总数,研发人员数,发明专利,dishonest_list
甲科技,3000,150,100,20,2,否
乙制造,12000,900,300,60,5,否
丙生物,800,abc,30,5,1,否
丁软件,2500,,40,12,0,否
戊材料,5000,320,80,15,3,是
合计,23300,1370,550,112,11,
"""


def workbook(tmp_path: Path) -> dict[str, pd.DataFrame]:
    source = tmp_path / "园区企业.csv"
    source.write_text(SHEET, encoding="utf-8")
    out = tmp_path / "排名.xlsx"
    score_table(source).write(out)
    return pd.read_excel(out, sheet_name=None)


def test_the_result_sheet_has_rank_score_band_and_gaps_in_chinese(tmp_path: Path) -> None:
    table = workbook(tmp_path)["评分结果"].set_index("企业名称")
    for header in ("原表行号", "总分", "档次", "阶段内名次", "下一档", "距下一档差（分）", "提分空间最大的指标",
                   "未填项（按0分计）", "错误/提示"):
        assert header in table.columns, header
    first = table.loc["甲科技"]
    assert first["档次"] == "待提升" and first["下一档"] == "中等" and first["阶段内名次"] == 1  # 戊 is vetoed: not ranked
    assert abs(first["总分"] + first["距下一档差（分）"] - 55) < 0.011  # the band's minimum
    expected = scoring.score({"revenue": 3000, "rd_expense": 150, "employees": 100, "rd_staff": 20,
                              "invention_patents": 2}).total
    assert first["总分"] == expected
    assert first["提分空间最大的指标"] and "、" in first["提分空间最大的指标"]


def test_a_cell_that_cannot_be_read_leaves_the_firm_unscored_and_named(tmp_path: Path) -> None:
    sheets = workbook(tmp_path)
    table = sheets["评分结果"].set_index("企业名称")
    assert pd.isna(table.loc["丙生物", "总分"]) and pd.isna(table.loc["丙生物", "阶段内名次"])
    assert "abc" in table.loc["丙生物", "错误/提示"]
    check = sheets["需核对"].set_index("企业名称")
    assert check.loc["丙生物", "原表行号"] == 4 and check.loc["丙生物", "是否评分"].startswith("否")
    assert "abc" in check.loc["丙生物", "问题"]


def test_a_blank_cell_is_named_where_the_firm_was_scored_without_it(tmp_path: Path) -> None:
    sheets = workbook(tmp_path)
    table = sheets["评分结果"].set_index("企业名称")
    assert table.loc["丁软件", "未填项（按0分计）"] == "“研发费用（万元）”"
    assert not pd.isna(table.loc["丁软件", "总分"])
    check = sheets["需核对"].set_index("企业名称")
    assert check.loc["丁软件", "是否评分"] == "是" and "研发费用（万元）" in check.loc["丁软件", "问题"]
    assert "甲科技" not in check.index  # a complete row needs no checking


def test_indicators_the_sheet_has_no_column_for_are_named_once(tmp_path: Path) -> None:
    about = workbook(tmp_path)["说明"]
    text = "\n".join(str(v) for v in about["内容"])
    assert "表中没有这些指标的数据，各企业按 0 分计" in text and "营业收入增长率" in text


def test_a_vetoed_firm_gets_no_band_to_aim_for(tmp_path: Path) -> None:
    table = workbook(tmp_path)["评分结果"].set_index("企业名称")
    vetoed = table.loc["戊材料"]
    assert vetoed["是否否决"] == "是" and pd.isna(vetoed["下一档"]) and pd.isna(vetoed["距下一档差（分）"])
