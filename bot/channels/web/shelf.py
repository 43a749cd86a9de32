"""Generated files (workbooks, reports) and charts still being drawn, kept in memory for their
owner to fetch, bounded."""

from __future__ import annotations

import secrets
from collections import OrderedDict
from dataclasses import dataclass

from bot.core.types import LateImage

__all__ = ["FileShelf", "ShelvedFile"]


@dataclass(frozen=True)
class ShelvedFile:
    """One downloadable file and who may fetch it."""

    owner: str
    name: str
    data: bytes
    media_type: str


class FileShelf:
    """The latest `limit` files by id; the oldest go first, so memory stays bounded."""

    def __init__(self, limit: int = 50, later_limit: int = 500) -> None:
        self._limit = limit
        self._files: OrderedDict[str, ShelvedFile] = OrderedDict()
        self._later_limit = later_limit
        self._later: OrderedDict[str, tuple[str, LateImage]] = OrderedDict()

    def put(self, owner: str, name: str, data: bytes, media_type: str) -> str:
        """Keep a file; returns its id."""
        key = secrets.token_urlsafe(12)
        self._files[key] = ShelvedFile(owner, name, data, media_type)
        while len(self._files) > self._limit:
            self._files.popitem(last=False)
        return key

    def get(self, key: str, owner: str) -> ShelvedFile | None:
        """The file if it is still kept and belongs to owner."""
        found = self._files.get(key)
        return found if found is not None and found.owner == owner else None

    def put_later(self, owner: str, image: LateImage) -> str:
        """Keep a chart still being drawn (the page fetches it after showing the text); its id."""
        key = secrets.token_urlsafe(12)
        self._later[key] = (owner, image)
        while len(self._later) > self._later_limit:
            self._later.popitem(last=False)
        return key

    def get_later(self, key: str, owner: str) -> LateImage | None:
        """The chart being drawn under this id, if it is still kept and belongs to owner."""
        found = self._later.get(key)
        return found[1] if found is not None and found[0] == owner else None

    def forget_user(self, user_key: str) -> int:
        """Forgettable: a web user's files ("web:<id>") go with /forget."""
        channel, _, owner = user_key.partition(":")
        return self.forget_owner(owner) if channel == "web" and owner else 0

    def forget_owner(self, owner: str) -> int:
        """Drop an owner's files (/forget)."""
        keys = [k for k, f in self._files.items() if f.owner == owner]
        for key in keys:
            del self._files[key]
        charts = [k for k, (who, _) in self._later.items() if who == owner]
        for key in charts:
            del self._later[key]
        return len(keys) + len(charts)
