"""Composition root: the only place that builds concrete objects from Settings.

One submodule per area; heavy imports stay inside the builders so `innobot score` never loads
chromadb, the encoder or a chat library. The names below load their submodule on first use, so
`innobot ask` does not pay for the database, digests or chat libraries it does not touch.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.app.assistant import build_assistant
    from bot.app.console import run_console_chat
    from bot.app.digest_runs import (
        DigestRunOptions,
        delivery_log,
        preview_digests,
        run_due_digests,
    )
    from bot.app.digests import (
        DigestDelivery,
        build_digest_delivery,
        build_digest_notifiers,
        build_digest_service,
        build_scheduler,
        build_subscriptions,
        start_digest_scheduler,
    )
    from bot.app.foundation import build_database, configure_logging, load_settings
    from bot.app.menu import push_wechat_menu, wechat_menu
    from bot.app.retrieval import (
        RetrievalEngines,
        build_answerer,
        build_catalog,
        build_knowledge,
        build_retrieval_engine,
        build_searcher,
    )
    from bot.app.serve import ChatProcess, Lifecycle, Listen, build_chat_process, serve_channels
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
    "DigestRunOptions",
    "Lifecycle",
    "Listen",
    "RetrievalEngines",
    "build_answerer",
    "build_assistant",
    "build_catalog",
    "build_chat_process",
    "build_database",
    "build_digest_delivery",
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
    "delivery_log",
    "load_settings",
    "preview_digests",
    "push_wechat_menu",
    "run_console_chat",
    "run_due_digests",
    "serve_channels",
    "start_digest_scheduler",
    "wechat_menu",
]

_SOURCES = {
    "build_assistant": "bot.app.assistant",
    "run_console_chat": "bot.app.console",
    "DigestRunOptions": "bot.app.digest_runs",
    "delivery_log": "bot.app.digest_runs",
    "preview_digests": "bot.app.digest_runs",
    "run_due_digests": "bot.app.digest_runs",
    "DigestDelivery": "bot.app.digests",
    "build_digest_delivery": "bot.app.digests",
    "build_digest_notifiers": "bot.app.digests",
    "build_digest_service": "bot.app.digests",
    "build_scheduler": "bot.app.digests",
    "build_subscriptions": "bot.app.digests",
    "start_digest_scheduler": "bot.app.digests",
    "build_database": "bot.app.foundation",
    "configure_logging": "bot.app.foundation",
    "load_settings": "bot.app.foundation",
    "RetrievalEngines": "bot.app.retrieval",
    "build_answerer": "bot.app.retrieval",
    "build_catalog": "bot.app.retrieval",
    "build_knowledge": "bot.app.retrieval",
    "build_retrieval_engine": "bot.app.retrieval",
    "build_searcher": "bot.app.retrieval",
    "ChatProcess": "bot.app.serve",
    "build_chat_process": "bot.app.serve",
    "Lifecycle": "bot.app.serve",
    "Listen": "bot.app.serve",
    "serve_channels": "bot.app.serve",
    "build_telegram_application": "bot.app.telegram",
    "build_telegram_notifier": "bot.app.telegram",
    "build_telegram_runner": "bot.app.telegram",
    "build_wechat_api": "bot.app.wechat",
    "build_wechat_app": "bot.app.wechat",
    "build_wechat_notifier": "bot.app.wechat",
    "build_wechat_server_config": "bot.app.wechat",
    "push_wechat_menu": "bot.app.menu",
    "wechat_menu": "bot.app.menu",
}


def __getattr__(name: str) -> Any:
    """Import a builder's submodule when the builder is first asked for."""
    module = _SOURCES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
