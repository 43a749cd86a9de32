"""Batch scoring of an uploaded table (批量测算) for zone administrators: a file in, ranked XLSX out."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.core.texts import Texts
from bot.core.types import Reply
from scoring.fields import Value

__all__ = [
    "MAX_UNZIPPED_BYTES",
    "MAX_UPLOAD_BYTES",
    "MAX_UPLOAD_ROWS",
    "BatchOutcome",
    "render_batch",
]

MAX_LISTED_COLUMNS = 5
MAX_LISTED_ROWS = 3
# Uploads in chat: a park's list of firms fits easily; a 180k-row CSV took 55 s and 1.7 GB.
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_UPLOAD_ROWS = 5000
MAX_UNZIPPED_BYTES = 64 * 1024 * 1024  # an .xlsx is a zip: refuse a bomb before opening it


@dataclass(frozen=True)
class BatchOutcome:
    """Counts, per-row errors (spreadsheet row, Chinese reason), what was left out, the workbook."""

    rule_set: str
    rows: int
    errors: list[tuple[int, str]] = field(default_factory=list)
    document: bytes = b""
    document_name: str = "评分结果.xlsx"
    skipped: tuple[tuple[str, int], ...] = ()  # (reason, rows) for rows that are not firms
    ignored: tuple[str, ...] = ()  # columns not used for any figure
    firm: dict[str, Value] | None = None  # the figures of a one-row table (a manager's own firm)
    to_check: int = 0  # lines of the workbook's 需核对 sheet
    notes: tuple[str, ...] = ()  # which sheet of a workbook was read, when it had several

    @property
    def scored(self) -> int:
        """Rows that got a result."""
        return self.rows - len(self.errors)


def render_batch(outcome: BatchOutcome, texts: Texts, rule: str) -> Reply:
    """Three lines (scored, skipped, columns ignored) and the note; the workbook goes as a document.

    rule: the rule set's name ("创新积分参考模型")."""
    rows = "、".join(str(row) for row, _ in outcome.errors[:MAX_LISTED_ROWS])
    where = texts.get("batch_error_rows", rows=rows + ("…" if len(outcome.errors) > MAX_LISTED_ROWS else ""))
    lines = [texts.get("batch_done", rule=rule, scored=outcome.scored, failed=len(outcome.errors),
                       where=where if outcome.errors else "")]
    if outcome.skipped:
        reasons = "、".join(f"{reason} {count} 行" for reason, count in outcome.skipped)
        lines.append(texts.get("batch_skipped", count=sum(c for _, c in outcome.skipped), reasons=reasons))
    else:
        lines.append(texts.get("batch_skipped_none"))
    if outcome.ignored:
        shown = "、".join(f"“{c}”" for c in outcome.ignored[:MAX_LISTED_COLUMNS])
        more = f"等 {len(outcome.ignored)} 列" if len(outcome.ignored) > MAX_LISTED_COLUMNS else ""
        lines.append(texts.get("batch_ignored", columns=shown + more))
    else:
        lines.append(texts.get("batch_ignored_none"))
    if outcome.to_check:
        lines.append(texts.get("batch_to_check", count=outcome.to_check))
    lines.extend(outcome.notes)
    lines.append(texts.get("batch_disclaimer"))
    return Reply(
        text="\n".join(lines), document=outcome.document, document_name=outcome.document_name
    )
