"""What the core needs from the scoring library (评分), as a small Protocol with its own types."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, Protocol

from bot.core.estimate.batch import BatchOutcome
from scoring.assessment import Assessment
from scoring.fields import Value
from scoring.results import HighTechResult, ScoreResult, TechSmeResult

__all__ = [
    "FieldKind",
    "FieldSpec",
    "Figure",
    "FigureError",
    "ParseOutcome",
    "ParsedFigure",
    "Result",
    "ScoreOutcome",
    "ScoringPort",
]

Figure = Value
"""A field value as the engine takes it: number (万元, persons, %), yes/no or an enum key."""
Result = ScoreResult | TechSmeResult | HighTechResult  # one per rule kind; renderers `match` on it
FieldKind = Literal["money", "persons", "count", "percent", "years", "number", "enum", "bool"]


@dataclass(frozen=True)
class FieldSpec:
    """One input field: its Chinese label, unit and (for enums) the choices (value, 中文)."""

    name: str
    label: str
    unit: str
    kind: FieldKind
    choices: tuple[tuple[str, str], ...] = ()
    twin: str = ""  # the same subject's field in the other unit, as typed ("研发费用" for 研发人员)


@dataclass(frozen=True)
class ParsedFigure:
    """A figure the parser understood in the user's text."""

    field: str
    label: str
    value: Figure | None  # None: one figure, but unusable as written (the core names why)
    raw: str
    approx: bool = False  # said as approximate ('约3000万'): recorded as said, echoed with 约


@dataclass(frozen=True)
class ParseOutcome:
    """What a free-text message yielded: understood figures and problems named in Chinese."""

    understood: list[ParsedFigure] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)  # fields named with an unusable figure
    unknown: list[str] = field(default_factory=list)  # fields said to be not known: skipped, never 0


@dataclass(frozen=True)
class ScoreOutcome:
    """The typed result with where the firm stands against it, plus the chart when asked."""

    assessment: Assessment
    chart_png: bytes | None = None

    @property
    def result(self) -> Result:
        """The result of the rule set's kind (points, tech-SME or high-tech)."""
        return self.assessment.result


class FigureError(Exception):
    """Figures that cannot be scored; the message is a user-facing Chinese sentence."""

    def __init__(self, message: str) -> None:
        text = message.strip()
        if text and text[-1] not in "。！？.!?":
            text += "。"  # library messages may lack the full stop the next sentence needs
        super().__init__(text)


class ScoringPort(Protocol):
    """Parse, check and score figures; implemented over the `scoring` package."""

    def field(self, name: str) -> FieldSpec | None:
        """The spec of an input field, or None if the engine does not know it."""
        ...

    def prepare(self) -> None:
        """A dialogue has started: get ready to score soon (e.g. start chart workers)."""
        ...

    def close(self) -> None:
        """Stop what prepare started (worker processes) and wait until it has (blocking)."""
        ...

    def parse(self, text: str) -> ParseOutcome:
        """Figures found in free Chinese text."""
        ...

    def check(self, figures: Mapping[str, Figure]) -> list[str]:
        """Raise FigureError when the figures contradict each other or break a rule; else warnings
        (a typed ratio that the figures contradict)."""
        ...

    def lookup(self, word: str) -> FieldSpec | None:
        """The field a Chinese label or alias names ("营收", "资质"), or None."""
        ...

    def kind(self, rule_set: str) -> str:
        """The kind of a rule set (points / tech_sme / high_tech); FigureError when unknown."""
        ...

    def assess(self, figures: Mapping[str, Figure], rule_set: str) -> Assessment:
        """Score without a chart and say what it takes to pass each condition (FigureError)."""
        ...

    def evaluate(self, figures: Mapping[str, Figure], rule_set: str, *, chart: bool) -> ScoreOutcome:
        """Score with the rule set (raises FigureError on invalid input)."""
        ...

    def chart(self, figures: Mapping[str, Figure], rule_set: str) -> bytes:
        """The PNG chart of these figures' result, drawn apart from the text (FigureError if invalid)."""
        ...

    def score_table(self, data: bytes, file_name: str, rule_set: str) -> BatchOutcome:
        """Batch-score an uploaded CSV/XLSX (FigureError when it cannot be read at all)."""
        ...
