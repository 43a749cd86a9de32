"""aiohttp callback server for the Official Account: verifies every call before reading it.

GET /wechat answers WeChat's URL check (echostr); POST /wechat takes messages. With an
EncodingAESKey only safe-mode (AES) posts whose msg_signature covers the body are accepted —
plaintext too only in the explicit compatibility mode. Every (nonce, timestamp) is remembered
with a hash of its body for the timestamp window: the same body again is WeChat retrying
(answered from the cache), another body is a replay (refused). Malformed calls get 400, forged
or stale ones 403, oversized bodies 413, a failing database 503 (WeChat retries) — never a 500,
and unauthenticated input never leaves a traceback in the log.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass

from aiohttp import web

from bot.channels.site import AppSite
from bot.channels.wechat.crypto import (
    InvalidSignatureError,
    WeChatCrypto,
    WeChatCryptoError,
    check_signature,
)
from bot.channels.wechat.query import CallbackQuery, QueryError, parse_query
from bot.channels.wechat.webhook import WeChatWebhook
from bot.channels.wechat.xml import (
    WeChatMessage,
    XmlError,
    build_encrypted_reply,
    parse_message,
    parse_xml,
)
from bot.core.ports import Clock, SystemClock

__all__ = [
    "CALLBACK_PATH",
    "WeChatServerConfig",
    "build_wechat_app",
    "start_wechat_site",
    "wechat_site",
]

log = logging.getLogger(__name__)

CALLBACK_PATH = "/wechat"
_SUCCESS = "success"


@dataclass(frozen=True)
class WeChatServerConfig:
    """What the callback endpoint needs to authenticate and decrypt calls."""

    token: str
    crypto: WeChatCrypto | None = None  # set when the account runs in safe / compatible mode
    accept_plaintext: bool = False  # with crypto: also take plaintext posts (compatible mode)
    timestamp_window: float = 300.0  # seconds either side of our clock
    max_body: int = 64 * 1024  # WeChat messages are a few KiB at most
    path: str = CALLBACK_PATH


_WEBHOOK_KEY = web.AppKey("wechat_webhook", WeChatWebhook)
_CONFIG_KEY = web.AppKey("wechat_config", WeChatServerConfig)
_CLOCK_KEY: web.AppKey[Clock] = web.AppKey("wechat_clock")


def build_wechat_app(
    webhook: WeChatWebhook,
    config: WeChatServerConfig,
    clock: Clock | None = None,
    *,
    prune_every: float = 60.0,
) -> web.Application:
    """The aiohttp application serving the callback path; close it to drain pending pushes."""
    app = web.Application(client_max_size=config.max_body)
    app[_WEBHOOK_KEY] = webhook
    app[_CONFIG_KEY] = config
    app[_CLOCK_KEY] = clock or SystemClock()
    app.router.add_get(config.path, _verify_url)
    app.router.add_post(config.path, _receive)
    app.router.add_get("/healthz", _health)  # for the load balancer / reverse proxy

    async def prune(_app: web.Application) -> AsyncIterator[None]:
        """Cached replies and seen nonces expire on time even when no message arrives."""
        task = asyncio.create_task(_prune_loop(webhook, config, prune_every))
        yield
        task.cancel()

    async def drain(_app: web.Application) -> None:
        await webhook.aclose()

    app.cleanup_ctx.append(prune)
    app.on_shutdown.append(drain)
    return app


async def _prune_loop(webhook: WeChatWebhook, config: WeChatServerConfig, every: float) -> None:
    while True:
        try:
            await webhook.prune(call_horizon=2 * config.timestamp_window)
        except Exception as exc:  # a database hiccup: try again next round
            log.warning("wechat prune failed (%s)", type(exc).__name__)
        await asyncio.sleep(every)


def wechat_site(app: web.Application, host: str, port: int) -> AppSite:
    """The callback server as a Channel: start() listens, stop() drains the pushes in flight."""
    return AppSite(app, host, port, name=f"wechat callback {app[_CONFIG_KEY].path}")


async def start_wechat_site(app: web.Application, host: str, port: int) -> web.AppRunner:
    """Start serving app on host:port inside the running loop; call runner.cleanup() to stop."""
    site = wechat_site(app, host, port)
    await site.start()
    assert site.runner is not None
    return site.runner


def _authentic(request: web.Request) -> CallbackQuery | web.Response:
    """The validated query when its signature and timestamp check out, else the refusal."""
    config = request.app[_CONFIG_KEY]
    clock = request.app[_CLOCK_KEY]
    try:
        query = parse_query({k: request.query.getall(k) for k in request.query})
    except QueryError as exc:
        log.info("wechat call refused: %s", exc)
        return web.Response(status=400, text="bad request")
    if not check_signature(config.token, query.signature, query.timestamp, query.nonce):
        return web.Response(status=403, text="forbidden")
    if abs(clock.now().timestamp() - query.seconds) > config.timestamp_window:
        return web.Response(status=403, text="forbidden")
    return query


async def _health(_request: web.Request) -> web.StreamResponse:
    return web.Response(text="ok")


async def _verify_url(request: web.Request) -> web.StreamResponse:
    """WeChat's server-configuration check: echo echostr back when the signature is ours."""
    query = _authentic(request)
    if isinstance(query, web.Response):
        return query
    return web.Response(text=query.echostr)


async def _read_body(request: web.Request, limit: int) -> bytes | web.Response:
    if request.content_length is not None and request.content_length > limit:
        return web.Response(status=413, text="too large")
    try:
        return await request.read()
    except web.HTTPRequestEntityTooLarge:
        return web.Response(status=413, text="too large")


def _open(body: bytes, query: CallbackQuery, config: WeChatServerConfig) -> WeChatMessage:
    """The message inside an authenticated post; InvalidSignatureError, XmlError or
    WeChatCryptoError when it is forged, unreadable or not allowed in this mode."""
    fields = parse_xml(body)
    if query.encrypt_type == "aes":
        if config.crypto is None:
            raise WeChatCryptoError("encrypted message but no EncodingAESKey configured")
        plaintext = config.crypto.decrypt_message(
            fields.get("Encrypt", ""), query.msg_signature, query.timestamp, query.nonce
        )
        fields = parse_xml(plaintext)
    elif config.crypto is not None and not config.accept_plaintext:
        raise InvalidSignatureError("plaintext post while safe mode is required")
    return parse_message(fields)


async def _receive(request: web.Request) -> web.StreamResponse:
    """One pushed message; the reply is the passive answer or "success"."""
    query = _authentic(request)
    if isinstance(query, web.Response):
        return query
    config = request.app[_CONFIG_KEY]
    body = await _read_body(request, config.max_body)
    if isinstance(body, web.Response):
        return body
    try:
        message = _open(body, query, config)
    except InvalidSignatureError:
        return web.Response(status=403, text="forbidden")
    except (XmlError, WeChatCryptoError) as exc:
        log.warning("unreadable wechat message (%d bytes) refused: %s", len(body), exc)
        return web.Response(status=400, text="bad request")

    webhook = request.app[_WEBHOOK_KEY]
    digest = hashlib.sha256(body).hexdigest()
    now = request.app[_CLOCK_KEY].now()
    try:
        fresh = await asyncio.to_thread(
            webhook.store.remember_call, query.nonce, query.timestamp, digest, now
        )
    except Exception as exc:  # database trouble: let WeChat retry in a few seconds
        log.error("wechat replay check failed (%s)", type(exc).__name__)
        return web.Response(status=503, text="busy")
    if not fresh:
        log.warning("wechat call refused: nonce and timestamp replayed with another body")
        return web.Response(status=403, text="forbidden")
    try:
        reply = await webhook.handle(message)
    except Exception:  # infrastructure (database) trouble: let WeChat retry in a few seconds
        log.exception("wechat message handling failed")
        return web.Response(status=503, text="busy")
    if reply is None:
        return web.Response(text=_SUCCESS)
    if query.encrypt_type == "aes" and config.crypto is not None:
        clock = request.app[_CLOCK_KEY]
        timestamp = str(int(clock.now().timestamp()))
        nonce = str(secrets.randbelow(10**9) + 10**9)
        cipher, signature = config.crypto.encrypt_message(reply, timestamp, nonce)
        reply = build_encrypted_reply(cipher, signature, timestamp, nonce)
    return web.Response(text=reply, content_type="application/xml")
