"""The package's YAML data files, parsed with libyaml when it is there (~10x faster than pure Python)."""

from __future__ import annotations

from typing import Any

import yaml

__all__ = ["load_yaml"]

_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # same safe schema, C speed


def load_yaml(text: str) -> Any:
    """Parse YAML text safely (a cold `innobot ask` reads several thousand lines of it)."""
    return yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader
