"""The points reference model (cn-ref-2024) as summary text: stage weights and each indicator's curve.

A manager asks "各阶段权重是多少" or "发明专利怎么算分"; the answer must be the model the result
screen uses, read from the rule file, so a changed weight or curve changes the answer.
"""

from __future__ import annotations

from scoring.fields import FIELDS
from scoring.model import Curve, Indicator, Levels, PointsRuleSet, Rule, Steps
from scoring.threshold_text import format_threshold, num

__all__ = ["indicator_values", "points_values", "stage_values"]

_OPS = {"le": "不超过", "lt": "低于", "ge": "不低于", "gt": "高于"}


def _stage_span(rs: PointsRuleSet, i: int) -> str:
    """初创期（营业收入500万元以下）: the revenue range a stage covers."""
    label = FIELDS[rs.stage_field].short or FIELDS[rs.stage_field].label
    low = rs.stages[i - 1].below if i else None
    high = rs.stages[i].below
    lo = format_threshold(rs.stage_field, low) if low is not None else ""
    hi = format_threshold(rs.stage_field, high) if high is not None else ""
    if lo and hi:
        return f"{label}{lo}至{hi}"
    return f"{label}{hi}以下" if hi else f"{label}{lo}及以上"


def points_values(rs: PointsRuleSet) -> dict[str, str]:
    """Placeholders of the model's overview: {stages}, {bands}, {bonus_cap}, {indicators.<category>}."""
    cats = {c.id: c.label for c in rs.categories}
    stages = []
    for i, stage in enumerate(rs.stages):
        totals = "、".join(f"{cats[c]}{num(v)}分" for c, v in stage.totals.items())
        stages.append(f"{stage.label}（{_stage_span(rs, i)}）{totals}")
    out = {
        "stages": "；".join(stages),
        "reference_stage": rs.stage_by_id(rs.reference_stage).label,
        "indicator_count": str(len(rs.indicators)),
        "bonus_cap": num(rs.bonus_cap),
        "bands": "、".join(f"{num(m)}分及以上为{label}" if m is not None else f"其余为{label}"
                          for m, label in rs.bands),
    }
    for cat in rs.categories:
        mine = [ind for ind in rs.indicators if ind.category == cat.id]
        out[f"indicators.{cat.id}"] = "、".join(f"{_name(ind.field)}{num(ind.weight)}分" for ind in mine)
    return out


def _name(field: str) -> str:
    spec = FIELDS[field]
    return spec.short or spec.label


def _points(s: float, weight: float) -> str:
    return f"得满分{num(weight)}分" if s >= 1 else f"得{num(s * weight)}分"


def _curve(field: str, curve: Curve, weight: float) -> str:
    """`1件得5分，2件得6分，…，10件及以上得满分10分，其间按比例折算`."""
    out: list[str] = []
    if curve.ss[0] > 0:
        out.append(f"不足{format_threshold(field, curve.xs[0])}得0分")
    for j, (x, s) in enumerate(zip(curve.xs, curve.ss, strict=True)):
        if s <= 0:
            continue
        tail = "及以上" if j == len(curve.xs) - 1 else ""
        out.append(f"{format_threshold(field, x)}{tail}{_points(s, weight)}")
    return "，".join(out) + ("，其间按比例折算" if len(curve.xs) > 2 else "")


def _steps(field: str, steps: Steps, weight: float) -> str:
    """`不超过55%得满分3分，不超过75%得1.5分，其他情况得0分` (read in order, first match)."""
    out = []
    for step in steps.steps:
        where = f"{_OPS[step.op]}{format_threshold(field, step.threshold)}" if step.op else "其他情况"
        out.append(f"{where}{_points(step.s, weight)}")
    return "，".join(out)


def _levels(field: str, levels: Levels, weight: float) -> str:
    """`国家级得满分3分，省级得2.4分，…`."""
    choices = FIELDS[field].choices
    ranked = sorted(levels.levels.items(), key=lambda kv: -kv[1])
    return "，".join(f"{choices.get(k, k)}{_points(s, weight)}" for k, s in ranked)


def _rule_text(field: str, rule: Rule, weight: float) -> str:
    if isinstance(rule, Curve):
        return _curve(field, rule, weight)
    if isinstance(rule, Steps):
        return _steps(field, rule, weight)
    return _levels(field, rule, weight)


def indicator_values(rs: PointsRuleSet, index: int) -> dict[str, str]:
    """Placeholders of one indicator's section: {ind.name}, {ind.label}, {ind.category}, {ind.weight},
    {ind.other_stages}, {ind.rule} (points at the reference stage)."""
    ind: Indicator = rs.indicators[index]
    cats = {c.id: c.label for c in rs.categories}
    others = "、".join(f"{s.label}{num(rs.scaled_weights[s.id][index])}分"
                       for s in rs.stages if s.id != rs.reference_stage)
    spec = FIELDS[ind.field]
    return {
        "ind.name": _name(ind.field),
        "ind.label": spec.label,
        "ind.category": cats[ind.category],
        "ind.weight": num(ind.weight),
        "ind.other_stages": others,
        "ind.rule": _rule_text(ind.field, ind.rule, ind.weight),
    }


def stage_values(rs: PointsRuleSet, index: int) -> dict[str, str]:
    """Placeholders of one life stage's section: {stage.label}, {stage.span}, {stage.totals} (the
    categories' full points at that stage)."""
    stage = rs.stages[index]
    cats = {c.id: c.label for c in rs.categories}
    return {
        "stage.label": stage.label,
        "stage.span": _stage_span(rs, index),
        "stage.totals": "、".join(f"{cats[c]}{num(v)}分" for c, v in stage.totals.items()),
    }
