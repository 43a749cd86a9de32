"""Channel-neutral message types: what every channel translates to and from."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

__all__ = [
    "Choice",
    "DeliveryResult",
    "DeliveryStatus",
    "Incoming",
    "IncomingKind",
    "LateImage",
    "Reply",
]

IncomingKind = Literal["text", "callback", "file", "unsupported", "follow"]


@dataclass(frozen=True)
class Incoming:
    """One user message as the core sees it, whatever channel it came from."""

    channel: str  # "console" | "telegram" | "wechat"
    user_id: str  # channel-native id; the core keys users by f"{channel}:{user_id}"
    text: str = ""
    kind: IncomingKind = "text"
    callback_data: str | None = None  # for kind="callback" (inline keyboard / menu click)
    file_name: str | None = None  # for kind="file"
    file_bytes: bytes | None = None
    display_name: str | None = None

    @property
    def user_key(self) -> str:
        """Stable user key across the stores, namespaced by channel."""
        return f"{self.channel}:{self.user_id}"


@dataclass(frozen=True)
class Choice:
    """One button of an inline keyboard / quick-reply menu."""

    label: str
    data: str  # sent back as Incoming(kind="callback", callback_data=data)


class LateImage:
    """An image still being drawn (a score chart): the text goes out first, the image after it."""

    def __init__(self, future: asyncio.Future[bytes | None]) -> None:
        self._future = future

    async def wait(self, timeout: float) -> bytes | None:
        """The PNG, or None when drawing failed or took longer than timeout seconds."""
        try:
            return await asyncio.wait_for(asyncio.shield(self._future), timeout)
        except TimeoutError:
            return None


@dataclass(frozen=True)
class Reply:
    """One outgoing message: text, optionally an image, document or choices.

    `later` marks an image still being drawn: a channel that asked for deferred images sends
    the other replies first and this one (its text as the caption) once `later.wait` gives it.
    """

    text: str = ""
    image_png: bytes | None = None
    document: bytes | None = None
    document_name: str | None = None
    choices: tuple[tuple[Choice, ...], ...] = field(default_factory=tuple)  # keyboard rows
    later: LateImage | None = field(default=None, compare=False)


class DeliveryStatus(StrEnum):
    """How a push to one user ended."""

    DELIVERED = "delivered"
    RETRY = "retry"  # transient failure: try again later with backoff
    BLOCKED = "blocked"  # user blocked the bot / unsubscribed: deactivate, never retry
    DEFERRED = "deferred"  # channel cannot push now (e.g. WeChat 48-hour window)


@dataclass(frozen=True)
class DeliveryResult:
    """Outcome of Notifier.send."""

    status: DeliveryStatus
    detail: str = ""
    retry_after: float | None = None  # seconds, when the channel says so (flood control)
