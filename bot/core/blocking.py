"""Blocking calls on a thread of their own, so a slow database never holds the event loop."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

__all__ = ["OwnThread"]

P = ParamSpec("P")
T = TypeVar("T")


class OwnThread:
    """One worker thread, started on first use: its calls run in order, and one stuck on a lock
    (SQLite waits up to 10 s) takes neither the loop nor the loop's default threads that the chat
    channels' replies use."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._pool: ThreadPoolExecutor | None = None

    async def run(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """fn(*args, **kwargs) on the thread; the caller awaits without blocking the loop."""
        if self._pool is None:
            self._pool = ThreadPoolExecutor(1, thread_name_prefix=self._name)
        call = functools.partial(fn, *args, **kwargs)
        return await asyncio.get_running_loop().run_in_executor(self._pool, call)

    def close(self) -> None:
        """Stop taking calls; one in progress finishes on its own (a later run starts afresh)."""
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
