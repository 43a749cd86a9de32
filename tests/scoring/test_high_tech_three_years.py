"""The 高企 R&D ratio is the three-year one (近三个会计年度研发费用总额 / 同期销售收入总额), by revenue band;
last year's ratio stands in only when the totals are not given, and the result says so."""

from __future__ import annotations

import pytest

import scoring
from scoring.assessment import assess
from scoring.errors import InputError


def _check(figures: dict[str, float]) -> scoring.results.CheckResult:
    result = scoring.score(figures, "high-tech-2016")
    assert isinstance(result, scoring.HighTechResult)
    return next(c for c in result.checks if c.id == "rd_intensity")


@pytest.mark.parametrize(
    ("revenue", "rd_3y", "revenue_3y", "status"),
    [  # the band is last year's revenue; the ratio is the three years' totals
        (4000, 480, 10000, "fail"),  # ≤ 5000 万: 5 %; last year alone (6 %) would pass, the totals' 4.8 % does not
        (4000, 500, 10000, "pass"),  # 5 % ≥ 5 %
        (4000, 490, 10000, "fail"),  # 4.9 % < 5 %
        (8000, 800, 20000, "pass"),  # 5000 万–2 亿: 4 %
        (8000, 790, 20000, "fail"),
        (30000, 2400, 80000, "pass"),  # > 2 亿: 3 %
        (30000, 2300, 80000, "fail"),
    ],
)
def test_the_three_year_totals_decide_by_revenue_band(revenue: float, rd_3y: float, revenue_3y: float,
                                                      status: str) -> None:
    check = _check({"revenue": revenue, "rd_expense": revenue * 0.06, "rd_expense_3y": rd_3y, "revenue_3y": revenue_3y})
    assert check.status == status
    assert "近三年研发费用占比" in check.detail and "近似" not in check.detail


def test_last_years_ratio_stands_in_and_is_named() -> None:
    figures = {"revenue": 4000, "rd_expense": 180}
    result = scoring.score(figures, "high-tech-2016")
    assert isinstance(result, scoring.HighTechResult)
    check = next(c for c in result.checks if c.id == "rd_intensity")
    assert check.status == "fail" and "按上年度一年近似" in check.detail
    assert any("只用了上年度一年的数" in w and "近三个会计年度" in w for w in result.warnings)
    gap = next(g for g in assess(figures, "high-tech-2016").gaps if g.id == "rd_intensity")
    assert "按上年度一年近似" in gap.text and gap.lever is not None  # what one more year's R&D would take


def test_without_any_ratio_the_totals_are_asked_for() -> None:
    gap = next(g for g in assess({"revenue": 4000}, "high-tech-2016").gaps if g.id == "rd_intensity")
    assert gap.status == "needs_judgement" and "近三年研发费用总额" in gap.text and "近三年销售收入总额" in gap.text


def test_a_total_smaller_than_last_year_is_an_input_error() -> None:
    with pytest.raises(InputError) as err:
        scoring.prepare({"revenue": 4000, "revenue_3y": 0})
    assert "近三年销售收入总额" in err.value.message
