"""Per-condition verdicts for the self-assessment page: the firm's value, the threshold, the gap.

The gaps come from the scoring library's assessment (scoring.assess: each lever re-checked by
the engine); this module only turns them into the page's rows and suggestion lines.
"""

from __future__ import annotations

from dataclasses import dataclass

import scoring
from scoring.fields import format_value
from scoring.gaps import Gap, lever_phrase

__all__ = ["Verdict", "suggestions", "verdicts"]

_STATUS = {"pass": "达标", "fail": "未达标", "missing": "未提供", "needs_judgement": "需专家判断"}
_SYMBOL = {"ge": "≥", "gt": ">", "le": "≤", "lt": "<", "eq": "须为", "ne": "不为", "in": "属于"}


@dataclass(frozen=True)
class Verdict:
    """One condition as the page and the report show it."""

    label: str
    status: str  # pass | fail | missing | needs_judgement
    status_label: str
    value: str
    threshold: str
    gap: str


def _shown(field: str | None, value: object) -> str:
    if field is None or field not in scoring.FIELDS:
        return "—"
    if isinstance(value, list | tuple):
        return "、".join(format_value(field, v) for v in value)
    return format_value(field, value)


def _gap_text(gap: Gap) -> str:
    if gap.status == "needs_judgement":
        return "需专家评审"
    if gap.status == "missing":
        labels = "、".join(scoring.FIELDS[f].short_label for f in gap.missing if f in scoring.FIELDS)
        return f"需补充{labels}" if labels else "需补充数据"
    if gap.assumed:
        return "未确认，请核实"
    if gap.status == "fail":
        return lever_phrase(gap.lever) if gap.lever is not None else "不符合该条件"
    return ""


def _row(gap: Gap) -> Verdict:
    status = "pass" if gap.status == "pass" else gap.status
    threshold = "—"
    if gap.op is not None and gap.threshold is not None:
        threshold = f"{_SYMBOL.get(gap.op, gap.op)} {_shown(gap.measure, gap.threshold)}"
        if gap.band:
            threshold += f"（{gap.band}）"
    value = "—" if gap.status == "needs_judgement" else _shown(gap.measure, gap.value)
    return Verdict(
        label=gap.label, status=status, status_label=_STATUS.get(status, status),
        value=value, threshold=threshold, gap=_gap_text(gap),
    )


def verdicts(assessment: scoring.Assessment) -> list[Verdict]:
    """Every condition of a qualification rule set; [] for a points rule set."""
    return [_row(g) for g in assessment.gaps]


def suggestions(assessment: scoring.Assessment) -> list[str]:
    """What to do next: the engine's re-scored suggestions, sub-score steps, or each failed gap."""
    result = assessment.result
    lines: list[str] = []
    if assessment.points_needed and assessment.target:
        lines.append(f"距 {assessment.target} 还差 {assessment.points_needed:g} 分")
    if isinstance(result, scoring.ScoreResult):
        return lines + [s.text for s in result.suggestions[:5] if s.text]
    if assessment.plan is not None:
        lines.append(assessment.plan.text)
    for part in assessment.parts:
        lines.extend(f"{part.label}：{o.text}" for o in part.options[:1])
    for row in verdicts(assessment):
        if row.status in ("fail", "missing") and row.gap:
            lines.append(f"{row.label}：{row.gap}")
    return lines
