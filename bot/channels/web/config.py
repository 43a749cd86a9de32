"""What the web channel is configured with and the services it talks to (built by bot.app)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Protocol

from bot.channels.web.shelf import FileShelf
from bot.core.estimate.rule_sets import load_rule_sets
from bot.core.ports import Assistant
from bot.core.texts import Texts
from retrieval.types import Answerer, Searcher

__all__ = [
    "AdminStats",
    "BriefingInfo",
    "BriefingLibrary",
    "DeliveryInfo",
    "WebConfig",
    "WebServices",
    "text",
]


@dataclass(frozen=True)
class WebConfig:
    """Limits, secrets and headers of one web server (from Settings, or set by a test)."""

    data_dir: Path
    secret: bytes
    admin_token: str | None = None
    api_key: str | None = None
    admin_minutes: int = 30
    session_days: int = 30
    frame_ancestors: str = "'self'"
    max_upload: int = 10 * 1024 * 1024
    max_json: int = 64 * 1024
    ip_rate: float = 20.0
    ip_burst: int = 60
    session_rate: float = 1.0
    session_burst: int = 8
    trust_forwarded: bool = False
    rule_dirs: tuple[Path, ...] = ()
    # the rule set of a score or batch request that names none (INNOBOT_DEFAULT_RULE_SET)
    default_rule_set: str = field(default_factory=lambda: load_rule_sets().default)
    max_question: int = 500

    @property
    def upload_dir(self) -> Path:
        """The only directory uploads are written to (inside the data directory)."""
        return (self.data_dir / "web-uploads").resolve()


@dataclass(frozen=True)
class BriefingInfo:
    """One ingested briefing as the admin page lists it."""

    id: str
    name: str
    source: str
    date: str
    articles: int


class DeliveryInfo(Protocol):
    """One line of the digest delivery log (no user names, no content)."""

    @property
    def at(self) -> str: ...
    @property
    def channel(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def articles(self) -> int: ...
    @property
    def detail(self) -> str: ...


class BriefingLibrary(Protocol):
    """Briefings in the knowledge base: list, ingest an uploaded file, remove."""

    def documents(self) -> list[BriefingInfo]: ...

    def add(self, path: Path, progress: Callable[[int, int], None]) -> tuple[int, list[str]]:
        """Ingest one file; returns (articles added, Chinese problems)."""
        ...

    def remove(self, ident: str) -> int: ...


class AdminStats(Protocol):
    """Subscriber counts by channel and the latest digest deliveries."""

    def subscriber_counts(self) -> dict[str, int]: ...

    def recent_deliveries(self, limit: int) -> Sequence[DeliveryInfo]: ...


@dataclass
class WebServices:
    """The collaborators the pages and the API call; None where a deployment lacks one."""

    assistant: Assistant
    searcher: Searcher | None = None
    answerer: Answerer | None = None
    briefings: BriefingLibrary | None = None
    stats: AdminStats | None = None
    shelf: FileShelf | None = None  # the chat's generated files; shared with /forget


@cache
def _texts() -> Texts:
    return Texts.load("bot.channels.web")


def text(key: str, **values: object) -> str:
    """A Chinese sentence of the web channel ("errors.too_large"), formatted with values."""
    return _texts().get(key, **values)
