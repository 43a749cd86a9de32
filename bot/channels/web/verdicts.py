"""Per-condition verdicts for the self-assessment page: the firm's value, the threshold, the gap.

Computed from the rule set's typed conditions (value against threshold); for a derived ratio the
gap is also said in the figure the firm controls (研发人员 +2 人 rather than +4%).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import scoring
from scoring.fields import DERIVED, format_value
from scoring.model import Condition, HighTechRuleSet, TechSmeRuleSet
from scoring.qualification import check_condition
from scoring.validation import prepare

__all__ = ["Verdict", "verdicts"]

_STATUS = {"pass": "达标", "fail": "未达标", "missing": "未提供", "needs_judgement": "需专家判断"}
_SYMBOL = {"ge": "≥", "gt": ">", "le": "≤", "lt": "<", "eq": "须为", "in": "属于"}


@dataclass(frozen=True)
class Verdict:
    """One condition as the page shows it."""

    group: str
    label: str
    status: str  # pass | fail | missing | needs_judgement
    status_label: str
    value: str
    threshold: str
    gap: str


def _threshold_text(cond: Condition, target: object) -> str:
    if target is None:
        return "—"
    if isinstance(target, list | tuple):
        shown = "、".join(format_value(cond.field, t) for t in target)
    else:
        shown = format_value(cond.field, target)
    return f"{_SYMBOL.get(cond.op, '')} {shown}".strip()


def _in_own_figure(cond: Condition, values: Mapping[str, object], target: float) -> str:
    """For a ratio, how far its numerator must move (the figure a manager can act on)."""
    derived = DERIVED.get(cond.field)
    if derived is None or derived.op != "ratio":
        return ""
    num, den = values.get(derived.num), values.get(derived.den)
    if not isinstance(num, int | float) or not isinstance(den, int | float) or den <= 0:
        return ""
    needed = target / 100 * den
    spec = scoring.FIELDS[derived.num]
    delta = needed - num if cond.op in ("ge", "gt") else num - needed
    if delta <= 0:
        return ""
    amount = math.ceil(delta) if spec.kind == "count" else round(delta, 1)
    verb = "增加" if cond.op in ("ge", "gt") else "减少"
    return f"（{spec.short_label}{verb}约 {format_value(derived.num, amount)}）"


def _gap(cond: Condition, values: Mapping[str, object], status: str) -> str:
    if status == "missing":
        return f"请填写{scoring.FIELDS[cond.field].short_label}"
    if status != "fail":
        return ""
    value, target = values.get(cond.field, cond.missing_as), cond.threshold(values)
    if not isinstance(value, int | float) or isinstance(value, bool) or not isinstance(target, int | float):
        return "不符合该条件"
    diff = float(target) - float(value) if cond.op in ("ge", "gt") else float(value) - float(target)
    word = "还差" if cond.op in ("ge", "gt") else "超出"
    own = _in_own_figure(cond, values, float(target))
    if scoring.FIELDS[cond.field].unit == "%":
        return f"{word} {round(diff, 2):g} 个百分点{own}"
    return f"{word} {format_value(cond.field, round(diff, 2))}{own}"


def _row(group: str, label: str, cond: Condition, values: Mapping[str, object]) -> Verdict:
    status = check_condition(cond, values)
    value = values.get(cond.field, cond.missing_as)
    return Verdict(
        group=group,
        label=label,
        status=status,
        status_label=_STATUS[status],
        value=format_value(cond.field, value),
        threshold=_threshold_text(cond, cond.threshold(values)),
        gap=_gap(cond, values, status),
    )


def _high_tech(rs: HighTechRuleSet, values: Mapping[str, object]) -> list[Verdict]:
    rows = []
    for check in rs.checks:
        if check.judgement:
            status = "needs_judgement"
            rows.append(Verdict(check.label, check.label, status, _STATUS[status], "—", "—", "需专家评审"))
            continue
        found = [
            _row(check.label, scoring.FIELDS[cond.field].short_label, cond, values)
            for cond in check.conditions or check.any_of
        ]
        if check.any_of and any(v.status == "pass" for v in found):
            found = [v for v in found if v.status == "pass"]  # one alternative is enough
        rows.extend(found)
    return rows


def _tech_sme(rs: TechSmeRuleSet, values: Mapping[str, object]) -> list[Verdict]:
    return [_row("基本条件", label, cond, values) for _, label, cond in rs.conditions]


def verdicts(
    figures: Mapping[str, object], rule_set: str, rule_dirs: Sequence[Path] = ()
) -> list[Verdict]:
    """Every condition of a qualification rule set; [] for a points rule set (it has suggestions)."""
    rs = scoring.load_rule_set(rule_set, rule_dirs)
    if not isinstance(rs, HighTechRuleSet | TechSmeRuleSet):
        return []
    values, _ = prepare(figures)
    return _high_tech(rs, values) if isinstance(rs, HighTechRuleSet) else _tech_sme(rs, values)
