"""Uploaded tables (批量测算): a CSV/XLSX from a channel is batch-scored and the ranked workbook
goes back; a one-row table is the manager's own firm and fills the profile."""

from __future__ import annotations

import asyncio
import functools
import logging
from concurrent.futures import ThreadPoolExecutor

from bot.core.estimate.batch import MAX_UPLOAD_BYTES, MAX_UPLOAD_ROWS, render_batch
from bot.core.estimate.port import FigureError, ScoringPort
from bot.core.estimate.rule_sets import RuleSets
from bot.core.firm.desk import FirmDesk
from bot.core.privacy import user_tag
from bot.core.texts import Texts
from bot.core.types import Incoming, Reply

__all__ = ["UploadDesk"]

log = logging.getLogger(__name__)


class UploadDesk:
    """Scores uploads one at a time in a thread of their own, so one large table never queues
    every question behind it."""

    def __init__(
        self, *, scoring: ScoringPort | None, rule_sets: RuleSets, texts: Texts, desk: FirmDesk | None
    ) -> None:
        self._scoring = scoring
        self._rule_sets = rule_sets
        self._texts = texts
        self._desk = desk
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="innobot-table")

    def close(self) -> None:
        """Stop the upload thread."""
        self._pool.shutdown(wait=False, cancel_futures=True)

    async def handle(self, incoming: Incoming) -> list[Reply]:
        """Score every row of the uploaded table with the rule set its caption names."""
        t = self._texts
        name = incoming.file_name or ""
        if self._scoring is None or not incoming.file_bytes or not self._rule_sets.accepts_upload(name):
            return [Reply(text=t.get("batch_not_table"))]
        if len(incoming.file_bytes) > MAX_UPLOAD_BYTES:
            limit_mb = MAX_UPLOAD_BYTES // (1024 * 1024)
            return [Reply(text=t.get("batch_too_large", mb=limit_mb, rows=MAX_UPLOAD_ROWS))]
        rule_set = self._rule_sets.for_caption(incoming.text)
        score_table = functools.partial(self._scoring.score_table, incoming.file_bytes, name, rule_set)
        try:
            outcome = await asyncio.get_running_loop().run_in_executor(self._pool, score_table)
        except FigureError as exc:
            return [Reply(text=t.get("batch_unreadable", message=str(exc)))]
        log.info(
            "user %s batch-scored %d rows with %s (%d errors)",
            user_tag(incoming.user_key), outcome.rows, rule_set, len(outcome.errors),
        )
        info = self._rule_sets.get(rule_set)
        replies = [render_batch(outcome, t, info.name if info is not None else rule_set)]
        if outcome.firm and self._desk is not None:  # one firm: it is the manager's own
            await self._desk.remember(incoming.user_key, outcome.firm, "sheet")
            replies.append(Reply(text=self._desk.vocab.get("sheet_saved", count=len(outcome.firm))))
        return replies
