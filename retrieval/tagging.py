"""Tag articles with the regions they mention and the topics they cover (both from data files)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from retrieval.datafiles import data_file
from retrieval.textutil import match_key

__all__ = ["Gazetteer", "TagRules", "gazetteer", "tag_rules"]


def _load_yaml(name: str) -> dict[str, Any]:
    data = data_file(name)
    return data if isinstance(data, dict) else {}


def _canonical(name: str) -> str:
    return name[:-1] if name.endswith("市") and len(name) > 2 else name


@dataclass(frozen=True)
class Gazetteer:
    """Place names: surface form -> canonical name, and each place's parents (city, province)."""

    surface: dict[str, str]
    parents: dict[str, tuple[str, ...]]
    foreign: frozenset[str]
    lengths: dict[str, tuple[int, ...]]  # first character -> lengths of the names it starts, longest first
    starts: re.Pattern[str]  # any first character of a name

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Gazetteer:
        """Build from the regions.yaml structure."""
        surface: dict[str, str] = {}
        parents: dict[str, tuple[str, ...]] = {}
        for province, cities in (data.get("provinces") or {}).items():
            surface[province] = province
            parents.setdefault(province, ())
            for city in cities or []:
                canon = _canonical(city)
                surface[city] = canon
                parents[canon] = (province,)
        for place, parent in (data.get("places") or {}).items():
            canon = _canonical(place)
            surface[place] = canon
            pc = _canonical(str(parent))
            parents[canon] = (pc, *parents.get(pc, ()))
        for mapping in (data.get("counties") or {}).values():
            for county, parent in (mapping or {}).items():
                short = str(county)[:-1]
                if short in surface:  # 长兴县 is the 长兴 the places list already knows
                    surface[str(county)] = surface[short]
                    continue
                canon = _canonical(str(county))
                surface[str(county)] = canon
                pc = _canonical(str(parent))
                parents[canon] = (pc, *parents.get(pc, ()))
        foreign = frozenset(str(f) for f in data.get("foreign") or [])
        for f in foreign:
            surface[f] = f
            parents.setdefault(f, ())
        normalized = {match_key(s): c for s, c in surface.items()}
        by_first: dict[str, set[int]] = {}
        for key in normalized:
            by_first.setdefault(key[0], set()).add(len(key))
        lengths = {c: tuple(sorted(n, reverse=True)) for c, n in by_first.items()}
        starts = re.compile("[" + "".join(re.escape(c) for c in sorted(lengths)) + "]")
        return cls(normalized, parents, foreign, lengths, starts)

    def scan(self, key: str) -> list[str]:
        """The names in a match key, left to right, the longest at each place, not overlapping.

        What one alternation of every name (longest first) would find, without compiling one:
        that regex costs ~50 ms a process start and scans several times slower."""
        found: list[str] = []
        search, names, lengths = self.starts.search, self.surface, self.lengths
        pos = 0
        while (m := search(key, pos)) is not None:
            i = m.start()
            pos = i + 1
            for n in lengths[key[i]]:
                if key[i : i + n] in names:
                    found.append(key[i : i + n])
                    pos = i + n
                    break
        return found

    def mentions(self, text: str) -> list[str]:
        """Canonical places named in the text, in order of first mention."""
        seen: dict[str, None] = {}
        for key in self.scan(match_key(text)):
            seen.setdefault(self.surface[key], None)
        return list(seen)

    def with_parents(self, places: list[str]) -> tuple[str, ...]:
        """The places plus the cities/provinces that contain them (a 成都 article is also 四川)."""
        out: dict[str, None] = {}
        for p in places:
            out.setdefault(p, None)
            for parent in self.parents.get(p, ()):
                out.setdefault(parent, None)
        return tuple(out)

    def canonical(self, name: str) -> str | None:
        """Canonical form of a user-typed region ("成都市" -> "成都"), None if unknown."""
        key = match_key(name.strip())
        for cand in (key, key.removesuffix("市"), key.removesuffix("省"), key + "市"):
            if cand in self.surface:
                return self.surface[cand]
        return None

    def is_foreign(self, place: str) -> bool:
        """True for places outside China (the corpus is about Chinese programmes)."""
        return place in self.foreign


@dataclass(frozen=True)
class TagRules:
    """Topic tags: tag -> keywords."""

    keywords: dict[str, tuple[str, ...]]
    min_hits: int = 2

    def tags_for(self, title: str, text: str) -> tuple[str, ...]:
        """Tags whose keywords the title names once or the text names at least min_hits times."""
        head, body = match_key(title), match_key(text)
        out: list[str] = []
        for tag, words in self.keywords.items():
            keys = [match_key(w) for w in words]
            if any(k in head for k in keys) or sum(body.count(k) for k in keys) >= self.min_hits:
                out.append(tag)
        return tuple(out)


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The shipped place-name list (read once per process)."""
    data = _load_yaml("regions.yaml")
    data["counties"] = _load_yaml("counties.yaml").get("counties") or {}
    return Gazetteer.from_data(data)


@lru_cache(maxsize=1)
def tag_rules() -> TagRules:
    """The shipped keyword -> tag rules (read once per process)."""
    data = _load_yaml("tags.yaml")
    keywords = {str(k): tuple(str(w) for w in v) for k, v in (data.get("tags") or {}).items()}
    return TagRules(keywords, int(data.get("min_hits") or 1))
