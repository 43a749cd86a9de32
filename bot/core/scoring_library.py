"""ScoringPort over the real `scoring` package: its field specs, parser, validation, engine, chart."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import scoring
from bot.core.scoring_port import (
    FieldKind,
    FieldSpec,
    FigureError,
    ParsedFigure,
    ParseOutcome,
    ScoreOutcome,
)

__all__ = ["LibraryScoring"]


class LibraryScoring:
    """Adapts the scoring library's API and errors to what the core needs."""

    def __init__(self, extra_rule_dirs: Sequence[Path] = ()) -> None:
        self._extra = tuple(extra_rule_dirs)
        self._specs: dict[str, FieldSpec] = {}

    def field(self, name: str) -> FieldSpec | None:
        if name not in self._specs:
            spec = scoring.FIELDS.get(name)
            if spec is None:
                return None
            self._specs[name] = FieldSpec(
                name=name,
                label=str(spec.label),
                unit=str(spec.unit or ""),
                kind=_kind(str(spec.kind), str(spec.unit or "")),
                choices=tuple((str(k), str(v)) for k, v in dict(spec.choices or {}).items()),
            )
        return self._specs[name]

    def parse(self, text: str) -> ParseOutcome:
        try:
            parsed = scoring.parse_figures(text)
        except scoring.ScoringError:
            return ParseOutcome()
        understood = [
            ParsedFigure(field=i.field, label=i.label, value=i.value, raw=i.raw)
            for i in parsed.understood
        ]
        return ParseOutcome(understood=understood, problems=list(parsed.problems))

    def check(self, figures: dict[str, Any]) -> None:
        try:
            scoring.validate(figures)
        except scoring.InputError as exc:
            raise FigureError(exc.message) from None

    def evaluate(self, figures: dict[str, Any], rule_set: str, *, chart: bool) -> ScoreOutcome:
        try:
            result = scoring.score(figures, rule_set=rule_set, extra_dirs=self._extra)
        except scoring.InputError as exc:
            raise FigureError(exc.message) from None
        png = scoring.render_chart(result) if chart else None
        return ScoreOutcome(result=result.to_dict(), chart_png=png)


def _kind(kind: str, unit: str) -> FieldKind:
    """The library's kinds (money/count/percent/enum/bool/number) in the core's finer terms."""
    if kind == "count":
        return "persons" if unit == "人" else "count"
    if kind == "number":
        return "years" if unit == "年" else "number"
    if kind in ("money", "percent", "enum", "bool"):
        return kind  # type: ignore[return-value]
    return "number"
