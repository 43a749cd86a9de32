"""The catalog of ingested articles: the change log the digest work reads."""

from __future__ import annotations

from datetime import datetime

from retrieval.store import CorpusStore
from retrieval.types import ArticleRecord

__all__ = ["Catalog"]


class Catalog:
    """Read-only view of ingested articles, newest ingestion last."""

    def __init__(self, store: CorpusStore) -> None:
        self._store = store

    def articles_since(self, since: datetime | None) -> list[ArticleRecord]:
        """Briefing articles ingested strictly after `since` (naive = UTC); all when None.

        The product's own policy summaries are reference material, not news: digests skip them.
        """
        return self._store.articles(since, kind="briefing")

    def all_articles(self) -> list[ArticleRecord]:
        """Every ingested article."""
        return self._store.articles(None)

    def article(self, doc_id: str) -> ArticleRecord | None:
        """One article by id."""
        return next((a for a in self._store.articles(None) if a.doc_id == doc_id), None)
