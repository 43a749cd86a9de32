"""Reading an administrator's spreadsheet (读取表格): CSV (UTF-8 or GBK) or XLSX, header found.

The header is the row (among the first few) that names the most fields, so a title line,
two header rows or merged group cells above the real header are read correctly; a blank
header cell under a merged cell takes the name above it. Failures are one Chinese sentence.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd

from scoring.batch_columns import header_score
from scoring.batch_size import HEADER_SCAN, csv_text, refuse_over, sheet_rows
from scoring.batch_xls import UNREADABLE, WEB_PAGE, content_kind, percent_text, pick_sheet, xls_rows
from scoring.errors import InputError

__all__ = ["MAX_BYTES", "read_table", "table_from_rows"]

MAX_BYTES = 50 * 2**20
"""A table of 100,000 firms is ~15 MB; anything much larger is not a firm list."""
_UNREADABLE = UNREADABLE
_UNIT_CELL = re.compile(r"[（(]?\s*(?:单位[:：]?)?\s*(?:百万元|千元|万元|亿元|元|人|名|件|个|项|次|%|年)\s*[)）]?")
_TITLE_UNIT = re.compile(r"单位\s*[:：]\s*(百万元|千元|万元|亿元|元)")
_PERCENT_STYLE = re.compile(rb'numFmtId="(?:9|10)"|formatCode="[^"]*%')


def read_table(path: Path, max_rows: int | None = None) -> pd.DataFrame:
    """The firm table of a CSV or XLSX file; attrs['first_row'] is the sheet row of its first data row.

    max_rows: a sheet with more rows under its header is refused (InputError) before its cells
    are parsed."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx", ".xlsm", ".xls"):
        raise InputError(None, f"不支持的文件格式：{suffix or '无扩展名'}（请用 .xlsx、.xls 或 .csv）")
    if not path.is_file():
        raise InputError(None, f"找不到文件：{path}")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise InputError(None, f"文件 {path.name} 太大（{size / 2**20:.0f} MB，上限 {MAX_BYTES // 2**20} MB），请拆分后再评分")
    if size == 0:
        raise InputError(None, f"文件 {path.name} 是空的")
    with path.open("rb") as handle:
        kind = content_kind(handle.read(512))
    if kind == "html":
        raise InputError(None, WEB_PAGE.format(name=path.name))
    if kind == "text" and suffix in (".csv", ".xls"):  # a system's "xls" export is often tab-separated text
        return _under_header(_csv_table(path))
    if kind == "ole":
        rows, notes = xls_rows(path, path.read_bytes(), max_rows, header_score)
    else:
        rows, notes = _xlsx_rows(path, max_rows)
    df = table_from_rows(rows)
    df.attrs["notes"] = notes
    return df


def _csv_table(path: Path) -> pd.DataFrame:
    """All cells as text (pandas' C parser), no header yet; blanks stay ''."""
    text = csv_text(path.read_bytes())
    if text is None:
        raise InputError(None, _UNREADABLE.format(name=path.name))
    try:
        delimiter = csv.Sniffer().sniff(text[:8192], delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    try:
        return pd.read_csv(io.StringIO(text), sep=delimiter, header=None, dtype=str, keep_default_na=False,
                           skip_blank_lines=False, engine="c")
    except (ValueError, pd.errors.ParserError):
        try:  # ragged rows (a title line, notes below the table): the csv module pads them
            rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
        except csv.Error:
            raise InputError(None, _UNREADABLE.format(name=path.name)) from None
        width = max((len(r) for r in rows), default=0)
        return pd.DataFrame([r + [""] * (width - len(r)) for r in rows], dtype=object)


def _xlsx_rows(path: Path, max_rows: int | None) -> tuple[list[list[Any]], list[str]]:
    """The cells of the first sheet whose first rows hold a header (else of the first sheet), and
    a note on other sheets of firms left unread; percent-formatted numbers as '4.2%'."""
    from openpyxl import load_workbook

    handle = path.open("rb")  # a file, not a name: openpyxl refuses an .xlsx saved as '.xls' by its name
    try:
        book = load_workbook(handle, read_only=True, data_only=True)
    except Exception:  # a broken workbook raises many zip/lxml/openpyxl types: all mean "not readable"
        handle.close()
        raise InputError(None, _UNREADABLE.format(name=path.name)) from None
    try:
        chosen, header_at, notes = pick_sheet(
            book.sheetnames, lambda name: book[name].iter_rows(max_row=HEADER_SCAN, values_only=True), header_score
        )
        if max_rows is not None:
            refuse_over(sheet_rows(path.read_bytes()).get(chosen, 0), header_at, max_rows)
        sheet = book[chosen]
        sheet.reset_dimensions()  # a wrong <dimension> tag must not cut rows off
        if _percent_styles(path):
            rows = [[percent_text(c.value, getattr(c, "number_format", None)) for c in r] for r in sheet.iter_rows()]
        else:
            rows = [list(r) for r in sheet.iter_rows(min_row=1, values_only=True)]
        if header_at is not None:
            _formulas_computed(path, chosen, rows)
        return rows, notes
    except InputError:
        raise
    except Exception:
        raise InputError(None, _UNREADABLE.format(name=path.name)) from None
    finally:
        book.close()
        handle.close()


def _best(scores: list[int]) -> int:
    """The header row among the first rows: the one naming the most fields, the first on a tie."""
    return max(range(len(scores)), key=lambda k: (scores[k], -k))


def _formulas_computed(path: Path, sheet: str, values: list[list[Any]]) -> None:
    """Refuse formulas without a saved result (a sheet written by a script, never opened in Excel)."""
    from openpyxl import load_workbook

    if not _has_formulas(path):
        return
    handle = path.open("rb")
    book = load_workbook(handle, read_only=True, data_only=False)
    try:
        for i, row in enumerate(book[sheet].iter_rows(min_row=1, values_only=True)):
            for j, cell in enumerate(row):
                if isinstance(cell, str) and cell.startswith("=") and (
                    i >= len(values) or j >= len(values[i]) or values[i][j] is None
                ):
                    raise InputError(
                        None,
                        f"第 {i + 1} 行第 {j + 1} 列是公式但没有计算结果：请用 Excel 打开并保存后再上传，或把公式粘贴为数值",
                    )
    finally:
        book.close()
        handle.close()


def _percent_styles(path: Path) -> bool:
    """Whether the workbook has a percentage number format (then cells are read with their format)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return bool(_PERCENT_STYLE.search(archive.read("xl/styles.xml")))
    except (KeyError, zipfile.BadZipFile, OSError):
        return False


def _has_formulas(path: Path) -> bool:
    """Whether any worksheet XML holds a formula element (a cheap scan before a second parse)."""
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                continue
            tail = b""
            with archive.open(name) as member:
                while chunk := member.read(1 << 20):
                    if b"<f>" in tail + chunk or b"<f " in tail + chunk:
                        return True
                    tail = chunk[-4:]
    return False


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def table_from_rows(rows: list[list[Any]]) -> pd.DataFrame:
    """A DataFrame under the detected header row; blank header cells take the merged name above."""
    rows = [r for r in rows]
    if not any(any(_text(v) for v in r) for r in rows):
        raise InputError(None, "表格是空的：没有找到表头和数据")
    width = max(len(r) for r in rows)
    rows = [list(r) + [None] * (width - len(r)) for r in rows]
    at = _best([header_score(r) for r in rows[:HEADER_SCAN]])
    header = [_text(v) for v in rows[at]]
    if at > 0:
        above = [_text(v) for v in rows[at - 1]]
        header = [h or a for h, a in zip(header, above, strict=True)]
    below = _sub_header(header, rows[at + 1]) if at + 1 < len(rows) else None
    if below is not None:
        header, at = below, at + 1
    names = _unique(header)
    df = pd.DataFrame(rows[at + 1 :], columns=names, dtype=object)
    df.attrs["first_row"] = at + 2
    unit = next((m.group(1) for r in rows[:at] for v in r if (m := _TITLE_UNIT.search(_text(v)))), None)
    if unit is not None:
        df.attrs["money_unit"] = unit
    return df


def _sub_header(groups: list[str], row: list[Any]) -> list[str] | None:
    """Two header rows — a merged group ('营业收入（万元）') over its parts ('2025年', '2024年') —
    as one ('营业收入（万元）·2025年'), when that names more fields; None when the row is data."""
    subs = [_text(v) for v in row]
    if not any(subs) or any(isinstance(v, int | float) or _number(_text(v)) for v in row):
        return None
    units = all(_UNIT_CELL.fullmatch(sub) for sub in subs if sub)  # a row of units under the names
    out, group = [], ""
    for name, sub in zip(groups, subs, strict=True):
        group = name or group  # a merged group cell is blank after its first column
        if not sub:
            out.append(name)
        elif units:
            out.append(f"{name}（{sub.strip('（）() ')}）" if name else sub)
        elif header_score([sub]) or not group:
            out.append(sub)
        else:
            out.append(f"{group}·{sub}")
    return out if units or header_score(out) > header_score(groups) else None


def _number(text: str) -> bool:
    try:
        float(text.replace(",", ""))
    except ValueError:
        return False
    return True


def _under_header(raw: pd.DataFrame) -> pd.DataFrame:
    """table_from_rows for a frame already parsed: the header found in the first rows."""
    if raw.empty:
        raise InputError(None, "表格是空的：没有找到表头和数据")
    head = table_from_rows(raw.head(HEADER_SCAN + 1).values.tolist())
    at = int(head.attrs["first_row"]) - 1  # 0-based index of the first data row
    df = raw.iloc[at:].reset_index(drop=True)
    df.columns = list(head.columns)
    df.attrs["first_row"] = at + 1
    if "money_unit" in head.attrs:
        df.attrs["money_unit"] = head.attrs["money_unit"]
    return df


def _unique(header: list[str]) -> list[str]:
    """Column names: blanks named by position; a repeated name is an error, not a silent pick."""
    out: list[str] = []
    for j, name in enumerate(header):
        if not name:
            out.append(f"（第{j + 1}列，无列名）")
        elif name in out:
            raise InputError(None, f"列名“{name}”出现了两次，请改名或删除其中一列")
        else:
            out.append(name)
    return out
