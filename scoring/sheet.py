"""One firm from a one-row sheet (单家企业表格): the row's figures in engine units, so a manager's
upload can fill the firm profile; cells are read exactly as batch scoring reads them."""

from __future__ import annotations

import math
from pathlib import Path
from typing import SupportsFloat

import numpy as np
import pandas as pd

from scoring.batch import read_table
from scoring.batch_columns import classify_rows, map_columns
from scoring.batch_values import complete_columns, has_figure, read_columns
from scoring.errors import InputError
from scoring.fields import FIELDS, Value

__all__ = ["read_firm_row"]


def read_firm_row(path: Path) -> dict[str, Value] | None:
    """The figures of a table holding exactly one firm; None for more (raises InputError)."""
    df = read_table(path).reset_index(drop=True)
    df.columns = [str(c) for c in df.columns]
    report = map_columns(df)
    read, errors = read_columns(df, report.used)
    firms = np.flatnonzero(pd.isna(classify_rows(df, report, has_figure(read) | pd.notna(errors))))
    if len(firms) != 1:
        return None
    row = int(firms[0])
    one = {name: values[row : row + 1] for name, values in read.items()}
    _, checked = complete_columns(one, errors[row : row + 1], 1)  # ranges and shares, as the batch
    if checked[0] is not None:
        raise InputError(None, str(checked[0]))
    figures: dict[str, Value] = {}
    for name, values in one.items():
        value = values[0]
        if value is None or (isinstance(value, float) and math.isnan(value)):
            continue
        figures[name] = _engine_value(name, value)
    return figures


def _engine_value(name: str, value: object) -> Value:
    kind = FIELDS[name].kind
    if kind == "bool":
        return bool(value)
    if kind == "enum" or not isinstance(value, SupportsFloat):  # a number column holds numbers
        return str(value)
    number = round(float(value), 4)
    return int(number) if kind == "count" or number.is_integer() else number
