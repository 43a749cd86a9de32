"""User-facing texts loaded from YAML beside the code, so wording changes are data diffs, not code.

One class serves every package's texts (the core, subscriptions and digests, the firm words, each
channel); each package keeps its own YAML file and loads it with `Texts.load`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from importlib import resources
from typing import Any, Self

import yaml

__all__ = ["MissingTextError", "Texts", "load_texts"]


class MissingTextError(KeyError):
    """A text the code asks for is not in the file (declared ones are checked at load time)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "missing text"


class Texts:
    """Short Chinese templates by key (dotted keys reach nested tables), filled with named fields."""

    def __init__(
        self, data: Mapping[str, Any], *, source: str = "texts", required: Iterable[str] = ()
    ) -> None:
        if not isinstance(data, Mapping):
            raise MissingTextError(f"{source}: expected a mapping of texts")
        self._data = data
        self._words: dict[str, tuple[str, ...]] = {}  # word lists are read on every message
        self.source = source
        missing = [key for key in required if not self.has(key)]
        if missing:
            raise MissingTextError(f"{source}: missing {', '.join(missing)}")

    @classmethod
    def load(
        cls, package: str, filename: str = "texts.yaml", *, required: Iterable[str] = ()
    ) -> Self:
        """The YAML mapping shipped in `package`; MissingTextError names any required key absent."""
        text = resources.files(package).joinpath(filename).read_text(encoding="utf-8")
        return cls(yaml.safe_load(text) or {}, source=f"{package}/{filename}", required=required)

    def has(self, key: str) -> bool:
        """Whether the file holds a value under the dotted key."""
        try:
            self.raw(key)
        except MissingTextError:
            return False
        return True

    def raw(self, key: str) -> Any:
        """The stored value (string, number, list or table) under a dotted key."""
        node: Any = self._data
        for part in key.split("."):
            if not isinstance(node, Mapping) or part not in node:
                raise MissingTextError(f"{self.source}: no text '{key}'")
            node = node[part]
        return node

    def get(self, key: str, **values: Any) -> str:
        """The template under key, filled with the named values."""
        template = self.raw(key)
        if not isinstance(template, str):
            raise MissingTextError(f"{self.source}: '{key}' is not a text")
        return template.format(**values) if values else template

    def words(self, key: str) -> tuple[str, ...]:
        """A word list (intent vocabulary) under key (read once: the file does not change)."""
        words = self._words.get(key)
        if words is None:
            words = self._words[key] = tuple(str(v) for v in self.raw(key))
        return words

    def mapping(self, key: str) -> dict[str, str]:
        """A small table of texts under key (template fields, command descriptions)."""
        value = self.raw(key) or {}
        if not isinstance(value, Mapping):
            raise MissingTextError(f"{self.source}: '{key}' is not a table")
        return {str(k): str(v) for k, v in value.items()}

    def number(self, key: str) -> int:
        """A whole number under key (a length limit)."""
        return int(self.raw(key))

    def lookup(self, table: str, key: str, default: str | None = None) -> str:
        """A value from a small mapping (e.g. stage names), falling back to default or key."""
        try:
            value = self.raw(table)
        except MissingTextError:
            value = {}
        if isinstance(value, Mapping) and key in value:
            return str(value[key])
        return default if default is not None else key


@lru_cache(maxsize=1)
def load_texts() -> Texts:
    """The core's texts (read once per process)."""
    return Texts.load("bot.core")
