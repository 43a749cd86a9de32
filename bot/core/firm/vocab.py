"""The firm package's words and texts (firm.yaml), read once."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType

from bot.core.texts import Texts

__all__ = ["FirmVocab", "load_vocab"]


class FirmVocab(Texts):
    """Texts plus the word tables the firm intents read."""

    _zones: Mapping[str, str] = MappingProxyType({})  # zone rule-set id -> the built-in id it replaces

    def for_zones(self, zones: Mapping[str, str]) -> FirmVocab:
        """This vocabulary with zone rule sets standing in for the built-in ones they replace."""
        twin = copy.copy(self)
        twin._zones = MappingProxyType(dict(zones))
        return twin

    def family(self, rule_set: str) -> str:
        """The built-in id whose words and texts a rule set uses (itself when built in)."""
        return self._zones.get(rule_set, rule_set)

    def checks(self) -> list[tuple[str, str]]:
        """(word, rule-set id), longest word first; a zone's id where it replaces a built-in one."""
        offered = {built_in: zone for zone, built_in in self._zones.items()}
        table = self.raw("checks")
        pairs = [(str(w), offered.get(str(rs), str(rs))) for rs, words in table.items() for w in words]
        return sorted(pairs, key=lambda p: len(p[0]), reverse=True)

    def lookup(self, table: str, key: str, default: str | None = None) -> str:
        """As Texts.lookup; a zone's rule set reads the tables it inherits under its built-in id."""
        if key in self._zones and table in self.words("zone_inherits"):
            key = self._zones[key]
        return super().lookup(table, key, default)

    def is_generic(self, rule_set: str | None) -> bool:
        """Whether a check's words (积分) also name any check's score."""
        return rule_set is not None and self.family(rule_set) == self.get("generic_check")

    def used_profile(self, items: list[str], most: int = 6) -> str:
        """"用了企业档案：营业收入 3,000 万元，… 等（另有 3 项）": the first few named, the rest counted."""
        shown = "，".join(items[:most])
        more = len(items) - most
        return self.get("used_profile", items=shown + (self.get("used_more", count=more) if more > 0 else ""))

    def table(self, key: str) -> dict[str, tuple[str, ...]]:
        """A mapping of name -> word list."""
        return {str(k): tuple(str(w) for w in v) for k, v in self.raw(key).items()}


@lru_cache(maxsize=1)
def load_vocab() -> FirmVocab:
    """The bundled firm.yaml."""
    return FirmVocab.load("bot.core.firm", "firm.yaml")
