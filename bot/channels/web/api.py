"""The JSON API for a zone's own platform: ask, search, score, batch score — the CLI's --json contracts."""

from __future__ import annotations

import asyncio
import hmac
import json
from typing import Any

from aiohttp import web

import scoring
from bot.channels.web.config import WebServices, text
from bot.channels.web.guard import CONFIG_KEY, WebError
from bot.channels.web.scoring_calls import BatchRun, check_upload, run_batch, score_firm

__all__ = ["add_api_routes", "read_json", "read_upload"]

SERVICES_KEY = web.AppKey("web_services", WebServices)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _json(obj: Any, status: int = 200) -> web.Response:
    return web.json_response(obj, status=status, dumps=lambda o: json.dumps(o, ensure_ascii=False))


async def read_json(request: web.Request) -> dict[str, Any]:
    """The request's JSON object, or 400 in Chinese."""
    try:
        data = await request.json()
    except ValueError:
        raise WebError(400, text("errors.bad_request")) from None
    if not isinstance(data, dict):
        raise WebError(400, text("errors.bad_request"))
    return data


async def read_upload(request: web.Request) -> tuple[str, bytes, dict[str, str]]:
    """(file name, bytes, other form fields) of a multipart upload; 400 without a file."""
    try:
        form = await request.post()
    except ValueError:
        raise WebError(400, text("errors.bad_request")) from None
    upload = form.get("file")
    if not isinstance(upload, web.FileField):
        raise WebError(400, text("errors.no_file"))
    data = upload.file.read()
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    return str(upload.filename or ""), data, fields


async def batch_upload(request: web.Request) -> tuple[BatchRun, str]:
    """A multipart table (+ rule_set) checked, then batch-scored off the loop: the run and its rule set."""
    name, data, fields = await read_upload(request)
    suffix = check_upload(name, data)
    config = request.app[CONFIG_KEY]
    rule_set = fields.get("rule_set") or config.default_rule_set
    run = await asyncio.to_thread(run_batch, data, suffix, rule_set, config.upload_dir, config.rule_dirs)
    return run, rule_set


def _question(data: dict[str, Any], key: str, request: web.Request) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise WebError(400, text("errors.empty_question"))
    limit = request.app[CONFIG_KEY].max_question
    if len(value) > limit:
        raise WebError(400, text("errors.question_long", limit=limit))
    return value.strip()


async def _ask(request: web.Request) -> web.StreamResponse:
    """POST {"question"} → the answer with citations (as `innobot ask --json`)."""
    from retrieval.errors import RetrievalError

    question = _question(await read_json(request), "question", request)
    answerer = request.app[SERVICES_KEY].answerer
    if answerer is None:
        raise WebError(503, text("errors.knowledge_off"))
    try:
        answer = await asyncio.to_thread(answerer.answer, question)
    except RetrievalError as exc:
        raise WebError(400, exc.user_message) from None
    return _json(answer.to_dict())


def _strings(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(str(v) for v in value if isinstance(v, str))
    return ()


async def _search(request: web.Request) -> web.StreamResponse:
    """POST {"query", "k", "region", "tag", "date_from", "date_to"} → hits (as `innobot search --json`)."""
    from retrieval.errors import RetrievalError
    from retrieval.hybrid import date_bounds
    from retrieval.types import SearchFilters

    data = await read_json(request)
    query = _question(data, "query", request)
    k = data.get("k", 5)
    if not isinstance(k, int) or isinstance(k, bool) or not 1 <= k <= 50:
        raise WebError(400, text("errors.k_range"))
    dates = [data.get("date_from"), data.get("date_to")]
    for value in dates:
        if value is not None and (not isinstance(value, str) or date_bounds(value, end=False) is None):
            raise WebError(400, text("errors.date_format"))
    searcher = request.app[SERVICES_KEY].searcher
    if searcher is None:
        raise WebError(503, text("errors.knowledge_off"))
    filters = SearchFilters(_strings(data.get("region")), dates[0], dates[1], _strings(data.get("tag")))
    try:
        hits = await asyncio.to_thread(searcher.search, query, k, filters)
    except RetrievalError as exc:
        raise WebError(400, exc.user_message) from None
    return _json([h.to_dict() for h in hits])


async def _score(request: web.Request) -> web.StreamResponse:
    """POST {"rule_set", "figures", "text"} → the result (as `innobot score --json`)."""
    data = await read_json(request)
    figures = data.get("figures") or {}
    if not isinstance(figures, dict):
        raise WebError(400, text("errors.figures_object"))
    free_text = data.get("text") if isinstance(data.get("text"), str) else None
    config = request.app[CONFIG_KEY]
    rule_set = str(data.get("rule_set") or config.default_rule_set)
    scored = await asyncio.to_thread(
        score_firm, figures, rule_set, config.rule_dirs, free_text=free_text
    )
    out = scored.result.to_dict()
    if scored.understood is not None:
        out["understood"] = scored.understood
    return _json(out)


async def _rule_sets(request: web.Request) -> web.StreamResponse:
    """GET → the rule sets this server scores with."""
    dirs = request.app[CONFIG_KEY].rule_dirs
    out = []
    for rule_id in scoring.available_rule_sets(dirs):
        rs = scoring.load_rule_set(rule_id, dirs)
        out.append({"id": rs.id, "version": rs.version, "title": rs.title, "kind": rs.kind})
    return _json(out)


def _check_key(request: web.Request) -> None:
    expected = request.app[CONFIG_KEY].api_key
    if not expected:
        raise WebError(503, text("errors.api_key_unset"))
    presented = request.headers.get("X-API-Key", "")
    if not hmac.compare_digest(presented.encode(), expected.encode()):
        raise WebError(401, text("errors.api_key"))


async def _batch(request: web.Request) -> web.StreamResponse:
    """POST multipart file (+ rule_set) with X-API-Key → the ranked workbook (XLSX)."""
    _check_key(request)
    run, _ = await batch_upload(request)
    headers = {
        "Content-Disposition": 'attachment; filename="innobot-batch.xlsx"',
        "X-Innobot-Rows": str(len(run.rows)),
        "X-Innobot-Row-Errors": str(len(run.errors)),
    }
    return web.Response(body=run.workbook, content_type=XLSX, headers=headers)


def add_api_routes(app: web.Application, services: WebServices) -> None:
    """/api/v1/…: JSON in, JSON out (the batch endpoint returns a workbook)."""
    app[SERVICES_KEY] = services
    app.router.add_post("/api/v1/ask", _ask)
    app.router.add_post("/api/v1/search", _search)
    app.router.add_post("/api/v1/score", _score)
    app.router.add_get("/api/v1/rule-sets", _rule_sets)
    app.router.add_post("/api/v1/score/batch", _batch)
