"""Workbooks that are not plain .xlsx (旧版与加密表格): a real Excel 97–2003 .xls (read with xlrd),
a password-protected workbook (named back: it cannot be opened without the password), a web page
or text saved under an .xls name; and the choice of sheet, said back when a workbook holds more
than one table of firms. Percent-formatted cells (5% shown, 0.05 stored) are read as percentages."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from scoring.batch_size import HEADER_SCAN, refuse_over
from scoring.errors import InputError

__all__ = ["LOCKED", "UNREADABLE", "WEB_PAGE", "content_kind", "percent_text", "pick_sheet", "xls_rows"]

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the compound file of .xls and of encrypted .xlsx
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
LOCKED = "文件 {name} 设有打开密码，无法读取：请在 Excel 中去掉密码（文件 → 信息 → 保护工作簿）并保存后再上传"
WEB_PAGE = "文件 {name} 实际是网页格式（系统导出的 .xls 常见），无法直接读取：请用 Excel 打开后另存为 .xlsx 再上传"
UNREADABLE = "无法读取文件 {name}：请另存为 .xlsx 或 .csv（UTF-8 或 GBK 编码）后重试"


def content_kind(head: bytes) -> str:
    """What the first bytes say the file is: 'zip' (xlsx), 'ole' (xls or encrypted), 'html' or 'text'."""
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(OLE):
        return "ole"
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<html", b"<!doctype", b"<table", b"<?xml", b"<meta", b"<head")):
        return "html"
    return "text"


def percent_text(value: Any, number_format: str | None) -> Any:
    """A number shown as a percentage ('0.0%') as the text the sheet shows ('4.2%'): never 0.042 %."""
    if isinstance(value, int | float) and not isinstance(value, bool) and number_format and "%" in number_format:
        return format(round(value * 100, 10), "f").rstrip("0").rstrip(".") + "%"
    return value


def pick_sheet(names: list[str], first_rows: Callable[[str], Iterable[list[Any]]],
               score: Callable[[list[Any]], int]) -> tuple[str, int | None, list[str]]:
    """The first sheet whose first rows hold a header (else the first sheet), the header's row
    and a note naming other sheets that hold firm columns too (they are not read, and said so)."""
    candidates = [n for n in names if n != "说明"] or names
    found: list[tuple[str, int]] = []
    for name in candidates:
        scores = [score(list(r)) for r in first_rows(name)]
        if scores and max(scores) > 0:
            found.append((name, max(range(len(scores)), key=lambda k: (scores[k], -k))))
    if not found:
        return candidates[0], None, []
    chosen, header_at = found[0]
    notes = []
    if len(found) > 1:
        others = "、".join(f"“{n}”" for n, _ in found[1:])
        notes.append(f"工作簿中有 {len(found)} 张企业数据表，只读取了第一张“{chosen}”；未读取：{others}"
                     "（如需一起排名，请合并到一张表，或分别上传）")
    return chosen, header_at, notes


def xls_rows(path: Path, data: bytes, max_rows: int | None,
             score: Callable[[list[Any]], int]) -> tuple[list[list[Any]], list[str]]:
    """The cells of an Excel 97–2003 workbook's table sheet (blank cells None) and sheet notes."""
    if _ENCRYPTED in data:
        raise InputError(None, LOCKED.format(name=path.name))
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True)
    except xlrd.XLRDError as exc:
        message = LOCKED if "encrypt" in str(exc).lower() else UNREADABLE
        raise InputError(None, message.format(name=path.name)) from None
    except Exception:  # a broken compound file raises many types: all mean "not readable"
        raise InputError(None, UNREADABLE.format(name=path.name)) from None
    try:
        def rows_of(name: str, limit: int | None = None) -> list[list[Any]]:
            sheet = book.sheet_by_name(name)
            count = sheet.nrows if limit is None else min(limit, sheet.nrows)
            return [[_xls_cell(book, sheet, i, j) for j in range(sheet.ncols)] for i in range(count)]

        chosen, header_at, notes = pick_sheet(book.sheet_names(), lambda n: rows_of(n, HEADER_SCAN), score)
        if max_rows is not None:
            refuse_over(book.sheet_by_name(chosen).nrows, header_at, max_rows)
        return rows_of(chosen), notes
    except InputError:
        raise
    except Exception:
        raise InputError(None, UNREADABLE.format(name=path.name)) from None
    finally:
        book.release_resources()


def _xls_cell(book: Any, sheet: Any, i: int, j: int) -> Any:
    """One .xls cell: text, a number (a percentage as its text), True/False, or None when empty."""
    import xlrd

    cell = sheet.cell(i, j)
    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    if cell.ctype == xlrd.XL_CELL_ERROR:
        return "#错误值"
    if cell.ctype == xlrd.XL_CELL_NUMBER:
        fmt = book.format_map.get(book.xf_list[cell.xf_index].format_key)
        return percent_text(cell.value, fmt.format_str if fmt is not None else None)
    return cell.value
