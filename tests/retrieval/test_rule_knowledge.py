"""Thresholds have one home: a changed rule file changes the answer after `index build`."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot import app
from bot.settings import Settings
from scoring.loader import builtin_rules_dir


def _zone_rules(directory: Path, staff_ratio: int) -> None:
    """A zone's own high-tech-style rule set whose summary names its staff-ratio threshold."""
    data = yaml.safe_load((builtin_rules_dir() / "high-tech-2016.yaml").read_text(encoding="utf-8"))
    data["id"] = "zone-gaoqi-2026"
    next(c for c in data["checks"] if c["id"] == "rd_staff")["conditions"][0]["value"] = staff_ratio
    data["knowledge"]["title"] = "示范区培育企业入库条件"
    data["knowledge"]["sections"] = [{
        "heading": "示范区培育企业科技人员占比要求",
        "basis": "banfa 第十一条第（四）项",
        "text": "示范区培育企业入库要求科技人员占职工总数的比例不低于{rd_staff_ratio}。",
    }]
    (directory / "zone-gaoqi-2026.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_a_changed_threshold_changes_the_answer(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    _zone_rules(rules, 12)
    monkeypatch.setenv("INNOBOT_RULES_DIR", str(rules))
    settings = Settings(_env_file=None, data_dir=settings.data_dir, corpus_dir=settings.corpus_dir,  # type: ignore[call-arg]
                        embedder="hash")
    question = "示范区培育企业的科技人员占比要求是多少？"
    engines = app.RetrievalEngines()
    before = app.build_answerer(settings, engines=engines).answer(question)
    assert before.grounded and "不低于12%" in before.answer

    _zone_rules(rules, 18)
    engine = app.build_retrieval_engine(settings, engines=engines)
    assert engine.ensure_built()  # the rendered summary changed: the index is stale and rebuilt
    after = app.build_answerer(settings, engines=engines).answer(question)
    assert after.grounded and "不低于18%" in after.answer and "12%" not in after.answer
    assert "第十一条第（四）项" in after.citations[0].source
