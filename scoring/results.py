"""Result types of the three rule kinds; `.to_dict()` is the JSON contract of `innobot score`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from scoring.fields import Value

__all__ = [
    "CategoryScore",
    "CheckResult",
    "CheckStatus",
    "ConditionResult",
    "ConditionStatus",
    "HighTechResult",
    "IndicatorScore",
    "ItemPoints",
    "PartScore",
    "Result",
    "ScoreResult",
    "Suggestion",
    "TechSmeResult",
]


ConditionStatus = Literal["pass", "fail", "missing"]
"""A condition holds, does not, or cannot be decided because a figure was not given."""

CheckStatus = Literal["pass", "fail", "needs_judgement"]
"""A high-tech check passes, fails, or needs an expert (or figures that were not given)."""


class _RuleSetResult(Protocol):
    """What every result kind says about the rule set that produced it."""

    @property
    def rule_set(self) -> str: ...
    @property
    def version(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def disclaimer(self) -> str: ...


def _head(result: _RuleSetResult) -> dict[str, Any]:
    """The keys every `innobot score` JSON object starts with, in the contract's order."""
    return {
        "rule_set": result.rule_set,
        "version": result.version,
        "kind": result.kind,
        "title": result.title,
        "disclaimer": result.disclaimer,
    }


@dataclass(frozen=True)
class IndicatorScore:
    """One base indicator: value used, score rate s, points, (stage) weight, missing flag."""

    field: str
    label: str
    category: str
    value: Value | None  # None when not given (missing)
    s: float
    points: float
    weight: float
    missing: bool

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        value = round(self.value, 4) if isinstance(self.value, float) else self.value
        return {
            "field": self.field,
            "label": self.label,
            "category": self.category,
            "value": value,
            "s": round(self.s, 4),
            "points": round(self.points, 2),
            "weight": round(self.weight, 4),
            "missing": self.missing,
        }


@dataclass(frozen=True)
class CategoryScore:
    """Points and maximum of one category in the firm's stage."""

    id: str
    label: str
    points: float
    max: float


@dataclass(frozen=True)
class ItemPoints:
    """A bonus or deduction line that applied."""

    field: str
    label: str
    value: Value
    points: float

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "field": self.field,
            "label": self.label,
            "value": self.value,
            "points": self.points,
        }


@dataclass(frozen=True)
class Suggestion:
    """One input moved to the next curve point and the re-scored gain."""

    field: str
    label: str
    from_value: Value
    to_value: Value
    gain: float
    indicator: str
    indicator_from: Value | None
    indicator_to: Value | None
    text: str

    def to_dict(self) -> dict[str, Any]:
        """JSON form (`from`/`to` are the changed input's values)."""
        return {
            "field": self.field,
            "label": self.label,
            "from": self.from_value,
            "to": self.to_value,
            "gain": round(self.gain, 2),
            "indicator": self.indicator,
            "indicator_from": _round_any(self.indicator_from),
            "indicator_to": _round_any(self.indicator_to),
            "text": self.text,
        }


def _round_any(x: Value | None) -> Value | None:
    return round(x, 4) if isinstance(x, float) else x


@dataclass(frozen=True)
class ScoreResult:
    """A preliminary innovation-points estimate (points rule sets such as cn-ref-2024)."""

    rule_set: str
    version: str
    title: str
    disclaimer: str
    stage: str
    stage_label: str
    total: float | None
    base: float
    bonus: float
    deductions: float
    band: str | None
    vetoed: bool
    veto_reasons: list[str]
    categories: list[CategoryScore]
    indicators: list[IndicatorScore]
    bonus_items: list[ItemPoints]
    deduction_items: list[ItemPoints]
    suggestions: list[Suggestion]
    warnings: list[str]
    rectified_total: float
    max_total: float
    kind: Literal["points"] = "points"
    unconfirmed: tuple[str, ...] = ()  # veto/deduction yes-no items never given: the total assumes "没有"

    @property
    def missing(self) -> list[str]:
        """Fields of indicators that were not supplied."""
        return [i.field for i in self.indicators if i.missing]

    @property
    def missing_potential(self) -> float:
        """Points that supplying the missing indicators could add at most."""
        return sum(i.weight for i in self.indicators if i.missing)

    def weakest(self, n: int = 3) -> list[IndicatorScore]:
        """The n supplied indicators furthest from their maximum (missing ones only to fill up), never
        one already at full marks."""
        weighted = [i for i in self.indicators if i.weight > 0 and (i.missing or i.s < 1)]
        supplied = [i for i in weighted if not i.missing]
        pool = supplied if len(supplied) >= n else weighted
        return sorted(pool, key=lambda i: (i.s, -i.weight))[:n]

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of spec §2.6 / the issue's CLI contract."""
        return {
            **_head(self),
            "stage": self.stage,
            "stage_label": self.stage_label,
            "total": self.total,
            "base": round(self.base, 2),
            "bonus": round(self.bonus, 2),
            "deductions": round(self.deductions, 2),
            "band": self.band,
            "vetoed": self.vetoed,
            "veto_reasons": list(self.veto_reasons),
            "rectified_total": self.rectified_total,
            "max_total": self.max_total,
            "categories": {
                c.label: {"id": c.id, "points": round(c.points, 2), "max": round(c.max, 2)}
                for c in self.categories
            },
            "indicators": [i.to_dict() for i in self.indicators],
            "missing": self.missing,
            "missing_potential": round(self.missing_potential, 2),
            "bonus_items": [b.to_dict() for b in self.bonus_items],
            "deduction_items": [d.to_dict() for d in self.deduction_items],
            "suggestions": [s.to_dict() for s in self.suggestions],
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True)
class ConditionResult:
    """A condition of a qualification test: pass / fail / missing (data not given)."""

    id: str
    label: str
    status: ConditionStatus

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"id": self.id, "label": self.label, "status": self.status}


@dataclass(frozen=True)
class PartScore:
    """A tech-SME sub-score (科技人员 / 研发投入 / 科技成果)."""

    id: str
    label: str
    points: float
    max: float


@dataclass(frozen=True)
class TechSmeResult:
    """Tech-SME self-evaluation: score, qualification, route, failed conditions."""

    rule_set: str
    version: str
    title: str
    disclaimer: str
    score: float
    qualifies: bool
    route: str | None
    route_label: str | None
    routes_met: list[str]
    parts: list[PartScore]
    conditions: list[ConditionResult]
    failed_conditions: list[ConditionResult]
    warnings: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    kind: Literal["tech_sme"] = "tech_sme"

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of `innobot score --rules tech-sme-2022`."""
        return {
            **_head(self),
            "score": self.score,
            "qualifies": self.qualifies,
            "route": self.route,
            "route_label": self.route_label,
            "routes_met": list(self.routes_met),
            "sub_scores": {p.id: {"label": p.label, "points": p.points, "max": p.max} for p in self.parts},
            **{f"{p.id}_score": p.points for p in self.parts},
            "conditions": [c.to_dict() for c in self.conditions],
            "failed_conditions": [c.to_dict() for c in self.failed_conditions],
            "reasons": list(self.reasons),
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True)
class CheckResult:
    """One high-tech threshold check: pass / fail / needs_judgement, and why."""

    id: str
    label: str
    status: CheckStatus
    detail: str
    missing: list[str]

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "id": self.id,
            "label": self.label,
            "status": self.status,
            "detail": self.detail,
            "missing": list(self.missing),
        }


@dataclass(frozen=True)
class HighTechResult:
    """High-tech threshold check: every check and whether the hard thresholds are likely met."""

    rule_set: str
    version: str
    title: str
    disclaimer: str
    checks: list[CheckResult]
    likely_meets: bool
    warnings: list[str] = field(default_factory=list)
    kind: Literal["high_tech"] = "high_tech"

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of `innobot score --rules high-tech-2016`."""
        return {
            **_head(self),
            "checks": [c.to_dict() for c in self.checks],
            "likely_meets": self.likely_meets,
            "warnings": list(self.warnings),
        }


Result = ScoreResult | TechSmeResult | HighTechResult
"""The result of any rule set; `match` on the type (or on `kind`)."""
