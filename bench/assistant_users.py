"""The simulated users of bench_assistant: a question asker, a manager scoring the firm, a flooder
and an uploader, each timing the replies as a chat user would wait for them."""

from __future__ import annotations

import asyncio
import json
import random
import time
from pathlib import Path

from bench.benchutil import percentile
from bench.sidebyside import load_average
from bot.core.assistant import CoreAssistant
from bot.core.estimate.batch import MAX_UPLOAD_ROWS
from bot.core.late import resolve_late, split_late
from bot.core.types import Incoming, Reply

__all__ = ["DIALOGUE", "QUESTIONS", "UPLOAD_ROWS", "eval_questions", "kind_of", "others_latency",
           "upload_sheet", "user_session"]

REPO = Path(__file__).resolve().parent.parent
UPLOAD_ROWS = MAX_UPLOAD_ROWS  # the largest sheet the chat scores (10,000 rows are refused)

QUESTIONS = [
    "成都的企业创新积分制实施方案有哪些亮点？",
    "什么是企业创新积分制？",
    "南京如何打通科创金融服务最后一公里？",
    "积分贷是什么？",
    "科研助理岗位如何助推高校毕业生就业？",
    "德阳如何加速科技成果转化？",
]

DIALOGUE = [
    "/score 营收3000万，研发投入150万",
    "成都 软件",
    "2600",
    "120万",
    "职工总数120人，研发人员25人",
    "发明专利2件 实用新型3件",
    "跳过",
    "跳过",
    "跳过",
    "跳过",
    "跳过",
    "确认",
]


def kind_of(text: str) -> str:
    """What a bench message is: the dialogue's last step is the score, its others steps."""
    if text == DIALOGUE[-1]:
        return "score"
    return "step" if text in DIALOGUE else "question"


def eval_questions() -> list[str]:
    """Every distinct question of the repository's eval sets (the cache-off run asks these)."""
    seen: dict[str, None] = {}
    for path in sorted((REPO / "eval").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                seen[json.loads(line)["q"]] = None
    return list(seen)


async def user_session(
    assistant: CoreAssistant,
    user: str,
    script: list[str],
    out: list[float],
    by_kind: dict[str, list[float]] | None = None,
    think: float = 0.0,
) -> None:
    """One simulated user: sends its messages one after another, like a person."""
    if think:  # people arrive over the first think interval, not all in one millisecond (the burst run does that)
        await asyncio.sleep(random.uniform(0, think))
    for text in script:
        start = time.perf_counter()
        incoming = Incoming(channel="bench", user_id=user, text=text)
        replies = await assistant.handle(incoming, defer_images=True)  # as the bots ask
        elapsed = (time.perf_counter() - start) * 1000
        out.append(elapsed)
        now, late = split_late(replies)
        if by_kind is not None:
            kind = kind_of(text)
            by_kind.setdefault(kind, []).append(elapsed)
            if late:
                await _chart_delivered(late, start, by_kind.setdefault("chart", []))
        if not now:
            raise RuntimeError("no reply")
        # think time between messages (a person reads and types); 0 = a burst
        await asyncio.sleep(random.uniform(0.5 * think, 1.5 * think) if think else random.uniform(0, 0.01))


async def _chart_delivered(late: list[Reply], start: float, out: list[float]) -> None:
    """Wait for the chart like a channel does; record when it was ready (or that it failed)."""
    drawn = await resolve_late(late)
    if not drawn:
        raise RuntimeError("chart missing")
    out.append((time.perf_counter() - start) * 1000)


def upload_sheet(rows: int = UPLOAD_ROWS) -> bytes:
    """A CSV of `rows` firms with plausible figures (what a zone administrator uploads)."""
    rng = random.Random(11)
    lines = ["企业名称,营业收入,研发费用,职工总数,研发人员,有效发明专利"]
    for i in range(rows):
        revenue = rng.randint(300, 50_000)
        lines.append(
            f"企业{i:05d},{revenue},{rng.randint(0, revenue // 8)},{rng.randint(10, 800)},"
            f"{rng.randint(1, 9)},{rng.randint(0, 12)}"
        )
    return ("\n".join(lines) + "\n").encode("utf-8")


async def uploader(assistant: CoreAssistant, sheet: bytes) -> None:
    """One user uploading a large sheet to batch-score; prints how long it took."""
    start = time.perf_counter()
    replies = await assistant.handle(
        Incoming(channel="bench", user_id="uploader", kind="file", file_name="园区企业.csv", file_bytes=sheet)
    )
    took = time.perf_counter() - start
    ok = bool(replies and replies[0].document)
    print(f"  upload of {UPLOAD_ROWS} rows scored in {took:.1f}s ({'workbook returned' if ok else replies[0].text[:40]})")


async def others_latency(
    assistant: CoreAssistant, tag: str, flood: bool, sheet: bytes | None = None
) -> float:
    """p95 of 30 ordinary users asking 4 questions each, optionally while one user floods
    or uploads a large sheet."""
    samples: list[float] = []
    stop = asyncio.Event()
    flooded = [0, 0]

    async def one_flood_message() -> None:
        replies = await assistant.handle(
            Incoming(channel="bench", user_id="flooder", text=random.choice(QUESTIONS))
        )
        flooded[0 if "太多" not in replies[0].text else 1] += 1

    async def flooder() -> None:
        """One user firing a message every 2 ms without waiting for replies (500 msg/s)."""
        sent: list[asyncio.Task[None]] = []
        while not stop.is_set():
            sent.append(asyncio.create_task(one_flood_message()))
            await asyncio.sleep(0.002)
        await asyncio.gather(*sent)

    tasks = [asyncio.create_task(flooder())] if flood else []
    if sheet is not None:
        tasks.append(asyncio.create_task(uploader(assistant, sheet)))
    await asyncio.sleep(0.2 if tasks else 0)
    await asyncio.gather(
        *(user_session(assistant, f"{tag}{i}", random.sample(QUESTIONS, 4), samples) for i in range(30))
    )
    stop.set()
    await asyncio.gather(*tasks)
    p95 = percentile(samples, 95)
    extra = f"; flooder: {flooded[0]} handled, {flooded[1]} turned away" if flood else ""
    label = "with upload" if sheet is not None else ("with flood" if flood else "without flood")
    print(f"{label}: others p50={percentile(samples, 50):.1f}ms p95={p95:.1f}ms{extra}; load {load_average()}")
    return p95
