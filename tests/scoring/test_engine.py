"""Points engine details: worked curve values, vetoes, missing indicators, suggestions, validation."""

from __future__ import annotations

import pytest

import scoring
from scoring.model import Curve, PointsRuleSet
from tests.fakes.scoring import SAMPLE_GROWTH_FIRM


def _curve(field: str) -> Curve:
    rs = scoring.load_rule_set("cn-ref-2024")
    assert isinstance(rs, PointsRuleSet)
    rule = next(i.rule for i in rs.indicators if i.field == field)
    assert isinstance(rule, Curve)
    return rule


@pytest.mark.parametrize(
    ("field", "x", "s"),
    [
        ("rd_intensity", 1.9, 0.0),
        ("rd_intensity", 2, 0.2),
        ("rd_intensity", 2.5, 0.3),
        ("rd_intensity", 7, 1.0),
        ("revenue_growth", -3, 0.0),
        ("revenue_growth", 0, 0.25),
        ("revenue_growth", 7.5, 0.625),
        ("invention_patents", 3, 0.6833333),
    ],
)
def test_worked_curve_values(field: str, x: float, s: float) -> None:
    assert _curve(field).value(x) == pytest.approx(s, abs=1e-6)


def test_result_contract_keys() -> None:
    result = scoring.score(SAMPLE_GROWTH_FIRM).to_dict()
    for key in ("rule_set", "version", "stage", "total", "base", "bonus", "deductions", "band",
                "vetoed", "veto_reasons", "categories", "indicators", "suggestions", "warnings"):
        assert key in result
    assert set(result["categories"]) == {"技术创新", "成长经营", "辅助"}
    assert result["categories"]["技术创新"]["max"] == 55
    ind = result["indicators"][0]
    assert set(ind) >= {"field", "label", "value", "s", "points", "weight", "missing"}
    assert result["disclaimer"] and "初步" in result["disclaimer"]


def test_spec_suggestion_example_no_patents_growth_stage() -> None:
    result = scoring.score(SAMPLE_GROWTH_FIRM)
    texts = [s.text for s in result.suggestions]
    assert "有效发明专利 0 → 1：+5.00 分" in texts
    first = result.suggestions[0]
    assert (first.field, first.from_value, first.to_value, round(first.gain, 2)) == (
        "invention_patents", 0, 1, 5.0)


def test_suggestions_are_rescored_gains() -> None:
    result = scoring.score(SAMPLE_GROWTH_FIRM)
    assert 1 <= len(result.suggestions) <= 3
    gains = [s.gain for s in result.suggestions]
    assert gains == sorted(gains, reverse=True)
    for s in result.suggestions:
        moved = {**SAMPLE_GROWTH_FIRM, s.field: s.to_value}
        again = scoring.score(moved)
        assert again.rectified_total - result.rectified_total == pytest.approx(s.gain, abs=0.01)


def test_derived_suggestion_moves_the_input() -> None:
    firm = {"revenue": 3000, "rd_expense": 75, "employees": 100, "rd_staff": 40}
    result = scoring.score(firm)
    rd = next(s for s in result.suggestions if s.field == "rd_expense")
    assert rd.to_value > 75
    # 2.5 % intensity: the next curve point is 3 % (90 万元) or R&D 100 万元, whichever gains more
    assert rd.to_value in (90.0, 100.0)


def test_missing_indicators_listed_with_potential() -> None:
    result = scoring.score({"revenue": 3000})
    assert "rd_expense" in result.missing
    assert result.missing_potential == pytest.approx(95.0)
    assert any("缺少" in w for w in result.warnings)


def test_unknown_revenue_warns() -> None:
    result = scoring.score({"invention_patents": 2})
    assert result.stage == "growth"
    assert any("未提供上年度营业收入" in w for w in result.warnings)


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("dishonest_list", True, "失信"),
        ("research_misconduct", True, "科研严重失信"),
        ("major_incident_recent", True, "重大安全"),
        ("restricted_industry", True, "淘汰类"),
        ("mainland_resident", False, "境内"),
    ],
)
def test_every_veto(field: str, value: bool, reason: str) -> None:
    result = scoring.score({**SAMPLE_GROWTH_FIRM, field: value})
    clean = scoring.score(SAMPLE_GROWTH_FIRM)
    assert result.vetoed and result.total is None and result.band is None
    assert any(reason in r for r in result.veto_reasons)
    assert result.rectified_total == clean.total  # score after rectification still shown
    assert result.to_dict()["total"] is None


def test_defaults_do_not_veto() -> None:
    result = scoring.score(SAMPLE_GROWTH_FIRM)
    assert not result.vetoed and result.veto_reasons == []


def test_total_rounded_once_at_the_end() -> None:
    result = scoring.score(SAMPLE_GROWTH_FIRM)
    assert result.total == round(result.base + result.bonus - result.deductions, 2)


@pytest.mark.parametrize(
    ("figures", "field", "words"),
    [
        ({"revenue": -1}, "revenue", "上年度营业收入不能为负数"),
        ({"employees": 10, "rd_staff": 11}, "rd_staff", "研发（科技）人员数不能大于职工总数"),
        ({"invention_patents": 1.5}, "invention_patents", "应为整数"),
        ({"overseas_rd_share": 120}, "overseas_rd_share", "境外研发费用占比应在 0–100% 之间"),
        ({"rd_platform_level": "galactic"}, "rd_platform_level", "研发机构级别的取值"),
        ({"qualification": "最好"}, "qualification", "资质的取值"),
        ({"dishonest_list": "也许"}, "dishonest_list", "列入严重违法失信名单"),
        ({"revenue": "很多"}, "revenue", "上年度营业收入应为数字"),
        ({"revenue": 100, "high_tech_revenue": 101}, "high_tech_revenue", "不能大于上年度营业收入"),
        ({"rd_expense": 100, "total_cost": 50}, "rd_expense", "不能大于成本费用支出总额"),
        ({"revenue_growth": -120}, "revenue_growth", "营业收入增长率不能低于 -100%"),
        ({"foo": 1}, "foo", "不认识的数据项"),
    ],
)
def test_input_errors_name_the_field_in_chinese(figures: dict, field: str, words: str) -> None:
    with pytest.raises(scoring.InputError) as err:
        scoring.validate(figures)
    assert err.value.field == field
    assert words in err.value.message
    with pytest.raises(scoring.InputError):
        scoring.score(figures)


def test_net_profit_may_be_negative_and_labels_accepted() -> None:
    scoring.validate({"net_profit": -50, "净资产": 100, "研发机构级别": "省级"})
    result = scoring.score({"净利润": -50, "净资产": 100, "研发机构级别": "省级"})
    ind = {i.field: i for i in result.indicators}
    assert ind["roe"].value == pytest.approx(-50.0) and ind["roe"].s == 0
    assert ind["rd_platform_level"].s == 0.8


def test_derived_missing_when_denominator_zero() -> None:
    result = scoring.score({"rd_expense": 10, "revenue": 0})
    ind = {i.field: i for i in result.indicators}
    assert ind["rd_intensity"].missing


def test_direct_derived_value_is_used() -> None:
    result = scoring.score({"revenue_growth": 7.5})
    ind = {i.field: i for i in result.indicators}
    assert ind["revenue_growth"].s == pytest.approx(0.625)


def test_fields_and_key_fields() -> None:
    assert scoring.FIELDS["revenue"].label == "上年度营业收入"
    assert scoring.FIELDS["revenue"].unit == "万元"
    assert scoring.FIELDS["rd_staff"].kind == "count"
    assert scoring.FIELDS["rd_platform_level"].choices["provincial"] == "省级"
    assert set(scoring.KEY_FIELDS) <= set(scoring.FIELDS)
    assert {"revenue", "rd_expense", "employees", "rd_staff", "invention_patents"} <= set(scoring.KEY_FIELDS)


def test_tech_sme_reasons_name_why_it_fails() -> None:
    low = scoring.score({"employees": 100, "rd_staff": 20, "revenue": 1000, "rd_expense": 30,
                         "total_assets": 2000, "class2_ip": 3}, "tech-sme-2022")
    assert low.reasons == ["综合评分 50 分，未达到 60 分，且不满足任何直接认定条件"]
    big = scoring.score({"employees": 600, "revenue": 1000}, "tech-sme-2022")
    assert "不满足：职工总数不超过 500 人" in big.reasons
    assert "无法确认：资产总额不超过 2 亿元（未提供数据）" in big.reasons
    assert scoring.score({"employees": 100, "revenue": 1000, "total_assets": 2000, "standards": "led"},
                         "tech-sme-2022").reasons == []


def test_absurd_figures_are_input_errors_not_crashes() -> None:
    with pytest.raises(scoring.InputError, match="数值过大"):
        scoring.score({"revenue": 1e307, "rd_expense": 1})
    result = scoring.score({"revenue": 1e-300, "rd_expense": 1e11, "revenue_prev": 1e-300})
    assert result.total is not None
