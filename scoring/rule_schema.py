"""The shape of a rule file (规则文件) as pydantic models: one union keyed on `kind`.

Types, required keys and every cross-reference (categories, stages, parts, checks, enum
values) are checked here; `rule_compile` turns a valid file into the engine's model.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, TypeAdapter, ValidationInfo, field_validator, model_validator

from scoring.fields import FIELDS
from scoring.rule_parts import (
    ConditionFile,
    CurvePoints,
    FieldName,
    Key,
    Num,
    Scalar,
    StepLines,
    Strict,
    Text,
    check_choice,
    problem,
)

__all__ = ["KINDS", "RULE_FILE", "HighTechFile", "PointsFile", "RuleFile", "TechSmeFile"]

KINDS: tuple[str, ...] = ("points", "tech_sme", "high_tech")
NonEmpty = Field(min_length=1)


class _Head(Strict):
    """What every rule file starts with; `id` must be the file's name (context `stem`)."""

    id: Text
    version: Text
    title: Text | None = None
    disclaimer: Text | None = None
    knowledge: dict[str, object] | None = None  # the 政策摘要 block, read by scoring.knowledge

    @field_validator("id")
    @classmethod
    def _id_is_file_name(cls, value: str, info: ValidationInfo) -> str:
        stem = (info.context or {}).get("stem")
        if stem is not None and value != stem:
            raise problem(f"应与文件名一致（{stem}），实际为 {value}")
        return value


# --- points (cn-ref-2024) ---------------------------------------------------------------------


class CategoryFile(Strict):
    """A category of indicators."""

    id: Key
    label: Text | None = None


class StageFile(Strict):
    """A life stage: exclusive revenue bound `below` (none for the last) and category totals."""

    id: Key
    label: Text | None = None
    below: Num | None = None
    totals: dict[Key, Num]


class IndicatorFile(Strict):
    """A weighted indicator scored by exactly one of curve, steps or levels."""

    field: FieldName
    category: Key
    weight: Num
    curve: CurvePoints | None = None
    steps: StepLines | None = None
    levels: Annotated[dict[Key, Num], NonEmpty] | None = None

    @field_validator("weight")
    @classmethod
    def _not_negative(cls, value: float) -> float:
        if value < 0:
            raise problem(f"权重不能为负，实际为 {value:g}")
        return value

    @model_validator(mode="after")
    def _one_rule(self) -> IndicatorFile:
        kinds = [k for k in ("curve", "steps", "levels") if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise problem("需要且只能有 curve、steps、levels 之一")
        if FIELDS[self.field].kind in ("enum", "bool") and kinds[0] != "levels":
            raise problem(f"{self.field} 是选项类数据项，只能用 levels", kinds[0])
        for i, line in enumerate(self.steps or []):
            if not 0 <= line.score <= 1:
                raise problem(f"得分率 s 应在 0–1 之间，实际为 {line.score:g}", "steps", i)
        for key, s in (self.levels or {}).items():
            check_choice(self.field, key, "levels", key)
            if not 0 <= s <= 1:
                raise problem(f"得分率应在 0–1 之间，实际为 {s:g}", "levels", key)
        return self


class BonusItemFile(Strict):
    """A bonus or deduction line: by level, per unit (up to max), or when a flag holds."""

    field: FieldName
    levels: dict[Key, Num] | None = None
    per_unit: Num | None = None
    max: Num | None = None
    when: Scalar | None = None
    points: Num | None = None

    @model_validator(mode="after")
    def _one_way(self) -> BonusItemFile:
        if self.levels is not None:
            for key in self.levels:
                check_choice(self.field, key, "levels", key)
        elif self.per_unit is None and self.when is None:
            raise problem("需要 levels、per_unit 或 when+points 之一")
        elif self.per_unit is None and self.points is None:
            raise problem("缺少 points（when 成立时的分数）")
        return self


class BonusFile(Strict):
    """Bonus lines and the cap on their sum."""

    cap: Num = 0.0
    items: list[BonusItemFile] | None = None


class VetoFile(Strict):
    """A one-vote veto: the field equals `when`."""

    field: FieldName
    when: Scalar
    reason: Text | None = None


class BandFile(Strict):
    """A result band: total ≥ min gets the label; the last band has no min."""

    min: Num | None = None
    label: Text


class PointsFile(_Head):
    """Weighted indicators by life stage, bonus, vetoes, deductions and bands."""

    kind: Literal["points"]
    categories: Annotated[list[CategoryFile], NonEmpty]
    stage_field: FieldName = "revenue"
    stages: Annotated[list[StageFile], NonEmpty]
    reference_stage: Key
    default_stage: Key | None = None
    indicators: Annotated[list[IndicatorFile], NonEmpty]
    bonus: BonusFile | None = None
    vetoes: list[VetoFile] | None = None
    deductions: list[BonusItemFile] | None = None
    bands: Annotated[list[BandFile], NonEmpty]

    @model_validator(mode="after")
    def _consistent(self) -> PointsFile:
        _check_stages(self)
        _check_indicators(self)
        if self.bands[-1].min is not None:
            raise problem("最后一档应不设 min（兜底档）", "bands", len(self.bands) - 1)
        return self


def _check_stages(f: PointsFile) -> None:
    """Every stage totals every category; bounds increase; reference/default stages exist."""
    cats = [c.id for c in f.categories]
    last = len(f.stages) - 1
    for i, stage in enumerate(f.stages):
        if set(stage.totals) != set(cats):
            raise problem(f"应为每个类别（{', '.join(cats)}）给出满分", "stages", i, "totals")
        if stage.below is None and i != last:
            raise problem("只有最后一个阶段可以没有 below", "stages", i)
        previous = f.stages[i - 1].below if i else None
        if stage.below is not None and previous is not None and stage.below <= previous:
            raise problem("阶段上限应递增", "stages", i, "below")
    if f.stages[last].below is not None:
        raise problem("最后一个阶段不应有 below 上限", "stages", last)
    ids = [s.id for s in f.stages]
    for key, value in (("reference_stage", f.reference_stage), ("default_stage", f.default_stage)):
        if value is not None and value not in ids:
            raise problem(f"未知阶段 {value}（可选：{'、'.join(ids)}）", key)


def _check_indicators(f: PointsFile) -> None:
    """Known categories, each field once, weights summing to the reference stage's totals."""
    cats = [c.id for c in f.categories]
    seen: set[str] = set()
    for i, ind in enumerate(f.indicators):
        if ind.category not in cats:
            raise problem(f"未知类别 {ind.category}（可选：{'、'.join(cats)}）", "indicators", i, "category")
        if ind.field in seen:
            raise problem(f"同一数据项 {ind.field} 出现了两次", "indicators", i, "field")
        seen.add(ind.field)
    ref = next(s for s in f.stages if s.id == f.reference_stage)
    for cat in cats:
        weight_sum = sum(ind.weight for ind in f.indicators if ind.category == cat)
        if abs(weight_sum - ref.totals[cat]) > 1e-9:
            raise problem(
                f"类别 {cat} 的权重合计 {weight_sum:g} 与基准阶段 {ref.id} 的满分 {ref.totals[cat]:g} 不一致",
                "indicators",
            )


# --- tech_sme (tech-sme-2022) -----------------------------------------------------------------


class NamedConditionFile(ConditionFile):
    """A condition or direct route with its id and Chinese label."""

    id: Key
    label: Text


class RuleNode(Strict):
    """A sub-score rule: steps on a field, the highest of (max_of) or the first matching of (first_of)."""

    max_of: Annotated[list[RuleNode], NonEmpty] | None = None
    first_of: Annotated[list[RuleNode], NonEmpty] | None = None
    field: FieldName | None = None
    steps: StepLines | None = None

    @model_validator(mode="after")
    def _one_form(self) -> RuleNode:
        forms = [k for k in ("max_of", "first_of", "field") if getattr(self, k) is not None]
        if len(forms) != 1:
            raise problem("需要且只能有 field+steps、max_of、first_of 之一")
        if forms == ["field"] and self.steps is None:
            raise problem("缺少 steps")
        if forms != ["field"] and self.steps is not None:
            raise problem(f"{forms[0]} 下不再写 steps", "steps")
        return self


class PartFile(Strict):
    """A sub-score (科技人员 / 研发投入 / 科技成果) with its maximum and rule."""

    id: Key
    label: Text
    max: Num
    rule: RuleNode


class ScoreRouteFile(Strict):
    """Route 1: the score reaches pass_score and every `positive` part scores above 0."""

    id: Key = "score"
    label: Text = "综合评分达标"
    pass_score: Num
    positive: list[Key] | None = None


class TechSmeFile(_Head):
    """Conditions, sub-scores and qualification routes."""

    kind: Literal["tech_sme"]
    conditions: Annotated[list[NamedConditionFile], NonEmpty]
    parts: Annotated[list[PartFile], NonEmpty]
    score_route: ScoreRouteFile
    direct_routes: Annotated[list[NamedConditionFile], NonEmpty]

    @model_validator(mode="after")
    def _known_parts(self) -> TechSmeFile:
        ids = [p.id for p in self.parts]
        for i, part in enumerate(self.score_route.positive or []):
            if part not in ids:
                raise problem(f"未知分项 {part}（可选：{'、'.join(ids)}）", "score_route", "positive", i)
        return self


# --- high_tech (high-tech-2016) ---------------------------------------------------------------


class CheckFile(Strict):
    """A threshold check: all conditions, any_of, or expert judgement (reporting `known`)."""

    id: Key
    label: Text
    conditions: list[ConditionFile] | None = None
    any_of: list[ConditionFile] | None = None
    judgement: bool = False
    known: list[FieldName] | None = None

    @model_validator(mode="after")
    def _decidable(self) -> CheckFile:
        if not (self.conditions or self.any_of or self.judgement):
            raise problem("需要 conditions、any_of 或 judgement 之一")
        return self


class HighTechFile(_Head):
    """Threshold checks and which of them decide 'likely meets'."""

    kind: Literal["high_tech"]
    checks: Annotated[list[CheckFile], NonEmpty]
    likely_meets_requires: list[Key] | None = None

    @model_validator(mode="after")
    def _known_checks(self) -> HighTechFile:
        ids = [c.id for c in self.checks]
        for i, check in enumerate(self.likely_meets_requires or []):
            if check not in ids:
                raise problem(f"未知检查项 {check}（可选：{'、'.join(ids)}）", "likely_meets_requires", i)
        return self


RuleFile = Annotated[PointsFile | TechSmeFile | HighTechFile, Field(discriminator="kind")]
RULE_FILE: TypeAdapter[PointsFile | TechSmeFile | HighTechFile] = TypeAdapter(RuleFile)
"""Validates a parsed YAML mapping; pass context={"stem": file stem} to check the id."""
