"""WeChat Official Account (公众号) channel: the public surface of the wechat_* modules.

wechat_crypto (signatures, AES safe mode) · wechat_xml (safe parsing, passive replies) ·
wechat_api (HTTP client, access token) · wechat_render (replies → messages) ·
wechat_webhook (5-second answers, retries, pushes) · wechat_server (aiohttp /wechat) ·
wechat_notifier (digests within the 48-hour window).
"""

from bot.channels.wechat.api import WeChatAPI, WeChatAPIError
from bot.channels.wechat.crypto import InvalidSignatureError, WeChatCrypto, WeChatCryptoError
from bot.channels.wechat.notifier import WeChatNotifier
from bot.channels.wechat.server import (
    CALLBACK_PATH,
    WeChatServerConfig,
    build_wechat_app,
    start_wechat_site,
)
from bot.channels.wechat.webhook import WeChatWebhook

__all__ = [
    "CALLBACK_PATH",
    "InvalidSignatureError",
    "WeChatAPI",
    "WeChatAPIError",
    "WeChatCrypto",
    "WeChatCryptoError",
    "WeChatNotifier",
    "WeChatServerConfig",
    "WeChatWebhook",
    "build_wechat_app",
    "start_wechat_site",
]
