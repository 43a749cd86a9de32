"""Webhook mode: PTB's real webhook server on 127.0.0.1 refuses forged calls and serves real ones."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest

from bot.channels.telegram.channel import (
    TelegramRunner,
    WebhookConfig,
    build_application,
    resolve_webhook_secret,
)
from tests.fakes.processes import free_port
from tests.fakes.telegram import (
    Emulator,
    EmulatorUser,
    ScriptedAssistant,
    new_token,
)

pytestmark = [pytest.mark.server, pytest.mark.timeout(60)]

SECRET = "s3cret_TOKEN-for-tests"


def _update(update_id: int, text: str) -> dict[str, object]:
    person = {"id": 77, "is_bot": False, "first_name": "伪造"}
    message = {
        "message_id": 1,
        "date": 1_700_000_000,
        "chat": {"id": 77, "type": "private"},
        "from": person,
        "text": text,
    }
    return {"update_id": update_id, "message": message}


@pytest.fixture
async def webhook(
    emulator: Emulator, assistant: ScriptedAssistant
) -> AsyncIterator[tuple[str, str]]:
    """The bot in webhook mode; yields (token, local webhook URL)."""
    token = new_token()
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram/hook"
    config = WebhookConfig(url=url, secret_token=SECRET, listen="127.0.0.1", port=port)
    application = build_application(token=token, assistant=assistant, api_url=emulator.url)
    runner = TelegramRunner(application, webhook=config)
    await runner.start()
    try:
        yield token, url
    finally:
        await runner.stop()


@pytest.fixture
def assistant() -> ScriptedAssistant:
    return ScriptedAssistant()


async def test_forged_calls_get_403_and_are_not_processed(
    webhook: tuple[str, str], assistant: ScriptedAssistant
) -> None:
    _, url = webhook
    async with httpx.AsyncClient(timeout=5) as client:
        missing = await client.post(url, json=_update(9001, "/forget"))
        wrong = await client.post(
            url,
            json=_update(9002, "/forget"),
            headers={"X-Telegram-Bot-Api-Secret-Token": "guess"},
        )
        right = await client.post(
            url,
            json=_update(9003, "/subscribe"),
            headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
        )
    assert (missing.status_code, wrong.status_code, right.status_code) == (403, 403, 200)
    for _ in range(100):  # bounded: the genuine update is handled within ~5 s
        if assistant.seen:
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.2)
    assert [incoming.text for incoming in assistant.seen] == ["/subscribe"]


async def test_emulator_delivers_through_webhook_with_secret(
    emulator: Emulator, webhook: tuple[str, str], assistant: ScriptedAssistant
) -> None:
    token, _ = webhook
    async with httpx.AsyncClient(base_url=emulator.url, timeout=10) as http:
        user = EmulatorUser(http, token, user_id=555)
        await user.send("/start")
        (greeting,) = await user.replies()
    assert "创新积分助手" in greeting.body
    assert assistant.seen[-1].user_key == "telegram:555"


def test_webhook_secret_is_generated_or_validated() -> None:
    generated = resolve_webhook_secret(None)
    assert len(generated) >= 32 and generated != resolve_webhook_secret("")
    assert resolve_webhook_secret("abc_DEF-123") == "abc_DEF-123"
    with pytest.raises(ValueError):
        resolve_webhook_secret("has space")


def test_webhook_path_comes_from_public_url() -> None:
    config = WebhookConfig(url="https://bot.example.com/tg/hook/", secret_token="x")
    assert config.url_path == "tg/hook"
