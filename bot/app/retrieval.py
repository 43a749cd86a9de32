"""Retrieval for the composition: one engine per settings, owned by whoever composes the process.

Heavy imports stay inside the builders so `innobot score` never loads chromadb or the encoder.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from bot.settings import Settings

if TYPE_CHECKING:
    from bot.app.search_workers import RetrievalWorkers
    from retrieval import Answerer, Catalog, Searcher
    from retrieval.engine import RetrievalEngine

__all__ = [
    "RetrievalEngines",
    "build_answerer",
    "build_catalog",
    "build_knowledge",
    "build_retrieval_engine",
    "build_searcher",
]

_Key = tuple[str, str, str, str, str, str]
_BUNDLED_CORPUS = Path(__file__).resolve().parents[2] / "corpus"


class RetrievalEngines:
    """Engines keyed by (data dir, corpus dir, embedder, chroma url, cache size): one index opened
    once a process.

    A process that composes several parts (assistant, digests) passes one instance to all of them;
    builders called without one share the process default, as before.
    """

    def __init__(self) -> None:
        self._engines: dict[_Key, RetrievalEngine] = {}
        self._knowledge: dict[tuple[_Key, int], tuple[Searcher, Answerer]] = {}
        self._workers: list[RetrievalWorkers] = []
        self._lock = threading.Lock()
        self._composing = threading.Lock()  # one pair (and one pool) per key, even when raced

    def get(self, settings: Settings) -> RetrievalEngine:
        """The engine for these settings, opened on first use (thread-safe)."""
        from retrieval.engine import EngineConfig, RetrievalEngine

        key = _key(settings)
        corpus_dir = settings.corpus_dir
        if not corpus_dir.is_dir():  # run from another directory: use the repository's bundled corpus
            corpus_dir = _BUNDLED_CORPUS if _BUNDLED_CORPUS.is_dir() else corpus_dir
        with self._lock:
            engine = self._engines.get(key)
            if engine is None:
                engine = RetrievalEngine(
                    EngineConfig(
                        data_dir=settings.ensure_data_dir(),
                        corpus_dir=corpus_dir,
                        embedder=settings.embedder,
                        chroma_url=settings.chroma_url,
                        generated=_RuleArticles(settings.rules_dir),
                        remembered_queries=256 if settings.retrieval_cache else 0,
                    )
                )
                self._engines[key] = engine
            return engine

    def knowledge(self, settings: Settings, workers: int | None = None) -> tuple[Searcher, Answerer]:
        """The searcher and answerer the chats share (the assistant and the web pages ask the
        same index): results remembered per index generation, in front of `workers` retrieval
        processes (None: INNOBOT_RETRIEVAL_WORKERS; 0: this process's engine)."""
        size = settings.retrieval_workers if workers is None else workers
        key = (_key(settings), size)
        with self._composing:
            known = self._knowledge.get(key)
            if known is None:
                known = self._compose(settings, size)
                self._knowledge[key] = known
            return known

    def _compose(self, settings: Settings, size: int) -> tuple[Searcher, Answerer]:
        engine = self.get(settings)
        searcher, answerer = build_searcher(settings, engines=self), build_answerer(settings, engines=self)
        extractive = answerer is engine.answerer  # an LLM answerer is neither pooled nor remembered
        if size > 0:
            from bot.app.search_workers import RetrievalWorkers

            pool = RetrievalWorkers(engine, size)
            with self._lock:
                self._workers.append(pool)
            searcher = pool.searcher
            answerer = pool.answerer if extractive else answerer
        return _remembering(engine, searcher, answerer, settings.retrieval_cache, extractive)

    def start_workers(self) -> None:
        """Start the retrieval processes composed so far, so they load the index now."""
        with self._lock:
            pools = list(self._workers)
        for pool in pools:
            pool.start()

    async def aclose(self) -> None:
        """Stop the retrieval processes and close every engine opened here, off the loop."""
        with self._lock:
            engines, self._engines = list(self._engines.values()), {}
            pools, self._workers = self._workers, []
        with self._composing:
            self._knowledge = {}
        for pool in pools:
            await asyncio.to_thread(pool.close)
        for engine in engines:
            await asyncio.to_thread(engine.close)


def _key(settings: Settings) -> _Key:
    """What makes two settings share an engine (the same index, searched the same way)."""
    return (
        str(settings.data_dir.resolve()),
        str(settings.corpus_dir.resolve()),
        settings.embedder,
        settings.chroma_url or "",
        str(settings.rules_dir.resolve()) if settings.rules_dir else "",
        str(settings.retrieval_cache),
    )


def _remembering(
    engine: RetrievalEngine, searcher: Searcher, answerer: Answerer, size: int, extractive: bool
) -> tuple[Searcher, Answerer]:
    """Searcher and answerer that remember results per index generation; an LLM answerer is
    not remembered (its wording is not fixed by the index), its searches are."""
    from retrieval.memo import CachedAnswerer, CachedSearcher

    def generation() -> str:
        return engine.store.get_meta("generation") or "0"

    def answers_generation() -> str:
        # answers read the clock too (最近, 今年): a remembered one holds for one day at most
        return f"{generation()}|{date.today().isoformat()}"

    remembered: Answerer = answerer
    if extractive:
        remembered = CachedAnswerer(answerer, answers_generation, size)
    return CachedSearcher(searcher, generation, size), remembered


class _RuleArticles:
    """The rule sets' 政策摘要, rendered by scoring at index time (retrieval never imports scoring)."""

    def __init__(self, rules_dir: Path | None) -> None:
        self._extra = (rules_dir,) if rules_dir else ()

    def __call__(self) -> Sequence[tuple[str, str]]:
        """(file name, Markdown text) of every rule set with a `knowledge:` block."""
        from scoring.knowledge import rule_articles

        return rule_articles(self._extra)


# The default for callers that do not compose their own (CLI commands, tests, benches).
_process_engines = RetrievalEngines()


def build_retrieval_engine(
    settings: Settings, *, engines: RetrievalEngines | None = None
) -> RetrievalEngine:
    """The retrieval engine for these settings (store, indexes, searcher, answerer)."""
    return (engines or _process_engines).get(settings)


def build_searcher(settings: Settings, *, engines: RetrievalEngines | None = None) -> Searcher:
    """Hybrid BM25 + Chroma searcher; builds the index from corpus/ first if it is missing."""
    engine = build_retrieval_engine(settings, engines=engines)
    if engine.store.chunk_count() == 0:
        engine.ensure_built()
    return engine.searcher


def build_answerer(settings: Settings, *, engines: RetrievalEngines | None = None) -> Answerer:
    """Extractive answerer; the LLM answerer (with extractive fallback) when an endpoint is set."""
    engine = build_retrieval_engine(settings, engines=engines)
    build_searcher(settings, engines=engines)
    extractive = engine.answerer
    if settings.llm_base_url and settings.llm_model:
        from retrieval.llm import LlmAnswerer, LlmConfig

        return LlmAnswerer(
            searcher=engine.searcher,
            fallback=extractive,
            config=LlmConfig(
                base_url=settings.llm_base_url,
                model=settings.llm_model,
                api_key=settings.llm_api_key,
                timeout=settings.llm_timeout,
            ),
        )
    return extractive


def build_catalog(settings: Settings, *, engines: RetrievalEngines | None = None) -> Catalog:
    """The catalog of ingested articles (digests read new ones from it)."""
    return build_retrieval_engine(settings, engines=engines).catalog


def build_knowledge(
    settings: Settings, *, engines: RetrievalEngines | None = None, workers: int | None = None
) -> tuple[Searcher | None, Answerer | None]:
    """The chats' searcher and answerer over the index (remembering results per index generation,
    INNOBOT_RETRIEVAL_CACHE; searching in `workers` processes, None = INNOBOT_RETRIEVAL_WORKERS);
    (None, None) when it cannot be opened or built."""
    from retrieval.errors import RetrievalError

    try:
        return (engines or _process_engines).knowledge(settings, workers)
    except RetrievalError as exc:
        logging.getLogger(__name__).warning("knowledge base unavailable: %s", type(exc).__name__)
        return None, None
