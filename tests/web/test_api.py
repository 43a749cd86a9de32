"""The JSON API keeps the CLI's --json contracts: ask, search, score (every rule set), batch."""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from aiohttp import FormData
from aiohttp.test_utils import TestClient, TestServer

import scoring
from bot.storage import Database
from tests.fakes.scoring import generate_firms
from tests.web.conftest import API_KEY, build_rig

FIRM = {"revenue": "3000", "rd_expense": "100", "employees": "50", "rd_staff": "3",
        "invention_patents": "1", "years_registered": "3", "high_tech_revenue": "2000"}


async def test_ask_returns_the_answer_with_citations(client: TestClient) -> None:
    response = await client.post("/api/v1/ask", json={"question": "创新积分怎么用？"})
    assert response.status == 200
    body = await response.json()
    assert body["grounded"] is True
    assert body["citations"][0]["title"] == "成都正式出台企业创新积分制实施方案"
    assert set(body) >= {"answer", "grounded", "citations"}


async def test_search_returns_hits_and_applies_filters(client: TestClient) -> None:
    response = await client.post("/api/v1/search", json={"query": "积分", "k": 2, "region": ["成都"]})
    hits = await response.json()
    assert response.status == 200
    assert [h["doc_id"] for h in hits] == ["d2", "d2"]
    assert {"doc_id", "title", "source", "date", "text", "score"} <= set(hits[0])


@pytest.mark.parametrize(
    ("payload", "status", "words"),
    [
        ({"query": "积分", "k": 0}, 400, "k 须在 1 到 50 之间"),
        ({"query": "  "}, 400, "问题不能为空"),
        ({"query": "积分", "date_from": "昨天"}, 400, "日期格式不正确"),
    ],
)
async def test_search_refuses_bad_parameters_in_chinese(
    client: TestClient, payload: dict[str, object], status: int, words: str
) -> None:
    response = await client.post("/api/v1/search", json=payload)
    assert response.status == status
    assert words in (await response.json())["error"]


@pytest.mark.parametrize("rule_set", ["cn-ref-2024", "tech-sme-2022", "high-tech-2016"])
async def test_score_equals_the_library_for_every_rule_set(client: TestClient, rule_set: str) -> None:
    response = await client.post("/api/v1/score", json={"rule_set": rule_set, "figures": FIRM})
    assert response.status == 200
    expected = json.loads(json.dumps(scoring.score(FIRM, rule_set).to_dict(), ensure_ascii=False))
    assert await response.json() == expected


async def test_score_reads_free_text_and_reports_what_it_understood(client: TestClient) -> None:
    response = await client.post("/api/v1/score", json={"text": "营收3000万，研发投入200万"})
    body = await response.json()
    assert response.status == 200
    assert {i["field"] for i in body["understood"]} == {"revenue", "rd_expense"}
    assert body["rule_set"] == "cn-ref-2024"


async def test_score_without_a_rule_set_uses_the_configured_default(sqlite_database: Database, tmp_path: Path) -> None:
    _, app = build_rig(sqlite_database, tmp_path / "data", default_rule_set="tech-sme-2022")
    async with TestClient(TestServer(app)) as client:
        response = await client.post("/api/v1/score", json={"figures": FIRM})
        body = await response.json()
    assert response.status == 200 and body["rule_set"] == "tech-sme-2022" and body["kind"] == "tech_sme"


async def test_score_names_each_bad_field_in_chinese(client: TestClient) -> None:
    response = await client.post(
        "/api/v1/score", json={"figures": {"revenue": "很多", "employees": "-5", "bogus": 1}}
    )
    body = await response.json()
    assert response.status == 422
    assert set(body["fields"]) == {"revenue", "employees", "bogus"}
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in m) for m in body["fields"].values())


async def test_rule_sets_lists_the_three_built_in_sets(client: TestClient) -> None:
    ids = {r["id"] for r in await (await client.get("/api/v1/rule-sets")).json()}
    assert {"cn-ref-2024", "tech-sme-2022", "high-tech-2016"} <= ids


def _sheet(rows: int = 12) -> bytes:
    frame = generate_firms(rows, seed=5, missing=0.0, invalid=0.0)
    out = io.BytesIO()
    frame.to_excel(out, index=False)
    return out.getvalue()


def _upload(data: bytes, name: str, rule_set: str = "cn-ref-2024") -> FormData:
    form = FormData()
    form.add_field("rule_set", rule_set)
    form.add_field("file", data, filename=name)
    return form


async def test_batch_needs_the_api_key(client: TestClient) -> None:
    missing = await client.post("/api/v1/score/batch", data=_upload(_sheet(), "firms.xlsx"))
    wrong = await client.post(
        "/api/v1/score/batch", data=_upload(_sheet(), "firms.xlsx"), headers={"X-API-Key": "nope"}
    )
    for response in (missing, wrong):
        assert response.status == 401
        assert "API 密钥无效" in (await response.json())["error"]


async def test_batch_returns_the_ranked_workbook(client: TestClient) -> None:
    response = await client.post(
        "/api/v1/score/batch", data=_upload(_sheet(12), "firms.xlsx"), headers={"X-API-Key": API_KEY}
    )
    assert response.status == 200
    assert response.headers["X-Innobot-Rows"] == "12"
    book = openpyxl.load_workbook(io.BytesIO(await response.read()))
    ranked = pd.read_excel(io.BytesIO(await response.read()), sheet_name="评分结果")
    assert len(ranked) == 12
    assert len(book.sheetnames) >= 2  # the ranked table and the top lists
