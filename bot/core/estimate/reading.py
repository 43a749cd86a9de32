"""Reading a form message's figures (测算对话读数): labelled figures, bare numbers answering the
question asked, units that cannot be right, fields said to be unknown, figures named back under another field."""

from __future__ import annotations

import re

from bot.core.estimate.figures import answer_parts, approx_note, plain_number, unit_problem
from bot.core.estimate.offers import named_back, twin_of_answer
from bot.core.estimate.parts import add_new_kinds
from bot.core.estimate.port import Figure, ParsedFigure, ParseOutcome
from bot.core.estimate.replies import FormReplies, format_value
from bot.core.estimate.state import FormState

__all__ = ["FormReading"]

_ASKING_TAIL = re.compile(r"(?:呢|吗|么|要填吗|要不要填|不用填吗|也要吗|需要吗)?[。.!！?？\s]*$")
_NUMERAL = re.compile(r"[0-9０-９零〇一二两三四五六七八九十百千万亿]")
_CALENDAR_YEAR = re.compile(r"(?:19|20)\d{2}年")  # '2024年3000万' answering 营业收入: the year decides


class FormReading(FormReplies):
    """Turns a message into accepted figures and notes for the state's current question."""

    def _approx_item(self, name: str, value: Figure) -> str:
        return f"{self._label(name)} 约 {format_value(self._scoring.field(name), value, self._texts)}"

    def _absorb(self, state: FormState, text: str) -> tuple[dict[str, Figure], list[str]]:
        """Figures in text (labelled, or bare numbers answering the question asked) + notes."""
        t = self._texts
        outcome = self._scoring.parse(text) if text.strip() else ParseOutcome()
        items = list(outcome.understood)
        problems = list(outcome.problems)
        if not items and state.asked and state.stage != "profile":
            items, problems = self._bare_numbers(state, text, problems)
        accepted: dict[str, Figure] = {}
        notes: list[str] = []
        for item in items:
            spec = self._scoring.field(item.field)
            if spec is None:
                continue
            note = unit_problem(spec, item, t)
            if note:
                notes.append(note)
            elif item.value is not None:  # unit_problem names every unusable figure
                accepted[item.field] = item.value
        notes += add_new_kinds(state.kinds, state.figures, items, accepted, t)
        approx = approx_note(items, accepted, t, self._approx_item)
        notes += [approx] if approx else []
        if problems:
            notes.append(t.get("not_understood", problems="；".join(problems)))
        asked_for = state.core or self._forms[state.rule_set].fields
        unknown = [n for n in outcome.unknown if n in asked_for and n not in state.figures and n not in accepted]
        state.skipped += [n for n in unknown if n not in state.skipped]  # "研发费用不清楚": skipped, never 0
        if unknown:
            notes.append(t.get("skipped", fields="、".join(self._label(n) for n in unknown)))
        for name in (n for n in outcome.unknown if n in state.figures and n not in accepted):
            value = format_value(self._scoring.field(name), state.figures[name], t)
            notes.append(t.get("unknown_kept", label=self._label(name), value=value))
        state.offer = self._offers(text, outcome, items, accepted)
        if state.offer:  # "是研发费用吗？": say what "是" records
            notes.append(t.get("offer_hint", items=self._items(state.offer)))
        return accepted, notes

    def _offers(self, text: str, outcome: ParseOutcome, items: list[ParsedFigure],
                accepted: dict[str, Figure]) -> dict[str, Figure]:
        """Figures named back under their twin field ("研发人员3000万" -> 研发费用 3000万), not given too."""
        offers = named_back(self._scoring, text, outcome)
        for item in items:
            if item.field not in accepted:  # "3000万" answering 研发人员
                offers.update(twin_of_answer(self._scoring, item.field, item.raw))
        given = {i.field for i in items} | set(accepted)
        return {k: v for k, v in offers.items() if k not in given}

    def _field_named(self, text: str) -> tuple[str, str] | None:
        """"研发费用呢" / "职工总数？": a message that only names a field: (label, unit), else None."""
        core = _ASKING_TAIL.sub("", text.strip())
        spec = self._scoring.lookup(core) if 2 <= len(core) <= 12 else None
        return (spec.label, spec.unit) if spec is not None and spec.kind not in ("enum", "bool") else None

    def _bare_numbers(
        self, state: FormState, text: str, problems: list[str]
    ) -> tuple[list[ParsedFigure], list[str]]:
        """"3000万" or "3000 2800" answering the fields just asked, in order."""
        targets = [n for n in state.asked if n not in state.figures]
        parts = [p for p in answer_parts(text) if _NUMERAL.search(p)]  # "3000万，谢谢": the courtesy is no answer
        if not targets or not parts or len(parts) > len(targets):
            return [], problems
        found: list[ParsedFigure] = []
        for name, part in zip(targets, parts, strict=False):
            spec = self._scoring.field(name)
            if spec is None:
                return [], problems
            item = plain_number(spec, part)  # '成本1000万' is not a bare answer: never taken as the asked field
            dated = part.startswith(self._texts.words("intent.year_words")) or _CALENDAR_YEAR.match(part)
            if item is None and dated:
                labelled = self._scoring.parse(f"{spec.label}{part}")  # '去年3000万' answering 前一年: the year decides
                item = labelled.understood[0] if len(labelled.understood) == 1 else None
            if item is None:
                return [], problems
            found.append(item)
        return found, []
