"""A fake WeChat API server on 127.0.0.1 and scripted assistants for the WeChat channel tests.

The fake speaks the real wire format of the endpoints the channel uses (token, customer-service
send, media upload, subscription notice, menu) and records what it received.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

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


@dataclass
class FakeWeChatAPI:
    """Loopback stand-in for api.weixin.qq.com; start() binds a free port on 127.0.0.1."""

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
    base_url: str = ""
    _runner: web.AppRunner | None = None
    _counter: Any = field(default_factory=lambda: itertools.count(1))

    async def start(self) -> str:
        """Serve on 127.0.0.1:<free port>; returns the base URL."""
        app = web.Application(client_max_size=4 * 1024 * 1024)
        app.router.add_get("/cgi-bin/token", self._token)
        app.router.add_post("/cgi-bin/stable_token", self._stable_token)
        app.router.add_post("/cgi-bin/message/custom/send", self._custom_send)
        app.router.add_post("/cgi-bin/media/upload", self._upload)
        app.router.add_post("/cgi-bin/message/subscribe/bizsend", self._notice)
        app.router.add_post("/cgi-bin/menu/create", self._menu)
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

    def expire_tokens(self, *, rotate_stable: bool = True) -> None:
        """Simulate WeChat invalidating every issued access token (errcode 40001 next).

        rotate_stable=True is someone else force-refreshing (the stable endpoint hands out the
        new token); False leaves the stable endpoint serving the revoked one until forced.
        """
        self.valid_tokens.clear()
        if rotate_stable and self.stable_token is not None:
            self.stable_token = self._issue()

    def _issue(self) -> str:
        token = f"token-{next(self._counter)}"
        self.valid_tokens.add(token)
        return token

    def texts_to(self, openid: str) -> list[str]:
        return [m.content for m in self.sent if m.touser == openid and m.msgtype == "text"]

    # --- handlers ----------------------------------------------------------------------------

    async def _token(self, request: web.Request) -> web.Response:
        q = request.query
        if q.get("grant_type") != "client_credential":
            return web.json_response({"errcode": 40002, "errmsg": "invalid grant_type"})
        if q.get("appid") != self.app_id or q.get("secret") != self.app_secret:
            return web.json_response({"errcode": 40125, "errmsg": "invalid appsecret"})
        self.token_calls += 1
        return web.json_response({"access_token": self._issue(), "expires_in": self.expires_in})

    async def _stable_token(self, request: web.Request) -> web.Response:
        body = await self._json(request)
        if body.get("grant_type") != "client_credential":
            return web.json_response({"errcode": 40002, "errmsg": "invalid grant_type"})
        if body.get("appid") != self.app_id or body.get("secret") != self.app_secret:
            return web.json_response({"errcode": 40125, "errmsg": "invalid appsecret"})
        self.token_calls += 1
        if body.get("force_refresh"):
            self.force_refreshes += 1
        if self.stable_token is None or body.get("force_refresh"):
            self.stable_token = self._issue()
        return web.json_response({"access_token": self.stable_token, "expires_in": self.expires_in})

    def _auth(self, request: web.Request) -> web.Response | None:
        token = request.query.get("access_token", "")
        if token not in self.valid_tokens:
            return web.json_response({"errcode": 40001, "errmsg": "invalid credential"})
        return None

    async def _json(self, request: web.Request) -> Any:
        """The body as WeChat reads it: \\uXXXX escapes are refused (errcode 40033)."""
        raw = await request.read()
        if b"\\u" in raw:
            raise web.HTTPOk(
                text='{"errcode": 40033, "errmsg": "invalid charset"}',
                content_type="application/json",
            )
        return json.loads(raw.decode("utf-8"))

    async def _custom_send(self, request: web.Request) -> web.Response:
        denied = self._auth(request)
        if denied is not None:
            return denied
        body = await self._json(request)
        if self.send_delay:
            await asyncio.sleep(self.send_delay)
        touser = body.get("touser", "")
        if self.fail_next_sends:
            code = self.fail_next_sends.pop(0)
            return web.json_response({"errcode": code, "errmsg": "scripted failure"})
        if touser in self.fail_users:
            return web.json_response({"errcode": self.fail_users[touser], "errmsg": "scripted"})
        msgtype = body.get("msgtype", "")
        if msgtype == "text":
            content = body["text"]["content"]
            if len(content.encode("utf-8")) > 2048:
                return web.json_response({"errcode": 45002, "errmsg": "content size out of limit"})
            self.sent.append(SentMessage(touser, "text", content=content))
        elif msgtype == "image":
            self.sent.append(SentMessage(touser, "image", media_id=body["image"]["media_id"]))
        else:
            return web.json_response({"errcode": 40008, "errmsg": "invalid message type"})
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    async def _upload(self, request: web.Request) -> web.Response:
        denied = self._auth(request)
        if denied is not None:
            return denied
        if request.query.get("type") != "image":
            return web.json_response({"errcode": 40004, "errmsg": "invalid media type"})
        reader = await request.multipart()
        part = await reader.next()
        if part is None or getattr(part, "name", None) != "media":
            return web.json_response({"errcode": 41005, "errmsg": "media data missing"})
        data = await part.read()  # type: ignore[union-attr]
        self.uploads.append(bytes(data))
        media_id = f"media-{len(self.uploads)}"
        return web.json_response({"type": "image", "media_id": media_id, "created_at": 1})

    async def _notice(self, request: web.Request) -> web.Response:
        denied = self._auth(request)
        if denied is not None:
            return denied
        if self.notice_errcode:
            return web.json_response({"errcode": self.notice_errcode, "errmsg": "scripted"})
        self.notices.append(await self._json(request))
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    async def _menu(self, request: web.Request) -> web.Response:
        denied = self._auth(request)
        if denied is not None:
            return denied
        self.menus.append(await self._json(request))
        return web.json_response({"errcode": 0, "errmsg": "ok"})


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
