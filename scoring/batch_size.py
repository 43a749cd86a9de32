"""How many rows an uploaded table holds (表格行数), counted without parsing its cells.

A 10,000-row sheet took seconds to parse only to be refused for its size; these counts take
milliseconds (no pandas, no openpyxl): a CSV through the csv module, an XLSX from its sheet's
<dimension> tag, or, when that tag is missing or says too many, by counting the <row> elements
of the sheet's XML as it unzips. A count is used to refuse, never to read: the full read still
checks the rows it got.
"""

from __future__ import annotations

import csv
import io
import posixpath
import re
import zipfile
from xml.etree import ElementTree

from scoring.errors import InputError

__all__ = ["HEADER_SCAN", "TOO_MANY_ROWS", "csv_text", "refuse_large", "refuse_over", "sheet_rows", "table_rows"]

HEADER_SCAN = 10
"""The header is looked for among this many first rows."""
TOO_MANY_ROWS = "表格约有 {rows} 行数据，超过 {limit} 行的上限，请拆分成多个文件后分别上传"
NOTES_SHEET = "说明"
_DIMENSION = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?dimension\s+ref=\"[A-Z]*\d*(?::[A-Z]*(\d+))?\"")
_ROW = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
_LONGEST_TAG = 64  # a <row> start tag (with a namespace prefix) fits in this many bytes
_CHUNK = 1 << 20
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def csv_text(data: bytes) -> str | None:
    """A CSV's text: UTF-8 (with or without BOM) or GBK/GB18030 (Excel on a Chinese Windows)."""
    if b"\x00" in data[:4096]:
        return None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def refuse_large(data: bytes, suffix: str, limit: int) -> None:
    """InputError, in milliseconds, for an uploaded file that surely has more than limit rows."""
    rows = table_rows(data, suffix, limit + HEADER_SCAN)
    if rows is not None:
        refuse_over(rows, None, limit)


def table_rows(data: bytes, suffix: str, limit: int | None = None) -> int | None:
    """Rows of the table, at least (every candidate sheet of a workbook holds this many), or
    None when the file cannot be counted (the full read then names what is wrong with it).
    limit: see sheet_rows."""
    if suffix.lower() == ".csv":
        text = csv_text(data)
        return None if text is None else _csv_rows(text)
    counts = sheet_rows(data, limit)
    if not counts:
        return None
    named = {name: rows for name, rows in counts.items() if name != NOTES_SHEET} or counts
    return min(named.values())


def refuse_over(rows: int, header_at: int | None, limit: int) -> None:
    """InputError when the rows under the header are more than limit; header_at (0-based) None
    means unknown: the header may be as low as the last row scanned for it."""
    below = rows - 1 - (header_at or 0)  # the rows under a header in the first row
    if below - (HEADER_SCAN - 1 if header_at is None else 0) > limit:
        raise InputError(None, TOO_MANY_ROWS.format(rows=below, limit=limit))


def sheet_rows(data: bytes, limit: int | None = None) -> dict[str, int]:
    """Each worksheet's row count by name (empty when the file is not a readable workbook).

    With a limit, a sheet whose <dimension> says it is within it is taken at its word (the
    full read counts again); otherwise its <row> elements are counted."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return {name: _count(archive, part, limit) for name, part in _sheet_parts(archive)}
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError, ElementTree.ParseError):
        return {}


def _csv_rows(text: str) -> int:
    """Records, as the csv module splits them (a quoted cell may hold a line break)."""
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    try:
        return sum(1 for _ in csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error:
        return text.count("\n") + 1


def _sheet_parts(archive: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(sheet name, XML part) in the workbook's order, from workbook.xml and its relationships."""
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_RELS}Relationship")}
    parts = []
    for sheet in book.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(_REL_ID))
        if target:
            part = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
            parts.append((sheet.get("name", ""), posixpath.normpath(part)))
    return parts


def _count(archive: zipfile.ZipFile, part: str, limit: int | None) -> int:
    """The sheet's rows: its dimension's last row when within limit, else its <row> elements."""
    found = 0
    carry = b""
    with archive.open(part) as member:
        first = True
        while chunk := member.read(_CHUNK):
            buffer = carry + chunk
            if first and limit is not None:
                dimension = _DIMENSION.search(buffer)
                if dimension and dimension.group(1) and int(dimension.group(1)) <= limit:
                    return int(dimension.group(1))
            first = False
            edge = len(buffer) - _LONGEST_TAG  # a tag starting past it is counted with the next chunk
            found += sum(1 for m in _ROW.finditer(buffer) if m.start() < edge)
            carry = buffer[max(edge, 0):]
    return found + len(_ROW.findall(carry))
