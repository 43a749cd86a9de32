"""User-facing texts of subscriptions and digests (texts.yaml): a data diff, not code."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

__all__ = ["SubscriptionTexts", "load_subscription_texts"]


class SubscriptionTexts:
    """Templates from texts.yaml."""

    def __init__(self, data: dict[str, Any]) -> None:
        self._data = data

    def get(self, key: str, **values: Any) -> str:
        """The template under key, filled with values."""
        template = str(self._data[key])
        return template.format(**values) if values else template


@lru_cache(maxsize=1)
def load_subscription_texts() -> SubscriptionTexts:
    """Read the bundled texts once per process."""
    raw = yaml.safe_load(
        resources.files("bot.core.subscriptions").joinpath("texts.yaml").read_text("utf-8")
    )
    return SubscriptionTexts(raw)
