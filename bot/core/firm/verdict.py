"""Verdicts that show where the firm stands: per condition its value, the threshold and the gap,
the sub-scores and the official measure — the same detail for all three rule sets."""

from __future__ import annotations

from collections.abc import Callable

from bot.core.estimate.port import FieldSpec
from bot.core.firm.vocab import FirmVocab
from scoring.assessment import Assessment
from scoring.fields import DERIVED, FIELDS
from scoring.gaps import Gap, fmt_number
from scoring.results import HighTechResult, ScoreResult, TechSmeResult

__all__ = [
    "points_gap_line",
    "render_focus",
    "render_gaps",
    "render_improve",
    "render_verdict",
    "is_pending",
    "verdict_line",
    "warning_lines",
]

FieldLookup = Callable[[str], FieldSpec | None]


def verdict_line(a: Assessment, v: FirmVocab) -> str:
    """One line: the check's outcome (used alone in before → after comparisons)."""
    r = a.result
    if isinstance(r, HighTechResult):
        if r.likely_meets:
            return v.get("verdict.hightech_ok")
        return v.get("verdict.hightech_pending" if is_pending(a) else "verdict.hightech_fail")
    if isinstance(r, TechSmeResult):
        if r.qualifies:
            return v.get("verdict.sme_ok", score=fmt_number(r.score), route=r.route_label or "")
        if is_pending(a):
            route = _pending_route(r, a, v)
            return v.get("verdict.sme_pending", score=fmt_number(r.score), route=route)
        return v.get("verdict.sme_fail", score=fmt_number(r.score))
    if r.vetoed:
        return v.get("verdict.points_vetoed", reasons="、".join(r.veto_reasons),
                     after=fmt_number(r.rectified_total))
    return v.get("verdict.points", total=fmt_number(r.total or 0), band=r.band or "")


def is_pending(a: Assessment) -> bool:
    """Nothing failed, but a fact the verdict needs is missing or unconfirmed: not yet "不符合"."""
    r = a.result
    if isinstance(r, TechSmeResult):
        could_pass = a.unscored > 0 and a.points_needed is not None and a.points_needed <= a.unscored
        if r.qualifies or not (r.routes_met or could_pass):
            return False
    if isinstance(r, HighTechResult) and r.likely_meets:
        return False
    return not isinstance(r, ScoreResult) and all(g.status != "fail" for g in a.gaps)


def _pending_route(r: TechSmeResult, a: Assessment, v: FirmVocab) -> str:
    """Why a 科小 verdict waiting for facts is not a "no": the score, a direct route or unscored parts."""
    if r.routes_met:
        return v.get("pending_route.score" if a.points_needed == 0 else "pending_route.direct", target=a.target or "")
    parts = "、".join(p.label for p in a.parts if p.missing)
    return v.get("pending_route.unscored", parts=parts, target=a.target or "")


def _unscored_lines(a: Assessment, v: FirmVocab) -> list[str]:
    """"❓ 科技成果 0/30：未提供发明专利、Ⅱ类知识产权，暂按 0 分计"."""
    return [v.get("unscored_part", mark=v.lookup("marks", "missing"), label=p.label, max=fmt_number(p.max),
                  fields="、".join(FIELDS[f].short_label if f in FIELDS else f for f in p.missing))
            for p in a.parts if p.missing]


def _mark(gap: Gap, v: FirmVocab) -> str:
    status = "missing" if gap.assumed else gap.status
    return v.lookup("marks", status, "·")


def _gap_lines(a: Assessment, v: FirmVocab, *, only_open: bool) -> list[str]:
    """One line a condition; yes/no conditions never confirmed are grouped into one line."""
    gaps = [g for g in a.gaps if (not only_open or g.status != "pass") and not g.assumed]
    if only_open:
        gaps.sort(key=lambda g: {"fail": 0, "missing": 1, "needs_judgement": 2}.get(g.status, 3))
    lines = [f"{_mark(g, v)} {g.text}" for g in gaps]
    assumed = [g.label for g in a.gaps if g.assumed]
    if assumed:
        lines.append(v.get("unconfirmed_line", mark=v.lookup("marks", "missing"), labels="；".join(assumed)))
    return lines


def _sme_lines(r: TechSmeResult, a: Assessment, v: FirmVocab) -> list[str]:
    parts = "，".join(f"{p.label} {fmt_number(p.points)}/{fmt_number(p.max)}" for p in r.parts)
    lines = [v.get("sme_parts", parts=parts), *_unscored_lines(a, v)]
    if not r.qualifies and a.points_needed and not is_pending(a):
        lines.append(v.get("sme_gap", score=fmt_number(r.score), target=a.target or "",
                           need=fmt_number(a.points_needed)))
    return lines


def render_verdict(a: Assessment, v: FirmVocab, warnings: list[str]) -> str:
    """The full verdict of one check, as a phone-sized reply."""
    r = a.result
    lines = [verdict_line(a, v)]
    if isinstance(r, TechSmeResult):
        lines += _sme_lines(r, a, v)
        lines += _gap_lines(a, v, only_open=True)
        if not r.qualifies and not is_pending(a) and all(g.status != "fail" for g in a.gaps):
            lines += _improve_sme(a, v)  # a failed condition (too large) is not fixed by more points
            lines.append(v.get("sme_route"))
    elif isinstance(r, HighTechResult):
        lines += _gap_lines(a, v, only_open=False)
    else:
        lines += _points_lines(r, a, v)
    lines += warning_lines(warnings, v)
    lines.append(v.lookup("basis", a.rule_set, ""))
    return "\n".join(line for line in lines if line)


def points_gap_line(a: Assessment, v: FirmVocab) -> str:
    """"当前 33.4 分，距中等（55 分）还差 21.6 分。" (empty when not a points result)."""
    r = a.result
    if not isinstance(r, ScoreResult) or r.total is None:
        return ""
    if a.points_needed is None:
        return v.get("points_top", total=fmt_number(r.total))
    return v.get("points_gap", total=fmt_number(r.total), target=a.target or "", need=fmt_number(a.points_needed))


def warning_lines(warnings: list[str], v: FirmVocab) -> list[str]:
    """A typed ratio that the figures contradict, flagged as the CLI does."""
    return [v.get("ratio_warning", message=w) for w in warnings]


def _points_lines(r: ScoreResult, a: Assessment, v: FirmVocab) -> list[str]:
    lines = [points_gap_line(a, v)]
    lines.append("　".join(f"{c.label} {fmt_number(c.points)}/{fmt_number(c.max)}" for c in r.categories))
    if r.suggestions:
        lines.append(v.get("improve_header", name="积分"))
        lines += [f"· {s.text}" for s in r.suggestions]
    missing = [i.label for i in r.indicators if i.missing]
    if missing:
        lines.append(f"未填写 {len(missing)} 项（最多 {fmt_number(r.missing_potential)} 分），补充后更准确。")
    return lines


def _improve_sme(a: Assessment, v: FirmVocab) -> list[str]:
    lines = []
    for p in a.parts:
        if p.options and p.points < p.max:
            options = "；或".join(o.text for o in p.options)
            lines.append(v.get("sme_options", label=p.label, points=fmt_number(p.points),
                               max=fmt_number(p.max), options=options))
    if a.plan is not None:
        lines.append(v.get("sme_plan", plan=a.plan.text))
    return lines


def render_gaps(a: Assessment, v: FirmVocab) -> str:
    """"差在哪 / 还差多少": only what is not yet met, with the amounts."""
    name = v.lookup("check_names", a.rule_set)
    r = a.result
    if isinstance(r, ScoreResult):
        return "\n".join(_points_lines(r, a, v))
    lines = []
    if isinstance(r, TechSmeResult):
        lines += _sme_lines(r, a, v)
    open_ = _gap_lines(a, v, only_open=True)
    if not open_ and len(lines) <= 1:
        return v.get("gaps_none", name=name)
    lines = [v.get("gaps_header", name=name), *lines, *open_]
    if isinstance(r, TechSmeResult) and a.plan is not None:
        lines.append(v.get("sme_plan", plan=a.plan.text))
    return "\n".join(lines)


def render_improve(a: Assessment, v: FirmVocab) -> str:
    """"怎么提高": the changes that move the verdict, smallest first."""
    name = v.lookup("check_names", a.rule_set)
    r = a.result
    if isinstance(r, ScoreResult):
        return "\n".join(_points_lines(r, a, v))
    if isinstance(r, TechSmeResult):
        lines = _improve_sme(a, v)
    else:
        lines = [f"{_mark(g, v)} {g.text}" for g in a.gaps if g.lever is not None or g.status == "missing"]
    if not lines:
        return v.get("gaps_none", name=name)
    return "\n".join([v.get("improve_header", name=name), *lines])


def render_focus(a: Assessment, field: str, label: str, v: FirmVocab) -> str:
    """"研发人员还要招几个": the gaps and steps that change this one input."""
    name = v.lookup("check_names", a.rule_set)
    lines = [f"{_mark(g, v)} {g.text}" for g in a.gaps if g.lever is not None and g.lever.field == field]
    lines += [f"· {p.label}：{o.text}" for p in a.parts for o in p.options if o.lever.field == field]
    r = a.result
    if isinstance(r, ScoreResult):
        lines += [f"· {s.text}" for s in r.suggestions if s.field == field]
    if lines:
        return "\n".join(lines)
    met = [g for g in a.gaps if g.status == "pass" and g.measure and field in (g.measure, *_operands(g))]
    if met:
        return v.get("focus_ok", label=label, detail=met[0].text)
    return v.get("focus_none", name=name, label=label)


def _operands(gap: Gap) -> tuple[str, ...]:
    d = DERIVED.get(gap.measure or "")
    return (d.num, d.den) if d else ()
