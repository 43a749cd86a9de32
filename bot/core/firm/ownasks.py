"""What a manager asks about his OWN figures, his result's own lines and the bot itself (ownasks.yaml):
"营收多少来着", "未填写的14项是哪些", "辅助指标是什么", "这个分准吗", "跟同行比怎么样", "数据存在哪".
Answered from the profile, the last result and plain texts; never from policy excerpts."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from bot.core.estimate.port import FigureError
from bot.core.firm.record import FirmRecord
from bot.core.texts import Texts
from bot.core.types import Reply
from scoring.gaps import fmt_number
from scoring.loader import load_rule_set
from scoring.model import PointsRuleSet
from scoring.results import IndicatorScore, ScoreResult

if TYPE_CHECKING:
    from bot.core.firm.desk import FirmDesk

__all__ = ["answer_own", "load_own", "recalls"]

_AFTER_RESULT = ("trust", "bank", "peers", "bands", "missing", "category")  # only about a result already given


@lru_cache(maxsize=1)
def load_own() -> Texts:
    """The bundled ownasks.yaml."""
    return Texts.load("bot.core.firm", "ownasks.yaml")


def _kind(text: str, t: Texts) -> str | None:
    for kind in t.words("order"):
        if any(w in text for w in t.words(f"words.{kind}")):
            return kind
    return None


def recalls(text: str) -> bool:
    """"营收多少来着": a figure asked back, so "那研发费用呢" next asks the same of that figure."""
    return _kind(text, load_own()) == "recall"


async def answer_own(desk: FirmDesk, record: FirmRecord, text: str, named: list[str]) -> list[Reply] | None:
    """The answer to a question about the firm's own figures/result or about the bot, or None.
    named: the fields the message names ("营收" -> revenue)."""
    t = load_own()
    kind = _kind(text, t)
    if kind is None or (kind in _AFTER_RESULT and record.context.last_check is None):
        return None
    if kind in ("privacy", "admin", "version", "bank"):
        return [Reply(text=t.get(f"texts.{kind}"))]
    if kind == "recall":
        return None if any(w in text for w in t.words("recall_not")) and not named else _recall(desk, record, named, t)
    result = await _points(desk, record)
    if kind == "trust":
        return [Reply(text=_trust(desk, record, t))]
    if kind in ("peers", "bands"):
        return _bands(desk, result, text, t, kind)
    if result is None:
        return None
    return _missing(result, t) if kind == "missing" else _category(result, text, t)


def _bands(desk: FirmDesk, result: ScoreResult | None, text: str, t: Texts, kind: str) -> list[Reply] | None:
    """The model's bands (and where the firm stands); for peers, first what cannot be known."""
    rs = load_rule_set(desk.vocab.get("generic_check"))
    if not isinstance(rs, PointsRuleSet):
        return None
    labels = [label for _, label in rs.bands]
    if kind == "bands" and not any(label in text for label in labels):
        return None  # "这是什么意思": not about a band
    steps = [t.get("texts.band_step", min=fmt_number(m), label=label) if m is not None
             else t.get("texts.band_rest", label=label) for m, label in rs.bands]
    here = t.get("texts.peers_bands", bands="、".join(steps), total=fmt_number(result.total), band=result.band) \
        if result is not None and result.total is not None and result.band else ""
    head = [t.get("texts.peers")] if kind == "peers" else []
    return [Reply(text="\n".join(x for x in (*head, here or "、".join(steps), t.get("texts.bands_note")) if x))]


def _trust(desk: FirmDesk, record: FirmRecord, t: Texts) -> str:
    """The points model is an estimate; a qualification check is a self-check of public thresholds."""
    check = record.context.last_check or desk.default_check
    if desk.vocab.is_generic(check):
        return t.get("texts.trust")
    return t.get("texts.trust_check", name=desk.vocab.lookup("check_names", check))


async def _points(desk: FirmDesk, record: FirmRecord) -> ScoreResult | None:
    """The points estimate of the profile (the result's lines), or None when it cannot be made."""
    if not record.fields:
        return None
    try:
        assessment, _ = await desk.assess(record.figures, desk.vocab.get("generic_check"))
    except FigureError:
        return None
    return assessment.result if isinstance(assessment.result, ScoreResult) else None


def _recall(desk: FirmDesk, record: FirmRecord, named: list[str], t: Texts) -> list[Reply]:
    """The named figures from the profile (all of them when none is named); those not held said so."""
    if not record.fields:
        return [Reply(text=t.get("texts.recall_empty"))]
    shown = [n for n in named if n in record.fields] if named else list(record.fields)
    absent = [n for n in named if n not in record.fields]
    lines = [t.get("texts.recall_header")] if shown else []
    lines += [t.get("texts.recall_line", label=desk.label(n), value=desk.shown(n, record.fields[n].value))
              for n in shown]
    if absent:
        labels = "、".join(desk.label(n) for n in absent)
        lines.append(t.get("texts.recall_none", labels=labels, example=f"{desk.label(absent[0])}…"))
    if named and len(record.fields) > len(shown):
        lines.append(t.get("texts.recall_more", count=len(record.fields)))
    return [Reply(text="\n".join(lines))]


def _missing(r: ScoreResult, t: Texts) -> list[Reply]:
    """The indicators left empty, biggest maximum first."""
    empty = sorted((i for i in r.indicators if i.missing and i.weight > 0), key=lambda i: -i.weight)
    if not empty:
        return [Reply(text=t.get("texts.missing_none"))]
    n = int(t.raw("missing_shown"))
    lines = [t.get("texts.missing_header", count=len(empty), points=fmt_number(round(r.missing_potential)))]
    lines += [t.get("texts.missing_line", label=i.label, weight=fmt_number(round(i.weight, 2))) for i in empty[:n]]
    if len(empty) > n:
        lines.append(t.get("texts.missing_more", count=len(empty) - n, weight=fmt_number(round(empty[n].weight, 2))))
    lines.append(t.get("texts.missing_tail"))
    return [Reply(text="\n".join(lines))]


def _category(r: ScoreResult, text: str, t: Texts) -> list[Reply] | None:
    """One category's indicators with the firm's points ("辅助指标是什么"); None when none is named."""
    named = [c for c in r.categories if c.label in text]
    if not named:
        return None
    c = max(named, key=lambda c: len(c.label))
    lines = [t.get("texts.category_header", label=c.label, stage=r.stage_label, max=fmt_number(round(c.max, 2)),
                   points=fmt_number(round(c.points, 2)))]
    lines += [t.get("texts.category_line", label=i.label, shown=_shown(i, t)) for i in r.indicators if i.category == c.id]
    return [Reply(text="\n".join(lines))]


def _shown(i: IndicatorScore, t: Texts) -> str:
    weight = fmt_number(round(i.weight, 2))
    if i.missing:
        return t.get("texts.category_missing", weight=weight)
    return t.get("texts.category_given", points=fmt_number(round(i.points, 2)), weight=weight)
