"""The web channel's aiohttp application: pages, their endpoints, the JSON API and the guards.

aiohttp because the WeChat callback already runs on it (one library, one way to serve, and the
WeChat routes can share the port); the API documents itself in the README rather than OpenAPI.
"""

from __future__ import annotations

from aiohttp import web

from bot.channels.site import AppSite
from bot.channels.web.admin import add_admin_routes
from bot.channels.web.api import add_api_routes
from bot.channels.web.assess import add_assess_routes
from bot.channels.web.chat import add_chat_routes
from bot.channels.web.config import WebConfig, WebServices
from bot.channels.web.guard import install_guard
from bot.channels.web.pages import STATIC_DIR
from bot.channels.web.tokens import ChatCookies

__all__ = ["build_web_app", "start_web_site", "web_site"]


async def _health(_request: web.Request) -> web.StreamResponse:
    return web.Response(text="ok")


def build_web_app(config: WebConfig, services: WebServices) -> web.Application:
    """Every web route on one application (mount the WeChat callback beside it if wanted)."""
    app = web.Application(client_max_size=config.max_upload)
    install_guard(app, config)
    add_api_routes(app, services)
    add_chat_routes(app, services, ChatCookies(config.secret, config.session_days * 86400))
    add_assess_routes(app)
    add_admin_routes(app)
    app.router.add_get("/healthz", _health)
    app.router.add_static("/static", STATIC_DIR, follow_symlinks=False, append_version=False)
    return app


def web_site(app: web.Application, host: str, port: int) -> AppSite:
    """The pages and the API as a Channel (start listens, stop closes)."""
    return AppSite(app, host, port, name="web pages")


async def start_web_site(app: web.Application, host: str, port: int) -> web.AppRunner:
    """Serve app on host:port inside the running loop; call runner.cleanup() to stop."""
    site = web_site(app, host, port)
    await site.start()
    assert site.runner is not None
    return site.runner
