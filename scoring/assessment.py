"""Where a firm stands (差距评估): a result plus every condition's gap, the sub-scores' next steps
and, when a score decides, the smallest set of changes that reaches it — all by the same engine."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations, product
from pathlib import Path

from scoring.engine import score_points
from scoring.errors import InputError, RuleSetError
from scoring.fields import FIELDS, Value
from scoring.gaps import (
    Gap,
    GapStatus,
    Lever,
    condition_gap,
    given_and_values,
    lever_for,
    lever_phrase,
)
from scoring.loader import load_rule_set
from scoring.model import (
    Check,
    Condition,
    HighTechRuleSet,
    PointsRuleSet,
    Steps,
    TechSmeRuleSet,
    leaves,
)
from scoring.qualification import score_high_tech, score_tech_sme
from scoring.results import CheckStatus, Result, ScoreResult, TechSmeResult

__all__ = ["Assessment", "Option", "PartGap", "Plan", "assess"]

MAX_LEVELS = 4  # steps tried per lever when looking for the smallest plan


@dataclass(frozen=True)
class Option:
    """One way to raise a sub-score: the lever and the part's points after it."""

    lever: Lever
    points_after: float
    text: str


@dataclass(frozen=True)
class PartGap:
    """A sub-score (科技人员 / 研发投入 / 科技成果) and the next step of each of its measures."""

    id: str
    label: str
    points: float
    max: float
    options: tuple[Option, ...]
    missing: tuple[str, ...] = ()  # its measures, when none was given (scored 0 for lack of data)


@dataclass(frozen=True)
class Plan:
    """The fewest changes that reach the pass score, and the score they give."""

    levers: tuple[Lever, ...]
    score_after: float
    text: str


@dataclass(frozen=True)
class Assessment:
    """A result and where the firm stands against it."""

    rule_set: str
    result: Result
    gaps: tuple[Gap, ...] = ()
    parts: tuple[PartGap, ...] = ()
    points_needed: float | None = None  # to the pass score (科小) or the next band (积分)
    target: str | None = None  # what points_needed reaches: "60 分", "良好（70 分）"
    plan: Plan | None = None
    grades: tuple[tuple[str, float], ...] = ()  # the rule set's named grades (label, minimum), highest first

    @property
    def levers(self) -> list[Lever]:
        """Every change this assessment proposes (conditions, sub-score steps, plan)."""
        found = [g.lever for g in self.gaps if g.lever is not None]
        found += [o.lever for p in self.parts for o in p.options]
        found += list(self.plan.levers) if self.plan else []
        return found

    @property
    def unscored(self) -> float:
        """Points of the sub-scores left at 0 for lack of data: what the verdict cannot rule out."""
        return sum(p.max - p.points for p in self.parts if p.missing)

    @property
    def unconfirmed(self) -> list[str]:
        """Yes/no fields the verdict relied on without the user saying so."""
        if isinstance(self.result, ScoreResult):
            return list(self.result.unconfirmed)
        return [g.measure for g in self.gaps if g.assumed and g.measure]


def assess(
    figures: Mapping[str, object], rule_set: str = "cn-ref-2024", *, extra_dirs: Sequence[Path] = ()
) -> Assessment:
    """Score figures and say, per condition, what it takes to pass (raises InputError)."""
    rs = load_rule_set(rule_set, extra_dirs)
    given, values = given_and_values(figures)
    if isinstance(rs, HighTechRuleSet):
        return _high_tech(rs, figures, given, values)
    if isinstance(rs, TechSmeRuleSet):
        return _tech_sme(rs, figures, given, values)
    if isinstance(rs, PointsRuleSet):
        return _points(rs, figures)
    raise RuleSetError("未知的规则集类型")


# --- high-tech ------------------------------------------------------------------------------


def _high_tech(
    rs: HighTechRuleSet, figures: Mapping[str, object], given: Mapping[str, Value], values: Mapping[str, Value]
) -> Assessment:
    result = score_high_tech(rs, figures)
    status = {c.id: c.status for c in result.checks}
    gaps = tuple(_check_gap(check, status[check.id], values, given) for check in rs.checks)
    return Assessment(rs.id, result, gaps)


def _check_gap(check: Check, status: CheckStatus, values: Mapping[str, Value], given: Mapping[str, Value]) -> Gap:
    """One high-tech check as a gap: its main measure, or every way out of an any-of."""
    if check.judgement:
        return Gap(check.id, check.label, "needs_judgement", None, None, None, None, None, None, (), False,
                   f"{check.label}：需专家评审判断")
    conds = check.conditions or check.any_of
    parts = [condition_gap(check.id, check.label, c, values, given) for c in conds]
    open_ = [g for g in parts if g.status != "pass"]
    if check.any_of:
        main = next((g for g in parts if g.status == "pass"), parts[0])
        if status != "pass" and not any(g.lever for g in parts):
            need = "或".join(FIELDS[g.measure].short_label for g in parts if g.measure)
            return _with(main, status, f"{check.label}：需补充{need}数量")
        if status == "fail":
            ways = "或".join(lever_phrase(g.lever).removeprefix("还需增加 ") for g in parts if g.lever)
            text = f"{check.label}：还需增加 {ways}" if ways else f"{check.label}：未达标"
            return _with(main, status, text, lever=next((g.lever for g in parts if g.lever), None))
        return _with(main, status, main.text)
    shown = [g for g in parts if g.status == "fail"] or open_ or parts[:1]
    main = shown[0]
    extra = [g for g in parts if g.assumed and g not in shown]
    text = "；".join(g.text for g in [*shown, *extra])
    missing = tuple(dict.fromkeys(f for g in parts for f in g.missing))
    assumed = any(g.assumed for g in parts)
    return Gap(check.id, check.label, status, main.measure, main.value, main.op, main.threshold, main.band,
               main.lever, missing, assumed, text)


def _with(gap: Gap, status: GapStatus, text: str, lever: Lever | None = None) -> Gap:
    return Gap(gap.id, gap.label, status, gap.measure, gap.value, gap.op, gap.threshold, gap.band,
               lever or gap.lever, gap.missing, gap.assumed, text)


# --- tech-SME -------------------------------------------------------------------------------


def _ladder(field: str, steps: Steps, values: Mapping[str, Value], given: Mapping[str, Value]) -> list[Lever]:
    """Successive step thresholds above the firm's value, each as a lever (at most MAX_LEVELS)."""
    ladder: list[Lever] = []
    start = values.get(field)
    x = float(start) if start is not None else 0.0
    for _ in range(MAX_LEVELS):
        target = steps.next_x(x)
        if target is None or target <= x:
            break
        lever = lever_for(Condition(field, "ge", target), values, given)
        if lever is None:
            break
        ladder.append(lever)
        x = target
    return ladder


def _sme_score(rs: TechSmeRuleSet, figures: Mapping[str, object], levers: Sequence[Lever]) -> TechSmeResult | None:
    trial = dict(figures)
    for lever in levers:
        trial[lever.field] = lever.after
    try:
        return score_tech_sme(rs, trial)
    except InputError:
        return None


def _part_options(
    rs: TechSmeRuleSet, figures: Mapping[str, object], part_id: str, label: str, now: float, ladders: list[list[Lever]]
) -> list[Option]:
    """Each measure's next mark, as the smallest change of its input that reaches it: 研发费用 raises both
    ratios, so the intensity step (+100 万 → 50 分) beats the cost-ratio step that also gets there (+210 万)."""
    reached: list[tuple[Lever, float]] = []  # every step of every ladder and the part's points after it
    for lever in (lv for ladder in ladders for lv in ladder):
        after = _sme_score(rs, figures, (lever,))
        if after is not None:
            reached.append((lever, next(p.points for p in after.parts if p.id == part_id)))
    options: dict[tuple[str, float], Option] = {}
    for ladder in ladders:
        first = next((g for lv, g in reached if lv is ladder[0]), None)
        if first is None or first <= now:
            continue
        lever, gained = min(((lv, g) for lv, g in reached if lv.field == ladder[0].field and g >= first),
                            key=lambda pair: (pair[0].delta, -pair[1]))
        text = f"{lever_phrase(lever)}，{label} {now:g} → {gained:g} 分"
        options.setdefault((lever.field, float(lever.after)), Option(lever, gained, text))
    order = list(dict.fromkeys(ladder[0].field for ladder in ladders))  # measures in the rule's order
    return sorted(options.values(), key=lambda o: (order.index(o.lever.field), o.lever.delta))


def _score_passes(rs: TechSmeRuleSet, result: TechSmeResult) -> bool:
    by_id = {p.id: p.points for p in result.parts}
    return result.score >= rs.pass_score and all(by_id[p] > 0 for p in rs.positive_parts)


def _tech_sme(
    rs: TechSmeRuleSet, figures: Mapping[str, object], given: Mapping[str, Value], values: Mapping[str, Value]
) -> Assessment:
    result = score_tech_sme(rs, figures)
    gaps = tuple(condition_gap(cid, label, cond, values, given) for cid, label, cond in rs.conditions)
    points = {p.id: p for p in result.parts}
    parts: list[PartGap] = []
    axes: list[list[Lever]] = []
    for part in rs.parts:
        ladders = [ladder for leaf in leaves(part.rule) if (ladder := _ladder(leaf.field, leaf.steps, values, given))]
        axes.extend(ladders)
        options = _part_options(rs, figures, part.id, part.label, points[part.id].points, ladders)
        measures = tuple(dict.fromkeys(leaf.field for leaf in leaves(part.rule)))
        missing = () if any(values.get(f) is not None for f in measures) else measures
        parts.append(PartGap(part.id, part.label, points[part.id].points, part.max, tuple(options), missing))
    needed = max(0.0, rs.pass_score - result.score)
    plan = None if _score_passes(rs, result) else _plan(rs, figures, axes)
    return Assessment(rs.id, result, gaps, tuple(parts), needed, f"{rs.pass_score:g} 分", plan)


def _plan(rs: TechSmeRuleSet, figures: Mapping[str, object], axes: list[list[Lever]]) -> Plan | None:
    """Known inputs first, then fewest levers, fewest steps and the lowest passing score; a shorter
    route through inputs not given yet (one 发明专利 scores the whole 科技成果 part) follows as "或"."""
    passing = list(_passing(rs, figures, axes))
    best = min((p for p in passing if p[0][1] <= 2), key=lambda p: p[0], default=None)
    if best is None:
        return None
    key, levers, score = best
    fields = {lv.field for lv in levers}
    others = [p for p in passing if p[1] != levers and (
        _steps(p[0]) < _steps(key) or (p[0][1] <= key[1] and not fields & {lv.field for lv in p[1]}))]
    text = f"{_route(levers)}，评分可达 {score:g} 分"
    if others:
        _, alt, alt_score = min(others, key=lambda p: (_steps(p[0]), *p[0][1:]))
        text += f"；或{_route(alt)}，评分可达 {alt_score:g} 分"
    return Plan(levers, score, text)


def _steps(key: tuple[int, int, int, float]) -> int:
    """Inputs changed plus the steps climbed on them: how far a route goes."""
    return key[1] + key[2]


def _passing(
    rs: TechSmeRuleSet, figures: Mapping[str, object], axes: list[list[Lever]]
) -> Iterator[tuple[tuple[int, int, int, float], tuple[Lever, ...], float]]:
    """Every change of one to three inputs that passes, keyed (unknown inputs, inputs, steps, score)."""
    for size in (1, 2, 3):
        for chosen in combinations(axes, size):
            if len({ladder[0].field for ladder in chosen}) < size:
                continue  # two ratios of one input (研发费用) are one lever
            for levels in product(*(range(len(ladder)) for ladder in chosen)):
                levers = tuple(ladder[i] for ladder, i in zip(chosen, levels, strict=True))
                after = _sme_score(rs, figures, levers)
                if after is not None and _score_passes(rs, after):
                    unknown = sum(lv.before is None for lv in levers)
                    yield (unknown, size, sum(levels), after.score), levers, after.score


def _route(levers: Sequence[Lever]) -> str:
    return "，".join(lever_phrase(lv).removeprefix("还需") for lv in levers)


# --- innovation points ------------------------------------------------------------------------


def _points(rs: PointsRuleSet, figures: Mapping[str, object]) -> Assessment:
    result = score_points(rs, figures)
    total = result.total if result.total is not None else result.rectified_total
    grades = tuple((label, m) for m, label in rs.bands if m is not None)
    higher = [(m, label) for m, label in rs.bands if m is not None and m > total]
    if not higher:
        return Assessment(rs.id, result, grades=grades)
    minimum, label = min(higher)
    return Assessment(rs.id, result, points_needed=round(minimum - total, 2), target=f"{label}（{minimum:g} 分）",
                      grades=grades)

