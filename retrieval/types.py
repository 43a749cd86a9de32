"""Types that cross the retrieval package border (no langchain or chromadb type leaves it)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

__all__ = [
    "Answer",
    "Answerer",
    "ArticleRecord",
    "Citation",
    "Hit",
    "SearchFilters",
    "Searcher",
]


@dataclass(frozen=True)
class Hit:
    """One retrieved passage with the article it belongs to."""

    doc_id: str
    chunk_id: str
    title: str
    source: str
    date: str
    text: str
    score: float
    regions: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    kind: str = "briefing"  # "knowledge": the product's own policy summary (政策摘要)

    def to_dict(self) -> dict[str, Any]:
        """JSON shape of `innobot search --json`."""
        data = asdict(self)
        data["regions"] = list(self.regions)
        data["tags"] = list(self.tags)
        data["score"] = round(self.score, 6)
        return data


@dataclass(frozen=True)
class Citation:
    """Where an answer comes from: article title, publication + issue, date and the passage."""

    doc_id: str
    title: str
    source: str
    date: str
    text: str
    kind: str = "briefing"

    @classmethod
    def from_hit(cls, hit: Hit) -> Citation:
        """Cite the article of a hit with its passage."""
        return cls(
            doc_id=hit.doc_id, title=hit.title, source=hit.source, date=hit.date, text=hit.text,
            kind=hit.kind,
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON shape of one citation."""
        return asdict(self)


@dataclass(frozen=True)
class Answer:
    """A short answer and its citations; grounded=False means the corpus does not say."""

    answer: str
    grounded: bool
    citations: list[Citation] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON shape of `innobot ask --json`."""
        return {
            "answer": self.answer,
            "grounded": self.grounded,
            "citations": [c.to_dict() for c in self.citations],
        }


@dataclass(frozen=True)
class SearchFilters:
    """Metadata filters: any of the regions, dates as YYYY, YYYY-MM or YYYY-MM-DD, any of the tags."""

    regions: tuple[str, ...] = ()
    date_from: str | None = None
    date_to: str | None = None
    tags: tuple[str, ...] = ()

    def is_empty(self) -> bool:
        """True when the filters let every passage through."""
        return not (self.regions or self.date_from or self.date_to or self.tags)


@dataclass(frozen=True)
class ArticleRecord:
    """One ingested article as the digest work reads it (ingested_at is tz-aware UTC)."""

    doc_id: str
    title: str
    source: str
    publication: str
    issue: str
    publisher: str
    date: str
    regions: tuple[str, ...]
    tags: tuple[str, ...]
    text: str
    ingested_at: datetime
    kind: str = "briefing"


@runtime_checkable
class Searcher(Protocol):
    """Find the passages that best match a question."""

    def search(self, query: str, k: int = 5, filters: SearchFilters | None = None) -> list[Hit]:
        """Top-k passages, best first."""
        ...


@runtime_checkable
class Answerer(Protocol):
    """Answer a question from the corpus, or say that it does not answer it."""

    def answer(self, question: str) -> Answer:
        """A grounded answer with citations, or grounded=False."""
        ...
