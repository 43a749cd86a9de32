"""Traditional characters read as simplified (繁→简): a 繁體 phone keyboard is common, every word list is simplified."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from opencc import OpenCC

__all__ = ["to_simplified"]


@cache
def _converter() -> OpenCC:
    """OpenCC's t2s table (shipped inside the wheel), loaded at the first non-ASCII message."""
    from opencc import OpenCC

    return OpenCC("t2s")


def to_simplified(text: str) -> str:
    """The text with traditional characters and phrases in simplified form; simplified text is unchanged."""
    if text.isascii():
        return text
    return str(_converter().convert(text))
