"""Typed results carry everything a renderer reads from the JSON dict, so the bot can drop the dicts."""

from __future__ import annotations

from typing import Any, get_args

import pytest

import scoring
from scoring import CheckStatus, ConditionStatus, HighTechResult, Result, ScoreResult, TechSmeResult

FIRMS: list[dict[str, Any]] = [
    {"revenue": 3000, "rd_expense": 200, "invention_patents": 2, "rd_staff": 12, "employees": 80},
    {"revenue": 800, "revenue_prev": 700, "rd_expense": 60, "class2_ip": 3, "debt_ratio": 80,
     "rd_platform_level": "municipal", "st_award": "provincial", "safety_accidents_3y": 1},
    {"revenue": 52000, "dishonest_list": True, "invention_patents": 12, "tax_paid": 900},
    {"revenue": 100},
]


def _kind(result: Result) -> str:
    """What a renderer does: match on the type, never guess from keys."""
    match result:
        case ScoreResult():
            return "points"
        case TechSmeResult():
            return "tech_sme"
        case HighTechResult():
            return "high_tech"


@pytest.mark.parametrize("rule_set", ["cn-ref-2024", "tech-sme-2022", "high-tech-2016"])
@pytest.mark.parametrize("figures", FIRMS)
def test_the_type_is_the_kind_of_the_json(rule_set: str, figures: dict[str, Any]) -> None:
    result = scoring.score(figures, rule_set)
    assert _kind(result) == result.kind == result.to_dict()["kind"]


@pytest.mark.parametrize("figures", FIRMS)
def test_points_result_has_what_the_json_has(figures: dict[str, Any]) -> None:
    result = scoring.score(figures)
    assert isinstance(result, ScoreResult)
    data = result.to_dict()
    for key in ("stage", "stage_label", "total", "band", "vetoed", "veto_reasons", "rectified_total",
                "max_total", "missing", "warnings"):
        assert getattr(result, key) == data[key], key
    assert [i.to_dict() for i in result.indicators] == data["indicators"]
    assert [s.to_dict() for s in result.suggestions] == data["suggestions"]
    assert round(result.missing_potential, 2) == data["missing_potential"]


def test_weakest_are_supplied_indicators_furthest_from_their_maximum() -> None:
    result = scoring.score(FIRMS[0])
    assert isinstance(result, ScoreResult)
    weakest = result.weakest()
    supplied = [i for i in result.indicators if not i.missing and i.weight > 0]
    assert all(not i.missing for i in weakest)
    assert [i.s for i in weakest] == sorted(i.s for i in supplied)[:3]
    assert max(i.s for i in weakest) <= min(i.s for i in supplied if i not in weakest)


def test_weakest_fill_up_with_missing_indicators() -> None:
    result = scoring.score({"revenue": 100})  # one supplied indicator
    assert isinstance(result, ScoreResult)
    weakest = result.weakest(3)
    assert len(weakest) == 3 and any(i.missing for i in weakest)
    heaviest_missing = max(i.weight for i in result.indicators if i.missing)
    assert weakest[0].weight == heaviest_missing  # at s = 0 the heavier indicator comes first


@pytest.mark.parametrize("figures", FIRMS)
def test_statuses_stay_within_their_literal_types(figures: dict[str, Any]) -> None:
    sme = scoring.score(figures, "tech-sme-2022")
    high = scoring.score(figures, "high-tech-2016")
    assert isinstance(sme, TechSmeResult) and isinstance(high, HighTechResult)
    assert {c.status for c in sme.conditions} <= set(get_args(ConditionStatus))
    assert {c.status for c in high.checks} <= set(get_args(CheckStatus))
    assert [c.to_dict() for c in sme.failed_conditions] == sme.to_dict()["failed_conditions"]
