"""The points engine (积分估算): life-stage weights, bonus, vetoes, deductions, band, suggestions."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from scoring.errors import InputError
from scoring.fields import DERIVED, FIELDS, Value, format_value
from scoring.model import BonusItem, Curve, Levels, PointsRuleSet, Steps
from scoring.results import CategoryScore, IndicatorScore, ItemPoints, ScoreResult, Suggestion
from scoring.validation import coerce, complete

__all__ = ["evaluate", "score_points"]

SUGGESTION_COUNT = 3


@dataclass(frozen=True)
class Evaluation:
    """Everything of one scoring pass except suggestions (re-run for each candidate)."""

    stage_id: str
    indicators: list[IndicatorScore]
    category_points: dict[str, float]
    base: float
    bonus: float
    bonus_items: list[ItemPoints]
    deductions: float
    deduction_items: list[ItemPoints]
    veto_reasons: list[str]
    unrounded: float
    stage_warning: bool


def _item_points(
    items: Sequence[BonusItem], values: Mapping[str, Value], detail: bool
) -> tuple[float, list[ItemPoints]]:
    """Bonus or deduction lines: their summed points and (with detail) the lines that applied."""
    total = 0.0
    applied: list[ItemPoints] = []
    for item in items:
        value = values.get(item.field)
        pts = item.value(value)
        total += pts
        if pts and detail and value is not None:  # a line without a value scores 0
            applied.append(ItemPoints(item.field, FIELDS[item.field].label, value, pts))
    return total, applied


def evaluate(rs: PointsRuleSet, values: Mapping[str, Value], *, detail: bool = True) -> Evaluation:
    """Score prepared figures (derived ratios filled in); batch scoring mirrors this step by step.

    ``detail=False`` (re-scoring for suggestions) skips building the per-line records only;
    every number is computed by the same statements.
    """
    revenue = values.get(rs.stage_field)
    stage = rs.stage_for(None if revenue is None else float(revenue))
    weights = rs.scaled_weights[stage.id]
    cat_points = {c.id: 0.0 for c in rs.categories}
    base = 0.0
    indicators: list[IndicatorScore] = []
    for ind, weight in zip(rs.indicators, weights, strict=True):
        value = values.get(ind.field)
        if value is None:
            s, missing = 0.0, True
        else:
            rule = ind.rule
            raw = rule.value(value) if isinstance(rule, Levels) else rule.value(float(value))
            s, missing = (0.0 if raw is None else raw), False
        points = weight * s
        cat_points[ind.category] += points
        base += points
        if detail:
            indicators.append(
                IndicatorScore(
                    ind.field, FIELDS[ind.field].label, ind.category, value, s, points, weight, missing
                )
            )
    bonus_raw, bonus_items = _item_points(rs.bonus, values, detail)
    bonus = min(bonus_raw, rs.bonus_cap)
    deductions, deduction_items = _item_points(rs.deductions, values, detail)
    reasons = [v.reason for v in rs.vetoes if v.field in values and values[v.field] == v.when]
    unrounded = max(0.0, base + bonus - deductions)
    return Evaluation(
        stage.id, indicators, cat_points, base, bonus, bonus_items, deductions,
        deduction_items, reasons, unrounded, revenue is None,
    )


def score_points(rs: PointsRuleSet, figures: Mapping[str, object]) -> ScoreResult:
    """Validate, score and suggest: the single-firm estimate."""
    given = coerce(figures)
    values, warnings = complete(given)
    ev = evaluate(rs, values)
    if ev.stage_warning:
        stage = rs.stage_by_id(rs.default_stage)
        warnings.append(f"未提供{FIELDS[rs.stage_field].label}，按{stage.label}计算")
    missing = [i for i in ev.indicators if i.missing]
    if missing:
        names = "、".join(FIELDS[i.field].short_label for i in missing)
        gain = sum(i.weight for i in missing)
        warnings.append(f"缺少 {len(missing)} 项指标（{names}），补充后最多可增加 {gain:.2f} 分")
    stage = rs.stage_by_id(ev.stage_id)
    rectified = round(ev.unrounded, 2)
    vetoed = bool(ev.veto_reasons)
    return ScoreResult(
        rule_set=rs.id,
        version=rs.version,
        title=rs.title,
        disclaimer=rs.disclaimer,
        stage=stage.id,
        stage_label=stage.label,
        total=None if vetoed else rectified,
        base=ev.base,
        bonus=ev.bonus,
        deductions=ev.deductions,
        band=None if vetoed else rs.band(rectified),
        vetoed=vetoed,
        veto_reasons=ev.veto_reasons,
        categories=[
            CategoryScore(c.id, c.label, ev.category_points[c.id], stage.totals[c.id])
            for c in rs.categories
        ],
        indicators=ev.indicators,
        bonus_items=ev.bonus_items,
        deduction_items=ev.deduction_items,
        suggestions=suggest(rs, given, ev),
        warnings=warnings,
        rectified_total=rectified,
        max_total=rs.max_total,
        unconfirmed=unconfirmed_records(rs, given),
    )


def unconfirmed_records(rs: PointsRuleSet, given: Mapping[str, Value]) -> tuple[str, ...]:
    """Veto and deduction items the user never answered (no default applies): the total assumes none."""
    fields = [v.field for v in rs.vetoes] + [d.field for d in rs.deductions]
    return tuple(f for f in dict.fromkeys(fields) if f not in given and FIELDS[f].default is None)


def _move(spec_kind: str, x: float, up: bool) -> float | int:
    """Round a required input so the target is reached: whole persons, money to 0.01 万元."""
    if spec_kind == "count":
        return math.ceil(x - 1e-9) if up else math.floor(x + 1e-9)
    return math.ceil(x * 100 - 1e-6) / 100 if up else math.floor(x * 100 + 1e-6) / 100


def _candidate(
    given: Mapping[str, Value], ind_field: str, current: Value, target: Value
) -> tuple[str, Value, Value] | None:
    """Which input to change (field, from, to) so that the indicator reaches target."""
    if ind_field not in DERIVED or ind_field in given:
        spec = FIELDS[ind_field]
        if spec.kind == "count" and isinstance(target, float):
            target = math.ceil(target)
        return ind_field, current, target
    d = DERIVED[ind_field]
    den = given.get(d.den)
    if d.num not in given or den is None:
        return None
    t = float(target)
    need = t / 100 * float(den) if d.op == "ratio" else float(den) * (1 + t / 100)
    if not math.isfinite(need * 100):
        return None
    up = t > float(current)
    return d.num, given[d.num], _move(FIELDS[d.num].kind, need, up)


def _fmt_number(field: str, value: Value | None) -> str:
    spec = FIELDS[field]
    if spec.kind in ("enum", "bool") or value is None:
        return format_value(field, value)
    number = float(value)
    text = f"{number:.2f}".rstrip("0").rstrip(".")
    return text


def _unit(field: str) -> str:
    unit = FIELDS[field].unit
    return "" if unit in ("", "人", "件", "次", "年") else (unit if unit == "%" else f" {unit}")


def suggest(rs: PointsRuleSet, given: Mapping[str, Value], ev: Evaluation) -> list[Suggestion]:
    """Top changes by point gain, each found by re-scoring with one input at the next curve point."""
    found: list[tuple[float, int, Suggestion]] = []
    for order, (ind, rule_ind) in enumerate(zip(ev.indicators, rs.indicators, strict=True)):
        if ind.missing or ind.value is None:
            continue
        rule = rule_ind.rule
        target: Value | None
        if isinstance(rule, Levels):
            target = rule.next_x(ind.value)
        elif isinstance(rule, Curve | Steps):
            target = rule.next_x(float(ind.value))
        else:  # pragma: no cover - the loader only builds these three
            continue
        if target is None:
            continue
        change = _candidate(given, ind.field, ind.value, target)
        if change is None:
            continue
        field, before, after = change
        if before == after:
            continue
        trial = dict(given)
        trial[field] = after
        try:
            values, _ = complete(trial, changed=field)
        except InputError:
            continue  # the move would contradict another figure (e.g. R&D above total cost)
        gain = evaluate(rs, values, detail=False).unrounded - ev.unrounded
        if gain <= 1e-9:
            continue
        label = FIELDS[field].short_label
        text = f"{label} {_fmt_number(field, before)} → {_fmt_number(field, after)}{_unit(field)}"
        if field != ind.field:
            new_ind = values.get(ind.field)
            unit = _unit(ind.field)
            text += (
                f"（{FIELDS[ind.field].short_label} {_fmt_number(ind.field, ind.value)}{unit}"
                f" → {_fmt_number(ind.field, new_ind)}{unit}）"
            )
        text += f"：+{gain:.2f} 分"
        found.append(
            (
                gain,
                order,
                Suggestion(field, label, before, after, gain, ind.field, ind.value, values.get(ind.field), text),
            )
        )
    found.sort(key=lambda item: (-item[0], item[1]))
    out: list[Suggestion] = []
    seen: set[str] = set()
    for _, _, suggestion in found:
        if suggestion.field in seen:
            continue
        seen.add(suggestion.field)
        out.append(suggestion)
        if len(out) == SUGGESTION_COUNT:
            break
    return out
