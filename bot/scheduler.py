"""APScheduler 3.x wiring for digests: cron jobs rebuilt from the subscriptions table, never trusted alone."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.core.digests.fanout import DigestService, RunReport
from bot.core.subscriptions.schedule import CronSpec, cron_spec
from bot.core.subscriptions.types import SubscriptionRepository

__all__ = ["SWEEP_JOB_ID", "SYNC_JOB_ID", "DigestScheduler"]

log = logging.getLogger(__name__)

SWEEP_JOB_ID = "digest:sweep"
SYNC_JOB_ID = "digest:sync"
_CRON_PREFIX = "digest:cron:"


def _job_id(spec: CronSpec) -> str:
    days = f"{spec.day_of_week or '*'}:{spec.day or '*'}"
    return f"{_CRON_PREFIX}{spec.timezone}:{days}:{spec.hour:02d}:{spec.minute:02d}"


class DigestScheduler:
    """One cron job per distinct (zone, days, hour, minute) plus a catch-up/retry sweep.

    The subscriptions table is the source of truth: `sync()` rebuilds the jobs from it at start-up,
    after every subscription change and periodically (another process may have changed it). Every
    job just calls `DigestService.send_due`, whose delivery log makes repeated firing harmless.
    """

    def __init__(
        self,
        *,
        service: DigestService,
        subscriptions: SubscriptionRepository,
        timezone: str = "Asia/Shanghai",
        sweep_minutes: float = 2.0,
        sync_minutes: float = 5.0,
        scheduler: AsyncIOScheduler | None = None,
        on_report: Callable[[RunReport], None] | None = None,
    ) -> None:
        self.service = service
        self.subscriptions = subscriptions
        self.timezone = ZoneInfo(timezone)
        self.scheduler = scheduler or AsyncIOScheduler(timezone=self.timezone)
        self.sweep_minutes = sweep_minutes
        self.sync_minutes = sync_minutes
        self.on_report = on_report
        self._runs: set[asyncio.Task[Any]] = set()  # fan-outs in flight, waited for by stop()

    def specs(self) -> set[CronSpec]:
        """Distinct firing times of all active subscriptions."""
        return {cron_spec(sub) for sub in self.subscriptions.list_active()}

    def sync(self) -> int:
        """Make the cron jobs match the stored subscriptions; returns how many cron jobs exist."""
        wanted = {_job_id(spec): spec for spec in self.specs()}
        for job in self.scheduler.get_jobs():
            if job.id.startswith(_CRON_PREFIX) and job.id not in wanted:
                job.remove()
        for job_id, spec in wanted.items():
            if self.scheduler.get_job(job_id) is None:
                trigger = CronTrigger(
                    day_of_week=spec.day_of_week,
                    day=spec.day,
                    hour=spec.hour,
                    minute=spec.minute,
                    timezone=ZoneInfo(spec.timezone),
                )
                self._add_job(self.run_once, trigger, job_id, misfire_grace_time=3600)
        return len(wanted)

    def install(self) -> None:
        """Add the sweep and sync jobs and the cron jobs (before or after start)."""
        self._add_job(
            self.run_once,
            IntervalTrigger(minutes=self.sweep_minutes, timezone=self.timezone),
            SWEEP_JOB_ID,
            next_run_time=datetime.now(self.timezone),
        )
        self._add_job(
            self.sync,
            IntervalTrigger(minutes=self.sync_minutes, timezone=self.timezone),
            SYNC_JOB_ID,
        )
        self.sync()

    def _add_job(
        self, func: Callable[[], Any], trigger: BaseTrigger, job_id: str, **extra: Any
    ) -> None:
        """Every job runs one at a time and coalesces missed runs: firing twice is never useful."""
        self.scheduler.add_job(
            func,
            trigger,
            id=job_id,
            name=job_id,
            coalesce=True,
            max_instances=1,
            replace_existing=True,
            **extra,
        )

    def start(self) -> None:
        """Rebuild from the database and start (needs a running asyncio loop); catches up at once."""
        self.install()
        self.scheduler.start()

    async def astart(self) -> None:
        """start(), reading the subscriptions table off the loop (channels may already be serving)."""
        await asyncio.to_thread(self.install)
        self.scheduler.start()

    def shutdown(self) -> None:
        """Stop firing jobs without waiting for running ones (the delivery log makes that safe)."""
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    async def stop(self, grace: float = 10.0) -> None:
        """Stop firing jobs; a fan-out in flight claims nothing more and gets `grace` seconds to
        finish the sends it started before the shutdown cancels it (the next run settles those)."""
        if self.scheduler.running:
            self.scheduler.pause()
        self.service.wind_down()
        if self._runs:
            await asyncio.wait(set(self._runs), timeout=grace)
        self.shutdown()

    async def run_once(self) -> RunReport:
        """One fan-out pass at the current time (failures are logged; the next tick tries again)."""
        task = asyncio.current_task()
        mine: set[asyncio.Task[Any]] = {task} if task is not None else set()
        self._runs |= mine
        try:
            report = await self.service.send_due()
        except Exception:
            log.exception("digest fan-out failed")
            raise
        finally:
            self._runs -= mine
        if report.delivered or report.failed or report.retry_scheduled or report.blocked:
            log.info(
                "digests: due=%s delivered=%s retry=%s failed=%s blocked=%s",
                report.due,
                report.delivered,
                report.retry_scheduled,
                report.failed,
                report.blocked,
            )
        if self.on_report is not None:
            self.on_report(report)
        return report
