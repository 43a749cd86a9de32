"""Why the firm got its result (结果解读): each indicator or sub-score with the firm's own numbers,
the rule's thresholds read from the rule set and what the next step up takes — never the corpus."""

from __future__ import annotations

import math
from collections.abc import Mapping

from bot.core.texts import Texts
from scoring.assessment import Assessment
from scoring.fields import DERIVED, FIELDS
from scoring.gaps import fmt_number, given_and_values, lever_for, lever_phrase
from scoring.loader import load_rule_set
from scoring.model import Condition, Curve, Levels, PointsRuleSet, Steps, TechSmeRuleSet, leaves
from scoring.results import IndicatorScore, ScoreResult, TechSmeResult

__all__ = ["explain", "indicator_fields", "stage_text"]


def _label(name: str) -> str:
    spec = FIELDS.get(name)
    return spec.short_label if spec is not None else name


def _value(name: str, value: object) -> str:
    spec = FIELDS.get(name)
    unit = spec.unit if spec is not None else ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    return f"{fmt_number(round(value, 1))}{'%' if unit == '%' else (' ' + unit if unit else '')}"


def _formula(name: str, given: Mapping[str, object]) -> str:
    """"（900÷700−1）" / "（6÷45）" for a derived measure whose operands the firm gave; else ""."""
    d = DERIVED.get(name)
    if d is None:
        return ""
    num, den = given.get(d.num), given.get(d.den)
    if not isinstance(num, int | float) or not isinstance(den, int | float):
        return ""
    body = f"{fmt_number(num)}÷{fmt_number(den)}"
    return f"（{body}−1）" if d.op == "growth" else f"（{body}）"


def indicator_fields(a: Assessment) -> set[str]:
    """The measures a result scores (points indicators, 科小 step fields, 高企 condition measures)."""
    if isinstance(a.result, ScoreResult):
        return {i.field for i in a.result.indicators}
    rs = load_rule_set(a.rule_set)
    if isinstance(rs, TechSmeRuleSet):
        return {leaf.field for part in rs.parts for leaf in leaves(part.rule)}
    return {g.measure for g in a.gaps if g.measure}


def measures_of(field: str, fields: set[str]) -> list[str]:
    """The measures a named input feeds: itself, and the ratios it is part of."""
    direct = [field] if field in fields else []
    return direct + [m for m, d in DERIVED.items() if m in fields and field in (d.num, d.den) and m != field]


def _curve_rule(rule: Curve | Steps | Levels, name: str, t: Texts) -> str:
    if isinstance(rule, Curve):
        return t.get("curve_rule", top="≥" + _value(name, rule.xs[-1]))
    if isinstance(rule, Steps):
        return "，".join(f"{'≤' if s.op == 'le' else '≥'}{_value(name, s.threshold)}→{fmt_number(s.s * 100)}%"
                        for s in rule.steps if s.op is not None)
    return "，".join(f"{k}→{fmt_number(v * 100)}%" for k, v in rule.levels.items())


def _next_up(name: str, target: float | str | None, figures: Mapping[str, object], *, full: bool = False) -> str:
    """"到 25% 还需增加 5 名研发人员" / "满分（30%）还需增加 8 名研发人员", from the firm's own inputs."""
    if target is None or isinstance(target, str):
        return ""
    given, values = given_and_values(figures)
    lever = lever_for(Condition(name, "ge", target), values, given)
    if lever is None:
        return ""
    return f"满分（{_value(name, target)}）{lever_phrase(lever)}" if full else f"到 {_value(name, target)} {lever_phrase(lever)}"


def _points_line(i: IndicatorScore, rs: PointsRuleSet, figures: Mapping[str, object], t: Texts,
                 quoted: float | None) -> list[str]:
    weight = fmt_number(round(i.weight, 2))
    if i.missing or i.value is None:
        return [t.get("indicator_missing", label=i.label or _label(i.field), weight=weight)]
    rule = next(ind.rule for ind in rs.indicators if ind.field == i.field)
    given, _ = given_and_values(figures)
    lines = [t.get("indicator_points", label=i.label or _label(i.field), value=_value(i.field, i.value),
                   formula=_formula(i.field, given), points=fmt_number(round(i.points, 2)), weight=weight,
                   rule=_curve_rule(rule, i.field, t))]
    if i.s >= 1:
        lines.append(t.get("indicator_full"))
    elif isinstance(rule, Curve | Steps) and isinstance(i.value, int | float):
        step = _next_up(i.field, rule.next_x(float(i.value)), figures)
        top = _next_up(i.field, rule.xs[-1], figures, full=True) if isinstance(rule, Curve) else ""
        at_top = rule.xs[-1] == rule.next_x(float(i.value)) if isinstance(rule, Curve) else False
        ups = "；".join(p for p in (top if at_top else step, "" if at_top else top) if p)
        if ups:
            lines.append(t.get("indicator_next", next=ups))
    if quoted is not None and isinstance(rule, Curve | Steps):
        s = rule.value(quoted) or 0.0
        lines.append(t.get("indicator_quoted", quoted=_value(i.field, quoted),
                           points=fmt_number(round(s * i.weight, 2)), weight=weight))
    return lines


def _sme_lines(a: Assessment, rs: TechSmeRuleSet, figures: Mapping[str, object], focus: list[str],
               t: Texts) -> list[str]:
    given, values = given_and_values(figures)
    lines: list[str] = []
    gaps = {p.id: p for p in a.parts}
    for part in rs.parts:
        fields = [leaf for leaf in leaves(part.rule) if not focus or leaf.field in focus]
        if not fields:
            continue
        details = []
        for leaf in fields:
            value = values.get(leaf.field)
            if value is None:
                continue
            steps = "，".join(f"≥{_value(leaf.field, s.threshold)}得{fmt_number(s.s)}"
                             for s in leaf.steps.steps if s.op is not None)
            points = leaf.steps.value(float(value)) if isinstance(value, int | float) else None
            details.append(t.get("part_measure", label=_label(leaf.field), value=_value(leaf.field, value),
                                 formula=_formula(leaf.field, given), steps=steps,
                                 points=fmt_number(points or 0)))
            top = max((s.threshold for s in leaf.steps.steps if s.op is not None), default=None)
            if isinstance(value, int | float) and top is not None and value < top:
                full = _next_up(leaf.field, top, figures, full=True)
                details.append(t.get("part_next", text=full) if full else "")
        gap = gaps.get(part.id)
        points = gap.points if gap else 0
        lines.append(t.get("part_line", label=part.label, points=fmt_number(points), max=fmt_number(part.max),
                           detail="；".join(d for d in details if d and not d.startswith("  ")) or "未提供数据"))
        lines += [d for d in details if d.startswith("  ")]
        lines += [f"  {o.text}" for o in (gap.options if gap else ())[:2]]
    return lines


def explain(a: Assessment, figures: Mapping[str, object], focus: list[str], t: Texts,
            quoted: float | None = None) -> list[str]:
    """The lines explaining a result (only the focus measures when some are named)."""
    rs = load_rule_set(a.rule_set)
    r = a.result
    if isinstance(r, ScoreResult) and isinstance(rs, PointsRuleSet):
        shown = [i for i in r.indicators if not focus or i.field in focus]
        if not focus:  # the whole result: the weakest supplied ones first, the missing ones counted
            shown = sorted((i for i in shown if not i.missing), key=lambda i: i.s)
        lines = [line for i in shown for line in _points_line(i, rs, figures, t, quoted)]
        if not focus and r.missing:
            lines.append(t.get("missing_many", count=len(r.missing), points=fmt_number(round(r.missing_potential, 2))))
        return [*lines, t.get("model_note")]
    if isinstance(r, TechSmeResult) and isinstance(rs, TechSmeRuleSet):
        return _sme_lines(a, rs, figures, focus, t)
    return []


def stage_text(rs: PointsRuleSet, revenue: object, t: Texts) -> str:
    """"按上年度营业收入 5000 万元，属于成长期（营收 500–10000 万元）…"."""
    if not isinstance(revenue, int | float) or isinstance(revenue, bool):
        return t.get("stage_unknown")
    stage = rs.stage_for(float(revenue))
    at = rs.stages.index(stage)
    low = rs.stages[at - 1].below if at > 0 else None
    if low is None:
        span = t.get("stage_range.below", high=fmt_number(stage.below or math.inf))
    elif stage.below is None:
        span = t.get("stage_range.above", low=fmt_number(low))
    else:
        span = t.get("stage_range.between", low=fmt_number(low), high=fmt_number(stage.below))
    totals = {k: fmt_number(v) for k, v in stage.totals.items()}
    return t.get("stage_line", revenue=_value("revenue", revenue), stage=stage.label, range=span,
                 tech=totals.get("tech", "—"), growth=totals.get("growth", "—"), support=totals.get("support", "—"))
