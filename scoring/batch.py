"""Batch scoring (批量评分) of CSV/XLSX for zone administrators: vectorised, same numbers as score()."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from scoring.batch_columns import ColumnReport, classify_rows, map_columns
from scoring.batch_gaps import absent_indicators, gap_columns, indicator_top, missing_texts
from scoring.batch_issues import CellIssues, to_check
from scoring.batch_output import NOTE, check_words, rule_headers, write_csv, write_xlsx
from scoring.batch_qualification import high_tech_columns, tech_sme_columns
from scoring.batch_rank import known_stages, rank_in_stages, top_lists
from scoring.batch_read import read_table
from scoring.batch_size import TOO_MANY_ROWS
from scoring.batch_values import Columns, complete_columns, has_figure, read_noted
from scoring.errors import InputError, RuleSetError
from scoring.fields import Value
from scoring.loader import load_rule_set
from scoring.model import (
    BonusItem,
    Curve,
    HighTechRuleSet,
    Levels,
    PointsRuleSet,
    RuleSet,
    Steps,
    TechSmeRuleSet,
)

__all__ = ["BatchResult", "RowError", "read_table", "score_table"]

NO_STAGE = "缺少上年度营业收入：阶段无法确定，暂按{stage}估算，未参与排名"


@dataclass(frozen=True)
class RowError:
    """An input error of one row; ``row`` is the spreadsheet row (header = row 1)."""

    row: int
    message: str


@dataclass
class BatchResult:
    """The ranked table (field ids), per-row errors, top-10 lists and the column report."""

    rule_set: str
    table: pd.DataFrame
    errors: list[RowError]
    top: dict[str, pd.DataFrame] = field(default_factory=dict)
    report: ColumnReport = field(default_factory=ColumnReport)
    title: str = ""
    data_year: int | None = None
    issues: CellIssues | None = None
    headers: dict[str, str] = field(default_factory=dict)  # the rule set's own columns in Chinese
    routes: dict[str, str] = field(default_factory=dict)  # 科小 route id → its Chinese label

    @property
    def scored(self) -> int:
        """Rows that got a result (firms without an input error)."""
        return len(self.table) - len(self.errors)

    def about(self) -> list[tuple[str, str]]:
        """The 说明 sheet: what was computed, from what, and what was left out."""
        lines = [
            ("项目", "内容"),
            ("规则集", f"{self.title}（{self.rule_set}）" if self.title else self.rule_set),
            ("数据年度", f"{self.data_year} 年度" if self.data_year else "未注明"),
            ("说明", NOTE),
            ("企业数", f"已评分 {self.scored} 家；{len(self.errors)} 行数据有误；跳过 {len(self.report.skipped)} 行（非企业行）"),
        ]
        if "rank_in_stage" in self.table.columns:
            lines.append(("排名", "按生命周期阶段分别排名，并列者名次相同（如 1、1、3）；榜单按阶段内百分位：前 5% "
                                  "创新领跑榜，5–10% 创新竞跑榜，10–20% 创新进取榜；缺营业收入且未注明阶段的企业不参与排名"))
        elif "rank" in self.table.columns:
            lines.append(("排名", "按评价得分统一排名，并列者名次相同（如 1、1、3）"))
        lines.extend(("列映射" if i == 0 else "", line) for i, line in enumerate(self.report.lines()))
        return lines

    def checks(self) -> pd.DataFrame:
        """The 需核对 sheet: one line per unread or doubtful cell, blank cells, unranked or unnamed firms."""
        return to_check(self.table, self.report.name_column, self.issues)

    def write(self, path: Path, *, field_names: bool = False) -> list[Path]:
        """XLSX (说明 sheet, Chinese headers, top lists as sheets) or CSV (field ids, sibling files)."""
        path = Path(path)
        table = self.table
        checks = self.checks()
        if "note" in table.columns:  # one 错误/提示 column: the error, else the warning
            table = table.assign(error=np.where(table["error"] != "", table["error"], table["note"]))
            table = table.drop(columns=["note"])
        if "missing" in table.columns:  # beside the gaps, before the errors
            order = [c for c in table.columns if c not in ("missing", "error")]
            table = table[[*order, "missing", *(["error"] if "error" in table.columns else [])]]
        if path.suffix.lower() == ".csv":
            return write_csv(path, table, self.top)
        fields = {u.column: u.field for u in self.report.used}
        words = {**check_words()[1], **self.routes}  # statuses and routes read in Chinese, not as ids
        table = table.assign(**{c: table[c].map(lambda v: words.get(v, v) if isinstance(v, str) else v)
                                for c in table.columns if str(c).startswith("check_") or c == "route"})
        return write_xlsx(path, self.about(), table, self.top, field_names=field_names, fields=fields,
                          checks=checks, headers=self.headers)


def _curve(rule: Curve, x: np.ndarray) -> np.ndarray:
    """Curve.value element-wise, with the same float operations in the same order."""
    xs = np.asarray(rule.xs, dtype=float)
    s = np.zeros(len(x))
    top = x >= xs[-1]
    s[top] = rule.ss[-1]
    inside = (x >= xs[0]) & ~top
    if inside.any():
        xi = x[inside]
        i = np.searchsorted(xs, xi, side="right")
        slopes = np.array(
            [0.0] + [(rule.ss[k] - rule.ss[k - 1]) / (rule.xs[k] - rule.xs[k - 1]) for k in range(1, len(xs))]
        )
        s0 = np.asarray(rule.ss, dtype=float)[i - 1]
        s[inside] = s0 + (xi - xs[i - 1]) * slopes[i]
    return s


def _steps(rule: Steps, x: np.ndarray) -> np.ndarray:
    s = np.zeros(len(x))
    known = ~np.isnan(x)
    done = ~known
    for step in rule.steps:
        if step.op is None:
            hit = ~done
        else:
            with np.errstate(invalid="ignore"):
                hit = ~done & _cmp(step.op, x, step.threshold)
        s[hit] = step.s
        done |= hit
    return s


def _cmp(op: str, x: np.ndarray, t: float) -> np.ndarray:
    return {"le": x <= t, "lt": x < t, "ge": x >= t, "gt": x > t}[op]


def _enum_map(mapping: dict[str, float], x: np.ndarray) -> np.ndarray:
    mapped = pd.Series(x, dtype=object).map(mapping)
    return mapped.to_numpy(dtype=float, na_value=0.0)


def _item(item: BonusItem, x: np.ndarray) -> np.ndarray:
    """BonusItem.value element-wise."""
    if item.levels:
        return _enum_map(dict(item.levels), x)
    if x.dtype == object:
        present = np.array([v is not None for v in x])
        hit = np.array([v == item.when for v in x])
        return np.where(present & hit, item.points, 0.0)
    known = ~np.isnan(x)
    if item.per_unit:
        pts = np.where(known, x, 0.0) * item.per_unit
        if item.max is not None:
            pts = np.minimum(pts, item.max)
        return np.where(known, pts, 0.0)
    when = 1.0 if item.when is True else 0.0 if item.when is False else item.when
    return np.where(known & (x == when), item.points, 0.0)


def _is(x: np.ndarray, when: Value) -> np.ndarray:
    if x.dtype == object:
        return np.array([v is not None and v == when for v in x])
    target = float(when)  # a flag is 1.0 / 0.0 in a number column
    hit: np.ndarray = ~np.isnan(x) & (x == target)
    return hit


def _score_points(rs: PointsRuleSet, cols: Columns, n: int) -> dict[str, np.ndarray]:
    revenue = cols[rs.stage_field]
    stage_idx = np.full(n, [s.id for s in rs.stages].index(rs.default_stage))
    known = ~np.isnan(revenue)
    assigned = ~known
    for k, stage in enumerate(rs.stages):
        hit = ~assigned & (True if stage.below is None else revenue < stage.below)
        stage_idx[hit] = k
        assigned |= hit
    weights = np.array([rs.scaled_weights[s.id] for s in rs.stages])  # stages × indicators
    base = np.zeros(n)
    cats = {c.id: np.zeros(n) for c in rs.categories}
    lost = np.zeros((len(rs.indicators), n))  # points each indicator still lacks
    for j, ind in enumerate(rs.indicators):
        x = cols[ind.field]
        if isinstance(ind.rule, Levels):
            s = _enum_map(dict(ind.rule.levels), x)
        elif isinstance(ind.rule, Curve):
            s = np.where(np.isnan(x), 0.0, _curve(ind.rule, np.nan_to_num(x, nan=-np.inf)))
        else:
            s = _steps(ind.rule, x)
        points = weights[stage_idx, j] * s
        lost[j] = weights[stage_idx, j] * indicator_top(ind.rule) - points
        cats[ind.category] += points
        base += points
    bonus_raw = np.zeros(n)
    for item in rs.bonus:
        bonus_raw += _item(item, cols[item.field])
    bonus = np.minimum(bonus_raw, rs.bonus_cap)
    deductions = np.zeros(n)
    for item in rs.deductions:
        deductions += _item(item, cols[item.field])
    vetoed = np.zeros(n, dtype=bool)
    reasons = np.full(n, "", dtype=object)
    for veto in rs.vetoes:
        hit = _is(cols[veto.field], veto.when)
        reasons[hit] = np.where(reasons[hit] == "", veto.reason, reasons[hit] + "；" + veto.reason)
        vetoed |= hit
    unrounded = np.maximum(0.0, base + bonus - deductions)
    return {
        "stage_idx": stage_idx, "base": base, "bonus": bonus, "deductions": deductions,
        "unrounded": unrounded, "vetoed": vetoed, "reasons": reasons, "lost": lost,
        **{f"cat:{k}": v for k, v in cats.items()},
    }


def _round2(values: np.ndarray) -> pd.arrays.FloatingArray:
    """Exactly Python's round(x, 2) (what the single-firm engine uses), vectorised.

    rint(x*100)/100 equals round(x, 2) unless x*100 lies within float error of a .5 tie; those
    few values are rounded by Python itself.
    """
    with np.errstate(invalid="ignore"):
        scaled = values * 100
        out = np.rint(scaled) / 100
        near_tie = np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6
    for i in np.flatnonzero(near_tie & ~np.isnan(values)):
        out[i] = round(float(values[i]), 2)
    rounded: pd.arrays.FloatingArray = pd.array(out, dtype="Float64")
    return rounded


def score_table(
    table: pd.DataFrame | Path | str,
    rule_set: str | RuleSet = "cn-ref-2024",
    *,
    extra_dirs: Sequence[Path] = (),
    data_year: int | None = None,
    max_rows: int | None = None,
) -> BatchResult:
    """Score every firm row of a table (DataFrame or CSV/XLSX path); bad rows get an error, not a stop.

    Rows that are not firms (blank, 合计/平均, no figure at all) are left out and reported.
    max_rows: a table with more rows is refused (InputError) before any scoring.
    """
    df = table if isinstance(table, pd.DataFrame) else read_table(Path(table), max_rows)
    if max_rows is not None and len(df) > max_rows:
        raise InputError(None, TOO_MANY_ROWS.format(rows=len(df), limit=max_rows))
    if len(df) == 0 and not isinstance(table, pd.DataFrame):
        raise InputError(None, "表格只有表头，没有企业数据：请在表头下面每行填一家企业")
    rs = load_rule_set(rule_set, extra_dirs) if isinstance(rule_set, str) else rule_set
    first_row = int(df.attrs.get("first_row", 2))
    sheet_notes = list(df.attrs.get("notes", []))
    df = df.reset_index(drop=True)
    df.columns = [str(c) for c in df.columns]
    report = map_columns(df)
    report.sheets = sheet_notes
    read, errors, issues = read_noted(df, report.used)
    reasons = classify_rows(df, report, has_figure(read) | pd.notna(errors))
    firm = pd.isna(reasons)
    sheet_rows = np.arange(len(df)) + first_row
    report.skipped = [(int(sheet_rows[i]), str(reasons[i])) for i in np.flatnonzero(~firm)]
    if not firm.all():
        df = df[firm].reset_index(drop=True)
        read, errors = {k: v[firm] for k, v in read.items()}, errors[firm]
        issues = issues.take(firm)
    rows = sheet_rows[firm]
    cols, errors = complete_columns(read, errors, len(df), issues.refusals([(u.field, u.column) for u in report.used], errors))
    bad = pd.notna(errors)
    row_errors = [RowError(int(rows[i]), str(errors[i])) for i in np.flatnonzero(bad)]
    added: dict[str, object] = {"sheet_row": rows, "rule_set": np.full(len(df), rs.id, dtype=object)}
    if isinstance(rs, PointsRuleSet):
        _points_columns(rs, df, added, cols, errors, bad, report)
        added["missing"] = missing_texts(read, cols, report.used, bad, issues)
        if absent := absent_indicators(rs, cols):
            report.notes.append(f"表中没有这些指标的数据，各企业按 0 分计：{'、'.join(absent)}")
    else:
        _qualification_columns(rs, added, cols, errors, bad)
    kept = df.drop(columns=[c for c in added if c in df.columns])  # a re-read result: replaced
    out = pd.concat([kept, pd.DataFrame(added, index=df.index)], axis=1)  # one block, not 25 inserts
    top = top_lists(out, rs, _id_columns(df, report)) if isinstance(rs, PointsRuleSet) else {}
    if data_year is not None and report.year is not None and report.year != data_year:
        report.notes.append(f"表头写的是 {report.year} 年的数据，与指定的数据年度 {data_year} 年不同，请核对")
    year = data_year if data_year is not None else report.year or date.today().year - 1
    return BatchResult(rs.id, out, row_errors, top, report, rs.title, year, issues, rule_headers(rs),
                       _routes(rs))


def _routes(rs: RuleSet) -> dict[str, str]:
    if not isinstance(rs, TechSmeRuleSet):
        return {}
    return {rs.score_route[0]: rs.score_route[1], **{rid: label for rid, label, _ in rs.direct_routes}}



def _id_columns(df: pd.DataFrame, report: ColumnReport) -> list[str]:
    """The name column and any id column, shown in the top-10 sheets."""
    keep = [report.name_column] if report.name_column else []
    return keep + [c for c in df.columns if str(c).lower() in ("id", "编号") and c not in keep]


def _points_columns(
    rs: PointsRuleSet, df: pd.DataFrame, out: dict[str, object], cols: Columns, errors: np.ndarray,
    bad: np.ndarray, report: ColumnReport,
) -> None:
    """Innovation-points result columns and ranks, added to out."""
    n = len(df)
    res = _score_points(rs, cols, n)
    no_revenue = np.isnan(cols[rs.stage_field])
    given = known_stages(rs, df[report.stage_column] if report.stage_column else None, n)
    stage_idx = np.where(no_revenue & (given >= 0), given, res["stage_idx"])
    unstaged = no_revenue & (given < 0) & ~bad
    vetoed = res["vetoed"] & ~bad
    stage_ids = np.array([s.id for s in rs.stages], dtype=object)[stage_idx]
    stage_labels = np.array([s.label for s in rs.stages], dtype=object)[stage_idx]
    rectified = np.where(bad, np.nan, res["unrounded"])
    total_r = _round2(np.where(vetoed, np.nan, rectified))
    total_list = total_r.to_numpy(dtype=float, na_value=np.nan)
    hide = bad | unstaged
    out["stage"] = _blank(bad, stage_ids)
    out["stage_label"] = _blank(bad, stage_labels)
    out["total"] = total_r
    for key in ("base", "bonus", "deductions"):
        out[key] = _round2(np.where(bad, np.nan, res[key]))
    out["rectified_total"] = _round2(rectified)
    out["band"] = _bands(rs, total_list)
    out["vetoed"] = pd.array(_blank(bad, vetoed).tolist(), dtype="boolean")
    out["veto_reasons"] = np.where(vetoed, res["reasons"], "")
    for cat in rs.categories:
        out[cat.label] = _round2(np.where(bad, np.nan, res[f"cat:{cat.id}"]))
    rank, pct, labels = rank_in_stages(np.where(unstaged, np.nan, total_list), np.where(hide, -1, stage_idx),
                                       len(rs.stages))
    out["rank_in_stage"] = pd.array(rank, dtype="Float64").astype("Int64")
    out["percentile_in_stage"] = pd.array(pct, dtype="Float64")
    out["list_label"] = labels
    out.update(gap_columns(rs, total_list, res["lost"], vetoed, bad))
    out["error"] = np.where(bad, errors, "")
    note = np.full(n, "", dtype=object)
    note[unstaged] = [NO_STAGE.format(stage=label) for label in stage_labels[unstaged]]
    out["note"] = note


def _blank(bad: np.ndarray, values: np.ndarray) -> np.ndarray:
    """values as objects with None on rows that had input errors."""
    out = values.astype(object)
    out[bad] = None
    return out


def _qualification_columns(
    rs: RuleSet, out: dict[str, object], cols: Columns, errors: np.ndarray, bad: np.ndarray
) -> None:
    """Tech-SME scores ranked overall (ties share a rank), or high-tech check statuses, per row."""
    n = len(bad)
    if isinstance(rs, TechSmeRuleSet):
        res = tech_sme_columns(rs, cols, n)
        score = np.where(bad, np.nan, res["score"])
        out["score"] = _round2(score)
        for part in rs.parts:
            out[f"{part.id}_score"] = _round2(np.where(bad, np.nan, res[f"{part.id}_score"]))
        out["qualifies"] = pd.array(_blank(bad, res["qualifies"]).tolist(), dtype="boolean")
        out["route"] = _blank(bad, res["route"])
        out["failed_conditions"] = np.where(bad, "", res["failed_conditions"])
        ranked = ~np.isnan(score)
        rank = np.full(n, np.nan)
        rank[ranked] = pd.Series(score[ranked]).rank(method="min", ascending=False).to_numpy()
        out["rank"] = pd.array(rank, dtype="Float64").astype("Int64")
    elif isinstance(rs, HighTechRuleSet):
        res = high_tech_columns(rs, cols, n)
        for check in rs.checks:
            out[f"check_{check.id}"] = _blank(bad, res[f"check_{check.id}"])
        out["likely_meets"] = pd.array(_blank(bad, res["likely_meets"]).tolist(), dtype="boolean")
    else:  # pragma: no cover - the loader builds only three kinds
        raise RuleSetError(f"规则集 {rs.id} 不支持批量评分")
    out["error"] = np.where(bad, errors, "")
    out["note"] = np.full(n, "", dtype=object)


def _bands(rs: PointsRuleSet, totals: np.ndarray) -> np.ndarray:
    """Band labels of rounded totals (None where there is no total)."""
    out = np.full(len(totals), None, dtype=object)
    done = np.isnan(totals)
    for minimum, label in rs.bands:
        hit = ~done if minimum is None else ~done & (np.nan_to_num(totals, nan=-1.0) >= minimum)
        out[hit] = label
        done |= hit
    return out
