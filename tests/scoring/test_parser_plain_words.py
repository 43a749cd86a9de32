"""Colloquial figures and plain-word facts: head counts, denials, unused labels, one reading of 去年."""

from __future__ import annotations

import pytest

from scoring import parse_figures


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("12个研发", {"rd_staff": 12}),
        ("研发12个", {"rd_staff": 12}),
        ("总共80人", {"employees": 80}),
        ("一共80个人", {"employees": 80}),
        ("公司共有１２０名", {"employees": 120}),
        ("研发人员一共12人", {"rd_staff": 12}),  # a label before 一共 keeps its figure
        ("员工总共80人", {"employees": 80}),
        ("营收5000万 12个研发 一共80个人 资产2000万",
         {"revenue": 5000, "rd_staff": 12, "employees": 80, "total_assets": 2000}),
        ("营收3000万，总共60人，其中研发15人", {"revenue": 3000, "employees": 60, "rd_staff": 15}),
        ("资产2000万，负债800万", {"total_assets": 2000, "total_liabilities": 800}),
        ("研发投入占5%", {"rd_intensity": 5}),
        ("研发费用占4.5%", {"rd_intensity": 4.5}),
        ("研发占比5%", {"rd_intensity": 5}),
        ("研发投入占营收5%", {"rd_intensity": 5}),
        ("研发费用占成本费用20%", {"rd_cost_ratio": 20}),
        ("研发人员占15%", {"rd_staff_ratio": 15}),
        ("营收一共3000万", {"revenue": 3000}),
    ],
)
def test_colloquial_figures(text: str, values: dict) -> None:
    parsed = parse_figures(text)
    assert parsed.problems == []
    assert parsed.values == values


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("没有专利", {"invention_patents": 0}),
        ("发明专利没有", {"invention_patents": 0}),
        ("发明专利没有，实用新型3件", {"invention_patents": 0, "class2_ip": 3}),
        ("专利也没有", {"invention_patents": 0}),
        ("没有知识产权", {"invention_patents": 0, "class2_ip": 0}),
        ("没有事故", {"major_incident_recent": False}),
        ("没发生过重大事故", {"major_incident_recent": False}),
        ("未发生安全、质量事故", {"major_incident_recent": False}),
        ("事故也没有", {"major_incident_recent": False}),
        ("属于重点领域", {"key_field": True}),
        ("不属于重点支持领域", {"key_field": False}),
        ("营收3000万，属于重点领域，没有事故，发明专利没有",
         {"revenue": 3000, "key_field": True, "major_incident_recent": False, "invention_patents": 0}),
    ],
)
def test_plain_word_facts(text: str, values: dict) -> None:
    parsed = parse_figures(text)
    assert parsed.problems == []
    assert parsed.values == values
    assert all(item.raw for item in parsed.understood)  # the words it came from are echoed


def test_an_affirmed_fact_without_a_number_records_nothing() -> None:
    assert parse_figures("有专利").values == {}
    assert parse_figures("发生过事故").values == {}


def test_a_label_no_check_uses_is_named_back_not_taken_for_total_assets() -> None:
    parsed = parse_figures("固定资产500万，营收3000万")
    assert parsed.values == {"revenue": 3000}
    assert parsed.problems and "固定资产500万" in parsed.problems[0] and "未记录" in parsed.problems[0]
    assert parse_figures("注册资本1000万").values == {}


def test_last_year_has_one_reading_the_forms_main_year() -> None:
    assert parse_figures("去年营收3000万").values == {"revenue": 3000}
    assert parse_figures("营收3000万").values == {"revenue": 3000}
    both = parse_figures("营收3500万，去年3000万")  # 3500 has no year: never shifted to another field
    assert both.values == {"revenue": 3000}
    assert both.problems and "营收3500万" in both.problems[0] and "未使用" in both.problems[0]
    assert parse_figures("去年营收3000万，前年2800万").values == {"revenue": 3000, "revenue_prev": 2800}
    # '去年' even under the previous-year label (a bare answer to the 前一年 question) is 上年度
    assert parse_figures("前一年营业收入去年2800万").values == {"revenue": 2800}


@pytest.mark.parametrize(
    ("text", "field", "value"),
    [("营收约3000万", "revenue", 3000), ("营收3000万左右", "revenue", 3000), ("大概12个研发", "rd_staff", 12),
     ("研发投入差不多两百万", "rd_expense", 200)],
)
def test_an_approximate_figure_is_the_number_said_and_marked(text: str, field: str, value: float) -> None:
    parsed = parse_figures(text)
    assert parsed.values == {field: value} and parsed.problems == []
    assert parsed.understood[0].approx


def test_only_the_figure_next_to_the_approximate_word_is_marked() -> None:
    parsed = parse_figures("营收3000万，研发人员约12人")
    marks = {i.field: i.approx for i in parsed.understood}
    assert marks == {"revenue": False, "rd_staff": True}
    assert parse_figures("营收3000多万").values == {}  # vague, not approximate: named back


@pytest.mark.parametrize("cell", ["约3000万", "3000万左右", "大约3000万元"])
def test_an_approximate_sheet_cell_reads_as_in_chat(cell: str) -> None:
    from scoring.units import read_cell

    assert read_cell("revenue", cell) == (3000.0, True, None)
    assert read_cell("revenue", "3000多万")[0] is None
