"""The chat page's endpoint: a cookie identifies the user, the core answers, replies go back as JSON."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from aiohttp import web

from bot.channels.web.api import read_json
from bot.channels.web.buckets import Buckets
from bot.channels.web.config import WebServices, text
from bot.channels.web.guard import CONFIG_KEY, WebError
from bot.channels.web.shelf import FileShelf
from bot.channels.web.tokens import ChatCookies
from bot.core.intents import parse_command, subscription_command
from bot.core.late import LATE_IMAGE_TIMEOUT, split_late
from bot.core.texts import Texts, load_texts
from bot.core.types import Incoming, Reply

__all__ = ["CHANNEL", "COOKIE", "ChatState", "add_chat_routes", "reply_json", "require_xhr"]

CHANNEL = "web"
COOKIE = "innobot_chat"
XHR_HEADER = "X-Innobot"


@dataclass
class ChatState:
    """What the chat handlers share: services, cookies, per-session buckets, generated files."""

    services: WebServices
    cookies: ChatCookies
    buckets: Buckets
    shelf: FileShelf
    core_texts: Texts

    @property
    def sources_header(self) -> str:
        """The line the core puts before an answer's sources ("出处：")."""
        return self.core_texts.get("sources_header").strip()


STATE_KEY = web.AppKey("web_chat", ChatState)


def require_xhr(request: web.Request) -> None:
    """State changes come from our own pages' fetch(), which set a header no cross-site form can."""
    if request.headers.get(XHR_HEADER) != "1":
        raise WebError(403, text("errors.csrf"))


def set_chat_cookie(request: web.Request, response: web.StreamResponse, value: str) -> None:
    """The identity cookie: HttpOnly, SameSite=Lax, Secure when served over HTTPS."""
    config = request.app[CONFIG_KEY]
    response.set_cookie(
        COOKIE, value, max_age=config.session_days * 86400, httponly=True, samesite="Lax",
        secure=request.secure, path="/",
    )


def chat_user(request: web.Request) -> str:
    """The user id of a genuine cookie; 401 with a Chinese message for a forged or expired one."""
    user = request.app[STATE_KEY].cookies.read(request.cookies.get(COOKIE))
    if user is None:
        raise WebError(401, text("errors.session"))
    return user


def _admitted(request: web.Request) -> tuple[str, ChatState]:
    """A chat POST from our page, by a genuine user within their rate; else 403, 401 or 429."""
    require_xhr(request)
    user = chat_user(request)
    state: ChatState = request.app[STATE_KEY]
    if not state.buckets.take(user):
        raise WebError(429, text("errors.rate_session"))
    return user, state


def split_sources(body: str, header: str) -> tuple[str, list[str]]:
    """The answer and its 出处 lines, so the page can fold the sources away."""
    marker = f"\n{header}\n"
    if marker not in body:
        return body, []
    answer, _, rest = body.partition(marker)
    sources = [line.lstrip("· ").strip() for line in rest.splitlines() if line.strip()]
    return answer.rstrip(), sources


def _asks_to_subscribe(incoming: Incoming, state: ChatState) -> bool:
    """A page cannot receive digests: a new subscription here would never be delivered."""
    if incoming.kind == "callback":
        return (incoming.callback_data or "").startswith("sub:n")
    command = parse_command(incoming.text) or subscription_command(incoming.text, state.core_texts)
    return command is not None and command.name == "subscribe"


def reply_json(reply: Reply, state: ChatState, owner: str) -> dict[str, Any]:
    """One core reply in the page's terms: text, folded sources, chips, inline chart, file link."""
    body, sources = split_sources(reply.text, state.sources_header)
    out: dict[str, Any] = {"text": body, "sources": sources}
    out["choices"] = [[{"label": c.label, "data": c.data} for c in row] for row in reply.choices]
    if reply.image_png:
        out["image"] = "data:image/png;base64," + base64.b64encode(reply.image_png).decode()
    if reply.later is not None:  # still being drawn: the page fetches it after showing the text
        out["image_url"] = f"/chat/chart/{state.shelf.put_later(owner, reply.later)}"
    if reply.document:
        name = reply.document_name or "innobot.bin"
        media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        key = state.shelf.put(owner, name, reply.document, media)
        out["file"] = {"name": name, "url": f"/chat/file/{key}"}
    return out


async def _chat_page(request: web.Request) -> web.StreamResponse:
    """The chat page; a first visit (or a forged/expired cookie) gets a fresh identity."""
    from bot.channels.web.pages import page_with_identity

    return page_with_identity(request, "chat.html")


async def _send(request: web.Request) -> web.StreamResponse:
    """One message (text or a chip's data) to the core; the replies as JSON."""
    user, state = _admitted(request)
    data = await read_json(request)
    callback = data.get("callback")
    message = data.get("text")
    if isinstance(callback, str) and callback:
        incoming = Incoming(CHANNEL, user, kind="callback", callback_data=callback[:200])
    elif isinstance(message, str):
        incoming = Incoming(CHANNEL, user, text=message)
    else:
        raise WebError(400, text("errors.bad_request"))
    if _asks_to_subscribe(incoming, state):
        replies = [Reply(text=text("chat.no_push"))]
    else:  # as the bots do: the score text goes back at once, its chart is fetched after it
        now, late = split_late(await state.services.assistant.handle(incoming, defer_images=True))
        replies = [*now, *late]
    return web.json_response(
        {"replies": [reply_json(r, state, user) for r in replies]},
        dumps=_dumps,
    )


async def _upload(request: web.Request) -> web.StreamResponse:
    """A spreadsheet sent in the chat (批量测算), as on the other channels: the core scores it."""
    from bot.channels.web.api import read_upload
    from bot.channels.web.scoring_calls import check_upload

    user, state = _admitted(request)
    name, data, fields = await read_upload(request)
    suffix = check_upload(name, data)
    caption = fields.get("caption", "")[:200]
    incoming = Incoming(
        CHANNEL, user, text=caption, kind="file", file_name=f"upload{suffix}", file_bytes=data
    )
    replies = await state.services.assistant.handle(incoming)
    return web.json_response({"replies": [reply_json(r, state, user) for r in replies]}, dumps=_dumps)


async def _chart(request: web.Request) -> web.StreamResponse:
    """A chart that a reply announced, to its owner once drawn; 404 if it failed or expired."""
    user = chat_user(request)
    later = request.app[STATE_KEY].shelf.get_later(request.match_info["key"], user)
    png = await later.wait(LATE_IMAGE_TIMEOUT) if later is not None else None
    if png is None:
        raise WebError(404, text("errors.chart_gone"))
    return web.Response(body=png, content_type="image/png", headers={"Cache-Control": "private, max-age=600"})


async def _file(request: web.Request) -> web.StreamResponse:
    """A file a reply offered, to the user it was made for."""
    return shelf_download(request.app[STATE_KEY].shelf, request.match_info["key"], chat_user(request))


def shelf_download(shelf: FileShelf, key: str, owner: str) -> web.Response:
    """A shelved file as a download for its owner; expired or another's is a 404 in Chinese."""
    found = shelf.get(key, owner)
    if found is None:
        raise WebError(404, text("errors.result_gone"))
    return file_response(found.data, found.name, found.media_type)


def file_response(data: bytes, name: str, media_type: str) -> web.Response:
    """A download with a Chinese file name that every browser keeps (RFC 5987)."""
    disposition = f"attachment; filename=\"download\"; filename*=UTF-8''{quote(name)}"
    return web.Response(body=data, content_type=media_type, headers={"Content-Disposition": disposition})


def _dumps(obj: Any) -> str:
    import json

    return json.dumps(obj, ensure_ascii=False)


def add_chat_routes(app: web.Application, services: WebServices, cookies: ChatCookies) -> None:
    """The chat page and its endpoints."""
    config = app[CONFIG_KEY]
    app[STATE_KEY] = ChatState(
        services=services,
        cookies=cookies,
        buckets=Buckets(config.session_rate, config.session_burst),
        shelf=services.shelf or FileShelf(),
        core_texts=load_texts(),
    )
    app.router.add_get("/", _chat_page)
    app.router.add_post("/chat/send", _send)
    app.router.add_post("/chat/upload", _upload)
    app.router.add_get("/chat/file/{key}", _file)
    app.router.add_get("/chat/chart/{key}", _chart)
