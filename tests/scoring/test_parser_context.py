"""Figures read only where the words mean them: bare answers, shares in 成, plans and questions."""

from __future__ import annotations

import pytest

from scoring import assess, parse_answer, parse_figures


@pytest.mark.parametrize("text", ["下一步该干啥", "一样", "说一说", "想贷500万", "估值5亿", "成本1000万", "毛利500万"])
def test_a_sentence_is_not_a_bare_answer_to_the_asked_field(text: str) -> None:
    assert parse_answer(text, "revenue_prev") is None
    assert "revenue_prev" not in parse_figures(text, "revenue_prev").values


@pytest.mark.parametrize(("text", "value"), [("3000万", 3000), ("大概3000万吧", 3000), ("差不多两千万", 2000),
                                             ("应该是2800万", 2800), ("一千五百万", 1500), ("3000万，谢谢", 3000)])
def test_a_bare_answer_with_filler_words_is_still_read(text: str, value: int) -> None:
    parsed = parse_answer(text, "revenue_prev")
    assert parsed is not None and parsed.values == {"revenue_prev": value}


@pytest.mark.parametrize(("text", "field", "value"), [
    ("科技人员占三成", "rd_staff_ratio", 30),
    ("高新收入占八成", "high_tech_revenue_ratio", 80),
    ("研发人员占两成半", "rd_staff_ratio", 25),
    ("研发投入占比5成", "rd_intensity", 50),
    ("研发占比6个点", "rd_intensity", 6),
])
def test_tenths_and_points_are_shares(text: str, field: str, value: int) -> None:
    assert parse_figures(text).values == {field: value}


@pytest.mark.parametrize(("text", "field", "value"), [
    ("研发人员占一半", "rd_staff_ratio", 50),
    ("境外研发占一半", "overseas_rd_share", 50),
    ("研发人员占四分之一", "rd_staff_ratio", 25),
    ("高新收入占五分之四", "high_tech_revenue_ratio", 80),
    ("研发人员占三分之一", "rd_staff_ratio", 33.33),
])
def test_halves_and_fractions_are_shares(text: str, field: str, value: float) -> None:
    assert parse_figures(text).values == {field: value}


def test_an_inexact_fraction_is_marked_approximate_and_a_large_part_is_named_back() -> None:
    assert any(item.approx for item in parse_figures("研发人员占三分之一").understood)
    assert not parse_figures("研发人员占大半").values


@pytest.mark.parametrize("text", ["成都的公司营收3000万", "成立5年营收3000万"])
def test_cheng_in_other_words_is_not_a_share(text: str) -> None:
    assert parse_figures(text).values.get("revenue") == 3000


@pytest.mark.parametrize(("text", "values"), [
    ("还没评上高企，打算明年申请", {"qualification": "none"}),
    ("打算明年申请高企", {"qualification": "none"}),
    ("正在准备申报省级研发中心", {"rd_platform_level": "none"}),
    ("科小和高企有啥区别", {}),
    ("我们算高企吗", {}),
    ("我们是高企", {"qualification": "high_tech"}),
    ("去年评上了高企", {"qualification": "high_tech"}),
    ("有1个省级工程技术研究中心", {"rd_platform_level": "provincial"}),
])
def test_a_planned_or_asked_qualification_is_not_held(text: str, values: dict[str, str]) -> None:
    assert parse_figures(text).values == values


@pytest.mark.parametrize(("text", "values"), [
    ("发明3个", {"invention_patents": 3}),
    ("发明2 实新5", {"invention_patents": 2, "class2_ip": 5}),
    ("国家技术发明奖", {"st_award": "national"}),
])
def test_short_names_of_patents(text: str, values: dict[str, int]) -> None:
    assert parse_figures(text).values == values


def test_a_share_just_under_its_threshold_never_reads_as_the_threshold() -> None:
    figures = {"revenue": 20001, "rd_expense": 601, "high_tech_revenue": 12000, "employees": 100,
               "rd_staff": 10, "years_registered": 3, "invention_patents": 1}
    gap = next(g for g in assess(figures, "high-tech-2016").gaps if g.measure == "high_tech_revenue_ratio")
    assert gap.status == "fail"
    assert "59.997%（要求 ≥60%）" in gap.text


@pytest.mark.parametrize(("text", "values"), [
    ("我们被列为失信被执行人了", {"dishonest_list": True}),
    ("被列入经营异常名录", {"business_anomaly": True}),
    ("去年上了经营异常名录，已经移出了", {"business_anomaly": False}),
    ("去年有过一次重大安全事故", {"major_incident_recent": True}),
    ("前年有过一次重大安全事故", {"safety_accidents_3y": 1}),
    ("没有失信", {"dishonest_list": False}),
    ("我们有失信记录吗", {}),
])
def test_affirmed_records_are_read_and_dated(text: str, values: dict[str, object]) -> None:
    parsed = parse_figures(text)
    assert parsed.values == values and not parsed.problems


def test_an_undated_accident_is_named_back_not_guessed() -> None:
    parsed = parse_figures("有过重大安全事故")
    assert parsed.values == {}
    assert parsed.problems and "哪一年" in parsed.problems[0]


@pytest.mark.parametrize("text", ["近五年研发费用合计600万", "今年营收预计4000万", "今年上半年营收2000万", "1-9月营收2000万",
                                  "过去两年营收1亿"])
def test_a_part_year_or_several_years_total_is_never_last_years_figure(text: str) -> None:
    parsed = parse_figures(text)
    assert parsed.values == {}
    assert "未使用" in parsed.problems[0] and "上年度" in parsed.problems[0]


@pytest.mark.parametrize(("text", "values"), [  # three years' totals are the 高企 ratio's own figures
    ("近三年研发费用合计600万", {"rd_expense_3y": 600}),
    ("过去三年营收1亿", {"revenue_3y": 10000}),
    ("近三个会计年度研发费用总额900万，近三年销售收入总额1.5亿", {"rd_expense_3y": 900, "revenue_3y": 15000}),
    ("研发费用近三年1500万", {"rd_expense_3y": 1500}),
    ("近三年研发投入占比4.8%", {"rd_intensity_3y": 4.8}),
])
def test_three_years_totals_are_their_own_fields(text: str, values: dict[str, float]) -> None:
    parsed = parse_figures(text, data_year=2025)
    assert parsed.values == values and parsed.problems == []


@pytest.mark.parametrize(("text", "values"), [
    ("近三年融资3000万", {"equity_financing_3y": 3000}),
    ("今年有发明专利5件", {"invention_patents": 5}),
])
def test_stocks_and_multi_year_fields_keep_their_period_words(text: str, values: dict[str, int]) -> None:
    assert parse_figures(text).values == values


@pytest.mark.parametrize(("text", "values"), [
    ("高企证书去年到期了", {"qualification": "none"}),
    ("高企资格被取消了", {"qualification": "none"}),
    ("再测一次高企", {}),
    ("帮我看看科小", {}),
    ("我们是科小", {"qualification": "tech_sme"}),
])
def test_a_lapsed_or_checked_qualification_is_not_held(text: str, values: dict[str, str]) -> None:
    assert parse_figures(text).values == values


def test_a_certificate_expiring_later_is_still_held() -> None:
    assert parse_figures("高企证书明年到期").values == {"qualification": "high_tech"}


def test_an_affirmed_record_asked_with_a_question_mark_records_nothing() -> None:
    assert parse_figures("我们被列为失信被执行人了？").values == {}


@pytest.mark.parametrize("text", ["生产人员60人", "管理人员20", "销售人员30个"])
def test_a_kind_of_staff_is_not_the_headcount(text: str) -> None:
    parsed = parse_figures(text)
    assert "employees" not in parsed.values and parsed.problems


@pytest.mark.parametrize(("text", "employees"), [("员工人数100", 100), ("员工100人，其中管理人员20 销售人员30", 100),
                                                 ("全公司180人 生产人员60人", 180)])
def test_words_naming_all_staff_are_still_the_headcount(text: str, employees: int) -> None:
    assert parse_figures(text).values.get("employees") == employees
