"""User-facing texts loaded from texts.yaml, so wording changes are data diffs, not code."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

__all__ = ["Texts", "load_texts"]


class Texts:
    """Lookup of short Chinese reply templates by key (dotted keys reach nested tables)."""

    def __init__(self, data: dict[str, Any]) -> None:
        self._data = data

    def raw(self, key: str) -> Any:
        """The stored value (string, list or table) under a dotted key."""
        node: Any = self._data
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                raise KeyError(key)
            node = node[part]
        return node

    def get(self, key: str, **values: Any) -> str:
        """The template under key, filled with values."""
        template = self.raw(key)
        if not isinstance(template, str):
            raise KeyError(f"{key} is not a text")
        return template.format(**values) if values else template

    def words(self, key: str) -> tuple[str, ...]:
        """A word list (intent vocabulary) under key."""
        value = self.raw(key)
        return tuple(str(v) for v in value)

    def lookup(self, table: str, key: str, default: str | None = None) -> str:
        """A value from a small mapping (e.g. stage names), falling back to default or key."""
        try:
            value = self.raw(table)
        except KeyError:
            value = {}
        if isinstance(value, dict) and key in value:
            return str(value[key])
        return default if default is not None else key


@lru_cache(maxsize=1)
def load_texts() -> Texts:
    """The bundled texts (read once per process)."""
    text = resources.files("bot.core").joinpath("texts.yaml").read_text(encoding="utf-8")
    return Texts(yaml.safe_load(text))
