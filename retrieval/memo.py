"""Remembered results: many managers ask the same things, and a score reply's briefing search
depends on a few inputs (check, region, industry, weak indicators), so a repeat costs no search.

Every entry belongs to one index generation (the store's `generation`, moved by each add, remove
or rebuild): a result is never served from an index that has changed since it was computed.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, replace
from typing import Generic, TypeVar

from retrieval.textutil import normalize_query
from retrieval.types import Answer, Answerer, Hit, Searcher, SearchFilters

__all__ = ["CacheStats", "CachedAnswerer", "CachedSearcher", "ResultCache"]

V = TypeVar("V")


@dataclass(frozen=True)
class CacheStats:
    """Hits and misses since the cache was made (the bench prints the hit rate)."""

    hits: int
    misses: int
    entries: int

    @property
    def hit_rate(self) -> float:
        """Share of look-ups answered from memory."""
        total = self.hits + self.misses
        return self.hits / total if total else 0.0


class ResultCache(Generic[V]):
    """A bounded least-recently-used map whose entries hold for one index generation only.

    size 0 remembers nothing. Thread-safe: the bot asks from several threads at once."""

    def __init__(self, size: int) -> None:
        self.size = max(0, int(size))
        self._entries: OrderedDict[Hashable, V] = OrderedDict()
        self._generation: str | None = None
        self._lock = threading.Lock()
        self._hits = 0
        self._misses = 0

    def get(self, generation: str, key: Hashable) -> V | None:
        """The value remembered for key in this generation, or None."""
        with self._lock:
            self._turn(generation)
            value = self._entries.get(key)
            if value is None:
                self._misses += 1
                return None
            self._entries.move_to_end(key)
            self._hits += 1
            return value

    def put(self, generation: str, key: Hashable, value: V) -> None:
        """Remember value for key; the least recently used entry goes past the bound."""
        if self.size == 0:
            return
        with self._lock:
            if self._generation != generation:
                return  # the index changed while this was computed: not kept
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def resize(self, size: int) -> None:
        """A new bound (0 empties the cache and switches it off)."""
        with self._lock:
            self.size = max(0, int(size))
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def stats(self) -> CacheStats:
        """Hits, misses and entries so far."""
        with self._lock:
            return CacheStats(self._hits, self._misses, len(self._entries))

    def _turn(self, generation: str) -> None:
        """A look-up in a newer generation forgets everything of the old one."""
        if generation != self._generation:
            self._entries.clear()
            self._generation = generation


class CachedSearcher:
    """A Searcher that remembers the hits of each (query, k, filters) for the index generation."""

    def __init__(self, inner: Searcher, generation: Callable[[], str], size: int = 512) -> None:
        self.inner = inner
        self.cache: ResultCache[tuple[Hit, ...]] = ResultCache(size)
        self._generation = generation

    def search(self, query: str, k: int = 5, filters: SearchFilters | None = None) -> list[Hit]:
        """The inner searcher's hits, from memory when this index was asked the same before."""
        if self.cache.size == 0:
            return self.inner.search(query, k, filters)
        generation = self._generation()
        key = (normalize_query(query), k, None if filters is None or filters.is_empty() else filters)
        hits = self.cache.get(generation, key)
        if hits is None:
            hits = tuple(self.inner.search(query, k, filters))
            self.cache.put(generation, key, hits)
        return list(hits)


class CachedAnswerer:
    """An Answerer that remembers each question's answer for the index generation.

    Only for a deterministic answerer (the extractive one): the same index and question always
    give the same answer, so a remembered one is the answer, not an approximation."""

    def __init__(self, inner: Answerer, generation: Callable[[], str], size: int = 512) -> None:
        self.inner = inner
        self.cache: ResultCache[Answer] = ResultCache(size)
        self._generation = generation

    def answer(self, question: str) -> Answer:
        """The inner answerer's answer, from memory for a question this index has answered."""
        if self.cache.size == 0:
            return self.inner.answer(question)
        generation = self._generation()
        key = normalize_query(question)  # everything the answerer reads of the question
        answer = self.cache.get(generation, key)
        if answer is None:
            answer = self.inner.answer(question)
            self.cache.put(generation, key, answer)
        return replace(answer, citations=list(answer.citations))  # callers get their own list
