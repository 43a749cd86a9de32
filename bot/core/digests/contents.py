"""What each subscription's digest holds now: one shared article batch for many subscriptions, then
its replies, the "nothing new" notice, or nothing at all (the period closes silently)."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.core.digests.compose import (
    ArticleIndex,
    Digest,
    digest_since,
    render_digest,
    render_notice,
    subscription_label,
    to_article,
)
from bot.core.subscriptions.parser import Vocabulary
from bot.core.subscriptions.types import ArticleSource, DeliveryLog, Subscription
from bot.core.texts import Texts
from bot.core.types import Reply

__all__ = ["DigestContents"]


class DigestContents:
    """Composes digests from the catalogue since each subscription's watermark (blocking calls)."""

    def __init__(
        self,
        *,
        catalog: ArticleSource,
        deliveries: DeliveryLog,
        vocab: Vocabulary,
        texts: Texts,
        max_items: int,
    ) -> None:
        self.catalog = catalog
        self.deliveries = deliveries
        self.vocab = vocab
        self.texts = texts
        self.max_items = max_items

    def _index(self, since: datetime | None, now: datetime) -> ArticleIndex:
        records = self.catalog.articles_since(since)
        articles = [to_article(r) for r in records]
        return ArticleIndex(
            (a for a in articles if a.ingested_at <= now),
            vocab=self.vocab,
            max_items=self.max_items,
        )

    def compose_for(
        self, subs: list[Subscription], now: datetime
    ) -> tuple[ArticleIndex, dict[int, Digest]]:
        """Digests for these subscriptions from one shared article batch."""
        marks = self.deliveries.watermarks()
        sinces = {s.id: digest_since(s, marks) for s in subs}
        values = list(sinces.values())
        oldest = None if not values or None in values else min(v for v in values if v)
        index = self._index(oldest, now)
        return index, {s.id: index.compose(s, sinces[s.id]) for s in subs}

    def replies(self, sub: Subscription, digest: Digest, now: datetime) -> list[Reply] | None:
        """Digest replies, the "nothing new" notice, or None when the period closes silently."""
        label = subscription_label(sub, self.texts)
        if not digest.empty:
            return render_digest(label, digest, subscription_id=sub.id, texts=self.texts)
        if not sub.notify_empty:
            return None
        if sub.frequency == "daily":
            last = self.deliveries.last_message_at(sub.id)
            if last is not None and now - last < timedelta(days=7):
                return None
        return render_notice(label, subscription_id=sub.id, texts=self.texts)
