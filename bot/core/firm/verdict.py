"""The chat's one renderer of results (结果): verdicts that show where the firm stands — per
condition its value, the threshold and the gap, the sub-scores and the official measure — and the
points estimate's indicator layout. Each renderer `match`es on the result type."""

from __future__ import annotations

from collections.abc import Callable

from bot.core.estimate.port import FieldSpec, Result
from bot.core.firm.records import record_labels
from bot.core.firm.vocab import FirmVocab
from bot.core.texts import Texts
from scoring.assessment import Assessment
from scoring.fields import DERIVED, FIELDS
from scoring.gaps import Gap, fmt_number
from scoring.results import HighTechResult, IndicatorScore, ScoreResult, TechSmeResult

__all__ = [
    "is_pending",
    "points_gap_line",
    "records_line",
    "render_focus",
    "render_gaps",
    "render_improve",
    "render_points",
    "render_result",
    "render_verdict",
    "verdict_line",
    "warning_lines",
    "weak_fields",
    "weakest_indicators",
]

FieldLookup = Callable[[str], FieldSpec | None]


def verdict_line(a: Assessment, v: FirmVocab) -> str:
    """One line: the check's outcome (used alone in before → after comparisons)."""
    match a.result:
        case HighTechResult() as r:
            if r.likely_meets:
                return _unless_unconfirmed(a, v, "verdict.hightech_ok")
            return v.get("verdict.hightech_pending" if is_pending(a) else "verdict.hightech_fail")
        case TechSmeResult() as r:
            if r.qualifies:
                return _unless_unconfirmed(a, v, "verdict.sme_ok", score=fmt_number(r.score), route=r.route_label or "")
            if is_pending(a):
                route = _pending_route(r, a, v)
                return v.get("verdict.sme_pending", score=fmt_number(r.score), route=route)
            return v.get("verdict.sme_fail", score=fmt_number(r.score), reasons="；".join(r.reasons) or "未满足评价条件")
        case ScoreResult() as r if r.vetoed:
            return v.get("verdict.points_vetoed", reasons="、".join(r.veto_reasons),
                         after=fmt_number(r.rectified_total))
        case ScoreResult() as r:
            line = v.get("verdict.points", total=fmt_number(r.total or 0), band=r.band or "")
            return "\n".join(x for x in (line, records_line(a, v)) if x)


def records_line(a: Assessment, v: FirmVocab) -> str:
    """A points estimate whose veto/deduction items were never confirmed says so ('' otherwise)."""
    if not isinstance(a.result, ScoreResult) or not a.unconfirmed:
        return ""
    labels = record_labels(a.unconfirmed, v, lambda f: FIELDS[f].short_label if f in FIELDS else f)
    return v.get("points_unconfirmed", mark=v.lookup("marks", "missing"), labels=labels)


def _unless_unconfirmed(a: Assessment, v: FirmVocab, key: str, **values: str) -> str:
    """A pass headline holds only if the veto items never confirmed are confirmed (spec §4): it names them."""
    if not a.unconfirmed:
        return v.get(key, **values)
    labels = "、".join(FIELDS[f].short_label if f in FIELDS else f for f in a.unconfirmed)
    return v.get(f"{key}_unconfirmed", labels=labels, **values)


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
    lines = [verdict_line(a, v)]
    match a.result:
        case TechSmeResult() as r:
            lines += _sme_lines(r, a, v)
            lines += _gap_lines(a, v, only_open=True)
            if not r.qualifies and not is_pending(a) and all(g.status != "fail" for g in a.gaps):
                lines += _improve_sme(a, v)  # a failed condition (too large) is not fixed by more points
                lines.append(v.get("sme_route"))
        case HighTechResult():
            lines += _gap_lines(a, v, only_open=False)
        case ScoreResult() as r:
            lines += _points_lines(r, a, v)
    lines += warning_lines(warnings, v)
    lines.append(v.lookup("basis", a.rule_set, ""))
    return "\n".join(line for line in lines if line)


def render_result(a: Assessment, v: FirmVocab, texts: Texts, field: FieldLookup) -> str:
    """A finished dialogue's result: the points estimate in its indicator layout, a check as its verdict."""
    match a.result:
        case ScoreResult() as r:
            return render_points(r, field, texts)
        case TechSmeResult() | HighTechResult():
            return render_verdict(a, v, [])


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
        lines.append(_plan_line(a, v, a.plan.text))
    return lines


def _plan_line(a: Assessment, v: FirmVocab, plan: str) -> str:
    """The smallest plan reaches the score; with a hard condition failed (营收 > 2 亿) it reaches no more."""
    failed = any(g.status == "fail" for g in a.gaps)
    return v.get("sme_plan_blocked" if failed else "sme_plan", plan=plan)


def render_gaps(a: Assessment, v: FirmVocab, grade_line: str | None = None) -> str:
    """"差在哪 / 还差多少": only what is not yet met, with the amounts; grade_line: the gap to a
    grade the manager named, in place of the gap to the next one."""
    name = v.lookup("check_names", a.rule_set)
    lines = []
    match a.result:
        case ScoreResult() as r:
            points = _points_lines(r, a, v)
            return "\n".join([grade_line, *points[1:]] if grade_line else points)
        case TechSmeResult() as r:
            lines += _sme_lines(r, a, v)
    open_ = _gap_lines(a, v, only_open=True)
    if not open_ and len(lines) <= 1:
        return v.get("gaps_none", name=name)
    lines = [v.get("gaps_header", name=name), *lines, *open_]
    if isinstance(a.result, TechSmeResult) and a.plan is not None:
        lines.append(_plan_line(a, v, a.plan.text))
    return "\n".join(lines)


def render_improve(a: Assessment, v: FirmVocab) -> str:
    """"怎么提高": the changes that move the verdict, smallest first."""
    name = v.lookup("check_names", a.rule_set)
    match a.result:
        case ScoreResult() as r:
            return "\n".join(_points_lines(r, a, v))
        case TechSmeResult():
            lines = _improve_sme(a, v)
        case HighTechResult():
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


# --- the points estimate's layout after a dialogue ---------------------------------------------


def weakest_indicators(r: ScoreResult, n: int = 3) -> list[IndicatorScore]:
    """The n supplied indicators furthest from their maximum (missing ones only to fill up); one
    already at full marks has nothing to improve, so it is never listed."""
    indicators = [i for i in r.indicators if i.weight > 0 and (i.missing or i.points < i.weight)]
    supplied = sorted((i for i in indicators if not i.missing), key=lambda i: (i.points / i.weight, -i.weight))
    missing = sorted((i for i in indicators if i.missing), key=lambda i: -i.weight)
    return (supplied + missing)[:n]


def weak_fields(result: Result) -> list[str]:
    """The fields a policy search should look for help with: the points estimate's weakest."""
    return [i.field for i in weakest_indicators(result)] if isinstance(result, ScoreResult) else []


def render_points(r: ScoreResult, field: FieldLookup, texts: Texts) -> str:
    """Total, band and stage, the three weakest indicators, suggestions and the disclaimer."""
    stage = r.stage_label or texts.lookup("stages", r.stage)
    if r.vetoed:
        reasons = "、".join(r.veto_reasons)
        lines = [texts.get("result_cn_ref_vetoed", reasons=reasons, after=_shown(r.base + r.bonus))]
    else:
        lines = [texts.get("result_cn_ref", total=_shown(r.total), band=r.band or "", stage=stage)]
    if r.deductions > 0:
        lines.append(texts.get("result_deductions", deductions=_shown(r.deductions)))
    weakest = weakest_indicators(r)
    if weakest:
        few = len(weakest) < 3  # the rest are at full marks: say so, never pad the list
        lines.append(texts.get("weakest_header_few", count=len(weakest)) if few else texts.get("weakest_header"))
        lines += [texts.get("weakest_item", label=i.label or i.field, points=_shown(i.points),
                            weight=_shown(i.weight), missing=texts.get("missing_mark") if i.missing else "")
                  for i in weakest]
    missing = [i for i in r.indicators if i.missing]
    if missing and all(not i.missing for i in weakest):
        points = _shown(sum(i.weight for i in missing))
        lines.append(texts.get("missing_summary", count=len(missing), points=points))
    if r.suggestions:
        lines.append(texts.get("suggestions_header"))
    for s in r.suggestions[:3]:
        if s.text:
            lines.append(f"· {s.text}")
            continue
        spec = field(s.field)
        lines.append(texts.get("suggestion_item", label=spec.label if spec is not None else s.field,
                               from_=_shown(s.from_value), to=_shown(s.to_value), gain=f"{s.gain:.2f}"))
    lines.append(texts.get("disclaimer"))
    return "\n".join(lines)


def _shown(value: object) -> str:
    """Numbers without trailing zeros ("72.5", "3000"); None as "—"; enum keys as they are."""
    if value is None:
        return "—"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    return fmt_number(value)
