"""Article sources for digests besides the retrieval catalog: a fixed list and a JSON-lines export."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from bot.core.subscriptions.types import Article, ArticleLike, ArticleSource

__all__ = ["LazyArticles", "StaticArticles", "load_articles_jsonl"]


class StaticArticles:
    """An ArticleSource over articles held in memory (imports, dry runs, tests, benchmarks)."""

    def __init__(self, articles: Iterable[Article] = ()) -> None:
        self.articles = list(articles)

    def add(self, article: Article) -> None:
        """Make one more article available (as ingestion would)."""
        self.articles.append(article)

    def articles_since(self, since: datetime | None) -> list[Article]:
        """Articles ingested strictly after `since` (all when None)."""
        if since is None:
            return list(self.articles)
        return [a for a in self.articles if a.ingested_at > since]


class LazyArticles:
    """Opens the real source on first use: runs with nothing due never load the index."""

    def __init__(self, factory: Callable[[], ArticleSource]) -> None:
        self._factory = factory
        self._source: ArticleSource | None = None

    def articles_since(self, since: datetime | None) -> Sequence[ArticleLike]:
        """Delegate to the source, creating it once."""
        if self._source is None:
            self._source = self._factory()
        return self._source.articles_since(since)


def _aware(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def load_articles_jsonl(path: Path) -> StaticArticles:
    """Read {doc_id, title, source, date, text, ingested_at[, regions, tags]} per line."""
    articles: list[Article] = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            raw = json.loads(line)
            articles.append(
                Article(
                    doc_id=str(raw["doc_id"]),
                    title=str(raw.get("title", "")),
                    source=str(raw.get("source", "")),
                    date=str(raw.get("date", "")),
                    text=str(raw.get("text", "")),
                    ingested_at=_aware(str(raw["ingested_at"])),
                    regions=tuple(raw.get("regions", ())),
                    tags=tuple(raw.get("tags", ())),
                )
            )
    return StaticArticles(articles)
