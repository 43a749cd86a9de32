"""Fakes for the web channel: a briefing library in memory and fixed admin numbers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bot.channels.web import BriefingInfo


@dataclass(frozen=True)
class Delivery:
    """A delivery log line."""

    at: str
    channel: str
    status: str
    articles: int
    detail: str


@dataclass
class FakeBriefings:
    """Keeps 'ingested' files in a list; records the paths it was given."""

    items: list[BriefingInfo] = field(default_factory=list)
    paths: list[Path] = field(default_factory=list)

    def documents(self) -> list[BriefingInfo]:
        return list(self.items)

    def add(self, path: Path, progress: Callable[[int, int], None]) -> tuple[int, list[str]]:
        self.paths.append(path)
        for done in range(4):
            progress(done, 3)
        self.items.append(BriefingInfo(f"doc{len(self.items) + 1}", path.name, "上传", "2026-11", 2))
        return 2, []

    def remove(self, ident: str) -> int:
        before = len(self.items)
        self.items = [b for b in self.items if b.id != ident]
        if len(self.items) == before:
            raise LookupError(ident)
        return 5


class FakeStats:
    """Fixed subscriber counts and one delivery."""

    def subscriber_counts(self) -> dict[str, int]:
        return {"wechat": 3, "telegram": 1}

    def recent_deliveries(self, limit: int) -> list[Delivery]:
        return [Delivery("2026-11-27T08:00+00:00", "wechat", "delivered", 2, "")][:limit]
