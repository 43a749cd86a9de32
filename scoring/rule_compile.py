"""A validated rule file (rule_schema) compiled into the engine's rule-set objects (model)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TypedDict

from scoring.fields import FIELDS
from scoring.model import (
    Approximation,
    BonusItem,
    Category,
    Check,
    Condition,
    Curve,
    FirstOf,
    HighTechRuleSet,
    Indicator,
    Levels,
    MaxOf,
    Part,
    PointsRuleSet,
    Rule,
    RuleSet,
    RuleTree,
    Stage,
    Step,
    StepRule,
    Steps,
    TechSmeRuleSet,
    Veto,
)
from scoring.rule_parts import BandLine, ConditionFile, StepLine
from scoring.rule_schema import (
    BonusItemFile,
    HighTechFile,
    IndicatorFile,
    NamedConditionFile,
    PointsFile,
    RuleNode,
    TechSmeFile,
)

__all__ = ["compile_rule_file"]


def compile_rule_file(file: PointsFile | TechSmeFile | HighTechFile, source: Path) -> RuleSet:
    """The engine's rule set of a valid file."""
    if isinstance(file, PointsFile):
        return _points(file, source)
    if isinstance(file, TechSmeFile):
        return _tech_sme(file, source)
    return _high_tech(file, source)


class _Head(TypedDict):
    """The keywords every rule set starts with."""

    id: str
    version: str
    title: str
    disclaimer: str
    source: Path


def _head(file: PointsFile | TechSmeFile | HighTechFile, source: Path) -> _Head:
    disclaimer = "".join(line.strip() for line in (file.disclaimer or "").splitlines())
    title = file.title if file.title is not None else file.id
    return _Head(id=file.id, version=file.version, title=title, disclaimer=disclaimer, source=source)


def _steps(lines: Sequence[StepLine | BandLine]) -> tuple[Step, ...]:
    out = []
    for line in lines:
        comparison = line.comparison()
        op, threshold = comparison if comparison is not None else (None, 0.0)
        out.append(Step(op, threshold, line.score))
    return tuple(out)


def _rule(ind: IndicatorFile) -> Rule:
    if ind.curve is not None:
        return Curve(tuple(p[0] for p in ind.curve), tuple(p[1] for p in ind.curve))
    if ind.steps is not None:
        return Steps(_steps(ind.steps))
    return Levels(dict(ind.levels or {}))


def _bonus_item(item: BonusItemFile) -> BonusItem:
    if item.levels is not None:
        return BonusItem(item.field, levels=dict(item.levels))
    if item.per_unit is not None:
        return BonusItem(item.field, per_unit=item.per_unit, max=item.max)
    return BonusItem(item.field, when=item.when, points=item.points or 0.0)


def _points(file: PointsFile, source: Path) -> PointsRuleSet:
    categories = tuple(Category(c.id, c.label if c.label is not None else c.id) for c in file.categories)
    stages = tuple(
        Stage(s.id, s.label if s.label is not None else s.id, s.below, dict(s.totals)) for s in file.stages
    )
    indicators = tuple(Indicator(i.field, i.category, i.weight, _rule(i)) for i in file.indicators)
    ref = next(s for s in stages if s.id == file.reference_stage)
    scaled: dict[str, tuple[float, ...]] = {}
    for stage in stages:
        factors = {c.id: stage.totals[c.id] / ref.totals[c.id] if ref.totals[c.id] else 0.0 for c in categories}
        scaled[stage.id] = tuple(ind.weight * factors[ind.category] for ind in indicators)
    bonus = file.bonus
    vetoes = tuple(
        Veto(v.field, v.when, v.reason if v.reason is not None else FIELDS[v.field].label)
        for v in file.vetoes or []
    )
    return PointsRuleSet(
        **_head(file, source),
        categories=categories,
        stage_field=file.stage_field,
        stages=stages,
        reference_stage=file.reference_stage,
        default_stage=file.default_stage if file.default_stage is not None else file.reference_stage,
        indicators=indicators,
        bonus_cap=bonus.cap if bonus is not None else 0.0,
        bonus=tuple(_bonus_item(b) for b in (bonus.items if bonus is not None else None) or []),
        vetoes=vetoes,
        deductions=tuple(_bonus_item(d) for d in file.deductions or []),
        bands=tuple((b.min, b.label) for b in file.bands),
        scaled_weights=scaled,
    )


def _condition(cond: ConditionFile) -> Condition:
    by = cond.threshold_by
    approx = cond.approximate
    stand_in = Approximation(approx.by, approx.tag, approx.note) if approx is not None else None
    if by is not None:
        return Condition(cond.field, cond.op, None, cond.missing_as, by.field, _steps(by.bands), stand_in)
    value = tuple(cond.value) if isinstance(cond.value, list) else cond.value
    return Condition(cond.field, cond.op, value, cond.missing_as, approximate=stand_in)


def _named(conds: Sequence[NamedConditionFile]) -> tuple[tuple[str, str, Condition], ...]:
    return tuple((c.id, c.label, _condition(c)) for c in conds)


def _tree(node: RuleNode) -> RuleTree:
    if node.max_of is not None:
        return MaxOf(tuple(_tree(b) for b in node.max_of))
    if node.first_of is not None:
        return FirstOf(tuple(_tree(b) for b in node.first_of))
    return StepRule(node.field or "", Steps(_steps(node.steps or [])))


def _tech_sme(file: TechSmeFile, source: Path) -> TechSmeRuleSet:
    route = file.score_route
    return TechSmeRuleSet(
        **_head(file, source),
        conditions=_named(file.conditions),
        parts=tuple(Part(p.id, p.label, p.max, _tree(p.rule)) for p in file.parts),
        pass_score=route.pass_score,
        positive_parts=tuple(route.positive or []),
        score_route=(route.id, route.label),
        direct_routes=_named(file.direct_routes),
    )


def _high_tech(file: HighTechFile, source: Path) -> HighTechRuleSet:
    checks = tuple(
        Check(
            c.id,
            c.label,
            tuple(_condition(x) for x in c.conditions or []),
            tuple(_condition(x) for x in c.any_of or []),
            c.judgement,
            tuple(c.known or []),
        )
        for c in file.checks
    )
    return HighTechRuleSet(
        **_head(file, source),
        checks=checks,
        required=tuple(file.likely_meets_requires or []),
    )
