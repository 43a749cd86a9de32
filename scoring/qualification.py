"""Qualification tests: tech-SME evaluation (科技型中小企业) and high-tech thresholds (高新技术企业)."""

from __future__ import annotations

from collections.abc import Mapping

from scoring.fields import FIELDS, Value, format_value
from scoring.model import (
    Condition,
    HighTechRuleSet,
    MaxOf,
    RuleTree,
    StepRule,
    TechSmeRuleSet,
    compare,
)
from scoring.results import (
    CheckResult,
    CheckStatus,
    ConditionResult,
    ConditionStatus,
    HighTechResult,
    PartScore,
    TechSmeResult,
)
from scoring.validation import prepare

__all__ = ["check_condition", "score_high_tech", "score_tech_sme", "tree_points"]


def check_condition(cond: Condition, values: Mapping[str, Value]) -> ConditionStatus:
    """'pass', 'fail' or 'missing' (the data needed to decide was not given)."""
    cond = cond.effective(values)
    value = values.get(cond.field, cond.missing_as)
    if value is None:
        return "missing"
    target = cond.threshold(values)
    if target is None:
        return "missing"
    return "pass" if compare(cond.op, value, target) else "fail"


def tree_points(rule: RuleTree, values: Mapping[str, Value]) -> float | None:
    """Points of a rule tree: steps on a field, max_of, first_of (None = no line matched)."""
    if isinstance(rule, StepRule):
        value = values.get(rule.field)
        return None if value is None else rule.steps.value(float(value))
    scores = (tree_points(r, values) for r in rule.rules)
    known = [s for s in scores if s is not None]
    if isinstance(rule, MaxOf):
        return max(known) if known else None
    return known[0] if known else None  # first_of: the first rule that matches


def score_tech_sme(rs: TechSmeRuleSet, figures: Mapping[str, object]) -> TechSmeResult:
    """Conditions, sub-scores and routes of the tech-SME self-evaluation."""
    values, warnings = prepare(figures)
    conditions = [ConditionResult(cid, label, check_condition(c, values)) for cid, label, c in rs.conditions]
    failed = [c for c in conditions if c.status != "pass"]
    parts = []
    for part in rs.parts:
        pts = tree_points(part.rule, values)
        if pts is None:
            warnings.append(f"{part.label}指标缺少数据，按 0 分计")
        parts.append(PartScore(part.id, part.label, pts or 0.0, part.max))
    total = 0.0
    for p in parts:
        total += p.points
    by_id = {p.id: p for p in parts}
    conditions_hold = not failed
    routes: list[tuple[str, str]] = []
    if total >= rs.pass_score and all(by_id[p].points > 0 for p in rs.positive_parts):
        routes.append(rs.score_route)
    for rid, label, cond in rs.direct_routes:
        if check_condition(cond, values) == "pass":
            routes.append((rid, label))
    qualifies = conditions_hold and bool(routes)
    route = routes[0] if qualifies else None
    reasons: list[str] = []
    for c in failed:
        if c.status == "missing":
            warnings.append(f"未提供判断“{c.label}”所需的数据")
            reasons.append(f"无法确认：{c.label}（未提供数据）")
        else:
            reasons.append(f"不满足：{c.label}")
    if not routes:
        zero = [by_id[p].label for p in rs.positive_parts if by_id[p].points <= 0]
        if total < rs.pass_score:
            reasons.append(f"综合评分 {total:g} 分，未达到 {rs.pass_score:g} 分，且不满足任何直接认定条件")
        elif zero:
            reasons.append(f"{'、'.join(zero)}指标得分为 0，且不满足任何直接认定条件")
    return TechSmeResult(
        rule_set=rs.id,
        version=rs.version,
        title=rs.title,
        disclaimer=rs.disclaimer,
        score=round(total, 2),
        qualifies=qualifies,
        route=route[0] if route else None,
        route_label=route[1] if route else None,
        routes_met=[r[0] for r in routes],
        parts=parts,
        conditions=conditions,
        failed_conditions=failed,
        warnings=warnings,
        reasons=[] if qualifies else reasons,
    )


def _describe(cond: Condition, values: Mapping[str, Value]) -> str:
    stand_in = cond.stand_in(values)
    cond = cond.effective(values)
    spec = FIELDS[cond.field]
    value = values.get(cond.field, cond.missing_as)
    target = cond.threshold(values)
    if value is None:
        return f"{spec.short_label}：未提供"
    shown = format_value(cond.field, value)
    if spec.kind in ("bool", "enum") or target is None:
        return f"{spec.short_label}：{shown}"
    symbol = {"ge": "≥", "gt": ">", "le": "≤", "lt": "<"}.get(cond.op, cond.op)
    tag = f"{stand_in.tag}，" if stand_in is not None else ""
    return f"{spec.short_label} {shown}（{tag}要求 {symbol} {format_value(cond.field, target)}）"


def score_high_tech(rs: HighTechRuleSet, figures: Mapping[str, object]) -> HighTechResult:
    """Each high-tech threshold: pass / fail / needs_judgement, and 'likely meets'."""
    values, warnings = prepare(figures)
    checks: list[CheckResult] = []
    for check in rs.checks:
        if check.judgement:
            known = [format_value(f, values[f]) for f in check.known if values.get(f) is not None]
            labels = [FIELDS[f].short_label for f in check.known if values.get(f) is not None]
            detail = "需专家评审判断"
            if known:
                detail += "；已知：" + "，".join(f"{a} {b}" for a, b in zip(labels, known, strict=True))
            checks.append(CheckResult(check.id, check.label, "needs_judgement", detail, []))
            continue
        conds = check.conditions or check.any_of
        statuses = [check_condition(c, values) for c in conds]
        missing = sorted({c.field for c, s in zip(conds, statuses, strict=True) if s == "missing"})
        missing += [
            c.band_field for c, s in zip(conds, statuses, strict=True)
            if s == "missing" and c.band_field and values.get(c.band_field) is None
        ]
        status: CheckStatus
        if check.conditions:
            status = "fail" if "fail" in statuses else ("needs_judgement" if missing else "pass")
        else:
            status = "pass" if "pass" in statuses else ("needs_judgement" if missing else "fail")
        detail = "；".join(_describe(c, values) for c in conds)
        warnings += [a.note for a in (c.stand_in(values) for c in conds) if a is not None]
        for c in conds:
            if (
                c.missing_as is not None
                and values.get(c.field) is None
                and FIELDS[c.field].kind not in ("bool", "enum")
            ):
                default = format_value(c.field, c.missing_as)
                warnings.append(f"未提供{FIELDS[c.field].label}，按“{default}”计")
        checks.append(CheckResult(check.id, check.label, status, detail, missing))
    by_id = {c.id: c for c in checks}
    likely = all(by_id[r].status == "pass" for r in rs.required)
    return HighTechResult(
        rule_set=rs.id,
        version=rs.version,
        title=rs.title,
        disclaimer=rs.disclaimer,
        checks=checks,
        likely_meets=likely,
        warnings=warnings,
    )
