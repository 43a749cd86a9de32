"""The previous matplotlib chart renderer, kept only so bench_chart.py can compare it with Pillow."""

from __future__ import annotations

import io
from functools import cache
from importlib import resources
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from scoring.fields import FIELDS
from scoring.results import HighTechResult, ScoreResult, TechSmeResult

__all__ = ["cjk_font_path", "render_chart"]

_FONT_FILE = "NotoSansCJKsc-Regular.otf"
_COLORS = {"tech": "#2f6db5", "growth": "#2e9d6a", "support": "#d9822b"}
_STATUS = {"pass": ("#2e9d6a", "通过"), "fail": ("#c0392b", "未通过"), "needs_judgement": ("#999999", "需判断")}


def cjk_font_path() -> Path:
    """The CJK font file shipped inside the mplfonts package (never a host font)."""
    return Path(str(resources.files("mplfonts").joinpath("fonts", _FONT_FILE)))


@cache
def _font_name() -> str:
    path = cjk_font_path()
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


_DPI = {"dpi": 110}


def _figure(height: float) -> Figure:
    fig = Figure(figsize=(8, height), dpi=_DPI["dpi"])
    FigureCanvasAgg(fig)
    return fig


def _png(fig: Figure, tight: bool = True) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight" if tight else None)
    return buf.getvalue()


def _points_chart(result: ScoreResult) -> Figure:
    inds = list(reversed(result.indicators))
    fig = _figure(1.6 + 0.32 * len(inds))
    ax = fig.add_subplot(1, 1, 1)
    names = [FIELDS[i.field].short_label + ("（未提供）" if i.missing else "") for i in inds]
    ax.barh(names, [i.weight for i in inds], color="#e6e6e6", label="满分")
    ax.barh(names, [i.points for i in inds], color=[_COLORS.get(i.category, "#2f6db5") for i in inds], label="得分")
    for y, ind in enumerate(inds):
        ax.text(ind.weight + 0.2, y, f"{ind.points:.1f}/{ind.weight:.1f}", va="center", fontsize=8)
    total = "否决" if result.vetoed else f"{result.total:.2f} 分（{result.band}）"
    cats = "  ".join(f"{c.label} {c.points:.1f}/{c.max:.0f}" for c in result.categories)
    ax.set_title(f"{result.title}：{total}\n{result.stage_label}  {cats}", fontsize=11)
    ax.set_xlabel("分值")
    ax.set_xlim(0, max(i.weight for i in inds) * 1.35)
    handles = [Patch(color="#e6e6e6", label="满分")]
    handles += [Patch(color=_COLORS.get(c.id, "#2f6db5"), label=f"{c.label}得分") for c in result.categories]
    ax.legend(handles=handles, loc="lower right", fontsize=8)
    return fig


def _tech_sme_chart(result: TechSmeResult) -> Figure:
    fig = _figure(3.0)
    ax = fig.add_subplot(1, 1, 1)
    parts = list(reversed(result.parts))
    names = [p.label for p in parts]
    ax.barh(names, [p.max for p in parts], color="#e6e6e6", label="满分")
    ax.barh(names, [p.points for p in parts], color="#2f6db5", label="得分")
    for y, p in enumerate(parts):
        ax.text(p.max + 0.5, y, f"{p.points:.0f}/{p.max:.0f}", va="center", fontsize=9)
    verdict = "符合" if result.qualifies else "暂不符合"
    ax.set_title(f"{result.title}：{result.score:.0f} 分，{verdict}", fontsize=11)
    ax.set_xlim(0, max(p.max for p in parts) * 1.25)
    ax.legend(loc="lower right", fontsize=8)
    return fig


def _high_tech_chart(result: HighTechResult) -> Figure:
    checks = list(reversed(result.checks))
    fig = _figure(1.2 + 0.45 * len(checks))
    ax = fig.add_subplot(1, 1, 1)
    names = [c.label if len(c.label) <= 22 else c.label[:21] + "…" for c in checks]
    ax.barh(names, [1] * len(checks), color=[_STATUS[c.status][0] for c in checks])
    for y, c in enumerate(checks):
        ax.text(0.5, y, _STATUS[c.status][1], ha="center", va="center", color="white", fontsize=9)
    ax.set_xticks([])
    verdict = "可能满足硬性条件" if result.likely_meets else "尚未满足全部硬性条件"
    ax.set_title(f"{result.title}：{verdict}", fontsize=11)
    return fig


def render_chart(
    result: ScoreResult | TechSmeResult | HighTechResult, *, dpi: int = 110, tight: bool = True
) -> bytes:
    """A PNG of the result: indicator bars, sub-score bars or check statuses, labelled in Chinese."""
    _DPI["dpi"] = dpi
    name = _font_name()
    with matplotlib.rc_context({"font.family": [name], "axes.unicode_minus": False}):
        if isinstance(result, ScoreResult):
            fig = _points_chart(result)
        elif isinstance(result, TechSmeResult):
            fig = _tech_sme_chart(result)
        else:
            fig = _high_tech_chart(result)
        return _png(fig, tight)
