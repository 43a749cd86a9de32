"""Properties (hypothesis): monotone in R&D, patents and staff; totals bounded; parser never raises."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import scoring
from scoring.parser import ParsedFigures

money = st.one_of(st.none(), st.floats(0, 200000, allow_nan=False).map(lambda x: round(x, 2)))
count = st.one_of(st.none(), st.integers(0, 60))
level = st.sampled_from(["none", "provincial", "national"])


@st.composite
def firms(draw: Any) -> dict[str, Any]:
    employees = draw(st.integers(1, 2000))
    figures: dict[str, Any] = {
        "revenue": draw(money),
        "revenue_prev": draw(money),
        "rd_expense": draw(st.floats(0, 50000, allow_nan=False).map(lambda x: round(x, 2))),
        "rd_expense_prev": draw(money),
        "employees": employees,
        "rd_staff": draw(st.integers(0, employees)),
        "invention_patents": draw(st.integers(0, 30)),
        "class2_ip": draw(st.integers(0, 30)),
        "tech_contract_amount": draw(money),
        "net_profit": draw(st.one_of(st.none(), st.floats(-5000, 5000, allow_nan=False))),
        "net_assets": draw(money),
        "total_liabilities": draw(money),
        "total_assets": draw(money),
        "tax_paid": draw(money),
        "graduates_hired": draw(count),
        "equity_financing_3y": draw(money),
        "pct_applications": draw(count),
        "safety_accidents_3y": draw(st.one_of(st.none(), st.integers(0, 3))),
        "st_award": draw(level),
        "leading_talent": draw(level),
        "gov_st_project": draw(level),
        "strategic_industry": draw(st.booleans()),
        "business_anomaly": draw(st.booleans()),
        "rd_platform_level": draw(st.sampled_from(["none", "municipal", "provincial", "national"])),
        "qualification": draw(st.sampled_from(["none", "innovative_sme", "tech_sme", "high_tech", "little_giant"])),
        "standards": draw(st.sampled_from(["none", "participated", "led"])),
    }
    return {k: v for k, v in figures.items() if v is not None}


FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(firms(), st.floats(0.01, 20000, allow_nan=False))
def test_more_rd_never_lowers_the_estimate(firm: dict[str, Any], extra: float) -> None:
    before = scoring.score(firm)
    after = scoring.score({**firm, "rd_expense": firm["rd_expense"] + extra})
    assert after.rectified_total >= before.rectified_total
    sme_before = scoring.score(firm, "tech-sme-2022")
    sme_after = scoring.score({**firm, "rd_expense": firm["rd_expense"] + extra}, "tech-sme-2022")
    assert sme_after.score >= sme_before.score


@FAST
@given(firms(), st.integers(1, 20), st.sampled_from(["invention_patents", "class2_ip"]))
def test_more_patents_never_lower_the_estimate(firm: dict[str, Any], extra: int, field: str) -> None:
    before = scoring.score(firm)
    after = scoring.score({**firm, field: firm[field] + extra})
    assert after.rectified_total >= before.rectified_total
    assert scoring.score({**firm, field: firm[field] + extra}, "tech-sme-2022").score >= scoring.score(
        firm, "tech-sme-2022").score


@FAST
@given(firms(), st.integers(1, 500))
def test_more_rd_staff_never_lowers_the_estimate(firm: dict[str, Any], extra: int) -> None:
    more = min(firm["rd_staff"] + extra, firm["employees"])
    before = scoring.score(firm)
    after = scoring.score({**firm, "rd_staff": more})
    assert after.rectified_total >= before.rectified_total


@FAST
@given(firms())
def test_totals_within_bounds(firm: dict[str, Any]) -> None:
    result = scoring.score(firm)
    assert result.total is not None
    assert 0 <= result.total <= result.max_total == 130
    assert 0 <= result.bonus <= 30
    for cat in result.categories:
        assert -1e-9 <= cat.points <= cat.max + 1e-9
    for s in result.suggestions:
        assert s.gain > 0
    sme = scoring.score(firm, "tech-sme-2022")
    assert 0 <= sme.score <= 100


ALPHABET = st.sampled_from(
    [*list("0123456789.,，%％元万亿千百十零一二两三四五六七八九点几多人名件个年-负 ：:；;、"), "营收", "研发投入", "研发人员", "职工", "发明专利", "去年", "前一年", "百分之", "增长", "高新技术企业", "省级", "不是", "实用新型", "成立", "2023年", "近三年", "亏损", "ＰＣＴ", "\n", "😀", "\x00"]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(ALPHABET, max_size=40).map("".join), st.sampled_from([None, "revenue", "rd_staff", "key_field"]))
def test_parser_never_raises(text: str, expect: str | None) -> None:
    parsed = scoring.parse_figures(text, expect=expect)
    assert isinstance(parsed, ParsedFigures)
    for item in parsed.understood:
        assert item.field in scoring.FIELDS and item.field in parsed.values
    assert all(isinstance(p, str) and p for p in parsed.problems)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_parser_never_raises_on_any_unicode(text: str) -> None:
    assert isinstance(scoring.parse_figures(text), ParsedFigures)


any_value = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**15), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=6), st.sampled_from(["none", "provincial", "national", "led", "high_tech", "是", "否"]),
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(sorted(scoring.FIELDS)), any_value, max_size=12),
       st.sampled_from(["cn-ref-2024", "tech-sme-2022", "high-tech-2016"]))
def test_score_raises_only_input_errors(figures: dict[str, Any], rule_set: str) -> None:
    try:
        result = scoring.score(figures, rule_set)
    except scoring.InputError as exc:
        assert exc.message
        return
    result.to_dict()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(firms(), min_size=1, max_size=15))
def test_batch_equals_single_on_random_frames(rows: list[dict[str, Any]]) -> None:
    import pandas as pd

    from scoring.batch import score_table

    table = score_table(pd.DataFrame(rows)).table
    for i, firm in enumerate(rows):
        single = scoring.score(firm)
        assert table.loc[i, "rectified_total"] == single.rectified_total
        for cat in single.categories:
            assert table.loc[i, cat.label] == round(cat.points, 2)


huge_number = st.one_of(st.integers(), st.integers(10**300, 10**420), st.integers(-(10**420), -(10**300)))
number_text = st.one_of(
    huge_number.map(str),
    st.from_regex(r"-?[0-9]{1,450}(\.[0-9]{1,30})?", fullmatch=True),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
)
FIELD_WORDS = st.sampled_from(["营收", "研发投入", "研发人员", "职工", "发明专利", "境外研发占比", "成立", "净利润"])
UNITS = st.sampled_from(["", "万", "亿", "元", "人", "件", "%", "年", "个亿", "w", "k", "万美元"])


@settings(max_examples=300, deadline=None)
@given(FIELD_WORDS, number_text, UNITS, st.sampled_from([None, "revenue", "employees", "overseas_rd_share"]))
def test_parser_bounds_any_number(word: str, number: str, unit: str, expect: str | None) -> None:
    """Issue 9: a 400-digit figure is refused by name, never an OverflowError."""
    parsed = scoring.parse_figures(f"{word}{number}{unit}", expect=expect)
    for value in parsed.values.values():
        if isinstance(value, int | float) and not isinstance(value, bool):
            assert abs(value) <= 1e12
    answer = scoring.parse_answer(f"{number}{unit}", "revenue")
    assert answer is None or all(abs(v) <= 1e12 for v in answer.values.values())  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(sorted(scoring.FIELDS)), st.one_of(huge_number, number_text), max_size=8),
       st.sampled_from(["cn-ref-2024", "tech-sme-2022", "high-tech-2016"]))
def test_validation_and_rule_sets_bound_any_number(figures: dict[str, Any], rule_set: str) -> None:
    try:
        scoring.validate(figures)
        result = scoring.score(figures, rule_set)
    except scoring.InputError as exc:
        assert exc.message
        return
    result.to_dict()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.one_of(huge_number, number_text, st.text(max_size=8)), number_text), min_size=1,
                max_size=6), st.sampled_from(["cn-ref-2024", "tech-sme-2022", "high-tech-2016"]))
def test_batch_bounds_any_cell(cells: list[tuple[object, str]], rule_set: str) -> None:
    import pandas as pd

    from scoring.batch import score_table

    frame = pd.DataFrame({"营业收入": [a for a, _ in cells], "职工总数": [b for _, b in cells]}, dtype=object)
    result = score_table(frame, rule_set)
    assert len(result.table) + len(result.report.skipped) == len(cells)
