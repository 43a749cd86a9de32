"""Short readable Chinese summaries of results: the renderer of the document family (`innobot score`
without --json, the web self-assessment page and its PDF report); chat replies have their own."""

from __future__ import annotations

from scoring.results import HighTechResult, Result, ScoreResult, TechSmeResult

__all__ = ["summarize"]

_STATUS = {"pass": "✓ 通过", "fail": "✗ 未通过", "needs_judgement": "? 需判断", "missing": "? 未提供"}


def _points(r: ScoreResult) -> list[str]:
    lines = [r.title]
    if r.vetoed:
        lines.append(f"阶段：{r.stage_label}　结果：一票否决（{'；'.join(r.veto_reasons)}）")
        lines.append(f"整改后可得：{r.rectified_total:.2f} 分")
    else:
        lines.append(f"阶段：{r.stage_label}　总分：{r.total:.2f}（{r.band}）")
    lines.append("　".join(f"{c.label} {c.points:.2f}/{c.max:g}" for c in r.categories))
    lines.append(f"基础分 {r.base:.2f}　加分 {r.bonus:.2f}　扣分 {r.deductions:.2f}")
    if r.suggestions:
        lines.append("提分建议：")
        lines += [f"  {i}. {s.text}" for i, s in enumerate(r.suggestions, 1)]
    return lines


def _tech_sme(r: TechSmeResult) -> list[str]:
    lines = [r.title, f"评分：{r.score:g} 分（" + "，".join(f"{p.label} {p.points:g}/{p.max:g}" for p in r.parts) + "）"]
    if r.qualifies:
        lines.append(f"结论：符合条件（{r.route_label}）")
    else:
        lines.append("结论：暂不符合")
        lines += [f"  - {reason}" for reason in r.reasons]
    return lines


def _high_tech(r: HighTechResult) -> list[str]:
    verdict = "可能满足硬性条件" if r.likely_meets else "尚未确认满足全部硬性条件"
    lines = [r.title, f"结论：{verdict}"]
    lines += [f"  {_STATUS[c.status]}：{c.label}（{c.detail}）" for c in r.checks]
    return lines


def summarize(result: Result) -> str:
    """A few lines a manager can read at a glance, ending with warnings and the disclaimer."""
    match result:
        case ScoreResult():
            lines = _points(result)
        case TechSmeResult():
            lines = _tech_sme(result)
        case HighTechResult():
            lines = _high_tech(result)
    lines += [f"提示：{w}" for w in result.warnings]
    if result.disclaimer:
        lines.append(f"说明：{result.disclaimer}")
    return "\n".join(lines)
