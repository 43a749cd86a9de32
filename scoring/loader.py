"""Load and check rule-set files (规则集文件): one engine, any number of versioned YAML files."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from scoring.errors import RuleSetError
from scoring.fields import FIELDS
from scoring.model import (
    BonusItem,
    Category,
    Check,
    Condition,
    Curve,
    HighTechRuleSet,
    Indicator,
    Levels,
    Part,
    PointsRuleSet,
    Rule,
    RuleSet,
    Stage,
    Step,
    Steps,
    TechSmeRuleSet,
    Veto,
)

__all__ = ["available_rule_sets", "builtin_rules_dir", "load_rule_set", "load_rule_file"]

_NOT_RULES = {"fields.yaml", "numerals.yaml", "columns.yaml"}  # vocabularies, not rule sets
_OPS = {"le", "lt", "ge", "gt", "eq", "ne", "in"}


def builtin_rules_dir() -> Path:
    """The rule files shipped inside the package."""
    return Path(str(resources.files("scoring").joinpath("rules")))


def _rule_files(extra_dirs: Sequence[Path]) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for directory in (builtin_rules_dir(), *map(Path, extra_dirs)):
        if not directory.is_dir():
            raise RuleSetError(f"规则目录不存在：{directory}")
        for path in sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")]):
            if path.name in _NOT_RULES:
                continue
            if path.stem in found and found[path.stem] != path:
                raise RuleSetError(f"规则集 {path.stem} 重复：{found[path.stem]} 与 {path}")
            found[path.stem] = path
    return found


def available_rule_sets(extra_dirs: Sequence[Path] = ()) -> list[str]:
    """Ids of every rule set (built-in plus zone files in extra_dirs)."""
    return sorted(_rule_files(tuple(extra_dirs)))


def load_rule_set(rule_set_id: str, extra_dirs: Sequence[Path] = ()) -> RuleSet:
    """The rule set with this id; unknown or malformed files raise RuleSetError."""
    files = _rule_files(tuple(extra_dirs))
    if rule_set_id not in files:
        known = "、".join(sorted(files))
        raise RuleSetError(f"没有名为 {rule_set_id} 的规则集（可用：{known}）")
    path = files[rule_set_id]
    stat = path.stat()
    return _load_cached(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=64)
def _load_cached(path: str, _mtime: int, _size: int) -> RuleSet:
    return load_rule_file(Path(path))


class _Ctx:
    """Where we are in the file, so every error names the file and the key path."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, where: str, problem: str) -> RuleSetError:
        return RuleSetError(f"规则文件 {self.path.name} 有误：{where}：{problem}")

    def get(self, data: Mapping[str, Any], key: str, where: str) -> Any:
        if not isinstance(data, Mapping) or key not in data:
            raise self.fail(where, f"缺少 {key}")
        return data[key]

    def number(self, value: Any, where: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(where, f"应为数字，实际为 {value!r}")
        return float(value)

    def field(self, value: Any, where: str) -> str:
        if value not in FIELDS:
            raise self.fail(where, f"未知数据项 {value!r}")
        return str(value)

    def choice(self, field: str, value: Any, where: str) -> None:
        spec = FIELDS[field]
        if spec.kind == "enum" and str(value) not in spec.choices:
            raise self.fail(where, f"{field} 没有取值 {value!r}")


def load_rule_file(path: Path) -> RuleSet:
    """Parse and check one rule file (any id, any directory)."""
    ctx = _Ctx(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleSetError(f"无法读取规则文件 {path.name}：{exc.__class__.__name__}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第 {mark.line + 1} 行" if mark is not None else "文件"
        raise RuleSetError(f"规则文件 {path.name} 不是有效的 YAML（{where}）") from None
    if not isinstance(data, Mapping):
        raise ctx.fail("文件", "顶层应为映射（key: value）")
    rule_id = str(ctx.get(data, "id", "id"))
    if rule_id != path.stem:
        raise ctx.fail("id", f"应与文件名一致（{path.stem}），实际为 {rule_id}")
    head = {
        "id": rule_id,
        "version": str(ctx.get(data, "version", "version")),
        "title": str(data.get("title", rule_id)),
        "disclaimer": "".join(line.strip() for line in str(data.get("disclaimer", "")).splitlines()),
        "source": path,
    }
    kind = data.get("kind")
    if kind == "points":
        return _points(ctx, data, head)
    if kind == "tech_sme":
        return _tech_sme(ctx, data, head)
    if kind == "high_tech":
        return _high_tech(ctx, data, head)
    raise ctx.fail("kind", f"应为 points、tech_sme 或 high_tech，实际为 {kind!r}")


def _list(ctx: _Ctx, data: Mapping[str, Any], key: str, where: str) -> list[Any]:
    value = ctx.get(data, key, where)
    if not isinstance(value, list) or not value:
        raise ctx.fail(where, f"{key} 应为非空列表")
    return value


def _curve(ctx: _Ctx, raw: Any, where: str) -> Curve:
    if not isinstance(raw, list) or not raw:
        raise ctx.fail(where, "curve 应为非空的 [x, s] 列表")
    xs: list[float] = []
    ss: list[float] = []
    for i, point in enumerate(raw):
        if not isinstance(point, list) or len(point) != 2:
            raise ctx.fail(f"{where}[{i}]", "曲线点应为 [x, s]")
        x, s = ctx.number(point[0], f"{where}[{i}]"), ctx.number(point[1], f"{where}[{i}]")
        if not 0 <= s <= 1:
            raise ctx.fail(f"{where}[{i}]", f"得分率 s 应在 0–1 之间，实际为 {s:g}")
        if xs and x <= xs[-1]:
            raise ctx.fail(f"{where}[{i}]", "x 应严格递增")
        if ss and s < ss[-1]:
            raise ctx.fail(f"{where}[{i}]", "s 不应随 x 增大而减小")
        xs.append(x)
        ss.append(s)
    return Curve(tuple(xs), tuple(ss))


def _steps(ctx: _Ctx, raw: Any, where: str, *, unit_s: bool) -> Steps:
    if not isinstance(raw, list) or not raw:
        raise ctx.fail(where, "steps 应为非空列表")
    out: list[Step] = []
    for i, line in enumerate(raw):
        at = f"{where}[{i}]"
        if not isinstance(line, Mapping):
            raise ctx.fail(at, "每一档应为映射，如 {le: 55, s: 1}")
        if "else" in line:
            out.append(Step(None, 0.0, ctx.number(line["else"], at)))
            if i != len(raw) - 1:
                raise ctx.fail(at, "else 必须是最后一档")
            continue
        ops = [k for k in line if k in _OPS]
        if len(ops) != 1:
            raise ctx.fail(at, "每一档需要且只能有一个比较（le/lt/ge/gt）")
        s = ctx.number(ctx.get(line, "s", at), at)
        if unit_s and not 0 <= s <= 1:
            raise ctx.fail(at, f"得分率 s 应在 0–1 之间，实际为 {s:g}")
        out.append(Step(ops[0], ctx.number(line[ops[0]], at), s))
    return Steps(tuple(out))


def _levels(ctx: _Ctx, field: str, raw: Any, where: str) -> Levels:
    if not isinstance(raw, Mapping) or not raw:
        raise ctx.fail(where, "levels 应为 取值: 得分率 的映射")
    for key, s in raw.items():
        ctx.choice(field, key, where)
        if not 0 <= ctx.number(s, f"{where}.{key}") <= 1:
            raise ctx.fail(f"{where}.{key}", "得分率应在 0–1 之间")
    return Levels({str(k): float(v) for k, v in raw.items()})


def _indicator_rule(ctx: _Ctx, field: str, raw: Mapping[str, Any], where: str) -> Rule:
    kinds = [k for k in ("curve", "steps", "levels") if k in raw]
    if len(kinds) != 1:
        raise ctx.fail(where, "需要且只能有 curve、steps、levels 之一")
    if FIELDS[field].kind in ("enum", "bool") and kinds[0] != "levels":
        raise ctx.fail(where, f"{field} 是选项类数据项，只能用 levels")
    if kinds[0] == "curve":
        return _curve(ctx, raw["curve"], f"{where}.curve")
    if kinds[0] == "steps":
        return _steps(ctx, raw["steps"], f"{where}.steps", unit_s=True)
    return _levels(ctx, field, raw["levels"], f"{where}.levels")


def _bonus_item(ctx: _Ctx, raw: Any, where: str) -> BonusItem:
    field = ctx.field(ctx.get(raw, "field", where), f"{where}.field")
    if "levels" in raw:
        levels = raw["levels"]
        if not isinstance(levels, Mapping):
            raise ctx.fail(f"{where}.levels", "应为 取值: 分数 的映射")
        for key, pts in levels.items():
            ctx.choice(field, key, f"{where}.levels")
            ctx.number(pts, f"{where}.levels.{key}")
        return BonusItem(field, levels={str(k): float(v) for k, v in levels.items()})
    if "per_unit" in raw:
        cap = raw.get("max")
        return BonusItem(
            field,
            per_unit=ctx.number(raw["per_unit"], f"{where}.per_unit"),
            max=None if cap is None else ctx.number(cap, f"{where}.max"),
        )
    if "when" in raw:
        return BonusItem(field, when=raw["when"], points=ctx.number(ctx.get(raw, "points", where), where))
    raise ctx.fail(where, "需要 levels、per_unit 或 when+points 之一")


def _points(ctx: _Ctx, data: Mapping[str, Any], head: dict[str, Any]) -> PointsRuleSet:
    categories = []
    for i, raw in enumerate(_list(ctx, data, "categories", "categories")):
        categories.append(Category(str(ctx.get(raw, "id", f"categories[{i}]")), str(raw.get("label", raw["id"]))))
    cat_ids = [c.id for c in categories]
    stages: list[Stage] = []
    for i, raw in enumerate(_list(ctx, data, "stages", "stages")):
        at = f"stages[{i}]"
        totals = ctx.get(raw, "totals", at)
        if not isinstance(totals, Mapping) or set(totals) != set(cat_ids):
            raise ctx.fail(f"{at}.totals", f"应为每个类别（{', '.join(cat_ids)}）给出满分")
        below = raw.get("below")
        if below is None and i != len(data["stages"]) - 1:
            raise ctx.fail(at, "只有最后一个阶段可以没有 below")
        if below is not None and stages and stages[-1].below is not None and below <= stages[-1].below:
            raise ctx.fail(f"{at}.below", "阶段上限应递增")
        stages.append(
            Stage(
                str(ctx.get(raw, "id", at)),
                str(raw.get("label", raw["id"])),
                None if below is None else ctx.number(below, f"{at}.below"),
                {str(k): ctx.number(v, f"{at}.totals.{k}") for k, v in totals.items()},
            )
        )
    if stages[-1].below is not None:
        raise ctx.fail(f"stages[{len(stages) - 1}]", "最后一个阶段不应有 below 上限")
    stage_ids = [s.id for s in stages]
    reference = str(ctx.get(data, "reference_stage", "reference_stage"))
    default = str(data.get("default_stage", reference))
    for key, value in (("reference_stage", reference), ("default_stage", default)):
        if value not in stage_ids:
            raise ctx.fail(key, f"未知阶段 {value}")
    stage_field = ctx.field(data.get("stage_field", "revenue"), "stage_field")

    indicators: list[Indicator] = []
    for i, raw in enumerate(_list(ctx, data, "indicators", "indicators")):
        at = f"indicators[{i}]"
        field = ctx.field(ctx.get(raw, "field", at), f"{at}.field")
        category = str(ctx.get(raw, "category", at))
        if category not in cat_ids:
            raise ctx.fail(f"{at}.category", f"未知类别 {category}")
        weight = ctx.number(ctx.get(raw, "weight", at), f"{at}.weight")
        if weight < 0:
            raise ctx.fail(f"{at}.weight", "权重不能为负")
        indicators.append(Indicator(field, category, weight, _indicator_rule(ctx, field, raw, at)))
    if len({ind.field for ind in indicators}) != len(indicators):
        raise ctx.fail("indicators", "同一数据项出现了两次")

    ref = next(s for s in stages if s.id == reference)
    for cat in cat_ids:
        weight_sum = sum(ind.weight for ind in indicators if ind.category == cat)
        if abs(weight_sum - ref.totals[cat]) > 1e-9:
            raise ctx.fail(
                "indicators",
                f"类别 {cat} 的权重合计 {weight_sum:g} 与基准阶段 {reference} 的满分 {ref.totals[cat]:g} 不一致",
            )
    scaled: dict[str, tuple[float, ...]] = {}
    for stage in stages:
        factors = {c: stage.totals[c] / ref.totals[c] if ref.totals[c] else 0.0 for c in cat_ids}
        scaled[stage.id] = tuple(ind.weight * factors[ind.category] for ind in indicators)

    bonus_raw = data.get("bonus") or {"cap": 0, "items": []}
    bonus = tuple(_bonus_item(ctx, r, f"bonus.items[{i}]") for i, r in enumerate(bonus_raw.get("items") or []))
    cap = ctx.number(bonus_raw.get("cap", 0), "bonus.cap")
    vetoes = []
    for i, raw in enumerate(data.get("vetoes") or []):
        at = f"vetoes[{i}]"
        field = ctx.field(ctx.get(raw, "field", at), f"{at}.field")
        vetoes.append(Veto(field, ctx.get(raw, "when", at), str(raw.get("reason", FIELDS[field].label))))
    deductions = tuple(_bonus_item(ctx, r, f"deductions[{i}]") for i, r in enumerate(data.get("deductions") or []))
    bands: list[tuple[float | None, str]] = []
    for i, raw in enumerate(_list(ctx, data, "bands", "bands")):
        at = f"bands[{i}]"
        minimum = raw.get("min")
        bands.append((None if minimum is None else ctx.number(minimum, at), str(ctx.get(raw, "label", at))))
    if bands[-1][0] is not None:
        raise ctx.fail("bands", "最后一档应不设 min（兜底档）")
    return PointsRuleSet(
        **head,
        categories=tuple(categories),
        stage_field=stage_field,
        stages=tuple(stages),
        reference_stage=reference,
        default_stage=default,
        indicators=tuple(indicators),
        bonus_cap=cap,
        bonus=bonus,
        vetoes=tuple(vetoes),
        deductions=deductions,
        bands=tuple(bands),
        scaled_weights=scaled,
    )


def _condition(ctx: _Ctx, raw: Any, where: str) -> Condition:
    field = ctx.field(ctx.get(raw, "field", where), f"{where}.field")
    op = str(ctx.get(raw, "op", where))
    if op not in _OPS:
        raise ctx.fail(f"{where}.op", f"未知比较 {op}")
    if "threshold_by" in raw:
        by = raw["threshold_by"]
        band_field = ctx.field(ctx.get(by, "field", f"{where}.threshold_by"), f"{where}.threshold_by.field")
        bands = []
        for i, line in enumerate(_list(ctx, by, "bands", f"{where}.threshold_by")):
            at = f"{where}.threshold_by.bands[{i}]"
            if "else" in line:
                bands.append(Step(None, 0.0, ctx.number(line["else"], at)))
                continue
            ops = [k for k in line if k in _OPS]
            if len(ops) != 1:
                raise ctx.fail(at, "每一档需要且只能有一个比较")
            bands.append(Step(ops[0], ctx.number(line[ops[0]], at), ctx.number(ctx.get(line, "value", at), at)))
        return Condition(field, op, None, raw.get("missing_as"), band_field, tuple(bands))
    value = ctx.get(raw, "value", where)
    for v in value if op == "in" else [value]:
        ctx.choice(field, v, f"{where}.value")
    return Condition(field, op, value, raw.get("missing_as"))


def _tree(ctx: _Ctx, raw: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise ctx.fail(where, "规则应为映射")
    if "max_of" in raw or "first_of" in raw:
        key = "max_of" if "max_of" in raw else "first_of"
        return {key: [_tree(ctx, r, f"{where}.{key}[{i}]") for i, r in enumerate(_list(ctx, raw, key, where))]}
    field = ctx.field(ctx.get(raw, "field", where), f"{where}.field")
    return {"field": field, "steps": _steps(ctx, ctx.get(raw, "steps", where), f"{where}.steps", unit_s=False)}


def _named_conditions(ctx: _Ctx, data: Mapping[str, Any], key: str) -> tuple[tuple[str, str, Condition], ...]:
    out = []
    for i, raw in enumerate(_list(ctx, data, key, key)):
        at = f"{key}[{i}]"
        out.append((str(ctx.get(raw, "id", at)), str(ctx.get(raw, "label", at)), _condition(ctx, raw, at)))
    return tuple(out)


def _tech_sme(ctx: _Ctx, data: Mapping[str, Any], head: dict[str, Any]) -> TechSmeRuleSet:
    parts = []
    for i, raw in enumerate(_list(ctx, data, "parts", "parts")):
        at = f"parts[{i}]"
        parts.append(
            Part(
                str(ctx.get(raw, "id", at)),
                str(ctx.get(raw, "label", at)),
                ctx.number(ctx.get(raw, "max", at), f"{at}.max"),
                _tree(ctx, ctx.get(raw, "rule", at), f"{at}.rule"),
            )
        )
    route = ctx.get(data, "score_route", "score_route")
    positive = tuple(str(p) for p in route.get("positive") or [])
    for p in positive:
        if p not in {part.id for part in parts}:
            raise ctx.fail("score_route.positive", f"未知分项 {p}")
    return TechSmeRuleSet(
        **head,
        conditions=_named_conditions(ctx, data, "conditions"),
        parts=tuple(parts),
        pass_score=ctx.number(ctx.get(route, "pass_score", "score_route"), "score_route.pass_score"),
        positive_parts=positive,
        score_route=(str(route.get("id", "score")), str(route.get("label", "综合评分达标"))),
        direct_routes=_named_conditions(ctx, data, "direct_routes"),
    )


def _high_tech(ctx: _Ctx, data: Mapping[str, Any], head: dict[str, Any]) -> HighTechRuleSet:
    checks = []
    for i, raw in enumerate(_list(ctx, data, "checks", "checks")):
        at = f"checks[{i}]"
        conds = tuple(_condition(ctx, r, f"{at}.conditions[{j}]") for j, r in enumerate(raw.get("conditions") or []))
        any_of = tuple(_condition(ctx, r, f"{at}.any_of[{j}]") for j, r in enumerate(raw.get("any_of") or []))
        judgement = bool(raw.get("judgement", False))
        if not (conds or any_of or judgement):
            raise ctx.fail(at, "需要 conditions、any_of 或 judgement 之一")
        known = tuple(ctx.field(f, f"{at}.known") for f in raw.get("known") or [])
        checks.append(Check(str(ctx.get(raw, "id", at)), str(ctx.get(raw, "label", at)), conds, any_of, judgement, known))
    ids = {c.id for c in checks}
    required = tuple(str(r) for r in data.get("likely_meets_requires") or [])
    for r in required:
        if r not in ids:
            raise ctx.fail("likely_meets_requires", f"未知检查项 {r}")
    return HighTechRuleSet(**head, checks=tuple(checks), required=required)
