"""Comparison questions: each side asked on its own and answered with its own source, or said unknown."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from retrieval.datafiles import data_file
from retrieval.entities import key_entities
from retrieval.textutil import clip_sentences
from retrieval.types import Answer

__all__ = ["Comparison", "compare", "comparison"]


@dataclass(frozen=True)
class Comparison:
    """The two sides (in the question's order) and each side's own question."""

    sides: tuple[str, str]
    questions: tuple[str, str]
    which: bool  # 哪个门槛高: the sources do not rank them; the answer says so


@dataclass(frozen=True)
class _Rules:
    programmes: tuple[str, ...]
    connectors: str
    cues: tuple[str, ...]
    rewrites: tuple[tuple[str, str], ...]
    which: re.Pattern[str]
    things: dict[str, str]
    unnamed: dict[str, str]
    figures: frozenset[str]
    texts: dict[str, str]
    side_chars: int


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    data = data_file("compare.yaml") or {}
    rewrites = {str(k): str(v or "") for k, v in (data.get("rewrites") or {}).items()}
    return _Rules(
        tuple(sorted((str(p) for p in data.get("programmes") or ()), key=len, reverse=True)),
        "|".join(re.escape(str(c)) for c in data.get("connectors") or ()),
        tuple(str(c) for c in data.get("cues") or ()),
        tuple(sorted(rewrites.items(), key=lambda kv: -len(kv[0]))),
        re.compile(str(data.get("which") or "(?!)")),
        {str(k): str(v) for k, v in (data.get("things") or {}).items()},
        {str(k): str(v) for k, v in (data.get("unnamed") or {}).items()},
        frozenset(str(w) for w in data.get("figures") or ()),
        {str(k): str(v) for k, v in (data.get("texts") or {}).items()},
        int(data.get("side_chars") or 200),
    )


def _pair(question: str, names: list[str], connectors: str) -> tuple[str, str, re.Match[str]] | None:
    """Two different names joined by a connector ("成都和杭州", "高企跟科小的")."""
    alt = "|".join(re.escape(n) for n in sorted(set(names), key=len, reverse=True))
    if not alt or not connectors:
        return None
    for m in re.finditer(rf"(?P<a>{alt})(?:市|省)?(?:的)?(?:{connectors})(?P<b>{alt})(?:市|省)?(?:相比|比较|比)?[，,]?", question):
        if m.group("a") != m.group("b"):
            return m.group("a"), m.group("b"), m
    return None


def comparison(question: str) -> Comparison | None:
    """A question comparing two places or two programmes, with a comparison word; else None."""
    rules = _rules()
    if not any(c in question for c in rules.cues):
        return None
    places = list(key_entities(question).places)
    programmes = [p for p in rules.programmes if p in question]
    found = _pair(question, places, rules.connectors) or _pair(question, programmes, rules.connectors)
    if found is None:
        return None
    a, b, m = found
    rest = question[: m.start()] + "{side}" + question[m.end():]
    which = rules.which.search(rest)
    if which:
        thing = which.group("thing").strip("的")
        thing = rules.things.get(thing, thing)
        form = "是多少" if any(thing.endswith(f) for f in rules.figures) else "是什么"
        asked = f"的{thing}{form}" if thing else rules.unnamed.get(which.group("how"), rules.unnamed["default"])
        rest = rest[: which.start()] + asked + rest[which.end():]
    for old, new in rules.rewrites:
        rest = rest.replace(old, new)
    rest = re.sub(r"是什么(?:是什么)+", "是什么", rest)
    return Comparison((a, b), (rest.format(side=a), rest.format(side=b)), which is not None)


def compare(asked: Comparison, answer: Callable[[str], Answer]) -> Answer:
    """Each side answered on its own, with its own citation; a side the sources lack is said so."""
    rules = _rules()
    texts = rules.texts
    lines = [texts["head"]]
    cited = []
    for side, question in zip(asked.sides, asked.questions, strict=True):
        got = answer(question)
        if got.grounded and got.citations:
            cite = got.citations[0]
            body = clip_sentences(got.answer, rules.side_chars).rstrip("。")
            lines.append(texts["side"].format(side=side, answer=body, title=cite.title))
            cited.append(cite)
        else:
            lines.append(texts["unknown"].format(side=side))
    if asked.which and cited:
        lines.append(texts["which"])
    return Answer("\n".join(lines), bool(cited), cited)
