"""Follow-ups on the firm's own result (结果追问): "差在哪" / "要到良好还差多少" answered from the profile,
and the elliptical next message — "那到中等呢", "优秀呢", "那60分呢", "那研发费用呢" — read as the last
such question with one slot swapped (a grade, a score, an input), never sent to the knowledge base."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.core.estimate.port import FieldSpec, FigureError
from bot.core.firm.grades import render_grade_gap
from bot.core.firm.intents import FirmIntent, classify
from bot.core.firm.record import FirmRecord
from bot.core.firm.verdict import render_focus, render_gaps, render_improve
from bot.core.firm.vocab import FirmVocab
from bot.core.followup import load_followups
from bot.core.types import Reply
from scoring.errors import ScoringError
from scoring.loader import load_rule_set
from scoring.model import PointsRuleSet

if TYPE_CHECKING:
    from bot.core.firm.desk import FirmDesk

__all__ = ["answer_followup", "firm_followup", "rewrite_firm_followup"]

_PUNCT = re.compile(r"[\s,，。.!！?？~～、;；:：…]+")
_SCORE = re.compile(r"\d+(?:\.\d+)?\s*分")
_CJK_WORD = re.compile(r"[\u4e00-\u9fff]{1,4}")
MAX_CORE = 6  # "到中等", "研发费用", "60分": an elliptical slot is short


async def answer_followup(desk: FirmDesk, record: FirmRecord, intent: FirmIntent, text: str) -> list[Reply]:
    """"差在哪" / "怎么提高" / "要到良好还差多少" / "研发人员还差多少" about the last result."""
    rule_set = intent.rule_set or record.context.last_check
    if desk.vocab.is_generic(intent.rule_set) and record.context.last_check:
        rule_set = record.context.last_check  # "我们的积分" after a check means that check's score
    if rule_set is None or not record.fields:
        return [Reply(text=desk.vocab.get("no_result"))]
    head: list[Reply] = []
    generic = desk.vocab.get("generic_check")
    if _points_grade(desk, text) and intent.rule_set is None and rule_set != generic:
        rule_set = generic  # "要到良好还差多少" after a 科小 check: only 积分 has grades, and says so
        head = [Reply(text=desk.vocab.get("grade_points_note"))]
    try:
        assessment, _ = await desk.assess(record.figures, rule_set)
    except FigureError as exc:
        return [Reply(text=desk.figure_error(exc))]
    focus = intent.focus or "gaps"
    if focus == "gaps":  # "要到良好还差多少": that grade, not the next one
        grade = render_grade_gap(assessment, text, desk.vocab)
        return [*head, Reply(text=render_gaps(assessment, desk.vocab, grade))]
    if focus == "improve":
        return [Reply(text=render_improve(assessment, desk.vocab))]
    return [Reply(text=render_focus(assessment, focus, desk.label(focus), desk.vocab))]


def rewrite_firm_followup(previous: str | None, text: str, vocab: FirmVocab,
                          lookup: Callable[[str], FieldSpec | None]) -> str | None:
    """The last firm question with the slot the message names swapped in, or None when it is not one:
    a grade or score after a grade question ("要到良好还差多少" + "那中等呢"), an input after an input
    question ("研发人员还差多少" + "那研发费用呢")."""
    if not previous:
        return None
    core = _core(text, vocab)
    if not core or len(core) > MAX_CORE:
        return None
    field_word = _field_word(previous, vocab, lookup)
    if lookup(core) is not None:  # "那研发费用呢": the input swapped, or put before "怎么提高"
        if field_word is None:
            return core + previous if _grade_slot(previous, vocab) is None else None
        return previous.replace(field_word, core, 1) if core != field_word else None
    grade = _grade_slot(previous, vocab)
    words = load_followups(tuple(w for w, _ in vocab.checks()))
    if grade is None or any(w in core for w in (*words.checks, *words.topics)) or words.places.find(core):
        return None  # "那杭州呢" / "那科小呢" are no grade
    if _SCORE.fullmatch(core) or (_CJK_WORD.fullmatch(core) and not any(ch.isdigit() for ch in core)):
        return previous[: grade[0]] + core + previous[grade[1]:]
    return None


def firm_followup(desk: FirmDesk, record: FirmRecord | None, text: str) -> str | None:
    """The whole firm question an elliptical message stands for ("那中等呢"), or None."""
    if record is None or (record.context.asked is None and record.context.last_check is None):
        return None
    intent = classify(text, desk.vocab)  # "还差多少" / "怎么提高" ask on their own; "那60分呢" reads no figure
    if intent is not None and (intent.kind != "whatif" or desk.read(text).accepted):
        return None
    if any(w in text for w in desk.texts.words("intent.question_words")):
        return None  # "那为什么呢" is no grade
    previous = record.context.asked or _grade_question(desk, record, text)
    return rewrite_firm_followup(previous, text, desk.vocab, desk.lookup)


def _grade_question(desk: FirmDesk, record: FirmRecord, text: str) -> str | None:
    """Right after a points result, "那到良好呢" names one of its grades: the gap to it is asked."""
    last = record.context.last_check
    try:
        rules = load_rule_set(last) if last is not None and desk.vocab.is_generic(last) else None
    except ScoringError:  # a zone's own file: no grade names to match
        return None
    if not isinstance(rules, PointsRuleSet):
        return None
    core = _core(text, desk.vocab)
    named = core in {label for _, label in rules.bands} or _SCORE.fullmatch(core) is not None
    return desk.vocab.get("grade_question") if named else None


def _points_grade(desk: FirmDesk, text: str) -> bool:
    """Whether the message names a grade of the points rule set ("良好"): only 积分 has grades."""
    try:
        rules = load_rule_set(desk.vocab.get("generic_check"))
    except ScoringError:
        return False
    return isinstance(rules, PointsRuleSet) and any(label in text for _, label in rules.bands)


def _core(text: str, vocab: FirmVocab) -> str:
    """"那到中等呢" -> "中等": lead words, grade leads ("到", "达到") and tails dropped."""
    words = load_followups(tuple(w for w, _ in vocab.checks()))
    leads = sorted((*words.leads, *vocab.words("grade_asks"), "要"), key=len, reverse=True)
    core = _PUNCT.sub("", text)
    for _ in range(4):
        before = core
        core = next((core[len(w):] for w in leads if core.startswith(w) and len(core) > len(w)), core)
        core = next((core[: -len(w)] for w in words.tails if core.endswith(w) and len(core) > len(w)), core)
        if core == before:
            break
    return core


def _grade_slot(previous: str, vocab: FirmVocab) -> tuple[int, int] | None:
    """Where the grade or score sits in "要到良好还差多少" / "到60分还差几分" (start, end), or None."""
    found = _SCORE.search(previous)
    if found is not None:
        return found.start(), found.end()
    pattern = "|".join(map(re.escape, sorted(vocab.words("grade_asks"), key=len, reverse=True)))
    found = re.search(rf"(?:{pattern})(\w{{1,4}}?)(?:档|级|等级|水平)?(?:还差|差)", previous)
    if found is None or any(found.group(1) in w for w in vocab.words("grade_not_names")):
        return None
    return found.start(1), found.end(1)


def _field_word(previous: str, vocab: FirmVocab, lookup: Callable[[str], FieldSpec | None]) -> str | None:
    """The input a question named ("研发人员还差多少" -> "研发人员"): a focus word, longest first."""
    words = sorted((w for ws in vocab.table("focus_fields").values() for w in ws), key=len, reverse=True)
    return next((w for w in words if w in previous and lookup(w) is not None), None)
