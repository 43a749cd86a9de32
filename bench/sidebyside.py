"""A bench's figures next to the earlier ones: before, today, the ratio, the target, the load."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

__all__ = ["Comparison", "load_average"]


def load_average() -> str:
    """The 1- and 5-minute load averages (a shared machine stretches wall-clock figures)."""
    one, five, _ = os.getloadavg()
    return f"{one:.1f}/{five:.1f}"


@dataclass
class Comparison:
    """Rows of (figure, before, today, target); printed as one table at the end of a run."""

    title: str
    rows: list[tuple[str, str, str, str, str, str]] = field(default_factory=list)

    def add(
        self, name: str, today: float, before: float | None, unit: str = "ms",
        target: float | None = None, higher_is_better: bool = False,
    ) -> None:
        """One figure; the ratio is today ÷ before, the verdict compares today with the target."""
        ratio = f"{today / before:.2f}×" if before else "—"
        if target is None:
            verdict = ""
        else:
            met = today >= target if higher_is_better else today <= target
            verdict = f"{'≥' if higher_is_better else '≤'}{_fmt(target, unit)} {'MET' if met else 'MISSED'}"
        self.rows.append((name, _fmt(before, unit), _fmt(today, unit), ratio, verdict, load_average()))

    def render(self) -> str:
        """A fixed-width table (plain text: the bench prints to a terminal or a log)."""
        head = ("figure", "before", "today", "ratio", "target", "load 1/5m")
        rows = [head, *self.rows]
        widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
        lines = [f"== {self.title} =="]
        for r in rows:
            lines.append("  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip())
        return "\n".join(lines)


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "ms" and value >= 1000:
        return f"{value / 1000:.2f} s"
    if unit == "×":
        return f"{value:.2f}"
    return f"{value:.0f} {unit}" if value >= 10 else f"{value:.1f} {unit}"
