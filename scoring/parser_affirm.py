"""Yes/no records said in plain words (被列为失信被执行人 / 去年发生过重大安全事故 → 是).

A denial ("没有失信") is read by parser_words; this reads the affirmed form, which sets a
veto or deduction record, so it is strict: a question records nothing, "已经移出了" undoes it,
and a record bound to a period needs a recent year word in its clause or it is named back.
"""

from __future__ import annotations

import re
from dataclasses import replace

from scoring.fields import FIELDS
from scoring.parser_resolve import Raw
from scoring.parser_words import affirmed_words, clause_bounds, phrase_context

__all__ = ["affirmed_record", "lessened", "redate"]

_COUNTED = re.compile(r"[0-9一二两三四五六七八九十]+\s*[次起件]")  # '发生过一次': the count reading owns it
_REACH = 10


def affirmed_record(norm: str, start: int, end: int, fields: tuple[str, ...]) -> tuple[list[Raw], str | None]:
    """(records, problem) for an absent-word at norm[start:end] that no denial stands beside."""
    words = affirmed_words()
    clause_start, clause_end = clause_bounds(norm, start, end)
    before = norm[max(clause_start, start - _REACH) : start]
    after = norm[end:clause_end]
    if not any(w in before for w in words.affirm) or any(q in before + after for q in phrase_context().question):
        return [], None
    bools = [f for f in fields if FIELDS[f].kind == "bool"]
    if not bools or _COUNTED.search(before + after):
        return [], None
    undone = any(w in norm[end : end + _REACH + 4] for w in words.undone_after)  # '…名录，已经移出了'

    clause = norm[clause_start:clause_end]
    span = (before + norm[start:end]).strip("、,;。 ")
    dated = any(w in clause for w in words.recent_words)
    if not undone and not dated and any(f in words.recent_fields for f in bools):
        label = FIELDS[next(f for f in bools if f in words.recent_fields)].label
        return [], f"“{span}”：请说明是哪一年（{label}会影响结果），如“去年发生过一次”或“没有”"
    return [Raw(f, None, not undone, span, None) for f in bools], None


def redate(raws: list[Raw]) -> list[Raw]:
    """A count dated last year or this year ('去年有过一次重大安全事故') is the recent yes/no record."""
    dated = affirmed_words().dated
    out: list[Raw] = []
    for raw in raws:
        recent = dated.get(raw.field)
        if recent is not None and raw.when in ("last", "now") and isinstance(raw.value, int | float):
            out.append(replace(raw, field=recent, alias=None, value=raw.value > 0, when=None))
        else:
            out.append(raw)
    return out


def lessened(raws: list[Raw], norm: str) -> tuple[list[Raw], str | None]:
    """(raws, problem): "小的安全事故" is not the 重大 record; a clause saying so drops it and is named back."""
    words = affirmed_words()
    serious = [r for r in raws if r.field in words.serious_fields and r.value not in (False, 0)]
    if not serious:
        return raws, None
    clauses = [c for c in re.split(r"[,;。；!！\n]", norm) if any(r.raw and r.raw in c for r in serious)]
    said = next((w for w in words.lessened if any(w in c for c in clauses or [norm])), None)
    if said is None:
        return raws, None
    label = FIELDS[serious[0].field].label
    kept = [r for r in raws if r not in serious]
    return kept, f"“{said}”的事故或处罚不算“{label}”，未记录；如属重大或严重，请直接说明（如“去年发生过一次重大安全事故”）"
