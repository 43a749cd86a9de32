"""Writing a batch result an administrator can hand on (输出): 说明 sheet, Chinese headers, formats.

XLSX (XlsxWriter, constant memory): a first 说明 sheet (rule set, data year, the
preliminary-estimate note, the column report, skipped rows), the result sheet with Chinese
headers, thousands separators, 2 decimals, a frozen header and sized columns, then the
top-10 sheets per stage and category. CSV keeps field ids for tools. Files are written to a
temporary name and moved into place, so a failure never leaves half a file at the path.
"""

from __future__ import annotations

import math
import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from scoring.errors import InputError
from scoring.fields import FIELDS
from scoring.model import HighTechRuleSet, RuleSet, TechSmeRuleSet

__all__ = ["NOTE", "atomic_write", "check_words", "output_headers", "rule_headers", "write_csv", "write_xlsx"]

NOTE = ("本结果依据公开门槛构建的参考模型批量估算，仅为初步自评估算，不是官方积分或认定结论；"
        "正式结果请以所在地主管部门及官方平台的评价为准。")
_MAX_WIDTH = 40
_POINTS = frozenset({"total", "base", "bonus", "deductions", "rectified_total", "score", "percentile_in_stage",
                     "to_next_band"})


@cache
def _labels() -> dict[str, str]:
    return {str(k): str(v) for k, v in _columns_yaml()["output"].items()}


@cache
def _columns_yaml() -> dict[str, Any]:
    text = resources.files("scoring").joinpath("rules/columns.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def check_words() -> tuple[dict[str, str], dict[str, str]]:
    """Short Chinese headers of the high-tech checks (by id) and how each status reads."""
    data = _columns_yaml()
    return dict(data["check_headers"]), dict(data["check_status"])


def rule_headers(rs: RuleSet) -> dict[str, str]:
    """Chinese headers of a rule set's own columns: 科小 sub-scores and 高企 checks."""
    if isinstance(rs, TechSmeRuleSet):
        return {f"{part.id}_score": f"{part.label}得分" for part in rs.parts}
    if isinstance(rs, HighTechRuleSet):
        short = check_words()[0]
        return {f"check_{c.id}": f"{short.get(c.id, c.label)}（核查）" for c in rs.checks}
    return {}


def output_headers(columns: Sequence[str], *, field_names: bool, extra: Mapping[str, str] | None = None) -> list[str]:
    """Column headers as written: Chinese for result columns unless field ids are asked for;
    extra: the rule set's own columns ('staff_score' → '科技人员得分')."""
    if field_names:
        return list(columns)
    labels = {**_labels(), **(extra or {})}
    out = []
    for col in columns:
        if col in labels:
            out.append(labels[col])
        elif col.endswith("_score") or col.startswith("check_"):
            out.append(col.removeprefix("check_").removesuffix("_score") + ("得分" if col.endswith("_score") else "（核查）"))
        else:
            out.append(col)
    return out


def atomic_write(targets: Sequence[Path], write: Callable[[Sequence[Path]], None]) -> None:
    """Write to temporary siblings, then move them all into place; nothing half-written is left."""
    temps: list[Path] = []
    try:
        for target in targets:
            fd, name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=target.suffix, dir=target.parent)
            os.close(fd)
            temps.append(Path(name))
        write(temps)
        for temp, target in zip(temps, targets, strict=True):
            os.replace(temp, target)
    finally:
        for temp in temps:
            temp.unlink(missing_ok=True)


def write_csv(path: Path, table: pd.DataFrame, top: dict[str, pd.DataFrame]) -> list[Path]:
    """Result CSV (field ids) and one sibling CSV per top-10 list."""
    targets = [path] + [path.with_name(f"{path.stem}_{label}前十.csv") for label in top]
    frames = [table, *top.values()]

    def write(temps: Sequence[Path]) -> None:
        for frame, temp in zip(frames, temps, strict=True):
            frame.to_csv(temp, index=False, encoding="utf-8-sig")

    atomic_write(targets, write)
    return targets


def _cell(value: Any) -> Any:
    """A table value as XlsxWriter writes it (blank for missing, plain Python scalars)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        value = value.item()
        if isinstance(value, float) and math.isnan(value):
            return None
    if isinstance(value, bool):
        return "是" if value else "否"
    return value


def _format_key(column: str) -> str | None:
    spec = FIELDS.get(column)
    if column in _POINTS or column.endswith("_score") or (spec is not None and spec.kind in ("money", "percent")):
        return "decimal"
    if column in ("rank_in_stage", "rank", "名次") or (spec is not None and spec.kind == "count"):
        return "integer"
    return None


def _sheet(
    book: Any, name: str, frame: pd.DataFrame, headers: Sequence[str], formats: dict[str, Any],
    fields: Mapping[str, str],
) -> None:
    """One formatted sheet: bold frozen header, number formats by column, widths from the content."""
    sheet = book.add_worksheet(name[:31])
    sample = frame.head(200)
    for j, (col, header) in enumerate(zip(frame.columns, headers, strict=True)):
        shown = [len(str(v)) for v in sample[col].tolist() if _cell(v) is not None]
        width = min(_MAX_WIDTH, max([_width(header), *[w + 2 for w in shown]]) + 2)
        key = _format_key(fields.get(str(col), str(col)))
        sheet.set_column(j, j, width, formats[key] if key else None)
    sheet.write_row(0, 0, list(headers), formats["header"])
    sheet.freeze_panes(1, 0)
    columns = [_values(frame[col]) for col in frame.columns]
    for i, row in enumerate(zip(*columns, strict=True), start=1):
        sheet.write_row(i, 0, row)


def _values(series: pd.Series) -> list[Any]:
    """A column as plain Python values for XlsxWriter, converted once per column, not per cell."""
    if pd.api.types.is_bool_dtype(series):
        return [None if v is None or v is pd.NA else "是" if v else "否" for v in series.astype(object).tolist()]
    if pd.api.types.is_numeric_dtype(series):
        floats = series.to_numpy(dtype=float, na_value=np.nan)
        return [None if v != v else v for v in floats.tolist()]  # v != v: NaN
    return [_cell(v) for v in series.tolist()]


def _width(text: str) -> int:
    """Display width: CJK characters count double."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in str(text))


def write_xlsx(
    path: Path, about: Sequence[tuple[str, str]], table: pd.DataFrame, top: dict[str, pd.DataFrame],
    *, field_names: bool, fields: Mapping[str, str], checks: pd.DataFrame | None = None,
    headers: Mapping[str, str] | None = None,
) -> list[Path]:
    """The workbook: 说明, 评分结果, 需核对 (checks: rows with unread or blank cells, when any),
    then one sheet per top-10 list; ``fields`` maps input columns to field ids (for their
    number formats)."""
    import xlsxwriter

    def write(temps: Sequence[Path]) -> None:
        book = xlsxwriter.Workbook(str(temps[0]), {  # user text is never a formula or a link
            "constant_memory": True, "nan_inf_to_errors": True, "strings_to_formulas": False,
            "strings_to_urls": False,
        })
        formats = {
            "header": book.add_format({"bold": True, "bg_color": "#DDEBF7", "text_wrap": True, "valign": "top"}),
            "decimal": book.add_format({"num_format": "#,##0.00"}),
            "integer": book.add_format({"num_format": "#,##0"}),
            "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
        }
        info = book.add_worksheet("说明")
        info.set_column(0, 0, 14, formats["header"])
        info.set_column(1, 1, 90, formats["wrap"])
        for i, (key, value) in enumerate(about):
            info.write_row(i, 0, [key, value])
        names = output_headers(list(map(str, table.columns)), field_names=field_names, extra=headers)
        _sheet(book, "评分结果", table, names, formats, fields)
        if checks is not None and len(checks):
            _sheet(book, "需核对", checks, output_headers(list(map(str, checks.columns)), field_names=False),
                   formats, {})
        for label, frame in top.items():
            names = output_headers(list(map(str, frame.columns)), field_names=field_names, extra=headers)
            _sheet(book, f"{label}前十", frame, names, formats, fields)
        book.close()

    if path.suffix.lower() != ".xlsx":
        raise InputError(None, f"不支持的输出格式：{path.suffix or '无扩展名'}（请用 .xlsx 或 .csv）")
    atomic_write([path], write)
    return [path]
