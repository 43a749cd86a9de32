"""The chat's one result renderer over real results: each result type, vetoes, deductions, no dicts."""

from __future__ import annotations

from dataclasses import replace

import scoring
from bot.core.estimate.library import LibraryScoring
from bot.core.firm.verdict import render_points, render_result, weak_fields, weakest_indicators
from bot.core.firm.vocab import load_vocab
from bot.core.texts import load_texts
from scoring.results import ScoreResult

FIRM = {"revenue": 3000, "rd_expense": 200, "employees": 50, "rd_staff": 10}


def _render(figures: dict[str, object], rule_set: str) -> str:
    scoring_port = LibraryScoring()
    return render_result(scoring.assess(figures, rule_set), load_vocab(), load_texts(), scoring_port.field)


def test_points_layout_names_total_band_stage_and_the_three_weakest() -> None:
    text = _render(FIRM, "cn-ref-2024")
    lines = text.splitlines()
    assert lines[0].startswith("创新积分初步自评估：") and "· 成长期" in lines[0]
    assert lines[1] == "最需提升的三项：" and all(line.startswith("· ") for line in lines[2:5])
    assert "项未填写" in text and text.endswith(load_texts().get("disclaimer"))


def test_vetoed_points_result_says_why_and_what_rectifying_gives() -> None:
    text = _render({**FIRM, "dishonest_list": True}, "cn-ref-2024")
    assert text.startswith("存在否决项，暂不计分：列入严重违法失信名单或失信被执行人。整改后预计 ")
    assert "创新积分初步自评估" not in text


def test_deductions_are_shown_with_their_points() -> None:
    text = _render({**FIRM, "safety_accidents_3y": 1}, "cn-ref-2024")
    assert "扣分：10 分" in text


def test_suggestion_without_text_is_written_from_its_field_and_values() -> None:
    result = scoring.assess(FIRM, "cn-ref-2024").result
    assert isinstance(result, ScoreResult) and result.suggestions
    bare = replace(result, suggestions=[replace(result.suggestions[0], text="")])
    text = render_points(bare, LibraryScoring().field, load_texts())
    s = bare.suggestions[0]
    assert f"→ {s.to_value:g}：+{s.gain:.2f} 分" in text


def test_tech_sme_and_high_tech_render_as_their_verdicts() -> None:
    sme = _render({**FIRM, "invention_patents": 1, "total_assets": 4000, "total_cost": 2000}, "tech-sme-2022")
    assert sme.startswith("科小自评：") and "分项：科技人员" in sme and "依据：《科技型中小企业评价办法》" in sme
    hightech = _render({**FIRM, "years_registered": 3}, "high-tech-2016")
    assert hightech.startswith("高企硬性门槛自查") and ("✅" in hightech or "❌" in hightech)


def test_weak_fields_come_from_points_results_only() -> None:
    points = scoring.assess(FIRM, "cn-ref-2024").result
    assert isinstance(points, ScoreResult)
    assert weak_fields(points) == [i.field for i in weakest_indicators(points)] and len(weak_fields(points)) == 3
    assert weak_fields(scoring.assess(FIRM, "tech-sme-2022").result) == []


def test_an_indicator_at_full_marks_is_never_among_those_to_improve() -> None:
    result = scoring.assess({"revenue": 3000, "invention_patents": 10, "rd_expense": 300}, "cn-ref-2024").result
    assert isinstance(result, ScoreResult)
    full = [i for i in result.indicators if not i.missing and i.points == i.weight]
    assert {i.field for i in full} == {"rd_intensity", "invention_patents"}  # 10%, 10 patents: the tops
    text = render_points(result, LibraryScoring().field, load_texts())
    listed = text.split("提分建议")[0]
    assert all(i.label not in listed for i in full)
    weakest = weakest_indicators(result)
    assert [i.field for i in weakest[:2]] == ["rd_expense", "revenue"]  # what was given comes first
    assert weakest[2].missing and all(i not in result.weakest() for i in full)


def test_fewer_than_three_to_improve_says_the_rest_are_at_full_marks() -> None:
    result = scoring.assess(FIRM, "cn-ref-2024").result
    assert isinstance(result, ScoreResult)
    open_ = {i.field for i in weakest_indicators(result)[:2]}
    maxed = replace(result, indicators=[i if i.field in open_ else replace(i, missing=False, points=i.weight, s=1.0)
                                        for i in result.indicators])
    text = render_points(maxed, LibraryScoring().field, load_texts())
    assert "可提升的只有 2 项（其余已满分）：" in text and "最需提升的三项" not in text
    assert len(weakest_indicators(maxed)) == 2 and len(maxed.weakest()) == 2
