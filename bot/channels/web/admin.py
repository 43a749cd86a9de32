"""The administrator's page: token login, expiring sessions, CSRF on every change.

Batch scoring with a ranked table, briefings (list / upload with progress / remove), subscriber
counts and the digest delivery log.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import re
import secrets
from dataclasses import asdict, dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from aiohttp import web

from bot.channels.web.api import SERVICES_KEY, batch_upload, read_json, read_upload
from bot.channels.web.chat import require_xhr, shelf_download
from bot.channels.web.config import WebConfig, text
from bot.channels.web.guard import CONFIG_KEY, WebError, client_address
from bot.channels.web.pages import page_response
from bot.channels.web.scoring_calls import BatchRun, check_upload
from bot.channels.web.shelf import FileShelf
from bot.channels.web.tokens import AdminSession, AdminSessions, LoginThrottle, csrf_ok

__all__ = ["ADMIN_COOKIE", "AdminState", "add_admin_routes", "ranked_view"]

ADMIN_COOKIE = "innobot_admin"
OWNER = "admin"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BRIEFING_SUFFIXES = (".txt", ".md", ".pdf", ".docx", ".html", ".htm")


@dataclass
class IngestJob:
    """One briefing upload being ingested: progress the page polls."""

    state: str = "running"  # running | done | failed
    done: int = 0
    total: int = 0
    message: str = ""


@dataclass
class AdminState:
    """Sessions, the login throttle, generated workbooks and ingestion jobs."""

    sessions: AdminSessions
    throttle: LoginThrottle = field(default_factory=LoginThrottle)
    shelf: FileShelf = field(default_factory=lambda: FileShelf(limit=10))
    jobs: dict[str, IngestJob] = field(default_factory=dict)


ADMIN_KEY = web.AppKey("web_admin", AdminState)


@cache
def _columns() -> list[dict[str, Any]]:
    raw = resources.files("bot.channels.web").joinpath("ranking.yaml").read_text("utf-8")
    return list(yaml.safe_load(raw)["columns"])


def _by_total(row: dict[str, object]) -> tuple[bool, float]:
    """Highest total first; firms without a total (vetoed, bad rows) last."""
    total = row.get("total")
    return (not isinstance(total, int | float), -float(total) if isinstance(total, int | float) else 0.0)


def ranked_view(run: BatchRun) -> dict[str, Any]:
    """The ranked table by meaning (rank, firm, stage, total, list label), whatever the headers."""
    index = {name: i for i, name in enumerate(run.columns)}
    picked = []
    for column in _columns():
        names = [run.name_column, *column["names"]] if column["key"] == "name" and run.name_column else column["names"]
        found = next((index[n] for n in names if n in index), None)
        if found is not None:
            picked.append((column, found))
    rows = [{c["key"]: row[i] for c, i in picked} for row in run.rows]
    rows.sort(key=_by_total)
    stages = sorted({str(r["stage"]) for r in rows if r.get("stage")})
    return {
        "columns": [{"key": c["key"], "label": c["label"]} for c, _ in picked],
        "rows": rows,
        "stages": stages,
        "errors": [{"row": r, "message": m} for r, m in run.errors],
        "notes": [*([text("admin.to_check", count=run.to_check)] if run.to_check else []), *run.notes],
    }


def _session(request: web.Request, *, change: bool) -> AdminSession:
    """The live admin session; changes must also echo its CSRF token (X-CSRF-Token)."""
    state = request.app[ADMIN_KEY]
    session = state.sessions.get(request.cookies.get(ADMIN_COOKIE))
    if session is None:
        raise WebError(401, text("errors.admin_login"))
    if change and not csrf_ok(session, request.headers.get("X-CSRF-Token")):
        raise WebError(403, text("errors.csrf"))
    return session


def _json(obj: Any, status: int = 200) -> web.Response:
    return web.json_response(obj, status=status, dumps=lambda o: json.dumps(o, ensure_ascii=False))


async def _page(_request: web.Request) -> web.StreamResponse:
    return page_response("admin.html")


async def _login(request: web.Request) -> web.StreamResponse:
    """POST {token}: a session cookie (HttpOnly, SameSite=Strict) and the CSRF token for forms."""
    require_xhr(request)
    config: WebConfig = request.app[CONFIG_KEY]
    if not config.admin_token:
        raise WebError(503, text("errors.admin_disabled"))
    state = request.app[ADMIN_KEY]
    address = client_address(request)
    wait = state.throttle.wait(address)
    if wait:
        raise WebError(429, text("errors.admin_locked", seconds=wait))
    token = (await read_json(request)).get("token")
    if not isinstance(token, str) or not hmac.compare_digest(token.encode(), config.admin_token.encode()):
        state.throttle.failed(address)
        raise WebError(401, text("errors.admin_wrong"))
    state.throttle.succeeded(address)
    key, session = state.sessions.open()
    response = _json({"csrf": session.csrf, "minutes": config.admin_minutes})
    response.set_cookie(
        ADMIN_COOKIE, key, max_age=config.admin_minutes * 60, httponly=True, samesite="Strict",
        secure=request.secure, path="/admin",
    )
    return response


async def _logout(request: web.Request) -> web.StreamResponse:
    _session(request, change=True)
    request.app[ADMIN_KEY].sessions.close(request.cookies.get(ADMIN_COOKIE))
    response = _json({"ok": True})
    response.del_cookie(ADMIN_COOKIE, path="/admin")
    return response


async def _state(request: web.Request) -> web.StreamResponse:
    session = _session(request, change=False)
    return _json({"csrf": session.csrf})


async def _batch(request: web.Request) -> web.StreamResponse:
    """Multipart file (+ rule_set) → the ranked table and a workbook link."""
    _session(request, change=True)
    run, rule_set = await batch_upload(request)
    key = request.app[ADMIN_KEY].shelf.put(OWNER, f"评分结果_{rule_set}.xlsx", run.workbook, XLSX)
    return _json({**ranked_view(run), "download": f"/admin/api/batch/{key}"})


async def _download(request: web.Request) -> web.StreamResponse:
    _session(request, change=False)
    return shelf_download(request.app[ADMIN_KEY].shelf, request.match_info["key"], OWNER)


async def _briefings(request: web.Request) -> web.StreamResponse:
    _session(request, change=False)
    library = request.app[SERVICES_KEY].briefings
    if library is None:
        raise WebError(503, text("errors.knowledge_off"))
    items = await asyncio.to_thread(library.documents)
    return _json([asdict(b) for b in items])


def _safe_name(name: str) -> str:
    """A file name of letters, digits, CJK, '-', '_' and '.', never a path."""
    base = Path(name.replace("\\", "/")).name
    stem = re.sub(r"[^\w\-.\u4e00-\u9fff]", "_", Path(base).stem).strip("._")[:60] or "briefing"
    return f"{stem}-{secrets.token_hex(3)}{Path(base).suffix.lower()}"


def _save_briefing(config: WebConfig, name: str, data: bytes) -> Path:
    folder = config.upload_dir / "briefings"
    folder.mkdir(parents=True, exist_ok=True)
    path = (folder / _safe_name(name)).resolve()
    if path.parent != folder.resolve():  # belt and braces: never outside the data directory
        raise WebError(400, text("errors.bad_request"))
    path.write_bytes(data)
    return path


async def _upload_briefing(request: web.Request) -> web.StreamResponse:
    """Multipart file → a job id; the page polls /admin/api/jobs/{id} for ingestion progress."""
    _session(request, change=True)
    library = request.app[SERVICES_KEY].briefings
    if library is None:
        raise WebError(503, text("errors.knowledge_off"))
    name, data, _ = await read_upload(request)
    check_upload(name, data, BRIEFING_SUFFIXES, "errors.briefing_type")
    path = _save_briefing(request.app[CONFIG_KEY], name, data)
    jobs = request.app[ADMIN_KEY].jobs
    job_id, job = secrets.token_urlsafe(8), IngestJob()
    jobs[job_id] = job

    def progress(done: int, total: int) -> None:
        job.done, job.total = done, total

    def ingest() -> None:
        try:
            articles, problems = library.add(path, progress)
            job.message = "；".join(problems) or f"已收录 {articles} 篇文章。"
            job.state = "done" if articles or not problems else "failed"
        except Exception:  # the library's own errors are already Chinese problems; this is a bug
            job.state, job.message = "failed", text("errors.internal")

    asyncio.get_running_loop().run_in_executor(None, ingest)
    while len(jobs) > 50:
        jobs.pop(next(iter(jobs)))
    return _json({"job": job_id})


async def _job(request: web.Request) -> web.StreamResponse:
    _session(request, change=False)
    job = request.app[ADMIN_KEY].jobs.get(request.match_info["job"])
    if job is None:
        raise WebError(404, text("errors.job_unknown"))
    return _json(asdict(job))


async def _remove_briefing(request: web.Request) -> web.StreamResponse:
    _session(request, change=True)
    library = request.app[SERVICES_KEY].briefings
    if library is None:
        raise WebError(503, text("errors.knowledge_off"))
    ident = (await read_json(request)).get("id")
    if not isinstance(ident, str) or not ident.strip():
        raise WebError(400, text("errors.briefing_unknown"))
    try:
        removed = await asyncio.to_thread(library.remove, ident.strip())
    except LookupError:
        raise WebError(404, text("errors.briefing_unknown")) from None
    return _json({"removed": removed})


async def _subscribers(request: web.Request) -> web.StreamResponse:
    _session(request, change=False)
    stats = request.app[SERVICES_KEY].stats
    if stats is None:
        return _json({"counts": {}, "deliveries": []})
    counts = await asyncio.to_thread(stats.subscriber_counts)
    deliveries = await asyncio.to_thread(stats.recent_deliveries, 50)
    lines = [
        {"at": d.at, "channel": d.channel, "status": d.status, "articles": d.articles, "detail": d.detail}
        for d in deliveries
    ]
    return _json({"counts": counts, "deliveries": lines})


def add_admin_routes(app: web.Application) -> None:
    """/admin (page) and /admin/api/… behind the login."""
    config = app[CONFIG_KEY]
    app[ADMIN_KEY] = AdminState(sessions=AdminSessions(config.admin_minutes * 60))
    app.router.add_get("/admin", _page)
    app.router.add_post("/admin/login", _login)
    app.router.add_post("/admin/logout", _logout)
    app.router.add_get("/admin/api/state", _state)
    app.router.add_post("/admin/api/batch", _batch)
    app.router.add_get("/admin/api/batch/{key}", _download)
    app.router.add_get("/admin/api/briefings", _briefings)
    app.router.add_post("/admin/api/briefings", _upload_briefing)
    app.router.add_post("/admin/api/briefings/remove", _remove_briefing)
    app.router.add_get("/admin/api/jobs/{job}", _job)
    app.router.add_get("/admin/api/subscribers", _subscribers)
