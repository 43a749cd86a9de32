"""Web channel (H5 页面与 JSON 接口): chat, self-assessment and admin pages on the same core."""

from __future__ import annotations

from bot.channels.web.config import (
    AdminStats,
    BriefingInfo,
    BriefingLibrary,
    DeliveryInfo,
    WebConfig,
    WebServices,
)
from bot.channels.web.server import build_web_app, start_web_site, web_site

__all__ = [
    "AdminStats",
    "BriefingInfo",
    "BriefingLibrary",
    "DeliveryInfo",
    "WebConfig",
    "WebServices",
    "build_web_app",
    "start_web_site",
    "web_site",
]
