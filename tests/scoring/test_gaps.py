"""What it takes to pass, against hand-worked cases (same engine, re-scored copies)."""

from __future__ import annotations

import pytest

import scoring
from scoring.assessment import assess


def _gap(figures: dict[str, object], rule_set: str, gap_id: str) -> scoring.assessment.Gap:  # type: ignore[name-defined]
    return next(g for g in assess(figures, rule_set).gaps if g.id == gap_id)


def test_staff_share_gap_in_persons_and_in_new_hires() -> None:
    # 6 / 120 = 5 %; 10 % of 120 = 12 → 6 more; as new hires (6+x)/(120+x) ≥ 0.1 → x ≥ 6.67 → 7
    gap = _gap({"employees": 120, "rd_staff": 6, "revenue": 3000, "rd_expense": 100}, "high-tech-2016", "rd_staff")
    assert gap.status == "fail" and gap.value == pytest.approx(5.0) and gap.threshold == 10
    assert gap.lever is not None and gap.lever.field == "rd_staff"
    assert (gap.lever.before, gap.lever.after, gap.lever.hires) == (6, 12, 7)
    assert gap.text == "研发人员占比 5%（要求 ≥10%）：还需增加 6 名研发人员（若全部新招聘，需招 7 名）"


def test_rd_intensity_gap_uses_the_revenue_band() -> None:
    # revenue 3000 ≤ 5000 → 5 %; 5 % × 3000 = 150 → 50 more
    gap = _gap({"employees": 120, "rd_staff": 12, "revenue": 3000, "rd_expense": 100}, "high-tech-2016",
               "rd_intensity")
    assert gap.band == "营业收入 ≤5000 万元"
    assert gap.lever is not None and gap.lever.delta == pytest.approx(50)
    assert "研发投入强度 3.33%（按上年度一年近似，认定按近三年合计，营业收入 ≤5000 万元，要求 ≥5%）：还需增加 50 万元研发费用" in gap.text
    # revenue 8000 is in the middle band → 4 %: 320 − 280 = 40
    gap = _gap({"employees": 260, "rd_staff": 30, "revenue": 8000, "rd_expense": 280}, "high-tech-2016",
               "rd_intensity")
    assert gap.band == "5000 万元<营业收入 ≤20000 万元" and gap.lever is not None
    assert gap.lever.after == pytest.approx(320)


def test_lever_passes_when_applied_by_the_engine() -> None:
    figures: dict[str, object] = {"employees": 37, "rd_staff": 3, "revenue": 4321, "rd_expense": 77}
    for gap in assess(figures, "high-tech-2016").gaps:
        if gap.lever is None:
            continue
        moved = scoring.score({**figures, gap.lever.field: gap.lever.after}, "high-tech-2016")
        assert next(c for c in moved.checks if c.id == gap.id).status == "pass"


def test_unconfirmed_yes_no_conditions_are_flagged_not_assumed() -> None:
    a = assess({"revenue": 3000}, "high-tech-2016")
    assert "major_incident_recent" in a.unconfirmed
    a = assess({"revenue": 3000, "major_incident_recent": False}, "high-tech-2016")
    assert "major_incident_recent" not in a.unconfirmed


def test_tech_sme_points_short_and_the_smallest_plan() -> None:
    # staff 8/60 = 13.3 % → 4; intensity 90/2000 = 4.5 % → 30; class II 2 → 12: 46, 14 short of 60
    a = assess({"employees": 60, "revenue": 2000, "rd_expense": 90, "rd_staff": 8, "class2_ip": 2},
               "tech-sme-2022")
    assert a.result.score == 46 and a.points_needed == 14  # type: ignore[union-attr]
    steps = {p.id: [o.text for o in p.options] for p in a.parts}
    assert "还需增加 1 名研发人员（若全部新招聘，需招 2 名），科技人员 4 → 8 分" in steps["staff"]
    assert "还需增加 10 万元研发费用，研发投入 30 → 40 分" in steps["rd"]
    assert a.plan is not None and a.plan.score_after >= 60
    trial = {"employees": 60, "revenue": 2000, "rd_expense": 90, "rd_staff": 8, "class2_ip": 2}
    trial.update({lv.field: lv.after for lv in a.plan.levers})
    assert scoring.score(trial, "tech-sme-2022").score == a.plan.score_after  # type: ignore[union-attr]


def test_points_distance_to_the_next_band() -> None:
    a = assess({"revenue": 5000, "rd_expense": 200, "employees": 150, "rd_staff": 20})
    total = a.result.total  # type: ignore[union-attr]
    assert a.target == "中等（55 分）" and a.points_needed == pytest.approx(55 - total, abs=0.01)


def test_a_lever_that_would_break_a_share_is_not_offered() -> None:
    # the share cannot exceed 100 %: with 10 staff of 10 employees nothing is left to propose
    a = assess({"employees": 10, "rd_staff": 10, "revenue": 100, "rd_expense": 1}, "tech-sme-2022")
    assert all(o.lever.after <= 10 for p in a.parts for o in p.options if o.lever.field == "rd_staff")


def test_tech_sme_plan_names_the_single_patent_route_when_patents_were_not_given() -> None:
    # staff 20 % → 12; intensity 4 % → 30; no IP given → 0: 42. One 发明专利 scores the whole 科技成果 part
    # (30, spec §3), so it alone reaches 72 — the plan must say so beside the R&D spending route.
    a = assess({"employees": 100, "rd_staff": 20, "revenue": 3000, "rd_expense": 120, "total_assets": 5000},
               "tech-sme-2022")
    assert a.plan is not None and a.result.score == 42  # type: ignore[union-attr]
    assert "增加 60 万元研发费用，评分可达 62 分" in a.plan.text
    assert "或有效发明专利需达到 1 件，评分可达 72 分" in a.plan.text


def test_tech_sme_plan_offers_a_shorter_route_through_a_patent() -> None:
    # staff 5 % → 0 (must be > 0), intensity 3.33 % → 20: two big levers, or three small ones with a patent
    a = assess({"employees": 120, "rd_staff": 6, "revenue": 3000, "rd_expense": 100}, "tech-sme-2022")
    assert a.plan is not None
    best, _, alternative = a.plan.text.partition("；或")
    assert "研发人员" in best and "发明专利" not in best
    assert "有效发明专利需达到 1 件" in alternative and "增加 6 名研发人员" in alternative


def test_tech_sme_part_options_are_the_smallest_change_reaching_each_mark() -> None:
    # 290/6500 = 4.46 % (30 分): 5 % needs 325 万 (40 分), 6 % needs 390 万 (50 分); the cost-ratio step
    # (10 % of 5000 = 500 万) also reaches 50 分, but only through the intensity, so it is not the advice
    a = assess({"revenue": 6500, "rd_expense": 290, "total_cost": 5000, "employees": 210, "rd_staff": 24,
                "invention_patents": 0, "class2_ip": 3, "total_assets": 8000}, "tech-sme-2022")
    rd = next(p for p in a.parts if p.id == "rd")
    assert [(o.lever.after, o.points_after) for o in rd.options] == [(325, 40), (390, 50)]
    assert "还需增加 100 万元研发费用，研发投入 30 → 50 分" in rd.options[1].text
    for option in rd.options:  # each is what the engine gives when applied
        trial = {"revenue": 6500, "rd_expense": option.lever.after, "total_cost": 5000, "employees": 210, "rd_staff": 24}
        result = scoring.score(trial, "tech-sme-2022")
        assert next(p.points for p in result.parts if p.id == "rd") == option.points_after  # type: ignore[union-attr]
