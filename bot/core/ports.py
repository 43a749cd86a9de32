"""Small Protocols the core depends on; each has a real and an in-memory implementation."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol, runtime_checkable

from bot.core.types import DeliveryResult, Incoming, Reply

__all__ = [
    "Assistant",
    "Clock",
    "DeliveryLedger",
    "FixedClock",
    "Forgettable",
    "Notifier",
    "SubscriptionHandler",
    "SystemClock",
]


class Assistant(Protocol):
    """The channel-agnostic core: one incoming message in, replies out."""

    async def handle(self, incoming: Incoming) -> list[Reply]: ...


class Notifier(Protocol):
    """Pushes replies to a user outside a conversation (digests)."""

    channel: str

    async def send(self, user_id: str, replies: list[Reply]) -> DeliveryResult: ...


@runtime_checkable
class DeliveryLedger(Protocol):
    """A notifier that records each keyed send durably (an outbox, a queue with the key in it):
    after a crash it can say whether a send whose outcome was lost reached the channel."""

    channel: str

    async def send(self, user_id: str, replies: list[Reply]) -> DeliveryResult: ...

    async def send_keyed(self, user_id: str, replies: list[Reply], key: str) -> DeliveryResult: ...

    async def was_delivered(self, user_id: str, key: str) -> bool | None:
        """True / False when the record says so; None when it cannot tell."""
        ...


class SubscriptionHandler(Protocol):
    """Subscription commands (/subscribe, /unsubscribe, /subs, /digest, "订阅…", "sub:" callbacks)."""

    async def handle(self, incoming: Incoming, command: str, args: str) -> list[Reply]:
        """command is "subscribe" | "unsubscribe" | "subs" | "digest" | "callback" (args = data)."""
        ...


class Forgettable(Protocol):
    """Anything that stores data about a user; /forget calls every one of them."""

    def forget_user(self, user_key: str) -> int:
        """Delete everything stored about user_key; return how many records went."""
        ...


class Clock(Protocol):
    """Source of the current time, so schedules are testable without sleeps."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real clock (timezone-aware UTC)."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that only moves when told to: for tests and `digest run --at`."""

    def __init__(self, at: datetime) -> None:
        self._at = at

    def now(self) -> datetime:
        return self._at

    def set(self, at: datetime) -> None:
        self._at = at
