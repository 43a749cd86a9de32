"""The HTML pages: static files shipped in the package, served with the visitor's identity cookie."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from aiohttp import web

__all__ = ["STATIC_DIR", "page_response", "page_with_identity"]

STATIC_DIR = Path(str(resources.files("bot.channels.web").joinpath("static")))


@cache
def _read(name: str) -> str:
    return (STATIC_DIR / name).read_text("utf-8")


def page_response(name: str) -> web.Response:
    """One of the shipped pages (no inline script: the CSP forbids it)."""
    return web.Response(text=_read(name), content_type="text/html", charset="utf-8")


def page_with_identity(request: web.Request, name: str) -> web.Response:
    """A page that talks to the core: a first visit (or a forged/expired cookie) gets a fresh id."""
    from bot.channels.web.chat import COOKIE, STATE_KEY, set_chat_cookie

    response = page_response(name)
    cookies = request.app[STATE_KEY].cookies
    if cookies.read(request.cookies.get(COOKIE)) is None:
        _, value = cookies.issue()
        set_chat_cookie(request, response, value)
    return response
