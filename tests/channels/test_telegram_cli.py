"""`innobot telegram` as a real process against the emulator: polling, webhook, clean shutdown."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.fakes.processes import child_env, free_port
from tests.fakes.telegram import Emulator, EmulatorUser, new_token

pytestmark = [pytest.mark.server, pytest.mark.timeout(90)]

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One data directory for the module's bot processes: the second reuses the first's index."""
    return tmp_path_factory.mktemp("telegram-cli")


def _start_bot(emulator: Emulator, tmp_path: Path, token: str, *args: str) -> subprocess.Popen[str]:
    env = child_env(
        tmp_path,
        INNOBOT_TELEGRAM_TOKEN=token,
        INNOBOT_TELEGRAM_API_URL=emulator.url,
        INNOBOT_CORPUS_DIR=str(REPO_ROOT / "corpus"),
        INNOBOT_EMBEDDER="hash",
    )
    command = [sys.executable, "-c", "from bot.cli import main; main()", "telegram", *args]
    return subprocess.Popen(
        command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def _stop(process: subprocess.Popen[str]) -> tuple[int, str]:
    """SIGTERM, as a service manager would; the bot must exit by itself, quickly."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        output, _ = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
        return -9, output
    return process.returncode, output


async def _greeted(emulator: Emulator, token: str, user_id: int) -> str:
    async with httpx.AsyncClient(base_url=emulator.url, timeout=10) as http:
        user = EmulatorUser(http, token, user_id=user_id)
        await user.send("/start")
        replies = await user.replies(timeout=45)
    return "\n".join(m.body for m in replies)


async def _wait_for_webhook(emulator: Emulator, token: str, url: str) -> None:
    """Bounded wait until the bot process has registered its webhook with the emulator."""
    async with httpx.AsyncClient(base_url=emulator.url, timeout=5) as http:
        for _ in range(300):
            info = (await http.post(f"/bot{token}/getWebhookInfo")).json()["result"]
            if info["url"] == url:
                return
            await asyncio.sleep(0.1)
    pytest.fail("the bot did not register its webhook within 30 s")


async def test_polling_process_answers_and_stops_on_sigterm(
    emulator: Emulator, workdir: Path
) -> None:
    token = new_token()
    process = _start_bot(emulator, workdir, token)
    try:
        greeting = await _greeted(emulator, token, user_id=8001)
    finally:
        code, output = _stop(process)
    assert greeting, f"no reply from the bot process; its output:\n{output}"
    assert code == 0, output
    assert "Traceback" not in output
    assert "Scheduler started" in output  # digests are delivered from the bot process


async def test_webhook_process_uses_a_generated_secret(emulator: Emulator, workdir: Path) -> None:
    token = new_token()
    port = free_port()
    url = f"http://127.0.0.1:{port}/tg"
    args = ("--webhook", url, "--port", str(port), "--no-digests")
    process = _start_bot(emulator, workdir, token, *args)
    try:
        await _wait_for_webhook(emulator, token, url)
        greeting = await _greeted(emulator, token, user_id=8002)
        async with httpx.AsyncClient(timeout=5) as client:
            forged = await client.post(url, json={"update_id": 1})
    finally:
        code, output = _stop(process)
    assert greeting, f"no reply through the webhook; bot output:\n{output}"
    assert forged.status_code == 403
    assert code == 0, output
    assert "Scheduler started" not in output


def test_missing_token_is_a_clear_error(tmp_path: Path) -> None:
    env = child_env(tmp_path)
    result = subprocess.run(
        [sys.executable, "-c", "from bot.cli import main; main()", "telegram"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 2
    assert "INNOBOT_TELEGRAM_TOKEN" in result.stderr
    assert "Traceback" not in result.stderr
