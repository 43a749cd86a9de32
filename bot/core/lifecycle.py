"""Lifecycles: what a serving process starts and stops, and what it closes, by declared method."""

from __future__ import annotations

from typing import Protocol

__all__ = ["Channel", "Closable"]


class Channel(Protocol):
    """A long-running way in (Telegram polling or webhook, the WeChat callback server, the web
    pages) or out (digest delivery): `serve` starts each in turn and stops them in reverse."""

    async def start(self) -> None:
        """Begin taking (or pushing) messages inside the running loop."""
        ...

    async def stop(self) -> None:
        """Stop and release what start took; safe after a failed or partial start."""
        ...


class Closable(Protocol):
    """A resource the serving process owns (database, assistant, HTTP client): closed after every
    channel that uses it has stopped."""

    async def aclose(self) -> None:
        """Release threads, processes, connections; the loop is not blocked meanwhile."""
        ...
