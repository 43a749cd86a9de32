"""Small Protocols the core depends on; each has a real and an in-memory implementation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol, runtime_checkable

from bot.core.firm.record import FirmRecord
from bot.core.types import DeliveryResult, Incoming, Reply

__all__ = [
    "Assistant",
    "Clock",
    "DeliveryLedger",
    "DialogueSessions",
    "FixedClock",
    "Forgettable",
    "Notifier",
    "ProfileStore",
    "SessionRecord",
    "SubscriptionHandler",
    "SystemClock",
    "UserProfile",
    "UserProfiles",
]


class Assistant(Protocol):
    """The channel-agnostic core: one incoming message in, replies out.

    A channel that can send an image after the text passes defer_images=True and sends replies
    with `later` set once they are drawn (bot.core.late); others get every image in place.
    """

    async def handle(self, incoming: Incoming, *, defer_images: bool = False) -> list[Reply]: ...


class Notifier(Protocol):
    """Pushes replies to a user outside a conversation (digests)."""

    channel: str

    async def send(self, user_id: str, replies: list[Reply]) -> DeliveryResult: ...

    async def aclose(self) -> None:
        """Release the notifier's own clients (digest delivery calls it on shutdown)."""
        ...


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

    async def answer_prompt(self, incoming: Incoming, text: str) -> list[Reply] | None:
        """Text answering the subscription question just asked ("重庆" at 地区？); else None."""
        ...

    async def edit(self, incoming: Incoming, text: str) -> list[Reply] | None:
        """A plain-word subscription edit ("把成都那个改成每周五下午3点"); else None."""
        ...

    def leave(self, user_key: str) -> None:
        """The user moved on to another command: drop any open subscription question."""
        ...

    def count(self, user_key: str) -> int:
        """Active subscriptions of the user (named in /forget's confirmation)."""
        ...


class Forgettable(Protocol):
    """Anything that stores data about a user; /forget calls every one of them."""

    def forget_user(self, user_key: str) -> int:
        """Delete everything stored about user_key; return how many records went."""
        ...


class ProfileStore(Protocol):
    """One saved firm profile (企业档案) per user, with the conversation context around it."""

    def load(self, user_key: str) -> FirmRecord | None:
        """The user's firm, or None."""
        ...

    def save(self, user_key: str, record: FirmRecord) -> None:
        """Insert or replace the user's firm."""
        ...

    def forget_user(self, user_key: str) -> int:
        """Delete the user's firm; how many records went."""
        ...


@dataclass(frozen=True)
class UserProfile:
    """What the assistant remembers about a firm between conversations."""

    user_key: str
    channel: str
    display_name: str | None = None
    region: str | None = None
    industry: str | None = None


class UserProfiles(Protocol):
    """Every user seen, with the 地区 and 行业 that policy matching reads."""

    def get(self, user_key: str) -> UserProfile | None:
        """The stored profile, or None for a user never seen."""
        ...

    def ensure(self, user_key: str, channel: str, display_name: str | None = None) -> UserProfile:
        """Create the user on first contact (keeping an existing profile) and return it."""
        ...

    def update_profile(
        self, user_key: str, *, region: str | None = None, industry: str | None = None
    ) -> None:
        """Set region and/or industry (None leaves a field unchanged)."""
        ...

    def forget_user(self, user_key: str) -> int:
        """Delete the profile; 1 when there was one."""
        ...


@dataclass(frozen=True)
class SessionRecord:
    """One user's open dialogue: its kind and JSON-able state."""

    kind: str
    state: dict[str, Any]
    version: int


class DialogueSessions(Protocol):
    """At most one open dialogue (the scoring form in progress) per user, kept across restarts."""

    def load(self, user_key: str) -> SessionRecord | None:
        """The open dialogue of user_key, or None."""
        ...

    def save(self, user_key: str, kind: str, state: dict[str, Any]) -> None:
        """Insert or replace the user's dialogue state."""
        ...

    def delete(self, user_key: str) -> None:
        """Close the user's dialogue."""
        ...

    def forget_user(self, user_key: str) -> int:
        """Delete the user's dialogue state; how many records went."""
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
