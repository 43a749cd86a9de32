"""Which spreadsheet column is which field (列映射), and a report of what was done with each.

Headers are matched by field id, Chinese label, chat alias or a word in rules/columns.yaml,
with an optional unit ('营业收入（元）', '研发费用/千元', '高新收入万元'). Separate 实用新型 /
软著 / 外观设计 columns are summed into Ⅱ类; 发明专利 / 植物新品种 … into Ⅰ类. Nothing is dropped
silently: every column is either used (with its unit conversion) or listed as ignored.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources

import numpy as np
import pandas as pd
import yaml

from scoring.batch_periods import Dated, dated, resolve_years
from scoring.errors import InputError
from scoring.fields import FIELDS, field_spec, normalize_text

__all__ = ["ColumnReport", "ColumnUse", "Scale", "blank_cell", "classify_rows", "header_score", "map_columns"]

Scale = tuple[str, float]
"""How a column's unit converts into the engine unit: ('mul', k) or ('div', k)."""

_UNITS = r"万元|千元|百万元|亿元|元|人|名|件|个|项|次|%|年"
_BRACKETED = re.compile(rf"^(.+?)[(\[]\s*(?:单位[:：]?)?\s*({_UNITS})\s*[)\]]$")
_SLASHED = re.compile(rf"^(.+?)[/]\s*({_UNITS})$")
_SUFFIXED = re.compile(r"^(.+?)(万元|千元|百万元|亿元|%)$")
_MONEY_SCALE: dict[str, Scale] = {"万元": ("mul", 1.0), "元": ("div", 10000.0), "千元": ("div", 10.0),
                                  "百万元": ("mul", 100.0), "亿元": ("mul", 10000.0)}
_SAME_UNIT = {"人": {"人", "名"}, "件": {"件", "个", "项"}, "次": {"次"}, "%": {"%"}, "年": {"年"}}
_UNIT_NOTE = {"元": "元→万元", "千元": "千元→万元", "百万元": "百万元→万元", "亿元": "亿元→万元"}


@dataclass(frozen=True)
class ColumnUse:
    """One input column used for a field; part = summed with sibling columns."""

    column: str
    field: str
    scale: Scale = ("mul", 1.0)
    unit_note: str = ""
    part: bool = False
    unit_given: bool = False  # the header names its unit ('（元）', '万元')


@dataclass
class ColumnReport:
    """What the mapping did: used and ignored columns, the name/stage columns, skipped rows."""

    used: list[ColumnUse] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    name_column: str | None = None
    stage_column: str | None = None
    notes: list[str] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)
    year: int | None = None  # the latest year a header names ('2025年营收'), if any
    sheets: list[str] = field(default_factory=list)  # which sheet of a workbook was read, when it had several

    def lines(self) -> list[str]:
        """The report in short Chinese lines (stderr, chat, the 说明 sheet)."""
        out: list[str] = []
        for fld in dict.fromkeys(u.field for u in self.used):
            uses = [u for u in self.used if u.field == fld]
            cols = " + ".join(f"“{u.column}”" + (f"（{u.unit_note}）" if u.unit_note else "") for u in uses)
            summed = "（相加）" if len(uses) > 1 else ""
            out.append(f"{cols} → {FIELDS[fld].label}{summed}")
        if self.name_column:
            out.append(f"“{self.name_column}” → 企业名称")
        if self.stage_column:
            out.append(f"“{self.stage_column}” → 生命周期阶段（缺营业收入时使用）")
        if self.ignored:
            out.append("未使用的列：" + "、".join(f"“{c}”" for c in self.ignored))
        out.extend(self.sheets)
        out.extend(self.notes)
        if self.skipped:
            reasons: dict[str, list[int]] = {}
            for row, reason in self.skipped:
                reasons.setdefault(reason, []).append(row)
            for reason, rows in reasons.items():
                shown = "、".join(map(str, rows[:10])) + ("…" if len(rows) > 10 else "")
                out.append(f"跳过 {len(rows)} 行（{reason}）：第 {shown} 行")
        return out


@dataclass(frozen=True)
class _Vocab:
    fields: dict[str, str]
    parts: dict[str, str]
    names: frozenset[str]
    stages: frozenset[str]
    not_firms: frozenset[str]
    blanks: frozenset[str]


def _key(text: str) -> str:
    return "".join(normalize_text(str(text)).split())


@cache
def _vocab() -> _Vocab:
    text = resources.files("scoring").joinpath("rules/columns.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    words = {_key(w): f for f, ws in data["fields"].items() for w in ws}
    parts = {_key(w): f for f, ws in data["parts"].items() for w in ws}
    return _Vocab(words, parts, frozenset(map(_key, data["name"])), frozenset(map(_key, data["stage"])),
                  frozenset(map(_key, data["not_firms"])), frozenset(map(_key, data["blank_cells"])))


def blank_cell(text: str) -> bool:
    """A cell that says there is no figure ('—', 'N/A', '不详', '暂无'): blank, not a number."""
    return _key(text) in _vocab().blanks


def _field_of(base: str) -> tuple[str, bool] | None:
    """(field, is_part) for a header without its unit, or None."""
    vocab = _vocab()
    key = _key(base)
    if key in vocab.parts:
        return vocab.parts[key], True
    if key in vocab.fields:
        return vocab.fields[key], False
    spec = field_spec(base)
    return (spec.name, False) if spec is not None else None


def _use(header: str) -> ColumnUse | None:
    """The field, part flag and unit scale of one header, or None if it names no field."""
    key = _key(header)
    found = _field_of(key)
    if found is not None:
        return ColumnUse(header, found[0], part=found[1])
    for pattern in (_BRACKETED, _SLASHED, _SUFFIXED):
        m = pattern.match(key)
        if m is None:
            continue
        found = _field_of(m.group(1))
        if found is None:
            continue
        spec, unit = FIELDS[found[0]], m.group(2)
        if spec.kind == "money" and unit in _MONEY_SCALE:
            return ColumnUse(header, spec.name, _MONEY_SCALE[unit], _UNIT_NOTE.get(unit, ""), found[1], True)
        if unit in _SAME_UNIT.get(spec.unit, set()):
            return ColumnUse(header, spec.name, part=found[1], unit_given=True)
        raise InputError(spec.name, f"列“{header}”的单位与{spec.label}（{spec.unit or '无单位'}）不符")
    return None


def _column_uses(columns: list[str]) -> tuple[dict[str, ColumnUse | None], list[str], int | None]:
    """Each column's use; a header with a year or 上年/前年 is the field of its period (batch_periods)."""
    uses: dict[str, ColumnUse | None] = {}
    found: list[tuple[str, ColumnUse, Dated]] = []
    for col in columns:
        use = _use(col)
        period = dated(_key(col)) if use is None else None
        base = _use(period.base) if period is not None else None
        if period is not None and base is not None:
            found.append((col, base, period))
        uses[col] = use
    targets, notes, year = resolve_years([(col, base.field, period) for col, base, period in found])
    for col, base, _ in found:
        if col in targets:
            fld, note = targets[col]
            uses[col] = replace(base, column=col, field=fld, unit_note="，".join(n for n in (base.unit_note, note) if n))
    return uses, notes, year


def _money_unit(use: ColumnUse | None, title_unit: str | None) -> ColumnUse | None:
    """A money column whose header names no unit: the unit written above the table ('单位：元'),
    else 万元 — said in the column report either way, never silently assumed."""
    if use is None or use.unit_given or FIELDS[use.field].kind != "money":
        return use
    if title_unit is None:
        return replace(use, unit_note="，".join(n for n in ("未注明单位，按万元计", use.unit_note) if n))
    note = f"按表上方“单位：{title_unit}”" + (f"，{_UNIT_NOTE[title_unit]}" if title_unit in _UNIT_NOTE else "")
    return replace(use, scale=_MONEY_SCALE[title_unit], unit_note="，".join(n for n in (note, use.unit_note) if n),
                   unit_given=True)


def map_columns(df: pd.DataFrame) -> ColumnReport:
    """Every column used for a field, or ignored; a clear error when no column is recognised."""
    report = ColumnReport()
    vocab = _vocab()
    whole: dict[str, str] = {}
    parts: list[ColumnUse] = []
    uses, report.notes, report.year = _column_uses(list(map(str, df.columns)))
    uses = {col: _money_unit(use, df.attrs.get("money_unit")) for col, use in uses.items()}
    for col, use in uses.items():
        if use is None:
            key = _key(col)
            if report.name_column is None and key in vocab.names:
                report.name_column = col
            elif report.stage_column is None and key in vocab.stages:
                report.stage_column = col
            else:
                report.ignored.append(col)
            continue
        if use.part:
            parts.append(use)
            continue
        if use.field in whole:
            label = FIELDS[use.field].label
            raise InputError(use.field, f"“{whole[use.field]}”和“{col}”都表示{label}，请只保留一列")
        whole[use.field] = col
        report.used.append(use)
    for use in parts:
        if use.field in whole:
            report.ignored.append(use.column)
            report.notes.append(f"已有“{whole[use.field]}”列，未再加上“{use.column}”")
        else:
            report.used.append(use)
    if not report.used:
        raise InputError(None, "表格中没有可识别的数据列（列名应为字段名或中文名称，如“上年度营业收入”）")
    return report


def _blank(df: pd.DataFrame) -> np.ndarray:
    """True for cells that are empty (NaN, None or only spaces)."""
    out = df.isna().to_numpy(copy=True)
    for j, col in enumerate(df.columns):
        series = df[col]
        if series.dtype == object or pd.api.types.is_string_dtype(series):
            codes, uniques = pd.factorize(series, use_na_sentinel=True)
            empty = np.array([isinstance(u, str) and not u.strip() for u in uniques] + [True])
            out[:, j] |= empty[codes]
    return out


def classify_rows(df: pd.DataFrame, report: ColumnReport, has_figure: np.ndarray) -> np.ndarray:
    """Why each row is not a firm ('空行', '合计/平均行', '没有任何评分数据'), None for firms.

    ``has_figure`` marks rows with at least one readable figure or a cell error (an error row
    is a firm with a mistake, reported as such, not skipped).
    """
    n = len(df)
    reasons = np.full(n, None, dtype=object)
    if n == 0:
        return reasons
    used = {u.column for u in report.used}
    label_cols = [c for c in map(str, df.columns) if c not in used]  # 合计 may sit in 序号, not in 名称
    for col in label_cols:
        reasons[_summary_rows(df[col]) & pd.isna(reasons)] = "合计/平均等汇总行"
    idx = np.flatnonzero(~has_figure & pd.isna(reasons))
    if idx.size:
        empty = _blank(df.iloc[idx]).all(axis=1)
        reasons[idx[empty]] = "空行"
        reasons[idx[~empty]] = "没有任何评分数据"
    return reasons


@cache
def _summary_pattern() -> re.Pattern[str]:
    """合计 / 合 计 / ' 合计：' / '合计（58家）' / Total …: a not-firm label cell, never '合计科技'."""
    words = sorted(_vocab().not_firms, key=len, reverse=True)
    spaced = "|".join(r"\s*".join(map(re.escape, word)) for word in words)
    return re.compile(rf"\s*(?:{spaced})\s*(?:[:：]|[(（\[【].*)?\s*", re.IGNORECASE)


def _summary_rows(col: pd.Series) -> np.ndarray:
    """Rows whose label cell says 合计/总计/小计/平均… (each distinct cell tested once)."""
    codes, uniques = pd.factorize(col.astype(object), use_na_sentinel=True)
    pattern = _summary_pattern()
    hit = np.array([isinstance(u, str) and pattern.fullmatch(u) is not None for u in uniques] + [False])
    return hit[codes]


def header_score(row: Sequence[object]) -> int:
    """How many cells of a row name a field or the firm's name (the header row names the most)."""
    score = 0
    for cell in row:
        if not isinstance(cell, str) or not cell.strip() or len(cell) > 60:
            continue
        try:
            period = dated(_key(cell))
            found = _use(cell.strip()) is not None or (period is not None and _use(period.base) is not None)
        except InputError:
            found = True  # a field in the wrong unit is still a header cell
        score += found or _key(cell) in _vocab().names
    return score
