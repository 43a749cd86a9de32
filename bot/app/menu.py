"""The WeChat Official Account's custom menu (`innobot wechat menu`): defined in the channel's YAML."""

from __future__ import annotations

from dataclasses import dataclass

from bot.app.wechat import build_wechat_api
from bot.settings import Settings

__all__ = ["MenuPush", "push_wechat_menu", "wechat_menu"]


@dataclass(frozen=True)
class MenuPush:
    """How installing the menu went: not configured, refused by WeChat (errcode), or done."""

    configured: bool
    errcode: int | None = None

    @property
    def done(self) -> bool:
        """WeChat accepted the menu."""
        return self.configured and self.errcode is None


def wechat_menu() -> dict[str, object]:
    """The menu as WeChat's menu/create API takes it (from bot/channels/wechat/menu.yaml)."""
    from importlib import resources

    import yaml

    text = resources.files("bot.channels.wechat").joinpath("menu.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    return {"button": data["button"]}


def push_wechat_menu(settings: Settings) -> MenuPush:
    """Install the menu through the API (needs INNOBOT_WECHAT_APP_ID and _APP_SECRET)."""
    import asyncio

    from bot.channels.wechat.api import WeChatAPIError

    api = build_wechat_api(settings)
    if api is None:
        return MenuPush(configured=False)

    async def push() -> None:
        try:
            await api.create_menu(wechat_menu())
        finally:
            await api.aclose()

    try:
        asyncio.run(push())
    except WeChatAPIError as error:
        return MenuPush(configured=True, errcode=error.errcode)
    return MenuPush(configured=True)
