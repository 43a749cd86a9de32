"""Scoring for the pages and the API: one firm's figures (with inline field errors) and uploads."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import scoring
from bot.channels.web.config import text
from bot.channels.web.guard import WebError
from bot.core.estimate.batch import MAX_UNZIPPED_BYTES, MAX_UPLOAD_ROWS
from bot.core.estimate.rule_sets import UPLOAD_SUFFIXES

__all__ = [
    "TABLE_SUFFIXES",
    "BatchRun",
    "Scored",
    "check_upload",
    "run_batch",
    "score_firm",
]

log = logging.getLogger(__name__)

TABLE_SUFFIXES = UPLOAD_SUFFIXES  # the same table types as the chat channels (rule_sets.yaml)
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0"  # Excel 97–2003 .xls, and an .xlsx locked with a password (named back when read)
_ZIPPED = (".xlsx", ".xlsm", ".docx")
_WORKBOOKS = (".xlsx", ".xlsm", ".xls")
_BINARY_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"%PDF", b"BM", b"RIFF", b"\x00\x00\x01\x00")


@dataclass(frozen=True)
class Scored:
    """A result with what was read from free text (for the API's `understood`)."""

    result: scoring.ScoreResult | scoring.TechSmeResult | scoring.HighTechResult
    understood: list[dict[str, Any]] | None = None


def _field_errors(figures: Mapping[str, object]) -> dict[str, str]:
    """Every field's own problem (unknown, not a number, out of range), not just the first."""
    errors: dict[str, str] = {}
    for name, value in figures.items():
        if name not in scoring.FIELDS:
            errors[name] = text("errors.unknown_field", field=name)
            continue
        try:
            scoring.validate({name: value})
        except scoring.InputError as exc:
            errors[name] = exc.message
    return errors


def score_firm(
    figures: Mapping[str, object],
    rule_set: str,
    rule_dirs: Sequence[Path] = (),
    *,
    free_text: str | None = None,
) -> Scored:
    """Score one firm; WebError 422 names each bad field in Chinese (`fields`)."""
    if rule_set not in scoring.available_rule_sets(rule_dirs):
        raise WebError(404, text("errors.unknown_rule_set", rule_set=rule_set[:40]))
    values = {k: v for k, v in figures.items() if v not in (None, "")}
    understood = None
    if free_text:
        parsed = scoring.parse_figures(free_text)
        if parsed.problems:
            raise WebError(422, "以下数据没能识别：" + "；".join(parsed.problems))
        understood = [
            {"field": i.field, "label": i.label, "value": i.value, "raw": i.raw}
            for i in parsed.understood
        ]
        values = {**parsed.values, **values}
    if not values:
        raise WebError(422, text("errors.no_figures"))
    errors = _field_errors(values)
    if errors:
        raise WebError(422, next(iter(errors.values())), fields=errors)
    try:
        result = scoring.score(values, rule_set, extra_dirs=rule_dirs)
    except scoring.InputError as exc:
        fields = {exc.field: exc.message} if exc.field else {}
        raise WebError(422, exc.message, fields=fields) from None
    except scoring.ScoringError as exc:
        raise WebError(422, exc.message) from None
    return Scored(result, understood)


def check_upload(
    name: str,
    data: bytes,
    suffixes: Sequence[str] = TABLE_SUFFIXES,
    wrong_type: str = "errors.table_type",
) -> str:
    """The upload's (lower-case) suffix after checking its content matches it; WebError 415 if not."""
    suffix = Path(name).suffix.lower()
    if suffix not in suffixes:
        raise WebError(415, text(wrong_type))
    if not data:
        raise WebError(400, text("errors.no_file"))
    head = data[:8]
    if suffix in _WORKBOOKS and head.startswith((_ZIP, _OLE)):
        pass
    elif suffix in _ZIPPED:
        if not head.startswith(_ZIP):
            raise WebError(415, text("errors.file_mismatch"))
    elif suffix == ".pdf":
        if not head.startswith(b"%PDF"):
            raise WebError(415, text("errors.file_mismatch"))
    elif head.startswith((_ZIP, *_BINARY_MAGIC)) or b"\x00" in data[:4096]:
        raise WebError(415, text("errors.file_mismatch"))
    if head.startswith(_ZIP):
        _refuse_zip_bomb(data)
    return suffix


def _refuse_zip_bomb(data: bytes) -> None:
    """An .xlsx/.docx is a zip: refuse one whose parts unzip past the limit, before opening it."""
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unzipped = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise WebError(422, text("errors.file_unreadable")) from None
    if unzipped > MAX_UNZIPPED_BYTES:
        raise WebError(413, text("errors.unzipped_too_large"))


@dataclass(frozen=True)
class BatchRun:
    """A scored upload: the ranked rows for the page, row errors and the workbook."""

    rule_set: str
    columns: list[str]
    rows: list[list[object]]
    errors: list[tuple[int, str]]
    workbook: bytes
    name_column: str | None = None  # the column the library read as the firm's name
    to_check: int = 0  # lines of the workbook's 需核对 sheet
    notes: tuple[str, ...] = ()  # which sheet of a workbook was read, when it had several


def _cell(value: object) -> object:
    """A table cell as JSON: numbers rounded, NaN / NA as empty."""
    import pandas as pd

    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float):
        return None if value != value else round(value, 2)
    if value is None or isinstance(value, int | str | bool):
        return value
    if hasattr(value, "item"):  # numpy scalars
        return _cell(value.item())
    return str(value)


def run_batch(
    data: bytes, suffix: str, rule_set: str, upload_dir: Path, rule_dirs: Sequence[Path] = ()
) -> BatchRun:
    """Score an uploaded table in a private file under upload_dir (never the user's file name)."""
    if rule_set not in scoring.available_rule_sets(rule_dirs):
        raise WebError(404, text("errors.unknown_rule_set", rule_set=rule_set[:40]))
    upload_dir.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(8)
    source = upload_dir / f"batch-{token}{suffix}"
    target = upload_dir / f"batch-{token}-result.xlsx"
    try:
        source.write_bytes(data)
        try:
            result = scoring.score_table(
                source, rule_set, extra_dirs=rule_dirs, max_rows=MAX_UPLOAD_ROWS
            )
            result.write(target)
        except scoring.ScoringError as exc:
            raise WebError(422, exc.message) from None
        except Exception as exc:  # a corrupt upload (bad zip, broken XML …) is the user's file
            log.warning("uploaded table unreadable: %s", type(exc).__name__)
            raise WebError(422, text("errors.file_unreadable")) from None
        workbook = target.read_bytes()
    finally:
        source.unlink(missing_ok=True)
        target.unlink(missing_ok=True)
    table = result.table
    return BatchRun(
        rule_set=rule_set,
        columns=[str(c) for c in table.columns],
        rows=[[_cell(v) for v in row] for row in table.itertuples(index=False, name=None)],
        errors=[(e.row, e.message) for e in result.errors],
        workbook=workbook,
        name_column=result.report.name_column,
        to_check=len(result.checks()),
        notes=tuple(result.report.sheets),
    )
