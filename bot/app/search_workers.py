"""Retrieval in worker processes: questions and briefing searches run on another core than the
bot's, so its GIL stays free for everyone else's dialogue steps (检索进程池).

Each worker opens the index once (encoder, BM25 and vectors loaded at warm-up) and follows every
index change by itself, as any process does (the store's generation is read at each search).
A dead or failing pool never loses a reply: the work is done in this process instead.
"""

from __future__ import annotations

import functools
import threading
from typing import TYPE_CHECKING

from bot.core.workers import WorkerProcesses

if TYPE_CHECKING:
    from retrieval.engine import EngineConfig, RetrievalEngine
    from retrieval.types import Answer, Answerer, Hit, Searcher, SearchFilters

__all__ = ["RetrievalWorkers"]

_engine: RetrievalEngine | None = None  # a worker process's own engine, opened on its first call
_opening = threading.Lock()


def _open(config: EngineConfig) -> RetrievalEngine:
    """This worker's engine (the one process-wide object a worker needs)."""
    global _engine
    with _opening:
        if _engine is None:
            from retrieval.engine import RetrievalEngine

            _engine = RetrievalEngine(config)
        return _engine


def _warm(config: EngineConfig) -> None:
    """Load the encoder, BM25 and the vectors before the first question arrives."""
    _open(config).warm_up()


def _answer(config: EngineConfig, question: str) -> Answer:
    return _open(config).answerer.answer(question)


def _search(config: EngineConfig, query: str, k: int, filters: SearchFilters | None) -> list[Hit]:
    return _open(config).searcher.search(query, k, filters)


class RetrievalWorkers:
    """`size` processes answering and searching for this one; at most `size * 4` calls wait for
    them at once (more callers wait their turn here), and each caller awaits its own result, so a
    user whose messages are handled in order gets the answers in order."""

    def __init__(self, engine: RetrievalEngine, size: int) -> None:
        self._config = engine.config
        self._local = engine
        self._processes = WorkerProcesses(size, "retrieval", warm_up=functools.partial(_warm, engine.config))
        self._slots = threading.BoundedSemaphore(max(1, size) * 4)
        self.searcher: Searcher = _PooledSearcher(self)
        self.answerer: Answerer = _PooledAnswerer(self)

    @property
    def size(self) -> int:
        """Worker processes (0 once the pool has failed and the work is done here)."""
        return self._processes.size

    def start(self) -> None:
        """Start the workers and let them load the index while the bot starts its channels."""
        self._processes.start()

    def answer(self, question: str) -> Answer:
        """The extractive answer, from a worker (or from this process's engine)."""
        with self._slots:
            return self._processes.run(_answer, self._config, question, local=self._answer_here)

    def search(self, query: str, k: int, filters: SearchFilters | None) -> list[Hit]:
        """The hybrid search's hits, from a worker (or from this process's engine)."""
        with self._slots:
            return self._processes.run(_search, self._config, query, k, filters, local=self._search_here)

    def close(self) -> None:
        """Stop the workers and wait until they have exited (later calls work here)."""
        self._processes.close()

    def _answer_here(self, _config: EngineConfig, question: str) -> Answer:
        return self._local.answerer.answer(question)

    def _search_here(self, _config: EngineConfig, query: str, k: int, filters: SearchFilters | None) -> list[Hit]:
        return self._local.searcher.search(query, k, filters)


class _PooledSearcher:
    """The Searcher protocol over the workers."""

    def __init__(self, workers: RetrievalWorkers) -> None:
        self._workers = workers

    def search(self, query: str, k: int = 5, filters: SearchFilters | None = None) -> list[Hit]:
        return self._workers.search(query, k, filters)


class _PooledAnswerer:
    """The Answerer protocol over the workers."""

    def __init__(self, workers: RetrievalWorkers) -> None:
        self._workers = workers

    def answer(self, question: str) -> Answer:
        return self._workers.answer(question)
