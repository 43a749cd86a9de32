"""Exception family of the scoring library, so callers can turn each into a Chinese reply."""

from __future__ import annotations

__all__ = ["InputError", "ParseError", "RuleSetError", "ScoringError"]


class ScoringError(Exception):
    """Base class: every error this library raises on purpose."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InputError(ScoringError):
    """Figures that cannot be scored; ``field`` is the field name, ``message`` names it in Chinese."""

    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(message)
        self.field = field


class RuleSetError(ScoringError):
    """A rule set that is unknown or malformed; the message names the file and the problem."""


class ParseError(ScoringError):
    """Text that is not figures at all (the parser otherwise reports problems, it does not raise)."""
