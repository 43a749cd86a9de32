"""Rule sets rendered as policy summaries: thresholds come from the rule files, never from prose."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from scoring.errors import RuleSetError
from scoring.knowledge import render_rule_article, rule_articles
from scoring.loader import builtin_rules_dir, load_rule_file, load_rule_set


def _copy(tmp_path: Path, rule_id: str, change: object) -> Path:
    data = yaml.safe_load((builtin_rules_dir() / f"{rule_id}.yaml").read_text(encoding="utf-8"))
    change(data)  # type: ignore[operator]
    path = tmp_path / f"{rule_id}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_high_tech_article_carries_the_thresholds_and_the_article_numbers() -> None:
    rendered = render_rule_article(load_rule_set("high-tech-2016"))
    assert rendered is not None
    name, text = rendered
    assert name == "high-tech-2016.md" and text.startswith("---\nkind: knowledge")
    assert "依据：banfa 第十一条第（五）项" in text
    bands = "5000万元以下（含）的企业研发费用占比不低于5%，最近一年销售收入5000万元至2亿元（含）的企业研发费用占比不低于4%"
    assert bands in text and "2亿元以上的企业研发费用占比不低于3%" in text
    assert "比例不低于60%" in text and "{" not in text.split("---", 2)[2]


def test_tech_sme_article_renders_every_step_table() -> None:
    rendered = render_rule_article(load_rule_set("tech-sme-2022"))
    assert rendered is not None
    text = rendered[1]
    assert "科技人员占比30%及以上得20分，科技人员占比25%（含）至30%得16分" in text
    assert "科技人员占比不足10%得0分" in text
    assert "Ⅱ类知识产权4件及以上得24分，Ⅱ类知识产权3件得18分" in text and "职工总数不超过500人" in text
    assert "合计100分" in text and "不低于60分" in text


def test_a_changed_threshold_changes_the_article(tmp_path: Path) -> None:
    def stricter(data: dict) -> None:
        check = next(c for c in data["checks"] if c["id"] == "rd_staff")
        check["conditions"][0]["value"] = 15
        band = next(c for c in data["checks"] if c["id"] == "rd_intensity")["conditions"][0]
        band["threshold_by"]["bands"][0] = {"le": 3000, "value": 6}

    rendered = render_rule_article(load_rule_file(_copy(tmp_path, "high-tech-2016", stricter)))
    assert rendered is not None
    text = rendered[1]
    assert "职工总数的比例不低于15%" in text and "不低于10%" not in text
    assert "3000万元以下（含）的企业研发费用占比不低于6%" in text


def test_a_placeholder_without_a_threshold_is_an_error(tmp_path: Path) -> None:
    def typo(data: dict) -> None:
        data["knowledge"]["sections"][0]["text"] = "科技人员比例不低于{rd_staf_ratio}。"

    with pytest.raises(RuleSetError, match="rd_staf_ratio"):
        render_rule_article(load_rule_file(_copy(tmp_path, "high-tech-2016", typo)))


def test_rule_articles_skip_files_without_knowledge_and_broken_zone_files(tmp_path: Path) -> None:
    (tmp_path / "zone-broken.yaml").write_text("id: zone-broken\nversion: '1'\nkind: points\n", encoding="utf-8")
    data = yaml.safe_load((builtin_rules_dir() / "cn-ref-2024.yaml").read_text(encoding="utf-8"))
    data["id"] = "zone-plain"
    del data["knowledge"]
    (tmp_path / "zone-plain.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    names = sorted(name for name, _ in rule_articles([tmp_path]))
    assert names == ["cn-ref-2024.md", "high-tech-2016.md", "tech-sme-2022.md"]  # zone-plain has no knowledge


def test_the_reference_model_summary_reads_weights_and_curves_from_the_rule_file(tmp_path: Path) -> None:
    text = render_rule_article(load_rule_set("cn-ref-2024"))[1]  # type: ignore[index]
    assert "成长期（营业收入500万元至1亿元）技术创新55分、成长经营30分、辅助15分" in text
    assert "1件得5分，2件得6分，5件得8.5分，10件及以上得满分10分" in text
    assert "6%及以上得满分12分" in text and text.count("官方权重未公开") >= 18

    def heavier_patents(data: dict[str, object]) -> None:
        ind = next(i for i in data["indicators"] if i["field"] == "invention_patents")  # type: ignore[attr-defined]
        ind["curve"] = [[0, 0], [3, 0.5], [10, 1]]

    path = _copy(tmp_path, "cn-ref-2024", heavier_patents)
    changed = render_rule_article(load_rule_file(path))[1]  # type: ignore[index]
    assert "3件得5分，10件及以上得满分10分" in changed and "2件得6分" not in changed


def test_every_life_stage_has_its_own_weights_section_read_from_the_rule_file(tmp_path: Path) -> None:
    text = render_rule_article(load_rule_set("cn-ref-2024"))[1]  # type: ignore[index]
    for heading, totals in (("初创期", "技术创新60分、成长经营20分、辅助20分"),
                            ("成长期", "技术创新55分、成长经营30分、辅助15分"),
                            ("稳定期", "技术创新45分、成长经营40分、辅助15分")):
        section = text.split(f"## 参考模型{heading}权重\n", 1)[1].split("\n## ", 1)[0]
        assert totals in section and "官方各阶段权重未公开" in section and "{" not in section

    def startup_heavier_on_tech(data: dict[str, object]) -> None:
        data["stages"][0]["totals"] = {"tech": 70, "growth": 15, "support": 15}  # type: ignore[index]

    changed = render_rule_article(load_rule_file(_copy(tmp_path, "cn-ref-2024", startup_heavier_on_tech)))[1]  # type: ignore[index]
    section = changed.split("## 参考模型初创期权重\n", 1)[1].split("\n## ", 1)[0]
    assert all(f in section for f in ("初创期（营业收入500万元以下）", "技术创新70分", "成长经营15分", "辅助15分"))
