"""A national figure question whose figures belong to single places is told that it varies by region."""

from __future__ import annotations

from retrieval.selection import Candidate
from retrieval.spread import regional_spread
from retrieval.targets import detect_targets
from retrieval.types import Hit


def _cand(text: str, chunk: str, coverage: float = 0.5) -> Candidate:
    hit = Hit("d" + chunk, chunk, "t", "s", "2026", text, 1.0, kind="knowledge")
    return Candidate(text, hit, 1, 0, 1, coverage, 1.0, True, 1)


HANGZHOU = _cand("杭州高新区（滨江）积分企业基础授信额度不低于50万元。", "1")
CHENGDU = _cand("成都积分贷单户最高可贷1000万元。", "2")
BOTH = _cand("积分高的企业可获得积分贷（如成都单户最高1000万元、杭州基础授信不低于50万元）。", "3")
NATIONAL = _cand("再贷款额度5000亿元，利率1.75%。", "4")
ASK = detect_targets("积分贷能贷多少？")


def test_figures_of_different_places_show_the_comparing_sentence() -> None:
    assert regional_spread(ASK, [HANGZHOU, CHENGDU, BOTH], (), rules=True) == [BOTH]


def test_without_a_comparing_sentence_each_place_shows_its_own_figure() -> None:
    assert regional_spread(ASK, [HANGZHOU, CHENGDU], (), rules=True) == [HANGZHOU, CHENGDU]


def test_a_sub_district_and_its_city_are_one_place() -> None:
    other = _cand("杭州积分贷覆盖95%以上的积分企业，授信1.25亿元。", "5")
    assert regional_spread(ASK, [HANGZHOU, other], (), rules=True) == []


def test_no_spread_for_a_named_subject_a_national_figure_or_a_news_question() -> None:
    assert regional_spread(ASK, [HANGZHOU, CHENGDU], ("成都",), rules=True) == []
    assert regional_spread(ASK, [NATIONAL, HANGZHOU, CHENGDU], (), rules=True) == []
    assert regional_spread(ASK, [HANGZHOU, CHENGDU], (), rules=False) == []
