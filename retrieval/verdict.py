"""Yes/no questions a rule settles: the answer starts with the plain verdict (不能 / 算 / 不一定).

"成立不到一年能评高企吗" compares the figure the question states (under 1 year) with the bound the
quoted rule sets (注册成立1年以上); "软著算知识产权吗" checks that the rule lists the one under the
other. Nothing is concluded that the quoted text does not settle: mixed bounds say 不一定.
Patterns and texts are data (verdicts.yaml)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from retrieval.datafiles import data_file
from retrieval.evidence import synonyms
from retrieval.preference import KNOWLEDGE
from retrieval.types import Answer, Hit

__all__ = ["Bound", "Fact", "bounds", "facts", "verdict", "with_verdict"]

_CLAUSE_END = re.compile(r"[，,；;。、：:！？]")
_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


@dataclass(frozen=True)
class Fact:
    """A figure the question states about the firm, on one scale: below, at or above `value`."""

    unit: str
    value: float
    side: str  # "below" (不到一年), "above" (超过500人) or "at" (员工600人)
    noun: str = ""  # what the figure measures, as the question words it (成立, 员工, 研发占比)


@dataclass(frozen=True)
class Bound:
    """A rule's floor (不低于10%, 1年以上) or ceiling (不超过500人), on one scale."""

    unit: str
    value: float
    floor: bool
    clause: str = ""  # the clause that sets it (职工总数不超过500人)


@dataclass(frozen=True)
class _Rules:
    yes_no: re.Pattern[str]
    eligibility: re.Pattern[str]
    fact: re.Pattern[str]
    floor: re.Pattern[str]
    ceiling: re.Pattern[str]
    member: re.Pattern[str]
    below: tuple[str, ...]
    above: tuple[str, ...]
    scale: dict[str, tuple[str, float]]
    texts: dict[str, str]
    vague: frozenset[str]


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    d = data_file("verdicts.yaml") or {}
    yes_no, eligibility, fact, floor, ceiling, member = (
        re.compile(str(d[k])) for k in ("yes_no", "eligibility", "fact", "floor", "ceiling", "member")
    )
    return _Rules(
        yes_no, eligibility, fact, floor, ceiling, member,
        tuple(str(w) for w in d.get("below") or ()), tuple(str(w) for w in d.get("above") or ()),
        {str(k): (str(v[0]), float(v[1])) for k, v in (d.get("scale") or {}).items()},
        {str(k): str(v) for k, v in (d.get("texts") or {}).items()},
        frozenset(str(w) for w in d.get("vague") or ()),
    )


def _number(text: str) -> float | None:
    """12, 3.5, 一, 两, 十二, 半 → a number (None when unreadable)."""
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text)
    if text == "半":
        return 0.5
    if "十" in text:
        tens, _, ones = text.partition("十")
        t = _DIGITS.get(tens, 1 if not tens else -1)
        o = _DIGITS.get(ones, 0 if not ones else -1)
        return float(10 * t + o) if t >= 0 and o >= 0 else None
    if len(text) == 1 and text in _DIGITS:
        return float(_DIGITS[text])
    return None


def _scaled(num: str, unit: str) -> tuple[str, float] | None:
    value, scale = _number(num), _rules().scale.get(unit)
    if value is None or scale is None:
        return None
    return scale[0], value * scale[1]


def facts(question: str) -> list[Fact]:
    """The figures a question states about the firm (成立不到一年 → below 1 年)."""
    rules = _rules()
    out: list[Fact] = []
    for m in rules.fact.finditer(question):
        scaled = _scaled(m.group("num"), m.group("unit"))
        if scaled is None:
            continue
        cmp = m.group("cmp") or ""
        side = "below" if cmp in rules.below and cmp else "above" if cmp in rules.above and cmp else "at"
        noun = _CLAUSE_END.split(question[: m.start()])[-1][-6:]
        out.append(Fact(scaled[0], scaled[1], side, noun))
    return out


def bounds(text: str) -> list[Bound]:
    """The floors and ceilings a rule's text sets (不低于10%, 注册成立1年以上, 不超过500人)."""
    out: list[Bound] = []
    for pattern, floor in ((_rules().floor, True), (_rules().ceiling, False)):
        for m in pattern.finditer(text):
            num, unit = (m.group("num"), m.group("unit")) if m.group("num") else (m.group("num2"), m.group("unit2"))
            scaled = _scaled(num, unit)
            if scaled is None or re.match(r"(?:（含）)?的", text[m.end():]):
                continue  # 5000万元以下（含）的企业: a band the rule applies to, not a requirement
            start = max((b.end() for b in _CLAUSE_END.finditer(text, 0, m.start())), default=0)
            # what the bound measures sits just before it: the last two 的-phrases of its clause
            # (科技人员占企业当年职工总数的比例不低于10%, not the 从事研发 earlier in the sentence)
            subject = "的".join(text[start : m.start()].split("的")[-2:])
            out.append(Bound(scaled[0], scaled[1], floor, subject + text[m.start() : m.end()]))
    return out


def _about(fact: Fact, bound: Bound) -> bool:
    """The bound measures what the question's figure measures: a word of the question's noun (or an
    equivalent term: 营收 = 销售收入) is in the bound's clause."""
    vague = _rules().vague
    words = {fact.noun[i : i + 2] for i in range(len(fact.noun) - 1)} - vague
    words |= {a for key, alts in synonyms().items() if key in fact.noun and key not in vague for a in alts}
    return any(w and w in bound.clause for w in words)


def _fails(fact: Fact, bound: Bound) -> bool:
    """The stated figure cannot meet the bound (under 1 year against 1 year or more)."""
    if bound.floor:
        return fact.value < bound.value or (fact.side == "below" and fact.value <= bound.value)
    return fact.value > bound.value or (fact.side == "above" and fact.value >= bound.value)


def _threshold(question: str, text: str) -> str:
    """fails / meets / depends from the question's figures and the rule's bounds of the same unit."""
    verdicts = set()
    for fact in facts(question):
        same = [b for b in bounds(text) if b.unit == fact.unit and _about(fact, b)]
        if same:
            failed = [_fails(fact, b) for b in same]
            verdicts.add("fails" if all(failed) else "meets" if not any(failed) else "depends")
    if "fails" in verdicts:
        return "fails"
    return "depends" if "depends" in verdicts else "meets" if verdicts else ""


def _member(question: str, text: str) -> bool:
    """"X算Y吗" and the rule lists X under Y (…、软件著作权等Ⅱ类知识产权)."""
    m = _rules().member.search(question)
    if m is None:
        return False
    x, y = re.escape(m.group("x").strip("的")), re.escape(m.group("y").strip("的"))
    return bool(re.search(rf"{x}[^。；;]{{0,30}}?等[^。；;，,]{{0,6}}{y}|{y}[^（(。；]{{0,2}}[（(][^）)]{{0,40}}{x}", text))


def verdict(question: str, text: str) -> str:
    """The plain verdict a yes/no question gets from the quoted rule: a text key, or "" for none."""
    rules = _rules()
    if not rules.yes_no.search(question):
        return ""
    found = _threshold(question, text)
    if found:
        return found
    if _member(question, text):
        return "member"
    # an eligibility question over a rule with thresholds the question gives no figure for
    return "depends" if rules.eligibility.search(question) and bounds(text) else ""


def with_verdict(question: str, answer: Answer, hit: Hit) -> Answer:
    """A grounded answer from a national policy summary, led by its verdict when the question is yes/no
    (one region's summary settles nothing for a question that named no region)."""
    if not answer.grounded or hit.kind != KNOWLEDGE or hit.regions:
        return answer
    key = verdict(question, answer.answer)
    return replace(answer, answer=_rules().texts[key] + answer.answer) if key else answer
