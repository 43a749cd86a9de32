"""End to end: a manager's session through the real PTB Application, the emulator and the REAL core."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from bot import app as composition
from bot.channels.telegram.channel import TelegramRunner
from bot.settings import Settings
from tests.fakes.telegram import (
    BotMessage,
    Emulator,
    EmulatorUser,
    application_idle,
    new_token,
)

pytestmark = [pytest.mark.server, pytest.mark.slow, pytest.mark.timeout(120)]

REPO_ROOT = Path(__file__).resolve().parents[2]
FIGURES = "营收3000万，前一年营收2500万，研发费用300万，前一年研发费用250万，职工100人，研发人员20人，发明专利3件"


@pytest.fixture(scope="module")
def real_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The bundled corpus, indexed with the fast deterministic embedder, in a fresh data dir."""
    data_dir = tmp_path_factory.mktemp("telegram-e2e") / "data"
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, data_dir=data_dir, corpus_dir=REPO_ROOT / "corpus", embedder="hash"
    )
    settings.ensure_data_dir()
    return settings


@pytest.fixture
async def user(emulator: Emulator, real_settings: Settings) -> AsyncIterator[EmulatorUser]:
    token = new_token()
    settings = real_settings.model_copy(
        update={"telegram_token": token, "telegram_api_url": emulator.url}
    )
    database = composition.build_database(settings)
    assistant = composition.build_assistant(settings, database=database)
    runner = TelegramRunner(composition.build_telegram_application(settings, assistant))
    await runner.start()
    try:
        async with httpx.AsyncClient(base_url=emulator.url, timeout=10) as http:
            idle = application_idle(runner.application)
            yield EmulatorUser(http, token, user_id=20260101, name="李总", bot_idle=idle)
    finally:
        await runner.stop()
        database.dispose()


def _text(messages: list[BotMessage]) -> str:
    return "\n".join(m.body for m in messages)


def _button(messages: list[BotMessage], label: str) -> BotMessage | None:
    for message in reversed(messages):
        if any(lab == label for row in message.buttons for lab, _ in row):
            return message
    return None


async def test_a_managers_session(user: EmulatorUser) -> None:
    # /start: greeting with the command keyboard
    await user.send("/start")
    hello = await user.replies()
    assert "创新积分" in _text(hello)
    assert any(message.buttons for message in hello)

    # a policy question, answered with its source
    await user.send("企业创新积分制的评价指标有哪些？")
    answer = await user.replies(timeout=30)
    assert "出处" in _text(answer) and "《" in _text(answer), _text(answer)

    # the scoring dialogue: profile, several figures at once, skip the rest, confirm, result + chart
    await user.send("/score")
    await user.replies()
    await user.send("成都 软件")
    await user.replies()
    await user.send(FIGURES)
    step = await user.replies()
    assert "3,000" in _text(step)
    for _ in range(20):  # bounded: the form has about a dozen questions
        confirm = _button(step, "确认")
        if confirm is not None:
            break
        skip = _button(step, "跳过")
        assert skip is not None, _text(step)
        await user.click(skip, "跳过")
        step = await user.replies()
    assert confirm is not None, "the dialogue never asked for confirmation"
    await user.click(confirm, "确认")
    result = await user.replies(until=lambda got: any(m.is_photo for m in got), timeout=30)
    assert "分" in _text(result) and "官方" in _text(result)
    photos = [m for m in result if m.is_photo]
    assert len(photos) == 1 and photos[0].is_png
    assert photos[0].upload is not None and photos[0].upload["size"] > 5_000

    # subscribe through the inline keyboards: topic, region, frequency, time
    await user.send("/subscribe")
    step = await user.replies()
    for label in ("积分贷", "成都", "每周一", "09:00"):
        message = _button(step, label)
        assert message is not None, f"no {label} button in: {_text(step)}"
        await user.click(message, label)
        step = await user.replies()
    assert "已订阅" in _text(step) and "积分贷" in _text(step)
    await user.send("/subs")
    listing = _text(await user.replies())
    assert all(part in listing for part in ("积分贷", "成都", "每周一", "09:00")), listing

    # forget: everything about the user goes, subscriptions included
    await user.send("/forget")
    asked = await user.replies()
    assert "确认删除" in _text(asked) and "1 个订阅" in _text(asked)
    await user.send("确认")
    forgotten = await user.replies()
    assert "已删除" in _text(forgotten)
    await user.send("/subs")
    listing = _text(await user.replies())
    assert "您还没有订阅" in listing and "每周一 09:00" not in listing

