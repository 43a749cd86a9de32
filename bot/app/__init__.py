"""Composition root: the only place that builds concrete objects from Settings.

One submodule per area; heavy imports stay inside the builders so `innobot score` never loads
chromadb, the encoder or a chat library.
"""

from __future__ import annotations

from bot.app.assistant import build_assistant
from bot.app.digests import (
    DigestDelivery,
    build_digest_notifiers,
    build_digest_service,
    build_scheduler,
    build_subscriptions,
    start_digest_scheduler,
)
from bot.app.foundation import build_database, configure_logging, load_settings
from bot.app.retrieval import (
    RetrievalEngines,
    build_answerer,
    build_catalog,
    build_knowledge,
    build_retrieval_engine,
    build_searcher,
)
from bot.app.serve import ChatProcess, build_chat_process, serve_channels, serve_telegram
from bot.app.telegram import (
    build_telegram_application,
    build_telegram_notifier,
    build_telegram_runner,
)
from bot.app.wechat import (
    build_wechat_api,
    build_wechat_app,
    build_wechat_notifier,
    build_wechat_server_config,
)

__all__ = [
    "ChatProcess",
    "DigestDelivery",
    "RetrievalEngines",
    "build_answerer",
    "build_assistant",
    "build_catalog",
    "build_chat_process",
    "build_database",
    "build_digest_notifiers",
    "build_digest_service",
    "build_knowledge",
    "build_retrieval_engine",
    "build_scheduler",
    "build_searcher",
    "build_subscriptions",
    "build_telegram_application",
    "build_telegram_notifier",
    "build_telegram_runner",
    "build_wechat_api",
    "build_wechat_app",
    "build_wechat_notifier",
    "build_wechat_server_config",
    "configure_logging",
    "load_settings",
    "serve_channels",
    "serve_telegram",
    "start_digest_scheduler",
]
