"""Telegram test doubles: a scripted assistant, the Bot API emulator process and a test user for it."""

from __future__ import annotations

import asyncio
import base64
import itertools
import os
import select
import shutil
import struct
import subprocess
import tempfile
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from telegram.ext import Application

from bot.core.types import Choice, Incoming, LateImage, Reply

__all__ = [
    "BotMessage",
    "Emulator",
    "EmulatorUser",
    "RecordingBot",
    "ScriptedAssistant",
    "application_idle",
    "emulator_or_skip",
    "new_token",
    "tiny_png",
]

SERVICES_DIR = Path(__file__).resolve().parent.parent / "services"
WRAPPER = SERVICES_DIR / "telegram_emulator.js"


def tiny_png(width: int = 2, height: int = 2) -> bytes:
    """A valid PNG (grey square), so photo sends carry real image bytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


# --- a scripted assistant ----------------------------------------------------------------------


def _chart_reply(defer: bool) -> Reply:
    """The chart as the core gives it: still being drawn (deferred) or in place."""
    if not defer:
        return Reply(text="指标得分图", image_png=tiny_png())
    drawn: asyncio.Future[bytes | None] = asyncio.get_running_loop().create_future()
    asyncio.get_running_loop().call_later(0.05, drawn.set_result, tiny_png())
    return Reply(text="指标得分图", later=LateImage(drawn))


@dataclass
class ScriptedAssistant:
    """Stands in for the core: a tiny state machine with the shapes of the real replies.

    Records every Incoming it sees, so tests can check what the channel translated.
    """

    seen: list[Incoming] = field(default_factory=list)
    scoring: set[str] = field(default_factory=set)
    unsupported_reply: bool = False
    delay: float = 0.0

    async def handle(self, incoming: Incoming, *, defer_images: bool = False) -> list[Reply]:
        self.seen.append(incoming)
        if self.delay:
            await asyncio.sleep(self.delay)
        key = incoming.user_key
        text = incoming.text.strip()
        if incoming.kind == "unsupported":
            return [Reply(text="（核心）请发送文字。")] if self.unsupported_reply else []
        if incoming.kind == "file":
            size = len(incoming.file_bytes or b"")
            return [
                Reply(
                    text=f"收到 {incoming.file_name}（{size} 字节），批量评估结果见附件。",
                    document=b"name,score\nA,72\n",
                    document_name="scores.csv",
                )
            ]
        if incoming.kind == "callback":
            if incoming.callback_data == "score:confirm" and key in self.scoring:
                self.scoring.discard(key)
                return [
                    Reply(text="初步估算：72 分（B 档）。这只是自评，官方结果以科技部门公布为准。"),
                    _chart_reply(defer_images),
                ]
            if incoming.callback_data == "cmd:score":
                text = "/score"
            else:
                return [Reply(text=f"已选择：{incoming.callback_data}")]
        if text == "/start":
            return [
                Reply(
                    text="您好！我是企业创新积分助手。",
                    choices=((Choice("评估积分", "cmd:score"), Choice("帮助", "cmd:help")),),
                )
            ]
        if text == "/score":
            self.scoring.add(key)
            return [Reply(text="请告诉我：营业收入、研发投入、研发人员数。")]
        if text == "/subscribe":
            return [Reply(text="已订阅：积分贷（每周一 9 点）。")]
        if text == "/forget":
            self.scoring.discard(key)
            return [Reply(text="已删除您的全部数据。")]
        if text == "/long":
            return [Reply(text="\n\n".join(f"第{i}段：" + "创新积分" * 300 for i in range(8)))]
        if text.startswith("echo "):
            return [Reply(text=text)]
        if text.startswith("/boom"):
            raise RuntimeError(f"cannot parse {text}")  # carries the user's figures
        if key in self.scoring and any(ch.isdigit() for ch in text):
            return [
                Reply(
                    text="我理解的是：" + text + "。确认评估吗？",
                    choices=((Choice("确认", "score:confirm"), Choice("取消", "score:cancel")),),
                )
            ]
        return [Reply(text="创新积分制按技术创新、成长、投入三类指标评分。\n来源：《企业创新积分制工作指引》")]


# --- a bot that records what would be sent ----------------------------------------------------------


@dataclass
class RecordingBot:
    """Duck-types the three telegram.Bot send methods the renderer uses; records each call."""

    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    async def _record(self, method: str, chat_id: int, **fields: Any) -> dict[str, Any]:
        self.calls.append((method, {"chat_id": chat_id, **fields}))
        return {"method": method}

    async def send_message(self, chat_id: int, text: str, **fields: Any) -> dict[str, Any]:
        return await self._record("send_message", chat_id, text=text, **fields)

    async def send_photo(self, chat_id: int, **fields: Any) -> dict[str, Any]:
        return await self._record("send_photo", chat_id, **fields)

    async def send_document(self, chat_id: int, **fields: Any) -> dict[str, Any]:
        return await self._record("send_document", chat_id, **fields)

    @property
    def methods(self) -> list[str]:
        return [method for method, _ in self.calls]


# --- the emulator process ------------------------------------------------------------------------


@dataclass
class Emulator:
    """A running telegram-test-api (with PTB shims) on 127.0.0.1."""

    process: subprocess.Popen[bytes]
    port: int
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        return self.log_path.read_text("utf-8", errors="replace")


def _emulator_missing() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed"
    if not (SERVICES_DIR / "node_modules" / "telegram-test-api").is_dir():
        return "telegram-test-api is not installed (run tests/services/install.sh)"
    return None


@contextmanager
def emulator_or_skip(start_timeout: float = 15.0) -> Iterator[Emulator]:
    """Start the emulator; skip if node or the package is missing — but fail when CI=true."""
    missing = _emulator_missing()
    if missing is not None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"Telegram emulator unavailable in CI: {missing}")
        pytest.skip(f"Telegram emulator unavailable: {missing}")
    node = shutil.which("node") or "node"
    with tempfile.NamedTemporaryFile(prefix="tg-emulator-", suffix=".log", delete=False) as log:
        log_path = Path(log.name)
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            [node, str(WRAPPER), "--host", "127.0.0.1", "--port", "0"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log_file,
        )
    try:
        port = _read_ready_port(process, start_timeout)
        if port is None:
            pytest.fail(f"emulator did not start in {start_timeout}s: {log_path.read_text()}")
        yield Emulator(process=process, port=port, log_path=log_path)
    finally:
        _stop(process)
        log_path.unlink(missing_ok=True)


def _read_ready_port(process: subprocess.Popen[bytes], timeout: float) -> int | None:
    """Wait (bounded) for the wrapper's `READY <port>` line."""
    assert process.stdout is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        ready, _, _ = select.select([process.stdout], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            break
        line = process.stdout.readline().decode("utf-8", errors="replace").strip()
        if line.startswith("READY "):
            return int(line.split()[1])
    return None


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Close stdin (the wrapper exits on EOF), then escalate to terminate and kill."""
    if process.stdin is not None:
        process.stdin.close()
    for action in (None, process.terminate, process.kill):
        if action is not None:
            action()
        try:
            process.wait(timeout=3)
            break
        except subprocess.TimeoutExpired:
            continue
    if process.stdout is not None:
        process.stdout.close()


# --- a test user talking to the bot through the emulator ------------------------------------------


@dataclass(frozen=True)
class BotMessage:
    """What the user's phone would show for one bot message."""

    message_id: int
    text: str | None
    caption: str | None
    buttons: list[list[tuple[str, str]]]
    upload: dict[str, Any] | None

    @property
    def body(self) -> str:
        return self.text or self.caption or ""

    @property
    def is_photo(self) -> bool:
        return bool(self.upload and self.upload.get("field") == "photo")

    @property
    def is_png(self) -> bool:
        return bool(self.upload and self.upload.get("head_hex") == "89504e470d0a1a0a")


_ids = itertools.count(1)


def application_idle(application: Application) -> Callable[[], bool]:
    """For an in-process bot: true when no update is queued or being handled (replies all sent)."""

    def idle() -> bool:
        processor = application.update_processor
        return application.update_queue.empty() and processor.current_concurrent_updates == 0

    return idle


class EmulatorUser:
    """One person chatting with the bot: sends messages, clicks buttons, reads replies.

    With `bot_idle` (an in-process bot) a turn is complete when the emulator has handed every
    update over and the bot is idle; without it, when no new message came for `idle` seconds.
    """

    def __init__(
        self,
        http: httpx.AsyncClient,
        token: str,
        user_id: int,
        name: str = "王经理",
        *,
        bot_idle: Callable[[], bool] | None = None,
    ):
        self._http = http
        self.token = token
        self.user_id = user_id
        self.name = name
        self._bot_idle = bot_idle

    def _common(self) -> dict[str, Any]:
        person = {"id": self.user_id, "is_bot": False, "first_name": self.name}
        return {
            "botToken": self.token,
            "from": person,
            "chat": {"id": self.user_id, "type": "private", "first_name": self.name},
            "date": int(time.time()),
        }

    async def _post(self, path: str, payload: dict[str, Any]) -> None:
        response = await self._http.post(path, json=payload)
        response.raise_for_status()

    async def send(self, text: str) -> None:
        """Type a message; a leading "/word" is marked as a bot command like Telegram does."""
        payload = {**self._common(), "text": text}
        if text.startswith("/"):
            length = len(text.split(" ", 1)[0])
            payload["entities"] = [{"offset": 0, "length": length, "type": "bot_command"}]
            await self._post("/sendCommand", payload)
        else:
            await self._post("/sendMessage", payload)

    async def send_raw(self, **fields: Any) -> None:
        """A message with arbitrary content (sticker, voice, photo…)."""
        await self._post("/sendMessage", {**self._common(), **fields})

    async def upload(self, file_name: str, content: bytes, mime_type: str) -> None:
        payload = {
            **self._common(),
            "file_name": file_name,
            "mime_type": mime_type,
            "content_base64": base64.b64encode(content).decode("ascii"),
        }
        await self._post("/_innobot/sendDocument", payload)

    async def click(self, message: BotMessage, label: str) -> None:
        """Press the button with this label on a bot message."""
        data = next(d for row in message.buttons for lab, d in row if lab == label)
        common = self._common()
        bot_message = {
            "message_id": message.message_id,
            "date": common["date"],
            "chat": common["chat"],
            "from": {"id": 666, "is_bot": True, "first_name": "Bot"},
            "text": message.body,
        }
        payload = {
            "botToken": self.token,
            "from": common["from"],
            "message": bot_message,
            "data": data,
            "date": common["date"],
        }
        await self._post("/sendCallback", payload)

    async def replies(
        self,
        *,
        until: Callable[[list[BotMessage]], bool] | None = None,
        idle: float = 0.3,
        timeout: float = 15.0,
    ) -> list[BotMessage]:
        """Collect bot messages until at least one came (and `until` holds) and the turn is over."""
        got: list[BotMessage] = []
        deadline = time.monotonic() + timeout
        last_new = time.monotonic()
        settled_since: float | None = None
        while time.monotonic() < deadline:
            if self._bot_idle is not None:  # sample before reading, so nothing sent after is missed
                if not await self._settled():
                    settled_since = None
                elif settled_since is None:
                    settled_since = time.monotonic()
            response = await self._http.post(
                "/getUpdates", json={"token": self.token, "chatId": self.user_id}
            )
            response.raise_for_status()
            fresh = [_bot_message(item) for item in response.json()["result"]]
            if fresh:
                got.extend(fresh)
                last_new = time.monotonic()
            satisfied = bool(got) and (until is None or until(got))
            if self._bot_idle is not None:  # idle for a while: no fetched update still in transit
                done = settled_since is not None and time.monotonic() - settled_since >= 0.1
            else:
                done = time.monotonic() - last_new >= idle
            if satisfied and done:
                return got
            await asyncio.sleep(0.03)
        return got

    async def _settled(self) -> bool:
        response = await self._http.post("/_innobot/pending", json={"token": self.token})
        response.raise_for_status()
        return response.json()["result"] == 0 and self._bot_idle is not None and self._bot_idle()


def _bot_message(item: dict[str, Any]) -> BotMessage:
    message = item["message"]
    markup = message.get("reply_markup") or {}
    rows = markup.get("inline_keyboard", []) if isinstance(markup, dict) else []
    buttons = [[(b["text"], b.get("callback_data", "")) for b in row] for row in rows]
    return BotMessage(
        message_id=int(item["messageId"]),
        text=message.get("text"),
        caption=message.get("caption"),
        buttons=buttons,
        upload=message.get("_upload"),
    )


def new_token() -> str:
    """A distinct bot token per test, so the emulator's per-token storage isolates tests."""
    return f"{next(_ids)}{os.getpid()}:TEST-{time.monotonic_ns()}"
