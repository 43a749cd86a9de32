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
    """BM25 scores for every chunk position; saved next to the store so a warm start skips indexing."""

    def __init__(self, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self._bm25: object | None = None
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
            self._bm25 = None
            return
        bm25 = bm25s.BM25(k1=self.k1, b=self.b)
        bm25.index(corpus, show_progress=False)
        self._bm25 = bm25

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
        import bm25s

        stamp_file = directory / "stamp.txt"
        if not stamp_file.exists():
            return False
        saved = stamp_file.read_text(encoding="utf-8").split("\n")
        if saved[0] != stamp:
            return False
        try:
            self._bm25 = bm25s.BM25.load(str(directory), mmap=True)  # pages shared, read on demand
            self.size = int(saved[1])
            self.df = json.loads((directory / "df.json").read_text(encoding="utf-8"))
        except (OSError, ValueError, KeyError, IndexError) as exc:
            log.warning("bm25 index unreadable, rebuilding: %s", type(exc).__name__)
            return False
        return True

    def scores(self, query_tokens: Sequence[str], mask: np.ndarray | None = None) -> np.ndarray:
        """BM25 score of every chunk for the query tokens (unknown tokens score nothing)."""
        if self._bm25 is None or not query_tokens:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(
            self._bm25.get_scores(list(query_tokens), weight_mask=mask),  # type: ignore[attr-defined]
            dtype=np.float32,
        )
