"""Building blocks of the rule-file schema (规则文件): numbers, field names, curves, step tables, conditions.

Every check that can fail raises `problem(...)`: a pydantic error whose message is already
Chinese and which may point below the validated value (`at`), so `rule_messages` can name the
exact place in the file.
"""

from __future__ import annotations

from typing import Annotated, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from scoring.fields import FIELDS

__all__ = [
    "COMPARISONS",
    "PROBLEM",
    "BandLine",
    "ConditionFile",
    "CurvePoints",
    "FieldName",
    "Key",
    "Num",
    "Scalar",
    "ScalarOrList",
    "StepLine",
    "StepLines",
    "Strict",
    "Text",
    "ThresholdBy",
    "check_choice",
    "problem",
]

PROBLEM = "rule_file"
"""The pydantic error type of every Chinese problem raised here."""

COMPARISONS: tuple[str, ...] = ("le", "lt", "ge", "gt", "eq", "ne")
"""The comparisons a step line may use (`in` only in conditions)."""

CONDITION_OPS: tuple[str, ...] = (*COMPARISONS, "in")


def problem(message: str, *at: str | int) -> PydanticCustomError:
    """A Chinese problem at the validated value, or at `at` below it."""
    return PydanticCustomError(PROBLEM, "{message}", {"message": message, "at": at})


class Strict(BaseModel):
    """Unknown keys are an error (a typo must not silently change a score)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _as_text(value: object) -> object:
    """YAML reads `version: 2024` as a number and `yes:` as a bool; both are text here."""
    if isinstance(value, bool | int | float):
        return str(value)
    return value


def _known_field(name: str) -> str:
    if name not in FIELDS:
        raise problem(f"未知数据项 {name!r}")
    return name


Num = Annotated[float, Field(strict=True)]
"""A number written as a number (not "8", not true)."""

Text = Annotated[str, BeforeValidator(_as_text)]
"""A short text; numbers and booleans are taken as their text."""

Key = Text
"""A mapping key of the file (a category id, an enum value)."""

FieldName = Annotated[str, AfterValidator(_known_field)]
"""A data field (数据项) defined in fields.yaml."""

def _scalar(value: object) -> bool | int | float | str:
    if isinstance(value, bool | int | float | str):
        return value
    raise problem(f"应为数字、文字或 true/false，实际为 {value!r:.40}")


def _scalar_or_list(value: object) -> bool | int | float | str | list[bool | int | float | str]:
    if not isinstance(value, list):
        return _scalar(value)
    out = []
    for i, item in enumerate(value):
        if not isinstance(item, bool | int | float | str):
            raise problem(f"应为数字、文字或 true/false，实际为 {item!r:.40}", i)
        out.append(item)
    return out


Scalar = Annotated[bool | int | float | str, PlainValidator(_scalar)]
"""A value a field can take: a flag, a number or an enum value."""

ScalarOrList = Annotated[
    bool | int | float | str | list[bool | int | float | str], PlainValidator(_scalar_or_list)
]
"""One value, or the list of values of an `in` comparison."""


def check_choice(field: str, value: object, *at: str | int) -> None:
    """An enum field's value must be one of its choices (fields.yaml)."""
    spec = FIELDS[field]
    if spec.kind == "enum" and str(value) not in spec.choices:
        known = "、".join(spec.choices)
        raise problem(f"{field} 没有取值 {value!r}（可选：{known}）", *at)


def _curve_shape(points: list[list[float]]) -> list[list[float]]:
    for i, (x, s) in enumerate(points):
        if not 0 <= s <= 1:
            raise problem(f"得分率 s 应在 0–1 之间，实际为 {s:g}", i)
        if i and x <= points[i - 1][0]:
            raise problem("x 应严格递增", i)
        if i and s < points[i - 1][1]:
            raise problem("s 不应随 x 增大而减小", i)
    return points


def _point_shape(point: object) -> object:
    if not isinstance(point, list | tuple) or len(point) != 2:
        raise problem("曲线点应为 [x, s]")
    return point


CurvePoint = Annotated[list[Num], BeforeValidator(_point_shape)]
CurvePoints = Annotated[list[CurvePoint], Field(min_length=1), AfterValidator(_curve_shape)]
"""Points [x, s]: x strictly increasing, s in 0–1 and never decreasing."""


class _Line(Strict):
    """One line of a step table: exactly one comparison, or `else` for the rest."""

    le: Num | None = None
    lt: Num | None = None
    ge: Num | None = None
    gt: Num | None = None
    eq: Num | None = None
    ne: Num | None = None
    else_: Num | None = Field(default=None, alias="else")

    def _ops(self) -> dict[str, float]:
        given = {"le": self.le, "lt": self.lt, "ge": self.ge, "gt": self.gt, "eq": self.eq, "ne": self.ne}
        return {op: value for op, value in given.items() if value is not None}

    def comparison(self) -> tuple[str, float] | None:
        """(op, threshold), or None for the `else` line."""
        if self.else_ is not None:
            return None
        return next(iter(self._ops().items()))

    def _payload(self) -> tuple[str, float | None]:
        """The key and value a matching line yields (`s` or `value`)."""
        raise NotImplementedError

    @model_validator(mode="after")
    def _one_comparison(self) -> Self:
        key, payload = self._payload()
        ops = self._ops()
        if self.else_ is not None:
            if ops or payload is not None:
                raise problem(f"else 档只写 else: 值，不再写比较或 {key}")
            return self
        if len(ops) != 1:
            raise problem("每一档需要且只能有一个比较（le/lt/ge/gt/eq/ne）")
        if payload is None:
            raise problem(f"缺少 {key}")
        return self

    @property
    def score(self) -> float:
        """What the line yields: its own value, or the else value for the else line."""
        if self.else_ is not None:
            return self.else_
        return self._payload()[1] or 0.0


class StepLine(_Line):
    """`{le: 55, s: 1}` or `{else: 0}`: the score s of the first line that matches."""

    s: Num | None = None

    def _payload(self) -> tuple[str, float | None]:
        return "s", self.s


class BandLine(_Line):
    """`{le: 5000, value: 5}` or `{else: 3}`: a threshold chosen by another field's band."""

    value: Num | None = None

    def _payload(self) -> tuple[str, float | None]:
        return "value", self.value


def _else_last(lines: list[_Line]) -> list[_Line]:
    for i, line in enumerate(lines[:-1]):
        if line.else_ is not None:
            raise problem("else 必须是最后一档", i)
    return lines


StepLines = Annotated[list[StepLine], Field(min_length=1), AfterValidator(_else_last)]
BandLines = Annotated[list[BandLine], Field(min_length=1), AfterValidator(_else_last)]


class ThresholdBy(Strict):
    """The threshold depends on the band of another field (e.g. R&D intensity by revenue)."""

    field: FieldName
    bands: BandLines


class Approximate(Strict):
    """Another field that stands in when the condition's own is not given, and what the verdict says."""

    by: FieldName
    tag: Text  # beside the value: "按上年度一年近似"
    note: Text  # the warning: what the check should use and how to supply it


class ConditionFile(Strict):
    """`field op value`, or `field op` a threshold_by band; missing_as fills a missing figure;
    approximate: a stand-in field used (and named) when the field itself is not given."""

    field: FieldName
    op: Text
    value: ScalarOrList | None = None
    threshold_by: ThresholdBy | None = None
    missing_as: Scalar | None = None
    approximate: Approximate | None = None

    @model_validator(mode="after")
    def _threshold(self) -> ConditionFile:
        if self.op not in CONDITION_OPS:
            raise problem(f"未知比较 {self.op}（可用：{'、'.join(CONDITION_OPS)}）", "op")
        if self.threshold_by is not None:
            return self
        if "value" not in self.model_fields_set:
            raise problem("缺少 value（或 threshold_by）")
        values = self.value if isinstance(self.value, list) else [self.value]
        if self.op == "in" and not isinstance(self.value, list):
            raise problem("比较 in 的 value 应为列表", "value")
        if self.op != "in" and isinstance(self.value, list):
            raise problem(f"比较 {self.op} 的 value 不能是列表", "value")
        for v in values:
            check_choice(self.field, v, "value")
        return self

