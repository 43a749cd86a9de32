"""Long-running processes: one assistant, its channels and digest delivery in one event loop."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.app.assistant import build_assistant
from bot.app.digests import DigestDelivery, build_subscriptions, start_digest_scheduler
from bot.app.foundation import build_database
from bot.app.retrieval import RetrievalEngines
from bot.app.telegram import build_telegram_runner
from bot.app.wechat import build_wechat_api, build_wechat_app, build_wechat_server_config
from bot.core.ports import Assistant, Forgettable
from bot.settings import Settings
from bot.storage import Database

if TYPE_CHECKING:
    import asyncio

    from bot.channels.wechat.api import WeChatAPI
    from bot.core.subscriptions.commands import SubscriptionService

__all__ = ["CHANNELS", "ChatProcess", "build_chat_process", "serve_channels", "serve_telegram"]

CHANNELS = ("telegram", "wechat", "web")


@dataclass
class ChatProcess:
    """What one serving process shares: the assistant, its subscriptions and the retrieval engines."""

    settings: Settings
    database: Database
    assistant: Assistant
    subscriptions: SubscriptionService
    engines: RetrievalEngines

    async def start_digests(self, *, wechat_api: WeChatAPI | None = None) -> DigestDelivery:
        """Digest delivery whose jobs follow every subscription change made through the assistant."""
        return await start_digest_scheduler(
            self.settings,
            self.database,
            wechat_api=wechat_api,
            subscriptions=self.subscriptions,
            engines=self.engines,
        )


def build_chat_process(
    settings: Settings,
    database: Database,
    *,
    forgettables: Sequence[Forgettable] = (),
    engines: RetrievalEngines | None = None,
) -> ChatProcess:
    """The assistant with the one SubscriptionService that the process's scheduler will listen to."""
    engines = engines or RetrievalEngines()
    subscriptions = build_subscriptions(settings, database, engines=engines)
    assistant = build_assistant(
        settings,
        database=database,
        forgettables=forgettables,
        subscriptions=subscriptions,
        engines=engines,
    )
    return ChatProcess(settings, database, assistant, subscriptions, engines)


@contextmanager
def _stop_on_signals(stop: asyncio.Event) -> Iterator[None]:
    """SIGINT/SIGTERM set `stop` while inside (where the loop supports signal handlers)."""
    import asyncio
    import signal
    from contextlib import suppress

    loop = asyncio.get_running_loop()
    signals = (signal.SIGINT, signal.SIGTERM)
    for signum in signals:
        with suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)
    try:
        yield
    finally:
        for signum in signals:
            with suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(signum)


def _quiet_telegram_logs() -> None:
    """PTB logs request parameters (user text) at DEBUG: keep its loggers at INFO or above."""
    logging.getLogger("telegram").setLevel(max(logging.INFO, logging.getLogger().level))


async def serve_telegram(
    settings: Settings,
    *,
    webhook_url: str | None = None,
    port: int | None = None,
    digests: bool = True,
    stop: asyncio.Event | None = None,
) -> None:
    """Run the Telegram bot (and, unless digests=False, the digest scheduler) until stopped.

    Stops when `stop` is set or on SIGINT/SIGTERM.
    """
    import asyncio
    from contextlib import AsyncExitStack

    _quiet_telegram_logs()
    stop = stop or asyncio.Event()
    with _stop_on_signals(stop):
        async with AsyncExitStack() as stack:
            database = build_database(settings)
            stack.callback(database.dispose)
            process = build_chat_process(settings, database)
            runner = build_telegram_runner(
                settings, process.assistant, webhook_url=webhook_url, port=port
            )
            stack.push_async_callback(runner.stop)
            await runner.start()
            if digests:
                stack.push_async_callback((await process.start_digests()).stop)
            await stop.wait()


async def serve_channels(
    settings: Settings,
    channels: Sequence[str],
    *,
    wechat_host: str | None = None,
    wechat_port: int | None = None,
    telegram_webhook_url: str | None = None,
    web_host: str | None = None,
    web_port: int | None = None,
    digests: bool = True,
    stop: asyncio.Event | None = None,
) -> None:
    """Run the given channels ("telegram", "wechat", "web") on one assistant in this event loop,
    with the digest scheduler unless digests=False."""
    import asyncio
    from contextlib import AsyncExitStack

    from bot.channels.web.shelf import FileShelf
    from bot.channels.wechat.push import UserPushes
    from bot.channels.wechat.server import start_wechat_site
    from bot.storage.wechat import WeChatStore

    unknown = set(channels) - set(CHANNELS)
    if unknown or not channels:
        raise ValueError(f"unknown channels: {', '.join(sorted(unknown)) or '(none)'}")
    if "wechat" in channels:
        build_wechat_server_config(settings)  # a wrong setting fails before the slow start-up
    _quiet_telegram_logs()
    stop = stop or asyncio.Event()
    database = build_database(settings)
    pushes = UserPushes()  # the webhook's pushes in flight, cancelled by /forget
    forgettables: list[Forgettable] = [WeChatStore(database), pushes] if "wechat" in channels else []
    shelf = FileShelf()  # the web chat's generated files, cleared by /forget
    if "web" in channels:
        forgettables.append(shelf)
    process = build_chat_process(settings, database, forgettables=forgettables)
    async with AsyncExitStack() as stack:
        stack.callback(database.dispose)
        api = None
        if "wechat" in channels:
            api = build_wechat_api(settings)
            if api is not None:
                stack.push_async_callback(api.aclose)
            app = build_wechat_app(settings, process.assistant, database, api, pushes=pushes)
            runner = await start_wechat_site(
                app, wechat_host or settings.wechat_host, wechat_port or settings.wechat_port
            )
            stack.push_async_callback(runner.cleanup)
        if "web" in channels:
            from bot.app.web import build_web_app
            from bot.channels.web import start_web_site

            web_app = build_web_app(
                settings, process.assistant, database, engines=process.engines, shelf=shelf
            )
            web_runner = await start_web_site(
                web_app, web_host or settings.web_host, web_port or settings.web_port
            )
            stack.push_async_callback(web_runner.cleanup)
        if "telegram" in channels:
            telegram = build_telegram_runner(
                settings, process.assistant, webhook_url=telegram_webhook_url
            )
            stack.push_async_callback(telegram.stop)
            await telegram.start()
        if digests:
            stack.push_async_callback((await process.start_digests(wechat_api=api)).stop)
        with _stop_on_signals(stop):
            await stop.wait()
