"""What an administrator must check before handing a ranking on (需核对): every cell that could
not be read (the firm is not scored), every doubtful one (read as 约数, left out as 不详, an
ambiguous percentage), blank cells, firms without a name and names given twice — each by sheet
row, firm and column, with the cell as typed. Nothing is guessed silently."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import pandas as pd

__all__ = ["CellIssues", "to_check"]

UNSCORED = "否（未评分）"
SCORED = "是"
UNRANKED = "是（未参与排名）"
_SHOWN = 5  # other rows named for a name given more than twice


@dataclass
class CellIssues:
    """Per input column, each row's problem with its cell: errors leave the row unscored, notes
    are doubts the row was scored with (None where the cell is fine)."""

    n: int
    errors: dict[str, np.ndarray] = field(default_factory=dict)
    notes: dict[str, np.ndarray] = field(default_factory=dict)

    def add(self, column: str, problems: np.ndarray, *, error: bool) -> None:
        """Record a column's problems (object array, None = fine); the first per cell is kept."""
        book = self.errors if error else self.notes
        current = book.setdefault(column, np.full(self.n, None, dtype=object))
        fresh = pd.notna(problems) & pd.isna(current)
        current[fresh] = problems[fresh]

    def refusals(self, columns: list[tuple[str, str]], errors: np.ndarray) -> Callable[[str, np.ndarray], None]:
        """A callback recording a field's refused figures (out of range) under its first column."""
        first: dict[str, str] = {}
        for fld, column in columns:
            first.setdefault(fld, column)

        def refused(fld: str, rows: np.ndarray) -> None:
            if fld in first:
                problems = np.full(len(rows), None, dtype=object)
                problems[rows] = errors[rows]
                self.add(first[fld], problems, error=True)

        return refused

    def take(self, keep: np.ndarray) -> CellIssues:
        """The issues of the kept rows only (rows that are firms)."""
        return CellIssues(
            int(keep.sum()),
            {c: v[keep] for c, v in self.errors.items()},
            {c: v[keep] for c, v in self.notes.items()},
        )


class _Line(NamedTuple):
    row: int  # position in the table
    order: int
    column: str
    cell: object
    problem: str
    scored: str


def to_check(table: pd.DataFrame, name_column: str | None, issues: CellIssues | None = None) -> pd.DataFrame:
    """The 需核对 sheet (table: field ids, 'error' and 'note' still apart): one line per problem."""
    issues = issues or CellIssues(len(table))
    error = _text(table, "error")
    cells = _Cells(table)
    lines = _cell_lines(table, issues, error, cells)
    note = _text(table, "note")
    lines += [_Line(int(i), 3, "", None, note[i], UNRANKED) for i in np.flatnonzero((note != "") & (error == ""))]
    blank = _text(table, "missing")
    lines += [_Line(int(i), 4, blank[i], None, f"未填：{blank[i]}（按缺项计，结果可能偏低）", SCORED)
              for i in np.flatnonzero((blank != "") & (error == ""))]
    named = bool(name_column) and name_column in table.columns
    if named:
        lines += _name_lines(table, str(name_column), error, cells)
    lines.sort(key=lambda line: (line.row, line.order))
    rows = [line.row for line in lines]
    out = pd.DataFrame({"sheet_row": table["sheet_row"].to_numpy()[rows]})
    if named:
        out[str(name_column)] = table[name_column].to_numpy()[rows]
    out["列名"] = [line.column for line in lines]
    out["原值"] = pd.Series([_shown(line.cell) for line in lines], dtype=object)
    out["问题"] = [line.problem for line in lines]
    out["是否评分"] = [line.scored for line in lines]
    return out


def _cell_lines(table: pd.DataFrame, issues: CellIssues, error: np.ndarray, cells: _Cells) -> list[_Line]:
    """Cells that could not be read (row unscored), row errors of no one cell, doubtful cells."""
    lines: list[_Line] = []
    covered = np.zeros(len(table), dtype=bool)
    for column, problems in issues.errors.items():
        for i in np.flatnonzero(pd.notna(problems)):
            lines.append(_Line(int(i), 0, column, cells(column, int(i)), str(problems[i]), UNSCORED))
            covered[i] = True
    lines += [_Line(int(i), 1, "", None, error[i], UNSCORED) for i in np.flatnonzero((error != "") & ~covered)]
    for column, problems in issues.notes.items():
        for i in np.flatnonzero(pd.notna(problems) & (error == "")):
            lines.append(_Line(int(i), 2, column, cells(column, int(i)), str(problems[i]), SCORED))
    return lines


class _Cells:
    """The cells as typed, a column turned into an array once (not a DataFrame lookup per cell)."""

    def __init__(self, table: pd.DataFrame) -> None:
        self._table = table
        self._columns: dict[str, np.ndarray] = {}

    def __call__(self, column: str, i: int) -> object:
        if column not in self._table.columns:
            return None
        if column not in self._columns:
            self._columns[column] = self._table[column].to_numpy(dtype=object)
        return self._columns[column][i]


def _name_lines(table: pd.DataFrame, name_column: str, error: np.ndarray, cells: _Cells) -> list[_Line]:
    """Firms without a name, and names given on more than one row (each row names the others)."""
    names = pd.Series([_shown(v) for v in table[name_column].tolist()], dtype=object).map(lambda v: "".join(str(v).split()))
    scored = np.where(error != "", UNSCORED, SCORED)
    lines = [_Line(int(i), 5, name_column, None, "没有企业名称：请核对这一行是否为企业", str(scored[i]))
             for i in np.flatnonzero((names == "").to_numpy())]
    rows = table["sheet_row"].to_numpy()
    given = names[names != ""]
    twice = given[given.duplicated(keep=False)]
    for members in twice.groupby(twice, sort=False).indices.values():
        places = twice.index.to_numpy()[members].tolist()
        first = [(j, str(rows[j])) for j in places[: _SHOWN + 1]]
        for i in places:
            others = [row for j, row in first if j != i][:_SHOWN]
            shown = "、".join(others) + ("…" if len(places) - 1 > _SHOWN else "")
            lines.append(_Line(int(i), 5, name_column, cells(name_column, int(i)),
                               f"企业名称与第 {shown} 行重复：请核对是否重复填报", str(scored[i])))
    return lines


def _text(table: pd.DataFrame, column: str) -> np.ndarray:
    if column not in table.columns:
        return np.full(len(table), "", dtype=object)
    return table[column].fillna("").astype(str).to_numpy(dtype=object)


def _shown(value: object) -> object:
    """The cell as typed (blank for none)."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return ""
    return value
