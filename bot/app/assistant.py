"""The assistant core for the composition: stores, scoring, retrieval and subscriptions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.app.digests import build_subscriptions
from bot.app.foundation import build_database
from bot.app.retrieval import RetrievalEngines, build_knowledge
from bot.core.ports import Forgettable
from bot.settings import Settings
from bot.storage import Database

if TYPE_CHECKING:
    from bot.core.assistant import CoreAssistant
    from bot.core.subscriptions.commands import SubscriptionService

__all__ = ["build_assistant"]


def build_assistant(
    settings: Settings,
    *,
    database: Database | None = None,
    forgettables: Sequence[Forgettable] = (),
    chart_workers: int | None = None,
    table_workers: int | None = None,
    retrieval_workers: int | None = None,
    per_user_rate: float | None = 1.0,
    subscriptions: SubscriptionService | None = None,
    engines: RetrievalEngines | None = None,
) -> CoreAssistant:
    """The full assistant: stores, scoring, retrieval and subscriptions; channels add their stores.

    chart_workers: processes that draw score charts off the bot's GIL (0 = in a thread);
    None takes INNOBOT_CHART_WORKERS.
    table_workers: processes that batch-score uploaded tables, one upload never stalling the
    other users' questions (0 = in a thread); None takes INNOBOT_TABLE_WORKERS.
    retrieval_workers: processes answering questions and searching briefings off the bot's GIL
    (0 = in this process); None takes INNOBOT_RETRIEVAL_WORKERS. They close with `engines`.
    per_user_rate: messages a second one user may keep the bot busy with (bursts of 30);
    None for the console, whose piped scripts send lines as fast as replies come.
    subscriptions: pass the service the digest scheduler listens to (a process running both);
    without one the assistant builds its own.
    """
    from bot.core.assistant import CoreAssistant
    from bot.core.estimate.library import LibraryScoring
    from bot.storage.erase import UserEraser
    from bot.storage.profiles import SqlProfileStore
    from bot.storage.prompts import SqlPromptStore
    from bot.storage.sessions import SessionStore
    from bot.storage.users import UserStore

    database = database or build_database(settings)
    searcher, answerer = build_knowledge(settings, engines=engines, workers=retrieval_workers)
    if subscriptions is None:
        subscriptions = build_subscriptions(settings, database, engines=engines)
    extra: list[Forgettable] = [UserEraser(database), subscriptions, *forgettables]
    workers = settings.chart_workers if chart_workers is None else chart_workers
    tables = settings.table_workers if table_workers is None else table_workers
    return CoreAssistant(
        users=UserStore(database),
        sessions=SessionStore(database),
        scoring=LibraryScoring(
            [settings.rules_dir] if settings.rules_dir else [],
            chart_workers=workers,
            table_workers=tables,
        ),
        answerer=answerer,
        searcher=searcher,
        subscriptions=subscriptions,
        profiles=SqlProfileStore(database),
        forgettables=extra,
        prompts=SqlPromptStore(database),
        per_user_rate=per_user_rate,
        default_rule_set=settings.default_rule_set,
    )
