"""Reading one typed figure: bare numbers answering a question, and units that cannot be right.

Numbers and units are read by the scoring parser (the product's one numeral reader), so
'一千五', '1.2个亿', '600W' or '４，２００万' mean the same here as anywhere else.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping

from bot.core.estimate.port import FieldSpec, Figure, ParsedFigure
from bot.core.texts import Texts
from scoring import parse_answer

__all__ = ["answer_parts", "approx_note", "plain_number", "unit_problem"]

_COUNTABLE = ("persons", "count", "years")
_COUNT_UNITS = ("人", "名", "件", "个", "项", "年", "家", "次")
_PART_SPLIT = re.compile(r"[,、;\s/]+")
_UNIT_AHEAD = r"(?=\s*(?:万|亿|千|元|块|人|名|件|个|项|[wWkKｗＷｋＫ]))"
_THOUSANDS = re.compile(r"(?<![\d.])\d{1,3}(?:,\d{3})+(?!\d)")
_THOUSANDS_WITH_UNIT = re.compile(r"(?<![\d.．])\d{1,3}(?:[,，]\d{3})+" + _UNIT_AHEAD)
_LIMITS = {"money": 1e8, "persons": 1e6, "count": 1e6, "years": 200.0, "percent": 1e4}


def _answer(spec: FieldSpec, text: str) -> tuple[Figure | None, str | None, bool]:
    """(value, None, approx) for a readable answer, (None, problem, False) for an unusable figure."""
    parsed = parse_answer(text, spec.name)
    if parsed is None:
        return None, None, False
    item = next((i for i in parsed.understood if i.field == spec.name), None)
    if item is not None:
        return item.value, None, item.approx
    return None, (parsed.problems[0] if parsed.problems else None), False


def unit_problem(spec: FieldSpec, item: ParsedFigure, texts: Texts) -> str | None:
    """A note when a figure is in the wrong unit ("研发人员3000万") or implausible; else None."""
    value = item.value
    if spec.kind in _COUNTABLE:
        money_unit = "元" in item.raw or (
            any(u in item.raw for u in ("万", "亿")) and not any(u in item.raw for u in _COUNT_UNITS)
        )
        if money_unit:
            note = texts.get("wrong_unit", label=spec.label, unit=spec.unit or "个数", raw=item.raw)
            twin = texts.get("wrong_unit_twin", twin=spec.twin, raw=item.raw) if spec.twin else ""
            return note + twin
    if value is None:  # plain_number could not use it: say why, in the reader's words
        problem = _answer(spec, item.raw)[1]
        return problem or texts.get("implausible", label=spec.label, value=item.raw)
    limit = _LIMITS.get(spec.kind)
    if limit is not None and isinstance(value, int | float) and abs(value) > limit:
        return texts.get("implausible", label=spec.label, value=item.raw or value)
    return None


def plain_number(spec: FieldSpec, part: str) -> ParsedFigure | None:
    """A bare number answering a question asked in spec's unit ("3000", "1.2亿", "12人").

    None when the text is not one figure; a figure with value None when it is one but cannot
    be used (wrong unit, foreign currency, too large), so unit_problem names it.
    """
    if spec.kind in ("enum", "bool"):
        return None
    value, problem, approx = _answer(spec, part)
    if value is None and problem is None:
        return None
    return ParsedFigure(field=spec.name, label=spec.label, value=value, raw=part, approx=approx)


def answer_parts(text: str) -> list[str]:
    """The answers in one message, in order: '4,200万' is one figure, '3000 2800' two.

    A comma between digit groups is a thousands separator when a unit follows ('4,200万',
    '４，２００万'), or when it is an ASCII comma without a space ('4,200'); a full-width comma
    without a unit separates answers ('800，600' is two figures, never 800600).
    """
    norm = _THOUSANDS_WITH_UNIT.sub(lambda m: re.sub("[,，]", "", m.group()), text)
    norm = unicodedata.normalize("NFKC", norm.replace("，", "、")).strip(" 。.")  # ASCII ',' kept
    norm = _THOUSANDS.sub(lambda m: m.group().replace(",", ""), norm)
    return [p for p in _PART_SPLIT.split(norm) if p]


def approx_note(items: list[ParsedFigure], accepted: Mapping[str, Figure], texts: Texts,
                shown: Callable[[str, Figure], str]) -> str | None:
    """"按约数记录：上年度营业收入 约 3,000 万元…" for the accepted figures said as approximate."""
    parts = [shown(i.field, accepted[i.field]) for i in items if i.approx and i.field in accepted]
    return texts.get("approx_note", items="，".join(parts)) if parts else None
