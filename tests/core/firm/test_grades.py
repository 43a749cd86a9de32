""""要到良好还差多少": the gap to the grade named, with grade names and minimums from the rule data."""

from __future__ import annotations

from dataclasses import replace

import scoring
from bot.core.firm.grades import render_grade_gap
from bot.core.firm.vocab import load_vocab
from scoring.loader import load_rule_set
from tests.core.firm.conftest import Chat

FIGURES = "营收3000万，研发投入150万，职工100人，研发人员12人，发明专利2件"


async def test_the_gap_is_to_the_grade_named_not_the_next_one(chat: Chat) -> None:
    replies = await chat("/score", "跳过", FIGURES, "就这些", "确认", "要到良好还差多少", "离领先还差几分",
                         "到优秀还差多少", "还差多少")
    total = 23.9
    assert f"距良好（70 分）还差 {70 - total:g} 分" in replies[-4] and "中等" not in replies[-4].splitlines()[0]
    assert f"距领先（85 分）还差 {85 - total:g} 分" in replies[-3]
    assert "没有“优秀”这一档" in replies[-2] and "良好 ≥70 分" in replies[-2]
    assert "距中等（55 分）还差" in replies[-1]  # no grade named: the next one


def test_grade_names_and_minimums_come_from_the_rule_set() -> None:
    figures = {"revenue": 3000, "rd_expense": 150, "employees": 100, "rd_staff": 12}
    a = scoring.assess(figures, "cn-ref-2024")
    rules = load_rule_set("cn-ref-2024")
    assert a.grades == tuple((label, m) for m, label in rules.bands if m is not None)  # type: ignore[union-attr]
    renamed = replace(a, grades=(("甲档", 40.0), ("乙档", 10.0)))
    v = load_vocab()
    assert "距甲档（40 分）还差" in (render_grade_gap(renamed, "要到甲档还差多少", v) or "")
    assert "已达到乙档（10 分）" in (render_grade_gap(renamed, "到乙档还差多少", v) or "")
    assert render_grade_gap(renamed, "要到良好还差多少", v) is not None  # 良好 is no grade here: named back
    assert render_grade_gap(renamed, "还差多少", v) is None
