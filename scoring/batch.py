"""Batch scoring (批量评分) of CSV/XLSX for zone administrators: vectorised, same numbers as score()."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from scoring.batch_qualification import high_tech_columns, tech_sme_columns
from scoring.batch_values import Columns, map_columns, prepare_columns
from scoring.errors import InputError, RuleSetError
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

LIST_LABELS: tuple[tuple[float, str], ...] = ((5, "创新领跑榜"), (10, "创新竞跑榜"), (20, "创新进取榜"))
TOP_N = 10


@dataclass(frozen=True)
class RowError:
    """An input error of one row; ``row`` is the spreadsheet row (header = row 1)."""

    row: int
    message: str


@dataclass
class BatchResult:
    """The ranked table, per-row errors and the top-10 list of each category."""

    rule_set: str
    table: pd.DataFrame
    errors: list[RowError]
    top: dict[str, pd.DataFrame] = field(default_factory=dict)

    def write(self, path: Path) -> list[Path]:
        """Write XLSX (top lists as extra sheets) or CSV (top lists as sibling CSV files)."""
        path = Path(path)
        written = [path]
        if path.suffix.lower() == ".xlsx":
            with pd.ExcelWriter(path, engine="openpyxl") as writer:
                self.table.to_excel(writer, sheet_name="评分结果", index=False)
                for label, frame in self.top.items():
                    frame.to_excel(writer, sheet_name=f"{label}前十", index=False)
        elif path.suffix.lower() == ".csv":
            self.table.to_csv(path, index=False, encoding="utf-8-sig")
            for label, frame in self.top.items():
                extra = path.with_name(f"{path.stem}_{label}前十.csv")
                frame.to_csv(extra, index=False, encoding="utf-8-sig")
                written.append(extra)
        else:
            raise InputError(None, f"不支持的输出格式：{path.suffix or '无扩展名'}（请用 .xlsx 或 .csv）")
        return written


def read_table(path: Path, max_rows: int | None = None) -> pd.DataFrame:
    """Read CSV (as text, blanks kept blank) or XLSX (first sheet); more than max_rows data rows
    is refused after reading only max_rows + 1 of them."""
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise InputError(None, f"找不到文件：{path}")
    nrows = None if max_rows is None else max_rows + 1
    try:
        if suffix == ".csv":
            try:
                df = pd.read_csv(
                    path, dtype=str, keep_default_na=False, encoding="utf-8-sig", nrows=nrows
                )
            except UnicodeDecodeError:  # CSV saved by Excel on a Chinese Windows machine
                df = pd.read_csv(
                    path, dtype=str, keep_default_na=False, encoding="gb18030", nrows=nrows
                )
        elif suffix in (".xlsx", ".xlsm"):
            df = pd.read_excel(path, engine="openpyxl", nrows=nrows)
        else:
            raise InputError(None, f"不支持的文件格式：{suffix or '无扩展名'}（请用 .xlsx 或 .csv）")
    except (ValueError, OSError, UnicodeDecodeError, KeyError):
        raise InputError(
            None, "无法读取这个表格：编码或格式不对，请另存为 UTF-8 编码的 CSV 或 XLSX 后重试"
        ) from None
    if max_rows is not None and len(df) > max_rows:
        raise InputError(None, f"表格超过 {max_rows} 行，请拆分成多个文件后分别上传")
    return df


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


def _is(x: np.ndarray, when: object) -> np.ndarray:
    if x.dtype == object:
        return np.array([v is not None and v == when for v in x])
    target = 1.0 if when is True else 0.0 if when is False else float(when)  # type: ignore[arg-type]
    return ~np.isnan(x) & (x == target)


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
    for j, ind in enumerate(rs.indicators):
        x = cols[ind.field]
        if isinstance(ind.rule, Levels):
            s = _enum_map(dict(ind.rule.levels), x)
        elif isinstance(ind.rule, Curve):
            s = np.where(np.isnan(x), 0.0, _curve(ind.rule, np.nan_to_num(x, nan=-np.inf)))
        else:
            s = _steps(ind.rule, x)
        points = weights[stage_idx, j] * s
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
        "unrounded": unrounded, "vetoed": vetoed, "reasons": reasons, **{f"cat:{k}": v for k, v in cats.items()},
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
    return pd.array(out, dtype="Float64")


def score_table(
    table: pd.DataFrame | Path | str,
    rule_set: str | RuleSet = "cn-ref-2024",
    *,
    extra_dirs: Sequence[Path] = (),
    max_rows: int | None = None,
) -> BatchResult:
    """Score every row of a table (DataFrame or CSV/XLSX path); bad rows get an error, not a stop."""
    df = table if isinstance(table, pd.DataFrame) else read_table(Path(table), max_rows)
    rs = load_rule_set(rule_set, extra_dirs) if isinstance(rule_set, str) else rule_set
    df = df.reset_index(drop=True)
    n = len(df)
    mapping, scales = map_columns(df)
    cols, errors = prepare_columns(df, mapping, scales)
    bad = np.array([e is not None for e in errors.tolist()], dtype=bool)
    row_errors = [RowError(int(i) + 2, str(errors[i])) for i in np.flatnonzero(bad)]
    if not isinstance(rs, PointsRuleSet):
        return _qualification_table(rs, df, cols, errors, bad, row_errors)
    res = _score_points(rs, cols, n)
    vetoed = res["vetoed"] & ~bad
    out = df.copy()
    stage_ids = np.array([s.id for s in rs.stages], dtype=object)[res["stage_idx"]]
    stage_labels = np.array([s.label for s in rs.stages], dtype=object)[res["stage_idx"]]
    rectified = np.where(bad, np.nan, res["unrounded"])
    total = np.where(vetoed, np.nan, rectified)
    total_r = _round2(total)
    total_list = total_r.to_numpy(dtype=float, na_value=np.nan)
    out["rule_set"] = rs.id
    out["stage"] = [None if b else v for b, v in zip(bad.tolist(), stage_ids.tolist(), strict=True)]
    out["stage_label"] = [None if b else v for b, v in zip(bad.tolist(), stage_labels.tolist(), strict=True)]
    out["total"] = total_r
    for key in ("base", "bonus", "deductions"):
        out[key] = _round2(np.where(bad, np.nan, res[key]))
    out["rectified_total"] = _round2(rectified)
    out["band"] = _bands(rs, total_list)
    out["vetoed"] = pd.array(
        [None if b else v for b, v in zip(bad.tolist(), vetoed.tolist(), strict=True)], dtype="boolean"
    )
    out["veto_reasons"] = np.where(vetoed, res["reasons"], "")
    for cat in rs.categories:
        out[cat.label] = _round2(np.where(bad, np.nan, res[f"cat:{cat.id}"]))
    rank_all = np.full(n, np.nan)
    pct_all = np.full(n, np.nan)
    ranked = ~np.isnan(total_list)
    for k in range(len(rs.stages)):
        mask = ranked & (res["stage_idx"] == k)
        if mask.any():
            rank = pd.Series(total_list[mask]).rank(method="min", ascending=False).to_numpy()
            rank_all[mask] = rank
            pct_all[mask] = np.round(rank / mask.sum() * 100, 2)
    out["rank_in_stage"] = pd.array(rank_all, dtype="Float64").astype("Int64")
    out["percentile_in_stage"] = pd.array(pct_all, dtype="Float64")
    labels = np.full(n, "", dtype=object)
    for limit, label in reversed(LIST_LABELS):
        labels[~np.isnan(pct_all) & (pct_all <= limit)] = label
    out["list_label"] = labels
    out["error"] = np.where(bad, errors, "")
    top = _top_lists(out, rs)
    return BatchResult(rs.id, out, row_errors, top)


def _blank(bad: np.ndarray, values: np.ndarray) -> np.ndarray:
    """values as objects with None on rows that had input errors."""
    out = values.astype(object)
    out[bad] = None
    return out


def _qualification_table(
    rs: RuleSet, df: pd.DataFrame, cols: Columns, errors: np.ndarray, bad: np.ndarray,
    row_errors: list[RowError],
) -> BatchResult:
    """Tech-SME scores ranked overall, or high-tech check statuses, per row."""
    n = len(df)
    out = df.copy()
    out["rule_set"] = rs.id
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
    return BatchResult(rs.id, out, row_errors, {})


def _bands(rs: PointsRuleSet, totals: np.ndarray) -> np.ndarray:
    """Band labels of rounded totals (None where there is no total)."""
    out = np.full(len(totals), None, dtype=object)
    done = np.isnan(totals)
    for minimum, label in rs.bands:
        hit = ~done if minimum is None else ~done & (np.nan_to_num(totals, nan=-1.0) >= minimum)
        out[hit] = label
        done |= hit
    return out


def _top_lists(out: pd.DataFrame, rs: PointsRuleSet) -> dict[str, pd.DataFrame]:
    """Top-10 firms per category by category points (ties by total), errors and vetoes excluded."""
    keep = [c for c in out.columns if str(c).lower() in ("id", "name", "企业名称", "名称", "编号", "企业")]
    eligible = out[out["total"].notna()]
    lists: dict[str, pd.DataFrame] = {}
    for cat in rs.categories:
        frame = eligible.nlargest(TOP_N, [cat.label, "total"], keep="first")
        frame = frame[[*keep, "stage_label", cat.label, "total"]].copy()
        frame.insert(0, "名次", range(1, len(frame) + 1))
        lists[cat.label] = frame.reset_index(drop=True)
    return lists
