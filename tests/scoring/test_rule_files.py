"""A malformed rule file is named by file, line, key path and place in Chinese — never pydantic's English."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

import scoring
from scoring.loader import builtin_rules_dir, load_rule_file, rule_set_from_data

BUILTIN = ("cn-ref-2024", "tech-sme-2022", "high-tech-2016")
# pydantic's own words; none may reach a message
ENGLISH = re.compile(r"Input should|Field required|validation error|Extra inputs|pydantic|type=")


def _builtin(rule_id: str) -> dict[str, Any]:
    return yaml.safe_load((builtin_rules_dir() / f"{rule_id}.yaml").read_text(encoding="utf-8"))


def _load_broken(tmp_path: Path, rule_id: str, mutate: Callable[[dict[str, Any]], object]) -> str:
    data = _builtin(rule_id)
    mutate(data)
    data["id"] = "zone-bad"
    path = tmp_path / "zone-bad.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(scoring.RuleSetError) as err:
        load_rule_file(path)
    message = err.value.message
    assert not ENGLISH.search(message), message
    return message


@pytest.mark.parametrize(
    ("rule_id", "mutate", "words"),
    [
        # wrong type: the key path, the problem and the place in words
        ("cn-ref-2024", lambda d: d["indicators"][0].update(weight="eight"),
         ["indicators[0].weight：应为数字，实际为 'eight'", "指标第 1 项「研发费用」", "权重"]),
        ("cn-ref-2024", lambda d: d["indicators"][0].update(weight=True), ["应为数字，实际为 True"]),
        ("cn-ref-2024", lambda d: d.update(indicators="all"), ["indicators：应为列表"]),
        ("cn-ref-2024", lambda d: d.update(categories=[]), ["categories：不能为空"]),
        ("cn-ref-2024", lambda d: d["stages"].__setitem__(0, "startup"), ["stages[0]：应为映射"]),
        # missing field, at the parent, with the key's Chinese name
        ("cn-ref-2024", lambda d: d["indicators"][2].pop("weight"),
         ["indicators[2]：缺少 weight（权重）", "指标第 3 项「研发投入增长率」"]),
        ("tech-sme-2022", lambda d: d["score_route"].pop("pass_score"), ["score_route：缺少 pass_score（分数线）"]),
        # unknown or missing kind
        ("cn-ref-2024", lambda d: d.update(kind="points_v2"),
         ["kind：应为 points、tech_sme 或 high_tech，实际为 'points_v2'", "规则类型"]),
        ("high-tech-2016", lambda d: d.pop("kind"), ["缺少 kind（应为 points、tech_sme 或 high_tech）"]),
        # negative weight, out-of-range levels
        ("cn-ref-2024", lambda d: d["indicators"][0].update(weight=-8),
         ["indicators[0].weight：权重不能为负，实际为 -8"]),
        ("cn-ref-2024", lambda d: d["indicators"][7]["levels"].update(national=1.5),
         ["indicators[7].levels.national：得分率应在 0–1 之间", "等级表 · “national”"]),
        # a typo in a key is an error, not a silently ignored line
        ("cn-ref-2024", lambda d: d["indicators"][0].update(wieght=8), ["indicators[0]：不认识的键 wieght"]),
        ("high-tech-2016", lambda d: d["checks"][4]["conditions"][1].update(mising_as=0),
         ["checks[4].conditions[1]：不认识的键 mising_as"]),
        # references between parts of the file
        ("cn-ref-2024", lambda d: d.update(reference_stage="mature"), ["reference_stage：未知阶段 mature"]),
        ("cn-ref-2024", lambda d: d["stages"][1].update(below=300), ["stages[1].below：阶段上限应递增"]),
        ("cn-ref-2024", lambda d: d["indicators"].append(dict(d["indicators"][0])),
         ["indicators[18].field：同一数据项 rd_expense 出现了两次"]),
        ("cn-ref-2024", lambda d: d["indicators"][7].update(levels=None, curve=[[0, 0], [1, 1]]),
         ["rd_platform_level 是选项类数据项，只能用 levels"]),
        ("tech-sme-2022", lambda d: d["direct_routes"][2].update(value="provincial"),
         ["direct_routes[2].value：比较 in 的 value 应为列表"]),
        ("tech-sme-2022", lambda d: d["direct_routes"][0].update(value="high_tec"),
         ["qualification 没有取值 'high_tec'", "可选："]),
        ("tech-sme-2022", lambda d: d["conditions"][1].update(op="<="), ["conditions[1].op：未知比较 <="]),
        ("tech-sme-2022", lambda d: d["parts"][1]["rule"]["max_of"][0].update(steps=[]),
         ["parts[1].rule.max_of[0].steps：不能为空", "分项第 2 项「研发投入」 · 评分规则"]),
        ("tech-sme-2022", lambda d: d["parts"][0]["rule"]["steps"].insert(0, {"else": 0}),
         ["parts[0].rule.steps[0]：else 必须是最后一档", "分档表第 1 档"]),
        ("high-tech-2016", lambda d: d["likely_meets_requires"].append("ghost"),
         ["likely_meets_requires[6]：未知检查项 ghost"]),
        ("high-tech-2016", lambda d: d["checks"][0].pop("conditions"),
         ["checks[0]：需要 conditions、any_of 或 judgement 之一"]),
    ],
)
def test_malformed_file_names_line_path_and_place(
    tmp_path: Path, rule_id: str, mutate: Callable[[dict[str, Any]], object], words: list[str]
) -> None:
    message = _load_broken(tmp_path, rule_id, mutate)
    assert message.startswith("规则文件 zone-bad.yaml ")
    for word in words:
        assert word in message, message


def test_the_line_is_the_broken_value(tmp_path: Path) -> None:
    message = _load_broken(tmp_path, "cn-ref-2024", lambda d: d["bands"][1].update(min="seventy"))
    lines = (tmp_path / "zone-bad.yaml").read_text(encoding="utf-8").splitlines()
    line = int(re.search(r"第 (\d+) 行有误", message).group(1))  # type: ignore[union-attr]
    assert "seventy" in lines[line - 1]


def test_other_problems_are_counted(tmp_path: Path) -> None:
    def two(d: dict[str, Any]) -> None:
        d["indicators"][0].update(weight="eight")
        d["indicators"][1].update(weight="twelve")

    assert "另有 1 处问题" in _load_broken(tmp_path, "cn-ref-2024", two)


def test_top_level_not_a_mapping(tmp_path: Path) -> None:
    (tmp_path / "zone-list.yaml").write_text("- a\n- b\n", encoding="utf-8")
    with pytest.raises(scoring.RuleSetError, match=r"zone-list\.yaml 有误：顶层应为映射"):
        load_rule_file(tmp_path / "zone-list.yaml")


def test_yaml_numbers_as_text_and_omitted_defaults(tmp_path: Path) -> None:
    data = _builtin("cn-ref-2024")
    data.update(id="zone-num", version=2025)
    for key in ("title", "disclaimer", "default_stage", "stage_field", "vetoes", "deductions", "bonus"):
        data.pop(key)
    rs = rule_set_from_data(data, tmp_path / "zone-num.yaml")
    assert isinstance(rs, scoring.PointsRuleSet)
    assert (rs.version, rs.title, rs.disclaimer) == ("2025", "zone-num", "")
    assert (rs.default_stage, rs.stage_field, rs.bonus_cap, rs.vetoes) == ("growth", "revenue", 0.0, ())


def _paths(node: object, at: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*at, key)
            yield from _paths(value, (*at, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield (*at, i)
            yield from _paths(value, (*at, i))


@pytest.mark.parametrize("rule_id", BUILTIN)
def test_any_value_swapped_or_removed_loads_or_names_the_problem(rule_id: str, tmp_path: Path) -> None:
    """Every key of a built-in file, removed or given a wrong value: a rule set or a Chinese RuleSetError."""
    original = _builtin(rule_id)
    original.pop("knowledge", None)  # free text rendered elsewhere (scoring.knowledge)
    tried = failed = 0
    for path in _paths(original):
        for replacement in (None, "字", -1, {"x": 1}, []):
            data = copy.deepcopy(original)
            parent = data
            for key in path[:-1]:
                parent = parent[key]
            if replacement is None:
                parent.pop(path[-1])  # type: ignore[attr-defined]
            else:
                parent[path[-1]] = replacement
            tried += 1
            try:
                rule_set_from_data(data, tmp_path / f"{rule_id}.yaml")
            except scoring.RuleSetError as exc:
                failed += 1
                assert exc.message.startswith(f"规则文件 {rule_id}.yaml 有误："), exc.message
                assert not ENGLISH.search(exc.message), exc.message
    assert tried > 100 and failed > tried // 2


def test_every_key_of_the_schema_has_a_chinese_name() -> None:
    """A new key in rule_schema needs its name in rules/rule_keys.yaml, or messages show it raw."""
    from pydantic import BaseModel

    from scoring import rule_parts, rule_schema

    names = yaml.safe_load((builtin_rules_dir() / "rule_keys.yaml").read_text(encoding="utf-8"))["names"]
    models = [
        m for module in (rule_parts, rule_schema) for m in vars(module).values()
        if isinstance(m, type) and issubclass(m, BaseModel) and m.__module__ == module.__name__
    ]
    comparisons = set(rule_parts.COMPARISONS)  # le/lt/… are read as themselves
    keys = {info.alias or name for m in models for name, info in m.model_fields.items()}
    assert len(models) > 15
    assert sorted(keys - comparisons - set(names)) == []
