"""Console channel (终端): stdin lines in, replies on stdout; buttons become lettered options."""

from __future__ import annotations

import asyncio
import re
import shlex
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from bot.core.estimate.rule_sets import UPLOAD_SUFFIXES
from bot.core.late import resolve_late, split_late
from bot.core.ports import Assistant
from bot.core.types import Choice, Incoming, Reply

__all__ = ["ChartArchive", "ConsoleChannel"]

CHANNEL = "console"
PROMPT = "你> "
UPLOAD_COMMAND = "/upload"
NO_FILE = "找不到表格文件：{path}。用法：/upload 路径 [说明]，或把 .csv/.xlsx/.xls 文件拖进终端后回车。"


class ChartArchive:
    """Chart/document files the console saved, named by user so /forget can delete them."""

    def __init__(self, directory: Path) -> None:
        self._dir = directory
        self._count = 0

    def save(self, user_id: str, data: bytes, ext: str, at: datetime) -> Path:
        """Write one file and return its path."""
        self._dir.mkdir(parents=True, exist_ok=True)
        self._count += 1
        stamp = at.strftime("%Y%m%d-%H%M%S")
        path = self._dir / f"{stamp}-{_safe(user_id)}-{self._count}.{ext}"
        path.write_bytes(data)
        return path

    def forget_user(self, user_key: str) -> int:
        """Delete the console user's files (Forgettable)."""
        channel, _, user_id = user_key.partition(":")
        if channel != CHANNEL or not self._dir.is_dir():
            return 0
        gone = 0
        for path in self._dir.iterdir():
            parts = path.stem.split("-")  # stamp date, stamp time, user, counter
            if len(parts) == 4 and parts[2] == _safe(user_id):
                path.unlink(missing_ok=True)
                gone += 1
        return gone


def _key(index: int) -> str:
    """Option keys are letters, so a typed number is always a figure, never a button."""
    return chr(ord("a") + index) if index < 26 else f"z{index - 25}"


def _safe(user_id: str) -> str:
    return re.sub(r"[^\w]", "_", user_id)[:40]


class ConsoleChannel:
    """Translates terminal lines to Incoming and replies to text; charts go to files."""

    def __init__(
        self,
        assistant: Assistant,
        *,
        user_id: str,
        charts_dir: Path,
        archive: ChartArchive | None = None,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
        interactive: bool | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self._assistant = assistant
        self._user_id = user_id
        self._archive = archive or ChartArchive(charts_dir)
        self._in = stdin or sys.stdin
        self._out = stdout or sys.stdout
        self._interactive = self._in.isatty() if interactive is None else interactive
        self._clock = clock or (lambda: datetime.now(UTC))
        self._choices: list[Choice] = []

    async def run(self) -> None:
        """Greet when a person is typing, then handle lines until EOF or Ctrl-C."""
        try:
            if self._interactive:
                await self._send(Incoming(channel=CHANNEL, user_id=self._user_id, text="/start"))
            while True:
                line = await self._read_line()
                if line is None:
                    break
                incoming = self._to_incoming(line.rstrip("\r\n"))
                if incoming is None:
                    continue
                await self._send(incoming)
        except (KeyboardInterrupt, asyncio.CancelledError):
            pass
        if self._interactive:
            self._write("\n再见！")

    async def _read_line(self) -> str | None:
        if self._interactive:
            self._out.write(PROMPT)
            self._out.flush()
            line = await asyncio.to_thread(self._in.readline)
        else:
            line = self._in.readline()
        return line if line else None

    def _to_incoming(self, line: str) -> Incoming | None:
        """A typed option letter (or label) of the last buttons becomes a button press; a table
        file's path (dragged into the terminal) or `/upload 路径 [说明]` becomes an upload."""
        stripped = line.strip()
        if not stripped and not self._interactive:
            return None
        upload = self._upload(stripped) if "." in stripped else None
        if upload is not None:
            return upload
        if stripped.startswith(UPLOAD_COMMAND):  # asked for an upload: never read the path as a question
            self._write(NO_FILE.format(path=stripped.removeprefix(UPLOAD_COMMAND).strip() or "（未给出路径）"))
            return None
        for index, choice in enumerate(self._choices):
            if stripped.lower() in (_key(index), choice.label):
                self._write(f"已选：{_key(index)} {choice.label}")
                return Incoming(
                    channel=CHANNEL, user_id=self._user_id, kind="callback", callback_data=choice.data
                )
        return Incoming(channel=CHANNEL, user_id=self._user_id, text=line)

    def _upload(self, text: str) -> Incoming | None:
        """The named spreadsheet as a file message, the rest of the line its caption."""
        try:
            words = shlex.split(text.removeprefix(UPLOAD_COMMAND))
        except ValueError:  # an unbalanced quote: ordinary text
            return None
        path = Path(words[0]).expanduser() if words else None
        if path is None or path.suffix.lower() not in UPLOAD_SUFFIXES or not path.is_file():
            return None
        return Incoming(channel=CHANNEL, user_id=self._user_id, kind="file", text=" ".join(words[1:]),
                        file_name=path.name, file_bytes=path.read_bytes())

    async def _send(self, incoming: Incoming) -> None:
        replies = await self._assistant.handle(incoming, defer_images=True)
        now, late = split_late(replies)
        if any(reply.choices for reply in now):
            self._choices = []  # letters keep their meaning until the next prompt with buttons
        for reply in now:
            self._show(reply)
        for reply in await resolve_late(late):  # the chart's file line follows the text
            self._show(reply)
        if not self._interactive:
            self._out.write("\n")
            self._out.flush()

    def _show(self, reply: Reply) -> None:
        lines = [reply.text] if reply.text else []
        if reply.image_png:
            lines.append(f"[图片已保存：{self._save(reply.image_png, 'png')}]")
        if reply.document:
            lines.append(f"[文件已保存：{self._save(reply.document, reply.document_name or 'bin')}]")
        if reply.choices:
            start = len(self._choices)
            flat = [c for row in reply.choices for c in row]
            self._choices.extend(flat)
            options = "  ".join(f"[{_key(start + i)}] {c.label}" for i, c in enumerate(flat))
            lines.append(f"{options}  （输入字母选择）")
        if lines:
            self._write("\n".join(lines))

    def _save(self, data: bytes, suffix: str) -> Path:
        ext = suffix if "." not in suffix else suffix.rsplit(".", 1)[1]
        return self._archive.save(self._user_id, data, ext, self._clock())

    def _write(self, text: str) -> None:
        self._out.write(text + "\n")
        if self._interactive:
            self._out.write("\n")
        self._out.flush()
