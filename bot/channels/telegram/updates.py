"""Concurrent update processing that keeps each chat in order, so one busy user never blocks others."""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

__all__ = ["PerChatUpdateProcessor"]

logger = logging.getLogger(__name__)


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Updates of different chats run concurrently; updates of one chat run one at a time, in order.

    A dialogue (scoring form, subscription flow) must see its user's messages — and get its
    replies — in the order they were sent, while a user flooding the bot must not hold up everyone
    else. `max_pending` bounds the updates held in memory (waiting or running); `max_running`
    bounds the handlers running at once (each mostly waits on the core and the Bot API); a chat
    with `max_per_chat` updates already waiting has further ones dropped, so one flooding chat
    can never take all pending slots.
    """

    def __init__(
        self, max_running: int = 32, max_pending: int = 1024, max_per_chat: int = 50
    ) -> None:
        super().__init__(max_concurrent_updates=max_pending)
        self._running = asyncio.BoundedSemaphore(max_running)
        self._max_per_chat = max_per_chat
        self._chats: dict[object, tuple[asyncio.Lock, int]] = {}
        self.dropped = 0

    @staticmethod
    def _chat_key(update: object) -> object:
        """The ordering key: the chat (or user) an update belongs to; None shares one lane."""
        if isinstance(update, Update):
            if update.effective_chat is not None:
                return ("chat", update.effective_chat.id)
            if update.effective_user is not None:
                return ("user", update.effective_user.id)
        return None

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Wait for this chat's previous update, then run under the global running bound."""
        key = self._chat_key(update)
        lock, waiting = self._chats.get(key, (asyncio.Lock(), 0))
        if key is not None and waiting >= self._max_per_chat:
            # A flood: holding more of this chat's updates would eat the pending slots of others.
            self.dropped += 1
            if inspect.iscoroutine(coroutine):
                coroutine.close()
            logger.warning("dropped an update of a flooding chat (%d waiting)", waiting)
            return
        self._chats[key] = (lock, waiting + 1)
        try:
            async with lock, self._running:
                await coroutine
        finally:
            lock, waiting = self._chats[key]
            if waiting <= 1:
                del self._chats[key]
            else:
                self._chats[key] = (lock, waiting - 1)

    @property
    def active_chats(self) -> int:
        """Chats with an update waiting or running (for tests and metrics)."""
        return len(self._chats)

    async def initialize(self) -> None:
        """Nothing to allocate: locks are created per chat on demand."""

    async def shutdown(self) -> None:
        """Nothing to free: locks vanish with their last update."""
