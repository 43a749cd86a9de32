"""WeChat for the composition: API client, callback server config and app, digest notifier."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.app.foundation import build_database
from bot.core.ports import Assistant
from bot.settings import Settings
from bot.storage import Database

if TYPE_CHECKING:
    from aiohttp import web

    from bot.channels.wechat.api import WeChatAPI
    from bot.channels.wechat.notifier import WeChatNotifier
    from bot.channels.wechat.push import UserPushes
    from bot.channels.wechat.server import WeChatServerConfig

WECHAT_API_TIMEOUT = 10.0  # seconds a WeChat API call may take (connect, send, read)

__all__ = [
    "build_wechat_api",
    "build_wechat_app",
    "build_wechat_notifier",
    "build_wechat_server_config",
]


def build_wechat_api(settings: Settings) -> WeChatAPI | None:
    """The API client (customer-service messages, media), or None without AppID and AppSecret.

    It owns the `httpx.AsyncClient` built here: its `aclose` closes it.
    """
    import httpx

    from bot.channels.wechat.api import WeChatAPI

    if not (settings.wechat_app_id and settings.wechat_app_secret):
        return None
    return WeChatAPI(
        app_id=settings.wechat_app_id,
        app_secret=settings.wechat_app_secret,
        base_url=settings.wechat_api_url,
        http=httpx.AsyncClient(timeout=WECHAT_API_TIMEOUT),
    )


def build_wechat_server_config(settings: Settings) -> WeChatServerConfig:
    """Token and (in safe mode) crypto for /wechat; ValueError names the setting that is wrong."""
    from bot.channels.wechat.crypto import WeChatCrypto, WeChatCryptoError
    from bot.channels.wechat.server import WeChatServerConfig

    if not settings.wechat_token:
        raise ValueError("INNOBOT_WECHAT_TOKEN is not set")
    crypto = None
    if settings.wechat_aes_key:
        if not settings.wechat_app_id:
            raise ValueError("INNOBOT_WECHAT_APP_ID is needed with INNOBOT_WECHAT_AES_KEY")
        try:
            crypto = WeChatCrypto(
                settings.wechat_token, settings.wechat_aes_key, settings.wechat_app_id
            )
        except WeChatCryptoError as exc:
            raise ValueError("INNOBOT_WECHAT_AES_KEY must be the 43-character EncodingAESKey") from exc
    return WeChatServerConfig(
        token=settings.wechat_token,
        crypto=crypto,
        accept_plaintext=settings.wechat_accept_plaintext,
    )


def build_wechat_app(
    settings: Settings,
    assistant: Assistant,
    database: Database,
    api: WeChatAPI | None = None,
    *,
    pushes: UserPushes | None = None,
) -> web.Application:
    """The aiohttp app serving /wechat (safe mode when INNOBOT_WECHAT_AES_KEY is set).

    pushes: the registry the assistant's /forget cancels (pass the one given to the assistant).
    """
    from bot.channels.wechat.server import build_wechat_app as build_app
    from bot.channels.wechat.webhook import WeChatWebhook
    from bot.storage.wechat import WeChatStore

    config = build_wechat_server_config(settings)
    webhook = WeChatWebhook(
        assistant=assistant, store=WeChatStore(database), api=api, pushes=pushes
    )
    return build_app(webhook, config)


def build_wechat_notifier(
    settings: Settings, database: Database | None = None, *, api: WeChatAPI | None = None
) -> WeChatNotifier | None:
    """Digest pushes to WeChat users; None when the channel is not configured.

    Pass the webhook's `api` in a process that serves WeChat too: one client, one access token.
    """
    from bot.channels.wechat.notifier import WeChatNotifier
    from bot.storage.wechat import WeChatStore

    shared = api is not None
    api = api or build_wechat_api(settings)
    if api is None:  # without AppID/AppSecret nothing can be pushed to WeChat users
        return None
    return WeChatNotifier(
        api=api,
        store=WeChatStore(database or build_database(settings)),
        template_id=settings.wechat_template_id,
        timezone=settings.timezone,
        close_api=not shared,
    )
