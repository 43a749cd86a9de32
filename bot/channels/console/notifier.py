"""Notifiers for operators: print digests to the terminal, or write them to a JSON-lines outbox."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TextIO

from bot.core.ports import Notifier
from bot.core.types import DeliveryResult, DeliveryStatus, Reply

__all__ = ["AnyChannel", "ConsoleNotifier", "OutboxNotifier"]


def _render(replies: list[Reply]) -> str:
    parts: list[str] = []
    for reply in replies:
        if reply.text:
            parts.append(reply.text)
        for row in reply.choices:
            parts.append("  ".join(f"[{c.label}]" for c in row))
        if reply.image_png:
            parts.append("[图片]")
        if reply.document_name:
            parts.append(f"[文件 {reply.document_name}]")
    return "\n".join(parts)


class ConsoleNotifier:
    """Channel "console": prints each digest, so `innobot digest run` shows what would go out."""

    def __init__(self, stream: TextIO | None = None, channel: str = "console") -> None:
        self.channel = channel
        self._stream = stream or sys.stdout

    async def send(self, user_id: str, replies: list[Reply]) -> DeliveryResult:
        """Print and report delivered."""
        print(f"—— 简报 → {self.channel}:{user_id} ——", file=self._stream)
        print(_render(replies), file=self._stream, flush=True)
        return DeliveryResult(DeliveryStatus.DELIVERED)

    async def aclose(self) -> None:
        """Nothing to release: the stream belongs to the caller."""


class OutboxNotifier:
    """Appends each send as one fsync'ed JSON line: a dry-run outbox and an audit trail.

    Keyed sends record their idempotency key, so after a crash the outbox itself says which
    interrupted digests went out (DeliveryLedger). `delay` adds latency to each send, as a
    remote channel would.
    """

    channel = "outbox"

    def __init__(self, path: Path, *, delay: float = 0.0) -> None:
        self.path = path
        self.delay = delay
        self.sent = 0
        self._keys: set[tuple[str, str]] | None = None  # (user_id, key) read from the file

    async def send(self, user_id: str, replies: list[Reply]) -> DeliveryResult:
        """Record the message durably."""
        return await self.send_keyed(user_id, replies, "")

    async def send_keyed(self, user_id: str, replies: list[Reply], key: str) -> DeliveryResult:
        """Record the message and its key durably (the line is on disk before this returns)."""
        if self.delay:
            await asyncio.sleep(self.delay)  # a slow channel: network latency
        line = json.dumps(
            {
                "user_id": user_id,
                "key": key,
                "text": "\n\n".join(r.text for r in replies),
                "pid": os.getpid(),
            },
            ensure_ascii=False,
        )
        await asyncio.to_thread(self._append, line)
        self.sent += 1
        if self._keys is not None and key:
            self._keys.add((user_id, key))
        return DeliveryResult(DeliveryStatus.DELIVERED)

    def _append(self, line: str) -> None:
        """One durable line (fsynced), written off the event loop."""
        with open(self.path, "a", encoding="utf-8") as fh:
            fh.write(line + "\n")
            fh.flush()
            os.fsync(fh.fileno())

    async def aclose(self) -> None:
        """Nothing to release: the file is opened for each send."""

    async def was_delivered(self, user_id: str, key: str) -> bool | None:
        """Whether the outbox holds this keyed send (it is the channel: its record is complete)."""
        if self._keys is None:
            self._keys = await asyncio.to_thread(self._read_keys)
        return (user_id, key) in self._keys

    def _read_keys(self) -> set[tuple[str, str]]:
        keys: set[tuple[str, str]] = set()
        if not self.path.exists():
            return keys
        for raw in self.path.read_text(encoding="utf-8").splitlines():
            try:
                entry = json.loads(raw)
            except ValueError:  # a line torn by a crash mid-write: that send did not complete
                continue
            if isinstance(entry, dict) and entry.get("key"):
                keys.add((str(entry.get("user_id")), str(entry["key"])))
        return keys


class AnyChannel(Mapping[str, Notifier]):
    """A notifier mapping that answers every channel with the same notifier (the outbox)."""

    def __init__(self, notifier: Notifier) -> None:
        self._notifier = notifier

    def __getitem__(self, channel: str) -> Notifier:
        return self._notifier

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0
