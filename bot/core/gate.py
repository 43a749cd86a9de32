"""Per-user serialisation and flood control: one user's messages in order, a flood turned away early."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

__all__ = ["UserGate"]

_SWEEP_AT = 10_000  # buckets kept before idle (full) ones are dropped


class UserGate:
    """A lock per user key (created on demand, dropped when idle) plus a token bucket per user.

    max_pending bounds a user's queue; `rate` messages a second (bursts of `burst`) bounds how
    much of the bot one user can keep busy. rate=None turns the bucket off (console scripts).
    """

    def __init__(
        self,
        max_pending: int = 20,
        *,
        rate: float | None = None,
        burst: int = 30,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._max_pending = max_pending
        self._rate = rate
        self._burst = float(burst)
        self._clock = clock
        self._locks: dict[str, asyncio.Lock] = {}
        self._pending: dict[str, int] = {}
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, at)

    def pending(self, key: str) -> int:
        """Messages of this user being handled or waiting."""
        return self._pending.get(key, 0)

    @asynccontextmanager
    async def enter(self, key: str) -> AsyncIterator[bool]:
        """Yield True once it is this message's turn, or False at once when the user floods."""
        if self._pending.get(key, 0) >= self._max_pending or not self._take_token(key):
            yield False
            return
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._pending[key] = self._pending.get(key, 0) + 1
        try:
            async with lock:
                yield True
        finally:
            left = self._pending[key] - 1
            if left:
                self._pending[key] = left
            else:
                del self._pending[key]
                self._locks.pop(key, None)

    def _take_token(self, key: str) -> bool:
        if self._rate is None:
            return True
        now = self._clock()
        tokens, at = self._buckets.get(key, (self._burst, now))
        tokens = min(self._burst, tokens + (now - at) * self._rate)
        if tokens < 1.0:
            self._buckets[key] = (tokens, now)
            return False
        self._buckets[key] = (tokens - 1.0, now)
        if len(self._buckets) > _SWEEP_AT:
            self._sweep(now)
        return True

    def _sweep(self, now: float) -> None:
        """Forget users whose bucket has refilled: they are back to the default state."""
        assert self._rate is not None
        full = [k for k, (t, at) in self._buckets.items() if t + (now - at) * self._rate >= self._burst]
        for key in full:
            del self._buckets[key]

    def __len__(self) -> int:
        return len(self._locks)
