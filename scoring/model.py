"""Compiled rule-set objects (规则集): curves, steps, levels, conditions and the three rule kinds."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from dataclasses import field as dc_field
from pathlib import Path
from typing import Literal

from scoring.fields import Value

__all__ = [
    "Approximation",
    "BonusItem",
    "Category",
    "Check",
    "Condition",
    "Curve",
    "FirstOf",
    "HighTechRuleSet",
    "Indicator",
    "Levels",
    "MaxOf",
    "Part",
    "PointsRuleSet",
    "Rule",
    "RuleSet",
    "RuleTree",
    "Stage",
    "Step",
    "StepRule",
    "Steps",
    "Target",
    "TechSmeRuleSet",
    "Veto",
    "compare",
    "leaves",
]

Op = Literal["le", "lt", "ge", "gt", "eq", "ne", "in"]

Target = Value | tuple[Value, ...]
"""What a value is compared with: one value, or the values of an `in` comparison."""


def compare(op: str, value: Value, target: Target) -> bool:
    """One comparison of a condition or step, the same everywhere it is used."""
    if op == "eq":
        return value == target
    if op == "ne":
        return value != target
    if op == "in":
        return value in target if isinstance(target, tuple) else value == target
    if isinstance(target, tuple):  # only `in` compares with several values
        return False
    v, t = float(value), float(target)
    if op == "le":
        return v <= t
    if op == "lt":
        return v < t
    if op == "ge":
        return v >= t
    return v > t


@dataclass(frozen=True)
class Curve:
    """Points (x, s): 0 below the first x, linear between points, last s at/above the last x."""

    xs: tuple[float, ...]
    ss: tuple[float, ...]

    def value(self, x: float) -> float:
        """s at x; the formula is mirrored element-wise by batch scoring (keep them identical)."""
        xs, ss = self.xs, self.ss
        if x < xs[0]:
            return 0.0
        if x >= xs[-1]:
            return float(ss[-1])
        i = 1
        while x >= xs[i]:
            i += 1
        x0, x1, s0, s1 = xs[i - 1], xs[i], ss[i - 1], ss[i]
        return s0 + (x - x0) * ((s1 - s0) / (x1 - x0))

    def next_x(self, x: float) -> float | None:
        """The next curve point above x that raises s (what a suggestion moves the input to)."""
        current = self.value(x)
        for px, ps in zip(self.xs, self.ss, strict=True):
            if px > x and ps > current:
                return float(px)
        return None


@dataclass(frozen=True)
class Step:
    """One line of a step table: `op threshold -> s`, or the `else` line (op None)."""

    op: str | None
    threshold: float
    s: float


@dataclass(frozen=True)
class Steps:
    """A step table read top-down, first match wins; None when nothing matches and no else."""

    steps: tuple[Step, ...]

    def value(self, x: float) -> float | None:
        """s of the first matching line."""
        for step in self.steps:
            if step.op is None or compare(step.op, x, step.threshold):
                return step.s
        return None

    def next_x(self, x: float) -> float | None:
        """The nearest threshold whose line scores higher than x does now."""
        current = self.value(x) or 0.0
        best: float | None = None
        for step in self.steps:
            if step.op is None or step.s <= current:
                continue
            if best is None or abs(step.threshold - x) < abs(best - x):
                best = step.threshold
        return best


@dataclass(frozen=True)
class Levels:
    """Enum value -> s."""

    levels: Mapping[str, float]

    def value(self, x: Value) -> float:
        """s of the level (an unknown level cannot happen: validation rejects it)."""
        return float(self.levels.get(str(x), 0.0))

    def next_x(self, x: Value) -> str | None:
        """The level with the next higher s."""
        current = self.value(x)
        higher = sorted((s, k) for k, s in self.levels.items() if s > current)
        return higher[0][1] if higher else None


Rule = Curve | Steps | Levels


@dataclass(frozen=True)
class Category:
    """A category of indicators (技术创新 / 成长经营 / 辅助)."""

    id: str
    label: str


@dataclass(frozen=True)
class Stage:
    """A life stage (生命周期阶段) by revenue; `below` is an exclusive upper bound."""

    id: str
    label: str
    below: float | None
    totals: Mapping[str, float]


@dataclass(frozen=True)
class Indicator:
    """A base indicator: a field scored by a rule, weighted in its category."""

    field: str
    category: str
    weight: float
    rule: Rule


@dataclass(frozen=True)
class BonusItem:
    """A bonus or deduction line: by level, when a flag holds, or per unit up to a max."""

    field: str
    levels: Mapping[str, float] = dc_field(default_factory=dict)
    when: Value | None = None
    points: float = 0.0
    per_unit: float = 0.0
    max: float | None = None

    def value(self, x: Value | None) -> float:
        """Points of this line for the field value x (None = not given = 0)."""
        if x is None:
            return 0.0
        if self.levels:
            return float(self.levels.get(str(x), 0.0))
        if self.per_unit:
            pts = float(x) * self.per_unit
            return pts if self.max is None else min(pts, self.max)
        return self.points if x == self.when else 0.0


@dataclass(frozen=True)
class Veto:
    """A one-vote veto (一票否决): the field equals `when`."""

    field: str
    when: Value
    reason: str


@dataclass(frozen=True)
class PointsRuleSet:
    """Weighted indicators by life stage, bonus, vetoes, deductions and bands (cn-ref-2024)."""

    id: str
    version: str
    title: str
    disclaimer: str
    source: Path
    categories: tuple[Category, ...]
    stage_field: str
    stages: tuple[Stage, ...]
    reference_stage: str
    default_stage: str
    indicators: tuple[Indicator, ...]
    bonus_cap: float
    bonus: tuple[BonusItem, ...]
    vetoes: tuple[Veto, ...]
    deductions: tuple[BonusItem, ...]
    bands: tuple[tuple[float | None, str], ...]
    scaled_weights: Mapping[str, tuple[float, ...]]
    kind: Literal["points"] = "points"

    def stage_for(self, revenue: float | None) -> Stage:
        """The life stage of a revenue (the default stage when unknown)."""
        if revenue is None:
            return self.stage_by_id(self.default_stage)
        for stage in self.stages:
            if stage.below is None or revenue < stage.below:
                return stage
        return self.stages[-1]

    def stage_by_id(self, stage_id: str) -> Stage:
        """A stage by id."""
        return next(s for s in self.stages if s.id == stage_id)

    def band(self, total: float) -> str:
        """The band label of a total."""
        for minimum, label in self.bands:
            if minimum is None or total >= minimum:
                return label
        return self.bands[-1][1]

    @property
    def max_total(self) -> float:
        """The largest total any firm can reach (largest stage total plus the bonus cap)."""
        return max(sum(s.totals.values()) for s in self.stages) + self.bonus_cap


@dataclass(frozen=True)
class Approximation:
    """A stand-in field for a condition's own (one year's ratio for the three-year one), named when used."""

    by: str
    tag: str
    note: str


@dataclass(frozen=True)
class Condition:
    """field op value; the threshold may depend on another field's band; missing_as fills gaps."""

    field: str
    op: str
    value: Target | None = None
    missing_as: Value | None = None
    band_field: str | None = None
    bands: tuple[Step, ...] = ()
    approximate: Approximation | None = None

    def stand_in(self, values: Mapping[str, Value]) -> Approximation | None:
        """The approximation this firm's check uses: its own field is missing, the stand-in is known."""
        a = self.approximate
        if a is None or values.get(self.field) is not None or values.get(a.by) is None:
            return None
        return a

    def effective(self, values: Mapping[str, Value]) -> Condition:
        """The condition as evaluated for these values: on the stand-in field when it is used."""
        a = self.stand_in(values)
        return self if a is None else replace(self, field=a.by, approximate=None)

    def threshold(self, values: Mapping[str, Value]) -> Target | None:
        """The threshold for this firm (band by band_field when given), None if undecidable."""
        if self.band_field is None:
            return self.value
        x = values.get(self.band_field)
        if x is None:
            return None
        for band in self.bands:
            if band.op is None or compare(band.op, x, band.threshold):
                return band.s
        return None


@dataclass(frozen=True)
class StepRule:
    """A sub-score read from one field's step table."""

    field: str
    steps: Steps


@dataclass(frozen=True)
class MaxOf:
    """The highest of several rules (研发投入: whichever ratio scores more)."""

    rules: tuple[RuleTree, ...]


@dataclass(frozen=True)
class FirstOf:
    """The first rule that matches (科技成果: Ⅰ类 first, then Ⅱ类)."""

    rules: tuple[RuleTree, ...]


RuleTree = StepRule | MaxOf | FirstOf


def leaves(tree: RuleTree) -> list[StepRule]:
    """The step tables of a rule tree, in file order."""
    if isinstance(tree, StepRule):
        return [tree]
    return [leaf for sub in tree.rules for leaf in leaves(sub)]


@dataclass(frozen=True)
class Part:
    """A tech-SME sub-score: id, label, max and its rule tree."""

    id: str
    label: str
    max: float
    rule: RuleTree


@dataclass(frozen=True)
class TechSmeRuleSet:
    """Conditions, sub-scores and qualification routes (tech-sme-2022)."""

    id: str
    version: str
    title: str
    disclaimer: str
    source: Path
    conditions: tuple[tuple[str, str, Condition], ...]
    parts: tuple[Part, ...]
    pass_score: float
    positive_parts: tuple[str, ...]
    score_route: tuple[str, str]
    direct_routes: tuple[tuple[str, str, Condition], ...]
    kind: Literal["tech_sme"] = "tech_sme"


@dataclass(frozen=True)
class Check:
    """One threshold check of the high-tech test."""

    id: str
    label: str
    conditions: tuple[Condition, ...] = ()
    any_of: tuple[Condition, ...] = ()
    judgement: bool = False
    known: tuple[str, ...] = ()


@dataclass(frozen=True)
class HighTechRuleSet:
    """Threshold checks and which of them decide 'likely meets' (high-tech-2016)."""

    id: str
    version: str
    title: str
    disclaimer: str
    source: Path
    checks: tuple[Check, ...]
    required: tuple[str, ...]
    kind: Literal["high_tech"] = "high_tech"


RuleSet = PointsRuleSet | TechSmeRuleSet | HighTechRuleSet
