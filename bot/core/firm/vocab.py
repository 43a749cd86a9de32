"""The firm package's words and texts (firm.yaml), read once."""

from __future__ import annotations

from functools import lru_cache

from bot.core.texts import Texts

__all__ = ["FirmVocab", "load_vocab"]


class FirmVocab(Texts):
    """Texts plus the word tables the firm intents read."""

    def checks(self) -> list[tuple[str, str]]:
        """(word, rule-set id), longest word first."""
        table = self.raw("checks")
        pairs = [(str(w), str(rs)) for rs, words in table.items() for w in words]
        return sorted(pairs, key=lambda p: len(p[0]), reverse=True)

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
