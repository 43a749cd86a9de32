"""Replies of the scoring dialogue (测算对话的回复): questions, choices, confirmation, echoes."""

from __future__ import annotations

from typing import Any

from bot.core.estimate.forms import FormSpec
from bot.core.estimate.port import FieldSpec, Figure, FigureError, ScoringPort
from bot.core.firm.records import none_value, record_labels, record_question
from bot.core.firm.vocab import FirmVocab
from bot.core.texts import Texts
from bot.core.types import Choice, Reply

__all__ = ["FormReplies", "changed_items", "format_value", "same_figure"]


def format_value(spec: FieldSpec | None, value: Any, texts: Texts) -> str:
    """A stored value as the user reads it: enum labels, 是/否, numbers without noise + unit."""
    if spec is not None and spec.kind == "bool":
        return texts.get("yes_label") if value else texts.get("no_label")
    if spec is not None and spec.kind == "enum":
        return dict(spec.choices).get(str(value), str(value))
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    number = f"{value:,.2f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value):,}"
    unit = spec.unit if spec is not None else ""
    return f"{number}{unit}" if unit == "%" else f"{number} {unit}".strip()  # '5%', '3,000 万元'


def same_figure(a: Figure, b: Figure) -> bool:
    """Equal as the user reads them: 350 and 350.0 are one figure, True and 1 are not."""
    numbers = all(isinstance(x, int | float) and not isinstance(x, bool) for x in (a, b))
    return float(a) == float(b) if numbers else (type(a) is type(b) and a == b)


def changed_items(
    scoring: ScoringPort, texts: Texts, figures: dict[str, Figure], before: dict[str, Figure] | None = None
) -> str:
    """"研发人员 12 人，上年度研发费用 350 万元 → 200 万元": each figure, with the one it replaces."""
    parts = []
    for name, value in figures.items():
        spec = scoring.field(name)
        label = spec.label if spec is not None else name
        shown = format_value(spec, value, texts)
        old = (before or {}).get(name)
        if old is not None and not same_figure(old, value):
            shown = f"{format_value(spec, old, texts)} → {shown}"
        parts.append(f"{label} {shown}")
    return "，".join(parts)


class FormReplies:
    """The dialogue's reply builders, over the same scoring port, texts and forms."""

    _scoring: ScoringPort
    _texts: Texts
    _forms: dict[str, FormSpec]
    _vocab: FirmVocab

    # --- replies -------------------------------------------------------------------------------

    def _understood(self, accepted: dict[str, Figure], before: dict[str, Figure] | None = None) -> str:
        """"已记录：…" — a figure replacing a different saved one shows both ("350 万元 → 200 万元")."""
        nones = self._record_nones(accepted)
        if len(nones) > 1 and len(nones) == len(accepted):  # "都没有": one short line, not five labels
            return self._vocab.get("records_none_saved", labels=record_labels(nones, self._vocab, self._label))
        return self._texts.get("understood", items=changed_items(self._scoring, self._texts, accepted, before))

    def _record_nones(self, figures: dict[str, Figure]) -> list[str]:
        """The record items (firm.yaml record_items) answered 没有 (否 / 0 次)."""
        return [n for n, v in figures.items()
                if self._vocab.lookup("record_items", n, "") and v == none_value(self._scoring.field(n))]

    def _items(self, figures: dict[str, Figure]) -> str:
        return "，".join(
            f"{self._label(n)} {format_value(self._scoring.field(n), v, self._texts)}" for n, v in figures.items()
        )

    def _warnings(self, figures: dict[str, Figure]) -> list[str]:
        """A typed ratio the other figures contradict (the CLI prints the same warning)."""
        try:
            return list(self._scoring.check(figures) or [])
        except FigureError:
            return []

    def _label(self, name: str) -> str:
        spec = self._scoring.field(name)
        return spec.label if spec is not None else name

    def _records_asked(self, names: list[str]) -> bool:
        """The form's veto/deduction items (firm.yaml record_items), asked as one yes/no question."""
        return len(names) > 1 and all(self._vocab.lookup("record_items", n, "") for n in names)

    def _ask_reply(self, names: list[str]) -> Reply:
        t = self._texts
        specs = [s for s in (self._scoring.field(n) for n in names) if s is not None]
        skip = Choice(t.get("skip_label"), "f:skip")
        done = Choice(t.get("done_label"), "f:done")
        if self._records_asked(names):
            none = Choice(self._vocab.get("records_none_label"), "f:none")
            return Reply(text=record_question(names, self._scoring, self._vocab), choices=((none, skip),))
        if len(specs) == 1 and specs[0].kind in ("enum", "bool"):
            spec = specs[0]
            if spec.kind == "bool":
                options = [Choice(t.get("yes_label"), f"f:set:{spec.name}:1"),
                           Choice(t.get("no_label"), f"f:set:{spec.name}:0")]
            else:
                options = [Choice(label, f"f:set:{spec.name}:{value}") for value, label in spec.choices]
            rows = tuple(tuple(options[i : i + 2]) for i in range(0, len(options), 2))
            return Reply(text=t.get("ask_choice", label=spec.label), choices=(*rows, (skip, done)))
        prompts = "、".join(
            t.get("field_prompt", label=s.label, unit=s.unit) if s.unit
            else t.get("field_prompt_plain", label=s.label)
            for s in specs
        )
        return Reply(text=t.get("ask_fields", fields=prompts), choices=((skip, done),))

    def _profile_prompt(self) -> Reply:
        t = self._texts
        return Reply(text=t.get("ask_profile"), choices=((Choice(t.get("skip_label"), "f:skip"),),))

    def _confirm_reply(self, state: Any) -> Reply:
        t = self._texts
        order = list(self._forms[state.rule_set].fields)
        order += [n for n in state.figures if n not in order]
        lines = [t.get("confirm_header")]
        shown = [n for n in order if n in state.figures]
        nones = self._record_nones({n: state.figures[n] for n in shown})
        nones = nones if len(nones) > 1 else []
        for name in (n for n in shown if n not in nones):
            spec = self._scoring.field(name)
            lines.append(f"· {self._label(name)}：{format_value(spec, state.figures[name], t)}")
        if nones:  # "· 失信名单…、经营异常名录：都没有", one line after the figures
            lines.append(self._vocab.get("records_none_line", labels=record_labels(nones, self._vocab, self._label)))
        if len(lines) == 1:
            lines.append(t.get("confirm_none"))
        if len(state.skipped) > 3:
            labels = "、".join(self._label(n) for n in state.skipped[:3])
            lines.append(t.get("skipped_many", fields=labels, count=len(state.skipped)))
        elif state.skipped:
            labels = "、".join(self._label(n) for n in state.skipped)
            lines.append(t.get("skipped", fields=labels))
        lines.append(t.get("confirm_hint"))
        row = (
            Choice(t.get("confirm_label"), "f:confirm"),
            Choice(t.get("edit_label"), "f:edit"),
            Choice(t.get("cancel_label"), "f:cancel"),
        )
        return Reply(text="\n".join(lines), choices=(row,))
