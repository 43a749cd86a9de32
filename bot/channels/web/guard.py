"""Every request passes here: address rate limit, body limits, security headers, Chinese errors."""

from __future__ import annotations

import html
import json
import logging
import traceback
from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.channels.web.buckets import Buckets
from bot.channels.web.config import WebConfig, text

__all__ = [
    "CONFIG_KEY",
    "UPLOAD_PATHS",
    "WebError",
    "client_address",
    "error_response",
    "guard_middleware",
    "install_guard",
    "security_headers",
]

log = logging.getLogger(__name__)

CONFIG_KEY = web.AppKey("web_config", WebConfig)
_IP_KEY = web.AppKey("web_ip_buckets", Buckets)
UPLOAD_PATHS = frozenset(
    {"/admin/api/batch", "/admin/api/briefings", "/api/v1/score/batch", "/chat/upload"}
)
_STATUS_TEXT = {
    400: "errors.bad_request", 404: "errors.not_found", 405: "errors.method",
    413: "errors.body_too_large", 429: "errors.rate_ip",
}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class WebError(Exception):
    """A refusal with its HTTP status and the Chinese sentence the page shows."""

    def __init__(self, status: int, message: str, *, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.fields = fields or {}


def client_address(request: web.Request) -> str:
    """The caller's address; behind a trusted proxy, the one it saw (last X-Forwarded-For entry)."""
    if request.app[CONFIG_KEY].trust_forwarded:
        forwarded = request.headers.get("X-Forwarded-For", "")
        last = forwarded.rsplit(",", 1)[-1].strip()
        if last:
            return last[:64]
    return request.remote or "unknown"


def _wants_json(request: web.Request) -> bool:
    return request.method != "GET" or request.path.startswith(("/api/", "/chat/", "/assess/", "/admin/api/"))


def error_response(request: web.Request, status: int, message: str, **extra: object) -> web.Response:
    """The refusal as JSON for scripts and the pages' fetches, as a small HTML page otherwise."""
    if _wants_json(request):
        body = json.dumps({"error": message, **extra}, ensure_ascii=False)
        return web.Response(status=status, text=body, content_type="application/json")
    page = (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        '<link rel="stylesheet" href="/static/app.css"><title>出错了</title></head>'
        f'<body><main class="page"><p class="error">{html.escape(message)}</p>'
        '<p><a href="/">返回首页</a></p></main></body></html>'
    )
    return web.Response(status=status, text=page, content_type="text/html")


def _body_limit(request: web.Request, config: WebConfig) -> tuple[int, str]:
    if request.path in UPLOAD_PATHS:
        mb = config.max_upload // (1024 * 1024)
        return config.max_upload, text("errors.too_large", mb=mb)
    return config.max_json, text("errors.body_too_large")


@web.middleware
async def guard_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Refuse floods and oversized bodies first; turn every failure into a Chinese message."""
    config = request.app[CONFIG_KEY]
    if not request.app[_IP_KEY].take(client_address(request)):
        return error_response(request, 429, text("errors.rate_ip"))
    limit, too_large = _body_limit(request, config)
    if request.content_length is not None and request.content_length > limit:
        return error_response(request, 413, too_large)
    try:
        return await handler(request)
    except WebError as error:
        extra = {"fields": error.fields} if error.fields else {}
        return error_response(request, error.status, error.message, **extra)
    except web.HTTPRequestEntityTooLarge:
        return error_response(request, 413, too_large)
    except web.HTTPException as error:
        if error.status < 400:
            raise
        key = _STATUS_TEXT.get(error.status, "errors.bad_request")
        return error_response(request, error.status, text(key))
    except Exception as error:  # the channel's one catch-all: type and frames, never the message
        frames = "".join(traceback.format_tb(error.__traceback__))
        log.error("web request to %s failed: %s\n%s", request.path, type(error).__name__, frames)
        return error_response(request, 500, text("errors.internal"))


def security_headers(config: WebConfig) -> Callable[[web.Request, web.StreamResponse], Awaitable[None]]:
    """A response hook adding CSP (no inline script), nosniff, referrer and cache headers."""
    policy = "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            f"frame-ancestors {config.frame_ancestors}",
        ]
    )

    async def add(request: web.Request, response: web.StreamResponse) -> None:
        response.headers["Content-Security-Policy"] = policy
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if not request.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")

    return add


def install_guard(app: web.Application, config: WebConfig) -> None:
    """Attach the config, the address buckets, the middleware and the header hook to app."""
    app[CONFIG_KEY] = config
    app[_IP_KEY] = Buckets(config.ip_rate, config.ip_burst)
    app.middlewares.append(guard_middleware)
    app.on_response_prepare.append(security_headers(config))
