"""Chinese and Arabic numerals with magnitudes (十百千万亿), exact via Decimal.

The one numeral reader of the product (chat, ``score --text``, batch cells, subscriptions).
Colloquial implied units are read as people say them: 一千五 → 1500, 两万五 → 25000,
三千二万 → 3200万, 一亿二 → 1.2亿; a 零 cancels the implied unit (一千零五 → 1005).
cn2an (``smart`` mode) is the test oracle; it refuses some of these forms, this reader does not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation, localcontext

__all__ = ["VAGUE", "parse_number"]

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
           "六": 6, "七": 7, "八": 8, "九": 9}
_SMALL = {"十": Decimal(10), "百": Decimal(100), "千": Decimal(1000)}
_BIG = {"万": Decimal(10) ** 4, "亿": Decimal(10) ** 8}
_TOKEN = re.compile(r"\d+(?:\.\d+)?|点[零〇一二两三四五六七八九]+|[零〇一二两三四五六七八九十百千万亿]")
VAGUE = frozenset("几多余来")
_PRECISION = 60  # digits kept exactly; anything longer is far beyond any plausible figure anyway


@dataclass
class _State:
    """Running sums of one numeral: total (above the current big unit), section, current digit."""

    total: Decimal = Decimal(0)
    section: Decimal = Decimal(0)
    current: Decimal | None = None
    single: bool = False  # current is one digit (一 … 九 or 1 … 9): it may carry an implied unit
    unit: Decimal | None = None  # the unit token right before current (None after a 零 or a start)
    unit_is_big: bool = False
    last_big: Decimal | None = None
    seen_digit: bool = False

    def empty(self) -> bool:
        """Nothing read yet (a leading 零 is then the digit zero: '零点五')."""
        return not self.seen_digit and self.section == 0 and self.total == 0

    def implied(self, *, before_big: bool) -> Decimal:
        """current with its implied unit: 一千五 → 5 × 100; not after 零, 十 or a big unit before a big one."""
        if self.current is None:
            return Decimal(0)
        if not self.single or self.unit is None or (before_big and self.unit_is_big):
            return self.current
        return self.current * self.unit / 10


def _digit(state: _State, value: Decimal, *, single: bool) -> bool:
    """A digit or Arabic number; False when two numbers follow each other ('一二', '5五')."""
    if state.current is not None:
        return False
    state.current, state.single, state.seen_digit = value, single, True
    return True


def _small(state: _State, unit: Decimal) -> None:
    state.section += (state.current if state.current is not None else Decimal(1)) * unit
    state.current, state.unit, state.unit_is_big = None, unit, False


def _big(state: _State, big: Decimal) -> bool:
    amount = state.section + state.implied(before_big=True)
    if state.empty():
        return False  # a bare '万'
    if state.last_big is not None and big >= state.last_big:
        state.total = (state.total + amount) * big
    else:
        state.total += amount * big
    state.last_big = big
    state.section, state.current, state.unit, state.unit_is_big = Decimal(0), None, big, True
    return True


def parse_number(text: str) -> Decimal | None:
    """'1.2亿' -> 120000000, '一千五' -> 1500, '四点五' -> 4.5, '0万' -> 0; None if not a clean number."""
    if not text or any(ch in VAGUE for ch in text):
        return None
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        return _read(text)


def _read(text: str) -> Decimal | None:
    pos = 0
    state = _State()
    for match in _TOKEN.finditer(text):
        if match.start() != pos:
            return None
        pos = match.end()
        tok = match.group()
        if tok[0].isdigit():
            try:
                value = Decimal(tok)
            except InvalidOperation:
                return None
            if not _digit(state, value, single=len(tok) == 1):
                return None
        elif tok[0] == "点":
            if state.current is None or state.current != state.current.to_integral_value():
                return None
            fraction = "".join(str(_DIGITS[c]) for c in tok[1:])
            state.current = Decimal(f"{int(state.current)}.{fraction}")
            state.single = False
        elif tok in ("零", "〇") and state.empty():
            _digit(state, Decimal(0), single=False)  # '零点五', '零'
        elif tok in ("零", "〇"):
            if state.current is not None:
                return None  # '二〇一五' is a year, not an amount
            state.unit, state.seen_digit = None, True
        elif tok in _DIGITS:
            if not _digit(state, Decimal(_DIGITS[tok]), single=True):
                return None
        elif tok in _SMALL:
            _small(state, _SMALL[tok])
        elif not _big(state, _BIG[tok]):
            return None
    if pos != len(text):
        return None
    return state.total + state.section + state.implied(before_big=False)
