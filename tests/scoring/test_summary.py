"""Readable Chinese summaries (CLI without --json, chat replies) for every rule kind."""

from __future__ import annotations

import scoring
from tests.fakes.scoring import SAMPLE_GROWTH_FIRM


def test_points_summary_mentions_total_categories_suggestions_and_disclaimer() -> None:
    text = scoring.summarize(scoring.score(SAMPLE_GROWTH_FIRM))
    assert "总分" in text and "技术创新" in text and "提分建议" in text
    assert "不是官方积分" in text


def test_vetoed_summary_shows_reason_and_rectified_score() -> None:
    text = scoring.summarize(scoring.score({**SAMPLE_GROWTH_FIRM, "dishonest_list": True}))
    assert "一票否决" in text and "整改后可得" in text


def test_tech_sme_and_high_tech_summaries() -> None:
    ok = scoring.summarize(scoring.score({"employees": 100, "revenue": 1000, "total_assets": 2000,
                                          "standards": "led"}, "tech-sme-2022"))
    assert "结论：符合条件" in ok and "主导制定" in ok
    ht = scoring.summarize(scoring.score({"years_registered": 3}, "high-tech-2016"))
    assert "✓ 通过：注册成立一年以上" in ht and "需判断" in ht
