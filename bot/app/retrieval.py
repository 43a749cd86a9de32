"""Retrieval for the composition: one engine per settings, owned by whoever composes the process.

Heavy imports stay inside the builders so `innobot score` never loads chromadb or the encoder.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bot.settings import Settings

if TYPE_CHECKING:
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

_BUNDLED_CORPUS = Path(__file__).resolve().parents[2] / "corpus"


class RetrievalEngines:
    """Engines keyed by (data dir, corpus dir, embedder, chroma url): one index opened once a process.

    A process that composes several parts (assistant, digests) passes one instance to all of them;
    builders called without one share the process default, as before.
    """

    def __init__(self) -> None:
        self._engines: dict[tuple[str, str, str, str, str], RetrievalEngine] = {}
        self._lock = threading.Lock()

    def get(self, settings: Settings) -> RetrievalEngine:
        """The engine for these settings, opened on first use (thread-safe)."""
        from retrieval.engine import EngineConfig, RetrievalEngine

        key = (
            str(settings.data_dir.resolve()),
            str(settings.corpus_dir.resolve()),
            settings.embedder,
            settings.chroma_url or "",
            str(settings.rules_dir.resolve()) if settings.rules_dir else "",
        )
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
                    )
                )
                self._engines[key] = engine
            return engine

    async def aclose(self) -> None:
        """Close every engine opened here (their store connections), off the loop."""
        with self._lock:
            engines, self._engines = list(self._engines.values()), {}
        for engine in engines:
            await asyncio.to_thread(engine.close)


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
    settings: Settings, *, engines: RetrievalEngines | None = None
) -> tuple[Searcher | None, Answerer | None]:
    """Searcher and answerer over the index; (None, None) when it cannot be opened or built."""
    from retrieval.errors import RetrievalError

    try:
        return build_searcher(settings, engines=engines), build_answerer(settings, engines=engines)
    except RetrievalError as exc:
        logging.getLogger(__name__).warning("knowledge base unavailable: %s", type(exc).__name__)
        return None, None
