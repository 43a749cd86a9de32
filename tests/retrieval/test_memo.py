"""Remembered answers and searches: bounded, per index generation, forgotten on every index change."""

from __future__ import annotations

import threading
from pathlib import Path

from retrieval.engine import RetrievalEngine
from retrieval.memo import CachedAnswerer, CachedSearcher, ResultCache
from retrieval.types import Answer, Citation, Hit, SearchFilters
from tests.retrieval.test_ingest import NEW_BRIEF


class CountingSearcher:
    """Answers every query with one hit naming the query and how many searches ran before."""

    def __init__(self) -> None:
        self.calls = 0

    def search(self, query: str, k: int = 5, filters: SearchFilters | None = None) -> list[Hit]:
        self.calls += 1
        region = filters.regions[0] if filters and filters.regions else ""
        return [Hit(f"d{self.calls}", "c", query, region, "", str(k), 1.0)]


class CountingAnswerer:
    """One answer per call, numbered, with one citation."""

    def __init__(self) -> None:
        self.calls = 0

    def answer(self, question: str) -> Answer:
        self.calls += 1
        return Answer(f"{question} #{self.calls}", True, [Citation("d", "t", "s", "", "x")])


class Generation:
    """The index generation a test moves by hand."""

    def __init__(self) -> None:
        self.value = "g1"

    def __call__(self) -> str:
        return self.value


def test_a_repeated_search_is_answered_from_memory() -> None:
    inner, generation = CountingSearcher(), Generation()
    searcher = CachedSearcher(inner, generation, size=8)
    first = searcher.search("积分贷是什么？", 3)
    assert searcher.search("积分贷是什么？", 3) == first
    assert searcher.search(" 积分贷是什么? ", 3) == first  # normalised: width and spaces folded
    assert inner.calls == 1
    searcher.search("积分贷是什么？", 5)  # another k is another search
    searcher.search("积分贷是什么？", 3, SearchFilters(regions=("成都",)))  # so is a filter
    assert inner.calls == 3
    assert searcher.search("积分贷是什么？", 3, SearchFilters()) == first  # empty filters: none
    assert searcher.cache.stats().hits == 3


def test_a_new_index_generation_forgets_every_result() -> None:
    inner, generation = CountingAnswerer(), Generation()
    answerer = CachedAnswerer(inner, generation, size=8)
    assert answerer.answer("什么是创新积分？").answer.endswith("#1")
    assert answerer.answer("什么是创新积分？").answer.endswith("#1")
    generation.value = "g2"  # an add, remove or rebuild moved the store's generation
    assert answerer.answer("什么是创新积分？").answer.endswith("#2")
    assert answerer.cache.stats().entries == 1


def test_the_cache_is_bounded_least_recently_used_first() -> None:
    inner, generation = CountingSearcher(), Generation()
    searcher = CachedSearcher(inner, generation, size=2)
    searcher.search("甲", 1)
    searcher.search("乙", 1)
    searcher.search("甲", 1)  # 甲 used again: 乙 is now the oldest
    searcher.search("丙", 1)
    assert searcher.cache.stats().entries == 2
    searcher.search("甲", 1)
    assert inner.calls == 3
    searcher.search("乙", 1)
    assert inner.calls == 4


def test_size_zero_remembers_nothing() -> None:
    inner, generation = CountingAnswerer(), Generation()
    answerer = CachedAnswerer(inner, generation, size=0)
    answerer.answer("问题")
    answerer.answer("问题")
    assert inner.calls == 2


def test_callers_get_their_own_lists() -> None:
    searcher = CachedSearcher(CountingSearcher(), Generation(), size=4)
    searcher.search("甲", 1).clear()
    assert len(searcher.search("甲", 1)) == 1
    answerer = CachedAnswerer(CountingAnswerer(), Generation(), size=4)
    answerer.answer("问").citations.clear()
    assert len(answerer.answer("问").citations) == 1


def test_a_result_computed_across_an_index_change_is_not_kept() -> None:
    cache: ResultCache[str] = ResultCache(4)
    assert cache.get("g1", "q") is None
    assert cache.get("g2", "q") is None  # another thread saw the new index meanwhile
    cache.put("g1", "q", "old")  # the slow search of the old index finishes last
    assert cache.get("g2", "q") is None


def test_concurrent_use_stays_bounded() -> None:
    cache: ResultCache[int] = ResultCache(16)

    def work(offset: int) -> None:
        for i in range(500):
            if cache.get("g", (offset + i) % 40) is None:
                cache.put("g", (offset + i) % 40, i)

    threads = [threading.Thread(target=work, args=(n * 7,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stats = cache.stats()
    assert stats.entries <= 16 and stats.hits + stats.misses == 2000


def test_adding_a_briefing_to_a_real_index_is_seen_at_once(fresh_engine: RetrievalEngine, tmp_path: Path) -> None:
    """The generation the chats key on is the store's: an add changes what a repeat returns."""
    def generation() -> str:
        return fresh_engine.store.get_meta("generation") or "0"

    answerer = CachedAnswerer(fresh_engine.answerer, generation, size=8)
    searcher = CachedSearcher(fresh_engine.searcher, generation, size=8)
    question = "鄂尔多斯的积分贷发放了多少贷款？"
    before = answerer.answer(question)
    hits_before = searcher.search("鄂创积分贷", 3)
    assert "1.26亿元" not in before.answer
    assert answerer.answer(question) == before and answerer.cache.stats().hits == 1
    brief = tmp_path / "new.txt"
    brief.write_text(NEW_BRIEF, encoding="utf-8")
    fresh_engine.ingestor.add_paths([brief])
    after = answerer.answer(question)
    assert "1.26亿元" in after.answer
    assert after == fresh_engine.answerer.answer(question)  # the same answer as without memory
    hits_after = searcher.search("鄂创积分贷", 3)
    assert hits_after != hits_before and "1.26亿元" in hits_after[0].text
