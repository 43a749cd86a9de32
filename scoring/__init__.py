"""Scoring library (评分): rule sets as data files, figure parser, engine, batch scoring, charts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from scoring.assessment import Assessment, assess
from scoring.errors import InputError, ParseError, RuleSetError, ScoringError
from scoring.fields import FIELDS, KEY_FIELDS, FieldSpec, Value, field_spec, format_value
from scoring.loader import available_rule_sets, load_rule_set
from scoring.model import HighTechRuleSet, PointsRuleSet, RuleSet, TechSmeRuleSet
from scoring.parser import ParsedFigures, ParsedItem, parse_answer, parse_figures
from scoring.results import (
    CategoryScore,
    CheckResult,
    CheckStatus,
    ConditionResult,
    ConditionStatus,
    HighTechResult,
    IndicatorScore,
    ItemPoints,
    PartScore,
    Result,
    ScoreResult,
    Suggestion,
    TechSmeResult,
)
from scoring.summary import summarize
from scoring.validation import prepare, validate

if TYPE_CHECKING:  # pandas and matplotlib load only when batch scoring or a chart is asked for
    import pandas as pd

    from scoring.batch import BatchResult

__all__ = [
    "FIELDS",
    "KEY_FIELDS",
    "Assessment",
    "CategoryScore",
    "CheckResult",
    "CheckStatus",
    "ConditionResult",
    "ConditionStatus",
    "FieldSpec",
    "HighTechResult",
    "IndicatorScore",
    "InputError",
    "ItemPoints",
    "ParseError",
    "ParsedFigures",
    "ParsedItem",
    "PartScore",
    "Result",
    "RuleSet",
    "RuleSetError",
    "ScoreResult",
    "ScoringError",
    "Suggestion",
    "TechSmeResult",
    "Value",
    "assess",
    "available_rule_sets",
    "field_spec",
    "format_value",
    "load_rule_set",
    "parse_answer",
    "parse_figures",
    "prepare",
    "render_chart",
    "score",
    "score_table",
    "summarize",
    "validate",
]


def score(
    figures: Mapping[str, object],
    rule_set: str | RuleSet = "cn-ref-2024",
    *,
    extra_dirs: Sequence[Path] = (),
) -> Result:
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


def render_chart(result: Result) -> bytes:
    """PNG chart of a result with Chinese labels (bundled CJK font, Agg backend)."""
    from scoring.chart import render_chart as _render

    return _render(result)


def score_table(
    table: pd.DataFrame | Path | str,
    rule_set: str | RuleSet = "cn-ref-2024",
    *,
    extra_dirs: Sequence[Path] = (),
    data_year: int | None = None,
    max_rows: int | None = None,
) -> BatchResult:
    """Batch-score a DataFrame or a CSV/XLSX file; write the result with ``.write(path)``.

    max_rows: refuse (InputError) a table with more rows, before any scoring.
    """
    from scoring.batch import score_table as _score_table

    return _score_table(
        table, rule_set, extra_dirs=extra_dirs, data_year=data_year, max_rows=max_rows
    )
