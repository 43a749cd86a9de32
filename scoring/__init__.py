"""Scoring library (评分): rule sets as data files, figure parser, engine, batch scoring, charts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from scoring.errors import InputError, ParseError, RuleSetError, ScoringError
from scoring.fields import FIELDS, KEY_FIELDS, FieldSpec, field_spec, format_value
from scoring.loader import available_rule_sets, load_rule_set
from scoring.model import HighTechRuleSet, PointsRuleSet, RuleSet, TechSmeRuleSet
from scoring.results import HighTechResult, ScoreResult, TechSmeResult
from scoring.validation import validate

__all__ = [
    "FIELDS",
    "KEY_FIELDS",
    "FieldSpec",
    "HighTechResult",
    "InputError",
    "ParseError",
    "RuleSet",
    "RuleSetError",
    "ScoreResult",
    "ScoringError",
    "TechSmeResult",
    "available_rule_sets",
    "field_spec",
    "format_value",
    "load_rule_set",
    "score",
    "validate",
]


def score(
    figures: Mapping[str, object],
    rule_set: str | RuleSet = "cn-ref-2024",
    *,
    extra_dirs: Sequence[Path] = (),
) -> ScoreResult | TechSmeResult | HighTechResult:
    """Score one firm's figures with a rule set (by id, or an already loaded RuleSet)."""
    from scoring.engine import score_points
    from scoring.qualification import score_high_tech, score_tech_sme

    rs = load_rule_set(rule_set, extra_dirs) if isinstance(rule_set, str) else rule_set
    if isinstance(rs, PointsRuleSet):
        return score_points(rs, figures)
    if isinstance(rs, TechSmeRuleSet):
        return score_tech_sme(rs, figures)
    if isinstance(rs, HighTechRuleSet):
        return score_high_tech(rs, figures)
    raise RuleSetError("未知的规则集类型")
