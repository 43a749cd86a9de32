"""Chinese messages for malformed rule files: a pydantic error location becomes line, key path and place.

`规则文件 zone.yaml 第 31 行有误：indicators[0].curve[2]：x 应严格递增（指标第 1 项「研发投入」· 曲线第 3 点）`
— never pydantic's English text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from scoring.errors import RuleSetError
from scoring.fields import FIELDS
from scoring.rule_parts import PROBLEM
from scoring.rule_schema import KINDS

__all__ = ["describe_error", "key_path", "place", "rule_file_error"]

Loc = tuple[str | int, ...]

_KINDS = "、".join(KINDS[:-1]) + f" 或 {KINDS[-1]}"

_TYPE_PROBLEMS: dict[str, str] = {
    "float_type": "应为数字，实际为 {input}",
    "int_type": "应为整数，实际为 {input}",
    "string_type": "应为文字，实际为 {input}",
    "bool_type": "应为 true 或 false，实际为 {input}",
    "list_type": "应为列表，实际为 {input}",
    "dict_type": "应为映射（key: value），实际为 {input}",
    "model_type": "应为映射（key: value），实际为 {input}",
    "model_attributes_type": "应为映射（key: value），实际为 {input}",
    "too_short": "不能为空",
}


@dataclass(frozen=True)
class _Words:
    """Chinese names of the file's keys (rules/rule_keys.yaml)."""

    names: Mapping[str, str]
    items: Mapping[str, str]
    maps: frozenset[str]


@cache
def _words() -> _Words:
    text = resources.files("scoring").joinpath("rules/rule_keys.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    return _Words(dict(data["names"]), dict(data["items"]), frozenset(data["maps"]))


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


def describe_error(error: ErrorDetails, data: Mapping[str, object]) -> tuple[Loc, str]:
    """(where in the file, what is wrong in Chinese) of one pydantic error."""
    loc: Loc = tuple(error["loc"])
    if loc and loc[0] in KINDS and data.get("kind") == loc[0]:
        loc = loc[1:]  # the union's tag, not a key of the file
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == PROBLEM:
        return (*loc, *ctx["at"]), str(ctx["message"])
    if kind in ("missing", "extra_forbidden"):
        name = _words().names.get(str(loc[-1]))
        gloss = f"（{name}）" if name else ""
        if kind == "missing":
            return loc[:-1], f"缺少 {loc[-1]}{gloss}"
        return loc[:-1], f"不认识的键 {loc[-1]}（拼写有误？）"
    if kind == "union_tag_invalid":
        return ("kind",), f"应为 {_KINDS}，实际为 {_show(ctx.get('tag'))}"
    if kind == "union_tag_not_found":
        return (), f"缺少 kind（应为 {_KINDS}）"
    template = _TYPE_PROBLEMS.get(kind, "写法不对：{input}")
    return loc, template.format(input=_show(error.get("input")))


def key_path(loc: Loc) -> str:
    """`indicators[0].curve[2]`: the location as the file's keys."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _label(item: object) -> str:
    """「研发费用」: how a list element names itself (its field, label or id)."""
    if not isinstance(item, Mapping):
        return ""
    field = item.get("field")
    if isinstance(field, str) and field in FIELDS:
        return f"「{FIELDS[field].short_label}」"
    for key in ("label", "id"):
        text = str(item.get(key) or "")
        if text:
            return f"「{text}」" if len(text) <= 12 else f"「{text[:11]}…」"
    return ""


def place(loc: Loc, data: object) -> str:
    """`指标第 1 项「研发费用」· 曲线第 3 点`: the location in words."""
    words = _words()
    segments: list[str] = []
    node, parent, i = data, "", 0
    while i < len(loc):
        key = loc[i]
        node = node.get(key) if isinstance(node, Mapping) else None
        own = parent in words.maps or isinstance(key, int)
        name = f"“{key}”" if own else words.names.get(str(key), str(key))
        index = loc[i + 1] if i + 1 < len(loc) else None
        if isinstance(index, int) and isinstance(node, Sequence) and not isinstance(node, str):
            item = node[index] if index < len(node) else None
            template = words.items.get(str(key), "第 {n} 项")
            segments.append(name + template.format(n=index + 1) + _label(item))
            node, i = item, i + 2
        else:
            segments.append(name)
            i += 1
        parent = str(key)
    return " · ".join(segments)


def _line(text: str, loc: Loc) -> int | None:
    """The 1-based line of the deepest node of loc that the file has."""
    try:
        node: yaml.Node | None = yaml.compose(text)
    except yaml.YAMLError:
        return None
    line = None
    for key in loc:
        child: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            child = next((v for k, v in node.value if str(k.value).lower() == str(key).lower()), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            child = node.value[key]
        if child is None:
            break
        node, line = child, child.start_mark.line + 1
    return line


def rule_file_error(
    name: str, text: str, data: Mapping[str, object], error: ValidationError
) -> RuleSetError:
    """The first problem of a rule file, named by line, key path and place; the count of the rest."""
    errors = error.errors(include_url=False)
    loc, problem = describe_error(errors[0], data)
    line = _line(text, loc) if loc and text else None
    head = f"规则文件 {name} " + (f"第 {line} 行" if line else "") + "有误："
    where = f"{key_path(loc)}：" if loc else ""
    gloss = f"（{place(loc, data)}）" if loc else ""
    more = f"；另有 {len(errors) - 1} 处问题" if len(errors) > 1 else ""
    return RuleSetError(f"{head}{where}{problem}{gloss}{more}")
