"""Hybrid search: BM25 and dense rankings fused by weighted reciprocal rank fusion, with filters."""

from __future__ import annotations

import calendar
import logging
import re
import threading
from collections.abc import Callable, Container, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from retrieval.aspects import asked_aspects, aspect_fit
from retrieval.chunktable import ChunkTable, saved_text
from retrieval.errors import InvalidQueryError
from retrieval.evidence import IdfTable, best_window, expand_tokens, profile_query
from retrieval.lexical import Bm25Index
from retrieval.preference import kind_preference
from retrieval.store import ChunkRow, CorpusStore
from retrieval.tagging import gazetteer
from retrieval.textutil import content_tokens, match_key, normalize_query, tokenize, unglue
from retrieval.types import Hit, SearchFilters
from retrieval.variants import QueryVariants, domain_vocabulary

if TYPE_CHECKING:
    from retrieval.vectors import DenseLeg, VectorTable

__all__ = ["CatalogueView", "FusionWeights", "HitTrace", "HybridSearcher", "date_bounds", "prepare_query"]

MAX_QUERY_CHARS = 400

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FusionWeights:
    """How much each leg counts in weighted RRF (BM25 leads: exact names and figures matter here)."""

    lexical: float = 1.0
    dense: float = 0.35
    rrf_k: int = 20
    candidates: int = 40
    rerank_depth: int = 20
    rerank_fused: float = 1.0
    rerank_evidence: float = 1.0


@dataclass(frozen=True)
class HitTrace:
    """Why a passage ranked where it did: its rank and score in each leg, fused and final."""

    chunk_id: str
    lexical_rank: int | None
    lexical_score: float | None
    dense_rank: int | None
    dense_score: float | None
    fused: float | None
    final: float

    def to_dict(self) -> dict[str, object]:
        """JSON shape for `ask --explain`."""
        r = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in self.__dict__.items()}
        return dict(r)


@dataclass(frozen=True)
class CatalogueView:
    """The whole index as a lookup: every region tag and the text of every passage and title.

    The texts are match keys (`term in text_key`): a string, or the saved file mapped in place."""

    regions: frozenset[str]
    text_key: Container[str]
    briefing_key: Container[str] = ""  # briefing texts only: a policy summary covers a place by its titles

    def has_place(self, place: str) -> bool:
        """True when some article is tagged with the place or a briefing names it."""
        return place in self.regions or match_key(place) in self.briefing_key

    def has_text(self, term: str) -> bool:
        """True when some passage or title contains the term (width and case folded)."""
        return match_key(term) in self.text_key


def prepare_query(query: str) -> str:
    """Normalise a question and cap its length; empty questions are refused."""
    if not isinstance(query, str):
        raise InvalidQueryError("query must be text")
    text = normalize_query(query)
    if not re.search(r"[0-9A-Za-z\u4e00-\u9fff]", text):
        raise InvalidQueryError("empty query")
    return text[:MAX_QUERY_CHARS]


def date_bounds(value: str | None, end: bool) -> str | None:
    """'2023' / '2023-10' / '2023-10-05' → first (or last) day as YYYY-MM-DD; None if unparsable."""
    if not value:
        return None
    m = re.fullmatch(r"\s*(\d{4})(?:[-/.年](\d{1,2}))?(?:[-/.月](\d{1,2}))?日?\s*", value)
    if not m:
        return None
    y = int(m.group(1))
    mo = int(m.group(2)) if m.group(2) else (12 if end else 1)
    if not 1 <= mo <= 12:
        return None
    last = calendar.monthrange(y, mo)[1]
    d = int(m.group(3)) if m.group(3) else (last if end else 1)
    if not 1 <= d <= last:
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


class HybridSearcher:
    """Searcher over the corpus store: BM25 leg + Chroma leg, fused; reloads when the store changes."""

    def __init__(
        self,
        store: CorpusStore,
        dense: DenseLeg | None,
        bm25_dir: Path,
        weights: FusionWeights | None = None,
    ) -> None:
        self.store = store
        self.dense = dense
        self.weights = weights or FusionWeights()
        self._bm25_dir = bm25_dir
        self._lock = threading.RLock()
        self._generation: str | None = None
        self._table = ChunkTable(store, [], [], [])
        self._vectors: VectorTable | None = None
        self._bm25 = Bm25Index()
        self._idf = IdfTable({}, 0)
        self._variants = QueryVariants(())
        self._catalogue = CatalogueView(frozenset(), "")

    # --- state ----------------------------------------------------------------------------
    def refresh(self) -> None:
        """Reload chunk metadata and BM25 when the store generation moved."""
        generation = self.store.get_meta("generation") or "0"
        with self._lock:
            if generation == self._generation:
                return
            rows = _Once(self.store.chunks)  # every row is read only when something saved is missing
            table = ChunkTable.open(self.store, self._bm25_dir, generation, rows)
            bm25 = Bm25Index()
            if not bm25.load(self._bm25_dir, generation) or bm25.size != len(table):
                bm25.build(self.store.chunk_tokens())
                bm25.save(self._bm25_dir, generation)
            vectors = self.dense.table(generation, table.ids) if self.dense is not None else None
            self._idf = IdfTable(bm25.df, bm25.size)
            self._variants = QueryVariants(domain_vocabulary(bm25.df.keys()))
            self._catalogue = CatalogueView(
                table.regions(),
                saved_text(self._bm25_dir, generation, "all", lambda: _match_keys(rows())),
                saved_text(
                    self._bm25_dir, generation, "briefings",
                    lambda: _match_keys(r for r in rows() if r.kind != "knowledge"),
                ),
            )
            self._table, self._vectors = table, vectors
            self._bm25, self._generation = bm25, generation

    @property
    def size(self) -> int:
        """Chunks searchable."""
        self.refresh()
        return len(self._table)

    def row(self, chunk_id: str) -> ChunkRow | None:
        """A chunk by id."""
        self.refresh()
        pos = self._table.position(chunk_id)
        return self._table.rows([pos]).get(pos) if pos is not None else None

    # --- filters ----------------------------------------------------------------------------
    def _mask(self, filters: SearchFilters | None) -> np.ndarray | None:
        if filters is None or filters.is_empty():
            return None
        gaz = gazetteer()
        regions = {gaz.canonical(r) or r.strip() for r in filters.regions if r.strip()}
        tags = {t.strip() for t in filters.tags if t.strip()}
        lo = date_bounds(filters.date_from, end=False)
        hi = date_bounds(filters.date_to, end=True)
        table = self._table
        mask = np.zeros(len(table), dtype=np.float32)
        for i in range(len(table)):
            r = table.article(i)
            if regions and not regions.intersection(r.regions):
                continue
            if tags and not tags.intersection(r.tags):
                continue
            if lo or hi:
                start, finish = date_bounds(r.date, end=False), date_bounds(r.date, end=True)
                if start is None or finish is None:
                    continue
                if (lo and finish < lo) or (hi and start > hi):
                    continue
            mask[i] = 1.0
        return mask

    # --- legs -----------------------------------------------------------------------------------
    def rank_lexical(self, query: str, n: int, mask: np.ndarray | None = None) -> list[tuple[int, float]]:
        """(position, BM25 score) best first; only positive scores."""
        tokens = expand_tokens(content_tokens(unglue(tokenize(query))))
        scores = self._bm25.scores(tokens, mask)
        if mask is not None:
            scores = scores * mask
        if not len(scores):
            return []
        n = min(n, len(scores))
        top = np.argpartition(-scores, n - 1)[:n]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(i), float(scores[i])) for i in top if scores[i] > 0]

    def rank_dense(self, query: str, n: int, mask: np.ndarray | None = None) -> list[tuple[int, float]]:
        """(position, cosine similarity) best first."""
        if self.dense is None or not len(self._table):
            return []
        try:
            return self.dense.rank(query, n, mask, self._vectors, self._table.ids, self._table.positions)
        except Exception as exc:  # server down, corrupt collection: answer from BM25 alone
            log.warning("dense leg unavailable, using BM25 only: %s", type(exc).__name__)
            return []

    def fuse(self, legs: list[tuple[float, list[tuple[int, float]]]]) -> list[tuple[int, float]]:
        """Weighted reciprocal rank fusion of ranked lists."""
        fused: dict[int, float] = {}
        for weight, ranked in legs:
            for rank, (pos, _score) in enumerate(ranked):
                fused[pos] = fused.get(pos, 0.0) + weight / (self.weights.rrf_k + rank + 1)
        return sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))

    def rerank(self, query: str, fused: list[tuple[int, float]]) -> list[tuple[int, float]]:
        """Re-order the top fused candidates by where the question's terms meet in one or two sentences."""
        depth = self.weights.rerank_depth
        head, tail = fused[:depth], fused[depth:]
        if not head:
            return fused
        top = head[0][1] or 1.0
        profile = profile_query(query, self._idf)
        prefer = kind_preference(query, names_place=bool(gazetteer().mentions(query)))
        asked = asked_aspects(query)
        rows = self._table.rows([pos for pos, _ in head])
        scored = []
        for pos, score in head:
            row = rows.get(pos)
            if row is None:  # deleted since the table was read: not a candidate any more
                continue
            window = best_window(profile, row.text, context=row.title)
            final = self.weights.rerank_fused * (score / top) + self.weights.rerank_evidence * window.score
            final += prefer.bonus(row.kind) + aspect_fit(asked, row.title, row.kind)
            scored.append((pos, final))
        scored.sort(key=lambda kv: (-kv[1], kv[0]))
        floor = scored[-1][1] if scored else 0.0
        return scored + [(pos, min(floor, s) - 1.0) for pos, s in tail]

    @property
    def variants(self) -> QueryVariants:
        """Typo and colloquial normaliser over the index vocabulary."""
        self.refresh()
        return self._variants

    @property
    def catalogue(self) -> CatalogueView:
        """Every region and passage of the index (refusals check the whole catalogue, not the top hits)."""
        self.refresh()
        return self._catalogue

    @property
    def idf(self) -> IdfTable:
        """Token idf over the current chunks (answer extraction weighs question terms with it)."""
        self.refresh()
        return self._idf

    @staticmethod
    def _hit(r: ChunkRow, score: float) -> Hit:
        return Hit(
            doc_id=r.doc_id, chunk_id=r.chunk_id, title=r.title, source=r.source, date=r.date,
            text=r.text, score=score, regions=r.regions, tags=r.tags, kind=r.kind,
        )

    # --- Searcher protocol ----------------------------------------------------------------
    def search(self, query: str, k: int = 5, filters: SearchFilters | None = None, mode: str = "hybrid") -> list[Hit]:
        """Top-k passages; mode 'hybrid' (default), 'rrf' (no rerank), 'bm25' or 'dense' (one leg)."""
        return self.search_traced(query, k, filters, mode)[0]

    def search_traced(
        self, query: str, k: int = 5, filters: SearchFilters | None = None, mode: str = "hybrid"
    ) -> tuple[list[Hit], list[HitTrace]]:
        """Top-k passages and, for each, its rank and score per leg (for `ask --explain`)."""
        text = self.variants.correct(prepare_query(query)).text
        k = max(1, min(int(k), 100))
        self.refresh()
        if not len(self._table):
            return [], []
        mask = self._mask(filters)
        n = max(self.weights.candidates, k)
        lexical: list[tuple[int, float]] = []
        dense: list[tuple[int, float]] = []
        fused: list[tuple[int, float]] = []
        if mode in ("bm25", "hybrid", "rrf"):
            lexical = self.rank_lexical(text, n, mask)
        if mode in ("dense", "hybrid", "rrf"):
            dense = self.rank_dense(text, n, mask)
        if mode == "bm25":
            ranked = lexical
        elif mode == "dense":
            ranked = dense
        else:
            fused = self.fuse([(self.weights.lexical, lexical), (self.weights.dense, dense)])
            ranked = fused if mode == "rrf" else self.rerank(text, fused)
        top = ranked[:k]
        legs: list[dict[int, tuple[int | None, float | None]]] = [
            {p: (i + 1, sc) for i, (p, sc) in enumerate(leg)} for leg in (lexical, dense)
        ]
        fused_at = dict(fused)
        rows = self._table.rows([pos for pos, _ in top])
        top = [(pos, score) for pos, score in top if pos in rows]
        traces = []
        for pos, score in top:
            lex_rank, lex_score = legs[0].get(pos, (None, None))
            den_rank, den_score = legs[1].get(pos, (None, None))
            traces.append(HitTrace(self._table.ids[pos], lex_rank, lex_score, den_rank, den_score,
                                   fused_at.get(pos), score))
        return [self._hit(rows[pos], score) for pos, score in top], traces


class _Once:
    """A call made at most once (every chunk row is read only if a saved part is missing)."""

    def __init__(self, fn: Callable[[], list[ChunkRow]]) -> None:
        self._fn = fn
        self._value: list[ChunkRow] | None = None

    def __call__(self) -> list[ChunkRow]:
        if self._value is None:
            self._value = self._fn()
        return self._value


def _match_keys(rows: Iterable[ChunkRow]) -> Iterator[str]:
    """Title and passage of each row as one match key (what the catalogue searches)."""
    return (match_key(r.title + "\n" + r.text) for r in rows)
