"""The one-page self-assessment report (XLSX) a manager forwards to a bank or the zone."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from typing import Any

from bot.channels.web.config import text
from bot.channels.web.verdicts import Verdict

__all__ = ["ReportContent", "build_report"]


@dataclass(frozen=True)
class ReportContent:
    """What goes on the page: headline lines, verdicts, suggestions, chart, disclaimer."""

    title: str
    firm_name: str
    summary: Sequence[str]
    verdicts: Sequence[Verdict]
    suggestions: Sequence[str]
    disclaimer: str
    chart_png: bytes | None
    on: date


def _write_rows(sheet: Any, content: ReportContent) -> int:
    """Text rows top-down; returns the next free row."""
    from openpyxl.styles import Alignment, Font, PatternFill

    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    sheet.append([text("assess.report_title") + "：" + content.title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([f"企业：{content.firm_name or '（未填写）'}", "", "", f"日期：{content.on.isoformat()}"])
    sheet.append([])
    for line in content.summary:
        sheet.append([line])
    if content.verdicts:
        sheet.append([])
        sheet.append(["条件", "结论", "本企业", "要求", "差距"])
        header = sheet.max_row
        for cell in sheet[header]:
            cell.font = bold
            cell.fill = PatternFill("solid", fgColor="E8EEF7")
        for v in content.verdicts:
            sheet.append([v.label, v.status_label, v.value, v.threshold, v.gap])
            for cell in sheet[sheet.max_row]:
                cell.alignment = wrap
    if content.suggestions:
        sheet.append([])
        sheet.append(["建议"])
        sheet.cell(sheet.max_row, 1).font = bold
        for item in content.suggestions:
            sheet.append([f"· {item}"])
    sheet.append([])
    for line in (text("assess.note"), content.disclaimer):
        sheet.append([line])
        sheet.cell(sheet.max_row, 1).font = Font(italic=True, color="7A4B00")
    return int(sheet.max_row) + 2


def build_report(content: ReportContent) -> bytes:
    """An A4 portrait workbook fitted to one page, with the chart beside the table."""
    from openpyxl import Workbook
    from openpyxl.drawing.image import Image

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "自评报告"
    for column, width in zip("ABCDE", (30, 10, 14, 16, 30), strict=True):
        sheet.column_dimensions[column].width = width
    next_row = _write_rows(sheet, content)
    if content.chart_png:
        image = Image(BytesIO(content.chart_png))
        scale = 520 / max(image.width, 1)
        image.width, image.height = int(image.width * scale), int(image.height * scale)
        sheet.add_image(image, f"A{next_row}")
    sheet.page_setup.orientation = "portrait"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 1
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    out = BytesIO()
    book.save(out)
    return out.getvalue()
