"""Worker processes for CPU-heavy scoring work (charts, uploaded tables), off the bot's GIL."""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from typing import Any, TypeVar

__all__ = ["WorkerProcesses"]

log = logging.getLogger(__name__)
T = TypeVar("T")


class WorkerProcesses:
    """A bounded pool of spawned processes, started on first use; size 0 (or a broken pool)
    runs the work in the calling thread instead, so a dead worker never loses a reply."""

    def __init__(
        self, size: int, name: str, warm_up: Callable[[], object] | None = None, *, nice: int = 0
    ) -> None:
        """nice > 0 lowers the workers' CPU priority, so long batch work yields to chat replies."""
        self.size = size
        self._nice = nice
        self._name = name
        self._warm_up = warm_up
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        """Start the processes (once) and warm them while the user is still typing."""
        if self.size <= 0:
            return
        with self._lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(
                    self.size, mp_context=get_context("spawn"), initializer=_init_worker,
                    initargs=(self._nice,),
                )
                if self._warm_up is not None:
                    self._pool.submit(self._warm_up)

    def run(self, fn: Callable[..., T], *args: Any, local: Callable[..., T] | None = None) -> T:
        """fn(*args) in a worker process (blocking this thread), or here without workers
        (local(*args) when given: the same work done with this process's own objects)."""
        self.start()
        pool = self._pool
        if pool is not None:
            try:
                return pool.submit(fn, *args).result()
            except (BrokenProcessPool, RuntimeError, OSError) as exc:  # a dead worker: work here
                log.warning("%s worker failed (%s); working in-process", self._name, type(exc).__name__)
                with self._lock:
                    if self._pool is pool:
                        self._pool, self.size = None, 0
                pool.shutdown(wait=False, cancel_futures=True)
        return (local or fn)(*args)

    def close(self) -> None:
        """Stop the processes, if any, and wait until they have exited (queued work is dropped)."""
        with self._lock:
            pool, self._pool, self.size = self._pool, None, 0
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def _init_worker(nice: int) -> None:
    """Workers leave Ctrl-C to the parent (an interrupted chat exits without worker noise) and
    run at the priority asked for."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if nice > 0 and hasattr(os, "nice"):
        os.nice(nice)
