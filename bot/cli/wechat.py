"""`innobot wechat` (Official Account callback server, custom menu) and `innobot serve` (channels in one loop)."""

from __future__ import annotations

import json

import typer

__all__ = ["register", "serve_process"]

wechat_app = typer.Typer(
    help="微信公众号渠道：回调服务器（/wechat）与自定义菜单。", no_args_is_help=False
)


@wechat_app.callback(invoke_without_command=True)
def wechat(
    ctx: typer.Context,
    port: int | None = typer.Option(None, "--port", help="Listen port (default INNOBOT_WECHAT_PORT)."),
    host: str | None = typer.Option(None, "--host", help="Listen address (default INNOBOT_WECHAT_HOST)."),
    digests: bool = typer.Option(
        True, "--digests/--no-digests", help="Also run the digest scheduler in this process."
    ),
) -> None:
    """Run the WeChat callback server on /wechat until Ctrl-C or SIGTERM."""
    if ctx.invoked_subcommand is not None:
        return
    serve_process(["wechat"], wechat_host=host, wechat_port=port, digests=digests)


@wechat_app.command("menu")
def menu(
    apply: bool = typer.Option(False, "--apply", help="Push the menu to WeChat (default: print it)."),
) -> None:
    """Print (or with --apply, install) the custom menu defined in bot/channels/wechat/menu.yaml."""
    from bot.app import configure_logging, load_settings, push_wechat_menu, wechat_menu

    if not apply:
        typer.echo(json.dumps(wechat_menu(), ensure_ascii=False, indent=2))
        return
    settings = load_settings()
    configure_logging(settings)
    outcome = push_wechat_menu(settings)
    if not outcome.configured:
        typer.echo("请先设置 INNOBOT_WECHAT_APP_ID 和 INNOBOT_WECHAT_APP_SECRET。", err=True)
        raise typer.Exit(2)
    if outcome.errcode is not None:
        typer.echo(f"菜单设置失败（errcode {outcome.errcode}）。", err=True)
        raise typer.Exit(1)
    typer.echo("菜单已更新。")


def serve_process(
    channels: list[str],
    *,
    wechat_host: str | None = None,
    wechat_port: int | None = None,
    telegram_webhook_url: str | None = None,
    telegram_port: int | None = None,
    web_host: str | None = None,
    web_port: int | None = None,
    digests: bool = True,
) -> None:
    """Run the channels in this process until Ctrl-C or SIGTERM (configuration errors in Chinese)."""
    from bot.app import Listen, configure_logging, load_settings, serve_channels

    settings = load_settings()
    configure_logging(settings)
    if "wechat" in channels and not settings.wechat_token:
        typer.echo("请先设置 INNOBOT_WECHAT_TOKEN（公众号后台“服务器配置”中的令牌）。", err=True)
        raise typer.Exit(2)
    if "telegram" in channels and not settings.telegram_token:
        typer.echo("请先设置 INNOBOT_TELEGRAM_TOKEN（@BotFather 发给您的令牌）。", err=True)
        raise typer.Exit(2)
    try:
        listen = Listen(
            wechat_host=wechat_host,
            wechat_port=wechat_port,
            web_host=web_host,
            web_port=web_port,
            telegram_webhook_url=telegram_webhook_url,
            telegram_port=telegram_port,
        )
        import asyncio  # here, not at import: every `innobot` command would pay for it

        asyncio.run(serve_channels(settings, channels, listen=listen, digests=digests))
    except ValueError as error:  # configuration problems only; the messages are ours
        typer.echo(f"配置有误：{error}", err=True)
        raise typer.Exit(2) from error
    except OSError as error:  # port in use, address not available
        typer.echo(f"无法启动服务：{error.strerror or error}", err=True)
        raise typer.Exit(1) from error
    except KeyboardInterrupt:
        pass


def register(app: typer.Typer) -> None:
    """Attach this area's commands to the root app."""
    app.add_typer(wechat_app, name="wechat")

    @app.command()
    def serve(
        channels: str = typer.Option(
            "telegram,wechat", "--channels", help="Comma-separated: telegram, wechat, web."
        ),
        web_port: int | None = typer.Option(None, "--web-port", help="Web pages port."),
        web_host: str | None = typer.Option(None, "--web-host", help="Web pages listen address."),
        wechat_port: int | None = typer.Option(None, "--wechat-port", help="WeChat callback port."),
        wechat_host: str | None = typer.Option(None, "--wechat-host", help="WeChat listen address."),
        telegram_webhook: str | None = typer.Option(
            None, "--telegram-webhook", help="Telegram webhook URL (default: long polling)."
        ),
        digests: bool = typer.Option(
            True, "--digests/--no-digests", help="Also run the digest scheduler in this process."
        ),
    ) -> None:
        """Run several channels on one assistant, in one process and one event loop."""
        names = [name.strip().lower() for name in channels.split(",") if name.strip()]
        unknown = sorted(set(names) - {"telegram", "wechat", "web"})
        if unknown or not names:
            typer.echo(f"未知渠道：{', '.join(unknown) or '（空）'}；可选 telegram, wechat, web。", err=True)
            raise typer.Exit(2)
        serve_process(
            list(dict.fromkeys(names)),
            wechat_host=wechat_host,
            wechat_port=wechat_port,
            telegram_webhook_url=telegram_webhook,
            web_host=web_host,
            web_port=web_port,
            digests=digests,
        )
