"""Hybrid search: legs, fusion, filters and bad input."""

from __future__ import annotations

import pytest

from retrieval.engine import RetrievalEngine
from retrieval.errors import InvalidQueryError
from retrieval.evaluation import evaluate, load_qa
from retrieval.hybrid import date_bounds
from retrieval.types import SearchFilters
from tests.retrieval.conftest import DEV_QA


def test_hits_carry_article_metadata(built_engine: RetrievalEngine) -> None:
    hits = built_engine.searcher.search("宁科贷的余额超过多少？", 5)
    assert len(hits) == 5
    top = hits[0]
    assert "367亿元" in top.text
    assert top.title == "南京市积极打造金融服务生态链 探索赋能科技创新路径"
    assert top.source == "科技情报参考 2022年第8期" and top.date == "2022-08"
    assert "南京" in top.regions and top.doc_id in top.chunk_id
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_hybrid_beats_each_leg_on_the_dev_set(built_engine: RetrievalEngine) -> None:
    items = load_qa(DEV_QA)
    s = built_engine.searcher
    scores = {
        mode: evaluate(items, lambda q, k, m=mode: s.search(q, k, mode=m), None)
        for mode in ("bm25", "dense", "hybrid")
    }
    assert scores["hybrid"].hit_at_1 >= 0.9 and scores["hybrid"].hit_at_5 >= 0.98
    assert scores["hybrid"].mrr >= scores["bm25"].mrr
    assert scores["hybrid"].mrr > scores["dense"].mrr


def test_region_filter(built_engine: RetrievalEngine) -> None:
    hits = built_engine.searcher.search("积分贷", 5, SearchFilters(regions=("重庆市",)))
    assert hits and all("重庆" in h.regions for h in hits)
    sichuan = built_engine.searcher.search("科技成果转化", 10, SearchFilters(regions=("四川",)))
    assert sichuan and all("四川" in h.regions for h in sichuan)
    assert {h.title for h in sichuan} & {"成都出台推动科技成果转化28条"}


def test_date_filter(built_engine: RetrievalEngine) -> None:
    hits = built_engine.searcher.search("科技金融", 10, SearchFilters(date_from="2024-01", date_to="2024-12"))
    assert hits and all(h.date.startswith("2024") for h in hits)
    old = built_engine.searcher.search("科技金融", 10, SearchFilters(date_to="2022"))
    assert old and all(h.date.startswith("2022") for h in old)
    assert built_engine.searcher.search("科技金融", 5, SearchFilters(date_from="2030")) == []


def test_tag_filter(built_engine: RetrievalEngine) -> None:
    hits = built_engine.searcher.search("企业", 10, SearchFilters(tags=("积分贷",)))
    assert hits and all("积分贷" in h.tags for h in hits)


@pytest.mark.parametrize("value", ["", "   ", "\n\t", "？？？", "\x00\x07"])
def test_empty_queries_are_refused(built_engine: RetrievalEngine, value: str) -> None:
    with pytest.raises(InvalidQueryError) as info:
        built_engine.searcher.search(value)
    assert "问题" in info.value.user_message


def test_odd_but_valid_queries(built_engine: RetrievalEngine) -> None:
    s = built_engine.searcher
    long = s.search("成都创新积分" * 2000, 3)  # 12,000 characters
    assert long and len(long) == 3
    mixed = s.search("ＮＡＮＪＩＮＧ　宁科贷\x00余额　超过多少？", 3)
    assert "367亿元" in mixed[0].text
    assert s.search("宁科贷的余额", 1000)  # k is capped, not an error


def test_date_bounds() -> None:
    assert date_bounds("2023", end=False) == "2023-01-01"
    assert date_bounds("2023-02", end=True) == "2023-02-28"
    assert date_bounds("2023年8月3日", end=True) == "2023-08-03"
    assert date_bounds("2023-13", end=False) is None
    assert date_bounds("昨天", end=False) is None


def test_synonyms_reach_passages_worded_differently(built_engine: RetrievalEngine) -> None:
    # the 诸暨 filter keeps the policy summaries (which say 高企 and 高新技术企业 alike) out
    hits = built_engine.searcher.search(
        "诸暨高企通过认定多少家？", 3, SearchFilters(regions=("诸暨",)), mode="bm25"
    )
    assert any("高新技术企业通过认定268家" in h.text for h in hits)


def test_gazetteer_knows_every_province_and_parents() -> None:
    from retrieval.tagging import gazetteer

    gaz = gazetteer()
    for province in ("北京", "内蒙古", "黑龙江", "宁夏", "新疆", "西藏", "广西", "海南", "台湾"):
        assert gaz.canonical(province) == province
    assert gaz.with_parents(gaz.mentions("浙江长兴县和安徽省黄山市")) == ("浙江", "长兴", "湖州", "安徽", "黄山")
    assert gaz.canonical("襄阳市") == "襄阳" and gaz.canonical("火星") is None
