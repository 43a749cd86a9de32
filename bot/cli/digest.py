"""`innobot digest run|preview`: operators deliver due digests by hand and look at what users would get."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer

__all__ = ["register"]

digest_app = typer.Typer(help="订阅简报：推送到期的简报、预览", no_args_is_help=True)


def _parse_at(value: str | None, zone: str) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise typer.BadParameter("时间格式应为 ISO 8601，例如 2026-11-23T09:00+08:00") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=ZoneInfo(zone))


@digest_app.command("run")
def run(
    at: Annotated[
        str | None,
        typer.Option(
            "--at", help="按这个时刻计算到期（ISO 8601，默认现在），如 2026-11-23T09:00+08:00"
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON 报告")] = False,
    outbox: Annotated[
        Path | None, typer.Option("--outbox", help="不真正发送：把每条简报写入这个 JSON Lines 文件")
    ] = None,
    articles: Annotated[
        Path | None, typer.Option("--articles", help="从 JSON Lines 文件读取简报文章，代替语料目录")
    ] = None,
    rate: Annotated[
        float, typer.Option("--rate", help="每秒最多发送的消息数（Telegram 限流约 30/s）")
    ] = 25.0,
    concurrency: Annotated[
        int,
        typer.Option(
            "--concurrency", help="同时在途的发送数；崩溃时至多这么多条待下次运行核实"
        ),
    ] = 4,
    send_delay: Annotated[float, typer.Option("--send-delay", hidden=True)] = 0.0,
) -> None:
    """Deliver every digest due at --at through the configured channels (exactly once per period)."""
    from bot.app import DigestRunOptions, load_settings, run_due_digests

    settings = load_settings()
    options = DigestRunOptions(
        at=_parse_at(at, settings.timezone),
        outbox=outbox,
        articles=articles,
        rate=rate,
        concurrency=concurrency,
        send_delay=send_delay,
        console_to_stderr=as_json,  # keep stdout pure JSON: printed digests go to stderr
    )
    report = run_due_digests(settings, options)
    if as_json:
        typer.echo(json.dumps(report.as_dict(), ensure_ascii=False))
        return
    if report.lease == "held_by_other":
        typer.echo("另一个进程正在推送简报，本次跳过。")
        return
    typer.echo(
        f"到期 {report.due} 个：已推送 {report.delivered}，无更新提醒 {report.notices}，"
        f"无新内容 {report.empty}，待重试 {report.retry_scheduled}，失败 {report.failed}，"
        f"已停用 {report.blocked}，延后 {report.deferred}，无可用渠道 {report.skipped_no_notifier}"
    )
    if report.recovered_uncertain or report.uncertain or report.superseded_after_crash:
        typer.echo(
            f"上次中断的发送：渠道确认已送达 {report.confirmed_after_crash}，"
            f"确认未发出并已补发 {report.resent_after_crash}，"
            f"无法确认、已补发并注明可能重复 {report.uncertain}，"
            f"已由后续简报带到 {report.superseded_after_crash}"
        )


@digest_app.command("preview")
def preview(
    user: Annotated[
        str, typer.Option("--user", help="用户键，如 telegram:12345（只写 ID 时按 console:ID）")
    ],
    at: Annotated[
        str | None, typer.Option("--at", help="按这个时刻预览（ISO 8601，默认现在）")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
    articles: Annotated[
        Path | None, typer.Option("--articles", help="从 JSON Lines 文件读取简报文章，代替语料目录")
    ] = None,
) -> None:
    """Show what each of a user's subscriptions would receive now; records nothing."""
    from bot.app import load_settings, preview_digests

    settings = load_settings()
    when = _parse_at(at, settings.timezone)
    user_key = user if ":" in user else f"console:{user}"
    previews = preview_digests(settings, user_key, when, articles=articles)
    if as_json:
        payload = [
            {
                "subscription_id": p.subscription_id,
                "label": p.label,
                "total": p.total,
                "items": [vars(item) for item in p.items],
            }
            for p in previews
        ]
        typer.echo(json.dumps(payload, ensure_ascii=False))
        return
    if not previews:
        typer.echo(f"{user_key} 没有有效的订阅。")
        return
    for p in previews:
        if p.empty:
            typer.echo(f"【{p.label}】目前没有新的相关简报。\n")
            continue
        for text in p.texts:
            typer.echo(text + "\n")


@digest_app.command("log")
def delivery_log(
    status: Annotated[
        str | None,
        typer.Option(
            "--status", help="只看某种状态：delivered/retry/failed/blocked/deferred/uncertain/empty"
        ),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", help="最多显示多少条（最新的在前）")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """Show the delivery log: what went out, what waits for a retry, what a crash left uncertain."""
    from bot.app import delivery_log as read_log
    from bot.app import load_settings

    rows = read_log(load_settings(), status=status or None, limit=limit)
    keys = ("id", "subscription_id", "user_key", "period_key", "status", "attempts", "detail")
    if as_json:
        payload = [
            {
                **{k: getattr(r, k) for k in keys},
                "updated_at": str(r.updated_at),
                "sent_at": str(r.sent_at or ""),
            }
            for r in rows
        ]
        typer.echo(json.dumps(payload, ensure_ascii=False))
        return
    if not rows:
        typer.echo("投递记录为空。")
        return
    for r in rows:
        typer.echo(
            f"#{r.id} 订阅{r.subscription_id} {r.user_key} {r.period_key} "
            f"{r.status} 尝试{r.attempts}次 {r.detail or ''}".rstrip()
        )


def register(app: typer.Typer) -> None:
    """Attach `innobot digest …` to the root app."""
    app.add_typer(digest_app, name="digest")
