"""Long-running processes: one assistant, its channels and digest delivery in one event loop.

`serve_channels` is the one way to run them: every resource is owned (closed by its `aclose`) and every
channel run (`start` now, `stop` on shutdown) through one AsyncExitStack, so a signal, a stop
event or a failed start-up unwinds everything in reverse order: digests, channels, the WeChat
client, the assistant (its threads and worker processes) and the retrieval engines, the database.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import AsyncExitStack, contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from bot.app.assistant import build_assistant
from bot.app.digests import (
    DigestDelivery,
    build_digest_delivery,
    build_subscriptions,
    start_digest_scheduler,
)
from bot.app.foundation import build_database
from bot.app.retrieval import RetrievalEngines
from bot.app.telegram import build_telegram_runner
from bot.app.wechat import build_wechat_api, build_wechat_app, build_wechat_server_config
from bot.core.lifecycle import Channel, Closable
from bot.core.ports import Forgettable
from bot.settings import Settings
from bot.storage import Database

if TYPE_CHECKING:
    import asyncio

    from bot.channels.wechat.api import WeChatAPI
    from bot.core.assistant import CoreAssistant
    from bot.core.subscriptions.commands import SubscriptionService

__all__ = [
    "CHANNELS",
    "ChatProcess",
    "Lifecycle",
    "Listen",
    "build_chat_process",
    "serve_channels",
]

CHANNELS = ("telegram", "wechat", "web")
C = TypeVar("C", bound=Closable)


@dataclass
class ChatProcess:
    """What one serving process shares: the assistant, its subscriptions and the retrieval engines."""

    settings: Settings
    database: Database
    assistant: CoreAssistant
    subscriptions: SubscriptionService
    engines: RetrievalEngines

    def digest_delivery(self, *, wechat_api: WeChatAPI | None = None) -> DigestDelivery:
        """Digest delivery whose jobs follow every subscription change made through the assistant."""
        return build_digest_delivery(
            self.settings,
            self.database,
            wechat_api=wechat_api,
            subscriptions=self.subscriptions,
            engines=self.engines,
        )

    async def start_digests(self, *, wechat_api: WeChatAPI | None = None) -> DigestDelivery:
        """digest_delivery, started."""
        return await start_digest_scheduler(
            self.settings,
            self.database,
            wechat_api=wechat_api,
            subscriptions=self.subscriptions,
            engines=self.engines,
        )

    async def aclose(self) -> None:
        """Stop the assistant's threads and worker processes, then close the retrieval engines
        (the database belongs to whoever passed it in)."""
        await self.assistant.aclose()
        await self.engines.aclose()


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
    engines.start_workers()  # the retrieval processes load the index while the channels start
    return ChatProcess(settings, database, assistant, subscriptions, engines)


class Lifecycle:
    """The serving process's exit stack, entered only two ways: a resource it owns (closed by its
    aclose) or a channel it runs (started now, stopped later); all unwinds in reverse order."""

    def __init__(self, stack: AsyncExitStack) -> None:
        self._stack = stack

    def own(self, resource: C) -> C:
        """Close `resource` when the process ends (after everything added later)."""
        self._stack.push_async_callback(resource.aclose)
        return resource

    async def run(self, channel: Channel) -> None:
        """Start `channel` now and stop it when the process ends (also if its start fails)."""
        self._stack.push_async_callback(channel.stop)
        await channel.start()


@dataclass(frozen=True)
class Listen:
    """Where the channels listen; None takes the setting (INNOBOT_WECHAT_PORT, …)."""

    wechat_host: str | None = None
    wechat_port: int | None = None
    web_host: str | None = None
    web_port: int | None = None
    telegram_webhook_url: str | None = None  # None: long polling
    telegram_port: int | None = None


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


async def serve_channels(
    settings: Settings,
    channels: Sequence[str],
    *,
    listen: Listen | None = None,
    digests: bool = True,
    stop: asyncio.Event | None = None,
    lifecycle: Callable[[AsyncExitStack], Lifecycle] = Lifecycle,
) -> None:
    """Run the given channels ("telegram", "wechat", "web") on one assistant in this event loop,
    with digest delivery unless digests=False, until `stop` is set or SIGINT/SIGTERM.

    lifecycle: builds the Lifecycle over the process's exit stack (tests pass a recording one).
    """
    import asyncio

    unknown = set(channels) - set(CHANNELS)
    if unknown or not channels:
        raise ValueError(f"unknown channels: {', '.join(sorted(unknown)) or '(none)'}")
    if "wechat" in channels:
        build_wechat_server_config(settings)  # a wrong setting fails before the slow start-up
    _quiet_telegram_logs()
    stop = stop or asyncio.Event()
    async with AsyncExitStack() as stack:
        await _compose(lifecycle(stack), settings, channels, listen or Listen(), digests=digests)
        with _stop_on_signals(stop):
            await stop.wait()


async def _compose(
    life: Lifecycle, settings: Settings, channels: Sequence[str], where: Listen, *, digests: bool
) -> None:
    """Build the process part by part, each owned or run as soon as it exists."""
    from bot.channels.web.shelf import FileShelf
    from bot.channels.wechat.push import UserPushes
    from bot.channels.wechat.server import wechat_site
    from bot.storage.wechat import WeChatStore

    database = life.own(build_database(settings))
    pushes = UserPushes()  # the webhook's pushes in flight, cancelled by /forget
    forgettables: list[Forgettable] = [WeChatStore(database), pushes] if "wechat" in channels else []
    shelf = FileShelf()  # the web chat's generated files, cleared by /forget
    if "web" in channels:
        forgettables.append(shelf)
    process = life.own(build_chat_process(settings, database, forgettables=forgettables))
    api = None
    if "wechat" in channels:
        api = build_wechat_api(settings)
        if api is not None:
            life.own(api)
        app = build_wechat_app(settings, process.assistant, database, api, pushes=pushes)
        await life.run(
            wechat_site(
                app, where.wechat_host or settings.wechat_host, where.wechat_port or settings.wechat_port
            )
        )
    if "web" in channels:
        from bot.app.web import build_web_app
        from bot.channels.web import web_site

        web_app = build_web_app(
            settings, process.assistant, database, engines=process.engines, shelf=shelf
        )
        await life.run(
            web_site(web_app, where.web_host or settings.web_host, where.web_port or settings.web_port)
        )
    if "telegram" in channels:
        hook, port = where.telegram_webhook_url, where.telegram_port
        await life.run(build_telegram_runner(settings, process.assistant, webhook_url=hook, port=port))
    if digests:
        await life.run(process.digest_delivery(wechat_api=api))
