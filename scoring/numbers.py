"""Chinese and Arabic numerals with magnitudes (十百千万亿), exact via Decimal."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

__all__ = ["VAGUE", "parse_number"]

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
           "六": 6, "七": 7, "八": 8, "九": 9}
_SMALL = {"十": 10, "百": 100, "千": 1000}
_BIG = {"万": Decimal(10) ** 4, "亿": Decimal(10) ** 8}
_TOKEN = re.compile(r"\d+(?:\.\d+)?|点[零〇一二两三四五六七八九]+|[零〇一二两三四五六七八九十百千万亿]")
VAGUE = frozenset("几多余来")


def parse_number(text: str) -> Decimal | None:
    """'1.2亿' -> 120000000, '一百二十' -> 120, '四点五' -> 4.5; None if not a clean number."""
    if not text or any(ch in VAGUE for ch in text):
        return None
    pos = 0
    total = Decimal(0)
    section = Decimal(0)
    current: Decimal | None = None
    last_big: Decimal | None = None
    for match in _TOKEN.finditer(text):
        if match.start() != pos:
            return None
        pos = match.end()
        tok = match.group()
        if tok[0].isdigit():
            if current is not None:
                return None
            try:
                current = Decimal(tok)
            except InvalidOperation:
                return None
        elif tok[0] == "点":
            if current is None or current != current.to_integral_value():
                return None
            fraction = "".join(str(_DIGITS[c]) for c in tok[1:])
            current = Decimal(f"{int(current)}.{fraction}")
        elif tok in _DIGITS:
            if current is not None:
                return None
            current = Decimal(_DIGITS[tok])
        elif tok in _SMALL:
            section += (current if current is not None else Decimal(1)) * _SMALL[tok]
            current = None
        else:
            big = _BIG[tok]
            amount = section + (current or 0)
            if amount == 0 and total == 0:
                return None
            if last_big is not None and big >= last_big:
                total = (total + amount) * big
            else:
                total += amount * big
            last_big = big
            section = Decimal(0)
            current = None
    if pos != len(text):
        return None
    return total + section + (current or 0)
