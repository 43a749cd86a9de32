"""Result charts (图表): small phone-sized PNGs drawn with Pillow in the bundled Noto Sans CJK font.

Bars are plain rectangles, so a chart costs a few milliseconds instead of matplotlib's ~0.3 s;
bench/bench_chart.py measures both side by side.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from scoring.fields import FIELDS
from scoring.results import HighTechResult, IndicatorScore, Result, ScoreResult, TechSmeResult

__all__ = ["WIDTH", "Bar", "cjk_font_path", "render_chart"]

_FONT_FILE = "NotoSansCJKsc-Regular.otf"
WIDTH = 720  # px: sharp on a phone, small as a PNG
_PAD = 18
_ROW = 32
_BAR = 20
_LABEL_W = 250
_VALUE_W = 84
_TITLE, _TEXT, _SMALL = 22, 17, 14
_INK, _MUTED, _TRACK, _WHITE = "#222222", "#666666", "#e6e6e6", "#ffffff"
_COLORS = {"tech": "#2f6db5", "growth": "#2e9d6a", "support": "#d9822b"}
_STATUS = {"pass": ("#2e9d6a", "通过"), "fail": ("#c0392b", "未通过"), "needs_judgement": ("#999999", "需判断")}
_MISSING = "（未提供）"
_EMPTY = "（暂无可显示的指标）"
_MAX_ROWS = 60  # a rule set with more rows is cut with a note, never an endless image
_lock = threading.Lock()  # FreeType faces are not safe to share between threads


@dataclass(frozen=True)
class Bar:
    """One row: a label, a filled part of a track, the text at its end, the fill colour."""

    label: str
    value: float
    full: float
    note: str
    color: str


def cjk_font_path() -> Path:
    """The CJK font file shipped inside the mplfonts package (never a host font)."""
    return Path(str(resources.files("mplfonts").joinpath("fonts", _FONT_FILE)))


@cache
def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(cjk_font_path()), size)


@lru_cache(maxsize=4096)
def _stamp(text: str, size: int, anchor: str) -> tuple[Image.Image, int, int]:
    """The text rendered once as a mask (labels repeat from chart to chart) and its offset."""
    font = _font(size)
    left, top, right, bottom = font.getbbox(text, anchor=anchor)
    mask = Image.new("L", (max(int(right - left), 1), max(int(bottom - top), 1)), 0)
    ImageDraw.Draw(mask).text((-left, -top), text, font=font, fill=255, anchor=anchor)
    return mask, int(left), int(top)


def _palette() -> Image.Image:
    """Every colour a chart uses, with anti-aliasing ramps between text and its backgrounds."""
    inks = [_INK, _MUTED, _WHITE, *_COLORS.values(), *(c for c, _ in _STATUS.values())]
    backs = [_WHITE, _TRACK, *(c for c, _ in _STATUS.values())]
    colors: list[tuple[int, int, int]] = []
    for ink in inks:
        for back in backs:
            a, b = _rgb(ink), _rgb(back)
            for step in range(1, 8):
                colors.append(_blend(a, b, step / 8))
    flat = [_rgb(c) for c in (*inks, *backs)]
    unique = list(dict.fromkeys(flat + colors))[:256]
    image = Image.new("P", (1, 1))
    image.putpalette([v for c in unique for v in c])
    return image


def _blend(a: tuple[int, int, int], b: tuple[int, int, int], t: float) -> tuple[int, int, int]:
    return round(a[0] + (b[0] - a[0]) * t), round(a[1] + (b[1] - a[1]) * t), round(a[2] + (b[2] - a[2]) * t)


def _rgb(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


@lru_cache(maxsize=4096)
def _fit(text: str, size: int, width: float) -> str:
    """The text, cut with "…" so it fits in width pixels."""
    font = _font(size)
    if font.getlength(text) <= width:
        return text
    lo, hi = 0, len(text)
    while lo < hi:  # the longest prefix that fits with the ellipsis
        mid = (lo + hi + 1) // 2
        if font.getlength(text[:mid] + "…") <= width:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo] + "…"


def _wrap(text: str, size: int, width: float, max_lines: int = 3) -> list[str]:
    """Character-wrapped lines (Chinese has no spaces to break at); the last one cut with "…"."""
    font, lines, line = _font(size), [], ""
    if font.getlength(text) <= width:
        return [text]
    for ch in text:
        if font.getlength(line + ch) > width and line:
            lines.append(line)
            line = ""
        line += ch
    lines.append(line)
    if len(lines) > max_lines:
        lines = [*lines[:max_lines - 1], _fit("".join(lines[max_lines - 1:]), size, width)]
    return lines


def _num(value: float) -> str:
    return f"{value:.1f}"


class _Canvas:
    """A white image drawn top to bottom: titles, bar rows, a legend."""

    def __init__(self, titles: list[tuple[str, int]], rows: int, legend: bool) -> None:
        self.titles = [(line, size) for text, size in titles for line in _wrap(text, size, WIDTH - 2 * _PAD)]
        title_h = sum(size + 10 for _, size in self.titles)
        height = _PAD + title_h + 8 + max(rows, 1) * _ROW + (_ROW if legend else 0) + _PAD
        self.image = Image.new("RGB", (WIDTH, height), _WHITE)
        self.draw = ImageDraw.Draw(self.image)
        self.y = _PAD

    def text(self, xy: tuple[float, float], text: str, size: int, fill: str, anchor: str) -> None:
        """Paste the cached mask of the text in its colour (drawing it anew costs ~0.3 ms)."""
        mask, dx, dy = _stamp(text, size, anchor)
        self.image.paste(fill, (int(xy[0]) + dx, int(xy[1]) + dy), mask)

    def heading(self) -> None:
        for line, size in self.titles:
            color = _INK if size == _TITLE else _MUTED
            self.text((WIDTH // 2, self.y), line, size, color, "mt")
            self.y += size + 10
        self.y += 8

    def note(self, text: str) -> None:
        self.text((_PAD, self.y + _ROW // 2), text, _TEXT, _MUTED, "lm")
        self.y += _ROW

    def bars(self, bars: Sequence[Bar]) -> None:
        """Label column, grey track for the maximum, coloured fill for the points, value text."""
        track_w = WIDTH - 2 * _PAD - _LABEL_W - _VALUE_W
        scale = track_w / max((max(b.full, b.value) for b in bars), default=1.0) if bars else 0
        if scale <= 0 or scale != scale:  # all maxima zero (or NaN): draw empty tracks
            scale = 0.0
        x0 = _PAD + _LABEL_W
        for bar in bars:
            mid = self.y + _ROW // 2
            label = _fit(bar.label, _TEXT, _LABEL_W - 10)
            self.text((x0 - 10, mid), label, _TEXT, _INK, "rm")
            top, bottom = mid - _BAR // 2, mid + _BAR // 2
            full = x0 + max(bar.full, 0.0) * scale
            self.draw.rectangle((x0, top, max(full, x0 + 1), bottom), fill=_TRACK)
            if bar.value > 0:
                self.draw.rectangle((x0, top, x0 + min(bar.value, bar.full or bar.value) * scale, bottom), fill=bar.color)
            self.text((full + 8, mid), bar.note, _SMALL, _INK, "lm")
            self.y += _ROW

    def pills(self, rows: Sequence[tuple[str, str, str]]) -> None:
        """Label column and a coloured status pill (label, colour, status text) per row."""
        label_w = WIDTH - 2 * _PAD - 120
        for label, color, status in rows:
            mid = self.y + _ROW // 2
            text = _fit(label, _TEXT, label_w - 10)
            self.text((_PAD, mid), text, _TEXT, _INK, "lm")
            box = (WIDTH - _PAD - 110, mid - _BAR // 2 - 2, WIDTH - _PAD, mid + _BAR // 2 + 2)
            self.draw.rounded_rectangle(box, radius=6, fill=color)
            centre = ((box[0] + box[2]) // 2, mid)
            self.text(centre, status, _SMALL, _WHITE, "mm")
            self.y += _ROW

    def legend(self, items: Sequence[tuple[str, str]]) -> None:
        x, mid = _PAD + _LABEL_W, self.y + _ROW // 2
        for color, label in items:
            self.draw.rectangle((x, mid - 7, x + 14, mid + 7), fill=color)
            self.text((x + 20, mid), label, _SMALL, _MUTED, "lm")
            x += 20 + int(_font(_SMALL).getlength(label)) + 18
        self.y += _ROW

    def png(self) -> bytes:
        """A palette PNG: flat colours and anti-aliased text fit a fixed palette, a third the bytes."""
        image = self.image.quantize(palette=_PALETTE, dither=Image.Dither.NONE)
        buf = io.BytesIO()
        image.save(buf, format="PNG", compress_level=6)
        return buf.getvalue()


_PALETTE = _palette()


def _indicator_label(ind: IndicatorScore) -> str:
    spec = FIELDS.get(ind.field)
    name = spec.short_label if spec is not None else (ind.label or ind.field)
    return name + (_MISSING if ind.missing else "")


def _rows_with_note(count: int) -> tuple[int, str | None]:
    if count > _MAX_ROWS:
        return _MAX_ROWS, f"（另有 {count - _MAX_ROWS} 项未画出）"
    return count, None


def _points_chart(result: ScoreResult) -> bytes:
    total = "否决" if result.vetoed else f"{result.total:.2f} 分（{result.band}）"
    cats = "  ".join(f"{c.label} {c.points:.1f}/{c.max:.0f}" for c in result.categories)
    shown, extra = _rows_with_note(len(result.indicators))
    bars = [
        Bar(_indicator_label(i), i.points, i.weight, f"{_num(i.points)}/{_num(i.weight)}",
            _COLORS.get(i.category, "#2f6db5"))
        for i in result.indicators[:shown]
    ]
    subtitle = f"{result.stage_label}  {cats}".strip()
    canvas = _Canvas([(f"{result.title}：{total}", _TITLE), (subtitle, _SMALL)],
                     len(bars) + (1 if extra or not bars else 0), legend=True)
    canvas.heading()
    canvas.bars(bars)
    if extra or not bars:
        canvas.note(extra or _EMPTY)
    legend = [(_TRACK, "满分")] + [(_COLORS.get(c.id, "#2f6db5"), f"{c.label}得分") for c in result.categories]
    canvas.legend(legend)
    return canvas.png()


def _tech_sme_chart(result: TechSmeResult) -> bytes:
    verdict = "符合" if result.qualifies else "暂不符合"
    bars = [Bar(p.label, p.points, p.max, f"{p.points:.0f}/{p.max:.0f}", "#2f6db5") for p in result.parts]
    canvas = _Canvas([(f"{result.title}：{result.score:.0f} 分，{verdict}", _TITLE)],
                     len(bars) + (0 if bars else 1), legend=True)
    canvas.heading()
    canvas.bars(bars)
    if not bars:
        canvas.note(_EMPTY)
    canvas.legend([(_TRACK, "满分"), ("#2f6db5", "得分")])
    return canvas.png()


def _high_tech_chart(result: HighTechResult) -> bytes:
    verdict = "可能满足硬性条件" if result.likely_meets else "尚未满足全部硬性条件"
    shown, extra = _rows_with_note(len(result.checks))
    rows = [(c.label, *_STATUS.get(c.status, _STATUS["needs_judgement"])) for c in result.checks[:shown]]
    canvas = _Canvas([(f"{result.title}：{verdict}", _TITLE)], len(rows) + (1 if extra or not rows else 0),
                     legend=False)
    canvas.heading()
    canvas.pills(rows)
    if extra or not rows:
        canvas.note(extra or _EMPTY)
    return canvas.png()


def render_chart(result: Result) -> bytes:
    """A PNG of the result: indicator bars, sub-score bars or check statuses, labelled in Chinese."""
    with _lock:
        if isinstance(result, ScoreResult):
            return _points_chart(result)
        if isinstance(result, TechSmeResult):
            return _tech_sme_chart(result)
        return _high_tech_chart(result)
