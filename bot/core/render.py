"""Turning answers, score results and matched briefings into short phone-sized Chinese replies."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from bot.core.estimate.port import FieldSpec
from bot.core.texts import Texts
from retrieval.types import Answer, Hit

__all__ = ["render_answer", "render_policies", "render_result", "weakest_fields"]

MAX_ANSWER_CHARS = 700
MAX_CITATIONS = 3


def render_answer(answer: Answer, texts: Texts) -> str:
    """The answer, then up to three distinct sources.

    An abstention already names its nearest sources in the text, so no list repeats them.
    """
    body = answer.answer.strip()
    if len(body) > MAX_ANSWER_CHARS:
        body = body[:MAX_ANSWER_CHARS].rstrip() + "…"
    lines = [body]
    if not answer.grounded:
        return body
    seen: set[tuple[str, str]] = set()
    cites = []
    for c in answer.citations:
        key = (c.doc_id, c.title)
        if key in seen:
            continue
        seen.add(key)
        key_name = "citation_knowledge" if c.kind == "knowledge" else "citation"
        cites.append(texts.get(key_name, title=_title(c.title), source=c.source, date=c.date).rstrip())
        if len(cites) == MAX_CITATIONS:
            break
    if cites:
        lines += ["", texts.get("sources_header"), *cites]
    return "\n".join(lines)


def render_policies(hits: Sequence[Hit], texts: Texts) -> str:
    """The matched briefings, or an honest "none found"."""
    if not hits:
        return texts.get("policy_none")
    items = [
        texts.get("policy_item", title=_title(h.title), source=h.source, date=h.date).rstrip()
        for h in hits
    ]
    return "\n".join([texts.get("policies_header"), *items])


def weakest_fields(result: dict[str, Any], n: int = 3) -> list[dict[str, Any]]:
    """The n supplied indicators furthest from their maximum (missing ones only to fill up)."""
    indicators = [i for i in result.get("indicators") or [] if _num(i.get("weight")) > 0]
    supplied = [i for i in indicators if not i.get("missing")]
    if len(supplied) >= n:
        indicators = supplied

    def shortfall(i: dict[str, Any]) -> tuple[float, float]:
        ratio = _num(i.get("points")) / _num(i.get("weight"))
        return (ratio, -_num(i.get("weight")))

    return sorted(indicators, key=shortfall)[:n]


def render_result(
    rule_set: str,
    result: dict[str, Any],
    field: Callable[[str], FieldSpec | None],
    texts: Texts,
) -> str:
    """The result text of one rule set (without the chart and the policies)."""
    kind = _kind(rule_set, result)
    if kind == "sme":
        return _render_sme(result, texts)
    if kind == "hightech":
        return _render_hightech(result, texts)
    return _render_cn_ref(result, field, texts)


def _kind(rule_set: str, result: dict[str, Any]) -> str:
    if "checks" in result:
        return "hightech"
    if "qualifies" in result:
        return "sme"
    if rule_set.startswith("tech-sme"):
        return "sme"
    if rule_set.startswith("high-tech"):
        return "hightech"
    return "points"


def _render_cn_ref(
    result: dict[str, Any], field: Callable[[str], FieldSpec | None], texts: Texts
) -> str:
    stage = str(result.get("stage_label") or texts.lookup("stages", str(result.get("stage", ""))))
    lines = []
    if result.get("vetoed"):
        after = _fmt(_num(result.get("base")) + _num(result.get("bonus")))
        reasons = "、".join(str(r) for r in result.get("veto_reasons") or [])
        lines.append(texts.get("result_cn_ref_vetoed", reasons=reasons, after=after))
    else:
        lines.append(
            texts.get(
                "result_cn_ref", total=_fmt(result.get("total")), band=result.get("band", ""),
                stage=stage,
            )
        )
    if _num(result.get("deductions")) > 0:
        lines.append(texts.get("result_deductions", deductions=_fmt(result.get("deductions"))))
    weakest = weakest_fields(result)
    if weakest:
        lines.append(texts.get("weakest_header"))
        for i in weakest:
            lines.append(
                texts.get(
                    "weakest_item",
                    label=i.get("label") or i.get("field"),
                    points=_fmt(i.get("points")),
                    weight=_fmt(i.get("weight")),
                    missing=texts.get("missing_mark") if i.get("missing") else "",
                )
            )
    missing = [i for i in result.get("indicators") or [] if i.get("missing")]
    if missing and all(not i.get("missing") for i in weakest):
        points = _fmt(sum(_num(i.get("weight")) for i in missing))
        lines.append(texts.get("missing_summary", count=len(missing), points=points))
    suggestions = list(result.get("suggestions") or [])[:3]
    if suggestions:
        lines.append(texts.get("suggestions_header"))
        for s in suggestions:
            if s.get("text"):
                lines.append(f"· {s['text']}")
                continue
            spec = field(str(s.get("field")))
            label = spec.label if spec is not None else str(s.get("field"))
            lines.append(
                texts.get(
                    "suggestion_item", label=label, from_=_fmt(s.get("from")),
                    to=_fmt(s.get("to")), gain=f"{_num(s.get('gain')):.2f}",
                )
            )
    lines.append(texts.get("disclaimer"))
    return "\n".join(lines)


def _render_sme(result: dict[str, Any], texts: Texts) -> str:
    score = _fmt(result.get("score"))
    if result.get("qualifies"):
        route = texts.lookup("routes", str(result.get("route") or "score"))
        lines = [texts.get("result_sme_ok", score=score, route=route)]
    else:
        lines = [texts.get("result_sme_fail", score=score)]
    failed = [_label_of(c) for c in result.get("failed_conditions") or []]
    if failed:
        lines.append(texts.get("failed_conditions", items="；".join(failed)))
    lines.append(texts.get("disclaimer_sme"))
    return "\n".join(lines)


def _render_hightech(result: dict[str, Any], texts: Texts) -> str:
    lines = [texts.get("result_hightech_header")]
    keys = {"pass": "check_pass", "fail": "check_fail"}
    for check in result.get("checks") or []:
        key = keys.get(str(check.get("status")), "check_judgement")
        lines.append(texts.get(key, label=check.get("label") or check.get("id")))
    lines.append(texts.get("hightech_likely" if result.get("likely_meets") else "hightech_unlikely"))
    lines.append(texts.get("disclaimer_hightech"))
    return "\n".join(lines)


def _title(title: str) -> str:
    """A title in 《》 unless it already quotes a document itself (no 《…《…》…》)."""
    return title if "《" in title else f"《{title}》"


def _label_of(item: Any) -> str:
    if isinstance(item, dict):
        return str(item.get("label") or item.get("message") or item.get("id") or item)
    return str(item)


def _num(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def _fmt(value: Any, places: int = 2) -> str:
    """Numbers without trailing zeros ("72.5", "3000"); None as "—"."""
    if value is None:
        return "—"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    text = f"{value:.{places}f}".rstrip("0").rstrip(".")
    return text if text not in ("-0", "") else "0"
