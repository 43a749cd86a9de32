"""Rule sets are data: zone files are picked up by id, malformed files fail at load with a reason."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

import scoring
from scoring.loader import builtin_rules_dir


def _cn_ref() -> dict[str, Any]:
    return yaml.safe_load((builtin_rules_dir() / "cn-ref-2024.yaml").read_text(encoding="utf-8"))


def _write(tmp_path: Path, rule_id: str, data: dict[str, Any]) -> Path:
    data = {**data, "id": rule_id}
    path = tmp_path / f"{rule_id}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_builtin_rule_sets_available() -> None:
    assert {"cn-ref-2024", "tech-sme-2022", "high-tech-2016"} <= set(scoring.available_rule_sets())


def test_zone_file_selected_by_id_without_code_change(tmp_path: Path) -> None:
    data = _cn_ref()
    data["version"] = "2025.1"
    data["title"] = "某高新区创新积分"
    for ind in data["indicators"]:  # the zone doubles patents and halves class-II IP
        if ind["field"] == "invention_patents":
            ind["weight"] = 12
        if ind["field"] == "class2_ip":
            ind["weight"] = 2
    data["bonus"]["items"].append({"field": "strategic_industry", "when": True, "points": 40})
    _write(tmp_path, "zone-demo-2025", data)
    assert "zone-demo-2025" in scoring.available_rule_sets([tmp_path])
    result = scoring.score({"revenue": 1000, "invention_patents": 1, "strategic_industry": True},
                           "zone-demo-2025", extra_dirs=[tmp_path])
    assert result.rule_set == "zone-demo-2025" and result.version == "2025.1"
    patents = next(i for i in result.indicators if i.field == "invention_patents")
    assert patents.points == pytest.approx(6.0)
    assert result.bonus == 30.0  # 5 + 40 capped at 30


def test_duplicate_rule_set_id_is_an_error(tmp_path: Path) -> None:
    _write(tmp_path, "cn-ref-2024", _cn_ref())
    with pytest.raises(scoring.RuleSetError, match="重复"):
        scoring.load_rule_set("cn-ref-2024", [tmp_path])


def test_unknown_rule_set() -> None:
    with pytest.raises(scoring.RuleSetError, match="没有名为 nope"):
        scoring.load_rule_set("nope")


def _broken(mutate: Any) -> dict[str, Any]:
    data = _cn_ref()
    mutate(data)
    return data


@pytest.mark.parametrize(
    ("mutate", "words"),
    [
        (lambda d: d.pop("version"), "缺少 version"),
        (lambda d: d.update(kind="magic"), "kind"),
        (lambda d: d["indicators"][0].update(curve=[[0, 0], [100, 0.3], [50, 0.5]]), "indicators[0].curve[2]：x 应严格递增"),
        (lambda d: d["indicators"][1].update(curve=[[2, 1.2]]), "得分率 s 应在 0–1 之间"),
        (lambda d: d["indicators"][0].update(field="rd_budget"), "未知数据项 'rd_budget'"),
        (lambda d: d["indicators"][0].update(category="magic"), "未知类别 magic"),
        (lambda d: d["indicators"][0].update(weight=9), "权重合计"),
        (lambda d: d["indicators"][7]["levels"].update(galactic=1), "没有取值 'galactic'"),
        (lambda d: d["indicators"][0].update(weight="eight"), "应为数字"),
        (lambda d: d["stages"][0].pop("totals"), "缺少 totals"),
        (lambda d: d["bands"].append({"min": 10, "label": "x"}), "兜底档"),
        (lambda d: d["bonus"]["items"].append({"field": "st_award"}), "levels、per_unit"),
        (lambda d: d["indicators"][13].update(steps=[{"le": 55, "ge": 3, "s": 1}]), "只能有一个比较"),
    ],
)
def test_malformed_rule_file_names_the_problem(tmp_path: Path, mutate: Any, words: str) -> None:
    _write(tmp_path, "zone-bad", _broken(mutate))
    with pytest.raises(scoring.RuleSetError) as err:
        scoring.load_rule_set("zone-bad", [tmp_path])
    assert "zone-bad.yaml" in err.value.message
    assert words in err.value.message


def test_invalid_yaml_and_id_mismatch(tmp_path: Path) -> None:
    (tmp_path / "zone-x.yaml").write_text("id: zone-x\nversion: [1\n", encoding="utf-8")
    with pytest.raises(scoring.RuleSetError, match="不是有效的 YAML"):
        scoring.load_rule_set("zone-x", [tmp_path])
    _write(tmp_path, "zone-y", _cn_ref())
    text = (tmp_path / "zone-y.yaml").read_text(encoding="utf-8").replace("id: zone-y", "id: other")
    (tmp_path / "zone-y.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(scoring.RuleSetError, match="应与文件名一致"):
        scoring.load_rule_set("zone-y", [tmp_path])


def test_malformed_tech_sme_file(tmp_path: Path) -> None:
    data = yaml.safe_load((builtin_rules_dir() / "tech-sme-2022.yaml").read_text(encoding="utf-8"))
    data["score_route"]["positive"] = ["nobody"]
    _write(tmp_path, "zone-sme", data)
    with pytest.raises(scoring.RuleSetError, match="未知分项 nobody"):
        scoring.load_rule_set("zone-sme", [tmp_path])


def test_missing_extra_dir() -> None:
    with pytest.raises(scoring.RuleSetError, match="规则目录不存在"):
        scoring.available_rule_sets([Path("/nonexistent/rules")])
