"""Scoring for the command line (`innobot score|score-batch|score-rules`): the library behind settings.

The CLI prints what these return; the result and error types it handles come from here, so it
never imports the scoring library itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import scoring
from bot.settings import Settings
from scoring import ParsedFigures, RuleSet, RuleSetError, ScoringError
from scoring import Result as ScoreOutcome

if TYPE_CHECKING:
    from scoring.batch import BatchResult

__all__ = [
    "BatchResult",
    "ParsedFigures",
    "RuleSetCheck",
    "RuleSetError",
    "ScoreOutcome",
    "ScoringError",
    "check_rule_sets",
    "read_figures",
    "score_figures",
    "score_table_file",
    "scoring_rule_dirs",
    "summarize",
    "write_chart",
]


@dataclass(frozen=True)
class RuleSetCheck:
    """One rule set found on disk: loaded, or the Chinese message saying what is wrong with it."""

    id: str
    rule_set: RuleSet | None
    problem: str | None = None


def scoring_rule_dirs(settings: Settings) -> tuple[Path, ...]:
    """Extra rule-set directories (a zone's own rule files, INNOBOT_RULES_DIR)."""
    return (settings.rules_dir,) if settings.rules_dir else ()


def read_figures(text: str) -> ParsedFigures:
    """Figures named in a Chinese description ('营收1.2亿，研发投入800万'), units resolved."""
    return scoring.parse_figures(text)


def score_figures(
    settings: Settings, figures: Mapping[str, object], rule_set: str | None = None
) -> ScoreOutcome:
    """Score one firm by a rule set (INNOBOT_DEFAULT_RULE_SET when none is named)."""
    chosen = rule_set or settings.default_rule_set
    return scoring.score(figures, chosen, extra_dirs=scoring_rule_dirs(settings))


def write_chart(result: ScoreOutcome, path: Path) -> None:
    """Draw the result's chart into a PNG file."""
    path.write_bytes(scoring.render_chart(result))


def summarize(result: ScoreOutcome) -> str:
    """The few lines a manager reads at a glance."""
    return scoring.summarize(result)


def score_table_file(
    settings: Settings, path: Path, rule_set: str | None = None, *, year: int | None = None
) -> BatchResult:
    """Batch-score a spreadsheet of firms (one a row) and rank them within their stages."""
    chosen = rule_set or settings.default_rule_set
    return scoring.score_table(
        path, chosen, extra_dirs=scoring_rule_dirs(settings), data_year=year
    )


def check_rule_sets(settings: Settings) -> list[RuleSetCheck]:
    """Every rule set (built-in and the zone's), each loaded to check its file."""
    dirs = scoring_rule_dirs(settings)
    checks: list[RuleSetCheck] = []
    for rule_id in scoring.available_rule_sets(dirs):
        try:
            checks.append(RuleSetCheck(rule_id, scoring.load_rule_set(rule_id, dirs)))
        except RuleSetError as exc:
            checks.append(RuleSetCheck(rule_id, None, exc.message))
    return checks
