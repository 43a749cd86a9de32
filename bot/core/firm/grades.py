""""要到良好还差多少": the gap to the grade the manager names, read from the rule set's own grades
(scoring/rules/*.yaml `bands`), never from a list in code."""

from __future__ import annotations

import re

from bot.core.firm.vocab import FirmVocab
from scoring.assessment import Assessment
from scoring.gaps import fmt_number
from scoring.results import ScoreResult

__all__ = ["render_grade_gap"]

_POINTS = re.compile(r"(\d+(?:\.\d+)?)\s*分")


def render_grade_gap(a: Assessment, text: str, v: FirmVocab) -> str | None:
    """The gap to a named grade ("良好") or score ("60分"), or None when the message names neither."""
    r = a.result
    if not isinstance(r, ScoreResult) or r.total is None or not a.grades:
        return None
    named = [(label, minimum) for label, minimum in a.grades if label in text]
    if named:
        label, minimum = max(named, key=lambda g: len(g[0]))
        target = v.get("grade_target", grade=label, minimum=fmt_number(minimum))
    else:
        found = _POINTS.search(text)
        if found is None:
            return _unknown_grade(a, text, v)
        minimum = float(found.group(1))
        target = v.get("score_target", minimum=fmt_number(minimum))
    total = r.total
    if total >= minimum:
        return v.get("grade_reached", total=fmt_number(total), target=target)
    return v.get("grade_gap", total=fmt_number(total), target=target, need=fmt_number(round(minimum - total, 2)))


def _unknown_grade(a: Assessment, text: str, v: FirmVocab) -> str | None:
    """"到优秀还差多少" when no grade is called 优秀: the grades there are, never the next one silently."""
    pattern = "|".join(map(re.escape, v.words("grade_asks")))
    found = re.search(rf"(?:{pattern})(\w{{1,4}}?)(?:档|级|等级|水平)?(?:还差|差)", text)
    if found is None:
        return None
    word = found.group(1)
    if any(word in w for w in v.words("grade_not_names")):
        return None
    grades = "、".join(v.get("grade_item", grade=label, minimum=fmt_number(m)) for label, m in a.grades)
    return v.get("grade_unknown", word=word, grades=grades)
