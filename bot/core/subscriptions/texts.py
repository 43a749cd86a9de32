"""User-facing texts of subscriptions and digests (texts.yaml): a data diff, not code."""

from __future__ import annotations

from functools import lru_cache

from bot.core.texts import Texts

__all__ = ["load_subscription_texts"]


@lru_cache(maxsize=1)
def load_subscription_texts() -> Texts:
    """Read the bundled texts once per process."""
    return Texts.load("bot.core.subscriptions")
