"""The web channel for the composition: its config from Settings, briefings and admin numbers."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.app.retrieval import RetrievalEngines, build_knowledge, build_retrieval_engine
from bot.core.ports import Assistant
from bot.settings import Settings
from bot.storage import Database

if TYPE_CHECKING:
    from aiohttp import web

    from bot.channels.web import BriefingInfo, WebConfig, WebServices
    from bot.channels.web.shelf import FileShelf
    from retrieval.engine import RetrievalEngine

__all__ = ["EngineBriefings", "build_web_app", "build_web_config", "build_web_services"]


def build_web_config(settings: Settings) -> WebConfig:
    """Limits, secrets and headers from INNOBOT_WEB_* (a random cookie secret when unset)."""
    from bot.channels.web import WebConfig

    secret = settings.web_secret.encode() if settings.web_secret else secrets.token_bytes(32)
    return WebConfig(
        data_dir=settings.ensure_data_dir(),
        secret=secret,
        admin_token=settings.admin_token,
        api_key=settings.web_api_key,
        admin_minutes=settings.web_admin_minutes,
        session_days=settings.web_session_days,
        frame_ancestors=settings.web_frame_ancestors,
        max_upload=settings.web_max_upload_mb * 1024 * 1024,
        ip_rate=settings.web_ip_rate,
        ip_burst=settings.web_ip_burst,
        trust_forwarded=settings.web_trust_forwarded,
        rule_dirs=(settings.rules_dir,) if settings.rules_dir else (),
        default_rule_set=settings.default_rule_set,
    )


class _Counter:
    """A progress 'bar' that reports (done, total) to a callback (the page polls it)."""

    def __init__(self, total: int, report: Callable[[int, int], None]) -> None:
        self._done, self._total, self._report = 0, total, report
        report(0, total)

    def update(self, n: int = 1) -> None:
        self._done += n
        self._report(self._done, self._total)

    def close(self) -> None:
        """Nothing to release."""


class EngineBriefings:
    """The admin page's briefings over the retrieval engine (the same calls as `innobot corpus`)."""

    def __init__(self, engine: RetrievalEngine) -> None:
        self._engine = engine

    def documents(self) -> list[BriefingInfo]:
        from bot.channels.web import BriefingInfo

        counts: dict[str, int] = {}
        for article in self._engine.catalog.all_articles():
            key = article.doc_id.rsplit("-", 1)[0]
            counts[key] = counts.get(key, 0) + 1
        return [
            BriefingInfo(d.doc_key, d.name, d.source, d.date, counts.get(d.doc_key, 0))
            for d in self._engine.store.documents()
        ]

    def add(self, path: Path, progress: Callable[[int, int], None]) -> tuple[int, list[str]]:
        from retrieval.errors import RetrievalError

        def factory(total: int, _desc: str) -> Any:
            return _Counter(total, progress)

        try:
            report = self._engine.ingestor.add_paths([path], progress=factory)
            self._engine.save_search_indexes()  # indexes saved now, not at the next question
        except RetrievalError as exc:
            return 0, [exc.user_message]
        problems = [message for _, message in report.errors]
        if report.duplicates and not report.added:
            problems.append("这份简报已经收录过了。")
        return report.articles, problems

    def remove(self, ident: str) -> int:
        from retrieval.errors import UnknownDocumentError

        try:
            removed = self._engine.ingestor.remove(ident)
        except UnknownDocumentError as exc:
            raise LookupError(ident) from exc
        self._engine.save_search_indexes()
        return removed


def build_web_services(
    settings: Settings,
    assistant: Assistant,
    database: Database,
    *,
    engines: RetrievalEngines | None = None,
    shelf: FileShelf | None = None,
) -> WebServices:
    """The pages' collaborators: the shared assistant, search, briefings and admin numbers."""
    from bot.channels.web import WebServices
    from bot.storage.admin_stats import SqlAdminStats

    searcher, answerer = build_knowledge(settings, engines=engines)
    briefings = None
    if searcher is not None:
        briefings = EngineBriefings(build_retrieval_engine(settings, engines=engines))
    return WebServices(
        assistant=assistant,
        searcher=searcher,
        answerer=answerer,
        briefings=briefings,
        stats=SqlAdminStats(database),
        shelf=shelf,
    )


def build_web_app(
    settings: Settings,
    assistant: Assistant,
    database: Database,
    *,
    engines: RetrievalEngines | None = None,
    shelf: FileShelf | None = None,
) -> web.Application:
    """The aiohttp application serving the pages and the API; pass the `shelf` the assistant's
    /forget clears."""
    from bot.channels.web import build_web_app as build_app

    services = build_web_services(settings, assistant, database, engines=engines, shelf=shelf)
    return build_app(build_web_config(settings), services)
