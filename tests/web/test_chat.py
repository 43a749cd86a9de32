"""The chat endpoint: the core's replies as JSON (folded sources, chips, inline chart)."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from bot.channels.web.chat import split_sources
from tests.web.conftest import XHR, chat_client_cookie


async def _say(client: TestClient, **payload: str) -> list[dict]:
    response = await client.post("/chat/send", json=payload, headers=XHR)
    assert response.status == 200, await response.text()
    return list((await response.json())["replies"])


async def test_welcome_comes_with_chips(client: TestClient) -> None:
    await chat_client_cookie(client)
    replies = await _say(client, text="/start")
    labels = [c["label"] for row in replies[0]["choices"] for c in row]
    assert "积分测算" in labels


async def test_answers_fold_their_sources(client: TestClient) -> None:
    await chat_client_cookie(client)
    replies = await _say(client, text="创新积分怎么用？")
    assert replies[0]["text"] == "企业创新积分制用积分为企业创新“画像”。"
    assert replies[0]["sources"] == ["《成都正式出台企业创新积分制实施方案》 科技情报参考 2023年第10期 2023-10"]


async def test_chips_send_their_data_and_the_dialogue_ends_in_a_chart(client: TestClient) -> None:
    await chat_client_cookie(client)
    await _say(client, callback="cmd:score")
    await _say(client, text="跳过")
    await _say(client, text="营收3000万，研发投入300万，职工80人，研发人员20人")
    confirm = await _say(client, text="就这些")
    data = next(c["data"] for r in confirm for row in r["choices"] for c in row if c["label"] == "确认")
    replies = await _say(client, callback=data)
    assert "分" in replies[0]["text"] and "image_url" not in replies[0]  # the text first …
    url = next(r["image_url"] for r in replies if r.get("image_url"))  # … then the chart, fetched
    chart = await client.get(url)
    assert chart.status == 200 and chart.content_type == "image/png"
    assert (await chart.read()).startswith(b"\x89PNG")
    assert (await client.get("/chat/chart/unknown")).status == 404


async def test_subscribing_on_the_web_says_where_digests_can_go(client: TestClient) -> None:
    await chat_client_cookie(client)
    for payload in ({"text": "订阅 积分贷 成都"}, {"text": "/subscribe 成都"}, {"callback": "sub:n:t0"}):
        replies = await _say(client, **payload)
        assert "微信公众号" in replies[0]["text"]


def test_split_sources_leaves_other_text_alone() -> None:
    assert split_sources("没有出处的回答", "出处：") == ("没有出处的回答", [])
    body, sources = split_sources("回答\n\n出处：\n· 《甲》 来源 2023\n· 《乙》 来源 2024", "出处：")
    assert body == "回答" and sources == ["《甲》 来源 2023", "《乙》 来源 2024"]


async def test_a_spreadsheet_sent_in_the_chat_comes_back_ranked(client: TestClient) -> None:
    import io

    from aiohttp import FormData

    from tests.web.test_api import _sheet

    await chat_client_cookie(client)
    form = FormData()
    form.add_field("caption", "")
    form.add_field("file", _sheet(6), filename="../<b>名单</b>.xlsx")
    response = await client.post("/chat/upload", data=form, headers=XHR)
    assert response.status == 200, await response.text()
    replies = (await response.json())["replies"]
    link = next(r["file"] for r in replies if r.get("file"))
    workbook = await client.get(link["url"])
    assert workbook.status == 200
    import openpyxl

    assert openpyxl.load_workbook(io.BytesIO(await workbook.read()))["评分结果"].max_row == 7
    image = FormData()
    image.add_field("file", b"\x89PNG\r\n\x1a\n" + bytes(64), filename="x.xlsx")
    refused = await client.post("/chat/upload", data=image, headers=XHR)
    assert refused.status == 415


async def test_a_chart_being_drawn_is_kept_for_its_owner_only_and_forgotten() -> None:
    import asyncio

    from bot.channels.web.shelf import FileShelf
    from bot.core.types import LateImage

    shelf = FileShelf(later_limit=2)
    drawn: asyncio.Future[bytes | None] = asyncio.get_running_loop().create_future()
    key = shelf.put_later("u1", LateImage(drawn))
    assert shelf.get_later(key, "u2") is None
    later = shelf.get_later(key, "u1")
    assert later is not None
    drawn.set_result(b"\x89PNG")
    assert await later.wait(1) == b"\x89PNG"
    older = [shelf.put_later("u1", LateImage(drawn)) for _ in range(2)]
    assert shelf.get_later(key, "u1") is None  # bounded: the oldest went first
    assert shelf.forget_user("web:u1") == 2 and shelf.get_later(older[-1], "u1") is None
