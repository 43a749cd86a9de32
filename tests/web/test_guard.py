"""Bad input on the web: forged or expired sessions, CSRF-less posts, floods, huge or disguised
uploads, script in text — each refused with the right status and a Chinese message."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.channels.web.tokens import ChatCookies
from bot.storage import Database
from tests.web.conftest import XHR, build_rig, chat_client_cookie


def _chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


async def _error(response: object) -> str:
    body = await response.json()  # type: ignore[attr-defined]
    assert _chinese(body["error"]), body
    return str(body["error"])


async def test_every_response_carries_the_security_headers(client: TestClient) -> None:
    for path in ("/", "/assess", "/admin", "/static/chat.js", "/nowhere"):
        headers = (await client.get(path)).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp, path
        assert "frame-ancestors 'self'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"


async def test_frame_ancestors_is_configurable(sqlite_database: Database, tmp_path: Path) -> None:
    _, app = build_rig(sqlite_database, tmp_path, frame_ancestors="https://zone.example.cn")
    async with TestClient(TestServer(app)) as client:
        csp = (await client.get("/")).headers["Content-Security-Policy"]
    assert "frame-ancestors https://zone.example.cn" in csp


async def test_unknown_page_is_a_chinese_404(client: TestClient) -> None:
    response = await client.get("/nowhere")
    assert response.status == 404
    assert "页面不存在" in await response.text()


async def test_chat_without_a_cookie_or_with_a_forged_one_is_refused(client: TestClient) -> None:
    response = await client.post("/chat/send", json={"text": "你好"}, headers=XHR)
    assert response.status == 401
    assert "会话无效或已过期" in await _error(response)
    client.session.cookie_jar.update_cookies({"innobot_chat": "someone.1795794473.0000"})
    forged = await client.post("/chat/send", json={"text": "你好"}, headers=XHR)
    assert forged.status == 401


async def test_an_expired_chat_cookie_is_refused(client: TestClient) -> None:
    old = ChatCookies(b"test-secret", 30 * 86400, now=lambda: 1_000_000.0)
    _, value = old.issue()  # genuinely signed, but issued decades ago
    client.session.cookie_jar.update_cookies({"innobot_chat": value})
    response = await client.post("/chat/send", json={"text": "你好"}, headers=XHR)
    assert response.status == 401
    page = await client.get("/")  # the page hands out a fresh identity
    assert "innobot_chat" in page.cookies


async def test_posts_without_the_page_header_are_refused_as_csrf(client: TestClient) -> None:
    await chat_client_cookie(client)
    response = await client.post("/chat/send", json={"text": "你好"})
    assert response.status == 403
    assert "安全校验" in await _error(response)
    assess = await client.post("/assess/score", json={"rule_set": "cn-ref-2024", "figures": {}})
    assert assess.status == 403


async def test_script_in_a_question_comes_back_as_plain_text(client: TestClient) -> None:
    await chat_client_cookie(client)
    script = "<script>alert(1)</script>积分怎么算？"
    response = await client.post("/chat/send", json={"text": f"/ask {script}"}, headers=XHR)
    body = await response.json()
    assert response.status == 200
    assert response.content_type == "application/json"  # the page renders it with textContent
    assert body["replies"]


async def test_a_100_mb_upload_is_refused_before_it_is_read(client: TestClient) -> None:
    body = b"x" * (100 * 1024 * 1024)
    response = await client.post(
        "/api/v1/score/batch", data=body, headers={"Content-Type": "text/csv", "X-API-Key": "k"}
    )
    assert response.status == 413
    assert "文件太大了" in await _error(response)


async def test_an_oversized_json_body_is_refused(client: TestClient) -> None:
    await chat_client_cookie(client)
    response = await client.post("/chat/send", json={"text": "字" * 100_000}, headers=XHR)
    assert response.status == 413
    assert "内容太长" in await _error(response)


async def test_a_flood_from_one_address_is_turned_away_and_others_still_served(
    sqlite_database: Database, tmp_path: Path
) -> None:
    _, app = build_rig(sqlite_database, tmp_path, ip_rate=20.0, ip_burst=40)
    async with TestClient(TestServer(app)) as client:
        flood = {"X-Forwarded-For": "10.0.0.66"}

        async def hit() -> tuple[int, str]:
            response = await client.get("/api/v1/rule-sets", headers=flood)
            return response.status, await response.text()

        results = await asyncio.gather(*(hit() for _ in range(1000)))  # bounded: 1,000 requests
        other = await client.get("/api/v1/rule-sets", headers={"X-Forwarded-For": "10.0.0.7"})
    statuses = [status for status, _ in results]
    assert statuses.count(429) >= 800
    assert statuses.count(200) >= 40
    refusal = next(body for status, body in results if status == 429)
    assert "请求太频繁" in refusal
    assert other.status == 200


async def test_one_session_sending_too_fast_is_slowed_down(
    sqlite_database: Database, tmp_path: Path
) -> None:
    _, app = build_rig(sqlite_database, tmp_path, session_rate=0.5, session_burst=3)
    async with TestClient(TestServer(app)) as client:
        await chat_client_cookie(client)
        statuses = [
            (await client.post("/chat/send", json={"text": "/help"}, headers=XHR)).status
            for _ in range(6)
        ]
    assert statuses[:3] == [200, 200, 200]
    assert 429 in statuses[3:]


async def test_figures_never_reach_the_logs(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await chat_client_cookie(client)
    await client.post("/chat/send", json={"text": "营收 98765 万元，研发投入 4321 万元"}, headers=XHR)
    await client.post("/api/v1/score", json={"figures": {"revenue": "98765", "rd_expense": "4321"}})
    await client.post("/api/v1/score", json={"figures": {"revenue": "98765x"}})
    assert "98765" not in caplog.text and "4321" not in caplog.text


async def test_an_unexpected_failure_is_a_chinese_500(
    sqlite_database: Database, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    rig, app = build_rig(sqlite_database, tmp_path)

    def broken(question: str) -> object:
        raise RuntimeError(f"secret detail {question}")

    rig.answerer.answer = broken  # type: ignore[method-assign]
    async with TestClient(TestServer(app)) as client:
        response = await client.post("/api/v1/ask", json={"question": "营收 98765 怎么办"})
        assert response.status == 500
        message = await _error(response)
    assert "secret" not in message and "98765" not in caplog.text


def test_the_app_has_no_route_outside_its_areas(rig_and_app: tuple[object, web.Application]) -> None:
    prefixes = ("/", "/chat/", "/assess", "/admin", "/api/v1/", "/static", "/healthz")
    for resource in rig_and_app[1].router.resources():
        assert resource.canonical.startswith(prefixes)
