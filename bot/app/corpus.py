"""The briefing index as operators drive it (`innobot index|corpus|search|ask|eval`).

The CLI prints what these return; the result and error types it handles are named here, so it
never imports the retrieval library itself. Heavy imports stay inside the methods.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.app.retrieval import build_answerer, build_retrieval_engine
from bot.settings import Settings
from retrieval.errors import DocumentError, InvalidQueryError, RetrievalError, UnknownDocumentError

if TYPE_CHECKING:
    from retrieval.evaluation import EvalItem, EvalReport
    from retrieval.explain import Explanation
    from retrieval.ingest import IngestReport, ProgressFactory
    from retrieval.store import DocumentRow
    from retrieval.types import Answer, Answerer, ArticleRecord, Hit, SearchFilters

__all__ = [
    "Answer",
    "CorpusEntry",
    "DocumentError",
    "EvalItem",
    "EvalReport",
    "Explanation",
    "Hit",
    "IngestReport",
    "InvalidQueryError",
    "KnowledgeBase",
    "ProgressFactory",
    "RetrievalError",
    "SearchFilters",
    "UnknownDocumentError",
    "decode_text",
    "is_valid_date",
    "load_eval_questions",
    "search_filters",
]


@dataclass(frozen=True)
class CorpusEntry:
    """One ingested document and the articles split from it."""

    document: DocumentRow
    articles: tuple[ArticleRecord, ...]


class KnowledgeBase:
    """One process's index over the corpus: build, add, remove, list, search, answer, evaluate."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._engine = build_retrieval_engine(settings)
        self._answerer: Answerer | None = None

    def chunk_count(self) -> int:
        """Indexed passages (0: nothing built yet)."""
        return self._engine.store.chunk_count()

    def ensure_built(self, progress: ProgressFactory | None = None) -> None:
        """Build the index from corpus/ when it is missing or stale."""
        self._engine.ensure_built(progress)

    def build(self, progress: ProgressFactory | None = None) -> IngestReport | None:
        """Build from corpus/ (None when already up to date); saved so no `ask` rebuilds it."""
        report = self._engine.ingestor.build(self._engine.config.corpus_dir, progress)
        self._engine.save_search_indexes()
        return report

    def rebuild(self, progress: ProgressFactory | None = None) -> IngestReport:
        """Empty and rebuild every index (documents and their ingest times are kept)."""
        report = self._engine.ingestor.rebuild(self._engine.config.corpus_dir, progress)
        self._engine.save_search_indexes()
        return report

    def add(self, paths: Iterable[Path], progress: ProgressFactory | None = None) -> IngestReport:
        """Ingest files incrementally; the same content twice changes nothing."""
        report = self._engine.ingestor.add_paths(paths, progress=progress)
        self._engine.save_search_indexes()
        return report

    def remove(self, ident: str) -> int:
        """Remove a document or one article; returns the passages removed."""
        removed = self._engine.ingestor.remove(ident)
        self._engine.save_search_indexes()
        return removed

    def entries(self) -> list[CorpusEntry]:
        """Every document, oldest first, with its articles."""
        by_doc: dict[str, list[ArticleRecord]] = {}
        for article in self._engine.catalog.all_articles():
            by_doc.setdefault(article.doc_id.rsplit("-", 1)[0], []).append(article)
        return [
            CorpusEntry(doc, tuple(by_doc.get(doc.doc_key, ())))
            for doc in self._engine.store.documents()
        ]

    def search(self, question: str, k: int, filters: SearchFilters | None = None) -> list[Hit]:
        """The k most relevant passages (BM25 and vectors fused)."""
        return self._engine.searcher.search(question, k, filters)

    def explain(self, question: str) -> Explanation:
        """How the extractive answerer reached its answer (scores, target, candidate sentences)."""
        return self._engine.answerer.explain(question)

    def answer(self, question: str) -> Answer:
        """A grounded answer with citations (the LLM answerer when one is configured)."""
        if self._answerer is None:
            self._answerer = build_answerer(self._settings)
        return self._answerer.answer(question)

    def evaluate(self, items: list[EvalItem]) -> EvalReport:
        """hit@k, MRR and answer/abstention accuracy over a QA set."""
        from retrieval.evaluation import evaluate

        return evaluate(items, lambda q, n: self.search(q, n), self.answer)


def search_filters(
    regions: Iterable[str] = (),
    date_from: str | None = None,
    date_to: str | None = None,
    tags: Iterable[str] = (),
) -> SearchFilters:
    """Metadata filters for `search`: any of the regions or tags, dates as YYYY[-MM[-DD]]."""
    from retrieval.types import SearchFilters

    return SearchFilters(tuple(regions), date_from, date_to, tuple(tags))


def is_valid_date(value: str) -> bool:
    """Whether a filter date reads as YYYY, YYYY-MM or YYYY-MM-DD."""
    from retrieval.hybrid import date_bounds

    return date_bounds(value, end=False) is not None


def decode_text(raw: bytes, name: str) -> str:
    """Text from a file's bytes (UTF-8, GB18030 or detected); DocumentError for binary files."""
    from retrieval.loaders import decode_bytes

    return decode_bytes(raw, name)


def load_eval_questions(path: Path) -> list[EvalItem]:
    """A JSON Lines QA set (see eval/README.md); a malformed line raises RetrievalError."""
    from retrieval.evaluation import load_qa

    return load_qa(path)
