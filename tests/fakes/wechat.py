"""A fake WeChat API and scripted assistants for the WeChat channel tests.

The fake speaks the real wire format of the endpoints the channel uses (token, customer-service
send, media upload, subscription notice, menu) and records what it received. `client()` gives a
real `WeChatAPI` wired to it in process (`httpx.MockTransport`); `start()` serves the same handler
on 127.0.0.1 for the tests that run the real HTTP path or real processes.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from aiohttp import web

from bot.channels.wechat.api import WeChatAPI
from bot.core.types import Choice, Incoming, Reply

__all__ = [
    "EchoAssistant",
    "FakeWeChatAPI",
    "SentMessage",
]


@dataclass
class SentMessage:
    """One customer-service message the fake received."""

    touser: str
    msgtype: str
    content: str = ""
    media_id: str = ""


class _Refusal(Exception):
    """An errcode the fake answers with (HTTP 200, as WeChat does)."""

    def __init__(self, errcode: int, errmsg: str) -> None:
        super().__init__(errmsg)
        self.errcode = errcode
        self.errmsg = errmsg


def _ok(**payload: Any) -> httpx.Response:
    return httpx.Response(200, json={"errcode": 0, "errmsg": "ok", **payload})


@dataclass
class FakeWeChatAPI:
    """Stand-in for api.weixin.qq.com: `handle` answers one httpx request."""

    app_id: str = "wx-test-app"
    app_secret: str = "test-secret"
    expires_in: int = 7200
    token_calls: int = 0  # requests to /cgi-bin/token and /cgi-bin/stable_token
    force_refreshes: int = 0
    stable_token: str | None = None
    valid_tokens: set[str] = field(default_factory=set)
    sent: list[SentMessage] = field(default_factory=list)
    notices: list[dict[str, Any]] = field(default_factory=list)
    uploads: list[bytes] = field(default_factory=list)
    menus: list[dict[str, Any]] = field(default_factory=list)
    fail_users: dict[str, int] = field(default_factory=dict)  # openid -> errcode for sends
    fail_next_sends: list[int] = field(default_factory=list)  # errcodes for the next sends
    notice_errcode: int = 0
    send_delay: float = 0.0
    base_url: str = ""  # set by start()
    _runner: web.AppRunner | None = None
    _counter: Any = field(default_factory=lambda: itertools.count(1))
    _recorded: asyncio.Event = field(default_factory=asyncio.Event)

    def client(self, *, app_secret: str | None = None, **options: Any) -> WeChatAPI:
        """A real WeChatAPI whose HTTP calls this fake answers in process."""
        http = httpx.AsyncClient(transport=httpx.MockTransport(self.handle))
        secret = self.app_secret if app_secret is None else app_secret
        return WeChatAPI(app_id=self.app_id, app_secret=secret, http=http, **options)

    async def handle(self, request: httpx.Request) -> httpx.Response:
        """Route one request as WeChat would; errcodes come back with HTTP 200."""
        routes: dict[str, Callable[[httpx.Request], Awaitable[httpx.Response]]] = {
            "/cgi-bin/token": self._token,
            "/cgi-bin/stable_token": self._stable_token,
            "/cgi-bin/message/custom/send": self._custom_send,
            "/cgi-bin/media/upload": self._upload,
            "/cgi-bin/message/subscribe/bizsend": self._notice,
            "/cgi-bin/menu/create": self._menu,
        }
        route = routes.get(request.url.path)
        if route is None:
            return httpx.Response(404, text="not found")
        try:
            return await route(request)
        except _Refusal as refusal:
            return httpx.Response(200, json={"errcode": refusal.errcode, "errmsg": refusal.errmsg})

    # --- loopback (real processes, the one end-to-end test of the HTTP path) -------------------

    async def start(self) -> str:
        """Serve `handle` on 127.0.0.1:<free port>; returns the base URL."""
        app = web.Application(client_max_size=4 * 1024 * 1024)
        app.router.add_route("*", "/{path:.*}", self._forward)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://127.0.0.1:{port}"
        return self.base_url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _forward(self, request: web.Request) -> web.Response:
        headers = {"Content-Type": request.headers.get("Content-Type", "")}
        body = await request.read()
        answer = await self.handle(
            httpx.Request(request.method, str(request.url), headers=headers, content=body)
        )
        content_type = answer.headers.get("Content-Type", "application/json")
        return web.Response(
            status=answer.status_code, body=answer.content, headers={"Content-Type": content_type}
        )

    # --- what the tests script and read ----------------------------------------------------------

    def expire_tokens(self, *, rotate_stable: bool = True) -> None:
        """Simulate WeChat invalidating every issued access token (errcode 40001 next).

        rotate_stable=True is someone else force-refreshing (the stable endpoint hands out the
        new token); False leaves the stable endpoint serving the revoked one until forced.
        """
        self.valid_tokens.clear()
        if rotate_stable and self.stable_token is not None:
            self.stable_token = self._issue()

    def texts_to(self, openid: str) -> list[str]:
        return [m.content for m in self.sent if m.touser == openid and m.msgtype == "text"]

    async def wait_sent(self, count: int, timeout: float = 5.0) -> None:
        """Wait until at least `count` customer-service messages arrived (pushes run as tasks)."""

        async def arrived() -> None:
            while len(self.sent) < count:
                self._recorded.clear()
                await self._recorded.wait()

        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(arrived(), timeout)
        assert len(self.sent) >= count, self.sent

    def _issue(self) -> str:
        token = f"token-{next(self._counter)}"
        self.valid_tokens.add(token)
        return token

    # --- handlers ----------------------------------------------------------------------------

    def _check_credentials(self, grant_type: Any, app_id: Any, secret: Any) -> None:
        if grant_type != "client_credential":
            raise _Refusal(40002, "invalid grant_type")
        if app_id != self.app_id or secret != self.app_secret:
            raise _Refusal(40125, "invalid appsecret")
        self.token_calls += 1

    async def _token(self, request: httpx.Request) -> httpx.Response:
        q = request.url.params
        self._check_credentials(q.get("grant_type"), q.get("appid"), q.get("secret"))
        return httpx.Response(200, json={"access_token": self._issue(), "expires_in": self.expires_in})

    async def _stable_token(self, request: httpx.Request) -> httpx.Response:
        body = self._json(request)
        self._check_credentials(body.get("grant_type"), body.get("appid"), body.get("secret"))
        if body.get("force_refresh"):
            self.force_refreshes += 1
        if self.stable_token is None or body.get("force_refresh"):
            self.stable_token = self._issue()
        return httpx.Response(
            200, json={"access_token": self.stable_token, "expires_in": self.expires_in}
        )

    def _auth(self, request: httpx.Request) -> None:
        if request.url.params.get("access_token", "") not in self.valid_tokens:
            raise _Refusal(40001, "invalid credential")

    @staticmethod
    def _json(request: httpx.Request) -> Any:
        """The body as WeChat reads it: \\uXXXX escapes are refused (errcode 40033)."""
        if b"\\u" in request.content:
            raise _Refusal(40033, "invalid charset")
        return json.loads(request.content.decode("utf-8"))

    async def _custom_send(self, request: httpx.Request) -> httpx.Response:
        self._auth(request)
        body = self._json(request)
        if self.send_delay:
            await asyncio.sleep(self.send_delay)
        touser = body.get("touser", "")
        if self.fail_next_sends:
            code = self.fail_next_sends.pop(0)
            if code:
                raise _Refusal(code, "scripted failure")
            return _ok()
        if touser in self.fail_users:
            raise _Refusal(self.fail_users[touser], "scripted")
        msgtype = body.get("msgtype", "")
        if msgtype == "text":
            content = body["text"]["content"]
            if len(content.encode("utf-8")) > 2048:
                raise _Refusal(45002, "content size out of limit")
            self._record(SentMessage(touser, "text", content=content))
        elif msgtype == "image":
            self._record(SentMessage(touser, "image", media_id=body["image"]["media_id"]))
        else:
            raise _Refusal(40008, "invalid message type")
        return _ok()

    def _record(self, message: SentMessage) -> None:
        self.sent.append(message)
        self._recorded.set()

    async def _upload(self, request: httpx.Request) -> httpx.Response:
        self._auth(request)
        if request.url.params.get("type") != "image":
            raise _Refusal(40004, "invalid media type")
        data = _form_field(request, "media")
        if data is None:
            raise _Refusal(41005, "media data missing")
        self.uploads.append(data)
        return httpx.Response(
            200, json={"type": "image", "media_id": f"media-{len(self.uploads)}", "created_at": 1}
        )

    async def _notice(self, request: httpx.Request) -> httpx.Response:
        self._auth(request)
        if self.notice_errcode:
            raise _Refusal(self.notice_errcode, "scripted")
        self.notices.append(self._json(request))
        return _ok()

    async def _menu(self, request: httpx.Request) -> httpx.Response:
        self._auth(request)
        self.menus.append(self._json(request))
        return _ok()


def _form_field(request: httpx.Request, name: str) -> bytes | None:
    """One field of a multipart/form-data body, byte for byte."""
    _, _, boundary = request.headers.get("Content-Type", "").partition("boundary=")
    if not boundary:
        return None
    for part in request.content.split(b"--" + boundary.encode()):
        head, _, data = part.partition(b"\r\n\r\n")
        if f'name="{name}"'.encode() in head:
            return data.removesuffix(b"\r\n")
    return None


class EchoAssistant:
    """A readable stand-in for the core: echoes text, can be slowed down or scripted."""

    def __init__(
        self,
        delay: float = 0.0,
        script: Callable[[Incoming], list[Reply]] | None = None,
    ) -> None:
        self.delay = delay
        self.script = script
        self.seen: list[Incoming] = []

    async def handle(self, incoming: Incoming, *, defer_images: bool = False) -> list[Reply]:
        self.seen.append(incoming)
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.script is not None:
            return self.script(incoming)
        if incoming.kind == "follow":
            return [Reply(text="欢迎关注！")]
        if incoming.kind == "callback":
            return [Reply(text=f"已选择：{incoming.callback_data}")]
        if incoming.kind == "unsupported":
            return [Reply(text="目前只能处理文字消息，请发送文字。")]
        if incoming.text == "选项":
            return [
                Reply(
                    text="请确认：",
                    choices=((Choice("确认", "form:confirm"), Choice("取消", "form:cancel")),),
                )
            ]
        if incoming.text == "boom":
            raise RuntimeError("secret internal detail")
        return [Reply(text=f"收到：{incoming.text}")]


# --- a signed-request client for the callback server ------------------------------------------


def text_xml(openid: str, content: str, msg_id: str, account: str = "gh_test", ts: int = 0) -> str:
    """A user text message as WeChat posts it in plaintext mode."""
    return (
        f"<xml><ToUserName><![CDATA[{account}]]></ToUserName>"
        f"<FromUserName><![CDATA[{openid}]]></FromUserName><CreateTime>{ts}</CreateTime>"
        f"<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{content}]]></Content>"
        f"<MsgId>{msg_id}</MsgId></xml>"
    )


def event_xml(openid: str, event: str, key: str = "", account: str = "gh_test", ts: int = 0) -> str:
    """An event push (subscribe, unsubscribe, CLICK …)."""
    return (
        f"<xml><ToUserName><![CDATA[{account}]]></ToUserName>"
        f"<FromUserName><![CDATA[{openid}]]></FromUserName><CreateTime>{ts}</CreateTime>"
        f"<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[{event}]]></Event>"
        f"<EventKey><![CDATA[{key}]]></EventKey></xml>"
    )


def media_xml(openid: str, msg_type: str, msg_id: str, account: str = "gh_test") -> str:
    """An image / voice / location … message (the channel answers "please send text")."""
    return (
        f"<xml><ToUserName><![CDATA[{account}]]></ToUserName>"
        f"<FromUserName><![CDATA[{openid}]]></FromUserName><CreateTime>1</CreateTime>"
        f"<MsgType><![CDATA[{msg_type}]]></MsgType><PicUrl><![CDATA[http://x/y.png]]></PicUrl>"
        f"<MediaId><![CDATA[m1]]></MediaId><MsgId>{msg_id}</MsgId></xml>"
    )


@dataclass
class CallbackClient:
    """Posts signed callbacks to a running server, as WeChat's servers would."""

    base_url: str
    token: str
    crypto: Any = None  # WeChatCrypto for safe mode
    path: str = "/wechat"
    _nonce: Any = field(default_factory=lambda: itertools.count(100000))

    def query(self, timestamp: int | None = None, **extra: str) -> dict[str, str]:
        import time

        from bot.channels.wechat.crypto import sign

        ts = str(int(time.time()) if timestamp is None else timestamp)
        nonce = str(next(self._nonce))
        return {"signature": sign(self.token, ts, nonce), "timestamp": ts, "nonce": nonce, **extra}

    async def post(
        self,
        session: Any,
        xml: str | bytes,
        *,
        encrypted: bool = False,
        timestamp: int | None = None,
        query: dict[str, str] | None = None,
    ) -> tuple[int, str]:
        """POST one callback; returns (status, body) with safe-mode replies decrypted."""
        from bot.channels.wechat.xml import parse_xml

        params = query or self.query(timestamp)
        body: str | bytes = xml
        if encrypted:
            assert self.crypto is not None
            text = xml.decode() if isinstance(xml, bytes) else xml
            cipher, msg_sig = self.crypto.encrypt_message(
                text, params["timestamp"], params["nonce"]
            )
            params = {**params, "encrypt_type": "aes", "msg_signature": msg_sig}
            body = f"<xml><ToUserName><![CDATA[gh_test]]></ToUserName><Encrypt><![CDATA[{cipher}]]></Encrypt></xml>"
        async with session.post(self.base_url + self.path, params=params, data=body) as resp:
            status, text = resp.status, await resp.text()
        if encrypted and status == 200 and text.startswith("<xml>"):
            fields = parse_xml(text)
            text = self.crypto.decrypt_message(
                fields["Encrypt"], fields["MsgSignature"], fields["TimeStamp"], fields["Nonce"]
            )
        return status, text
