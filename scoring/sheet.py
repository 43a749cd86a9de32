"""One firm from a one-row sheet (单家企业表格): the row's figures in engine units, so a manager's
upload can fill the firm profile; columns are read exactly as batch scoring reads them."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from scoring.batch import read_table
from scoring.batch_columns import classify_rows, map_columns
from scoring.batch_values import prepare_columns
from scoring.errors import InputError
from scoring.fields import FIELDS

__all__ = ["read_firm_row"]


def read_firm_row(path: Path) -> dict[str, object] | None:
    """The figures of a table with exactly one firm; None for more rows (raises InputError)."""
    df = read_table(path).reset_index(drop=True)
    df.columns = [str(c) for c in df.columns]
    report = map_columns(df)
    df = df[pd.isna(classify_rows(df, report))].reset_index(drop=True)  # blank and 合计 rows out
    if len(df) != 1:
        return None
    cols, errors = prepare_columns(df, report.used)
    if errors[0] is not None:
        raise InputError(None, str(errors[0]))
    figures: dict[str, object] = {}
    for name in dict.fromkeys(use.field for use in report.used):
        value = cols[name][0]
        if value is None or (isinstance(value, float) and math.isnan(value)):
            continue
        kind = FIELDS[name].kind
        if kind == "bool":
            figures[name] = bool(value)
        elif kind == "enum":
            figures[name] = str(value)
        elif kind == "count":
            figures[name] = int(value)
        else:
            number = round(float(value), 4)
            figures[name] = int(number) if number.is_integer() else number
    return figures
