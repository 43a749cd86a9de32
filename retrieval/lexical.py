"""The lexical leg: Okapi BM25 (bm25s) over rjieba search-mode tokens."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

__all__ = ["Bm25Index"]

log = logging.getLogger(__name__)


class Bm25Index:
    """BM25 scores for every chunk position; saved next to the store so a warm start skips indexing.

    bm25s builds and saves the index; a saved index is read back as plain numpy arrays (mapped) and
    scored here exactly as bm25s scores it, so a cold `innobot ask` never imports bm25s and its
    dependencies (tqdm, concurrent.futures …)."""

    def __init__(self, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self._bm25: object | None = None
        self._arrays: _ScoreArrays | None = None
        self.size = 0
        self.df: dict[str, int] = {}

    def build(self, token_lists: Iterable[Sequence[str]]) -> None:
        """Index the chunks (positions follow the order given) and count document frequencies."""
        import bm25s

        corpus: list[list[str]] = []
        df: dict[str, int] = {}
        for toks in token_lists:
            corpus.append(list(toks) or [""])
            for t in set(toks):
                df[t] = df.get(t, 0) + 1
        self.size = len(corpus)
        self.df = df
        if not corpus:
            self._bm25 = self._arrays = None
            return
        bm25 = bm25s.BM25(k1=self.k1, b=self.b)
        bm25.index(corpus, show_progress=False)
        self._bm25 = bm25
        self._arrays = _ScoreArrays.of_model(bm25)

    def save(self, directory: Path, stamp: str) -> None:
        """Persist with a stamp that says which store generation it indexes."""
        if self._bm25 is None:
            return
        # Written aside and moved in: a process that has the previous arrays mapped keeps
        # reading them (overwriting a mapped file in place would crash it with SIGBUS).
        staging = directory / f".saving-{os.getpid()}"
        staging.mkdir(parents=True, exist_ok=True)
        self._bm25.save(str(staging))  # type: ignore[attr-defined]
        (staging / "df.json").write_text(json.dumps(self.df, ensure_ascii=False), encoding="utf-8")
        (directory / "stamp.txt").unlink(missing_ok=True)
        for part in staging.iterdir():
            part.replace(directory / part.name)
        staging.rmdir()
        (directory / "stamp.txt").write_text(f"{stamp}\n{self.size}", encoding="utf-8")

    def load(self, directory: Path, stamp: str) -> bool:
        """Load a saved index if it matches the stamp; False when it must be rebuilt."""
        stamp_file = directory / "stamp.txt"
        if not stamp_file.exists():
            return False
        saved = stamp_file.read_text(encoding="utf-8").split("\n")
        if saved[0] != stamp:
            return False
        try:
            arrays = _ScoreArrays.read(directory)  # pages shared, read on demand
            size = int(saved[1])
            df = json.loads((directory / "df.json").read_text(encoding="utf-8"))
        except (OSError, ValueError, KeyError, IndexError, TypeError) as exc:
            log.warning("bm25 index unreadable, rebuilding: %s", type(exc).__name__)
            return False
        if arrays.num_docs != size:
            log.warning("bm25 index unreadable, rebuilding: %s", "size mismatch")
            return False
        self._bm25, self._arrays, self.size, self.df = None, arrays, size, df
        return True

    def scores(self, query_tokens: Sequence[str], mask: np.ndarray | None = None) -> np.ndarray:
        """BM25 score of every chunk for the query tokens (unknown tokens score nothing)."""
        if self._arrays is None or not query_tokens:
            return np.zeros(self.size, dtype=np.float32)
        return self._arrays.scores(query_tokens, mask)


_FILES = {
    "data": "data.csc.index.npy",
    "indices": "indices.csc.index.npy",
    "indptr": "indptr.csc.index.npy",
    "vocab": "vocab.index.json",
    "params": "params.index.json",
    "nonoccurrence": "nonoccurrence_array.index.npy",
}


class _ScoreArrays:
    """bm25s's precomputed token×document scores (CSC) and vocabulary, scored as bm25s does."""

    def __init__(
        self,
        data: np.ndarray,
        indices: np.ndarray,
        indptr: np.ndarray,
        vocab: dict[str, int],
        num_docs: int,
        nonoccurrence: np.ndarray | None,
    ) -> None:
        self.data, self.indices, self.indptr = data, indices, indptr
        self.vocab, self.num_docs, self.nonoccurrence = vocab, num_docs, nonoccurrence

    @classmethod
    def of_model(cls, bm25: object) -> _ScoreArrays:
        """The arrays of a model just built in this process."""
        scores = bm25.scores  # type: ignore[attr-defined]
        return cls(scores["data"], scores["indices"], scores["indptr"], dict(bm25.vocab_dict),  # type: ignore[attr-defined]
                   int(scores["num_docs"]), bm25.nonoccurrence_array)  # type: ignore[attr-defined]

    @classmethod
    def read(cls, directory: Path) -> _ScoreArrays:
        """The arrays bm25s saved, memory-mapped."""
        params = json.loads((directory / _FILES["params"]).read_text(encoding="utf-8"))
        vocab = json.loads((directory / _FILES["vocab"]).read_text(encoding="utf-8"))
        if not isinstance(vocab, dict):
            raise ValueError("vocabulary is not a mapping")
        nonocc_path = directory / _FILES["nonoccurrence"]
        return cls(
            np.load(directory / _FILES["data"], mmap_mode="r"),
            np.load(directory / _FILES["indices"], mmap_mode="r"),
            np.load(directory / _FILES["indptr"], mmap_mode="r"),
            vocab,
            int(params["num_docs"]),
            np.load(nonocc_path, mmap_mode="r") if nonocc_path.exists() else None,
        )

    def scores(self, tokens: Sequence[str], mask: np.ndarray | None) -> np.ndarray:
        """Each query token's column added to the documents it occurs in (bm25s `get_scores`)."""
        ids = np.asarray([self.vocab[t] for t in tokens if t in self.vocab], dtype=np.int64)
        out = np.zeros(self.num_docs, dtype=np.float32)
        for token_id in ids:
            start, end = int(self.indptr[token_id]), int(self.indptr[token_id + 1])
            np.add.at(out, self.indices[start:end], self.data[start:end])
        if self.nonoccurrence is not None:
            out += self.nonoccurrence[ids].sum()
        if mask is not None:
            out *= mask
        return out
