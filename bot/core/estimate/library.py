"""ScoringPort over the real `scoring` package: its field specs, parser, validation, engine, chart."""

from __future__ import annotations

import logging
import re
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

import scoring
from bot.core.estimate.batch import (
    MAX_UNZIPPED_BYTES,
    MAX_UPLOAD_ROWS,
    BatchOutcome,
)
from bot.core.estimate.port import (
    FieldKind,
    FieldSpec,
    Figure,
    FigureError,
    ParsedFigure,
    ParseOutcome,
    Result,
    ScoreOutcome,
)
from bot.core.estimate.rule_sets import UPLOAD_SUFFIXES
from bot.core.ports import Clock, SystemClock
from bot.core.workers import WorkerProcesses
from scoring.assessment import Assessment
from scoring.batch_size import refuse_large

__all__ = ["LibraryScoring"]

log = logging.getLogger(__name__)


class LibraryScoring:
    """Adapts the scoring library's API and errors to what the core needs."""

    def __init__(
        self, extra_rule_dirs: Sequence[Path] = (), *, chart_workers: int = 0, table_workers: int = 0,
        clock: Clock | None = None,
    ) -> None:
        """chart_workers / table_workers > 0 draw charts / score uploaded tables in that many
        worker processes (off this GIL); 0 does the work in the calling thread. The clock says
        which calendar year is 上年度 ('2025年营收' on 2026-11-28)."""
        self._extra = tuple(extra_rule_dirs)
        self._clock = clock or SystemClock()
        self._specs: dict[str, FieldSpec] = {}
        self._charts = WorkerProcesses(chart_workers, "chart", warm_up=_warm_up)
        # an upload of thousands of rows runs at low priority: questions keep their CPU share
        self._tables = WorkerProcesses(table_workers, "table", nice=10)

    @property
    def _chart_workers(self) -> int:
        return self._charts.size

    def prepare(self) -> None:
        """Start the chart workers (once) and warm them while the user is still typing figures."""
        self._charts.start()

    def close(self) -> None:
        """Stop the worker processes, if any, and wait until they have exited."""
        self._charts.close()
        self._tables.close()

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
                twin=scoring.FIELDS[spec.twin].short_label if spec.twin else "",
            )
        return self._specs[name]

    def parse(self, text: str) -> ParseOutcome:
        try:
            parsed = scoring.parse_figures(text, data_year=self._data_year())
        except scoring.ScoringError:
            return ParseOutcome()
        understood = [
            ParsedFigure(field=i.field, label=i.label, value=i.value, raw=i.raw, approx=i.approx)
            for i in parsed.understood
        ]
        return ParseOutcome(
            understood=understood, problems=list(parsed.problems), rejected=list(parsed.rejected),
            unknown=list(parsed.unknown),
        )

    def _data_year(self) -> int:
        """The last full fiscal year (上年度): the calendar year before the clock's."""
        return self._clock.now().year - 1

    def check(self, figures: Mapping[str, Figure]) -> list[str]:
        try:
            _, warnings = scoring.prepare(figures)
        except scoring.InputError as exc:
            raise FigureError(exc.message) from None
        return warnings

    def lookup(self, word: str) -> FieldSpec | None:
        spec = scoring.field_spec(word.strip())
        return None if spec is None or (spec.derived and not spec.aliases) else self.field(spec.name)

    def kind(self, rule_set: str) -> str:
        try:
            return scoring.load_rule_set(rule_set, self._extra).kind
        except scoring.ScoringError as exc:
            raise FigureError(exc.message) from None

    def assess(self, figures: Mapping[str, Figure], rule_set: str) -> Assessment:
        try:
            return scoring.assess(figures, rule_set, extra_dirs=self._extra)
        except scoring.InputError as exc:
            raise FigureError(exc.message) from None

    def evaluate(self, figures: Mapping[str, Figure], rule_set: str, *, chart: bool) -> ScoreOutcome:
        assessment = self.assess(figures, rule_set)
        png = self._chart(assessment.result) if chart else None
        return ScoreOutcome(assessment=assessment, chart_png=png)

    def chart(self, figures: Mapping[str, Figure], rule_set: str) -> bytes:
        return self._chart(self.assess(figures, rule_set).result)

    def score_table(self, data: bytes, file_name: str, rule_set: str) -> BatchOutcome:
        suffix = Path(file_name).suffix.lower()
        if suffix not in UPLOAD_SUFFIXES:
            raise FigureError("只支持 CSV、XLSX 或 XLS 表格。")
        stem = Path(file_name).stem[:40] or "企业"
        if data.startswith(b"PK"):  # an .xls may be Excel 97–2003 or text; a locked .xlsx is not a zip
            _check_unzipped(data)
        try:  # counted here, in milliseconds: a sheet over the limit never waits for a worker
            refuse_large(data, suffix, MAX_UPLOAD_ROWS)
        except scoring.ScoringError as exc:
            raise FigureError(exc.message) from None
        return self._tables.run(_score_table, data, suffix, stem, rule_set, self._extra)

    def _chart(self, result: Result) -> bytes:
        return self._charts.run(scoring.render_chart, result)


def _score_table(
    data: bytes, suffix: str, stem: str, rule_set: str, extra: tuple[Path, ...]
) -> BatchOutcome:
    """Score an uploaded table (runs in a worker process when there are table workers)."""
    with tempfile.TemporaryDirectory(prefix="innobot-batch-") as tmp:
        source = Path(tmp) / f"{_safe_name(stem)}{suffix}"  # errors name the user's file
        source.write_bytes(data)
        try:
            result = scoring.score_table(
                source, rule_set, extra_dirs=extra, max_rows=MAX_UPLOAD_ROWS
            )
            from scoring.sheet import read_firm_row  # pandas loads only for uploads

            firm = read_firm_row(source) if len(result.table) == 1 and not result.errors else None
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
        firm=firm,
        to_check=len(result.checks()),
        notes=tuple(result.report.sheets),
    )


def _warm_up() -> None:
    """Load the font and draw once, so the first real chart is fast."""
    scoring.render_chart(scoring.score({"revenue": 1000}))


def _kind(kind: str, unit: str) -> FieldKind:
    """The library's kinds (money/count/percent/enum/bool/number) in the core's finer terms."""
    if kind == "count":
        return "persons" if unit == "人" else "count"
    if kind == "number":
        return "years" if unit == "年" else "number"
    return _SAME_KINDS.get(kind, "number")


_SAME_KINDS: dict[str, FieldKind] = {"money": "money", "percent": "percent", "enum": "enum", "bool": "bool"}


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
