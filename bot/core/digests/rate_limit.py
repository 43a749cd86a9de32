"""Fan-out pacing: a global message rate and a per-chat gap, as Telegram's flood limits require."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

__all__ = ["RateLimiter"]


class RateLimiter:
    """Spaces sends: a global rate (Telegram allows ~30 messages/s) and ≥ 1 s per chat."""

    def __init__(
        self,
        per_second: float | None = 25.0,
        per_chat_interval: float = 1.0,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._interval = 1.0 / per_second if per_second else 0.0
        self._per_chat = per_chat_interval
        self._monotonic = monotonic
        self._sleep = sleep
        self._next_global = 0.0
        self._next_chat: dict[str, float] = {}
        self.slept = 0.0

    async def wait(self, chat: str) -> None:
        """Sleep until both the global and this chat's spacing allow another send."""
        now = self._monotonic()
        ready = max(now, self._next_global, self._next_chat.get(chat, 0.0))
        if ready > now:
            self.slept += ready - now
            await self._sleep(ready - now)
        self._next_global = ready + self._interval
        if self._per_chat:
            self._next_chat[chat] = ready + self._per_chat

    async def pause(self, seconds: float) -> None:
        """Flood control: the channel said retry_after — everyone waits."""
        self._next_global = max(self._next_global, self._monotonic() + seconds)
        self.slept += seconds
        await self._sleep(seconds)
