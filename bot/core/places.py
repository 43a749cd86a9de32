"""Places (地区) for subscriptions and the firm profile: the one retrieval gazetteer, read by users.

Subscriptions, article tags and the profile name a region the same way: the gazetteer's canonical
name ("泸州", "泸县", "都江堰"), with its city and province for the reply.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from retrieval.tagging import Gazetteer, gazetteer
from retrieval.textutil import match_key

__all__ = ["Places", "load_places"]

_USER_SUFFIXES = ("", "市", "省", "县", "区", "旗", "州", "自治州", "地区")


@dataclass(frozen=True)
class Places:
    """Region names users type, resolved against the gazetteer (foreign places are not regions)."""

    gazetteer: Gazetteer
    children: dict[str, tuple[str, ...]]

    @classmethod
    def from_gazetteer(cls, gaz: Gazetteer) -> Places:
        """Index each place under its direct parent (province → cities, city → counties)."""
        kids: dict[str, list[str]] = {}
        for place, parents in gaz.parents.items():
            if parents:
                kids.setdefault(parents[0], []).append(place)
        return cls(gaz, {k: tuple(sorted(v)) for k, v in kids.items()})

    def resolve(self, word: str) -> str | None:
        """Canonical region for one typed word ("泸州市", "合江", "四川省"), None if not a region."""
        key = match_key(word)
        if len(key) < 2:
            return None
        for suffix in _USER_SUFFIXES:
            stem = key.removesuffix(suffix) if suffix and key.endswith(suffix) else key
            for cand in (stem, stem + "市", stem + "县", stem + "区"):
                name = self.gazetteer.surface.get(cand)
                if name is not None and not self.gazetteer.is_foreign(name):
                    return name
        return None

    def find(self, text: str) -> list[tuple[str, str]]:
        """(surface form as matched, canonical region) for every region named inside `text`."""
        out: list[tuple[str, str]] = []
        for key in self.gazetteer.scan(match_key(text)):
            name = self.gazetteer.surface[key]
            if not self.gazetteer.is_foreign(name):
                out.append((key, name))
        return out

    def is_foreign(self, word: str) -> bool:
        """A place outside China ("美国"): named back, never a subscription region."""
        return self.gazetteer.is_foreign(match_key(word))

    def parents(self, region: str) -> tuple[str, ...]:
        """The city and province containing `region` (nearest first)."""
        return self.gazetteer.parents.get(region, ())

    def describe(self, region: str) -> str:
        """ "泸县（四川泸州）" — a region with where it lies, so the user sees which one we read."""
        parents = self.parents(region)
        return f"{region}（{''.join(reversed(parents))}）" if parents else region

    def aliases(self, region: str) -> tuple[str, ...]:
        """The region and the places directly inside it (订阅四川 also matches news about 成都)."""
        return (region, *self.children.get(region, ()))

    def provinces(self) -> tuple[str, ...]:
        """Top-level regions (provinces, municipalities)."""
        gaz = self.gazetteer
        return tuple(
            p for p, parents in gaz.parents.items() if not parents and not gaz.is_foreign(p)
        )


@lru_cache(maxsize=1)
def load_places() -> Places:
    """The shipped gazetteer as Places (built once per process)."""
    return Places.from_gazetteer(gazetteer())
