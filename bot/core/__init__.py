"""Channel-agnostic assistant core: Incoming -> list[Reply]."""

from bot.core.ports import (
    Assistant,
    Clock,
    FixedClock,
    Forgettable,
    Notifier,
    SubscriptionHandler,
    SystemClock,
)
from bot.core.split import split_text
from bot.core.types import Choice, DeliveryResult, DeliveryStatus, Incoming, Reply

__all__ = [
    "Assistant",
    "Choice",
    "Clock",
    "DeliveryResult",
    "DeliveryStatus",
    "FixedClock",
    "Forgettable",
    "Incoming",
    "Notifier",
    "Reply",
    "SubscriptionHandler",
    "SystemClock",
    "split_text",
]
