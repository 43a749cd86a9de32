"""`innobot wechat` and `innobot serve` as real processes: the real core behind the callback server,
the real API client against the fake WeChat API, and (when installed) the Telegram emulator."""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import httpx
import pytest

from bot.channels.wechat.crypto import WeChatCrypto
from bot.channels.wechat.xml import parse_xml
from bot.settings import Settings
from bot.storage import Database
from tests.fakes.processes import child_env, free_port
from tests.fakes.telegram import Emulator, EmulatorUser, new_token
from tests.fakes.wechat import CallbackClient, EchoAssistant, FakeWeChatAPI, event_xml, text_xml

pytestmark = [pytest.mark.server, pytest.mark.timeout(90)]

TOKEN = "cli-token"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
INNOBOT = [str(Path(sys.executable).parent / "innobot")]


def _env(tmp_path: Path, fake: FakeWeChatAPI, **extra: str) -> dict[str, str]:
    return child_env(
        tmp_path,
        INNOBOT_EMBEDDER="hash",  # the index is built at start-up: keep it quick here
        INNOBOT_WECHAT_TOKEN=TOKEN,
        INNOBOT_WECHAT_APP_ID=fake.app_id,
        INNOBOT_WECHAT_APP_SECRET=fake.app_secret,
        INNOBOT_WECHAT_AES_KEY=AES_KEY,
        INNOBOT_WECHAT_API_URL=fake.base_url,
        **extra,
    )


async def _wait_ready(client: CallbackClient, process: subprocess.Popen[bytes]) -> None:
    """Poll the URL check (bounded) until the server answers."""
    deadline = time.monotonic() + 45
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail("server exited early")
            try:
                params = client.query(echostr="ready")
                async with session.get(client.base_url + "/wechat", params=params) as resp:
                    if resp.status == 200 and await resp.text() == "ready":
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.2)
    pytest.fail("wechat server did not start in time")


def _spawn(args: list[str], env: dict[str, str], tmp_path: Path) -> subprocess.Popen[bytes]:
    """Start innobot with stderr in a file (a full, unread pipe would stall the server)."""
    with (tmp_path / "stderr.log").open("wb") as log:
        return subprocess.Popen([*INNOBOT, *args], env=env, stdout=subprocess.DEVNULL, stderr=log)


def _stop(process: subprocess.Popen[bytes]) -> int:
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)
        return -9


@pytest.fixture
def started() -> Iterator[list[subprocess.Popen[bytes]]]:
    processes: list[subprocess.Popen[bytes]] = []
    yield processes
    for process in processes:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=5)


async def _talk_to_wechat(client: CallbackClient, fake: FakeWeChatAPI) -> None:
    """Follow, then pick option 1 by number: the real core answers through the channel."""
    now = int(time.time())
    async with aiohttp.ClientSession() as session:
        status, body = await client.post(session, event_xml("oCli", "subscribe", ts=now), encrypted=True)
        greeting = parse_xml(body)["Content"]
        assert status == 200 and "创新积分" in greeting and "1. " in greeting
        status, body = await client.post(session, text_xml("oCli", "1", "777001"), encrypted=True)
        assert status == 200 and parse_xml(body)["MsgType"] == "text"
        assert "测算" in parse_xml(body)["Content"]


async def test_wechat_command_serves_the_real_core_and_stops_cleanly(
    tmp_path: Path, fake_server: FakeWeChatAPI, started: list[subprocess.Popen[bytes]]
) -> None:
    port = free_port()
    process = _spawn(["wechat", "--port", str(port)], _env(tmp_path, fake_server), tmp_path)
    started.append(process)
    client = CallbackClient(f"http://127.0.0.1:{port}", TOKEN, WeChatCrypto(TOKEN, AES_KEY, fake_server.app_id))
    await _wait_ready(client, process)
    await _talk_to_wechat(client, fake_server)
    # the core's follow-up prompt went out by customer service through the fake API on loopback
    await fake_server.wait_sent(1, timeout=10)
    assert fake_server.texts_to("oCli"), "expected customer-service messages"
    assert fake_server.token_calls == 1
    code = await asyncio.to_thread(_stop, process)
    stderr = (tmp_path / "stderr.log").read_text("utf-8", errors="replace")
    assert code == 0, stderr
    assert "Traceback" not in stderr
    assert "测算" not in stderr  # user-facing text is not logged


async def test_serve_runs_telegram_and_wechat_in_one_process(
    tmp_path: Path,
    fake_server: FakeWeChatAPI,
    emulator: Emulator,
    started: list[subprocess.Popen[bytes]],
) -> None:
    port = free_port()
    bot_token = new_token()
    env = _env(
        tmp_path, fake_server, INNOBOT_TELEGRAM_TOKEN=bot_token, INNOBOT_TELEGRAM_API_URL=emulator.url
    )
    process = _spawn(
        ["serve", "--channels", "telegram,wechat", "--wechat-port", str(port)], env, tmp_path
    )
    started.append(process)
    client = CallbackClient(f"http://127.0.0.1:{port}", TOKEN, WeChatCrypto(TOKEN, AES_KEY, fake_server.app_id))
    await _wait_ready(client, process)
    async with httpx.AsyncClient(base_url=emulator.url, timeout=10) as http:
        user = EmulatorUser(http, bot_token, user_id=5151)
        await user.send("/start")
        replies = await user.replies(timeout=30)
        assert replies and "创新积分" in replies[0].body
    await _talk_to_wechat(client, fake_server)
    code = await asyncio.to_thread(_stop, process)
    stderr = (tmp_path / "stderr.log").read_text("utf-8", errors="replace")
    assert code == 0, stderr
    assert "Traceback" not in stderr


def test_bad_configuration_exits_with_a_message(tmp_path: Path) -> None:
    env = child_env(tmp_path)
    no_token = subprocess.run(
        [*INNOBOT, "wechat", "--port", "1"], env=env, capture_output=True, timeout=60
    )
    assert no_token.returncode == 2 and "INNOBOT_WECHAT_TOKEN" in no_token.stderr.decode()
    unknown = subprocess.run(
        [*INNOBOT, "serve", "--channels", "fax"], env=env, capture_output=True, timeout=60
    )
    assert unknown.returncode == 2 and "fax" in unknown.stderr.decode()
    bad_key = subprocess.run(
        [*INNOBOT, "wechat", "--port", str(free_port()), "--no-digests"],
        env={
            **env,
            "INNOBOT_WECHAT_TOKEN": "t",
            "INNOBOT_WECHAT_APP_ID": "wx",
            "INNOBOT_WECHAT_AES_KEY": "too-short",
            "INNOBOT_EMBEDDER": "hash",
        },
        capture_output=True,
        timeout=90,
    )
    assert bad_key.returncode == 2, bad_key.stderr.decode()
    assert "INNOBOT_WECHAT_AES_KEY" in bad_key.stderr.decode()
    assert "Traceback" not in bad_key.stderr.decode()
    menu = subprocess.run([*INNOBOT, "wechat", "menu"], env=env, capture_output=True, timeout=60)
    assert menu.returncode == 0 and '"key": "/score"' in menu.stdout.decode()


async def test_composition_root_wiring(settings: Settings) -> None:
    from bot.app import build_wechat_api, build_wechat_app, build_wechat_notifier

    database = Database(settings.resolved_database_url)
    database.migrate()

    assert build_wechat_api(settings) is None  # no AppID / AppSecret
    assert build_wechat_notifier(settings, database) is None
    with pytest.raises(ValueError, match="INNOBOT_WECHAT_TOKEN"):
        build_wechat_app(settings, EchoAssistant(), database)
    configured = settings.model_copy(
        update={"wechat_token": "t", "wechat_aes_key": AES_KEY, "wechat_app_id": None}
    )
    with pytest.raises(ValueError, match="INNOBOT_WECHAT_APP_ID"):
        build_wechat_app(configured, EchoAssistant(), database)
    full = configured.model_copy(
        update={"wechat_app_id": "wxapp", "wechat_app_secret": "s", "wechat_template_id": "TPL"}
    )
    assert build_wechat_app(full, EchoAssistant(), database) is not None
    shared = build_wechat_api(full)
    assert shared is not None and shared.base_url == "https://api.weixin.qq.com"
    notifier = build_wechat_notifier(full, database, api=shared)
    assert notifier is not None and notifier.api is shared and notifier.channel == "wechat"
    assert notifier.template_id == "TPL"
    await notifier.aclose()  # a shared client (the webhook uses it) is left to its owner …
    assert not shared.closed
    await shared.aclose()  # … who closes it
    assert shared.closed
    own = build_wechat_notifier(full, database)
    assert own is not None and own.api is not shared and own.api is not None
    await own.aclose()
    assert own.api.closed
    database.dispose()


def test_menu_prints_the_yaml_menu_as_wechat_json() -> None:
    """`innobot wechat menu` (no --apply) prints what would be installed, touching no network."""
    from typer.testing import CliRunner

    from bot.cli import app

    result = CliRunner().invoke(app, ["wechat", "menu"])
    assert result.exit_code == 0, result.output
    menu = json.loads(result.stdout)
    assert [b["name"] for b in menu["button"]][:2] == ["积分测算", "政策问答"]
    assert result.stdout.startswith('{\n  "button": [\n    {\n      "type": "click",')
