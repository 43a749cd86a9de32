"""WeChat Official Account (公众号) channel: the public surface of its modules.

crypto (signatures, AES safe mode) · xml (safe parsing, passive replies) ·
api (HTTP client over an injected httpx.AsyncClient, access token) · render (replies → messages) ·
webhook (5-second answers, retries, pushes) · server (aiohttp /wechat) ·
notifier (digests within the 48-hour window).
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
