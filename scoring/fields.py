"""Field definitions (数据项) loaded from rules/fields.yaml, so labels and limits are data."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, Literal

import yaml

from scoring.errors import RuleSetError

__all__ = [
    "DERIVED",
    "FIELDS",
    "INPUT_FIELDS",
    "KEY_FIELDS",
    "Alias",
    "DerivedSpec",
    "FieldKind",
    "FieldSpec",
    "Value",
    "enum_lookup",
    "field_spec",
    "format_value",
    "normalize_text",
    "with_unit",
]

FieldKind = Literal["money", "count", "percent", "enum", "bool", "number"]

Value = bool | int | float | str
"""One checked figure: a flag, a number in the field's unit (万元, 人, %, 年) or an enum value."""


def normalize_text(text: str) -> str:
    """Full-width to half-width and lower case, so 'ＰＣＴ１２０，' matches 'pct120,'."""
    return unicodedata.normalize("NFKC", text).lower()


@dataclass(frozen=True)
class Alias:
    """A word for a field in chat text; negate flips the sign, part means 'sum with siblings'."""

    word: str
    field: str
    negate: bool = False
    part: bool = False
    persons: str | None = None


@dataclass(frozen=True)
class FieldSpec:
    """One field: Chinese label, unit, kind, limits and (enums) value -> Chinese label."""

    name: str
    label: str
    unit: str
    kind: FieldKind
    choices: Mapping[str, str] = field(default_factory=dict)
    short: str = ""
    min: float | None = None
    max: float | None = None
    share: bool = False
    default: Value | None = None
    derived: bool = False
    prev: str | None = None
    three_year: str | None = None  # the field of this yearly figure's 近三年 total (研发费用 → 近三年研发费用总额)
    twin: str | None = None  # the field of the same subject in the other unit (研发人员 ↔ 研发费用)
    aliases: tuple[Alias, ...] = ()
    phrases: Mapping[str, Value] = field(default_factory=dict)

    @property
    def short_label(self) -> str:
        """The label used in running text ('营业收入' rather than '上年度营业收入')."""
        return self.short or self.label


@dataclass(frozen=True)
class DerivedSpec:
    """A derived ratio: num / den × 100 (op ratio) or (num / den − 1) × 100 (op growth)."""

    name: str
    op: Literal["ratio", "growth"]
    num: str
    den: str


def _aliases(name: str, raw: list[Any]) -> tuple[Alias, ...]:
    out: list[Alias] = []
    for item in raw:
        if isinstance(item, str):
            out.append(Alias(normalize_text(item), name))
        else:
            out.append(
                Alias(
                    normalize_text(str(item["word"])),
                    name,
                    negate=bool(item.get("negate", False)),
                    part=bool(item.get("part", False)),
                    persons=item.get("persons"),
                )
            )
    return tuple(out)


def _spec(name: str, raw: Mapping[str, Any], *, derived: bool) -> FieldSpec:
    return FieldSpec(
        name=name,
        label=str(raw["label"]),
        unit=str(raw.get("unit", "%" if derived else "")),
        kind=raw.get("kind", "percent" if derived else "number"),
        choices=dict(raw.get("choices") or {}),
        short=str(raw.get("short", "")),
        min=raw.get("min"),
        max=raw.get("max"),
        share=bool(raw.get("share", False)),
        default=raw.get("default"),
        derived=derived,
        prev=raw.get("prev"),
        three_year=raw.get("three_year"),
        twin=raw.get("twin"),
        aliases=_aliases(name, list(raw.get("aliases") or [])),
        phrases={normalize_text(str(k)): v for k, v in (raw.get("phrases") or {}).items()},
    )


@cache
def _load() -> tuple[dict[str, FieldSpec], dict[str, DerivedSpec], tuple[str, ...]]:
    text = resources.files("scoring").joinpath("rules/fields.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    fields: dict[str, FieldSpec] = {}
    derived: dict[str, DerivedSpec] = {}
    for name, raw in data["fields"].items():
        fields[name] = _spec(name, raw, derived=False)
    for name, raw in data["derived"].items():
        fields[name] = _spec(name, raw, derived=True)
        derived[name] = DerivedSpec(name, raw["op"], raw["num"], raw["den"])
    for field_spec_ in fields.values():
        if field_spec_.twin is not None and field_spec_.twin not in fields:
            raise RuleSetError(f"fields.yaml: {field_spec_.name} 的 twin 引用了未知数据项")
    for spec in derived.values():
        if spec.num not in fields or spec.den not in fields:
            raise RuleSetError(f"fields.yaml: 派生项 {spec.name} 引用了未知数据项")
    key_fields = tuple(data["key_fields"])
    return fields, derived, key_fields


FIELDS: Mapping[str, FieldSpec] = _load()[0]
DERIVED: Mapping[str, DerivedSpec] = _load()[1]
KEY_FIELDS: tuple[str, ...] = _load()[2]
INPUT_FIELDS: tuple[str, ...] = tuple(n for n, s in FIELDS.items() if not s.derived)


def field_spec(name: str) -> FieldSpec | None:
    """The spec of a field by name, Chinese label (full or short) or plain alias, else None."""
    if name in FIELDS:
        return FIELDS[name]
    return _by_label().get(_key(name))


def _key(text: str) -> str:
    return "".join(normalize_text(text).split())


@cache
def _by_label() -> dict[str, FieldSpec]:
    out: dict[str, FieldSpec] = {}
    for spec in FIELDS.values():
        for key in (spec.label, spec.short_label, spec.name):
            out.setdefault(_key(key), spec)
    for spec in FIELDS.values():  # labels win over aliases ('研发投入' → rd_expense)
        for alias in spec.aliases:
            if not (alias.negate or alias.part or alias.persons):
                out.setdefault(_key(alias.word), spec)
    return out


@cache
def enum_lookup(name: str) -> dict[str, str]:
    """Normalised words -> enum value: the value itself, its Chinese label and chat phrases."""
    spec = FIELDS[name]
    out: dict[str, str] = {}
    for word, value in spec.phrases.items():
        if str(value) in spec.choices:
            out[_key(word)] = str(value)
    for key, label in spec.choices.items():
        out[_key(label)] = key
        out[key] = key
    if "none" in spec.choices:
        for word in ("没有", "未", "否", "暂无"):
            out.setdefault(word, "none")
    return out


def format_value(name: str, value: object) -> str:
    """A figure as a manager reads it: '12000 万元', '12 人', '4.5%', '省级', '是'."""
    spec = FIELDS[name]
    if value is None:
        return "未提供"
    if spec.kind == "bool":
        return "是" if value else "否"
    if spec.kind == "enum":
        return str(spec.choices.get(str(value), value))
    text = f"{value:.2f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)
    return with_unit(text, spec.unit)


def with_unit(number: str, unit: str) -> str:
    """'4.5%' sticks to its number, '12000 万元' takes a space: one spelling for every shown figure."""
    return f"{number}%" if unit == "%" else f"{number} {unit}".strip()
