"""Per-user serialisation: one user's messages are handled in order, a flood is turned away early."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

__all__ = ["UserGate"]


class UserGate:
    """A lock per user key, created on demand and dropped when nobody waits on it."""

    def __init__(self, max_pending: int = 20) -> None:
        self._max_pending = max_pending
        self._locks: dict[str, asyncio.Lock] = {}
        self._pending: dict[str, int] = {}

    def pending(self, key: str) -> int:
        """Messages of this user being handled or waiting."""
        return self._pending.get(key, 0)

    @asynccontextmanager
    async def enter(self, key: str) -> AsyncIterator[bool]:
        """Yield True once it is this message's turn, or False at once when the user floods."""
        if self._pending.get(key, 0) >= self._max_pending:
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

    def __len__(self) -> int:
        return len(self._locks)
