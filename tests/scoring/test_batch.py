"""Batch scoring: the same numbers as the single-firm engine, errors per row, rankings, files."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import scoring
from scoring.batch import score_table
from tests.fakes.scoring import generate_firms, row_figures


def _single(figures: dict) -> tuple[scoring.ScoreResult | None, str | None]:
    try:
        result = scoring.score(figures)
    except scoring.InputError as exc:
        return None, exc.message
    assert isinstance(result, scoring.ScoreResult)
    return result, None


def _same(a: object, b: float | None) -> bool:
    if b is None:
        return a is pd.NA or a is None or (isinstance(a, float) and math.isnan(a))
    return a == b


def test_batch_equals_single_on_generated_firms() -> None:
    df = generate_firms(1200, seed=7, missing=0.15, invalid=0.02)
    batch = score_table(df)
    table = batch.table
    assert len(table) == 1200
    errors = {e.row: e.message for e in batch.errors}
    checked_errors = 0
    for i in range(len(df)):
        result, message = _single(row_figures(df.iloc[i]))
        row = table.iloc[i]
        if message is not None:
            assert row["error"] == message, i
            assert errors[i + 2] == message
            assert row["total"] is pd.NA
            checked_errors += 1
            continue
        assert row["error"] == "", (i, row["error"])
        assert result is not None
        assert _same(row["total"], result.total), (i, row["total"], result.total)
        assert row["rectified_total"] == result.rectified_total
        assert row["base"] == round(result.base, 2)
        assert row["bonus"] == round(result.bonus, 2)
        assert row["deductions"] == round(result.deductions, 2)
        assert row["stage"] == result.stage
        assert bool(row["vetoed"]) == result.vetoed
        assert (None if pd.isna(row["band"]) else row["band"]) == result.band
        for cat in result.categories:
            assert row[cat.label] == round(cat.points, 2), (i, cat.label)
    assert checked_errors >= 10
    assert table["vetoed"].sum() > 0


def test_rank_percentile_and_list_labels_within_stage() -> None:
    df = generate_firms(400, seed=3, missing=0.0)
    for col in ("dishonest_list", "research_misconduct", "major_incident_recent", "restricted_industry"):
        df[col] = False
    df["mainland_resident"] = True
    table = score_table(df).table
    for _stage, group in table.groupby("stage"):
        ordered = group.sort_values("rank_in_stage")
        assert ordered["rank_in_stage"].iloc[0] == 1
        assert list(ordered["total"]) == sorted(ordered["total"], reverse=True)
        n = len(group)
        top = ordered.iloc[0]
        assert top["percentile_in_stage"] == round(1 / n * 100, 2)
        for _, row in group.iterrows():
            pct = row["percentile_in_stage"]
            expected = "创新领跑榜" if pct <= 5 else "创新竞跑榜" if pct <= 10 else "创新进取榜" if pct <= 20 else ""
            assert row["list_label"] == expected


def test_chinese_label_columns_and_passthrough(tmp_path: Path) -> None:
    df = pd.DataFrame({
        "企业名称": ["甲", "乙", "丙"],
        "上年度营业收入": ["3000", "abc", ""],
        "研发（科技）人员数": ["12", "3", "4"],
        "职工总数": ["80", "10", "2"],
        "研发机构级别": ["省级", "", "national"],
    })
    path = tmp_path / "firms.csv"
    df.to_csv(path, index=False, encoding="utf-8")
    result = score_table(path)
    table = result.table
    assert list(table.columns[:5]) == list(df.columns)
    assert table.loc[0, "total"] == scoring.score(
        {"revenue": 3000, "rd_staff": 12, "employees": 80, "rd_platform_level": "provincial"}).total
    assert [(e.row, e.message) for e in result.errors] == [
        (3, "上年度营业收入应为数字，收到“abc”"),
        (4, "研发（科技）人员数不能大于职工总数"),
    ]


def test_write_xlsx_with_top_lists_and_csv(tmp_path: Path) -> None:
    df = generate_firms(60, seed=1)
    result = score_table(df)
    xlsx = tmp_path / "ranked.xlsx"
    result.write(xlsx)
    sheets = pd.read_excel(xlsx, sheet_name=None)
    stages = sorted(set(result.table["stage_label"].dropna()))
    tops = {f"{s}·{c}前十" for s in stages for c in ("技术创新", "成长经营", "辅助")}
    assert list(sheets)[:2] == ["说明", "评分结果"] and set(sheets) - {"需核对"} == {"说明", "评分结果", *tops}
    main = sheets["评分结果"]
    for col in ("id", "name", "规则集", "阶段代码", "总分", "基础分", "加分", "扣分", "档次", "是否否决",
                "阶段内名次", "阶段内百分位", "榜单", "技术创新", "成长经营", "辅助", "错误/提示"):
        assert col in main.columns, col
    for name in tops:
        top = sheets[name]
        category = name.split("·")[1].removesuffix("前十")
        assert len(top) > 0 and list(top[category]) == sorted(top[category], reverse=True)
        assert list(top["名次"]) == sorted(top["名次"]) and top["名次"].max() <= 10
    csv = tmp_path / "ranked.csv"
    written = result.write(csv)
    assert len(written) == 1 + len(tops) and all(p.exists() for p in written)
    assert "rank_in_stage" in pd.read_csv(csv).columns  # CSV keeps field ids for tools
    again = score_table(xlsx)  # the output is readable as input again (result columns pass through)
    assert np.allclose(again.table["total"].astype(float).fillna(-1), result.table["total"].astype(float).fillna(-1))


def test_unreadable_or_unrecognised_tables(tmp_path: Path) -> None:
    with pytest.raises(scoring.InputError, match="找不到文件"):
        score_table(tmp_path / "none.csv")
    (tmp_path / "x.txt").write_text("a", encoding="utf-8")
    with pytest.raises(scoring.InputError, match="不支持的文件格式"):
        score_table(tmp_path / "x.txt")
    with pytest.raises(scoring.InputError, match="没有可识别的数据列"):
        score_table(pd.DataFrame({"foo": [1]}))
    with pytest.raises(scoring.InputError, match="请只保留一列"):
        score_table(pd.DataFrame({"revenue": [1], "上年度营业收入": [2]}))
    with pytest.raises(scoring.RuleSetError):
        score_table(pd.DataFrame({"revenue": [1]}), "no-such-rules")


def test_vectorised_rounding_is_pythons_round() -> None:
    from scoring.batch import _round2

    rng = np.random.default_rng(0)
    values = np.concatenate([
        rng.uniform(0, 130, 20000),
        np.arange(0, 13000) / 100 + 0.005,  # every 2-decimal tie
        np.array([2.675, 1.005, 0.125, 0.375, 22.359393939, 0.0, 130.0, np.nan]),
    ])
    got = _round2(values).to_numpy(dtype=float, na_value=np.nan)
    expected = np.array([np.nan if np.isnan(v) else round(float(v), 2) for v in values])
    assert np.array_equal(got, expected, equal_nan=True)


def test_tech_sme_batch_equals_single() -> None:
    df = generate_firms(1000, seed=11, missing=0.15, invalid=0.01)
    df["revenue"] = df["revenue"] / 3  # more firms inside the size limits
    df["total_assets"] = df["total_assets"] / 3
    df["national_award_top3"] = np.random.default_rng(1).random(len(df)) < 0.05
    table = score_table(df, "tech-sme-2022").table
    qualified = 0
    for i in range(len(df)):
        row = table.iloc[i]
        try:
            single = scoring.score(row_figures(df.iloc[i]), "tech-sme-2022")
        except scoring.InputError as exc:
            assert row["error"] == exc.message
            continue
        assert isinstance(single, scoring.TechSmeResult)
        assert row["score"] == single.score, i
        for part in single.parts:
            assert row[f"{part.id}_score"] == part.points
        assert bool(row["qualifies"]) == single.qualifies, i
        assert (None if pd.isna(row["route"]) else row["route"]) == single.route, i
        labels = [c.label + ("（未提供）" if c.status == "missing" else "") for c in single.failed_conditions]
        assert row["failed_conditions"] == "；".join(labels)
        qualified += single.qualifies
    assert 0 < qualified < len(df)


def test_high_tech_batch_equals_single() -> None:
    df = generate_firms(800, seed=12, missing=0.15)
    rng = np.random.default_rng(2)
    df["years_registered"] = np.where(rng.random(len(df)) < 0.1, np.nan, rng.uniform(0, 10, len(df)).round(1))
    df["key_field"] = pd.Series(rng.choice(np.array([True, False, None], dtype=object), len(df)), dtype=object)
    df["overseas_rd_share"] = np.where(rng.random(len(df)) < 0.5, np.nan, rng.uniform(0, 60, len(df)).round(1))
    three = rng.random(len(df)) < 0.5  # half the rows give 近三年 totals; the rest fall back to last year's ratio
    df["rd_expense_3y"] = np.where(three, (df["rd_expense"] * rng.uniform(2, 3.5, len(df))).round(1), np.nan)
    df["revenue_3y"] = np.where(three, (df["revenue"] * rng.uniform(2, 3.5, len(df))).round(1), np.nan)
    table = score_table(df, "high-tech-2016").table
    likely = 0
    for i in range(len(df)):
        single = scoring.score(row_figures(df.iloc[i]), "high-tech-2016")
        assert isinstance(single, scoring.HighTechResult)
        row = table.iloc[i]
        for check in single.checks:
            assert row[f"check_{check.id}"] == check.status, (i, check.id)
        assert bool(row["likely_meets"]) == single.likely_meets
        likely += single.likely_meets
    assert likely > 0


def test_gbk_csv_from_excel_is_read(tmp_path: Path) -> None:
    path = tmp_path / "firms.csv"
    path.write_bytes("企业名称,上年度营业收入,有效发明专利等Ⅰ类知识产权数\n甲公司,3000,1\n".encode("gb18030"))
    table = score_table(path).table
    assert table.loc[0, "企业名称"] == "甲公司"
    assert table.loc[0, "total"] == scoring.score({"revenue": 3000, "invention_patents": 1}).total


def test_headers_with_units_aliases_and_spaces() -> None:
    df = pd.DataFrame({
        "企业名称": ["甲"],
        "上年度营业收入（元）": ["30,000,000"],
        "研发投入(万元)": [150],
        "PCT国际专利申请": [2],
        "职工总数（人）": [80],
        "研发人员": [12],
    })
    table = score_table(df).table
    expected = scoring.score({"revenue": 3000, "rd_expense": 150, "pct_applications": 2,
                              "employees": 80, "rd_staff": 12})
    assert table.loc[0, "total"] == expected.total
    with pytest.raises(scoring.InputError, match="单位与职工总数"):
        score_table(pd.DataFrame({"职工总数（万元）": [1]}))


def test_enum_cells_accept_labels_and_phrases() -> None:
    df = pd.DataFrame({"资质": ["小巨人", "高企", "科技型中小企业", "无", "", "超级"],
                       "研发机构级别": ["省级", "国家级", "市级企业技术中心", "none", "没有", "省级"]})
    result = score_table(df)
    for i in range(5):
        figures = {k: v for k, v in df.iloc[i].items() if v}
        assert result.table.loc[i, "total"] == scoring.score(figures).total
    assert [e.row for e in result.errors] == [7]
    assert "资质的取值“超级”无法识别" in result.errors[0].message
