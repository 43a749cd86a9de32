"""Dialogue form definitions (forms.yaml): which figures each rule set asks for, in which order."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

__all__ = ["FormSpec", "PolicySpec", "load_forms", "load_policy"]


@dataclass(frozen=True)
class FormSpec:
    """The figures one rule set's dialogue collects, as ordered steps of one to three fields."""

    rule_set: str
    title: str
    steps: tuple[tuple[str, ...], ...]
    ask_profile: bool = True
    chart: bool = False
    start: str = ""  # the line opening the dialogue (rule_sets.yaml)

    @property
    def fields(self) -> tuple[str, ...]:
        """Every field the form asks for, in order."""
        return tuple(name for step in self.steps for name in step)


@dataclass(frozen=True)
class PolicySpec:
    """How policy matching builds its search from the profile and the weak indicators."""

    base_query: str
    max_items: int
    terms: dict[str, str]


def _read() -> dict[str, object]:
    text = resources.files("bot.core.estimate").joinpath("forms.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise ValueError("forms.yaml must be a mapping")
    return data


@lru_cache(maxsize=1)
def load_forms() -> dict[str, FormSpec]:
    """Form per rule-set id."""
    forms: dict[str, FormSpec] = {}
    for key, value in _read().items():
        if key == "policy" or not isinstance(value, dict):
            continue
        steps = tuple(tuple(str(f) for f in step) for step in value["steps"])
        if not steps or any(not step for step in steps):
            raise ValueError(f"forms.yaml: {key} needs non-empty steps")
        forms[key] = FormSpec(
            rule_set=key,
            title=str(value.get("title", key)),
            steps=steps,
            ask_profile=bool(value.get("ask_profile", True)),
            chart=bool(value.get("chart", False)),
        )
    return forms


@lru_cache(maxsize=1)
def load_policy() -> PolicySpec:
    """Policy-matching settings."""
    value = _read().get("policy") or {}
    if not isinstance(value, dict):
        raise ValueError("forms.yaml: policy must be a mapping")
    return PolicySpec(
        base_query=str(value.get("base_query", "")),
        max_items=int(value.get("max_items", 3)),
        terms={str(k): str(v) for k, v in (value.get("terms") or {}).items()},
    )
