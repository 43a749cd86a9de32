"""A question that names a year (2026年, 今年): an answer about another year says whose year it is."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache

from retrieval.answer_texts import what_missing
from retrieval.datafiles import data_file
from retrieval.explain import Explanation
from retrieval.preference import KNOWLEDGE
from retrieval.textutil import clip_sentences
from retrieval.types import Answer

__all__ = ["AskedYears", "asked_years", "checked_for_year"]

_BODY_CHARS = 150  # what the sources give, quoted short: it is not the asked year's answer
_DATED = ("date", "duration")  # a when / how-long question: another year's date does not answer it
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*(?=年|-\d)")


@dataclass(frozen=True)
class AskedYears:
    """The years a question asks about; `word` is the relative word it used (今年), "" for 2026年."""

    years: tuple[int, ...]
    word: str = ""


@lru_cache(maxsize=1)
def _rules() -> tuple[dict[str, int], dict[str, str]]:
    data = data_file("years.yaml") or {}
    relative = {str(k): int(v) for k, v in (data.get("relative") or {}).items()}
    return relative, {str(k): str(v) for k, v in (data.get("texts") or {}).items()}


def asked_years(question: str, today: date) -> AskedYears:
    """The years the question names, explicit first; relative ones counted from today."""
    explicit = tuple(dict.fromkeys(int(y) for y in _YEAR.findall(question)))
    if explicit:
        return AskedYears(explicit)
    relative, _ = _rules()
    for word in sorted(relative, key=len, reverse=True):
        if word in question:
            return AskedYears((today.year + relative[word],), word)
    return AskedYears(())


def _years_of(answer: Answer) -> list[int]:
    """The years the answer is about: those it states, else its briefing's publication year."""
    stated = sorted({int(y) for y in _YEAR.findall(answer.answer)})
    if stated or not answer.citations:
        return stated
    first = answer.citations[0]
    m = _YEAR.match(first.date + "-0") if first.kind != KNOWLEDGE else None  # a summary's date is its index date
    return [int(m.group(1))] if m else []


def checked_for_year(ex: Explanation, asked: AskedYears) -> Explanation:
    """Keep an answer that speaks of the asked year; otherwise say whose year it is and that the
    asked year's value is not in the sources (an explicit year's, or any asked date, is then not grounded)."""
    answer = ex.answer
    if not asked.years or not answer.grounded or not answer.citations:
        return ex
    found = _years_of(answer)
    if not found or set(found) & set(asked.years):
        return ex  # a standing rule with no year, or the asked year itself
    _, texts = _rules()
    years = "、".join(f"{y}年" for y in asked.years)
    shown = "、".join(f"{y}年" for y in found)
    what = what_missing(ex.targets[0]) if ex.targets else "相关内容"
    body = clip_sentences(answer.answer, _BODY_CHARS).rstrip().rstrip("；;，,：:")
    body = body if body.endswith(("。", "…", "！", "？", "”")) else body + "。"
    # 今年…多少: the source's own figure, labelled; 今年…什么时候: another year's date is no answer
    labelled = bool(asked.word) and not (ex.targets and ex.targets[0].kind in _DATED)
    if labelled:
        text = texts["other"].format(word=asked.word, asked=years, found=shown, answer=body)
    else:
        cite = answer.citations[0]  # not grounded: the chat shows no source list, so the text names it
        text = texts["missing"].format(asked=years, what=what, found=shown, answer=body, title=cite.title)
    ex.decision += f"; asked {years}, sources give {shown}"
    ex.answer = replace(answer, answer=text, grounded=labelled)
    return ex
