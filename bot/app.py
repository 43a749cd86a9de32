"""Composition root: the only place that builds concrete objects from Settings."""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.core.ports import Assistant, Forgettable
from bot.settings import Settings
from bot.storage import Database

__all__ = [
    "build_answerer",
    "build_catalog",
    "build_retrieval_engine",
    "build_searcher",
    "build_assistant",
    "build_database",
    "build_telegram_application",
    "build_telegram_notifier",
    "build_telegram_runner",
    "configure_logging",
    "load_settings",
    "serve_telegram",
    "start_digest_scheduler",
    "build_wechat_api",
    "build_wechat_app",
    "build_wechat_notifier",
    "build_wechat_server_config",
    "serve_channels",
]


def load_settings() -> Settings:
    """Read settings from the environment / .env and create the data directory."""
    settings = Settings()
    settings.ensure_data_dir()
    return settings


def configure_logging(settings: Settings) -> None:
    """One logging setup for every entry point (user figures are never logged)."""
    logging.basicConfig(
        level=getattr(logging, settings.log_level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    for noisy in ("httpx", "chromadb", "jieba", "apscheduler.executors.default"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def build_database(settings: Settings) -> Database:
    """The shared database (SQLite in the data directory unless INNOBOT_DATABASE_URL is set)."""
    database = Database(settings.resolved_database_url)
    database.migrate()
    return database


# --- retrieval (corpus, index, searcher, answerer) -----------------------------------------
# One engine per (data dir, corpus dir, embedder, chroma url) and process; heavy imports stay lazy
# so `innobot score` never loads chromadb or the encoder.
if TYPE_CHECKING:
    from retrieval import Answerer, Catalog, Searcher
    from retrieval.engine import RetrievalEngine

_retrieval_engines: dict[tuple[str, str, str, str], Any] = {}
_retrieval_lock = threading.Lock()


def build_retrieval_engine(settings: Settings) -> RetrievalEngine:
    """The process's retrieval engine for these settings (store, indexes, searcher, answerer)."""
    from retrieval.engine import EngineConfig, RetrievalEngine

    key = (
        str(settings.data_dir.resolve()),
        str(settings.corpus_dir.resolve()),
        settings.embedder,
        settings.chroma_url or "",
    )
    corpus_dir = settings.corpus_dir
    if not corpus_dir.is_dir():  # run from another directory: use the repository's bundled corpus
        bundled = Path(__file__).resolve().parent.parent / "corpus"
        corpus_dir = bundled if bundled.is_dir() else corpus_dir
    with _retrieval_lock:
        engine = _retrieval_engines.get(key)
        if engine is None:
            engine = RetrievalEngine(
                EngineConfig(
                    data_dir=settings.ensure_data_dir(),
                    corpus_dir=corpus_dir,
                    embedder=settings.embedder,
                    chroma_url=settings.chroma_url,
                )
            )
            _retrieval_engines[key] = engine
        return engine


def build_searcher(settings: Settings) -> Searcher:
    """Hybrid BM25 + Chroma searcher; builds the index from corpus/ first if it is missing."""
    engine = build_retrieval_engine(settings)
    if engine.store.chunk_count() == 0:
        engine.ensure_built()
    return engine.searcher


def build_answerer(settings: Settings) -> Answerer:
    """Extractive answerer; the LLM answerer (with extractive fallback) when an endpoint is set."""
    engine = build_retrieval_engine(settings)
    build_searcher(settings)
    extractive = engine.answerer
    if settings.llm_base_url and settings.llm_model:
        from retrieval.llm import LlmAnswerer, LlmConfig

        return LlmAnswerer(
            searcher=engine.searcher,
            fallback=extractive,
            config=LlmConfig(
                base_url=settings.llm_base_url,
                model=settings.llm_model,
                api_key=settings.llm_api_key,
                timeout=settings.llm_timeout,
            ),
        )
    return extractive


def build_catalog(settings: Settings) -> Catalog:
    """The catalog of ingested articles (digests read new ones from it)."""
    return build_retrieval_engine(settings).catalog


# --- scoring ---------------------------------------------------------------------------------


# --- assistant core ----------------------------------------------------------------------------


def build_assistant(
    settings: Settings,
    *,
    database: Database | None = None,
    forgettables: Sequence[Forgettable] = (),
    chart_workers: int = 1,
    per_user_rate: float | None = 1.0,
) -> Assistant:
    """The full assistant: stores, scoring, retrieval and subscriptions; channels add their stores.

    chart_workers: processes that draw score charts off the bot's GIL (0 = in a thread).
    per_user_rate: messages a second one user may keep the bot busy with (bursts of 30);
    None for the console, whose piped scripts send lines as fast as replies come.
    """
    from bot.core.assistant import CoreAssistant
    from bot.core.scoring_library import LibraryScoring
    from bot.storage.sessions import SessionStore
    from bot.storage.users import UserStore

    database = database or build_database(settings)
    searcher, answerer = _build_knowledge(settings)
    subscriptions = build_subscriptions(settings, database)
    extra: list[Forgettable] = [subscriptions, *forgettables]
    return CoreAssistant(
        users=UserStore(database),
        sessions=SessionStore(database),
        scoring=LibraryScoring(
            [settings.rules_dir] if settings.rules_dir else [], chart_workers=chart_workers
        ),
        answerer=answerer,
        searcher=searcher,
        subscriptions=subscriptions,
        forgettables=extra,
        per_user_rate=per_user_rate,
    )


def _build_knowledge(settings: Settings) -> tuple[Searcher | None, Answerer | None]:
    """Searcher and answerer over the index; (None, None) when it cannot be opened or built."""
    from retrieval.errors import RetrievalError

    try:
        return build_searcher(settings), build_answerer(settings)
    except RetrievalError as exc:
        logging.getLogger(__name__).warning("knowledge base unavailable: %s", type(exc).__name__)
        return None, None


# --- subscriptions, digests, scheduler -----------------------------------------------------

if TYPE_CHECKING:
    from collections.abc import Mapping

    from bot.core.digests import DigestService, RateLimiter
    from bot.core.ports import Clock, Notifier
    from bot.core.subscription_types import ArticleSource
    from bot.core.subscriptions import SubscriptionService
    from bot.scheduler import DigestScheduler


def build_digest_notifiers(
    settings: Settings, database: Database | None = None
) -> dict[str, Notifier]:
    """channel -> Notifier for digests: console always; telegram/wechat when their sections build one."""
    from bot.channels.console_notifier import ConsoleNotifier

    notifiers: dict[str, Notifier] = {"console": ConsoleNotifier()}
    for channel, name in (("telegram", "build_telegram_notifier"), ("wechat", "build_wechat_notifier")):
        builder = globals().get(name)
        if builder is None:
            continue
        try:
            notifier = builder(settings, database) if channel == "wechat" else builder(settings)
        except Exception as exc:  # a misconfigured channel must not stop the other channels' digests
            logging.getLogger(__name__).warning("%s notifier unavailable: %s", channel, type(exc).__name__)
            continue
        if notifier is not None:
            notifiers[channel] = notifier
    return notifiers


def _build_article_source(settings: Settings) -> ArticleSource:
    """The retrieval catalog (new briefings with their ingest times); empty until it can be opened."""
    from bot.core.article_sources import LazyArticles, StaticArticles

    builder = globals().get("build_catalog")
    if builder is None:
        return StaticArticles()

    def open_catalog() -> ArticleSource:
        try:
            catalog: ArticleSource = builder(settings)
        except Exception as exc:
            logging.getLogger(__name__).warning("article catalog unavailable: %s", type(exc).__name__)
            return StaticArticles()
        return catalog

    return LazyArticles(open_catalog)


def build_digest_service(
    settings: Settings,
    database: Database,
    notifiers: Mapping[str, Notifier] | None = None,
    *,
    catalog: ArticleSource | None = None,
    clock: Clock | None = None,
    limiter: RateLimiter | None = None,
    concurrency: int = 4,
) -> DigestService:
    """DigestService over the shared database; `notifiers` maps channel -> Notifier."""
    from bot.core.digests import DigestService
    from bot.storage.deliveries import SqlDeliveryLog
    from bot.storage.subscriptions import SqlSubscriptionStore

    return DigestService(
        subscriptions=SqlSubscriptionStore(database),
        deliveries=SqlDeliveryLog(database),
        catalog=catalog if catalog is not None else _build_article_source(settings),
        notifiers=notifiers if notifiers is not None else build_digest_notifiers(settings),
        clock=clock,
        limiter=limiter,
        concurrency=concurrency,
    )


def build_subscriptions(
    settings: Settings, database: Database, *, digests: DigestService | None = None
) -> SubscriptionService:
    """The SubscriptionHandler (+ Forgettable) the core routes /subscribe, /subs, /digest … to."""
    from bot.core.subscriptions import SubscriptionService
    from bot.storage.deliveries import SqlDeliveryLog
    from bot.storage.subscriptions import SqlSubscriptionStore

    return SubscriptionService(
        store=SqlSubscriptionStore(database),
        deliveries=SqlDeliveryLog(database),
        digests=digests if digests is not None else build_digest_service(settings, database, {}),
        wechat_template_configured=bool(settings.wechat_template_id),
        timezone=settings.timezone,
    )


def build_scheduler(
    settings: Settings,
    database: Database,
    service: DigestService,
    *,
    subscriptions: SubscriptionService | None = None,
) -> DigestScheduler:
    """DigestScheduler (APScheduler) rebuilt from the subscriptions table; call .start() in a loop."""
    from bot.scheduler import DigestScheduler
    from bot.storage.subscriptions import SqlSubscriptionStore

    scheduler = DigestScheduler(
        service=service, subscriptions=SqlSubscriptionStore(database), timezone=settings.timezone
    )
    if subscriptions is not None:
        subscriptions.add_listener(scheduler.sync)
    return scheduler



# --- channels (console, telegram, wechat) --------------------------------------------------

# telegram: `innobot telegram` (polling or webhook), the digest notifier


if TYPE_CHECKING:
    import asyncio
    from collections.abc import Awaitable, Callable

    from telegram.ext import Application

    from bot.channels.telegram import TelegramRunner
    from bot.channels.telegram_notifier import TelegramNotifier


def _telegram_token(settings: Settings) -> str:
    if not settings.telegram_token:
        raise ValueError("INNOBOT_TELEGRAM_TOKEN is not set")
    return settings.telegram_token


def build_telegram_application(settings: Settings, assistant: Assistant) -> Application:
    """The PTB application for the assistant (INNOBOT_TELEGRAM_API_URL may point elsewhere)."""
    from bot.channels.telegram import build_application

    return build_application(
        token=_telegram_token(settings), assistant=assistant, api_url=settings.telegram_api_url
    )


def build_telegram_runner(
    settings: Settings,
    assistant: Assistant,
    *,
    webhook_url: str | None = None,
    port: int | None = None,
) -> TelegramRunner:
    """Polling by default; with webhook_url, PTB's webhook server checking the secret token."""
    from bot.channels.telegram import TelegramRunner, WebhookConfig, resolve_webhook_secret

    application = build_telegram_application(settings, assistant)
    if webhook_url is None:
        return TelegramRunner(application)
    if not settings.telegram_webhook_secret:
        logging.getLogger(__name__).info("no webhook secret configured: generated one for this run")
    webhook = WebhookConfig(
        url=webhook_url,
        secret_token=resolve_webhook_secret(settings.telegram_webhook_secret),
        listen=settings.telegram_webhook_listen,
        port=port if port is not None else settings.telegram_webhook_port,
    )
    return TelegramRunner(application, webhook=webhook)


def build_telegram_notifier(settings: Settings) -> TelegramNotifier | None:
    """Digest pushes through an own flood-limited bot that reports 429s instead of sleeping on them.

    None when INNOBOT_TELEGRAM_TOKEN is not set (the channel is not configured).
    """
    from telegram.ext import AIORateLimiter, ExtBot

    from bot.channels.telegram_notifier import TelegramNotifier

    if not settings.telegram_token:
        return None
    base = (settings.telegram_api_url or "https://api.telegram.org").rstrip("/")
    bot: ExtBot[None] = ExtBot(
        _telegram_token(settings),
        base_url=f"{base}/bot",
        base_file_url=f"{base}/file/bot",
        rate_limiter=AIORateLimiter(overall_max_rate=25, max_retries=0),  # type: ignore[arg-type]
    )
    return TelegramNotifier(bot)


async def start_digest_scheduler(
    settings: Settings, database: Database
) -> Callable[[], Awaitable[None]]:
    """Start digest delivery in this process (all configured channels); returns its async stop."""
    notifiers = build_digest_notifiers(settings)
    scheduler = build_scheduler(settings, database, build_digest_service(settings, database, notifiers))
    scheduler.start()

    async def stop() -> None:
        scheduler.shutdown()
        for notifier in notifiers.values():
            close = getattr(notifier, "aclose", None)
            if close is not None:
                await close()

    return stop


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
    import signal
    from contextlib import AsyncExitStack, suppress

    # PTB logs request parameters (user text) at DEBUG: keep its loggers at INFO or above.
    logging.getLogger("telegram").setLevel(max(logging.INFO, logging.getLogger().level))
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    signals = (signal.SIGINT, signal.SIGTERM)
    for signum in signals:
        with suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)
    try:
        async with AsyncExitStack() as stack:
            database = build_database(settings)
            stack.callback(database.dispose)
            assistant = build_assistant(settings, database=database)
            runner = build_telegram_runner(settings, assistant, webhook_url=webhook_url, port=port)
            stack.push_async_callback(runner.stop)
            await runner.start()
            if digests:
                stack.push_async_callback(await start_digest_scheduler(settings, database))
            await stop.wait()
    finally:
        for signum in signals:
            with suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(signum)


# wechat: `innobot wechat` (callback server), `innobot serve` (several channels, one loop), notifier

if TYPE_CHECKING:
    from aiohttp import web

    from bot.channels.wechat_api import WeChatAPI
    from bot.channels.wechat_notifier import WeChatNotifier
    from bot.channels.wechat_server import WeChatServerConfig


def build_wechat_api(settings: Settings) -> WeChatAPI | None:
    """The API client (customer-service messages, media), or None without AppID and AppSecret."""
    from bot.channels.wechat_api import WeChatAPI

    if not (settings.wechat_app_id and settings.wechat_app_secret):
        return None
    return WeChatAPI(
        app_id=settings.wechat_app_id,
        app_secret=settings.wechat_app_secret,
        base_url=settings.wechat_api_url,
    )


def build_wechat_server_config(settings: Settings) -> WeChatServerConfig:
    """Token and (in safe mode) crypto for /wechat; ValueError names the setting that is wrong."""
    from bot.channels.wechat_crypto import WeChatCrypto, WeChatCryptoError
    from bot.channels.wechat_server import WeChatServerConfig

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
    return WeChatServerConfig(token=settings.wechat_token, crypto=crypto)


def build_wechat_app(
    settings: Settings, assistant: Assistant, database: Database, api: WeChatAPI | None = None
) -> web.Application:
    """The aiohttp app serving /wechat (safe mode when INNOBOT_WECHAT_AES_KEY is set)."""
    from bot.channels.wechat_server import build_wechat_app as build_app
    from bot.channels.wechat_webhook import WeChatWebhook
    from bot.storage.wechat import WeChatStore

    config = build_wechat_server_config(settings)
    webhook = WeChatWebhook(assistant=assistant, store=WeChatStore(database), api=api)
    return build_app(webhook, config)


def build_wechat_notifier(
    settings: Settings, database: Database | None = None, *, api: WeChatAPI | None = None
) -> WeChatNotifier | None:
    """Digest pushes to WeChat users; None when the channel is not configured.

    Pass the webhook's `api` in a process that serves WeChat too: one client, one access token.
    """
    from bot.channels.wechat_notifier import WeChatNotifier
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


async def _start_digests_with(
    settings: Settings, database: Database, wechat_api: WeChatAPI | None
) -> Callable[[], Awaitable[None]]:
    """start_digest_scheduler, with the WeChat notifier sharing this process's API client
    (separate clients would keep invalidating each other's access tokens)."""
    notifiers = build_digest_notifiers(settings, database)
    if wechat_api is not None and "wechat" in notifiers:
        own = notifiers["wechat"]
        close = getattr(own, "aclose", None)
        if close is not None:
            await close()
        shared = build_wechat_notifier(settings, database, api=wechat_api)
        if shared is not None:
            notifiers["wechat"] = shared
    scheduler = build_scheduler(settings, database, build_digest_service(settings, database, notifiers))
    scheduler.start()

    async def stop() -> None:
        scheduler.shutdown()
        for notifier in notifiers.values():
            close = getattr(notifier, "aclose", None)
            if close is not None:
                await close()

    return stop


async def serve_channels(
    settings: Settings,
    channels: Sequence[str],
    *,
    wechat_host: str | None = None,
    wechat_port: int | None = None,
    telegram_webhook_url: str | None = None,
    digests: bool = True,
    stop: asyncio.Event | None = None,
) -> None:
    """Run the given channels ("telegram", "wechat") on one assistant in this event loop,
    with the digest scheduler unless digests=False."""
    import asyncio
    import signal
    from contextlib import AsyncExitStack, suppress

    from bot.channels.wechat_server import start_wechat_site
    from bot.storage.wechat import WeChatStore

    unknown = set(channels) - {"telegram", "wechat"}
    if unknown or not channels:
        raise ValueError(f"unknown channels: {', '.join(sorted(unknown)) or '(none)'}")
    if "wechat" in channels:
        build_wechat_server_config(settings)  # a wrong setting fails before the slow start-up
    logging.getLogger("telegram").setLevel(max(logging.INFO, logging.getLogger().level))
    stop = stop or asyncio.Event()
    database = build_database(settings)
    forgettables = [WeChatStore(database)] if "wechat" in channels else []
    assistant = build_assistant(settings, database=database, forgettables=forgettables)
    loop = asyncio.get_running_loop()
    signals = (signal.SIGINT, signal.SIGTERM)
    async with AsyncExitStack() as stack:
        stack.callback(database.dispose)
        api = None
        if "wechat" in channels:
            api = build_wechat_api(settings)
            if api is not None:
                stack.push_async_callback(api.aclose)
            app = build_wechat_app(settings, assistant, database, api)
            runner = await start_wechat_site(
                app, wechat_host or settings.wechat_host, wechat_port or settings.wechat_port
            )
            stack.push_async_callback(runner.cleanup)
        if "telegram" in channels:
            telegram = build_telegram_runner(settings, assistant, webhook_url=telegram_webhook_url)
            stack.push_async_callback(telegram.stop)
            await telegram.start()
        if digests:
            stack.push_async_callback(await _start_digests_with(settings, database, api))
        for signum in signals:
            with suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(signum, stop.set)
        try:
            await stop.wait()
        finally:
            for signum in signals:
                with suppress(NotImplementedError, RuntimeError):
                    loop.remove_signal_handler(signum)
