"""What a manager says about the firm's OWN result or profile outside a dialogue (asks.yaml): a request
to be scored, why this score, how an indicator is computed, the stage, next steps, the last score, a
loan question, a plain-word deletion, or a veto fact disclosed after a result. Answered from the firm's
figures and the rule data; the knowledge base only where the answer is policy (the loan examples)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from bot.core.estimate.port import FigureError
from bot.core.firm.explain import explain, indicator_fields, measures_of, stage_text
from bot.core.firm.intents import check_named
from bot.core.firm.ownasks import answer_own, recalls
from bot.core.firm.record import Figure, FirmRecord
from bot.core.firm.regional import regional_note, rules_place, without_rules_phrase
from bot.core.firm.verdict import render_focus, render_gaps, verdict_line
from bot.core.firm.vocab import FirmVocab
from bot.core.intents import is_question
from bot.core.places import load_places
from bot.core.texts import Texts, load_texts
from bot.core.types import Reply
from scoring.loader import load_rule_set
from scoring.model import PointsRuleSet
from scoring.results import ScoreResult

if TYPE_CHECKING:
    from bot.core.firm.desk import FirmDesk

__all__ = ["AskOutcome", "answer_ask", "leave_note", "load_asks", "score_request"]

_QUOTED = re.compile(r"(\d+(?:\.\d+)?)\s*[%％]")
_ASKS = ("loan", "last_score", "stage", "next_steps", "why")


@dataclass(frozen=True)
class AskOutcome:
    """Replies; a dialogue to open (rule set, text); a question for the knowledge base after them."""

    replies: list[Reply]
    start: tuple[str, str] | None = None
    ask: str | None = None
    followable: bool = False  # a question about the result: "那研发人员呢" next swaps its input


@lru_cache(maxsize=1)
def load_asks() -> Texts:
    """The bundled asks.yaml."""
    return Texts.load("bot.core.firm", "asks.yaml")


def _has(text: str, words: tuple[str, ...]) -> bool:
    return any(w in text for w in words)


def score_request(text: str, t: Texts) -> bool:
    """"帮我算算我们能得多少分" / "测一下科小" / "再测一次高企": a request to be scored, not a question
    about a rule or another topic."""
    if _has(text, t.words("score_request_not")) or _has(text, t.words("other_topics")):
        return False
    return _has(text, t.words("score_request")) or _rerun(t).search(text) is not None


@lru_cache(maxsize=2)
def _rerun(t: Texts) -> re.Pattern[str]:
    """"再测一次" / "重新评一下" / "重新自查": a lead word then a scoring verb (asks.yaml rerun_*)."""
    leads, verbs = (sorted(t.words(k), key=len, reverse=True) for k in ("rerun_leads", "rerun_verbs"))
    return re.compile(f"(?:{'|'.join(map(re.escape, leads))})(?:{'|'.join(map(re.escape, verbs))})")


def leave_note(vocab: FirmVocab, rule_set: str) -> str:
    """"（高企先放下…说“高企那个呢”可以回到高企。）" when another check takes over a dialogue."""
    return load_asks().get("leave_note", name=vocab.lookup("check_names", rule_set))


def _kind(text: str, t: Texts) -> str | None:
    for kind in _ASKS:
        if _has(text, t.words(f"kinds.{kind}")):
            return kind
    return None


def named_fields(desk: FirmDesk, text: str) -> list[str]:
    """Fields the message names, longest words first, each once ("研发增长" -> rd_expense_growth)."""
    found: list[str] = []
    n = len(text)
    spans = sorted(((i, j) for i in range(n) for j in range(i + 2, min(n, i + 9) + 1)), key=lambda s: s[0] - s[1])
    taken: set[int] = set()
    for i, j in spans:
        if taken & set(range(i, j)):
            continue
        spec = desk.lookup(text[i:j])
        if spec is not None and spec.name not in found:
            found.append(spec.name)
            taken |= set(range(i, j))
    return found


async def answer_ask(desk: FirmDesk, key: str, record: FirmRecord, text: str) -> AskOutcome | None:
    """Answer a message about the firm's own result or profile, or None when it is not one."""
    t = load_asks()
    place = rules_place(text, t)
    if place is not None:  # "按成都的规则帮我算": whose rules are installed, said plainly, then the estimate
        return await _regional(desk, key, record, text, regional_note(desk, text, t, place))
    if score_request(text, t):
        return await _score_request(desk, key, record, text, t)
    own = await answer_own(desk, record, text, named_fields(desk, text))  # "营收多少来着", "这个分准吗"
    if own is not None:
        return AskOutcome(own, followable=recalls(text))  # "营收多少来着" → "那研发费用呢" asks that figure back
    if _has(text, t.words("delete")):
        deleted = await _delete(desk, key, record, text, t)
        if deleted is not None:
            return deleted
    if record.context.last_check is not None:
        disclosed = await _veto_fact(desk, key, record, text, t)
        if disclosed is not None:
            return disclosed
    kind = _kind(text, t)
    firm = bool(record.fields) or record.context.last_check is not None
    if kind is None or (not firm and (kind != "loan" or load_places().find(text))):
        return None  # "能贷多少" with no firm data yet: the loan facts still hold; "成都的…" is a policy question
    if kind not in ("loan", "stage") and _has(text, t.words("other_topics")):  # "我们公司在哪个阶段" is ours
        return None
    rule_set = _check_of(desk, record, text)
    if kind == "loan":  # 积分贷 rests on the points estimate, whatever check ran last
        generic = rule_set if desk.vocab.is_generic(rule_set) else desk.vocab.get("generic_check")
        places = load_places().find(text)  # "我们在成都能贷多少": the knowledge base is asked about 成都
        return await _loan(desk, record, generic, t, places[0][1] if places else "")
    if kind == "last_score":
        return AskOutcome(await desk.run_check(key, rule_set, record))
    if kind == "stage":
        rs = load_rule_set(desk.vocab.get("generic_check"))
        return AskOutcome([Reply(text=stage_text(rs, record.figures.get("revenue"), t))]) \
            if isinstance(rs, PointsRuleSet) else None
    if kind == "next_steps":
        return await _next_steps(desk, record, t)
    return await _why(desk, record, rule_set, text, t)


def _check_of(desk: FirmDesk, record: FirmRecord, text: str) -> str:
    """The check a message is about: the one it names, else the last one, else the default."""
    named = check_named(text, desk.vocab)
    if named is not None and not (desk.vocab.is_generic(named) and record.context.last_check):
        return named
    return record.context.last_check or record.context.topic or desk.default_check


async def _score_request(desk: FirmDesk, key: str, record: FirmRecord, text: str, t: Texts) -> AskOutcome:
    named = check_named(text, desk.vocab)
    rule_set = named or record.context.last_check or record.context.topic
    if rule_set is None:
        return AskOutcome([Reply(text=t.get("which_check_menu"))])
    if all(f in record.fields for f in desk.core_fields(rule_set)):
        return AskOutcome(await desk.run_check(key, rule_set, record))
    await desk.save(key, record.with_context(topic=rule_set))
    intro = desk.vocab.lookup("conditions", rule_set, "")  # which check the form is for, before its question
    return AskOutcome([Reply(text=intro)] if intro else [], start=(rule_set, ""))


async def _regional(desk: FirmDesk, key: str, record: FirmRecord, text: str, chosen: tuple[str, Reply]) -> AskOutcome:
    """The note first, then the check on the profile when it holds what the check needs, else its form."""
    rule_set, note = chosen
    rest = without_rules_phrase(text, load_asks(), [w for w, _ in desk.vocab.checks()])
    figures = bool(desk.read(rest).accepted) if rest else False
    if all(f in record.fields for f in desk.core_fields(rule_set)) and not figures:
        return AskOutcome([note, *await desk.run_check(key, rule_set, record)])
    await desk.save(key, record.with_context(topic=rule_set))
    return AskOutcome([note], start=(rule_set, rest if figures else ""))


async def _delete(desk: FirmDesk, key: str, record: FirmRecord, text: str, t: Texts) -> AskOutcome | None:
    """"把研发人员删了" / "删掉职工总数": the named fields leave the profile, said back by name."""
    named = named_fields(desk, text)
    if not named:
        return None
    held = [f for f in named if f in record.fields]
    if not held:
        return AskOutcome([Reply(text=t.get("delete_unknown", word=desk.label(named[0])))])
    await desk.save(key, record.without(held))
    return AskOutcome([Reply(text=t.get("deleted", labels="、".join(desk.label(f) for f in held)))])


async def _veto_fact(desk: FirmDesk, key: str, record: FirmRecord, text: str, t: Texts) -> AskOutcome | None:
    """"我们去年发生过重大安全事故" after a result: the fact goes into the profile, the verdict is re-stated."""
    if is_question(text, load_texts()) or _has(text, desk.vocab.words("whatif_starts")):
        return None  # "被列入经营异常名录还能评科小吗" / "要是出了安全事故呢" ask the rules
    facts: dict[str, Figure] = {}
    cleared = _has(text, t.words("veto_cleared"))
    for field, words in t.raw("veto_facts").items():
        if _has(text, tuple(str(w) for w in words)):
            facts[str(field)] = not cleared
    if "major_incident_recent" in facts and facts["major_incident_recent"] and _has(text, t.words("veto_older")):
        facts = {**{k: v for k, v in facts.items() if k != "major_incident_recent"}, t.get("veto_older_field"): 1}
    if not facts:
        return None
    lesser = next((w for w in desk.vocab.words("lessened_words") if w in text), None)
    if lesser is not None and any(facts.get(f) for f in desk.vocab.words("lessened_fields")):
        return AskOutcome([Reply(text=desk.vocab.get("records_lessened", word=lesser))])  # "小的安全事故": not 重大
    record = record.with_figures(facts, "chat")
    pending = tuple(p for p in record.context.pending if p not in facts)
    record = record.with_context(pending=pending)
    note = Reply(text=t.get("veto_recorded", items=desk.items(facts)))
    return AskOutcome([note, *await desk.run_check(key, record.context.last_check or desk.default_check, record)])


async def _loan(desk: FirmDesk, record: FirmRecord, rule_set: str, t: Texts, place: str) -> AskOutcome:
    """No formula from a score to a loan: say so, the firm's result, whom to ask, then the knowledge base."""
    score = ""
    if record.fields:
        try:
            assessment, _ = await desk.assess(record.figures, rule_set)
            score = t.get("loan_score", name=desk.vocab.lookup("check_names", rule_set),
                          verdict=verdict_line(assessment, desk.vocab))
        except FigureError:  # a figure the engine refuses only drops the score line
            score = ""
    return AskOutcome([Reply(text=t.get("loan", score=score))], ask=place + t.get("loan_question"))


async def _next_steps(desk: FirmDesk, record: FirmRecord, t: Texts) -> AskOutcome:
    missing = ""
    try:
        assessment, _ = await desk.assess(record.figures, desk.vocab.get("generic_check"))
    except FigureError:  # without a points estimate the steps are the same, unnumbered
        assessment = None
    if assessment is not None and isinstance(assessment.result, ScoreResult) and assessment.result.missing:
        r = assessment.result
        missing = t.get("next_missing", count=len(r.missing), points=f"{r.missing_potential:.0f}")
    return AskOutcome([Reply(text=t.get("next_steps", missing=missing))])


def _bare_why(text: str, t: Texts) -> bool:
    """"为什么" / "为什么不行" right after a result: a why with nothing else in it asks about that result."""
    rest = text
    for word in sorted(t.words("bare_why"), key=len, reverse=True):
        rest = rest.replace(word, "")
    return rest.strip(" 。.!！?？,，~～…") == "" and rest != text


async def _why(desk: FirmDesk, record: FirmRecord, rule_set: str, text: str, t: Texts) -> AskOutcome | None:
    """Why this score / how an indicator is computed, with the firm's numbers."""
    try:
        assessment, _ = await desk.assess(record.figures, rule_set)
    except FigureError:  # figures the engine refuses: the usual routing names them
        return None
    scored = indicator_fields(assessment)
    inputs = named_fields(desk, text) or [str(f) for f, ws in t.raw("goal_fields").items() if _has(text, tuple(ws))]
    focus = [m for f in inputs for m in measures_of(f, scored)]
    if not focus and not _has(text, t.words("result_words")) and not _bare_why(text, t):
        return None  # "为什么要搞积分制": not about this firm's result
    if not focus and not isinstance(assessment.result, ScoreResult):  # "为啥没通过": what is still open
        return AskOutcome([Reply(text=render_gaps(assessment, desk.vocab))], followable=True)
    quoted_at = _QUOTED.search(text)
    quoted = float(quoted_at.group(1)) if quoted_at and focus else None
    lines = explain(assessment, record.figures, list(dict.fromkeys(focus)), t, quoted)
    if not lines:  # 高企: the conditions that move with the named input
        return AskOutcome([Reply(text=render_focus(assessment, inputs[0], desk.label(inputs[0]), desk.vocab))],
                          followable=True)
    name = desk.vocab.lookup("check_names", rule_set)
    head = [t.get("why_header", name=name), verdict_line(assessment, desk.vocab)]
    rs = load_rule_set(assessment.rule_set)
    if not focus and isinstance(rs, PointsRuleSet):  # "这分数正常吗": firms are compared within their stage
        head.append(stage_text(rs, record.figures.get("revenue"), t) + t.get("stage_compare"))
    return AskOutcome([Reply(text="\n".join([*head, *lines]))], followable=True)
