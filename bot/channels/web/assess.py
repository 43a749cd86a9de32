"""The self-assessment page (企业自评): a grouped form per rule set, verdicts, chart and report."""

from __future__ import annotations

import asyncio
import base64
import json
from dataclasses import asdict
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from aiohttp import web

import scoring
from bot.channels.web.api import read_json
from bot.channels.web.chat import STATE_KEY, chat_user, require_xhr, shelf_download
from bot.channels.web.config import text
from bot.channels.web.guard import CONFIG_KEY, WebError
from bot.channels.web.report import ReportContent, build_report
from bot.channels.web.scoring_calls import score_firm
from bot.channels.web.verdicts import suggestions, verdicts

__all__ = ["add_assess_routes", "form_schema"]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@cache
def _forms() -> dict[str, Any]:
    raw = resources.files("bot.channels.web").joinpath("assess_forms.yaml").read_text("utf-8")
    forms: dict[str, Any] = yaml.safe_load(raw)
    return forms


def _field(name: str, required: bool) -> dict[str, Any]:
    spec = scoring.FIELDS[name]
    return {
        "name": name, "label": spec.label, "unit": spec.unit, "kind": spec.kind,
        "choices": [[k, v] for k, v in spec.choices.items()], "min": spec.min, "max": spec.max,
        "required": required,
    }


def form_schema(rule_dirs: tuple[Path, ...] = ()) -> list[dict[str, Any]]:
    """Every rule set that has a form: title, disclaimer and grouped fields with units."""
    out = []
    for rule_id, form in _forms().items():
        if rule_id not in scoring.available_rule_sets(rule_dirs):
            continue
        required = set(form.get("required") or [])
        groups = [
            {"label": g["label"], "fields": [_field(f, f in required) for f in g["fields"]]}
            for g in form["groups"]
        ]
        out.append({"id": rule_id, "title": form["title"], "groups": groups})
    return out


def _headline(result: scoring.ScoreResult | scoring.TechSmeResult | scoring.HighTechResult) -> dict[str, Any]:
    """The one-line verdict the page shows in large type."""
    if isinstance(result, scoring.ScoreResult):
        total = result.total if result.total is not None else 0
        return {"value": f"{total:g} 分", "label": f"{result.stage_label} · {result.band or ''}", "ok": not result.vetoed}
    if isinstance(result, scoring.TechSmeResult):
        return {"value": f"{result.score:g} 分", "label": "符合条件" if result.qualifies else "暂不符合", "ok": result.qualifies}
    return {"value": "可能达标" if result.likely_meets else "暂未达标", "label": "硬性门槛", "ok": result.likely_meets}


def _assess(figures: dict[str, Any], rule_set: str, firm: str, rule_dirs: tuple[Path, ...]) -> tuple[dict[str, Any], bytes]:
    """Score, judge every condition, draw the chart and build the report (in a worker thread)."""
    score_firm(figures, rule_set, rule_dirs)  # Chinese messages for every bad field first
    clean = {k: v for k, v in figures.items() if v not in (None, "")}
    assessment = scoring.assess(clean, rule_set, extra_dirs=rule_dirs)
    result = assessment.result
    rows = verdicts(assessment)
    advice = suggestions(assessment)
    chart = scoring.render_chart(result)
    summary = scoring.summarize(result).splitlines()
    body = [line for line in summary[1:] if not line.startswith(("说明：", "提分建议", "  "))]
    report = build_report(
        ReportContent(
            title=result.title, firm_name=firm, summary=body, verdicts=rows,
            suggestions=advice, disclaimer=result.disclaimer, chart_png=chart,
            on=date.today(),
        )
    )
    page = {
        "title": result.title,
        "headline": _headline(result),
        "summary": body,
        "verdicts": [asdict(v) for v in rows],
        "suggestions": advice,
        "chart": "data:image/png;base64," + base64.b64encode(chart).decode(),
        "note": text("assess.note"),
        "disclaimer": result.disclaimer,
        "result": result.to_dict(),
    }
    return page, report


async def _page(request: web.Request) -> web.StreamResponse:
    from bot.channels.web.pages import page_with_identity

    return page_with_identity(request, "assess.html")


async def _schema(request: web.Request) -> web.StreamResponse:
    return web.json_response(form_schema(request.app[CONFIG_KEY].rule_dirs), dumps=_dumps)


async def _score(request: web.Request) -> web.StreamResponse:
    """POST {rule_set, figures, firm_name} → verdicts, suggestions, chart and a report link."""
    require_xhr(request)
    user = chat_user(request)
    data = await read_json(request)
    figures = data.get("figures")
    if not isinstance(figures, dict):
        raise WebError(400, text("errors.figures_object"))
    firm = str(data.get("firm_name") or "")[:60]
    rule_set = str(data.get("rule_set") or "")
    page, report = await asyncio.to_thread(
        _assess, figures, rule_set, firm, request.app[CONFIG_KEY].rule_dirs
    )
    key = request.app[STATE_KEY].shelf.put(user, f"企业自评报告_{rule_set}.xlsx", report, XLSX)
    page["report"] = f"/assess/report/{key}"
    return web.json_response(page, dumps=_dumps)


async def _report(request: web.Request) -> web.StreamResponse:
    return shelf_download(request.app[STATE_KEY].shelf, request.match_info["key"], chat_user(request))


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)


def add_assess_routes(app: web.Application) -> None:
    """/assess (page), its schema, scoring and report download."""
    app.router.add_get("/assess", _page)
    app.router.add_get("/assess/schema", _schema)
    app.router.add_post("/assess/score", _score)
    app.router.add_get("/assess/report/{key}", _report)
