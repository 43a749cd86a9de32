"""ScoringPort over the real `scoring` package: its field specs, parser, validation, engine, chart."""

from __future__ import annotations

import logging
import re
import signal
import tempfile
import threading
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import scoring
from bot.core.batch import MAX_UNZIPPED_BYTES, MAX_UPLOAD_ROWS, TABLE_SUFFIXES, BatchOutcome
from bot.core.scoring_port import (
    FieldKind,
    FieldSpec,
    FigureError,
    ParsedFigure,
    ParseOutcome,
    ScoreOutcome,
)
from scoring.assessment import Assessment

__all__ = ["LibraryScoring"]

log = logging.getLogger(__name__)


class LibraryScoring:
    """Adapts the scoring library's API and errors to what the core needs."""

    def __init__(self, extra_rule_dirs: Sequence[Path] = (), *, chart_workers: int = 0) -> None:
        """chart_workers > 0 renders charts in that many worker processes (off this GIL)."""
        self._extra = tuple(extra_rule_dirs)
        self._specs: dict[str, FieldSpec] = {}
        self._chart_workers = chart_workers
        self._charts: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def prepare(self) -> None:
        """Start the chart workers (once) and warm them while the user is still typing figures."""
        if self._chart_workers <= 0:
            return
        with self._lock:
            if self._charts is None:
                self._charts = ProcessPoolExecutor(
                    self._chart_workers, mp_context=get_context("spawn"),
                    initializer=_chart_worker_init,
                )
                self._charts.submit(_warm_up)  # import matplotlib and load the font

    def close(self) -> None:
        """Stop the chart workers, if any."""
        with self._lock:
            if self._charts is not None:
                self._charts.shutdown(wait=False, cancel_futures=True)
            self._charts, self._chart_workers = None, 0

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
        return ParseOutcome(
            understood=understood, problems=list(parsed.problems), rejected=list(parsed.rejected)
        )

    def check(self, figures: dict[str, Any]) -> list[str]:
        try:
            _, warnings = scoring.prepare(figures)
        except scoring.InputError as exc:
            raise FigureError(exc.message) from None
        return warnings

    def lookup(self, word: str) -> FieldSpec | None:
        spec = scoring.field_spec(word.strip())
        return None if spec is None or spec.derived and not spec.aliases else self.field(spec.name)

    def assess(self, figures: dict[str, Any], rule_set: str) -> Assessment:
        try:
            return scoring.assess(figures, rule_set, extra_dirs=self._extra)
        except scoring.InputError as exc:
            raise FigureError(exc.message) from None

    def evaluate(self, figures: dict[str, Any], rule_set: str, *, chart: bool) -> ScoreOutcome:
        assessment = self.assess(figures, rule_set)
        result = assessment.result
        png = self._chart(result) if chart else None
        return ScoreOutcome(result=result.to_dict(), chart_png=png, assessment=assessment)

    def score_table(self, data: bytes, file_name: str, rule_set: str) -> BatchOutcome:
        suffix = Path(file_name).suffix.lower()
        if suffix not in TABLE_SUFFIXES:
            raise FigureError("只支持 CSV 或 XLSX 表格。")
        stem = Path(file_name).stem[:40] or "企业"
        if suffix != ".csv":
            _check_unzipped(data)
        with tempfile.TemporaryDirectory(prefix="innobot-batch-") as tmp:
            source = Path(tmp) / f"{_safe_name(stem)}{suffix}"  # errors name the user's file
            source.write_bytes(data)
            try:
                result = scoring.score_table(
                    source, rule_set, extra_dirs=self._extra, max_rows=MAX_UPLOAD_ROWS
                )
                target = Path(tmp) / "result.xlsx"
                result.write(target)
                document = target.read_bytes()
            except scoring.ScoringError as exc:
                raise FigureError(exc.message) from None
            except Exception as exc:  # a corrupt upload (bad zip, broken XML …) is the user's file
                log.warning("uploaded table unreadable: %s", type(exc).__name__)
                raise FigureError("文件已损坏或格式不对，请另存为 CSV 或 XLSX 后重试。") from None
        skipped: dict[str, int] = {}
        for _row, reason in result.report.skipped:
            skipped[reason] = skipped.get(reason, 0) + 1
        return BatchOutcome(
            rule_set=rule_set,
            rows=len(result.table),
            errors=[(e.row, e.message) for e in result.errors],
            document=document,
            document_name=f"评分结果_{stem}.xlsx",
            skipped=tuple(skipped.items()),
            ignored=tuple(result.report.ignored),
        )

    def _chart(self, result: Any) -> bytes:
        self.prepare()
        pool = self._charts
        if pool is not None:
            try:
                return pool.submit(scoring.render_chart, result).result()
            except (BrokenProcessPool, RuntimeError, OSError) as exc:  # a dead worker: draw here
                log.warning("chart worker failed (%s); rendering in-process", type(exc).__name__)
                self._charts, self._chart_workers = None, 0
        return scoring.render_chart(result)


def _chart_worker_init() -> None:
    """Workers leave Ctrl-C to the parent, so an interrupted chat exits without worker noise."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _warm_up() -> None:
    scoring.render_chart(scoring.score({"revenue": 1000}))


def _kind(kind: str, unit: str) -> FieldKind:
    """The library's kinds (money/count/percent/enum/bool/number) in the core's finer terms."""
    if kind == "count":
        return "persons" if unit == "人" else "count"
    if kind == "number":
        return "years" if unit == "年" else "number"
    if kind in ("money", "percent", "enum", "bool"):
        return kind  # type: ignore[return-value]
    return "number"


def _check_unzipped(data: bytes) -> None:
    """An .xlsx whose parts unzip past the limit is refused before openpyxl opens it."""
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            total = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise FigureError("文件已损坏或格式不对，请另存为 CSV 或 XLSX 后重试。") from None
    if total > MAX_UNZIPPED_BYTES:
        raise FigureError("表格文件解压后过大，请另存为 CSV 或删去无关工作表后重试。")


def _safe_name(stem: str) -> str:
    """The uploaded file's name, safe as a file name in the temporary directory."""
    return re.sub(r"[^\w.-]", "_", stem).strip(".") or "表格"
