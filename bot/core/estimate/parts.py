"""A field counted in kinds (Ⅱ类 = 实用新型 + 软著 + …) told over several messages: added up, never overwritten."""

from __future__ import annotations

from bot.core.estimate.port import Figure, ParsedFigure
from bot.core.texts import Texts

__all__ = ["add_new_kinds"]


def _kinds_named(raw: str, table: dict[str, list[str]]) -> set[str]:
    return {kind for kind, words in table.items() if any(str(w) in raw for w in words)}


def add_new_kinds(
    kinds: dict[str, list[str]],
    figures: dict[str, Figure],
    items: list[ParsedFigure],
    accepted: dict[str, Figure],
    texts: Texts,
) -> list[str]:
    """"软著5个" after "实用新型8个": 8 + 5 = 13 with the sum shown; a whole count ("Ⅱ类共5件") replaces.

    kinds (field -> kinds already counted) is updated in place; accepted may be raised to the sum.
    """
    table: dict[str, dict[str, list[str]]] = texts.raw("intent.part_kinds")
    notes: list[str] = []
    for item in items:
        words = table.get(item.field)
        if not words or item.field not in accepted:
            continue
        named = _kinds_named(item.raw, words)
        before = set(kinds.get(item.field, []))
        old, new = figures.get(item.field), accepted[item.field]
        adds = bool(named and before and not named & before)
        if adds and isinstance(old, int | float) and isinstance(new, int | float):
            total = old + new
            accepted[item.field] = total
            notes.append(texts.get("parts_added", old=_num(old), new=_num(new), total=_num(total)))
            named |= before
        if named:
            kinds[item.field] = sorted(named)
        else:
            kinds.pop(item.field, None)  # a whole count: later kinds add to nothing known
    return notes


def _num(value: float) -> str:
    return f"{value:g}"
