"""The dense leg of a searcher (向量检索): query vectors from the encoder, neighbours from a
memory-mapped copy of the chunk vectors saved with the index, or from a Chroma server.

Loading chromadb costs ~1.5 s of CPU per process; an embedded index is therefore also saved as
one float32 matrix in chunk order (stamped with the store generation) and searched exactly by
a matrix product, so `innobot ask` never imports Chroma. Chroma stays the store of record.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from retrieval.embedders import Embedder
from retrieval.memo import ResultCache

if TYPE_CHECKING:
    from retrieval.dense import ChromaIndex

__all__ = ["DenseLeg", "VectorTable"]

log = logging.getLogger(__name__)

_MATRIX = "vectors.npy"
_STAMP = "stamp.txt"


class VectorTable:
    """Unit chunk vectors, one row per chunk position, searched by cosine similarity."""

    def __init__(self, matrix: np.ndarray) -> None:
        self.matrix = matrix

    @property
    def size(self) -> int:
        """Rows (chunks)."""
        return int(self.matrix.shape[0])

    @classmethod
    def load(cls, directory: Path, stamp: str, size: int) -> VectorTable | None:
        """The saved table of this generation (memory-mapped), or None when missing or stale."""
        try:
            saved = (directory / _STAMP).read_text(encoding="utf-8").split("\n")
            if saved[0] != stamp:
                return None
            matrix = np.load(directory / _MATRIX, mmap_mode="r")
        except (OSError, ValueError, IndexError):
            return None
        if matrix.ndim != 2 or matrix.shape[0] != size or matrix.dtype != np.float32:
            return None
        return cls(matrix)

    @staticmethod
    def save(directory: Path, stamp: str, matrix: np.ndarray) -> None:
        """Write the matrix, then the stamp that makes it valid (a crash leaves it stale, not wrong)."""
        directory.mkdir(parents=True, exist_ok=True)
        (directory / _STAMP).unlink(missing_ok=True)
        tmp = directory / f".{_MATRIX}.{os.getpid()}.tmp"
        with tmp.open("wb") as fh:
            np.save(fh, np.ascontiguousarray(matrix, dtype=np.float32))
        tmp.replace(directory / _MATRIX)
        (directory / _STAMP).write_text(f"{stamp}\n{matrix.shape[0]}", encoding="utf-8")

    def top(self, vector: np.ndarray, n: int, mask: np.ndarray | None = None) -> list[tuple[int, float]]:
        """(position, cosine similarity) of the n nearest chunks, best first (exact search)."""
        if self.size == 0 or n <= 0:
            return []
        sims = np.asarray(self.matrix @ np.asarray(vector, dtype=np.float32), dtype=np.float32)
        if mask is not None:
            sims = np.where(mask > 0, sims, -np.inf).astype(np.float32)
        allowed = int(np.count_nonzero(np.isfinite(sims)))
        n = min(n, allowed)
        if n <= 0:
            return []
        top = np.argpartition(-sims, n - 1)[:n]
        top = top[np.argsort(-sims[top], kind="stable")]
        return [(int(i), float(sims[i])) for i in top]


class DenseLeg:
    """Encoder and neighbour search for the hybrid searcher; Chroma is opened only when needed.

    vectors_dir set (embedded store): neighbours come from the saved VectorTable, copied out of
    Chroma once per store generation. vectors_dir None (a Chroma server): Chroma answers.
    """

    def __init__(
        self,
        embedder: Callable[[], Embedder],
        index: Callable[[], ChromaIndex],
        vectors_dir: Path | None,
        remembered: int = 256,
    ) -> None:
        """remembered: query vectors kept (a score reply searches one query twice, with and
        without its region filter; a vector depends on the text alone, not on the index)."""
        self._make_embedder = embedder
        self._make_index = index
        self._dir = vectors_dir
        self._embedder: Embedder | None = None
        self._queries: ResultCache[np.ndarray] = ResultCache(remembered)

    @property
    def embedder(self) -> Embedder:
        """The query encoder, loaded on first use (once per process)."""
        if self._embedder is None:
            self._embedder = self._make_embedder()
        return self._embedder

    @property
    def index(self) -> ChromaIndex:
        """The Chroma collection (imports chromadb on first use)."""
        return self._make_index()

    def table(self, generation: str, chunk_ids: Sequence[str]) -> VectorTable | None:
        """The saved vectors of this generation, copied out of Chroma (once) when missing;
        None for a Chroma server, or when Chroma lacks a chunk (queries then go to Chroma)."""
        if self._dir is None or not chunk_ids:
            return None
        table = VectorTable.load(self._dir, generation, len(chunk_ids))
        if table is not None:
            return table
        try:
            matrix = self.index.vectors(chunk_ids)
        except Exception as exc:  # Chroma unreadable: queries go to Chroma (or BM25 alone)
            log.warning("chunk vectors not copied from chroma: %s", type(exc).__name__)
            return None
        if matrix is None:
            return None
        VectorTable.save(self._dir, generation, matrix)
        return VectorTable.load(self._dir, generation, len(chunk_ids))

    def query_vector(self, query: str) -> np.ndarray:
        """The encoder's vector of the query (remembered: the encoder is most of a search's CPU)."""
        vector = self._queries.get("", query)
        if vector is None:
            vector = self.embedder.encode([query])[0]
            vector.setflags(write=False)  # shared by later searches: nobody may change it
            self._queries.put("", query, vector)
        return vector

    def rank(
        self,
        query: str,
        n: int,
        mask: np.ndarray | None,
        table: VectorTable | None,
        chunk_ids: Sequence[str],
        positions: Callable[[], Mapping[str, int]],
    ) -> list[tuple[int, float]]:
        """(position, cosine similarity) best first, from the table when there is one
        (`positions` maps a chunk id to its position; only a Chroma server's answer needs it)."""
        vector = self.query_vector(query)
        if table is not None:
            return table.top(vector, n, mask)
        allowed = [chunk_ids[int(i)] for i in np.flatnonzero(mask)] if mask is not None else None
        if allowed is not None and not allowed:
            return []
        found = self.index.query(vector, n, allowed, size=len(chunk_ids))
        at = positions()
        return [(at[cid], sim) for cid, sim in found if cid in at]
