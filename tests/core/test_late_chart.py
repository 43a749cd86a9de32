"""Text first (图表随后): the score text never waits for the chart, and a failed chart loses nothing else."""

from __future__ import annotations

import time

from bot.core.late import resolve_late, split_late
from bot.core.types import Incoming, Reply
from tests.core.conftest import Rig
from tests.fakes.core import FAKE_PNG


async def _to_confirmation(rig: Rig, user: str) -> None:
    for text in ("/score 营收3000万，研发投入150万", "跳过", "就这些"):
        await rig.say(text, user)


async def _confirm(rig: Rig, user: str, *, defer: bool) -> list[Reply]:
    incoming = Incoming(channel="console", user_id=user, text="确认")
    return await rig.assistant.handle(incoming, defer_images=defer)


async def test_deferred_chart_follows_the_text(rig: Rig) -> None:
    await _to_confirmation(rig, "a")
    replies = await _confirm(rig, "a", defer=True)
    now, late = split_late(replies)
    assert "初步自评估" in now[0].text and all(r.image_png is None for r in now)
    assert len(late) == 1 and late[0].text == "各项得分图"
    drawn = await resolve_late(late)
    assert [r.image_png for r in drawn] == [FAKE_PNG]


async def test_a_slow_chart_does_not_hold_the_text(rig: Rig) -> None:
    rig.scoring.chart_delay = 0.5
    await _to_confirmation(rig, "b")
    start = time.perf_counter()
    replies = await _confirm(rig, "b", defer=True)
    assert time.perf_counter() - start < 0.4  # the text is back before the chart is drawn
    assert "初步自评估" in replies[0].text
    assert await resolve_late(split_late(replies)[1], timeout=0.05) == []  # timed out: left out


async def test_a_failing_chart_costs_only_the_picture(rig: Rig) -> None:
    rig.scoring.chart_failure = RuntimeError("renderer broke")
    await _to_confirmation(rig, "c")
    deferred = await _confirm(rig, "c", defer=True)
    assert await resolve_late(split_late(deferred)[1]) == []
    await _to_confirmation(rig, "d")
    in_place = await _confirm(rig, "d", defer=False)  # channels that do not defer: no image, no error
    texts = "\n".join(r.text for r in in_place)
    assert "初步自评估" in texts and "各项得分图" not in texts and "出错" not in texts
    assert all(r.later is None and r.image_png is None for r in in_place)


async def test_without_deferral_the_chart_stays_in_its_place(rig: Rig) -> None:
    await _to_confirmation(rig, "e")
    replies = await _confirm(rig, "e", defer=False)
    assert replies[1].image_png == FAKE_PNG and replies[1].later is None
    assert rig.scoring.charts_drawn == 1
