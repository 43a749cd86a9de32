"""aiohttp callback server for the Official Account: verifies every call before reading it.

GET /wechat answers WeChat's URL check (echostr); POST /wechat takes messages in plaintext or
safe (AES) mode. Forged or stale calls get 403; oversized bodies 413; anything malformed gets
"success" so WeChat stops retrying; a failing database gets 503 so WeChat retries (the assistant's
own errors are answered by the webhook) — nothing here raises to the client.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass

from aiohttp import web

from bot.channels.wechat_crypto import (
    InvalidSignatureError,
    WeChatCrypto,
    WeChatCryptoError,
    check_signature,
)
from bot.channels.wechat_webhook import WeChatWebhook
from bot.channels.wechat_xml import XmlError, build_encrypted_reply, parse_message, parse_xml
from bot.core.ports import Clock, SystemClock

__all__ = ["CALLBACK_PATH", "WeChatServerConfig", "build_wechat_app", "start_wechat_site"]

log = logging.getLogger(__name__)

CALLBACK_PATH = "/wechat"
_SUCCESS = "success"


@dataclass(frozen=True)
class WeChatServerConfig:
    """What the callback endpoint needs to authenticate and decrypt calls."""

    token: str
    crypto: WeChatCrypto | None = None  # set when the account runs in safe / compatible mode
    timestamp_window: float = 300.0  # seconds either side of our clock
    max_body: int = 64 * 1024  # WeChat messages are a few KiB at most
    path: str = CALLBACK_PATH


_WEBHOOK_KEY = web.AppKey("wechat_webhook", WeChatWebhook)
_CONFIG_KEY = web.AppKey("wechat_config", WeChatServerConfig)
_CLOCK_KEY: web.AppKey[Clock] = web.AppKey("wechat_clock")


def build_wechat_app(
    webhook: WeChatWebhook, config: WeChatServerConfig, clock: Clock | None = None
) -> web.Application:
    """The aiohttp application serving the callback path; close it to drain pending pushes."""
    app = web.Application(client_max_size=config.max_body)
    app[_WEBHOOK_KEY] = webhook
    app[_CONFIG_KEY] = config
    app[_CLOCK_KEY] = clock or SystemClock()
    app.router.add_get(config.path, _verify_url)
    app.router.add_post(config.path, _receive)
    app.router.add_get("/healthz", _health)  # for the load balancer / reverse proxy

    async def drain(_app: web.Application) -> None:
        await webhook.aclose()

    app.on_shutdown.append(drain)
    return app


async def start_wechat_site(app: web.Application, host: str, port: int) -> web.AppRunner:
    """Start serving app on host:port inside the running loop; call runner.cleanup() to stop."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    log.info("wechat callback listening on http://%s:%s%s", host, port, app[_CONFIG_KEY].path)
    return runner


def _authentic(request: web.Request) -> bool:
    """Signature over (token, timestamp, nonce) and a timestamp within the window."""
    config = request.app[_CONFIG_KEY]
    clock = request.app[_CLOCK_KEY]
    query = request.query
    timestamp, nonce = query.get("timestamp", ""), query.get("nonce", "")
    if not check_signature(config.token, query.get("signature", ""), timestamp, nonce):
        return False
    try:
        sent = int(timestamp)
    except ValueError:
        return False
    return abs(clock.now().timestamp() - sent) <= config.timestamp_window


async def _health(_request: web.Request) -> web.StreamResponse:
    return web.Response(text="ok")


async def _verify_url(request: web.Request) -> web.StreamResponse:
    """WeChat's server-configuration check: echo echostr back when the signature is ours."""
    if not _authentic(request):
        return web.Response(status=403, text="forbidden")
    return web.Response(text=request.query.get("echostr", ""))


async def _receive(request: web.Request) -> web.StreamResponse:
    """One pushed message; the reply is the passive answer or "success"."""
    if not _authentic(request):
        return web.Response(status=403, text="forbidden")
    config = request.app[_CONFIG_KEY]
    if request.content_length is not None and request.content_length > config.max_body:
        return web.Response(status=413, text="too large")
    try:
        body = await request.read()
    except web.HTTPRequestEntityTooLarge:
        return web.Response(status=413, text="too large")
    encrypted = request.query.get("encrypt_type", "raw").lower() == "aes"
    try:
        fields = parse_xml(body)
        if encrypted:
            if config.crypto is None:
                log.warning("encrypted wechat message but no EncodingAESKey configured")
                return web.Response(text=_SUCCESS)
            plaintext = config.crypto.decrypt_message(
                fields.get("Encrypt", ""),
                request.query.get("msg_signature", ""),
                request.query.get("timestamp", ""),
                request.query.get("nonce", ""),
            )
            fields = parse_xml(plaintext)
        message = parse_message(fields)
    except InvalidSignatureError:
        return web.Response(status=403, text="forbidden")
    except (XmlError, WeChatCryptoError):
        log.warning("unreadable wechat message (%d bytes) ignored", len(body))
        return web.Response(text=_SUCCESS)

    webhook = request.app[_WEBHOOK_KEY]
    try:
        reply = await webhook.handle(message)
    except Exception:  # infrastructure (database) trouble: let WeChat retry in a few seconds
        log.exception("wechat message handling failed")
        return web.Response(status=503, text="busy")
    if reply is None:
        return web.Response(text=_SUCCESS)
    if encrypted and config.crypto is not None:
        clock = request.app[_CLOCK_KEY]
        timestamp = str(int(clock.now().timestamp()))
        nonce = str(secrets.randbelow(10**9) + 10**9)
        cipher, signature = config.crypto.encrypt_message(reply, timestamp, nonce)
        reply = build_encrypted_reply(cipher, signature, timestamp, nonce)
    return web.Response(text=reply, content_type="application/xml")
